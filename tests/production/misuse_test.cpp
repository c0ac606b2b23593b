// Misuse that the pool turns into a clear end of the process instead of a
// hang or silent corruption.  Each case runs in a child process (see
// run_child) and checks how it ended and what it wrote to stderr.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "tests/production/support.hpp"

using namespace vtp;
using namespace vtp::test;

namespace {

// A job whose function is chosen per scenario.  The pool it runs on is
// stored before it is scheduled.
struct misuse_job : job {
    mutex lock{mutex_kind::adaptive, "misuse_job"};
    pool* target = nullptr;
    pri_t priority = PRI_NONE;
    registry* owner = nullptr;
};

void cancel_itself(threadpool_job<P>* base) {
    auto* self = static_cast<misuse_job*>(base);
    self->lock.lock();
    threadpool_cancel_job(self->target, base);
    threadpool_job_done(base);
    self->lock.unlock();
}

void throw_exception(threadpool_job<P>*) {
    throw std::runtime_error("failure inside the job");
}

void return_without_job_done(threadpool_job<P>*) {}

void put_last_reference(threadpool_job<P>* base) {
    auto* self = static_cast<misuse_job*>(base);
    threadpool_put(self->target, self->priority, *self->owner);
    self->lock.lock();
    threadpool_job_done(base);
    self->lock.unlock();
}

// Runs job on a pool of a private registry with fn as its function, and
// waits for the process to end.  Returns only if it does not end.
void run_misuse(threadpool_job_fn_t<P> fn, const char* name) {
    static registry reg;
    static misuse_job job;
    threadpool_job_init(&job, fn, &job.lock, "%s", name);
    if (threadpool_get(&job.target, job.priority, reg) != 0)
        return;
    job.owner = &reg;

    job.lock.lock();
    threadpool_schedule_job(job.target, &job);
    job.lock.unlock();

    // The scenario's process is expected to end while this thread waits.
    condvar never("never");
    mutex idle(mutex_kind::adaptive, "idle");
    idle.lock();
    never.timed_wait(idle, wait_timeout);
    idle.unlock();
}

}  // namespace

VTP_CHILD_SCENARIO(waiting_cancel_from_own_job) {
    run_misuse(&cancel_itself, "selfcancel");
}

VTP_CHILD_SCENARIO(job_throws) {
    run_misuse(&throw_exception, "thrower");
}

VTP_CHILD_SCENARIO(job_forgets_job_done) {
    run_misuse(&return_without_job_done, "forgetful");
}

VTP_CHILD_SCENARIO(last_put_from_pool_thread) {
    run_misuse(&put_last_reference, "lastput");
}

VTP_CHILD_SCENARIO(destroy_of_running_job) {
    static registry reg;
    pool* unbound = nullptr;
    if (threadpool_get(&unbound, PRI_NONE, reg) != 0)
        return;
    static gated_job job("stillrunning");
    {
        interlock_guard guard(job.lock);
        threadpool_schedule_job(unbound, &job);
        if (!job.wait_started(1))
            return;
    }
    threadpool_job_destroy(&job);
}

VTP_CHILD_SCENARIO(job_destroyed_twice) {
    static misuse_job job;
    threadpool_job_init(&job, &return_without_job_done, &job.lock, "twice");
    threadpool_job_destroy(&job);
    threadpool_job_destroy(&job);
}

// The misuse itself: clang's lock analysis would reject it at compile time.
void schedule_unlocked(misuse_job& job) VTP_NO_THREAD_SAFETY_ANALYSIS {
    threadpool_schedule_job(job.target, &job);
}

VTP_CHILD_SCENARIO(schedule_without_interlock) {
    static registry reg;
    static misuse_job job;
    threadpool_job_init(&job, &return_without_job_done, &job.lock, "unlocked");
    if (threadpool_get(&job.target, PRI_NONE, reg) != 0)
        return;
    schedule_unlocked(job);
}

VTP_CHILD_SCENARIO(job_done_outside_job) {
    static misuse_job job;
    threadpool_job_init(&job, &return_without_job_done, &job.lock, "idle");
    job.lock.lock();
    threadpool_job_done(&job);
    job.lock.unlock();
}

TEST_CASE("waiting cancel from own job ends the process" *
          doctest::skip(!P::checks_enabled)) {
    check_aborted_with(run_child("waiting_cancel_from_own_job"),
                       {"threadpool_cancel_job", "\"selfcancel\"", "is cancelled by its own function"});
}

TEST_CASE("throwing job ends the process naming it") {
    check_aborted_with(run_child("job_throws"), {"job 'thrower' threw: failure inside the job"});
}

TEST_CASE("job without job_done ends the process" * doctest::skip(!P::checks_enabled)) {
    check_aborted_with(run_child("job_forgets_job_done"),
                       {"returned without calling threadpool_job_done", "\"forgetful\""});
}

TEST_CASE("last put from pool thread ends the process" *
          doctest::skip(!P::checks_enabled)) {
    check_aborted_with(run_child("last_put_from_pool_thread"),
                       {"threadpool_destroy", "is destroyed by its own thread \"lastput\""});
}

TEST_CASE("destroy of running job ends the process" * doctest::skip(!P::checks_enabled)) {
    check_aborted_with(run_child("destroy_of_running_job"),
                       {"threadpool_job_destroy", "\"stillrunning\"", "is still scheduled or running"});
}

TEST_CASE("second job destroy ends the process" * doctest::skip(!P::checks_enabled)) {
    check_aborted_with(run_child("job_destroyed_twice"),
                       {"threadpool_job_destroy", "was destroyed already"});
}

TEST_CASE("schedule without interlock ends the process" *
          doctest::skip(!P::checks_enabled)) {
    check_aborted_with(run_child("schedule_without_interlock"),
                       {"\"unlocked\"", "the caller must hold the job's interlock"});
}

TEST_CASE("job_done outside the job ends the process" * doctest::skip(!P::checks_enabled)) {
    check_aborted_with(run_child("job_done_outside_job"),
                       {"threadpool_job_done", "\"idle\"", "is not running"});
}
