#include "checker/engine/options.hpp"

#include <fmt/format.h>

namespace checker {

std::string_view to_string(StrategyKind kind) {
    switch (kind) {
    case StrategyKind::dpor: return "dpor";
    case StrategyKind::dfs: return "dfs";
    case StrategyKind::random: return "random";
    case StrategyKind::pct: return "pct";
    case StrategyKind::replay: return "replay";
    }
    return "unknown";
}

std::optional<StrategyKind> strategy_kind_from_string(std::string_view name) {
    for (StrategyKind kind : {StrategyKind::dpor, StrategyKind::dfs, StrategyKind::random,
                              StrategyKind::pct, StrategyKind::replay}) {
        if (to_string(kind) == name)
            return kind;
    }
    return std::nullopt;
}

namespace {

std::optional<std::string> check_range(std::string_view field, long long value, long long low,
                                       long long high) {
    if (value >= low && value <= high)
        return std::nullopt;
    return fmt::format("invalid {} {}: expected a value from {} to {}", field, value, low, high);
}

}  // namespace

std::optional<std::string> validate(const Options& options) {
    if (to_string(options.strategy) == "unknown")
        return fmt::format("invalid strategy {}: expected dpor, dfs, random, pct or replay",
                           static_cast<int>(options.strategy));
    if (auto error = check_range("preemption bound", options.preemption_bound, -1, 1000))
        return error;
    if (auto error = check_range("max steps", options.max_steps, 1, 10'000'000))
        return error;
    if (auto error = check_range("max spurious wakeups", options.max_spurious_wakeups, 0, 100))
        return error;
    if (auto error = check_range("max creation failures", options.max_creation_failures, 0, 100))
        return error;
    if (auto error = check_range("max timeouts", options.max_timeouts, 0, 1000))
        return error;
    if (auto error = check_range("max threads", options.max_threads, 1, 63))
        return error;
    if (options.max_executions < 0)
        return fmt::format("invalid max executions {}: expected 0 (unlimited) or more",
                           options.max_executions);
    if (!(options.max_seconds >= 0))
        return fmt::format("invalid max seconds {}: expected 0 (unlimited) or more",
                           options.max_seconds);
    if (auto error = check_range("PCT depth", options.pct_depth, 1, 100))
        return error;
    if (options.strategy == StrategyKind::replay && options.replay.empty())
        return std::string("replay needs a decision list: none was given");
    for (const Decision& decision : options.replay) {
        if (decision.alternatives < 1 || decision.value < 0 ||
            decision.value >= decision.alternatives)
            return fmt::format("invalid {} decision: value {} with {} alternatives",
                               to_string(decision.kind), decision.value, decision.alternatives);
    }
    return std::nullopt;
}

}  // namespace checker
