#include "traces/minimize.hpp"

#include <fmt/format.h>

#include <chrono>
#include <exception>
#include <unordered_set>
#include <utility>
#include <vector>

#include "traces/follow.hpp"

namespace traces {

Measure measure(const std::vector<TraceStep>& steps) {
    Measure size;
    size.steps = static_cast<int>(steps.size());
    for (const TraceStep& step : steps) {
        if (step.preemption)
            ++size.preemptions;
        bool injected = step.operation == checker::OpKind::wakeup_timeout ||
                        step.operation == checker::OpKind::wakeup_spurious ||
                        (step.operation == checker::OpKind::spawn && step.result != 0);
        if (injected)
            ++size.injected;
    }
    return size;
}

Measure measure(const Trace& trace) {
    return measure(trace.steps);
}

std::string to_string(const Measure& size) {
    return fmt::format("{} preemptions, {} injected events, {} steps", size.preemptions,
                       size.injected, size.steps);
}

namespace {

// One step's decisions: the thread decision and the choices inside it.
struct Block {
    checker::Decision thread;
    checker::DecisionList choices;
};

std::vector<Block> blocks_of(const checker::DecisionList& decisions) {
    std::vector<Block> blocks;
    for (const checker::Decision& decision : decisions) {
        if (decision.kind == checker::DecisionKind::thread)
            blocks.push_back(Block{decision, {}});
        else if (!blocks.empty())
            blocks.back().choices.push_back(decision);
    }
    return blocks;
}

// FNV-1a over a decision list, to skip candidates already run.
std::uint64_t hash_decisions(const checker::DecisionList& decisions) {
    std::uint64_t hash = 14695981039346656037ull;
    for (const checker::Decision& decision : decisions) {
        for (int part : {static_cast<int>(decision.kind), decision.value, decision.alternatives}) {
            hash ^= static_cast<std::uint64_t>(static_cast<unsigned>(part));
            hash *= 1099511628211ull;
        }
    }
    return hash;
}

checker::DecisionList flatten(const std::vector<Block>& blocks) {
    checker::DecisionList decisions;
    for (const Block& block : blocks) {
        decisions.push_back(block.thread);
        decisions.insert(decisions.end(), block.choices.begin(), block.choices.end());
    }
    return decisions;
}

class Minimizer {
public:
    Minimizer(const Trace& trace, checker::Program program, const MinimizeOptions& options)
        : trace_(trace),
          program_(std::move(program)),
          options_(options),
          run_options_(replay_options(trace)),
          start_(std::chrono::steady_clock::now()) {}

    // Runs the original decisions; false if they violate nothing.
    bool start();
    void search();

    const checker::Counterexample& best() const { return best_; }
    const Measure& best_measure() const { return best_measure_; }
    int runs() const { return runs_; }
    int accepted() const { return accepted_; }
    const std::string& stop_reason() const { return stop_reason_; }

private:
    bool out_of_budget();
    // Runs a candidate; keeps it if it is shorter.  Returns true if kept.
    bool try_candidate(const std::vector<Block>& candidate);
    bool reduce_preemptions();
    bool reduce_injected_events();
    bool reduce_steps();

    std::vector<Block> best_blocks() const { return blocks_of(best_.decisions); }

    const Trace& trace_;
    checker::Program program_;
    MinimizeOptions options_;
    checker::Options run_options_;
    std::chrono::steady_clock::time_point start_;

