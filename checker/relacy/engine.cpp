// The Relacy test behind every run: one static thread runs the program's
// body, and one instantiation per dynamic-thread count (1 to
// max_dynamic_threads) lets a run use exactly the threads its program needs.
#include <atomic>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "checker/relacy/allocation.hpp"
#include "checker/relacy/engine.hpp"
#include "model/probes.hpp"

#include "checker/relacy/relacy_include.hpp"

#include "checker/relacy/platform.hpp"

namespace checker::relacy {

std::string_view to_string(Scheduler scheduler) {
    switch (scheduler) {
    case Scheduler::random: return "random";
    case Scheduler::full_search: return "full";
    case Scheduler::context_bound: return "context-bound";
    }
    return "unknown";
}

std::optional<Scheduler> scheduler_from_string(std::string_view name) {
    if (name == "random")
        return Scheduler::random;
    if (name == "full" || name == "full-search")
        return Scheduler::full_search;
    if (name == "context-bound" || name == "bound")
        return Scheduler::context_bound;
    return std::nullopt;
}

std::string_view to_string(RunStatus status) {
    switch (status) {
    case RunStatus::exhaustive: return "exhaustive";
    case RunStatus::sampled: return "sampled";
    case RunStatus::incomplete: return "incomplete";
    case RunStatus::violation: return "violation";
    }
    return "unknown";
}

namespace {

using Clock = std::chrono::steady_clock;

// The run in progress.  Relacy constructs the test itself, so the test
// reads its program and deadline from here.
struct ActiveRun {
    const RunSpec* spec = nullptr;
    rl::test_params* params = nullptr;
    Clock::time_point deadline;
    bool deadline_hit = false;
    bool interrupted = false;
};

ActiveRun active;

template <int Dynamic>
struct ProgramTest : rl::test_suite<ProgramTest<Dynamic>, 1> {
    static const rl::thread_id_t dynamic_thread_count = Dynamic;

    // Stops the run at its deadline or on an interrupt.  The decision is
    // kept, so that Relacy's replay of the stopped execution stops there too.
    void before() {
        const bool replaying = active.params->collect_history;
        if (!replaying && !active.deadline_hit && !active.interrupted) {
            if (active.spec->interrupt != nullptr &&
                active.spec->interrupt->load(std::memory_order_relaxed))
                active.interrupted = true;
            else if (active.spec->time_limit > 0 && Clock::now() >= active.deadline)
                active.deadline_hit = true;
        }
        if (active.deadline_hit || active.interrupted)
            rl::ctx().rl_until("time limit reached", rl::debug_info("before"));
        run_state().counting = !replaying;
        begin_execution();
    }

    void thread(unsigned) {
        active.spec->body(active.spec->argument);
        finish_main_thread();
    }

