// Helpers shared by the production pool's tests.
//
//   interlock_guard      scoped lock of a job interlock
//   wait_on              timed condition-variable wait for a predicate
//   poll_until           polling wait for state that nothing signals
//   current_thread_*     id, name and CPU affinity of the calling thread
//   watchdog             ends a test that hangs inside the pool, with a report
//   run_child            runs a registered child scenario in a new process
//   check_aborted_with   checks how such a child ended
//   gated_job            a job that waits at a gate the test opens
//
// Every wait here has a deadline, and the tests fail loudly when it passes:
// a hang in the pool becomes a failed check instead of a stuck test run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <sys/types.h>

#include "model/vtp.hpp"

namespace vtp::test {

using P = vtp::prod::platform;
using vtp::prod::job;
using vtp::prod::mutex;
using vtp::prod::pool;
using vtp::prod::pool_percpu;
using vtp::prod::registry;
using condvar = P::condvar;

// The deadline of every wait for the pool to make progress.  It is far
// longer than any step should take, even under ThreadSanitizer.
inline constexpr std::chrono::milliseconds wait_timeout{10'000};

class VTP_TSA(scoped_lockable) interlock_guard {
public:
    explicit interlock_guard(mutex& lock) VTP_ACQUIRE(lock) : lock_(lock) { lock_.lock(); }
    ~interlock_guard() VTP_RELEASE() { lock_.unlock(); }
    interlock_guard(const interlock_guard&) = delete;
    interlock_guard& operator=(const interlock_guard&) = delete;

private:
    mutex& lock_;
};

// Waits on cv, with its interlock held, until done() is true or the timeout
// passes.  Returns done() at the end, so a timeout returns false.
template <class Predicate>
bool wait_on(condvar& cv, mutex& lock, Predicate done,
             std::chrono::milliseconds timeout = wait_timeout) VTP_REQUIRES(lock) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline)
            return done();
        cv.timed_wait(lock, std::chrono::ceil<std::chrono::milliseconds>(deadline - now));
    }
    return true;
}

// Polls done() every millisecond until it is true or the timeout passes.
// Only for state that no one signals, such as the set of live threads.
bool poll_until_impl(bool (*done)(void*), void* context, std::chrono::milliseconds timeout);

template <class Predicate>
bool poll_until(Predicate done, std::chrono::milliseconds timeout = wait_timeout) {
    return poll_until_impl([](void* c) { return (*static_cast<Predicate*>(c))(); }, &done,
                           timeout);
}

pid_t current_thread_id();
std::string current_thread_name();

// The CPUs the calling thread may run on, in increasing order.
std::vector<int> current_thread_affinity();

// Binds the calling thread to one CPU.  Returns 0 or an error number.
int bind_current_thread(int cpu);

// Ends the process with a report if it is still alive after the timeout,
// for tests whose waits happen inside the pool (a waiting cancel, a
// destroy) and so cannot time out themselves.  describe() returns the
// test's own view of the state, printed before the abort.
class watchdog {
public:
    watchdog(std::chrono::milliseconds timeout, std::function<std::string()> describe);
    ~watchdog();
    watchdog(const watchdog&) = delete;
    watchdog& operator=(const watchdog&) = delete;

private:
    std::mutex lock_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

// How a child scenario ended.
struct child_result {
    bool timed_out = false;     // killed after the timeout
    bool exited = false;        // ended by exit() with exit_code
    int exit_code = -1;
    int signal = 0;             // the signal that ended it, if not exited
    std::string error_output;   // everything the child wrote to stderr

    std::string describe() const;
};

// A scenario that runs in a child process: a test that expects the process
// to end (a failed check, an uncaught job exception) runs it there.
using child_scenario = void (*)();

struct child_scenario_registration {
    child_scenario_registration(const char* name, child_scenario scenario);
};

#define VTP_CHILD_SCENARIO(identifier)                                                 \
    static void identifier();                                                          \
    static const ::vtp::test::child_scenario_registration identifier##_registration{ \
        #identifier, &identifier};                                                     \
    static void identifier()

// Runs the scenario registered under name in a fresh copy of this test
// program (fork, then exec of /proc/self/exe), so that the child starts
// with one thread whatever the parent runs.  Kills it after timeout.
child_result run_child(const char* name, std::chrono::milliseconds timeout = wait_timeout);

// Checks that a child ended by abort() and that its stderr contains every
// one of fragments.
void check_aborted_with(const child_result& result,
                        std::initializer_list<std::string_view> fragments);

// Called by main(): runs the scenario named by the environment if this
// process is such a child, and then exits.  Returns if it is not a child.
void run_child_scenario_if_requested();

}  // namespace vtp::test

namespace vtp::test {

// A job that reports each start, then waits until the test opens its gate
// (or for one run, releases it), and records what it saw.  Every field is
// guarded by lock, the job's interlock.
struct gated_job : job {
    mutex lock{mutex_kind::adaptive, "gated_job"};
    condvar cv{"gated_job"};
    bool gate_open = false;        // runs pass straight through
    int releases = 0;              // runs allowed through the closed gate
    int started = 0;               // runs that began
    int finished = 0;              // runs that called job_done
    int running = 0;               // runs between start and job_done
    int max_running = 0;           // maximum of running ever seen
    bool release_timed_out = false;
    std::string name_in_job;       // thread name while the last run ran
    std::string name_after_done;   // thread name right after its job_done
    pid_t thread_id = 0;           // kernel id of the last run's thread

    // Initialises the job with the given name (a printf format with no
    // arguments).  The caller destroys it with threadpool_job_destroy.
    explicit gated_job(const char* name);

    static void run(threadpool_job<P>* base);

    // Wait, with lock held, until started or finished reaches count.
    bool wait_started(int count) VTP_REQUIRES(lock);
    bool wait_finished(int count) VTP_REQUIRES(lock);

    // Let one run that waits at the gate go on.
    void release_one() VTP_REQUIRES(lock);
};

}  // namespace vtp::test
