// Random walk: every scheduling point and decision uniform at random, from
// a seeded generator, for a fixed number of executions.  Finds shallow bugs
// fast; proves nothing.
#include <random>

#include "checker/engine/strategies/strategies.hpp"

namespace checker {

namespace {

class RandomStrategy final : public Strategy {
public:
    explicit RandomStrategy(const Options& options)
        : generator_(options.seed),
          executions_(options.max_executions > 0 ? options.max_executions : 1000),
          preemption_bound_(options.preemption_bound) {}

    bool begin_execution() override { return started_++ < executions_; }

    ThreadId pick_thread(const SchedulingPoint& point) override {
        if (preemption_bound_ >= 0 && point.previous_enabled &&
            point.preemptions >= preemption_bound_)
            return point.previous;
        return point.enabled[generator_() % point.enabled.size()];
    }

    int pick_value(DecisionKind, int alternatives) override {
        return static_cast<int>(generator_() % static_cast<unsigned>(alternatives));
    }

    void end_execution(const Execution&) override {}
    bool exhaustive() const override { return false; }

private:
    std::mt19937_64 generator_;
    std::int64_t executions_;
    std::int64_t started_ = 0;
    int preemption_bound_;
};

}  // namespace

std::unique_ptr<Strategy> make_random_strategy(const Options& options) {
    return std::make_unique<RandomStrategy>(options);
}

}  // namespace checker
