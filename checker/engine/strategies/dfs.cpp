// Plain depth-first search with no reduction: every enabled thread at
// every step, every value of every decision.  The reference that DPOR is
// validated against.
#include "checker/engine/strategies/strategies.hpp"
#include "checker/engine/strategies/tree.hpp"

namespace checker {

namespace {

class DfsStrategy final : public TreeStrategy {
public:
    explicit DfsStrategy(const Options& options) : TreeStrategy(options, false) {}

private:
    void analyse(const Execution&) override {}
};

}  // namespace

std::unique_ptr<Strategy> make_dfs_strategy(const Options& options) {
    return std::make_unique<DfsStrategy>(options);
}

}  // namespace checker
