// NetBSD's own thread pool tests, ported: the rump kernel tests of
// threadpool(9) and the scenario of its loadable test module.  Where
// NetBSD panics on a failed assertion, these tests fail a check, and every
// wait that NetBSD bounds with a timeout is bounded here too (more
// generously, so that slow sanitizer builds do not fail for being slow).
// They use the process-wide default registry, as NetBSD's tests use the
// kernel's global pools.
#include <doctest/doctest.h>

#include <string>

#include "tests/production/support.hpp"

using namespace vtp;
using namespace vtp::test;

namespace {

// The value the counter of NetBSD's tests counts up to.
constexpr unsigned final_count = 12345;

// The job of NetBSD's schedule tests: count one run and report it.
struct counting_job : job {
    mutex lock{mutex_kind::adaptive, "counting_job"};
    condvar cv{"counting_job"};
    unsigned counter = 0;       // guarded by lock
    bool ran_past_final = false;  // a run started with counter at final_count

    counting_job() { threadpool_job_init(this, &counting_job::run, &lock, "netbsd-count"); }

    static void run(threadpool_job<P>* base) {
        auto* self = static_cast<counting_job*>(base);
        self->lock.lock();
        if (self->counter == final_count)
            self->ran_past_final = true;
        ++self->counter;
        self->cv.broadcast();
        threadpool_job_done(base);
        self->lock.unlock();
    }
};

// The job of NetBSD's cancel tests: announce the start by moving the
// counter from 0 to 1, wait until the test sets final_count - 1, then set
// final_count and finish.
struct cancel_job : job {
    mutex lock{mutex_kind::adaptive, "cancel_job"};
    condvar cv{"cancel_job"};
    unsigned counter = 0;         // guarded by lock
    bool wait_timed_out = false;  // the test never set final_count - 1

    cancel_job() { threadpool_job_init(this, &cancel_job::run, &lock, "netbsd-cancel"); }

    static void run(threadpool_job<P>* base) {
        auto* self = static_cast<cancel_job*>(base);
        self->lock.lock();
        if (self->counter == 0) {
            self->counter = 1;
            self->cv.broadcast();
        }
        if (!wait_on(self->cv, self->lock, [self] { return self->counter == final_count - 1; }))
            self->wait_timed_out = true;
        self->counter = final_count;
        self->cv.broadcast();
        threadpool_job_done(base);
        self->lock.unlock();
    }
};

// Schedules the job until its counter reaches final_count, waiting for
// each run.  Every schedule comes after the previous run's job_done, so
// each one must lead to exactly one more run.
void schedule_until_final(pool* target, counting_job& job) {
    interlock_guard guard(job.lock);
    while (job.counter < final_count) {
        const unsigned before = job.counter;
        threadpool_schedule_job(target, &job);
        const bool ran = wait_on(job.cv, job.lock, [&] { return job.counter != before; });
        if (!ran) {
            FAIL("the run after schedule number ", before + 1, " did not start within ",
                 wait_timeout.count(), " ms");
        }
    }
    CHECK(job.counter == final_count);
    threadpool_cancel_job(target, &job);
}

}  // namespace

TEST_CASE("netbsd unbound lifecycle") {
    pool* first = nullptr;
    pool* second = nullptr;
    pool* realtime = nullptr;

    REQUIRE(threadpool_get(&first, PRI_NONE) == 0);
    REQUIRE(first != nullptr);
    REQUIRE(threadpool_get(&second, PRI_NONE) == 0);
    CHECK(second == first);
    REQUIRE(threadpool_get(&realtime, PRI_KERNEL_RT) == 0);
    CHECK(realtime != first);

    threadpool_put(first, PRI_NONE);
    threadpool_put(second, PRI_NONE);
    threadpool_put(realtime, PRI_KERNEL_RT);
}

TEST_CASE("netbsd percpu lifecycle") {
    pool_percpu* first = nullptr;
    pool_percpu* second = nullptr;
    pool_percpu* realtime = nullptr;

    REQUIRE(threadpool_percpu_get(&first, PRI_NONE) == 0);
    REQUIRE(first != nullptr);
    REQUIRE(threadpool_percpu_get(&second, PRI_NONE) == 0);
    CHECK(second == first);
    REQUIRE(threadpool_percpu_get(&realtime, PRI_KERNEL_RT) == 0);
    CHECK(realtime != first);

    threadpool_percpu_put(first, PRI_NONE);
    threadpool_percpu_put(second, PRI_NONE);
    threadpool_percpu_put(realtime, PRI_KERNEL_RT);
}

