// The trace document: building, writing, reading back, the schema, and
// files that are never overwritten.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/traces/schema_validator.hpp"
#include "tests/traces/test_scenarios.hpp"
#include "tests/traces/test_support.hpp"
#include "traces/trace.hpp"

using namespace trace_tests;
using nlohmann::json;

namespace {

std::vector<traces::Trace> sample_traces() {
    std::vector<traces::Trace> samples;
    samples.push_back(find_trace("lost_update", {}, lost_update_options()));
    samples.push_back(find_trace("lost_update", {{"workers", 3}, {"padding", 2}},
                                 lost_update_options()));
    samples.push_back(find_trace("timed_handoff", {}, timed_handoff_options()));
    samples.push_back(find_trace("lock_inversion", {}, lost_update_options()));
    samples.push_back(find_trace("immediate", {}, lost_update_options()));
    return samples;
}

void check_schema(const std::string& text, const std::string& source) {
    std::vector<std::string> errors = validate_against_schema(trace_schema(), json::parse(text));
    for (const std::string& error : errors)
        FAIL_CHECK(source << ": " << error);
    CHECK_MESSAGE(errors.empty(), source);
}

}  // namespace

TEST_CASE("trace round trip through a file") {
    TempDir dir;
    int count = 0;
    for (const traces::Trace& trace : sample_traces()) {
        std::string name = trace.scenario + "-" + std::to_string(count++) + ".json";
        auto path = traces::write_trace(dir / name, trace);
        CHECK(path == dir / name);

        std::string text = read_file(path);
        check_schema(text, name);
        traces::Trace back = traces::read_trace(path);
        CHECK(back == trace);
        // Writing what was read gives the same bytes.
        CHECK(traces::format_trace(back) == text);
    }
}

TEST_CASE("trace records context and tables") {
    checker::Options options = timed_handoff_options();
    traces::Trace trace = find_trace("timed_handoff", {{"attempts", 2}}, options);
    CHECK(trace.tool_version == tool_version());
    CHECK(trace.scenario == "timed_handoff");
    CHECK(trace.parameters == traces::Parameters{{"attempts", 2}});
    CHECK(trace.strategy == checker::StrategyKind::random);
    CHECK(trace.seed == 7);
    CHECK(trace.bounds.max_spurious_wakeups == 2);
    CHECK(trace.bounds.max_creation_failures == 2);
    CHECK(trace.bounds.max_steps == options.max_steps);
    CHECK(trace.bounds.max_timeouts == options.max_timeouts);
    CHECK(trace.bounds.timeouts);
    CHECK(trace.violation.property == "handoff_timeout");
    CHECK(trace.violation.kind == checker::ViolationKind::property);
    CHECK(trace.violation.threads == std::vector<std::string>{"main"});
    CHECK(trace.violation.location.file == "tests/traces/test_scenarios.cpp");

    REQUIRE(!trace.threads.empty());
    CHECK(trace.threads[0].name == "main");
    CHECK(trace.threads[0].parent.empty());
    for (std::size_t i = 1; i < trace.threads.size(); ++i) {
        CHECK(trace.threads[i].parent == "main");
        CHECK(trace.threads[i].given_name == "handoff");
    }
    CHECK(trace.objects.size() >= 3);

    // One thread decision per step, then the step's own choices.
    std::size_t expected_decisions = trace.steps.size();
    for (const traces::TraceStep& step : trace.steps)
        expected_decisions += step.choices.size();
    CHECK(trace.decisions.size() == expected_decisions);
    for (std::size_t i = 0; i < trace.steps.size(); ++i) {
        const traces::TraceStep& step = trace.steps[i];
        CHECK(step.index == static_cast<int>(i));
        CHECK(std::find(step.enabled.begin(), step.enabled.end(), step.thread) !=
              step.enabled.end());
        CHECK(step.location.file.rfind('/', 0) != 0);  // repository-relative
        CHECK(step.location.line > 0);
    }
    CHECK(trace.fingerprint == traces::step_fingerprint(trace.steps));
}

