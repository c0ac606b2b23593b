// bench_engines: this project's engine against Relacy Race Detector on the
// same programs, measured in one run.
//
//   reference  lock_rounds (bench/lock_rounds.hpp): the engine's DPOR and
//              plain DFS against Relacy's full search.  Each runs to the end
//              of its tree --repeat times, and the run with the median time
//              is reported.
//   scenarios  every catalogue scenario, or those named with --scenario:
//              the engine's DPOR at the scenario's default bounds (as
//              `tpcheck check` runs it) against Relacy's full search with
//              --relacy-time-limit seconds.  Two more runs measure the engine
//              without the property observers, which Relacy does not run:
//              DPOR at the same bounds, and plain DFS for --vtp-time-limit
//              seconds.
//
// A step is one sync operation (mutex, condition variable, atomic, thread
// creation or join) or one access to a shared<T> cell, counted the same way
// by both engines, so steps per second compare like for like.  Results go
// to standard output as Markdown tables; docs/benchmarks.md records them.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "bench/lock_rounds.hpp"
#include "checker/engine/explorer.hpp"
#include "checker/relacy/check.hpp"
#include "checker/relacy/engine.hpp"
#include "checker/relacy/scenarios.hpp"
#include "checker/sim/platform.hpp"
#include "checker/sim/program.hpp"
#include "properties/scenario.hpp"

namespace {

using P = checker::sim::platform;

// One measured run of one engine.
struct Measurement {
    std::string outcome;  // exhaustive, incomplete, violation, ...
    std::int64_t executions = 0;
    std::int64_t steps = 0;  // sync operations plus cell accesses
    double seconds = 0;
    int distinct_orders = 0;  // the reference program only
    // Relacy's own estimate of its tree's size (see RunOutcome); 0 for the
    // vtp engine and for Relacy runs shorter than 65,536 executions.
    std::uint64_t relacy_estimate = 0;

