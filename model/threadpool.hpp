// The thread pool: NetBSD's threadpool(9) (kern_threadpool.c, revision 1.19),
// ported to C++20 as templates over a platform type P (model/platform.hpp).
//
// A pool is a set of worker threads plus one overseer thread.  A worker is
// either idle, waiting for a job, or running exactly one job.  The overseer
// runs no jobs: it receives the jobs that arrive while no worker is idle,
// creates workers on demand and hands each such job to a worker.  Scheduling
// a job never allocates, and it waits only for the pool's spin lock: the job
// record is the caller's, and the queue links live inside it.  Idle workers
// exit after the registry's idle timeout, so a pool without work shrinks to
// its overseer.
//
//   threadpool_schedule_job(pool, job)
//       |
//       +-- a worker is idle: assign the job to it and wake it
//       +-- none is idle: queue the job on tp_jobs, wake the overseer
//
//   +--pool (unbound, or bound to one CPU)-----------------------------+
//   |  <overseer>  creates a worker when jobs wait and none is idle,   |
//   |              then hands the first queued job to an idle worker   |
//   |  tp_jobs:          job -> job -> ...     (assigned to overseer)  |
//   |  tp_idle_threads:  <idle> -> <idle> -> ...  (exit after idle_ms) |
//   |  <running a> <running b> ...  (each until its job calls          |
//   |                                threadpool_job_done)              |
//   +-------------------------------------------------------------------+
//
// Pools are shared: one unbound pool per priority, and one per-CPU
// collection per priority (a pool for each CPU, whose threads are bound to
// it), each found in a threadpool_registry and reference-counted by get/put.
//
// Use:
//
//   struct my_work { vtp::prod::job job; vtp::prod::mutex lock{...}; ... };
//
//   threadpool_get(&pool, PRI_NONE);                    // or threadpool_percpu_get
//   threadpool_job_init(&w->job, my_fn, &w->lock, "my-work");
//   w->lock.lock();
//   threadpool_schedule_job(pool, &w->job);             // no-op while scheduled
//   w->lock.unlock();
//   ...   my_fn(job) runs on a worker; it ends with, under the interlock,
//         threadpool_job_done(job), after which the pool never touches job
//   w->lock.lock();
//   threadpool_cancel_job(pool, &w->job);               // waits if it runs
//   w->lock.unlock();
//   threadpool_job_destroy(&w->job);
//   threadpool_put(pool, PRI_NONE);
//
// Reading guide.  Every function, field and probe keeps its name in the
// reference, and every function keeps the reference's order of operations,
// so that the two can be read side by side.  The reference's globals live in
// threadpool_registry<P>.  Each departure from the reference is marked at its
// place with a comment starting "Departure:" and listed in docs/porting.md,
// including the fixes of the reference's defects that the checker found.
// One suspected defect is kept unchanged and marked "Suspected defect".
// Every field guarded by a lock is a P::shared<T> cell accessed through
// read() and write(), so that the checker records each access; KASSERT, KASSERTMSG and panic are VTP_KASSERT,
// VTP_KASSERTMSG and VTP_PANIC (model/checks.hpp); SDT probes are VTP_PROBE
// (model/probes.hpp).
#pragma once

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <type_traits>
#include <vector>

#include "model/annotations.hpp"
#include "model/checks.hpp"
#include "model/platform.hpp"
#include "model/probes.hpp"
#include "model/tailq.hpp"

namespace vtp {

// Size of a job's name buffer, NUL included, as NetBSD's MAXCOMLEN.
inline constexpr std::size_t MAXCOMLEN = 16;

// tp_flags: the pool is being destroyed and its threads are to exit.
inline constexpr int THREADPOOL_DYING = 0x01;

template <class P> struct threadpool;
template <class P> struct threadpool_percpu;
template <class P> struct threadpool_job;
template <class P> struct threadpool_thread;
template <class P> class threadpool_registry;

template <class P>
using threadpool_job_fn_t = void (*)(threadpool_job<P>*);

// Data structures

// A job: the caller allocates it (usually inside a larger record), binds it
// to an interlock with threadpool_job_init, and never touches its fields.
template <class P>
struct threadpool_job {
    threadpool_job() noexcept {}
    ~threadpool_job() {}
    threadpool_job(const threadpool_job&) = delete;
    threadpool_job& operator=(const threadpool_job&) = delete;

    // The caller's interlock.  Written only by threadpool_job_init and
    // threadpool_job_destroy, while no pool thread can reach the job, so every
    // other reader reads it without a lock.
    typename P::template shared<typename P::mutex*> job_lock;

    // protected by the interlock (*job_lock)
    //
    // The thread the job is assigned to: the overseer while the job waits on
    // a pool's queue, the worker from assignment until threadpool_job_done,
    // and nullptr otherwise.
    typename P::template shared<threadpool_thread<P>*> job_thread VTP_GUARDED_BY(*job_lock.read());

    // protected by the tp_lock of the pool whose tp_jobs queue holds the job
    typename P::template shared<tailq_link<threadpool_job>> job_entry;

    // References to the job: one from threadpool_schedule_job until the job
    // is cancelled or done, plus the overseer's temporary one while it hands
    // the job over.
    //
    // The overseer takes its reference under tp_lock while everyone else
    // changes the count under the interlock, so two changes can overlap and
    // each must be one atomic read-modify-write, like the reference's
    // atomic_inc_uint_nv and atomic_dec_uint_nv.  They use acq_rel, the
    // usual order for a reference count: a decrement publishes the
    // decrementing thread's accesses to the job to the thread that sees the
    // count drop.  The pool relies on the locks for that today, since every
    // reader of the count holds the interlock; acq_rel keeps the count
    // correct on its own, and costs nothing on x86, where every locked
    // read-modify-write is a full barrier.  Reads are relaxed loads under the
    // interlock, as in the reference.
    typename P::template atomic<unsigned> job_refcnt;

    // Lives from threadpool_job_init to threadpool_job_destroy (cv_init and
    // cv_destroy); waited on with the interlock by cancel and destroy.
    union {
        typename P::condvar job_cv;
    };

    // Written only by threadpool_job_init and threadpool_job_destroy, like
    // job_lock; read without a lock by the worker that runs the job.
    typename P::template shared<threadpool_job_fn_t<P>> job_fn;

    // While the job runs, its worker's thread name points here.
    char job_name[MAXCOMLEN] = {};
};

// A pool thread: the overseer (embedded in its pool) or a worker.
template <class P>
struct threadpool_thread {
    threadpool_thread() noexcept {}
    explicit threadpool_thread(threadpool<P>* pool) noexcept
        : tpt_lwp(nullptr), tpt_pool(pool), tpt_job(nullptr), tpt_registry(pool->tp_registry) {}
    ~threadpool_thread() {}
    threadpool_thread(const threadpool_thread&) = delete;
    threadpool_thread& operator=(const threadpool_thread&) = delete;

    // protected by tpt_pool->tp_lock
    //
    // The thread, published by its creator once it is on the idle list (for
    // a worker) or once the pool is set up (for the overseer).  job_done
    // reads it with only the interlock held: see threadpool_thread_lwp_unlocked.
    typename P::template shared<typename P::thread*> tpt_lwp VTP_GUARDED_BY(tpt_pool->tp_lock);
    // The thread's own name, saved while it runs a job.  Written by the worker
    // under tp_lock and read back by job_done on the same thread without it:
    // see threadpool_thread_savedname_unlocked.
    typename P::template shared<const char*> tpt_lwp_savedname VTP_GUARDED_BY(tpt_pool->tp_lock);

    // Set before the thread starts and never changed.
    threadpool<P>* tpt_pool = nullptr;

    // protected by tpt_pool->tp_lock
    //
    // The job assigned to a worker, or nullptr while it is idle.  Unused for
    // the overseer, whose jobs wait on tp_jobs.
    typename P::template shared<threadpool_job<P>*> tpt_job VTP_GUARDED_BY(tpt_pool->tp_lock);

    // Lives from cv_init (threadpool_create for the overseer, the overseer's
    // spawn for a worker) to cv_destroy.  Waited on with tpt_pool->tp_lock.
    union {
        typename P::condvar tpt_cv;
    };

    // protected by tpt_pool->tp_lock: the link on tp_idle_threads
    typename P::template shared<tailq_link<threadpool_thread>> tpt_entry
        VTP_GUARDED_BY(tpt_pool->tp_lock);

