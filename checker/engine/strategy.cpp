#include "checker/engine/strategy.hpp"

#include "checker/engine/strategies/strategies.hpp"

namespace checker {

std::unique_ptr<Strategy> make_strategy(const Options& options) {
    switch (options.strategy) {
    case StrategyKind::dpor: return make_dpor_strategy(options);
    case StrategyKind::dfs: return make_dfs_strategy(options);
    case StrategyKind::random: return make_random_strategy(options);
    case StrategyKind::pct: return make_pct_strategy(options);
    case StrategyKind::replay: return make_replay_strategy(options);
    }
    return nullptr;
}

}  // namespace checker
