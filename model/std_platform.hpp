// The production platform: the sync interface of model/platform.hpp on
// POSIX threads (Linux, glibc).
//
//   std_platform::mutex      pthread mutex (PTHREAD_MUTEX_ADAPTIVE_NP) that
//                            records its owner for owned()
//   std_platform::condvar    pthread condition variable on CLOCK_MONOTONIC,
//                            with a waiter count for has_waiters()
//   std_platform::atomic<T>  std::atomic<T>
//   std_platform::shared<T>  a plain T: read() and write() return it, so the
//                            checker's race detection costs production nothing
//   std_platform::thread     one record per thread: the pthread, the name
//                            pointer last set (l_name), the bound CPU
//
// Threads of a per-CPU pool are pinned with pthread_attr_setaffinity_np
// before they start.  CPU index i is the i-th CPU of the process's affinity
// mask, read once at first use.  Priorities map to Linux scheduling as
// follows (the NetBSD values: PRI_KERNEL 64, PRI_KERNEL_RT 192, PRI_COUNT
// 224):
//
//   PRI_NONE, [PRI_USER, PRI_KERNEL)   SCHED_OTHER, the creator's nice value
//   [PRI_KERNEL, PRI_KERNEL_RT)        SCHED_OTHER, nice -1 (at 64) to -20 (at 191)
//   [PRI_KERNEL_RT, PRI_COUNT)         SCHED_FIFO, priority 1 (at 192) to 99 (at 223)
//
// A negative nice value or SCHED_FIFO needs privilege (CAP_SYS_NICE or an
// RLIMIT_RTPRIO/RLIMIT_NICE allowance).  Without it the thread keeps the
// default priority, priority_fallback_count() counts the fallback, and the
// thread is created all the same.
//
// The check hook prints "vtp: check failed: <expression> (<message>) at
// <file>:<line> in <function>" and aborts.  Checks are compiled in when
// VTP_CHECKS is defined or NDEBUG is not.
#pragma once

#include <pthread.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <utility>

#include "model/annotations.hpp"
#include "model/platform.hpp"
#include "model/probes.hpp"

namespace vtp {

struct std_platform {
#if defined(VTP_CHECKS) || !defined(NDEBUG)
    static constexpr bool checks_enabled = true;
#else
    static constexpr bool checks_enabled = false;
#endif

    class condvar;
    class thread;

    // Identifies the calling thread for mutex ownership: the address of a
    // thread-local byte, unique among live threads and cheaper than
    // current_thread() for threads that are not pool threads.
    static const void* self_tag() noexcept {
        static thread_local char tag;
        return &tag;
    }

    // Reports a failed pthread call, which only a corrupted object or a bug
    // in this file can cause, and aborts.
    [[noreturn]] static void sync_failed(const char* call, int error, location loc) noexcept;

    // kmutex_t.  Both kinds are adaptive pthread mutexes, which spin briefly
    // and then sleep, like NetBSD's adaptive mutex.  A user-space spin mutex
    // cannot block preemption the way the kernel's does, so pure spinning
    // would risk waiting on a preempted holder.
    class VTP_CAPABILITY("mutex") mutex {
    public:
        mutex(mutex_kind kind, const char* name) noexcept;
        mutex(mutex_kind kind, const char* name, location) noexcept : mutex(kind, name) {}
        ~mutex();
        mutex(const mutex&) = delete;
        mutex& operator=(const mutex&) = delete;

        void lock(location loc = location::current()) VTP_ACQUIRE() {
            const int error = pthread_mutex_lock(&mutex_);
            if (error != 0) [[unlikely]]
                sync_failed("pthread_mutex_lock", error, loc);
            owner_.store(self_tag(), std::memory_order_relaxed);
        }

        void unlock(location loc = location::current()) VTP_RELEASE() {
            owner_.store(nullptr, std::memory_order_relaxed);
            const int error = pthread_mutex_unlock(&mutex_);
            if (error != 0) [[unlikely]]
                sync_failed("pthread_mutex_unlock", error, loc);
        }

