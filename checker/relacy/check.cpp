#include "checker/relacy/check.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "checker/cli/interrupt.hpp"
#include "checker/cli/report_files.hpp"
#include "checker/cli/selection.hpp"

namespace checker::relacy {

const char* const relacy_engine_help =
    "--engine relacy runs each scenario's client program (a port in checker/relacy/scenarios.cpp) "
    "and the pool of model/threadpool.hpp under Relacy Race Detector (Debian's relacy-dev), with "
    "Relacy's schedulers chosen by --strategy: random runs --max-executions executions (default "
    "1000); full (full search) and context-bound (at most --preemption-bound preemptions, default "
    "2) explore a tree and stop at --time-limit seconds per scenario and scheduler (default 10, 0 "
    "for none), reported as incomplete. --max-steps bounds the scheduling points per execution "
    "(default 5000, then a livelock), --max-timeouts the timed waits that may time out (default 4), "
    "--creation-failures the thread creations that may fail (default: the scenario's failures "
    "parameter), and --spurious N>0 lets the random scheduler wake waiters spuriously. --seed, "
    "--pct-depth, --max-threads, --keep-going and --trace-dir are not accepted: each scenario has "
    "a fixed number of Relacy threads, and a violation carries Relacy's execution history in the "
    "report instead of a trace. Every scenario runs, with every parameter value in its range. "
    "Checked under Relacy: check_failed, misuse and panic (the pool's KASSERTs), the scenario's own "
    "checks, data_race (including weak-memory outcomes of the pool's atomics), use_after_destroy, "
    "deadlock (progress_without_idle_timeout when idle timeouts are off), livelock, and leak (memory "
    "and mutexes and condition variables never destroyed, as the vtp engine does). Not checked: "
    "pool_refcount, job_refcount, run_after_destroy, single_run, no_lost_job, cancel_result, "
    "queue_consistency, job_done_discipline, thread_name, registry_refcount, interlock_order and "
    "lock_order, because they are observers that the vtp engine runs between steps, and Relacy has "
    "no such hook; the ports keep the scenarios' end-of-run checks of runs and cancel results. "
    "Relacy fires a timed wait's timeout at any point, without the vtp engine's deadline order.";

bool runs_scheduler(const CheckRequest& request, Scheduler scheduler) {
    const auto& chosen = request.schedulers;
    return chosen.empty() || std::find(chosen.begin(), chosen.end(), scheduler) != chosen.end();
}

std::optional<std::vector<Scheduler>> parse_schedulers(std::string_view text) {
    std::vector<Scheduler> schedulers;
    if (text == "all")
        return std::vector<Scheduler>{Scheduler::random, Scheduler::full_search,
                                      Scheduler::context_bound};
    for (;;) {
        std::size_t comma = text.find(',');
        std::optional<Scheduler> scheduler = scheduler_from_string(text.substr(0, comma));
        if (!scheduler)
            return std::nullopt;
        if (std::find(schedulers.begin(), schedulers.end(), *scheduler) == schedulers.end())
            schedulers.push_back(*scheduler);
        if (comma == std::string_view::npos)
            break;
        text = text.substr(comma + 1);
    }
    return schedulers;
}

ScenarioConfig scenario_config(const properties::Parameters& parameters) {
    ScenarioConfig config;
    auto read = [&parameters](const char* name, int& field) {
        auto it = parameters.find(name);
        if (it != parameters.end())
            field = it->second;
    };
    read("jobs", config.jobs);
    read("producers", config.producers);
    read("cpus", config.cpus);
    read("failures", config.failures);
    read("rounds", config.rounds);
    read("iterations", config.iterations);
    read("idle_timeouts", config.idle_timeouts);
    return config;
}

namespace {

std::optional<std::string> select(const CheckRequest& request,
                                  std::vector<const properties::Scenario*>& selected) {
    auto reject = [](const std::string& name) -> std::optional<std::string> {
        if (find_scenario_port(name) != nullptr)
            return std::nullopt;
        return fmt::format("scenario '{}' has no Relacy port (checker/relacy/scenarios.cpp); "
                           "run it with the engine",
                           name);
    };
    return tpcheck::select_scenarios(request.all, request.scenarios, selected, reject);
}

RunSpec bounds_of(const CheckRequest& request, const properties::Parameters& parameters,
                  Scheduler scheduler) {
    RunSpec spec;
    spec.scheduler = scheduler;
    spec.iterations = request.iterations.value_or(default_iterations);
    spec.context_bound = request.context_bound.value_or(default_context_bound);
    spec.time_limit = request.time_limit.value_or(default_time_limit);
    if (request.max_steps)
        spec.max_steps = *request.max_steps;
    if (request.max_timeouts)
        spec.max_timeouts = *request.max_timeouts;
    auto failures = parameters.find("failures");
    spec.max_creation_failures = request.creation_failures.value_or(
        failures != parameters.end() ? failures->second : 0);
    spec.spurious_wakeups = request.spurious_wakeups;
    return spec;
}

std::optional<std::string> validate(const CheckRequest& request) {
    if (request.iterations && *request.iterations == 0 &&
        runs_scheduler(request, Scheduler::random))
        return std::string("invalid --max-executions 0 for --engine relacy: its random "
                           "scheduler needs 1 or more");
    if (request.time_limit && !(*request.time_limit >= 0))
        return fmt::format("invalid --time-limit {}: expected 0 (none) or more seconds",
                           *request.time_limit);
    if (request.max_steps && *request.max_steps == 0)
        return std::string("invalid --max-steps 0: expected at least 1");
    if (request.max_timeouts && *request.max_timeouts < 0)
        return fmt::format("invalid --max-timeouts {}: expected 0 or more", *request.max_timeouts);
    if (request.creation_failures && *request.creation_failures < 0)
        return fmt::format("invalid --creation-failures {}: expected 0 or more",
                           *request.creation_failures);
    return std::nullopt;
}

std::string outcome_text(const ScenarioReport& report) {
    const RunOutcome& outcome = report.outcome;
    switch (report.verdict) {
    case Verdict::violation:
        return fmt::format("VIOLATION of {}", outcome.property);
    case Verdict::incomplete:
        return fmt::format("incomplete: stopped by {}", outcome.stop_reason);
    case Verdict::goal_missed:
        return fmt::format("goal missed: {}", fmt::join(report.goals_missed, ", "));
    case Verdict::pass:
        return outcome.status == RunStatus::exhaustive ? "exhaustive within bounds"
                                                       : "sampled, no violation";
    }
    return "";
}

std::string describe_bounds(const RunSpec& spec) {
    std::string text;
    switch (spec.scheduler) {
    case Scheduler::random: text = fmt::format("iterations={}", spec.iterations); break;
    case Scheduler::context_bound: text = fmt::format("preemptions<={}", spec.context_bound); break;
    case Scheduler::full_search: break;
    }
    if (spec.scheduler != Scheduler::random) {
        text += text.empty() ? "" : " ";
        text += spec.time_limit > 0 ? fmt::format("time<={:g}s", spec.time_limit) : "time<=none";
    }
    text += fmt::format(" steps<={} threads={} timeouts<={}", spec.max_steps, spec.thread_slots,
                        spec.max_timeouts);
    if (spec.max_creation_failures > 0)
        text += fmt::format(" creation-failures<={}", spec.max_creation_failures);
    if (spec.spurious_wakeups)
        text += " spurious";
    return text;
}

// The last lines of the history's first section (every event in order),
// which end at the failure.
std::vector<std::string> history_tail(const std::string& history, std::size_t count,
                                      std::size_t& total) {
    std::vector<std::string> lines;
    std::istringstream stream(history);
    std::string line;
    bool in_events = false;
    while (std::getline(stream, line)) {
        if (line.rfind("execution history", 0) == 0) {
            in_events = true;
            continue;
        }
        if (in_events && line.empty())
            break;
        if (in_events)
            lines.push_back(line);
    }
    total = lines.size();
    if (lines.size() > count)
        lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(count));
    return lines;
}

int exit_code_of(const std::vector<ScenarioReport>& reports) {
    Verdict worst = Verdict::pass;
    for (const ScenarioReport& report : reports)
        worst = tpcheck::worse(worst, report.verdict);
    return tpcheck::exit_code(worst);
}

}  // namespace

