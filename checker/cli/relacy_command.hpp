// `tpcheck check --engine relacy`: translates the check command's options
// into a request for the Relacy engine (checker/relacy/check.hpp).
//
// The Relacy engine is built only with VTP_BUILD_RELACY; without it,
// run_relacy_engine returns a usage error that names the build option.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checker/cli/check_command.hpp"

namespace tpcheck {

// The paragraph of `tpcheck check --help` about --engine relacy: what it
// runs, its schedulers and options, and what it does not check.
std::string relacy_engine_help();

// Options of the check command as given on the command line, for the
// checks that only the Relacy engine makes.
struct RelacyCommandLine {
    std::optional<std::string> strategy;   // --strategy: Relacy scheduler names
    std::vector<std::string> engine_only;  // given options that only the engine accepts
};

// Runs request under Relacy; returns tpcheck's exit code.
int run_relacy_engine(const CheckRequest& request, const RelacyCommandLine& command_line);

}  // namespace tpcheck
