// `tpcheck check --engine relacy`: runs catalogue scenarios under Relacy's
// schedulers and reports them the way `tpcheck check` reports the engine's
// runs.
//
// Types defined here:
//   CheckRequest    what the command line asked for
//   Verdict         pass, violation, incomplete or goal missed
//   ScenarioReport  one scenario under one scheduler, with its verdict
//
// The JSON report has the engine's format ("vtp-check-report", version 1)
// with one entry per scenario and scheduler, and adds "engine": "relacy",
// "scheduler", Relacy's own verdict and the execution history of a
// violation.  Exit codes are tpcheck's.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "checker/cli/verdict.hpp"
#include "checker/relacy/engine.hpp"
#include "checker/relacy/scenarios.hpp"
#include "properties/scenario.hpp"

namespace checker::relacy {

using tpcheck::exit_goal_missed;
using tpcheck::exit_incomplete;
using tpcheck::exit_pass;
using tpcheck::exit_usage;
using tpcheck::exit_violation;
using tpcheck::Verdict;

// Defaults of a request's unset fields.
inline constexpr std::uint64_t default_iterations = 1000;
inline constexpr unsigned default_context_bound = 2;
inline constexpr double default_time_limit = 10;

struct CheckRequest {
    std::vector<std::string> scenarios;  // empty with all = every scenario
    bool all = false;
    std::map<std::string, int> parameters;  // --param name=value
    std::vector<Scheduler> schedulers;      // empty: all three, in declaration order

    std::optional<std::uint64_t> iterations;  // random scheduler; default_iterations
    std::optional<unsigned> context_bound;    // context-bound scheduler; default_context_bound
    // Seconds per scenario and scheduler (default_time_limit); 0: no limit.
    std::optional<double> time_limit;
    std::optional<unsigned> max_steps;        // scheduling points per execution; default 5000
    std::optional<int> max_timeouts;          // default 4, as the engine's
    // Thread creations that may fail per execution; default: the scenario's
    // `failures` parameter, else 0.
    std::optional<int> creation_failures;
    bool spurious_wakeups = false;

    std::string json_path;
    std::string junit_path;
    bool quiet = false;  // print nothing but errors
};

struct ScenarioReport {
    std::string scenario;
    properties::Parameters parameters;
    RunSpec bounds;  // the scheduler and its bounds; the program fields are unused
    RunOutcome outcome;
    Verdict verdict = Verdict::pass;
    std::vector<std::string> goals_missed;
};

// Text for `tpcheck check --help`: what --engine relacy runs and checks.
extern const char* const relacy_engine_help;

// The parameters of a catalogue scenario as its Relacy port reads them.
ScenarioConfig scenario_config(const properties::Parameters& parameters);

// Parses a comma-separated list of scheduler names (random, full,
// context-bound), or "all".  Returns nothing for an unknown name.
std::optional<std::vector<Scheduler>> parse_schedulers(std::string_view text);

// Returns true if request runs scheduler (an empty list runs all three).
bool runs_scheduler(const CheckRequest& request, Scheduler scheduler);

// Runs the request: one run per selected scenario and scheduler.  Prints a
// line per run (unless quiet) and a summary, writes the JSON and JUnit
// reports, fills reports, and returns tpcheck's exit code.  Errors in the
// request are printed to standard error and give exit_usage.
int run_relacy_check(const CheckRequest& request, std::vector<ScenarioReport>& reports);

void print_report_line(const ScenarioReport& report, std::ostream& out);
void print_summary(const std::vector<ScenarioReport>& reports, std::ostream& out);
// Each returns false (after printing why) if the file cannot be written.
bool write_json_report(const std::string& path, const std::vector<ScenarioReport>& reports);
bool write_junit_report(const std::string& path, const std::vector<ScenarioReport>& reports);

}  // namespace checker::relacy
