// The corpus: small hand-written programs with known bugs or none, used to
// check DPOR against plain DFS and against the brute-force count of
// Mazurkiewicz traces.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "tests/engine/support.hpp"

namespace engine_test {

struct CorpusProgram {
    std::string name;
    std::function<void()> body;
    // Adjusts the default options (bounds such as spurious wakeups).
    std::function<void(Options&)> tune;
    // The violation kinds the planted bug must produce; empty for a correct
    // program.
    std::set<ViolationKind> planted;
    // DPOR's executions (every execution started, sleep-set-blocked ones
    // included), recorded after checking them against the trace count.
    long long dpor_executions = 0;
};

const std::vector<CorpusProgram>& corpus();

}  // namespace engine_test
