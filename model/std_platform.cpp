// The production platform's out-of-line parts: thread creation with CPU
// binding and priority, the CPU map, thread names, and the failure hooks.
#include "model/std_platform.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

namespace vtp {

namespace {

// Linux gives a thread name at most 15 characters plus the NUL.
constexpr std::size_t os_thread_name_size = 16;

// The CPUs of the process's affinity mask when it was first needed: index i
// is the i-th CPU of the mask.
struct cpu_map {
    std::vector<int> os_cpus;   // index -> system CPU number
    std::vector<int> index_of;  // system CPU number -> index, or -1
};

cpu_map read_cpu_map() {
    cpu_map map;
    const long configured = sysconf(_SC_NPROCESSORS_CONF);
    const int max_cpus = configured > CPU_SETSIZE ? static_cast<int>(configured) : CPU_SETSIZE;
    cpu_set_t* const set = CPU_ALLOC(max_cpus);
    const std::size_t set_size = CPU_ALLOC_SIZE(max_cpus);
    // The main thread's mask (pid == its tid) is the process's mask, even
    // when the first caller is a thread pinned to fewer CPUs.
    if (set != nullptr && sched_getaffinity(getpid(), set_size, set) == 0) {
        for (int cpu = 0; cpu < max_cpus; cpu++) {
            if (CPU_ISSET_S(cpu, set_size, set))
                map.os_cpus.push_back(cpu);
        }
    }
    if (set != nullptr)
        CPU_FREE(set);
    // Without a mask, number the online CPUs from 0.
    if (map.os_cpus.empty()) {
        const long online = sysconf(_SC_NPROCESSORS_ONLN);
        for (int cpu = 0; cpu < (online > 0 ? online : 1); cpu++)
            map.os_cpus.push_back(cpu);
    }
    map.index_of.assign(static_cast<std::size_t>(map.os_cpus.back()) + 1, -1);
    for (std::size_t index = 0; index < map.os_cpus.size(); index++)
        map.index_of[static_cast<std::size_t>(map.os_cpus[index])] = static_cast<int>(index);
    return map;
}

const cpu_map& cpus() {
    static const cpu_map map = read_cpu_map();
    return map;
}

std::atomic<long> priority_fallbacks{0};

// Test hook state: error first, then count, so that a consumer that takes a
// count also sees its error.
std::atomic<int> injected_error{0};
std::atomic<int> injected_count{0};

bool take_injected_failure(int* error) {
    int pending = injected_count.load(std::memory_order_acquire);
    while (pending > 0) {
        if (injected_count.compare_exchange_weak(pending, pending - 1, std::memory_order_acq_rel)) {
            *error = injected_error.load(std::memory_order_relaxed);
            return true;
        }
    }
    return false;
}

void set_os_thread_name(const char* name) {
    char truncated[os_thread_name_size] = {};
    if (name != nullptr)
        std::memcpy(truncated, name, strnlen(name, sizeof truncated - 1));
    // The result is ignored: renaming the calling thread fails only for a
    // name longer than 15 characters, and this one is truncated to fit.
    (void)pthread_setname_np(pthread_self(), truncated);
}

// Applies the priority mapping of std_platform.hpp to the calling thread.
// Returns false if the system refused it; the thread then keeps the default.
bool apply_priority(pri_t pri) {
    if (pri >= PRI_KERNEL_RT) {
        const int lowest = sched_get_priority_min(SCHED_FIFO);
        const int highest = sched_get_priority_max(SCHED_FIFO);
        sched_param param{};
        param.sched_priority =
            lowest + (pri - PRI_KERNEL_RT) * (highest - lowest) / (PRI_COUNT - 1 - PRI_KERNEL_RT);
        return pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
    }
    if (pri >= PRI_KERNEL) {
        const int nice = -1 - (pri - PRI_KERNEL) * 19 / (PRI_KERNEL_RT - 1 - PRI_KERNEL);
        return setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) == 0;
    }
    return true;
}

void print_location(const location& loc) {
    std::fprintf(stderr, " at %s:%u in %s\n", loc.file_name(), static_cast<unsigned>(loc.line()),
                 loc.function_name());
}

}  // namespace

void std_platform::sync_failed(const char* call, int error, location loc) noexcept {
    std::fprintf(stderr, "vtp: %s failed: %s", call, std::strerror(error));
    print_location(loc);
    std::abort();
}

std_platform::mutex::mutex(mutex_kind kind, const char* name) noexcept : kind_(kind), name_(name) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    const int error = pthread_mutex_init(&mutex_, &attr);
    pthread_mutexattr_destroy(&attr);
    if (error != 0)
        sync_failed("pthread_mutex_init", error, location::current());
}

std_platform::mutex::~mutex() {
    (void)pthread_mutex_destroy(&mutex_);
}

std_platform::condvar::condvar(const char* name) noexcept : name_(name) {
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    const int error = pthread_cond_init(&cond_, &attr);
    pthread_condattr_destroy(&attr);
    if (error != 0)
        sync_failed("pthread_cond_init", error, location::current());
}

std_platform::condvar::~condvar() {
    (void)pthread_cond_destroy(&cond_);
}

