// Replay: reproducing violations exactly, and naming the first step where
// a trace and the program part ways.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/traces/test_scenarios.hpp"
#include "tests/traces/test_support.hpp"
#include "traces/replay.hpp"

using namespace trace_tests;

namespace {

// Index of the step that decision `index` belongs to.
int step_of_decision(const checker::DecisionList& decisions, std::size_t index) {
    int step = -1;
    for (std::size_t i = 0; i <= index; ++i) {
        if (decisions[i].kind == checker::DecisionKind::thread)
            ++step;
    }
    return step;
}

// The engine's id of a thread: its position in the threads table.
int thread_id(const traces::Trace& trace, const std::string& name) {
    for (std::size_t i = 0; i < trace.threads.size(); ++i) {
        if (trace.threads[i].name == name)
            return static_cast<int>(i);
    }
    return -1;
}

}  // namespace

TEST_CASE("replay reproduces each scenario's violation") {
    std::vector<traces::Trace> samples = {
        find_trace("lost_update", {}, lost_update_options()),
        find_trace("lost_update", {{"workers", 3}, {"padding", 1}}, lost_update_options()),
        find_trace("timed_handoff", {}, timed_handoff_options()),
        find_trace("lock_inversion", {}, lost_update_options()),
        find_trace("immediate", {}, lost_update_options()),
    };
    for (const traces::Trace& trace : samples) {
        CAPTURE(trace.scenario);
        traces::ReplayReport report = traces::replay(trace, lookup(), "sample");
        CHECK_MESSAGE(report.status == traces::ReplayStatus::reproduced, report.message);
        CHECK(report.step == trace.violation.step);
        CHECK(report.executed == trace.steps);
        CHECK(report.fingerprint == trace.fingerprint);
        REQUIRE(report.violation.has_value());
        CHECK(report.violation->property == trace.violation.property);
        CHECK(report.message.find("reproduced") == 0);
    }
}

TEST_CASE("immediate violation has no steps") {
    traces::Trace trace = find_trace("immediate", {}, lost_update_options());
    CHECK(trace.steps.empty());
    CHECK(trace.decisions.empty());
    CHECK(trace.violation.step == -1);
    traces::ReplayReport report = traces::replay(trace, lookup(), "immediate");
    CHECK_MESSAGE(report.status == traces::ReplayStatus::reproduced, report.message);
}

TEST_CASE("golden traces replay") {
    auto files = json_files(golden_dir());
    REQUIRE(files.size() >= 4);
    for (const auto& file : files) {
        CAPTURE(file);
        traces::Trace trace = traces::read_trace(file);
        traces::ReplayReport report = traces::replay(trace, lookup(), file.string());
        CHECK_MESSAGE(report.status == traces::ReplayStatus::reproduced, report.message);
        CHECK(report.fingerprint == trace.fingerprint);
    }
}

TEST_CASE("flipped thread decision diverges at its step") {
    // Every thread decision of every sample, flipped to each other enabled
    // thread: the replay must name exactly that decision's step.
    std::vector<traces::Trace> samples = {
        find_trace("lost_update", {}, lost_update_options()),
        find_trace("lock_inversion", {}, lost_update_options()),
        find_trace("timed_handoff", {}, timed_handoff_options()),
    };
    int flips = 0;
    for (const traces::Trace& trace : samples) {
        for (std::size_t k = 0; k < trace.decisions.size(); ++k) {
            if (trace.decisions[k].kind != checker::DecisionKind::thread)
                continue;
            int step = step_of_decision(trace.decisions, k);
            for (const std::string& other : trace.steps[step].enabled) {
                if (other == trace.steps[step].thread)
                    continue;
                traces::Trace flipped = trace;
                flipped.decisions[k].value = thread_id(trace, other);
                traces::ReplayReport report = traces::replay(flipped, lookup(), "flipped");
                CAPTURE(trace.scenario);
                CAPTURE(k);
                CHECK(report.status == traces::ReplayStatus::diverged);
                CHECK(report.step == step);
                CHECK(report.message.find("step " + std::to_string(step)) != std::string::npos);
                ++flips;
            }
        }
    }
    CHECK(flips >= 5);
}

