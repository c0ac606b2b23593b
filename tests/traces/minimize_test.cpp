// Minimisation: shorter traces (fewer preemptions, injected events, steps)
// that still violate the same property, and never a longer one.
#include <doctest/doctest.h>

#include "tests/traces/test_scenarios.hpp"
#include "traces/follow.hpp"
#include "traces/minimize.hpp"
#include "traces/replay.hpp"

using namespace trace_tests;

namespace {

// The lost_update program with two workers and three yields each, run on a
// schedule that switches between the workers at every step.
traces::Trace padded_trace() {
    traces::Parameters parameters{{"workers", 2}, {"padding", 3}};
    const properties::Scenario* scenario = find_scenario("lost_update");
    checker::Program program = scenario->make(parameters);
    checker::Options options = lost_update_options();

    // Main (thread 0) spawns both workers (threads 1 and 2), then the
    // workers alternate: yield, yield, yield, load, store each.
    checker::DecisionList decisions = {{checker::DecisionKind::thread, 0, 1},
                                       {checker::DecisionKind::thread, 0, 2}};
    for (int round = 0; round < 5; ++round) {
        decisions.push_back({checker::DecisionKind::thread, 1, 3});
        decisions.push_back({checker::DecisionKind::thread, 2, 3});
    }
    traces::RunRecord run = traces::run_lenient(program, options, decisions);
    REQUIRE(run.violated);
    REQUIRE(run.record.violation.property == "lost_update");
    traces::TraceContext context{std::string(tool_version()), "lost_update", parameters, options};
    return traces::make_trace(run.record, context);
}

void check_minimized(const traces::Trace& original, const traces::MinimizeReport& report) {
    CHECK(report.before == traces::measure(original));
    CHECK(report.after == traces::measure(report.trace));
    CHECK(report.after <= report.before);
    CHECK(report.trace.violation.kind == original.violation.kind);
    CHECK(report.trace.violation.property == original.violation.property);
    CHECK_MESSAGE(report.check.status == traces::ReplayStatus::reproduced, report.check.message);
    CHECK(report.trace.scenario == original.scenario);
    CHECK(report.trace.parameters == original.parameters);
    CHECK(report.trace.bounds == original.bounds);
}

}  // namespace

TEST_CASE("measure orders preemptions first") {
    traces::Measure fewer_preemptions{1, 5, 90};
    traces::Measure more_preemptions{2, 0, 10};
    CHECK(fewer_preemptions < more_preemptions);
    CHECK(traces::Measure{1, 1, 50} < traces::Measure{1, 2, 10});
    CHECK(traces::Measure{1, 1, 9} < traces::Measure{1, 1, 10});
    CHECK(traces::to_string(traces::Measure{1, 2, 3}) ==
          "1 preemptions, 2 injected events, 3 steps");
}

TEST_CASE("padded preemptions minimize") {
    traces::Trace padded = padded_trace();
    traces::Measure before = traces::measure(padded);
    REQUIRE(before.preemptions >= 6);
    traces::ReplayReport exact = traces::replay(padded, lookup(), "padded");
    REQUIRE_MESSAGE(exact.status == traces::ReplayStatus::reproduced, exact.message);

    traces::MinimizeReport report = traces::minimize(padded, lookup(), "padded");
    check_minimized(padded, report);
    CHECK(report.after < report.before);
    CHECK(report.after.preemptions < before.preemptions);
    // A lost update needs one worker to be preempted between its load and
    // its store; one preemption is the least.
    CHECK(report.after.preemptions == 1);
    CHECK(report.after.steps <= before.steps);
    CHECK(!report.budget_hit);
    MESSAGE("before: " << traces::to_string(report.before)
                       << "; after: " << traces::to_string(report.after) << "; runs "
                       << report.runs);
}