TEST_CASE("netbsd unbound schedule") {
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE) == 0);
    counting_job job;

    schedule_until_final(unbound, job);

    threadpool_job_destroy(&job);
    CHECK(job.counter == final_count);
    CHECK_FALSE(job.ran_past_final);
    threadpool_put(unbound, PRI_NONE);
}

TEST_CASE("netbsd percpu schedule") {
    pool_percpu* collection = nullptr;
    REQUIRE(threadpool_percpu_get(&collection, PRI_NONE) == 0);
    pool* local = threadpool_percpu_ref(collection);
    REQUIRE(local != nullptr);
    counting_job job;

    schedule_until_final(local, job);

    threadpool_job_destroy(&job);
    CHECK(job.counter == final_count);
    CHECK_FALSE(job.ran_past_final);
    threadpool_percpu_put(collection, PRI_NONE);
}

TEST_CASE("netbsd cancel of running job") {
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE) == 0);
    cancel_job job;

    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        REQUIRE(wait_on(job.cv, job.lock, [&] { return job.counter == 1; }));

        CHECK(threadpool_cancel_job_async(unbound, &job) == false);

        job.counter = final_count - 1;
        job.cv.broadcast();
        threadpool_cancel_job(unbound, &job);
        CHECK(job.counter == final_count);
        CHECK_FALSE(job.wait_timed_out);
    }

    threadpool_job_destroy(&job);
    threadpool_put(unbound, PRI_NONE);
}

TEST_CASE("netbsd cancel thrash") {
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE) == 0);
    cancel_job job;

    constexpr int iterations = 10000;
    int cancelled_before_start = 0;
    int ran_to_completion = 0;
    int unexpected = 0;

    job.lock.lock();
    for (int i = 0; i < iterations; ++i) {
        threadpool_schedule_job(unbound, &job);
        if (i % 3 == 0) {
            // Let the job start, if a worker is ready to take it.
            job.lock.unlock();
            job.lock.lock();
        }
        job.counter = final_count - 1;
        job.cv.broadcast();
        threadpool_cancel_job(unbound, &job);
        if (job.counter == final_count - 1)
            ++cancelled_before_start;
        else if (job.counter == final_count)
            ++ran_to_completion;
        else
            ++unexpected;
        job.counter = 0;
    }
    job.lock.unlock();

    CHECK(unexpected == 0);
    CHECK(cancelled_before_start + ran_to_completion == iterations);
    CHECK_FALSE(job.wait_timed_out);
    MESSAGE(cancelled_before_start, " cancelled before start, ", ran_to_completion,
            " ran to completion");

    threadpool_job_destroy(&job);
    threadpool_put(unbound, PRI_NONE);
}

TEST_CASE("netbsd test module scenario") {
    // Load: take the pools, and check that a second get of the same
    // priority returns the same pools.
    pool* unbound = nullptr;
    pool* unbound_again = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE) == 0);
    REQUIRE(threadpool_get(&unbound_again, PRI_NONE) == 0);
    CHECK(unbound_again == unbound);
    threadpool_put(unbound_again, PRI_NONE);

    pool_percpu* collection = nullptr;
    pool_percpu* collection_again = nullptr;
    REQUIRE(threadpool_percpu_get(&collection, PRI_NONE) == 0);
    REQUIRE(threadpool_percpu_get(&collection_again, PRI_NONE) == 0);
    CHECK(collection_again == collection);
    threadpool_percpu_put(collection_again, PRI_NONE);

    // Run the job twice on each kind of pool, as the module's controls do.
    counting_job job;
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        REQUIRE(wait_on(job.cv, job.lock, [&] { return job.counter == 1; }));
        threadpool_schedule_job(unbound, &job);
        REQUIRE(wait_on(job.cv, job.lock, [&] { return job.counter == 2; }));

        threadpool_schedule_job(threadpool_percpu_ref(collection), &job);
        REQUIRE(wait_on(job.cv, job.lock, [&] { return job.counter == 3; }));
        threadpool_schedule_job(threadpool_percpu_ref(collection), &job);
        REQUIRE(wait_on(job.cv, job.lock, [&] { return job.counter == 4; }));
    }

    // Unload: cancel through the pool of the CPU this thread is on now,
    // which need not be the pool the job last ran on, then destroy.
    {
        interlock_guard guard(job.lock);
        threadpool_cancel_job(threadpool_percpu_ref(collection), &job);
    }
    threadpool_job_destroy(&job);
    CHECK(job.counter == 4);
    CHECK_FALSE(job.ran_past_final);
    CHECK(std::string(threadpool_job_name(&job)) == "deadjob");

    threadpool_percpu_put(collection, PRI_NONE);
    threadpool_put(unbound, PRI_NONE);
}
