// DPOR against plain DFS and against the brute-force count of Mazurkiewicz
// traces, on every program of the corpus.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <string>

#include "tests/engine/corpus.hpp"

namespace engine_test {

namespace {

std::set<ViolationKind> kinds_of(const std::set<ViolationName>& violations) {
    std::set<ViolationKind> kinds;
    for (const auto& violation : violations)
        kinds.insert(violation.first);
    return kinds;
}

}  // namespace

TEST_CASE("corpus: DPOR matches DFS and the trace count") {
    std::string table = "program                      traces   DPOR  DFS executions\n";
    for (const CorpusProgram& entry : corpus()) {
        CAPTURE(entry.name);
        Program program = make_program(entry.name, entry.body);
        Run dfs = explore_program(program, StrategyKind::dfs, true, entry.tune);
        Run dpor = explore_program(program, StrategyKind::dpor, true, entry.tune);
        auto traces = static_cast<long long>(dfs.all_traces.size());
        table += fmt::format("{:<28} {:>6} {:>6} {:>14}\n", entry.name, traces,
                             dpor.result.executions, dfs.result.executions);

        // Both searches are exhaustive and agree on what they reach.
        CHECK(dfs.result.divergence.empty());
        CHECK(dpor.result.stop_reason.empty());
        CHECK(dpor.result.terminal_states == dfs.result.terminal_states);
        CHECK_MESSAGE(dpor.violations == dfs.violations, "dpor: ", violation_names(dpor.violations),
                      "; dfs: ", violation_names(dfs.violations));
        // DPOR covers every complete Mazurkiewicz trace that DFS reaches.
        CHECK(dpor.complete_traces == dfs.complete_traces);

        // The planted bug is found, and a correct program is clean.
        CHECK(kinds_of(dfs.violations) == entry.planted);

        // DPOR stays within 20% of one execution per trace.
        CHECK(dpor.result.executions * 10 <= traces * 12);
        CHECK(dpor.result.executions == entry.dpor_executions);
    }
    MESSAGE(table);
}

}  // namespace engine_test
