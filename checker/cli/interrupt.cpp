#include "checker/cli/interrupt.hpp"

namespace tpcheck {

namespace {

// Lock-free, so that the handler may store to it.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void note_interrupt(int) {
    stop_requested.store(true, std::memory_order_relaxed);
}

// Installs the handler for signal unless the process inherited it ignored
// (a background job of a shell), and keeps the previous action in previous.
void catch_signal(int signal, int flags, struct sigaction& previous) {
    sigaction(signal, nullptr, &previous);
    if (previous.sa_handler == SIG_IGN)
        return;
    struct sigaction action {};
    action.sa_handler = note_interrupt;
    sigemptyset(&action.sa_mask);
    // SA_RESTART: a report being written when the signal comes is finished.
    action.sa_flags = SA_RESTART | flags;
    sigaction(signal, &action, nullptr);
}

}  // namespace

InterruptGuard::InterruptGuard() {
    stop_requested.store(false, std::memory_order_relaxed);
    // A second Ctrl-C ends the process.  SIGTERM never does, because
    // `timeout` may send it to the process and again to its group.
    catch_signal(SIGINT, SA_RESETHAND, previous_int_);
    catch_signal(SIGTERM, 0, previous_term_);
}

InterruptGuard::~InterruptGuard() {
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
}

const std::atomic<bool>& InterruptGuard::flag() {
    return stop_requested;
}

}  // namespace tpcheck
