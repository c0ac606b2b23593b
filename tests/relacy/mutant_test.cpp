// Seeded bugs change Relacy's verdict, so Relacy checks the code in model/
// itself.  Each mutant is a copy of model/ patched with a patch of the
// seeded-bug suite (tests/mutants/patches/NAME.patch), against which the
// scenario ports are compiled again.  This file is compiled once per mutant and once for the
// unmodified pool ("original"), with VTP_RELACY_VARIANT naming which.  A
// mutant's runs must report the expected violation; the original must pass
// every mutant's runs.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "checker/relacy/scenarios.hpp"

#ifndef VTP_RELACY_VARIANT
#error "compile with VTP_RELACY_VARIANT=\"original\" or the name of a mutant"
#endif

namespace relacy = checker::relacy;
using relacy::RunStatus;
using relacy::Scheduler;

namespace {

struct MutantRun {
    const char* mutant;
    const char* scenario;
    relacy::ScenarioConfig config;
    Scheduler scheduler;
    unsigned context_bound;
    bool sequentially_consistent;
    const char* kind;     // the violation the mutant must report
    const char* message;  // a part of its message
};

relacy::ScenarioConfig with_failures(int cpus) {
    relacy::ScenarioConfig config;
    config.cpus = cpus;
    config.failures = 1;
    return config;
}

const MutantRun runs[] = {
    // The reference's cancel during the overseer's hand-off: the stale
    // removal of a job that is no longer queued, the overseer's second
    // insertion, and removals that leave the links behind.  Each run
    // reports the first violation it meets.  Under the random scheduler the
    // overseer reads a job that its owner freed.  With sequentially
    // consistent atomics, a job is destroyed while a reference is still
    // counted.  With two preemptions, an execution does not end within the
    // step bound (Relacy's livelock).
    {"reference_cancel_handoff", "cancel_during_handoff", {}, Scheduler::random, 0, false,
     "use_after_destroy", "ACCESS TO FREED MEMORY"},
    {"reference_cancel_handoff", "cancel_during_handoff", {}, Scheduler::random, 0, true,
     "check_failed", "job_refcnt"},
    {"reference_cancel_handoff", "cancel_during_handoff", {}, Scheduler::context_bound, 2, false,
     "livelock", "LIVELOCK"},
    // The reference's threadpool_create failure path checks tp_refcnt == 0
    // while the overseer's reference is still counted.
    {"reference_create_failure_refcnt", "overseer_creation_failure", with_failures(1),
     Scheduler::random, 0, false, "check_failed", "tp_refcnt.read() == 0"},
    {"reference_create_failure_refcnt", "overseer_creation_failure", with_failures(1),
     Scheduler::full_search, 0, false, "check_failed", "tp_refcnt.read() == 0"},
    // threadpool_destroy sets THREADPOOL_DYING before it takes tp_lock,
    // while an idle worker reads tp_flags under tp_lock.
    {"dying_flag_outside_lock", "destroy_with_idle_workers", {}, Scheduler::random, 0, false,
     "data_race", "DATA RACE"},
    {"dying_flag_outside_lock", "destroy_with_idle_workers", {}, Scheduler::full_search, 0, false,
     "data_race", "DATA RACE"},
    {"dying_flag_outside_lock", "destroy_with_idle_workers", {}, Scheduler::context_bound, 1,
     false, "data_race", "DATA RACE"},
    // The reference frees a thread record after a failed worker creation
    // without destroying its condition variable.
    {"reference_worker_failure_cv_leak", "worker_creation_failure", with_failures(1),
     Scheduler::random, 0, false, "leak", "poolthrd"},
    {"reference_worker_failure_cv_leak", "worker_creation_failure", with_failures(1),
     Scheduler::context_bound, 1, false, "leak", "poolthrd"},
};

relacy::RunOutcome run(const MutantRun& row) {
    const relacy::ScenarioPort* port = relacy::find_scenario_port(row.scenario);
    REQUIRE(port != nullptr);
    relacy::RunSpec spec;
    spec.scheduler = row.scheduler;
    spec.iterations = 1000;
    spec.context_bound = row.context_bound;
    // The mutants fail within a few thousand executions; the original's
    // full search stops here, incomplete.
    spec.time_limit = row.scheduler == Scheduler::full_search ? 3 : 60;
    spec.max_creation_failures = row.config.failures;
    spec.sequentially_consistent = row.sequentially_consistent;
    return relacy::run_scenario(*port, row.config, spec);
}

}  // namespace

TEST_CASE("relacy verdicts on " VTP_RELACY_VARIANT) {
    const bool original = std::strcmp(VTP_RELACY_VARIANT, "original") == 0;
    int checked = 0;
    for (const MutantRun& row : runs) {
        if (!original && std::strcmp(row.mutant, VTP_RELACY_VARIANT) != 0)
            continue;
        CAPTURE(row.mutant);
        CAPTURE(row.scenario);
        CAPTURE(std::string(relacy::to_string(row.scheduler)));
        CAPTURE(row.sequentially_consistent);
        relacy::RunOutcome outcome = run(row);
        CAPTURE(outcome.relacy_result);
        CAPTURE(outcome.message);
        ++checked;
        if (original) {
            CHECK(outcome.status != RunStatus::violation);
            continue;
        }
        CHECK(outcome.status == RunStatus::violation);
        CHECK(outcome.kind == row.kind);
        CHECK((outcome.message + " " + outcome.relacy_result).find(row.message) !=
              std::string::npos);
    }
    CHECK(checked > 0);
}
