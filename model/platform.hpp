// The sync interface: what the thread pool needs from the machine below it.
//
// The pool in threadpool.hpp is written once, as templates over one
// platform type P.  Three platforms implement this interface:
//
//   std_platform      production: pthreads, futex-backed mutexes, USDT probes
//   sim_platform      the checker's controlled scheduler (checker/sim)
//   relacy_platform   Relacy Race Detector's primitives (checker/relacy)
//
// The table maps each need of the NetBSD reference to an element here.
//
//   reference                           platform element
//   ---------------------------------   -----------------------------------------
//   kmutex_t (adaptive, spin)           P::mutex, built with a mutex_kind
//   mutex_enter/exit, mutex_owned       lock(), unlock(), owned()
//   kcondvar_t                          P::condvar
//   cv_wait, cv_timedwait               wait(m), timed_wait(m, duration) -> timed out?
//   cv_signal, cv_broadcast             signal(), broadcast()
//   cv_has_waiters                      has_waiters()
//   atomic_* on job_refcnt              P::atomic<T> with explicit memory orders
//   fields guarded by a lock            P::shared<T>: a plain T in production
//   kthread_create                      P::thread_create(params, fn, arg, &thread)
//   curlwp, l_name                      P::current_thread(), P::thread_name/set
//   curcpu, cpu_index, ncpu             P::current_cpu(), P::cpu_count()
//   kpause                              P::pause(duration, interlock)
//   KASSERT, KASSERTMSG, panic          P::check_failed(kind, expression, message)
//   SDT_PROBE*                          P::probe(id, args) and USDT (probes.hpp)
//   kmem_zalloc/free, pool_cache_get/put P::make<T>(args...), P::dispose(T*)
//   (user space) a job that throws      P::job_exception(job name), called in a catch
//
// Every operation takes the caller's source location as a defaulted last
// argument, so that a checker trace points at the pool's own line.  File
// names are made relative to the repository by -ffile-prefix-map.
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <source_location>

#include "model/annotations.hpp"

