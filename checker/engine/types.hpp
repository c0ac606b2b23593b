// Value types shared by the engine, its strategies and its clients.
//
// Types defined here:
//   SourceLoc      a caller's file, line and function (repository-relative)
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

#include <cstdint>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/decision.hpp"

namespace checker {

using ThreadId = int;
using ObjectId = int;
inline constexpr int max_threads_per_execution = 64;

struct SourceLoc {
    const char* file = "";
    unsigned line = 0;
    const char* function = "";

    static SourceLoc from(const std::source_location& loc) {
        return SourceLoc{loc.file_name(), loc.line(), loc.function_name()};
    }
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
    int index = 0;
    ThreadId thread = 0;
    OpKind op = OpKind::yield;
    ObjectId object = -1;   // the main object (mutex, condvar, atomic)
    ObjectId object2 = -1;  // the mutex of a wait or pause; the target of a join
    SourceLoc loc;
    std::vector<ThreadId> enabled;   // the threads that could have run (alternatives)
    std::vector<Decision> choices;   // decisions taken inside this step
    int enabled_by = -1;  // the step that woke, spawned or ended what this step needed
    bool preemption = false;
    ThreadId spawned = -1;  // for a successful spawn: the new thread
    int result = 0;         // spawn: error number; wait: 1 if it timed out
};

struct ThreadInfo {
    std::string name;         // stable: "main", "main/1", "main/1/2", ...
    std::string given_name;   // the name passed at creation, if any
    ThreadId parent = -1;
    SourceLoc created_at;
};

struct ObjectInfo {
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
