#include "tests/engine/corpus.hpp"

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <vector>

namespace engine_test {

namespace {

using checker::ThreadId;
using checker::sim::check;
using checker::sim::join;
using checker::sim::outcome;
using checker::sim::spawn;
using std::chrono::milliseconds;

constexpr auto relaxed = std::memory_order_relaxed;
constexpr auto acquire = std::memory_order_acquire;
constexpr auto release = std::memory_order_release;

P::mutex make_mutex(const char* name) {
    return P::mutex(vtp::mutex_kind::adaptive, name);
}

// --- mutexes ---------------------------------------------------------------

// Two threads increment a counter inside one critical section each.
void mutex_counter() {
    P::mutex lock(vtp::mutex_kind::adaptive, "lock");
    P::shared<int> counter(0);
    std::vector<ThreadId> threads;
    for (int i = 0; i < 2; ++i)
        threads.push_back(spawn([&] {
            lock.lock();
            counter.write() += 1;
            lock.unlock();
        }));
    join_all(threads);
    check(counter.read() == 2, "counter", "an increment was lost");
}

// Two threads, two critical sections each, recording the order of entry.
void lock_rounds() {
    P::mutex lock(vtp::mutex_kind::adaptive, "lock");
    P::atomic<int> order(0, "order");
    std::vector<ThreadId> threads;
    for (int i = 0; i < 2; ++i)
        threads.push_back(spawn([&, i] {
            for (int round = 0; round < 2; ++round) {
                lock.lock();
                order.store(order.load(relaxed) * 10 + i + 1, relaxed);
                lock.unlock();
            }
        }));
    join_all(threads);
}

// Planted bug: read-modify-write split into a load and a store.
void lost_update() {
    P::atomic<int> counter(0, "counter");
    std::vector<ThreadId> threads;
    for (int i = 0; i < 2; ++i)
        threads.push_back(spawn([&] {
            int value = counter.load();
            counter.store(value + 1);
        }));
    join_all(threads);
    check(counter.load() == 2, "counter", "an increment was lost");
}

// Planted bug: check-then-act on an owner field without a lock.
void check_then_act() {
    P::atomic<int> owner(0, "owner");
    P::atomic<int> owners(0, "owners");
    std::vector<ThreadId> threads;
    for (int i = 1; i <= 2; ++i)
        threads.push_back(spawn([&, i] {
            if (owner.load() == 0) {
                owner.store(i);
                owners.fetch_add(1);
            }
        }));
    join_all(threads);
    check(owners.load() == 1, "single_owner", "two threads both took ownership");
}

// The check-then-act done under a lock: no violation.
void check_then_act_locked() {
    P::mutex lock(vtp::mutex_kind::adaptive, "lock");
    P::shared<int> owner(0);
    P::atomic<int> owners(0, "owners");
    std::vector<ThreadId> threads;
    for (int i = 1; i <= 2; ++i)
        threads.push_back(spawn([&, i] {
            lock.lock();
            if (owner.read() == 0) {
                owner.write() = i;
                owners.fetch_add(1, relaxed);
            }
            lock.unlock();
        }));
    join_all(threads);
    check(owners.load() == 1, "single_owner", "two threads both took ownership");
}

// Planted bug: two threads take two locks in opposite orders.
void lock_order_inversion() {
    P::mutex a(vtp::mutex_kind::adaptive, "a");
    P::mutex b(vtp::mutex_kind::adaptive, "b");
    ThreadId first = spawn([&] {
        a.lock();
        b.lock();
        b.unlock();
        a.unlock();
    });
    ThreadId second = spawn([&] {
        b.lock();
        a.lock();
        a.unlock();
        b.unlock();
    });
    join(first);
    join(second);
}

// The same two locks, always in one order: no violation.
void lock_order_consistent() {
    P::mutex a(vtp::mutex_kind::adaptive, "a");
    P::mutex b(vtp::mutex_kind::adaptive, "b");
    std::vector<ThreadId> threads;
    for (int i = 0; i < 2; ++i)
        threads.push_back(spawn([&] {
            a.lock();
            b.lock();
            b.unlock();
            a.unlock();
        }));
    join_all(threads);
}

// Three threads on three different mutexes: every order is equivalent.
void independent_threads() {
    std::vector<std::unique_ptr<P::mutex>> locks;
    std::vector<std::unique_ptr<P::atomic<int>>> values;
    for (int i = 0; i < 3; ++i) {
        locks.push_back(std::make_unique<P::mutex>(vtp::mutex_kind::adaptive, "lock"));
        values.push_back(std::make_unique<P::atomic<int>>(0, "value"));
    }
    std::vector<ThreadId> threads;
    for (int i = 0; i < 3; ++i)
        threads.push_back(spawn([&, i] {
            locks[i]->lock();
            values[i]->store(i + 1, relaxed);
            locks[i]->unlock();
        }));
    join_all(threads);
}

// --- condition variables ------------------------------------------------------

// A consumer waits for a flag that a producer sets and signals.
void condvar_handoff() {
    P::mutex lock = make_mutex("lock");
    P::condvar ready_cv("ready");
    P::shared<bool> ready(false);
    ThreadId consumer = spawn([&] {
        lock.lock();
        while (!ready.read())
            ready_cv.wait(lock);
        lock.unlock();
    });
    ThreadId producer = spawn([&] {
        lock.lock();
        ready.write() = true;
        ready_cv.signal();
        lock.unlock();
    });
    join(consumer);
    join(producer);
}

// Planted bug: the flag is tested outside the lock, so the signal can come
// between the test and the wait (a lost wakeup).
void lost_wakeup() {
    P::mutex lock = make_mutex("lock");
    P::condvar ready_cv("ready");
    P::atomic<int> ready(0, "ready");
    ThreadId consumer = spawn([&] {
        if (ready.load() == 0) {
            lock.lock();
            ready_cv.wait(lock);
            lock.unlock();
        }
    });
    ThreadId producer = spawn([&] {
        ready.store(1);
        lock.lock();
        ready_cv.signal();
        lock.unlock();
    });
    join(consumer);
    join(producer);
}

// Two waiters released by one broadcast.
void broadcast_two_waiters() {
    P::mutex lock = make_mutex("lock");
    P::condvar go_cv("go");
    P::shared<bool> go(false);
    std::vector<ThreadId> threads;
    for (int i = 0; i < 2; ++i)
        threads.push_back(spawn([&] {
            lock.lock();
            while (!go.read())
                go_cv.wait(lock);
            lock.unlock();
        }));
    threads.push_back(spawn([&] {
        lock.lock();
        go.write() = true;
        go_cv.broadcast();
        lock.unlock();
    }));
    join_all(threads);
}

// Planted bug: a signal where a broadcast is needed leaves a waiter asleep.
void signal_instead_of_broadcast() {
    P::mutex lock = make_mutex("lock");
    P::condvar go_cv("go");
    P::shared<bool> go(false);
    std::vector<ThreadId> threads;
    for (int i = 0; i < 2; ++i)
        threads.push_back(spawn([&] {
            lock.lock();
            while (!go.read())
                go_cv.wait(lock);
            lock.unlock();
        }));
    threads.push_back(spawn([&] {
        lock.lock();
        go.write() = true;
        go_cv.signal();
        lock.unlock();
    }));
    join_all(threads);
}

// Two consumers take one token each; a producer makes two, signalling once
// per token, so the signal chooses among the waiters.
void tokens_signal() {
    P::mutex lock = make_mutex("lock");
    P::condvar tokens_cv("tokens");
    P::shared<int> tokens(0);
    std::vector<ThreadId> threads;
    for (int i = 0; i < 2; ++i)
        threads.push_back(spawn([&] {
            lock.lock();
            while (tokens.read() == 0)
                tokens_cv.wait(lock);
            tokens.write() -= 1;
            lock.unlock();
        }));
    threads.push_back(spawn([&] {
        for (int i = 0; i < 2; ++i) {
            lock.lock();
            tokens.write() += 1;
            tokens_cv.signal();
            lock.unlock();
        }
    }));
    join_all(threads);
}

// Two threads take turns through two condition variables, two rounds.
void ping_pong() {
    P::mutex lock = make_mutex("lock");
    P::condvar turn_cv("turn");
    P::shared<int> turn(0);
    P::atomic<int> trail(0, "trail");
    std::vector<ThreadId> threads;
    for (int player = 0; player < 2; ++player)
        threads.push_back(spawn([&, player] {
            for (int round = 0; round < 2; ++round) {
                lock.lock();
                while (turn.read() % 2 != player)
                    turn_cv.wait(lock);
                turn.write() += 1;
                trail.store(trail.load(relaxed) * 10 + player + 1, relaxed);
                turn_cv.broadcast();
                lock.unlock();
            }
        }));
    join_all(threads);
    check(trail.load() == 1212, "alternation", "the players did not alternate");
}

// --- timed waits, pauses and the logical clock -----------------------------------

// A timed wait races a signal: it may time out before or after the flag is set.
void timed_wait_races_signal() {
    P::mutex lock = make_mutex("lock");
    P::condvar ready_cv("ready");
    P::shared<bool> ready(false);
    P::atomic<int> timed_out(-1, "timed_out");
    P::atomic<int> seen(-1, "seen");
    ThreadId waiter = spawn([&] {
        lock.lock();
        bool expired = false;
        if (!ready.read())
            expired = ready_cv.timed_wait(lock, milliseconds(10));
        timed_out.store(expired ? 1 : 0, relaxed);
        seen.store(ready.read() ? 1 : 0, relaxed);
        lock.unlock();
    });
    ThreadId signaller = spawn([&] {
        lock.lock();
        ready.write() = true;
        ready_cv.signal();
        lock.unlock();
    });
    join(waiter);
    join(signaller);
}

// The same race while a third thread keeps running: the timeout is still
// explored at every point, not only when nothing else can run.
void timeout_with_busy_thread() {
    P::mutex lock = make_mutex("lock");
    P::condvar ready_cv("ready");
    P::shared<bool> ready(false);
    P::atomic<int> timed_out(-1, "timed_out");
    P::atomic<int> busy(0, "busy");
    ThreadId waiter = spawn([&] {
        lock.lock();
        if (!ready.read())
            timed_out.store(ready_cv.timed_wait(lock, milliseconds(10)) ? 1 : 0, relaxed);
        lock.unlock();
    });
    ThreadId signaller = spawn([&] {
        lock.lock();
        ready.write() = true;
        ready_cv.signal();
        lock.unlock();
    });
    ThreadId busy_thread = spawn([&] {
        for (int i = 0; i < 2; ++i)
            busy.fetch_add(1, relaxed);
    });
    join(waiter);
    join(signaller);
    join(busy_thread);
}

// A waiter loops with a timed wait until a flag is set; the sleeper sets
// it after a pause.  A pause's timer always fires, so the waiter sees the
// flag after at most a few timeouts.
void pause_then_signal() {
    P::mutex lock = make_mutex("lock");
    P::mutex sleep_lock = make_mutex("sleep_lock");
    P::condvar ready_cv("ready");
    P::shared<bool> ready(false);
    P::atomic<int> timeouts(0, "timeouts");
    ThreadId waiter = spawn([&] {
        lock.lock();
        while (!ready.read()) {
            if (ready_cv.timed_wait(lock, milliseconds(10)))
                timeouts.fetch_add(1, relaxed);
        }
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
}

// Two sleepers of different lengths: the shorter one, if it starts no
// later, wakes first.
void two_pauses() {
    P::atomic<int> order(0, "order");
    std::vector<ThreadId> threads;
    for (int i = 0; i < 2; ++i)
        threads.push_back(spawn([&, i] {
            P::mutex interlock(vtp::mutex_kind::adaptive, "interlock");
            interlock.lock();
            P::pause(milliseconds(i == 0 ? 30 : 10), interlock);
            interlock.unlock();
            order.store(order.load(relaxed) * 10 + i + 1, relaxed);
        }));
    join_all(threads);
}

// --- spurious wakeups (bound 1) -----------------------------------------------------

// Planted bug: `if` instead of `while` around a wait.
void spurious_if() {
    P::mutex lock = make_mutex("lock");
    P::condvar ready_cv("ready");
    P::shared<bool> ready(false);
    ThreadId waiter = spawn([&] {
        lock.lock();
        if (!ready.read())
            ready_cv.wait(lock);
        check(ready.read(), "woken_when_ready", "the waiter woke before the flag was set");
        lock.unlock();
    });
    ThreadId setter = spawn([&] {
        lock.lock();
        ready.write() = true;
        ready_cv.signal();
        lock.unlock();
    });
    join(waiter);
    join(setter);
}

// The same with `while`: spurious wakeups are harmless.
void spurious_while() {
    P::mutex lock = make_mutex("lock");
    P::condvar ready_cv("ready");
    P::shared<bool> ready(false);
    ThreadId waiter = spawn([&] {
        lock.lock();
        while (!ready.read())
            ready_cv.wait(lock);
        check(ready.read(), "woken_when_ready", "the waiter woke before the flag was set");
        lock.unlock();
    });
    ThreadId setter = spawn([&] {
        lock.lock();
        ready.write() = true;
        ready_cv.signal();
        lock.unlock();
    });
    join(waiter);
    join(setter);
}

void with_spurious_wakeups(Options& options) {
    options.max_spurious_wakeups = 1;
}

// --- atomics -------------------------------------------------------------------------

// Three relaxed increments: one final value, 3! orders of the writes.
void rmw_counter() {
    P::atomic<int> counter(0, "counter");
    std::vector<ThreadId> threads;
    for (int i = 0; i < 3; ++i)
        threads.push_back(spawn([&] { counter.fetch_add(1, relaxed); }));
    join_all(threads);
    check(counter.load() == 3, "counter", "an increment was lost");
}

// Two readers and a writer of one atomic.
void readers_and_writer() {
    P::atomic<int> value(0, "value");
    P::atomic<int> seen_a(-1, "seen_a");
    P::atomic<int> seen_b(-1, "seen_b");
    ThreadId a = spawn([&] { seen_a.store(value.load(acquire), relaxed); });
    ThreadId b = spawn([&] { seen_b.store(value.load(acquire), relaxed); });
    ThreadId writer = spawn([&] { value.store(1, release); });
    join(a);
    join(b);
    join(writer);
}

// A message handed over by a release store and an acquire load.
void release_acquire_message() {
    P::shared<int> data(0);
    P::atomic<int> flag(0, "flag");
    ThreadId writer = spawn([&] {
        data.write() = 42;
        flag.store(1, release);
    });
    ThreadId reader = spawn([&] {
        if (flag.load(acquire) == 1)
            check(data.read() == 42, "message", "the reader saw a stale message");
    });
    join(writer);
    join(reader);
}

// Planted bug: the same hand-off through relaxed operations is a data race.
void relaxed_message() {
    P::shared<int> data(0);
    P::atomic<int> flag(0, "flag");
    ThreadId writer = spawn([&] {
        data.write() = 42;
        flag.store(1, relaxed);
    });
    ThreadId reader = spawn([&] {
        if (flag.load(relaxed) == 1)
            check(data.read() == 42, "message", "the reader saw a stale message");
    });
    join(writer);
    join(reader);
}

// A spin lock built on compare-exchange, with at most two attempts each.
void cas_spinlock() {
    P::atomic<int> lock(0, "spinlock");
    P::shared<int> inside(0);
    P::atomic<int> entered(0, "entered");
    std::vector<ThreadId> threads;
    for (int i = 0; i < 2; ++i)
        threads.push_back(spawn([&] {
            for (int attempt = 0; attempt < 2; ++attempt) {
                int expected = 0;
                if (lock.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
                    inside.write() += 1;
                    entered.fetch_add(1, relaxed);
                    lock.store(0, release);
                    break;
                }
            }
        }));
    join_all(threads);
}

// Dekker's entry protocol without retry: under sequential consistency at
// most one thread enters.  (Relaxed hardware would allow both; the engine
// explores sequentially consistent interleavings only.)
void dekker_entry() {
    P::atomic<int> want_a(0, "want_a");
    P::atomic<int> want_b(0, "want_b");
    P::atomic<int> inside(0, "inside");
    auto enter = [&](P::atomic<int>& mine, P::atomic<int>& other) {
        mine.store(1);
        if (other.load() == 0) {
            check(inside.fetch_add(1) == 0, "mutual_exclusion", "both threads entered");
            inside.fetch_sub(1);
        }
    };
    ThreadId a = spawn([&] { enter(want_a, want_b); });
    ThreadId b = spawn([&] { enter(want_b, want_a); });
    join(a);
    join(b);
}

// --- threads ---------------------------------------------------------------------------

// main starts A; A starts B and C and joins them; main joins A.
void spawn_join_tree() {
    P::atomic<int> b_value(0, "b");
    P::atomic<int> c_value(0, "c");
    P::atomic<int> sum(0, "sum");
    ThreadId a = spawn([&] {
        ThreadId b = spawn([&] { b_value.store(1, relaxed); });
        ThreadId c = spawn([&] { c_value.store(2, relaxed); });
        join(b);
        join(c);
        sum.store(b_value.load(relaxed) + c_value.load(relaxed), relaxed);
    });
    join(a);
    check(sum.load() == 3, "sum", "a join did not wait for its thread");
}

// Planted bug: main reads the result without joining the thread that
// writes it.  The state is shared, so that it outlives main's frame.
void missing_join() {
    auto result = std::make_shared<P::atomic<int>>(0, "result");
    spawn([result] { result->store(1); });
    check(result->load() == 1, "result_ready", "main read the result before it was written");
}

// A thread creation that the engine may make fail (bound 1): main records
// whether it got a thread.
void creation_failure() {
    struct State {
        P::atomic<int> ran{0, "ran"};
    } state;
    vtp::thread_params params;
    P::thread* thread = nullptr;
    int error = P::thread_create(
        params, [](void* arg) { static_cast<State*>(arg)->ran.store(1, relaxed); }, &state,
        &thread);
    if (error == 0)
        join(thread->id);
    outcome(fmt::format("error={} ran={}", error, state.ran.load(relaxed)));
}

void with_creation_failures(Options& options) {
    options.max_creation_failures = 1;
}

// --- lifetimes -----------------------------------------------------------------------------

// A mutex in engine-managed memory, disposed after the last user joined.
void dispose_after_join() {
    P::mutex* lock = P::make<P::mutex>(vtp::mutex_kind::adaptive, "owned");
    std::vector<ThreadId> threads;
    for (int i = 0; i < 2; ++i)
        threads.push_back(spawn([lock] {
            lock->lock();
            lock->unlock();
        }));
    join_all(threads);
    P::dispose(lock);
}

// Planted bug: a thread disposes of the mutex without waiting for its user,
// so the use and the disposal are not ordered: in some orders the use comes
// after the disposal, and in every order the two conflict.
void dispose_unordered() {
    P::mutex* lock = P::make<P::mutex>(vtp::mutex_kind::adaptive, "owned");
    ThreadId user = spawn([lock] {
        lock->lock();
        lock->unlock();
    });
    ThreadId disposer = spawn([lock] {
        checker::sim::yield();
        P::dispose(lock);
    });
    join(user);
    join(disposer);
}

// Planted bug: main returns while a thread still waits for a signal that
// nobody sends; that thread never finishes.
void leaked_waiter() {
    struct State {
        P::mutex lock{vtp::mutex_kind::adaptive, "lock"};
        P::condvar wake{"wake"};
    };
    auto state = std::make_shared<State>();
    spawn([state] {
        state->lock.lock();
        state->wake.wait(state->lock);
        state->lock.unlock();
    });
    checker::sim::yield();
}

}  // namespace

const std::vector<CorpusProgram>& corpus() {
    static const std::vector<CorpusProgram> programs = {
        {"mutex_counter", mutex_counter, {}, {}, 2},
        {"lock_rounds", lock_rounds, {}, {}, 6},
        {"lost_update", lost_update, {}, {ViolationKind::property}, 4},
        {"check_then_act", check_then_act, {}, {ViolationKind::property}, 6},
        {"check_then_act_locked", check_then_act_locked, {}, {}, 2},
        {"lock_order_inversion", lock_order_inversion, {},
         {ViolationKind::deadlock, ViolationKind::lock_order}, 3},
        {"lock_order_consistent", lock_order_consistent, {}, {}, 2},
        {"independent_threads", independent_threads, {}, {}, 1},
        {"condvar_handoff", condvar_handoff, {}, {}, 2},
        {"lost_wakeup", lost_wakeup, {}, {ViolationKind::deadlock}, 3},
        {"broadcast_two_waiters", broadcast_two_waiters, {}, {}, 10},
        {"signal_instead_of_broadcast", signal_instead_of_broadcast, {},
         {ViolationKind::deadlock}, 10},
        {"tokens_signal", tokens_signal, {}, {}, 30},
        {"ping_pong", ping_pong, {}, {}, 8},
        {"timed_wait_races_signal", timed_wait_races_signal, {}, {}, 4},
        {"timeout_with_busy_thread", timeout_with_busy_thread, {}, {}, 4},
        {"pause_then_signal", pause_then_signal, {}, {}, 67},
        {"two_pauses", two_pauses, {}, {}, 12},
        {"spurious_if", spurious_if, with_spurious_wakeups, {ViolationKind::property}, 4},
        {"spurious_while", spurious_while, with_spurious_wakeups, {}, 4},
        {"rmw_counter", rmw_counter, {}, {}, 6},
        {"readers_and_writer", readers_and_writer, {}, {}, 4},
        {"release_acquire_message", release_acquire_message, {}, {}, 2},
        {"relaxed_message", relaxed_message, {}, {ViolationKind::data_race}, 2},
        {"cas_spinlock", cas_spinlock, {}, {}, 6},
        {"dekker_entry", dekker_entry, {}, {}, 3},
        {"spawn_join_tree", spawn_join_tree, {}, {}, 1},
        {"missing_join", missing_join, {}, {ViolationKind::property}, 2},
        {"creation_failure", creation_failure, with_creation_failures, {}, 2},
        {"dispose_after_join", dispose_after_join, {}, {}, 2},
        {"dispose_unordered", dispose_unordered, {}, {ViolationKind::use_after_destroy}, 1},
        {"leaked_waiter", leaked_waiter, {}, {ViolationKind::leak}, 1},
    };
    return programs;
}

}  // namespace engine_test
