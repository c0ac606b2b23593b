// Execution: one run of a program under the controlled scheduler.
//
// Types defined here:
//   Program      what the engine runs: a name, a main body, observers
//   Observer     sees steps, annotations (probes) and the end of a run
//   Annotation   an event the program under test reports (a probe)
//   ThreadHandle the identity a thread has inside the program
//   Execution    the runtime of one execution: threads as fibers, objects,
//                the logical clock, detectors, and the scheduling loop
//   Workspace    what the executions of one search reuse, one after another:
//                fibers and their stacks, thread records, table capacity
//
// A step is one transition of one thread: the operation it was suspended
// at, then the thread's local code up to its next scheduling point.  Only
// one fiber runs at a time, so a step is atomic.  The main loop:
//
//   1. compute the enabled threads (types.hpp has the state table);
//   2. ask the strategy which one takes the next step;
//   3. for a blocked or sleeping thread, apply its wakeup in the scheduler;
//      otherwise resume its fiber, which applies its pending operation and
//      runs to its next scheduling point;
//   4. run the prefix of every thread created in the step up to its first
//      scheduling point, and show the step to the observers.
//
// The loop runs where a step ends: the thread that reaches its next
// scheduling point does 4, 1 and 2 on its own stack (schedule()).  If it is
// picked again it goes on with no switch.  If another ready thread is, it
// hands over to that thread's fiber directly.  Only wakeups, threads that
// block, finish or stop, and the end go back to the loop in run().
//
// It ends when no thread is enabled (a deadlock if some thread has not
// finished, a leak if main has), on a violation, at the step bound, or when
// the strategy cuts.  A strategy that analyses what a violation would hide
// (DPOR and DFS with keep_going) lets it run on: the violating thread
// stops, or, for a data race, a lock-order cycle or a use after destroy,
// goes on, and later violations are recorded too.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checker/engine/fiber.hpp"
#include "checker/engine/options.hpp"
#include "checker/engine/small_vector.hpp"
#include "checker/engine/thread_body.hpp"
#include "checker/engine/strategy.hpp"
#include "checker/engine/types.hpp"
#include "checker/engine/vector_clock.hpp"

namespace checker {

class Execution;
class Workspace;

struct Annotation {
    int code = 0;            // the program's event number (a probe id)
    const char* name = "";   // the event's name (a probe name)
    const void* payload = nullptr;  // the program's event arguments
    ThreadId thread = 0;
    int step = 0;
    SourceLoc loc;
};

class Observer {
public:
    virtual ~Observer() = default;
    virtual void on_step(Execution&, const Step&) {}
    virtual void on_annotation(Execution&, const Annotation&) {}
    // Called when the execution ends normally (not cut, no violation yet).
    virtual void on_end(Execution&) {}
};

struct Program {
    std::string name;
    std::function<void()> main;
    // Makes the observers of one execution (fresh state every time).
    std::function<std::vector<std::unique_ptr<Observer>>()> observers;
};

// A thread's identity inside the program (the sim platform's thread type).
struct ThreadHandle {
    ThreadId id = 0;
    const char* name = "";  // the name pointer the program last set (l_name)
    int cpu = 0;            // the CPU the thread runs on
    bool bound = false;     // bound to its CPU
};

// Thrown inside a fiber to unwind it when the execution stops.
struct ExecutionAborted {};

// The reason an execution ended early without a violation.  With
// timeout_bound, some thread waits only because the timeout bound keeps its
// timer from firing, so the end is an artefact of the bound, not a deadlock.
enum class CutReason : std::uint8_t { none, sleep_set, thread_bound, timeout_bound, diverged };

// Access modes for the dependency relation of partial-order reduction.
enum class AccessMode : std::uint8_t { none, sync, read, write };
struct Access {
    ObjectId object = -1;  // -2: the thread table, -3: the logical clock
    AccessMode mode = AccessMode::none;
};
struct Footprint {
    std::array<Access, 3> accesses{};
    int count = 0;
    void add(ObjectId object, AccessMode mode) { accesses[count++] = Access{object, mode}; }
};
bool dependent(const Footprint& a, const Footprint& b);
inline constexpr ObjectId thread_table_object = -2;
inline constexpr ObjectId clock_object = -3;

// The transition a thread would have taken next when its execution stopped
// early (a violation or a bound).  DPOR analyses these as well, because the
// stop hides the races they would have had.
struct PendingTransition {
    ThreadId thread = -1;
    OpKind op = OpKind::yield;
    ObjectId object = -1;   // as in Step
    Footprint footprint;
    bool enabled = false;   // could run in the state where the execution stopped
    int enabled_by = -1;    // the step that woke, spawned or ended what it needs
};

class Execution {
public:
    // The workspace lends its fibers and tables to this execution until it
    // is destroyed.  It serves one execution at a time.
    Execution(const Program& program, const Options& options, Strategy& strategy,
              Workspace& workspace);
    ~Execution();
    Execution(const Execution&) = delete;
    Execution& operator=(const Execution&) = delete;

