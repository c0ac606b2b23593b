// run_after_destroy: a job never runs after threadpool_job_destroy, and
// the pool reports no event on a destroyed job (until it is initialised
// again).
//
// Formalises the dead-job poisoning of threadpool_job_destroy (a destroyed
// job's function panics) and the contract that the pool never touches a job
// after job_done or destroy.  Checked at every probe that names a job.
// Accesses to a job's fields after it was destroyed and freed are reported
// by the engine as use of a destroyed object: scenarios free their jobs
// right after destroy so that such an access cannot go unnoticed.
#include <fmt/format.h>

#include "properties/rules/rules.hpp"

namespace properties {

namespace {

class RunAfterDestroy final : public Property {
public:
    explicit RunAfterDestroy(Tracker& tracker) : Property("run_after_destroy", tracker) {}

    void on_annotation(checker::Execution& execution, const checker::Annotation& event) override {
        vtp::probe_id id = probe_of(event);
        if (id == vtp::probe_id::job__init)
            return;
        const JobRecord* record = tracker_.job(args_of(event).job);
        if (record == nullptr || !record->destroyed)
            return;
        violated(execution,
                 fmt::format("{} on {}, which threadpool_job_destroy destroyed at step {}",
                             id == vtp::probe_id::thread__job ? "a run" : event.name,
                             tracker_.job_name(args_of(event).job), record->destroy_step),
                 {event.thread}, event.loc);
    }
};

}  // namespace

std::unique_ptr<Property> make_run_after_destroy(Tracker& tracker) {
    return std::make_unique<RunAfterDestroy>(tracker);
}

}  // namespace properties
