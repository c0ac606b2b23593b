#include "checker/cli/trace_bridge.hpp"

#include <iostream>

void add_trace_commands(CLI::App& app, TraceCommands& commands) {
    commands.replay = app.add_subcommand("replay", "Re-execute a counterexample trace");
    commands.replay->add_option("trace", commands.input, "The trace file")->required();
    commands.replay->add_flag("--verbose", commands.verbose, "Print every step");
    commands.minimize = app.add_subcommand("minimize", "Shrink a counterexample trace");
    commands.minimize->add_option("trace", commands.input, "The trace file")->required();
    commands.minimize->add_option("-o,--output", commands.output, "Where to write")->required();
    commands.export_ = app.add_subcommand("export", "Export a trace");
    commands.export_->add_option("trace", commands.input, "The trace file")->required();
    commands.export_->add_option("--format", commands.format, "chrome or html");
    commands.export_->add_option("-o,--output", commands.output, "Where to write");
}

int run_trace_command(const TraceCommands&) {
    std::cerr << "tpcheck: trace commands are being wired\n";
    return tpcheck::exit_usage;
}

namespace tpcheck {
std::string write_trace_file(const std::string&, const ScenarioReport&, std::string& error) {
    error = "trace writing is being wired";
    return {};
}
}  // namespace tpcheck
