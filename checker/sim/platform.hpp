// sim_platform: the sync interface (model/platform.hpp) implemented on the
// checker's engine.  Code written against the interface runs unchanged
// under the controlled scheduler: every operation becomes a scheduling
// point or a checked access of the current Execution.
//
// Types defined here, all inside checker::sim:
//   platform          the platform type: mutex, condvar, atomic<T>,
//                     shared<T>, thread, and the static operations
//
// Objects must be created inside an execution (in the program's main body
// or a thread it creates), and memory that the code under test allocates
// goes through make/dispose, so that a late access hits a destroyed object
// instead of freed memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "checker/engine/execution.hpp"
#include "model/annotations.hpp"
#include "model/platform.hpp"
#include "model/probes.hpp"

namespace checker::sim {

inline SourceLoc loc_of(const std::source_location& loc) {
    return SourceLoc::from(loc);
}

struct platform {
    using location = std::source_location;
    static constexpr bool checks_enabled = true;

    class VTP_CAPABILITY("mutex") mutex {
    public:
        mutex(vtp::mutex_kind kind, const char* name, location loc = location::current())
            : id_(Execution::require_current("mutex creation")
                      .create_object(ObjectKind::mutex, name, loc_of(loc),
                                     reinterpret_cast<std::uintptr_t>(this))),
              kind_(kind) {}
        ~mutex() {
            if (Execution* execution = Execution::current())
                execution->destroy_object(id_, SourceLoc{});
        }
        mutex(const mutex&) = delete;
        mutex& operator=(const mutex&) = delete;

        void lock(location loc = location::current()) VTP_ACQUIRE() {
            Execution::require_current("mutex lock").mutex_lock(id_, loc_of(loc));
        }
        void unlock(location loc = location::current()) VTP_RELEASE() {
            Execution::require_current("mutex unlock").mutex_unlock(id_, loc_of(loc));
        }
        bool owned() const {
            Execution* execution = Execution::current();
            return execution != nullptr && execution->mutex_owned(id_);
        }
        ObjectId id() const { return id_; }
        vtp::mutex_kind kind() const { return kind_; }

    private:
        ObjectId id_;
        vtp::mutex_kind kind_;
    };

    class condvar {
    public:
        explicit condvar(const char* name, location loc = location::current())
            : id_(Execution::require_current("condvar creation")
                      .create_object(ObjectKind::condvar, name, loc_of(loc),
                                     reinterpret_cast<std::uintptr_t>(this))) {}
        ~condvar() {
            if (Execution* execution = Execution::current())
                execution->destroy_object(id_, SourceLoc{});
        }
        condvar(const condvar&) = delete;
        condvar& operator=(const condvar&) = delete;

        void wait(mutex& m, location loc = location::current()) VTP_REQUIRES(m) {
            Execution::require_current("condvar wait")
                .cv_wait(id_, m.id(), std::nullopt, loc_of(loc));
        }
        bool timed_wait(mutex& m, std::chrono::milliseconds timeout,
                        location loc = location::current()) VTP_REQUIRES(m) {
            return Execution::require_current("condvar timed wait")
                .cv_wait(id_, m.id(), timeout, loc_of(loc));
        }
        void signal(location loc = location::current()) {
            Execution::require_current("condvar signal").cv_signal(id_, loc_of(loc));
        }
        void broadcast(location loc = location::current()) {
            Execution::require_current("condvar broadcast").cv_broadcast(id_, loc_of(loc));
        }
        bool has_waiters() const {
            Execution* execution = Execution::current();
            return execution != nullptr && execution->cv_has_waiters(id_);
        }
        ObjectId id() const { return id_; }

    private:
        ObjectId id_;
    };

    template <class T>
    class atomic {
        static_assert(std::is_trivially_copyable_v<T>, "sim atomics hold trivially copyable values");

    public:
        explicit atomic(T value = T{}, const char* name = "atomic",
                        location loc = location::current())
            : value_(value),
              id_(Execution::require_current("atomic creation")
                      .create_object(ObjectKind::atomic, name, loc_of(loc))) {
            note();
        }
        ~atomic() {
            if (Execution* execution = Execution::current())
                execution->destroy_object(id_, SourceLoc{});
        }
        atomic(const atomic&) = delete;
        atomic& operator=(const atomic&) = delete;

        T load(std::memory_order order = std::memory_order_seq_cst,
               location loc = location::current()) const {
            Execution::require_current("atomic load").atomic_op(id_, OpKind::load, order,
                                                                loc_of(loc));
            return value_;
        }
        void store(T value, std::memory_order order = std::memory_order_seq_cst,
                   location loc = location::current()) {
            if (Execution::require_current("atomic store")
                    .atomic_op(id_, OpKind::store, order, loc_of(loc))) {
                value_ = value;
                note();
            }
        }
        T fetch_add(T delta, std::memory_order order = std::memory_order_seq_cst,
                    location loc = location::current()) {
            return modify([delta](T old) { return static_cast<T>(old + delta); }, order, loc);
        }
        T fetch_sub(T delta, std::memory_order order = std::memory_order_seq_cst,
                    location loc = location::current()) {
            return modify([delta](T old) { return static_cast<T>(old - delta); }, order, loc);
        }
        T exchange(T value, std::memory_order order = std::memory_order_seq_cst,
                   location loc = location::current()) {
            return modify([value](T) { return value; }, order, loc);
        }
        bool compare_exchange_strong(T& expected, T desired,
                                     std::memory_order order = std::memory_order_seq_cst,
                                     location loc = location::current()) {
            Execution& execution = Execution::require_current("atomic compare-exchange");
            if (!execution.schedule_atomic(id_, OpKind::rmw, loc_of(loc)))
                return false;
            if (std::memcmp(&value_, &expected, sizeof(T)) == 0) {
                execution.order_atomic(id_, OpKind::rmw, order);
                value_ = desired;
                note();
                return true;
            }
            // A failed compare-exchange only reads (with the failure order
            // derived from order: release becomes relaxed).
            execution.order_atomic(id_, OpKind::load, order);
            expected = value_;
            return false;
        }
        // Unchecked read for properties, which observe without taking part.
        T peek() const { return value_; }
        ObjectId id() const { return id_; }