    // Runs the execution to its end.  Call once.
    void run();

    // The execution whose fiber is running, or null outside any execution.
    static Execution* current() { return current_; }
    // The same, but a program error if there is none.
    static Execution& require_current(const char* operation) {
        if (current_ == nullptr)
            throw_outside(operation);
        return *current_;
    }

    // --- for the sim platform, called from inside fibers -------------------

    // `address` is where a mutex or condition variable lives (0 for
    // others), so that a disposal of its memory while it is alive is
    // reported as a leak.  A number, not a pointer: the object is still
    // being constructed, and nothing reads it.
    ObjectId create_object(ObjectKind kind, const char* name, SourceLoc loc,
                           std::uintptr_t address = 0);
    void destroy_object(ObjectId object, SourceLoc loc);
    // Reports a use-after-destroy violation if the object was destroyed.
    void check_alive(ObjectId object, SourceLoc loc) {
        if (object >= 0 && object < static_cast<ObjectId>(object_info_.size()) &&
            object_info_[object].alive)
            return;
        report_not_alive(object, loc);
    }

    void mutex_lock(ObjectId mutex, SourceLoc loc);
    void mutex_unlock(ObjectId mutex, SourceLoc loc);
    bool mutex_owned(ObjectId mutex) const;

    // Returns true if the wait timed out.
    bool cv_wait(ObjectId cv, ObjectId mutex, std::optional<std::chrono::milliseconds> timeout,
                 SourceLoc loc);
    void cv_signal(ObjectId cv, SourceLoc loc);
    void cv_broadcast(ObjectId cv, SourceLoc loc);
    bool cv_has_waiters(ObjectId cv) const;

    // Schedules an atomic operation and applies its happens-before effect;
    // the caller changes the value on return.  Returns false while the
    // thread unwinds (apply nothing then).
    bool atomic_op(ObjectId atomic, OpKind op, std::memory_order order, SourceLoc loc);
    // The two halves of atomic_op, for a compare-exchange, whose effect
    // depends on the comparison made in between: a failed compare-exchange
    // is a load and releases nothing.
    bool schedule_atomic(ObjectId atomic, OpKind op, SourceLoc loc);
    void order_atomic(ObjectId atomic, OpKind op, std::memory_order order);
    // Records the atomic's value for the terminal-state fingerprint.
    void note_atomic_value(ObjectId atomic, std::uint64_t bits);

    // Checks a shared-cell access for data races and destroyed owners.
    void cell_access(ObjectId cell, bool write, SourceLoc loc);

    // Creates a thread running body.  Returns 0, or an error number when the
    // engine injects a creation failure.  *out receives the new handle.
    // Only creations with may_fail set are candidates for injected failures.
    int thread_create(const char* name, int cpu, bool bound, bool may_fail, ThreadBody body,
                      ThreadHandle** out, SourceLoc loc);
    void join(ThreadId thread, SourceLoc loc);
    ThreadHandle* current_thread();
    // Releases mutex (if not -1), sleeps on the logical clock, reacquires.
    void pause(std::chrono::milliseconds duration, ObjectId mutex, SourceLoc loc);
    void yield(SourceLoc loc);
    // CPUs of the modelled machine (default 1); threads carry a CPU index.
    void set_cpu_count(int count) { cpu_count_ = count < 1 ? 1 : count; }
    int cpu_count() const { return cpu_count_; }

    void* allocate(std::size_t size, std::size_t alignment, const char* type_name);
    void dispose(void* memory);

