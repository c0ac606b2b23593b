// The pool's threads as the operating system reports them: per-CPU workers
// bound to their CPU, idle workers reused and then reaped after the idle
// timeout.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <sched.h>
#include <unistd.h>

#include "tests/production/support.hpp"

using namespace vtp;
using namespace vtp::test;

namespace {

// A job that records where it ran: CPU, allowed CPUs, thread id and name.
// Fields are guarded by lock.
struct observing_job : job {
    mutex lock{mutex_kind::adaptive, "observing_job"};
    condvar cv{"observing_job"};
    int runs = 0;
    int cpu = -1;
    std::vector<int> affinity;
    pid_t thread_id = 0;
    std::string name_in_job;

    explicit observing_job(int index) {
        threadpool_job_init(this, &observing_job::run, &lock, "observe-%d", index);
    }

    static void run(threadpool_job<P>* base) {
        auto* self = static_cast<observing_job*>(base);
        self->lock.lock();
        self->cpu = sched_getcpu();
        self->affinity = current_thread_affinity();
        self->thread_id = current_thread_id();
        self->name_in_job = current_thread_name();
        ++self->runs;
        self->cv.broadcast();
        threadpool_job_done(base);
        self->lock.unlock();
    }

    // Schedules the job on target and waits for the run.  Returns false on
    // timeout.
    bool run_once_on(pool* target) {
        interlock_guard guard(lock);
        const int before = runs;
        threadpool_schedule_job(target, this);
        return wait_on(cv, lock, [&] { return runs > before; });
    }
};

bool thread_exists(pid_t id) {
    const std::string path = "/proc/self/task/" + std::to_string(id);
    return access(path.c_str(), F_OK) == 0;
}

}  // namespace

TEST_CASE("percpu workers are bound to their CPU") {
    registry reg;
    pool_percpu* collection = nullptr;
    REQUIRE(threadpool_percpu_get(&collection, PRI_NONE, reg) == 0);

    const int cpus = P::cpu_count();
    REQUIRE(cpus >= 1);
    for (int cpu = 0; cpu < cpus; ++cpu) {
        CAPTURE(cpu);
        observing_job job(cpu);
        // Several runs, so that the check covers reused workers too.
        for (int round = 0; round < 5; ++round) {
            REQUIRE(job.run_once_on(threadpool_percpu_ref_remote(collection, cpu)));
            interlock_guard guard(job.lock);
            CHECK(job.affinity == std::vector<int>{cpu});
            CHECK(job.cpu == cpu);
        }
        threadpool_job_destroy(&job);
    }

    threadpool_percpu_put(collection, PRI_NONE, reg);
}

TEST_CASE("unbound workers are not bound") {
    registry reg;
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);

    observing_job job(0);
    REQUIRE(job.run_once_on(unbound));
    {
        interlock_guard guard(job.lock);
        CHECK(job.affinity.size() == static_cast<std::size_t>(P::cpu_count()));
        CHECK(job.name_in_job == "observe-0");
    }
    threadpool_job_destroy(&job);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("idle workers are reused") {
    // With the default 30 s idle timeout, a job run again and again finds
    // an idle worker nearly every time.  A worker may still be on its way
    // back to the idle list when the next schedule comes, in which case the
    // overseer creates one more, so a handful of workers is normal.  One
    // worker per run would mean that idle workers exit at once.
    registry reg;
    REQUIRE(reg.idle_ms() == 30000);
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);

    observing_job job(0);
    constexpr int runs = 50;
    std::set<pid_t> workers;
    for (int run = 0; run < runs; ++run) {
        REQUIRE(job.run_once_on(unbound));
        interlock_guard guard(job.lock);
        workers.insert(job.thread_id);
    }
    CHECK(workers.size() <= 5);
    MESSAGE(runs, " runs used ", workers.size(), " workers");

    threadpool_job_destroy(&job);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("idle workers exit after the idle timeout") {
    registry reg;
    REQUIRE(reg.set_idle_ms(20) == 0);
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);

    // Three jobs that wait at their gates at the same time need three
    // workers.
    constexpr int job_count = 3;
    std::vector<std::unique_ptr<gated_job>> jobs;
    for (int i = 0; i < job_count; ++i)
        jobs.push_back(std::make_unique<gated_job>("idle"));
    for (auto& job : jobs) {
        interlock_guard guard(job->lock);
        threadpool_schedule_job(unbound, job.get());
    }
    std::set<pid_t> workers;
    for (auto& job : jobs) {
        interlock_guard guard(job->lock);
        REQUIRE(job->wait_started(1));
        workers.insert(job->thread_id);
    }
    REQUIRE(workers.size() == static_cast<std::size_t>(job_count));
    for (const pid_t worker : workers)
        CHECK(thread_exists(worker));

    // Let the jobs finish.  The workers then go idle and, 20 ms later, exit.
    for (auto& job : jobs) {
        interlock_guard guard(job->lock);
        job->release_one();
        REQUIRE(job->wait_finished(1));
    }
    const bool reaped = poll_until([&] {
        return std::none_of(workers.begin(), workers.end(), thread_exists);
    });
    CHECK_MESSAGE(reaped, "idle workers still alive ", wait_timeout.count(),
                  " ms after their last job with idle_ms = 20");

    // The overseer is still there and creates a new worker for new work.
    observing_job after(1);
    CHECK(after.run_once_on(unbound));

    for (auto& job : jobs)
        threadpool_job_destroy(job.get());
    threadpool_job_destroy(&after);
    threadpool_put(unbound, PRI_NONE, reg);
}
