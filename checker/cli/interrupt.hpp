// Stopping `tpcheck check` cleanly on SIGINT or SIGTERM: the search in
// progress ends as incomplete, and the reports list every scenario.
#pragma once

#include <atomic>
#include <csignal>

namespace tpcheck {

// While alive, turns SIGINT and SIGTERM into a stop request that
// interrupted() reads.  A second SIGINT ends the process at once.
class InterruptGuard {
public:
    InterruptGuard();
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    // The flag the handler sets, for a search to poll between executions.
    static const std::atomic<bool>& flag();
    static bool interrupted() { return flag().load(std::memory_order_relaxed); }

private:
    struct sigaction previous_int_ {};
    struct sigaction previous_term_ {};
};

}  // namespace tpcheck