TEST_CASE("flip to a thread that is not enabled") {
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    // Step 0 is the main thread's first spawn: the workers do not exist yet,
    // so thread 1 cannot run there.
    traces::Trace flipped = trace;
    flipped.decisions[0].value = 1;
    flipped.decisions[0].alternatives = 3;
    traces::ReplayReport report = traces::replay(flipped, lookup(), "flipped");
    CHECK(report.status == traces::ReplayStatus::diverged);
    CHECK(report.step == 0);
    CHECK(report.message.find("not enabled") != std::string::npos);
    CHECK(report.message.find("main spawn") != std::string::npos);
}

TEST_CASE("flipped decision in a stored file") {
    TempDir dir;
    traces::Trace trace = find_trace("lock_inversion", {}, lost_update_options());
    auto path = traces::write_trace(dir / "inversion.json", trace);

    // Edit the file as a maintainer would: change one decision's value.
    nlohmann::json document = nlohmann::json::parse(read_file(path));
    std::size_t k = 0;
    int step = -1;
    int other = -1;
    for (; k < trace.decisions.size(); ++k) {
        if (trace.decisions[k].kind != checker::DecisionKind::thread)
            continue;
        step = step_of_decision(trace.decisions, k);
        if (trace.steps[step].enabled.size() > 1) {
            for (const std::string& name : trace.steps[step].enabled) {
                if (name != trace.steps[step].thread)
                    other = thread_id(trace, name);
            }
            break;
        }
    }
    REQUIRE(other >= 0);
    document["decisions"][k]["value"] = other;
    auto edited = dir / "edited.json";
    write_file(edited, document.dump(2));

    traces::Trace loaded = traces::read_trace(edited);
    traces::ReplayReport report = traces::replay(loaded, lookup(), edited.string());
    CHECK(report.status == traces::ReplayStatus::diverged);
    CHECK(report.step == step);
    MESSAGE(report.message);
}

TEST_CASE("edited step diverges at that step") {
    traces::Trace trace = find_trace("lost_update", {{"padding", 1}}, lost_update_options());
    REQUIRE(trace.steps.size() > 4);
    traces::Trace edited = trace;
    edited.steps[3].operation = checker::OpKind::broadcast;
    edited.fingerprint = traces::step_fingerprint(edited.steps);
    traces::ReplayReport report = traces::replay(edited, lookup(), "edited");
    CHECK(report.status == traces::ReplayStatus::diverged);
    CHECK(report.step == 3);
    CHECK(report.message.find("broadcast") != std::string::npos);
}

TEST_CASE("shortened trace reports where the replay ran on") {
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    traces::Trace shortened = trace;
    shortened.steps.pop_back();
    shortened.violation.step = static_cast<int>(shortened.steps.size()) - 1;
    shortened.fingerprint = traces::step_fingerprint(shortened.steps);
    traces::ReplayReport report = traces::replay(shortened, lookup(), "short");
    CHECK(report.status == traces::ReplayStatus::diverged);
    CHECK(report.step == static_cast<int>(shortened.steps.size()));
    CHECK(report.message.find("ran on") != std::string::npos);

    // Fewer decisions than steps: the replay runs out and ends elsewhere.
    traces::Trace few = trace;
    few.decisions.resize(2);
    report = traces::replay(few, lookup(), "few");
    CHECK(report.status != traces::ReplayStatus::reproduced);
}

