// thread_name: a thread's name points into a job's name only while that
// job is assigned to the thread, from the moment the worker takes it up
// until threadpool_job_done restores the saved name.
//
// Formalises the l_name hand-over in threadpool_thread and
// threadpool_job_done, which lets an owner free a job right after job_done
// (the ZFS task-queue pattern).  Checked per step for every thread.
#include <fmt/format.h>

#include "properties/rules/rules.hpp"

namespace properties {

namespace {

class ThreadName final : public Property {
public:
    explicit ThreadName(Tracker& tracker) : Property("thread_name", tracker) {}

    void on_step(checker::Execution& execution, const checker::Step&) override {
        int threads = static_cast<int>(execution.threads().size());
        for (checker::ThreadId thread = 0; thread < threads; ++thread) {
            if (execution.thread_finished(thread))
                continue;
            const checker::ThreadHandle& handle = execution.handle(thread);
            for (const auto& [key, record] : tracker_.jobs()) {
                const job_t& job = *record.job;
                const char* begin = job.job_name;
                if (handle.name < begin || handle.name >= begin + vtp::MAXCOMLEN)
                    continue;
                const auto* assigned = Inspect::job_thread(job);
                bool ok = !record.destroyed && assigned != nullptr &&
                          assigned->tpt_lwp.peek() == &handle;
                if (!ok)
                    violated(execution,
                             fmt::format("{}'s name points into {}'s name, but the job is "
                                         "{}",
                                         execution.describe_thread(thread),
                                         tracker_.job_name(key),
                                         record.destroyed ? "destroyed"
                                                          : "not assigned to that thread"),
                             {thread});
            }
        }
    }
};

}  // namespace

std::unique_ptr<Property> make_thread_name(Tracker& tracker) {
    return std::make_unique<ThreadName>(tracker);
}

}  // namespace properties
