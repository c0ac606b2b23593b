// no_lost_job: every schedule that takes a reference leads to exactly one
// run or one successful cancel, and a schedule of a job that is already
// scheduled or running is coalesced into the pending run.
//
// Formalises threadpool_schedule_job (a no-op while job_thread is set),
// the overseer's hand-off and cancel.  Checked at thread__job (a run needs
// a pending schedule), at job__destroy and at the end of the execution (no
// schedule left pending).
#include <fmt/format.h>

#include "properties/rules/rules.hpp"

namespace properties {

namespace {

class NoLostJob final : public Property {
public:
    explicit NoLostJob(Tracker& tracker) : Property("no_lost_job", tracker) {}

    void on_annotation(checker::Execution& execution, const checker::Annotation& event) override {
        vtp::probe_id id = probe_of(event);
        const JobRecord* record = tracker_.job(args_of(event).job);
        if (record == nullptr)
            return;
        if (id == vtp::probe_id::thread__job && record->pending <= 0)
            violated(execution,
                     fmt::format("{} runs without a pending schedule (runs {}, schedules "
                                 "consumed already)",
                                 tracker_.job_name(args_of(event).job), record->runs),
                     {event.thread}, event.loc);
        if (id == vtp::probe_id::job__destroy && record->pending != 0)
            violated(execution,
                     fmt::format("{} destroyed with {} schedule(s) neither run nor cancelled",
                                 tracker_.job_name(args_of(event).job), record->pending),
                     {event.thread}, event.loc);
    }

    void on_end(checker::Execution& execution) override {
        for (const auto& [key, record] : tracker_.jobs()) {
            if (record.pending != 0)
                violated(execution,
                         fmt::format("{} ended the execution with {} schedule(s) neither run "
                                     "nor cancelled",
                                     tracker_.job_name(key), record.pending));
        }
    }
};

}  // namespace

std::unique_ptr<Property> make_no_lost_job(Tracker& tracker) {
    return std::make_unique<NoLostJob>(tracker);
}

}  // namespace properties
