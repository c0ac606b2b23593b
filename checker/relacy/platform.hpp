// relacy::platform: the sync interface (model/platform.hpp) implemented on
// Relacy Race Detector, so that the pool in model/threadpool.hpp runs
// unchanged under Relacy's schedulers as a second, independent checker.
//
// Types defined here, all inside checker::relacy:
//   ThreadRecord  a thread as the pool sees it: name, CPU, binding, owner
//   RunState      the platform's state for one run and one execution
//   platform      the platform type: mutex, condvar, atomic<T>, shared<T>,
//                 thread, and the static operations
//
// How each element maps onto Relacy:
//
//   interface            Relacy                      notes
//   -------------------  --------------------------  ---------------------------
//   mutex                rl::mutex                   owned() from a recorded owner
//   condvar              rl::condvar<tag>            timed_wait waits timed; Relacy
//                                                    fires the timeout at any point
//   atomic<T>            rl::generic_atomic<T>       memory orders passed through
//   shared<T>            T plus an rl::var<unsigned> every read() loads and every
//                                                    write() stores the rl::var
//   thread_create        Relacy dynamic thread       EAGAIN past the slot cap, and
//                                                    injected failures (rl::rand)
//   pause                unlock, lock                ends at any point
//   check_failed         rl::context::fail_test      Relacy prints its history
//   make / dispose       malloc / free at the end    disposed memory stays mapped
//
// A shared<T> cell keeps its value in a plain T, because read() and write()
// must return references.  Beside it, an rl::var<unsigned> holds the cell's
// write count: read() loads it and write() stores the incremented count, so
// Relacy's race detector sees every access, and its history shows a cell
// access as "load, value=N" (the access saw the N-th write).  Relacy's plain
// variable accesses are not scheduling points, so the caller's use of the
// returned reference happens in the same atomic step as the recorded access.
//
// The condition variable is rl::condvar with a tag rather than
// rl::condition_variable_any: the latter's wait_for returns false both on
// a timeout and on a spurious wakeup, and the pool must tell them apart.
// Spurious wakeups are off unless the run enables them (Relacy injects them
// only under its random scheduler).
//
// Include this header only from a Relacy translation unit, after
// checker/relacy/relacy_include.hpp (which has to come last among the
// includes of standard and project headers).
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <source_location>
#include <type_traits>
#include <utility>

#include "checker/relacy/engine.hpp"
#include "model/annotations.hpp"
#include "model/platform.hpp"
#include "model/probes.hpp"

#ifndef RL_RELACY_HPP
#error "include checker/relacy/relacy_include.hpp before checker/relacy/platform.hpp"
#endif

namespace checker::relacy {

using location = std::source_location;

inline constexpr int max_relacy_threads = 1 + max_dynamic_threads;

// Returns the qualified name of the function in a compiler's pretty
// function name ("vtp::threadpool_schedule_job"), for Relacy's history.
const char* history_function_name(const char* pretty);

// Relacy's location record for a source location.  Relacy reads the
// function name only while it collects the history of a failed execution.
inline rl::debug_info debug_info_of(const location& loc) {
    const char* function = loc.function_name();
    if (rl::is_ctx() && rl::ctx().collecting_history())
        function = history_function_name(function);
    return rl::debug_info(function, loc.file_name(), loc.line());
}

inline rl::memory_order relacy_order(std::memory_order order) {
    switch (order) {
    case std::memory_order_relaxed: return rl::mo_relaxed;
    case std::memory_order_consume: return rl::mo_consume;
    case std::memory_order_acquire: return rl::mo_acquire;
    case std::memory_order_release: return rl::mo_release;
    case std::memory_order_acq_rel: return rl::mo_acq_rel;
    case std::memory_order_seq_cst: return rl::mo_seq_cst;
    }
    return rl::mo_seq_cst;
}

struct ThreadRecord {
    char own_name[32] = {};
    const char* name = nullptr;   // own_name, or a job's name while the job runs
    int cpu = 0;
    bool bound = false;
    bool pool_thread = false;     // created by the pool through thread_create
    const void* owner = nullptr;  // thread_set_owner
    void (*body)(void*) = nullptr;
    void* arg = nullptr;
    rl::win_waitable_object* handle = nullptr;  // for joins; null for the main thread
    bool joined = false;
};

// A mutex or condition variable alive in the current execution.
struct SyncObject {
    const void* object;
    const char* kind;  // "mutex" or "condition variable"
    const char* name;
    char creator[32];  // the name of the thread that created it
};

// The platform's state.  Relacy runs every thread of a simulation on one
// operating-system thread, so plain fields suffice; none of them is part of
// the program under test, so none is instrumented.
struct RunState {
    // Set by the program at the start of every execution.
    int cpus = 1;
    bool timeouts = false;         // false: timed waits never time out

