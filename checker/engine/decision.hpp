// Decisions: every nondeterministic outcome of an execution.
//
// Types defined here:
//   DecisionKind   the kinds of nondeterminism, one enumerator each
//   Decision       one recorded outcome: its kind, the value taken, and how
//                  many values were possible at that point
//   DecisionList   the sequence of decisions of one execution; replaying it
//                  reproduces the execution step for step
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace checker {

enum class DecisionKind : std::uint8_t {
    // Which enabled thread takes the next step.  The value is the thread's
    // index in creation order (stable for a given decision prefix).
    thread,
    // Which waiter a condition-variable signal wakes.  The value is the
    // position of the woken thread in the waiter queue.
    waiter,
    // How a blocked thread chosen to run wakes up: 0 = its timer fires (a
    // timed wait times out now, or a sleep ends), 1 = a spurious wakeup
    // (bounded, off by default).  Choosing a blocked thread is itself the
    // decision that the wakeup happens now; this one says which kind.
    wakeup,
    // Whether a thread creation fails (1) or succeeds (0); bounded count.
    creation_failure,
};

inline constexpr DecisionKind all_decision_kinds[] = {
    DecisionKind::thread, DecisionKind::waiter, DecisionKind::wakeup,
    DecisionKind::creation_failure,
};

std::string_view to_string(DecisionKind kind);
std::optional<DecisionKind> decision_kind_from_string(std::string_view name);

struct Decision {
    DecisionKind kind = DecisionKind::thread;
    int value = 0;         // the alternative taken
    int alternatives = 1;  // how many alternatives existed (at least 1)

    friend bool operator==(const Decision&, const Decision&) = default;
};

using DecisionList = std::vector<Decision>;

}  // namespace checker
