// Regression tests of the reduction: one small program per way in which
// DPOR once explored too much or too little, each compared with plain DFS.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <vector>

#include "tests/engine/corpus.hpp"
#include "tests/engine/support.hpp"

namespace engine_test {

namespace {

using checker::ThreadId;
using checker::sim::join;
using checker::sim::spawn;
using std::chrono::milliseconds;

// DPOR and DFS reach the same terminal states, violations and complete
// traces.
void check_same_as_dfs(const Program& program, const std::function<void(Options&)>& tune = {}) {
    Run dfs = explore_program(program, StrategyKind::dfs, true, tune);
    Run dpor = explore_program(program, StrategyKind::dpor, true, tune);
    CHECK(dpor.result.terminal_states == dfs.result.terminal_states);
    CHECK_MESSAGE(dpor.violations == dfs.violations, "dpor: ", violation_names(dpor.violations),
                  "; dfs: ", violation_names(dfs.violations));
    CHECK(dpor.complete_traces == dfs.complete_traces);
}

}  // namespace

TEST_CASE("dpor: a join is ordered after the joined thread") {
    // Without the edge from the joined thread's last step to the join,
    // DPOR took the parent's later loads for races with its children's
    // stores, and explored an order that its sleep set then cut short.
    Program program = make_program("joins", [] {
        P::atomic<int> b_value(0, "b");
        P::atomic<int> c_value(0, "c");
        P::atomic<int> sum(0, "sum");
        ThreadId parent = spawn([&] {
            ThreadId b = spawn([&] { b_value.store(1, std::memory_order_relaxed); });
            ThreadId c = spawn([&] { c_value.store(2, std::memory_order_relaxed); });
            join(b);
            join(c);
            sum.store(b_value.load(std::memory_order_relaxed) +
                          c_value.load(std::memory_order_relaxed),
                      std::memory_order_relaxed);
        });
        join(parent);
        (void)sum.load();
    });
    Run dpor = explore_program(program, StrategyKind::dpor, true);
    CHECK(dpor.result.executions == 1);
    CHECK(dpor.result.sleep_blocked == 0);
    check_same_as_dfs(program);
}

TEST_CASE("dpor: a spawn does not race with the spawned thread") {
    // main's spawn of a thread and that thread's own spawn both write the
    // thread table, but the first creates the second's thread: an enabling,
    // not a race.
    Program program = make_program("nested_spawn", [] {
        P::atomic<int> value(0, "value");
        ThreadId sleeper = spawn([] {
            P::mutex interlock(vtp::mutex_kind::adaptive, "interlock");
            interlock.lock();
            P::pause(milliseconds(5), interlock);
            interlock.unlock();
        });
        ThreadId parent = spawn([&] {
            ThreadId child = spawn([&] { value.store(2); });
            join(child);
        });
        join(sleeper);
        join(parent);
    });
    Run dpor = explore_program(program, StrategyKind::dpor, true);
    CHECK(dpor.result.executions == 1);
    CHECK(dpor.result.sleep_blocked == 0);
    check_same_as_dfs(program);
}

TEST_CASE("dpor: a violation does not hide the other orders") {
    // In the first execution the race on the cell stops the search's view
    // of the second thread after its first step; the order in which that
    // thread takes m0 first (and no race happens) must still be explored.
    Program program = make_program("hidden", [] {
        P::mutex m0(vtp::mutex_kind::adaptive, "m0");
        P::mutex m1(vtp::mutex_kind::adaptive, "m1");
        P::atomic<int> a0(0, "a0");
        P::shared<int> cell(0);
        ThreadId first = spawn([&] {
            m0.lock();
            (void)a0.load();
            m0.unlock();
            cell.write() += 1;
        });
        ThreadId second = spawn([&] {
            (void)cell.read();
            m1.lock();
            m0.lock();
            m0.unlock();
            m1.unlock();
        });
        join(first);
        join(second);
    });
    check_same_as_dfs(program);
}

TEST_CASE("dpor: the steps after a race are analysed") {
    // The race is reported at the second thread's write; the order that
    // avoids it needs that thread's later read-modify-write to come before
    // the first thread's, which only the steps after the race show.
    Program program = make_program("after_race", [] {
        P::mutex m0(vtp::mutex_kind::adaptive, "m0");
        P::atomic<int> a0(0, "a0");
        P::shared<int> cell(0);
        ThreadId first = spawn([&] {
            m0.lock();
            m0.unlock();
            a0.fetch_add(1);
            (void)cell.read();
        });
        ThreadId second = spawn([&] {
            m0.lock();
            cell.write() += 1;
            m0.unlock();
            a0.fetch_add(1);
            m0.lock();
            m0.unlock();
        });
        join(first);
        join(second);
    });
    check_same_as_dfs(program);
}

TEST_CASE("dpor: a failed check stops only its thread") {
    // With a spurious wakeup allowed, the waiter's check fails in the first
    // execution; the orders in which the setter runs first stay reachable.
    for (const CorpusProgram& entry : corpus()) {
        if (entry.name == "spurious_if")
            check_same_as_dfs(make_program(entry.name, entry.body), entry.tune);
    }
}

TEST_CASE("dpor: a timer start races with later firings") {
    // The sleeper's pause ends at 15 ms.  Each timed wait the waiter starts
    // meanwhile has the earlier deadline and holds the pause's end back
    // until it fires; the pause could also have ended before that start.
    Program program = make_program("timers", [] {
        P::mutex lock(vtp::mutex_kind::adaptive, "lock");
        P::mutex sleep_lock(vtp::mutex_kind::adaptive, "sleep_lock");
        P::condvar ready_cv("ready");
        P::shared<bool> ready(false);
        ThreadId waiter = spawn([&] {
            lock.lock();
            for (int round = 0; round < 2 && !ready.read(); ++round)
                ready_cv.timed_wait(lock, milliseconds(10));
            lock.unlock();
        });
        ThreadId sleeper = spawn([&] {
            sleep_lock.lock();
            P::pause(milliseconds(15), sleep_lock);
            sleep_lock.unlock();
            lock.lock();
            ready.write() = true;
            ready_cv.signal();
            lock.unlock();
        });
        join(waiter);
        join(sleeper);
    });
    check_same_as_dfs(program);
}

TEST_CASE("dpor: a timeout that a signal cancels is raced") {
    // Once the sleeper's pause (10 ms) has ended, the waiter's timeout
    // (20 ms) is due; the signal that follows cancels it, so in that
    // execution the timeout never runs and no race shows it.  The orders
    // in which it fires before the signal must be explored as well.
    Program program = make_program("cancelled", [] {
        P::mutex lock(vtp::mutex_kind::adaptive, "lock");
        P::mutex sleep_lock(vtp::mutex_kind::adaptive, "sleep_lock");
        P::condvar ready_cv("ready");
        ThreadId waiter = spawn([&] {
            lock.lock();
            bool expired = ready_cv.timed_wait(lock, milliseconds(20));
            checker::sim::outcome(expired ? "expired" : "woken");
            lock.unlock();
        });
        ThreadId signaller = spawn([&] {
            sleep_lock.lock();
            P::pause(milliseconds(10), sleep_lock);
            sleep_lock.unlock();
            lock.lock();
            ready_cv.signal();
            lock.unlock();
        });
        join(waiter);
        join(signaller);
    });
    check_same_as_dfs(program);
}

TEST_CASE("dpor: a timeout that the bound's last timeout disables is raced") {
    // With one timeout allowed, whichever waiter times out first disables
    // the other's timeout; the other order must be explored as well.
    Program program = make_program("budget", [] {
        P::mutex lock(vtp::mutex_kind::adaptive, "lock");
        P::condvar first_cv("first");
        P::condvar second_cv("second");
        ThreadId first = spawn([&] {
            lock.lock();
            bool expired = first_cv.timed_wait(lock, milliseconds(10));
            checker::sim::outcome(expired ? "first expired" : "first woken");
            lock.unlock();
        });
        ThreadId second = spawn([&] {
            lock.lock();
            bool expired = second_cv.timed_wait(lock, milliseconds(10));
            checker::sim::outcome(expired ? "second expired" : "second woken");
            lock.unlock();
        });
        ThreadId signaller = spawn([&] {
            lock.lock();
            first_cv.signal();
            second_cv.signal();
            lock.unlock();
        });
        join(first);
        join(second);
        join(signaller);
    });
    check_same_as_dfs(program, [](Options& options) { options.max_timeouts = 1; });
}

TEST_CASE("dpor: a thread starved until the step bound gets its turn") {
    // main spins until the holder has locked; the bound cuts the first
    // execution while the holder never ran past its first step.
    Program program = make_program("starved", [] {
        P::mutex* lock = P::make<P::mutex>(vtp::mutex_kind::adaptive, "owned");
        P::atomic<int> locked(0, "locked");
        ThreadId holder = spawn([lock, &locked] {
            lock->lock();
            locked.store(1, std::memory_order_release);
            lock->unlock();
        });
        while (locked.load(std::memory_order_acquire) == 0)
            checker::sim::yield();
        join(holder);
        P::dispose(lock);
    });
    auto bound = [](Options& options) { options.max_steps = 12; };
    Run dpor = explore_program(program, StrategyKind::dpor, true, bound);
    CHECK(dpor.result.complete > 0);
    check_same_as_dfs(program, bound);
}

TEST_CASE("dpor: a thread cut short by the step bound may run earlier") {
    // The disposer's first step comes just before the bound; only if it
    // runs earlier do its disposal and the user's lock both fit within the
    // bound, and then they conflict.
    Program program = make_program("late_disposer", [] {
        P::mutex m0(vtp::mutex_kind::adaptive, "m0");
        P::atomic<int> a0(0, "a0");
        P::atomic<int> a1(0, "a1");
        P::mutex* extra = P::make<P::mutex>(vtp::mutex_kind::adaptive, "extra");
        bool disposed = false;
        ThreadId first = spawn([&] {
            int expected = 0;
            a1.compare_exchange_strong(expected, 3);
            expected = 0;
            a0.compare_exchange_strong(expected, 1);
        });
        ThreadId user = spawn([&] {
            a0.fetch_add(1);
            extra->lock();
            extra->unlock();
            int expected = 0;
            a0.compare_exchange_strong(expected, 1);
        });
        ThreadId disposer = spawn([&] {
            m0.lock();
            m0.unlock();
            P::dispose(extra);
            disposed = true;
        });
        join(first);
        join(user);
        join(disposer);
        if (!disposed)
            P::dispose(extra);
    });
    check_same_as_dfs(program, [](Options& options) { options.max_steps = 12; });
}

TEST_CASE("terminal states: equivalent orders give one state") {
    // Two threads each create an atomic and record an outcome after a
    // scheduling point; the order of these independent steps must not
    // make two terminal states.
    Program program = make_program("creations", [] {
        std::vector<std::unique_ptr<P::atomic<int>>> made(2);
        std::vector<ThreadId> threads;
        for (int i = 0; i < 2; ++i)
            threads.push_back(spawn([&made, i] {
                checker::sim::yield();
                made[i] = std::make_unique<P::atomic<int>>(i + 1, "made");
                checker::sim::outcome(i == 0 ? "first" : "second");
            }));
        join_all(threads);
    });
    Run dfs = explore_program(program, StrategyKind::dfs);
    Run dpor = explore_program(program, StrategyKind::dpor);
    CHECK(dfs.result.executions > 1);
    CHECK(dfs.result.terminal_states.size() == 1);
    CHECK(dpor.result.terminal_states == dfs.result.terminal_states);
}

TEST_CASE("results: every execution is counted once") {
    // complete + sleep-set-blocked + cut by a bound + with a violation =
    // executions, under DPOR with and without a preemption bound.
    for (const CorpusProgram& entry : corpus()) {
        for (int bound : {-1, 0, 1}) {
            CAPTURE(entry.name);
            CAPTURE(bound);
            Run run = explore_program(make_program(entry.name, entry.body), StrategyKind::dpor,
                                      false, [&entry, bound](Options& options) {
                                          if (entry.tune)
                                              entry.tune(options);
                                          options.preemption_bound = bound;
                                      });
            const checker::Result& result = run.result;
            CHECK(result.complete + result.sleep_blocked + result.thread_bound_cut +
                      result.timeout_bound_cut + result.preemption_bound_cut + result.violations ==
                  result.executions);
            CHECK(result.outcome != Outcome::incomplete);
        }
    }
}

}  // namespace engine_test
