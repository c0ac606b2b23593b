// Writing traces: the JSON document, its line layout, and files that are
// never overwritten.
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "traces/trace.hpp"
#include "traces/trace_json.hpp"

namespace traces {

namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json name_or_null(const std::string& name) {
    return name.empty() ? ordered_json(nullptr) : ordered_json(name);
}

ordered_json names(const std::vector<std::string>& list) {
    ordered_json array = ordered_json::array();
    for (const std::string& name : list)
        array.push_back(name);
    return array;
}

ordered_json decision_json(const checker::Decision& decision) {
    return ordered_json{{"kind", checker::to_string(decision.kind)},
                        {"value", decision.value},
                        {"alternatives", decision.alternatives}};
}

ordered_json decisions_json(const checker::DecisionList& decisions) {
    ordered_json array = ordered_json::array();
    for (const checker::Decision& decision : decisions)
        array.push_back(decision_json(decision));
    return array;
}

ordered_json step_json(const TraceStep& step) {
    ordered_json json;
    json["index"] = step.index;
    json["thread"] = step.thread;
    json["operation"] = operation_name(step.operation);
    json["object"] = name_or_null(step.object);
    json["object2"] = name_or_null(step.object2);
    json["joined"] = name_or_null(step.joined);
    json["spawned"] = name_or_null(step.spawned);
    json["location"] = location_json(step.location);
    json["choices"] = decisions_json(step.choices);
    json["enabled"] = names(step.enabled);
    json["preemption"] = step.preemption;
    json["enabled_by"] = step.enabled_by;
    json["result"] = step.result;
    return json;
}

ordered_json thread_json(const TraceThread& thread) {
    return ordered_json{{"name", thread.name},
                        {"given_name", thread.given_name},
                        {"parent", name_or_null(thread.parent)},
                        {"created_at", location_json(thread.created_at)}};
}

ordered_json object_json(const TraceObject& object) {
    ordered_json json;
    json["name"] = object.name;
    json["kind"] = object_kind_name(object.kind);
    json["creator"] = name_or_null(object.creator);
    json["created_at"] = location_json(object.created_at);
    if (object.destroyed)
        json["destroyed"] = ordered_json{{"step", object.destroyed_at_step},
                                         {"location", location_json(object.destroyed_at)}};
    else
        json["destroyed"] = nullptr;
    return json;
}

ordered_json violation_json(const TraceViolation& violation) {
    return ordered_json{{"kind", violation_kind_name(violation.kind)},
                        {"property", violation.property},
                        {"message", violation.message},
                        {"step", violation.step},
                        {"threads", names(violation.threads)},
                        {"objects", names(violation.objects)},
                        {"location", location_json(violation.location)}};
}

std::string dump(const ordered_json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

nlohmann::ordered_json location_json(const Location& location) {
    if (!location.known())
        return nullptr;
    return ordered_json{
        {"file", location.file}, {"line", location.line}, {"function", location.function}};
}

nlohmann::ordered_json trace_json(const Trace& trace) {
    ordered_json json;
    json["format"] = trace_format;
    json["version"] = trace_version;
    json["tool_version"] = trace.tool_version;
    json["scenario"] = trace.scenario;

    json["parameters"] = ordered_json::object();
    for (const auto& [name, value] : trace.parameters)
        json["parameters"][name] = value;
    json["strategy"] = checker::to_string(trace.strategy);
    json["seed"] = trace.seed;
    json["pct_depth"] = trace.pct_depth;

    json["bounds"] = ordered_json{{"preemption_bound", trace.bounds.preemption_bound},
                                  {"max_steps", trace.bounds.max_steps},
                                  {"max_spurious_wakeups", trace.bounds.max_spurious_wakeups},
                                  {"max_creation_failures", trace.bounds.max_creation_failures},
                                  {"max_timeouts", trace.bounds.max_timeouts},
                                  {"max_threads", trace.bounds.max_threads},
                                  {"timeouts", trace.bounds.timeouts}};
    json["detectors"] = ordered_json{{"races", trace.detectors.races},
                                     {"lock_order", trace.detectors.lock_order},
                                     {"leaks", trace.detectors.leaks}};

    json["fingerprint"] = format_fingerprint(trace.fingerprint);
    json["violation"] = violation_json(trace.violation);

    json["threads"] = ordered_json::array();
    for (const TraceThread& thread : trace.threads)
        json["threads"].push_back(thread_json(thread));
    json["objects"] = ordered_json::array();
    for (const TraceObject& object : trace.objects)
        json["objects"].push_back(object_json(object));
    json["decisions"] = decisions_json(trace.decisions);
    json["steps"] = ordered_json::array();
    for (const TraceStep& step : trace.steps)
        json["steps"].push_back(step_json(step));
    return json;
}

std::string format_trace(const Trace& trace) {
    // Top-level fields one per line; the long tables one element per line,
    // so that a diff of two traces points at the steps that differ.
    ordered_json json = trace_json(trace);
    std::string text = "{\n";
    bool first = true;
    for (const auto& [key, value] : json.items()) {
        if (!first)
            text += ",\n";
        first = false;
        text += "  " + dump(ordered_json(key)) + ": ";
        if (value.is_array() && !value.empty() && value.front().is_object()) {
            text += "[\n";
            for (std::size_t i = 0; i < value.size(); ++i)
                text += "    " + dump(value[i]) + (i + 1 < value.size() ? ",\n" : "\n");
            text += "  ]";
        } else {
            text += dump(value);
        }
    }
    text += "\n}\n";
    return text;
}

void write_new_file(const std::filesystem::path& path, std::string_view text) {
    // O_EXCL makes "create only if absent" one atomic step, so two writers
    // racing for the same name cannot both succeed.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        int error = errno;
        if (error == EEXIST)
            throw TraceError(path.string(), "",
                             "the file exists; traces and exports never overwrite a file, so "
                             "choose another name or remove it first");
        throw TraceError(path.string(), "",
                         fmt::format("cannot create the file: {}", std::strerror(error)));
    }
    std::size_t written = 0;
    while (written < text.size()) {
        ssize_t count = ::write(fd, text.data() + written, text.size() - written);
        if (count < 0 && errno == EINTR)
            continue;
        if (count <= 0) {
            int error = errno;
            ::close(fd);
            ::unlink(path.c_str());
            throw TraceError(path.string(), "",
                             fmt::format("writing failed after {} of {} bytes: {}", written,
                                         text.size(), std::strerror(error)));
        }
        written += static_cast<std::size_t>(count);
    }
    if (::close(fd) != 0) {
        int error = errno;
        ::unlink(path.c_str());
        throw TraceError(path.string(), "",
                         fmt::format("closing the file failed: {}", std::strerror(error)));
    }
}

std::filesystem::path write_trace(const std::filesystem::path& path, const Trace& trace) {
    write_new_file(path, format_trace(trace));
    return path;
}

std::filesystem::path write_trace_in_directory(const std::filesystem::path& directory,
                                               std::string_view stem, const Trace& trace) {
    std::string text = format_trace(trace);
    for (int attempt = 1; attempt <= 1000; ++attempt) {
        std::string name = attempt == 1 ? fmt::format("{}.json", stem)
                                        : fmt::format("{}-{}.json", stem, attempt);
        std::filesystem::path path = directory / name;
        try {
            write_new_file(path, text);
            return path;
        } catch (const TraceError&) {
            std::error_code error;
            if (!std::filesystem::exists(path, error))
                throw;  // a real failure, not a name already taken
        }
    }
    throw TraceError((directory / fmt::format("{}.json", stem)).string(), "",
                     "this name and the 999 numbered names after it are all taken; choose "
                     "another stem or directory");
}

}  // namespace traces