    // Departure: the registry whose idle timeout the thread obeys, in place
    // of the reference's global.  Set before the thread starts.
    threadpool_registry<P>* tpt_registry = nullptr;
};

// A pool.  tp_lock is a spin mutex in the reference (IPL_VM), because jobs
// may be scheduled from interrupt context.  Each platform decides what a
// spin mutex is in its world.
template <class P>
struct threadpool {
    threadpool() noexcept {}
    ~threadpool() {}
    threadpool(const threadpool&) = delete;
    threadpool& operator=(const threadpool&) = delete;

    // Lives from threadpool_create (mutex_init) to threadpool_destroy
    // (mutex_destroy).
    union {
        typename P::mutex tp_lock;
    };

    // The overseer's record.
    threadpool_thread<P> tp_overseer;

    // protected by tp_lock
    //
    // Jobs waiting for the overseer to hand them to a worker.
    typename P::template shared<tailq_head<threadpool_job<P>>> tp_jobs VTP_GUARDED_BY(tp_lock);
    // Workers without a job.
    typename P::template shared<tailq_head<threadpool_thread<P>>> tp_idle_threads
        VTP_GUARDED_BY(tp_lock);
    // One for the overseer and one for each worker, including a worker that
    // the overseer is creating.
    typename P::template shared<std::uint64_t> tp_refcnt VTP_GUARDED_BY(tp_lock);
    // THREADPOOL_DYING once threadpool_destroy has started.
    typename P::template shared<int> tp_flags VTP_GUARDED_BY(tp_lock);

    // Set by threadpool_create and never changed.
    //
    // Departure: the CPU is an index (0 to P::cpu_count() - 1), or -1 for an
    // unbound pool, in place of a struct cpu_info pointer.
    int tp_cpu = -1;
    pri_t tp_pri = PRI_NONE;
    // Departure: the registry the pool belongs to, in place of globals.
    threadpool_registry<P>* tp_registry = nullptr;
};

// A shared unbound pool with its registry entry.
template <class P>
struct threadpool_unbound {
    threadpool<P> tpu_pool;

    // protected by the registry's threadpools_lock
    typename P::template shared<tailq_link<threadpool_unbound>> tpu_link
        VTP_GUARDED_BY(tpu_pool.tp_registry->threadpools_lock);
    typename P::template shared<std::uint64_t> tpu_refcnt
        VTP_GUARDED_BY(tpu_pool.tp_registry->threadpools_lock);
};

// The per-CPU storage of a per-CPU collection (the reference's percpu_t):
// slot i holds the pool bound to CPU i, or nullptr where its creation
// failed.  Filled by threadpool_percpu_create and then never changed, so it
// is read without a lock.
template <class P>
struct threadpool_percpu_table {
    explicit threadpool_percpu_table(int ncpu) : pools(static_cast<std::size_t>(ncpu), nullptr) {}

    std::vector<threadpool<P>*> pools;
};

// A shared per-CPU collection with its registry entry.
template <class P>
struct threadpool_percpu {
    // Set by threadpool_percpu_create and never changed.
    threadpool_percpu_table<P>* tpp_percpu = nullptr;
    pri_t tpp_pri = PRI_NONE;
    // Departure: the registry the collection belongs to, in place of globals.
    threadpool_registry<P>* tpp_registry = nullptr;

    // protected by the registry's threadpools_lock
    typename P::template shared<tailq_link<threadpool_percpu>> tpp_link
        VTP_GUARDED_BY(tpp_registry->threadpools_lock);
    typename P::template shared<std::uint64_t> tpp_refcnt
        VTP_GUARDED_BY(tpp_registry->threadpools_lock);
};

// The intrusive lists: the reference's TAILQ_HEAD(job_head, ...),
// TAILQ_HEAD(thread_head, ...) and its two LIST_HEADs of shared pools.
template <class P>
using job_head = tailq<P, threadpool_job<P>, &threadpool_job<P>::job_entry>;
template <class P>
using thread_head = tailq<P, threadpool_thread<P>, &threadpool_thread<P>::tpt_entry>;
template <class P>
using unbound_head = tailq<P, threadpool_unbound<P>, &threadpool_unbound<P>::tpu_link>;
template <class P>
using percpu_head = tailq<P, threadpool_percpu<P>, &threadpool_percpu<P>::tpp_link>;

// The reference's global state: the lists of shared pools, the lock that
// guards them, the idle timeout (sysctl kern.threadpool.idle_ms) and the pause
// after a failed worker creation.
//
// Departure: the reference keeps these in globals.  Here a registry is an
// object: production uses process_default(), and the checker builds a fresh
// one for every execution.  Every pool and thread record points to its
// registry.
template <class P>
class threadpool_registry {
public:
    static constexpr int default_idle_ms = 30 * 1000;
    static constexpr int default_retry_pause_ms = 1000;

    threadpool_registry()
        : threadpools_lock(mutex_kind::adaptive, "threadpools_lock"),
          idle_ms_(default_idle_ms),
          retry_pause_ms_(default_retry_pause_ms) {}

    // Departure: destroying a registry whose pools are still in use is
    // reported as misuse.  Nothing else can use the registry any more, so
    // the lists are read without the lock.
    ~threadpool_registry() VTP_NO_THREAD_SAFETY_ANALYSIS {
        VTP_KASSERTMSG(unbound_head<P>::empty(unbound_threadpools) &&
                           percpu_head<P>::empty(percpu_threadpools),
                       "threadpool registry %p destroyed while unbound pool %p or per-CPU "
                       "pool %p is still in use",
                       static_cast<const void*>(this),
                       static_cast<const void*>(unbound_head<P>::first(unbound_threadpools)),
                       static_cast<const void*>(percpu_head<P>::first(percpu_threadpools)));
    }

    threadpool_registry(const threadpool_registry&) = delete;
    threadpool_registry& operator=(const threadpool_registry&) = delete;

    // Returns the process-wide registry that the get and put functions use
    // when given none.  It is never destroyed, so that pool threads still
    // running at exit never see a destroyed registry.
    static threadpool_registry& process_default() {
        static threadpool_registry* const registry = new threadpool_registry();
        return *registry;
    }

    // Sets how long an idle worker waits for a job before it exits.  Returns
    // EINVAL for ms < 1 (0 would mean forever), else 0.  Workers already
    // waiting keep the timeout they started with.
    int set_idle_ms(int ms) {
        if (ms < 1)
            return EINVAL;
        idle_ms_.store(ms, std::memory_order_relaxed);
        return 0;
    }

    int idle_ms() const { return idle_ms_.load(std::memory_order_relaxed); }

    // Sets how long the overseer pauses after it failed to create a worker,
    // before it tries again (the reference's kpause of one second).  Returns
    // EINVAL for ms < 1, else 0.  The pause is not cut short by destroy.
    int set_retry_pause_ms(int ms) {
        if (ms < 1)
            return EINVAL;
        retry_pause_ms_.store(ms, std::memory_order_relaxed);
        return 0;
    }

    int retry_pause_ms() const { return retry_pause_ms_.load(std::memory_order_relaxed); }

    // An adaptive mutex, as in the reference.
    typename P::mutex threadpools_lock;

