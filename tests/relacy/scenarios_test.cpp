// The scenario catalogue under Relacy: every scenario under each of the
// three schedulers within bounded time, and the reports of
// run_relacy_check, the function behind `tpcheck check --engine relacy`.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "checker/relacy/check.hpp"
#include "checker/relacy/scenarios.hpp"
#include "properties/scenario.hpp"

namespace relacy = checker::relacy;
using relacy::RunOutcome;
using relacy::RunSpec;
using relacy::RunStatus;
using relacy::Scheduler;

namespace {

relacy::ScenarioConfig default_config(const properties::Scenario& scenario) {
    properties::Parameters parameters;
    REQUIRE_FALSE(properties::resolve_parameters(scenario, {}, parameters));
    return relacy::scenario_config(parameters);
}

// Runs catalogue scenarios [first, last) under spec's scheduler and checks
// that none reports a violation.
void check_scenarios(RunSpec spec, std::size_t first, std::size_t last, bool expect_exhaustive,
                     bool expect_goals) {
    const auto& catalogue = properties::catalogue();
    last = std::min(last, catalogue.size());
    for (std::size_t i = first; i < last; ++i) {
        const properties::Scenario& scenario = catalogue[i];
        CAPTURE(scenario.name);
        const relacy::ScenarioPort* port = relacy::find_scenario_port(scenario.name);
        REQUIRE(port != nullptr);
        const relacy::ScenarioConfig config = default_config(scenario);
        spec.max_creation_failures = config.failures;
        RunOutcome outcome = relacy::run_scenario(*port, config, spec);
        CAPTURE(outcome.relacy_result);
        CAPTURE(outcome.message);
        CHECK(outcome.status != RunStatus::violation);
        CHECK(outcome.cap_refusals == 0);
        if (expect_exhaustive)
            CHECK(outcome.status == RunStatus::exhaustive);
        if (expect_goals) {
            for (const std::string& goal : scenario.goals) {
                CAPTURE(goal);
                const bool reached =
                    std::count(outcome.goals_reached.begin(), outcome.goals_reached.end(), goal) +
                        std::count(outcome.probes_fired.begin(), outcome.probes_fired.end(),
                                   goal) >
                    0;
                CHECK(reached);
            }
        }
    }
}

RunSpec spec_for(Scheduler scheduler) {
    RunSpec spec;
    spec.scheduler = scheduler;
    spec.iterations = 1000;
    spec.context_bound = 1;
    spec.time_limit = 1;
    return spec;
}

std::filesystem::path scratch_file(const std::string& name) {
    return std::filesystem::temp_directory_path() /
           ("vtp-relacy-" + std::to_string(::getpid()) + "-" + name);
}

nlohmann::json read_json(const std::filesystem::path& path) {
    std::ifstream file(path);
    return nlohmann::json::parse(file);
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream file(path);
    return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("every catalogue scenario has a Relacy port") {
    std::vector<std::string> catalogue_names;
    for (const properties::Scenario& scenario : properties::catalogue())
        catalogue_names.push_back(scenario.name);
    std::vector<std::string> port_names;
    for (const relacy::ScenarioPort& port : relacy::scenario_ports())
        port_names.push_back(port.name);
    CHECK(port_names == catalogue_names);
}

TEST_CASE("thread slots fit at every parameter's maximum") {
    for (const properties::Scenario& scenario : properties::catalogue()) {
        CAPTURE(scenario.name);
        properties::Parameters given;
        for (const properties::Parameter& parameter : scenario.parameters)
            given[parameter.name] = parameter.max;
        properties::Parameters parameters;
        REQUIRE_FALSE(properties::resolve_parameters(scenario, given, parameters));
        const relacy::ScenarioPort* port = relacy::find_scenario_port(scenario.name);
        REQUIRE(port != nullptr);
        const int slots = port->thread_slots(relacy::scenario_config(parameters), 4);
        CHECK(slots >= 1);
        CHECK(slots <= relacy::max_dynamic_threads);
    }
}

TEST_CASE("random scheduler passes every scenario") {
    check_scenarios(spec_for(Scheduler::random), 0, 1000, false, true);
}

TEST_CASE("context bound one exhausts every scenario") {
    check_scenarios(spec_for(Scheduler::context_bound), 0, 1000, true, false);
}

TEST_CASE("full search first half finds nothing in 1 s each") {
    check_scenarios(spec_for(Scheduler::full_search), 0, 13, false, false);
}

TEST_CASE("full search second half finds nothing in 1 s each") {
    check_scenarios(spec_for(Scheduler::full_search), 13, 1000, false, false);
}

TEST_CASE("check writes JSON and JUnit for a passing run") {
    const auto json_path = scratch_file("pass.json");
    const auto junit_path = scratch_file("pass.xml");
    relacy::CheckRequest request;
    request.scenarios = {"schedule_cancel"};
    request.schedulers = {Scheduler::random, Scheduler::context_bound};
    request.iterations = 200;
    request.context_bound = 1;
    request.json_path = json_path.string();
    request.junit_path = junit_path.string();
    request.quiet = true;
    std::vector<relacy::ScenarioReport> reports;
    CHECK(relacy::run_relacy_check(request, reports) == relacy::exit_pass);
    REQUIRE(reports.size() == 2);

    nlohmann::json document = read_json(json_path);
    CHECK(document["format"] == "vtp-check-report");
    CHECK(document["version"] == 1);
    CHECK(document["engine"] == "relacy");
    REQUIRE(document["scenarios"].size() == 2);
    const nlohmann::json& random = document["scenarios"][0];
    CHECK(random["scenario"] == "schedule_cancel");
    CHECK(random["strategy"] == "relacy-random");
    CHECK(random["outcome"] == "sampled");
    CHECK(random["verdict"] == "pass");
    CHECK(random["executions"] == 200);
    CHECK(random["steps"].get<long long>() > 0);
    CHECK(random["cell_accesses"].get<long long>() > 0);
    CHECK(random["parameters"]["idle_timeouts"] == 0);
    CHECK_FALSE(random.contains("violation"));
    const nlohmann::json& bound = document["scenarios"][1];
    CHECK(bound["scheduler"] == "context-bound");
    CHECK(bound["outcome"] == "exhaustive");
    CHECK(bound["bounds"]["context_bound"] == 1);

    const std::string junit = read_text(junit_path);
    CHECK(junit.find("tests=\"2\" failures=\"0\"") != std::string::npos);
    CHECK(junit.find("name=\"schedule_cancel [random]\"") != std::string::npos);
    std::filesystem::remove(json_path);
    std::filesystem::remove(junit_path);
}

TEST_CASE("check reports a violation with Relacy's history") {
    const auto json_path = scratch_file("violation.json");
    const auto junit_path = scratch_file("violation.xml");
    // The unmodified pool passes, so a depth limit too small for one
    // execution makes the violation: Relacy reports a livelock.
    relacy::CheckRequest request;
    request.scenarios = {"schedule_wait"};
    request.schedulers = {Scheduler::random};
    request.max_steps = 20;
    request.json_path = json_path.string();
    request.junit_path = junit_path.string();
    request.quiet = true;
    std::vector<relacy::ScenarioReport> reports;
    CHECK(relacy::run_relacy_check(request, reports) == relacy::exit_violation);

    nlohmann::json document = read_json(json_path);
    const nlohmann::json& entry = document["scenarios"][0];
    CHECK(entry["verdict"] == "violation");
    CHECK(entry["violation"]["kind"] == "livelock");
    CHECK(entry["violation"]["property"] == "livelock");
    const std::string history = entry["violation"]["history"];
    CHECK(history.find("LIVELOCK") != std::string::npos);
    CHECK(history.find("execution history") != std::string::npos);
    CHECK(history.find("model/threadpool.hpp") != std::string::npos);

    const std::string junit = read_text(junit_path);
    CHECK(junit.find("<failure message=\"violation\">") != std::string::npos);
    std::filesystem::remove(json_path);
    std::filesystem::remove(junit_path);
}

TEST_CASE("check exits incomplete when the time limit stops a search") {
    relacy::CheckRequest request;
    request.scenarios = {"schedule_wait"};
    request.schedulers = {Scheduler::full_search};
    request.time_limit = 0.1;
    request.quiet = true;
    std::vector<relacy::ScenarioReport> reports;
    CHECK(relacy::run_relacy_check(request, reports) == relacy::exit_incomplete);
    REQUIRE(reports.size() == 1);
    CHECK(reports[0].verdict == relacy::Verdict::incomplete);
    CHECK(reports[0].outcome.stop_reason == "the time limit of 0.1 s");
}

TEST_CASE("check rejects bad requests") {
    std::vector<relacy::ScenarioReport> reports;
    relacy::CheckRequest unknown;
    unknown.scenarios = {"no_such_scenario"};
    CHECK(relacy::run_relacy_check(unknown, reports) == relacy::exit_usage);

    relacy::CheckRequest both;
    both.scenarios = {"schedule_wait"};
    both.all = true;
    CHECK(relacy::run_relacy_check(both, reports) == relacy::exit_usage);

    relacy::CheckRequest parameter;
    parameter.scenarios = {"schedule_wait"};
    parameter.parameters = {{"producers", 2}};
    CHECK(relacy::run_relacy_check(parameter, reports) == relacy::exit_usage);

    relacy::CheckRequest range;
    range.scenarios = {"schedule_wait"};
    range.parameters = {{"jobs", 9}};
    CHECK(relacy::run_relacy_check(range, reports) == relacy::exit_usage);

    relacy::CheckRequest iterations;
    iterations.scenarios = {"schedule_wait"};
    iterations.iterations = 0;
    CHECK(relacy::run_relacy_check(iterations, reports) == relacy::exit_usage);
    CHECK(reports.empty());
}

TEST_CASE("scheduler lists parse") {
    CHECK(relacy::parse_schedulers("all")->size() == 3);
    auto two = relacy::parse_schedulers("random,full");
    REQUIRE(two);
    CHECK(*two == std::vector<Scheduler>{Scheduler::random, Scheduler::full_search});
    CHECK(relacy::parse_schedulers("context-bound")->front() == Scheduler::context_bound);
    CHECK_FALSE(relacy::parse_schedulers("dpor"));
    CHECK_FALSE(relacy::parse_schedulers(""));
    CHECK_FALSE(relacy::parse_schedulers("random,"));
}
