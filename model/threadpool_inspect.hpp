// Read-only inspection of the pool's state, for checker builds.
//
// The checker's properties need state that no probe reveals: reference
// counts, queue and idle-list membership, assignments.  These functions read
// it through the shared<> cells' read() (and a relaxed load for job_refcnt),
// so that under the checker each read is recorded like any other access.
// They take no lock: the checker calls them between steps, while no pool or
// client thread runs, and the thread-safety analysis is off for them for
// that reason.  Production code does not include this header.
//
//   pool_refcnt, pool_flags, pool_jobs, pool_idle_threads, pool_overseer
//   thread_job, thread_lwp, thread_pool, thread_is_overseer
//   job_thread, job_refcnt, job_lock
//   unbound_pools, percpu_pools     registry entries with their refcounts
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>
#include <vector>

#include "model/annotations.hpp"
#include "model/threadpool.hpp"

namespace vtp::inspect {

// Pools

template <class P>
std::uint64_t pool_refcnt(const threadpool<P>& pool, location loc = location::current())
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    return pool.tp_refcnt.read(loc);
}

template <class P>
int pool_flags(const threadpool<P>& pool, location loc = location::current())
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    return pool.tp_flags.read(loc);
}

// The jobs on the pool's queue (tp_jobs), first to last.
template <class P>
std::vector<const threadpool_job<P>*> pool_jobs(const threadpool<P>& pool,
                                                location loc = location::current())
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    std::vector<const threadpool_job<P>*> jobs;
    for (const threadpool_job<P>* job = job_head<P>::first(pool.tp_jobs, loc); job != nullptr;
         job = job_head<P>::next(job, loc))
        jobs.push_back(job);
    return jobs;
}

// The workers on the pool's idle list (tp_idle_threads), first to last.
template <class P>
std::vector<const threadpool_thread<P>*> pool_idle_threads(const threadpool<P>& pool,
                                                           location loc = location::current())
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    std::vector<const threadpool_thread<P>*> threads;
    for (const threadpool_thread<P>* thread = thread_head<P>::first(pool.tp_idle_threads, loc);
         thread != nullptr; thread = thread_head<P>::next(thread, loc))
        threads.push_back(thread);
    return threads;
}

template <class P>
const threadpool_thread<P>* pool_overseer(const threadpool<P>& pool) {
    return &pool.tp_overseer;
}

// Thread records

// The job assigned to a worker (tpt_job), or nullptr.
template <class P>
const threadpool_job<P>* thread_job(const threadpool_thread<P>& thread,
                                    location loc = location::current())
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    return thread.tpt_job.read(loc);
}

// The platform thread of a record (tpt_lwp), or nullptr before its creator
// published it.
template <class P>
typename P::thread* thread_lwp(const threadpool_thread<P>& thread,
                               location loc = location::current()) VTP_NO_THREAD_SAFETY_ANALYSIS {
    return thread.tpt_lwp.read(loc);
}

template <class P>
const threadpool<P>* thread_pool(const threadpool_thread<P>& thread) {
    return thread.tpt_pool;
}

// Returns whether the record is its pool's overseer rather than a worker.
template <class P>
bool thread_is_overseer(const threadpool_thread<P>& thread) {
    return thread.tpt_pool != nullptr && &thread == &thread.tpt_pool->tp_overseer;
}

// Jobs

// The thread a job is assigned to (job_thread): a worker, a pool's overseer
// while the job is queued, or nullptr.
template <class P>
const threadpool_thread<P>* job_thread(const threadpool_job<P>& job,
                                       location loc = location::current())
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    return job.job_thread.read(loc);
}

template <class P>
unsigned job_refcnt(const threadpool_job<P>& job, location loc = location::current()) {
    return job.job_refcnt.load(std::memory_order_relaxed, loc);
}

// The job's interlock, or nullptr before threadpool_job_init and after
// threadpool_job_destroy.
template <class P>
typename P::mutex* job_lock(const threadpool_job<P>& job, location loc = location::current()) {
    return job.job_lock.read(loc);
}

// Registry entries

template <class P>
struct unbound_entry {
    pri_t pri;
    const threadpool<P>* pool;
    std::uint64_t refcnt;  // tpu_refcnt: gets minus puts
};

template <class P>
struct percpu_entry {
    pri_t pri;
    const threadpool_percpu<P>* pool_percpu;
    std::uint64_t refcnt;                 // tpp_refcnt: gets minus puts
    std::vector<const threadpool<P>*> pools;  // by CPU index
};

// The registry's shared unbound pools, in list order (newest first).
template <class P>
std::vector<unbound_entry<P>> unbound_pools(const threadpool_registry<P>& reg,
                                            location loc = location::current())
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    std::vector<unbound_entry<P>> entries;
    for (const threadpool_unbound<P>* tpu = unbound_head<P>::first(reg.unbound_threadpools, loc);
         tpu != nullptr; tpu = unbound_head<P>::next(tpu, loc))
        entries.push_back({tpu->tpu_pool.tp_pri, &tpu->tpu_pool, tpu->tpu_refcnt.read(loc)});
    return entries;
}

// The registry's shared per-CPU collections, in list order (newest first).
template <class P>
std::vector<percpu_entry<P>> percpu_pools(const threadpool_registry<P>& reg,
                                          location loc = location::current())
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    std::vector<percpu_entry<P>> entries;
    for (const threadpool_percpu<P>* tpp = percpu_head<P>::first(reg.percpu_threadpools, loc);
         tpp != nullptr; tpp = percpu_head<P>::next(tpp, loc)) {
        percpu_entry<P> entry{tpp->tpp_pri, tpp, tpp->tpp_refcnt.read(loc), {}};
        for (const threadpool<P>* pool : tpp->tpp_percpu->pools)
            entry.pools.push_back(pool);
        entries.push_back(std::move(entry));
    }
    return entries;
}

}  // namespace vtp::inspect
