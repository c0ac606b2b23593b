// TreeStrategy: depth-first exploration of the execution tree, shared by
// plain DFS and DPOR.
//
// The tree is kept as a stack of nodes, one per step of the current
// execution.  A node stores the enabled threads, the next footprint of
// every thread, the backtrack, done and sleep sets (bit masks over thread
// ids, at most 64 threads), the thread chosen, and the decisions taken
// inside that thread's step.  The next execution replays the stack up to
// the deepest node that still has work, then takes the new branch there.
//
// Plain DFS puts every enabled thread in a new node's backtrack set.  DPOR
// (dpor.cpp) starts with one thread and adds others from race analysis at
// the end of each execution; it also keeps sleep sets.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/engine/execution.hpp"
#include "checker/engine/small_vector.hpp"
#include "checker/engine/strategy.hpp"

namespace checker {

class TreeStrategy : public Strategy {
public:
    TreeStrategy(const Options& options, bool reduce);

    bool begin_execution() override;
    ThreadId pick_thread(const SchedulingPoint& point) override;
    int pick_value(DecisionKind kind, int alternatives) override;
    void end_execution(const Execution& execution) override;
    // With keep_going, both searches run every execution to its end (DPOR
    // needs the steps a violation would hide for its race analysis, and DFS
    // stays its exact reference), recording every violation on the way.
    bool continue_after_violation() const override { return options_.keep_going; }
    bool exhaustive() const override { return true; }
    std::int64_t bound_pruned() const override { return bound_pruned_; }
    double explored_fraction() const override;

protected:
    using Mask = std::uint64_t;
    static Mask bit(ThreadId thread) { return Mask{1} << thread; }

    struct Node {
        // User-provided, so that a new node is not zeroed as a whole first.
        Node() {}

        Mask enabled_mask = 0;
        SmallVector<Footprint, 8> footprints;  // indexed by thread id; DPOR only
        Mask backtrack = 0;
        Mask done = 0;
        Mask sleep = 0;
        ThreadId chosen = -1;
        std::vector<Decision> choices;
        std::size_t choice_cursor = 0;
        ThreadId previous = -1;
        bool previous_enabled = false;
        int preemptions = 0;
    };

    ThreadId extend(const SchedulingPoint& point);
    // Threads the preemption bound allows at a node.
    Mask allowed_by_bound(const Node& node, Mask candidates) const;
    // Race analysis of DPOR; plain DFS does nothing here.
    virtual void analyse(const Execution& execution) = 0;

    const Options& options_;
    bool reduce_;
    std::vector<Node> stack_;
    // The steps before this depth are those of the previous execution: the
    // node there took another branch (0 for the first execution).
    int first_new_ = 0;
    int depth_ = -1;
    bool started_ = false;
    std::int64_t bound_pruned_ = 0;
};

}  // namespace checker
