// interlock_order: no thread takes a job's interlock while it holds a
// pool's tp_lock: the order is the job interlock before the pool lock.
//
// Formalises the reference's lock order (the overseer drops tp_lock before
// it takes a job's interlock).  Checked per step, at every acquisition.  The
// engine's own lock-order detector reports any cycle in the acquired-while-
// holding graph in addition.
#include <fmt/format.h>

#include <algorithm>

#include "properties/rules/rules.hpp"

namespace properties {

namespace {

class InterlockOrder final : public Property {
public:
    explicit InterlockOrder(Tracker& tracker) : Property("interlock_order", tracker) {}

    void on_step(checker::Execution& execution, const checker::Step& step) override {
        if (step.op != checker::OpKind::lock && step.op != checker::OpKind::reacquire)
            return;
        bool interlock = false;
        for (const auto& [key, record] : tracker_.jobs()) {
            const P::mutex* lock = record.job->job_lock.peek();
            if (!record.destroyed && lock != nullptr && lock->id() == step.object)
                interlock = true;
        }
        if (!interlock)
            return;
        const auto& held = execution.held_mutexes(step.thread);
        for (const auto& [key, record] : tracker_.pools()) {
            if (record.destroyed)
                continue;
            if (std::find(held.begin(), held.end(), record.pool->tp_lock.id()) != held.end())
                violated(execution,
                         fmt::format("{} takes job interlock {} while holding {}'s tp_lock",
                                     execution.describe_thread(step.thread),
                                     execution.describe_object(step.object),
                                     tracker_.pool_name(key)),
                         {step.thread}, step.loc);
        }
    }
};

}  // namespace

std::unique_ptr<Property> make_interlock_order(Tracker& tracker) {
    return std::make_unique<InterlockOrder>(tracker);
}

}  // namespace properties
