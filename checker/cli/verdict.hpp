// A scenario's verdict and tpcheck's exit codes, the same for the vtp
// engine and the Relacy engine.
#pragma once

#include <string_view>

namespace tpcheck {

// Exit codes of tpcheck, documented in --help and the README.
enum ExitCode : int {
    exit_pass = 0,
    exit_violation = 1,
    exit_usage = 2,
    exit_incomplete = 3,
    exit_goal_missed = 4,
};

enum class Verdict { pass, violation, incomplete, goal_missed };
std::string_view to_string(Verdict verdict);

// Returns the verdict that decides the exit code of a run with both: a
// violation outranks a missed goal, which outranks an incomplete search.
Verdict worse(Verdict a, Verdict b);

// Returns the exit code of a run whose worst verdict is verdict.
ExitCode exit_code(Verdict verdict);

}  // namespace tpcheck