    // protected by threadpools_lock
    typename P::template shared<tailq_head<threadpool_unbound<P>>> unbound_threadpools
        VTP_GUARDED_BY(threadpools_lock);
    typename P::template shared<tailq_head<threadpool_percpu<P>>> percpu_threadpools
        VTP_GUARDED_BY(threadpools_lock);

private:
    // Tunables, like the reference's sysctl variable read without a lock:
    // each is one independent value that no other data depends on, so a
    // relaxed load suffices, and a change reaches a waiting worker at its
    // next wait.
    typename P::template atomic<int> idle_ms_;
    typename P::template atomic<int> retry_pause_ms_;
};

// Prototypes of the functions that the reference keeps static.

template <class P> void threadpool_hold(threadpool<P>* pool) VTP_REQUIRES(pool->tp_lock);
template <class P> void threadpool_rele(threadpool<P>* pool) VTP_REQUIRES(pool->tp_lock);

template <class P>
int threadpool_percpu_create(threadpool_percpu<P>** pool_percpup, pri_t pri,
                             threadpool_registry<P>& reg);
template <class P> void threadpool_percpu_destroy(threadpool_percpu<P>* pool_percpu);
template <class P>
void threadpool_percpu_init(threadpool<P>** poolp, pri_t pri, int cpu, threadpool_registry<P>& reg);
template <class P> void threadpool_percpu_ok(threadpool<P>** poolp, bool* okp, int cpu);
template <class P> void threadpool_percpu_fini(threadpool<P>** poolp, int cpu);

template <class P> void threadpool_job_dead(threadpool_job<P>* job);

template <class P> void threadpool_job_hold(threadpool_job<P>* job);
template <class P>
void threadpool_job_rele(threadpool_job<P>* job) VTP_REQUIRES(*job->job_lock.read());

// The thread bodies given to P::thread_create.  They live in a namespace of
// their own because C++ does not let the function threadpool_thread share
// its name with the class template threadpool_thread in one namespace.
namespace kthread {
template <class P> void threadpool_overseer_thread(void* arg);
template <class P> void threadpool_thread(void* arg);
}  // namespace kthread

// Unlocked reads and lock identities

// Tells the thread-safety analysis that the lock guarding THREAD's fields is
// the pool lock the caller holds, and checks it.  The analysis cannot see
// that thread->tpt_pool is pool.  The capability stays asserted for the rest
// of the caller's body, also across an unlock, so the analysis no longer
// checks those fields there.  The checker's race detection still does.
template <class P>
inline void threadpool_assert_thread_locked(const threadpool<P>* pool,
                                            const threadpool_thread<P>* thread)
    VTP_REQUIRES(pool->tp_lock) VTP_ASSERT_CAPABILITY(thread->tpt_pool->tp_lock) {
    VTP_KASSERT(thread->tpt_pool == pool);
}

// Checks that the caller holds the job's interlock, the reference's
// KASSERT(mutex_owned(job->job_lock)), and tells the analysis so.  The
// public functions that need the interlock use this in place of
// VTP_REQUIRES: their caller locks its own mutex, and the analysis cannot
// tell that it is the one job_lock points to.
template <class P>
inline void threadpool_job_assert_locked(const threadpool_job<P>* job,
                                         location loc = location::current())
    VTP_ASSERT_CAPABILITY(*job->job_lock.read()) {
    // Departure: the reference's KASSERT, with a message for the caller.
    VTP_KASSERTMSG_AT(loc, job->job_lock.read()->owned(),
                      "job %p (\"%s\"): the caller must hold the job's interlock, the mutex "
                      "given to threadpool_job_init",
                      static_cast<const void*>(job), job->job_name);
}

// The same as threadpool_assert_thread_locked for a registry entry and the
// registry lock held as reg.threadpools_lock.
template <class P>
inline void threadpool_assert_registry_locked(const threadpool_registry<P>& reg,
                                              const threadpool_unbound<P>* tpu)
    VTP_REQUIRES(reg.threadpools_lock)
        VTP_ASSERT_CAPABILITY(tpu->tpu_pool.tp_registry->threadpools_lock) {
    VTP_KASSERT(tpu->tpu_pool.tp_registry == &reg);
}

template <class P>
inline void threadpool_assert_registry_locked(const threadpool_registry<P>& reg,
                                              const threadpool_percpu<P>* tpp)
    VTP_REQUIRES(reg.threadpools_lock) VTP_ASSERT_CAPABILITY(tpp->tpp_registry->threadpools_lock) {
    VTP_KASSERT(tpp->tpp_registry == &reg);
}

// Reads a thread's tpt_lwp without tp_lock, as job_done's and cancel's
// checks do.  The overseer writes tpt_lwp once, under tp_lock, before the
// thread can be assigned any job, and a job is assigned under its interlock,
// so a reader holding the job's interlock is ordered after that write.
template <class P>
inline typename P::thread* threadpool_thread_lwp_unlocked(const threadpool_thread<P>* thread)
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    return thread->tpt_lwp.read();
}

// Reads a worker's saved name without tp_lock, as job_done does.  Only the
// worker itself writes the field, just before it runs the job, and job_done
// runs on that same worker, so no other thread's write can race with this
// read.
template <class P>
inline const char* threadpool_thread_savedname_unlocked(const threadpool_thread<P>* thread)
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    return thread->tpt_lwp_savedname.read();
}

// Reads job_thread without the interlock, as threadpool_job_destroy's checks
// do.  By contract the job is neither scheduled nor running when its owner
// destroys it, so no pool thread writes the field.  A caller that breaks the
// contract makes this read a data race, which the checker reports.
template <class P>
inline threadpool_thread<P>* threadpool_job_thread_unlocked(const threadpool_job<P>* job)
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    return job->job_thread.read();
}

// Shared pool registry

template <class P>
threadpool_unbound<P>* threadpool_lookup_unbound(pri_t pri, threadpool_registry<P>& reg)
    VTP_REQUIRES(reg.threadpools_lock) {
    for (threadpool_unbound<P>* tpu = unbound_head<P>::first(reg.unbound_threadpools);
         tpu != nullptr; tpu = unbound_head<P>::next(tpu)) {
        if (tpu->tpu_pool.tp_pri == pri)
            return tpu;
    }
    return nullptr;
}

template <class P>
void threadpool_insert_unbound(threadpool_unbound<P>* tpu, threadpool_registry<P>& reg)
    VTP_REQUIRES(reg.threadpools_lock) {
    VTP_KASSERT(threadpool_lookup_unbound(tpu->tpu_pool.tp_pri, reg) == nullptr);
    unbound_head<P>::insert_head(reg.unbound_threadpools, tpu);
}

template <class P>
void threadpool_remove_unbound(threadpool_unbound<P>* tpu, threadpool_registry<P>& reg)
    VTP_REQUIRES(reg.threadpools_lock) {
    VTP_KASSERT(threadpool_lookup_unbound(tpu->tpu_pool.tp_pri, reg) == tpu);
    unbound_head<P>::remove(reg.unbound_threadpools, tpu);
}

template <class P>
threadpool_percpu<P>* threadpool_lookup_percpu(pri_t pri, threadpool_registry<P>& reg)
    VTP_REQUIRES(reg.threadpools_lock) {
    for (threadpool_percpu<P>* tpp = percpu_head<P>::first(reg.percpu_threadpools); tpp != nullptr;
         tpp = percpu_head<P>::next(tpp)) {
        if (tpp->tpp_pri == pri)
            return tpp;
    }
    return nullptr;
}

template <class P>
void threadpool_insert_percpu(threadpool_percpu<P>* tpp, threadpool_registry<P>& reg)
    VTP_REQUIRES(reg.threadpools_lock) {
    VTP_KASSERT(threadpool_lookup_percpu(tpp->tpp_pri, reg) == nullptr);
    percpu_head<P>::insert_head(reg.percpu_threadpools, tpp);
}

template <class P>
void threadpool_remove_percpu(threadpool_percpu<P>* tpp, threadpool_registry<P>& reg)
    VTP_REQUIRES(reg.threadpools_lock) {
    VTP_KASSERT(threadpool_lookup_percpu(tpp->tpp_pri, reg) == tpp);
    percpu_head<P>::remove(reg.percpu_threadpools, tpp);
}

// Thread pool creation

constexpr bool threadpool_pri_is_valid(pri_t pri) {
    return pri == PRI_NONE || (pri >= PRI_USER && pri < PRI_COUNT);
}

// Fills the attributes of a pool thread the way the reference calls
// kthread_create: time-shared below PRI_KERNEL, bound to the pool's CPU, and
// named "<role>/<cpu>@<pri>".
template <class P>
thread_params threadpool_thread_params(const threadpool<P>* pool, const char* role) {
    thread_params params;
    params.pri = pool->tp_pri;
    params.timeshare = pool->tp_pri < PRI_KERNEL;
    params.cpu = pool->tp_cpu;
    std::snprintf(params.name, sizeof params.name, "%s/%d@%d", role, pool->tp_cpu,
                  static_cast<int>(pool->tp_pri));
    return params;
}

