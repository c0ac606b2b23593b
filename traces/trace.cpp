// Building traces from engine counterexamples: names for threads and
// objects, the step fingerprint, and the options that replay a trace.
#include "traces/trace.hpp"

#include <fmt/format.h>

#include <utility>

namespace traces {

TraceError::TraceError(std::string file, std::string field, std::string problem)
    : std::runtime_error([&] {
          std::string text = file;
          if (!field.empty())
              text += (text.empty() ? "" : ": ") + field;
          return text + (text.empty() ? "" : ": ") + problem;
      }()),
      file_(std::move(file)),
      field_(std::move(field)),
      problem_(std::move(problem)) {}

std::string_view operation_name(checker::OpKind operation) {
    return checker::to_string(operation);
}

std::string_view object_kind_name(checker::ObjectKind kind) {
    return checker::to_string(kind);
}

std::string_view violation_kind_name(checker::ViolationKind kind) {
    return checker::to_string(kind);
}

namespace {

Location location_of(const checker::SourceLoc& loc) {
    Location location;
    location.file = loc.file();
    location.line = static_cast<int>(loc.line());
    location.function = loc.function();
    return location;
}

std::string thread_name(checker::ThreadId thread, const std::vector<checker::ThreadInfo>& threads) {
    if (thread < 0)
        return "";
    if (thread >= static_cast<checker::ThreadId>(threads.size()))
        return fmt::format("thread#{}", thread);
    return threads[thread].name;
}

// Object ids below 0 that are not "none" are the engine's pseudo-objects
// (the thread table, the logical clock); steps never name them.
std::string object_name(checker::ObjectId object, const std::vector<checker::ObjectInfo>& objects) {
    if (object < 0)
        return "";
    if (object >= static_cast<checker::ObjectId>(objects.size()))
        return fmt::format("object#{}", object);
    return objects[object].name;
}

}  // namespace

std::vector<TraceStep> name_steps(const std::vector<checker::Step>& steps,
                                  const std::vector<checker::ThreadInfo>& threads,
                                  const std::vector<checker::ObjectInfo>& objects) {
    std::vector<TraceStep> named;
    named.reserve(steps.size());
    for (const checker::Step& step : steps) {
        TraceStep out;
        out.index = step.index;
        out.thread = thread_name(step.thread, threads);
        out.operation = step.op;
        out.object = object_name(step.object, objects);
        // A join's second operand is the thread it waits for, not an object.
        if (step.op == checker::OpKind::join)
            out.joined = thread_name(step.object2, threads);
        else
            out.object2 = object_name(step.object2, objects);
        if (step.spawned >= 0)
            out.spawned = thread_name(step.spawned, threads);
        out.location = location_of(step.loc);
        out.choices.assign(step.choices.begin(), step.choices.end());
        for (checker::ThreadId thread : step.enabled)
            out.enabled.push_back(thread_name(thread, threads));
        out.preemption = step.preemption;
        out.enabled_by = step.enabled_by;
        out.result = step.result;
        named.push_back(std::move(out));
    }
    return named;
}

TraceViolation name_violation(const checker::Violation& violation,
                              const std::vector<checker::ThreadInfo>& threads,
                              const std::vector<checker::ObjectInfo>& objects) {
    TraceViolation named;
    named.kind = violation.kind;
    named.property = violation.property;
    named.message = violation.message;
    named.step = violation.step;
    for (checker::ThreadId thread : violation.threads) {
        if (thread >= 0)
            named.threads.push_back(thread_name(thread, threads));
    }
    for (checker::ObjectId object : violation.objects) {
        if (object >= 0)
            named.objects.push_back(object_name(object, objects));
    }
    named.location = location_of(violation.loc);
    return named;
}

Trace make_trace(const checker::Counterexample& counterexample, const TraceContext& context) {
    const checker::Options& options = context.options;
    Trace trace;
    trace.tool_version = context.tool_version;
    trace.scenario = context.scenario;
    trace.parameters = context.parameters;
    trace.strategy = options.strategy;
    trace.seed = options.seed;
    trace.pct_depth = options.pct_depth;
    trace.bounds = Bounds{options.preemption_bound,      options.max_steps,
                          options.max_spurious_wakeups,  options.max_creation_failures,
                          options.max_timeouts,          options.max_threads,
                          options.timeouts};
    trace.detectors = Detectors{options.detect_races, options.detect_lock_order,
                                options.detect_leaks};
    trace.violation =
        name_violation(counterexample.violation, counterexample.threads, counterexample.objects);

    for (const checker::ThreadInfo& info : counterexample.threads) {
        TraceThread thread;
        thread.name = info.name;
        thread.given_name = info.given_name;
        thread.parent = thread_name(info.parent, counterexample.threads);
        thread.created_at = location_of(info.created_at);
        trace.threads.push_back(std::move(thread));
    }
    for (const checker::ObjectInfo& info : counterexample.objects) {
        TraceObject object;
        object.name = info.name;
        object.kind = info.kind;
        object.creator = thread_name(info.creator, counterexample.threads);
        object.created_at = location_of(info.created_at);
        object.destroyed = !info.alive;
        object.destroyed_at_step = info.alive ? -1 : info.destroyed_at_step;
        if (!info.alive)
            object.destroyed_at = location_of(info.destroyed_at);
        trace.objects.push_back(std::move(object));
    }
    trace.decisions = counterexample.decisions;
    trace.steps = name_steps(counterexample.steps, counterexample.threads, counterexample.objects);
    trace.fingerprint = step_fingerprint(trace.steps);
    return trace;
}

std::uint64_t step_fingerprint(std::span<const TraceStep> steps) {
    std::uint64_t hash = 14695981039346656037ull;
    auto mix_byte = [&hash](unsigned char byte) {
        hash ^= byte;
        hash *= 1099511628211ull;
    };
    // Each field ends with a separator byte that no name contains, so that
    // ("ab", "c") and ("a", "bc") hash differently.
    auto mix = [&](std::string_view text) {
        for (char c : text)
            mix_byte(static_cast<unsigned char>(c));
        mix_byte(0x1f);
    };
    for (const TraceStep& step : steps) {
        mix(step.thread);
        mix(operation_name(step.operation));
        mix(step.object);
        mix(step.object2);
        mix(step.joined);
        mix_byte(0x1e);
    }
    return hash;
}

std::string format_fingerprint(std::uint64_t fingerprint) {
    return fmt::format("fnv1a64:{:016x}", fingerprint);
}

checker::Options replay_options(const Trace& trace) {
    checker::Options options;
    options.strategy = checker::StrategyKind::replay;
    options.replay = trace.decisions;
    options.seed = trace.seed;
    options.pct_depth = trace.pct_depth;
    options.preemption_bound = trace.bounds.preemption_bound;
    options.max_steps = trace.bounds.max_steps;
    options.max_spurious_wakeups = trace.bounds.max_spurious_wakeups;
    options.max_creation_failures = trace.bounds.max_creation_failures;
    options.max_timeouts = trace.bounds.max_timeouts;
    options.max_threads = trace.bounds.max_threads;
    options.timeouts = trace.bounds.timeouts;
    options.detect_races = trace.detectors.races;
    options.detect_lock_order = trace.detectors.lock_order;
    options.detect_leaks = trace.detectors.leaks;
    return options;
}

std::string describe_step(const TraceStep& step) {
    std::string text = step.thread + " " + std::string(operation_name(step.operation));
    if (!step.object.empty())
        text += " " + step.object;
    if (!step.object2.empty())
        text += " (" + step.object2 + ")";
    if (!step.joined.empty())
        text += " " + step.joined;
    return text;
}

std::string describe_choices(const checker::DecisionList& choices) {
    std::string text;
    for (const checker::Decision& choice : choices) {
        if (!text.empty())
            text += ", ";
        text += fmt::format("{} {} of {}", checker::to_string(choice.kind), choice.value,
                            choice.alternatives);
    }
    return text;
}

}  // namespace traces
