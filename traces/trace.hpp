// The JSON trace of one counterexample: what it is, how it is built from
// an engine counterexample, and how it is read and written.
//
// Types defined here:
//   Location       a repository-relative source location (file, line, function)
//   Bounds         the search bounds the trace was found and is replayed with
//   Detectors      which engine detectors were on
//   TraceStep      one step, with threads and objects by stable name
//   TraceThread    one row of the thread table
//   TraceObject    one row of the object table
//   TraceViolation the violation, with threads and objects by name
//   Trace          the whole document (format "vtp-trace", version 1)
//   TraceContext   what the engine's counterexample does not carry: tool
//                  version, scenario, parameters and options
//   TraceError     an input or output error naming the file, the field and
//                  the problem
//
// docs/trace-format.md describes every field; traces/trace.schema.json is
// the JSON Schema of the document.  Threads and objects are named, never
// numbered, so a trace reads the same whatever the engine's internal ids:
// threads by their creation path ("main", "main/1", "main/1/2") and objects
// by "<given name>#<creation index>".  Decisions keep the engine's numbers,
// because they are the replay key.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/decision.hpp"
#include "checker/engine/explorer.hpp"
#include "checker/engine/options.hpp"
#include "checker/engine/types.hpp"

namespace traces {

inline constexpr std::string_view trace_format = "vtp-trace";
inline constexpr int trace_version = 1;
// Inputs larger than this are rejected before parsing.  A step takes about
// 400 bytes in the test traces, so the default bound of 5000 steps gives
// about 2 MB, and the limit leaves room for the largest bounds.
inline constexpr std::uintmax_t max_trace_bytes = 256u * 1024 * 1024;

struct Location {
    std::string file;  // repository-relative; empty when unknown
    int line = 0;      // 0 when unknown
    std::string function;

    bool known() const { return !file.empty() || line > 0 || !function.empty(); }
    friend bool operator==(const Location&, const Location&) = default;
};

// The Options fields that shape the search; see checker/engine/options.hpp
// for their meaning and ranges.
struct Bounds {
    int preemption_bound = -1;
    int max_steps = 5000;
    int max_spurious_wakeups = 0;
    int max_creation_failures = 0;
    int max_timeouts = 4;
    int max_threads = 12;
    bool timeouts = true;

    friend bool operator==(const Bounds&, const Bounds&) = default;
};

// The detectors decide which violation an execution reports first, so a
// replay must run with the same ones.
struct Detectors {
    bool races = true;
    bool lock_order = true;
    bool leaks = true;

    friend bool operator==(const Detectors&, const Detectors&) = default;
};

struct TraceStep {
    int index = 0;
    std::string thread;
    checker::OpKind operation = checker::OpKind::yield;
    std::string object;   // the main object; empty for none
    std::string object2;  // the mutex of a wait, wakeup, pause or pause_end; a reacquire's condvar
    std::string joined;   // join: the thread waited for
    std::string spawned;  // successful spawn: the new thread
    Location location;
    checker::DecisionList choices;     // decisions taken inside the step
    std::vector<std::string> enabled;  // the threads that could have taken it
    bool preemption = false;
    int enabled_by = -1;  // the step that woke, spawned or released what this one needed
    int result = 0;       // spawn: error number or 0; wakeup_timeout: 1; otherwise 0

    friend bool operator==(const TraceStep&, const TraceStep&) = default;
};

struct TraceThread {
    std::string name;        // stable creation path
    std::string given_name;  // the name passed at creation
    std::string parent;      // empty for main
    Location created_at;

    friend bool operator==(const TraceThread&, const TraceThread&) = default;
};

struct TraceObject {
    std::string name;
    checker::ObjectKind kind = checker::ObjectKind::cell;
    std::string creator;  // thread name; empty when created outside any thread
    Location created_at;
    bool destroyed = false;
    int destroyed_at_step = -1;  // -1 when destroyed before the first step
    Location destroyed_at;

    friend bool operator==(const TraceObject&, const TraceObject&) = default;
};

struct TraceViolation {
    checker::ViolationKind kind = checker::ViolationKind::property;
    std::string property;
    std::string message;
    int step = -1;  // -1 when detected before the first step
    std::vector<std::string> threads;
    std::vector<std::string> objects;
    Location location;