int run_relacy_check(const CheckRequest& request, std::vector<ScenarioReport>& reports) {
    std::vector<const properties::Scenario*> selected;
    if (auto error = select(request, selected)) {
        std::cerr << "tpcheck check: " << *error << "\n";
        return exit_usage;
    }
    if (auto error = validate(request)) {
        std::cerr << "tpcheck check: " << *error << "\n";
        return exit_usage;
    }
    if (auto error = tpcheck::unknown_parameter(request.parameters, selected)) {
        std::cerr << "tpcheck check: " << *error << "\n";
        return exit_usage;
    }
    const std::vector<Scheduler> schedulers =
        request.schedulers.empty() ? *parse_schedulers("all") : request.schedulers;

    // Each scenario needs a Relacy thread per thread it may create, which
    // grows with the idle timeouts allowed.  A scenario past the limit is
    // rejected before any runs, so that no finished result goes unreported.
    for (const properties::Scenario* scenario : selected) {
        const ScenarioPort* port = find_scenario_port(scenario->name);
        if (port == nullptr)
            continue;
        properties::Parameters parameters;
        if (properties::resolve_parameters(
                *scenario, tpcheck::parameters_of(*scenario, request.parameters), parameters))
            continue;  // reported by the loop below
        const RunSpec bounds = bounds_of(request, parameters, schedulers.front());
        const int slots = port->thread_slots(scenario_config(parameters), bounds.max_timeouts);
        if (slots > max_dynamic_threads) {
            std::cerr << fmt::format(
                "tpcheck check: {} needs {} Relacy threads with --max-timeouts {}, and the "
                "Relacy engine supports at most {}: lower --max-timeouts\n",
                scenario->name, slots, bounds.max_timeouts, max_dynamic_threads);
            return exit_usage;
        }
    }

    // After an interrupt, each run left still gets its entry: Relacy stops
    // it before the first execution, as incomplete.
    tpcheck::InterruptGuard guard;
    for (const properties::Scenario* scenario : selected) {
        const ScenarioPort* port = find_scenario_port(scenario->name);
        if (port == nullptr) {
            // Only with --all: a named scenario without a port is an error.
            if (!request.quiet)
                std::cout << fmt::format("{:<28} skipped: no Relacy port\n", scenario->name);
            continue;
        }
        const properties::Parameters given = tpcheck::parameters_of(*scenario, request.parameters);
        properties::Parameters parameters;
        if (auto error = properties::resolve_parameters(*scenario, given, parameters)) {
            std::cerr << "tpcheck check: " << *error << "\n";
            return exit_usage;
        }
        const ScenarioConfig config = scenario_config(parameters);

        for (Scheduler scheduler : schedulers) {
            ScenarioReport report;
            report.scenario = scenario->name;
            report.parameters = parameters;
            report.bounds = bounds_of(request, parameters, scheduler);
            report.bounds.thread_slots = port->thread_slots(config, report.bounds.max_timeouts);
            report.bounds.interrupt = &tpcheck::InterruptGuard::flag();
            try {
                report.outcome = run_scenario(*port, config, report.bounds);
            } catch (const std::invalid_argument& error) {
                std::cerr << "tpcheck check: " << scenario->name << ": " << error.what() << "\n";
                return exit_usage;
            }
            RunOutcome& outcome = report.outcome;
            // As the engine does: a deadlock with idle timers that never
            // fire is the progress property's violation.
            if (outcome.status == RunStatus::violation && outcome.kind == "deadlock" &&
                config.idle_timeouts == 0)
                outcome.property = "progress_without_idle_timeout";
            for (const std::string& goal : scenario->goals) {
                const bool reached =
                    std::find(outcome.goals_reached.begin(), outcome.goals_reached.end(), goal) !=
                        outcome.goals_reached.end() ||
                    std::find(outcome.probes_fired.begin(), outcome.probes_fired.end(), goal) !=
                        outcome.probes_fired.end();
                if (!reached)
                    report.goals_missed.push_back(goal);
            }
            switch (outcome.status) {
            case RunStatus::violation: report.verdict = Verdict::violation; break;
            case RunStatus::incomplete: report.verdict = Verdict::incomplete; break;
            case RunStatus::exhaustive:
            case RunStatus::sampled:
                report.verdict = report.goals_missed.empty() ? Verdict::pass : Verdict::goal_missed;
                break;
            }
            if (!request.quiet)
                print_report_line(report, std::cout);
            reports.push_back(std::move(report));
        }
    }

    if (tpcheck::InterruptGuard::interrupted())
        std::cerr << "tpcheck check: interrupted: the runs that did not finish are reported "
                     "as incomplete\n";
    if (!request.quiet)
        print_summary(reports, std::cout);
    auto write_json = [&](const std::string& path) { return write_json_report(path, reports); };
    auto write_junit = [&](const std::string& path) { return write_junit_report(path, reports); };
    if (!tpcheck::write_reports(request.json_path, request.junit_path, write_json, write_junit))
        return exit_usage;
    return exit_code_of(reports);
}

