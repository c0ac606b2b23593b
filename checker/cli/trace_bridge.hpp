// The trace subcommands of tpcheck (replay, minimize, export) and the
// writing of counterexample traces by `tpcheck check`, on the traces/
// library.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "checker/cli/check_command.hpp"

struct TraceCommands {
    CLI::App* replay = nullptr;
    CLI::App* minimize = nullptr;
    CLI::App* export_ = nullptr;
    std::string input;
    std::string output;
    std::string format = "html";
    bool verbose = false;
};

// Registers the subcommands and their options on app.
void add_trace_commands(CLI::App& app, TraceCommands& commands);
// Runs whichever trace subcommand was parsed; returns the exit code.
int run_trace_command(const TraceCommands& commands);

namespace tpcheck {
// Writes a scenario's counterexample into folder; returns the path, or an
// empty string with error set.
std::string write_trace_file(const std::string& folder, const ScenarioReport& report,
                             std::string& error);
}  // namespace tpcheck
