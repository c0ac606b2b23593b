// Chrome trace event format: the JSON object form, with "traceEvents"
// holding metadata (M), complete (X), flow (s, f) and instant (i) events.
#include <map>
#include <nlohmann/json.hpp>

#include "traces/export.hpp"
#include "traces/trace_json.hpp"

namespace traces {

namespace {

using ordered_json = nlohmann::ordered_json;

constexpr int process_id = 1;
constexpr long long step_micros = 10;     // one step on the time axis
constexpr long long slice_micros = 8;     // the drawn part of it

long long step_time(int index) {
    return static_cast<long long>(index < 0 ? 0 : index) * step_micros;
}

}  // namespace

std::string chrome_trace_json(const Trace& trace) {
    std::map<std::string, int, std::less<>> thread_ids;
    for (std::size_t i = 0; i < trace.threads.size(); ++i)
        thread_ids[trace.threads[i].name] = static_cast<int>(i);
    auto tid = [&](const std::string& name) {
        auto it = thread_ids.find(name);
        return it != thread_ids.end() ? it->second : 0;
    };

    ordered_json events = ordered_json::array();
    events.push_back({{"ph", "M"},
                      {"pid", process_id},
                      {"name", "process_name"},
                      {"args", {{"name", "vtp " + trace.scenario}}}});
    for (std::size_t i = 0; i < trace.threads.size(); ++i) {
        const TraceThread& thread = trace.threads[i];
        std::string label = thread.name;
        if (!thread.given_name.empty() && thread.given_name != thread.name)
            label += " (" + thread.given_name + ")";
        events.push_back({{"ph", "M"},
                          {"pid", process_id},
                          {"tid", static_cast<int>(i)},
                          {"name", "thread_name"},
                          {"args", {{"name", label}}}});
        events.push_back({{"ph", "M"},
                          {"pid", process_id},
                          {"tid", static_cast<int>(i)},
                          {"name", "thread_sort_index"},
                          {"args", {{"sort_index", static_cast<int>(i)}}}});
    }

    for (const TraceStep& step : trace.steps) {
        std::string name(operation_name(step.operation));
        if (!step.object.empty())
            name += " " + step.object;
        else if (!step.object2.empty())
            name += " " + step.object2;
        else if (!step.joined.empty())
            name += " " + step.joined;
        ordered_json args;
        args["step"] = step.index;
        args["operation"] = operation_name(step.operation);
        args["object"] = step.object.empty() ? ordered_json(nullptr) : ordered_json(step.object);
        if (!step.object2.empty())
            args["object2"] = step.object2;
        if (!step.joined.empty())
            args["joined"] = step.joined;
        if (!step.spawned.empty())
            args["spawned"] = step.spawned;
        args["location"] = step.location.known()
                               ? ordered_json(step.location.file + ":" +
                                              std::to_string(step.location.line))
                               : ordered_json(nullptr);
        args["function"] = step.location.function;
        args["choices"] = describe_choices(step.choices);
        args["enabled"] = step.enabled;
        args["preemption"] = step.preemption;
        args["result"] = step.result;
        events.push_back({{"ph", "X"},
                          {"pid", process_id},
                          {"tid", tid(step.thread)},
                          {"ts", step_time(step.index)},
                          {"dur", slice_micros},
                          {"name", name},
                          {"cat", step.preemption ? "step,preemption" : "step"},
                          {"args", args}});

        // An arrow from the step that enabled this one (a wakeup, a spawn,
        // a release), when that step ran on another thread.
        if (step.enabled_by >= 0 && step.enabled_by < static_cast<int>(trace.steps.size()) &&
            trace.steps[step.enabled_by].thread != step.thread) {
            const TraceStep& source = trace.steps[step.enabled_by];
            events.push_back({{"ph", "s"},
                              {"pid", process_id},
                              {"tid", tid(source.thread)},
                              {"ts", step_time(source.index) + 1},
                              {"id", step.index},
                              {"name", "enables"},
                              {"cat", "enabled_by"}});
            events.push_back({{"ph", "f"},
                              {"bp", "e"},
                              {"pid", process_id},
                              {"tid", tid(step.thread)},
                              {"ts", step_time(step.index) + 1},
                              {"id", step.index},
                              {"name", "enables"},
                              {"cat", "enabled_by"}});
        }
    }

    const TraceViolation& violation = trace.violation;
    std::string where = violation.threads.empty() ? std::string() : violation.threads.front();
    events.push_back({{"ph", "i"},
                      {"s", "g"},
                      {"pid", process_id},
                      {"tid", tid(where)},
                      {"ts", step_time(violation.step) + slice_micros},
                      {"name", "violation: " + violation.property},
                      {"cat", "violation"},
                      {"args",
                       {{"kind", violation_kind_name(violation.kind)},
                        {"property", violation.property},
                        {"message", violation.message},
                        {"step", violation.step},
                        {"threads", violation.threads},
                        {"objects", violation.objects},
                        {"location", location_json(violation.location)}}}});

    ordered_json document;
    document["traceEvents"] = std::move(events);
    document["displayTimeUnit"] = "ns";
    document["otherData"] = {{"format", trace_format},
                             {"version", trace_version},
                             {"tool_version", trace.tool_version},
                             {"scenario", trace.scenario},
                             {"fingerprint", format_fingerprint(trace.fingerprint)},
                             {"time_axis", "one step = 10 us of logical time"}};
    return document.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void write_chrome_trace(const std::filesystem::path& path, const Trace& trace) {
    write_new_file(path, chrome_trace_json(trace));
}

}  // namespace traces
