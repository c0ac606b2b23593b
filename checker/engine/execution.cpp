#include "checker/engine/execution.hpp"

#include <cxxabi.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <new>
#include <stdexcept>
#include <utility>

namespace checker {

std::string_view to_string(ObjectKind kind) {
    switch (kind) {
    case ObjectKind::mutex: return "mutex";
    case ObjectKind::condvar: return "condvar";
    case ObjectKind::atomic: return "atomic";
    case ObjectKind::cell: return "cell";
    }
    return "object";
}

std::string_view to_string(OpKind kind) {
    switch (kind) {
    case OpKind::lock: return "lock";
    case OpKind::unlock: return "unlock";
    case OpKind::wait: return "wait";
    case OpKind::timed_wait: return "timed_wait";
    case OpKind::wakeup_timeout: return "wakeup_timeout";
    case OpKind::wakeup_spurious: return "wakeup_spurious";
    case OpKind::reacquire: return "reacquire";
    case OpKind::signal: return "signal";
    case OpKind::broadcast: return "broadcast";
    case OpKind::load: return "load";
    case OpKind::store: return "store";
    case OpKind::rmw: return "rmw";
    case OpKind::spawn: return "spawn";
    case OpKind::join: return "join";
    case OpKind::pause: return "pause";
    case OpKind::pause_end: return "pause_end";
    case OpKind::yield: return "yield";
    }
    return "unknown";
}

std::string_view to_string(ViolationKind kind) {
    switch (kind) {
    case ViolationKind::check_failed: return "check_failed";
    case ViolationKind::misuse: return "misuse";
    case ViolationKind::panic: return "panic";
    case ViolationKind::deadlock: return "deadlock";
    case ViolationKind::livelock: return "livelock";
    case ViolationKind::data_race: return "data_race";
    case ViolationKind::use_after_destroy: return "use_after_destroy";
    case ViolationKind::leak: return "leak";
    case ViolationKind::lock_order: return "lock_order";
    case ViolationKind::property: return "property";
    case ViolationKind::uncaught_exception: return "uncaught_exception";
    }
    return "unknown";
}

bool dependent(const Footprint& a, const Footprint& b) {
    for (int i = 0; i < a.count; ++i) {
        for (int j = 0; j < b.count; ++j) {
            const Access& x = a.accesses[i];
            const Access& y = b.accesses[j];
            if (x.object != y.object)
                continue;
            if (x.mode == AccessMode::sync || y.mode == AccessMode::sync ||
                x.mode == AccessMode::write || y.mode == AccessMode::write)
                return true;
        }
    }
    return false;
}

namespace {

// Returns the C++ spelling of a type name from typeid, or the name as
// given if it cannot be demangled.
std::string readable_type(const char* type_name) {
    int status = 0;
    char* demangled = abi::__cxa_demangle(type_name, nullptr, nullptr, &status);
    if (status != 0 || demangled == nullptr)
        return type_name;
    std::string result(demangled);
    std::free(demangled);
    return result;
}

// "<base><separator><number>", as fmt::format would write it, built in
// one piece: object and thread names are made in every execution.
std::string numbered(std::string_view base, char separator, int number) {
    char text[96];
    if (base.size() + 16 > sizeof text)
        return fmt::format("{}{}{}", base, separator, number);
    std::memcpy(text, base.data(), base.size());
    char* end = text + base.size();
    *end++ = separator;
    end = std::to_chars(end, text + sizeof text, number).ptr;
    return std::string(text, end);
}

std::string format_loc(const SourceLoc& loc) {
    return fmt::format("{}:{}", loc.file(), loc.line());
}

bool has_acquire(std::memory_order order) {
    return order == std::memory_order_acquire || order == std::memory_order_acq_rel ||
           order == std::memory_order_seq_cst || order == std::memory_order_consume;
}

bool has_release(std::memory_order order) {
    return order == std::memory_order_release || order == std::memory_order_acq_rel ||
           order == std::memory_order_seq_cst;
}

// Writes the footprint of an operation on its objects in place.  Pending
// transitions and recorded steps share it, so both sides of a dependency agree.
void footprint_of(OpKind op, ObjectId object, ObjectId object2, Footprint& footprint) {
    footprint.count = 0;
    switch (op) {
    case OpKind::lock:
    case OpKind::unlock:
    case OpKind::reacquire:
        footprint.add(object, AccessMode::sync);
        break;
    case OpKind::wait:
        footprint.add(object, AccessMode::sync);
        footprint.add(object2, AccessMode::sync);
        break;
    case OpKind::timed_wait:
        footprint.add(object, AccessMode::sync);
        footprint.add(object2, AccessMode::sync);
        footprint.add(clock_object, AccessMode::read);
        break;
    case OpKind::wakeup_timeout:
    case OpKind::wakeup_spurious:
        footprint.add(object, AccessMode::sync);
        footprint.add(clock_object, AccessMode::write);
        break;
    case OpKind::signal:
    case OpKind::broadcast:
        footprint.add(object, AccessMode::sync);
        break;
    case OpKind::load:
        footprint.add(object, AccessMode::read);
        break;
    case OpKind::store:
    case OpKind::rmw:
        footprint.add(object, AccessMode::write);
        break;
    case OpKind::spawn:
        footprint.add(thread_table_object, AccessMode::write);
        break;
    case OpKind::pause:
        if (object2 >= 0)
            footprint.add(object2, AccessMode::sync);
        footprint.add(clock_object, AccessMode::read);
        break;
    case OpKind::pause_end:
        footprint.add(clock_object, AccessMode::write);
        break;
    case OpKind::join:
    case OpKind::yield:
        break;
    }
}

}  // namespace

Workspace::Workspace() {
    records_.reserve(max_threads_per_execution);
    thread_info_.reserve(max_threads_per_execution);
}
Workspace::~Workspace() = default;

// Calls f(table, lent) for each per-execution table and the workspace's
// table of the same kind.
template <typename F>
void Execution::for_each_table(F f) {
    f(threads_, workspace_.threads_);
    f(thread_info_, workspace_.thread_info_);
    f(unstarted_, workspace_.unstarted_);
    f(object_info_, workspace_.object_info_);
    f(object_state_, workspace_.object_state_);
    f(object_address_, workspace_.object_address_);
    f(allocations_, workspace_.allocations_);
    f(steps_, workspace_.steps_);
    f(decisions_, workspace_.decisions_);
}

Execution::Execution(const Program& program, const Options& options, Strategy& strategy,
                     Workspace& workspace)
    : program_(program), options_(options), strategy_(strategy), workspace_(workspace) {
    if (workspace.lent_)
        throw std::logic_error(
            "a Workspace serves one execution at a time, and another execution is using it");
    workspace.lent_ = true;
    // Borrow the tables (empty, with the capacity of earlier executions).
    for_each_table([](auto& mine, auto& lent) { mine.swap(lent); });
}

Execution::~Execution() {
    for (const Allocation& allocation : allocations_)
        ::operator delete(allocation.memory, std::align_val_t(allocation.alignment));
    // The bodies may own what the program gave them, so they go now.  The
    // records and their fibers stay in the workspace.
    for (ThreadRecord* record : threads_)
        record->body = nullptr;
    // Give the tables back, empty, keeping their capacity.
    for_each_table([](auto& mine, auto& lent) {
        mine.clear();
        mine.swap(lent);
    });
    workspace_.lent_ = false;
}

void Execution::throw_outside(const char* operation) {
    throw std::logic_error(fmt::format(
        "{} called outside a checker execution: create sim objects and threads only inside "
        "the program's main body",
        operation));
}

// --- the scheduling loop ------------------------------------------------------

void Execution::run() {
    if (ran_)
        throw std::logic_error("Execution::run called twice");
    ran_ = true;
    Execution* outer = current_;
    current_ = this;
    try {
        schedule_all();
    } catch (...) {
        // Unwind the threads, so that their fibers can serve again.
        if (!aborting_) {
            try {
                teardown();
            } catch (...) {
            }
        }
        current_ = outer;
        throw;
    }
    current_ = outer;
}

void Execution::schedule_all() {
    if (program_.observers)
        observers_ = program_.observers();

    ThreadRecord& main = add_thread();
    main.handle.name = "main";
    ThreadInfo& info = thread_info_.emplace_back();
    info.name = std::string("main");
    info.given_name = std::string("main");
    start_thread(0, loop_);

    // After a violation the loop goes on only for a strategy that analyses
    // the rest of the execution; the violating thread is stopped.
    continue_after_violation_ = strategy_.continue_after_violation();
    ThreadId next = begin_step();
    while (next >= 0) {
        handed_over_ = false;
        take_step(next);
        if (handed_over_) {
            // The thread ran on through steps of its own, or handed over
            // to others (see schedule()), and the last of them has already
            // picked the thread of the next step.
            next = next_thread_;
            continue;
        }
        // The step just ended is the last one recorded: a thread may have
        // handed over to others before one came back here.
        previous_ = steps_.back().thread;
        end_step(loop_);
        next = begin_step();
    }
    if (loop_error_)
        std::rethrow_exception(loop_error_);
    finish();
}

bool Execution::running_on() const {
    return cut_ == CutReason::none && (!violation_ || continue_after_violation_);
}

// Starts the next step: picks its thread and records the step.  Returns the
// thread, or -1 when the execution ends here.
inline ThreadId Execution::begin_step() {
    if (!running_on())
        return -1;
    const ThreadSet enabled = collect_enabled();
    if (enabled.empty())
        return -1;
    if (static_cast<int>(steps_.size()) >= options_.max_steps) {
        report_step_bound(enabled);
        return -1;
    }
    SchedulingPoint point;
    point.depth = static_cast<int>(steps_.size());
    point.enabled = enabled;
    point.previous = previous_;
    point.previous_enabled =
        previous_ >= 0 && threads_[previous_]->state == State::ready && enabled.contains(previous_);
    point.preemptions = preemptions_;
    point.execution = this;
    ThreadId chosen = strategy_.pick_thread(point);
    if (chosen < 0) {
        if (!violation_)
            cut_ = chosen == stop_diverged ? CutReason::diverged : CutReason::sleep_set;
        return -1;
    }
    if (!enabled.contains(chosen))
        throw_not_enabled(chosen, point.depth);

    Step& step = steps_.emplace_back();
    step.index = static_cast<int>(steps_.size()) - 1;
    step.thread = chosen;
    step.enabled = enabled;
    if (point.previous_enabled && chosen != previous_) {
        step.preemption = true;
        ++preemptions_;
    }
    return chosen;
}

// Each step contributes its thread decision, whose alternatives are the
// threads that existed when it was taken (main and those created by
// earlier spawn steps), and then the decisions inside it.
const DecisionList& Execution::decisions() const {
    decisions_.clear();
    int threads = 1;
    for (const Step& step : steps_) {
        decisions_.push_back(Decision{DecisionKind::thread, step.thread, threads});
        decisions_.insert(decisions_.end(), step.choices.begin(), step.choices.end());
        if (step.spawned >= 0)
            ++threads;
    }
    return decisions_;
}

void Execution::report_step_bound(ThreadSet enabled) {
    report(Violation{ViolationKind::livelock, "livelock",
                     fmt::format("the execution exceeded the step bound of {} steps (raise "
                                 "--max-steps if it is not a livelock)",
                                 options_.max_steps),
                     static_cast<int>(steps_.size()) - 1,
                     std::vector<ThreadId>(enabled.begin(), enabled.end()),
                     {},
                     {}});
}

void Execution::throw_not_enabled(ThreadId chosen, int depth) {
    throw std::logic_error(
        fmt::format("strategy picked thread {} which is not enabled at step {}", chosen, depth));
}

// Ends the step just taken: runs the threads it created up to their first
// scheduling point, and shows the step to the observers.  `caller` is the
// context this runs in (the loop's, or that of the thread that ended the
// step), which the new threads give control back to.
void Execution::end_step_work(Context& caller) {
    while (!unstarted_.empty() && running_on()) {
        ThreadId thread = unstarted_.front();
        unstarted_.erase(unstarted_.begin());
        start_thread(thread, caller);
    }
    if (!violation_ && cut_ == CutReason::none) {
        for (auto& observer : observers_)
            observer->on_step(*this, steps_.back());
    }
}

// Takes a new thread slot from the workspace's records.  Its fiber runs
// run_thread() when the thread starts.
Execution::ThreadRecord& Execution::add_thread() {
    auto id = static_cast<ThreadId>(threads_.size());
    auto& records = workspace_.records_;
    if (records.size() <= static_cast<std::size_t>(id)) {
        // thread_create() keeps the count within the reserved capacity.
        records.emplace_back();
        records.back().fiber = std::make_unique<Fiber>(workspace_.stacks_);
    }
    ThreadRecord& record = records[id];
    record.reset(this, id);
    record.fiber->start(&Execution::thread_entry, &record);
    threads_.push_back(&record);
    return record;
}

void Execution::thread_entry(void* record) {
    auto* thread = static_cast<ThreadRecord*>(record);
    thread->execution->run_thread(thread->handle.id);
}

// A thread's whole life: main runs the program, every other thread the body
// it was created with.
void Execution::run_thread(ThreadId thread) {
    try {
        if (thread == 0)
            program_.main();
        else
            threads_[thread]->body();
    } catch (const ExecutionAborted&) {
    } catch (const std::exception& error) {
        record_violation(Violation{ViolationKind::uncaught_exception, "uncaught_exception",
                                   fmt::format("{} threw: {}", describe_thread(thread),
                                               error.what()),
                                   static_cast<int>(steps_.size()) - 1,
                                   {thread},
                                   {},
                                   {}});
    }
    mark_finished(thread);
}

void Execution::start_thread(ThreadId thread, Context& from) {
    ThreadRecord& record = *threads_[thread];
    record.started = true;
    live_.insert(thread);
    running_ = thread;
    record.fiber->resume(from);
    running_ = -1;
}

void Execution::take_step(ThreadId thread) {
    ThreadRecord& record = *threads_[thread];
    Step& step = current_step();
    step.loc = record.pending.loc;
    if (record.state == State::blocked) {
        wake_blocked(thread, step);
        return;
    }
    if (record.state == State::sleeping) {
        step.op = OpKind::pause_end;
        step.object = -1;
        step.object2 = record.pending.object;
        now_ = std::max(now_, record.deadline);
        record.timer_active = false;
        record.state = State::ready;
        record.woken_by = -1;
        record.pending.op = record.pending.object >= 0 ? OpKind::reacquire : OpKind::yield;
        refresh(thread);
        tick(thread);
        return;
    }
    start_pending(record, step);
    stepping_ = thread;
    running_ = thread;
    record.fiber->resume(loop_);
    running_ = -1;
}

// Records the pending operation of a ready thread as the step it takes.
inline void Execution::start_pending(ThreadRecord& record, Step& step) {
    step.op = record.pending.op;
    step.object = record.pending.object;
    step.object2 = record.pending.object2;
    if (record.pending.op == OpKind::join)
        step.enabled_by = threads_[record.pending.object2]->finished_at;
    else if (record.pending.op == OpKind::reacquire || record.woken_by >= 0)
        step.enabled_by = record.woken_by;
    record.woken_by = -1;
}

// The end of a thread's body: its last step (or the step that created it,
// if it ended in its prefix) enables the joins that wait for it.
void Execution::mark_finished(ThreadId thread) {
    ThreadRecord& record = *threads_[thread];
    record.state = State::finished;
    live_.erase(thread);
    refresh(thread);
    // Its joins can run now.
    ready_enabled_ = ThreadSet(ready_enabled_.mask() | record.joiners.mask());
    record.finished_at = static_cast<int>(steps_.size()) - 1;
    tick(thread);
}

void Execution::wake_blocked(ThreadId thread, Step& step) {
    ThreadRecord& record = *threads_[thread];
    bool timer_due = timer_counts(record) && record.deadline == earliest_deadline();
    bool spurious = spurious_possible(record);
    int wakeup = timer_due ? 0 : 1;
    if (timer_due && spurious)
        wakeup = choose(DecisionKind::wakeup, 2);

    ObjectId cv = record.pending.object2;
    auto& waiters = object_state_[cv].condvar.waiters;
    waiters.erase(std::remove(waiters.begin(), waiters.end(), thread), waiters.end());
    step.object = cv;
    step.object2 = record.pending.object;
    if (wakeup == 0) {
        step.op = OpKind::wakeup_timeout;
        ++timeouts_fired_;
        now_ = std::max(now_, record.deadline);
        record.timed_out = true;
    } else {
        step.op = OpKind::wakeup_spurious;
        ++spurious_used_;
        record.timed_out = false;
    }
    step.result = record.timed_out ? 1 : 0;
    record.timer_active = false;
    record.state = State::ready;
    record.woken_by = -1;
    refresh(thread);
    tick(thread);
    note_use(cv, thread, record.pending.loc);
}

int Execution::choose(DecisionKind kind, int alternatives) {
    int value = strategy_.pick_value(kind, alternatives);
    if (value < 0 || value >= alternatives)
        throw std::logic_error(fmt::format("strategy picked {} value {} of {} alternatives",
                                           to_string(kind), value, alternatives));
    current_step().choices.push_back(Decision{kind, value, alternatives});
    return value;
}

bool Execution::timer_counts(const ThreadRecord& record) const {
    if (!record.timer_active)
        return false;
    if (record.timer_is_pause)
        return true;
    return options_.timeouts && timeouts_fired_ < options_.max_timeouts;
}

bool Execution::spurious_possible(const ThreadRecord& record) const {
    return record.state == State::blocked && spurious_used_ < options_.max_spurious_wakeups;
}

std::int64_t Execution::earliest_deadline() const {
    std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
    for (const auto& record : threads_) {
        if (record->state != State::finished && timer_counts(*record))
            earliest = std::min(earliest, record->deadline);
    }
    return earliest;
}

bool Execution::transition_enabled(ThreadId thread) const {
    return transition_enabled(*threads_[thread], earliest_deadline());
}

// earliest is earliest_deadline(), computed once per scheduling point (a
// ready thread does not need it).
bool Execution::transition_enabled(const ThreadRecord& record, std::int64_t earliest) const {
    switch (record.state) {
    case State::finished:
    case State::stopped:
        return false;
    case State::ready:
        switch (record.pending.op) {
        case OpKind::lock:
        case OpKind::reacquire:
            return object_state_[record.pending.object].mutex.owner < 0;
        case OpKind::join:
            return threads_[record.pending.object2]->state == State::finished;
        default:
            return true;
        }
    case State::blocked:
        return (timer_counts(record) && record.deadline == earliest) ||
               spurious_possible(record);
    case State::sleeping:
        return record.deadline == earliest;
    }
    return false;
}

inline ThreadSet Execution::collect_enabled() const {
    // The ready threads are kept up to date (refresh()).  A waiting thread
    // depends on the deadlines of all timers, so those are computed here.
    if (waiting_.empty())
        return ready_enabled_;
    ThreadSet enabled = ready_enabled_;
    const std::int64_t earliest = earliest_deadline();
    for (ThreadId thread : waiting_) {
        if (transition_enabled(*threads_[thread], earliest))
            enabled.insert(thread);
    }
    return enabled;
}

// Recomputes which of the sets behind collect_enabled() a thread belongs
// to, after its state or pending operation changed.  A ready thread whose
// pending operation needs a mutex or another thread's end is also listed
// with that mutex or thread, so that an owner change or an end enables or
// disables it at once (acquire(), release(), mark_finished()).
void Execution::refresh(ThreadId thread) {
    ThreadRecord& record = *threads_[thread];
    if (record.contends_for >= 0) {
        object_state_[record.contends_for].mutex.contenders.erase(thread);
        record.contends_for = -1;
    }
    if (record.joins >= 0) {
        threads_[record.joins]->joiners.erase(thread);
        record.joins = -1;
    }
    ready_enabled_.erase(thread);
    waiting_.erase(thread);
    if (!live_.contains(thread))
        return;
    switch (record.state) {
    case State::ready: {
        const PendingOp& pending = record.pending;
        bool enabled = true;
        if (pending.op == OpKind::lock || pending.op == OpKind::reacquire) {
            MutexState& mutex = object_state_[pending.object].mutex;
            mutex.contenders.insert(thread);
            record.contends_for = pending.object;
            enabled = mutex.owner < 0;
        } else if (pending.op == OpKind::join) {
            ThreadRecord& target = *threads_[pending.object2];
            target.joiners.insert(thread);
            record.joins = pending.object2;
            enabled = target.state == State::finished;
        }
        if (enabled)
            ready_enabled_.insert(thread);
        break;
    }
    case State::blocked:
    case State::sleeping:
        waiting_.insert(thread);
        break;
    case State::finished:
    case State::stopped:
        break;
    }
}

ThreadId Execution::mutex_owner(ObjectId mutex) const {
    if (mutex < 0 || mutex >= static_cast<ObjectId>(object_state_.size()))
        return -1;
    return object_state_[mutex].mutex.owner;
}

bool Execution::thread_finished(ThreadId thread) const {
    return threads_[thread]->state == State::finished;
}

Footprint Execution::next_footprint(ThreadId thread) const {
    Footprint footprint;
    next_footprint(thread, footprint);
    return footprint;
}

void Execution::next_footprint(ThreadId thread, Footprint& out) const {
    const ThreadRecord& record = *threads_[thread];
    switch (record.state) {
    case State::blocked:
        footprint_of(OpKind::wakeup_timeout, record.pending.object2, -1, out);
        return;
    case State::sleeping:
        footprint_of(OpKind::pause_end, -1, -1, out);
        return;
    case State::ready:
        footprint_of(record.pending.op, record.pending.object, record.pending.object2, out);
        return;
    case State::finished:
    case State::stopped:
        break;
    }
    out.count = 0;
}

Footprint Execution::step_footprint(const Step& step) {
    Footprint footprint;
    step_footprint(step, footprint);
    return footprint;
}

void Execution::step_footprint(const Step& step, Footprint& out) {
    footprint_of(step.op, step.object, step.object2, out);
}

bool Execution::schedule(OpKind op, ObjectId object, ObjectId object2, SourceLoc loc) {
    if (aborting_) {
        if (std::uncaught_exceptions() > 0)
            return false;
        throw ExecutionAborted{};
    }
    ThreadRecord& record = running_record();
    // Field by field: a copy of a whole PendingOp just built by the caller
    // would wait for the caller's stores to reach the cache.
    record.pending.op = op;
    record.pending.object = object;
    record.pending.object2 = object2;
    record.pending.loc = loc;
    // refresh(), shortened for the common case: the running thread is live
    // and ready, and waits for nothing before or after.
    if (record.contends_for < 0 && record.joins < 0 && op != OpKind::lock &&
        op != OpKind::reacquire && op != OpKind::join)
        ready_enabled_.insert(running_);
    else
        refresh(running_);
    if (stepping_ == running_) {
        // The thread reached the end of a step it was scheduled for (not
        // the prefix it runs when it starts).  It ends the step and picks
        // the next one on its own stack.  If it picks itself, it goes on
        // without a switch to the scheduler and back.  Between steps no
        // thread runs, as in the loop.
        ThreadId self = running_;
        previous_ = self;
        running_ = -1;
        ThreadId next = -1;
        try {
            end_step(record.fiber->context());
            next = begin_step();
        } catch (...) {
            // Not the program's error: the loop rethrows it.
            loop_error_ = std::current_exception();
            next = -1;
        }
        running_ = self;
        if (next == self) {
            Step& step = current_step();
            step.loc = record.pending.loc;
            start_pending(record, step);
            tick(self);
            return true;
        }
        if (next >= 0 && threads_[next]->state == State::ready) {
            // Another thread takes the next step: switch to it directly,
            // as take_step() would from the loop.
            ThreadRecord& other = *threads_[next];
            Step& step = current_step();
            step.loc = other.pending.loc;
            start_pending(other, step);
            stepping_ = next;
            running_ = next;
            record.fiber->hand_over(*other.fiber);
            // Resumed for a step of this thread, or by teardown to unwind.
            if (aborting_ && std::uncaught_exceptions() == 0)
                throw ExecutionAborted{};
            tick(running_);
            return true;
        }
        // A wakeup, which the loop applies, or the end of the execution.
        handed_over_ = true;
        next_thread_ = next;
    }
    suspend_running();
    tick(running_);
    return true;
}

void Execution::suspend_running() {
    ThreadRecord& record = running_record();
    record.fiber->suspend();
    // Resumed: by the scheduler for a step, or by teardown to unwind.
    if (aborting_ && std::uncaught_exceptions() == 0)
        throw ExecutionAborted{};
}

// --- objects ------------------------------------------------------------------

ObjectId Execution::create_object(ObjectKind kind, const char* name, SourceLoc loc,
                                  std::uintptr_t address) {
    ObjectId id = static_cast<ObjectId>(object_info_.size());
    ObjectInfo& info = object_info_.emplace_back();
    info.kind = kind;
    info.name = numbered(
        name != nullptr && *name != '\0' ? std::string_view(name) : to_string(kind), '#', id);
    info.creator = running_;
    info.created_at = loc;
    object_state_.emplace_back();
    object_address_.push_back(address);
    return id;
}

void Execution::destroy_object(ObjectId object, SourceLoc loc) {
    if (aborting_ || object < 0 || object >= static_cast<ObjectId>(object_info_.size()))
        return;
    ObjectInfo& info = object_info_[object];
    struct Destroying {
        ThreadRecord* record;
        explicit Destroying(ThreadRecord* destroyer) : record(destroyer) {
            if (record != nullptr)
                record->destroying = true;
        }
        ~Destroying() {
            if (record != nullptr)
                record->destroying = false;
        }
    } destroying(running_ >= 0 ? threads_[running_] : nullptr);
    if (!info.alive) {
        fail(ViolationKind::use_after_destroy,
             fmt::format("{} destroyed twice: first {}", info.name, describe_destruction(info)),
             loc);
    }
    // An unordered use is reported as such whatever state it left (held, or
    // waited on), so that every order of the same steps reports the same
    // violation.  Those states are misuse only when the use was ordered.
    bool unordered = check_destruction_order(object);
    if (unordered) {
        // Reported above.
    } else if (info.kind == ObjectKind::mutex && object_state_[object].mutex.owner >= 0) {
        fail(ViolationKind::misuse,
             fmt::format("{} destroyed while {} holds it", info.name,
                         describe_thread(object_state_[object].mutex.owner)),
             loc);
    } else if (info.kind == ObjectKind::condvar &&
               !object_state_[object].condvar.waiters.empty()) {
        fail(ViolationKind::misuse,
             fmt::format("{} destroyed while {} waits on it", info.name,
                         describe_thread(object_state_[object].condvar.waiters.front())),
             loc);
    }
    info.alive = false;
    info.destroyed_at = loc;
    info.destroyed_at_step = static_cast<int>(steps_.size()) - 1;
    info.destroyed_by = running_;
}

// A destruction conflicts with every use by another thread, as a write
// does.  Each use must happen before it, or the use could as well have come
// after the destruction in another order of the same steps, an order that
// DPOR need not run because destructions are not scheduling points.  A sync
// operation is ordered by a release in its own step or a later one.  A cell
// access runs after its step's operation, so it needs a later release, as
// in the race check.
bool Execution::check_destruction_order(ObjectId object) {
    if (running_ < 0)
        return false;
    const VectorClock& clock = threads_[running_]->clock;
    const ObjectState& state = object_state_[object];
    auto report_unordered = [&](ThreadId other, int step, SourceLoc use_loc) {
        report(Violation{ViolationKind::use_after_destroy, "use_after_destroy",
                         fmt::format("{} destroyed by {} (step {}) while its use by {} at {} "
                                     "(step {}) is not ordered before the destruction",
                                     describe_object(object), describe_thread(running_),
                                     static_cast<int>(steps_.size()) - 1, describe_thread(other),
                                     format_loc(use_loc), step),
                         static_cast<int>(steps_.size()) - 1,
                         {running_, other},
                         {object},
                         use_loc});
    };
    if (object_info_[object].kind == ObjectKind::cell) {
        const CellState& cell = state.cell;
        if (cell.write_thread >= 0 && cell.write_thread != running_ &&
            clock.get(cell.write_thread) <= cell.write_epoch) {
            report_unordered(cell.write_thread, cell.write_step, cell.write_loc);
            return true;
        }
        for (const CellState::Read& read : cell.reads) {
            if (read.thread != running_ && clock.get(read.thread) <= read.epoch) {
                report_unordered(read.thread, read.step, read.loc);
                return true;
            }
        }
        return false;
    }
    for (const Use& use : state.uses) {
        if (use.thread != running_ && clock.get(use.thread) < use.epoch) {
            report_unordered(use.thread, use.step, use.loc);
            return true;
        }
    }
    return false;
}

inline void Execution::note_use(ObjectId object, ThreadId thread, SourceLoc loc) {
    if (object < 0 || object >= static_cast<ObjectId>(object_state_.size()))
        return;
    Use use{thread, threads_[thread]->clock.get(thread), static_cast<int>(steps_.size()) - 1,
            loc};
    for (Use& existing : object_state_[object].uses) {
        if (existing.thread == thread) {
            existing = use;
            return;
        }
    }
    object_state_[object].uses.push_back(use);
}

std::string Execution::describe_destruction(const ObjectInfo& info) const {
    if (info.destroyed_at.known())
        return fmt::format("at {} (step {})", format_loc(info.destroyed_at),
                           info.destroyed_at_step);
    return fmt::format("by {} (step {})", describe_thread(info.destroyed_by),
                       info.destroyed_at_step);
}

void Execution::report_not_alive(ObjectId object, SourceLoc loc) {
    if (aborting_)
        return;
    if (object < 0 || object >= static_cast<ObjectId>(object_info_.size()))
    if (object < 0 || object >= static_cast<ObjectId>(object_info_.size())) {
        fail(ViolationKind::misuse,
             fmt::format("operation on an object (id {}) that was not created in this "
                         "execution: sim objects must be created inside the program",
                         object),
             loc);
        return;
    }
    const ObjectInfo& info = object_info_[object];
    if (!info.alive) {
        Violation violation{ViolationKind::use_after_destroy, "use_after_destroy",
                            fmt::format("use of {} after it was destroyed {}", info.name,
                                        describe_destruction(info)),
                            static_cast<int>(steps_.size()) - 1,
                            {running_},
                            {object},
                            loc};
        report(std::move(violation));
    }
}

std::string Execution::describe_object(ObjectId object) const {
    if (object == thread_table_object)
        return "threads";
    if (object == clock_object)
        return "clock";
    if (object < 0 || object >= static_cast<ObjectId>(object_info_.size()))
        return fmt::format("object#{}", object);
    return object_info_[object].name;
}

std::string Execution::describe_thread(ThreadId thread) const {
    if (thread < 0 || thread >= static_cast<ThreadId>(thread_info_.size()))
        return fmt::format("thread#{}", thread);
    const ThreadInfo& info = thread_info_[thread];
    if (info.given_name.empty() || info.given_name == info.name)
        return info.name;
    return fmt::format("{} ({})", info.name, info.given_name);
}

// --- mutexes ------------------------------------------------------------------

void Execution::mutex_lock(ObjectId mutex, SourceLoc loc) {
    check_alive(mutex, loc);
    if (!aborting_ && object_state_[mutex].mutex.owner == running_)
        fail(ViolationKind::deadlock,
             fmt::format("{} locks {}, which it already holds", describe_thread(running_),
                         describe_object(mutex)),
             loc);
    if (!schedule(OpKind::lock, mutex, -1, loc))
        return;
    // Checked again now that the step runs: another thread may have
    // destroyed the object since the request.
    check_alive(mutex, loc);
    acquire(running_, mutex, loc);
    note_use(mutex, running_, loc);
}

void Execution::mutex_unlock(ObjectId mutex, SourceLoc loc) {
    check_alive(mutex, loc);
    if (!aborting_ && object_state_[mutex].mutex.owner != running_)
        fail(ViolationKind::misuse,
             fmt::format("{} unlocks {}, which it does not hold", describe_thread(running_),
                         describe_object(mutex)),
             loc);
    if (!schedule(OpKind::unlock, mutex, -1, loc))
        return;
    check_alive(mutex, loc);
    release(running_, mutex);
    note_use(mutex, running_, loc);
}

bool Execution::mutex_owned(ObjectId mutex) const {
    if (mutex < 0 || mutex >= static_cast<ObjectId>(object_state_.size()))
        return false;
    return running_ >= 0 && object_state_[mutex].mutex.owner == running_;
}

void Execution::acquire(ThreadId thread, ObjectId mutex, SourceLoc loc) {
    MutexState& state = object_state_[mutex].mutex;
    state.owner = thread;
    ThreadRecord& record = *threads_[thread];
    // The acquirer waits for it no more, and every other thread that does
    // is now disabled.
    if (record.contends_for == mutex) {
        state.contenders.erase(thread);
        record.contends_for = -1;
    }
    ready_enabled_ = ThreadSet(ready_enabled_.mask() & ~state.contenders.mask());
    record.clock.join(state.release_clock);
    // A new edge of the lock-order graph needs a mutex already held.
    if (options_.detect_lock_order && !record.held.empty())
        note_lock_order(thread, mutex, loc);
    record.held.push_back(mutex);
}

void Execution::release(ThreadId thread, ObjectId mutex) {
    MutexState& state = object_state_[mutex].mutex;
    state.owner = -1;
    ready_enabled_ = ThreadSet(ready_enabled_.mask() | state.contenders.mask());
    ThreadRecord& record = *threads_[thread];
    state.release_clock = record.clock;
    auto it = std::find(record.held.begin(), record.held.end(), mutex);
    if (it != record.held.end())
        record.held.erase(it);
}

void Execution::note_lock_order(ThreadId thread, ObjectId mutex, SourceLoc loc) {
    const ThreadRecord& record = *threads_[thread];
    int step = static_cast<int>(steps_.size()) - 1;
    for (ObjectId held : record.held) {
        bool known = false;
        for (const LockEdge& edge : lock_edges_) {
            if (edge.from == held && edge.to == mutex) {
                known = true;
                break;
            }
        }
        if (known)
            continue;
        // A path mutex -> ... -> held closes a cycle with the new edge.
        std::vector<ObjectId> frontier{mutex};
        std::vector<ObjectId> seen{mutex};
        std::vector<const LockEdge*> via(object_info_.size(), nullptr);
        bool cycle = false;
        while (!frontier.empty() && !cycle) {
            ObjectId from = frontier.back();
            frontier.pop_back();
            for (const LockEdge& edge : lock_edges_) {
                if (edge.from != from ||
                    std::find(seen.begin(), seen.end(), edge.to) != seen.end())
                    continue;
                via[edge.to] = &edge;
                if (edge.to == held) {
                    cycle = true;
                    break;
                }
                seen.push_back(edge.to);
                frontier.push_back(edge.to);
            }
        }
        if (cycle) {
            const LockEdge* earlier = via[held];
            while (earlier != nullptr && earlier->from != mutex && via[earlier->from] != nullptr)
                earlier = via[earlier->from];
            std::string message = fmt::format(
                "lock-order inversion: {} acquired {} while holding {} at {}, but {} "
                "acquired {} while holding {} at {} (step {})",
                describe_thread(thread), describe_object(mutex), describe_object(held),
                format_loc(loc), describe_thread(via[held]->thread),
                describe_object(via[held]->to), describe_object(via[held]->from),
                format_loc(via[held]->loc), via[held]->step);
            Violation violation{ViolationKind::lock_order, "lock_order", std::move(message), step,
                                {thread, via[held]->thread}, {mutex, held}, loc};
            lock_edges_.push_back(LockEdge{held, mutex, thread, loc, step});
            report(std::move(violation));
            return;
        }
        lock_edges_.push_back(LockEdge{held, mutex, thread, loc, step});
    }
}

// --- condition variables ----------------------------------------------------------

bool Execution::cv_wait(ObjectId cv, ObjectId mutex,
                        std::optional<std::chrono::milliseconds> timeout, SourceLoc loc) {
    check_alive(cv, loc);
    check_alive(mutex, loc);
    if (!aborting_ && object_state_[mutex].mutex.owner != running_)
        fail(ViolationKind::misuse,
             fmt::format("{} waits on {} without holding its mutex {}", describe_thread(running_),
                         describe_object(cv), describe_object(mutex)),
             loc);
    OpKind op = timeout ? OpKind::timed_wait : OpKind::wait;
    if (!schedule(op, cv, mutex, loc))
        return false;
    check_alive(cv, loc);
    check_alive(mutex, loc);

    // Release the mutex and block, as one step.
    ThreadId self = running_;
    ThreadRecord& record = running_record();
    release(self, mutex);
    note_use(cv, self, loc);
    note_use(mutex, self, loc);
    object_state_[cv].condvar.waiters.push_back(self);
    record.state = State::blocked;
    record.timed_out = false;
    record.timer_active = timeout.has_value();
    record.timer_is_pause = false;
    if (timeout)
        record.deadline = now_ + timeout->count();
    record.wake_clock.clear();
    record.pending = PendingOp{OpKind::reacquire, mutex, cv, loc};
    refresh(self);
    suspend_running();

    // Woken, and now scheduled to take the mutex back.
    tick(self);
    record.clock.join(record.wake_clock);
    check_alive(mutex, loc);
    acquire(self, mutex, loc);
    note_use(mutex, self, loc);
    return record.timed_out;
}

void Execution::cv_signal(ObjectId cv, SourceLoc loc) {
    check_alive(cv, loc);
    if (!schedule(OpKind::signal, cv, -1, loc))
        return;
    check_alive(cv, loc);
    note_use(cv, running_, loc);
    auto& waiters = object_state_[cv].condvar.waiters;
    if (waiters.empty())
        return;
    int index = waiters.size() > 1 ? choose(DecisionKind::waiter, static_cast<int>(waiters.size()))
                                   : 0;
    ThreadId woken = waiters[index];
    waiters.erase(waiters.begin() + index);
    ThreadRecord& record = *threads_[woken];
    record.state = State::ready;
    record.timer_active = false;
    record.woken_by = static_cast<int>(steps_.size()) - 1;
    record.wake_clock = running_record().clock;
    refresh(woken);
}

void Execution::cv_broadcast(ObjectId cv, SourceLoc loc) {
    check_alive(cv, loc);
    if (!schedule(OpKind::broadcast, cv, -1, loc))
        return;
    check_alive(cv, loc);
    note_use(cv, running_, loc);
    auto& waiters = object_state_[cv].condvar.waiters;
    for (ThreadId woken : waiters) {
        ThreadRecord& record = *threads_[woken];
        record.state = State::ready;
        record.timer_active = false;
        record.woken_by = static_cast<int>(steps_.size()) - 1;
        record.wake_clock = running_record().clock;
        refresh(woken);
    }
    waiters.clear();
}

bool Execution::cv_has_waiters(ObjectId cv) const {
    if (cv < 0 || cv >= static_cast<ObjectId>(object_state_.size()))
        return false;
    return !object_state_[cv].condvar.waiters.empty();
}

// --- atomics and cells --------------------------------------------------------------

bool Execution::atomic_op(ObjectId atomic, OpKind op, std::memory_order order, SourceLoc loc) {
    if (!schedule_atomic(atomic, op, loc))
        return false;
    order_atomic(atomic, op, order);
    return true;
}

bool Execution::schedule_atomic(ObjectId atomic, OpKind op, SourceLoc loc) {
    check_alive(atomic, loc);
    if (!schedule(op, atomic, -1, loc))
        return false;
    check_alive(atomic, loc);
    note_use(atomic, running_, loc);
    return true;
}

void Execution::order_atomic(ObjectId atomic, OpKind op, std::memory_order order) {
    AtomicState& state = object_state_[atomic].atomic;
    ThreadRecord& record = running_record();
    if ((op == OpKind::load || op == OpKind::rmw) && has_acquire(order))
        record.clock.join(state.release_clock);
    if (op == OpKind::store) {
        // A plain store starts a new release sequence, or none if relaxed.
        if (has_release(order))
            state.release_clock = record.clock;
        else
            state.release_clock.clear();
    } else if (op == OpKind::rmw && has_release(order)) {
        // A read-modify-write continues the release sequence it reads from.
        state.release_clock.join(record.clock);
    }
}

void Execution::note_atomic_value(ObjectId atomic, std::uint64_t bits) {
    if (atomic >= 0 && atomic < static_cast<ObjectId>(object_state_.size()))
        object_state_[atomic].atomic.bits = bits;
}

void Execution::cell_access(ObjectId cell, bool write, SourceLoc loc) {
    if (aborting_)
        return;
    check_alive(cell, loc);
    ++cell_accesses_;
    if (!options_.detect_races)
        return;
    CellState& state = object_state_[cell].cell;
    const ThreadId self = running_;
    const VectorClock& clock = threads_[self]->clock;
    const int step = static_cast<int>(steps_.size()) - 1;

    if (state.write_thread >= 0 && state.write_thread != self &&
        clock.get(state.write_thread) <= state.write_epoch) {
        report_race(cell, state.write_thread, true, state.write_loc, state.write_step, write, loc);
        return;
    }
    const std::uint32_t epoch = clock.get(self);
    if (write) {
        for (const CellState::Read& read : state.reads) {
            if (read.thread != self && clock.get(read.thread) <= read.epoch) {
                report_race(cell, read.thread, false, read.loc, read.step, write, loc);
                return;
            }
        }
        state.write_thread = self;
        state.write_epoch = epoch;
        state.write_loc = loc;
        state.write_step = step;
        state.reads.clear();
        return;
    }
    for (CellState::Read& read : state.reads) {
        if (read.thread == self) {
            read = CellState::Read{self, epoch, loc, step};
            return;
        }
    }
    state.reads.push_back(CellState::Read{self, epoch, loc, step});
}

// The running thread's access to cell (write or read, at loc) is not
// ordered after another thread's earlier one.
void Execution::report_race(ObjectId cell, ThreadId other, bool other_write, SourceLoc other_loc,
                            int other_step, bool write, SourceLoc loc) {
    const ThreadId self = running_;
    const int step = static_cast<int>(steps_.size()) - 1;
    std::string message = fmt::format(
        "data race on {}: {} by {} at {} (step {}) and {} by {} at {} (step {}) are not "
        "ordered by happens-before",
        describe_object(cell), other_write ? "write" : "read", describe_thread(other),
        format_loc(other_loc), other_step, write ? "write" : "read", describe_thread(self),
        format_loc(loc), step);
    report(Violation{ViolationKind::data_race, "data_race", std::move(message), step,
                     {other, self}, {cell}, loc});
}

// --- threads -----------------------------------------------------------------------

int Execution::thread_create(const char* name, int cpu, bool bound, bool may_fail,
                             ThreadBody body, ThreadHandle** out, SourceLoc loc) {
    if (!schedule(OpKind::spawn, -1, -1, loc))
        return EAGAIN;
    if (threads_created_ >= options_.max_threads ||
        static_cast<int>(threads_.size()) >= max_threads_per_execution) {
        // The execution is cut here (or, after a violation, only this thread).
        if (!violation_)
            cut_ = CutReason::thread_bound;
        stop_running_thread();
        return EAGAIN;
    }
    if (may_fail && creation_failures_used_ < options_.max_creation_failures &&
        choose(DecisionKind::creation_failure, 2) == 1) {
        ++creation_failures_used_;
        current_step().result = EAGAIN;
        return EAGAIN;
    }
    ThreadId parent = running_;
    ThreadId id = static_cast<ThreadId>(threads_.size());
    ThreadRecord& parent_record = *threads_[parent];
    ThreadRecord& record = add_thread();
    record.body = std::move(body);
    record.handle.cpu = cpu;
    record.handle.bound = bound;
    record.clock = parent_record.clock;
    record.woken_by = static_cast<int>(steps_.size()) - 1;
    ++threads_created_;
    // The table's storage does not move within an execution (reserved for
    // max_threads_per_execution entries), so references into it hold.
    const std::string& parent_name = thread_info_[parent].name;
    ThreadInfo& info = thread_info_.emplace_back();
    info.name = numbered(parent_name, '/', ++parent_record.children);
    if (name != nullptr && *name != '\0')
        info.given_name = name;
    info.parent = parent;
    info.created_at = loc;
    record.handle.name = info.given_name.c_str();
    unstarted_.push_back(id);
    current_step().spawned = id;
    *out = &threads_[id]->handle;
    return 0;
}

void Execution::join(ThreadId thread, SourceLoc loc) {
    if (thread < 0 || thread >= static_cast<ThreadId>(threads_.size()))
        fail(ViolationKind::misuse, fmt::format("join of unknown thread {}", thread), loc);
    if (!schedule(OpKind::join, -1, thread, loc))
        return;
    ThreadRecord& record = running_record();
    // The joiner waits for the thread no more (see refresh()).
    if (record.joins >= 0) {
        threads_[record.joins]->joiners.erase(running_);
        record.joins = -1;
    }
    record.clock.join(threads_[thread]->clock);
}

ThreadHandle* Execution::current_thread() {
    if (running_ < 0)
        throw std::logic_error("current_thread called outside a model thread");
    return &running_record().handle;
}

void Execution::pause(std::chrono::milliseconds duration, ObjectId mutex, SourceLoc loc) {
    if (mutex >= 0) {
        check_alive(mutex, loc);
        if (!aborting_ && object_state_[mutex].mutex.owner != running_)
            fail(ViolationKind::misuse,
                 fmt::format("{} pauses with interlock {} that it does not hold",
                             describe_thread(running_), describe_object(mutex)),
                 loc);
    }
    if (!schedule(OpKind::pause, -1, mutex, loc))
        return;
    ThreadId self = running_;
    ThreadRecord& record = running_record();
    if (mutex >= 0) {
        check_alive(mutex, loc);
        release(self, mutex);
        note_use(mutex, self, loc);
    }
    record.state = State::sleeping;
    record.timer_active = true;
    record.timer_is_pause = true;
    record.deadline = now_ + duration.count();
    record.pending = PendingOp{mutex >= 0 ? OpKind::reacquire : OpKind::yield, mutex, -1, loc};
    refresh(self);
    suspend_running();
    tick(self);
    if (mutex >= 0) {
        check_alive(mutex, loc);
        acquire(self, mutex, loc);
        note_use(mutex, self, loc);
    }
}

void Execution::yield(SourceLoc loc) {
    schedule(OpKind::yield, -1, -1, loc);
}

// --- memory -----------------------------------------------------------------------

void* Execution::allocate(std::size_t size, std::size_t alignment, const char* type_name) {
    void* memory = ::operator new(size, std::align_val_t(alignment));
    allocations_.push_back(Allocation{memory, size, alignment, type_name, false, running_,
                                      static_cast<int>(steps_.size()) - 1});
    return memory;
}

void Execution::dispose(void* memory) {
    for (auto it = allocations_.rbegin(); it != allocations_.rend(); ++it) {
        if (it->memory != memory)
            continue;
        if (it->disposed && !aborting_)
            fail(ViolationKind::use_after_destroy,
                 fmt::format("memory of type {} disposed twice", readable_type(it->type_name)),
                 SourceLoc{});
        it->disposed = true;
        report_live_objects_in(*it);
        return;
    }
    if (!aborting_)
        fail(ViolationKind::misuse, "dispose of memory that was not allocated by this execution",
             SourceLoc{});
}

// Reports a mutex or condition variable that still lives in memory being
// disposed of: its lifetime never ended (the C++ form of a missing
// mutex_destroy or cv_destroy).  Its destructor will never run, so it is
// marked destroyed here to keep later checks quiet.
void Execution::report_live_objects_in(const Allocation& allocation) {
    const auto begin = reinterpret_cast<std::uintptr_t>(allocation.memory);
    const auto end = begin + allocation.size;
    for (ObjectId object = 0; object < static_cast<ObjectId>(object_address_.size()); ++object) {
        const std::uintptr_t address = object_address_[object];
        ObjectInfo& info = object_info_[object];
        if (address == 0 || address < begin || address >= end || !info.alive)
            continue;
        info.alive = false;
        info.destroyed_at_step = static_cast<int>(steps_.size()) - 1;
        info.destroyed_by = running_;
        if (aborting_ || !options_.detect_leaks)
            continue;
        report(Violation{ViolationKind::leak, "leak",
                         fmt::format("{} {} created by {} at {} was never destroyed: the memory "
                                     "of type {} that holds it was disposed of",
                                     to_string(info.kind), info.name, describe_thread(info.creator),
                                     format_loc(info.created_at),
                                     readable_type(allocation.type_name)),
                         static_cast<int>(steps_.size()) - 1,
                         {},
                         {object},
                         info.created_at});
    }
}

// --- violations and annotations -----------------------------------------------------

// Keeps the first violation, and while the execution runs on after one,
// every later violation of another kind or property.
void Execution::record_violation(Violation violation) {
    if (aborting_)
        return;
    if (violation.step < 0)
        violation.step = static_cast<int>(steps_.size()) - 1;
    if (violation.property.empty())
        violation.property = std::string(to_string(violation.kind));
    if (violation_ && !continue_after_violation_)
        return;
    for (const Violation& known : violations_) {
        if (known.kind == violation.kind && known.property == violation.property)
            return;
    }
    violations_.push_back(violation);
    if (!violation_)
        violation_ = std::move(violation);
}

void Execution::report(Violation violation) {
    if (aborting_)
        return;
    ViolationKind kind = violation.kind;
    record_violation(std::move(violation));
    // A thread that is unwinding for an exception of the program finishes
    // by itself, and any other stops here.  While the execution runs on for
    // the analysis, a thread that reported a data race, a lock-order cycle
    // or a use after destroy goes on as well.  Those involve another thread,
    // whose part may move past this thread's later steps in another order,
    // so the analysis needs those steps.  Going on is safe because the
    // engine keeps a destroyed object's state and managed memory until the
    // end.  A failed check depends on this thread's own view, and a misuse
    // would corrupt the engine's state, so such a thread stops.
    if (running_ < 0 || std::uncaught_exceptions() > 0)
        return;
    if (continue_after_violation_ &&
        (kind == ViolationKind::data_race || kind == ViolationKind::lock_order ||
         kind == ViolationKind::use_after_destroy))
        return;
    stop_running_thread();
}

// Freezes the running thread where it reported a violation.  Unwinding it
// now would run its destructors while operations still take effect; only
// teardown resumes it, and it unwinds from here.  A report from inside a
// destructor (destroy_object: a mutex destroyed while held) cannot throw,
// which would terminate the process: that returns instead, and the thread
// unwinds at its next scheduling point.
void Execution::stop_running_thread() {
    ThreadRecord& record = running_record();
    record.state = State::stopped;
    live_.erase(running_);
    refresh(running_);
    record.fiber->suspend();
    if (!record.destroying)
        throw ExecutionAborted{};
}

void Execution::fail(ViolationKind kind, std::string message, SourceLoc loc) {
    if (aborting_)
        return;
    std::vector<ThreadId> threads;
    if (running_ >= 0)
        threads.push_back(running_);
    report(Violation{kind, std::string(to_string(kind)), std::move(message),
                     static_cast<int>(steps_.size()) - 1, std::move(threads), {}, loc});
    // report() returns only outside fibers; there the loop stops by itself.
}

void Execution::annotate(int code, const char* name, const void* payload, SourceLoc loc) {
    if (aborting_)
        return;
    Annotation annotation{code, name, payload, running_, static_cast<int>(steps_.size()) - 1, loc};
    for (auto& observer : observers_)
        observer->on_annotation(*this, annotation);
}

void Execution::record_outcome(std::string_view outcome) {
    outcomes_.emplace_back(running_, std::string(outcome));
}

// --- the end of an execution ------------------------------------------------------------

std::string Execution::describe_wait(ThreadId thread) const {
    const ThreadRecord& record = *threads_[thread];
    const PendingOp& pending = record.pending;
    std::string where = format_loc(pending.loc);
    switch (record.state) {
    case State::blocked:
        return fmt::format("waits on {} (interlock {}){} at {}", describe_object(pending.object2),
                           describe_object(pending.object),
                           record.timer_active ? ", its timeout disabled by the bounds" : "",
                           where);
    case State::sleeping:
        return fmt::format("sleeps at {}", where);
    case State::ready:
        if (pending.op == OpKind::lock || pending.op == OpKind::reacquire) {
            ThreadId owner = object_state_[pending.object].mutex.owner;
            return fmt::format("waits to {} {} held by {} at {}", to_string(pending.op),
                               describe_object(pending.object), describe_thread(owner), where);
        }
        if (pending.op == OpKind::join)
            return fmt::format("waits to join {} at {}", describe_thread(pending.object2), where);
        return fmt::format("is about to {} at {}", to_string(pending.op), where);
    case State::stopped:
        return "stopped where it reported a violation";
    case State::finished:
        break;
    }
    return "finished";
}

bool Execution::held_back_by_timeout_bound() const {
    if (!options_.timeouts || timeouts_fired_ < options_.max_timeouts)
        return false;
    for (const auto& record : threads_) {
        if (record->state == State::blocked && record->timer_active && !record->timer_is_pause)
            return true;
    }
    return false;
}

void Execution::report_leaked_threads() {
    std::string message = "threads left running after main returned:";
    std::vector<ThreadId> leaked;
    SourceLoc loc;
    for (ThreadId thread = 0; thread < static_cast<ThreadId>(threads_.size()); ++thread) {
        if (threads_[thread]->state == State::finished)
            continue;
        if (leaked.empty())
            loc = threads_[thread]->pending.loc;
        leaked.push_back(thread);
        message += fmt::format(" {} {};", describe_thread(thread), describe_wait(thread));
    }
    message.pop_back();
    report(Violation{ViolationKind::leak, "leak", std::move(message),
                     static_cast<int>(steps_.size()) - 1, std::move(leaked), {}, loc});
}

void Execution::report_deadlock() {
    std::string message = "deadlock: no thread can run and no timer is pending;";
    std::vector<ThreadId> blocked;
    SourceLoc loc;
    for (ThreadId thread = 0; thread < static_cast<ThreadId>(threads_.size()); ++thread) {
        if (threads_[thread]->state == State::finished)
            continue;
        if (blocked.empty())
            loc = threads_[thread]->pending.loc;
        blocked.push_back(thread);
        message += fmt::format(" {} {};", describe_thread(thread), describe_wait(thread));
    }
    message.pop_back();
    report(Violation{ViolationKind::deadlock, "deadlock", std::move(message),
                     static_cast<int>(steps_.size()) - 1, std::move(blocked), {}, loc});
}

// No thread can run.  Unfinished threads make it a deadlock, with two
// exceptions: a thread that only the timeout bound holds back would still
// run (the execution is cut at the bound), and once main has returned,
// threads that wait for a signal nobody will send are leaked, not
// deadlocked (unless some of them wait for a mutex or a thread).
void Execution::check_end_state() {
    bool unfinished = false;
    bool waits_for_thread = false;
    for (const auto& record : threads_) {
        if (record->state == State::finished)
            continue;
        unfinished = true;
        OpKind op = record->pending.op;
        if (record->state == State::ready &&
            (op == OpKind::lock || op == OpKind::reacquire || op == OpKind::join))
            waits_for_thread = true;
    }
    if (unfinished) {
        if (held_back_by_timeout_bound())
            cut_ = CutReason::timeout_bound;
        else if (thread_finished(0) && !waits_for_thread && options_.detect_leaks)
            report_leaked_threads();
        else if (!thread_finished(0) || waits_for_thread)
            report_deadlock();
        return;
    }
    for (auto& observer : observers_) {
        observer->on_end(*this);
        if (violation_)
            return;
    }
    if (options_.detect_leaks) {
        for (const Allocation& allocation : allocations_) {
            if (allocation.disposed)
                continue;
            report(Violation{ViolationKind::leak, "leak",
                             fmt::format("memory of type {} allocated by {} at step {} was never "
                                         "disposed",
                                         readable_type(allocation.type_name),
                                         allocation.thread >= 0 ? describe_thread(allocation.thread)
                                                                : std::string("the program"),
                                         allocation.step),
                             static_cast<int>(steps_.size()) - 1,
                             {},
                             {},
                             {}});
            return;
        }
    }
}

void Execution::record_pending_at_stop() {
    for (ThreadId thread = 0; thread < static_cast<ThreadId>(threads_.size()); ++thread) {
        const ThreadRecord& record = *threads_[thread];
        if (!record.started || record.state == State::finished ||
            record.state == State::stopped)
            continue;
        PendingTransition pending;
        pending.thread = thread;
        pending.op = record.state == State::blocked    ? OpKind::wakeup_timeout
                     : record.state == State::sleeping ? OpKind::pause_end
                                                       : record.pending.op;
        pending.object = record.pending.object;
        pending.footprint = next_footprint(thread);
        pending.enabled = transition_enabled(thread);
        if (record.state == State::ready && record.pending.op == OpKind::join)
            pending.enabled_by = threads_[record.pending.object2]->finished_at;
        else if (record.state == State::ready)
            pending.enabled_by = record.woken_by;
        pending_at_stop_.push_back(pending);
    }
}

void Execution::finish() {
    if (!violation_ && cut_ == CutReason::none)
        check_end_state();
    // Before teardown unwinds the threads: what each would have done next.
    if (violation_ || cut_ == CutReason::thread_bound || cut_ == CutReason::timeout_bound)
        record_pending_at_stop();
    teardown();
    if (!violation_ && cut_ == CutReason::none)
        terminal_fingerprint_ = compute_terminal_fingerprint();
}

// FNV-1a over the facts that define a terminal state: the number of
// threads, every atomic's value and the outcomes the program recorded.
// Equivalent executions may create objects and record outcomes in other
// orders, because object ids follow the global creation order.  So atomics
// are taken by their creator's stable name and their position among its
// objects, and outcomes by thread, each thread's in its own order.
std::uint64_t Execution::compute_terminal_fingerprint() const {
    std::uint64_t hash = 1469598103934665603ull;
    auto mix = [&hash](std::uint64_t value) {
        for (int i = 0; i < 8; ++i) {
            hash ^= (value >> (8 * i)) & 0xff;
            hash *= 1099511628211ull;
        }
    };
    auto mix_text = [&mix](std::string_view text) {
        for (char c : text)
            mix(static_cast<unsigned char>(c));
        mix(0xff);
    };
    auto creator_name = [this](ThreadId thread) -> std::string_view {
        return thread >= 0 ? std::string_view(thread_info_[thread].name) : std::string_view();
    };

    mix(threads_.size());

    struct AtomicValue {
        std::string_view creator;
        int position;
        std::uint64_t bits;
    };
    std::vector<AtomicValue> atomics;
    SmallVector<int, 16> created;
    created.resize(threads_.size() + 1, 0);
    for (ObjectId object = 0; object < static_cast<ObjectId>(object_info_.size()); ++object) {
        const ObjectInfo& info = object_info_[object];
        int position = created[info.creator + 1]++;
        if (info.kind == ObjectKind::atomic)
            atomics.push_back({creator_name(info.creator), position,
                               object_state_[object].atomic.bits});
    }
    std::sort(atomics.begin(), atomics.end(), [](const AtomicValue& a, const AtomicValue& b) {
        return a.creator != b.creator ? a.creator < b.creator : a.position < b.position;
    });
    for (const AtomicValue& atomic : atomics)
        mix(atomic.bits);

    std::vector<std::pair<std::string_view, std::string_view>> outcomes;
    for (const auto& [thread, outcome] : outcomes_)
        outcomes.emplace_back(creator_name(thread), outcome);
    std::stable_sort(outcomes.begin(), outcomes.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [thread, outcome] : outcomes) {
        mix_text(thread);
        mix_text(outcome);
    }
    return hash;
}

void Execution::teardown() {
    aborting_ = true;
    // Newest first: a thread usually uses objects owned by the thread that
    // created it (main's locals), which must outlive its unwinding.
    for (auto thread = static_cast<ThreadId>(threads_.size()) - 1; thread >= 0; --thread) {
        ThreadRecord& record = *threads_[thread];
        // A fiber that never ran starts now and unwinds at its first operation.
        for (int attempts = 0; !record.fiber->finished() && attempts < 1000; ++attempts) {
            running_ = thread;
            record.fiber->resume(loop_);
        }
        running_ = -1;
        if (!record.fiber->finished())
            throw std::logic_error(fmt::format(
                "{} did not unwind when the execution stopped: it catches the engine's abort "
                "exception and keeps running operations",
                describe_thread(thread)));
    }
    unstarted_.clear();
}

}  // namespace checker
