// The caller-visible rules of threadpool(9), one test case each, on real
// threads.  Pools come from a private registry unless a test is about the
// process-wide default, so that every test starts from a pool with no
// workers.
#include <doctest/doctest.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <set>
#include <string>
#include <thread>

#include "tests/production/support.hpp"

using namespace vtp;
using namespace vtp::test;

namespace {

// Priorities the reference accepts, from both ends of the valid range.
constexpr pri_t valid_priorities[] = {PRI_NONE, PRI_USER, 1, PRI_KERNEL - 1};

constexpr pri_t invalid_priorities[] = {-2, PRI_COUNT, 1000, INT_MIN, INT_MAX};

}  // namespace

TEST_CASE("get returns one shared pool per priority") {
    registry reg;
    pool* first[std::size(valid_priorities)] = {};

    for (std::size_t i = 0; i < std::size(valid_priorities); ++i) {
        const pri_t pri = valid_priorities[i];
        CAPTURE(pri);
        REQUIRE(threadpool_get(&first[i], pri, reg) == 0);
        REQUIRE(first[i] != nullptr);

        pool* second = nullptr;
        REQUIRE(threadpool_get(&second, pri, reg) == 0);
        CHECK(second == first[i]);
        threadpool_put(second, pri, reg);
    }

    const std::set<pool*> distinct(std::begin(first), std::end(first));
    CHECK(distinct.size() == std::size(valid_priorities));

    for (std::size_t i = 0; i < std::size(valid_priorities); ++i)
        threadpool_put(first[i], valid_priorities[i], reg);
}

TEST_CASE("get without registry uses process default") {
    pool* implicit = nullptr;
    pool* explicit_default = nullptr;
    REQUIRE(threadpool_get(&implicit, PRI_NONE) == 0);
    REQUIRE(threadpool_get(&explicit_default, PRI_NONE, registry::process_default()) == 0);
    CHECK(implicit == explicit_default);

    registry reg;
    pool* private_pool = nullptr;
    REQUIRE(threadpool_get(&private_pool, PRI_NONE, reg) == 0);
    CHECK(private_pool != implicit);

    threadpool_put(private_pool, PRI_NONE, reg);
    threadpool_put(explicit_default, PRI_NONE, registry::process_default());
    threadpool_put(implicit, PRI_NONE);
}

TEST_CASE("percpu get returns one shared collection per priority") {
    registry reg;
    pool_percpu* first[std::size(valid_priorities)] = {};

    for (std::size_t i = 0; i < std::size(valid_priorities); ++i) {
        const pri_t pri = valid_priorities[i];
        CAPTURE(pri);
        REQUIRE(threadpool_percpu_get(&first[i], pri, reg) == 0);
        REQUIRE(first[i] != nullptr);

        pool_percpu* second = nullptr;
        REQUIRE(threadpool_percpu_get(&second, pri, reg) == 0);
        CHECK(second == first[i]);
        threadpool_percpu_put(second, pri, reg);
    }

    const std::set<pool_percpu*> distinct(std::begin(first), std::end(first));
    CHECK(distinct.size() == std::size(valid_priorities));

    for (std::size_t i = 0; i < std::size(valid_priorities); ++i)
        threadpool_percpu_put(first[i], valid_priorities[i], reg);
}

TEST_CASE("get rejects invalid priorities") {
    registry reg;
    for (const pri_t pri : invalid_priorities) {
        CAPTURE(pri);
        pool* unchanged = nullptr;
        CHECK(threadpool_get(&unchanged, pri, reg) == EINVAL);
        CHECK(unchanged == nullptr);
    }
}

TEST_CASE("percpu get rejects invalid priorities") {
    registry reg;
    for (const pri_t pri : invalid_priorities) {
        CAPTURE(pri);
        pool_percpu* unchanged = nullptr;
        CHECK(threadpool_percpu_get(&unchanged, pri, reg) == EINVAL);
        CHECK(unchanged == nullptr);
    }
}

TEST_CASE("percpu ref returns the current CPU's pool") {
    registry reg;
    pool_percpu* collection = nullptr;
    REQUIRE(threadpool_percpu_get(&collection, PRI_NONE, reg) == 0);
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);

    // Run the check on a thread of its own, so that binding it leaves the
    // test runner's affinity alone.
    const int cpus = P::cpu_count();
    REQUIRE(cpus >= 1);
    std::thread checker([&] {
        std::set<pool*> pools;
        for (int cpu = 0; cpu < cpus; ++cpu) {
            CAPTURE(cpu);
            pool* remote = threadpool_percpu_ref_remote(collection, cpu);
            CHECK(remote != nullptr);
            CHECK(remote != unbound);
            pools.insert(remote);

            REQUIRE(bind_current_thread(cpu) == 0);
            CHECK(P::current_cpu() == cpu);
            CHECK(threadpool_percpu_ref(collection) == remote);
        }
        CHECK(pools.size() == static_cast<std::size_t>(cpus));
    });
    checker.join();

    threadpool_put(unbound, PRI_NONE, reg);
    threadpool_percpu_put(collection, PRI_NONE, reg);
}

