// Running single executions outside explore(): with any strategy, and with
// the lenient follower that minimisation uses.
//
// Types defined here:
//   RunRecord        what one execution did: decisions, steps, tables, violation
//   LenientStrategy  follows a decision list where it fits the program and
//                    falls back to a fixed default where it does not
//
// The engine's replay strategy stops at the first decision that does not
// fit, which is what replay needs.  Minimisation instead edits a decision
// list (drops steps, moves them, clears injected events) and then asks
// whether the edited list still leads to the same violation.  So the
// follower never stops.  It takes each decision that fits and otherwise
// falls back to
//   1. the previous thread, if it is still enabled (no preemption),
//   2. else the lowest enabled thread whose next transition is not a timer
//      firing (no injected timeout),
//   3. else the lowest enabled thread;
// and, for a decision inside a step, value 0: the first waiter, a timeout
// rather than a spurious wakeup, a thread creation that succeeds.  The
// decisions actually taken are recorded by the execution, so every run of
// the follower yields an exact replay key.
#pragma once

#include <cstddef>

#include "checker/engine/explorer.hpp"
#include "checker/engine/strategy.hpp"

namespace traces {

struct RunRecord {
    checker::Counterexample record;  // violation is meaningful only when violated
    bool violated = false;
};

// Runs one execution of program under strategy.  Propagates the engine's
// std::logic_error for misbehaving strategies or programs.
RunRecord run_with_strategy(const checker::Program& program, const checker::Options& options,
                            checker::Strategy& strategy);

class LenientStrategy final : public checker::Strategy {
public:
    explicit LenientStrategy(checker::DecisionList decisions);

    bool begin_execution() override;
    checker::ThreadId pick_thread(const checker::SchedulingPoint& point) override;
    int pick_value(checker::DecisionKind kind, int alternatives) override;
    void end_execution(const checker::Execution&) override {}
    bool exhaustive() const override { return false; }

    // Decisions that did not fit and were replaced by the default.
    int mismatches() const { return mismatches_; }

private:
    checker::DecisionList decisions_;
    std::size_t cursor_ = 0;
    int mismatches_ = 0;
    bool started_ = false;
};

// Runs one execution that follows decisions leniently.
RunRecord run_lenient(const checker::Program& program, const checker::Options& options,
                      const checker::DecisionList& decisions);

}  // namespace traces
