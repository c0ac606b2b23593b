// Random walk and PCT: with a fixed seed they find each planted bug of the
// corpus within a modest number of executions, and on correct programs they
// report a sampled run (no violation, no proof).
#include <doctest/doctest.h>

#include <string>

#include "tests/engine/corpus.hpp"

namespace engine_test {

namespace {

constexpr std::int64_t sample_size = 200;

checker::Result sample(const CorpusProgram& entry, StrategyKind strategy, std::uint64_t seed) {
    Options options;
    if (entry.tune)
        entry.tune(options);
    options.strategy = strategy;
    options.seed = seed;
    options.max_executions = sample_size;
    return checker::explore(make_program(entry.name, entry.body), options);
}

}  // namespace

TEST_CASE("sampling: planted bugs are found") {
    for (const CorpusProgram& entry : corpus()) {
        if (entry.planted.empty())
            continue;
        for (StrategyKind strategy : {StrategyKind::random, StrategyKind::pct}) {
            CAPTURE(entry.name);
            CAPTURE(checker::to_string(strategy));
            checker::Result result = sample(entry, strategy, 1);
            CHECK(result.outcome == Outcome::violation);
            CHECK(result.executions <= sample_size);
            REQUIRE(result.counterexample.has_value());
            CHECK(entry.planted.count(result.counterexample->violation.kind) == 1);
        }
    }
}

TEST_CASE("sampling: correct programs are sampled, not proved") {
    for (const CorpusProgram& entry : corpus()) {
        if (!entry.planted.empty())
            continue;
        for (StrategyKind strategy : {StrategyKind::random, StrategyKind::pct}) {
            CAPTURE(entry.name);
            CAPTURE(checker::to_string(strategy));
            checker::Result result = sample(entry, strategy, 1);
            CHECK(result.outcome == Outcome::sampled);
            CHECK(result.executions == sample_size);
            CHECK(result.violations == 0);
            CHECK(result.complete == sample_size);
        }
    }
}

TEST_CASE("sampling: PCT finds a bug of depth 2 with depth 2") {
    // The lost update needs one priority change: the first thread must be
    // preempted between its load and its store.
    for (const CorpusProgram& entry : corpus()) {
        if (entry.name != "lost_update")
            continue;
        Options options;
        options.strategy = StrategyKind::pct;
        options.pct_depth = 2;
        options.max_executions = sample_size;
        int found = 0;
        for (std::uint64_t seed = 1; seed <= 10; ++seed) {
            options.seed = seed;
            checker::Result result = checker::explore(make_program(entry.name, entry.body), options);
            if (result.outcome == Outcome::violation)
                ++found;
        }
        CHECK(found == 10);
    }
}

}  // namespace engine_test
