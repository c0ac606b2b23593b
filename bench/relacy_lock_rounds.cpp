// The reference program of bench_engines on relacy::platform, in a
// translation unit of its own because it includes Relacy
// (checker/relacy/relacy_include.hpp explains why).
#include <chrono>

#include "bench/lock_rounds.hpp"
#include "model/platform.hpp"

#include "checker/relacy/relacy_include.hpp"

#include "checker/relacy/platform.hpp"

namespace bench {

namespace {

using P = checker::relacy::platform;

struct Client {
    P::mutex* lock;
    P::shared<int>* order;
    int number;

    void operator()() const {
        for (int round = 0; round < lock_rounds_sections; ++round) {
            lock->lock();
            order->write() = order->read() * 4 + number;
            lock->unlock();
        }
    }
};

}  // namespace

void relacy_lock_rounds(const void* orders_seen) {
    P::mutex lock{vtp::mutex_kind::adaptive, "lock"};
    P::shared<int> order{0};
    Client clients[lock_rounds_threads];
    checker::relacy::ThreadRecord* threads[lock_rounds_threads];
    for (int i = 0; i < lock_rounds_threads; ++i) {
        clients[i] = Client{&lock, &order, i + 1};
        threads[i] = checker::relacy::spawn(clients[i], "client");
    }
    for (checker::relacy::ThreadRecord* thread : threads)
        checker::relacy::join(thread);
    // Recorded outside the program: the final order is read without
    // counting it as a step (peek), in both engines' versions.
    static_cast<OrderSet*>(const_cast<void*>(orders_seen))->insert(order.peek());
}

namespace {

OrderSet* static_orders = nullptr;

// The same program as a plain Relacy test: lock_rounds_threads static
// threads, Relacy's own mutex and variable, and no platform in between.
struct StaticLockRounds : rl::test_suite<StaticLockRounds, lock_rounds_threads> {
    rl::mutex lock;
    rl::var<int> order;

    void before() { order(rl::debug_info("before")) = 0; }

    void thread(unsigned index) {
        const rl::debug_info here("StaticLockRounds::thread");
        for (int round = 0; round < lock_rounds_sections; ++round) {
            lock.lock(here);
            const int value = order(here);
            order(here) = value * 4 + static_cast<int>(index) + 1;
            lock.unlock(here);
        }
    }

    void after() { static_orders->insert(order(rl::debug_info("after"))); }
};

}  // namespace

StaticRun relacy_static_lock_rounds(OrderSet& orders) {
    static_orders = &orders;
    rl::ostringstream report;
    rl::ostringstream progress;
    rl::test_params params;
    params.output_stream = &report;
    params.progress_stream = &progress;
    params.search_type = rl::sched_full;
    const auto start = std::chrono::steady_clock::now();
    const bool passed = rl::simulate<StaticLockRounds>(params);
    StaticRun run;
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.passed = passed;
    run.executions = params.stop_iteration;
    static_orders = nullptr;
    return run;
}

}  // namespace bench
