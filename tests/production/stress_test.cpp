// Several client threads schedule, cancel (both kinds), reschedule and
// destroy and re-initialise shared jobs on unbound pools and on every CPU's
// pool at once, while idle workers time out after a millisecond.  Each job keeps its own books under its interlock, so that
// every schedule that was not coalesced is matched by exactly one run or
// exactly one successful cancel.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/production/support.hpp"

using namespace vtp;
using namespace vtp::test;

namespace {

// Iterations of the busy loop that a run performs with the interlock
// dropped: long enough that workers are often all busy, so that schedules
// queue jobs for the overseers and cancels find them queued.
constexpr unsigned work_iterations = 5000;

// Where a job is, as its clients see it.  Every change is made with the
// interlock held, together with the pool call that causes it.
enum class job_state {
    idle,     // not scheduled: the pool holds no reference to the job
    pending,  // scheduled and not yet started: queued or assigned
    running,  // started, job_done not yet called
};

struct accounted_job : job {
    mutex lock{mutex_kind::adaptive, "accounted_job"};

    // Clients take it shared for schedule and cancel, and exclusive to
    // destroy and re-initialise the job.
    std::shared_mutex lifecycle;

    // Guarded by lock.
    job_state state = job_state::idle;
    long schedules = 0;   // schedules that found the job idle
    long coalesced = 0;   // schedules that found it pending or running
    long runs = 0;
    long cancels = 0;     // cancels that removed a pending job
    long destroys = 0;
    long violations = 0;
    std::string first_violation;

    std::atomic<int> in_flight{0};  // runs between start and job_done

    explicit accounted_job(int index) : index_(index) { init(); }

    void init() { threadpool_job_init(this, &accounted_job::run, &lock, "stress-%d", index_); }

    // Describes the books of the job, for a report.
    std::string describe() VTP_REQUIRES(lock) {
        static const char* const state_names[] = {"idle", "pending", "running"};
        return "job " + std::to_string(index_) + ": " +
               state_names[static_cast<int>(state)] + ", " + std::to_string(schedules) +
               " schedules, " + std::to_string(runs) + " runs, " + std::to_string(cancels) +
               " cancels";
    }

    void violation(const std::string& what) VTP_REQUIRES(lock) {
        if (violations++ == 0)
            first_violation = "job " + std::to_string(index_) + ": " + what;
    }

    static void run(threadpool_job<P>* base) {
        auto* self = static_cast<accounted_job*>(base);
        const int others = self->in_flight.fetch_add(1);

        self->lock.lock();
        if (others != 0)
            self->violation("started while another run was in flight");
        if (self->state != job_state::pending)
            self->violation("started while not pending");
        self->state = job_state::running;
        ++self->runs;
        self->lock.unlock();

        // Work with the interlock dropped, so that clients can schedule and
        // cancel the running job meanwhile.
        volatile unsigned work = 0;
        for (unsigned i = 0; i < work_iterations; ++i)
            work = work + i;

        self->lock.lock();
        self->state = job_state::idle;
        self->in_flight.fetch_sub(1);
        threadpool_job_done(base);
        self->lock.unlock();
    }

private:
    int index_;
};

// One client's operations, with the bookkeeping each needs.
class client {
public:
    client(std::vector<pool*>& targets, std::vector<std::unique_ptr<accounted_job>>& jobs,
           unsigned seed)
        : targets_(targets), jobs_(jobs), random_(seed) {}

    void step() {
        accounted_job& job = *jobs_[pick(jobs_.size())];
        pool* target = targets_[pick(targets_.size())];
        const unsigned operation = static_cast<unsigned>(pick(100));
        if (operation < 45) {
            std::shared_lock lifecycle(job.lifecycle);
            interlock_guard guard(job.lock);
            schedule(job, target);
        } else if (operation < 60) {
            std::shared_lock lifecycle(job.lifecycle);
            interlock_guard guard(job.lock);
            cancel_async(job, target);
        } else if (operation < 75) {
            // Schedule and cancel at once, which mostly finds the job queued.
            std::shared_lock lifecycle(job.lifecycle);
            interlock_guard guard(job.lock);
            schedule(job, target);
            cancel_async(job, target);
        } else if (operation < 95) {
            std::shared_lock lifecycle(job.lifecycle);
            interlock_guard guard(job.lock);
            cancel_waiting(job, target);
        } else {
            std::unique_lock lifecycle(job.lifecycle);
            destroy_and_init(job, target);
        }
    }

private:
    std::size_t pick(std::size_t count) {
        return std::uniform_int_distribution<std::size_t>(0, count - 1)(random_);
    }

    static void schedule(accounted_job& job, pool* target) VTP_REQUIRES(job.lock) {
        if (job.state == job_state::idle) {
            job.state = job_state::pending;
            ++job.schedules;
        } else {
            ++job.coalesced;
        }
        threadpool_schedule_job(target, &job);
    }