void print_report_line(const ScenarioReport& report, std::ostream& out) {
    const RunOutcome& outcome = report.outcome;
    out << fmt::format("{:<28} {:<13} {:>9} executions {:>10} steps {:>6.1f} s  {}\n",
                       report.scenario, to_string(report.bounds.scheduler), outcome.executions,
                       outcome.sync_operations, outcome.seconds,
                       outcome_text(report));
    if (report.verdict != Verdict::violation)
        return;
    if (outcome.relacy_result.find(outcome.message) != std::string::npos)
        out << fmt::format("    {}: {}\n", outcome.property, outcome.relacy_result);
    else
        out << fmt::format("    {} ({}): {}\n", outcome.property, outcome.relacy_result,
                           outcome.message);
    if (outcome.line != 0)
        out << fmt::format("    at {}:{}\n", outcome.file, outcome.line);
    std::size_t total = 0;
    std::vector<std::string> tail = history_tail(outcome.history, 12, total);
    out << fmt::format("    last {} of {} events of Relacy's history (a JSON report keeps it all):\n",
                       tail.size(), total);
    for (const std::string& line : tail)
        out << "      " << line << "\n";
}

void print_summary(const std::vector<ScenarioReport>& reports, std::ostream& out) {
    out << "\n"
        << fmt::format("{:<28} {:<13} {:>10} {:>8}  {:<12} {}\n", "scenario", "scheduler",
                       "executions", "time", "outcome", "bounds");
    int passed = 0;
    int failed = 0;
    for (const ScenarioReport& report : reports) {
        std::string outcome = report.verdict == Verdict::pass
                                  ? std::string(to_string(report.outcome.status))
                                  : std::string(to_string(report.verdict));
        out << fmt::format("{:<28} {:<13} {:>10} {:>7.1f}s  {:<12} {}\n", report.scenario,
                           to_string(report.bounds.scheduler), report.outcome.executions,
                           report.outcome.seconds, outcome, describe_bounds(report.bounds));
        (report.verdict == Verdict::pass ? passed : failed) += 1;
    }
    out << fmt::format("{} passed, {} failed (Relacy)\n", passed, failed);
}