TEST_CASE("decision list of the wrong length diverges") {
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    REQUIRE(trace.decisions.size() > 3);

    traces::Trace shortened = trace;
    shortened.decisions.resize(3);
    traces::ReplayReport report = traces::replay(shortened, lookup(), "shortened");
    CHECK(report.status == traces::ReplayStatus::diverged);
    CHECK(report.message.find("ran out") != std::string::npos);

    traces::Trace empty = trace;
    empty.decisions.clear();
    report = traces::replay(empty, lookup(), "empty");
    CHECK(report.status == traces::ReplayStatus::diverged);
    CHECK(report.step == 0);

    traces::Trace padded = trace;
    padded.decisions.push_back(trace.decisions.front());
    report = traces::replay(padded, lookup(), "padded");
    CHECK(report.status == traces::ReplayStatus::diverged);
    CHECK(report.message.find(std::to_string(trace.decisions.size()) + " of the trace's " +
                              std::to_string(padded.decisions.size())) != std::string::npos);
}

TEST_CASE("other violation is reported") {
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());
    traces::Trace renamed = trace;
    renamed.violation.property = "something_else";
    traces::ReplayReport report = traces::replay(renamed, lookup(), "renamed");
    CHECK(report.status == traces::ReplayStatus::violation_differs);
    CHECK(report.message.find("something_else") != std::string::npos);
    CHECK(report.message.find("lost_update") != std::string::npos);

    traces::Trace moved = trace;
    moved.violation.step -= 1;
    report = traces::replay(moved, lookup(), "moved");
    CHECK(report.status == traces::ReplayStatus::violation_differs);
}

TEST_CASE("replay input errors") {
    traces::Trace trace = find_trace("lost_update", {}, lost_update_options());

    traces::Trace unknown = trace;
    unknown.scenario = "no_such_scenario";
    try {
        traces::replay(unknown, lookup(), "bug.json");
        FAIL("an unknown scenario was accepted");
    } catch (const traces::TraceError& error) {
        CHECK(error.file() == "bug.json");
        CHECK(error.field() == "scenario");
        CHECK(error.problem().find("no_such_scenario") != std::string::npos);
    }

    traces::Trace out_of_range = trace;
    out_of_range.parameters["workers"] = 9;
    try {
        traces::replay(out_of_range, lookup(), "bug.json");
        FAIL("a parameter out of range was accepted");
    } catch (const traces::TraceError& error) {
        CHECK(error.field() == "parameters.workers");
        CHECK(error.problem().find("2 to 3") != std::string::npos);
    }

    traces::Trace unknown_parameter = trace;
    unknown_parameter.parameters["speed"] = 1;
    CHECK_THROWS_WITH_AS(traces::replay(unknown_parameter, lookup(), "bug.json"),
                         doctest::Contains("parameters.speed"), traces::TraceError);

    // A missing parameter takes the scenario's default.
    traces::Trace missing = trace;
    missing.parameters.erase("padding");
    CHECK(traces::replay(missing, lookup(), "bug.json").status ==
          traces::ReplayStatus::reproduced);

    CHECK_THROWS_AS(traces::replay(trace, traces::ScenarioLookup{}, "bug.json"),
                    traces::TraceError);
}

TEST_CASE("step listing shows every step and the violation") {
    traces::Trace trace = find_trace("timed_handoff", {}, timed_handoff_options());
    std::string listing = traces::format_steps(trace);
    std::size_t lines = static_cast<std::size_t>(std::count(listing.begin(), listing.end(), '\n'));
    CHECK(lines == trace.steps.size() + 1);
    CHECK(listing.find(">>> property 'handoff_timeout'") != std::string::npos);
    CHECK(listing.find("wakeup_timeout") != std::string::npos);
    CHECK(listing.find("tests/traces/test_scenarios.cpp:") != std::string::npos);
    CHECK(listing.find("spawned main/1") != std::string::npos);
    MESSAGE(listing);
}

TEST_CASE("short function names") {
    CHECK(traces::short_function_name(
              "void vtp::threadpool<P>::schedule_job(job*) [with P = checker::sim::platform]") ==
          "vtp::threadpool::schedule_job");
    CHECK(traces::short_function_name("int main()") == "main");
    CHECK(traces::short_function_name(
              "auto (anonymous namespace)::f()::(lambda)::operator()() const") ==
          "anonymous::f");
    CHECK(traces::short_function_name("").empty());
}
