// The test job of the scenario programs and its job functions, for any platform
// P that the pool takes. The engine's harness and the Relacy ports both use it.
//
// Types defined here:
//   TestJobOn<P>  a job with its own interlock, condition variable and counters
#pragma once

// Only the pool is included, so that the Relacy ports compile this header
// against a patched copy of model/ as well.
#include "model/threadpool.hpp"

namespace properties {

template <class P>
struct TestJobOn {
    vtp::threadpool_job<P> job;  // first, so that a job pointer is also a TestJobOn pointer
    typename P::mutex lock{vtp::mutex_kind::adaptive, "job_lock"};
    typename P::condvar cv{"job_done_cv"};
    typename P::template shared<int> runs{0};     // completed runs (under lock)
    typename P::template shared<int> started{0};  // runs that have begun (under lock)
    typename P::template shared<int> release{0};  // for jobs that wait: set to let them finish
    typename P::template shared<int> work{0};     // wg(4) reason bits, or a counter target
    typename P::template shared<int> handled{0};  // wg(4): work items the job processed
    vtp::threadpool<P>* pool = nullptr;           // for jobs that reschedule themselves

    static TestJobOn* of(vtp::threadpool_job<P>* job) {
        return reinterpret_cast<TestJobOn*>(job);
    }
};

// Counts a run, wakes the job's waiters and marks the job done.
template <class P>
void job_count(vtp::threadpool_job<P>* job) {
    TestJobOn<P>* test = TestJobOn<P>::of(job);
    test->lock.lock();
    ++test->started.write();
    ++test->runs.write();
    test->cv.broadcast();
    vtp::threadpool_job_done(job);
    test->lock.unlock();
}

// Marks the run started, waits for release, then counts the run and marks the job done.
template <class P>
void job_wait_release(vtp::threadpool_job<P>* job) {
    TestJobOn<P>* test = TestJobOn<P>::of(job);
    test->lock.lock();
    ++test->started.write();
    test->cv.broadcast();
    while (test->release.read() == 0)
        test->cv.wait(test->lock);
    ++test->runs.write();
    test->cv.broadcast();
    vtp::threadpool_job_done(job);
    test->lock.unlock();
}

// Loops while work bits are set, as wg(4) does, then marks the job done.
template <class P>
void job_drain_work(vtp::threadpool_job<P>* job) {
    TestJobOn<P>* test = TestJobOn<P>::of(job);
    test->lock.lock();
    ++test->started.write();
    while (test->work.read() != 0) {
        int items = test->work.read();
        test->work.write() = 0;
        // Process with the interlock dropped, as wg(4) does.
        test->lock.unlock();
        test->lock.lock();
        test->handled.write() += items;
    }
    ++test->runs.write();
    test->cv.broadcast();
    vtp::threadpool_job_done(job);
    test->lock.unlock();
}

// Allocates a job and initialises it (threadpool_job_init) named name.
template <class P>
TestJobOn<P>* make_job(vtp::threadpool_job_fn_t<P> fn, const char* name) {
    TestJobOn<P>* test = P::template make<TestJobOn<P>>();
    vtp::threadpool_job_init(&test->job, fn, &test->lock, "%s", name);
    return test;
}

// Destroys the job (threadpool_job_destroy) and frees its memory at once, so
// that any later access by the pool touches a disposed object and is reported.
template <class P>
void free_job(TestJobOn<P>* job) {
    vtp::threadpool_job_destroy(&job->job);
    P::dispose(job);
}

// Waits, holding the job's interlock, until condition() holds.
template <class P, class Condition>
void wait_for(TestJobOn<P>* job, Condition condition) {
    job->lock.lock();
    while (!condition())
        job->cv.wait(job->lock);
    job->lock.unlock();
}

// Schedules a job under its interlock.
template <class P>
void schedule(vtp::threadpool<P>* pool, TestJobOn<P>* job) {
    job->lock.lock();
    vtp::threadpool_schedule_job(pool, &job->job);
    job->lock.unlock();
}

// Cancels a job under its interlock and waits for it.
template <class P>
void cancel(vtp::threadpool<P>* pool, TestJobOn<P>* job) {
    job->lock.lock();
    vtp::threadpool_cancel_job(pool, &job->job);
    job->lock.unlock();
}

// Cancels a job under its interlock without waiting, and returns the cancel's result.
template <class P>
bool cancel_async(vtp::threadpool<P>* pool, TestJobOn<P>* job) {
    job->lock.lock();
    bool cancelled = vtp::threadpool_cancel_job_async(pool, &job->job);
    job->lock.unlock();
    return cancelled;
}

// Runs the steps of cancel_during_handoff on two fresh jobs, then frees them.
// Scheduling second between the cancel and the reschedule of first keeps the only worker busy.
template <class P>
void cancel_during_handoff_steps(vtp::threadpool<P>* pool, TestJobOn<P>* first,
                                 TestJobOn<P>* second) {
    schedule(pool, first);
    first->lock.lock();
    if (vtp::threadpool_cancel_job_async(pool, &first->job)) {
        schedule(pool, second);
        vtp::threadpool_schedule_job(pool, &first->job);
    }
    first->lock.unlock();
    wait_for(first, [first] { return first->runs.read() >= 1; });
    cancel(pool, first);
    cancel(pool, second);
    free_job(first);
    free_job(second);
}

}  // namespace properties