    static void cancel_async(accounted_job& job, pool* target) VTP_REQUIRES(job.lock) {
        const bool cancelled = threadpool_cancel_job_async(target, &job);
        if (cancelled) {
            if (job.state == job_state::running)
                job.violation("async cancel returned true for a running job");
            if (job.state == job_state::pending) {
                job.state = job_state::idle;
                ++job.cancels;
            }
        } else if (job.state == job_state::idle) {
            job.violation("async cancel returned false for a job that was not scheduled");
        }
    }

    static void cancel_waiting(accounted_job& job, pool* target) VTP_REQUIRES(job.lock) {
        threadpool_cancel_job(target, &job);
        // The cancel either removed the job before it started, which leaves
        // the books at pending, or waited until its job_done.
        if (job.state == job_state::running)
            job.violation("waiting cancel returned while the job was running");
        if (job.state == job_state::pending) {
            job.state = job_state::idle;
            ++job.cancels;
        }
    }

    static void destroy_and_init(accounted_job& job, pool* target) {
        {
            interlock_guard guard(job.lock);
            cancel_waiting(job, target);
        }
        threadpool_job_destroy(&job);
        const bool dead = std::string(threadpool_job_name(&job)) == "deadjob";
        job.init();

        interlock_guard guard(job.lock);
        if (!dead)
            job.violation("destroyed job is not named deadjob");
        ++job.destroys;
    }

    std::vector<pool*>& targets_;
    std::vector<std::unique_ptr<accounted_job>>& jobs_;
    std::minstd_rand random_;
};

}  // namespace

TEST_CASE("stress of schedule, cancel and destroy") {
    // Idle workers exit after 1 ms, and the work is spread over several
    // pools, so that workers are often created and reaped and jobs often
    // wait in an overseer's queue.
    registry reg;
    REQUIRE(reg.set_idle_ms(1) == 0);
    constexpr pri_t unbound_priorities[] = {PRI_NONE, PRI_USER, 1, 2, 3};
    std::vector<pool*> targets;
    for (const pri_t pri : unbound_priorities) {
        pool* unbound = nullptr;
        REQUIRE(threadpool_get(&unbound, pri, reg) == 0);
        targets.push_back(unbound);
    }
    pool_percpu* collection = nullptr;
    REQUIRE(threadpool_percpu_get(&collection, PRI_NONE, reg) == 0);
    for (int cpu = 0; cpu < P::cpu_count(); ++cpu)
        targets.push_back(threadpool_percpu_ref_remote(collection, cpu));

    constexpr int job_count = 16;
    std::vector<std::unique_ptr<accounted_job>> jobs;
    for (int i = 0; i < job_count; ++i)
        jobs.push_back(std::make_unique<accounted_job>(i));

    // A scheduled job that is never run and never cancelled leaves the
    // waiting cancels below waiting forever.  The watchdog turns that into a
    // failure that names the jobs whose books do not balance.
    watchdog guard(std::chrono::seconds(60), [&jobs] {
        std::string report = "jobs whose schedules are not matched by runs and cancels:";
        for (auto& job : jobs) {
            interlock_guard books(job->lock);
            if (job->schedules != job->runs + job->cancels)
                report += "\n  " + job->describe();
        }
        return report;
    });

    // Each client stops after its operations or at the deadline, whichever
    // comes first, so that slow sanitizer builds stay short.
    constexpr int client_count = 4;
    constexpr long operations_per_client = 20000;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    std::atomic<long> operations{0};
    std::vector<std::thread> clients;
    for (int i = 0; i < client_count; ++i) {
        clients.emplace_back([&, i] {
            client self(targets, jobs, 1000u + static_cast<unsigned>(i));
            for (long n = 0; n < operations_per_client; ++n) {
                if ((n & 63) == 0 && std::chrono::steady_clock::now() >= deadline)
                    break;
                self.step();
                operations.fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    for (auto& thread : clients)
        thread.join();

    long schedules = 0, coalesced = 0, runs = 0, cancels = 0, destroys = 0;
    for (auto& job : jobs) {
        {
            interlock_guard guard(job->lock);
            threadpool_cancel_job(targets.front(), job.get());
            if (job->state == job_state::pending) {
                job->state = job_state::idle;
                ++job->cancels;
            }
            CHECK_MESSAGE(job->violations == 0, job->first_violation);
            CHECK(job->state == job_state::idle);
            CHECK(job->schedules == job->runs + job->cancels);
            schedules += job->schedules;
            coalesced += job->coalesced;
            runs += job->runs;
            cancels += job->cancels;
            destroys += job->destroys;
        }
        threadpool_job_destroy(job.get());
    }
    MESSAGE(operations.load(), " operations: ", schedules, " schedules, ", coalesced,
            " coalesced, ", runs, " runs, ", cancels, " cancels, ", destroys, " destroys");

    // The mix must have reached every path it is meant to exercise.
    CHECK(runs > 0);
    CHECK(cancels > 0);
    CHECK(coalesced > 0);
    CHECK(destroys > 0);

    threadpool_percpu_put(collection, PRI_NONE, reg);
    for (std::size_t i = 0; i < std::size(unbound_priorities); ++i)
        threadpool_put(targets[i], unbound_priorities[i], reg);
}
