// tpcheck: the model checker's command line.
//
//   tpcheck list                      scenarios, parameters, goals, properties
//   tpcheck check [SCENARIO...|--all] explore scenarios and report
//   tpcheck replay TRACE.json         re-execute a counterexample
//   tpcheck minimize TRACE.json -o F  shrink a counterexample
//   tpcheck export TRACE.json         Chrome trace events or an HTML timeline
//
// Exit codes: 0 pass, 1 violation (or a replay that diverged), 2 usage or
// input error, 3 incomplete within the budget, 4 a required goal missed.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <charconv>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <type_traits>

#include "checker/cli/check_command.hpp"
#include "checker/cli/relacy_command.hpp"
#include "checker/cli/trace_bridge.hpp"
#include "properties/scenario.hpp"

namespace {

constexpr const char* exit_codes_help =
    "Exit codes: 0 pass; 1 violation found (or a replay diverged); 2 usage or input error; "
    "3 incomplete: a budget or an interrupt (Ctrl-C, SIGTERM) stopped the search, and the "
    "reports hold the scenarios run so far; 4 a required reachability goal was not reached.";

int list_command(bool json, bool names) {
    const auto& scenarios = properties::catalogue();
    if (names) {
        for (const auto& scenario : scenarios)
            std::cout << scenario.name << "\n";
        return tpcheck::exit_pass;
    }
    if (json) {
        nlohmann::json document;
        for (const auto& scenario : scenarios) {
            nlohmann::json entry{{"name", scenario.name},
                                 {"description", scenario.description},
                                 {"goals", scenario.goals}};
            for (const auto& parameter : scenario.parameters)
                entry["parameters"].push_back({{"name", parameter.name},
                                               {"default", parameter.value},
                                               {"min", parameter.min},
                                               {"max", parameter.max},
                                               {"help", parameter.help}});
            document["scenarios"].push_back(entry);
        }
        for (const auto& property : properties::property_catalogue())
            document["properties"].push_back({{"name", property.name},
                                              {"statement", property.statement},
                                              {"rule", property.rule},
                                              {"checked", property.when}});
        std::cout << document.dump(2) << "\n";
        return tpcheck::exit_pass;
    }
    std::cout << "Scenarios:\n";
    for (const auto& scenario : scenarios) {
        std::cout << fmt::format("  {:<28} {}\n", scenario.name, scenario.description);
        for (const auto& parameter : scenario.parameters)
            std::cout << fmt::format("      {}={} ({} to {}): {}\n", parameter.name,
                                     parameter.value, parameter.min, parameter.max,
                                     parameter.help);
        if (!scenario.goals.empty())
            std::cout << fmt::format("      goals: {}\n", fmt::join(scenario.goals, ", "));
    }
    std::cout << "\nProperties (checked in every scenario):\n";
    for (const auto& property : properties::property_catalogue())
        std::cout << fmt::format("  {:<30} {}\n", property.name, property.statement);
    return tpcheck::exit_pass;
}

// Parses a whole decimal number from 0 to max; returns an error message or
// nothing.  Unlike a plain stream conversion, it rejects negative numbers
// and values out of range instead of wrapping or clamping them.
template <class T>
std::optional<std::string> parse_count(const char* option, const std::string& text, T& value,
                                       T max) {
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, value);
    bool negative = false;
    if constexpr (std::is_signed_v<T>)
        negative = error == std::errc() && value < 0;
    if (text.empty() || error == std::errc::invalid_argument || stop != end || negative ||
        (error == std::errc() && value > max))
        return fmt::format("invalid {} '{}': expected a whole number from 0 to {}", option, text,
                           max);
    if (error == std::errc::result_out_of_range)
        return fmt::format("invalid {} '{}': the largest value is {}", option, text, max);
    return std::nullopt;
}

// Checks, before a search that may take minutes, that a report can be
// written at path; returns an error message or nothing.
std::optional<std::string> check_report_path(const char* option, const std::string& path) {
    namespace fs = std::filesystem;
    if (path.empty())
        return fmt::format("invalid {} '': give a file name", option);
    std::error_code error;
    if (fs::is_directory(path, error))
        return fmt::format("invalid {} '{}': it is a folder, give a file name", option, path);
    fs::path folder = fs::path(path).parent_path();
    if (folder.empty())
        folder = ".";
    if (!fs::is_directory(folder, error))
        return fmt::format("invalid {} '{}': the folder '{}' does not exist", option, path,
                           folder.string());
    if (::access(folder.c_str(), W_OK) != 0)
        return fmt::format("invalid {} '{}': the folder '{}' is not writable", option, path,
                           folder.string());
    if (fs::exists(path, error) && ::access(path.c_str(), W_OK) != 0)
        return fmt::format("invalid {} '{}': the file is not writable ({})", option, path,
                           std::strerror(errno));
    return std::nullopt;
}