// Sets up the pool at POOL and starts its overseer.  Returns 0, or the
// error of the overseer's creation.
//
// The analysis is off here because the reference writes and, on failure,
// checks the new pool's fields without tp_lock: before the overseer starts,
// no other thread can see the pool, and when it fails to start, none ever
// does.
template <class P>
int threadpool_create(threadpool<P>* const pool, int cpu, pri_t pri, threadpool_registry<P>& reg)
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    typename P::thread* lwp = nullptr;
    int error;

    VTP_KASSERT(threadpool_pri_is_valid(pri));

    VTP_PROBE(create, cpu, pri);

    // Set up the lock, the empty lists and the overseer's reference.
    std::construct_at(&pool->tp_lock, mutex_kind::spin, "tp_lock", location::current());
    pool->tp_jobs.write() = tailq_head<threadpool_job<P>>{};
    pool->tp_idle_threads.write() = tailq_head<threadpool_thread<P>>{};
    pool->tp_refcnt.write() = 1;  // the overseer's reference
    pool->tp_flags.write() = 0;
    pool->tp_cpu = cpu;
    pool->tp_pri = pri;
    pool->tp_registry = &reg;

    // Set up the overseer's record; its thread is published below.
    pool->tp_overseer.tpt_lwp.write() = nullptr;
    pool->tp_overseer.tpt_pool = pool;
    pool->tp_overseer.tpt_job.write() = nullptr;
    pool->tp_overseer.tpt_registry = &reg;
    std::construct_at(&pool->tp_overseer.tpt_cv, "poolover", location::current());

    // Start the overseer.  Departure: a user-space thread from
    // P::thread_create (pthreads in production) in place of kthread_create,
    // with the same binding, priority and name.
    const thread_params params = threadpool_thread_params(pool, "pooloverseer");
    error = P::thread_create(params, &kthread::threadpool_overseer_thread<P>, &pool->tp_overseer,
                             &lwp);
    if (error == 0) {
        // Publish the overseer's thread: it waits for this before it starts.
        pool->tp_lock.lock();
        pool->tp_overseer.tpt_lwp.write() = lwp;
        pool->tp_overseer.tpt_cv.broadcast();
        pool->tp_lock.unlock();

        VTP_PROBE(create__success, cpu, pri, pool);
        return 0;
    }

    // The reference's fail0 path.
    //
    // Departure: give back the overseer's reference before checking that the
    // pool is empty.  The reference checks tp_refcnt == 0 while it still
    // holds the 1 set above, so any failure to create the overseer ends in
    // that check instead of an error return (found by the checker in the
    // overseer_creation_failure scenario; docs/verification.md).
    VTP_KASSERT(error);
    VTP_KASSERT(pool->tp_refcnt.read() == 1);
    pool->tp_refcnt.write() = 0;
    VTP_KASSERT(pool->tp_overseer.tpt_job.read() == nullptr);
    VTP_KASSERT(pool->tp_overseer.tpt_pool == pool);
    VTP_KASSERT(pool->tp_flags.read() == 0);
    VTP_KASSERT(pool->tp_refcnt.read() == 0);
    VTP_KASSERT(thread_head<P>::empty(pool->tp_idle_threads));
    VTP_KASSERT(job_head<P>::empty(pool->tp_jobs));
    VTP_KASSERT(!pool->tp_overseer.tpt_cv.has_waiters());
    std::destroy_at(&pool->tp_overseer.tpt_cv);
    std::destroy_at(&pool->tp_lock);
    VTP_PROBE(create__failure, cpu, pri, error);
    return error;
}

// Thread pool destruction

// Checks the state of a pool whose threads have all exited, as the
// reference does after its wait in threadpool_destroy.  The analysis is off
// because the reference reads these fields without tp_lock: the last thread
// dropped its reference under tp_lock before destroy's wait ended, and no
// thread remains to write them.
template <class P>
void threadpool_assert_destroyed(threadpool<P>* pool) VTP_NO_THREAD_SAFETY_ANALYSIS {
    VTP_KASSERT(pool->tp_overseer.tpt_job.read() == nullptr);
    VTP_KASSERT(pool->tp_overseer.tpt_pool == pool);
    VTP_KASSERT(pool->tp_flags.read() == THREADPOOL_DYING);
    VTP_KASSERT(pool->tp_refcnt.read() == 0);
    VTP_KASSERT(thread_head<P>::empty(pool->tp_idle_threads));
    VTP_KASSERT(job_head<P>::empty(pool->tp_jobs));
    VTP_KASSERT(!pool->tp_overseer.tpt_cv.has_waiters());
}

// Stops the pool's threads and tears the pool down.  The job queue must be
// empty; running jobs may still be running, and their workers exit after
// threadpool_job_done.
template <class P>
void threadpool_destroy(threadpool<P>* pool) {
    VTP_PROBE(destroy, pool);

    // Departure: destroying a pool from one of its own threads would wait
    // for that thread forever; report it as misuse instead.
    if constexpr (platform_records_owner<P>) {
        VTP_KASSERTMSG(P::thread_owner(P::current_thread()) != pool,
                       "threadpool_destroy: pool %p is destroyed by its own thread \"%s\", "
                       "which it would wait for forever; put the pool from another thread",
                       static_cast<const void*>(pool), P::thread_name(P::current_thread()));
    }

    // Mark the pool dying, wake its threads and wait until all have exited.
    pool->tp_lock.lock();
    VTP_KASSERT(job_head<P>::empty(pool->tp_jobs));
    pool->tp_flags.write() |= THREADPOOL_DYING;
    pool->tp_overseer.tpt_cv.broadcast();
    for (threadpool_thread<P>* thread = thread_head<P>::first(pool->tp_idle_threads);
         thread != nullptr; thread = thread_head<P>::next(thread))
        thread->tpt_cv.broadcast();
    while (0 < pool->tp_refcnt.read()) {
        VTP_PROBE(destroy__wait, pool, pool->tp_refcnt.read());
        pool->tp_overseer.tpt_cv.wait(pool->tp_lock);
    }
    pool->tp_lock.unlock();

    threadpool_assert_destroyed(pool);
    std::destroy_at(&pool->tp_overseer.tpt_cv);
    std::destroy_at(&pool->tp_lock);

    VTP_PROBE(destroy__done, pool);
}

template <class P>
void threadpool_hold(threadpool<P>* pool) VTP_REQUIRES(pool->tp_lock) {
    VTP_KASSERT(pool->tp_lock.owned());
    pool->tp_refcnt.write()++;
    VTP_KASSERT(pool->tp_refcnt.read() != 0);
}

template <class P>
void threadpool_rele(threadpool<P>* pool) VTP_REQUIRES(pool->tp_lock) {
    VTP_KASSERT(pool->tp_lock.owned());
    VTP_KASSERT(0 < pool->tp_refcnt.read());
    if (--pool->tp_refcnt.write() == 0)
        pool->tp_overseer.tpt_cv.broadcast();
}

// Unbound thread pools

// Returns the threadpool_unbound that embeds POOL (the reference's
// container_of).  offsetof on a class that may not be standard-layout is
// conditionally supported; GCC and Clang support it for classes without
// virtual bases, and tpu_pool is the first member anyway.
template <class P>
threadpool_unbound<P>* threadpool_unbound_of(threadpool<P>* pool) {
    static_assert(!std::is_polymorphic_v<threadpool_unbound<P>>);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
    constexpr std::size_t offset = offsetof(threadpool_unbound<P>, tpu_pool);
#pragma GCC diagnostic pop
    return reinterpret_cast<threadpool_unbound<P>*>(reinterpret_cast<char*>(pool) - offset);
}

// Stores in *poolp the shared unbound pool for priority pri, creating it on
// first use, and takes a reference to it.  Returns 0, EINVAL for an invalid
// priority, or the error of the overseer's creation.  May sleep.
template <class P>
int threadpool_get(threadpool<P>** poolp, pri_t pri,
                   threadpool_registry<P>& reg = threadpool_registry<P>::process_default()) {
    threadpool_unbound<P>* tpu;
    threadpool_unbound<P>* tmp = nullptr;
    int error;

    VTP_PROBE(get, pri);

    if (!threadpool_pri_is_valid(pri))
        return EINVAL;

    reg.threadpools_lock.lock();
    tpu = threadpool_lookup_unbound(pri, reg);
    if (tpu == nullptr) {
        // Create a pool without the registry lock, then publish it unless
        // another caller published one meanwhile.
        reg.threadpools_lock.unlock();
        VTP_PROBE(get__create, pri);
        tmp = P::template make<threadpool_unbound<P>>();
        error = threadpool_create(&tmp->tpu_pool, -1, pri, reg);
        if (error) {
            P::dispose(tmp);
            return error;
        }
        reg.threadpools_lock.lock();
        tpu = threadpool_lookup_unbound(pri, reg);
        if (tpu == nullptr) {
            tpu = tmp;
            tmp = nullptr;
            threadpool_insert_unbound(tpu, reg);
        } else {
            VTP_PROBE(get__race, pri);
        }
    }
    VTP_KASSERT(tpu != nullptr);
    threadpool_assert_registry_locked(reg, tpu);
    tpu->tpu_refcnt.write()++;
    VTP_KASSERT(tpu->tpu_refcnt.read() != 0);
    reg.threadpools_lock.unlock();

    // Destroy the pool that lost the race.
    if (tmp != nullptr) {
        threadpool_destroy(&tmp->tpu_pool);
        P::dispose(tmp);
    }
    VTP_KASSERT(tpu != nullptr);
    *poolp = &tpu->tpu_pool;
    return 0;
}