    checker::Counterexample best_;
    std::vector<TraceStep> best_steps_;
    Measure best_measure_;
    std::unordered_set<std::uint64_t> tried_;  // hashes of decision lists run
    int runs_ = 0;
    int accepted_ = 0;
    std::string stop_reason_;
};

bool Minimizer::out_of_budget() {
    if (!stop_reason_.empty())
        return true;
    if (options_.max_runs > 0 && runs_ >= options_.max_runs)
        stop_reason_ = fmt::format("the budget of {} runs", options_.max_runs);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (options_.max_seconds > 0 && seconds >= options_.max_seconds)
        stop_reason_ = fmt::format("the time budget of {} s", options_.max_seconds);
    return !stop_reason_.empty();
}

bool Minimizer::start() {
    RunRecord run = run_lenient(program_, run_options_, trace_.decisions);
    ++runs_;
    if (!run.violated || run.record.violation.kind != trace_.violation.kind ||
        run.record.violation.property != trace_.violation.property)
        return false;
    best_ = std::move(run.record);
    best_steps_ = name_steps(best_.steps, best_.threads, best_.objects);
    best_measure_ = measure(best_steps_);
    tried_.insert(hash_decisions(trace_.decisions));
    return true;
}

bool Minimizer::try_candidate(const std::vector<Block>& candidate) {
    checker::DecisionList decisions = flatten(candidate);
    if (!tried_.insert(hash_decisions(decisions)).second || out_of_budget())
        return false;
    ++runs_;
    RunRecord run;
    try {
        run = run_lenient(program_, run_options_, decisions);
    } catch (const std::exception&) {
        // A candidate that trips an engine check is no counterexample.
        return false;
    }
    if (!run.violated || run.record.violation.kind != trace_.violation.kind ||
        run.record.violation.property != trace_.violation.property)
        return false;
    std::vector<TraceStep> steps = name_steps(run.record.steps, run.record.threads,
                                              run.record.objects);
    Measure size = measure(steps);
    if (!(size < best_measure_))
        return false;
    best_ = std::move(run.record);
    best_steps_ = std::move(steps);
    best_measure_ = size;
    ++accepted_;
    return true;
}

bool Minimizer::reduce_preemptions() {
    bool improved = false;
    for (std::size_t i = 1; i < best_steps_.size() && !out_of_budget(); ++i) {
        if (!best_steps_[i].preemption)
            continue;
        std::vector<Block> blocks = best_blocks();
        if (blocks.size() != best_steps_.size())
            return improved;
        // The preempted thread's next run of steps moves up to step i.
        checker::ThreadId preempted = blocks[i - 1].thread.value;
        std::size_t next = i + 1;
        while (next < blocks.size() && blocks[next].thread.value != preempted)
            ++next;
        if (next < blocks.size()) {
            std::size_t end = next;
            while (end < blocks.size() && blocks[end].thread.value == preempted)
                ++end;
            std::vector<Block> moved(blocks.begin(), blocks.begin() + static_cast<long>(i));
            moved.insert(moved.end(), blocks.begin() + static_cast<long>(next),
                         blocks.begin() + static_cast<long>(end));
            moved.insert(moved.end(), blocks.begin() + static_cast<long>(i),
                         blocks.begin() + static_cast<long>(next));
            moved.insert(moved.end(), blocks.begin() + static_cast<long>(end), blocks.end());
            if (try_candidate(moved)) {
                improved = true;
                i = 0;  // the schedule changed: scan it again
                continue;
            }
        } else {
            // The preempted thread never runs again: let it continue anyway
            // and leave the rest to the follower.
            std::vector<Block> continued = blocks;
            continued[i].thread.value = preempted;
            continued[i].choices.clear();
            if (try_candidate(continued)) {
                improved = true;
                i = 0;
                continue;
            }
        }
        std::vector<Block> dropped = blocks;
        dropped.erase(dropped.begin() + static_cast<long>(i));
        if (try_candidate(dropped)) {
            improved = true;
            i = 0;
        }
    }
    return improved;
}

bool Minimizer::reduce_injected_events() {
    bool improved = false;
    for (std::size_t i = 0; i < best_steps_.size() && !out_of_budget(); ++i) {
        const TraceStep& step = best_steps_[i];
        bool wakeup = step.operation == checker::OpKind::wakeup_timeout ||
                      step.operation == checker::OpKind::wakeup_spurious;
        bool failed_creation = step.operation == checker::OpKind::spawn && step.result != 0;
        if (!wakeup && !failed_creation)
            continue;
        std::vector<Block> blocks = best_blocks();
        if (blocks.size() != best_steps_.size())
            return improved;
        std::vector<Block> candidate = blocks;
        if (wakeup) {
            candidate.erase(candidate.begin() + static_cast<long>(i));
        } else {
            for (checker::Decision& choice : candidate[i].choices) {
                if (choice.kind == checker::DecisionKind::creation_failure)
                    choice.value = 0;
            }
        }
        if (try_candidate(candidate)) {
            improved = true;
            i = static_cast<std::size_t>(-1);  // scan the new schedule from its start
        }
    }
    return improved;
}

bool Minimizer::reduce_steps() {
    bool improved = false;
    std::size_t chunk = best_steps_.size() / 2;
    while (chunk >= 1 && !out_of_budget()) {
        bool reduced = false;
        for (std::size_t start = 0; start < best_steps_.size() && !out_of_budget();) {
            std::vector<Block> blocks = best_blocks();
            std::size_t end = std::min(blocks.size(), start + chunk);
            if (start >= end)
                break;
            std::vector<Block> candidate(blocks.begin(), blocks.begin() + static_cast<long>(start));
            candidate.insert(candidate.end(), blocks.begin() + static_cast<long>(end),
                             blocks.end());
            if (try_candidate(candidate)) {
                // The next chunk now starts where this one did.
                improved = reduced = true;
                continue;
            }
            start += chunk;
        }
        if (!reduced)
            chunk /= 2;
        chunk = std::min(chunk, best_steps_.size() / 2);
    }
    return improved;
}

void Minimizer::search() {
    while (!out_of_budget()) {
        bool improved = reduce_preemptions();
        improved = reduce_injected_events() || improved;
        improved = reduce_steps() || improved;
        if (!improved)
            break;
    }
}

}  // namespace

MinimizeReport minimize(const Trace& trace, const ScenarioLookup& lookup, std::string_view source,
                        const MinimizeOptions& options) {
    checker::Program program = make_program(trace, lookup, source);
    MinimizeReport report;
    report.before = measure(trace);
    report.input_check = replay(trace, lookup, source);

    Minimizer minimizer(trace, std::move(program), options);
    bool reproduced = false;
    try {
        reproduced = minimizer.start();
    } catch (const std::exception& error) {
        throw TraceError(std::string(source), "",
                         fmt::format("cannot minimise: running the trace's decisions stopped "
                                     "with an engine error: {}",
                                     error.what()));
    }
    if (!reproduced)
        throw TraceError(std::string(source), "decisions",
                         fmt::format("cannot minimise: the trace's decisions do not lead to {} "
                                     "'{}' (`tpcheck replay` shows where they go elsewhere)",
                                     violation_kind_name(trace.violation.kind),
                                     trace.violation.property));
    minimizer.search();

    report.runs = minimizer.runs();
    report.accepted = minimizer.accepted();
    report.stop_reason = minimizer.stop_reason();
    report.budget_hit = !report.stop_reason.empty();
    if (minimizer.best_measure() < report.before ||
        report.input_check.status != ReplayStatus::reproduced) {
        TraceContext context;
        context.tool_version = options.tool_version.empty() ? trace.tool_version
                                                            : options.tool_version;
        context.scenario = trace.scenario;
        context.parameters = trace.parameters;
        context.options = replay_options(trace);
        context.options.strategy = trace.strategy;
        report.trace = make_trace(minimizer.best(), context);
    } else {
        report.trace = trace;
    }
    report.after = measure(report.trace);
    report.check = replay(report.trace, lookup, source);
    return report;
}

}  // namespace traces