// Checks that the JSON and JUnit reports go to different files.  Returns an
// error message or nothing.
std::optional<std::string> check_distinct_reports(const std::string& json_path,
                                                  const std::string& junit_path) {
    namespace fs = std::filesystem;
    // Made absolute first: weakly_canonical leaves a relative path alone
    // when no part of it exists yet.
    auto resolved = [](const std::string& path) {
        std::error_code error;
        fs::path absolute = fs::absolute(path, error);
        if (error)
            return fs::path(path).lexically_normal();
        fs::path canonical = fs::weakly_canonical(absolute, error);
        return error ? absolute.lexically_normal() : canonical;
    };
    if (resolved(json_path) == resolved(junit_path))
        return fmt::format("--json and --junit both name '{}': give each report its own file",
                           junit_path);
    return std::nullopt;
}

// Checks that counterexample traces can be written into folder, creating
// it if needed; returns an error message or nothing.
std::optional<std::string> check_trace_folder(const std::string& folder) {
    namespace fs = std::filesystem;
    if (folder.empty())
        return std::string("invalid --trace-dir '': give a folder (. for the current one)");
    std::error_code error;
    if (fs::exists(folder, error) && !fs::is_directory(folder, error))
        return fmt::format("invalid --trace-dir '{}': it exists and is not a folder", folder);
    fs::create_directories(folder, error);
    if (error)
        return fmt::format("invalid --trace-dir '{}': cannot create the folder: {}", folder,
                           error.message());
    if (::access(folder.c_str(), W_OK) != 0)
        return fmt::format("invalid --trace-dir '{}': the folder is not writable", folder);
    return std::nullopt;
}