// Drops a reference taken by threadpool_get with the same priority; the last
// one destroys the pool.  May sleep.
template <class P>
void threadpool_put(threadpool<P>* pool, pri_t pri, threadpool_registry<P>& reg) {
    threadpool_unbound<P>* tpu = threadpool_unbound_of(pool);

    VTP_KASSERT(threadpool_pri_is_valid(pri));
    // Departure: a pool given back to a registry other than its own is
    // reported as misuse.
    VTP_KASSERTMSG(&reg == pool->tp_registry,
                   "threadpool_put: pool %p belongs to registry %p, not to registry %p",
                   static_cast<const void*>(pool), static_cast<const void*>(pool->tp_registry),
                   static_cast<const void*>(&reg));

    VTP_PROBE(put, pool, pri);

    reg.threadpools_lock.lock();
    VTP_KASSERT(tpu == threadpool_lookup_unbound(pri, reg));
    threadpool_assert_registry_locked(reg, tpu);
    VTP_KASSERT(0 < tpu->tpu_refcnt.read());
    if (--tpu->tpu_refcnt.write() == 0) {
        VTP_PROBE(put__destroy, pool, pri);
        threadpool_remove_unbound(tpu, reg);
    } else {
        tpu = nullptr;
    }
    reg.threadpools_lock.unlock();

    if (tpu) {
        threadpool_destroy(&tpu->tpu_pool);
        P::dispose(tpu);
    }
}

// Departure: without a registry argument, put uses the pool's own registry,
// which is process_default() for every pool got without one.
template <class P>
void threadpool_put(threadpool<P>* pool, pri_t pri) {
    threadpool_put(pool, pri, *pool->tp_registry);
}

// Per-CPU thread pools

// Stores in *pool_percpup the shared per-CPU collection for priority pri,
// creating it on first use, and takes a reference to it.  Returns 0, EINVAL
// for an invalid priority, or ENOMEM when a CPU's pool could not be created.
// May sleep.
template <class P>
int threadpool_percpu_get(threadpool_percpu<P>** pool_percpup, pri_t pri,
                          threadpool_registry<P>& reg = threadpool_registry<P>::process_default()) {
    threadpool_percpu<P>* pool_percpu;
    threadpool_percpu<P>* tmp = nullptr;
    int error;

    VTP_PROBE(percpu__get, pri);

    if (!threadpool_pri_is_valid(pri))
        return EINVAL;

    reg.threadpools_lock.lock();
    pool_percpu = threadpool_lookup_percpu(pri, reg);
    if (pool_percpu == nullptr) {
        // Create a collection without the registry lock, then publish it
        // unless another caller published one meanwhile.
        reg.threadpools_lock.unlock();
        VTP_PROBE(percpu__get__create, pri);
        error = threadpool_percpu_create(&tmp, pri, reg);
        if (error)
            return error;
        VTP_KASSERT(tmp != nullptr);
        reg.threadpools_lock.lock();
        pool_percpu = threadpool_lookup_percpu(pri, reg);
        if (pool_percpu == nullptr) {
            pool_percpu = tmp;
            tmp = nullptr;
            threadpool_insert_percpu(pool_percpu, reg);
        } else {
            VTP_PROBE(percpu__get__race, pri);
        }
    }
    VTP_KASSERT(pool_percpu != nullptr);
    threadpool_assert_registry_locked(reg, pool_percpu);
    pool_percpu->tpp_refcnt.write()++;
    VTP_KASSERT(pool_percpu->tpp_refcnt.read() != 0);
    reg.threadpools_lock.unlock();

    // Destroy the collection that lost the race.
    if (tmp != nullptr)
        threadpool_percpu_destroy(tmp);
    VTP_KASSERT(pool_percpu != nullptr);
    *pool_percpup = pool_percpu;
    return 0;
}

// Drops a reference taken by threadpool_percpu_get with the same priority;
// the last one destroys every CPU's pool.  May sleep.
template <class P>
void threadpool_percpu_put(threadpool_percpu<P>* pool_percpu, pri_t pri,
                           threadpool_registry<P>& reg) {
    VTP_KASSERT(threadpool_pri_is_valid(pri));
    // Departure: a collection given back to a registry other than its own is
    // reported as misuse.
    VTP_KASSERTMSG(&reg == pool_percpu->tpp_registry,
                   "threadpool_percpu_put: per-CPU pool %p belongs to registry %p, not to "
                   "registry %p",
                   static_cast<const void*>(pool_percpu),
                   static_cast<const void*>(pool_percpu->tpp_registry),
                   static_cast<const void*>(&reg));

    // The reference declares this probe's first argument as a pool but
    // passes the collection; the probe table names it pool_percpu.
    VTP_PROBE(percpu__put, pool_percpu, pri);

    reg.threadpools_lock.lock();
    VTP_KASSERT(pool_percpu == threadpool_lookup_percpu(pri, reg));
    threadpool_assert_registry_locked(reg, pool_percpu);
    VTP_KASSERT(0 < pool_percpu->tpp_refcnt.read());
    if (--pool_percpu->tpp_refcnt.write() == 0) {
        VTP_PROBE(percpu__put__destroy, pool_percpu, pri);
        threadpool_remove_percpu(pool_percpu, reg);
    } else {
        pool_percpu = nullptr;
    }
    reg.threadpools_lock.unlock();

    if (pool_percpu)
        threadpool_percpu_destroy(pool_percpu);
}

// Departure: without a registry argument, put uses the collection's own
// registry, which is process_default() for every collection got without one.
template <class P>
void threadpool_percpu_put(threadpool_percpu<P>* pool_percpu, pri_t pri) {
    threadpool_percpu_put(pool_percpu, pri, *pool_percpu->tpp_registry);
}

// Returns the pool of the CPU the caller runs on.  Takes no reference: the
// pool lives until the collection's last put.  The kernel keeps the caller
// on its CPU while it reads the slot (percpu_getref).  A user-space thread
// may move to another CPU right after the read.  It then schedules on the
// pool of the CPU it left, which is still a valid pool.
template <class P>
threadpool<P>* threadpool_percpu_ref(threadpool_percpu<P>* pool_percpu) {
    const int cpu = P::current_cpu();
    VTP_KASSERT(0 <= cpu && static_cast<std::size_t>(cpu) < pool_percpu->tpp_percpu->pools.size());
    return pool_percpu->tpp_percpu->pools[static_cast<std::size_t>(cpu)];
}

// Returns the pool of CPU index cpu.  Takes no reference, like
// threadpool_percpu_ref.
template <class P>
threadpool<P>* threadpool_percpu_ref_remote(threadpool_percpu<P>* pool_percpu, int cpu) {
    // Departure: a kernel cpu_info pointer is always valid, but an index
    // can be out of range; report that as misuse.
    VTP_KASSERTMSG(0 <= cpu &&
                       static_cast<std::size_t>(cpu) < pool_percpu->tpp_percpu->pools.size(),
                   "threadpool_percpu_ref_remote: CPU index %d is out of range [0, %zu)", cpu,
                   pool_percpu->tpp_percpu->pools.size());
    return pool_percpu->tpp_percpu->pools[static_cast<std::size_t>(cpu)];
}

// Frees a per-CPU table, destroying each CPU's pool (the reference's
// percpu_free, which calls threadpool_percpu_fini for every CPU).
template <class P>
void threadpool_percpu_free(threadpool_percpu_table<P>* table) {
    for (std::size_t cpu = 0; cpu < table->pools.size(); cpu++)
        threadpool_percpu_fini(&table->pools[cpu], static_cast<int>(cpu));
    P::dispose(table);
}