    friend bool operator==(const TraceViolation&, const TraceViolation&) = default;
};

using Parameters = std::map<std::string, int, std::less<>>;

struct Trace {
    std::string tool_version;
    std::string scenario;
    Parameters parameters;
    checker::StrategyKind strategy = checker::StrategyKind::dpor;  // the one that found it
    std::uint64_t seed = 1;
    int pct_depth = 3;
    Bounds bounds;
    Detectors detectors;
    TraceViolation violation;
    std::vector<TraceThread> threads;
    std::vector<TraceObject> objects;
    checker::DecisionList decisions;
    std::vector<TraceStep> steps;
    std::uint64_t fingerprint = 0;  // of the steps; see step_fingerprint()

    friend bool operator==(const Trace&, const Trace&) = default;
};

struct TraceContext {
    std::string tool_version;
    std::string scenario;
    Parameters parameters;
    checker::Options options;
};

class TraceError : public std::runtime_error {
public:
    // file and field may be empty.  problem describes what was wrong.
    TraceError(std::string file, std::string field, std::string problem);

    const std::string& file() const { return file_; }
    const std::string& field() const { return field_; }
    const std::string& problem() const { return problem_; }

private:
    std::string file_;
    std::string field_;
    std::string problem_;
};

// --- building -----------------------------------------------------------------

// Builds a trace from an engine counterexample.
Trace make_trace(const checker::Counterexample& counterexample, const TraceContext& context);

// Converts engine steps and a violation to their named form, with the
// thread and object tables of the same execution.
std::vector<TraceStep> name_steps(const std::vector<checker::Step>& steps,
                                  const std::vector<checker::ThreadInfo>& threads,
                                  const std::vector<checker::ObjectInfo>& objects);
TraceViolation name_violation(const checker::Violation& violation,
                              const std::vector<checker::ThreadInfo>& threads,
                              const std::vector<checker::ObjectInfo>& objects);

// FNV-1a (64 bit) over each step's thread, operation, objects and joined
// thread, in order.  Locations and choices are left out, so editing the
// program's lines does not change it.
std::uint64_t step_fingerprint(std::span<const TraceStep> steps);
std::string format_fingerprint(std::uint64_t fingerprint);

// The options that replay a trace: the replay strategy, its decisions, and
// the trace's bounds, detectors and seed.
checker::Options replay_options(const Trace& trace);

// Names of enumerators as the format spells them: the engine's names,
// which the schema lists, so renaming an enumerator changes the format.
std::string_view operation_name(checker::OpKind operation);
std::string_view object_kind_name(checker::ObjectKind kind);
std::string_view violation_kind_name(checker::ViolationKind kind);

// "main/1 lock lock#0": the part of a step that replay compares.
std::string describe_step(const TraceStep& step);
// "waiter 1 of 2" for each choice, comma-separated.
std::string describe_choices(const checker::DecisionList& choices);

// --- reading and writing --------------------------------------------------------

// Parses a trace document.  Throws TraceError naming source, the field and
// the problem for any invalid input.  That covers malformed JSON (with line
// and column), an unknown format or version, and missing, unknown or
// ill-typed fields.  It also covers numbers out of range, dangling thread or
// object names, and a fingerprint that does not match the steps.
Trace parse_trace(std::string_view text, std::string_view source);
// Reads and parses a file; throws TraceError as parse_trace does, and for
// files that cannot be read, are not regular files or exceed max_trace_bytes.
Trace read_trace(const std::filesystem::path& path);

// The document as text: one line per thread, object, decision and step.
std::string format_trace(const Trace& trace);

// Writes text to a new file.  Never replaces an existing file: throws
// TraceError naming the path if it exists or cannot be written.
void write_new_file(const std::filesystem::path& path, std::string_view text);
// Writes a trace to path with write_new_file; returns path.
std::filesystem::path write_trace(const std::filesystem::path& path, const Trace& trace);
// Writes a trace into directory under the first free name among
// "<stem>.json", "<stem>-2.json", ... "<stem>-1000.json"; returns the path.
std::filesystem::path write_trace_in_directory(const std::filesystem::path& directory,
                                               std::string_view stem, const Trace& trace);

}  // namespace traces