    void after() { end_execution(); }
};

using SimulateFunction = bool (*)(rl::test_params&);

template <int... Counts>
constexpr std::array<SimulateFunction, sizeof...(Counts)> simulate_table(
    std::integer_sequence<int, Counts...>) {
    return {&rl::simulate<ProgramTest<Counts + 1>>...};
}

constexpr auto simulate_by_slots =
    simulate_table(std::make_integer_sequence<int, max_dynamic_threads>{});

// Maps Relacy's verdict to the engine's violation kinds.
const char* kind_of(rl::test_result_e result) {
    switch (result) {
    case rl::test_result_data_race: return "data_race";
    case rl::test_result_access_to_freed_memory:
    case rl::test_result_double_free:
    case rl::test_result_usage_of_non_initialized_mutex:
    case rl::test_result_usage_of_non_initialized_condvar:
    case rl::test_result_destroying_owned_mutex: return "use_after_destroy";
    case rl::test_result_memory_leak:
    case rl::test_result_resource_leak: return "leak";
    case rl::test_result_deadlock:
    case rl::test_result_recursion_on_nonrecursive_mutex: return "deadlock";
    case rl::test_result_livelock: return "livelock";
    case rl::test_result_unlocking_mutex_wo_ownership: return "misuse";
    case rl::test_result_unitialized_access: return "uninitialized_access";
    default: return "relacy";
    }
}

// Relacy's progress lines read "P% (done/estimate)"; returns the last
// estimate, or 0.
std::uint64_t last_estimate(const std::string& progress) {
    std::size_t slash = progress.rfind('/');
    if (slash == std::string::npos)
        return 0;
    return std::strtoull(progress.c_str() + slash + 1, nullptr, 10);
}

// Relacy's report: a line with the test's name, a line with the verdict,
// "iteration: N", then the execution history.
void read_report(const std::string& text, RunOutcome& outcome) {
    std::size_t first = text.find('\n');
    std::string rest = first == std::string::npos ? std::string() : text.substr(first + 1);
    std::size_t second = rest.find('\n');
    outcome.relacy_result = rest.substr(0, second);
    outcome.history = rest;
}

}  // namespace

RunOutcome run(const RunSpec& spec) {
    if (spec.body == nullptr)
        throw std::invalid_argument("relacy run: no program body");
    if (spec.thread_slots < 1 || spec.thread_slots > max_dynamic_threads)
        throw std::invalid_argument("relacy run: the program needs " +
                                    std::to_string(spec.thread_slots) +
                                    " dynamic threads; the supported range is 1 to " +
                                    std::to_string(max_dynamic_threads));
    if (spec.scheduler == Scheduler::random && spec.iterations == 0)
        throw std::invalid_argument("relacy run: the random scheduler needs at least 1 iteration");

    use_relacy_allocation();
    RunState& state = run_state();
    state = RunState{};
    state.max_timeouts = spec.max_timeouts;
    state.max_creation_failures = spec.max_creation_failures;
    state.spurious_wakeups = spec.spurious_wakeups;
    state.sequentially_consistent = spec.sequentially_consistent;
    state.thread_slots = spec.thread_slots;

    rl::ostringstream report;
    rl::ostringstream progress;
    rl::test_params params;
    params.output_stream = &report;
    params.progress_stream = &progress;
    params.iteration_count = spec.iterations;
    params.context_bound = spec.context_bound;
    params.execution_depth_limit = spec.max_steps;
    params.search_type = spec.scheduler == Scheduler::random        ? rl::sched_random
                         : spec.scheduler == Scheduler::full_search ? rl::sched_full
                                                                    : rl::sched_bound;

    const Clock::time_point start = Clock::now();
    active.spec = &spec;
    active.params = &params;
    // A limit near or past what the clock can hold (inf, for one) is no
    // limit, so the deadline is the latest time point instead of an overflow.
    const double max_seconds =
        std::chrono::duration<double>(Clock::time_point::max() - start).count();
    active.deadline = spec.time_limit >= max_seconds / 2
                          ? Clock::time_point::max()
                          : start + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(spec.time_limit));
    active.deadline_hit = false;
    active.interrupted = false;
    simulate_by_slots[static_cast<std::size_t>(spec.thread_slots - 1)](params);
    const bool interrupted = active.interrupted;
    active = ActiveRun{};
    release_execution_memory();

    RunOutcome outcome;
    outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    outcome.sync_operations = state.sync_operations;
    outcome.cell_accesses = state.cell_accesses;
    outcome.cap_refusals = state.cap_refusals;
    outcome.injected_failures = state.injected_failures;
    outcome.timeouts_fired = state.timeouts_fired;
    if (spec.scheduler != Scheduler::random)
        outcome.relacy_estimate = last_estimate(std::string(progress.str().c_str()));
    for (int id = 0; id < vtp::probe_count; ++id) {
        if (state.probes_fired & (std::uint64_t{1} << id))
            outcome.probes_fired.emplace_back(vtp::probe_name(static_cast<vtp::probe_id>(id)));
    }
    for (int goal = 0; goal < goal_count; ++goal) {
        if (state.goals_reached & (1u << goal))
            outcome.goals_reached.emplace_back(goal_names[goal]);
    }

    switch (params.test_result) {
    case rl::test_result_success:
        outcome.status = spec.scheduler == Scheduler::random ? RunStatus::sampled
                                                             : RunStatus::exhaustive;
        outcome.executions = params.stop_iteration;
        break;
    case rl::test_result_until_condition_hit:
        outcome.status = RunStatus::incomplete;
        outcome.executions = params.stop_iteration - 1;
        if (interrupted) {
            outcome.stop_reason = "an interrupt";
        } else {
            char limit[64];
            std::snprintf(limit, sizeof limit, "the time limit of %g s", spec.time_limit);
            outcome.stop_reason = limit;
        }
        break;
    default: {
        outcome.status = RunStatus::violation;
        outcome.executions = params.stop_iteration;
        read_report(std::string(report.str().c_str()), outcome);
        const bool from_check = state.violation_kind[0] != '\0';
        outcome.kind = from_check ? state.violation_kind : kind_of(params.test_result);
        outcome.property = from_check ? state.property : outcome.kind;
        outcome.message = from_check ? state.message : outcome.relacy_result;
        if (from_check) {
            outcome.file = state.file;
            outcome.line = state.line;
        }
        break;
    }
    }
    return outcome;
}

}  // namespace checker::relacy
