#include "traces/replay.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <memory>

#include "checker/engine/strategy.hpp"
#include "traces/follow.hpp"

namespace traces {

std::string_view to_string(ReplayStatus status) {
    switch (status) {
    case ReplayStatus::reproduced: return "reproduced";
    case ReplayStatus::diverged: return "diverged";
    case ReplayStatus::violation_differs: return "violation_differs";
    case ReplayStatus::engine_error: return "engine_error";
    }
    return "unknown";
}

checker::Program make_program(const Trace& trace, const ScenarioLookup& lookup,
                              std::string_view source) {
    std::string file(source);
    const properties::Scenario* scenario = lookup ? lookup(trace.scenario) : nullptr;
    if (scenario == nullptr)
        throw TraceError(file, "scenario",
                         fmt::format("unknown scenario '{}': this build has no scenario of that "
                                     "name (`tpcheck list` shows them)",
                                     trace.scenario));
    if (!scenario->make)
        throw TraceError(file, "scenario",
                         fmt::format("the scenario '{}' has no program", trace.scenario));

    Parameters resolved;
    for (const properties::Parameter& parameter : scenario->parameters)
        resolved[parameter.name] = parameter.value;
    for (const auto& [name, value] : trace.parameters) {
        auto declared = std::find_if(scenario->parameters.begin(), scenario->parameters.end(),
                                     [&](const properties::Parameter& p) { return p.name == name; });
        if (declared == scenario->parameters.end())
            throw TraceError(file, "parameters." + name,
                             fmt::format("unknown parameter of scenario '{}'", trace.scenario));
        if (value < declared->min || value > declared->max)
            throw TraceError(file, "parameters." + name,
                             fmt::format("{} is out of range for scenario '{}': expected {} to {}",
                                         value, trace.scenario, declared->min, declared->max));
        resolved[name] = value;
    }
    try {
        return scenario->make(resolved);
    } catch (const std::exception& error) {
        throw TraceError(file, "scenario",
                         fmt::format("cannot build the program of scenario '{}': {}",
                                     trace.scenario, error.what()));
    }
}

namespace {

bool same_step(const TraceStep& expected, const TraceStep& actual) {
    return expected.thread == actual.thread && expected.operation == actual.operation &&
           expected.object == actual.object && expected.object2 == actual.object2 &&
           expected.joined == actual.joined && expected.choices == actual.choices;
}

std::string show(const TraceStep& step) {
    std::string text = describe_step(step);
    if (!step.choices.empty())
        text += " choosing " + describe_choices(step.choices);
    return text;
}

std::string show(const TraceViolation& violation) {
    return fmt::format("{} '{}' at step {}", violation_kind_name(violation.kind),
                       violation.property, violation.step);
}

bool same_violation(const TraceViolation& expected, const TraceViolation& actual) {
    return expected.kind == actual.kind && expected.property == actual.property &&
           expected.step == actual.step;
}

// Finds the first step where the replay left the trace.  engine_step is
// where the engine's replay strategy found a decision that did not fit, or
// -1.  At that index the replay has no step, or a step whose choices may
// already differ.
void compare_steps(const Trace& trace, const checker::ReplayDivergence& engine,
                   ReplayReport& report) {
    const auto& expected = trace.steps;
    const auto& actual = report.executed;
    int engine_step = engine.diverged() ? engine.divergence_step() : -1;
    std::size_t common = std::min(expected.size(), actual.size());
    for (std::size_t i = 0; i < common; ++i) {
        int index = static_cast<int>(i);
        if (index == engine_step)
            break;
        if (!same_step(expected[i], actual[i])) {
            report.status = ReplayStatus::diverged;
            report.step = index;
            report.message = fmt::format("diverged at step {}: the trace expects '{}' but the "
                                         "replay ran '{}'",
                                         index, show(expected[i]), show(actual[i]));
            return;
        }
    }
    if (engine_step >= 0) {
        report.status = ReplayStatus::diverged;
        report.step = engine_step;
        std::string expected_step = engine_step < static_cast<int>(expected.size())
                                        ? fmt::format("'{}'", show(expected[engine_step]))
                                        : std::string("no further step");
        report.message = fmt::format("diverged at step {}: the trace expects {}, but the replay "
                                     "cannot follow the trace's decisions there: {}",
                                     engine_step, expected_step, engine.divergence_message());
        return;
    }
    if (actual.size() < expected.size()) {
        report.status = ReplayStatus::diverged;
        report.step = static_cast<int>(actual.size());
        std::string ending = report.violation
                                 ? fmt::format("with {}", show(*report.violation))
                                 : std::string("without a violation");
        report.message = fmt::format("diverged at step {}: the trace expects '{}' but the replay "
                                     "ended after {} steps {}",
                                     actual.size(), show(expected[actual.size()]), actual.size(),
                                     ending);
        return;
    }
    if (actual.size() > expected.size()) {
        report.status = ReplayStatus::diverged;
        report.step = static_cast<int>(expected.size());
        report.message = fmt::format("diverged at step {}: the trace ends after {} steps with {}, "
                                     "but the replay ran on with '{}'",
                                     expected.size(), expected.size(), show(trace.violation),
                                     show(actual[expected.size()]));
    }
}

}  // namespace

ReplayReport replay(const Trace& trace, const ScenarioLookup& lookup, std::string_view source) {
    checker::Program program = make_program(trace, lookup, source);
    checker::Options options = replay_options(trace);

    ReplayReport report;
    // The engine's replay strategy, driven directly: explore() rejects an
    // empty decision list, but a violation before the first scheduling
    // point has one.
    std::unique_ptr<checker::Strategy> strategy = checker::make_strategy(options);
    const auto* engine = dynamic_cast<const checker::ReplayDivergence*>(strategy.get());
    RunRecord run;
    try {
        run = run_with_strategy(program, options, *strategy);
    } catch (const std::exception& error) {
        report.status = ReplayStatus::engine_error;
        report.message = fmt::format("the replay stopped with an engine error: {}", error.what());
        return report;
    }
    report.executed = name_steps(run.record.steps, run.record.threads, run.record.objects);
    report.fingerprint = step_fingerprint(report.executed);
    if (run.violated)
        report.violation =
            name_violation(run.record.violation, run.record.threads, run.record.objects);

    if (engine == nullptr) {
        report.status = ReplayStatus::engine_error;
        report.message = "the engine's replay strategy does not report divergence";
        return report;
    }
    compare_steps(trace, *engine, report);
    // Past the end of a short decision list the run follows defaults, so
    // a later divergence, or none, is explained by the missing decisions.
    bool ran_out_first = engine->exhausted() && (report.status != ReplayStatus::diverged ||
                                                  report.step >= engine->exhausted_step());
    if (report.status == ReplayStatus::diverged && !ran_out_first)
        return report;
    if (ran_out_first) {
        report.status = ReplayStatus::diverged;
        report.step = engine->exhausted_step();
        report.message = fmt::format("the trace's decision list ran out at step {}: it has {} "
                                     "decisions, and the program needed more",
                                     engine->exhausted_step(), trace.decisions.size());
        return report;
    }
    if (engine->decisions_used() < trace.decisions.size()) {
        report.status = ReplayStatus::diverged;
        report.step = static_cast<int>(report.executed.size());
        report.message = fmt::format("the replay used {} of the trace's {} decisions: the rest "
                                     "belong to no step of this run",
                                     engine->decisions_used(), trace.decisions.size());
        return report;
    }

    if (!report.violation) {
        report.status = ReplayStatus::violation_differs;
        report.step = -1;
        report.message = fmt::format("every step matches, but the replay found no violation where "
                                     "the trace has {}",
                                     show(trace.violation));
        return report;
    }
    report.step = report.violation->step;
    if (!same_violation(trace.violation, *report.violation)) {
        report.status = ReplayStatus::violation_differs;
        report.message = fmt::format("every step matches, but the trace has {} and the replay "
                                     "found {}: {}",
                                     show(trace.violation), show(*report.violation),
                                     report.violation->message);
        return report;
    }
    report.status = ReplayStatus::reproduced;
    report.message = fmt::format("reproduced {} after {} steps (fingerprint {}): {}",
                                 show(*report.violation), report.executed.size(),
                                 format_fingerprint(report.fingerprint),
                                 report.violation->message);
    return report;
}

std::string short_function_name(std::string_view signature) {
    // Cut the parameter list at the first '(' outside template brackets,
    // then drop template arguments and the return type.
    std::string text(signature);
    for (std::string_view anonymous : {"(anonymous namespace)", "{anonymous}"}) {
        for (auto at = text.find(anonymous); at != std::string::npos; at = text.find(anonymous))
            text.replace(at, anonymous.size(), "anonymous");
    }
    std::string name;
    int depth = 0;
    for (char c : text) {
        if (c == '<') {
            ++depth;
            continue;
        }
        if (c == '>') {
            depth = depth > 0 ? depth - 1 : 0;
            continue;
        }
        if (depth > 0)
            continue;
        if (c == '(')
            break;
        name += c;
    }
    while (!name.empty() && name.back() == ' ')
        name.pop_back();
    if (auto space = name.rfind(' '); space != std::string::npos)
        name = name.substr(space + 1);
    return name;
}

std::string format_steps(const std::vector<TraceStep>& steps, const TraceViolation* violation) {
    std::size_t thread_width = 6;
    std::size_t operation_width = 10;
    for (const TraceStep& step : steps) {
        thread_width = std::max(thread_width, step.thread.size());
        operation_width = std::max(operation_width, describe_step(step).size() - step.thread.size() - 1);
    }
    std::string text;
    if (violation != nullptr && violation->step < 0)
        text += fmt::format("  violation before the first step: {}\n", violation->message);
    for (const TraceStep& step : steps) {
        std::string operation = describe_step(step).substr(step.thread.size() + 1);
        std::string where = step.location.known()
                                ? fmt::format("{}:{}", step.location.file, step.location.line)
                                : std::string("-");
        std::string function = short_function_name(step.location.function);
        text += fmt::format("{:>5}{} {:<{}} {:<{}} {}", step.index, step.preemption ? "*" : " ",
                            step.thread, thread_width, operation, operation_width, where);
        if (!function.empty())
            text += " (" + function + ")";
        std::vector<std::string> notes;
        if (step.preemption)
            notes.push_back("preemption");
        if (!step.choices.empty())
            notes.push_back(describe_choices(step.choices));
        if (!step.spawned.empty())
            notes.push_back("spawned " + step.spawned);
        if (step.operation == checker::OpKind::spawn && step.result != 0)
            notes.push_back(fmt::format("creation failed with error {}", step.result));
        if (step.enabled.size() > 1) {
            std::string enabled;
            for (const std::string& thread : step.enabled)
                enabled += (enabled.empty() ? "" : " ") + thread;
            notes.push_back("enabled: " + enabled);
        }
        if (!notes.empty()) {
            text += "  [";
            for (std::size_t i = 0; i < notes.size(); ++i)
                text += (i > 0 ? "; " : "") + notes[i];
            text += "]";
        }
        text += "\n";
        if (violation != nullptr && violation->step == step.index)
            text += fmt::format("  >>> {} '{}': {}\n", violation_kind_name(violation->kind),
                                violation->property, violation->message);
    }
    return text;
}

std::string format_steps(const Trace& trace) {
    return format_steps(trace.steps, &trace.violation);
}

}  // namespace traces
