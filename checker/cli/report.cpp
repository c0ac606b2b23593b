#include "checker/cli/report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "checker/cli/report_files.hpp"
#include "checker/cli/trace_bridge.hpp"

namespace tpcheck {

namespace {

std::string describe_bounds(const checker::Options& options) {
    std::string text = fmt::format("steps<={} threads<={} {}", options.max_steps,
                                   options.max_threads,
                                   options.timeouts
                                       ? fmt::format("timeouts<={}", options.max_timeouts)
                                       : std::string("timeouts-off"));
    if (options.preemption_bound >= 0)
        text += fmt::format(" preemptions<={}", options.preemption_bound);
    if (options.max_creation_failures > 0)
        text += fmt::format(" creation-failures<={}", options.max_creation_failures);
    if (options.max_spurious_wakeups > 0)
        text += fmt::format(" spurious<={}", options.max_spurious_wakeups);
    return text;
}

std::string outcome_text(const ScenarioReport& report) {
    const checker::Result& result = report.result;
    switch (report.verdict) {
    case Verdict::violation:
        if (report.options.keep_going && result.violations > 1)
            return fmt::format("VIOLATION of {} (first of {} executions with a violation)",
                               report.property, result.violations);
        return fmt::format("VIOLATION of {}", report.property);
    case Verdict::incomplete:
        return fmt::format("incomplete: stopped by {}", result.stop_reason);
    case Verdict::goal_missed:
        return fmt::format("goal missed: {}", fmt::join(report.goals_missed, ", "));
    case Verdict::pass:
        return result.outcome == checker::Outcome::exhaustive ? "exhaustive within bounds"
                                                              : "sampled, no violation";
    }
    return "";
}

}  // namespace

void print_scenario_line(const ScenarioReport& report, std::ostream& out) {
    const checker::Result& result = report.result;
    out << fmt::format("{:<28} {:>9} executions {:>10} steps {:>6.1f} s  {}\n", report.scenario,
                       result.executions, result.steps, result.seconds, outcome_text(report));
    if (report.verdict == Verdict::violation && result.counterexample) {
        const checker::Violation& violation = result.counterexample->violation;
        out << fmt::format("    {} at step {}: {}\n", violation.property, violation.step,
                           violation.message);
        if (violation.loc.known())
            out << fmt::format("    at {}:{}\n", violation.loc.file(), violation.loc.line());
        if (!report.trace_path.empty())
            out << fmt::format("    trace written to {}\n    replay with: {}\n", report.trace_path,
                               report.replay_command);
    }
}

void print_summary(const std::vector<ScenarioReport>& reports, std::ostream& out) {
    out << "\n"
        << fmt::format("{:<28} {:>10} {:>7} {:>8}  {:<26} {}\n", "scenario", "executions",
                       "states", "time", "outcome", "bounds");
    int passed = 0;
    int failed = 0;
    for (const ScenarioReport& report : reports) {
        const checker::Result& result = report.result;
        std::string outcome = report.verdict == Verdict::pass
                                  ? std::string(to_string(result.outcome))
                                  : std::string(to_string(report.verdict));
        out << fmt::format("{:<28} {:>10} {:>7} {:>7.1f}s  {:<26} {}\n", report.scenario,
                           result.executions, result.terminal_states.size(), result.seconds,
                           outcome, describe_bounds(report.options));
        (report.verdict == Verdict::pass ? passed : failed) += 1;
    }
    out << fmt::format("{} passed, {} failed\n", passed, failed);
}

bool write_json_report(const std::string& path, const std::vector<ScenarioReport>& reports) {
    nlohmann::json document;
    document["format"] = "vtp-check-report";
    document["version"] = 1;
    for (const ScenarioReport& report : reports) {
        const checker::Result& result = report.result;
        nlohmann::json entry;
        entry["scenario"] = report.scenario;
        entry["parameters"] = report.parameters;
        entry["strategy"] = std::string(checker::to_string(report.options.strategy));
        entry["bounds"] = {{"preemption_bound", report.options.preemption_bound},
                           {"max_steps", report.options.max_steps},
                           {"max_spurious_wakeups", report.options.max_spurious_wakeups},
                           {"max_creation_failures", report.options.max_creation_failures},
                           {"max_timeouts", report.options.max_timeouts},
                           {"max_threads", report.options.max_threads},
                           {"timeouts", report.options.timeouts}};
        entry["seed"] = report.options.seed;
        entry["outcome"] = std::string(checker::to_string(result.outcome));
        entry["verdict"] = std::string(to_string(report.verdict));
        entry["executions"] = result.executions;
        entry["complete_executions"] = result.complete;
        entry["violating_executions"] = result.violations;
        entry["sleep_set_blocked"] = result.sleep_blocked;
        entry["thread_bound_cut"] = result.thread_bound_cut;
        entry["steps"] = result.steps;
        entry["cell_accesses"] = result.cell_accesses;
        entry["distinct_terminal_states"] = result.terminal_states.size();
        entry["max_depth"] = result.max_depth;
        entry["seconds"] = result.seconds;
        entry["stop_reason"] = result.stop_reason;
        entry["goals_reached"] = report.goals_reached;
        entry["goals_missed"] = report.goals_missed;
        if (result.counterexample) {
            const checker::Violation& violation = result.counterexample->violation;
            entry["violation"] = {{"kind", std::string(checker::to_string(violation.kind))},
                                  {"property", violation.property},
                                  {"message", violation.message},
                                  {"step", violation.step},
                                  {"trace", report.trace_path}};
        }
        document["scenarios"].push_back(entry);
    }
    return write_json_file(path, document);
}

bool write_junit_report(const std::string& path, const std::vector<ScenarioReport>& reports) {
    std::vector<JunitCase> cases;
    for (const ScenarioReport& report : reports) {
        JunitCase& test = cases.emplace_back();
        test.name = report.scenario;
        test.seconds = report.result.seconds;
        test.failed = report.verdict != Verdict::pass;
        if (!test.failed)
            continue;
        test.message = std::string(to_string(report.verdict));
        test.detail = outcome_text(report);
        if (report.result.counterexample)
            test.detail += "\n" + report.result.counterexample->violation.message;
        if (!report.replay_command.empty())
            test.detail += "\nreplay with: " + report.replay_command;
    }
    return write_junit_file(path, "tpcheck", "tpcheck", cases);
}

void write_counterexample(const CheckRequest& request, ScenarioReport& report) {
    std::string error;
    std::string path = write_trace_file(request.trace_dir, report, error);
    if (path.empty()) {
        std::cerr << "tpcheck check: could not write the trace: " << error << "\n";
        return;
    }
    report.trace_path = path;
    report.replay_command = replay_command(path);
}

}  // namespace tpcheck
