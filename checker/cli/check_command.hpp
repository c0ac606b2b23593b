// The `tpcheck check` command: runs scenarios under the engine and reports.
//
// Types defined here:
//   CheckRequest    what the command line asked for
//   ScenarioReport  the result of one scenario, with its verdict
//   Verdict         pass, violation, incomplete or goal missed
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "checker/cli/verdict.hpp"
#include "checker/engine/explorer.hpp"
#include "properties/scenario.hpp"

namespace tpcheck {

struct OptionOverrides {
    std::optional<checker::StrategyKind> strategy;
    std::optional<int> preemption_bound;
    std::optional<int> max_steps;
    std::optional<int> spurious;
    std::optional<int> creation_failures;
    std::optional<int> max_timeouts;
    std::optional<int> max_threads;
    std::optional<std::int64_t> max_executions;
    std::optional<double> time_limit;
    std::optional<std::uint64_t> seed;
    std::optional<int> pct_depth;
    bool keep_going = false;
};

// Returns an error naming the command-line option whose value is out of
// the engine's range, or nothing.  The Relacy engine checks the same ranges.
std::optional<std::string> check_ranges(const OptionOverrides& overrides);

struct CheckRequest {
    std::vector<std::string> scenarios;  // empty with all = every scenario
    bool all = false;
    std::map<std::string, int> parameters;  // --param name=value
    OptionOverrides overrides;
    std::string json_path;
    std::string junit_path;
    std::string trace_dir = ".";
    bool progress = false;  // a progress line on standard error
    bool quiet = false;
};

struct ScenarioReport {
    std::string scenario;
    properties::Parameters parameters;
    checker::Options options;
    checker::Result result;
    Verdict verdict = Verdict::pass;
    std::vector<std::string> goals_missed;
    std::set<std::string> goals_reached;
    std::string property;  // the violated property, if any
    std::string trace_path;
    std::string replay_command;
};

// Runs the request; fills reports and returns the exit code.  Errors in
// the request are printed and give exit_usage.
int run_check(const CheckRequest& request, std::vector<ScenarioReport>& reports);

}  // namespace tpcheck
