// Thread creation failures, injected through the production platform's
// test hook.  When a worker cannot be created, the overseer gives back its
// reference, pauses and retries, and no scheduled job is lost.  When an
// overseer cannot be created, the get function fails.
#include <doctest/doctest.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <vector>

#include "tests/production/support.hpp"

using namespace vtp;
using namespace vtp::test;

namespace {

// Clears any failures a test injected but did not use up, even when a
// check of the test fails first.
struct injection_reset {
    ~injection_reset() { P::inject_thread_create_failures(0, 0); }
};

// Schedules jobs on a fresh pool while the next worker creations fail, and
// checks that every job runs exactly once anyway.
void check_jobs_survive_failures(int failures, int error) {
    registry reg;
    REQUIRE(reg.set_retry_pause_ms(5) == 0);
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);

    injection_reset reset;
    P::inject_thread_create_failures(failures, error);
    REQUIRE(P::injected_failures_pending() == failures);

    constexpr int job_count = 4;
    std::vector<std::unique_ptr<gated_job>> jobs;
    for (int i = 0; i < job_count; ++i) {
        jobs.push_back(std::make_unique<gated_job>("retry"));
        jobs.back()->gate_open = true;
    }
    for (auto& job : jobs) {
        interlock_guard guard(job->lock);
        threadpool_schedule_job(unbound, job.get());
    }
    for (auto& job : jobs) {
        interlock_guard guard(job->lock);
        REQUIRE(job->wait_finished(1));
    }
    CHECK(P::injected_failures_pending() == 0);

    for (auto& job : jobs) {
        threadpool_job_destroy(job.get());
        CHECK(job->started == 1);
        CHECK(job->finished == 1);
    }
    threadpool_put(unbound, PRI_NONE, reg);
}

}  // namespace

TEST_CASE("worker creation failure with EAGAIN is retried") {
    check_jobs_survive_failures(3, EAGAIN);
}

TEST_CASE("worker creation failure with ENOMEM is retried") {
    check_jobs_survive_failures(2, ENOMEM);
}

TEST_CASE("percpu worker creation failure is retried") {
    registry reg;
    REQUIRE(reg.set_retry_pause_ms(5) == 0);
    pool_percpu* collection = nullptr;
    REQUIRE(threadpool_percpu_get(&collection, PRI_NONE, reg) == 0);

    injection_reset reset;
    P::inject_thread_create_failures(2, EAGAIN);
    gated_job job("percpuretry");
    job.gate_open = true;
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(threadpool_percpu_ref_remote(collection, 0), &job);
        REQUIRE(job.wait_finished(1));
    }
    CHECK(P::injected_failures_pending() == 0);
    threadpool_job_destroy(&job);
    CHECK(job.started == 1);
    threadpool_percpu_put(collection, PRI_NONE, reg);
}

TEST_CASE("destroy waits out the retry pause") {
    // The overseer's pause after a failed creation is not interruptible:
    // a pool destroyed meanwhile is freed only once the pause has ended
    // and the overseer has seen that the pool is dying.
    registry reg;
    constexpr int pause_ms = 100;
    REQUIRE(reg.set_retry_pause_ms(pause_ms) == 0);
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);

    injection_reset reset;
    P::inject_thread_create_failures(1000, EAGAIN);
    gated_job job("neverruns");
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
    }
    // Wait until the overseer has failed at least once, so that it is in
    // its pause or about to be.
    REQUIRE(poll_until([] { return P::injected_failures_pending() < 1000; }));
    {
        interlock_guard guard(job.lock);
        CHECK(threadpool_cancel_job_async(unbound, &job) == true);
    }

    const auto start = std::chrono::steady_clock::now();
    threadpool_put(unbound, PRI_NONE, reg);
    const auto took = std::chrono::steady_clock::now() - start;
    CHECK(took < std::chrono::milliseconds(pause_ms) + wait_timeout);
    MESSAGE("destroy took ",
            std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), " ms");

    threadpool_job_destroy(&job);
    CHECK(job.started == 0);
}

// Overseers are created inside the get functions.  threadpool_get returns
// the creation error.  The reference's failure path checks tp_refcnt == 0
// while the count still holds the overseer's reference, so there a failed
// creation ends in that check; the port gives the reference back first.

TEST_CASE("overseer creation failure fails get") {
    registry reg;
    injection_reset reset;
    P::inject_thread_create_failures(1, EAGAIN);
    pool* unbound = nullptr;
    CHECK(threadpool_get(&unbound, PRI_NONE, reg) == EAGAIN);
    CHECK(unbound == nullptr);
    CHECK(P::injected_failures_pending() == 0);

    // Nothing of the failed pool stays registered: the next get creates one.
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);
    gated_job job("afterfailure");
    job.gate_open = true;
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        CHECK(job.wait_finished(1));
    }
    threadpool_job_destroy(&job);
    threadpool_put(unbound, PRI_NONE, reg);
}

// A per-CPU collection needs every CPU's overseer.  Whatever the creation
// error, threadpool_percpu_get returns ENOMEM, as the reference does.  The
// reference also checks that the error was ENOMEM, the only one its
// kthread_create returns there, but user-space thread creation fails with
// EAGAIN at a thread limit, so the port accepts any error.

TEST_CASE("overseer creation failure fails percpu get") {
    for (const int error : {ENOMEM, EAGAIN}) {
        CAPTURE(error);
        registry reg;
        injection_reset reset;
        P::inject_thread_create_failures(1, error);
        pool_percpu* collection = nullptr;
        CHECK(threadpool_percpu_get(&collection, PRI_NONE, reg) == ENOMEM);
        CHECK(collection == nullptr);
        CHECK(P::injected_failures_pending() == 0);

        // The pools of the other CPUs were destroyed, and the next get
        // creates a complete collection.
        REQUIRE(threadpool_percpu_get(&collection, PRI_NONE, reg) == 0);
        for (int cpu = 0; cpu < P::cpu_count(); ++cpu)
            CHECK(threadpool_percpu_ref_remote(collection, cpu) != nullptr);
        threadpool_percpu_put(collection, PRI_NONE, reg);
    }
}
