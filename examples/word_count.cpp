// word_count: counts words with the production thread pool.
//
//   vtp_example [FILE...]
//
// Counts the words of the named files, or of a generated text when no file
// is named, and prints the totals and the most frequent words.  Exits 1 if
// the parallel count differs from a plain sequential count, 2 on an error.
//
// The work is split the way kernel code splits it with threadpool(9):
//
//   per-CPU pools    one counter job per CPU, on that CPU's pool.  Each one
//                    takes chunks of the text until none is left and hands
//                    a partial count per chunk to the merger.
//   unbound pool     one merger job, driven like wg(4)'s jobs.  A producer
//                    sets a reason bit and schedules the merger under its
//                    interlock.  The merger loops while bits are set and
//                    works with the interlock dropped.  It calls job_done
//                    with the interlock held, so no reason is ever missed.
//
// Teardown follows the same driver: wait until the producers are done,
// cancel the merger with the waiting cancel, destroy every job, put the
// pools.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/vtp.hpp"

namespace {

using vtp::prod::job;
using vtp::prod::mutex;
using vtp::prod::pool;
using vtp::prod::pool_percpu;
using condvar = vtp::prod::platform::condvar;
using word_counts = std::unordered_map<std::string, long>;

constexpr std::size_t chunk_size = 64 * 1024;

// Splits text into chunks of about chunk_size bytes that end between words.
std::vector<std::string_view> split_into_chunks(std::string_view text) {
    std::vector<std::string_view> chunks;
    while (!text.empty()) {
        std::size_t end = std::min(chunk_size, text.size());
        while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end])))
            ++end;
        chunks.push_back(text.substr(0, end));
        text.remove_prefix(end);
    }
    return chunks;
}

// Adds the words of text, lower-cased, to counts.  A word is a run of
// ASCII letters.
void count_words(std::string_view text, word_counts& counts) {
    std::string word;
    for (const char c : text) {
        if (std::isalpha(static_cast<unsigned char>(c))) {
            word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        } else if (!word.empty()) {
            ++counts[word];
            word.clear();
        }
    }
    if (!word.empty())
        ++counts[word];
}

// A text of word_total words drawn from a fixed vocabulary with a skewed
// distribution, the same on every run.
std::string generate_text(int word_total) {
    static const char* const vocabulary[] = {
        "pool",    "thread", "job",    "worker",  "overseer", "cancel",  "schedule",
        "idle",    "lock",   "queue",  "cpu",     "priority", "destroy", "reference",
        "name",    "done",   "timer",  "wake",    "signal",   "wait",    "interlock",
        "kernel",  "count",  "race",   "model",   "check",    "trace",   "replay",
    };
    std::mt19937 random(12345);
    std::geometric_distribution<int> pick(0.15);
    std::string text;
    for (int i = 0; i < word_total; ++i) {
        const int index = pick(random) % static_cast<int>(std::size(vocabulary));
        text += vocabulary[index];
        text += (i % 12 == 11) ? ".\n" : " ";
    }
    return text;
}

// The merger: collects partial counts from the counter jobs.
struct merger_job : job {
    // Reasons to run, set by producers under the interlock.
    static constexpr unsigned partial_ready = 1u << 0;
    static constexpr unsigned counter_finished = 1u << 1;

    mutex lock{vtp::mutex_kind::spin, "merger"};
    condvar complete_cv{"merger_complete"};

    // Guarded by lock.
    unsigned reasons = 0;
    std::vector<word_counts> inbox;
    int counters_finished = 0;
    int counters_total = 0;
    bool complete = false;
    long schedules = 0;  // schedule calls made by producers
    long runs = 0;       // runs of the merger job

    // Written only by the merger's runs, which never overlap, and read
    // after complete is set.
    word_counts totals;
    long partials_merged = 0;

    merger_job() { threadpool_job_init(this, &merger_job::run, &lock, "wc-merge"); }

    // Hands a partial count to the merger.
    void post_partial(pool* target, word_counts partial) {
        lock.lock();
        inbox.push_back(std::move(partial));
        notify(target, partial_ready);
        lock.unlock();
    }

    // Reports that a counter job has no more chunks to count.  The tally
    // is kept here, not in the reason bit, because the bits of several
    // counters may merge into one.
    void post_counter_finished(pool* target) {
        lock.lock();
        ++counters_finished;
        notify(target, counter_finished);
        lock.unlock();
    }

    void notify(pool* target, unsigned reason) VTP_REQUIRES(lock) {
        reasons |= reason;
        ++schedules;
        threadpool_schedule_job(target, this);
    }

    static void run(vtp::threadpool_job<vtp::prod::platform>* base) {
        auto* self = static_cast<merger_job*>(base);
        self->lock.lock();
        ++self->runs;
        while (self->reasons != 0) {
            self->reasons = 0;
            std::vector<word_counts> batch;
            batch.swap(self->inbox);

            // Merge with the interlock dropped.  Producers may set new
            // reasons meanwhile, and the loop picks them up.
            self->lock.unlock();
            for (const auto& partial : batch) {
                for (const auto& [word, count] : partial)
                    self->totals[word] += count;
                ++self->partials_merged;
            }
            self->lock.lock();
        }
        // No reason is left, so every partial count posted so far has been
        // merged.  Once every counter has finished, none can follow.
        if (!self->complete && self->counters_finished == self->counters_total) {
            self->complete = true;
            self->complete_cv.broadcast();
        }
        threadpool_job_done(base);
        self->lock.unlock();
    }
};

// One counter job per CPU.  Chunks are claimed through a shared index.
struct counter_job : job {
    mutex lock{vtp::mutex_kind::adaptive, "counter"};

