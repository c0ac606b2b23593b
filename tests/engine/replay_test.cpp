// Determinism: the same decision list gives the same steps, byte for byte,
// and the same violation; a list that does not fit is reported where it
// stops fitting.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include "tests/engine/corpus.hpp"
#include "tests/engine/support.hpp"

namespace engine_test {

namespace {

// Everything a step records, as text: operation, thread, objects, source
// location, enabled threads, enabling step, decisions and result.
std::string describe_step(const checker::Step& step) {
    std::string text = fmt::format("{} {} t{} o{} o{} {}:{} {} enabled", step.index,
                                   checker::to_string(step.op), step.thread, step.object,
                                   step.object2, step.loc.file(), step.loc.line(), step.loc.function());
    for (checker::ThreadId thread : step.enabled)
        text += fmt::format(" {}", thread);
    text += fmt::format(" by {} preempt {} spawned {} result {}", step.enabled_by, step.preemption,
                        step.spawned, step.result);
    for (const checker::Decision& decision : step.choices)
        text += fmt::format(" {}={}/{}", checker::to_string(decision.kind), decision.value,
                            decision.alternatives);
    return text;
}

std::vector<std::string> describe_steps(const std::vector<checker::Step>& steps) {
    std::vector<std::string> lines;
    for (const checker::Step& step : steps)
        lines.push_back(describe_step(step));
    return lines;
}

std::string describe_violation(const checker::Violation& violation) {
    std::string text = fmt::format("{} {} step {} at {}:{}: {} threads",
                                   checker::to_string(violation.kind), violation.property,
                                   violation.step, violation.loc.file(), violation.loc.line(),
                                   violation.message);
    for (checker::ThreadId thread : violation.threads)
        text += fmt::format(" {}", thread);
    text += " objects";
    for (checker::ObjectId object : violation.objects)
        text += fmt::format(" {}", object);
    return text;
}

const CorpusProgram& corpus_entry(const std::string& name) {
    for (const CorpusProgram& entry : corpus()) {
        if (entry.name == name)
            return entry;
    }
    throw std::invalid_argument("no corpus program named " + name);
}

checker::Result replay(const CorpusProgram& entry, const checker::DecisionList& decisions) {
    Options options;
    if (entry.tune)
        entry.tune(options);
    options.strategy = StrategyKind::replay;
    options.replay = decisions;
    return checker::explore(make_program(entry.name, entry.body), options);
}

const char* const planted_programs[] = {
    "lost_update",    "check_then_act",  "lock_order_inversion", "lost_wakeup",
    "signal_instead_of_broadcast",       "spurious_if",          "relaxed_message",
    "missing_join",   "dispose_unordered", "leaked_waiter",
};

}  // namespace

TEST_CASE("replay: a counterexample gives the same steps and violation") {
    for (const char* name : planted_programs) {
        const CorpusProgram& entry = corpus_entry(name);
        for (StrategyKind strategy : {StrategyKind::dpor, StrategyKind::dfs, StrategyKind::random}) {
            CAPTURE(name);
            CAPTURE(checker::to_string(strategy));
            Options options;
            if (entry.tune)
                entry.tune(options);
            options.strategy = strategy;
            checker::Result found = checker::explore(make_program(entry.name, entry.body), options);
            REQUIRE(found.counterexample.has_value());
            const checker::Counterexample& original = *found.counterexample;

            checker::Result replayed = replay(entry, original.decisions);
            CHECK(replayed.outcome == Outcome::violation);
            CHECK(replayed.executions == 1);
            REQUIRE(replayed.counterexample.has_value());
            CHECK(describe_steps(replayed.counterexample->steps) == describe_steps(original.steps));
            CHECK(describe_violation(replayed.counterexample->violation) ==
                  describe_violation(original.violation));
            CHECK(replayed.counterexample->decisions == original.decisions);

            // And once more: the replay itself is repeatable.
            checker::Result again = replay(entry, original.decisions);
            REQUIRE(again.counterexample.has_value());
            CHECK(describe_steps(again.counterexample->steps) ==
                  describe_steps(replayed.counterexample->steps));
        }
    }
}

TEST_CASE("replay: a counterexample found while keeping going") {
    // With keep_going an execution runs on after its violation; the
    // counterexample keeps only the steps up to the violation, and their
    // decisions replay to it.
    for (const char* name : planted_programs) {
        CAPTURE(name);
        const CorpusProgram& entry = corpus_entry(name);
        Options options;
        if (entry.tune)
            entry.tune(options);
        options.keep_going = true;
        checker::Result found = checker::explore(make_program(entry.name, entry.body), options);
        REQUIRE(found.counterexample.has_value());
        const checker::Counterexample& original = *found.counterexample;
        CHECK(static_cast<int>(original.steps.size()) == original.violation.step + 1);

        checker::Result replayed = replay(entry, original.decisions);
        CHECK(replayed.outcome == Outcome::violation);
        REQUIRE(replayed.counterexample.has_value());
        CHECK(describe_steps(replayed.counterexample->steps) == describe_steps(original.steps));
        CHECK(describe_violation(replayed.counterexample->violation) ==
              describe_violation(original.violation));
    }
}

TEST_CASE("replay: a decision list that does not fit diverges") {
    const CorpusProgram& entry = corpus_entry("lost_update");
    checker::Result found = checker::explore(make_program(entry.name, entry.body), Options{});
    REQUIRE(found.counterexample.has_value());
    checker::DecisionList decisions = found.counterexample->decisions;
    REQUIRE(decisions.size() > 3);

    // Step 0 is main's first spawn: thread 2 does not exist yet.
    checker::DecisionList wrong_thread = decisions;
    wrong_thread[0].value = 2;
    wrong_thread[0].alternatives = 3;
    checker::Result result = replay(entry, wrong_thread);
    CHECK(result.outcome == Outcome::diverged);
    CHECK(result.divergence_step == 0);
    CHECK(result.divergence == "the trace runs thread 2 but it is not enabled");
    // A divergence is not a sleep-set cut.
    CHECK(result.sleep_blocked == 0);

    // A decision of another kind where the program schedules a thread.
    checker::DecisionList wrong_kind = decisions;
    wrong_kind[1] = checker::Decision{checker::DecisionKind::waiter, 0, 2};
    result = replay(entry, wrong_kind);
    CHECK(result.outcome == Outcome::diverged);
    CHECK(result.divergence_step == 1);
    CHECK(result.divergence == "the trace has a waiter decision where the program schedules a "
                               "thread");
}

TEST_CASE("random walk: the same seed gives the same executions") {
    const CorpusProgram& entry = corpus_entry("tokens_signal");
    auto run = [&entry] {
        std::vector<std::string> executions;
        Options options;
        options.strategy = StrategyKind::random;
        options.seed = 11;
        options.max_executions = 50;
        checker::ExploreHooks hooks;
        hooks.on_execution = [&executions](const checker::Execution& execution) {
            std::string text;
            for (const std::string& line : describe_steps(execution.steps()))
                text += line + "\n";
            executions.push_back(std::move(text));
        };
        checker::explore(make_program(entry.name, entry.body), options, hooks);
        return executions;
    };
    std::vector<std::string> first = run();
    CHECK(first.size() == 50);
    CHECK(run() == first);
}

}  // namespace engine_test
