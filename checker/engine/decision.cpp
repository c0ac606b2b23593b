#include "checker/engine/decision.hpp"

namespace checker {

std::string_view to_string(DecisionKind kind) {
    switch (kind) {
    case DecisionKind::thread: return "thread";
    case DecisionKind::waiter: return "waiter";
    case DecisionKind::wakeup: return "wakeup";
    case DecisionKind::creation_failure: return "creation_failure";
    }
    return "unknown";
}

std::optional<DecisionKind> decision_kind_from_string(std::string_view name) {
    for (DecisionKind kind : all_decision_kinds) {
        if (to_string(kind) == name)
            return kind;
    }
    return std::nullopt;
}

}  // namespace checker
