// DPOR against plain DFS on generated programs: 2 to 4 threads, a few
// mutexes, atomics, a condition variable with timed waits, pauses and
// shared cells, a few operations each, from a seed.  Both searches must
// reach the same terminal states, the same violations and the same
// complete Mazurkiewicz traces.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tests/engine/support.hpp"

namespace engine_test {

namespace {

using checker::ThreadId;
using std::chrono::milliseconds;

// One operation of a generated thread.  A lock block holds its mutex around
// its inner operations; the others are single sync operations or accesses.
struct Op {
    enum class Kind {
        lock_block,  // lock mutexes[a], run inner, unlock
        load,        // read atomics[a] into the thread's digest
        store,       // atomics[a] = b
        fetch_add,   // atomics[a] += 1, result into the digest
        exchange,    // compare-exchange atomics[a] from 0 to b
        cell_read,   // read the shared cell
        cell_write,  // write the shared cell
        signal,      // signal the condition variable (inside the block of mutex 0)
        broadcast,   // broadcast it (inside the block of mutex 0)
        timed_wait,  // timed wait of b ms on it (inside the block of mutex 0)
        pause,       // sleep for b ms with a private interlock
        spawn_child, // start a child that stores b into atomics[a], then join it
        yield,       // a scheduling point with no object
        extra_use,   // lock and unlock the extra mutex
        extra_dispose,  // dispose of the extra mutex (one thread at most)
        spin,        // load atomics[a] until it is not 0, yielding, at most 3 times
    };
    Kind kind = Kind::yield;
    int a = 0;
    int b = 0;
    std::vector<Op> inner;
};

struct GeneratedProgram {
    int mutexes = 1;
    int atomics = 1;
    std::vector<std::vector<Op>> threads;
    int spurious = 0;
    // An extra mutex in engine-managed memory that one thread may dispose
    // of while others use it; main disposes of it at the end otherwise.
    bool extra = false;
    // A small step bound for some programs, so that executions are cut
    // (reported as livelocks) and DPOR must still cover what the cut hid.
    int max_steps = 5000;
};

// A small deterministic generator: the standard distributions differ
// between library implementations, the raw engine does not.
class Dice {
public:
    explicit Dice(std::uint64_t seed) : engine_(seed) {}
    int below(int n) { return static_cast<int>(engine_() % static_cast<std::uint64_t>(n)); }
    bool chance(int percent) { return below(100) < percent; }

private:
    std::mt19937_64 engine_;
};

Op random_simple_op(Dice& dice, const GeneratedProgram& program, bool holds_cv_mutex) {
    Op op;
    int roll = dice.below(holds_cv_mutex ? 100 : 80);
    if (roll < 14) {
        op.kind = Op::Kind::load;
    } else if (roll < 26) {
        op.kind = Op::Kind::store;
        op.b = 1 + dice.below(2);
    } else if (roll < 36) {
        op.kind = Op::Kind::fetch_add;
    } else if (roll < 42) {
        op.kind = Op::Kind::exchange;
        op.b = 1 + dice.below(3);
    } else if (roll < 52) {
        op.kind = Op::Kind::cell_read;
    } else if (roll < 60) {
        op.kind = Op::Kind::cell_write;
    } else if (roll < 67) {
        op.kind = Op::Kind::pause;
        op.b = 5 * (1 + dice.below(3));
    } else if (roll < 72) {
        op.kind = Op::Kind::yield;
    } else if (roll < 76) {
        op.kind = Op::Kind::spawn_child;
        op.b = 1 + dice.below(3);
    } else if (roll < 80) {
        op.kind = Op::Kind::spin;
    } else if (roll < 87) {
        op.kind = Op::Kind::signal;
    } else if (roll < 91) {
        op.kind = Op::Kind::broadcast;
    } else {
        op.kind = Op::Kind::timed_wait;
        op.b = 5 * (1 + dice.below(3));
    }
    op.a = dice.below(program.atomics);
    return op;
}

// Steps an operation takes at most, to keep the generated programs small
// enough for plain DFS.
int weight(const Op& op) {
    switch (op.kind) {
    case Op::Kind::lock_block: {
        int total = 2;
        for (const Op& inner : op.inner)
            total += weight(inner);
        return total;
    }
    case Op::Kind::timed_wait: return 3;
    case Op::Kind::pause: return 5;
    case Op::Kind::spawn_child: return 3;
    case Op::Kind::cell_read:
    case Op::Kind::cell_write:
    case Op::Kind::extra_dispose: return 0;
    case Op::Kind::extra_use: return 2;
    case Op::Kind::spin: return 3;
    default: return 1;
    }
}

GeneratedProgram generate(std::uint64_t seed) {
    Dice dice(seed);
    GeneratedProgram program;
    program.mutexes = 1 + dice.below(2);
    program.atomics = 1 + dice.below(2);
    program.spurious = dice.chance(15) ? 1 : 0;
    int thread_count = 2 + dice.below(3);
    // A budget of steps over all threads: fewer threads get more each.
    int budget = 4;
    if (thread_count == 2)
        budget = 8;
    else if (thread_count == 3)
        budget = 6;
    std::vector<int> left(thread_count, budget / thread_count);
    program.threads.resize(thread_count);
    for (int t = 0; t < thread_count; ++t) {
        auto& ops = program.threads[t];
        for (int attempt = 0; attempt < 4 && left[t] > 0; ++attempt) {
            Op op;
            if (dice.chance(45)) {
                op.kind = Op::Kind::lock_block;
                op.a = dice.below(program.mutexes);
                int inner = dice.below(3);
                for (int i = 0; i < inner; ++i) {
                    if (op.a == 0 && program.mutexes > 1 && dice.chance(20)) {
                        // A nested block takes the other mutex inside this one.
                        Op nested;
                        nested.kind = Op::Kind::lock_block;
                        nested.a = 1;
                        nested.inner.push_back(random_simple_op(dice, program, false));
                        op.inner.push_back(nested);
                    } else {
                        op.inner.push_back(random_simple_op(dice, program, op.a == 0));
                    }
                }
                if (op.a != 0 && dice.chance(20))
                    op.inner.push_back(Op{Op::Kind::lock_block, 0, 0, {}});
            } else {
                op = random_simple_op(dice, program, false);
            }
            int cost = weight(op);
            if (cost > left[t] + 1)
                continue;
            left[t] -= std::max(cost, 1);
            ops.push_back(op);
        }
    }
    if (dice.chance(10))
        program.max_steps = 10 + dice.below(8);
    if (dice.chance(20)) {
        program.extra = true;
        int disposer = dice.below(thread_count);
        auto& disposer_ops = program.threads[disposer];
        disposer_ops.insert(disposer_ops.begin() + dice.below(static_cast<int>(disposer_ops.size()) + 1),
                            Op{Op::Kind::extra_dispose, 0, 0, {}});
        int user = (disposer + 1 + dice.below(thread_count - 1)) % thread_count;
        auto& user_ops = program.threads[user];
        user_ops.insert(user_ops.begin() + dice.below(static_cast<int>(user_ops.size()) + 1),
                        Op{Op::Kind::extra_use, 0, 0, {}});
    }
    return program;
}

std::string describe_ops(const std::vector<Op>& ops) {
    static const char* const names[] = {
        "lock",      "load",       "store", "fetch_add", "exchange", "read",      "write",
        "signal",    "broadcast",  "timed_wait", "pause", "spawn",   "yield",     "extra_use",
        "extra_dispose", "spin"};
    std::string text;
    for (const Op& op : ops) {
        if (!text.empty())
            text += ' ';
        text += fmt::format("{}({},{})", names[static_cast<int>(op.kind)], op.a, op.b);
        if (op.kind == Op::Kind::lock_block)
            text += "{" + describe_ops(op.inner) + "}";
    }
    return text;
}

std::string describe(const GeneratedProgram& program) {
    std::string text = fmt::format("mutexes {} atomics {} spurious {} extra {} max steps {}",
                                   program.mutexes, program.atomics, program.spurious,
                                   program.extra, program.max_steps);
    for (std::size_t t = 0; t < program.threads.size(); ++t)
        text += fmt::format("\n  thread {}: {}", t + 1, describe_ops(program.threads[t]));
    return text;
}

// The objects every generated thread shares, created by main.
struct World {
    std::vector<std::unique_ptr<P::mutex>> mutexes;
    std::vector<std::unique_ptr<P::atomic<int>>> atomics;
    std::unique_ptr<P::condvar> condvar;
    std::unique_ptr<P::shared<int>> cell;
    P::mutex* extra = nullptr;
    bool extra_disposed = false;  // written by the disposer, read by main after the joins
};

void run_ops(World& world, const std::vector<Op>& ops, std::uint32_t& digest) {
    for (const Op& op : ops) {
        switch (op.kind) {
        case Op::Kind::lock_block:
            world.mutexes[op.a]->lock();
            run_ops(world, op.inner, digest);
            world.mutexes[op.a]->unlock();
            break;
        case Op::Kind::load:
            digest = digest * 31 + static_cast<std::uint32_t>(world.atomics[op.a]->load());
            break;
        case Op::Kind::store:
            world.atomics[op.a]->store(op.b, std::memory_order_release);
            break;
        case Op::Kind::fetch_add:
            digest = digest * 31 + static_cast<std::uint32_t>(world.atomics[op.a]->fetch_add(1));
            break;
        case Op::Kind::exchange: {
            int expected = 0;
            bool swapped = world.atomics[op.a]->compare_exchange_strong(expected, op.b);
            digest = digest * 31 + (swapped ? 1u : 2u);
            break;
        }
        case Op::Kind::cell_read:
            digest = digest * 31 + static_cast<std::uint32_t>(world.cell->read());
            break;
        case Op::Kind::cell_write:
            world.cell->write() += 1;
            break;
        case Op::Kind::signal:
            world.condvar->signal();
            break;
        case Op::Kind::broadcast:
            world.condvar->broadcast();
            break;
        case Op::Kind::timed_wait: {
            bool expired = world.condvar->timed_wait(*world.mutexes[0], milliseconds(op.b));
            digest = digest * 31 + (expired ? 3u : 4u);
            break;
        }
        case Op::Kind::pause: {
            P::mutex interlock(vtp::mutex_kind::adaptive, "interlock");
            interlock.lock();
            P::pause(milliseconds(op.b), interlock);
            interlock.unlock();
            break;
        }
        case Op::Kind::spawn_child: {
            P::atomic<int>& target = *world.atomics[op.a];
            int value = op.b;
            ThreadId child = checker::sim::spawn([&target, value] { target.store(value); });
            checker::sim::join(child);
            break;
        }
        case Op::Kind::yield:
            checker::sim::yield();
            break;
        case Op::Kind::extra_use:
            world.extra->lock();
            world.extra->unlock();
            break;
        case Op::Kind::extra_dispose:
            P::dispose(world.extra);
            world.extra_disposed = true;
            break;
        case Op::Kind::spin:
            for (int tries = 0; tries < 3 && world.atomics[op.a]->load() == 0; ++tries)
                checker::sim::yield();
            break;
        }
    }
}

Program make_generated(const GeneratedProgram& generated) {
    return make_program("generated", [generated] {
        World world;
        for (int i = 0; i < generated.mutexes; ++i)
            world.mutexes.push_back(
                std::make_unique<P::mutex>(vtp::mutex_kind::adaptive, "mutex"));
        for (int i = 0; i < generated.atomics; ++i)
            world.atomics.push_back(std::make_unique<P::atomic<int>>(0, "atomic"));
        world.condvar = std::make_unique<P::condvar>("condvar");
        world.cell = std::make_unique<P::shared<int>>(0);
        if (generated.extra)
            world.extra = P::make<P::mutex>(vtp::mutex_kind::adaptive, "extra");

        std::vector<std::uint32_t> digests(generated.threads.size(), 0);
        std::vector<ThreadId> threads;
        for (std::size_t t = 0; t < generated.threads.size(); ++t)
            threads.push_back(checker::sim::spawn([&world, &generated, &digests, t] {
                run_ops(world, generated.threads[t], digests[t]);
            }));
        join_all(threads);
        if (generated.extra && !world.extra_disposed)
            P::dispose(world.extra);
        std::string facts;
        for (std::uint32_t digest : digests)
            facts += fmt::format("{} ", digest);
        checker::sim::outcome(facts);
    });
}

struct Totals {
    int programs = 0;
    int too_large = 0;  // seeds whose plain DFS exceeded its budget
    long long dpor_executions = 0;
    long long traces = 0;
    long long dfs_executions = 0;
    double worst_ratio = 0;
    std::uint64_t worst_seed = 0;
};

// Plain DFS executions per program.  A program that needs more is skipped
// and counted, because it would test the budget rather than DPOR.
constexpr std::int64_t dfs_budget = 20'000;

void compare_on_seeds(std::uint64_t first, std::uint64_t count, Totals& totals) {
    for (std::uint64_t seed = first; seed < first + count; ++seed) {
        GeneratedProgram generated = generate(seed);
        CAPTURE(seed);
        INFO(describe(generated));
        Program program = make_generated(generated);
        auto tune = [&generated](Options& options) {
            options.max_timeouts = 2;
            options.max_spurious_wakeups = generated.spurious;
            options.max_steps = generated.max_steps;
            options.max_executions = dfs_budget;
        };
        Run dfs = explore_program(program, StrategyKind::dfs, true, tune);
        if (!dfs.result.stop_reason.empty()) {
            ++totals.too_large;
            continue;
        }
        Run dpor = explore_program(program, StrategyKind::dpor, true, tune);

        CHECK(dpor.result.stop_reason.empty());
        CHECK(dpor.result.terminal_states == dfs.result.terminal_states);
        CHECK_MESSAGE(dpor.violations == dfs.violations, "dpor: ", violation_names(dpor.violations),
                      "; dfs: ", violation_names(dfs.violations));
        CHECK(dpor.complete_traces == dfs.complete_traces);

        ++totals.programs;
        totals.dpor_executions += dpor.result.executions;
        totals.traces += static_cast<long long>(dfs.all_traces.size());
        totals.dfs_executions += dfs.result.executions;
        double ratio = static_cast<double>(dpor.result.executions) /
                       static_cast<double>(dfs.all_traces.size());
        if (ratio > totals.worst_ratio) {
            totals.worst_ratio = ratio;
            totals.worst_seed = seed;
        }
    }
}

void print_totals(const std::string& label, const Totals& totals) {
    MESSAGE(label << ": " << totals.programs << " programs compared, " << totals.too_large
                  << " over the DFS budget, DFS " << totals.dfs_executions
                  << " executions, " << totals.traces << " traces, DPOR "
                  << totals.dpor_executions << " executions (worst ratio " << totals.worst_ratio
                  << " at seed " << totals.worst_seed << ")");
}

}  // namespace

TEST_CASE("generated programs: DPOR matches DFS") {
    Totals totals;
    compare_on_seeds(1, 300, totals);
    print_totals("seeds 1-300", totals);
    CHECK(totals.too_large * 10 < 300);
    // Over all programs, DPOR stays within 20% of one execution per trace.
    CHECK(totals.dpor_executions * 10 <= totals.traces * 12);
}

// Ten times the seeds, for several minutes; skipped in the default run.
// Run it with: engine_tests --no-skip --test-case="generated programs: long run"
TEST_CASE("generated programs: long run" * doctest::skip()) {
    Totals totals;
    compare_on_seeds(1000, 3000, totals);
    print_totals("seeds 1000-3999", totals);
    CHECK(totals.too_large * 10 < 3000);
    CHECK(totals.dpor_executions * 10 <= totals.traces * 12);
}

}  // namespace engine_test
