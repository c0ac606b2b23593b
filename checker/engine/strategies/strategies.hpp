// Factories of the strategies, one per file in this folder.
#pragma once

#include <memory>

#include "checker/engine/strategy.hpp"

namespace checker {

std::unique_ptr<Strategy> make_dpor_strategy(const Options& options);
std::unique_ptr<Strategy> make_dfs_strategy(const Options& options);
std::unique_ptr<Strategy> make_random_strategy(const Options& options);
std::unique_ptr<Strategy> make_pct_strategy(const Options& options);
std::unique_ptr<Strategy> make_replay_strategy(const Options& options);

}  // namespace checker