bool std_platform::condvar::timed_wait(mutex& m, std::chrono::milliseconds timeout, location loc) {
    timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    const auto count = timeout.count() > 0 ? timeout.count() : 0;
    deadline.tv_sec += static_cast<time_t>(count / 1000);
    deadline.tv_nsec += static_cast<long>(count % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }

    waiters_.fetch_add(1, std::memory_order_relaxed);
    m.owner_.store(nullptr, std::memory_order_relaxed);
    const int error = pthread_cond_timedwait(&cond_, &m.mutex_, &deadline);
    m.owner_.store(self_tag(), std::memory_order_relaxed);
    waiters_.fetch_sub(1, std::memory_order_relaxed);
    if (error != 0 && error != ETIMEDOUT) [[unlikely]]
        sync_failed("pthread_cond_timedwait", error, loc);
    return error == ETIMEDOUT;
}

int std_platform::thread_create(const thread_params& params, void (*fn)(void*), void* arg,
                                thread** out, location) {
    int error = 0;
    if (take_injected_failure(&error))
        return error;

    const cpu_map& map = cpus();
    if (params.cpu != -1 &&
        (params.cpu < 0 || static_cast<std::size_t>(params.cpu) >= map.os_cpus.size()))
        return EINVAL;

    std::unique_ptr<thread> record(new thread());
    record->bound_cpu_ = params.cpu;
    record->pri_ = params.pri;
    record->fn_ = fn;
    record->arg_ = arg;
    std::snprintf(record->base_name_, sizeof record->base_name_, "%s", params.name);
    record->name_.store(record->base_name_, std::memory_order_relaxed);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    // Start from SCHED_OTHER whatever the creator's policy is.  thread_main
    // raises the priority where the mapping requires it.
    pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
    pthread_attr_setschedpolicy(&attr, SCHED_OTHER);
    sched_param other{};
    pthread_attr_setschedparam(&attr, &other);
    cpu_set_t* set = nullptr;
    if (params.cpu != -1) {
        const int os_cpu = map.os_cpus[static_cast<std::size_t>(params.cpu)];
        set = CPU_ALLOC(os_cpu + 1);
        if (set == nullptr) {
            pthread_attr_destroy(&attr);
            return ENOMEM;
        }
        const std::size_t set_size = CPU_ALLOC_SIZE(os_cpu + 1);
        CPU_ZERO_S(set_size, set);
        CPU_SET_S(os_cpu, set_size, set);
        error = pthread_attr_setaffinity_np(&attr, set_size, set);
    }
    pthread_t handle;
    if (error == 0)
        error = pthread_create(&handle, &attr, &thread_main, record.get());
    pthread_attr_destroy(&attr);
    if (set != nullptr)
        CPU_FREE(set);
    if (error != 0)
        return error;

    // The thread owns its record from now on and frees it when it ends.
    *out = record.release();
    return 0;
}

void* std_platform::thread_main(void* raw) {
    thread* const self = static_cast<thread*>(raw);
    current_ = self;

    set_os_thread_name(self->base_name_);
    if (!apply_priority(self->pri_))
        priority_fallbacks.fetch_add(1, std::memory_order_relaxed);

    self->fn_(self->arg_);

    current_ = nullptr;
    delete self;
    return nullptr;
}

std_platform::thread* std_platform::adopt_current_thread() noexcept {
    // A thread that thread_create did not start gets its record on first
    // use; the record is freed when the thread ends.
    static thread_local std::unique_ptr<thread> adopted;
    adopted.reset(new thread());
    if (pthread_getname_np(pthread_self(), adopted->base_name_, sizeof adopted->base_name_) != 0)
        adopted->base_name_[0] = '\0';
    adopted->name_.store(adopted->base_name_, std::memory_order_relaxed);
    current_ = adopted.get();
    return current_;
}

void std_platform::thread_set_name(thread* t, const char* name, location) {
    t->name_.store(name, std::memory_order_relaxed);
    if (t == current_)
        set_os_thread_name(name);
}

int std_platform::cpu_count() noexcept {
    return static_cast<int>(cpus().os_cpus.size());
}

int std_platform::current_cpu() noexcept {
    const cpu_map& map = cpus();
    const int os_cpu = sched_getcpu();
    if (os_cpu < 0)
        return 0;
    if (static_cast<std::size_t>(os_cpu) < map.index_of.size()) {
        const int index = map.index_of[static_cast<std::size_t>(os_cpu)];
        if (index >= 0)
            return index;
    }
    return os_cpu % static_cast<int>(map.os_cpus.size());
}

void std_platform::pause(std::chrono::milliseconds duration, mutex& m, location loc) {
    m.unlock(loc);
    std::this_thread::sleep_for(duration);
    m.lock(loc);
}

void std_platform::check_failed(check_kind kind, const char* expression, const char* message,
                                location loc) noexcept {
    (void)kind;
    if (message != nullptr)
        std::fprintf(stderr, "vtp: check failed: %s (%s)", expression, message);
    else
        std::fprintf(stderr, "vtp: check failed: %s", expression);
    print_location(loc);
    std::abort();
}

void std_platform::job_exception(const char* job_name, location) noexcept {
    const char* what = "an exception not derived from std::exception";
    try {
        throw;
    } catch (const std::exception& error) {
        what = error.what();
    } catch (...) {
    }
    std::fprintf(stderr, "vtp: job '%s' threw: %s\n", job_name, what);
    std::abort();
}

long std_platform::priority_fallback_count() noexcept {
    return priority_fallbacks.load(std::memory_order_relaxed);
}

void std_platform::inject_thread_create_failures(int count, int error) noexcept {
    injected_error.store(error, std::memory_order_relaxed);
    injected_count.store(count, std::memory_order_release);
}

int std_platform::injected_failures_pending() noexcept {
    return injected_count.load(std::memory_order_acquire);
}

}  // namespace vtp
