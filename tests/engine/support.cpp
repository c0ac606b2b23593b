#include "tests/engine/support.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

namespace engine_test {

namespace {

// Names each object by its creator's stable name and its position among
// that creator's objects: object ids follow the global creation order,
// which equivalent executions need not share.
std::vector<std::string> stable_object_names(const checker::Execution& execution) {
    const auto& objects = execution.objects();
    const auto& threads = execution.threads();
    std::map<checker::ThreadId, int> created;
    std::vector<std::string> names;
    names.reserve(objects.size());
    for (const checker::ObjectInfo& object : objects) {
        std::string creator = object.creator >= 0 ? threads[object.creator].name : "engine";
        names.push_back(fmt::format("{}.{}", creator, created[object.creator]++));
    }
    return names;
}

std::string object_name(const std::vector<std::string>& names, checker::ObjectId object) {
    if (object == checker::thread_table_object)
        return "threads";
    if (object == checker::clock_object)
        return "clock";
    if (object < 0)
        return "-";
    return names[object];
}

}  // namespace

std::string canonical_trace(const checker::Execution& execution) {
    const auto& steps = execution.steps();
    const auto& threads = execution.threads();
    std::vector<std::string> objects = stable_object_names(execution);

    // Each step is named by its thread's stable name and its position in
    // that thread.
    std::vector<std::string> event(steps.size());
    std::vector<int> position(threads.size(), 0);
    std::vector<std::string> lines;
    for (std::size_t k = 0; k < steps.size(); ++k) {
        const checker::Step& step = steps[k];
        event[k] = fmt::format("{}@{}", threads[step.thread].name, ++position[step.thread]);
        // A join's second object is the thread it waits for.
        std::string second = step.op == checker::OpKind::join
                                 ? threads[step.object2].name
                                 : object_name(objects, step.object2);
        std::string line = fmt::format("step {} {} {} {}", event[k], checker::to_string(step.op),
                                       object_name(objects, step.object), second);
        for (const checker::Decision& decision : step.choices)
            line += fmt::format(" {}={}/{}", checker::to_string(decision.kind), decision.value,
                                decision.alternatives);
        lines.push_back(std::move(line));
    }

    // The order of every dependent pair of steps of different threads, and
    // every enabling edge.
    std::vector<checker::Footprint> footprints;
    footprints.reserve(steps.size());
    for (const checker::Step& step : steps)
        footprints.push_back(checker::Execution::step_footprint(step));
    for (std::size_t j = 0; j < steps.size(); ++j) {
        for (std::size_t i = 0; i < j; ++i) {
            if (steps[i].thread != steps[j].thread && checker::dependent(footprints[i], footprints[j]))
                lines.push_back(fmt::format("order {} {}", event[i], event[j]));
        }
        int enabler = steps[j].enabled_by;
        if (enabler >= 0 && static_cast<std::size_t>(enabler) < j)
            lines.push_back(fmt::format("enables {} {}", event[enabler], event[j]));
    }
    std::sort(lines.begin(), lines.end());

    std::string trace;
    for (const std::string& line : lines) {
        trace += line;
        trace += '\n';
    }
    return trace;
}

Run explore_program(const Program& program, StrategyKind strategy, bool collect_traces,
                    const std::function<void(Options&)>& tune) {
    Options options;
    options.strategy = strategy;
    options.keep_going = true;
    if (tune)
        tune(options);

    Run run;
    checker::ExploreHooks hooks;
    hooks.on_execution = [&run, collect_traces](const checker::Execution& execution) {
        bool complete = !execution.violation() && execution.cut() == checker::CutReason::none;
        for (const checker::Violation& violation : execution.violations())
            run.violations.emplace(violation.kind, violation.property);
        if (!collect_traces)
            return;
        std::string trace = canonical_trace(execution);
        if (complete)
            run.complete_traces.insert(trace);
        run.all_traces.insert(std::move(trace));
    };
    run.result = checker::explore(program, options, hooks);
    return run;
}

std::optional<checker::Violation> find_violation(const Program& program, ViolationKind kind,
                                                 StrategyKind strategy,
                                                 const std::function<void(Options&)>& tune) {
    Options options;
    options.strategy = strategy;
    options.keep_going = true;
    if (tune)
        tune(options);
    std::optional<checker::Violation> found;
    checker::ExploreHooks hooks;
    hooks.on_execution = [&found, kind](const checker::Execution& execution) {
        for (const checker::Violation& violation : execution.violations()) {
            if (!found && violation.kind == kind)
                found = violation;
        }
    };
    checker::explore(program, options, hooks);
    return found;
}

std::string violation_names(const std::set<ViolationName>& violations) {
    std::string names;
    for (const auto& [kind, property] : violations) {
        if (!names.empty())
            names += ", ";
        names += fmt::format("{}/{}", checker::to_string(kind), property);
    }
    return names.empty() ? "none" : names;
}

Program make_program(std::string name, std::function<void()> main) {
    return Program{std::move(name), std::move(main), {}};
}

}  // namespace engine_test