namespace vtp {

using location = std::source_location;

// Priorities, with NetBSD's values.  PRI_NONE asks for the default.
using pri_t = int;
inline constexpr pri_t PRI_NONE = -1;
inline constexpr pri_t PRI_USER = 0;
inline constexpr pri_t PRI_KERNEL = 64;
inline constexpr pri_t PRI_KERNEL_RT = 192;
inline constexpr pri_t PRI_COUNT = 224;

// The two flavours of kmutex_t.  A platform may implement both alike; the
// checker records the kind so that reports can say which lock was which.
enum class mutex_kind : std::uint8_t { adaptive, spin };

// The three kinds of failure a check hook reports, kept apart in reports.
enum class check_kind : std::uint8_t {
    invariant,  // KASSERT: an internal invariant of the pool is broken
    misuse,     // KASSERTMSG: the caller broke the contract
    panic,      // panic(): a state that must never be reached
};

// Attributes of a thread to create, mirroring kthread_create's arguments.
struct thread_params {
    pri_t pri = PRI_NONE;
    bool timeshare = true;  // KTHREAD_TS: time-shared rather than fixed priority
    int cpu = -1;           // CPU index to bind to, or -1 for unbound
    char name[32] = {};     // "poolthread/CPU@PRI"; the platform may truncate
};

// Roles a probe argument can have; probes.hpp fills the ones a probe uses.
struct probe_args {
    const void* pool = nullptr;
    const void* job = nullptr;
    const void* thread = nullptr;  // a P::thread*, the reference's lwp
    pri_t pri = PRI_NONE;
    long long value = 0;  // error number, reference count or cancel result
    int cpu = -1;         // CPU index, or -1 for an unbound pool
};

enum class probe_id : std::uint8_t;  // defined in probes.hpp

// The concept every platform satisfies.  Members that need a type argument
// (atomic<T>, shared<T>) are checked for one representative type.
template <class P>
concept platform = requires {
    typename P::mutex;
    typename P::condvar;
    typename P::thread;
    typename P::template atomic<unsigned>;
    typename P::template atomic<int>;
    typename P::template shared<int>;
} && std::default_initializable<typename P::template atomic<unsigned>> &&
    std::constructible_from<typename P::template atomic<int>, int> &&
    std::default_initializable<typename P::template shared<int>> &&
    std::constructible_from<typename P::template shared<int>, int> &&
    requires(typename P::mutex& m, const typename P::mutex& cm,
              typename P::condvar& cv, const typename P::condvar& ccv,
              typename P::template atomic<unsigned>& a,
              typename P::template shared<int>& s,
              const typename P::template shared<int>& cs,
              typename P::thread* t, const thread_params& params,
              typename P::thread** out, void (*fn)(void*), void* arg,
              std::chrono::milliseconds ms, location loc, probe_id id,
              const probe_args& pargs, const char* text) {
    // mutex: kmutex_t
    // The location, where given, names the line that initialises the object.
    requires std::constructible_from<typename P::mutex, mutex_kind, const char*>;
    requires std::constructible_from<typename P::mutex, mutex_kind, const char*, location>;
    { m.lock(loc) } -> std::same_as<void>;
    { m.unlock(loc) } -> std::same_as<void>;
    { cm.owned() } -> std::same_as<bool>;

    // condition variable: kcondvar_t; timed_wait returns true on timeout
    requires std::constructible_from<typename P::condvar, const char*>;
    requires std::constructible_from<typename P::condvar, const char*, location>;
    { cv.wait(m, loc) } -> std::same_as<void>;
    { cv.timed_wait(m, ms, loc) } -> std::same_as<bool>;
    { cv.signal(loc) } -> std::same_as<void>;
    { cv.broadcast(loc) } -> std::same_as<void>;
    { ccv.has_waiters() } -> std::same_as<bool>;

    // atomics with explicit memory orders
    { a.load(std::memory_order_relaxed, loc) } -> std::same_as<unsigned>;
    { a.store(1u, std::memory_order_relaxed, loc) } -> std::same_as<void>;
    { a.fetch_add(1u, std::memory_order_relaxed, loc) } -> std::same_as<unsigned>;
    { a.fetch_sub(1u, std::memory_order_relaxed, loc) } -> std::same_as<unsigned>;

    // lock-guarded plain fields: read() and write() return references
    { cs.read(loc) } -> std::same_as<const int&>;
    { s.write(loc) } -> std::same_as<int&>;

    // threads: kthread_create, curlwp, l_name
    { P::thread_create(params, fn, arg, out, loc) } -> std::same_as<int>;
    { P::current_thread() } -> std::same_as<typename P::thread*>;
    { P::thread_name(t) } -> std::same_as<const char*>;
    { P::thread_set_name(t, text, loc) } -> std::same_as<void>;

    // CPUs and time
    { P::cpu_count() } -> std::same_as<int>;
    { P::current_cpu() } -> std::same_as<int>;
    { P::pause(ms, m, loc) } -> std::same_as<void>;

    // The location is a defaulted last argument: the pool omits it, so that
    // the default, evaluated at the call, names the pool's own line.
    m.lock();
    m.unlock();
    cv.wait(m);
    cv.timed_wait(m, ms);
    cv.signal();
    cv.broadcast();
    a.load(std::memory_order_relaxed);
    a.store(1u, std::memory_order_relaxed);
    a.fetch_add(1u, std::memory_order_acq_rel);
    a.fetch_sub(1u, std::memory_order_acq_rel);
    cs.read();
    s.write();
    P::thread_create(params, fn, arg, out);
    P::thread_set_name(t, text);
    P::pause(ms, m);

    // memory for pools, thread records and per-CPU tables: under the checker
    // disposed memory stays mapped until the execution ends, so that a late
    // access is reported as a use of a destroyed object instead of crashing
    { P::template make<int>(1) } -> std::same_as<int*>;
    { P::dispose(static_cast<int*>(nullptr)) } -> std::same_as<void>;

    // check and probe hooks
    { P::check_failed(check_kind::invariant, text, text, loc) };
    { P::job_exception(text, loc) };
    { P::probe(id, pargs, loc) } -> std::same_as<void>;
    { P::checks_enabled } -> std::convertible_to<bool>;
};

// Optional members.  A platform without them still satisfies `platform`; the
// pool then skips the one check that needs each of them.
//
// thread_bound_cpu(t) returns the CPU index that thread t is bound to, or -1
// for an unbound thread: the reference's LP_BOUND flag, which the overseer and
// the workers of a per-CPU pool check on entry.
template <class P>
concept platform_reports_binding = requires(typename P::thread* t) {
    { P::thread_bound_cpu(t) } -> std::same_as<int>;
};

// thread_set_owner(t, owner) records which object thread t works for, and
// thread_owner(t) returns it (nullptr until set).  Each pool thread records
// its pool, so that destroying a pool from one of its own threads, which
// would wait for that thread forever, is reported as misuse.  Only thread t
// itself sets or reads its owner.
template <class P>
concept platform_records_owner = requires(typename P::thread* t, const void* owner) {
    { P::thread_owner(t) } -> std::same_as<const void*>;
    { P::thread_set_owner(t, owner) } -> std::same_as<void>;
};

}  // namespace vtp
