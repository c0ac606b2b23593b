// Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi and
// Nagarakatte, ASPLOS 2010).  Each thread gets a random priority when it
// first appears; the highest-priority enabled thread runs.  At d - 1
// change points, chosen at random among the first k steps, the running
// thread drops to a priority below every initial one.  k is the longest
// execution seen so far (at least 16).  A bug of depth d is found with
// probability at least 1 / (n k^(d-1)) per execution for n threads.
#include <algorithm>
#include <random>
#include <vector>

#include "checker/engine/execution.hpp"
#include "checker/engine/strategies/strategies.hpp"

namespace checker {

namespace {

class PctStrategy final : public Strategy {
public:
    explicit PctStrategy(const Options& options)
        : generator_(options.seed),
          executions_(options.max_executions > 0 ? options.max_executions : 1000),
          depth_(options.pct_depth) {}

    bool begin_execution() override {
        if (started_++ >= executions_)
            return false;
        priorities_.clear();
        change_points_.clear();
        for (int i = 0; i + 1 < depth_; ++i)
            change_points_.push_back(static_cast<int>(generator_() % longest_));
        return true;
    }

    ThreadId pick_thread(const SchedulingPoint& point) override {
        for (ThreadId thread : point.enabled) {
            if (thread >= static_cast<ThreadId>(priorities_.size()))
                priorities_.resize(thread + 1, -1);
            if (priorities_[thread] < 0)
                priorities_[thread] = depth_ + static_cast<int>(generator_() % 1000);
        }
        ThreadId best = point.enabled.front();
        for (ThreadId thread : point.enabled) {
            if (priorities_[thread] > priorities_[best])
                best = thread;
        }
        for (std::size_t i = 0; i < change_points_.size(); ++i) {
            if (change_points_[i] == point.depth)
                priorities_[best] = static_cast<int>(i);
        }
        return best;
    }

    int pick_value(DecisionKind, int alternatives) override {
        return static_cast<int>(generator_() % static_cast<unsigned>(alternatives));
    }

    void end_execution(const Execution& execution) override {
        longest_ = std::max<std::uint64_t>(longest_, execution.steps().size());
    }

    bool exhaustive() const override { return false; }

private:
    std::mt19937_64 generator_;
    std::int64_t executions_;
    std::int64_t started_ = 0;
    int depth_;
    std::uint64_t longest_ = 16;
    std::vector<int> priorities_;
    std::vector<int> change_points_;
};

}  // namespace

std::unique_ptr<Strategy> make_pct_strategy(const Options& options) {
    return std::make_unique<PctStrategy>(options);
}

}  // namespace checker
