// The scenario catalogue: each entry is a small client program of the pool,
// its parameters, its default bounds and the goals it must reach.
#include <fmt/format.h>

#include <algorithm>

#include "properties/harness.hpp"
#include "properties/scenario.hpp"

namespace properties {

namespace {

using checker::sim::check;
using checker::sim::join;
using checker::sim::spawn;

int param(const Parameters& parameters, const char* name) {
    return parameters.at(name);
}

Parameter idle_timeouts_parameter(int value) {
    return {"idle_timeouts", value, 0, 1, "1: idle workers may time out; 0: idle timers never fire"};
}

// Bounds shared by every scenario: idle timeouts from the parameter.
void base_bounds(checker::Options& options, const Parameters& parameters) {
    options.timeouts = parameters.count("idle_timeouts") != 0 && param(parameters, "idle_timeouts");
}

// Gets the unbound pool at PRI_NONE; on failure checks that nothing was left.
pool_t* get_or_check(RunContext& run) {
    pool_t* pool = nullptr;
    int error = get_pool(run, &pool, vtp::PRI_NONE);
    check(error == 0, "get_result", fmt::format("threadpool_get failed with error {}", error));
    return pool;
}

void schedule_wait(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        std::vector<TestJob*> jobs;
        for (int i = 0; i < param(parameters, "jobs"); ++i)
            jobs.push_back(new_job(run, job_count, "count"));
        for (TestJob* job : jobs)
            schedule(pool, job);
        for (TestJob* job : jobs) {
            wait_for(job, [job] { return job->runs.read() >= 1; });
            cancel(pool, job);
            check(job->runs.read() == 1, "runs", "the job should have run exactly once");
            free_job(job);
        }
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void schedule_twice(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        TestJob* job = new_job(run, job_count, "twice");
        schedule(pool, job);
        schedule(pool, job);
        wait_for(job, [job] { return job->runs.read() >= 1; });
        cancel(pool, job);
        int runs = job->runs.read();
        check(runs >= 1 && runs <= 2, "runs", fmt::format("two schedules gave {} runs", runs));
        free_job(job);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void schedule_cancel(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        TestJob* job = new_job(run, job_count, "cancelled");
        schedule(pool, job);
        cancel(pool, job);
        job->lock.lock();
        int runs = job->runs.read();
        job->lock.unlock();
        check(runs <= 1, "runs", fmt::format("a cancelled job ran {} times", runs));
        free_job(job);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void schedule_cancel_async(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        TestJob* job = new_job(run, job_count, "async");
        schedule(pool, job);
        if (!cancel_async(pool, job))
            wait_for(job, [job] { return job->runs.read() >= 1; });
        cancel(pool, job);
        free_job(job);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void cancel_running(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        TestJob* job = new_job(run, job_wait_release, "running");
        schedule(pool, job);
        wait_for(job, [job] { return job->started.read() >= 1; });
        check(!cancel_async(pool, job), "cancel_result",
              "async cancel of a running job returned true");
        job->lock.lock();
        job->release.write() = 1;
        job->cv.broadcast();
        vtp::threadpool_cancel_job(pool, &job->job);
        check(job->runs.read() == 1, "runs", "the waiting cancel returned before the job ended");
        job->lock.unlock();
        free_job(job);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void reschedule_from_job(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        TestJob* job = new_job(run, job_drain_work, "wg");
        int producers = param(parameters, "producers");
        std::vector<checker::ThreadId> threads;
        for (int i = 0; i < producers; ++i)
            threads.push_back(spawn(
                [pool, job] {
                    job->lock.lock();
                    job->work.write() += 1;
                    vtp::threadpool_schedule_job(pool, &job->job);
                    job->lock.unlock();
                },
                "producer"));
        for (checker::ThreadId thread : threads)
            join(thread);
        wait_for(job, [job, producers] { return job->handled.read() == producers; });
        cancel(pool, job);
        check(job->work.read() == 0, "no_lost_job", "a work bit was left unprocessed");
        free_job(job);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void two_clients(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        TestJob* job = new_job(run, job_count, "shared");
        auto client = [pool, job] { schedule(pool, job); };
        checker::ThreadId a = spawn(client, "client");
        checker::ThreadId b = spawn(client, "client");
        join(a);
        join(b);
        wait_for(job, [job] { return job->runs.read() >= 1; });
        cancel(pool, job);
        free_job(job);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void idle_timeout_race(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        TestJob* job = new_job(run, job_count, "again");
        schedule(pool, job);
        wait_for(job, [job] { return job->runs.read() >= 1; });
        schedule(pool, job);
        wait_for(job, [job] { return job->runs.read() >= 2; });
        cancel(pool, job);
        free_job(job);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void destroy_with_idle(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        TestJob* job = new_job(run, job_count, "once");
        schedule(pool, job);
        wait_for(job, [job] { return job->runs.read() >= 1; });
        cancel(pool, job);
        free_job(job);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void destroy_while_creating(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        TestJob* job = new_job(run, job_count, "brief");
        schedule(pool, job);
        cancel(pool, job);
        free_job(job);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

// A job is cancelled and scheduled again, in one hold of its interlock,
// while the overseer may be in the middle of handing it to a worker (off
// the queue, waiting for the interlock).  Scheduling a second job in
// between keeps the only worker busy, so the job goes back on the queue.
void cancel_during_handoff(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        TestJob* first = new_job(run, job_count, "first");
        TestJob* second = new_job(run, job_count, "second");
        cancel_during_handoff_steps(pool, first, second);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void get_put_race(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        auto client = [&run] {
            pool_t* pool = nullptr;
            if (get_pool(run, &pool, vtp::PRI_NONE) == 0)
                put_pool(run, pool, vtp::PRI_NONE);
        };
        checker::ThreadId a = spawn(client, "client");
        checker::ThreadId b = spawn(client, "client");
        join(a);
        join(b);
    });
}

void percpu_get_put_race(RunContext& run, const Parameters& parameters) {
    with_registry(run, param(parameters, "cpus"), param(parameters, "idle_timeouts"),
                  [&](registry_t&) {
                      auto client = [&run] {
                          pool_percpu_t* percpu = nullptr;
                          if (get_percpu(run, &percpu, vtp::PRI_NONE) == 0)
                              put_percpu(run, percpu, vtp::PRI_NONE);
                      };
                      checker::ThreadId a = spawn(client, "client");
                      checker::ThreadId b = spawn(client, "client");
                      join(a);
                      join(b);
                  });
}

void percpu_schedule(RunContext& run, const Parameters& parameters) {
    int cpus = param(parameters, "cpus");
    with_registry(run, cpus, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_percpu_t* percpu = nullptr;
        int error = get_percpu(run, &percpu, vtp::PRI_NONE);
        check(error == 0, "get_result", fmt::format("threadpool_percpu_get failed: {}", error));
        pool_t* local = vtp::threadpool_percpu_ref(percpu);
        pool_t* remote = vtp::threadpool_percpu_ref_remote(percpu, cpus - 1);
        TestJob* job = new_job(run, job_count, "remote");
        schedule(remote, job);
        // Cancel through the local pool: a job queued on another pool's
        // overseer is reported as running, so the cancel waits for it.
        cancel(local, job);
        free_job(job);
        put_percpu(run, percpu, vtp::PRI_NONE);
    });
}

void worker_creation_failure(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = nullptr;
        if (get_pool(run, &pool, vtp::PRI_NONE) != 0)
            return;
        TestJob* job = new_job(run, job_count, "retry");
        schedule(pool, job);
        wait_for(job, [job] { return job->runs.read() >= 1; });
        cancel(pool, job);
        free_job(job);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void overseer_creation_failure(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t& registry) {
        pool_t* pool = nullptr;
        int error = get_pool(run, &pool, vtp::PRI_NONE);
        if (error == 0) {
            put_pool(run, pool, vtp::PRI_NONE);
            return;
        }
        check(registry.unbound_threadpools.peek().first == nullptr, "get_result",
              fmt::format("threadpool_get failed with error {} but left a pool in the registry",
                          error));
    });
}

void percpu_creation_failure(RunContext& run, const Parameters& parameters) {
    with_registry(run, param(parameters, "cpus"), param(parameters, "idle_timeouts"),
                  [&](registry_t& registry) {
                      pool_percpu_t* percpu = nullptr;
                      int error = get_percpu(run, &percpu, vtp::PRI_NONE);
                      if (error == 0) {
                          put_percpu(run, percpu, vtp::PRI_NONE);
                          return;
                      }
                      check(registry.percpu_threadpools.peek().first == nullptr, "get_result",
                            fmt::format("threadpool_percpu_get failed with error {} but left a "
                                        "collection in the registry",
                                        error));
                  });
}

void job_destroy_after_done(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        for (int i = 0; i < param(parameters, "jobs"); ++i) {
            TestJob* job = new_job(run, job_count, "executor");
            schedule(pool, job);
            // Destroy and free the job as soon as it reports done, while its
            // worker may still be on its way back to the idle list.
            wait_for(job, [job] { return job->runs.read() >= 1; });
            free_job(job);
        }
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void netbsd_unbound_lifecycle(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* first = nullptr;
        pool_t* second = nullptr;
        pool_t* realtime = nullptr;
        check(get_pool(run, &first, vtp::PRI_NONE) == 0, "get_result", "first get failed");
        check(get_pool(run, &second, vtp::PRI_NONE) == 0, "get_result", "second get failed");
        check(first == second, "get_result", "two gets of one priority gave different pools");
        check(get_pool(run, &realtime, vtp::PRI_KERNEL_RT) == 0, "get_result", "get failed");
        check(realtime != first, "get_result", "two priorities share a pool");
        put_pool(run, first, vtp::PRI_NONE);
        put_pool(run, second, vtp::PRI_NONE);
        put_pool(run, realtime, vtp::PRI_KERNEL_RT);
    });
}

void netbsd_percpu_lifecycle(RunContext& run, const Parameters& parameters) {
    with_registry(run, param(parameters, "cpus"), param(parameters, "idle_timeouts"),
                  [&](registry_t&) {
                      pool_percpu_t* first = nullptr;
                      pool_percpu_t* second = nullptr;
                      pool_percpu_t* realtime = nullptr;
                      check(get_percpu(run, &first, vtp::PRI_NONE) == 0, "get_result", "get failed");
                      check(get_percpu(run, &second, vtp::PRI_NONE) == 0, "get_result",
                            "get failed");
                      check(first == second, "get_result", "two gets gave different collections");
                      check(get_percpu(run, &realtime, vtp::PRI_KERNEL_RT) == 0, "get_result",
                            "get failed");
                      check(realtime != first, "get_result", "two priorities share a collection");
                      put_percpu(run, first, vtp::PRI_NONE);
                      put_percpu(run, second, vtp::PRI_NONE);
                      put_percpu(run, realtime, vtp::PRI_KERNEL_RT);
                  });
}

// NetBSD's schedule test: the client holds the interlock, schedules, and
// waits (untimed here) for the job to count, until the final value.
void netbsd_schedule(RunContext& run, pool_t* pool, int rounds) {
    TestJob* job = new_job(run, job_count, "netbsd");
    job->lock.lock();
    for (int round = 1; round <= rounds; ++round) {
        vtp::threadpool_schedule_job(pool, &job->job);
        while (job->runs.read() < round)
            job->cv.wait(job->lock);
        check(job->runs.read() == round, "runs", "the job ran more often than it was scheduled");
    }
    job->lock.unlock();
    cancel(pool, job);
    free_job(job);
}

void netbsd_unbound_schedule(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        netbsd_schedule(run, pool, param(parameters, "rounds"));
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void netbsd_percpu_schedule(RunContext& run, const Parameters& parameters) {
    with_registry(run, param(parameters, "cpus"), param(parameters, "idle_timeouts"),
                  [&](registry_t&) {
                      pool_percpu_t* percpu = nullptr;
                      check(get_percpu(run, &percpu, vtp::PRI_NONE) == 0, "get_result",
                            "get failed");
                      netbsd_schedule(run, vtp::threadpool_percpu_ref(percpu),
                                      param(parameters, "rounds"));
                      put_percpu(run, percpu, vtp::PRI_NONE);
                  });
}

void netbsd_cancel_thrash(RunContext& run, const Parameters& parameters) {
    with_registry(run, 1, param(parameters, "idle_timeouts"), [&](registry_t&) {
        pool_t* pool = get_or_check(run);
        TestJob* job = new_job(run, job_count, "thrash");
        job->lock.lock();
        int iterations = param(parameters, "iterations");
        for (int i = 0; i < iterations; ++i) {
            int before = job->runs.read();
            vtp::threadpool_schedule_job(pool, &job->job);
            if (i % 3 == 0) {
                // Let the job start.
                job->lock.unlock();
                job->lock.lock();
            }
            vtp::threadpool_cancel_job(pool, &job->job);
            int after = job->runs.read();
            check(after == before || after == before + 1, "runs",
                  fmt::format("after a cancel the job ran {} times, not 0 or 1", after - before));
        }
        job->lock.unlock();
        free_job(job);
        put_pool(run, pool, vtp::PRI_NONE);
    });
}

void netbsd_test_module(RunContext& run, const Parameters& parameters) {
    with_registry(run, param(parameters, "cpus"), param(parameters, "idle_timeouts"),
                  [&](registry_t&) {
                      pool_percpu_t* percpu = nullptr;
                      pool_percpu_t* again = nullptr;
                      check(get_percpu(run, &percpu, vtp::PRI_NONE) == 0, "get_result", "failed");
                      check(get_percpu(run, &again, vtp::PRI_NONE) == 0, "get_result", "failed");
                      check(percpu == again, "get_result", "second get gave another collection");
                      pool_t* pool = vtp::threadpool_percpu_ref_remote(percpu, 0);
                      TestJob* job = new_job(run, job_count, "module");
                      for (int round = 1; round <= 2; ++round) {
                          schedule(pool, job);
                          wait_for(job, [job, round] { return job->runs.read() >= round; });
                      }
                      // Unload: cancel through the current CPU's pool.
                      cancel(vtp::threadpool_percpu_ref(percpu), job);
                      free_job(job);
                      put_percpu(run, again, vtp::PRI_NONE);
                      put_percpu(run, percpu, vtp::PRI_NONE);
                  });
}

Scenario scenario(std::string name, std::string description, std::vector<Parameter> parameters,
                  std::vector<std::string> goals,
                  std::function<void(RunContext&, const Parameters&)> body,
                  std::function<void(checker::Options&, const Parameters&)> bounds = base_bounds) {
    Scenario result;
    result.name = std::move(name);
    result.description = std::move(description);
    result.parameters = std::move(parameters);
    result.goals = std::move(goals);
    result.body = std::move(body);
    result.default_bounds = std::move(bounds);
    return result;
}

// Bounds for scenarios whose full tree is too large for the default run:
// at most `preemptions` preemptive context switches per execution.
std::function<void(checker::Options&, const Parameters&)> bounded(int preemptions) {
    return [preemptions](checker::Options& options, const Parameters& parameters) {
        base_bounds(options, parameters);
        options.preemption_bound = preemptions;
    };
}

std::vector<Scenario> build_catalogue() {
    auto with_failures = [](checker::Options& options, const Parameters& parameters) {
        base_bounds(options, parameters);
        options.max_creation_failures = param(parameters, "failures");
    };
    std::vector<Scenario> list = {
        scenario("schedule_wait", "schedule jobs, wait for each to run, destroy",
                 {{"jobs", 1, 1, 3, "jobs scheduled"}, idle_timeouts_parameter(0)},
                 {"schedule__job__overseer", "overseer__spawn", "overseer__assign", "thread__job"},
                 schedule_wait),
        scenario("schedule_twice", "schedule a job twice in a row: the second is coalesced",
                 {idle_timeouts_parameter(0)}, {"schedule_of_running_job"}, schedule_twice, bounded(6)),
        scenario("schedule_cancel", "schedule then cancel with the waiting cancel",
                 {idle_timeouts_parameter(0)}, {"cancel_of_queued_job", "cancel__done"},
                 schedule_cancel),
        scenario("schedule_cancel_async", "schedule then cancel with the async cancel",
                 {idle_timeouts_parameter(0)},
                 {"cancel_of_queued_job", "async_cancel_of_assigned_job"}, schedule_cancel_async),
        scenario("cancel_running", "cancel a running job: async false, then waiting cancel",
                 {idle_timeouts_parameter(0)}, {"async_cancel_of_assigned_job", "cancel__done"},
                 cancel_running),
        scenario("reschedule_from_job", "wg(4): producers set work and schedule a running job",
                 {{"producers", 2, 1, 3, "producer threads"}, idle_timeouts_parameter(0)},
                 {"schedule_of_running_job"}, reschedule_from_job, bounded(5)),
        scenario("two_clients", "two client threads schedule one job", {idle_timeouts_parameter(0)},
                 {"schedule_of_running_job"}, two_clients, bounded(5)),
        scenario("many_jobs_few_workers", "several jobs share the pool's workers",
                 {{"jobs", 2, 1, 3, "jobs scheduled"}, idle_timeouts_parameter(0)},
                 {"overseer_race", "schedule__job__thread"}, schedule_wait, bounded(4)),
        scenario("idle_timeout_race", "an idle worker's timeout races a new schedule",
                 {idle_timeouts_parameter(1)}, {"worker_exit_by_timeout", "schedule__job__thread"},
                 idle_timeout_race, bounded(4)),
        scenario("destroy_with_idle_workers", "destroy a pool whose worker is idle",
                 {idle_timeouts_parameter(0)}, {"thread__dying", "overseer__dying"},
                 destroy_with_idle),
        scenario("destroy_while_creating", "destroy right after a cancel, while a worker is created",
                 {idle_timeouts_parameter(0)}, {"destroy_while_creating"}, destroy_while_creating),
        scenario("cancel_during_handoff",
                 "cancel a queued job while the overseer hands it to a worker; a second job "
                 "queued behind it must still run",
                 {idle_timeouts_parameter(0)}, {"cancel_of_queued_job", "overseer__assign"},
                 cancel_during_handoff, bounded(4)),
        scenario("get_put_race", "two clients get and put one priority at once",
                 {idle_timeouts_parameter(0)}, {"get_race", "get__create", "put__destroy"},
                 get_put_race),
        scenario("percpu_get_put_race", "two clients get and put one per-CPU priority at once",
                 {{"cpus", 1, 1, 2, "CPUs"}, idle_timeouts_parameter(0)},
                 {"get_race", "percpu__get__race", "percpu__put__destroy"}, percpu_get_put_race),
        scenario("percpu_remote_cancel",
                 "per-CPU pools: schedule on a remote CPU, cancel through the local pool",
                 {{"cpus", 2, 1, 3, "CPUs"}, idle_timeouts_parameter(0)},
                 {"percpu__get__create", "async_cancel_of_assigned_job"}, percpu_schedule),
        scenario("worker_creation_failure", "a worker creation fails; the overseer pauses and retries",
                 {{"failures", 1, 1, 2, "creation failures injected"}, idle_timeouts_parameter(0)},
                 {"creation_failure_and_retry"}, worker_creation_failure, with_failures),
        scenario("overseer_creation_failure",
                 "the overseer's creation fails: get returns the error and leaves no pool",
                 {{"failures", 1, 1, 1, "creation failures injected"}, idle_timeouts_parameter(0)},
                 {"overseer_creation_failure"}, overseer_creation_failure, with_failures),
        scenario("percpu_creation_failure",
                 "one CPU's overseer cannot be created: percpu get returns the error and leaves "
                 "no collection",
                 {{"cpus", 2, 1, 3, "CPUs"},
                  {"failures", 1, 1, 1, "creation failures injected"},
                  idle_timeouts_parameter(0)},
                 {"overseer_creation_failure", "percpu__get__create"}, percpu_creation_failure,
                 with_failures),
        scenario("job_destroy_after_done",
                 "ZFS task queue: destroy and free a job right after it reports done",
                 {{"jobs", 1, 1, 3, "jobs run and freed in turn"}, idle_timeouts_parameter(0)},
                 {"thread__job"}, job_destroy_after_done),
        scenario("netbsd_unbound_lifecycle", "NetBSD test: get twice, get another priority, put",
                 {idle_timeouts_parameter(0)}, {"get__create", "put__destroy"},
                 netbsd_unbound_lifecycle),
        scenario("netbsd_percpu_lifecycle", "NetBSD test: the same with per-CPU pools",
                 {{"cpus", 1, 1, 2, "CPUs"}, idle_timeouts_parameter(0)},
                 {"percpu__get__create", "percpu__put__destroy"}, netbsd_percpu_lifecycle),
        scenario("netbsd_unbound_schedule",
                 "NetBSD test: reschedule after job_done until the counter reaches rounds",
                 {{"rounds", 2, 1, 4, "schedules"}, idle_timeouts_parameter(0)}, {"thread__job"},
                 netbsd_unbound_schedule),
        scenario("netbsd_percpu_schedule", "NetBSD test: the same on the current CPU's pool",
                 {{"rounds", 2, 1, 4, "schedules"}, {"cpus", 1, 1, 2, "CPUs"},
                  idle_timeouts_parameter(0)},
                 {"thread__job"}, netbsd_percpu_schedule),
        scenario("netbsd_cancel_running", "NetBSD test: cancel of a running job",
                 {idle_timeouts_parameter(0)}, {"async_cancel_of_assigned_job"}, cancel_running),
        scenario("netbsd_cancel_thrash",
                 "NetBSD test: schedule and waiting cancel in a loop, letting the job start "
                 "every third time",
                 {{"iterations", 2, 1, 10, "iterations"}, idle_timeouts_parameter(0)},
                 {"cancel_of_queued_job", "cancel__done"}, netbsd_cancel_thrash),
        scenario("netbsd_test_module",
                 "NetBSD test module: two gets, two runs, cancel through the current CPU",
                 {{"cpus", 2, 1, 2, "CPUs"}, idle_timeouts_parameter(0)}, {"thread__job"},
                 netbsd_test_module, bounded(5)),
    };
    return list;
}

}  // namespace

const std::vector<Scenario>& catalogue() {
    static const std::vector<Scenario> list = [] {
        std::vector<Scenario> built = build_catalogue();
        for (Scenario& entry : built) {
            Scenario copy = entry;
            entry.make = [copy](const Parameters& parameters) {
                Parameters resolved;
                if (auto error = resolve_parameters(copy, parameters, resolved))
                    throw std::invalid_argument(*error);
                return make_program(copy, resolved, nullptr);
            };
        }
        return built;
    }();
    return list;
}

const Scenario* find_scenario(std::string_view name) {
    for (const Scenario& entry : catalogue()) {
        if (entry.name == name)
            return &entry;
    }
    return nullptr;
}

std::optional<std::string> resolve_parameters(const Scenario& scenario, const Parameters& given,
                                              Parameters& resolved) {
    resolved.clear();
    for (const auto& [name, value] : given) {
        auto it = std::find_if(scenario.parameters.begin(), scenario.parameters.end(),
                               [&](const Parameter& p) { return p.name == name; });
        if (it == scenario.parameters.end()) {
            std::string known;
            for (const Parameter& p : scenario.parameters)
                known += (known.empty() ? "" : ", ") + p.name;
            return fmt::format("scenario {} has no parameter '{}' (its parameters: {})",
                               scenario.name, name, known.empty() ? "none" : known);
        }
        if (value < it->min || value > it->max)
            return fmt::format("invalid value {} for parameter {} of scenario {}: expected {} to {}",
                               value, name, scenario.name, it->min, it->max);
    }
    for (const Parameter& p : scenario.parameters) {
        auto it = given.find(p.name);
        resolved[p.name] = it != given.end() ? it->second : p.value;
    }
    return std::nullopt;
}

}  // namespace properties