template <class P>
int threadpool_percpu_create(threadpool_percpu<P>** pool_percpup, pri_t pri,
                             threadpool_registry<P>& reg) {
    threadpool_percpu<P>* pool_percpu;
    bool ok = true;

    pool_percpu = P::template make<threadpool_percpu<P>>();
    pool_percpu->tpp_pri = pri;
    pool_percpu->tpp_registry = &reg;
    // Create a pool for every CPU (the reference's percpu_create, which calls
    // threadpool_percpu_init for every CPU).
    pool_percpu->tpp_percpu = P::template make<threadpool_percpu_table<P>>(P::cpu_count());
    for (std::size_t cpu = 0; cpu < pool_percpu->tpp_percpu->pools.size(); cpu++)
        threadpool_percpu_init(&pool_percpu->tpp_percpu->pools[cpu], pri, static_cast<int>(cpu),
                               reg);

    // Check that every CPU got its pool.  CPUs are fixed for the life of the
    // process here, as in the reference, which has no CPU hotplug either.
    for (std::size_t cpu = 0; cpu < pool_percpu->tpp_percpu->pools.size(); cpu++)
        threadpool_percpu_ok(&pool_percpu->tpp_percpu->pools[cpu], &ok, static_cast<int>(cpu));
    if (!ok) {
        threadpool_percpu_free(pool_percpu->tpp_percpu);
        P::dispose(pool_percpu);
        return ENOMEM;
    }

    *pool_percpup = pool_percpu;
    return 0;
}

template <class P>
void threadpool_percpu_destroy(threadpool_percpu<P>* pool_percpu) {
    threadpool_percpu_free(pool_percpu->tpp_percpu);
    P::dispose(pool_percpu);
}

template <class P>
void threadpool_percpu_init(threadpool<P>** poolp, pri_t pri, int cpu,
                            threadpool_registry<P>& reg) {
    int error;

    *poolp = P::template make<threadpool<P>>();
    error = threadpool_create(*poolp, cpu, pri, reg);
    if (error) {
        // Departure: accept any creation error.  The reference checks
        // error == ENOMEM, but thread creation also fails with EAGAIN (a
        // thread limit), and that check then ends threadpool_percpu_get in a
        // check failure instead of an error return (found by the checker in
        // the percpu_creation_failure scenario; docs/verification.md).
        VTP_KASSERT(error != 0);
        P::dispose(*poolp);
        *poolp = nullptr;
    }
}

// The reference stores with atomic_store_relaxed because percpu_foreach
// gives no ordering promise; here the caller's loop is sequential, so a
// plain store suffices.
template <class P>
void threadpool_percpu_ok(threadpool<P>** poolp, bool* okp, [[maybe_unused]] int cpu) {
    if (*poolp == nullptr)
        *okp = false;
}

template <class P>
void threadpool_percpu_fini(threadpool<P>** poolp, [[maybe_unused]] int cpu) {
    if (*poolp == nullptr)  // its creation failed
        return;
    threadpool_destroy(*poolp);
    P::dispose(*poolp);
}

// Thread pool jobs

// Binds a job to its function and interlock, and names it from a printf
// format (truncated to MAXCOMLEN - 1 characters).  To change the function,
// destroy the job and initialise it again.
//
// The analysis is off because the job is not shared yet: its fields are
// written without the interlock.
template <class P>
__attribute__((format(printf, 4, 5))) void threadpool_job_init(
    threadpool_job<P>* job, std::type_identity_t<threadpool_job_fn_t<P>> fn,
    typename P::mutex* lock, const char* fmt, ...) VTP_NO_THREAD_SAFETY_ANALYSIS {
    va_list ap;

    va_start(ap, fmt);
    (void)std::vsnprintf(job->job_name, sizeof(job->job_name), fmt, ap);
    va_end(ap);

    job->job_lock.write() = lock;
    job->job_thread.write() = nullptr;
    job->job_refcnt.store(0, std::memory_order_relaxed);
    std::construct_at(&job->job_cv, job->job_name, location::current());
    job->job_fn.write() = fn;

    VTP_PROBE(job__init, job);
}

// The function of a destroyed job.
template <class P>
void threadpool_job_dead(threadpool_job<P>* job) {
    VTP_PANIC("threadpool job %p ran after destruction", static_cast<const void*>(job));
}

// Waits until the pool holds no reference to the job, then marks it dead.
// The job must be neither scheduled nor running: cancel it with
// threadpool_cancel_job first.  May sleep.
template <class P>
void threadpool_job_destroy(threadpool_job<P>* job) {
    // Departure: a misuse check.  A second destroy would lock the null
    // interlock that the first one left behind.
    VTP_KASSERTMSG(job->job_lock.read() != nullptr,
                   "threadpool_job_destroy: job %p was destroyed already, or never initialised "
                   "with threadpool_job_init",
                   static_cast<const void*>(job));

    // Suspected defect of the reference, kept: this check reads job_thread
    // without the interlock, a data race when the caller breaks the contract.
    VTP_KASSERTMSG(threadpool_job_thread_unlocked(job) == nullptr,
                   "threadpool_job_destroy: job %p (\"%s\") is still scheduled or running on "
                   "thread record %p; cancel it with threadpool_cancel_job first",
                   static_cast<const void*>(job), job->job_name,
                   static_cast<const void*>(threadpool_job_thread_unlocked(job)));

    // Wait for the overseer's temporary reference, if any, to go away.
    job->job_lock.read()->lock();
    while (0 < job->job_refcnt.load(std::memory_order_relaxed))
        job->job_cv.wait(*job->job_lock.read());
    job->job_lock.read()->unlock();

    job->job_lock.write() = nullptr;
    VTP_KASSERT(threadpool_job_thread_unlocked(job) == nullptr);
    VTP_KASSERT(job->job_refcnt.load(std::memory_order_relaxed) == 0);
    VTP_KASSERT(!job->job_cv.has_waiters());
    std::destroy_at(&job->job_cv);
    job->job_fn.write() = &threadpool_job_dead<P>;
    std::snprintf(job->job_name, sizeof(job->job_name), "%s", "deadjob");

    VTP_PROBE(job__destroy, job);
}

template <class P>
void threadpool_job_hold(threadpool_job<P>* job) {
    [[maybe_unused]] const unsigned refcnt =
        job->job_refcnt.fetch_add(1u, std::memory_order_acq_rel) + 1u;
    VTP_KASSERT(refcnt != 0);
}

template <class P>
void threadpool_job_rele(threadpool_job<P>* job) VTP_REQUIRES(*job->job_lock.read()) {
    VTP_KASSERT(job->job_lock.read()->owned());

    const unsigned refcnt = job->job_refcnt.fetch_sub(1u, std::memory_order_acq_rel) - 1u;
    VTP_KASSERT(refcnt != UINT_MAX);
    if (refcnt == 0)
        job->job_cv.broadcast();
}

// Ends a run of the job.  The job's function calls it exactly once per run,
// on the thread running the job, with the interlock held.  After it, no pool
// thread touches the job, so the caller may destroy and free the job as
// soon as it drops the interlock.
template <class P>
void threadpool_job_done(threadpool_job<P>* job) {
    threadpool_job_assert_locked(job);
    // Departure: the reference's KASSERTs, with messages for the caller.
    VTP_KASSERTMSG(job->job_thread.read() != nullptr,
                   "threadpool_job_done: job %p (\"%s\") is not running: job_done was called "
                   "twice, or outside the job's function",
                   static_cast<const void*>(job), job->job_name);
    VTP_KASSERTMSG(threadpool_thread_lwp_unlocked(job->job_thread.read()) == P::current_thread(),
                   "threadpool_job_done: job %p (\"%s\") runs on another thread: only the "
                   "job's own function may call job_done",
                   static_cast<const void*>(job), job->job_name);

    // Restore the thread's own name, so that it no longer points into the
    // job, which its owner may free once we return.
    P::thread_set_name(P::current_thread(),
                       threadpool_thread_savedname_unlocked(job->job_thread.read()));

    // Drop schedule's reference; this is threadpool_job_rele written out:
    //
    // 1. The interlock is held already, so rele's ownership check adds
    //    nothing.
    // 2. The reference dropped is usually the last one (the one taken by
    //    threadpool_schedule_job), and destroy and cancel wait on job_cv for
    //    either the count or job_thread to change, so broadcast whatever the
    //    new count is.
    // 3. Clear job_thread last, still under the interlock: from then on a
    //    schedule assigns a new thread, and a cancel stops waiting.
    VTP_KASSERT(0 < job->job_refcnt.load(std::memory_order_relaxed));
    [[maybe_unused]] const unsigned refcnt =
        job->job_refcnt.fetch_sub(1u, std::memory_order_acq_rel) - 1u;
    VTP_KASSERT(refcnt != UINT_MAX);
    job->job_cv.broadcast();
    job->job_thread.write() = nullptr;

    VTP_PROBE(job__done, job, P::current_thread());
}