    // Reports a violation and stops the execution.  From inside a fiber it
    // unwinds the fiber and does not return.
    void report(Violation violation);
    // Reports a violation of the running thread and unwinds it.  Returns
    // only while the execution is being torn down, when a check in a
    // destructor sees half-finished state: then it reports nothing.
    void fail(ViolationKind kind, std::string message, SourceLoc loc);
    void annotate(int code, const char* name, const void* payload, SourceLoc loc);
    // Adds a program-defined fact to the terminal-state fingerprint.
    void record_outcome(std::string_view outcome);
    // True while the thread runs its cleanup after a stop; operations then
    // do nothing.
    bool aborting() const { return aborting_; }

    // --- for strategies, observers and reports ----------------------------

    const std::vector<Step>& steps() const { return steps_; }
    const std::vector<ThreadInfo>& threads() const { return thread_info_; }
    const std::vector<ObjectInfo>& objects() const { return object_info_; }
    const DecisionList& decisions() const;
    // The first violation, which ends the execution (or, for a strategy
    // that goes on after one, is the one a counterexample shows).
    const std::optional<Violation>& violation() const { return violation_; }
    // Every violation seen, each kind and property once: the first alone,
    // unless the execution went on after it.
    const std::vector<Violation>& violations() const { return violations_; }
    // Empty unless the execution stopped early (violation or thread bound).
    const std::vector<PendingTransition>& pending_at_stop() const { return pending_at_stop_; }
    CutReason cut() const { return cut_; }
    std::uint64_t terminal_fingerprint() const { return terminal_fingerprint_; }
    std::int64_t cell_accesses() const { return cell_accesses_; }
    const Program& program() const { return program_; }
    const Options& options() const { return options_; }
    ThreadId running_thread() const { return running_; }
    const ThreadHandle& handle(ThreadId thread) const { return threads_[thread]->handle; }
    bool thread_finished(ThreadId thread) const;
    // The thread holding a mutex, or -1.
    ThreadId mutex_owner(ObjectId mutex) const;
    // The mutexes a thread holds, in acquisition order.
    std::span<const ObjectId> held_mutexes(ThreadId thread) const {
        const auto& held = threads_[thread]->held;
        return {held.data(), held.size()};
    }
    // True if the object exists in this execution and was not destroyed.
    bool object_alive(ObjectId object) const {
        return object >= 0 && object < static_cast<ObjectId>(object_info_.size()) &&
               object_info_[object].alive;
    }
    std::string describe_object(ObjectId object) const;
    std::string describe_thread(ThreadId thread) const;

    // The footprint of a thread's next transition or of a recorded step,
    // returned or written into out (for partial-order reduction).
    Footprint next_footprint(ThreadId thread) const;
    void next_footprint(ThreadId thread, Footprint& out) const;
    static Footprint step_footprint(const Step& step);
    static void step_footprint(const Step& step, Footprint& out);

private:
    friend class Workspace;

    // stopped: the thread reported a violation; it takes no further step
    // and is unwound at teardown.
    enum class State : std::uint8_t { ready, blocked, sleeping, finished, stopped };

    struct PendingOp {
        OpKind op = OpKind::yield;
        ObjectId object = -1;
        ObjectId object2 = -1;
        SourceLoc loc;
    };

    // A thread slot.  The workspace keeps the record, with its fiber, from
    // one execution to the next, and reset() clears everything else.
    struct ThreadRecord {
        // What every scheduling point reads comes first.
        State state = State::ready;
        bool started = false;
        PendingOp pending;
        int woken_by = -1;           // step that woke or enabled it
        VectorClock clock;
        std::unique_ptr<Fiber> fiber;
        Execution* execution = nullptr;
        ThreadBody body;             // empty for main (it runs program.main)
        ThreadHandle handle;
        SmallVector<ObjectId, 4> held;  // mutexes held, in acquisition order
        bool timer_active = false;
        bool timer_is_pause = false;
        std::int64_t deadline = 0;
        bool timed_out = false;
        VectorClock wake_clock;      // clock of the waker, joined on reacquire
        int children = 0;
        int finished_at = -1;    // the step in which the body returned
        bool destroying = false;  // inside destroy_object (a destructor)
        // For refresh(): the mutex or thread its pending operation waits
        // for (-1 if none), and the ready threads waiting to join it.
        ObjectId contends_for = -1;
        ThreadId joins = -1;
        ThreadSet joiners;

