// job_done_discipline: threadpool_job_done is called exactly once per run,
// by the thread running the job, with the job's interlock held.
//
// Formalises threadpool_job_done's contract.  Checked at job__done, and at
// thread__job and thread__exit (a worker that moves on or exits must have
// finished its previous run with job_done).
#include <fmt/format.h>

#include <map>

#include "properties/rules/rules.hpp"

namespace properties {

namespace {

class JobDoneDiscipline final : public Property {
public:
    explicit JobDoneDiscipline(Tracker& tracker) : Property("job_done_discipline", tracker) {}

    void on_annotation(checker::Execution& execution, const checker::Annotation& event) override {
        vtp::probe_id id = probe_of(event);
        if (id == vtp::probe_id::job__done) {
            const JobRecord* record = tracker_.job(args_of(event).job);
            if (record == nullptr)
                return;
            if (record->running != event.thread)
                violated(execution,
                         fmt::format("{} calls job_done on {}, which {}",
                                     execution.describe_thread(event.thread),
                                     tracker_.job_name(args_of(event).job),
                                     record->running < 0
                                         ? std::string("is not running (a second job_done?)")
                                         : "runs on " + execution.describe_thread(record->running)),
                         {event.thread}, event.loc);
            const P::mutex* interlock = record->job->job_lock.peek();
            if (interlock != nullptr && execution.mutex_owner(interlock->id()) != event.thread)
                violated(execution,
                         fmt::format("{} calls job_done on {} without holding its interlock",
                                     execution.describe_thread(event.thread),
                                     tracker_.job_name(args_of(event).job)),
                         {event.thread}, event.loc);
            unfinished_.erase(event.thread);
            return;
        }
        if (id == vtp::probe_id::thread__job || id == vtp::probe_id::thread__exit) {
            auto it = unfinished_.find(event.thread);
            if (it != unfinished_.end())
                violated(execution,
                         fmt::format("{} {} without calling job_done for its run of {}",
                                     execution.describe_thread(event.thread),
                                     id == vtp::probe_id::thread__job ? "starts another job"
                                                                      : "exits",
                                     tracker_.job_name(it->second)),
                         {event.thread}, event.loc);
            if (id == vtp::probe_id::thread__job)
                unfinished_[event.thread] = args_of(event).job;
        }
    }

private:
    std::map<checker::ThreadId, const void*> unfinished_;
};

}  // namespace

std::unique_ptr<Property> make_job_done_discipline(Tracker& tracker) {
    return std::make_unique<JobDoneDiscipline>(tracker);
}

}  // namespace properties
