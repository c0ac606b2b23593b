// The probe table: every SDT probe of the reference, with its name and
// arguments, plus the probes this port adds for the checker.
//
// A probe marks a decision point of the pool (a creation race, an overseer
// spawn, an assignment, a thread start, exit or death).  Each is emitted
// through VTP_PROBE(name, args...), which calls a typed function generated
// from the table below, so the compiler checks the arguments.  The same
// name is the USDT probe name (provider "threadpool") in production and the
// event name in checker traces.
//
// Departure: the reference fires overseer__assign with (job, lwp) although
// it declares (pool, job, lwp); the port passes the declared arguments.
#pragma once

#include <cstdint>

#include "model/platform.hpp"

#if defined(VTP_USDT) && __has_include(<sys/sdt.h>)
// STAP_PROBEV, the variadic form, exists only with SDT_USE_VARIADIC.
#ifndef SDT_USE_VARIADIC
#define SDT_USE_VARIADIC 1
#endif
#include <sys/sdt.h>
#define VTP_USDT_FIRE(name, ...) STAP_PROBEV(threadpool, name, __VA_ARGS__)
#else
#define VTP_USDT_FIRE(name, ...) ((void)0)
#endif

namespace vtp {

// X(name, parameter list, probe_args initialiser, USDT arguments)
// The first 29 rows are the reference's probes, in the reference's order.
#define VTP_REFERENCE_PROBES(X)                                                              \
    X(get, (pri_t pri), (probe_args{.pri = pri}), pri)                                        \
    X(get__create, (pri_t pri), (probe_args{.pri = pri}), pri)                                \
    X(get__race, (pri_t pri), (probe_args{.pri = pri}), pri)                                  \
    X(put, (const void* pool, pri_t pri), (probe_args{.pool = pool, .pri = pri}), pool, pri) \
    X(put__destroy, (const void* pool, pri_t pri), (probe_args{.pool = pool, .pri = pri}),   \
      pool, pri)                                                                              \
    X(percpu__get, (pri_t pri), (probe_args{.pri = pri}), pri)                                \
    X(percpu__get__create, (pri_t pri), (probe_args{.pri = pri}), pri)                        \
    X(percpu__get__race, (pri_t pri), (probe_args{.pri = pri}), pri)                          \
    X(percpu__put, (const void* pool_percpu, pri_t pri),                                      \
      (probe_args{.pool = pool_percpu, .pri = pri}), pool_percpu, pri)                        \
    X(percpu__put__destroy, (const void* pool_percpu, pri_t pri),                             \
      (probe_args{.pool = pool_percpu, .pri = pri}), pool_percpu, pri)                        \
    X(create, (int cpu, pri_t pri), (probe_args{.pri = pri, .cpu = cpu}), cpu, pri)           \
    X(create__success, (int cpu, pri_t pri, const void* pool),                                \
      (probe_args{.pool = pool, .pri = pri, .cpu = cpu}), cpu, pri, pool)                     \
    X(create__failure, (int cpu, pri_t pri, int error),                                       \
      (probe_args{.pri = pri, .value = error, .cpu = cpu}), cpu, pri, error)                  \
    X(destroy, (const void* pool), (probe_args{.pool = pool}), pool)                          \
    X(destroy__wait, (const void* pool, std::uint64_t refcnt),                                \
      (probe_args{.pool = pool, .value = static_cast<long long>(refcnt)}), pool, refcnt)      \
    X(schedule__job, (const void* pool, const void* job),                                     \
      (probe_args{.pool = pool, .job = job}), pool, job)                                      \
    X(schedule__job__running, (const void* pool, const void* job),                            \
      (probe_args{.pool = pool, .job = job}), pool, job)                                      \
    X(schedule__job__overseer, (const void* pool, const void* job),                           \
      (probe_args{.pool = pool, .job = job}), pool, job)                                      \
    X(schedule__job__thread, (const void* pool, const void* job, const void* thread),         \
      (probe_args{.pool = pool, .job = job, .thread = thread}), pool, job, thread)            \
    X(overseer__start, (const void* pool), (probe_args{.pool = pool}), pool)                  \
    X(overseer__dying, (const void* pool), (probe_args{.pool = pool}), pool)                  \
    X(overseer__spawn, (const void* pool), (probe_args{.pool = pool}), pool)                  \
    X(overseer__race, (const void* pool, const void* job),                                    \
      (probe_args{.pool = pool, .job = job}), pool, job)                                      \
    X(overseer__assign, (const void* pool, const void* job, const void* thread),              \
      (probe_args{.pool = pool, .job = job, .thread = thread}), pool, job, thread)            \
    X(overseer__exit, (const void* pool), (probe_args{.pool = pool}), pool)                   \
    X(thread__start, (const void* pool), (probe_args{.pool = pool}), pool)                    \
    X(thread__dying, (const void* pool), (probe_args{.pool = pool}), pool)                    \
    X(thread__job, (const void* pool, const void* job),                                       \
      (probe_args{.pool = pool, .job = job}), pool, job)                                      \
    X(thread__exit, (const void* pool), (probe_args{.pool = pool}), pool)

// Probes the port adds, so that properties can observe events that no
// reference probe marks.  docs/porting.md gives the reason for each.
#define VTP_ADDED_PROBES(X)                                                                   \
    X(job__init, (const void* job), (probe_args{.job = job}), job)                            \
    X(job__destroy, (const void* job), (probe_args{.job = job}), job)                         \
    X(job__done, (const void* job, const void* thread),                                       \
      (probe_args{.job = job, .thread = thread}), job, thread)                                \
    X(cancel__async, (const void* pool, const void* job, bool cancelled),                     \
      (probe_args{.pool = pool, .job = job, .value = cancelled}), pool, job, cancelled)       \
    X(cancel__done, (const void* pool, const void* job),                                      \
      (probe_args{.pool = pool, .job = job}), pool, job)                                      \
    X(overseer__spawn__failure, (const void* pool, int error),                                \
      (probe_args{.pool = pool, .value = error}), pool, error)                                \
    X(thread__timeout, (const void* pool), (probe_args{.pool = pool}), pool)                  \
    X(destroy__done, (const void* pool), (probe_args{.pool = pool}), pool)

#define VTP_ALL_PROBES(X) VTP_REFERENCE_PROBES(X) VTP_ADDED_PROBES(X)

#define VTP_PROBE_ENUM(name, params, init, ...) name,
enum class probe_id : std::uint8_t { VTP_ALL_PROBES(VTP_PROBE_ENUM) };
#undef VTP_PROBE_ENUM

#define VTP_PROBE_COUNT(name, params, init, ...) +1
inline constexpr int reference_probe_count = 0 VTP_REFERENCE_PROBES(VTP_PROBE_COUNT);
inline constexpr int probe_count = 0 VTP_ALL_PROBES(VTP_PROBE_COUNT);
#undef VTP_PROBE_COUNT
static_assert(reference_probe_count == 29, "the reference defines 29 probes");

// Probe names as the reference spells them ("get__create").
inline constexpr const char* probe_names[] = {
#define VTP_PROBE_NAME(name, params, init, ...) #name,
    VTP_ALL_PROBES(VTP_PROBE_NAME)
#undef VTP_PROBE_NAME
};

inline constexpr const char* probe_name(probe_id id) {
    return probe_names[static_cast<int>(id)];
}

inline constexpr bool is_reference_probe(probe_id id) {
    return static_cast<int>(id) < reference_probe_count;
}

namespace probes {
#define VTP_PROBE_PARAMS(...) __VA_ARGS__
#define VTP_PROBE_FUNCTION(name, params, init, ...)                                 \
    template <class P>                                                              \
    inline void name(VTP_PROBE_PARAMS params, location loc = location::current()) { \
        VTP_USDT_FIRE(name, __VA_ARGS__);                                           \
        P::probe(probe_id::name, probe_args init, loc);                             \
    }
VTP_ALL_PROBES(VTP_PROBE_FUNCTION)
#undef VTP_PROBE_FUNCTION
#undef VTP_PROBE_PARAMS
}  // namespace probes

}  // namespace vtp

// Fires probe NAME of the pool on platform P (which must be in scope).
#define VTP_PROBE(name, ...) ::vtp::probes::name<P>(__VA_ARGS__)