    // Settings of the run, fixed while it lasts.
    int max_timeouts = 4;          // timed waits per execution that may time out
    int max_creation_failures = 0; // pool thread creations per execution that may fail
    bool spurious_wakeups = false; // let Relacy's random scheduler inject them
    bool sequentially_consistent = false;  // every atomic operation seq_cst
    int thread_slots = 0;          // dynamic threads of the Relacy test

    // One execution.
    int slots_left = 0;
    int timeouts_left = 0;
    int failures_left = 0;
    int record_count = 0;
    ThreadRecord records[max_relacy_threads];
    ThreadRecord* by_index[max_relacy_threads] = {};  // Relacy thread index to record
    rl::vector<void*>::type live_blocks;      // from make, not disposed yet
    rl::vector<void*>::type disposed_blocks;  // freed when the execution ends
    rl::vector<SyncObject>::type sync_objects;  // created and not yet destroyed

    // Counted over the run's executions (not in Relacy's replay of a failure).
    bool counting = true;
    std::int64_t sync_operations = 0;  // mutex, condition variable, atomic, thread operations
    std::int64_t cell_accesses = 0;    // shared<T> reads and writes
    std::int64_t cap_refusals = 0;     // creations refused because no slot was left
    std::int64_t injected_failures = 0;
    std::int64_t timeouts_fired = 0;

    // Coverage over the run's executions.
    std::uint64_t probes_fired = 0;  // bit i: probe_id i fired
    unsigned goals_reached = 0;      // bit i: goal_names[i] was reached

    // The violation a check hook reported, for the run's report.
    char violation_kind[32] = {};
    char property[64] = {};
    char message[512] = {};
    const char* file = "";
    unsigned line = 0;
};

// Reachability goals derived from probes, named as in the scenario
// catalogue (properties/catalogue.cpp).
inline constexpr const char* goal_names[] = {
    "worker_exit_by_timeout", "schedule_of_running_job", "overseer_race",
    "get_race",               "overseer_creation_failure", "creation_failure_and_retry",
    "destroy_while_creating", "cancel_of_queued_job",    "async_cancel_of_assigned_job",
};
inline constexpr int goal_count = static_cast<int>(sizeof goal_names / sizeof goal_names[0]);
static_assert(vtp::probe_count <= 64, "probes_fired is a 64-bit mask");

// The state of the current run; a run is one scheduler over one scenario.
RunState& run_state();

// Relacy's memory order for order, or seq_cst for every order when the run
// requests sequentially consistent atomics.
inline rl::memory_order to_relacy(std::memory_order order) {
    return run_state().sequentially_consistent ? rl::mo_seq_cst : relacy_order(order);
}

// Starts an execution: resets the per-execution state and records the
// main thread (Relacy's static thread 0) on CPU 0.
void begin_execution();
// Ends an execution that ran to its end: reports a mutex or condition
// variable that was never destroyed and memory from make that was never
// disposed, then frees the disposed memory.  Relacy's own leak check
// follows, but does not name the object.
void end_execution();

// Records the start and the end of a sync object's lifetime.
void sync_object_created(const void* object, const char* kind, const char* name);
void sync_object_destroyed(const void* object);
// Frees the memory of an execution that a failure cut short.
void release_execution_memory();

// Records a probe for the run's coverage (probes fired, derived goals).
void record_probe(vtp::probe_id id, const vtp::probe_args& args);

// Reports a violation through Relacy, which stops the simulation and prints
// the execution's history.  kind is check_failed, misuse, panic, property,
// uncaught_exception or leak; property names the violated property.
[[noreturn]] void fail(const char* kind, const char* property, const char* message,
                       const location& loc, rl::test_result_e result);

// Creates a Relacy dynamic thread running body(arg).  Returns nullptr when
// no slot is left.
ThreadRecord* start_thread(void (*body)(void*), void* arg, const char* name, int cpu, bool bound,
                           bool pool_thread);

// Client threads of a scenario or benchmark program.  They take a slot of
// the test's dynamic threads and never fail by injection.  spawn reports a
// violation when no slot is left, because the program's thread count was
// sized too small.
ThreadRecord* spawn(void (*body)(void*), void* arg, const char* name,
                    location loc = location::current());
void join(ThreadRecord* thread, location loc = location::current());

// Starts a client thread running body(), which must outlive the thread: the
// caller joins it before body goes out of scope.
template <class F>
ThreadRecord* spawn(F& body, const char* name, location loc = location::current()) {
    return spawn([](void* callable) { (*static_cast<F*>(callable))(); }, &body, name, loc);
}

// Ends the main thread's part of an execution, after the program's body.
// It joins every thread still running (by then the pool was destroyed, so
// they are all ending), then starts and joins a no-op thread in every
// dynamic slot left unused.  Relacy starts unused slots itself when all
// other threads have finished, and its full search would then try every
// order of those empty threads: k unused slots multiply the executions by
// k factorial.  One at a time, with nothing else running, they add no
// choice.
void finish_main_thread();

inline void count_operation() {
    RunState& state = run_state();
    if (state.counting)
        ++state.sync_operations;
}

inline void count_cell_access() {
    RunState& state = run_state();
    if (state.counting)
        ++state.cell_accesses;
}

struct platform {
    using location = std::source_location;
    static constexpr bool checks_enabled = true;

