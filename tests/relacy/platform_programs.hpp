// Small programs on relacy::platform, one per mapping of the sync interface
// onto Relacy, for platform_test.cpp.  Each is a RunSpec body; the Relacy
// translation unit platform_programs.cpp defines them.
#pragma once

#include <cstdint>

namespace relacy_programs {

// Two client threads increment one shared<int>, with or without a mutex.
void unlocked_writers(const void*);
void locked_writers(const void*);

// A writer fills a shared<int> and sets an atomic flag; a reader that sees
// the flag reads the cell.  Relaxed orders race; release/acquire do not.
void relaxed_message_passing(const void*);
void release_acquire_message_passing(const void*);

// A thread waits on a condition variable that no thread signals, with the
// registry's timeouts on or off (the argument points to a bool).
void unsignalled_timed_wait(const void* timeouts_on);

// Creates pool threads until thread_create fails; the platform records how
// many started in created_threads.
void create_until_refused(const void*);
extern int created_threads;

// Creates one pool thread; counts the outcomes over all executions.
void create_once(const void*);
extern int creations_failed;
extern int creations_succeeded;

// Fails a KASSERT-style check at a known line (check_line).
void failed_check(const void*);
extern unsigned check_line;

// Reads a shared<int> inside an object after P::dispose.
void read_after_dispose(const void*);

// Disposes of an object without ending its condition variable's lifetime.
void condvar_never_destroyed(const void*);

// The benchmark's reference program: three client threads, each entering
// one mutex-protected critical section twice and appending its number to a
// shared<int>.  distinct_orders counts the different final values seen.
void lock_rounds(const void*);
int distinct_orders();
void reset_orders();

}  // namespace relacy_programs