TEST_CASE("minimize removes injected events") {
    // Random search with spurious wakeups and creation failures allowed:
    // pick the first seed whose trace has more injected events than the
    // one timeout the violation needs.
    checker::Options options = timed_handoff_options();
    traces::Trace noisy;
    bool found = false;
    for (std::uint64_t seed = 1; seed <= 200 && !found; ++seed) {
        options.seed = seed;
        options.max_executions = 50;
        traces::Trace trace = find_trace("timed_handoff", {{"attempts", 4}}, options);
        if (traces::measure(trace).injected >= 3) {
            noisy = trace;
            found = true;
        }
    }
    REQUIRE(found);
    traces::MinimizeReport report = traces::minimize(noisy, lookup(), "noisy");
    check_minimized(noisy, report);
    CHECK(report.after < report.before);
    CHECK(report.after.injected == 1);
    MESSAGE("before: " << traces::to_string(report.before)
                       << "; after: " << traces::to_string(report.after));
}

TEST_CASE("minimize never returns a longer trace") {
    std::vector<traces::Trace> samples;
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        checker::Options options;
        options.strategy = checker::StrategyKind::random;
        options.seed = seed;
        options.max_executions = 500;
        samples.push_back(find_trace("lost_update", {{"workers", 3}, {"padding", 2}}, options));
        checker::Options handoff = timed_handoff_options();
        handoff.seed = seed;
        samples.push_back(find_trace("timed_handoff", {}, handoff));
    }
    samples.push_back(find_trace("lock_inversion", {}, lost_update_options()));
    samples.push_back(find_trace("immediate", {}, lost_update_options()));
    for (const traces::Trace& trace : samples) {
        CAPTURE(trace.scenario);
        CAPTURE(trace.seed);
        traces::MinimizeReport report = traces::minimize(trace, lookup(), "sample");
        check_minimized(trace, report);
        // Minimising again finds nothing shorter.
        traces::MinimizeReport again = traces::minimize(report.trace, lookup(), "sample");
        CHECK(again.after == report.after);
    }
}

TEST_CASE("minimize stops at its run budget") {
    traces::Trace padded = padded_trace();
    traces::MinimizeOptions options;
    options.max_runs = 3;
    traces::MinimizeReport report = traces::minimize(padded, lookup(), "padded", options);
    CHECK(report.budget_hit);
    CHECK(report.runs <= 3);
    CHECK(report.stop_reason.find("3 runs") != std::string::npos);
    check_minimized(padded, report);
}

TEST_CASE("minimize rejects a trace that does not fail") {
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    trace.violation.property = "never_reported";
    CHECK_THROWS_WITH_AS(traces::minimize(trace, lookup(), "bug.json"),
                         doctest::Contains("never_reported"), traces::TraceError);
    trace.scenario = "no_such_scenario";
    CHECK_THROWS_WITH_AS(traces::minimize(trace, lookup(), "bug.json"),
                         doctest::Contains("unknown scenario"), traces::TraceError);
}

TEST_CASE("minimize repairs a trace that diverges") {
    // A shortened decision list still leads, followed leniently, to the
    // same violation.  The result must be a trace that replays exactly.
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    REQUIRE(trace.decisions.size() > 3);
    traces::Trace broken = trace;
    broken.decisions.resize(trace.decisions.size() - 1);
    REQUIRE(traces::replay(broken, lookup(), "broken").status != traces::ReplayStatus::reproduced);

    traces::MinimizeReport report = traces::minimize(broken, lookup(), "broken");
    CHECK(report.input_check.status == traces::ReplayStatus::diverged);
    CHECK_MESSAGE(report.check.status == traces::ReplayStatus::reproduced, report.check.message);
    CHECK(report.trace.violation.property == trace.violation.property);
}

TEST_CASE("lenient follower falls back without preempting") {
    const properties::Scenario* scenario = find_scenario("lost_update");
    checker::Program program = scenario->make({{"workers", 2}, {"padding", 0}});
    // A thread that does not exist, a decision of the wrong kind, and then
    // nothing: every step falls back to the default.
    checker::DecisionList decisions = {{checker::DecisionKind::thread, 5, 6},
                                       {checker::DecisionKind::waiter, 1, 2}};
    traces::LenientStrategy strategy(decisions);
    traces::RunRecord run = traces::run_with_strategy(program, lost_update_options(), strategy);
    CHECK(!run.violated);  // no preemption, so no lost update
    CHECK(strategy.mismatches() >= 2);
    for (const checker::Step& step : run.record.steps)
        CHECK(!step.preemption);
}
