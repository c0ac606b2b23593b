// Building blocks of the scenario programs on the engine's platform: the
// test job of properties/test_job.hpp, and get/put wrappers that keep the
// clients' ledger.
#pragma once

#include <functional>

#include "checker/sim/program.hpp"
#include "properties/context.hpp"
#include "properties/test_job.hpp"

namespace properties {

using TestJob = TestJobOn<P>;

// Allocates and initialises a job named name, and lists it in run.jobs.
TestJob* new_job(RunContext& run, vtp::threadpool_job_fn_t<P> fn, const char* name);

// threadpool_get/put and the per-CPU versions, keeping the ledger.
int get_pool(RunContext& run, pool_t** pool, vtp::pri_t pri);
void put_pool(RunContext& run, pool_t* pool, vtp::pri_t pri);
int get_percpu(RunContext& run, pool_percpu_t** pool, vtp::pri_t pri);
void put_percpu(RunContext& run, pool_percpu_t* pool, vtp::pri_t pri);

// Sets up a fresh registry for the execution and runs body with it; idle
// timeouts follow the scenario's parameter.
void with_registry(RunContext& run, int cpus, bool idle_timeouts,
                   const std::function<void(registry_t&)>& body);

}  // namespace properties
