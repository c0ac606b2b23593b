#include "checker/engine/explorer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace checker {

std::string_view to_string(Outcome outcome) {
    switch (outcome) {
    case Outcome::exhaustive: return "exhaustive";
    case Outcome::sampled: return "sampled";
    case Outcome::incomplete: return "incomplete";
    case Outcome::violation: return "violation";
    case Outcome::diverged: return "diverged";
    }
    return "unknown";
}

Counterexample capture(const Execution& execution) {
    Counterexample counterexample;
    if (execution.violation())
        counterexample.violation = *execution.violation();
    counterexample.decisions = execution.decisions();
    counterexample.steps = execution.steps();
    // Steps that ran after the violation (for DPOR's analysis) are no part
    // of the counterexample: keep the steps up to the violating one and the
    // decisions they took (one thread choice each, and their own choices).
    if (execution.violation()) {
        auto keep = static_cast<std::size_t>(std::max(execution.violation()->step + 1, 0));
        if (counterexample.steps.size() > keep) {
            counterexample.steps.resize(keep);
            std::size_t decisions = 0;
            for (const Step& step : counterexample.steps)
                decisions += 1 + step.choices.size();
            counterexample.decisions.resize(decisions);
        }
    }
    counterexample.threads = execution.threads();
    counterexample.objects = execution.objects();
    return counterexample;
}

Result explore(const Program& program, const Options& options, const ExploreHooks& hooks) {
    if (auto error = validate(options))
        throw std::invalid_argument(*error);
    if (!program.main)
        throw std::invalid_argument("the program '" + program.name + "' has no main body");

    using clock = std::chrono::steady_clock;
    auto start = clock::now();
    auto last_progress = start;
    auto elapsed = [&] { return std::chrono::duration<double>(clock::now() - start).count(); };

    Result result;
    auto strategy = make_strategy(options);
    const auto* replay = dynamic_cast<const ReplayDivergence*>(strategy.get());
    Workspace workspace;
    bool budget_hit = false;

    while (true) {
        if (options.strategy != StrategyKind::random && options.strategy != StrategyKind::pct &&
            options.max_executions > 0 && result.executions >= options.max_executions) {
            budget_hit = true;
            result.stop_reason = "the execution budget of " +
                                 std::to_string(options.max_executions) + " executions";
            break;
        }
        if (hooks.interrupt != nullptr && hooks.interrupt->load(std::memory_order_relaxed)) {
            budget_hit = true;
            result.stop_reason = "an interrupt";
            break;
        }
        if (options.max_seconds > 0 && elapsed() >= options.max_seconds) {
            budget_hit = true;
            result.stop_reason = fmt::format("the time budget of {:g} s", options.max_seconds);
            break;
        }
        if (!strategy->begin_execution())
            break;

        Execution execution(program, options, *strategy, workspace);
        execution.run();
        strategy->end_execution(execution);

        ++result.executions;
        result.steps += static_cast<std::int64_t>(execution.steps().size());
        result.cell_accesses += execution.cell_accesses();
        result.max_depth = std::max(result.max_depth, static_cast<int>(execution.steps().size()));
        switch (execution.cut()) {
        case CutReason::sleep_set: ++result.sleep_blocked; break;
        case CutReason::thread_bound: ++result.thread_bound_cut; break;
        case CutReason::timeout_bound: ++result.timeout_bound_cut; break;
        case CutReason::diverged: break;
        case CutReason::none: break;
        }
        if (execution.violation()) {
            ++result.violations;
            if (!result.counterexample)
                result.counterexample = capture(execution);
        } else if (execution.cut() == CutReason::none) {
            ++result.complete;
            result.terminal_states.insert(execution.terminal_fingerprint());
        }
        if (replay != nullptr && replay->diverged()) {
            result.divergence_step = replay->divergence_step();
            result.divergence = replay->divergence_message();
            if (!result.counterexample)
                result.counterexample = capture(execution);
        }
        if (hooks.on_execution)
            hooks.on_execution(execution);
        if (hooks.progress && clock::now() - last_progress >= std::chrono::seconds(1)) {
            last_progress = clock::now();
            hooks.progress(Progress{result.executions, result.steps, elapsed(),
                                    static_cast<int>(execution.steps().size()),
                                    strategy->explored_fraction()});
        }
        if (execution.violation() && !options.keep_going)
            break;
    }
    result.preemption_bound_cut = strategy->bound_pruned();
    result.seconds = elapsed();

    if (!result.divergence.empty())
        result.outcome = Outcome::diverged;
    else if (result.violations > 0)
        result.outcome = Outcome::violation;
    else if (budget_hit)
        result.outcome = Outcome::incomplete;
    else if (strategy->exhaustive())
        result.outcome = Outcome::exhaustive;
    else
        result.outcome = Outcome::sampled;
    return result;
}

}  // namespace checker
