// Traces of the pool's own scenarios: the catalogue works as a
// ScenarioLookup, and replay follows a pool execution step for step.
//
// The pool is expected to pass its properties, so these executions end
// without a violation.  Each trace gets a stand-in violation at its last
// step.  Replay must then match every step and report only that the
// violation is missing.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "properties/scenario.hpp"
#include "tests/traces/schema_validator.hpp"
#include "tests/traces/test_support.hpp"
#include "traces/replay.hpp"

using namespace trace_tests;

namespace {

traces::ScenarioLookup catalogue_lookup() {
    return [](std::string_view name) { return properties::find_scenario(name); };
}

// One random-walk execution of a catalogue scenario, as a trace.
traces::Trace sample_trace(const properties::Scenario& scenario, std::uint64_t seed) {
    properties::Parameters parameters;
    REQUIRE(!properties::resolve_parameters(scenario, {}, parameters));
    checker::Options options;
    if (scenario.default_bounds)
        scenario.default_bounds(options, parameters);
    options.strategy = checker::StrategyKind::random;
    options.seed = seed;
    options.max_executions = 1;

    std::optional<checker::Counterexample> record;
    checker::ExploreHooks hooks;
    hooks.on_execution = [&](const checker::Execution& execution) {
        record = checker::capture(execution);
    };
    checker::explore(scenario.make(parameters), options, hooks);
    REQUIRE(record.has_value());
    if (record->violation.property.empty()) {
        record->violation.kind = checker::ViolationKind::property;
        record->violation.property = "stand_in";
        record->violation.message = "no violation: a stand-in for the replay test";
        record->violation.step = static_cast<int>(record->steps.size()) - 1;
    }
    traces::TraceContext context{VTP_VERSION, scenario.name, parameters, options};
    return traces::make_trace(*record, context);
}

}  // namespace

TEST_CASE("catalogue works as a scenario lookup") {
    traces::ScenarioLookup lookup = catalogue_lookup();
    REQUIRE(!properties::catalogue().empty());
    for (const properties::Scenario& scenario : properties::catalogue())
        CHECK(lookup(scenario.name) == &scenario);
    CHECK(lookup("no_such_scenario") == nullptr);
}

TEST_CASE("pool executions replay step for step") {
    TempDir dir;
    int replayed = 0;
    for (const properties::Scenario& scenario : properties::catalogue()) {
        for (std::uint64_t seed : {1u, 2u}) {
            CAPTURE(scenario.name);
            CAPTURE(seed);
            traces::Trace trace = sample_trace(scenario, seed);
            auto path = traces::write_trace_in_directory(dir.path(), scenario.name, trace);
            std::string text = read_file(path);
            CHECK(validate_against_schema(trace_schema(), nlohmann::json::parse(text)).empty());
            traces::Trace loaded = traces::read_trace(path);
            CHECK(loaded == trace);

            traces::ReplayReport report = traces::replay(loaded, catalogue_lookup(), path.string());
            CHECK(report.executed == trace.steps);
            if (trace.violation.property == "stand_in") {
                CHECK_MESSAGE(report.status == traces::ReplayStatus::violation_differs,
                              report.message);
                CHECK(report.message.find("every step matches") != std::string::npos);
            } else {
                CHECK_MESSAGE(report.status == traces::ReplayStatus::reproduced, report.message);
            }
            ++replayed;
        }
    }
    MESSAGE("replayed " << replayed << " pool executions");
}

TEST_CASE("pool scenario parameters are checked") {
    const properties::Scenario& scenario = properties::catalogue().front();
    traces::Trace trace = sample_trace(scenario, 1);
    trace.parameters["no_such_parameter"] = 1;
    CHECK_THROWS_WITH_AS(traces::make_program(trace, catalogue_lookup(), "pool.json"),
                         doctest::Contains("parameters.no_such_parameter"), traces::TraceError);
}
