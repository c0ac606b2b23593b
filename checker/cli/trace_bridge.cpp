#include "checker/cli/trace_bridge.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "checker/cli/report_files.hpp"
#include "properties/scenario.hpp"
#include "traces/export.hpp"
#include "traces/minimize.hpp"
#include "traces/replay.hpp"
#include "traces/trace.hpp"

#ifndef VTP_VERSION
#define VTP_VERSION "unknown"
#endif

namespace {

const char* const exit_help =
    "Exit codes: 0 reproduced (replay) or written (minimize, export); 1 the replay diverged or "
    "found another violation; 2 usage or input error (malformed, unknown version, unknown "
    "scenario or parameters).";

const properties::Scenario* lookup(std::string_view name) {
    return properties::find_scenario(name);
}

int replay_command(const TraceCommands& commands) {
    traces::Trace trace = traces::read_trace(commands.input);
    traces::ReplayReport report = traces::replay(trace, lookup, commands.input);
    if (commands.verbose)
        std::cout << traces::format_steps(report.executed,
                                          report.violation ? &*report.violation : nullptr);
    std::cout << fmt::format("{}: {} ({} steps)\n", commands.input,
                             traces::to_string(report.status), report.executed.size());
    if (!report.message.empty())
        std::cout << report.message << "\n";
    if (report.violation)
        std::cout << fmt::format("{} at step {}: {}\n", report.violation->property,
                                 report.violation->step, report.violation->message);
    return report.status == traces::ReplayStatus::reproduced ? tpcheck::exit_pass
                                                             : tpcheck::exit_violation;
}

int minimize_command(const TraceCommands& commands) {
    traces::Trace trace = traces::read_trace(commands.input);
    traces::MinimizeOptions options;
    options.tool_version = VTP_VERSION;
    traces::MinimizeReport report = traces::minimize(trace, lookup, commands.input, options);
    if (report.input_check.status != traces::ReplayStatus::reproduced)
        std::cout << fmt::format("note: {} does not replay exactly ({}); the result is the run "
                                 "that its decisions lead to\n",
                                 commands.input, report.input_check.message);
    if (report.check.status != traces::ReplayStatus::reproduced) {
        std::cerr << fmt::format("tpcheck minimize: the minimised trace does not replay ({}); "
                                 "nothing was written to {}\n",
                                 report.check.message, commands.output);
        return tpcheck::exit_violation;
    }
    traces::write_trace(commands.output, report.trace);
    std::cout << fmt::format("before: {}\nafter:  {}\n{} candidate runs, {} accepted{}\n",
                             traces::to_string(report.before), traces::to_string(report.after),
                             report.runs, report.accepted,
                             report.budget_hit ? ", stopped by " + report.stop_reason : "");
    std::cout << fmt::format("written to {}; replay with: {}\n", commands.output,
                             tpcheck::replay_command(commands.output));
    return tpcheck::exit_pass;
}

int export_command(const TraceCommands& commands) {
    traces::Trace trace = traces::read_trace(commands.input);
    std::filesystem::path output = commands.output;
    if (output.empty()) {
        output = commands.input;
        output.replace_extension(commands.format == "chrome" ? ".chrome.json" : ".html");
    }
    if (commands.format == "chrome")
        traces::write_chrome_trace(output, trace);
    else if (commands.format == "html")
        traces::write_html_timeline(output, trace);
    else {
        std::cerr << "tpcheck export: invalid --format '" << commands.format
                  << "': use chrome or html\n";
        return tpcheck::exit_usage;
    }
    std::cout << "written to " << output.string() << "\n";
    return tpcheck::exit_pass;
}

}  // namespace

void add_trace_commands(CLI::App& app, TraceCommands& commands) {
    commands.replay =
        app.add_subcommand("replay", "Re-execute a counterexample trace and check that it "
                                     "reproduces the same violation at the same step");
    commands.replay->footer(exit_help);
    commands.replay->add_option("trace", commands.input, "The trace file (JSON)")->required();
    commands.replay->add_flag("--verbose", commands.verbose, "Print every step of the replay");

    commands.minimize = app.add_subcommand(
        "minimize", "Shrink a counterexample: fewer preemptions, injected events and steps, "
                    "with the same property still failing");
    commands.minimize->footer(exit_help);
    commands.minimize->add_option("trace", commands.input, "The trace file (JSON)")->required();
    commands.minimize->add_option("-o,--output", commands.output,
                                  "Where to write the smaller trace (never overwritten)")
        ->required();

    commands.export_ = app.add_subcommand(
        "export", "Export a trace as Chrome trace events (opens in Perfetto) or an HTML "
                  "timeline");
    commands.export_->footer(exit_help);
    commands.export_->add_option("trace", commands.input, "The trace file (JSON)")->required();
    commands.export_->add_option("--format", commands.format,
                                 "chrome (trace event JSON) or html (default: html)");
    commands.export_->add_option("-o,--output", commands.output,
                                 "Output file (default: next to the trace, never overwritten)");
}

int run_trace_command(const TraceCommands& commands) {
    const char* name = commands.replay->parsed()     ? "replay"
                       : commands.minimize->parsed() ? "minimize"
                                                     : "export";
    try {
        if (commands.replay->parsed())
            return replay_command(commands);
        if (commands.minimize->parsed())
            return minimize_command(commands);
        return export_command(commands);
    } catch (const traces::TraceError& error) {
        std::cerr << "tpcheck " << name << ": " << error.what() << "\n";
        return tpcheck::exit_usage;
    } catch (const std::exception& error) {
        std::cerr << "tpcheck " << name << ": " << error.what() << "\n";
        return tpcheck::exit_usage;
    }
}

namespace tpcheck {

std::string write_trace_file(const std::string& folder, const ScenarioReport& report,
                             std::string& error) {
    try {
        traces::TraceContext context;
        context.tool_version = VTP_VERSION;
        context.scenario = report.scenario;
        for (const auto& [name, value] : report.parameters)
            context.parameters[name] = value;
        context.options = report.options;
        traces::Trace trace = traces::make_trace(*report.result.counterexample, context);
        std::filesystem::create_directories(folder);
        std::string stem = report.scenario + "." + report.property;
        return traces::write_trace_in_directory(folder, stem, trace).string();
    } catch (const std::exception& failure) {
        error = failure.what();
        return {};
    }
}

}  // namespace tpcheck