TEST_CASE("job name is formatted and truncated") {
    mutex lock(mutex_kind::adaptive, "name_test");
    job short_name;
    threadpool_job_init(&short_name, &gated_job::run, &lock, "job-%d-%s", 7, "x");
    CHECK(std::string(threadpool_job_name(&short_name)) == "job-7-x");

    job long_name;
    threadpool_job_init(&long_name, &gated_job::run, &lock, "%s",
                        "abcdefghijklmnopqrstuvwxyz");
    const std::string truncated = threadpool_job_name(&long_name);
    CHECK(truncated.size() == MAXCOMLEN - 1);
    CHECK(truncated == std::string("abcdefghijklmnopqrstuvwxyz").substr(0, MAXCOMLEN - 1));

    threadpool_job_destroy(&short_name);
    threadpool_job_destroy(&long_name);
}

TEST_CASE("job runs at most once at a time") {
    registry reg;
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);
    gated_job job("once");

    // Two threads schedule the same job over and over while the test lets
    // one run through the gate at a time.
    std::atomic<bool> stop{false};
    auto scheduler = [&] {
        while (!stop.load()) {
            interlock_guard guard(job.lock);
            threadpool_schedule_job(unbound, &job);
        }
    };
    std::thread first(scheduler);
    std::thread second(scheduler);

    constexpr int runs = 200;
    {
        interlock_guard guard(job.lock);
        for (int run = 1; run <= runs; ++run) {
            REQUIRE(job.wait_started(run));
            CHECK(job.running == 1);
            job.release_one();
            REQUIRE(job.wait_finished(run));
        }
    }
    stop = true;
    first.join();
    second.join();

    {
        interlock_guard guard(job.lock);
        job.gate_open = true;
        job.cv.broadcast();
        threadpool_cancel_job(unbound, &job);
        CHECK(job.max_running == 1);
        CHECK(job.running == 0);
        CHECK(job.started == job.finished);
        CHECK_FALSE(job.release_timed_out);
    }
    threadpool_job_destroy(&job);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("schedule of a running job is coalesced") {
    registry reg;
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);
    gated_job job("coalesce");

    // While the job runs, schedules from this thread and from another one
    // must return at once without queueing another run.
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        REQUIRE(job.wait_started(1));
        for (int i = 0; i < 10; ++i)
            threadpool_schedule_job(unbound, &job);
        CHECK(threadpool_cancel_job_async(unbound, &job) == false);
    }
    std::thread other([&] {
        for (int i = 0; i < 10; ++i) {
            interlock_guard guard(job.lock);
            threadpool_schedule_job(unbound, &job);
        }
    });
    other.join();

    {
        interlock_guard guard(job.lock);
        CHECK(job.started == 1);
        job.release_one();
        REQUIRE(job.wait_finished(1));

        // Nothing is left scheduled: the async cancel reports the job as
        // not scheduled and a waiting cancel returns at once.
        CHECK(threadpool_cancel_job_async(unbound, &job) == true);
        threadpool_cancel_job(unbound, &job);
        CHECK(job.started == 1);

        // A schedule after job_done runs the job again.
        threadpool_schedule_job(unbound, &job);
        job.release_one();
        REQUIRE(job.wait_finished(2));
        CHECK(job.started == 2);
        CHECK_FALSE(job.release_timed_out);
    }

    threadpool_job_destroy(&job);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("async cancel of unscheduled job returns true") {
    registry reg;
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);
    gated_job job("unscheduled");
    {
        interlock_guard guard(job.lock);
        CHECK(threadpool_cancel_job_async(unbound, &job) == true);
        threadpool_cancel_job(unbound, &job);
    }
    threadpool_job_destroy(&job);
    CHECK(job.started == 0);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("async cancel of queued job returns true") {
    // A fresh pool has no worker yet, so the first schedule queues the job
    // for the overseer, and while this thread holds the interlock the
    // overseer cannot hand the job to the worker it creates.
    registry reg;
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);
    gated_job job("queued");
    job.gate_open = true;
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        CHECK(threadpool_cancel_job_async(unbound, &job) == true);
        CHECK(threadpool_cancel_job_async(unbound, &job) == true);
    }

    // Destroy waits for the overseer's temporary reference and turns the
    // job into one that panics if it ever runs.
    threadpool_job_destroy(&job);
    CHECK(job.started == 0);
    CHECK(std::string(threadpool_job_name(&job)) == "deadjob");
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("async cancel on another pool reports running") {
    // The reference's known limitation: a job queued on another pool's
    // overseer is reported as running, and it then runs.
    registry reg;
    pool* scheduled_on = nullptr;
    pool* other = nullptr;
    REQUIRE(threadpool_get(&scheduled_on, PRI_NONE, reg) == 0);
    REQUIRE(threadpool_get(&other, PRI_USER, reg) == 0);
    REQUIRE(scheduled_on != other);
    gated_job job("otherpool");
    job.gate_open = true;
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(scheduled_on, &job);
        CHECK(threadpool_cancel_job_async(other, &job) == false);
        REQUIRE(job.wait_finished(1));
        CHECK(job.started == 1);
    }
    threadpool_job_destroy(&job);
    threadpool_put(other, PRI_USER, reg);
    threadpool_put(scheduled_on, PRI_NONE, reg);
}

