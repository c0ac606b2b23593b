// The reference program of bench_engines: lock_rounds_threads threads, each
// entering one mutex-protected critical section lock_rounds_sections
// times.  Inside it a thread appends its number (1 to 3) to a shared<int>
// as a base-4 digit, so the final value names the order of the sections:
// 6! / (2! 2! 2!) = 90 distinct orders for 3 threads and 2 sections.
//
// Each execution takes 3 spawns, 12 lock and unlock operations and 3 joins
// (18 sync operations) and 12 cell accesses (a read and a write per
// section) in both versions, so steps per second compare like for like.
#pragma once

namespace bench {

inline constexpr int lock_rounds_threads = 3;
inline constexpr int lock_rounds_sections = 2;

// The final values seen, over all executions.  A plain array: inside a
// Relacy execution a std::set would allocate from Relacy's memory manager,
// which reports memory not freed by the end of the execution as a leak.
struct OrderSet {
    bool seen[1 << (2 * lock_rounds_threads * lock_rounds_sections)] = {};

    void insert(int order) { seen[order] = true; }
    int size() const {
        int count = 0;
        for (bool value : seen)
            count += value;
        return count;
    }
};

// Relacy's version (relacy_lock_rounds.cpp): a RunSpec body whose argument
// is the OrderSet that collects the final values.  Needs
// lock_rounds_threads dynamic threads.
void relacy_lock_rounds(const void* orders_seen);

// A full search of the same program written as a plain Relacy test, with
// lock_rounds_threads static threads and no spawn or join: 12 mutex
// operations and 12 variable accesses per execution.
struct StaticRun {
    bool passed = false;
    unsigned long long executions = 0;
    double seconds = 0;
};
StaticRun relacy_static_lock_rounds(OrderSet& orders);

}  // namespace bench
