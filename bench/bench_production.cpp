// Benchmarks of the production pool against a condition-variable floor.
//
//   schedule_latency      time from threadpool_schedule_job to the first
//                         instruction of the job, taken inside the job
//   percpu_latency        the same on a per-CPU pool, with the scheduling
//                         thread bound to CPU 0: on CPU 0's pool (local) and
//                         on CPU 1's pool (remote)
//   throughput            batches of N jobs scheduled together, sharing one
//                         interlock, each batch awaited before the next
//   condvar_pingpong      the floor: one thread wakes another through a
//                         std::mutex and std::condition_variable, timed the
//                         same way (notify to the partner's first
//                         instruction after its wait), then waits for the
//                         partner's reply
//
// Latency benchmarks report the median and 99th percentile of the samples
// of the final run as the counters median_us and p99_us.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sched.h>

#include "model/vtp.hpp"

namespace {

using clock_type = std::chrono::steady_clock;
using vtp::prod::job;
using vtp::prod::mutex;
using vtp::prod::pool;
using vtp::prod::pool_percpu;
using condvar = vtp::prod::platform::condvar;

// Stores the median and 99th percentile of samples, in microseconds, as
// the benchmark's counters.
void report_percentiles(benchmark::State& state, std::vector<double>& samples) {
    if (samples.empty())
        return;
    std::sort(samples.begin(), samples.end());
    const auto at = [&](double fraction) {
        const auto index = static_cast<std::size_t>(fraction * static_cast<double>(samples.size() - 1));
        return samples[index];
    };
    state.counters["median_us"] = at(0.50);
    state.counters["p99_us"] = at(0.99);
}

double microseconds(clock_type::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
}

// A job that stamps the time it starts.  Fields are guarded by lock.
struct stamping_job : job {
    mutex lock{vtp::mutex_kind::adaptive, "bench"};
    condvar cv{"bench"};
    long runs = 0;
    clock_type::time_point started_at;

    stamping_job() { threadpool_job_init(this, &stamping_job::run, &lock, "bench-stamp"); }

    static void run(vtp::threadpool_job<vtp::prod::platform>* base) {
        const auto now = clock_type::now();
        auto* self = static_cast<stamping_job*>(base);
        self->lock.lock();
        self->started_at = now;
        ++self->runs;
        self->cv.broadcast();
        threadpool_job_done(base);
        self->lock.unlock();
    }
};

// Schedules job on target once per iteration and records the latency.
void measure_latency(benchmark::State& state, pool* target, stamping_job& job) {
    std::vector<double> samples;
    samples.reserve(1 << 16);
    job.lock.lock();
    for (auto _ : state) {
        const long before = job.runs;
        const auto scheduled_at = clock_type::now();
        threadpool_schedule_job(target, &job);
        while (job.runs == before)
            job.cv.wait(job.lock);
        samples.push_back(microseconds(job.started_at - scheduled_at));
    }
    job.lock.unlock();
    report_percentiles(state, samples);
}

void schedule_latency(benchmark::State& state) {
    pool* unbound = nullptr;
    if (threadpool_get(&unbound, vtp::PRI_NONE) != 0) {
        state.SkipWithError("threadpool_get failed");
        return;
    }
    stamping_job job;
    measure_latency(state, unbound, job);
    threadpool_job_destroy(&job);
    threadpool_put(unbound, vtp::PRI_NONE);
}
BENCHMARK(schedule_latency)->UseRealTime();

void percpu_latency(benchmark::State& state) {
    const int target_cpu = static_cast<int>(state.range(0));
    if (target_cpu >= vtp::prod::platform::cpu_count()) {
        state.SkipWithError("this machine has no such CPU");
        return;
    }
    cpu_set_t only_cpu0;
    CPU_ZERO(&only_cpu0);
    CPU_SET(0, &only_cpu0);
    cpu_set_t saved;
    pthread_getaffinity_np(pthread_self(), sizeof saved, &saved);
    pthread_setaffinity_np(pthread_self(), sizeof only_cpu0, &only_cpu0);

    pool_percpu* collection = nullptr;
    if (threadpool_percpu_get(&collection, vtp::PRI_NONE) != 0) {
        state.SkipWithError("threadpool_percpu_get failed");
    } else {
        stamping_job job;
        measure_latency(state, threadpool_percpu_ref_remote(collection, target_cpu), job);
        threadpool_job_destroy(&job);
        threadpool_percpu_put(collection, vtp::PRI_NONE);
    }
    pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
}
BENCHMARK(percpu_latency)->ArgName("cpu")->Arg(0)->Arg(1)->UseRealTime();

// The jobs of one batch share one interlock, as a work queue's executor
// jobs do.
struct batch {
    mutex lock{vtp::mutex_kind::adaptive, "batch"};
    condvar cv{"batch"};
    long finished = 0;  // guarded by lock
    long target = 0;    // guarded by lock: finished count that ends the batch
};

struct batch_job : job {
    batch* owner = nullptr;

    static void run(vtp::threadpool_job<vtp::prod::platform>* base) {
        auto* self = static_cast<batch_job*>(base);
        batch& owner = *self->owner;
        owner.lock.lock();
        if (++owner.finished == owner.target)
            owner.cv.broadcast();
        threadpool_job_done(base);
        owner.lock.unlock();
    }
};

void throughput(benchmark::State& state) {
    const auto size = static_cast<long>(state.range(0));
    pool* unbound = nullptr;
    if (threadpool_get(&unbound, vtp::PRI_NONE) != 0) {
        state.SkipWithError("threadpool_get failed");
        return;
    }
    batch shared;
    std::vector<batch_job> jobs(static_cast<std::size_t>(size));
    for (auto& job : jobs) {
        job.owner = &shared;
        threadpool_job_init(&job, &batch_job::run, &shared.lock, "bench-batch");
    }

    shared.lock.lock();
    for (auto _ : state) {
        shared.target = shared.finished + size;
        for (auto& job : jobs)
            threadpool_schedule_job(unbound, &job);
        while (shared.finished < shared.target)
            shared.cv.wait(shared.lock);
    }
    shared.lock.unlock();
    state.SetItemsProcessed(state.iterations() * size);

    for (auto& job : jobs)
        threadpool_job_destroy(&job);
    threadpool_put(unbound, vtp::PRI_NONE);
}
BENCHMARK(throughput)->ArgName("jobs")->Arg(1)->Arg(16)->Arg(256)->UseRealTime();

void condvar_pingpong(benchmark::State& state) {
    std::mutex lock;
    std::condition_variable cv;
    long requests = 0;  // guarded by lock
    long replies = 0;   // guarded by lock
    bool stop = false;  // guarded by lock
    clock_type::time_point woke_at;

    std::thread partner([&] {
        std::unique_lock guard(lock);
        long seen = 0;
        for (;;) {
            cv.wait(guard, [&] { return requests != seen || stop; });
            const auto now = clock_type::now();
            if (stop)
                return;
            seen = requests;
            woke_at = now;
            ++replies;
            cv.notify_all();
        }
    });

    std::vector<double> samples;
    samples.reserve(1 << 16);
    {
        std::unique_lock guard(lock);
        for (auto _ : state) {
            const long before = replies;
            const auto notified_at = clock_type::now();
            ++requests;
            cv.notify_all();
            cv.wait(guard, [&] { return replies != before; });
            samples.push_back(microseconds(woke_at - notified_at));
        }
        stop = true;
        cv.notify_all();
    }
    partner.join();
    state.SetItemsProcessed(state.iterations());
    report_percentiles(state, samples);
}
BENCHMARK(condvar_pingpong)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
