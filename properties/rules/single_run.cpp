// single_run: a job runs at most once at a time: no thread starts it while
// another run of it has not reached threadpool_job_done.
//
// Formalises "a job runs at most once at a time, from the moment a thread
// is assigned to it until its function calls threadpool_job_done".
// Checked at thread__job.
#include <fmt/format.h>

#include "properties/rules/rules.hpp"

namespace properties {

namespace {

class SingleRun final : public Property {
public:
    explicit SingleRun(Tracker& tracker) : Property("single_run", tracker) {}

    void on_annotation(checker::Execution& execution, const checker::Annotation& event) override {
        if (probe_of(event) != vtp::probe_id::thread__job)
            return;
        const JobRecord* record = tracker_.job(args_of(event).job);
        if (record != nullptr && record->running >= 0)
            violated(execution,
                     fmt::format("{} starts {} while {} still runs it",
                                 execution.describe_thread(event.thread),
                                 tracker_.job_name(args_of(event).job),
                                 execution.describe_thread(record->running)),
                     {event.thread, record->running}, event.loc);
    }
};

}  // namespace

std::unique_ptr<Property> make_single_run(Tracker& tracker) {
    return std::make_unique<SingleRun>(tracker);
}

}  // namespace properties