    private:
        template <class F>
        T modify(F change, std::memory_order order, const location& loc) {
            if (!Execution::require_current("atomic read-modify-write")
                     .atomic_op(id_, OpKind::rmw, order, loc_of(loc)))
                return value_;
            T old = value_;
            value_ = change(old);
            note();
            return old;
        }
        void note() {
            if constexpr (sizeof(T) <= sizeof(std::uint64_t)) {
                std::uint64_t bits = 0;
                std::memcpy(&bits, &value_, sizeof(T));
                Execution::require_current("atomic").note_atomic_value(id_, bits);
            }
        }

        T value_;
        ObjectId id_;
    };

    // A plain field guarded by a lock: every access is checked for data
    // races and for use after the cell was destroyed.
    template <class T>
    class shared {
    public:
        template <class... Args>
        explicit shared(Args&&... args)
            : value_(std::forward<Args>(args)...),
              id_(Execution::require_current("shared cell creation")
                      .create_object(ObjectKind::cell, "cell", SourceLoc{})) {}
        ~shared() {
            if (Execution* execution = Execution::current())
                execution->destroy_object(id_, SourceLoc{});
        }
        shared(const shared&) = delete;
        shared& operator=(const shared&) = delete;

        const T& read(location loc = location::current()) const {
            Execution::require_current("shared read").cell_access(id_, false, loc_of(loc));
            return value_;
        }
        T& write(location loc = location::current()) {
            Execution::require_current("shared write").cell_access(id_, true, loc_of(loc));
            return value_;
        }
        // Unchecked access for properties and inspection, which observe the
        // state without taking part in the execution.
        const T& peek() const { return value_; }
        ObjectId id() const { return id_; }

    private:
        T value_;
        ObjectId id_;
    };

    using thread = ThreadHandle;

    static int thread_create(const vtp::thread_params& params, void (*fn)(void*), void* arg,
                             thread** out, location loc = location::current()) {
        Execution& execution = Execution::require_current("thread creation");
        bool bound = params.cpu >= 0;
        int cpu = bound ? params.cpu : execution.current_thread()->cpu;
        return execution.thread_create(params.name, cpu, bound, true, [fn, arg] { fn(arg); }, out,
                                       loc_of(loc));
    }
    static thread* current_thread() {
        return Execution::require_current("current thread").current_thread();
    }
    static const char* thread_name(thread* t) { return t->name; }
    static void thread_set_name(thread* t, const char* name, location = location::current()) {
        t->name = name;
    }
    static int cpu_count() { return Execution::require_current("CPU count").cpu_count(); }
    static int current_cpu() { return current_thread()->cpu; }
    static void pause(std::chrono::milliseconds duration, mutex& interlock,
                      location loc = location::current()) VTP_REQUIRES(interlock) {
        Execution::require_current("pause").pause(duration, interlock.id(), loc_of(loc));
    }

    // Reports the failed check and unwinds the thread.  Unlike production,
    // it returns while the execution is being torn down (a destructor's
    // check then sees half-finished state and is ignored).
    static void check_failed(vtp::check_kind kind, const char* expression, const char* message,
                             location loc) {
        ViolationKind violation = kind == vtp::check_kind::invariant ? ViolationKind::check_failed
                                  : kind == vtp::check_kind::misuse  ? ViolationKind::misuse
                                                                     : ViolationKind::panic;
        std::string text = message != nullptr && *message != '\0'
                               ? std::string(message) + " (" + expression + ")"
                               : std::string("check failed: ") + expression;
        Execution::require_current("check hook").fail(violation, std::move(text), loc_of(loc));
    }

    // Called inside a catch block around a job function.
    static void job_exception(const char* job_name, location loc = location::current()) {
        Execution& execution = Execution::require_current("job exception");
        try {
            throw;
        } catch (const ExecutionAborted&) {
            throw;
        } catch (const std::exception& error) {
            execution.fail(ViolationKind::uncaught_exception,
                           std::string("job '") + job_name + "' threw: " + error.what(),
                           loc_of(loc));
        } catch (...) {
            execution.fail(ViolationKind::uncaught_exception,
                           std::string("job '") + job_name + "' threw a non-standard exception",
                           loc_of(loc));
        }
    }

    static void probe(vtp::probe_id id, const vtp::probe_args& args,
                      location loc = location::current()) {
        if (Execution* execution = Execution::current())
            execution->annotate(static_cast<int>(id), vtp::probe_name(id), &args, loc_of(loc));
    }

    template <class T, class... Args>
    static T* make(Args&&... args) {
        void* memory = Execution::require_current("allocation")
                           .allocate(sizeof(T), alignof(T), typeid(T).name());
        return new (memory) T(std::forward<Args>(args)...);
    }
    template <class T>
    static void dispose(T* object) {
        if (object == nullptr)
            return;
        object->~T();
        Execution::require_current("disposal").dispose(object);
    }
};

static_assert(vtp::platform<platform>);

}  // namespace checker::sim
