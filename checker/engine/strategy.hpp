// The interface between the engine and its exploration strategies.
//
// Types defined here:
//   SchedulingPoint  what a strategy sees when it picks the next thread
//   Strategy         picks threads and decision values, execution by execution
//
// One file per strategy implements it (strategies/*.cpp); make_strategy()
// builds the one the options name.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "checker/engine/decision.hpp"
#include "checker/engine/options.hpp"
#include "checker/engine/types.hpp"

namespace checker {

class Execution;

// pick_thread() values that end an execution instead of naming a thread.
inline constexpr ThreadId stop_sleep_set = -1;  // every enabled thread is in the sleep set
inline constexpr ThreadId stop_diverged = -2;   // a replay no longer fits its decision list

struct SchedulingPoint {
    int depth = 0;                      // index of the step about to be taken
    ThreadSet enabled;                  // never empty
    ThreadId previous = -1;             // thread of the previous step
    bool previous_enabled = false;      // switching away from it is a preemption
    int preemptions = 0;                // preemptions so far in this execution
    const Execution* execution = nullptr;
};

class Strategy {
public:
    virtual ~Strategy() = default;

    // Prepares the next execution; returns false when there is none left.
    virtual bool begin_execution() = 0;
    // Returns the thread to run, one of point.enabled, or one of the stop
    // values below to cut the execution short.
    virtual ThreadId pick_thread(const SchedulingPoint& point) = 0;
    // Returns the value of a decision inside the current step, below
    // alternatives (which is at least 2).
    virtual int pick_value(DecisionKind kind, int alternatives) = 0;
    // Sees the finished (or cut) execution, for backtracking.
    virtual void end_execution(const Execution& execution) = 0;
    // True when running out of executions means that every execution within
    // the bounds was covered (DPOR and DFS); false for sampling strategies.
    virtual bool exhaustive() const = 0;
    // Executions cut because a preemption bound forbade every choice.
    virtual std::int64_t bound_pruned() const { return 0; }
    // True if the execution should go on after a violation, with the
    // violating thread stopped and nothing more reported, so that
    // end_execution() sees the steps the violation would have hidden.
    virtual bool continue_after_violation() const { return false; }
    // An estimate of the part of the tree explored so far, 0 to 1, or -1.
    virtual double explored_fraction() const { return -1; }
};

// What a replay strategy found when the program did not follow its
// decision list.
class ReplayDivergence {
public:
    virtual ~ReplayDivergence() = default;
    bool diverged() const { return diverged_; }
    int divergence_step() const { return divergence_step_; }
    const std::string& divergence_message() const { return divergence_message_; }
    // True when the execution needed more decisions than the list had.
    bool exhausted() const { return exhausted_; }
    // The step at which the list ran out, or -1.
    int exhausted_step() const { return exhausted_step_; }
    // How many decisions of the list the execution followed.
    std::size_t decisions_used() const { return decisions_used_; }

protected:
    bool diverged_ = false;
    int divergence_step_ = -1;
    std::string divergence_message_;
    bool exhausted_ = false;
    int exhausted_step_ = -1;
    std::size_t decisions_used_ = 0;
};

std::unique_ptr<Strategy> make_strategy(const Options& options);

}  // namespace checker
