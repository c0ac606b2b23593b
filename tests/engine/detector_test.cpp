// The engine's detectors: each fires on a planted bug, with a report that
// names the threads, objects and places involved, and stays silent on the
// fixed program.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/checks.hpp"
#include "tests/engine/support.hpp"

namespace engine_test {

namespace {

using checker::ThreadId;
using checker::sim::join;
using checker::sim::spawn;
using std::chrono::milliseconds;

constexpr auto relaxed = std::memory_order_relaxed;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Every violation of every execution, by kind and property.
std::set<ViolationName> violations_of(const Program& program,
                                      const std::function<void(Options&)>& tune = {}) {
    return explore_program(program, StrategyKind::dpor, false, tune).violations;
}

std::set<ViolationName> only(ViolationKind kind) {
    return {{kind, std::string(checker::to_string(kind))}};
}

// --- check hooks --------------------------------------------------------------

int counter_check_line = 0;

// Two increments, split (planted) or atomic (fixed), then the pool-style
// assertion that both arrived.
Program counter_program(bool planted) {
    return make_program("counter", [planted] {
        P::atomic<int> counter(0, "counter");
        std::vector<ThreadId> threads;
        for (int i = 0; i < 2; ++i)
            threads.push_back(spawn([&counter, planted] {
                if (planted)
                    counter.store(counter.load() + 1);
                else
                    counter.fetch_add(1);
            }));
        join_all(threads);
        int value = counter.load();
        counter_check_line = __LINE__; VTP_KASSERT(value == 2);
    });
}

}  // namespace

TEST_CASE("check hook: failure reported with its expression and line") {
    auto violation = find_violation(counter_program(true), ViolationKind::check_failed);
    REQUIRE(violation.has_value());
    CHECK(violation->property == "check_failed");
    CHECK(contains(violation->message, "value == 2"));
    CHECK(contains(violation->loc.file(), "tests/engine/detector_test.cpp"));
    CHECK(violation->loc.line() == static_cast<unsigned>(counter_check_line));
    CHECK(violation->threads == std::vector<ThreadId>{0});

    CHECK(violations_of(counter_program(false)).empty());
}

TEST_CASE("check hook: misuse and panic kept apart") {
    Program misuse = make_program("misuse", [] {
        int jobs = 3;
        VTP_KASSERTMSG(jobs == 0, "destroyed with %d jobs left", jobs);
    });
    auto violation = find_violation(misuse, ViolationKind::misuse);
    REQUIRE(violation.has_value());
    CHECK(contains(violation->message, "destroyed with 3 jobs left"));

    Program panic = make_program("panic", [] { VTP_PANIC("unreachable state %d", 7); });
    violation = find_violation(panic, ViolationKind::panic);
    REQUIRE(violation.has_value());
    CHECK(contains(violation->message, "unreachable state 7"));
}

TEST_CASE("check hook: a violation while a local mutex is held") {
    // The thread stops at the violation; its local mutex, still held, is
    // destroyed at teardown, when nothing is reported any more.
    Program program = make_program("local", [] {
        ThreadId thread = spawn([] {
            P::mutex local(vtp::mutex_kind::adaptive, "local");
            local.lock();
            checker::sim::check(false, "planted", "the property fails while local is held");
        });
        join(thread);
    });
    for (StrategyKind strategy : {StrategyKind::dfs, StrategyKind::dpor}) {
        Run run = explore_program(program, strategy);
        CHECK(run.violations == std::set<ViolationName>{{ViolationKind::property, "planted"}});
    }
}

// --- deadlock -------------------------------------------------------------------

namespace {

Program opposite_orders(bool planted) {
    return make_program("orders", [planted] {
        P::mutex a(vtp::mutex_kind::adaptive, "a");
        P::mutex b(vtp::mutex_kind::adaptive, "b");
        ThreadId first = spawn([&] {
            a.lock();
            b.lock();
            b.unlock();
            a.unlock();
        });
        ThreadId second = spawn([&] {
            P::mutex& outer = planted ? b : a;
            P::mutex& inner = planted ? a : b;
            outer.lock();
            inner.lock();
            inner.unlock();
            outer.unlock();
        });
        join(first);
        join(second);
    });
}

}  // namespace

TEST_CASE("deadlock: report lists every blocked thread") {
    auto violation = find_violation(opposite_orders(true), ViolationKind::deadlock);
    REQUIRE(violation.has_value());
    const std::string& message = violation->message;
    CAPTURE(message);
    CHECK(contains(message, "main waits to join main/1"));
    CHECK(contains(message, "main/1 waits to lock b#1 held by main/2 at tests/engine/detector_test.cpp:"));
    CHECK(contains(message, "main/2 waits to lock a#0 held by main/1 at tests/engine/detector_test.cpp:"));
    CHECK(violation->threads == std::vector<ThreadId>{0, 1, 2});
    CHECK(contains(violation->loc.file(), "tests/engine/detector_test.cpp"));

    CHECK(violations_of(opposite_orders(false)).empty());
}

TEST_CASE("deadlock: locking a held mutex again") {
    Program program = make_program("relock", [] {
        P::mutex lock(vtp::mutex_kind::adaptive, "lock");
        lock.lock();
        lock.lock();
    });
    auto violation = find_violation(program, ViolationKind::deadlock);
    REQUIRE(violation.has_value());
    CHECK(contains(violation->message, "main locks lock#0, which it already holds"));
}

// --- step bound -------------------------------------------------------------------

namespace {

Program spinner(bool planted) {
    return make_program("spinner", [planted] {
        ThreadId thread = spawn([planted] {
            for (int i = 0; planted || i < 10; ++i)
                checker::sim::yield();
        });
        join(thread);
    });
}

}  // namespace

TEST_CASE("step bound: an endless loop is a livelock") {
    auto bound = [](Options& options) { options.max_steps = 50; };
    auto violation = find_violation(spinner(true), ViolationKind::livelock, StrategyKind::dpor, bound);
    REQUIRE(violation.has_value());
    CHECK(contains(violation->message, "exceeded the step bound of 50 steps"));
    CHECK(violation->step == 49);
    CHECK(violation->threads == std::vector<ThreadId>{1});

    CHECK(violations_of(spinner(false), bound).empty());
}

// --- data races ----------------------------------------------------------------------

namespace {

// Two threads increment one cell under `locks` (0: none, 1: one mutex,
// 2: a different mutex each).
Program guarded_counter(int locks) {
    return make_program("guarded", [locks] {
        P::mutex first(vtp::mutex_kind::adaptive, "first");
        P::mutex second(vtp::mutex_kind::adaptive, "second");
        P::shared<int> counter(0);
        std::vector<ThreadId> threads;
        for (int i = 0; i < 2; ++i)
            threads.push_back(spawn([&, i] {
                P::mutex* guard = locks == 0 ? nullptr : (locks == 2 && i == 1 ? &second : &first);
                if (guard != nullptr)
                    guard->lock();
                counter.write() += 1;
                if (guard != nullptr)
                    guard->unlock();
            }));
        join_all(threads);
    });
}

// A message handed over through a flag with the given orders.
Program flag_handoff(std::memory_order store_order, std::memory_order load_order) {
    return make_program("handoff", [store_order, load_order] {
        P::shared<int> data(0);
        P::atomic<int> flag(0, "flag");
        ThreadId writer = spawn([&] {
            data.write() = 42;
            flag.store(1, store_order);
        });
        ThreadId reader = spawn([&] {
            if (flag.load(load_order) == 1)
                (void)data.read();
        });
        join(writer);
        join(reader);
    });
}

}  // namespace

TEST_CASE("data race: unsynchronised writes") {
    auto violation = find_violation(guarded_counter(0), ViolationKind::data_race);
    REQUIRE(violation.has_value());
    CAPTURE(violation->message);
    CHECK(contains(violation->message, "data race on cell#2: write by main/"));
    CHECK(contains(violation->message, "are not ordered by happens-before"));
    CHECK(violation->threads.size() == 2);
    CHECK(violation->objects == std::vector<checker::ObjectId>{2});

    CHECK(violations_of(guarded_counter(1)).empty());
}

TEST_CASE("data race: a cell guarded by two different mutexes") {
    CHECK(violations_of(guarded_counter(2)) == only(ViolationKind::data_race));
}

TEST_CASE("data race: relaxed hand-off races, release/acquire does not") {
    auto violation = find_violation(flag_handoff(std::memory_order_relaxed, relaxed),
                                    ViolationKind::data_race);
    REQUIRE(violation.has_value());
    CAPTURE(violation->message);
    CHECK(contains(violation->message, "write by main/1"));
    CHECK(contains(violation->message, "read by main/2"));

    CHECK(violations_of(flag_handoff(std::memory_order_release, std::memory_order_acquire))
              .empty());
    // Release without acquire, or acquire without release, orders nothing.
    CHECK(violations_of(flag_handoff(std::memory_order_release, relaxed)) ==
          only(ViolationKind::data_race));
    CHECK(violations_of(flag_handoff(relaxed, std::memory_order_acquire)) ==
          only(ViolationKind::data_race));
}

TEST_CASE("data race: a failed compare-exchange releases nothing") {
    // The writer's compare-exchange always fails (the flag is never 5), so
    // the reader's acquire load synchronises with nothing.
    Program program = make_program("failed_cas", [] {
        P::shared<int> data(0);
        P::atomic<int> flag(0, "flag");
        P::atomic<int> done(0, "done");
        ThreadId writer = spawn([&] {
            data.write() = 1;
            int expected = 5;
            flag.compare_exchange_strong(expected, 1, std::memory_order_release);
            done.store(1, relaxed);
        });
        ThreadId reader = spawn([&] {
            if (done.load(relaxed) == 1) {
                flag.load(std::memory_order_acquire);
                (void)data.read();
            }
        });
        join(writer);
        join(reader);
    });
    CHECK(violations_of(program) == only(ViolationKind::data_race));
}

TEST_CASE("data race: detector off") {
    CHECK(violations_of(guarded_counter(0), [](Options& options) {
              options.detect_races = false;
          }).empty());
}

// --- use of destroyed objects ------------------------------------------------------------

namespace {

struct Box {
    P::mutex lock{vtp::mutex_kind::adaptive, "boxed"};
    P::shared<int> value{0};
};

// A thread uses the box; main disposes of it before (planted) or after
// joining that thread.
Program box_program(bool planted, bool use_cell) {
    return make_program("box", [planted, use_cell] {
        Box* box = P::make<Box>();
        ThreadId user = spawn([box, use_cell] {
            checker::sim::yield();
            if (use_cell) {
                box->value.write() = 1;
            } else {
                box->lock.lock();
                box->lock.unlock();
            }
        });
        if (!planted)
            join(user);
        P::dispose(box);
        if (planted)
            join(user);
    });
}

}  // namespace

TEST_CASE("use after destroy: a mutex in disposed memory") {
    Run run = explore_program(box_program(true, false), StrategyKind::dfs);
    CHECK(run.violations == only(ViolationKind::use_after_destroy));
    auto violation = find_violation(box_program(true, false), ViolationKind::use_after_destroy,
                                    StrategyKind::dfs);
    REQUIRE(violation.has_value());
    CAPTURE(violation->message);
    CHECK(contains(violation->message, "boxed#0"));

    CHECK(violations_of(box_program(false, false)).empty());
}

TEST_CASE("use after destroy: a shared cell in disposed memory") {
    CHECK(violations_of(box_program(true, true)) == only(ViolationKind::use_after_destroy));
    CHECK(violations_of(box_program(false, true)).empty());
}

TEST_CASE("use after destroy: a use after the disposal, in order") {
    // The disposal happens before the use (through a join): every execution
    // reports it, at the use.
    Program program = make_program("ordered", [] {
        P::mutex* lock = P::make<P::mutex>(vtp::mutex_kind::adaptive, "owned");
        ThreadId disposer = spawn([lock] { P::dispose(lock); });
        join(disposer);
        lock->lock();
    });
    Run run = explore_program(program, StrategyKind::dfs);
    CHECK(run.result.violations == run.result.executions);
    auto violation = find_violation(program, ViolationKind::use_after_destroy);
    REQUIRE(violation.has_value());
    CHECK(contains(violation->message, "use of owned#0 after it was destroyed by main/1"));
    CHECK(violation->threads == std::vector<ThreadId>{0});
}

TEST_CASE("use after destroy: requested before, run after the disposal") {
    // The user asks for the lock while the mutex exists; the disposer may
    // destroy it before the lock step runs.  Every execution is reported:
    // at the disposal (the use is not ordered before it) or at the step.
    Program program = make_program("pending", [] {
        P::mutex* lock = P::make<P::mutex>(vtp::mutex_kind::adaptive, "owned");
        ThreadId user = spawn([lock] {
            lock->lock();
            lock->unlock();
        });
        ThreadId disposer = spawn([lock] { P::dispose(lock); });
        join(user);
        join(disposer);
    });
    for (StrategyKind strategy : {StrategyKind::dfs, StrategyKind::dpor}) {
        Run run = explore_program(program, strategy);
        CHECK(run.violations == only(ViolationKind::use_after_destroy));
        CHECK(run.result.complete == 0);
    }
}

// --- leaks --------------------------------------------------------------------------------

TEST_CASE("leak: memory never disposed") {
    auto make_leaky = [](bool planted) {
        return make_program("leaky", [planted] {
            int* value = P::make<int>(7);
            if (!planted)
                P::dispose(value);
        });
    };
    auto violation = find_violation(make_leaky(true), ViolationKind::leak);
    REQUIRE(violation.has_value());
    CHECK(contains(violation->message, "allocated by main at step -1 was never disposed"));
    CHECK(violations_of(make_leaky(false)).empty());
    CHECK(violations_of(make_leaky(true), [](Options& options) {
              options.detect_leaks = false;
          }).empty());
}

TEST_CASE("leak: condition variable freed without destroy") {
    // The pool's pattern: a condition variable in an anonymous union, whose
    // lifetime the owner starts and ends by hand.
    struct Record {
        Record() {}
        ~Record() {}
        union {
            P::condvar cv;
        };
    };
    auto make_record_program = [](bool planted) {
        return make_program("record", [planted] {
            Record* record = P::make<Record>();
            std::construct_at(&record->cv, "cv");
            if (!planted)
                std::destroy_at(&record->cv);
            P::dispose(record);
        });
    };
    auto violation = find_violation(make_record_program(true), ViolationKind::leak);
    REQUIRE(violation.has_value());
    CHECK(contains(violation->message, "condvar cv#0 created by main"));
    CHECK(contains(violation->message, "was never destroyed"));
    CHECK(contains(violation->message, "Record"));
    CHECK(violations_of(make_record_program(false)).empty());
    CHECK(violations_of(make_record_program(true), [](Options& options) {
              options.detect_leaks = false;
          }).empty());
}

TEST_CASE("leak: a thread that never finishes") {
    auto make_waiter = [](bool planted) {
        return make_program("waiter", [planted] {
            struct State {
                P::mutex lock{vtp::mutex_kind::adaptive, "lock"};
                P::condvar wake{"wake"};
                P::shared<bool> woken{false};
            };
            auto state = std::make_shared<State>();
            ThreadId waiter = spawn([state] {
                state->lock.lock();
                while (!state->woken.read())
                    state->wake.wait(state->lock);
                state->lock.unlock();
            });
            if (planted)
                return;
            state->lock.lock();
            state->woken.write() = true;
            state->wake.signal();
            state->lock.unlock();
            join(waiter);
        });
    };
    auto violation = find_violation(make_waiter(true), ViolationKind::leak);
    REQUIRE(violation.has_value());
    CAPTURE(violation->message);
    CHECK(contains(violation->message, "threads left running after main returned: main/1 "
                                       "waits on wake#1 (interlock lock#0) at "));
    CHECK(violation->threads == std::vector<ThreadId>{1});
    CHECK(violations_of(make_waiter(true)) == only(ViolationKind::leak));
    CHECK(violations_of(make_waiter(false)).empty());
}

// --- lock order -------------------------------------------------------------------------------

namespace {

// Two threads that never overlap (main joins the first before it starts
// the second), taking two locks in opposite (planted) or equal orders.
Program sequential_orders(bool planted) {
    return make_program("sequential", [planted] {
        P::mutex a(vtp::mutex_kind::adaptive, "a");
        P::mutex b(vtp::mutex_kind::adaptive, "b");
        ThreadId first = spawn([&] {
            a.lock();
            b.lock();
            b.unlock();
            a.unlock();
        });
        join(first);
        ThreadId second = spawn([&] {
            P::mutex& outer = planted ? b : a;
            P::mutex& inner = planted ? a : b;
            outer.lock();
            inner.lock();
            inner.unlock();
            outer.unlock();
        });
        join(second);
    });
}

}  // namespace

TEST_CASE("lock order: inversion reported without a deadlock") {
    Run run = explore_program(sequential_orders(true), StrategyKind::dfs);
    CHECK(run.violations == only(ViolationKind::lock_order));
    CHECK(run.result.violations == run.result.executions);

    auto violation = find_violation(sequential_orders(true), ViolationKind::lock_order);
    REQUIRE(violation.has_value());
    CAPTURE(violation->message);
    CHECK(contains(violation->message, "lock-order inversion: main/2 acquired a#0 while holding "
                                       "b#1"));
    CHECK(contains(violation->message, "but main/1 acquired b#1 while holding a#0"));
    CHECK(violation->threads == std::vector<ThreadId>{2, 1});

    CHECK(violations_of(sequential_orders(false)).empty());
    CHECK(violations_of(sequential_orders(true), [](Options& options) {
              options.detect_lock_order = false;
          }).empty());
}

// --- timers -------------------------------------------------------------------------------------

TEST_CASE("timeout: races a signal while a third thread runs") {
    // The timed wait may time out at any point, also while the busy thread
    // still has steps to take, not only once nothing else can run.
    Program program = make_program("busy", [] {
        P::mutex lock(vtp::mutex_kind::adaptive, "lock");
        P::condvar ready_cv("ready");
        P::shared<bool> ready(false);
        P::atomic<int> busy(0, "busy");
        ThreadId waiter = spawn([&] {
            lock.lock();
            bool expired = false;
            if (!ready.read())
                expired = ready_cv.timed_wait(lock, milliseconds(10));
            checker::sim::outcome(expired ? "timed out" : "signalled");
            lock.unlock();
        });
        ThreadId signaller = spawn([&] {
            lock.lock();
            ready.write() = true;
            ready_cv.signal();
            lock.unlock();
        });
        ThreadId worker = spawn([&] {
            for (int i = 0; i < 3; ++i)
                busy.fetch_add(1, relaxed);
        });
        join(waiter);
        join(signaller);
        join(worker);
    });
    for (StrategyKind strategy : {StrategyKind::dfs, StrategyKind::dpor}) {
        CAPTURE(checker::to_string(strategy));
        int early_timeouts = 0;
        Options options;
        options.strategy = strategy;
        checker::ExploreHooks hooks;
        hooks.on_execution = [&early_timeouts](const checker::Execution& execution) {
            // A timeout that fires before the busy thread (main/3) ran its
            // last step, and before the signaller's signal.
            bool busy_done = false;
            bool signalled = false;
            const ThreadId busy = 3;
            int busy_steps = 0;
            for (const checker::Step& step : execution.steps()) {
                if (step.thread == busy && ++busy_steps == 3)
                    busy_done = true;
                if (step.op == checker::OpKind::signal)
                    signalled = true;
                if (step.op == checker::OpKind::wakeup_timeout && !busy_done && !signalled)
                    ++early_timeouts;
            }
        };
        checker::Result result = checker::explore(program, options, hooks);
        CHECK(result.outcome == Outcome::exhaustive);
        CHECK(early_timeouts > 0);
        // Both outcomes of the wait are reached.
        CHECK(result.terminal_states.size() == 2);
    }
}

TEST_CASE("timeout bound: a held-back timer is a cut, not a deadlock") {
    // Two waiters that nobody signals: both time out, which needs two
    // timeouts.  With a bound of one, the second waiter is held back by the
    // bound, which cuts the execution instead of reporting a deadlock.
    Program program = make_program("timers", [] {
        P::mutex lock(vtp::mutex_kind::adaptive, "lock");
        P::condvar wake("wake");
        std::vector<ThreadId> threads;
        for (int i = 0; i < 2; ++i)
            threads.push_back(spawn([&] {
                lock.lock();
                wake.timed_wait(lock, milliseconds(10));
                lock.unlock();
            }));
        join_all(threads);
    });
    Run bounded = explore_program(program, StrategyKind::dfs, false,
                                  [](Options& options) { options.max_timeouts = 1; });
    CHECK(bounded.violations.empty());
    CHECK(bounded.result.outcome == Outcome::exhaustive);
    CHECK(bounded.result.timeout_bound_cut == bounded.result.executions);

    Run enough = explore_program(program, StrategyKind::dfs, false,
                                 [](Options& options) { options.max_timeouts = 2; });
    CHECK(enough.violations.empty());
    CHECK(enough.result.complete == enough.result.executions);

    // Without timeouts a timed wait is a plain wait: nobody signals.
    Run untimed = explore_program(program, StrategyKind::dfs, false,
                                  [](Options& options) { options.timeouts = false; });
    CHECK(untimed.violations == only(ViolationKind::deadlock));
}

// --- steps -----------------------------------------------------------------------------------------

TEST_CASE("steps: a blocked lock attempt is not a step") {
    // main: 2 spawns and 2 joins; holder: lock, store, store, unlock;
    // contender: lock, unlock.  However often the contender finds the
    // mutex held, each execution has exactly these 10 steps, and the
    // contender is never enabled while the holder holds the mutex.
    Program program = make_program("contended", [] {
        P::mutex lock(vtp::mutex_kind::adaptive, "lock");
        P::atomic<int> value(0, "value");
        ThreadId holder = spawn([&] {
            lock.lock();
            value.store(1, relaxed);
            value.store(2, relaxed);
            lock.unlock();
        });
        ThreadId contender = spawn([&] {
            lock.lock();
            lock.unlock();
        });
        join(holder);
        join(contender);
    });
    int executions = 0;
    int bad_lengths = 0;
    int contender_enabled_while_held = 0;
    Options options;
    options.strategy = StrategyKind::dfs;
    checker::ExploreHooks hooks;
    hooks.on_execution = [&](const checker::Execution& execution) {
        ++executions;
        if (execution.steps().size() != 10)
            ++bad_lengths;
        ThreadId owner = -1;
        for (const checker::Step& step : execution.steps()) {
            bool contender_enabled =
                std::find(step.enabled.begin(), step.enabled.end(), 2) != step.enabled.end();
            if (owner == 1 && contender_enabled)
                ++contender_enabled_while_held;
            if (step.op == checker::OpKind::lock)
                owner = step.thread;
            if (step.op == checker::OpKind::unlock)
                owner = -1;
        }
    };
    checker::Result result = checker::explore(program, options, hooks);
    CHECK(result.outcome == Outcome::exhaustive);
    CHECK(executions > 1);
    CHECK(bad_lengths == 0);
    CHECK(contender_enabled_while_held == 0);
}

// --- misuse and exceptions ---------------------------------------------------------------------------

TEST_CASE("misuse: unlock without holding, wait without the mutex") {
    Program unlock = make_program("unlock", [] {
        P::mutex lock(vtp::mutex_kind::adaptive, "lock");
        lock.unlock();
    });
    auto violation = find_violation(unlock, ViolationKind::misuse);
    REQUIRE(violation.has_value());
    CHECK(contains(violation->message, "main unlocks lock#0, which it does not hold"));

    Program wait = make_program("wait", [] {
        P::mutex lock(vtp::mutex_kind::adaptive, "lock");
        P::condvar cv("cv");
        cv.wait(lock);
    });
    violation = find_violation(wait, ViolationKind::misuse);
    REQUIRE(violation.has_value());
    CHECK(contains(violation->message, "main waits on cv#1 without holding its mutex lock#0"));
}

TEST_CASE("misuse: a mutex destroyed while its holder still holds it") {
    // The holder's lock happens before the disposal (through the flag), so
    // this is misuse, not an unordered use.
    Program program = make_program("held", [] {
        P::mutex* lock = P::make<P::mutex>(vtp::mutex_kind::adaptive, "owned");
        P::atomic<int> locked(0, "locked");
        ThreadId holder = spawn([lock, &locked] {
            lock->lock();
            locked.store(1, std::memory_order_release);
        });
        while (locked.load(std::memory_order_acquire) == 0)
            checker::sim::yield();
        P::dispose(lock);
        join(holder);
    });
    auto violation = find_violation(program, ViolationKind::misuse, StrategyKind::dpor,
                                    [](Options& options) { options.max_steps = 40; });
    REQUIRE(violation.has_value());
    CHECK(contains(violation->message, "owned#0 destroyed while main/1 holds it"));
}

TEST_CASE("uncaught exception: reported with the thread and message") {
    Program program = make_program("throws", [] {
        ThreadId thread = spawn([] { throw std::runtime_error("out of widgets"); });
        join(thread);
    });
    auto violation = find_violation(program, ViolationKind::uncaught_exception);
    REQUIRE(violation.has_value());
    CHECK(violation->message == "main/1 threw: out of widgets");
}

}  // namespace engine_test
