// Value types shared by the engine, its strategies and its clients.
//
// Types defined here:
//   SourceLoc      a caller's file, line and function (repository-relative)
//   ThreadSet      a set of thread ids, as a bit mask (ascending iteration)
//   ObjectKind     what a tracked object is (mutex, condvar, atomic, cell, ...)
//   OpKind         the operation a step performs
//   Step           one recorded step: thread, operation, objects, location
//   ThreadInfo     a thread's stable name and creation details
//   ObjectInfo     an object's kind, name and creation details
//   ViolationKind  the kinds of violation the engine and properties report
//   Violation      one violation with its step, threads, objects and message
//
// Thread states, as the scheduler sees them:
//
//   state        next transition                 enabled when
//   ----------   -----------------------------   ------------------------------------
//   ready        its pending operation           lock/reacquire: mutex free; join:
//                                                target finished; otherwise always
//   blocked      wakeup (timeout or spurious)    its timer is due, or a spurious
//                                                wakeup is left in the budget
//   sleeping     pause_end (its timer fires)     its timer is due
//   finished     none                            never
//   stopped      none (it reported a violation)  never
//
// "Due" means no pending timer has an earlier deadline.  A signal or
// broadcast moves a blocked thread to ready with reacquire pending.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/decision.hpp"
#include "checker/engine/small_vector.hpp"

namespace checker {

using ThreadId = int;
using ObjectId = int;
inline constexpr int max_threads_per_execution = 64;

// One pointer wide, so that it travels in a register: every operation of
// a model thread passes one down to the step it records.
class SourceLoc {
public:
    constexpr SourceLoc() = default;
    static SourceLoc from(const std::source_location& loc) { return SourceLoc(loc); }

    const char* file() const { return where_.file_name(); }
    unsigned line() const { return static_cast<unsigned>(where_.line()); }
    const char* function() const { return where_.function_name(); }
    // False for the empty location (a destructor has no caller location).
    bool known() const { return where_.line() != 0; }

private:
    explicit SourceLoc(const std::source_location& where) : where_(where) {}
    std::source_location where_;
};

// A set of thread ids below max_threads_per_execution, iterated in
// ascending order.  A scheduling point's enabled threads are one.
class ThreadSet {
public:
    using Mask = std::uint64_t;

    constexpr ThreadSet() = default;
    constexpr explicit ThreadSet(Mask mask) : mask_(mask) {}

    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = ThreadId;
        using difference_type = std::ptrdiff_t;
        using pointer = const ThreadId*;
        using reference = ThreadId;

        constexpr iterator() = default;
        constexpr explicit iterator(Mask rest) : rest_(rest) {}
        ThreadId operator*() const { return static_cast<ThreadId>(std::countr_zero(rest_)); }
        iterator& operator++() {
            rest_ &= rest_ - 1;
            return *this;
        }
        iterator operator++(int) {
            iterator before = *this;
            ++*this;
            return before;
        }
        friend bool operator==(iterator a, iterator b) { return a.rest_ == b.rest_; }

    private:
        Mask rest_ = 0;
    };

    iterator begin() const { return iterator(mask_); }
    iterator end() const { return iterator(0); }
    Mask mask() const { return mask_; }
    bool empty() const { return mask_ == 0; }
    std::size_t size() const { return static_cast<std::size_t>(std::popcount(mask_)); }
    bool contains(ThreadId thread) const {
        return thread >= 0 && thread < max_threads_per_execution && ((mask_ >> thread) & 1) != 0;
    }
    void insert(ThreadId thread) { mask_ |= Mask{1} << thread; }
    void erase(ThreadId thread) { mask_ &= ~(Mask{1} << thread); }
    void clear() { mask_ = 0; }
    // Returns the lowest thread id.  The set must not be empty.
    ThreadId front() const { return static_cast<ThreadId>(std::countr_zero(mask_)); }
    // Returns the index-th thread id in ascending order.  index must be
    // below size().
    ThreadId operator[](std::size_t index) const {
        Mask rest = mask_;
        for (; index > 0; --index)
            rest &= rest - 1;
        return static_cast<ThreadId>(std::countr_zero(rest));
    }