bool write_json_report(const std::string& path, const std::vector<ScenarioReport>& reports) {
    nlohmann::json document;
    document["format"] = "vtp-check-report";
    document["version"] = 1;
    document["engine"] = "relacy";
    document["scenarios"] = nlohmann::json::array();
    for (const ScenarioReport& report : reports) {
        const RunOutcome& outcome = report.outcome;
        const RunSpec& bounds = report.bounds;
        nlohmann::json entry;
        entry["scenario"] = report.scenario;
        entry["parameters"] = report.parameters;
        entry["engine"] = "relacy";
        entry["strategy"] = "relacy-" + std::string(to_string(bounds.scheduler));
        entry["scheduler"] = std::string(to_string(bounds.scheduler));
        entry["bounds"] = {{"iterations", bounds.iterations},
                           {"context_bound", bounds.context_bound},
                           {"time_limit", bounds.time_limit},
                           {"max_steps", bounds.max_steps},
                           {"max_timeouts", bounds.max_timeouts},
                           {"max_creation_failures", bounds.max_creation_failures},
                           {"max_threads", bounds.thread_slots},
                           {"spurious_wakeups", bounds.spurious_wakeups}};
        entry["outcome"] = std::string(to_string(outcome.status));
        entry["verdict"] = std::string(to_string(report.verdict));
        entry["executions"] = outcome.executions;
        entry["complete_executions"] =
            outcome.status == RunStatus::violation && outcome.executions > 0
                ? outcome.executions - 1
                : outcome.executions;
        entry["steps"] = outcome.sync_operations;
        entry["cell_accesses"] = outcome.cell_accesses;
        entry["seconds"] = outcome.seconds;
        entry["stop_reason"] = outcome.stop_reason;
        entry["goals_reached"] = outcome.goals_reached;
        entry["goals_missed"] = report.goals_missed;
        entry["probes_fired"] = outcome.probes_fired;
        entry["thread_cap_refusals"] = outcome.cap_refusals;
        entry["injected_creation_failures"] = outcome.injected_failures;
        entry["timeouts_fired"] = outcome.timeouts_fired;
        if (outcome.relacy_estimate > 0)
            entry["relacy_estimated_executions"] = outcome.relacy_estimate;
        if (outcome.status == RunStatus::violation) {
            entry["violation"] = {{"kind", outcome.kind},
                                  {"property", outcome.property},
                                  {"message", outcome.message},
                                  {"step", nullptr},
                                  {"trace", ""},
                                  {"relacy_result", outcome.relacy_result},
                                  {"location", outcome.line != 0
                                                   ? fmt::format("{}:{}", outcome.file, outcome.line)
                                                   : std::string()},
                                  {"history", outcome.history}};
        }
        document["scenarios"].push_back(entry);
    }
    return tpcheck::write_json_file(path, document);
}

bool write_junit_report(const std::string& path, const std::vector<ScenarioReport>& reports) {
    std::vector<tpcheck::JunitCase> cases;
    for (const ScenarioReport& report : reports) {
        tpcheck::JunitCase& test = cases.emplace_back();
        test.name = fmt::format("{} [{}]", report.scenario, to_string(report.bounds.scheduler));
        test.seconds = report.outcome.seconds;
        test.failed = report.verdict != Verdict::pass;
        if (!test.failed)
            continue;
        test.message = std::string(to_string(report.verdict));
        test.detail = outcome_text(report);
        if (report.verdict == Verdict::violation)
            test.detail += "\n" + report.outcome.relacy_result + "\n" + report.outcome.message +
                           "\n\n" + report.outcome.history;
    }
    return tpcheck::write_junit_file(path, "tpcheck-relacy", "tpcheck.relacy", cases);
}

}  // namespace checker::relacy
