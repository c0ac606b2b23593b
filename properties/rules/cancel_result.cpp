// cancel_result: when threadpool_cancel_job returns, the job is not running
// and no schedule of it is pending; threadpool_cancel_job_async returning
// true means the job will not run, and false means it runs to job_done.
//
// Formalises threadpool_cancel_job_async's three cases and
// threadpool_cancel_job's wait for job_thread == NULL.  Checked at
// cancel__async, at cancel__done and at the end of the execution.
#include <fmt/format.h>

#include "properties/rules/rules.hpp"

namespace properties {

namespace {

class CancelResult final : public Property {
public:
    explicit CancelResult(Tracker& tracker) : Property("cancel_result", tracker) {}

    void on_annotation(checker::Execution& execution, const checker::Annotation& event) override {
        vtp::probe_id id = probe_of(event);
        const JobRecord* record = tracker_.job(args_of(event).job);
        if (record == nullptr)
            return;
        const job_t& job = *record->job;
        if (id == vtp::probe_id::cancel__async && args_of(event).value != 0) {
            if (record->running >= 0)
                violated(execution,
                         fmt::format("async cancel of {} returned true while {} runs it",
                                     tracker_.job_name(args_of(event).job),
                                     execution.describe_thread(record->running)),
                         {event.thread}, event.loc);
            if (Inspect::job_thread(job) != nullptr)
                violated(execution,
                         fmt::format("async cancel of {} returned true but the job is still "
                                     "assigned to a thread",
                                     tracker_.job_name(args_of(event).job)),
                         {event.thread}, event.loc);
        }
        if (id == vtp::probe_id::cancel__async && args_of(event).value == 0 &&
            Inspect::job_thread(job) == nullptr)
            violated(execution,
                     fmt::format("async cancel of {} returned false but no thread is "
                                 "assigned, so the job will not run",
                                 tracker_.job_name(args_of(event).job)),
                     {event.thread}, event.loc);
        if (id == vtp::probe_id::cancel__done &&
            (record->running >= 0 || Inspect::job_thread(job) != nullptr))
            violated(execution,
                     fmt::format("threadpool_cancel_job of {} returned while the job is {}",
                                 tracker_.job_name(args_of(event).job),
                                 record->running >= 0 ? "running" : "still assigned"),
                     {event.thread}, event.loc);
    }

    void on_end(checker::Execution& execution) override {
        for (const auto& [key, record] : tracker_.jobs()) {
            if (record.must_complete)
                violated(execution,
                         fmt::format("async cancel of {} returned false, but the job never "
                                     "ran afterwards",
                                     tracker_.job_name(key)));
        }
    }
};

}  // namespace

std::unique_ptr<Property> make_cancel_result(Tracker& tracker) {
    return std::make_unique<CancelResult>(tracker);
}

}  // namespace properties
