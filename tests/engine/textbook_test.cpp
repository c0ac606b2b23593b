// The textbook cases of partial-order reduction, with their known counts.
#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "checker/engine/explorer.hpp"
#include "checker/sim/platform.hpp"
#include "checker/sim/program.hpp"

using checker::Options;
using checker::Outcome;
using checker::Program;
using checker::StrategyKind;
using P = checker::sim::platform;

namespace {

checker::Result run(const Program& program, StrategyKind strategy) {
    Options options;
    options.strategy = strategy;
    return checker::explore(program, options);
}

// n threads, each writing its own atomic once.
Program disjoint_writers(int n) {
    return Program{"disjoint", [n] {
                       std::vector<std::unique_ptr<P::atomic<int>>> cells;
                       for (int i = 0; i < n; ++i)
                           cells.push_back(std::make_unique<P::atomic<int>>(0));
                       std::vector<checker::ThreadId> threads;
                       for (int i = 0; i < n; ++i)
                           threads.push_back(checker::sim::spawn(
                               [&cells, i] { cells[i]->store(1); }));
                       for (auto thread : threads)
                           checker::sim::join(thread);
                   },
                   {}};
}

// n threads, each entering one critical section `rounds` times.
Program lock_rounds(int n, int rounds) {
    return Program{"locks", [n, rounds] {
                       P::mutex lock(vtp::mutex_kind::adaptive, "lock");
                       P::atomic<int> order(0);
                       std::vector<checker::ThreadId> threads;
                       for (int i = 0; i < n; ++i)
                           threads.push_back(checker::sim::spawn([&, i] {
                               for (int r = 0; r < rounds; ++r) {
                                   lock.lock();
                                   order.store(order.load(std::memory_order_relaxed) * 10 + i + 1,
                                               std::memory_order_relaxed);
                                   lock.unlock();
                               }
                           }));
                       for (auto thread : threads)
                           checker::sim::join(thread);
                   },
                   {}};
}

}  // namespace

TEST_CASE("disjoint writers explore one execution") {
    for (int n = 1; n <= 4; ++n) {
        auto result = run(disjoint_writers(n), StrategyKind::dpor);
        CHECK(result.outcome == Outcome::exhaustive);
        CHECK(result.executions == 1);
    }
}

TEST_CASE("one lock each explores n factorial") {
    int factorial = 1;
    for (int n = 1; n <= 4; ++n) {
        factorial *= n;
        auto result = run(lock_rounds(n, 1), StrategyKind::dpor);
        CHECK(result.outcome == Outcome::exhaustive);
        CHECK(result.terminal_states.size() == static_cast<std::size_t>(factorial));
        CHECK(result.complete == factorial);
        MESSAGE("n=" << n << " executions=" << result.executions
                     << " sleep-blocked=" << result.sleep_blocked);
    }
}

TEST_CASE("three threads two sections each") {
    auto dpor = run(lock_rounds(3, 2), StrategyKind::dpor);
    CHECK(dpor.outcome == Outcome::exhaustive);
    CHECK(dpor.terminal_states.size() == 90);
    MESSAGE("dpor executions=" << dpor.executions << " blocked=" << dpor.sleep_blocked
                               << " steps=" << dpor.steps);
    auto dfs = run(lock_rounds(3, 2), StrategyKind::dfs);
    CHECK(dfs.terminal_states == dpor.terminal_states);
    MESSAGE("dfs executions=" << dfs.executions);
}
