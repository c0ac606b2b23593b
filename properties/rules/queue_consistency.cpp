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
// string.  Elements are named by name(element), never by address, so that
// messages repeat from run to run.  seen is scratch space, reused so that a
// check at every step allocates nothing.  The lists of a model run are short.
template <class T, class Link, class Name>
std::string check_list(const T* first, const T* last, Link link, Name name,
                       std::vector<const void*>& seen) {
    auto name_or_head = [&](const T* element) {
        return element == nullptr ? std::string("the head") : name(element);
    };
    seen.clear();
    const T* previous = nullptr;
    for (const T* it = first; it != nullptr; it = link(it).next) {
        if (std::find(seen.begin(), seen.end(), it) != seen.end())
            return fmt::format("{} appears twice", name(it));
        seen.push_back(it);
        if (link(it).prev != previous)
            return fmt::format("{} links back to {} but follows {}", name(it),
                               name_or_head(link(it).prev), name_or_head(previous));
        previous = it;
    }
    if (previous != last)
        return fmt::format("the head's last is {} but the list ends at {}", name_or_head(last),
                           name_or_head(previous));
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
                             fmt::format("{}: idle thread {} has {}", tracker_.pool_name(key),
                                         Tracker::thread_name(execution, thread),
                                         tracker_.job_name(thread->tpt_job.peek())));
            }
            check_jobs(execution, pool, key);
        }
    }

private:
    void check_shape(checker::Execution& execution, const pool_t& pool,
                     const void* pool_key) {
        std::string problem = check_list(
            pool.tp_jobs.peek().first, pool.tp_jobs.peek().last,
            [](const job_t* job) { return job->job_entry.peek(); },
            [this](const job_t* job) { return tracker_.job_name(job); }, seen_);
        if (!problem.empty())
            violated(execution,
                     fmt::format("{}: the job queue is corrupt: {}",
                                 tracker_.pool_name(pool_key), problem));
        problem = check_list(
            pool.tp_idle_threads.peek().first, pool.tp_idle_threads.peek().last,
            [](const vtp::threadpool_thread<P>* thread) { return thread->tpt_entry.peek(); },
            [&execution](const vtp::threadpool_thread<P>* thread) {
                return "thread " + Tracker::thread_name(execution, thread);
            },
            seen_);
        if (!problem.empty())
            violated(execution,
                     fmt::format("{}: the idle list is corrupt: {}",
                                 tracker_.pool_name(pool_key), problem));
    }

    void check_jobs(checker::Execution& execution, const pool_t& pool,
                    const void* pool_key) {
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
                         fmt::format("{}: {} is on the queue but its job_thread is {}",
                                     tracker_.pool_name(pool_key), tracker_.job_name(job_key),
                                     Tracker::thread_name(execution, assigned)));
            if (overseer && !queued && !handing_over)
                violated(execution,
                         fmt::format("{}: {} is assigned to the overseer but is not on "
                                     "the queue",
                                     tracker_.pool_name(pool_key), tracker_.job_name(job_key)));
            if (assigned != nullptr && !overseer && assigned->tpt_pool == &pool) {
                if (assigned->tpt_job.peek() != &job)
                    violated(execution,
                             fmt::format("{}: {} is assigned to thread {} whose tpt_job "
                                         "is {}",
                                         tracker_.pool_name(pool_key), tracker_.job_name(job_key),
                                         Tracker::thread_name(execution, assigned),
                                         assigned->tpt_job.peek() == nullptr
                                             ? std::string("empty")
                                             : tracker_.job_name(assigned->tpt_job.peek())));
                for (const auto* thread : idle_) {
                    if (thread == assigned)
                        violated(execution,
                                 fmt::format("{}: {} is assigned to thread {}, which is "
                                             "on the idle list",
                                             tracker_.pool_name(pool_key), tracker_.job_name(job_key),
                                             Tracker::thread_name(execution, assigned)));
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
