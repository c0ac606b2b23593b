// registry_refcount: the registry holds at most one unbound pool and one
// per-CPU collection per priority, and each one's reference count equals the
// clients' successful gets minus their puts (within the calls under way).
//
// Formalises threadpool_get/put and threadpool_percpu_get/put with their
// creation race.  Checked per step, whenever the registry lock is free, and
// at the end of the execution, when no call is under way.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "properties/rules/rules.hpp"

namespace properties {

namespace {

class RegistryRefcount final : public Property {
public:
    explicit RegistryRefcount(Tracker& tracker) : Property("registry_refcount", tracker) {}

    void on_step(checker::Execution& execution, const checker::Step&) override { check(execution); }
    void on_end(checker::Execution& execution) override { check(execution); }

private:
    void check(checker::Execution& execution) {
        RunContext& run = tracker_.run();
        if (run.registry == nullptr || !Inspect::lock_free(execution, run.registry->threadpools_lock))
            return;
        const Ledger& ledger = run.ledger;
        std::vector<vtp::pri_t>& unbound = unbound_;
        unbound.clear();
        for (const auto* entry = run.registry->unbound_threadpools.peek().first; entry != nullptr;
             entry = entry->tpu_link.peek().next) {
            vtp::pri_t pri = entry->tpu_pool.tp_pri;
            if (contains(unbound, pri))
                violated(execution, fmt::format("two unbound pools for priority {}", pri));
            unbound.push_back(pri);
            compare(execution, "unbound pool", pri, entry->tpu_refcnt.peek(), ledger.unbound_refs,
                    ledger.unbound_gets, ledger.unbound_puts);
        }
        expect_present(execution, "unbound pool", unbound, ledger.unbound_refs, ledger.unbound_puts);
        std::vector<vtp::pri_t>& percpu = percpu_;
        percpu.clear();
        for (const auto* entry = run.registry->percpu_threadpools.peek().first; entry != nullptr;
             entry = entry->tpp_link.peek().next) {
            vtp::pri_t pri = entry->tpp_pri;
            if (contains(percpu, pri))
                violated(execution, fmt::format("two per-CPU collections for priority {}", pri));
            percpu.push_back(pri);
            compare(execution, "per-CPU collection", pri, entry->tpp_refcnt.peek(),
                    ledger.percpu_refs, ledger.percpu_gets, ledger.percpu_puts);
        }
        expect_present(execution, "per-CPU collection", percpu, ledger.percpu_refs,
                       ledger.percpu_puts);
    }

    static bool contains(const std::vector<vtp::pri_t>& priorities, vtp::pri_t pri) {
        return std::find(priorities.begin(), priorities.end(), pri) != priorities.end();
    }

    static int value(const std::map<vtp::pri_t, int>& map, vtp::pri_t pri) {
        auto it = map.find(pri);
        return it == map.end() ? 0 : it->second;
    }

    void compare(checker::Execution& execution, const char* what, vtp::pri_t pri,
                 std::uint64_t actual, const std::map<vtp::pri_t, int>& refs,
                 const std::map<vtp::pri_t, int>& gets, const std::map<vtp::pri_t, int>& puts) {
        long long low = value(refs, pri) - value(puts, pri);
        long long high = value(refs, pri) + value(gets, pri);
        long long count = static_cast<long long>(actual);
        if (count < low || count > high || count == 0)
            violated(execution,
                     fmt::format("{} for priority {} has reference count {}, but the clients "
                                 "hold {} ({} gets and {} puts under way)",
                                 what, pri, actual, value(refs, pri), value(gets, pri),
                                 value(puts, pri)));
    }

    void expect_present(checker::Execution& execution, const char* what,
                        const std::vector<vtp::pri_t>& present, const std::map<vtp::pri_t, int>& refs,
                        const std::map<vtp::pri_t, int>& puts) {
        for (const auto& [pri, count] : refs) {
            if (count - value(puts, pri) > 0 && !contains(present, pri))
                violated(execution,
                         fmt::format("the clients hold {} reference(s) to the {} for priority {}, "
                                     "but the registry has none",
                                     count, what, pri));
        }
    }

    // The priorities found in the registry, reused from step to step so
    // that a check allocates nothing.
    std::vector<vtp::pri_t> unbound_;
    std::vector<vtp::pri_t> percpu_;
};

}  // namespace

std::unique_ptr<Property> make_registry_refcount(Tracker& tracker) {
    return std::make_unique<RegistryRefcount>(tracker);
}

}  // namespace properties