        // Returns whether the calling thread holds the mutex (mutex_owned).
        // Only the calling thread ever stores its own tag, so a thread that
        // does not hold the mutex never reads its own tag here.
        bool owned() const noexcept {
            return owner_.load(std::memory_order_relaxed) == self_tag();
        }

        mutex_kind kind() const noexcept { return kind_; }
        const char* name() const noexcept { return name_; }

    private:
        friend class condvar;

        pthread_mutex_t mutex_;
        std::atomic<const void*> owner_{nullptr};
        mutex_kind kind_;
        const char* name_;
    };

    // kcondvar_t, timed on the steady clock (CLOCK_MONOTONIC).
    class condvar {
    public:
        explicit condvar(const char* name) noexcept;
        condvar(const char* name, location) noexcept : condvar(name) {}
        ~condvar();
        condvar(const condvar&) = delete;
        condvar& operator=(const condvar&) = delete;

        void wait(mutex& m, location loc = location::current()) VTP_REQUIRES(m) {
            waiters_.fetch_add(1, std::memory_order_relaxed);
            m.owner_.store(nullptr, std::memory_order_relaxed);
            const int error = pthread_cond_wait(&cond_, &m.mutex_);
            m.owner_.store(self_tag(), std::memory_order_relaxed);
            waiters_.fetch_sub(1, std::memory_order_relaxed);
            if (error != 0) [[unlikely]]
                sync_failed("pthread_cond_wait", error, loc);
        }

        // Waits at most `timeout`; returns true if the wait timed out
        // (cv_timedwait's EWOULDBLOCK).  May return false without a signal.
        bool timed_wait(mutex& m, std::chrono::milliseconds timeout,
                        location loc = location::current()) VTP_REQUIRES(m);

        void signal(location loc = location::current()) {
            const int error = pthread_cond_signal(&cond_);
            if (error != 0) [[unlikely]]
                sync_failed("pthread_cond_signal", error, loc);
        }

        void broadcast(location loc = location::current()) {
            const int error = pthread_cond_broadcast(&cond_);
            if (error != 0) [[unlikely]]
                sync_failed("pthread_cond_broadcast", error, loc);
        }

        // Returns whether a thread waits (cv_has_waiters).  The count changes
        // under the waiters' mutex, so it is exact for a caller holding it.
        bool has_waiters() const noexcept {
            return waiters_.load(std::memory_order_relaxed) > 0;
        }

        const char* name() const noexcept { return name_; }

    private:
        pthread_cond_t cond_;
        std::atomic<int> waiters_{0};
        const char* name_;
    };

    template <class T>
    class atomic {
    public:
        atomic() noexcept = default;
        explicit atomic(T value) noexcept : value_(value) {}

        T load(std::memory_order order, location = location::current()) const noexcept {
            return value_.load(order);
        }
        void store(T value, std::memory_order order, location = location::current()) noexcept {
            value_.store(value, order);
        }
        T fetch_add(T value, std::memory_order order, location = location::current()) noexcept {
            return value_.fetch_add(value, order);
        }
        T fetch_sub(T value, std::memory_order order, location = location::current()) noexcept {
            return value_.fetch_sub(value, order);
        }

    private:
        std::atomic<T> value_{};
    };

    // A field guarded by a lock: a plain T, with no space or time overhead.
    template <class T>
    class shared {
    public:
        shared() = default;
        explicit shared(T value) : value_(std::move(value)) {}

        const T& read(location = location::current()) const noexcept { return value_; }
        T& write(location = location::current()) noexcept { return value_; }

    private:
        T value_{};
    };

    // A thread: a pool thread created by thread_create, or any other thread,
    // adopted the first time it calls current_thread().
    class thread {
    public:
        thread(const thread&) = delete;
        thread& operator=(const thread&) = delete;

    private:
        friend struct std_platform;
        thread() = default;

