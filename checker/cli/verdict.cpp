#include "checker/cli/verdict.hpp"

namespace tpcheck {

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
    case Verdict::pass: return "pass";
    case Verdict::violation: return "violation";
    case Verdict::incomplete: return "incomplete";
    case Verdict::goal_missed: return "goal missed";
    }
    return "unknown";
}

Verdict worse(Verdict a, Verdict b) {
    auto rank = [](Verdict verdict) {
        switch (verdict) {
        case Verdict::violation: return 3;
        case Verdict::goal_missed: return 2;
        case Verdict::incomplete: return 1;
        case Verdict::pass: break;
        }
        return 0;
    };
    return rank(b) > rank(a) ? b : a;
}

ExitCode exit_code(Verdict verdict) {
    switch (verdict) {
    case Verdict::violation: return exit_violation;
    case Verdict::goal_missed: return exit_goal_missed;
    case Verdict::incomplete: return exit_incomplete;
    case Verdict::pass: break;
    }
    return exit_pass;
}

}  // namespace tpcheck
