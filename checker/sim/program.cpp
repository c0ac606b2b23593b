#include "checker/sim/program.hpp"

#include <string>

namespace checker::sim {

ThreadId spawn(ThreadBody body, const char* name, int cpu, std::source_location loc) {
    Execution& execution = Execution::require_current("spawn");
    bool bound = cpu >= 0;
    int where = bound ? cpu : execution.current_thread()->cpu;
    ThreadHandle* handle = nullptr;
    execution.thread_create(name, where, bound, false, std::move(body), &handle,
                            SourceLoc::from(loc));
    return handle != nullptr ? handle->id : -1;
}

void join(ThreadId thread, std::source_location loc) {
    Execution::require_current("join").join(thread, SourceLoc::from(loc));
}

void yield(std::source_location loc) {
    Execution::require_current("yield").yield(SourceLoc::from(loc));
}

void check(bool condition, std::string_view property, std::string_view message,
           std::source_location loc) {
    if (condition)
        return;
    Execution& execution = Execution::require_current("check");
    Violation violation;
    violation.kind = ViolationKind::property;
    violation.property = std::string(property);
    violation.message = std::string(message);
    if (execution.running_thread() >= 0)
        violation.threads.push_back(execution.running_thread());
    violation.loc = SourceLoc::from(loc);
    execution.report(std::move(violation));
}

void outcome(std::string_view fact) {
    Execution::require_current("outcome").record_outcome(fact);
}

void set_cpu_count(int count) {
    Execution::require_current("set_cpu_count").set_cpu_count(count);
}

}  // namespace checker::sim
