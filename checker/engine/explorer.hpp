// explore(): runs a program execution after execution under a strategy and
// sums up what was found.
//
// Types defined here:
//   Outcome         how a run ended: exhaustive within its bounds, sampled,
//                   stopped by a budget, or a violation
//   Counterexample  everything needed to show and replay one violation
//   Progress        a snapshot for progress lines
//   ExploreHooks    optional callbacks (progress, each execution)
//   Result          the numbers and the outcome of one run
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "checker/engine/execution.hpp"
#include "checker/engine/options.hpp"

namespace checker {

enum class Outcome : std::uint8_t {
    exhaustive,  // every execution within the bounds was explored: no violation
    sampled,     // a sampling strategy ran all its executions: no violation, no proof
    incomplete,  // a budget (executions or time) stopped an exhaustive search
    violation,   // a violation was found
    diverged,    // a replay did not follow its decision list
};
std::string_view to_string(Outcome outcome);

struct Counterexample {
    Violation violation;
    DecisionList decisions;
    std::vector<Step> steps;
    std::vector<ThreadInfo> threads;
    std::vector<ObjectInfo> objects;
};

struct Progress {
    std::int64_t executions = 0;
    std::int64_t steps = 0;
    double seconds = 0;
    int depth = 0;  // length of the last execution
    // An estimate of the part of the tree explored, 0 to 1, or -1 when the
    // strategy cannot tell (sampling strategies).
    double explored_fraction = -1;
};

struct ExploreHooks {
    // Called about once a second with the numbers so far.
    std::function<void(const Progress&)> progress;
    // Called after every execution (for example to collect statistics).
    std::function<void(const Execution&)> on_execution;
    // When it points to true (set by a signal handler, say), the search
    // stops before its next execution and is incomplete.
    const std::atomic<bool>* interrupt = nullptr;
};

struct Result {
    Outcome outcome = Outcome::exhaustive;
    std::int64_t executions = 0;     // every execution started
    std::int64_t complete = 0;       // executions that ran to their end
    std::int64_t sleep_blocked = 0;  // cut short because every enabled thread slept
    std::int64_t thread_bound_cut = 0;   // cut at the thread-creation bound
    std::int64_t timeout_bound_cut = 0;  // ended with a timer held back by the timeout bound
    std::int64_t preemption_bound_cut = 0;
    std::int64_t violations = 0;     // executions with a violation
    std::int64_t steps = 0;          // sync operations, in all executions
    std::int64_t cell_accesses = 0;  // shared-cell accesses, in all executions
    int max_depth = 0;               // the longest execution, in steps
    double seconds = 0;
    std::set<std::uint64_t> terminal_states;  // fingerprints of complete executions
    std::string stop_reason;         // for incomplete runs: which budget stopped it
    std::optional<Counterexample> counterexample;  // the first violation
    // For replays that diverged: the step and what did not fit.
    int divergence_step = -1;
    std::string divergence;
};

// Runs the program.  Throws std::invalid_argument if the options are invalid.
Result explore(const Program& program, const Options& options, const ExploreHooks& hooks = {});

// Captures what an execution needs to be shown and replayed.
Counterexample capture(const Execution& execution);

}  // namespace checker
