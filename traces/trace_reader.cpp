// Reading traces: every field checked for presence, type and range, every
// thread and object name checked against the tables, and the fingerprint
// checked against the steps.  Any problem is a TraceError that names the
// file, the field (as a path such as "steps[3].location.line") and what
// was wrong.  No input can crash the reader or make it loop, because the
// size and nesting are checked before parsing and every access is checked.
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <system_error>

#include "traces/trace.hpp"

namespace traces {

namespace {

using json = nlohmann::json;

// Deeper input is rejected before parsing; the format itself nests five
// levels (trace, steps, step, choices, decision).
constexpr int max_nesting = 64;

std::string join(std::string_view parent, std::string_view key) {
    if (parent.empty())
        return std::string(key);
    return fmt::format("{}.{}", parent, key);
}

std::string element(std::string_view parent, std::size_t index) {
    return fmt::format("{}[{}]", parent, index);
}

// A short description of a value for error messages.
std::string describe_value(const json& value) {
    switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return value.get<bool>() ? "true" : "false";
    case json::value_t::string: {
        const auto& text = value.get_ref<const std::string&>();
        std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
        return "the string " + json(shown).dump(-1, ' ', false, json::error_handler_t::replace);
    }
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "the number " + value.dump();
    case json::value_t::array: return fmt::format("an array of {} elements", value.size());
    case json::value_t::object: return "an object";
    case json::value_t::binary:
    case json::value_t::discarded: break;
    }
    return "an unsupported value";
}

// Finds an enumerator by its engine name; fallback is the name the engine
// returns for values that are not enumerators, so it never matches.
template <class Enum>
std::optional<Enum> enum_from_name(std::string_view name, std::string_view fallback) {
    if (name == fallback)
        return std::nullopt;
    for (int value = 0; value < 256; ++value) {
        Enum candidate = static_cast<Enum>(value);
        if (checker::to_string(candidate) == name)
            return candidate;
    }
    return std::nullopt;
}

template <class Enum>
std::string enum_names(std::string_view fallback) {
    std::string list;
    for (int value = 0; value < 256; ++value) {
        std::string_view name = checker::to_string(static_cast<Enum>(value));
        if (name == fallback)
            continue;
        list += (list.empty() ? "" : ", ") + std::string(name);
    }
    return list;
}

std::pair<int, int> line_and_column(std::string_view text, std::size_t offset) {
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

class DocumentReader {
public:
    DocumentReader(std::string source, std::string_view text)
        : source_(std::move(source)), text_(text) {}

    Trace read();

private:
    [[noreturn]] void fail(std::string_view field, std::string problem) const {
        throw TraceError(source_, std::string(field), std::move(problem));
    }

    void check_nesting() const;
    json parse() const;

    // Field access and type checks.
    void expect_object(const json& value, std::string_view field) const;
    void expect_array(const json& value, std::string_view field) const;
    void check_keys(const json& object, std::string_view field,
                    std::initializer_list<std::string_view> keys) const;
    const json& member(const json& object, std::string_view field, std::string_view key) const;
    std::string string_value(const json& value, std::string_view field, bool allow_empty) const;
    long long integer(const json& value, std::string_view field, long long min,
                      long long max) const;
    bool boolean(const json& value, std::string_view field) const;
    Location location(const json& value, std::string_view field) const;

    // Names that must be in the thread or object table.
    std::string thread_ref(const json& value, std::string_view field, bool allow_null) const;
    std::string object_ref(const json& value, std::string_view field) const;

    checker::Decision decision(const json& value, std::string_view field) const;
    void read_header(const json& root, Trace& trace) const;
    void read_threads(const json& array, Trace& trace);
    void read_objects(const json& array, Trace& trace);
    TraceStep read_step(const json& value, std::string_view field, int index) const;
    TraceViolation read_violation(const json& value, const Trace& trace) const;

    std::string source_;
    std::string_view text_;
    std::set<std::string, std::less<>> thread_names_;
    std::set<std::string, std::less<>> object_names_;
};

void DocumentReader::check_nesting() const {
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (std::size_t i = 0; i < text_.size(); ++i) {
        char c = text_[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
            continue;
        }
        if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_nesting) {
                auto [line, column] = line_and_column(text_, i);
                fail("", fmt::format("malformed trace at line {}, column {}: the JSON nests "
                                     "deeper than {} levels",
                                     line, column, max_nesting));
            }
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

json DocumentReader::parse() const {
    if (text_.find_first_not_of(" \t\r\n") == std::string_view::npos)
        fail("", text_.empty() ? "the file is empty: expected a JSON trace document"
                               : "the file holds only white space: expected a JSON trace "
                                 "document");
    check_nesting();
    try {
        return json::parse(text_.begin(), text_.end());
    } catch (const json::parse_error& error) {
        // error.byte is the 1-based offset of the character that failed.
        std::size_t offset = error.byte > 0 ? error.byte - 1 : 0;
        auto [line, column] = line_and_column(text_, offset);
        std::string reason = error.what();
        // Keep only the parser's reason: drop its exception id and position.
        if (auto colon = reason.find(": "); colon != std::string::npos &&
                                            reason.find("column") < colon)
            reason = reason.substr(colon + 2);
        fail("", fmt::format("malformed JSON at line {}, column {}: {}", line, column, reason));
    }
}

void DocumentReader::expect_object(const json& value, std::string_view field) const {
    if (!value.is_object())
        fail(field, "expected an object, got " + describe_value(value));
}

void DocumentReader::expect_array(const json& value, std::string_view field) const {
    if (!value.is_array())
        fail(field, "expected an array, got " + describe_value(value));
}

void DocumentReader::check_keys(const json& object, std::string_view field,
                                std::initializer_list<std::string_view> keys) const {
    for (const auto& item : object.items()) {
        if (std::find(keys.begin(), keys.end(), item.key()) == keys.end())
            fail(join(field, item.key()),
                 fmt::format("unknown field; version {} of the format does not have it",
                             trace_version));
    }
    for (std::string_view key : keys) {
        if (!object.contains(key))
            fail(join(field, key), "missing field");
    }
}

const json& DocumentReader::member(const json& object, std::string_view field,
                                   std::string_view key) const {
    auto it = object.find(key);
    if (it == object.end())
        fail(join(field, key), "missing field");
    return *it;
}

std::string DocumentReader::string_value(const json& value, std::string_view field,
                                         bool allow_empty) const {
    if (!value.is_string())
        fail(field, "expected a string, got " + describe_value(value));
    const auto& text = value.get_ref<const std::string&>();
    if (!allow_empty && text.empty())
        fail(field, "expected a non-empty string, got an empty one");
    return text;
}

long long DocumentReader::integer(const json& value, std::string_view field, long long min,
                                  long long max) const {
    std::optional<long long> number;
    if (value.is_number_unsigned()) {
        auto unsigned_number = value.get<std::uint64_t>();
        if (max >= 0 && unsigned_number <= static_cast<std::uint64_t>(max))
            number = static_cast<long long>(unsigned_number);
    } else if (value.is_number_integer()) {
        number = value.get<std::int64_t>();
    }
    if (!number || *number < min || *number > max)
        fail(field, fmt::format("expected an integer from {} to {}, got {}", min, max,
                                describe_value(value)));
    return *number;
}

bool DocumentReader::boolean(const json& value, std::string_view field) const {
    if (!value.is_boolean())
        fail(field, "expected true or false, got " + describe_value(value));
    return value.get<bool>();
}

Location DocumentReader::location(const json& value, std::string_view field) const {
    Location location;
    if (value.is_null())
        return location;
    if (!value.is_object())
        fail(field, "expected a location object or null, got " + describe_value(value));
    check_keys(value, field, {"file", "line", "function"});
    location.file = string_value(value["file"], join(field, "file"), true);
    location.line = static_cast<int>(integer(value["line"], join(field, "line"), 0, INT_MAX));
    location.function = string_value(value["function"], join(field, "function"), true);
    return location;
}

std::string DocumentReader::thread_ref(const json& value, std::string_view field,
                                       bool allow_null) const {
    if (allow_null && value.is_null())
        return "";
    if (!value.is_string())
        fail(field, fmt::format("expected a thread name{}, got {}", allow_null ? " or null" : "",
                                describe_value(value)));
    const auto& name = value.get_ref<const std::string&>();
    if (!thread_names_.contains(name))
        fail(field, fmt::format("unknown thread '{}': it is not in the threads table", name));
    return name;
}

std::string DocumentReader::object_ref(const json& value, std::string_view field) const {
    if (value.is_null())
        return "";
    if (!value.is_string())
        fail(field, "expected an object name or null, got " + describe_value(value));
    const auto& name = value.get_ref<const std::string&>();
    if (!object_names_.contains(name))
        fail(field, fmt::format("unknown object '{}': it is not in the objects table", name));
    return name;
}

checker::Decision DocumentReader::decision(const json& value, std::string_view field) const {
    expect_object(value, field);
    check_keys(value, field, {"kind", "value", "alternatives"});
    std::string kind_name = string_value(value["kind"], join(field, "kind"), false);
    auto kind = checker::decision_kind_from_string(kind_name);
    if (!kind)
        fail(join(field, "kind"),
             fmt::format("unknown decision kind '{}': expected thread, waiter, wakeup or "
                         "creation_failure",
                         kind_name));

    // The engine offers a thread choice among every thread created so far,
    // and a waiter choice only among two or more waiters.  Wakeups and
    // creation failures are yes-or-no choices.
    long long min_alternatives = 2;
    long long max_alternatives = checker::max_threads_per_execution;
    if (*kind == checker::DecisionKind::thread)
        min_alternatives = 1;
    if (*kind == checker::DecisionKind::wakeup || *kind == checker::DecisionKind::creation_failure)
        max_alternatives = 2;
    int alternatives = static_cast<int>(
        integer(value["alternatives"], join(field, "alternatives"), min_alternatives,
                max_alternatives));

    const json& raw_value = value["value"];
    int chosen = static_cast<int>(integer(raw_value, join(field, "value"),
                                          std::numeric_limits<int>::min(),
                                          std::numeric_limits<int>::max()));
    if (chosen < 0 || chosen >= alternatives)
        fail(join(field, "value"),
             fmt::format("{} is out of range for a {} decision with {} alternatives: expected "
                         "0 to {}",
                         chosen, kind_name, alternatives, alternatives - 1));
    return checker::Decision{*kind, chosen, alternatives};
}

void DocumentReader::read_header(const json& root, Trace& trace) const {
    trace.tool_version = string_value(root["tool_version"], "tool_version", true);
    trace.scenario = string_value(root["scenario"], "scenario", false);

    const json& parameters = root["parameters"];
    expect_object(parameters, "parameters");
    for (const auto& item : parameters.items()) {
        std::string field = join("parameters", item.key());
        if (item.key().empty())
            fail("parameters", "a parameter has an empty name");
        trace.parameters[item.key()] =
            static_cast<int>(integer(item.value(), field, std::numeric_limits<int>::min(),
                                     std::numeric_limits<int>::max()));
    }

    std::string strategy = string_value(root["strategy"], "strategy", false);
    auto kind = checker::strategy_kind_from_string(strategy);
    if (!kind)
        fail("strategy", fmt::format("unknown strategy '{}': expected dpor, dfs, random, pct "
                                     "or replay",
                                     strategy));
    trace.strategy = *kind;

    const json& seed = root["seed"];
    if (!seed.is_number_unsigned() && !(seed.is_number_integer() && seed.get<std::int64_t>() >= 0))
        fail("seed", "expected an integer from 0 to 18446744073709551615, got " +
                         describe_value(seed));
    trace.seed = seed.get<std::uint64_t>();
    trace.pct_depth = static_cast<int>(integer(root["pct_depth"], "pct_depth", 1, 100));

    const json& bounds = root["bounds"];
    expect_object(bounds, "bounds");
    check_keys(bounds, "bounds",
               {"preemption_bound", "max_steps", "max_spurious_wakeups", "max_creation_failures",
                "max_timeouts", "max_threads", "timeouts"});
    // The ranges are those of checker::validate(); it runs again below.
    auto bound = [&](std::string_view key, long long min, long long max) {
        return static_cast<int>(integer(bounds[std::string(key)], join("bounds", key), min, max));
    };
    trace.bounds.preemption_bound = bound("preemption_bound", -1, 1000);
    trace.bounds.max_steps = bound("max_steps", 1, 10'000'000);
    trace.bounds.max_spurious_wakeups = bound("max_spurious_wakeups", 0, 100);
    trace.bounds.max_creation_failures = bound("max_creation_failures", 0, 100);
    trace.bounds.max_timeouts = bound("max_timeouts", 0, 1000);
    trace.bounds.max_threads = bound("max_threads", 1, 63);
    trace.bounds.timeouts = boolean(bounds["timeouts"], "bounds.timeouts");

    const json& detectors = root["detectors"];
    expect_object(detectors, "detectors");
    check_keys(detectors, "detectors", {"races", "lock_order", "leaks"});
    trace.detectors.races = boolean(detectors["races"], "detectors.races");
    trace.detectors.lock_order = boolean(detectors["lock_order"], "detectors.lock_order");
    trace.detectors.leaks = boolean(detectors["leaks"], "detectors.leaks");

    checker::Options options = replay_options(trace);
    options.strategy = checker::StrategyKind::dpor;  // check the bounds, not the decisions
    if (auto error = checker::validate(options))
        fail("bounds", *error);
}

void DocumentReader::read_threads(const json& array, Trace& trace) {
    expect_array(array, "threads");
    if (array.empty())
        fail("threads", "expected at least the main thread, got an empty table");
    if (array.size() > static_cast<std::size_t>(checker::max_threads_per_execution))
        fail("threads", fmt::format("{} threads exceed the engine's limit of {} per execution",
                                    array.size(), checker::max_threads_per_execution));
    for (std::size_t i = 0; i < array.size(); ++i) {
        std::string field = element("threads", i);
        const json& value = array[i];
        expect_object(value, field);
        check_keys(value, field, {"name", "given_name", "parent", "created_at"});
        TraceThread thread;
        thread.name = string_value(value["name"], join(field, "name"), false);
        if (thread_names_.contains(thread.name))
            fail(join(field, "name"), fmt::format("duplicate thread name '{}'", thread.name));
        thread.given_name = string_value(value["given_name"], join(field, "given_name"), true);
        // A parent is created before its children, so it is already known.
        thread.parent = thread_ref(value["parent"], join(field, "parent"), true);
        thread.created_at = location(value["created_at"], join(field, "created_at"));
        thread_names_.insert(thread.name);
        trace.threads.push_back(std::move(thread));
    }
}

void DocumentReader::read_objects(const json& array, Trace& trace) {
    expect_array(array, "objects");
    for (std::size_t i = 0; i < array.size(); ++i) {
        std::string field = element("objects", i);
        const json& value = array[i];
        expect_object(value, field);
        check_keys(value, field, {"name", "kind", "creator", "created_at", "destroyed"});
        TraceObject object;
        object.name = string_value(value["name"], join(field, "name"), false);
        if (object_names_.contains(object.name))
            fail(join(field, "name"), fmt::format("duplicate object name '{}'", object.name));
        std::string kind = string_value(value["kind"], join(field, "kind"), false);
        auto parsed = enum_from_name<checker::ObjectKind>(kind, "object");
        if (!parsed)
            fail(join(field, "kind"),
                 fmt::format("unknown object kind '{}': expected one of {}", kind,
                             enum_names<checker::ObjectKind>("object")));
        object.kind = *parsed;
        object.creator = thread_ref(value["creator"], join(field, "creator"), true);
        object.created_at = location(value["created_at"], join(field, "created_at"));
        const json& destroyed = value["destroyed"];
        if (!destroyed.is_null()) {
            std::string destroyed_field = join(field, "destroyed");
            if (!destroyed.is_object())
                fail(destroyed_field,
                     "expected null (alive) or an object, got " + describe_value(destroyed));
            check_keys(destroyed, destroyed_field, {"step", "location"});
            object.destroyed = true;
            object.destroyed_at_step = static_cast<int>(
                integer(destroyed["step"], join(destroyed_field, "step"), -1,
                        trace.bounds.max_steps));
            object.destroyed_at = location(destroyed["location"], join(destroyed_field, "location"));
        }
        object_names_.insert(object.name);
        trace.objects.push_back(std::move(object));
    }
}

TraceStep DocumentReader::read_step(const json& value, std::string_view field, int index) const {
    expect_object(value, field);
    check_keys(value, field,
               {"index", "thread", "operation", "object", "object2", "joined", "spawned",
                "location", "choices", "enabled", "preemption", "enabled_by", "result"});
    TraceStep step;
    step.index = static_cast<int>(integer(value["index"], join(field, "index"), 0, INT_MAX));
    if (step.index != index)
        fail(join(field, "index"),
             fmt::format("expected {}, the step's position in the list, got {}", index,
                         step.index));
    step.thread = thread_ref(value["thread"], join(field, "thread"), false);
    std::string operation = string_value(value["operation"], join(field, "operation"), false);
    auto parsed = enum_from_name<checker::OpKind>(operation, "unknown");
    if (!parsed)
        fail(join(field, "operation"),
             fmt::format("unknown operation '{}': expected one of {}", operation,
                         enum_names<checker::OpKind>("unknown")));
    step.operation = *parsed;
    step.object = object_ref(value["object"], join(field, "object"));
    step.object2 = object_ref(value["object2"], join(field, "object2"));
    step.joined = thread_ref(value["joined"], join(field, "joined"), true);
    step.spawned = thread_ref(value["spawned"], join(field, "spawned"), true);
    step.location = location(value["location"], join(field, "location"));

    std::string choices_field = join(field, "choices");
    const json& choices = value["choices"];
    expect_array(choices, choices_field);
    for (std::size_t i = 0; i < choices.size(); ++i) {
        checker::Decision choice = decision(choices[i], element(choices_field, i));
        if (choice.kind == checker::DecisionKind::thread)
            fail(element(choices_field, i),
                 "a thread decision is not a choice inside a step: the step's thread is its "
                 "thread decision");
        step.choices.push_back(choice);
    }

    std::string enabled_field = join(field, "enabled");
    const json& enabled = value["enabled"];
    expect_array(enabled, enabled_field);
    for (std::size_t i = 0; i < enabled.size(); ++i)
        step.enabled.push_back(thread_ref(enabled[i], element(enabled_field, i), false));
    if (std::find(step.enabled.begin(), step.enabled.end(), step.thread) == step.enabled.end())
        fail(enabled_field, fmt::format("does not contain the step's own thread '{}'; a step is "
                                        "always taken by an enabled thread",
                                        step.thread));

    step.preemption = boolean(value["preemption"], join(field, "preemption"));
    step.enabled_by =
        static_cast<int>(integer(value["enabled_by"], join(field, "enabled_by"), -1, index - 1));
    step.result = static_cast<int>(integer(value["result"], join(field, "result"),
                                           std::numeric_limits<int>::min(),
                                           std::numeric_limits<int>::max()));
    return step;
}

TraceViolation DocumentReader::read_violation(const json& value, const Trace& trace) const {
    expect_object(value, "violation");
    check_keys(value, "violation",
               {"kind", "property", "message", "step", "threads", "objects", "location"});
    TraceViolation violation;
    std::string kind = string_value(value["kind"], "violation.kind", false);
    auto parsed = enum_from_name<checker::ViolationKind>(kind, "unknown");
    if (!parsed)
        fail("violation.kind", fmt::format("unknown violation kind '{}': expected one of {}", kind,
                                           enum_names<checker::ViolationKind>("unknown")));
    violation.kind = *parsed;
    violation.property = string_value(value["property"], "violation.property", false);
    violation.message = string_value(value["message"], "violation.message", true);
    violation.step = static_cast<int>(integer(value["step"], "violation.step", -1,
                                              static_cast<long long>(trace.steps.size()) - 1));
    const json& threads = value["threads"];
    expect_array(threads, "violation.threads");
    for (std::size_t i = 0; i < threads.size(); ++i)
        violation.threads.push_back(
            thread_ref(threads[i], element("violation.threads", i), false));
    const json& objects = value["objects"];
    expect_array(objects, "violation.objects");
    for (std::size_t i = 0; i < objects.size(); ++i) {
        std::string field = element("violation.objects", i);
        if (objects[i].is_null())
            fail(field, "expected an object name, got null");
        violation.objects.push_back(object_ref(objects[i], field));
    }
    violation.location = location(value["location"], "violation.location");
    return violation;
}

Trace DocumentReader::read() {
    // The file reader stops one read past the limit, so the size it read
    // shows only that the input is too large.
    if (text_.size() > max_trace_bytes)
        fail("", fmt::format("the input is larger than the limit of {} bytes for a trace",
                             max_trace_bytes));
    json root = parse();
    expect_object(root, "");

    // Format and version first, so that another kind of file or a newer
    // version is named as such instead of as a missing field.
    std::string format = string_value(member(root, "", "format"), "format", true);
    if (format != trace_format)
        fail("format", fmt::format("unknown format '{}': expected '{}'", format, trace_format));
    const json& version = member(root, "", "version");
    if (!version.is_number_integer() || version.get<std::int64_t>() != trace_version)
        fail("version", fmt::format("unsupported version {}: this build reads version {} only",
                                    version.is_number_integer()
                                        ? std::to_string(version.get<std::int64_t>())
                                        : describe_value(version),
                                    trace_version));
    check_keys(root, "",
               {"format", "version", "tool_version", "scenario", "parameters", "strategy", "seed",
                "pct_depth", "bounds", "detectors", "fingerprint", "violation", "threads",
                "objects", "decisions", "steps"});

    Trace trace;
    read_header(root, trace);
    const json& steps = root["steps"];
    expect_array(steps, "steps");
    if (steps.size() > static_cast<std::size_t>(trace.bounds.max_steps))
        fail("steps", fmt::format("{} steps exceed bounds.max_steps ({}); an execution never "
                                  "takes more",
                                  steps.size(), trace.bounds.max_steps));
    read_threads(root["threads"], trace);
    read_objects(root["objects"], trace);

    const json& decisions = root["decisions"];
    expect_array(decisions, "decisions");
    for (std::size_t i = 0; i < decisions.size(); ++i)
        trace.decisions.push_back(decision(decisions[i], element("decisions", i)));

    for (std::size_t i = 0; i < steps.size(); ++i)
        trace.steps.push_back(read_step(steps[i], element("steps", i), static_cast<int>(i)));

    trace.violation = read_violation(root["violation"], trace);

    std::string fingerprint = string_value(root["fingerprint"], "fingerprint", false);
    trace.fingerprint = step_fingerprint(trace.steps);
    if (fingerprint != format_fingerprint(trace.fingerprint))
        fail("fingerprint",
             fmt::format("'{}' does not match the steps, which give '{}': the steps were changed "
                         "after the trace was written",
                         fingerprint, format_fingerprint(trace.fingerprint)));
    return trace;
}

}  // namespace

Trace parse_trace(std::string_view text, std::string_view source) {
    DocumentReader reader(std::string(source), text);
    try {
        return reader.read();
    } catch (const TraceError&) {
        throw;
    } catch (const std::exception& error) {
        // json's own type errors and allocation failures, should a check
        // above have missed one, still name the input.
        throw TraceError(std::string(source), "", fmt::format("cannot read the trace: {}",
                                                              error.what()));
    }
}

Trace read_trace(const std::filesystem::path& path) {
    std::string name = path.string();
    std::error_code error;
    auto status = std::filesystem::status(path, error);
    if (error || !std::filesystem::exists(status))
        throw TraceError(name, "", "the file does not exist or cannot be accessed");
    if (!std::filesystem::is_regular_file(status))
        throw TraceError(name, "", "not a regular file: expected a JSON trace file");
    std::ifstream input(path, std::ios::binary);
    if (!input)
        throw TraceError(name, "", "the file cannot be opened for reading");
    // Read at most one byte past the limit, so that a file that grows while
    // it is read cannot make the reader run on.
    std::string text;
    char buffer[65536];
    while (input && text.size() <= max_trace_bytes) {
        input.read(buffer, sizeof buffer);
        text.append(buffer, static_cast<std::size_t>(input.gcount()));
    }
    if (input.bad())
        throw TraceError(name, "", "reading the file failed");
    return parse_trace(text, name);
}

}  // namespace traces
