// job_refcount: a job's reference count is 1 while the job is scheduled or
// assigned to a thread, plus at most one temporary reference of an
// overseer handing it over; it never underflows; and threadpool_job_destroy
// returns only once it is 0 and no thread is assigned.
//
// Formalises threadpool_job_hold/rele, the reference taken by
// threadpool_schedule_job and dropped by job_done or a cancel, and the
// overseer's temporary hold.  Checked per step for every live job whose
// interlock is free, and at job__destroy.
#include <fmt/format.h>

#include "properties/rules/rules.hpp"

namespace properties {

namespace {

class JobRefcount final : public Property {
public:
    explicit JobRefcount(Tracker& tracker) : Property("job_refcount", tracker) {}

    void on_step(checker::Execution& execution, const checker::Step&) override {
        for (const auto& [key, record] : tracker_.jobs()) {
            if (record.destroyed)
                continue;
            const job_t& job = *record.job;
            const P::mutex* interlock = job.job_lock.peek();
            if (interlock == nullptr || !Inspect::lock_free(execution, *interlock))
                continue;
            unsigned refcnt = Inspect::job_refcnt(job);
            unsigned assigned = Inspect::job_thread(job) != nullptr ? 1 : 0;
            if (refcnt > 1000000)
                violated(execution, fmt::format("{}: job_refcnt underflowed to {}",
                                                tracker_.job_name(key), refcnt));
            if (refcnt < assigned || refcnt > assigned + 1)
                violated(execution,
                         fmt::format("{}: job_refcnt is {} but the job is {}assigned (expected "
                                     "{} or {} with an overseer's temporary reference)",
                                     tracker_.job_name(key), refcnt, assigned ? "" : "not ", assigned, assigned + 1));
        }
    }

    void on_annotation(checker::Execution& execution, const checker::Annotation& event) override {
        if (probe_of(event) != vtp::probe_id::job__destroy)
            return;
        const job_t& job = *static_cast<const job_t*>(args_of(event).job);
        unsigned refcnt = Inspect::job_refcnt(job);
        if (refcnt != 0 || Inspect::job_thread(job) != nullptr)
            violated(execution,
                     fmt::format("threadpool_job_destroy of {} returned with job_refcnt {} "
                                 "and job_thread {}",
                                 tracker_.job_name(args_of(event).job), refcnt,
                                 Tracker::thread_name(execution, Inspect::job_thread(job))),
                     {event.thread}, event.loc);
    }
};

}  // namespace

std::unique_ptr<Property> make_job_refcount(Tracker& tracker) {
    return std::make_unique<JobRefcount>(tracker);
}

}  // namespace properties
