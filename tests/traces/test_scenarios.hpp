// Small programs with known violations, in the shape of the scenario
// catalogue, so that the trace tests do not depend on the pool's
// scenarios:
//
//   lost_update     workers increment a counter with a separate load and
//                   store; "lost_update" fails when two increments overlap.
//                   Parameter padding adds yields before each increment,
//                   which gives schedules room for needless preemptions.
//   timed_handoff   the main thread waits with a timeout for a worker that
//                   it creates with retries (creation may fail);
//                   "handoff_timeout" fails when the wait times out first.
//   lock_inversion  two threads take two mutexes in opposite orders.
//   immediate       the main thread fails a check before its first
//                   scheduling point (a trace with no steps).
#pragma once

#include <string_view>
#include <vector>

#include "properties/scenario.hpp"
#include "traces/replay.hpp"
#include "traces/trace.hpp"

namespace trace_tests {

const std::vector<properties::Scenario>& scenarios();
const properties::Scenario* find_scenario(std::string_view name);
traces::ScenarioLookup lookup();

// The tool version written into test traces (the CMake project version).
std::string_view tool_version();

// Explores the scenario with options and returns the trace of the first
// violation; fails the calling test if there is none.
traces::Trace find_trace(std::string_view scenario, const traces::Parameters& parameters,
                         const checker::Options& options);

// The options the golden traces and most tests use for each scenario.
checker::Options lost_update_options();
checker::Options timed_handoff_options();

}  // namespace trace_tests
