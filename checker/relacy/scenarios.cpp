// The catalogue's client programs on relacy::platform.  Each function below
// follows the function of the same name in properties/scenarios.cpp call
// for call, with the test job and its functions of properties/test_job.hpp,
// which the engine's harness uses too.  The differences are in how threads
// and checks are made:
//
// - client threads start with relacy::spawn, which takes a callable that
//   outlives the thread, so that starting one allocates nothing (every
//   free inside a simulation is one more choice for Relacy's full search);
// - arrays replace vectors and snprintf replaces fmt, for the same reason;
// - check() reports through Relacy, which prints the execution's history.
#include <cstdio>
#include <span>
#include <string_view>

#include "checker/relacy/scenarios.hpp"
#include "model/threadpool.hpp"
#include "properties/test_job.hpp"

#include "checker/relacy/relacy_include.hpp"

#include "checker/relacy/platform.hpp"

namespace checker::relacy {

namespace {

using P = platform;
using pool_t = vtp::threadpool<P>;
using pool_percpu_t = vtp::threadpool_percpu<P>;
using job_t = vtp::threadpool_job<P>;
using registry_t = vtp::threadpool_registry<P>;

// Reports a violation of the scenario's property unless condition holds.
void check(bool condition, const char* property, const char* message,
           location loc = location::current()) {
    if (!condition)
        fail("property", property, message, loc, rl::test_result_user_assert_failed);
}

// The shared test job and its functions on this platform. Unlike the engine's
// new_job, this one keeps no list of jobs.

using TestJob = properties::TestJobOn<P>;
using properties::cancel;
using properties::cancel_async;
using properties::cancel_during_handoff_steps;
using properties::free_job;
using properties::job_count;
using properties::job_drain_work;
using properties::job_wait_release;
using properties::schedule;
using properties::wait_for;

TestJob* new_job(vtp::threadpool_job_fn_t<P> fn, const char* name) {
    return properties::make_job<P>(fn, name);
}

// Sets up a fresh registry for the execution and runs body with it.
template <class Body>
void with_registry(int cpus, int idle_timeouts, Body body) {
    run_state().cpus = cpus;
    run_state().timeouts = idle_timeouts != 0;
    registry_t registry;
    body(registry);
}

// Workers a pool may create: one per schedule that can queue a job, plus
// one more per idle timeout (a worker that times out before the overseer
// hands it the job makes the overseer spawn again).
int workers(int schedules, const ScenarioConfig& config, int max_timeouts) {
    return schedules + (config.idle_timeouts != 0 ? max_timeouts : 0);
}

// The scenarios.

// Gets the unbound pool at PRI_NONE and checks that the get succeeded.
pool_t* get_pool_checked(registry_t& registry) {
    pool_t* pool = nullptr;
    int error = vtp::threadpool_get(&pool, vtp::PRI_NONE, registry);
    char message[96];
    std::snprintf(message, sizeof message, "threadpool_get failed with error %d", error);
    check(error == 0, "get_result", message);
    return pool;
}

void schedule_wait(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* jobs[3] = {};
        for (int i = 0; i < config.jobs; ++i)
            jobs[i] = new_job(job_count, "count");
        for (int i = 0; i < config.jobs; ++i)
            schedule(pool, jobs[i]);
        for (int i = 0; i < config.jobs; ++i) {
            TestJob* job = jobs[i];
            wait_for(job, [job] { return job->runs.read() >= 1; });
            cancel(pool, job);
            check(job->runs.read() == 1, "runs", "the job should have run exactly once");
            free_job(job);
        }
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

int schedule_wait_threads(const ScenarioConfig& config, int max_timeouts) {
    return 1 + workers(config.jobs, config, max_timeouts);
}

void schedule_twice(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* job = new_job(job_count, "twice");
        schedule(pool, job);
        schedule(pool, job);
        wait_for(job, [job] { return job->runs.read() >= 1; });
        cancel(pool, job);
        int runs = job->runs.read();
        char message[64];
        std::snprintf(message, sizeof message, "two schedules gave %d runs", runs);
        check(runs >= 1 && runs <= 2, "runs", message);
        free_job(job);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

void schedule_cancel(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* job = new_job(job_count, "cancelled");
        schedule(pool, job);
        cancel(pool, job);
        job->lock.lock();
        int runs = job->runs.read();
        job->lock.unlock();
        char message[64];
        std::snprintf(message, sizeof message, "a cancelled job ran %d times", runs);
        check(runs <= 1, "runs", message);
        free_job(job);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

void schedule_cancel_async(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* job = new_job(job_count, "async");
        schedule(pool, job);
        if (!cancel_async(pool, job))
            wait_for(job, [job] { return job->runs.read() >= 1; });
        cancel(pool, job);
        free_job(job);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

void cancel_running(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* job = new_job(job_wait_release, "running");
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
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

// One schedule, one overseer.
int one_job_threads(const ScenarioConfig& config, int max_timeouts) {
    return 1 + workers(1, config, max_timeouts);
}

void reschedule_from_job(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* job = new_job(job_drain_work, "wg");
        auto producer = [pool, job] {
            job->lock.lock();
            job->work.write() += 1;
            vtp::threadpool_schedule_job(pool, &job->job);
            job->lock.unlock();
        };
        ThreadRecord* threads[3] = {};
        for (int i = 0; i < config.producers; ++i)
            threads[i] = spawn(producer, "producer");
        for (int i = 0; i < config.producers; ++i)
            join(threads[i]);
        const int producers = config.producers;
        wait_for(job, [job, producers] { return job->handled.read() == producers; });
        cancel(pool, job);
        check(job->work.read() == 0, "no_lost_job", "a work bit was left unprocessed");
        free_job(job);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

int reschedule_from_job_threads(const ScenarioConfig& config, int max_timeouts) {
    return config.producers + 1 + workers(config.producers, config, max_timeouts);
}

void two_clients(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* job = new_job(job_count, "shared");
        auto client = [pool, job] { schedule(pool, job); };
        ThreadRecord* a = spawn(client, "client");
        ThreadRecord* b = spawn(client, "client");
        join(a);
        join(b);
        wait_for(job, [job] { return job->runs.read() >= 1; });
        cancel(pool, job);
        free_job(job);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

int two_clients_threads(const ScenarioConfig& config, int max_timeouts) {
    return 2 + 1 + workers(2, config, max_timeouts);
}

void idle_timeout_race(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* job = new_job(job_count, "again");
        schedule(pool, job);
        wait_for(job, [job] { return job->runs.read() >= 1; });
        schedule(pool, job);
        wait_for(job, [job] { return job->runs.read() >= 2; });
        cancel(pool, job);
        free_job(job);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

// Two schedules, one overseer.
int two_schedules_threads(const ScenarioConfig& config, int max_timeouts) {
    return 1 + workers(2, config, max_timeouts);
}

void destroy_with_idle(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* job = new_job(job_count, "once");
        schedule(pool, job);
        wait_for(job, [job] { return job->runs.read() >= 1; });
        cancel(pool, job);
        free_job(job);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

void destroy_while_creating(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* job = new_job(job_count, "brief");
        schedule(pool, job);
        cancel(pool, job);
        free_job(job);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

// A job is cancelled and scheduled again, in one hold of its interlock,
// while the overseer may be in the middle of handing it to a worker.
void cancel_during_handoff(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* first = new_job(job_count, "first");
        TestJob* second = new_job(job_count, "second");
        cancel_during_handoff_steps(pool, first, second);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

int cancel_during_handoff_threads(const ScenarioConfig& config, int max_timeouts) {
    return 1 + workers(3, config, max_timeouts);
}

void get_put_race(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        auto client = [&registry] {
            pool_t* pool = nullptr;
            if (vtp::threadpool_get(&pool, vtp::PRI_NONE, registry) == 0)
                vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
        };
        ThreadRecord* a = spawn(client, "client");
        ThreadRecord* b = spawn(client, "client");
        join(a);
        join(b);
    });
}

// Two clients; each may create a pool, so two overseers.
int get_put_race_threads(const ScenarioConfig&, int) {
    return 2 + 2;
}

void percpu_get_put_race(const ScenarioConfig& config) {
    with_registry(config.cpus, config.idle_timeouts, [&](registry_t& registry) {
        auto client = [&registry] {
            pool_percpu_t* percpu = nullptr;
            if (vtp::threadpool_percpu_get(&percpu, vtp::PRI_NONE, registry) == 0)
                vtp::threadpool_percpu_put(percpu, vtp::PRI_NONE, registry);
        };
        ThreadRecord* a = spawn(client, "client");
        ThreadRecord* b = spawn(client, "client");
        join(a);
        join(b);
    });
}

int percpu_get_put_race_threads(const ScenarioConfig& config, int) {
    return 2 + 2 * config.cpus;
}

void percpu_schedule(const ScenarioConfig& config) {
    const int cpus = config.cpus;
    with_registry(cpus, config.idle_timeouts, [&](registry_t& registry) {
        pool_percpu_t* percpu = nullptr;
        int error = vtp::threadpool_percpu_get(&percpu, vtp::PRI_NONE, registry);
        char message[96];
        std::snprintf(message, sizeof message, "threadpool_percpu_get failed: %d", error);
        check(error == 0, "get_result", message);
        pool_t* local = vtp::threadpool_percpu_ref(percpu);
        pool_t* remote = vtp::threadpool_percpu_ref_remote(percpu, cpus - 1);
        TestJob* job = new_job(job_count, "remote");
        schedule(remote, job);
        // Cancel through the local pool: a job queued on another pool's
        // overseer is reported as running, so the cancel waits for it.
        cancel(local, job);
        free_job(job);
        vtp::threadpool_percpu_put(percpu, vtp::PRI_NONE, registry);
    });
}

int percpu_schedule_threads(const ScenarioConfig& config, int max_timeouts) {
    return config.cpus + workers(1, config, max_timeouts);
}

void worker_creation_failure(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = nullptr;
        if (vtp::threadpool_get(&pool, vtp::PRI_NONE, registry) != 0)
            return;
        TestJob* job = new_job(job_count, "retry");
        schedule(pool, job);
        wait_for(job, [job] { return job->runs.read() >= 1; });
        cancel(pool, job);
        free_job(job);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

// The registry's lists, read without threadpools_lock: the scenario looks
// after its failed get returned, when no other thread uses the registry.
// peek() is not an access that Relacy checks, and clang's lock analysis
// would reject the read.
bool registry_has_no_unbound_pool(registry_t& registry) VTP_NO_THREAD_SAFETY_ANALYSIS {
    return registry.unbound_threadpools.peek().first == nullptr;
}

bool registry_has_no_percpu_pool(registry_t& registry) VTP_NO_THREAD_SAFETY_ANALYSIS {
    return registry.percpu_threadpools.peek().first == nullptr;
}

void overseer_creation_failure(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = nullptr;
        int error = vtp::threadpool_get(&pool, vtp::PRI_NONE, registry);
        if (error == 0) {
            vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
            return;
        }
        char message[128];
        std::snprintf(message, sizeof message,
                      "threadpool_get failed with error %d but left a pool in the registry", error);
        check(registry_has_no_unbound_pool(registry), "get_result", message);
    });
}

int one_overseer_threads(const ScenarioConfig&, int) {
    return 1;
}

void percpu_creation_failure(const ScenarioConfig& config) {
    with_registry(config.cpus, config.idle_timeouts, [&](registry_t& registry) {
        pool_percpu_t* percpu = nullptr;
        int error = vtp::threadpool_percpu_get(&percpu, vtp::PRI_NONE, registry);
        if (error == 0) {
            vtp::threadpool_percpu_put(percpu, vtp::PRI_NONE, registry);
            return;
        }
        char message[128];
        std::snprintf(message, sizeof message,
                      "threadpool_percpu_get failed with error %d but left a collection in the "
                      "registry",
                      error);
        check(registry_has_no_percpu_pool(registry), "get_result", message);
    });
}

int overseer_per_cpu_threads(const ScenarioConfig& config, int) {
    return config.cpus;
}

void job_destroy_after_done(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        for (int i = 0; i < config.jobs; ++i) {
            TestJob* job = new_job(job_count, "executor");
            schedule(pool, job);
            // Destroy and free the job as soon as it reports done, while its
            // worker may still be on its way back to the idle list.
            wait_for(job, [job] { return job->runs.read() >= 1; });
            free_job(job);
        }
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

void netbsd_unbound_lifecycle(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* first = nullptr;
        pool_t* second = nullptr;
        pool_t* realtime = nullptr;
        check(vtp::threadpool_get(&first, vtp::PRI_NONE, registry) == 0, "get_result",
              "first get failed");
        check(vtp::threadpool_get(&second, vtp::PRI_NONE, registry) == 0, "get_result",
              "second get failed");
        check(first == second, "get_result", "two gets of one priority gave different pools");
        check(vtp::threadpool_get(&realtime, vtp::PRI_KERNEL_RT, registry) == 0, "get_result",
              "get failed");
        check(realtime != first, "get_result", "two priorities share a pool");
        vtp::threadpool_put(first, vtp::PRI_NONE, registry);
        vtp::threadpool_put(second, vtp::PRI_NONE, registry);
        vtp::threadpool_put(realtime, vtp::PRI_KERNEL_RT, registry);
    });
}

int two_priorities_threads(const ScenarioConfig&, int) {
    return 2;
}

void netbsd_percpu_lifecycle(const ScenarioConfig& config) {
    with_registry(config.cpus, config.idle_timeouts, [&](registry_t& registry) {
        pool_percpu_t* first = nullptr;
        pool_percpu_t* second = nullptr;
        pool_percpu_t* realtime = nullptr;
        check(vtp::threadpool_percpu_get(&first, vtp::PRI_NONE, registry) == 0, "get_result",
              "get failed");
        check(vtp::threadpool_percpu_get(&second, vtp::PRI_NONE, registry) == 0, "get_result",
              "get failed");
        check(first == second, "get_result", "two gets gave different collections");
        check(vtp::threadpool_percpu_get(&realtime, vtp::PRI_KERNEL_RT, registry) == 0,
              "get_result", "get failed");
        check(realtime != first, "get_result", "two priorities share a collection");
        vtp::threadpool_percpu_put(first, vtp::PRI_NONE, registry);
        vtp::threadpool_percpu_put(second, vtp::PRI_NONE, registry);
        vtp::threadpool_percpu_put(realtime, vtp::PRI_KERNEL_RT, registry);
    });
}

int two_priorities_per_cpu_threads(const ScenarioConfig& config, int) {
    return 2 * config.cpus;
}

// NetBSD's schedule test: the client holds the interlock, schedules, and
// waits (untimed here) for the job to count, until the final value.
void netbsd_schedule(pool_t* pool, int rounds) {
    TestJob* job = new_job(job_count, "netbsd");
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

void netbsd_unbound_schedule(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        netbsd_schedule(pool, config.rounds);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

int netbsd_unbound_schedule_threads(const ScenarioConfig& config, int max_timeouts) {
    return 1 + workers(config.rounds, config, max_timeouts);
}

void netbsd_percpu_schedule(const ScenarioConfig& config) {
    with_registry(config.cpus, config.idle_timeouts, [&](registry_t& registry) {
        pool_percpu_t* percpu = nullptr;
        check(vtp::threadpool_percpu_get(&percpu, vtp::PRI_NONE, registry) == 0, "get_result",
              "get failed");
        netbsd_schedule(vtp::threadpool_percpu_ref(percpu), config.rounds);
        vtp::threadpool_percpu_put(percpu, vtp::PRI_NONE, registry);
    });
}

int netbsd_percpu_schedule_threads(const ScenarioConfig& config, int max_timeouts) {
    return config.cpus + workers(config.rounds, config, max_timeouts);
}

void netbsd_cancel_thrash(const ScenarioConfig& config) {
    with_registry(1, config.idle_timeouts, [&](registry_t& registry) {
        pool_t* pool = get_pool_checked(registry);
        TestJob* job = new_job(job_count, "thrash");
        job->lock.lock();
        for (int i = 0; i < config.iterations; ++i) {
            int before = job->runs.read();
            vtp::threadpool_schedule_job(pool, &job->job);
            if (i % 3 == 0) {
                // Let the job start.
                job->lock.unlock();
                job->lock.lock();
            }
            vtp::threadpool_cancel_job(pool, &job->job);
            int after = job->runs.read();
            char message[96];
            std::snprintf(message, sizeof message, "after a cancel the job ran %d times, not 0 or 1",
                          after - before);
            check(after == before || after == before + 1, "runs", message);
        }
        job->lock.unlock();
        free_job(job);
        vtp::threadpool_put(pool, vtp::PRI_NONE, registry);
    });
}

int netbsd_cancel_thrash_threads(const ScenarioConfig& config, int max_timeouts) {
    return 1 + workers(config.iterations, config, max_timeouts);
}

void netbsd_test_module(const ScenarioConfig& config) {
    with_registry(config.cpus, config.idle_timeouts, [&](registry_t& registry) {
        pool_percpu_t* percpu = nullptr;
        pool_percpu_t* again = nullptr;
        check(vtp::threadpool_percpu_get(&percpu, vtp::PRI_NONE, registry) == 0, "get_result",
              "failed");
        check(vtp::threadpool_percpu_get(&again, vtp::PRI_NONE, registry) == 0, "get_result",
              "failed");
        check(percpu == again, "get_result", "second get gave another collection");
        pool_t* pool = vtp::threadpool_percpu_ref_remote(percpu, 0);
        TestJob* job = new_job(job_count, "module");
        for (int round = 1; round <= 2; ++round) {
            schedule(pool, job);
            wait_for(job, [job, round] { return job->runs.read() >= round; });
        }
        // Unload: cancel through the current CPU's pool.
        cancel(vtp::threadpool_percpu_ref(percpu), job);
        free_job(job);
        vtp::threadpool_percpu_put(again, vtp::PRI_NONE, registry);
        vtp::threadpool_percpu_put(percpu, vtp::PRI_NONE, registry);
    });
}

int netbsd_test_module_threads(const ScenarioConfig& config, int max_timeouts) {
    return config.cpus + workers(2, config, max_timeouts);
}

constexpr ScenarioPort ports[] = {
    {"schedule_wait", schedule_wait, schedule_wait_threads},
    {"schedule_twice", schedule_twice, two_schedules_threads},
    {"schedule_cancel", schedule_cancel, one_job_threads},
    {"schedule_cancel_async", schedule_cancel_async, one_job_threads},
    {"cancel_running", cancel_running, one_job_threads},
    {"reschedule_from_job", reschedule_from_job, reschedule_from_job_threads},
    {"two_clients", two_clients, two_clients_threads},
    {"many_jobs_few_workers", schedule_wait, schedule_wait_threads},
    {"idle_timeout_race", idle_timeout_race, two_schedules_threads},
    {"destroy_with_idle_workers", destroy_with_idle, one_job_threads},
    {"destroy_while_creating", destroy_while_creating, one_job_threads},
    {"cancel_during_handoff", cancel_during_handoff, cancel_during_handoff_threads},
    {"get_put_race", get_put_race, get_put_race_threads},
    {"percpu_get_put_race", percpu_get_put_race, percpu_get_put_race_threads},
    {"percpu_remote_cancel", percpu_schedule, percpu_schedule_threads},
    {"worker_creation_failure", worker_creation_failure, one_job_threads},
    {"overseer_creation_failure", overseer_creation_failure, one_overseer_threads},
    {"percpu_creation_failure", percpu_creation_failure, overseer_per_cpu_threads},
    {"job_destroy_after_done", job_destroy_after_done, schedule_wait_threads},
    {"netbsd_unbound_lifecycle", netbsd_unbound_lifecycle, two_priorities_threads},
    {"netbsd_percpu_lifecycle", netbsd_percpu_lifecycle, two_priorities_per_cpu_threads},
    {"netbsd_unbound_schedule", netbsd_unbound_schedule, netbsd_unbound_schedule_threads},
    {"netbsd_percpu_schedule", netbsd_percpu_schedule, netbsd_percpu_schedule_threads},
    {"netbsd_cancel_running", cancel_running, one_job_threads},
    {"netbsd_cancel_thrash", netbsd_cancel_thrash, netbsd_cancel_thrash_threads},
    {"netbsd_test_module", netbsd_test_module, netbsd_test_module_threads},
};

}  // namespace

std::span<const ScenarioPort> scenario_ports() {
    return ports;
}

const ScenarioPort* find_scenario_port(std::string_view name) {
    for (const ScenarioPort& port : ports) {
        if (name == port.name)
            return &port;
    }
    return nullptr;
}

}  // namespace checker::relacy
