#include "checker/engine/strategies/tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace checker {

TreeStrategy::TreeStrategy(const Options& options, bool reduce)
    : options_(options), reduce_(reduce) {}

TreeStrategy::Mask TreeStrategy::allowed_by_bound(const Node& node, Mask candidates) const {
    if (options_.preemption_bound < 0 || !node.previous_enabled ||
        node.preemptions < options_.preemption_bound)
        return candidates;
    return candidates & bit(node.previous);
}

bool TreeStrategy::begin_execution() {
    depth_ = -1;
    if (!started_) {
        started_ = true;
        return true;
    }
    while (!stack_.empty()) {
        Node& node = stack_.back();
        // 1. Try the next value of the last decision inside the chosen step.
        for (std::size_t i = node.choices.size(); i-- > 0;) {
            Decision& decision = node.choices[i];
            if (decision.value + 1 < decision.alternatives) {
                ++decision.value;
                node.choices.resize(i + 1);
                first_new_ = static_cast<int>(stack_.size()) - 1;
                return true;
            }
        }
        // 2. Otherwise the chosen thread is done here; take another one.
        node.done |= bit(node.chosen);
        if (reduce_)
            node.sleep |= bit(node.chosen);
        Mask candidates =
            allowed_by_bound(node, node.backtrack & ~node.done & ~(reduce_ ? node.sleep : 0));
        if (candidates != 0) {
            node.chosen = static_cast<ThreadId>(std::countr_zero(candidates));
            node.choices.clear();
            first_new_ = static_cast<int>(stack_.size()) - 1;
            return true;
        }
        // 3. Nothing left at this node.
        stack_.pop_back();
    }
    return false;
}

namespace {

[[noreturn]] void throw_nondeterministic(int depth) {
    throw std::logic_error(fmt::format(
        "the program is not deterministic: at step {} the enabled threads differ from an "
        "earlier execution with the same decisions (it may depend on real time, addresses or "
        "state kept across executions)",
        depth));
}

}  // namespace

ThreadId TreeStrategy::pick_thread(const SchedulingPoint& point) {
    depth_ = point.depth;
    if (depth_ >= static_cast<int>(stack_.size()))
        return extend(point);
    // A step that repeats the previous execution's.
    Node& node = stack_[depth_];
    if (point.enabled.mask() != node.enabled_mask)
        throw_nondeterministic(depth_);
    node.choice_cursor = 0;
    return node.chosen;
}

// A step deeper than the previous execution went: a new node, built in
// place so that it is not copied whole right after its fields were written.
ThreadId TreeStrategy::extend(const SchedulingPoint& point) {
    const bool has_parent = !stack_.empty();
    Node& node = stack_.emplace_back();
    node.enabled_mask = point.enabled.mask();
    node.previous = point.previous;
    node.previous_enabled = point.previous_enabled;
    node.preemptions = point.preemptions;
    if (reduce_) {
        const Execution& execution = *point.execution;
        int thread_count = static_cast<int>(execution.threads().size());
        node.footprints.resize(thread_count);
        for (ThreadId thread = 0; thread < thread_count; ++thread)
            execution.next_footprint(thread, node.footprints[thread]);
    }

    if (reduce_ && has_parent) {
        // A thread sleeps on here if it slept (or was already explored) at
        // the parent and its next transition is independent of the parent's.
        const Node& parent = stack_[stack_.size() - 2];
        Mask inherited = (parent.sleep | parent.done) & ~bit(parent.chosen);
        const Footprint& taken = parent.footprints[parent.chosen];
        for (Mask rest = inherited; rest != 0; rest &= rest - 1) {
            ThreadId thread = static_cast<ThreadId>(std::countr_zero(rest));
            if (thread < static_cast<int>(parent.footprints.size()) &&
                !dependent(parent.footprints[thread], taken))
                node.sleep |= bit(thread);
        }
    }

    Mask awake = node.enabled_mask & ~node.sleep;
    Mask candidates = allowed_by_bound(node, awake);
    if (candidates == 0) {
        if (awake != 0)
            ++bound_pruned_;
        stack_.pop_back();
        return stop_sleep_set;
    }
    // Prefer the thread that ran last: fewer preemptions come first.
    ThreadId chosen = (point.previous >= 0 && (candidates & bit(point.previous)) != 0)
                          ? point.previous
                          : static_cast<ThreadId>(std::countr_zero(candidates));
    node.chosen = chosen;
    node.backtrack = reduce_ ? bit(chosen) : candidates;
    return chosen;
}

int TreeStrategy::pick_value(DecisionKind kind, int alternatives) {
    Node& node = stack_.at(depth_);
    if (node.choice_cursor < node.choices.size()) {
        const Decision& decision = node.choices[node.choice_cursor++];
        if (decision.kind != kind || decision.alternatives != alternatives)
            throw std::logic_error(fmt::format(
                "the program is not deterministic: at step {} a {} decision with {} "
                "alternatives was expected, but {} with {} came",
                depth_, to_string(decision.kind), decision.alternatives, to_string(kind),
                alternatives));
        return decision.value;
    }
    node.choices.push_back(Decision{kind, 0, alternatives});
    ++node.choice_cursor;
    return 0;
}

// Treats the branches of every node on the current path as subtrees of
// equal size: the finished branches of a node count their share of the
// subtree above them.  Backtrack sets grow under DPOR, so this is an
// estimate that may move backwards.
double TreeStrategy::explored_fraction() const {
    double fraction = 0;
    double weight = 1;
    for (const Node& node : stack_) {
        int total = std::popcount(node.backtrack | bit(node.chosen));
        int finished = std::popcount(node.done & (node.backtrack | bit(node.chosen)));
        if (total == 0)
            break;
        fraction += weight * finished / total;
        weight /= total;
    }
    return fraction;
}

void TreeStrategy::end_execution(const Execution& execution) {
    if (reduce_)
        analyse(execution);
}

}  // namespace checker
