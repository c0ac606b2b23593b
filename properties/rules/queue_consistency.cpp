// queue_consistency: whenever neither the job's interlock nor the pool's
// tp_lock is held, a job is on a pool's queue exactly when its job_thread is
// that pool's overseer (or the overseer holds its temporary reference while
// handing it over), a job assigned to a worker is that worker's tpt_job, and
// a thread is on the idle list only when it has no job; at every step, both
// lists are well formed (no element twice, links that agree both ways), so
// that inserting a member or removing a non-member is caught.
//
// Formalises threadpool_schedule_job, threadpool_cancel_job_async and the
// overseer's and workers' list operations.  Checked per step.
#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "properties/rules/rules.hpp"

namespace properties {

namespace {

// Walks a list from first and returns what is wrong with it, or an empty
// string.  seen is scratch space, reused so that a check at every step
// allocates nothing.  The lists of a model run are short.
template <class T, class Link>
std::string check_list(const T* first, const T* last, Link link, std::vector<const void*>& seen) {
    seen.clear();
    const T* previous = nullptr;
    for (const T* it = first; it != nullptr; it = link(it).next) {
        if (std::find(seen.begin(), seen.end(), it) != seen.end())
            return fmt::format("element {} appears twice", static_cast<const void*>(it));
        seen.push_back(it);
        if (link(it).prev != previous)
            return fmt::format("element {} has prev {} but follows {}", static_cast<const void*>(it),
                               static_cast<const void*>(link(it).prev),
                               static_cast<const void*>(previous));
        previous = it;
    }
    if (previous != last)
        return fmt::format("the head's last is {} but the list ends at {}",
                           static_cast<const void*>(last), static_cast<const void*>(previous));
    return {};
}

class QueueConsistency final : public Property {
public:
    explicit QueueConsistency(Tracker& tracker) : Property("queue_consistency", tracker) {}

    void on_step(checker::Execution& execution, const checker::Step&) override {
        for (const auto& [key, record] : tracker_.pools()) {
            if (record.destroyed)
                continue;
            const pool_t& pool = *record.pool;
            check_shape(execution, pool, key);
            if (!Inspect::lock_free(execution, pool.tp_lock))
                continue;
            Inspect::idle(pool, idle_);
            for (const auto* thread : idle_) {
                if (thread->tpt_job.peek() != nullptr)
                    violated(execution,
                             fmt::format("pool {}: idle thread {} has job {}", key,
                                         static_cast<const void*>(thread),
                                         static_cast<const void*>(thread->tpt_job.peek())));
            }
            check_jobs(execution, pool, record, key);
        }
    }

private:
    void check_shape(checker::Execution& execution, const pool_t& pool, const void* key) {
        std::string problem =
            check_list(pool.tp_jobs.peek().first, pool.tp_jobs.peek().last,
                       [](const job_t* job) { return job->job_entry.peek(); }, seen_);
        if (!problem.empty())
            violated(execution, fmt::format("pool {}: the job queue is corrupt: {}", key, problem));
        problem = check_list(pool.tp_idle_threads.peek().first, pool.tp_idle_threads.peek().last,
                             [](const vtp::threadpool_thread<P>* thread) {
                                 return thread->tpt_entry.peek();
                             },
                             seen_);
        if (!problem.empty())
            violated(execution,
                     fmt::format("pool {}: the idle list is corrupt: {}", key, problem));
    }

    void check_jobs(checker::Execution& execution, const pool_t& pool, const PoolRecord&,
                    const void* key) {
        for (const auto& [job_key, job_record] : tracker_.jobs()) {
            if (job_record.destroyed)
                continue;
            const job_t& job = *job_record.job;
            const P::mutex* interlock = job.job_lock.peek();
            if (interlock == nullptr || !Inspect::lock_free(execution, *interlock))
                continue;
            const auto* assigned = Inspect::job_thread(job);
            bool queued = Inspect::on_queue(pool, &job);
            bool overseer = assigned == &pool.tp_overseer;
            bool handing_over = overseer && Inspect::job_refcnt(job) >= 2;
            if (queued && !overseer)
                violated(execution,
                         fmt::format("pool {}: job {} is on the queue but its job_thread is {}",
                                     key, job_key, static_cast<const void*>(assigned)));
            if (overseer && !queued && !handing_over)
                violated(execution,
                         fmt::format("pool {}: job {} is assigned to the overseer but is not on "
                                     "the queue",
                                     key, job_key));
            if (assigned != nullptr && !overseer && assigned->tpt_pool == &pool) {
                if (assigned->tpt_job.peek() != &job)
                    violated(execution,
                             fmt::format("pool {}: job {} is assigned to thread {} whose tpt_job "
                                         "is {}",
                                         key, job_key, static_cast<const void*>(assigned),
                                         static_cast<const void*>(assigned->tpt_job.peek())));
                for (const auto* thread : idle_) {
                    if (thread == assigned)
                        violated(execution,
                                 fmt::format("pool {}: job {} is assigned to thread {}, which is "
                                             "on the idle list",
                                             key, job_key, static_cast<const void*>(assigned)));
                }
            }
        }
    }

    // Scratch space of the checks, kept to spare an allocation per step.
    std::vector<const void*> seen_;
    std::vector<const vtp::threadpool_thread<P>*> idle_;
};

}  // namespace

std::unique_ptr<Property> make_queue_consistency(Tracker& tracker) {
    return std::make_unique<QueueConsistency>(tracker);
}

}  // namespace properties
