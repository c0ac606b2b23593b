// The scenario catalogue's client programs, ported to run under Relacy.
//
// Each port is the client program of the scenario of the same name in
// properties/scenarios.cpp, written against relacy::platform: the same
// calls into the pool, in the same order, with the same checks.  The
// catalogue's parameters keep their names and meaning; properties that
// observe the engine's execution do not run here (docs/relacy.md).
//
// Types defined here:
//   ScenarioConfig  the values of a scenario's parameters
//   ScenarioPort    a ported client program and the Relacy threads it needs
//
// This header does not include Relacy, so that plain translation units can
// look the ports up; the programs themselves live in scenarios.cpp.
#pragma once

#include <span>
#include <string_view>

#include "checker/relacy/engine.hpp"

namespace checker::relacy {

// A scenario's parameters; the catalogue's defaults fill in the ones a
// request leaves out.  A scenario reads only the parameters it declares.
struct ScenarioConfig {
    int jobs = 1;
    int producers = 2;
    int cpus = 1;
    int failures = 0;
    int rounds = 2;
    int iterations = 2;
    int idle_timeouts = 0;
};

struct ScenarioPort {
    const char* name;
    // The client program, run as Relacy's static thread 0.
    void (*body)(const ScenarioConfig&);
    // Dynamic threads the program may start: its client threads, every
    // overseer and an upper bound on the workers.  Thread creation past
    // this number fails with EAGAIN.
    int (*thread_slots)(const ScenarioConfig&, int max_timeouts);
};

// Every ported scenario, in the catalogue's order.
std::span<const ScenarioPort> scenario_ports();
const ScenarioPort* find_scenario_port(std::string_view name);

// Runs a ported scenario with the scheduler and bounds of spec (its body,
// argument and thread_slots are filled in here).
inline RunOutcome run_scenario(const ScenarioPort& port, const ScenarioConfig& config,
                               RunSpec spec) {
    struct Invocation {
        const ScenarioPort* port;
        const ScenarioConfig* config;
    };
    const Invocation invocation{&port, &config};
    spec.body = [](const void* argument) {
        const Invocation* call = static_cast<const Invocation*>(argument);
        call->port->body(*call->config);
    };
    spec.argument = &invocation;
    spec.thread_slots = port.thread_slots(config, spec.max_timeouts);
    return run(spec);
}

}  // namespace checker::relacy
