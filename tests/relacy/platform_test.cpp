// relacy::platform: each element of the sync interface reaches the Relacy
// mechanism it is mapped to, so that Relacy's verdicts on the pool mean
// what docs/relacy.md describes.
#include <doctest/doctest.h>

#include <string>

#include "checker/relacy/engine.hpp"
#include "tests/relacy/platform_programs.hpp"

using checker::relacy::RunOutcome;
using checker::relacy::RunSpec;
using checker::relacy::RunStatus;
using checker::relacy::Scheduler;

namespace {

RunOutcome run(void (*body)(const void*), Scheduler scheduler, int thread_slots,
               const void* argument = nullptr) {
    RunSpec spec;
    spec.body = body;
    spec.argument = argument;
    spec.thread_slots = thread_slots;
    spec.scheduler = scheduler;
    spec.time_limit = 20;
    return checker::relacy::run(spec);
}

}  // namespace

TEST_CASE("shared cell without lock races") {
    RunOutcome outcome = run(relacy_programs::unlocked_writers, Scheduler::full_search, 2);
    CHECK(outcome.status == RunStatus::violation);
    CHECK(outcome.kind == "data_race");
    CHECK(outcome.relacy_result.find("DATA RACE") != std::string::npos);
    CHECK(outcome.history.find("data race detected") != std::string::npos);
}

TEST_CASE("shared cell under lock passes full search") {
    RunOutcome outcome = run(relacy_programs::locked_writers, Scheduler::full_search, 2);
    CHECK(outcome.status == RunStatus::exhaustive);
    CHECK(outcome.executions > 1);
    CHECK(outcome.cell_accesses > 0);
    CHECK(outcome.sync_operations > 0);
}

TEST_CASE("relaxed flag does not publish data") {
    RunOutcome outcome = run(relacy_programs::relaxed_message_passing, Scheduler::full_search, 2);
    CHECK(outcome.status == RunStatus::violation);
    CHECK(outcome.kind == "data_race");
}

TEST_CASE("release acquire flag publishes data") {
    RunOutcome outcome =
        run(relacy_programs::release_acquire_message_passing, Scheduler::full_search, 2);
    CHECK(outcome.status == RunStatus::exhaustive);
}

TEST_CASE("sequentially consistent option orders relaxed flag") {
    RunSpec spec;
    spec.body = relacy_programs::relaxed_message_passing;
    spec.thread_slots = 2;
    spec.scheduler = Scheduler::full_search;
    spec.sequentially_consistent = true;
    CHECK(checker::relacy::run(spec).status == RunStatus::exhaustive);
}

TEST_CASE("timed wait times out when timeouts are on") {
    const bool on = true;
    RunOutcome outcome =
        run(relacy_programs::unsignalled_timed_wait, Scheduler::full_search, 1, &on);
    CHECK(outcome.status == RunStatus::exhaustive);
    CHECK(outcome.timeouts_fired >= 1);
}

TEST_CASE("timed wait without timeouts deadlocks") {
    const bool off = false;
    RunOutcome outcome = run(relacy_programs::unsignalled_timed_wait, Scheduler::random, 1, &off);
    CHECK(outcome.status == RunStatus::violation);
    CHECK(outcome.kind == "deadlock");
    CHECK(outcome.timeouts_fired == 0);
}

TEST_CASE("thread creation past the slots fails with EAGAIN") {
    relacy_programs::created_threads = -1;
    RunOutcome outcome = run(relacy_programs::create_until_refused, Scheduler::random, 3);
    CHECK(outcome.status == RunStatus::sampled);
    CHECK(relacy_programs::created_threads == 3);
    CHECK(outcome.cap_refusals == static_cast<std::int64_t>(outcome.executions));
}

TEST_CASE("full search tries both outcomes of an injectable creation") {
    relacy_programs::creations_failed = 0;
    relacy_programs::creations_succeeded = 0;
    RunSpec spec;
    spec.body = relacy_programs::create_once;
    spec.thread_slots = 1;
    spec.scheduler = Scheduler::full_search;
    spec.max_creation_failures = 1;
    RunOutcome outcome = checker::relacy::run(spec);
    CHECK(outcome.status == RunStatus::exhaustive);
    CHECK(outcome.executions == 2);
    CHECK(relacy_programs::creations_failed == 1);
    CHECK(relacy_programs::creations_succeeded == 1);
    CHECK(outcome.injected_failures == 1);
}

TEST_CASE("check hook reports kind and location") {
    RunOutcome outcome = run(relacy_programs::failed_check, Scheduler::random, 1);
    CHECK(outcome.status == RunStatus::violation);
    CHECK(outcome.executions == 1);
    CHECK(outcome.kind == "check_failed");
    CHECK(outcome.message == "check failed: 1 == 2");
    CHECK(outcome.file == "tests/relacy/platform_programs.cpp");
    CHECK(outcome.line == relacy_programs::check_line);
    CHECK(outcome.relacy_result.find("USER ASSERT FAILED") != std::string::npos);
    CHECK(outcome.history.find("execution history") != std::string::npos);
}

TEST_CASE("read after dispose is access to freed memory") {
    RunOutcome outcome = run(relacy_programs::read_after_dispose, Scheduler::random, 1);
    CHECK(outcome.status == RunStatus::violation);
    CHECK(outcome.kind == "use_after_destroy");
    CHECK(outcome.relacy_result.find("ACCESS TO FREED MEMORY") != std::string::npos);
}

TEST_CASE("condition variable never destroyed is a named leak") {
    RunOutcome outcome = run(relacy_programs::condvar_never_destroyed, Scheduler::random, 1);
    CHECK(outcome.status == RunStatus::violation);
    CHECK(outcome.kind == "leak");
    CHECK(outcome.message.find("condition variable \"orphan\"") != std::string::npos);
    CHECK(outcome.relacy_result.find("RESOURCE LEAK") != std::string::npos);
}

TEST_CASE("lock rounds full search sees all 90 orders") {
    relacy_programs::reset_orders();
    RunOutcome outcome = run(relacy_programs::lock_rounds, Scheduler::full_search, 3);
    CHECK(outcome.status == RunStatus::exhaustive);
    CHECK(relacy_programs::distinct_orders() == 90);
    MESSAGE("Relacy full search executions: " << outcome.executions);
}

TEST_CASE("time limit stops a tree search as incomplete") {
    RunSpec spec;
    spec.body = relacy_programs::lock_rounds;
    spec.thread_slots = 3;
    spec.scheduler = Scheduler::full_search;
    spec.time_limit = 0.05;
    RunOutcome outcome = checker::relacy::run(spec);
    CHECK(outcome.status == RunStatus::incomplete);
    CHECK(outcome.stop_reason == "the time limit of 0.05 s");
    CHECK(outcome.executions > 0);
    CHECK(outcome.seconds < 5);
}