        // The name pointer last set (the lwp's l_name): thread_name() returns
        // it, and pthread_setname_np gets its first 15 characters.  Atomic
        // because another thread may read it while the thread renames itself.
        std::atomic<const char*> name_{nullptr};
        // The object the thread works for; only the thread itself reads it.
        const void* owner_ = nullptr;
        int bound_cpu_ = -1;  // CPU index, or -1
        pri_t pri_ = PRI_NONE;
        void (*fn_)(void*) = nullptr;
        void* arg_ = nullptr;
        char base_name_[sizeof(thread_params::name)] = {};
    };

    template <class T, class... Args>
    static T* make(Args&&... args) {
        return new T(std::forward<Args>(args)...);
    }

    template <class T>
    static void dispose(T* object) noexcept {
        delete object;
    }

    // Creates a detached thread running fn(arg), stores its record in *out
    // and returns 0, or returns the error (EAGAIN when out of threads, EINVAL
    // for a CPU index out of range).  Lack of privilege for the priority is
    // no error: see priority_fallback_count().
    static int thread_create(const thread_params& params, void (*fn)(void*), void* arg,
                             thread** out, location loc = location::current());

    static thread* current_thread() noexcept {
        thread* const self = current_;
        return self != nullptr ? self : adopt_current_thread();
    }

    static const char* thread_name(thread* t) noexcept {
        return t->name_.load(std::memory_order_relaxed);
    }

    // Points the thread's name at `name`, which must outlive its use, and
    // gives the system its first 15 characters when t is the calling thread.
    static void thread_set_name(thread* t, const char* name, location loc = location::current());

    static int thread_bound_cpu(thread* t) noexcept { return t->bound_cpu_; }

    static const void* thread_owner(thread* t) noexcept { return t->owner_; }
    static void thread_set_owner(thread* t, const void* owner) noexcept { t->owner_ = owner; }

    // The number of CPUs in the process's affinity mask at first use.
    static int cpu_count() noexcept;

    // The index of the CPU the caller runs on.  A CPU outside the mask read
    // at first use (the mask changed since) maps to its number modulo
    // cpu_count().
    static int current_cpu() noexcept;

    // kpause with an interlock: drops m, sleeps, takes m again.
    static void pause(std::chrono::milliseconds duration, mutex& m,
                      location loc = location::current()) VTP_REQUIRES(m);

    [[noreturn]] static void check_failed(check_kind kind, const char* expression,
                                          const char* message, location loc) noexcept;

    // Called inside a catch block when a job function throws: prints
    // "vtp: job '<name>' threw: <what()>" and aborts.
    [[noreturn]] static void job_exception(const char* job_name, location loc) noexcept;

    // Probes are USDT probes (model/probes.hpp) when VTP_USDT is defined, and
    // nothing more in production.
    static void probe(probe_id, const probe_args&, location) noexcept {}

    // The number of pool threads that run at the default priority because
    // setting the requested one failed (in practice EPERM or EACCES).
    static long priority_fallback_count() noexcept;

    // Test only: makes the next `count` calls of thread_create fail with
    // `error` without creating a thread.
    static void inject_thread_create_failures(int count, int error) noexcept;

    // Test only: the number of injected failures not yet consumed.
    static int injected_failures_pending() noexcept;

private:
    static void* thread_main(void* raw);
    static thread* adopt_current_thread() noexcept;

    static inline thread_local thread* current_ = nullptr;
};

static_assert(platform<std_platform>);
static_assert(platform_reports_binding<std_platform>);
static_assert(platform_records_owner<std_platform>);

// The abstraction costs production nothing: a guarded field is its value.
static_assert(sizeof(std_platform::shared<int>) == sizeof(int));
static_assert(sizeof(std_platform::shared<void*>) == sizeof(void*));
static_assert(sizeof(std_platform::shared<std::uint64_t>) == sizeof(std::uint64_t));
static_assert(sizeof(std_platform::atomic<unsigned>) == sizeof(unsigned));

}  // namespace vtp
