// What a scenario's program and its properties share during one execution,
// and what a whole run accumulates across executions.
//
// Types defined here:
//   Ledger       facts the client program states about its own calls
//   RunContext   per execution: the registry, the ledger, the jobs
//
// Coverage, which a run accumulates over its executions, is in scenario.hpp.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checker/sim/platform.hpp"
#include "model/threadpool.hpp"
#include "properties/scenario.hpp"

namespace properties {

using P = checker::sim::platform;
using pool_t = vtp::threadpool<P>;
using pool_percpu_t = vtp::threadpool_percpu<P>;
using job_t = vtp::threadpool_job<P>;
using registry_t = vtp::threadpool_registry<P>;

// Successful gets minus puts, per priority, as the clients counted them.
struct Ledger {
    std::map<vtp::pri_t, int> unbound_refs;
    std::map<vtp::pri_t, int> percpu_refs;
    // Calls under way, which the registry may already count.
    std::map<vtp::pri_t, int> unbound_gets, unbound_puts, percpu_gets, percpu_puts;
};

struct RunContext {
    registry_t* registry = nullptr;  // set by the program while it runs
    Ledger ledger;
    std::vector<job_t*> jobs;        // every job the program initialised
    bool idle_timeouts = true;       // false: idle timers never fire
    int cpus = 1;
};

}  // namespace properties