    class condvar;

    class VTP_CAPABILITY("mutex") mutex {
    public:
        mutex(vtp::mutex_kind kind, const char* name, location = location::current())
            : kind_(kind), name_(name) {
            sync_object_created(this, "mutex", name);
        }
        ~mutex() { sync_object_destroyed(this); }
        mutex(const mutex&) = delete;
        mutex& operator=(const mutex&) = delete;

        void lock(location loc = location::current()) VTP_ACQUIRE() {
            count_operation();
            impl_.lock(debug_info_of(loc));
            owner_ = static_cast<int>(rl::thread_index());
        }
        void unlock(location loc = location::current()) VTP_RELEASE() {
            count_operation();
            // A wrong owner is Relacy's "unlocking mutex w/o ownership".
            if (owner_ == static_cast<int>(rl::thread_index()))
                owner_ = -1;
            impl_.unlock(debug_info_of(loc));
        }
        bool owned() const { return owner_ == static_cast<int>(rl::thread_index()); }
        vtp::mutex_kind kind() const { return kind_; }
        const char* name() const { return name_; }

    private:
        friend class condvar;

        rl::mutex impl_;
        int owner_ = -1;  // Relacy thread index of the holder, or -1
        vtp::mutex_kind kind_;
        const char* name_;
    };

    class condvar {
    public:
        explicit condvar(const char* name, location loc = location::current()) : name_(name) {
            impl_.init(run_state().spurious_wakeups, debug_info_of(loc));
            sync_object_created(this, "condition variable", name);
        }
        ~condvar() {
            sync_object_destroyed(this);
            if (waiters_ != 0)
                fail("use_after_destroy", "use_after_destroy",
                     "a condition variable was destroyed while threads waited on it", location{},
                     rl::test_result_user_assert_failed);
            impl_.deinit(rl::debug_info("condvar destructor"));
        }
        condvar(const condvar&) = delete;
        condvar& operator=(const condvar&) = delete;

        void wait(mutex& m, location loc = location::current()) VTP_REQUIRES(m) {
            count_operation();
            block(m, false, loc);
        }
        // Returns true when the wait timed out.  Untimed once the run's
        // timeouts are off or this execution's timeout budget is spent.
        bool timed_wait(mutex& m, std::chrono::milliseconds, location loc = location::current())
            VTP_REQUIRES(m) {
            count_operation();
            RunState& state = run_state();
            if (!state.timeouts || state.timeouts_left <= 0) {
                block(m, false, loc);
                return false;
            }
            if (block(m, true, loc) != rl::sema_wakeup_reason_timeout)
                return false;
            --state.timeouts_left;
            if (state.counting)
                ++state.timeouts_fired;
            return true;
        }
        void signal(location loc = location::current()) {
            count_operation();
            impl_.notify_one(debug_info_of(loc));
        }
        void broadcast(location loc = location::current()) {
            count_operation();
            impl_.notify_all(debug_info_of(loc));
        }
        // Threads inside wait or timed_wait, including a woken one that has
        // not yet retaken the mutex (cv_has_waiters counts only sleepers).
        bool has_waiters() const { return waiters_ > 0; }
        const char* name() const { return name_; }

    private:
        struct tag {};

        rl::sema_wakeup_reason block(mutex& m, bool timed, const location& loc) {
            ++waiters_;
            if (m.owner_ == static_cast<int>(rl::thread_index()))
                m.owner_ = -1;
            rl::sema_wakeup_reason reason = impl_.wait(m.impl_, timed, debug_info_of(loc));
            m.owner_ = static_cast<int>(rl::thread_index());
            --waiters_;
            return reason;
        }

        rl::condvar<tag> impl_;
        int waiters_ = 0;
        const char* name_;
    };

    template <class T>
    class atomic {
        static_assert(std::is_trivially_copyable_v<T>, "Relacy atomics hold trivially copyable values");