// Parses "name=value" into the map; returns an error message or nothing.
std::optional<std::string> parse_parameter(const std::string& text,
                                           std::map<std::string, int>& parameters) {
    auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0)
        return fmt::format("invalid --param '{}': expected NAME=VALUE, for example jobs=2", text);
    std::string name = text.substr(0, equals);
    std::string value = text.substr(equals + 1);
    try {
        std::size_t used = 0;
        int number = std::stoi(value, &used);
        if (used != value.size())
            throw std::invalid_argument(value);
        parameters[name] = number;
    } catch (const std::exception&) {
        return fmt::format("invalid --param '{}': the value '{}' is not an integer", text, value);
    }
    return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"tpcheck: a deterministic model checker for the vtp thread pool"};
    app.footer(exit_codes_help);
    app.require_subcommand(1);

    auto* list = app.add_subcommand("list", "List scenarios with their parameters and goals, "
                                            "and the properties checked");
    bool list_json = false;
    bool list_names = false;
    list->add_flag("--json", list_json, "Print the list as JSON");
    list->add_flag("--names", list_names, "Print only the scenario names, one per line");

    auto* check = app.add_subcommand("check", "Explore scenarios under the engine and report");
    check->footer(std::string(exit_codes_help) + "\n\n" + tpcheck::relacy_engine_help());
    tpcheck::CheckRequest request;
    std::vector<std::string> parameter_texts;
    std::string strategy_name;
    std::string engine_name = "vtp";
    check->add_option("scenarios", request.scenarios, "Scenario names (see `tpcheck list`)");
    check->add_flag("--all", request.all, "Check every scenario");
    // One NAME=VALUE per --param, so that scenario names after it stay names.
    check->add_option("--param", parameter_texts,
                      "Set a scenario parameter, NAME=VALUE (repeat --param for more)")
        ->allow_extra_args(false);
    check->add_option("--engine", engine_name,
                      "Checker to run the scenarios under: vtp (default, this project's engine) "
                      "or relacy (Relacy Race Detector; see below)");
    check->add_option("--strategy", strategy_name,
                      "Exploration strategy: dpor (default, exhaustive), dfs (exhaustive, no "
                      "reduction), random or pct (sampled). With --engine relacy: random, full, "
                      "context-bound, a comma-separated list or all (default all)");
    auto& overrides = request.overrides;
    auto int_option = [&](const char* name, std::optional<int>& target, const char* help) {
        check->add_option_function<int>(name, [&target](const int& value) { target = value; },
                                        help);
    };
    int_option("--preemption-bound", overrides.preemption_bound,
               "Preemptive context switches per execution (-1: unbounded, the default)");
    int_option("--max-steps", overrides.max_steps,
               "Steps per execution before a livelock is reported (default 5000)");
    int_option("--spurious", overrides.spurious, "Spurious wakeups per execution (default 0)");
    int_option("--creation-failures", overrides.creation_failures,
               "Thread creations that may fail per execution (default: the scenario's)");
    int_option("--max-timeouts", overrides.max_timeouts,
               "Timed-wait timeouts that may fire per execution (default 4)");
    int_option("--max-threads", overrides.max_threads,
               "Thread creations per execution before the execution is cut (default 12)");
    int_option("--pct-depth", overrides.pct_depth, "PCT depth d (default 3)");
    std::string max_executions_text;
    check->add_option("--max-executions", max_executions_text,
                      "Execution budget per scenario (dpor and dfs: 0, the default, is "
                      "unlimited; random and pct run 1000 when it is 0 or not given)");
    check->add_option_function<double>(
        "--time-limit", [&overrides](const double& value) { overrides.time_limit = value; },
        "Time budget per scenario in seconds (0: unlimited)");
    std::string seed_text;
    check->add_option("--seed", seed_text,
                      "Seed of the random and PCT strategies, 0 to 2^64-1 (default 1)");
    check->add_flag("--keep-going", overrides.keep_going,
                    "Keep exploring after the first violation and count the executions with one; the "
                    "report keeps the first counterexample");
    check->add_option("--json", request.json_path, "Write a JSON report to this file");
    check->add_option("--junit", request.junit_path, "Write a JUnit XML report to this file");
    check->add_option("--trace-dir", request.trace_dir,
                      "Folder for counterexample traces (default: the current folder)");
    bool no_progress = false;
    check->add_flag("--no-progress", no_progress, "No progress line, even on a terminal");
    check->add_flag("--quiet", request.quiet, "Print nothing but errors");

    TraceCommands trace_commands;
    add_trace_commands(app, trace_commands);
    app.set_version_flag("--version", VTP_VERSION);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ConversionError& error) {
        // CLI11's own message is only "Could not convert: OPTION = VALUE".
        std::cerr << "tpcheck: invalid value: " << error.what()
                  << ": expected a number within the option's range (see --help)\n";
        return tpcheck::exit_usage;
    } catch (const CLI::ParseError& error) {
        int code = app.exit(error);
        return code == 0 ? tpcheck::exit_pass : tpcheck::exit_usage;
    }

    if (list->parsed())
        return list_command(list_json, list_names);
    if (check->parsed()) {
        for (const std::string& text : parameter_texts) {
            if (auto error = parse_parameter(text, request.parameters)) {
                std::cerr << "tpcheck check: " << *error << "\n";
                return tpcheck::exit_usage;
            }
        }
        std::optional<std::string> error;
        if (check->count("--seed") > 0) {
            std::uint64_t seed = 0;
            error = parse_count("--seed", seed_text, seed, UINT64_MAX);
            overrides.seed = seed;
        }
        if (!error && check->count("--max-executions") > 0) {
            std::int64_t budget = 0;
            error = parse_count("--max-executions", max_executions_text, budget, INT64_MAX);
            overrides.max_executions = budget;
        }
        if (!error && check->count("--json") > 0)
            error = check_report_path("--json", request.json_path);
        if (!error && check->count("--junit") > 0)
            error = check_report_path("--junit", request.junit_path);
        if (!error && check->count("--json") > 0 && check->count("--junit") > 0)
            error = check_distinct_reports(request.json_path, request.junit_path);
        if (!error && engine_name != "relacy")
            error = check_trace_folder(request.trace_dir);
        if (error) {
            std::cerr << "tpcheck check: " << *error << "\n";
            return tpcheck::exit_usage;
        }
        if (engine_name == "relacy") {
            tpcheck::RelacyCommandLine command_line;
            if (check->count("--strategy") > 0)
                command_line.strategy = strategy_name;
            for (const char* name : {"--seed", "--pct-depth", "--max-threads", "--keep-going",
                                     "--trace-dir"}) {
                if (check->count(name) > 0)
                    command_line.engine_only.push_back(name);
            }
            return tpcheck::run_relacy_engine(request, command_line);
        }
        if (engine_name != "vtp") {
            std::cerr << "tpcheck check: invalid engine '" << engine_name
                      << "': use vtp or relacy\n";
            return tpcheck::exit_usage;
        }
        if (check->count("--strategy") > 0) {
            auto kind = checker::strategy_kind_from_string(strategy_name);
            if (!kind || *kind == checker::StrategyKind::replay) {
                std::cerr << "tpcheck check: invalid strategy '" << strategy_name
                          << "': use dpor, dfs, random or pct (replay a trace with `tpcheck "
                             "replay`)\n";
                return tpcheck::exit_usage;
            }
            overrides.strategy = kind;
        }
        request.progress = !no_progress && !request.quiet && ::isatty(STDERR_FILENO);
        std::vector<tpcheck::ScenarioReport> reports;
        try {
            return tpcheck::run_check(request, reports);
        } catch (const std::invalid_argument& error) {
            std::cerr << "tpcheck check: " << error.what() << "\n";
            return tpcheck::exit_usage;
        }
    }
    return run_trace_command(trace_commands);
}
