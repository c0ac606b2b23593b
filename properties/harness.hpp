// Building blocks of the scenario programs: a test job with its own
// interlock and counters, and get/put wrappers that keep the clients' ledger.
//
// A TestJob lives in memory from P::make and is disposed right after
// threadpool_job_destroy, so that any later access by the pool hits a
// destroyed object and is reported.
#pragma once

#include <functional>

#include "checker/sim/program.hpp"
#include "properties/context.hpp"

namespace properties {

struct TestJob {
    job_t job;  // first, so that a job_t* is also a TestJob*
    P::mutex lock{vtp::mutex_kind::adaptive, "job_lock"};
    P::condvar cv{"job_done_cv"};
    P::shared<int> runs{0};     // completed runs (under lock)
    P::shared<int> started{0};  // runs that have begun (under lock)
    P::shared<int> release{0};  // for jobs that wait: set to let them finish
    P::shared<int> work{0};     // wg(4) reason bits, or a counter target
    P::shared<int> handled{0};  // wg(4): work items the job processed
    pool_t* pool = nullptr;     // for jobs that reschedule themselves

    static TestJob* of(job_t* job) { return reinterpret_cast<TestJob*>(job); }
};

// The job functions the scenarios use.
void job_count(job_t* job);        // count a run, broadcast, job_done
void job_wait_release(job_t* job); // mark started, wait for release, count, job_done
void job_drain_work(job_t* job);   // wg(4): loop while work bits are set, then job_done

// Allocates and initialises a job (threadpool_job_init) named name.
TestJob* new_job(RunContext& run, vtp::threadpool_job_fn_t<P> fn, const char* name);
// Destroys the job (threadpool_job_destroy) and frees its memory.
void free_job(TestJob* job);
// Waits, holding the job's interlock, until condition() holds.
void wait_for(TestJob* job, const std::function<bool()>& condition);

// threadpool_get/put and the per-CPU versions, keeping the ledger.
int get_pool(RunContext& run, pool_t** pool, vtp::pri_t pri);
void put_pool(RunContext& run, pool_t* pool, vtp::pri_t pri);
int get_percpu(RunContext& run, pool_percpu_t** pool, vtp::pri_t pri);
void put_percpu(RunContext& run, pool_percpu_t* pool, vtp::pri_t pri);

// Schedules a job under its interlock.
void schedule(pool_t* pool, TestJob* job);
// Waiting cancel under the interlock.
void cancel(pool_t* pool, TestJob* job);
// Async cancel under the interlock; returns its result.
bool cancel_async(pool_t* pool, TestJob* job);

// Sets up a fresh registry for the execution and runs body with it; idle
// timeouts follow the scenario's parameter.
void with_registry(RunContext& run, int cpus, bool idle_timeouts,
                   const std::function<void(registry_t&)>& body);

}  // namespace properties
