// Minimising a trace: a shorter schedule that still violates the same
// property.
//
// Types defined here:
//   Measure          the size of a trace, compared lexicographically
//   MinimizeOptions  the budget of a minimisation
//   MinimizeReport   the result, its size before and after, and how it ended
//
// "Shorter" is the order of Measure: fewer preemptions first, then fewer
// injected events (timeouts fired, spurious wakeups, failed thread
// creations), then fewer steps.  A trace with one preemption less counts
// as shorter even if it has more steps, because a context switch is what a
// reader has to understand.  minimize() never returns a trace that is
// longer in this order than the one it was given.
//
// The search, repeated until a round finds nothing or the budget runs out:
//   1. preemptions: for each preempting step, let the preempted thread run
//      its next run of steps first, or drop the preempting step;
//   2. injected events: drop each timeout or spurious wakeup step, and make
//      each failed thread creation succeed;
//   3. steps: delete chunks of steps, halving the chunk size down to one
//      step (delta debugging).
// Each candidate is run with the lenient follower (traces/follow.hpp), so
// an edit that no longer fits the program falls back to a default instead
// of failing.  A candidate is kept when it violates the same property (same
// kind and name) and its executed steps measure shorter.  The decisions the
// run actually took become the new trace, so it replays exactly.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "traces/replay.hpp"
#include "traces/trace.hpp"

namespace traces {

struct Measure {
    int preemptions = 0;
    int injected = 0;  // timeouts fired + spurious wakeups + failed thread creations
    int steps = 0;

    friend auto operator<=>(const Measure&, const Measure&) = default;
};

Measure measure(const std::vector<TraceStep>& steps);
Measure measure(const Trace& trace);
std::string to_string(const Measure& size);

struct MinimizeOptions {
    // Candidate executions to run at most (default 5000); 0 means no limit.
    int max_runs = 5000;
    // Time budget in seconds (default 60); 0 means no limit.
    double max_seconds = 60;
    // The version written into the result; empty keeps the input's.
    std::string tool_version;
};

struct MinimizeReport {
    // The minimised trace: the input itself if nothing shorter was found and
    // the input replays exactly, else the run that its decisions lead to.
    Trace trace;
    Measure before;
    Measure after;
    int runs = 0;         // candidate executions run
    int accepted = 0;     // candidates that became the new best
    bool budget_hit = false;
    std::string stop_reason;  // which budget stopped the search, if one did
    ReplayReport input_check;  // the exact replay of the input
    ReplayReport check;        // the exact replay of the result
};

// Minimises trace.  Throws TraceError naming source for input errors (see
// make_program) and when the trace, followed leniently, does not violate
// its property at all.
MinimizeReport minimize(const Trace& trace, const ScenarioLookup& lookup, std::string_view source,
                        const MinimizeOptions& options = {});

}  // namespace traces
