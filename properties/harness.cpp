#include "properties/harness.hpp"

namespace properties {

void job_count(job_t* job) {
    TestJob* test = TestJob::of(job);
    test->lock.lock();
    ++test->started.write();
    ++test->runs.write();
    test->cv.broadcast();
    vtp::threadpool_job_done(job);
    test->lock.unlock();
}

void job_wait_release(job_t* job) {
    TestJob* test = TestJob::of(job);
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

void job_drain_work(job_t* job) {
    TestJob* test = TestJob::of(job);
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

TestJob* new_job(RunContext& run, vtp::threadpool_job_fn_t<P> fn, const char* name) {
    TestJob* test = P::make<TestJob>();
    vtp::threadpool_job_init(&test->job, fn, &test->lock, "%s", name);
    run.jobs.push_back(&test->job);
    return test;
}

void free_job(TestJob* job) {
    vtp::threadpool_job_destroy(&job->job);
    P::dispose(job);
}

void wait_for(TestJob* job, const std::function<bool()>& condition) {
    job->lock.lock();
    while (!condition())
        job->cv.wait(job->lock);
    job->lock.unlock();
}

int get_pool(RunContext& run, pool_t** pool, vtp::pri_t pri) {
    ++run.ledger.unbound_gets[pri];
    int error = vtp::threadpool_get(pool, pri, *run.registry);
    if (error == 0)
        ++run.ledger.unbound_refs[pri];
    --run.ledger.unbound_gets[pri];
    return error;
}

void put_pool(RunContext& run, pool_t* pool, vtp::pri_t pri) {
    ++run.ledger.unbound_puts[pri];
    vtp::threadpool_put(pool, pri, *run.registry);
    --run.ledger.unbound_refs[pri];
    --run.ledger.unbound_puts[pri];
}

int get_percpu(RunContext& run, pool_percpu_t** pool, vtp::pri_t pri) {
    ++run.ledger.percpu_gets[pri];
    int error = vtp::threadpool_percpu_get(pool, pri, *run.registry);
    if (error == 0)
        ++run.ledger.percpu_refs[pri];
    --run.ledger.percpu_gets[pri];
    return error;
}

void put_percpu(RunContext& run, pool_percpu_t* pool, vtp::pri_t pri) {
    ++run.ledger.percpu_puts[pri];
    vtp::threadpool_percpu_put(pool, pri, *run.registry);
    --run.ledger.percpu_refs[pri];
    --run.ledger.percpu_puts[pri];
}

void schedule(pool_t* pool, TestJob* job) {
    job->lock.lock();
    vtp::threadpool_schedule_job(pool, &job->job);
    job->lock.unlock();
}

void cancel(pool_t* pool, TestJob* job) {
    job->lock.lock();
    vtp::threadpool_cancel_job(pool, &job->job);
    job->lock.unlock();
}

bool cancel_async(pool_t* pool, TestJob* job) {
    job->lock.lock();
    bool cancelled = vtp::threadpool_cancel_job_async(pool, &job->job);
    job->lock.unlock();
    return cancelled;
}

void with_registry(RunContext& run, int cpus, bool idle_timeouts,
                   const std::function<void(registry_t&)>& body) {
    checker::sim::set_cpu_count(cpus);
    run.cpus = cpus;
    run.idle_timeouts = idle_timeouts;
    registry_t registry;
    run.registry = &registry;
    body(registry);
    run.registry = nullptr;
}

}  // namespace properties