    friend bool operator==(ThreadSet a, ThreadSet b) { return a.mask_ == b.mask_; }

private:
    Mask mask_ = 0;
};

enum class ObjectKind : std::uint8_t { mutex, condvar, atomic, cell };
std::string_view to_string(ObjectKind kind);

enum class OpKind : std::uint8_t {
    lock,             // acquire a mutex
    unlock,           // release a mutex
    wait,             // condition wait: release the mutex and block
    timed_wait,       // the same, with a timer started on the logical clock
    wakeup_timeout,   // a blocked timed wait's timer fires
    wakeup_spurious,  // a blocked wait wakes spuriously
    reacquire,        // a woken waiter takes its mutex back
    signal,           // wake one waiter of a condition variable
    broadcast,        // wake every waiter
    load,             // atomic load
    store,            // atomic store
    rmw,              // atomic read-modify-write
    spawn,            // create a thread (may fail by injection)
    join,             // wait for a thread to finish
    pause,            // sleep: release the interlock and start a timer
    pause_end,        // a sleep's timer fires
    yield,            // a scheduling point with no object
};
std::string_view to_string(OpKind kind);

struct Step {
    // User-provided, so that a new step is not zeroed before its members
    // get their initial values (the engine records one per step).
    Step() {}

    int index = 0;
    ThreadId thread = 0;
    OpKind op = OpKind::yield;
    ObjectId object = -1;   // the main object (mutex, condvar, atomic)
    ObjectId object2 = -1;  // the mutex of a wait or pause; the target of a join
    SourceLoc loc;
    ThreadSet enabled;               // the threads that could have run (alternatives)
    SmallVector<Decision, 2> choices;  // decisions taken inside this step
    int enabled_by = -1;  // the step that woke, spawned or ended what this step needed
    bool preemption = false;
    ThreadId spawned = -1;  // for a successful spawn: the new thread
    int result = 0;         // spawn: error number; wait: 1 if it timed out
};

struct ThreadInfo {
    // User-provided, so that a new entry is not zeroed before its members
    // get their initial values.
    ThreadInfo() {}

    std::string name;         // stable: "main", "main/1", "main/1/2", ...
    std::string given_name;   // the name passed at creation, if any
    ThreadId parent = -1;
    SourceLoc created_at;
};

struct ObjectInfo {
    ObjectInfo() {}  // as ThreadInfo's

    ObjectKind kind = ObjectKind::cell;
    std::string name;   // "<given name>#<id>"
    ThreadId creator = -1;
    SourceLoc created_at;
    bool alive = true;
    int destroyed_at_step = -1;
    SourceLoc destroyed_at;   // empty for a destructor, which has no caller location
    ThreadId destroyed_by = -1;
};

enum class ViolationKind : std::uint8_t {
    check_failed,       // a check hook fired (assertion of the code under test)
    misuse,             // a misuse check fired
    panic,              // a panic of the code under test
    deadlock,           // no thread can run and no timer is pending
    livelock,           // the step bound was exceeded
    data_race,          // unordered accesses to a shared cell, one a write
    use_after_destroy,  // an operation on a destroyed object
    leak,               // memory or threads left at the end
    lock_order,         // a cycle in the acquired-while-holding graph
    property,           // a property of the program under test
    uncaught_exception, // an exception escaped a thread
};
std::string_view to_string(ViolationKind kind);

struct Violation {
    ViolationKind kind = ViolationKind::property;
    std::string property;  // the property's name; for engine detectors, the kind
    std::string message;
    int step = -1;         // the step at or after which it was detected
    std::vector<ThreadId> threads;
    std::vector<ObjectId> objects;
    SourceLoc loc;
};

}  // namespace checker
