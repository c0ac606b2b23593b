#include "checker/cli/check_command.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string_view>
#include <utility>

#include "checker/cli/interrupt.hpp"
#include "checker/cli/report.hpp"
#include "checker/cli/report_files.hpp"
#include "checker/cli/selection.hpp"
#include "model/probes.hpp"

namespace tpcheck {

namespace {

// Rewrites an error of checker::validate, which names Options fields in
// words, to name the command-line option that sets the field.
std::string with_option_names(std::string message) {
    static constexpr std::pair<std::string_view, std::string_view> names[] = {
        {"invalid preemption bound ", "invalid --preemption-bound "},
        {"invalid max steps ", "invalid --max-steps "},
        {"invalid max spurious wakeups ", "invalid --spurious "},
        {"invalid max creation failures ", "invalid --creation-failures "},
        {"invalid max timeouts ", "invalid --max-timeouts "},
        {"invalid max threads ", "invalid --max-threads "},
        {"invalid max executions ", "invalid --max-executions "},
        {"invalid max seconds ", "invalid --time-limit "},
        {"invalid PCT depth ", "invalid --pct-depth "},
    };
    for (const auto& [field, option] : names) {
        if (message.rfind(field, 0) == 0)
            return std::string(option) + message.substr(field.size());
    }
    return message;
}

void apply(const OptionOverrides& overrides, checker::Options& options) {
    if (overrides.strategy)
        options.strategy = *overrides.strategy;
    if (overrides.preemption_bound)
        options.preemption_bound = *overrides.preemption_bound;
    if (overrides.max_steps)
        options.max_steps = *overrides.max_steps;
    if (overrides.spurious)
        options.max_spurious_wakeups = *overrides.spurious;
    if (overrides.creation_failures)
        options.max_creation_failures = *overrides.creation_failures;
    if (overrides.max_timeouts)
        options.max_timeouts = *overrides.max_timeouts;
    if (overrides.max_threads)
        options.max_threads = *overrides.max_threads;
    if (overrides.max_executions)
        options.max_executions = *overrides.max_executions;
    if (overrides.time_limit)
        options.max_seconds = *overrides.time_limit;
    if (overrides.seed)
        options.seed = *overrides.seed;
    if (overrides.pct_depth)
        options.pct_depth = *overrides.pct_depth;
    options.keep_going = overrides.keep_going;
}

}  // namespace

std::optional<std::string> check_ranges(const OptionOverrides& overrides) {
    checker::Options options;
    apply(overrides, options);
    if (auto error = checker::validate(options))
        return with_option_names(*error);
    return std::nullopt;
}

namespace {

// Names the deadlock of a run whose idle timers never fire after the
// property it violates: the path needed an idle timeout to make progress.
void classify(const checker::Options& options, checker::Result& result) {
    if (!result.counterexample)
        return;
    properties::name_pool_violation(options, result.counterexample->violation);
}

void print_progress(const std::string& scenario, const checker::Progress& progress) {
    double rate = progress.seconds > 0 ? progress.executions / progress.seconds : 0;
    std::string estimate = progress.explored_fraction > 0
                               ? fmt::format(", about {:.0f}% of the tree",
                                             100 * progress.explored_fraction)
                               : std::string();
    if (progress.explored_fraction > 0.001 && progress.explored_fraction < 1) {
        double remaining = progress.seconds / progress.explored_fraction - progress.seconds;
        estimate += fmt::format(", ~{:.0f} s left", remaining);
    }
    std::fprintf(stderr, "\r  %s: %lld executions (%.0f/s), depth %d, %.0f s%s\x1b[K",
                 scenario.c_str(), static_cast<long long>(progress.executions), rate,
                 progress.depth, progress.seconds, estimate.c_str());
    std::fflush(stderr);
}

}  // namespace

int run_check(const CheckRequest& request, std::vector<ScenarioReport>& reports) {
    std::vector<const properties::Scenario*> selected;
    if (auto error = select_scenarios(request.all, request.scenarios, selected)) {
        std::cerr << "tpcheck check: " << *error << "\n";
        return exit_usage;
    }

    // Parameters given on the command line apply to each selected scenario
    // that has them; a name no selected scenario has is an error.
    if (auto error = unknown_parameter(request.parameters, selected)) {
        std::cerr << "tpcheck check: " << *error << "\n";
        return exit_usage;
    }

    std::set<std::string> probes_fired;
    // After an interrupt, each scenario left still gets its entry: its
    // search stops before the first execution, as incomplete.
    InterruptGuard guard;
    for (const properties::Scenario* scenario : selected) {
        const properties::Parameters given = parameters_of(*scenario, request.parameters);
        ScenarioReport report;
        report.scenario = scenario->name;
        if (auto error = properties::resolve_parameters(*scenario, given, report.parameters)) {
            std::cerr << "tpcheck check: " << *error << "\n";
            return exit_usage;
        }
        if (scenario->default_bounds)
            scenario->default_bounds(report.options, report.parameters);
        apply(request.overrides, report.options);
        if (auto error = checker::validate(report.options)) {
            std::cerr << "tpcheck check: " << with_option_names(*error) << "\n";
            return exit_usage;
        }

        auto coverage = std::make_shared<properties::Coverage>();
        checker::Program program = properties::make_program(*scenario, report.parameters, coverage);
        checker::ExploreHooks hooks;
        hooks.interrupt = &InterruptGuard::flag();
        if (request.progress)
            hooks.progress = [&](const checker::Progress& progress) {
                print_progress(scenario->name, progress);
            };
        report.result = checker::explore(program, report.options, hooks);
        if (request.progress)
            std::fprintf(stderr, "\r\x1b[K");
        classify(report.options, report.result);
        report.goals_reached = coverage->goals_reached;
        probes_fired.insert(coverage->probes_fired.begin(), coverage->probes_fired.end());
        for (const std::string& goal : scenario->goals) {
            if (coverage->goals_reached.count(goal) == 0)
                report.goals_missed.push_back(goal);
        }

        switch (report.result.outcome) {
        case checker::Outcome::violation:
        case checker::Outcome::diverged:
            report.verdict = Verdict::violation;
            report.property = report.result.counterexample->violation.property;
            break;
        case checker::Outcome::incomplete:
            report.verdict = Verdict::incomplete;
            break;
        case checker::Outcome::exhaustive:
        case checker::Outcome::sampled:
            report.verdict = report.goals_missed.empty() ? Verdict::pass : Verdict::goal_missed;
            break;
        }
        if (report.verdict == Verdict::violation)
            write_counterexample(request, report);
        if (!request.quiet)
            print_scenario_line(report, std::cout);
        reports.push_back(std::move(report));
    }

    if (InterruptGuard::interrupted())
        std::cerr << "tpcheck check: interrupted: the scenarios that did not finish are "
                     "reported as incomplete\n";
    if (!request.quiet) {
        print_summary(reports, std::cout);
        if (request.all) {
            std::vector<std::string> silent;
            for (int id = 0; id < vtp::reference_probe_count; ++id) {
                const char* name = vtp::probe_name(static_cast<vtp::probe_id>(id));
                if (probes_fired.count(name) == 0)
                    silent.push_back(name);
            }
            if (silent.empty())
                std::cout << "probe coverage: all " << vtp::reference_probe_count
                          << " probes of the reference fired\n";
            else
                std::cout << "probe coverage: never fired: " << fmt::format("{}", fmt::join(silent, ", "))
                          << "\n";
        }
    }
    auto write_json = [&](const std::string& path) { return write_json_report(path, reports); };
    auto write_junit = [&](const std::string& path) { return write_junit_report(path, reports); };
    if (!write_reports(request.json_path, request.junit_path, write_json, write_junit))
        return exit_usage;

    Verdict worst = Verdict::pass;
    for (const ScenarioReport& report : reports)
        worst = worse(worst, report.verdict);
    return exit_code(worst);
}

}  // namespace tpcheck
