// Options validation: every bad value is rejected, by validate() and by
// explore(), with a message that names the field, the value and the
// accepted range.
#include <doctest/doctest.h>

#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/engine/support.hpp"

namespace engine_test {

namespace {

struct BadValue {
    const char* field;
    std::function<void(Options&)> set;
    std::string message;
};

const std::vector<BadValue>& bad_values() {
    static const std::vector<BadValue> cases = {
        {"strategy", [](Options& o) { o.strategy = static_cast<StrategyKind>(9); },
         "invalid strategy 9: expected dpor, dfs, random, pct or replay"},
        {"preemption_bound", [](Options& o) { o.preemption_bound = -2; },
         "invalid preemption bound -2: expected a value from -1 to 1000"},
        {"preemption_bound", [](Options& o) { o.preemption_bound = 1001; },
         "invalid preemption bound 1001: expected a value from -1 to 1000"},
        {"max_steps", [](Options& o) { o.max_steps = 0; },
         "invalid max steps 0: expected a value from 1 to 10000000"},
        {"max_steps", [](Options& o) { o.max_steps = 10'000'001; },
         "invalid max steps 10000001: expected a value from 1 to 10000000"},
        {"max_spurious_wakeups", [](Options& o) { o.max_spurious_wakeups = -1; },
         "invalid max spurious wakeups -1: expected a value from 0 to 100"},
        {"max_spurious_wakeups", [](Options& o) { o.max_spurious_wakeups = 101; },
         "invalid max spurious wakeups 101: expected a value from 0 to 100"},
        {"max_creation_failures", [](Options& o) { o.max_creation_failures = -1; },
         "invalid max creation failures -1: expected a value from 0 to 100"},
        {"max_timeouts", [](Options& o) { o.max_timeouts = -1; },
         "invalid max timeouts -1: expected a value from 0 to 1000"},
        {"max_timeouts", [](Options& o) { o.max_timeouts = 1001; },
         "invalid max timeouts 1001: expected a value from 0 to 1000"},
        {"max_threads", [](Options& o) { o.max_threads = 0; },
         "invalid max threads 0: expected a value from 1 to 63"},
        {"max_threads", [](Options& o) { o.max_threads = 64; },
         "invalid max threads 64: expected a value from 1 to 63"},
        {"max_executions", [](Options& o) { o.max_executions = -1; },
         "invalid max executions -1: expected 0 (unlimited) or more"},
        {"max_seconds", [](Options& o) { o.max_seconds = -0.5; },
         "invalid max seconds -0.5: expected 0 (unlimited) or more"},
        {"max_seconds", [](Options& o) { o.max_seconds = std::numeric_limits<double>::quiet_NaN(); },
         "invalid max seconds nan: expected 0 (unlimited) or more"},
        {"pct_depth", [](Options& o) { o.pct_depth = 0; },
         "invalid PCT depth 0: expected a value from 1 to 100"},
        {"pct_depth", [](Options& o) { o.pct_depth = 101; },
         "invalid PCT depth 101: expected a value from 1 to 100"},
        {"replay", [](Options& o) { o.strategy = StrategyKind::replay; },
         "replay needs a decision list: none was given"},
        {"replay",
         [](Options& o) {
             o.strategy = StrategyKind::replay;
             o.replay = {checker::Decision{checker::DecisionKind::thread, 0, 1},
                         checker::Decision{checker::DecisionKind::waiter, 2, 2}};
         },
         "invalid waiter decision: value 2 with 2 alternatives"},
        {"replay",
         [](Options& o) {
             o.replay = {checker::Decision{checker::DecisionKind::wakeup, 0, 0}};
         },
         "invalid wakeup decision: value 0 with 0 alternatives"},
        {"replay",
         [](Options& o) {
             o.replay = {checker::Decision{checker::DecisionKind::creation_failure, -1, 2}};
         },
         "invalid creation_failure decision: value -1 with 2 alternatives"},
    };
    return cases;
}

Program trivial_program() {
    return make_program("trivial", [] { checker::sim::yield(); });
}

}  // namespace

TEST_CASE("options: defaults are valid") {
    CHECK_FALSE(checker::validate(Options{}).has_value());
    Options edges;
    edges.preemption_bound = 1000;
    edges.max_steps = 1;
    edges.max_threads = 63;
    edges.max_timeouts = 0;
    edges.max_executions = 0;
    edges.max_seconds = 0;
    edges.pct_depth = 100;
    CHECK_FALSE(checker::validate(edges).has_value());
}

TEST_CASE("options: each bad value is rejected by name") {
    for (const BadValue& bad : bad_values()) {
        CAPTURE(bad.field);
        Options options;
        bad.set(options);
        auto error = checker::validate(options);
        REQUIRE(error.has_value());
        CHECK(*error == bad.message);

        std::string thrown;
        try {
            checker::explore(trivial_program(), options);
        } catch (const std::invalid_argument& exception) {
            thrown = exception.what();
        }
        CHECK(thrown == bad.message);
    }
}

TEST_CASE("options: a program without a main body") {
    std::string thrown;
    try {
        checker::explore(Program{"empty", {}, {}}, Options{});
    } catch (const std::invalid_argument& exception) {
        thrown = exception.what();
    }
    CHECK(thrown == "the program 'empty' has no main body");
}

TEST_CASE("options: budgets stop an exhaustive search as incomplete") {
    Program program = make_program("budget", [] {
        P::atomic<int> value(0, "value");
        std::vector<checker::ThreadId> threads;
        for (int i = 0; i < 3; ++i)
            threads.push_back(checker::sim::spawn([&value] { value.fetch_add(1); }));
        join_all(threads);
    });
    Options options;
    options.max_executions = 2;
    checker::Result result = checker::explore(program, options);
    CHECK(result.outcome == Outcome::incomplete);
    CHECK(result.executions == 2);
    CHECK(result.stop_reason == "the execution budget of 2 executions");
}

}  // namespace engine_test
