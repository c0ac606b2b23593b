// An async cancel that lands while the overseer hands the job to a worker.
//
// The overseer takes a queued job off the queue, holds a reference to it
// and drops the pool lock before it takes the job's interlock.  While it
// waits for that interlock, the job's owner may cancel the job: the job is
// still assigned to the overseer, so the cancel reports success.  A job so
// cancelled must never be touched by the pool again once the overseer has
// dropped its reference, because its owner may destroy and free it.
#include <doctest/doctest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "model/threadpool_inspect.hpp"
#include "tests/production/support.hpp"

using namespace vtp;
using namespace vtp::test;

// Exits with a distinct code for each step that fails, so that the test
// names the step.
VTP_CHILD_SCENARIO(cancel_during_handoff) {
    static registry reg;
    if (reg.set_retry_pause_ms(200) != 0)
        std::_Exit(3);
    pool* unbound = nullptr;
    if (threadpool_get(&unbound, PRI_NONE, reg) != 0)
        std::_Exit(3);

    static gated_job first("handoff-first");
    static gated_job second("handoff-second");
    static gated_job third("handoff-third");
    first.gate_open = second.gate_open = third.gate_open = true;

    // The pool has no worker yet, and its first attempt to create one fails
    // and pauses for 200 ms, so both jobs are queued, first in front.
    P::inject_thread_create_failures(1, EAGAIN);
    first.lock.lock();
    second.lock.lock();
    threadpool_schedule_job(unbound, &first);
    threadpool_schedule_job(unbound, &second);
    second.lock.unlock();

    // The overseer then creates a worker, takes the first job off the queue with
    // a reference of its own (the count goes from 1 to 2) and then waits for
    // the interlock that this thread holds.
    const bool in_handoff = poll_until([] { return inspect::job_refcnt(first) == 2; });
    std::fprintf(stderr, "overseer hand-off %s\n", in_handoff ? "reached" : "not reached");

    // Cancel the second job, still on the queue, and destroy it: it is not
    // scheduled any more.  Then cancel the first, which the overseer holds.
    second.lock.lock();
    const bool second_cancelled = threadpool_cancel_job_async(unbound, &second);
    second.lock.unlock();
    if (!second_cancelled)
        std::_Exit(4);
    threadpool_job_destroy(&second);

    const bool first_cancelled = threadpool_cancel_job_async(unbound, &first);
    first.lock.unlock();
    if (!first_cancelled)
        std::_Exit(4);
    threadpool_job_destroy(&first);
    std::fprintf(stderr, "after destroy: the jobs started %d and %d times\n", first.started,
                 second.started);
    if (first.started != 0 || second.started != 0)
        std::_Exit(5);

    // The pool goes on running jobs.
    third.lock.lock();
    threadpool_schedule_job(unbound, &third);
    const bool third_ran = third.wait_finished(1);
    third.lock.unlock();
    if (!third_ran)
        std::_Exit(6);
    threadpool_job_destroy(&third);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("async cancel during overseer hand-off") {
    const child_result result = run_child("cancel_during_handoff");
    INFO("the child ", result.describe());
    CHECK_FALSE(result.timed_out);
    CHECK(result.exited);
    CHECK(result.exit_code == 0);
}