TEST_CASE("async cancel of running job returns false") {
    registry reg;
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);
    gated_job job("running");
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        REQUIRE(job.wait_started(1));
        CHECK(threadpool_cancel_job_async(unbound, &job) == false);

        // The run goes on to job_done.
        job.release_one();
        REQUIRE(job.wait_finished(1));
    }
    threadpool_job_destroy(&job);
    CHECK(job.started == 1);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("waiting cancel of queued job removes it") {
    registry reg;
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);
    gated_job job("waitqueued");
    job.gate_open = true;
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        threadpool_cancel_job(unbound, &job);
        CHECK(job.started == 0);
    }
    threadpool_job_destroy(&job);
    CHECK(job.started == 0);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("waiting cancel waits for job_done") {
    registry reg;
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);
    gated_job job("waitrunning");

    bool cancelling = false;  // guarded by job.lock
    std::thread releaser;
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        REQUIRE(job.wait_started(1));

        // The releaser can take the interlock only once the cancel below
        // waits, because this thread holds it until then.
        releaser = std::thread([&] {
            interlock_guard inner(job.lock);
            CHECK(cancelling);
            CHECK(job.finished == 0);
            job.release_one();
        });
        cancelling = true;
        threadpool_cancel_job(unbound, &job);

        CHECK(job.finished == 1);
        CHECK(job.running == 0);
        CHECK_FALSE(job.release_timed_out);
    }
    releaser.join();
    threadpool_job_destroy(&job);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("destroy after waiting cancel marks job dead") {
    registry reg;
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);
    gated_job job("tobedestroyed");
    job.gate_open = true;
    for (int round = 1; round <= 3; ++round) {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        REQUIRE(job.wait_started(round));
    }
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        threadpool_cancel_job(unbound, &job);
    }
    CHECK(std::string(threadpool_job_name(&job)) == "tobedestroyed");
    threadpool_job_destroy(&job);
    CHECK(std::string(threadpool_job_name(&job)) == "deadjob");

    // A destroyed job may be initialised again and used as new.
    threadpool_job_init(&job, &gated_job::run, &job.lock, "reborn%d", 2);
    CHECK(std::string(threadpool_job_name(&job)) == "reborn2");
    {
        interlock_guard guard(job.lock);
        const int before = job.finished;
        threadpool_schedule_job(unbound, &job);
        REQUIRE(job.wait_finished(before + 1));
        CHECK(job.name_in_job == "reborn2");
    }
    threadpool_job_destroy(&job);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("job_done restores thread name") {
    registry reg;
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);
    gated_job job("named-42");
    job.gate_open = true;
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        REQUIRE(job.wait_finished(1));
        CHECK(job.name_in_job == "named-42");
        CHECK(job.name_after_done != "named-42");
        CHECK(job.name_after_done.rfind("poolthread", 0) == 0);
    }

    // A name as long as the buffer allows is the thread name in full.
    threadpool_job_destroy(&job);
    threadpool_job_init(&job, &gated_job::run, &job.lock, "%s", "fifteen-chars-x");
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        REQUIRE(job.wait_finished(2));
        CHECK(job.name_in_job == "fifteen-chars-x");
        CHECK(job.name_after_done.rfind("poolthread", 0) == 0);
    }
    threadpool_job_destroy(&job);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("idle timeout setting rejects values below 1") {
    registry reg;
    CHECK(reg.idle_ms() == 30000);
    for (const int invalid : {0, -1, -30000, INT_MIN}) {
        CAPTURE(invalid);
        CHECK(reg.set_idle_ms(invalid) == EINVAL);
        CHECK(reg.idle_ms() == 30000);
    }
    CHECK(reg.set_idle_ms(1) == 0);
    CHECK(reg.idle_ms() == 1);
    CHECK(reg.set_idle_ms(INT_MAX) == 0);
    CHECK(reg.idle_ms() == INT_MAX);
}

TEST_CASE("retry pause setting rejects values below 1") {
    registry reg;
    CHECK(reg.retry_pause_ms() == 1000);
    for (const int invalid : {0, -1, INT_MIN}) {
        CAPTURE(invalid);
        CHECK(reg.set_retry_pause_ms(invalid) == EINVAL);
        CHECK(reg.retry_pause_ms() == 1000);
    }
    CHECK(reg.set_retry_pause_ms(1) == 0);
    CHECK(reg.retry_pause_ms() == 1);
}
