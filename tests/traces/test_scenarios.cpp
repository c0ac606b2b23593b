#include "tests/traces/test_scenarios.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "checker/engine/explorer.hpp"
#include "checker/sim/platform.hpp"
#include "checker/sim/program.hpp"

namespace trace_tests {

namespace {

using P = checker::sim::platform;
using properties::Parameters;

int parameter(const Parameters& parameters, std::string_view name) {
    auto it = parameters.find(name);
    if (it == parameters.end())
        throw std::invalid_argument("missing parameter " + std::string(name));
    return it->second;
}

checker::Program lost_update(const Parameters& parameters) {
    int workers = parameter(parameters, "workers");
    int padding = parameter(parameters, "padding");
    return checker::Program{
        "lost_update",
        [workers, padding] {
            P::atomic<int> counter(0, "counter");
            std::vector<checker::ThreadId> threads;
            for (int i = 0; i < workers; ++i) {
                threads.push_back(checker::sim::spawn(
                    [&counter, padding] {
                        for (int k = 0; k < padding; ++k)
                            checker::sim::yield();
                        int seen = counter.load(std::memory_order_relaxed);
                        counter.store(seen + 1, std::memory_order_relaxed);
                    },
                    "worker"));
            }
            for (checker::ThreadId thread : threads)
                checker::sim::join(thread);
            checker::sim::check(counter.load(std::memory_order_relaxed) == workers, "lost_update",
                                "an increment was lost: the counter is below the number of "
                                "workers");
        },
        {}};
}

struct Handoff {
    P::mutex lock{vtp::mutex_kind::adaptive, "handoff_lock"};
    P::condvar ready_cv{"ready_cv"};
    P::atomic<int> ready{0, "ready"};
};

void handoff_worker(void* arg) {
    auto* handoff = static_cast<Handoff*>(arg);
    handoff->lock.lock();
    handoff->ready.store(1, std::memory_order_relaxed);
    handoff->ready_cv.signal();
    handoff->lock.unlock();
}

checker::Program timed_handoff(const Parameters& parameters) {
    int attempts = parameter(parameters, "attempts");
    return checker::Program{
        "timed_handoff",
        [attempts] {
            Handoff handoff;
            vtp::thread_params params;
            std::snprintf(params.name, sizeof params.name, "handoff");
            P::thread* worker = nullptr;
            int error = EAGAIN;
            for (int attempt = 0; attempt < attempts && error != 0; ++attempt)
                error = P::thread_create(params, handoff_worker, &handoff, &worker);
            if (error != 0)
                return;
            // Remember an early timeout and check after the join, so that
            // the violation is reported once the worker has finished.
            bool timed_out_first = false;
            handoff.lock.lock();
            while (handoff.ready.load(std::memory_order_relaxed) == 0) {
                if (handoff.ready_cv.timed_wait(handoff.lock, std::chrono::milliseconds(10)) &&
                    handoff.ready.load(std::memory_order_relaxed) == 0)
                    timed_out_first = true;
            }
            handoff.lock.unlock();
            checker::sim::join(worker->id);
            checker::sim::check(!timed_out_first, "handoff_timeout",
                                "the wait for the worker timed out before it signalled");
        },
        {}};
}

checker::Program lock_inversion(const Parameters&) {
    return checker::Program{
        "lock_inversion",
        [] {
            P::mutex first(vtp::mutex_kind::adaptive, "first");
            P::mutex second(vtp::mutex_kind::adaptive, "second");
            auto forward = checker::sim::spawn(
                [&] {
                    first.lock();
                    second.lock();
                    second.unlock();
                    first.unlock();
                },
                "forward");
            auto backward = checker::sim::spawn(
                [&] {
                    second.lock();
                    first.lock();
                    first.unlock();
                    second.unlock();
                },
                "backward");
            checker::sim::join(forward);
            checker::sim::join(backward);
        },
        {}};
}

checker::Program immediate(const Parameters&) {
    return checker::Program{"immediate",
                            [] {
                                checker::sim::check(false, "immediate",
                                                    "the program fails before any step");
                            },
                            {}};
}

// Fields are assigned one by one, so that fields the catalogue's Scenario
// gains later keep their defaults here.
properties::Scenario scenario(std::string name, std::string description,
                              std::vector<properties::Parameter> parameters,
                              checker::Program (*make)(const Parameters&)) {
    properties::Scenario entry;
    entry.name = std::move(name);
    entry.description = std::move(description);
    entry.parameters = std::move(parameters);
    entry.make = make;
    return entry;
}

std::vector<properties::Scenario> make_scenarios() {
    return {
        scenario("lost_update", "workers increment a counter with a separate load and store",
                 {{"workers", 2, 2, 3, "number of incrementing threads"},
                  {"padding", 0, 0, 6, "yields before each increment"}},
                 lost_update),
        scenario("timed_handoff", "a timed wait for a worker created with retries",
                 {{"attempts", 3, 1, 4, "thread creations tried before giving up"}},
                 timed_handoff),
        scenario("lock_inversion", "two threads lock two mutexes in opposite orders", {},
                 lock_inversion),
        scenario("immediate", "a check that fails before the first step", {}, immediate),
    };
}

}  // namespace

const std::vector<properties::Scenario>& scenarios() {
    static const std::vector<properties::Scenario> table = make_scenarios();
    return table;
}

const properties::Scenario* find_scenario(std::string_view name) {
    for (const properties::Scenario& scenario : scenarios()) {
        if (scenario.name == name)
            return &scenario;
    }
    return nullptr;
}

traces::ScenarioLookup lookup() {
    return [](std::string_view name) { return find_scenario(name); };
}

std::string_view tool_version() {
    return VTP_VERSION;
}

traces::Trace find_trace(std::string_view scenario_name, const traces::Parameters& parameters,
                         const checker::Options& options) {
    const properties::Scenario* scenario = find_scenario(scenario_name);
    if (scenario == nullptr)
        throw std::invalid_argument("no test scenario " + std::string(scenario_name));
    traces::Parameters resolved;
    for (const properties::Parameter& parameter : scenario->parameters)
        resolved[parameter.name] = parameter.value;
    for (const auto& [name, value] : parameters)
        resolved[name] = value;
    checker::Result result = checker::explore(scenario->make(resolved), options);
    if (!result.counterexample)
        throw std::runtime_error("the scenario " + std::string(scenario_name) +
                                 " found no violation with these options");
    traces::TraceContext context{std::string(tool_version()), std::string(scenario_name),
                                 resolved, options};
    return traces::make_trace(*result.counterexample, context);
}

checker::Options lost_update_options() {
    checker::Options options;
    options.strategy = checker::StrategyKind::dpor;
    return options;
}

checker::Options timed_handoff_options() {
    checker::Options options;
    options.strategy = checker::StrategyKind::random;
    options.seed = 7;
    options.max_executions = 2000;
    options.max_spurious_wakeups = 2;
    options.max_creation_failures = 2;
    return options;
}

}  // namespace trace_tests
