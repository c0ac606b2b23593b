#include "properties/tracker.hpp"

#include <fmt/format.h>

namespace properties {

using vtp::probe_id;

PoolRecord* Tracker::pool(const void* pool) {
    return pools_.find(pool);
}

JobRecord* Tracker::job(const void* job) {
    return jobs_.find(job);
}

std::string Tracker::pool_name(const void* pool) const {
    const PoolRecord* record = pools_.find(pool);
    return record != nullptr ? fmt::format("pool {}", record->number) : "an untracked pool";
}

std::string Tracker::job_name(const void* job) const {
    const JobRecord* record = jobs_.find(job);
    return record != nullptr ? fmt::format("job {}", record->number) : "an untracked job";
}

std::string Tracker::thread_name(const checker::Execution& execution,
                                 const vtp::threadpool_thread<P>* thread)
    VTP_NO_THREAD_SAFETY_ANALYSIS {
    if (thread == nullptr)
        return "no thread";
    const P::thread* lwp = thread->tpt_lwp.peek();
    if (lwp == nullptr)
        return "a thread record not yet started";
    return execution.describe_thread(lwp->id);
}

void Tracker::on_annotation(checker::Execution&, const checker::Annotation& event) {
    const vtp::probe_args& args = args_of(event);
    switch (probe_of(event)) {
    case probe_id::create__success:
        pools_[args.pool] = PoolRecord{static_cast<const pool_t*>(args.pool), ++pools_created_};
        break;
    case probe_id::overseer__spawn:
        if (PoolRecord* record = pool(args.pool))
            ++record->spawns;
        break;
    case probe_id::overseer__spawn__failure:
        if (PoolRecord* record = pool(args.pool))
            ++record->spawn_failures;
        break;
    case probe_id::thread__exit:
        if (PoolRecord* record = pool(args.pool))
            ++record->worker_exits;
        break;
    case probe_id::overseer__exit:
        if (PoolRecord* record = pool(args.pool))
            record->overseer_alive = false;
        break;
    case probe_id::destroy:
        if (PoolRecord* record = pool(args.pool))
            record->destroying = true;
        break;
    case probe_id::destroy__done:
        if (PoolRecord* record = pool(args.pool)) {
            record->destroyed = true;
            record->destroy_step = event.step;
        }
        break;
    case probe_id::job__init:
        jobs_[args.job] = JobRecord{static_cast<const job_t*>(args.job), ++jobs_initialised_};
        break;
    case probe_id::job__destroy:
        if (JobRecord* record = job(args.job)) {
            record->destroyed = true;
            record->destroy_step = event.step;
        }
        break;
    case probe_id::schedule__job__overseer:
    case probe_id::schedule__job__thread:
        if (JobRecord* record = job(args.job))
            ++record->pending;
        break;
    case probe_id::schedule__job__running:
        if (JobRecord* record = job(args.job))
            ++record->coalesced;
        break;
    case probe_id::thread__job:
        if (JobRecord* record = job(args.job)) {
            record->running = event.thread;
            ++record->runs;
            --record->pending;
            record->must_complete = false;
        }
        break;
    case probe_id::job__done:
        if (JobRecord* record = job(args.job)) {
            record->running = -1;
            ++record->dones;
        }
        break;
    case probe_id::cancel__async:
        if (JobRecord* record = job(args.job)) {
            if (args.value != 0 && record->pending > 0 && record->running < 0)
                --record->pending;
            // Assigned but not yet started: it must still start.
            if (args.value == 0 && record->running < 0)
                record->must_complete = true;
        }
        break;
    default:
        break;
    }
}

void Property::violated(checker::Execution& execution, std::string message,
                        std::vector<checker::ThreadId> threads, checker::SourceLoc loc) {
    checker::Violation violation;
    violation.kind = checker::ViolationKind::property;
    violation.property = name_;
    violation.message = std::move(message);
    violation.threads = std::move(threads);
    violation.loc = loc;
    execution.report(std::move(violation));
}

void Inspect::idle(const pool_t& pool, std::vector<const vtp::threadpool_thread<P>*>& threads) {
    // The limit ends the walk on a list with a cycle.
    threads.clear();
    for (const vtp::threadpool_thread<P>* it = pool.tp_idle_threads.peek().first;
         it != nullptr && threads.size() < 1000; it = it->tpt_entry.peek().next)
        threads.push_back(it);
}

bool Inspect::on_queue(const pool_t& pool, const job_t* job) {
    // Walks the list in place, because properties ask this for every job
    // at every step.  The limit ends the walk on a list with a cycle.
    int seen = 0;
    for (const job_t* it = pool.tp_jobs.peek().first; it != nullptr && seen < 1000;
         it = it->job_entry.peek().next, ++seen) {
        if (it == job)
            return true;
    }
    return false;
}

}  // namespace properties