    public:
        // A zero value needs no store: the atomic starts initialised.
        explicit atomic(T value = T{}, location loc = location::current()) {
            if (value != T{}) {
                count_operation();
                impl_.store(value, rl::mo_relaxed, debug_info_of(loc));
            }
        }
        atomic(const atomic&) = delete;
        atomic& operator=(const atomic&) = delete;

        T load(std::memory_order order = std::memory_order_seq_cst,
               location loc = location::current()) const {
            count_operation();
            return impl_.load(to_relacy(order), debug_info_of(loc));
        }
        void store(T value, std::memory_order order = std::memory_order_seq_cst,
                   location loc = location::current()) {
            count_operation();
            impl_.store(value, to_relacy(order), debug_info_of(loc));
        }
        T fetch_add(T delta, std::memory_order order = std::memory_order_seq_cst,
                    location loc = location::current()) {
            count_operation();
            return impl_.fetch_add(delta, to_relacy(order), debug_info_of(loc));
        }
        T fetch_sub(T delta, std::memory_order order = std::memory_order_seq_cst,
                    location loc = location::current()) {
            count_operation();
            return impl_.fetch_sub(delta, to_relacy(order), debug_info_of(loc));
        }
        // Unchecked read for scenarios, which observe without taking part.
        T peek() const { return impl_.debug_value(); }

    private:
        // strong_init: the atomic starts as T{} without a scheduling point.
        rl::generic_atomic<T, true> impl_;
    };

    // A plain field guarded by a lock: every access goes through an rl::var
    // (see the file comment), so Relacy checks it for data races and for
    // use after the enclosing object was destroyed.
    template <class T>
    class shared {
    public:
        template <class... Args>
        explicit shared(Args&&... args) : value_(std::forward<Args>(args)...), version_(0u) {}
        shared(const shared&) = delete;
        shared& operator=(const shared&) = delete;

        const T& read(location loc = location::current()) const {
            count_cell_access();
            (void)version_(debug_info_of(loc)).load();
            return value_;
        }
        T& write(location loc = location::current()) {
            count_cell_access();
            version_(debug_info_of(loc)).store(++writes_);
            return value_;
        }
        // Unchecked access for scenarios, which observe without taking part.
        const T& peek() const { return value_; }

    private:
        T value_;
        rl::var<unsigned> version_;
        unsigned writes_ = 0;
    };

    using thread = ThreadRecord;

    static int thread_create(const vtp::thread_params& params, void (*fn)(void*), void* arg,
                             thread** out, location loc = location::current());
    static thread* current_thread();
    static const char* thread_name(thread* t) { return t->name; }
    static void thread_set_name(thread* t, const char* name, location = location::current()) {
        t->name = name;
    }
    static int thread_bound_cpu(thread* t) { return t->bound ? t->cpu : -1; }
    static const void* thread_owner(thread* t) { return t->owner; }
    static void thread_set_owner(thread* t, const void* owner) { t->owner = owner; }

    static int cpu_count() { return run_state().cpus; }
    static int current_cpu() { return current_thread()->cpu; }

    // kpause with an interlock: the sleep ends at any later point, which is
    // where the scheduler next runs this thread.  A timed wait would give
    // the same orders, at the cost of one more choice at every step.
    static void pause(std::chrono::milliseconds, mutex& interlock,
                      location loc = location::current()) VTP_REQUIRES(interlock) {
        interlock.unlock(loc);
        interlock.lock(loc);
    }

    [[noreturn]] static void check_failed(vtp::check_kind kind, const char* expression,
                                          const char* message, location loc);
    // Called inside a catch block around a job function.
    [[noreturn]] static void job_exception(const char* job_name,
                                           location loc = location::current());

    static void probe(vtp::probe_id id, const vtp::probe_args& args,
                      location = location::current()) {
        record_probe(id, args);
    }

    template <class T, class... Args>
    static T* make(Args&&... args) {
        static_assert(alignof(T) <= alignof(std::max_align_t), "make: over-aligned type");
        void* memory = std::malloc(sizeof(T));
        if (memory == nullptr)
            throw std::bad_alloc();
        run_state().live_blocks.push_back(memory);
        return ::new (memory) T(std::forward<Args>(args)...);
    }
    template <class T>
    static void dispose(T* object) {
        if (object == nullptr)
            return;
        object->~T();
        forget_block(object);
    }

private:
    // Moves a block from the live list to the disposed list; the memory
    // stays mapped until the execution ends, so that a late access to one
    // of its cells fails Relacy's signature check instead of reading reused
    // memory.
    static void forget_block(void* memory);
};

static_assert(vtp::platform<platform>);
static_assert(vtp::platform_reports_binding<platform>);
static_assert(vtp::platform_records_owner<platform>);

}  // namespace checker::relacy
