// The property catalogue, the goal recorder and program construction.
#include <fmt/format.h>

#include "properties/rules/rules.hpp"
#include "properties/scenario.hpp"
#include "properties/tracker.hpp"

namespace properties {

const std::vector<PropertyInfo>& property_catalogue() {
    static const std::vector<PropertyInfo> catalogue = {
        {"pool_refcount",
         "tp_refcnt = overseer + live workers + workers being created; never underflows; "
         "reaches 0 only in destroy; no pool thread reports on the pool after destroy returns",
         "threadpool_hold/rele, the overseer's spawn path, threadpool_destroy", "per step"},
        {"job_refcount",
         "job_refcnt = 1 while scheduled or assigned, plus at most one overseer hold; never "
         "underflows; job destroy returns only at 0",
         "threadpool_job_hold/rele, schedule, job_done, cancel", "per step, at job__destroy"},
        {"run_after_destroy", "no run of, and no pool event on, a destroyed job",
         "threadpool_job_destroy's dead-job poisoning", "at every job probe"},
        {"single_run", "a job runs at most once at a time", "job_thread assignment", "at thread__job"},
        {"no_lost_job",
         "every schedule leads to exactly one run or one successful cancel; rescheduling a "
         "scheduled or running job is coalesced",
         "threadpool_schedule_job, the overseer, cancel", "at thread__job, job__destroy, end"},
        {"cancel_result",
         "after the waiting cancel the job is not running or queued; async cancel true means it "
         "will not run, false means it runs to job_done",
         "threadpool_cancel_job, threadpool_cancel_job_async", "at cancel probes, end"},
        {"queue_consistency",
         "a job is on the queue exactly when assigned to the overseer, idle threads have no job, "
         "when neither lock is held; the lists stay well formed at every step",
         "TAILQ operations under tp_lock and the interlock", "per step"},
        {"job_done_discipline",
         "job_done exactly once per run, by the running thread, with the interlock held",
         "threadpool_job_done", "at job__done, thread__job, thread__exit"},
        {"thread_name", "a thread's name points at a job's name only while the job is assigned to it",
         "threadpool_thread and threadpool_job_done (l_name)", "per step"},
        {"registry_refcount",
         "one pool per priority in the registry; its reference count = gets - puts",
         "threadpool_get/put, threadpool_percpu_get/put", "per step, end"},
        {"interlock_order", "a job's interlock is never taken while a pool's tp_lock is held",
         "the lock order interlock before tp_lock", "per step"},
        {"progress_without_idle_timeout",
         "a scheduled job starts, and destroy and cancel complete, with idle timers that never "
         "fire (only the pause after a failed creation may be waited for)",
         "the overseer's and workers' wake-ups", "deadlock check with idle timeouts off"},
        {"deadlock", "some thread can always run, or a timer is pending", "engine detector", "end"},
        {"data_race", "accesses to a lock-guarded field are ordered by happens-before",
         "every 'protected by' comment of the reference", "every access"},
        {"use_after_destroy", "no operation on a destroyed object (job, pool, thread record, lock)",
         "cv_destroy, mutex_destroy, kmem_free", "every operation"},
        {"leak", "memory the pool allocates is freed by the end", "kmem_free, pool_cache_put", "end"},
        {"lock_order", "the acquired-while-holding graph has no cycle", "engine detector",
         "every acquisition"},
        {"livelock", "an execution ends within the step bound", "engine detector", "per step"},
        {"check_failed", "no KASSERT of the pool fires", "the reference's KASSERTs", "as they run"},
        {"misuse", "no KASSERTMSG of the pool fires", "the reference's KASSERTMSGs", "as they run"},
    };
    return catalogue;
}

namespace {

// Records the reference probes that fire and the derived goals a scenario
// may require, into the run's coverage.
class GoalRecorder final : public checker::Observer {
public:
    GoalRecorder(Tracker& tracker, std::shared_ptr<Coverage> coverage)
        : tracker_(tracker), coverage_(std::move(coverage)) {}

