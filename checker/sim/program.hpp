// Helpers for programs run by the engine: client threads, joins, checks
// and outcomes.  Client threads created here never fail by injection;
// only the code under test (through platform::thread_create) does.
#pragma once

#include <source_location>
#include <string_view>

#include "checker/engine/execution.hpp"

namespace checker::sim {

// Starts a client thread; returns its id for join().
ThreadId spawn(ThreadBody body, const char* name = "", int cpu = -1,
               std::source_location loc = std::source_location::current());
void join(ThreadId thread, std::source_location loc = std::source_location::current());
// A scheduling point with no object.
void yield(std::source_location loc = std::source_location::current());
// Reports a property violation named property unless condition holds.
void check(bool condition, std::string_view property, std::string_view message,
           std::source_location loc = std::source_location::current());
// Adds a fact to the terminal-state fingerprint.
void outcome(std::string_view fact);
// Sets the number of CPUs of the modelled machine.
void set_cpu_count(int count);

}  // namespace checker::sim
