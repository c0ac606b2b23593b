// The out-of-line parts of relacy::platform: the run state, thread records
// and thread creation, the check hook, memory from make, and the coverage
// that probes give.
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/platform.hpp"
#include "model/probes.hpp"

#include "checker/relacy/allocation.hpp"
#include "checker/relacy/relacy_include.hpp"

#include "checker/relacy/platform.hpp"

namespace checker::relacy {

namespace {

RunState state;

// What the derived goals need to know about jobs and pools within one
// execution, kept the way properties/tracker.cpp keeps it.
struct JobAccount {
    const void* job = nullptr;
    int pending = 0;  // schedules not yet consumed by a run or a cancel
    bool running = false;
};

struct PoolAccount {
    const void* pool = nullptr;
    int spawning = 0;  // workers spawned that have not started yet
    bool spawn_failed = false;
};

struct GoalAccount {
    static constexpr int capacity = 32;
    JobAccount jobs[capacity];
    int job_count = 0;
    PoolAccount pools[capacity];
    int pool_count = 0;
    // Stands in for entries beyond the capacity, which no catalogue
    // scenario reaches; goals derived from them may then be missed.
    JobAccount spare_job;
    PoolAccount spare_pool;

    JobAccount& job(const void* job) {
        for (int i = 0; i < job_count; ++i) {
            if (jobs[i].job == job)
                return jobs[i];
        }
        if (job_count == capacity)
            return spare_job = JobAccount{job};
        return jobs[job_count++] = JobAccount{job};
    }
    PoolAccount& pool(const void* pool) {
        for (int i = 0; i < pool_count; ++i) {
            if (pools[i].pool == pool)
                return pools[i];
        }
        if (pool_count == capacity)
            return spare_pool = PoolAccount{pool};
        return pools[pool_count++] = PoolAccount{pool};
    }
};

GoalAccount account;

void reach(const char* goal) {
    for (int i = 0; i < goal_count; ++i) {
        if (std::strcmp(goal_names[i], goal) == 0)
            state.goals_reached |= 1u << i;
    }
}

void reset_record(ThreadRecord& record) {
    record = ThreadRecord{};
    record.name = record.own_name;
}

void* thread_trampoline(void* argument) {
    ThreadRecord* record = static_cast<ThreadRecord*>(argument);
    state.by_index[rl::thread_index()] = record;
    record->body(record->arg);
    return nullptr;
}

void do_nothing_thread(void*) {}

void free_blocks(rl::vector<void*>::type& blocks) {
    for (void* block : blocks)
        std::free(block);
    blocks.clear();
}

}  // namespace

void* allocate(std::size_t size) {
    // Relacy's context returns malloc'd memory itself while it is not
    // simulating (between executions, or while it prints).
    if (rl::is_ctx())
        return rl::ctx().alloc(size);
    return std::malloc(size);
}

void deallocate(void* memory) {
    if (rl::is_ctx())
        rl::ctx().free(memory);
    else
        std::free(memory);
}

const char* history_function_name(const char* pretty) {
    // Interned per pretty name; the table outlives every run, and its
    // allocator bypasses Relacy's memory manager.
    static rl::map<const char*, rl::string>::type names;
    auto found = names.find(pretty);
    if (found != names.end())
        return found->second.c_str();
    // "R ns::f(args) [with ...]": keep "ns::f", the word before the first
    // parenthesis.
    const char* open = std::strchr(pretty, '(');
    const char* end = open != nullptr ? open : pretty + std::strlen(pretty);
    const char* begin = end;
    while (begin > pretty && begin[-1] != ' ')
        --begin;
    return names.emplace(pretty, rl::string(begin, end)).first->second.c_str();
}

RunState& run_state() {
    return state;
}

void begin_execution() {
    release_execution_memory();
    state.cpus = 1;
    state.timeouts = false;
    state.slots_left = state.thread_slots;
    state.timeouts_left = state.max_timeouts;
    state.failures_left = state.max_creation_failures;
    for (ThreadRecord*& slot : state.by_index)
        slot = nullptr;
    state.record_count = 1;
    ThreadRecord& main = state.records[0];
    reset_record(main);
    std::snprintf(main.own_name, sizeof main.own_name, "%s", "main");
    state.by_index[0] = &main;  // Relacy's static thread 0
    account = GoalAccount{};
}

void sync_object_created(const void* object, const char* kind, const char* name) {
    SyncObject record{object, kind, name, {}};
    ThreadRecord* creator = state.by_index[rl::thread_index()];
    std::snprintf(record.creator, sizeof record.creator, "%s",
                  creator != nullptr ? creator->own_name : "?");
    state.sync_objects.push_back(record);
}

void sync_object_destroyed(const void* object) {
    rl::vector<SyncObject>::type& objects = state.sync_objects;
    for (std::size_t i = objects.size(); i-- > 0;) {
        if (objects[i].object == object) {
            objects.erase(objects.begin() + static_cast<std::ptrdiff_t>(i));
            return;
        }
    }
}

void end_execution() {
    if (!state.sync_objects.empty()) {
        const SyncObject& first = state.sync_objects.front();
        char message[256];
        std::snprintf(message, sizeof message,
                      "%s \"%s\" created by thread \"%s\" was never destroyed (%zu sync "
                      "object(s) in all)",
                      first.kind, first.name, first.creator, state.sync_objects.size());
        fail("leak", "leak", message, location{}, rl::test_result_resource_leak);
    }
    if (!state.live_blocks.empty()) {
        char message[160];
        std::snprintf(message, sizeof message,
                      "%zu object(s) allocated with P::make were never disposed, the first at %p",
                      state.live_blocks.size(), state.live_blocks.front());
        fail("leak", "leak", message, location{}, rl::test_result_memory_leak);
    }
    free_blocks(state.disposed_blocks);
}

void release_execution_memory() {
    // After a failure the execution's objects are abandoned, not destroyed:
    // their memory is freed here without running destructors.
    free_blocks(state.live_blocks);
    free_blocks(state.disposed_blocks);
    state.sync_objects.clear();
}

void record_probe(vtp::probe_id id, const vtp::probe_args& args) {
    state.probes_fired |= std::uint64_t{1} << static_cast<int>(id);
    switch (id) {
    case vtp::probe_id::thread__timeout: reach("worker_exit_by_timeout"); break;
    case vtp::probe_id::schedule__job__running: reach("schedule_of_running_job"); break;
    case vtp::probe_id::overseer__race: reach("overseer_race"); break;
    case vtp::probe_id::get__race:
    case vtp::probe_id::percpu__get__race: reach("get_race"); break;
    case vtp::probe_id::create__failure: reach("overseer_creation_failure"); break;
    case vtp::probe_id::overseer__spawn__failure: account.pool(args.pool).spawn_failed = true; break;
    case vtp::probe_id::overseer__spawn: {
        PoolAccount& pool = account.pool(args.pool);
        if (pool.spawn_failed)
            reach("creation_failure_and_retry");
        ++pool.spawning;
        break;
    }
    case vtp::probe_id::thread__start: --account.pool(args.pool).spawning; break;
    case vtp::probe_id::destroy:
        if (account.pool(args.pool).spawning > 0)
            reach("destroy_while_creating");
        break;
    case vtp::probe_id::job__init: account.job(args.job) = JobAccount{args.job}; break;
    case vtp::probe_id::schedule__job__overseer:
    case vtp::probe_id::schedule__job__thread: ++account.job(args.job).pending; break;
    case vtp::probe_id::thread__job: {
        JobAccount& job = account.job(args.job);
        --job.pending;
        job.running = true;
        break;
    }
    case vtp::probe_id::job__done: account.job(args.job).running = false; break;
    case vtp::probe_id::cancel__async: {
        JobAccount& job = account.job(args.job);
        if (args.value != 0 && job.pending > 0 && !job.running) {
            reach("cancel_of_queued_job");
            --job.pending;
        }
        if (args.value == 0)
            reach("async_cancel_of_assigned_job");
        break;
    }
    default:
        break;
    }
}

void fail(const char* kind, const char* property, const char* message, const location& loc,
          rl::test_result_e result) {
    std::snprintf(state.violation_kind, sizeof state.violation_kind, "%s", kind);
    std::snprintf(state.property, sizeof state.property, "%s", property);
    std::snprintf(state.message, sizeof state.message, "%s", message);
    state.file = loc.file_name();
    state.line = loc.line();
    // Relacy keeps a copy of the description; the buffer may be reused.
    static char description[700];
    std::snprintf(description, sizeof description, "%s: %s", property, message);
    rl::ctx().fail_test(description, result, debug_info_of(loc));
    // fail_test switches to Relacy's main fiber and never comes back.
    std::abort();
}

ThreadRecord* start_thread(void (*body)(void*), void* arg, const char* name, int cpu, bool bound,
                           bool pool_thread) {
    if (state.slots_left <= 0)
        return nullptr;
    --state.slots_left;
    ThreadRecord& record = state.records[state.record_count++];
    reset_record(record);
    std::snprintf(record.own_name, sizeof record.own_name, "%s", name);
    record.cpu = cpu;
    record.bound = bound;
    record.pool_thread = pool_thread;
    record.body = body;
    record.arg = arg;
    record.handle = rl::ctx().create_thread(&thread_trampoline, &record);
    return &record;
}

ThreadRecord* spawn(void (*body)(void*), void* arg, const char* name, location loc) {
    count_operation();
    ThreadRecord* record =
        start_thread(body, arg, name, platform::current_thread()->cpu, false, false);
    if (record == nullptr)
        fail("check_failed", "platform",
             "no Relacy thread slot is left for a client thread: the program's thread count "
             "is too small",
             loc, rl::test_result_user_assert_failed);
    return record;
}

void join(ThreadRecord* thread, location loc) {
    count_operation();
    thread->handle->wait(false, false, debug_info_of(loc));
    thread->joined = true;
}

void finish_main_thread() {
    const location here = location::current();
    for (int i = 1; i < state.record_count; ++i) {
        ThreadRecord& record = state.records[i];
        if (!record.joined) {
            record.handle->wait(false, false, debug_info_of(here));
            record.joined = true;
        }
    }
    while (state.slots_left > 0) {
        ThreadRecord* record = start_thread(&do_nothing_thread, nullptr, "unused", 0, false, false);
        record->handle->wait(false, false, debug_info_of(here));
        record->joined = true;
    }
}

int platform::thread_create(const vtp::thread_params& params, void (*fn)(void*), void* arg,
                            thread** out, location) {
    count_operation();
    // An injected failure is one of Relacy's choices, so its full search
    // tries both outcomes of every creation while the budget lasts (the
    // failure first, being the rarer path).
    if (state.failures_left > 0 && rl::rand(2) == 0) {
        --state.failures_left;
        if (state.counting)
            ++state.injected_failures;
        return EAGAIN;
    }
    const bool bound = params.cpu >= 0;
    const int cpu = bound ? params.cpu : current_thread()->cpu;
    ThreadRecord* record = start_thread(fn, arg, params.name, cpu, bound, true);
    if (record == nullptr) {
        if (state.counting)
            ++state.cap_refusals;
        return EAGAIN;
    }
    *out = record;
    return 0;
}

platform::thread* platform::current_thread() {
    ThreadRecord* record = state.by_index[rl::thread_index()];
    if (record == nullptr)
        fail("check_failed", "platform", "current_thread: a Relacy thread without a record",
             location::current(), rl::test_result_user_assert_failed);
    return record;
}

void platform::check_failed(vtp::check_kind kind, const char* expression, const char* message,
                            location loc) {
    const char* name = kind == vtp::check_kind::invariant ? "check_failed"
                       : kind == vtp::check_kind::misuse  ? "misuse"
                                                          : "panic";
    char text[512];
    if (message != nullptr && *message != '\0')
        std::snprintf(text, sizeof text, "%s (%s)", message, expression);
    else
        std::snprintf(text, sizeof text, "check failed: %s", expression);
    fail(name, name, text, loc, rl::test_result_user_assert_failed);
}

void platform::job_exception(const char* job_name, location loc) {
    char text[160];
    std::snprintf(text, sizeof text, "job '%s' threw an exception", job_name);
    fail("uncaught_exception", "uncaught_exception", text, loc, rl::test_result_user_assert_failed);
}

void platform::forget_block(void* memory) {
    rl::vector<void*>::type& live = state.live_blocks;
    for (std::size_t i = 0; i < live.size(); ++i) {
        if (live[i] == memory) {
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
            state.disposed_blocks.push_back(memory);
            return;
        }
    }
    fail("use_after_destroy", "use_after_destroy",
         "P::dispose of memory that P::make did not allocate or that was disposed already",
         location{}, rl::test_result_double_free);
}

}  // namespace checker::relacy
