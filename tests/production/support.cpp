#include "tests/production/support.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace vtp::test {

namespace {

// The environment variable that turns a copy of the test program into the
// child that runs one scenario.
constexpr const char* scenario_variable = "VTP_TEST_CHILD_SCENARIO";

std::map<std::string, child_scenario>& scenarios() {
    static std::map<std::string, child_scenario> table;
    return table;
}

}  // namespace

bool poll_until_impl(bool (*done)(void*), void* context, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done(context)) {
        if (std::chrono::steady_clock::now() >= deadline)
            return done(context);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

pid_t current_thread_id() {
    return static_cast<pid_t>(::syscall(SYS_gettid));
}

std::string current_thread_name() {
    char name[64] = {};
    if (pthread_getname_np(pthread_self(), name, sizeof name) != 0)
        return "<pthread_getname_np failed>";
    return name;
}

std::vector<int> current_thread_affinity() {
    cpu_set_t set;
    CPU_ZERO(&set);
    std::vector<int> cpus;
    if (pthread_getaffinity_np(pthread_self(), sizeof set, &set) != 0)
        return cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (CPU_ISSET(cpu, &set))
            cpus.push_back(cpu);
    }
    return cpus;
}

int bind_current_thread(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

watchdog::watchdog(std::chrono::milliseconds timeout, std::function<std::string()> describe) {
    thread_ = std::thread([this, timeout, describe = std::move(describe)] {
        std::unique_lock guard(lock_);
        if (cv_.wait_for(guard, timeout, [this] { return done_; }))
            return;
        std::fprintf(stderr, "watchdog: the test did not finish within %lld ms\n%s\n",
                     static_cast<long long>(timeout.count()), describe().c_str());
        // _Exit, not abort: the test framework's SIGABRT handler is not
        // async-signal-safe, which ThreadSanitizer reports.
        std::fflush(stderr);
        std::_Exit(EXIT_FAILURE);
    });
}

watchdog::~watchdog() {
    {
        std::lock_guard guard(lock_);
        done_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

std::string child_result::describe() const {
    std::string text;
    if (timed_out)
        text = "timed out and was killed";
    else if (exited)
        text = "exited with code " + std::to_string(exit_code);
    else
        text = "ended by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
    return text + "; its stderr:\n" + error_output;
}

child_scenario_registration::child_scenario_registration(const char* name,
                                                         child_scenario scenario) {
    scenarios().emplace(name, scenario);
}

child_result run_child(const char* name, std::chrono::milliseconds timeout) {
    child_result result;
    if (scenarios().count(name) == 0) {
        result.error_output = std::string("no child scenario is registered as ") + name;
        return result;
    }

    // Build the child's environment before fork: after fork only
    // async-signal-safe calls are allowed until exec.
    std::vector<std::string> variables;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        if (std::strncmp(*entry, scenario_variable, std::strlen(scenario_variable)) != 0)
            variables.emplace_back(*entry);
    }
    variables.push_back(std::string(scenario_variable) + "=" + name);
    std::vector<char*> envp;
    for (auto& variable : variables)
        envp.push_back(variable.data());
    envp.push_back(nullptr);
    char program[] = "/proc/self/exe";
    char* argv[] = {program, nullptr};

    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        result.error_output = std::string("pipe2 failed: ") + std::strerror(errno);
        return result;
    }

    const pid_t child = fork();
    if (child < 0) {
        result.error_output = std::string("fork failed: ") + std::strerror(errno);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        return result;
    }
    if (child == 0) {
        // The expected abort must not leave a core file behind.
        const struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        dup2(pipe_fds[1], STDERR_FILENO);
        execve(program, argv, envp.data());
        _exit(127);
    }
    close(pipe_fds[1]);

    // Collect stderr until the child closes it or the deadline passes.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[4096];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            kill(child, SIGKILL);
            break;
        }
        pollfd fd = {pipe_fds[0], POLLIN, 0};
        const int ready = poll(&fd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            continue;
        const ssize_t count = read(pipe_fds[0], buffer, sizeof buffer);
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0)
            break;
        result.error_output.append(buffer, static_cast<std::size_t>(count));
    }
    close(pipe_fds[0]);

    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
        result.exited = true;
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

void check_aborted_with(const child_result& result,
                        std::initializer_list<std::string_view> fragments) {
    INFO("the child ", result.describe());
    CHECK_FALSE(result.timed_out);
    CHECK_FALSE(result.exited);
    CHECK(result.signal == SIGABRT);
    for (const std::string_view fragment : fragments) {
        CAPTURE(fragment);
        CHECK(result.error_output.find(fragment) != std::string::npos);
    }
}

void run_child_scenario_if_requested() {
    const char* name = std::getenv(scenario_variable);
    if (name == nullptr)
        return;
    const auto found = scenarios().find(name);
    if (found == scenarios().end()) {
        std::fprintf(stderr, "unknown child scenario '%s'\n", name);
        std::_Exit(126);
    }
    found->second();
    // A scenario that is expected to end the process and returns instead
    // exits normally, which its test reports as a failure.
    std::fflush(stderr);
    std::_Exit(0);
}

}  // namespace vtp::test

namespace vtp::test {

gated_job::gated_job(const char* name) {
    threadpool_job_init(this, &gated_job::run, &lock, "%s", name);
}

void gated_job::run(threadpool_job<P>* base) {
    auto* self = static_cast<gated_job*>(base);
    self->lock.lock();
    ++self->started;
    ++self->running;
    if (self->running > self->max_running)
        self->max_running = self->running;
    self->name_in_job = current_thread_name();
    self->thread_id = current_thread_id();
    self->cv.broadcast();

    const bool passed =
        wait_on(self->cv, self->lock, [self] { return self->gate_open || self->releases > 0; });
    if (!passed)
        self->release_timed_out = true;
    else if (!self->gate_open)
        --self->releases;

    --self->running;
    ++self->finished;
    threadpool_job_done(base);
    self->name_after_done = current_thread_name();
    self->cv.broadcast();
    self->lock.unlock();
}

bool gated_job::wait_started(int count) {
    return wait_on(cv, lock, [this, count] { return started >= count; });
}

bool gated_job::wait_finished(int count) {
    return wait_on(cv, lock, [this, count] { return finished >= count; });
}

void gated_job::release_one() {
    ++releases;
    cv.broadcast();
}

}  // namespace vtp::test
