// Helpers shared by the engine's test suites.
//
// Types and functions defined here:
//   Run               one exploration with the violations it found and,
//                     optionally, the Mazurkiewicz traces of its executions
//   explore_program   runs a program under a strategy, keeping every violation
//   canonical_trace   the Mazurkiewicz trace of an execution, as a string
//   find_violation    the first violation of one kind that a search meets
//   violation_names   "kind/property" for each violation, for messages
//
// A Mazurkiewicz trace is an equivalence class of executions under the
// engine's dependency relation: two executions are equivalent when they
// consist of the same steps (same thread, position in the thread,
// operation, objects and decisions) and order every pair of dependent steps
// of different threads the same way.  canonical_trace() writes exactly
// those facts in a fixed order, so that equal strings mean equivalent
// executions.  It does not use the engine's reduction: it is the
// independent count that DPOR is measured against.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "checker/engine/explorer.hpp"
#include "checker/sim/platform.hpp"
#include "checker/sim/program.hpp"

namespace engine_test {

using P = checker::sim::platform;
using checker::Options;
using checker::Outcome;
using checker::Program;
using checker::StrategyKind;
using checker::ViolationKind;

using ViolationName = std::pair<ViolationKind, std::string>;

struct Run {
    checker::Result result;
    // Kind and property of every violation seen (with keep_going, an
    // execution runs on after its first violation and records the others).
    std::set<ViolationName> violations;
    // Canonical traces of the complete executions (no violation, not cut).
    std::set<std::string> complete_traces;
    // Canonical traces of every execution, including violating and cut ones.
    std::set<std::string> all_traces;
};

// Runs program under strategy with keep_going on, so that every violation
// is seen.  tune adjusts the other options (bounds, seed).  With
// collect_traces, every execution is canonicalised (slow for large runs).
Run explore_program(const Program& program, StrategyKind strategy, bool collect_traces = false,
                    const std::function<void(Options&)>& tune = {});

std::string canonical_trace(const checker::Execution& execution);

// The first violation of the given kind in any execution of an exhaustive
// search (keep_going on), or nothing.
std::optional<checker::Violation> find_violation(const Program& program, ViolationKind kind,
                                                 StrategyKind strategy = StrategyKind::dpor,
                                                 const std::function<void(Options&)>& tune = {});

std::string violation_names(const std::set<ViolationName>& violations);

// A program from a name and a main body.
Program make_program(std::string name, std::function<void()> main);

// Waits for every thread in the list.
template <class Threads>
void join_all(const Threads& threads) {
    for (checker::ThreadId thread : threads)
        checker::sim::join(thread);
}

}  // namespace engine_test
