// Running a program under one of Relacy's schedulers.
//
// Types defined here:
//   Scheduler   Relacy's three schedulers
//   RunSpec     the program, the scheduler and the bounds of one run
//   RunStatus   how a run ended
//   RunOutcome  the numbers of a run and, after a violation, Relacy's report
//
// A run executes the program again and again under the scheduler: the
// random scheduler for a number of iterations, the full search and the
// context-bound scheduler until their tree is exhausted.  Debian's Relacy
// snapshot ignores the iteration count for the two tree schedulers, so a run
// has a time limit instead: at the start of each execution the driver
// compares the clock with the deadline and, once it has passed, stops
// Relacy with its "until" condition.  Such a run is incomplete.
//
// This header does not include Relacy; engine.cpp does.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace checker::relacy {

// Relacy threads per test: one static thread runs the program's body, and
// up to max_dynamic_threads dynamic threads run the threads it starts
// (pool threads and client threads).
inline constexpr int max_dynamic_threads = 16;

enum class Scheduler {
    random,         // Relacy's random scheduler: iterations executions, sampled
    full_search,    // every interleaving, with timeouts and other choices
    context_bound,  // every interleaving within a preemption (context) bound
};

// "random", "full" and "context-bound".
std::string_view to_string(Scheduler scheduler);
// Accepts the names to_string returns, and "full-search" and "bound".
std::optional<Scheduler> scheduler_from_string(std::string_view name);

struct RunSpec {
    // The program: body(argument) runs as Relacy's static thread 0, and may
    // start thread_slots dynamic threads (1 to max_dynamic_threads).
    void (*body)(const void* argument) = nullptr;
    const void* argument = nullptr;
    int thread_slots = 1;

    Scheduler scheduler = Scheduler::random;
    std::uint64_t iterations = 1000;  // random scheduler: executions to run
    unsigned context_bound = 1;       // context-bound scheduler: preemptions per execution
    double time_limit = 0;            // seconds; 0: none
    // When it points to true (set by a signal handler, say), the run stops
    // before its next execution and is incomplete.
    const std::atomic<bool>* interrupt = nullptr;
    // Scheduling points per execution before Relacy reports a livelock.
    unsigned max_steps = 5000;
    // Timed waits per execution that may time out (the engine's default).
    int max_timeouts = 4;
    // Pool thread creations per execution that may fail with EAGAIN.
    int max_creation_failures = 0;
    // Let Relacy wake condition variable waiters spuriously (only its random
    // scheduler does, at most 10 times per condition variable).
    bool spurious_wakeups = false;
    // Make every atomic operation seq_cst, so that Relacy explores only
    // sequentially consistent outcomes, as the engine does.
    bool sequentially_consistent = false;
};

enum class RunStatus {
    exhaustive,  // a tree scheduler explored its whole tree: no violation
    sampled,     // the random scheduler ran every iteration: no violation
    incomplete,  // the time limit or an interrupt stopped the run first
    violation,   // Relacy or a check reported a violation
};

std::string_view to_string(RunStatus status);

struct RunOutcome {
    RunStatus status = RunStatus::exhaustive;
    // Executions run to their end or to the violation (Relacy's
    // iterations).  A run stopped by its time limit counts only the
    // executions before the one it stopped at.
    std::uint64_t executions = 0;
    std::int64_t sync_operations = 0;  // mutex, condition variable, atomic and thread operations
    std::int64_t cell_accesses = 0;    // shared<T> reads and writes
    double seconds = 0;
    std::int64_t cap_refusals = 0;      // thread creations refused: no slot left
    std::int64_t injected_failures = 0; // thread creations failed on purpose
    std::int64_t timeouts_fired = 0;
    std::vector<std::string> probes_fired;   // probe names, over all executions
    std::vector<std::string> goals_reached;  // derived goals, over all executions
    std::string stop_reason;                 // for incomplete runs
    // Relacy's own estimate of the executions in the tree of a tree
    // scheduler, printed with its progress every 65536 executions; 0 when
    // the run was shorter.  It multiplies the choices along recent paths,
    // so it is a rough guess, not a bound.
    std::uint64_t relacy_estimate = 0;

    // After a violation.
    std::string relacy_result;  // Relacy's verdict, for example "DATA RACE"
    std::string kind;           // the engine's name for it, for example "data_race"
    std::string property;       // the violated property
    std::string message;
    std::string file;           // where a check failed; empty for Relacy's detectors
    unsigned line = 0;
    std::string history;        // Relacy's execution history of the failing execution
};

// Runs the program.  Throws std::invalid_argument for a spec it cannot run.
RunOutcome run(const RunSpec& spec);

}  // namespace checker::relacy