    void on_annotation(checker::Execution&, const checker::Annotation& event) override {
        if (!coverage_)
            return;
        vtp::probe_id id = probe_of(event);
        const vtp::probe_args& args = args_of(event);
        record_probe(event);
        switch (id) {
        case vtp::probe_id::thread__timeout: reach("worker_exit_by_timeout"); break;
        case vtp::probe_id::schedule__job__running: reach("schedule_of_running_job"); break;
        case vtp::probe_id::overseer__race: reach("overseer_race"); break;
        case vtp::probe_id::get__race:
        case vtp::probe_id::percpu__get__race: reach("get_race"); break;
        case vtp::probe_id::create__failure: reach("overseer_creation_failure"); break;
        case vtp::probe_id::overseer__spawn__failure: failed_.insert(args.pool); break;
        case vtp::probe_id::overseer__spawn:
            if (failed_.count(args.pool) != 0)
                reach("creation_failure_and_retry");
            ++spawning_[args.pool];
            break;
        case vtp::probe_id::thread__start: --spawning_[args.pool]; break;
        case vtp::probe_id::destroy:
            if (spawning_[args.pool] > 0)
                reach("destroy_while_creating");
            break;
        case vtp::probe_id::cancel__async:
            if (const JobRecord* record = tracker_.job(args.job)) {
                if (args.value != 0 && record->pending > 0 && record->running < 0)
                    reach("cancel_of_queued_job");
                if (args.value == 0)
                    reach("async_cancel_of_assigned_job");
            }
            break;
        default:
            break;
        }
    }

private:
    void reach(const std::string& goal) { coverage_->goals_reached.insert(goal); }

    // Adds the probe's name to the fired probes and the reached goals, once
    // per code over the whole run.
    void record_probe(const checker::Annotation& event) {
        std::vector<bool>& recorded = coverage_->codes_recorded;
        if (event.code < 0) {
            coverage_->probes_fired.insert(event.name);
            reach(event.name);
            return;
        }
        auto code = static_cast<std::size_t>(event.code);
        if (code >= recorded.size())
            recorded.resize(code + 1, false);
        if (recorded[code])
            return;
        coverage_->probes_fired.insert(event.name);
        reach(event.name);
        recorded[code] = true;
    }

    Tracker& tracker_;
    std::shared_ptr<Coverage> coverage_;
    std::set<const void*> failed_;
    std::map<const void*, int> spawning_;
};

// Owns the tracker and forwards to it last, so that properties see the
// account from before each event.
class TrackerHost final : public checker::Observer {
public:
    explicit TrackerHost(std::unique_ptr<Tracker> tracker) : tracker_(std::move(tracker)) {}
    void on_annotation(checker::Execution& execution, const checker::Annotation& event) override {
        tracker_->on_annotation(execution, event);
    }

private:
    std::unique_ptr<Tracker> tracker_;
};

}  // namespace

std::vector<std::unique_ptr<checker::Observer>> make_observers(std::shared_ptr<RunContext> run,
                                                               std::shared_ptr<Coverage> coverage) {
    auto tracker = std::make_unique<Tracker>(std::move(run));
    Tracker& account = *tracker;
    std::vector<std::unique_ptr<checker::Observer>> observers;
    observers.push_back(make_pool_refcount(account));
    observers.push_back(make_job_refcount(account));
    observers.push_back(make_run_after_destroy(account));
    observers.push_back(make_single_run(account));
    observers.push_back(make_no_lost_job(account));
    observers.push_back(make_cancel_result(account));
    observers.push_back(make_queue_consistency(account));
    observers.push_back(make_job_done_discipline(account));
    observers.push_back(make_thread_name(account));
    observers.push_back(make_registry_refcount(account));
    observers.push_back(make_interlock_order(account));
    observers.push_back(std::make_unique<GoalRecorder>(account, std::move(coverage)));
    observers.push_back(std::make_unique<TrackerHost>(std::move(tracker)));
    return observers;
}

checker::Program make_program(const Scenario& scenario, const Parameters& parameters,
                              std::shared_ptr<Coverage> coverage) {
    // The observers of an execution are made before its main body starts;
    // the slot hands the main body the context those observers share.
    auto slot = std::make_shared<std::shared_ptr<RunContext>>();
    auto body = scenario.body;
    checker::Program program;
    program.name = scenario.name;
    program.observers = [slot, coverage] {
        *slot = std::make_shared<RunContext>();
        return make_observers(*slot, coverage);
    };
    program.main = [slot, body, parameters] { body(**slot, parameters); };
    return program;
}

}  // namespace properties
