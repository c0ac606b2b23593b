// pool_refcount: a pool's tp_refcnt equals one for its overseer until the
// overseer exits, plus one for every worker that is alive or being created;
// it never underflows, reaches 0 only while the pool is being destroyed,
// and no pool thread reports on the pool after threadpool_destroy returned.
//
// Formalises threadpool_hold/threadpool_rele, the overseer's spawn path (a
// reference taken for the new worker and given back if creation fails) and
// threadpool_destroy's wait for tp_refcnt == 0.  Checked per step, whenever
// the pool's tp_lock is free, and at every probe that names the pool.
#include <fmt/format.h>

#include "properties/rules/rules.hpp"

namespace properties {

namespace {

class PoolRefcount final : public Property {
public:
    explicit PoolRefcount(Tracker& tracker) : Property("pool_refcount", tracker) {}

    void on_step(checker::Execution& execution, const checker::Step&) override {
        for (const auto& [key, record] : tracker_.pools()) {
            if (record.destroyed || !Inspect::lock_free(execution, record.pool->tp_lock))
                continue;
            std::uint64_t actual = record.pool->tp_refcnt.peek();
            long long expected = (record.overseer_alive ? 1 : 0) + record.spawns -
                                 record.spawn_failures - record.worker_exits;
            if (static_cast<long long>(actual) != expected)
                violated(execution,
                         fmt::format("{}: tp_refcnt is {} but the overseer ({}) plus workers "
                                     "({} spawned - {} failed - {} exited) make {}",
                                     tracker_.pool_name(key), actual, record.overseer_alive ? "alive" : "exited",
                                     record.spawns, record.spawn_failures, record.worker_exits,
                                     expected));
            if (actual == 0 && !record.destroying)
                violated(execution, fmt::format("{}: tp_refcnt reached 0 outside destroy",
                                                tracker_.pool_name(key)));
        }
    }

    void on_annotation(checker::Execution& execution, const checker::Annotation& event) override {
        const PoolRecord* record = tracker_.pool(args_of(event).pool);
        if (record != nullptr && record->destroyed)
            violated(execution,
                     fmt::format("probe {} names {} after threadpool_destroy returned at "
                                 "step {}",
                                 event.name, tracker_.pool_name(args_of(event).pool),
                                 record->destroy_step),
                     {event.thread}, event.loc);
    }
};

}  // namespace

std::unique_ptr<Property> make_pool_refcount(Tracker& tracker) {
    return std::make_unique<PoolRefcount>(tracker);
}

}  // namespace properties