    const std::vector<std::string_view>* chunks = nullptr;
    std::atomic<std::size_t>* next_chunk = nullptr;
    merger_job* merger = nullptr;
    pool* merger_pool = nullptr;
    long chunks_counted = 0;  // written by the job's single run

    explicit counter_job(int cpu) {
        threadpool_job_init(this, &counter_job::run, &lock, "wc-count/%d", cpu);
    }

    static void run(vtp::threadpool_job<vtp::prod::platform>* base) {
        auto* self = static_cast<counter_job*>(base);
        for (;;) {
            const std::size_t index = self->next_chunk->fetch_add(1);
            if (index >= self->chunks->size())
                break;
            word_counts partial;
            count_words((*self->chunks)[index], partial);
            ++self->chunks_counted;
            self->merger->post_partial(self->merger_pool, std::move(partial));
        }
        self->merger->post_counter_finished(self->merger_pool);

        self->lock.lock();
        threadpool_job_done(base);
        self->lock.unlock();
    }
};

bool read_file(const char* path, std::string& text) {
    // An ifstream opens a folder without an error on Linux, and reads nothing.
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error))
        return false;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text += buffer.str();
    text += '\n';
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::string text;
    if (argc > 1) {
        for (int i = 1; i < argc; ++i) {
            if (!read_file(argv[i], text)) {
                std::fprintf(stderr, "word_count: cannot read %s: expected a readable file\n",
                             argv[i]);
                return 2;
            }
        }
    } else {
        text = generate_text(400000);
    }
    const std::vector<std::string_view> chunks = split_into_chunks(text);

    pool* unbound = nullptr;
    pool_percpu* per_cpu = nullptr;
    if (const int error = threadpool_get(&unbound, vtp::PRI_NONE); error != 0) {
        std::fprintf(stderr, "word_count: threadpool_get failed: error %d\n", error);
        return 2;
    }
    if (const int error = threadpool_percpu_get(&per_cpu, vtp::PRI_NONE); error != 0) {
        std::fprintf(stderr, "word_count: threadpool_percpu_get failed: error %d\n", error);
        threadpool_put(unbound, vtp::PRI_NONE);
        return 2;
    }

    const int cpus = vtp::prod::platform::cpu_count();
    const auto start = std::chrono::steady_clock::now();

    merger_job merger;
    merger.counters_total = cpus;
    std::atomic<std::size_t> next_chunk{0};
    std::vector<std::unique_ptr<counter_job>> counters;
    for (int cpu = 0; cpu < cpus; ++cpu) {
        auto counter = std::make_unique<counter_job>(cpu);
        counter->chunks = &chunks;
        counter->next_chunk = &next_chunk;
        counter->merger = &merger;
        counter->merger_pool = unbound;
        counters.push_back(std::move(counter));
    }
    for (int cpu = 0; cpu < cpus; ++cpu) {
        counter_job& counter = *counters[static_cast<std::size_t>(cpu)];
        counter.lock.lock();
        threadpool_schedule_job(threadpool_percpu_ref_remote(per_cpu, cpu), &counter);
        counter.lock.unlock();
    }

    // Wait until the merger has seen every counter finish.
    bool complete = false;
    merger.lock.lock();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!merger.complete && std::chrono::steady_clock::now() < deadline)
        merger.complete_cv.timed_wait(merger.lock, std::chrono::milliseconds(100));
    complete = merger.complete;
    merger.lock.unlock();
    const auto elapsed = std::chrono::steady_clock::now() - start;

    // Teardown: the producers are done (or timed out, in which case the
    // waiting cancels below wait for them), so cancel and destroy.
    for (int cpu = 0; cpu < cpus; ++cpu) {
        counter_job& counter = *counters[static_cast<std::size_t>(cpu)];
        counter.lock.lock();
        threadpool_cancel_job(threadpool_percpu_ref_remote(per_cpu, cpu), &counter);
        counter.lock.unlock();
        threadpool_job_destroy(&counter);
    }
    merger.lock.lock();
    threadpool_cancel_job(unbound, &merger);
    const long schedules = merger.schedules;
    const long runs = merger.runs;
    merger.lock.unlock();
    threadpool_job_destroy(&merger);
    threadpool_percpu_put(per_cpu, vtp::PRI_NONE);
    threadpool_put(unbound, vtp::PRI_NONE);

    if (!complete) {
        std::fprintf(stderr, "word_count: the count did not complete within 60 s\n");
        return 2;
    }

    word_counts expected;
    count_words(text, expected);
    long words = 0;
    for (const auto& [word, count] : merger.totals)
        words += count;

    std::vector<std::pair<std::string, long>> ranked(merger.totals.begin(), merger.totals.end());
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });

    std::printf("word_count: %ld words, %zu distinct, in %zu chunks on %d CPUs, %.1f ms\n", words,
                merger.totals.size(), chunks.size(), cpus,
                std::chrono::duration<double, std::milli>(elapsed).count());
    std::printf("merger: %ld runs for %ld schedules (%ld partial counts merged)\n", runs,
                schedules, merger.partials_merged);
    std::printf("chunks per CPU:");
    for (const auto& counter : counters)
        std::printf(" %ld", counter->chunks_counted);
    std::printf("\n");
    std::printf("most frequent:");
    for (std::size_t i = 0; i < std::min<std::size_t>(5, ranked.size()); ++i)
        std::printf(" %s %ld", ranked[i].first.c_str(), ranked[i].second);
    std::printf("\n");

    if (merger.totals != expected) {
        std::printf("mismatch: the parallel count differs from the sequential count\n");
        return 1;
    }
    std::printf("matches the sequential count\n");
    return 0;
}