// Schedules the job on POOL unless it is already scheduled or running, in
// which case it does nothing.  Called with the interlock held.  It never
// sleeps and never allocates, by construction: the job's links and
// reference count are fields of the job, and the thread records exist
// already.
template <class P>
void threadpool_schedule_job(threadpool<P>* pool, threadpool_job<P>* job) {
    threadpool_job_assert_locked(job);

    VTP_PROBE(schedule__job, pool, job);

    // Leave an assigned job with its thread.  It cannot finish behind our
    // back: threadpool_job_done clears job_thread under the interlock, which
    // we hold.
    if (job->job_thread.read() != nullptr) [[likely]] {
        VTP_PROBE(schedule__job__running, pool, job);
        return;
    }

    threadpool_job_hold(job);

    // Assign a thread to the job.
    pool->tp_lock.lock();
    if (thread_head<P>::empty(pool->tp_idle_threads)) [[unlikely]] {
        // No worker is idle: queue the job for the overseer.
        VTP_PROBE(schedule__job__overseer, pool, job);
        job->job_thread.write() = &pool->tp_overseer;
        job_head<P>::insert_tail(pool->tp_jobs, job);
    } else {
        // Hand the job to the first idle worker.
        threadpool_thread<P>* const thread = thread_head<P>::first(pool->tp_idle_threads);
        threadpool_assert_thread_locked(pool, thread);
        job->job_thread.write() = thread;
        VTP_PROBE(schedule__job__thread, pool, job, thread->tpt_lwp.read());
        thread_head<P>::remove(pool->tp_idle_threads, thread);
        thread->tpt_job.write() = job;
    }

    // Wake the overseer or the worker.
    VTP_KASSERT(job->job_thread.read() != nullptr);
    job->job_thread.read()->tpt_cv.broadcast();
    pool->tp_lock.unlock();
}

// Cancels the job if it has not started.  Called with the interlock held;
// never sleeps.  Returns true if the job will not run: it was not
// scheduled, or it was queued on POOL's overseer and is now off the queue.
// Returns false if a worker has it: the job is running or about to run, and
// will call threadpool_job_done.
template <class P>
bool threadpool_cancel_job_async(threadpool<P>* pool, threadpool_job<P>* job) {
    threadpool_job_assert_locked(job);

    // Known limitation, kept from the reference: a job queued on the overseer
    // of a pool other than POOL (for example scheduled on one CPU's pool and
    // cancelled through another CPU's threadpool_percpu_ref) is reported as
    // running.  That is safe: the caller waits, the other overseer hands the
    // job to a worker, and the job runs to threadpool_job_done.

    if (job->job_thread.read() == nullptr) {
        // Not scheduled, so it cannot run.
        VTP_PROBE(cancel__async, pool, job, true);
        return true;
    } else if (job->job_thread.read() == &pool->tp_overseer) {
        // Queued, or being handed over by the overseer: clear job_thread so
        // that the overseer leaves it alone, and take it off the queue if it
        // is still there.
        //
        // Departure: the reference removes the job from tp_jobs
        // unconditionally.  While the overseer hands the job over with both
        // locks dropped (step 2 in threadpool_overseer_thread), the job is
        // already off tp_jobs but job_thread still names the overseer, so
        // that removal unlinks a job that is not queued and corrupts the
        // queue once the job is scheduled again (found by the checker in the
        // cancel_during_handoff scenario; docs/verification.md).
        job->job_thread.write() = nullptr;
        pool->tp_lock.lock();
        if (job_head<P>::linked(pool->tp_jobs, job))
            job_head<P>::remove(pool->tp_jobs, job);
        pool->tp_lock.unlock();
        threadpool_job_rele(job);
        VTP_PROBE(cancel__async, pool, job, true);
        return true;
    } else {
        // A worker has it already.
        VTP_PROBE(cancel__async, pool, job, false);
        return false;
    }
}

// Cancels the job, or waits until its running function calls
// threadpool_job_done.  Called with the interlock held, which the wait drops
// and retakes; may sleep.  The reference cannot assert that it may sleep,
// because the interlock may legitimately be a spin mutex.
template <class P>
void threadpool_cancel_job(threadpool<P>* pool, threadpool_job<P>* job) {
    threadpool_job_assert_locked(job);

    // Departure: a job that cancels itself from its own function would wait
    // for its own threadpool_job_done forever; report it as misuse instead.
    VTP_KASSERTMSG(job->job_thread.read() == nullptr ||
                       threadpool_thread_lwp_unlocked(job->job_thread.read()) !=
                           P::current_thread(),
                   "threadpool_cancel_job: job %p (\"%s\") is cancelled by its own function on "
                   "thread \"%s\", which would wait for itself forever; use "
                   "threadpool_cancel_job_async there",
                   static_cast<const void*>(job), job->job_name,
                   P::thread_name(P::current_thread()));

    if (threadpool_cancel_job_async(pool, job)) {
        VTP_PROBE(cancel__done, pool, job);
        return;
    }

    // It runs: wait until it is done.
    while (job->job_thread.read() != nullptr)
        job->job_cv.wait(*job->job_lock.read());

    VTP_PROBE(cancel__done, pool, job);
}

// Returns the job's name, for job functions and diagnostics.
template <class P>
const char* threadpool_job_name(const threadpool_job<P>* job) {
    return job->job_name;
}

