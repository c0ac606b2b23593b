#include "properties/harness.hpp"

namespace properties {

TestJob* new_job(RunContext& run, vtp::threadpool_job_fn_t<P> fn, const char* name) {
    TestJob* test = make_job<P>(fn, name);
    run.jobs.push_back(&test->job);
    return test;
}

int get_pool(RunContext& run, pool_t** pool, vtp::pri_t pri) {
    ++run.ledger.unbound_gets[pri];
    int error = vtp::threadpool_get(pool, pri, *run.registry);
    if (error == 0)
        ++run.ledger.unbound_refs[pri];
    --run.ledger.unbound_gets[pri];
    return error;
}

void put_pool(RunContext& run, pool_t* pool, vtp::pri_t pri) {
    ++run.ledger.unbound_puts[pri];
    vtp::threadpool_put(pool, pri, *run.registry);
    --run.ledger.unbound_refs[pri];
    --run.ledger.unbound_puts[pri];
}

int get_percpu(RunContext& run, pool_percpu_t** pool, vtp::pri_t pri) {
    ++run.ledger.percpu_gets[pri];
    int error = vtp::threadpool_percpu_get(pool, pri, *run.registry);
    if (error == 0)
        ++run.ledger.percpu_refs[pri];
    --run.ledger.percpu_gets[pri];
    return error;
}

void put_percpu(RunContext& run, pool_percpu_t* pool, vtp::pri_t pri) {
    ++run.ledger.percpu_puts[pri];
    vtp::threadpool_percpu_put(pool, pri, *run.registry);
    --run.ledger.percpu_refs[pri];
    --run.ledger.percpu_puts[pri];
}

void with_registry(RunContext& run, int cpus, bool idle_timeouts,
                   const std::function<void(registry_t&)>& body) {
    checker::sim::set_cpu_count(cpus);
    run.cpus = cpus;
    run.idle_timeouts = idle_timeouts;
    registry_t registry;
    run.registry = &registry;
    body(registry);
    run.registry = nullptr;
}

}  // namespace properties
