#include "traces/follow.hpp"

#include <algorithm>
#include <utility>

#include "checker/engine/execution.hpp"
#include "checker/engine/fiber.hpp"
#include "properties/scenario.hpp"

namespace traces {

RunRecord run_with_strategy(const checker::Program& program, const checker::Options& options,
                            checker::Strategy& strategy) {
    checker::Workspace workspace;
    strategy.begin_execution();
    checker::Execution execution(program, options, strategy, workspace);
    execution.run();
    strategy.end_execution(execution);
    RunRecord run;
    run.record = checker::capture(execution);
    run.violated = execution.violation().has_value();
    if (run.violated)
        properties::name_pool_violation(options, run.record.violation);
    return run;
}

LenientStrategy::LenientStrategy(checker::DecisionList decisions)
    : decisions_(std::move(decisions)) {}

bool LenientStrategy::begin_execution() {
    if (started_)
        return false;
    started_ = true;
    return true;
}

namespace {

// A blocked or sleeping thread's next transition is its timer firing or a
// spurious wakeup.  Both write the logical clock, and no other transition
// does (footprint_of in checker/engine/execution.cpp).
bool next_is_timer(const checker::Execution& execution, checker::ThreadId thread) {
    checker::Footprint footprint = execution.next_footprint(thread);
    for (int i = 0; i < footprint.count; ++i) {
        const checker::Access& access = footprint.accesses[i];
        if (access.object == checker::clock_object && access.mode == checker::AccessMode::write)
            return true;
    }
    return false;
}

}  // namespace

checker::ThreadId LenientStrategy::pick_thread(const checker::SchedulingPoint& point) {
    // Decisions inside a step that the program did not ask for are skipped.
    while (cursor_ < decisions_.size() && decisions_[cursor_].kind != checker::DecisionKind::thread) {
        ++cursor_;
        ++mismatches_;
    }
    if (cursor_ < decisions_.size()) {
        checker::ThreadId requested = decisions_[cursor_++].value;
        if (std::find(point.enabled.begin(), point.enabled.end(), requested) !=
            point.enabled.end())
            return requested;
        ++mismatches_;
    }
    if (point.previous_enabled)
        return point.previous;
    if (point.execution != nullptr) {
        for (checker::ThreadId thread : point.enabled) {
            if (!next_is_timer(*point.execution, thread))
                return thread;
        }
    }
    return point.enabled.front();
}

int LenientStrategy::pick_value(checker::DecisionKind kind, int alternatives) {
    if (cursor_ < decisions_.size() && decisions_[cursor_].kind == kind) {
        int value = decisions_[cursor_++].value;
        if (value >= 0 && value < alternatives)
            return value;
    }
    // A thread decision at the cursor stays for the next scheduling point;
    // a decision of another kind is skipped there.
    ++mismatches_;
    return 0;
}

RunRecord run_lenient(const checker::Program& program, const checker::Options& options,
                      const checker::DecisionList& decisions) {
    LenientStrategy strategy(decisions);
    return run_with_strategy(program, options, strategy);
}

}  // namespace traces
