// Replaying a trace: run its scenario again with the replay strategy and
// the trace's bounds, compare step by step, and check the violation.
//
// Types defined here:
//   ScenarioLookup  finds a scenario by name (the catalogue, or a test's table)
//   ReplayStatus    how a replay ended
//   ReplayReport    the status, the first differing step, a message, and
//                   what the replay executed
//
// Replay compares each executed step with the trace's step of the same
// index: thread, operation, object, second object, joined thread and the
// choices taken inside the step.  Locations are not compared, so a trace
// stays valid when lines of the program move.  The first difference ends
// the comparison, because every later step depends on it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "properties/scenario.hpp"
#include "traces/trace.hpp"

namespace traces {

// Returns the scenario of that name, or null if there is none.  The
// command line passes properties::find_scenario.
using ScenarioLookup = std::function<const properties::Scenario*(std::string_view name)>;

// Finds the trace's scenario, checks the trace's parameters against the
// scenario's names and ranges (a parameter the trace lacks takes its
// default), and builds the program.  Throws TraceError naming source and
// the field for an unknown scenario, an unknown parameter or a value out
// of range.
checker::Program make_program(const Trace& trace, const ScenarioLookup& lookup,
                              std::string_view source);

enum class ReplayStatus : std::uint8_t {
    reproduced,         // every step and the violation match
    diverged,           // a step differs, or the replay ended or ran on at another step
    violation_differs,  // the steps match, but the violation is another or missing
    engine_error,       // the engine stopped with an internal error
};
std::string_view to_string(ReplayStatus status);

struct ReplayReport {
    ReplayStatus status = ReplayStatus::reproduced;
    // diverged: the first step that differs; otherwise the violation's step.
    int step = -1;
    std::string message;
    std::vector<TraceStep> executed;          // the steps the replay took
    std::optional<TraceViolation> violation;  // the violation it found, if any
    std::uint64_t fingerprint = 0;            // of executed
};

// Replays trace.  Throws TraceError for input errors (see make_program);
// every other outcome is in the report.  source names the trace in
// messages (usually its file name).
ReplayReport replay(const Trace& trace, const ScenarioLookup& lookup, std::string_view source);

// A readable listing, one line per step: index, thread, operation,
// objects, location and function, then marks for preemptions, choices,
// spawned threads and the alternatives.  The violation's step is followed
// by a line with the violation.
std::string format_steps(const std::vector<TraceStep>& steps, const TraceViolation* violation);
std::string format_steps(const Trace& trace);

// "vtp::threadpool::schedule_job" from a compiler's full function
// signature: no return type, template arguments or parameters.
std::string short_function_name(std::string_view signature);

}  // namespace traces