namespace kthread {

// Thread pool overseer thread

template <class P>
void threadpool_overseer_thread(void* arg) {
    vtp::threadpool_thread<P>* const overseer = static_cast<vtp::threadpool_thread<P>*>(arg);
    threadpool<P>* const pool = overseer->tpt_pool;
    typename P::thread* lwp = nullptr;
    int error;

    VTP_KASSERT((pool->tp_cpu == -1) || (pool->tp_cpu == P::current_cpu()));
    if constexpr (platform_reports_binding<P>) {
        VTP_KASSERT((pool->tp_cpu == -1) ||
                    (P::thread_bound_cpu(P::current_thread()) == pool->tp_cpu));
    }
    // Departure: record the pool as this thread's owner, for destroy's
    // misuse check.
    if constexpr (platform_records_owner<P>)
        P::thread_set_owner(P::current_thread(), pool);

    // Wait until threadpool_create has published our thread.
    pool->tp_lock.lock();
    threadpool_assert_thread_locked(pool, overseer);
    while (overseer->tpt_lwp.read() == nullptr)
        overseer->tpt_cv.wait(pool->tp_lock);

    VTP_PROBE(overseer__start, pool);

    for (;;) {
        // Wait until a job is queued, or the pool is dying.
        while (job_head<P>::empty(pool->tp_jobs)) {
            if (pool->tp_flags.read() & THREADPOOL_DYING) {
                VTP_PROBE(overseer__dying, pool);
                break;
            }
            overseer->tpt_cv.wait(pool->tp_lock);
        }
        if (job_head<P>::empty(pool->tp_jobs)) [[unlikely]]
            break;

        // Without an idle worker, create one and start over.
        if (thread_head<P>::empty(pool->tp_idle_threads)) {
            VTP_PROBE(overseer__spawn, pool);
            threadpool_hold(pool);
            pool->tp_lock.unlock();

            vtp::threadpool_thread<P>* const thread =
                P::template make<vtp::threadpool_thread<P>>(pool);
            std::construct_at(&thread->tpt_cv, "poolthrd", location::current());

            // Departure: a user-space thread from P::thread_create.
            const thread_params params = threadpool_thread_params(pool, "poolthread");
            error = P::thread_create(params, &kthread::threadpool_thread<P>, thread, &lwp);

            pool->tp_lock.lock();
            if (error) {
                VTP_PROBE(overseer__spawn__failure, pool, error);
                // Departure: end tpt_cv's lifetime (cv_destroy) before the
                // record is freed.  The reference returns the record to its
                // cache with the condition variable still initialised, so
                // the condition variable leaks.  Relacy and the checker found
                // it in the worker_creation_failure scenario
                // (docs/verification.md).
                std::destroy_at(&thread->tpt_cv);
                P::dispose(thread);
                threadpool_rele(pool);
                // Departure: the pause is the registry's retry_pause_ms
                // (default 1000 ms, the reference's one second), and like
                // kpause it is not cut short by destroy.
                P::pause(std::chrono::milliseconds(pool->tp_registry->retry_pause_ms()),
                         pool->tp_lock);
                continue;
            }

            // The new thread owns the pool reference taken above.  Put it on
            // the idle list, then publish its thread: it waits for that.
            VTP_KASSERT(lwp != nullptr);
            thread_head<P>::insert_tail(pool->tp_idle_threads, thread);
            threadpool_assert_thread_locked(pool, thread);
            thread->tpt_lwp.write() = lwp;
            lwp = nullptr;
            thread->tpt_cv.broadcast();
            continue;
        }

        // Hand the first queued job to an idle worker.
        //
        // 1. Take the job off the queue and hold a temporary reference to it
        //    while tp_lock is still held, so that threadpool_job_destroy
        //    waits for us even after the job is cancelled.
        // 2. Drop tp_lock before taking the job's interlock: the lock order
        //    is interlock, then tp_lock.  For a moment neither lock is held,
        //    and the job's owner may cancel it, or cancel and schedule it
        //    again.
        // 3. Under the interlock, the job is still ours only if job_thread
        //    is still the overseer; if it was cancelled, leave it alone.
        // 4. Take tp_lock again.  Departure: if the job is back on tp_jobs,
        //    it was cancelled and scheduled again in the window of step 2;
        //    that schedule's entry stays queued and is handed over later.
        //    The reference assigns the job here although it is still
        //    queued, or queues it a second time (found by the checker in the
        //    cancel_during_handoff scenario; docs/verification.md).
        // 5. A schedule may have taken the last idle worker meanwhile: then
        //    put the job back at the head of the queue and try again.
        // 6. Drop the temporary reference under the interlock, which wakes a
        //    waiting threadpool_job_destroy if it was the last.
        threadpool_job<P>* const job = job_head<P>::first(pool->tp_jobs);
        job_head<P>::remove(pool->tp_jobs, job);
        threadpool_job_hold(job);
        pool->tp_lock.unlock();

        job->job_lock.read()->lock();
        if (job->job_thread.read() == overseer) [[likely]] {
            pool->tp_lock.lock();
            if (job_head<P>::linked(pool->tp_jobs, job)) [[unlikely]] {
                // Cancelled and scheduled again: the queue has it.
            } else if (thread_head<P>::empty(pool->tp_idle_threads)) [[unlikely]] {
                // A schedule took the idle worker first: requeue the job.
                VTP_PROBE(overseer__race, pool, job);
                job_head<P>::insert_head(pool->tp_jobs, job);
            } else {
                // Assign the job to the first idle worker and wake it.
                vtp::threadpool_thread<P>* const thread =
                    thread_head<P>::first(pool->tp_idle_threads);
                threadpool_assert_thread_locked(pool, thread);

                // Departure: the probe gets its declared arguments (pool,
                // job, thread); the reference passes (job, thread).
                VTP_PROBE(overseer__assign, pool, job, thread->tpt_lwp.read());
                VTP_KASSERT(thread->tpt_job.read() == nullptr);
                thread_head<P>::remove(pool->tp_idle_threads, thread);
                thread->tpt_job.write() = job;
                job->job_thread.write() = thread;
                thread->tpt_cv.broadcast();
            }
            pool->tp_lock.unlock();
        }
        threadpool_job_rele(job);
        job->job_lock.read()->unlock();

        pool->tp_lock.lock();
    }
    threadpool_rele(pool);
    pool->tp_lock.unlock();

    VTP_PROBE(overseer__exit, pool);

    // Returning ends the thread (kthread_exit).
}

// Thread pool thread

template <class P>
void threadpool_thread(void* arg) {
    vtp::threadpool_thread<P>* const thread = static_cast<vtp::threadpool_thread<P>*>(arg);
    threadpool<P>* const pool = thread->tpt_pool;

    VTP_KASSERT((pool->tp_cpu == -1) || (pool->tp_cpu == P::current_cpu()));
    if constexpr (platform_reports_binding<P>) {
        VTP_KASSERT((pool->tp_cpu == -1) ||
                    (P::thread_bound_cpu(P::current_thread()) == pool->tp_cpu));
    }
    // Departure: record the pool as this thread's owner, for destroy's
    // misuse check.
    if constexpr (platform_records_owner<P>)
        P::thread_set_owner(P::current_thread(), pool);

    // Wait until the overseer has put us on the idle list and published our
    // thread.
    //
    // 1. The overseer creates this thread with tp_lock dropped, so the thread
    //    may run before the overseer has retaken tp_lock.  Until then no
    //    schedule can find the thread, and destroy cannot wake it through
    //    the idle list.
    // 2. The overseer inserts the record on tp_idle_threads and then sets
    //    tpt_lwp, both under tp_lock, and broadcasts tpt_cv.  Once tpt_lwp
    //    is set the thread is on the idle list and may have a job already.
    // 3. Only then may the thread look at tpt_job and tp_flags, or leave
    //    the idle list: its removal at exit expects it to be there.
    pool->tp_lock.lock();
    threadpool_assert_thread_locked(pool, thread);
    while (thread->tpt_lwp.read() == nullptr)
        thread->tpt_cv.wait(pool->tp_lock);

    VTP_PROBE(thread__start, pool);

    VTP_KASSERT(thread->tpt_lwp.read() == P::current_thread());
    for (;;) {
        bool timed_out = false;

        // Wait until a job is assigned, the pool is dying, or the idle
        // timeout expires.
        while (thread->tpt_job.read() == nullptr) {
            if (pool->tp_flags.read() & THREADPOOL_DYING) {
                VTP_PROBE(thread__dying, pool);
                break;
            }
            // The registry's idle timeout is read without a lock: see
            // threadpool_registry::idle_ms_.
            if (thread->tpt_cv.timed_wait(
                    pool->tp_lock, std::chrono::milliseconds(thread->tpt_registry->idle_ms()))) {
                timed_out = true;
                break;
            }
        }
        // Without a job, leave the idle list and exit.
        if (thread->tpt_job.read() == nullptr) [[unlikely]] {
            thread_head<P>::remove(pool->tp_idle_threads, thread);
            if (timed_out)
                VTP_PROBE(thread__timeout, pool);
            break;
        }

        threadpool_job<P>* const job = thread->tpt_job.read();
        VTP_KASSERT(job != nullptr);

        // Name the thread after the job while it runs.  The name points into
        // the job; threadpool_job_done restores the saved one.
        const char* const lwp_name = P::thread_name(P::current_thread());
        thread->tpt_lwp_savedname.write() = P::thread_name(P::current_thread());
        P::thread_set_name(P::current_thread(), job->job_name);

        pool->tp_lock.unlock();

        VTP_PROBE(thread__job, pool, job);

        // Run the job.
        try {
            job->job_fn.read()(job);
        } catch (...) {
            // Departure: a job function must not throw; end the process with
            // the job's name.  Before threadpool_job_done the thread name is
            // the job's name in the live job; after it the job may be gone.
            const char* const name = P::thread_name(P::current_thread());
            P::job_exception(
                name != lwp_name ? name : "(unknown: it threw after threadpool_job_done)",
                location::current());
        }

        // threadpool_job_done restored the name.
        VTP_KASSERTMSG(P::thread_name(P::current_thread()) == lwp_name,
                       "job %p returned without calling threadpool_job_done (thread name \"%s\", "
                       "expected \"%s\")",
                       static_cast<const void*>(job), P::thread_name(P::current_thread()),
                       lwp_name);

        // From here on compare job only: threadpool_job_done dropped our
        // reference under the interlock, and the owner may have freed it.

        pool->tp_lock.lock();
        VTP_KASSERT(thread->tpt_job.read() == job);
        thread->tpt_job.write() = nullptr;
        thread_head<P>::insert_tail(pool->tp_idle_threads, thread);
    }
    threadpool_rele(pool);
    pool->tp_lock.unlock();

    VTP_PROBE(thread__exit, pool);

    VTP_KASSERT(!thread->tpt_cv.has_waiters());
    std::destroy_at(&thread->tpt_cv);
    P::dispose(thread);

    // Returning ends the thread (kthread_exit).
}

}  // namespace kthread

}  // namespace vtp