        // Back to a fresh record for thread `id`, keeping the fiber and the
        // storage of its tables.  Every field above but the fiber gets its
        // initial value here.
        void reset(Execution* owner, ThreadId id) {
            execution = owner;
            body = nullptr;
            handle = ThreadHandle{};
            handle.id = id;
            state = State::ready;
            pending = PendingOp{};
            clock.clear();
            held.clear();
            timer_active = false;
            timer_is_pause = false;
            deadline = 0;
            timed_out = false;
            woken_by = -1;
            wake_clock.clear();
            children = 0;
            started = false;
            finished_at = -1;
            destroying = false;
            contends_for = -1;
            joins = -1;
            joiners.clear();
        }
    };

    struct MutexState {
        ThreadId owner = -1;
        ThreadSet contenders;  // ready threads whose pending operation locks it
        VectorClock release_clock;
    };
    struct CondvarState {
        SmallVector<ThreadId, 4> waiters;
    };
    struct AtomicState {
        VectorClock release_clock;
        std::uint64_t bits = 0;
    };
    struct CellState {
        ThreadId write_thread = -1;
        std::uint32_t write_epoch = 0;
        SourceLoc write_loc;
        int write_step = -1;
        struct Read {
            ThreadId thread;
            std::uint32_t epoch;
            SourceLoc loc;
            int step;
        };
        SmallVector<Read, 4> reads;
    };
    // A thread's latest operation on a sync object, for the check that the
    // object's destruction happens after every use.
    struct Use {
        ThreadId thread;
        std::uint32_t epoch;
        int step;
        SourceLoc loc;
    };
    struct ObjectState {
        // User-provided, so that emplace_back() does not zero the whole
        // object (the inline storage of its tables) before constructing it.
        ObjectState() {}

        MutexState mutex;
        CondvarState condvar;
        AtomicState atomic;
        CellState cell;
        SmallVector<Use, 4> uses;  // one per thread
    };
    struct Allocation {
        void* memory;
        std::size_t size;
        std::size_t alignment;
        const char* type_name;
        bool disposed;
        ThreadId thread;
        int step;
    };

    void report_live_objects_in(const Allocation& allocation);
    // The part of check_alive for an object that is not alive.
    // Cold paths of the checks above, kept out of their callers.
    [[gnu::cold, gnu::noinline]] void report_not_alive(ObjectId object, SourceLoc loc);
    [[gnu::cold, gnu::noinline]] void report_race(ObjectId cell, ThreadId other,
                                                  bool other_write, SourceLoc other_loc,
                                                  int other_step, bool write, SourceLoc loc);

    // Scheduling.
    void schedule_all();
    static void thread_entry(void* record);
    bool running_on() const;
    [[gnu::always_inline]] ThreadId begin_step();
    [[gnu::cold, gnu::noinline]] void report_step_bound(ThreadSet enabled);
    [[noreturn]] static void throw_not_enabled(ThreadId chosen, int depth);
    void end_step(Context& caller) {
        if (!unstarted_.empty() || !observers_.empty())
            end_step_work(caller);
    }
    void end_step_work(Context& caller);
    [[noreturn]] static void throw_outside(const char* operation);
    void run_thread(ThreadId thread);
    ThreadRecord& add_thread();
    void start_thread(ThreadId thread, Context& from);
    // Ends the running thread's step at this operation.  Returns false while
    // the thread unwinds.
    bool schedule(OpKind op, ObjectId object, ObjectId object2, SourceLoc loc);
    void suspend_running();
    [[gnu::always_inline]] ThreadSet collect_enabled() const;
    void refresh(ThreadId thread);
    bool transition_enabled(ThreadId thread) const;
    bool transition_enabled(const ThreadRecord& record, std::int64_t earliest) const;
    std::int64_t earliest_deadline() const;
    bool timer_counts(const ThreadRecord& record) const;
    bool spurious_possible(const ThreadRecord& record) const;
    int choose(DecisionKind kind, int alternatives);
    void take_step(ThreadId thread);
    [[gnu::always_inline]] void start_pending(ThreadRecord& record, Step& step);
    void mark_finished(ThreadId thread);
    void stop_running_thread();
    void wake_blocked(ThreadId thread, Step& step);
    void finish();
    void record_pending_at_stop();
    std::uint64_t compute_terminal_fingerprint() const;
    void teardown();
    void check_end_state();
    void report_deadlock();
    void record_violation(Violation violation);
    void report_leaked_threads();
    bool held_back_by_timeout_bound() const;
    std::string describe_wait(ThreadId thread) const;
    Step& current_step() { return steps_.back(); }
    ThreadRecord& running_record() { return *threads_[running_]; }

