// Options of one exploration: the strategy, its bounds and budgets.
//
// Every field states its default; validate() rejects a bad value with a
// message that names the field, the value and the accepted range.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "checker/engine/decision.hpp"

namespace checker {

enum class StrategyKind : std::uint8_t {
    dpor,    // exhaustive: source-set DPOR with sleep sets
    dfs,     // exhaustive: plain depth-first search, no reduction
    random,  // sampled: uniform random walk, seeded
    pct,     // sampled: probabilistic concurrency testing with depth d, seeded
    replay,  // one execution following a decision list
};

std::string_view to_string(StrategyKind kind);
std::optional<StrategyKind> strategy_kind_from_string(std::string_view name);

struct Options {
    StrategyKind strategy = StrategyKind::dpor;

    // Search bounds.  An execution that needs more than a bound allows is
    // cut (or, for max_steps, reported as a livelock), and the result says
    // that the search was exhaustive only within these bounds.

    // Preemptive context switches per execution; -1 means unbounded.  With
    // DPOR this is bounded partial-order reduction, which is not equivalent
    // to plain DFS under the same bound (it may explore fewer orders).
    int preemption_bound = -1;
    // Steps per execution (default 5000); exceeding it is reported as a
    // livelock violation.  Range 1 to 10,000,000.
    int max_steps = 5000;
    // Spurious wakeups the engine may inject per execution (default 0).
    int max_spurious_wakeups = 0;
    // Thread creations the engine may make fail per execution (default 0).
    int max_creation_failures = 0;
    // Timed-wait timeouts that may fire per execution (default 4).  A pool
    // whose new worker times out before it gets work would otherwise spawn
    // forever.  Sleeps (pauses) always end and do not count.
    int max_timeouts = 4;
    // Thread creations per execution (default 12, at most 63 with the main
    // thread).  An execution that tries to create more is cut.
    int max_threads = 12;
    // When false, timed waits never time out (they behave as untimed waits).
    bool timeouts = true;

    // Budgets: 0 means unlimited.  A run stopped by a budget is incomplete.
    std::int64_t max_executions = 0;
    double max_seconds = 0;

    // Random walk and PCT: the seed (default 1) and, for PCT, the number of
    // priority change points d (default 3).  Sampling strategies stop after
    // max_executions executions (default 1000 when left at 0).
    std::uint64_t seed = 1;
    int pct_depth = 3;

    // Replay: the decisions to follow.
    DecisionList replay;

    // Detectors.
    bool detect_races = true;
    bool detect_lock_order = true;
    bool detect_leaks = true;

    // Keep exploring after a violation (and count them all) instead of
    // stopping at the first.
    bool keep_going = false;
};

// Returns an error message naming the bad field and value, or nothing.
std::optional<std::string> validate(const Options& options);

}  // namespace checker