    double steps_per_second() const { return seconds > 0 ? steps / seconds : 0; }
};

checker::Program engine_lock_rounds(bench::OrderSet& orders) {
    return checker::Program{
        "lock_rounds",
        [&orders] {
            P::mutex lock(vtp::mutex_kind::adaptive, "lock");
            P::shared<int> order(0);
            checker::ThreadId threads[bench::lock_rounds_threads];
            for (int i = 0; i < bench::lock_rounds_threads; ++i) {
                threads[i] = checker::sim::spawn([&lock, &order, number = i + 1] {
                    for (int round = 0; round < bench::lock_rounds_sections; ++round) {
                        lock.lock();
                        order.write() = order.read() * 4 + number;
                        lock.unlock();
                    }
                });
            }
            for (checker::ThreadId thread : threads)
                checker::sim::join(thread);
            orders.insert(order.peek());
        },
        {}};
}

Measurement measure_engine(const checker::Program& program, const checker::Options& options) {
    const checker::Result result = checker::explore(program, options);
    Measurement measurement;
    measurement.outcome = std::string(checker::to_string(result.outcome));
    measurement.executions = result.executions;
    measurement.steps = result.steps + result.cell_accesses;
    measurement.seconds = result.seconds;
    return measurement;
}

Measurement measure_relacy(const checker::relacy::RunOutcome& outcome) {
    Measurement measurement;
    measurement.outcome = std::string(checker::relacy::to_string(outcome.status));
    measurement.executions = static_cast<std::int64_t>(outcome.executions);
    measurement.steps = outcome.sync_operations + outcome.cell_accesses;
    measurement.seconds = outcome.seconds;
    measurement.relacy_estimate = outcome.relacy_estimate;
    return measurement;
}

// The run with the median time.
Measurement median(std::vector<Measurement> runs) {
    std::sort(runs.begin(), runs.end(),
              [](const Measurement& a, const Measurement& b) { return a.seconds < b.seconds; });
    return runs[runs.size() / 2];
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

void print_reference_row(const std::string& engine, const Measurement& run) {
    std::cout << fmt::format("| {} | {} | {} | {} | {:.3f} | {:.0f} | {:.0f} | {} |\n", engine,
                             run.outcome, run.executions, run.steps, run.seconds,
                             run.steps_per_second(),
                             run.seconds > 0 ? run.executions / run.seconds : 0.0,
                             run.distinct_orders);
}

Measurement measure_vtp_lock_rounds(checker::StrategyKind strategy) {
    bench::OrderSet orders;
    checker::Options options;
    options.strategy = strategy;
    Measurement run = measure_engine(engine_lock_rounds(orders), options);
    run.distinct_orders = orders.size();
    return run;
}

Measurement measure_relacy_lock_rounds() {
    bench::OrderSet orders;
    checker::relacy::RunSpec spec;
    spec.body = bench::relacy_lock_rounds;
    spec.argument = &orders;
    spec.thread_slots = bench::lock_rounds_threads;
    spec.scheduler = checker::relacy::Scheduler::full_search;
    Measurement run = measure_relacy(checker::relacy::run(spec));
    run.distinct_orders = orders.size();
    return run;
}

Measurement measure_plain_relacy_lock_rounds() {
    // Steps of the plain Relacy test: 2 sections of 4 steps (lock, read,
    // write, unlock) per thread, and no spawn or join.
    constexpr int static_steps = bench::lock_rounds_threads * bench::lock_rounds_sections * 4;
    bench::OrderSet orders;
    const bench::StaticRun run = bench::relacy_static_lock_rounds(orders);
    Measurement measurement;
    measurement.outcome = run.passed ? "exhaustive" : "violation";
    measurement.executions = static_cast<std::int64_t>(run.executions);
    measurement.steps = measurement.executions * static_steps;
    measurement.seconds = run.seconds;
    measurement.distinct_orders = orders.size();
    return measurement;
}

// The engines run in rounds, each engine once per round, so that a slow
// phase of a shared machine hits them alike.  A row is the run with the
// median time, and the ratios are medians of the ratios within one round.
void run_reference(int repeat, const std::string& engines) {
    struct Contender {
        std::string name;
        bool vtp;
        std::function<Measurement()> measure;
        std::vector<Measurement> runs;
    };
    std::vector<Contender> contenders;
    if (engines != "relacy") {
        contenders.push_back(
            {"vtp DPOR", true, [] { return measure_vtp_lock_rounds(checker::StrategyKind::dpor); }, {}});
        contenders.push_back(
            {"vtp DFS", true, [] { return measure_vtp_lock_rounds(checker::StrategyKind::dfs); }, {}});
    }
    if (engines != "vtp") {
        contenders.push_back({"Relacy full search", false, measure_relacy_lock_rounds, {}});
        contenders.push_back({"Relacy full search, plain test with static threads", false,
                              measure_plain_relacy_lock_rounds, {}});
    }
    for (int round = 0; round < repeat; ++round) {
        for (Contender& contender : contenders)
            contender.runs.push_back(contender.measure());
    }

    std::cout << fmt::format(
        "Reference program: {} threads, {} critical sections each, {} rounds (median time)\n\n",
        bench::lock_rounds_threads, bench::lock_rounds_sections, repeat);
    std::cout << "| engine | outcome | executions | steps | time (s) | steps/s | executions/s "
                 "| distinct orders |\n"
                 "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    for (const Contender& contender : contenders)
        print_reference_row(contender.name, median(contender.runs));
    std::cout << "\n";

    if (engines != "both")
        return;
    // Contenders 0 and 1 are the vtp engine's, 2 is Relacy's full search.
    for (int engine : {0, 1}) {
        std::vector<double> ratios;
        for (int round = 0; round < repeat; ++round) {
            double relacy = contenders[2].runs[round].steps_per_second();
            if (relacy > 0)
                ratios.push_back(contenders[engine].runs[round].steps_per_second() / relacy);
        }
        if (!ratios.empty())
            std::cout << fmt::format("Steps per second, {} / Relacy full search: {:.2f} (median "
                                     "over {} rounds)\n",
                                     contenders[engine].name, median(ratios), ratios.size());
    }
    std::cout << "\n";
}

std::string describe_parameters(const properties::Parameters& parameters) {
    std::vector<std::string> pairs;
    for (const auto& [name, value] : parameters)
        pairs.push_back(fmt::format("{}={}", name, value));
    return fmt::format("{}", fmt::join(pairs, ", "));
}

void run_scenarios(const std::vector<std::string>& names, double relacy_time_limit,
                   double vtp_time_limit) {
    std::cout << fmt::format(
        "Scenarios: vtp DPOR at each scenario's default bounds, Relacy full search with a time "
        "limit of {:g} s, vtp DFS without observers with a time limit of {:g} s\n\n",
        relacy_time_limit, vtp_time_limit);
    std::cout << "| scenario | vtp bounds | vtp outcome | vtp executions | vtp time (s) | vtp "
                 "steps/s | Relacy outcome | Relacy executions | Relacy time (s) | Relacy "
                 "steps/s | Relacy's tree estimate | vtp DPOR, no observers: steps/s | vtp DFS, "
                 "no observers: steps/s |\n"
                 "| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: "
                 "| ---: |\n";
    for (const properties::Scenario& scenario : properties::catalogue()) {
        if (!names.empty() && std::find(names.begin(), names.end(), scenario.name) == names.end())
            continue;
        properties::Parameters parameters;
        if (auto error = properties::resolve_parameters(scenario, {}, parameters)) {
            std::cerr << "bench_engines: " << scenario.name << ": " << *error << "\n";
            continue;
        }

        checker::Options options;
        if (scenario.default_bounds)
            scenario.default_bounds(options, parameters);
        const Measurement vtp =
            measure_engine(properties::make_program(scenario, parameters, nullptr), options);

        // The engine alone, without the property observers.  Making them
        // also makes the context that the main body reads, so they are
        // made and dropped at once.
        checker::Program bare = properties::make_program(scenario, parameters, nullptr);
        bare.observers = [make = bare.observers] {
            make();
            return std::vector<std::unique_ptr<checker::Observer>>{};
        };
        const Measurement dpor_only = measure_engine(bare, options);
        checker::Options dfs_options = options;
        dfs_options.strategy = checker::StrategyKind::dfs;
        dfs_options.max_seconds = vtp_time_limit;
        const Measurement dfs_only = measure_engine(bare, dfs_options);

        const checker::relacy::ScenarioPort* port =
            checker::relacy::find_scenario_port(scenario.name);
        Measurement relacy;
        if (port != nullptr) {
            const checker::relacy::ScenarioConfig config =
                checker::relacy::scenario_config(parameters);
            checker::relacy::RunSpec spec;
            spec.scheduler = checker::relacy::Scheduler::full_search;
            spec.time_limit = relacy_time_limit;
            spec.max_creation_failures = config.failures;
            relacy = measure_relacy(checker::relacy::run_scenario(*port, config, spec));
        } else {
            relacy.outcome = "no port";
        }

        std::string bounds = describe_parameters(parameters);
        if (options.preemption_bound >= 0)
            bounds += fmt::format(", preemptions<={}", options.preemption_bound);
        std::cout << fmt::format(
            "| {} | {} | {} | {} | {:.1f} | {:.0f} | {} | {} | {:.1f} | {:.0f} | {} | {:.0f} | "
            "{:.0f} |\n",
            scenario.name, bounds, vtp.outcome, vtp.executions, vtp.seconds,
            vtp.steps_per_second(), relacy.outcome, relacy.executions, relacy.seconds,
            relacy.steps_per_second(),
            relacy.relacy_estimate > 0 ? fmt::format("{:.1e}", double(relacy.relacy_estimate))
                                       : std::string("-"),
            dpor_only.steps_per_second(), dfs_only.steps_per_second());
        std::cout.flush();
    }
    std::cout << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"bench_engines: the vtp engine against Relacy on the same programs"};
    bool reference = false;
    bool scenarios = false;
    int repeat = 3;
    double relacy_time_limit = 60;
    double vtp_time_limit = 5;
    std::vector<std::string> names;
    std::string engines = "both";
    app.add_flag("--reference", reference,
                 "Measure the reference program (3 threads, 2 critical sections each)");
    app.add_flag("--scenarios", scenarios, "Measure the catalogue scenarios");
    app.add_option("--repeat", repeat, "Runs per engine of the reference program (default 3)")
        ->check(CLI::PositiveNumber);
    app.add_option("--relacy-time-limit", relacy_time_limit,
                   "Seconds per scenario for Relacy's full search (default 60, 0 for none)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--vtp-time-limit", vtp_time_limit,
                   "Seconds per scenario for the vtp engine's plain DFS without observers "
                   "(default 5)")
        ->check(CLI::PositiveNumber);
    app.add_option("--engines", engines,
                   "Engines for the reference program: vtp, relacy or both (default both); "
                   "one alone is for profiling")
        ->check(CLI::IsMember({"vtp", "relacy", "both"}));
    app.add_option("--scenario", names, "Measure only this scenario (repeatable)");
    CLI11_PARSE(app, argc, argv);
    for (const std::string& name : names) {
        if (properties::find_scenario(name) == nullptr) {
            std::cerr << "bench_engines: unknown scenario '" << name
                      << "': run `tpcheck list` for the names\n";
            return 2;
        }
    }
    if (!reference && !scenarios)
        reference = scenarios = true;

    if (reference)
        run_reference(repeat, engines);
    if (scenarios)
        run_scenarios(names, relacy_time_limit, vtp_time_limit);
    return 0;
}