    // Detectors.
    void acquire(ThreadId thread, ObjectId mutex, SourceLoc loc);
    void release(ThreadId thread, ObjectId mutex);
    void note_lock_order(ThreadId thread, ObjectId mutex, SourceLoc loc);
    [[gnu::always_inline]] void note_use(ObjectId object, ThreadId thread, SourceLoc loc);
    bool check_destruction_order(ObjectId object);  // true if it reported
    std::string describe_destruction(const ObjectInfo& info) const;
    [[gnu::always_inline]] void tick(ThreadId thread) { threads_[thread]->clock.tick(thread); }

    const Program& program_;
    const Options& options_;
    Strategy& strategy_;
    Workspace& workspace_;
    std::vector<std::unique_ptr<Observer>> observers_;

    std::vector<ThreadRecord*> threads_;  // lent by the workspace
    std::vector<ThreadInfo> thread_info_;
    std::vector<ThreadId> unstarted_;
    std::vector<ObjectInfo> object_info_;
    std::vector<ObjectState> object_state_;
    std::vector<std::uintptr_t> object_address_;  // 0 for atomics and cells
    std::vector<Allocation> allocations_;
    std::vector<Step> steps_;
    // Built from the steps when asked for (decisions()), so that a step
    // does not record its thread decision twice.
    mutable DecisionList decisions_;
    template <typename F>
    void for_each_table(F f);

    ThreadId running_ = -1;
    ThreadId previous_ = -1;
    Context loop_;                // the loop's context while a thread runs
    ThreadSet live_;              // started, and neither finished nor stopped
    ThreadSet ready_enabled_;     // ready live threads whose pending operation can run
    ThreadSet waiting_;           // blocked or sleeping live threads
    ThreadId stepping_ = -1;      // the thread resumed for the current step
    bool handed_over_ = false;    // it went back to the loop with next_thread_
    ThreadId next_thread_ = -1;   // picked by it, or -1 to end the execution
    int preemptions_ = 0;
    std::int64_t now_ = 0;  // the logical clock, in milliseconds
    int timeouts_fired_ = 0;
    int spurious_used_ = 0;
    int creation_failures_used_ = 0;
    int threads_created_ = 0;
    int cpu_count_ = 1;
    std::int64_t cell_accesses_ = 0;

    // Lock-order graph: an edge a -> b means b was acquired while a was held.
    struct LockEdge {
        ObjectId from, to;
        ThreadId thread;
        SourceLoc loc;
        int step;
    };
    std::vector<LockEdge> lock_edges_;

    std::optional<Violation> violation_;
    std::vector<Violation> violations_;
    std::vector<PendingTransition> pending_at_stop_;
    CutReason cut_ = CutReason::none;
    bool aborting_ = false;
    // The strategy analyses the steps after a violation (DPOR keeping
    // going): the other threads run on, and nothing more is reported.
    bool continue_after_violation_ = false;
    bool ran_ = false;
    std::exception_ptr loop_error_;  // thrown by the loop, rethrown by run()
    std::vector<std::pair<ThreadId, std::string>> outcomes_;  // by the recording thread
    std::uint64_t terminal_fingerprint_ = 0;

    static inline thread_local Execution* current_ = nullptr;
};

// The resources that the executions of one search reuse: the fibers and
// their stacks, the thread records, and the capacity of the per-execution
// tables.  Once the first few executions have run, an execution allocates
// little.  It serves one execution at a time, on the thread that runs them.
class Workspace {
public:
    Workspace();
    ~Workspace();
    Workspace(const Workspace&) = delete;
    Workspace& operator=(const Workspace&) = delete;

private:
    friend class Execution;

    StackPool stacks_;
    // One record per thread slot, side by side.  The capacity is reserved in
    // full up front, so that the records never move.
    std::vector<Execution::ThreadRecord> records_;
    bool lent_ = false;  // an execution has borrowed the tables below
    std::vector<Execution::ThreadRecord*> threads_;
    std::vector<ThreadInfo> thread_info_;
    std::vector<ThreadId> unstarted_;
    std::vector<ObjectInfo> object_info_;
    std::vector<Execution::ObjectState> object_state_;
    std::vector<std::uintptr_t> object_address_;
    std::vector<Execution::Allocation> allocations_;
    std::vector<Step> steps_;
    DecisionList decisions_;
};

}  // namespace checker
