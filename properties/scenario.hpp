// The scenario catalogue: client programs that drive the pool under the
// engine, each with named integer parameters, default search bounds and
// the reachability goals it must reach.
//
// Types defined here:
//   Parameter     one named integer parameter with its default and range
//   Parameters    the values of a scenario's parameters, by name
//   Scenario      a named client program with parameters, bounds and goals
//   Coverage      per run: goals reached and probes fired, over all executions
//   PropertyInfo  a property's name and statement, for `tpcheck list`
//
// Nothing here includes the pool, so that the command line and the trace
// library compile without it, and a seeded bug in the pool recompiles only
// what really uses the pool.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <memory>

#include "checker/engine/execution.hpp"
#include "checker/engine/options.hpp"

namespace properties {

// Defined in properties/context.hpp, which includes the pool.
struct RunContext;

struct Coverage {
    std::set<std::string> goals_reached;
    std::set<std::string> probes_fired;
    // By annotation code: the probe's name is in both sets already, so
    // that a probe firing again costs no string insert.
    std::vector<bool> codes_recorded;
};

// The names of the pool-specific properties, with their statements.
struct PropertyInfo {
    std::string name;
    std::string statement;
    std::string rule;  // the rule of the reference it formalises
    std::string when;  // per step, at an event, or at the end
};
const std::vector<PropertyInfo>& property_catalogue();

// Gives an engine-detected violation its property name for the pool.  With
// idle timeouts off, a deadlock means that the pool needed an idle timeout
// to make progress: the property progress_without_idle_timeout.  check,
// replay and minimize all name violations through this function, so that
// a trace records the name that replay reproduces.
inline void name_pool_violation(const checker::Options& options, checker::Violation& violation) {
    if (violation.kind == checker::ViolationKind::deadlock && !options.timeouts)
        violation.property = "progress_without_idle_timeout";
}

struct Parameter {
    std::string name;
    int value = 0;  // the default
    int min = 0;
    int max = 0;
    std::string help;
};

using Parameters = std::map<std::string, int, std::less<>>;

struct Scenario {
    std::string name;
    std::string description;
    std::vector<Parameter> parameters;
    // Reachability goals: probe names or goal names the run must reach.
    std::vector<std::string> goals;
    // Bounds this scenario is checked with by default (strategy, budgets and
    // detectors are left to the caller).
    std::function<void(checker::Options&, const Parameters&)> default_bounds;
    // The client program, run as the execution's main thread.
    std::function<void(RunContext&, const Parameters&)> body;
    // Builds the program (main body and observers) for parameter values,
    // with coverage discarded.  Filled in by the catalogue.
    std::function<checker::Program(const Parameters&)> make;
};

// Builds the program for parameter values; coverage (may be null)
// accumulates goals and probes over every execution of the program.
checker::Program make_program(const Scenario& scenario, const Parameters& parameters,
                              std::shared_ptr<Coverage> coverage);

// Every scenario, in the order `tpcheck list` shows them.
const std::vector<Scenario>& catalogue();
const Scenario* find_scenario(std::string_view name);

// Fills in defaults and checks names and ranges.  Returns the complete
// parameter set, or an error message naming the bad name or value.
std::optional<std::string> resolve_parameters(const Scenario& scenario, const Parameters& given,
                                              Parameters& resolved);

}  // namespace properties
