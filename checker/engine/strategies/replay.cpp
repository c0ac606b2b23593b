// Replay: one execution that follows a recorded decision list.  A decision
// that does not fit the program (a thread that is not enabled, a decision
// of another kind or with other alternatives) is a divergence: the replay
// stops there and the strategy reports where.  Past the end of the list it
// continues with the lowest enabled thread and the first value.
#include <fmt/format.h>

#include <algorithm>

#include "checker/engine/strategies/strategies.hpp"
#include "checker/engine/strategy.hpp"

namespace checker {

namespace {

class ReplayStrategy final : public ReplayDivergence, public Strategy {
public:
    explicit ReplayStrategy(const Options& options) : decisions_(options.replay) {}

    bool begin_execution() override { return !started_++; }

    ThreadId pick_thread(const SchedulingPoint& point) override {
        if (cursor_ >= decisions_.size()) {
            run_out(point.depth);
            return point.enabled.front();
        }
        const Decision& decision = decisions_[cursor_];
        if (decision.kind != DecisionKind::thread) {
            diverge(point.depth, fmt::format("the trace has a {} decision where the program "
                                             "schedules a thread",
                                             to_string(decision.kind)));
            return stop_diverged;
        }
        if (std::find(point.enabled.begin(), point.enabled.end(), decision.value) ==
            point.enabled.end()) {
            diverge(point.depth,
                    fmt::format("the trace runs thread {} but it is not enabled", decision.value));
            return stop_diverged;
        }
        decisions_used_ = ++cursor_;
        depth_ = point.depth;
        return decision.value;
    }

    int pick_value(DecisionKind kind, int alternatives) override {
        if (cursor_ >= decisions_.size()) {
            run_out(depth_);
            return 0;
        }
        const Decision& decision = decisions_[cursor_];
        if (decision.kind != kind || decision.alternatives != alternatives ||
            decision.value >= alternatives) {
            diverge(depth_, fmt::format("the trace has a {} decision ({} of {}) where the "
                                        "program makes a {} decision with {} alternatives",
                                        to_string(decision.kind), decision.value,
                                        decision.alternatives, to_string(kind), alternatives));
            // Continue with a valid value; the execution is marked diverged.
            return 0;
        }
        decisions_used_ = ++cursor_;
        return decision.value;
    }

    void end_execution(const Execution&) override {}
    bool exhaustive() const override { return false; }

private:
    void run_out(int step) {
        if (exhausted_)
            return;
        exhausted_ = true;
        exhausted_step_ = step;
    }

    void diverge(int step, std::string message) {
        if (diverged_)
            return;
        diverged_ = true;
        divergence_step_ = step;
        divergence_message_ = std::move(message);
    }

    DecisionList decisions_;
    std::size_t cursor_ = 0;
    int depth_ = 0;
    int started_ = 0;
};

}  // namespace

std::unique_ptr<Strategy> make_replay_strategy(const Options& options) {
    return std::make_unique<ReplayStrategy>(options);
}

}  // namespace checker