TEST_CASE("fingerprint covers names, not lines") {
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    std::uint64_t original = traces::step_fingerprint(trace.steps);

    auto moved = trace.steps;
    for (traces::TraceStep& step : moved) {
        step.location.line += 100;
        step.location.function = "renamed";
    }
    CHECK(traces::step_fingerprint(moved) == original);

    auto renamed_thread = trace.steps;
    renamed_thread[1].thread = "main/9";
    CHECK(traces::step_fingerprint(renamed_thread) != original);

    auto other_operation = trace.steps;
    other_operation[1].operation = checker::OpKind::yield;
    CHECK(traces::step_fingerprint(other_operation) != original);

    auto other_object = trace.steps;
    for (traces::TraceStep& step : other_object) {
        if (!step.object.empty()) {
            step.object += "x";
            break;
        }
    }
    CHECK(traces::step_fingerprint(other_object) != original);
    CHECK(traces::format_fingerprint(0x1234) == "fnv1a64:0000000000001234");
}

TEST_CASE("write never overwrites a file") {
    TempDir dir;
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    auto path = dir / "bug.json";
    write_file(path, "keep me");
    try {
        traces::write_trace(path, trace);
        FAIL("write_trace replaced an existing file");
    } catch (const traces::TraceError& error) {
        CHECK(error.file() == path.string());
        CHECK(std::string(error.what()).find(path.string()) != std::string::npos);
        CHECK(std::string(error.what()).find("exists") != std::string::npos);
    }
    CHECK(read_file(path) == "keep me");

    CHECK_THROWS_AS(traces::write_trace(dir / "missing-folder" / "bug.json", trace),
                    traces::TraceError);
}

TEST_CASE("write in directory picks a fresh name") {
    TempDir dir;
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    CHECK(traces::write_trace_in_directory(dir.path(), "bug", trace) == dir / "bug.json");
    CHECK(traces::write_trace_in_directory(dir.path(), "bug", trace) == dir / "bug-2.json");
    CHECK(traces::write_trace_in_directory(dir.path(), "bug", trace) == dir / "bug-3.json");
    CHECK(traces::read_trace(dir / "bug-3.json") == trace);
    CHECK_THROWS_AS(traces::write_trace_in_directory(dir / "missing", "bug", trace),
                    traces::TraceError);
}

TEST_CASE("schema validator catches bad documents") {
    // The schema test above is only worth something if the validator can
    // fail; these documents each break one rule.
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    json good = json::parse(traces::format_trace(trace));
    CHECK(validate_against_schema(trace_schema(), good).empty());

    json missing = good;
    missing.erase("steps");
    CHECK(!validate_against_schema(trace_schema(), missing).empty());

    json wrong_type = good;
    wrong_type["steps"][0]["index"] = "zero";
    CHECK(!validate_against_schema(trace_schema(), wrong_type).empty());

    json unknown = good;
    unknown["bounds"]["max_fun"] = 1;
    CHECK(!validate_against_schema(trace_schema(), unknown).empty());

    json bad_enum = good;
    bad_enum["steps"][0]["operation"] = "teleport";
    CHECK(!validate_against_schema(trace_schema(), bad_enum).empty());

    json bad_pattern = good;
    bad_pattern["fingerprint"] = "crc32:1234";
    CHECK(!validate_against_schema(trace_schema(), bad_pattern).empty());

    json too_small = good;
    too_small["bounds"]["max_threads"] = 0;
    CHECK(!validate_against_schema(trace_schema(), too_small).empty());

    json bad_location = good;
    bad_location["violation"]["location"] = json{{"file", "x"}, {"line", -1}, {"function", ""}};
    CHECK(!validate_against_schema(trace_schema(), bad_location).empty());

    json thread_choice = good;
    thread_choice["steps"][0]["choices"] =
        json::array({json{{"kind", "thread"}, {"value", 0}, {"alternatives", 1}}});
    CHECK(!validate_against_schema(trace_schema(), thread_choice).empty());
}

TEST_CASE("stored traces validate and read") {
    std::vector<std::filesystem::path> files = json_files(golden_dir());
    CHECK(files.size() >= 4);
    auto corpus = json_files(corpus_dir());
    files.insert(files.end(), corpus.begin(), corpus.end());
    for (const auto& file : files) {
        CAPTURE(file);
        std::string text = read_file(file);
        check_schema(text, file.string());
        traces::Trace trace = traces::read_trace(file);
        CHECK(traces::format_trace(trace) == text);
    }
}
