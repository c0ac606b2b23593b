// What the production build pays for sharing its source with the checker:
// no extra bytes in a job and no heap allocation in threadpool_schedule_job.
//
// This file replaces the global operator new and delete of the test program
// with versions that count the allocations of one thread while a test
// sets its counting flag.
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#include "tests/production/support.hpp"

using namespace vtp;
using namespace vtp::test;

namespace {

// Set by a test on the thread whose allocations it counts.
thread_local bool counting = false;
thread_local long allocations = 0;

void* counted_allocation(std::size_t size, std::size_t alignment) {
    if (counting)
        ++allocations;
    if (size == 0)
        size = 1;
    void* memory = nullptr;
    if (alignment <= alignof(std::max_align_t)) {
        memory = std::malloc(size);
    } else {
        // aligned_alloc wants a size that is a multiple of the alignment.
        const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
        memory = std::aligned_alloc(alignment, rounded);
    }
    if (memory == nullptr)
        throw std::bad_alloc();
    return memory;
}

}  // namespace

void* operator new(std::size_t size) { return counted_allocation(size, 0); }
void* operator new[](std::size_t size) { return counted_allocation(size, 0); }
void* operator new(std::size_t size, std::align_val_t alignment) {
    return counted_allocation(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
    return counted_allocation(size, static_cast<std::size_t>(alignment));
}
void operator delete(void* memory) noexcept { std::free(memory); }
void operator delete[](void* memory) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete[](void* memory, std::size_t) noexcept { std::free(memory); }
void operator delete(void* memory, std::align_val_t) noexcept { std::free(memory); }
void operator delete[](void* memory, std::align_val_t) noexcept { std::free(memory); }
void operator delete(void* memory, std::size_t, std::align_val_t) noexcept { std::free(memory); }
void operator delete[](void* memory, std::size_t, std::align_val_t) noexcept {
    std::free(memory);
}

namespace {

// The checker's wrappers are the plain types in production.
static_assert(sizeof(P::shared<void*>) == sizeof(void*));
static_assert(sizeof(P::shared<tailq_link<job>>) == sizeof(tailq_link<job>));
static_assert(sizeof(P::atomic<unsigned>) == sizeof(std::atomic<unsigned>));

// The fields of the reference's struct threadpool_job, in its order, with
// the production platform's lock and condition variable.
struct reference_job_layout {
    mutex* job_lock;
    threadpool_thread<P>* job_thread;
    tailq_link<job> job_entry;
    std::atomic<unsigned> job_refcnt;
    P::condvar job_cv;
    threadpool_job_fn_t<P> job_fn;
    char job_name[MAXCOMLEN];
};
static_assert(sizeof(job) == sizeof(reference_job_layout),
              "a job must hold nothing beyond the reference's fields");

// A job that counts its runs and wakes the test on each.
struct counting_job : job {
    mutex lock{mutex_kind::adaptive, "counting_job"};
    condvar cv{"counting_job"};
    int runs = 0;

    counting_job() { threadpool_job_init(this, &counting_job::run, &lock, "counting"); }

    static void run(threadpool_job<P>* base) {
        auto* self = static_cast<counting_job*>(base);
        interlock_guard guard(self->lock);
        ++self->runs;
        self->cv.broadcast();
        threadpool_job_done(self);
    }
};

}  // namespace

TEST_CASE("schedule allocates nothing") {
    registry reg;
    pool* unbound = nullptr;
    REQUIRE(threadpool_get(&unbound, PRI_NONE, reg) == 0);
    counting_job job;

    // The first runs create a worker.  Later a schedule may still find no
    // idle worker and leave the job to the overseer, which then creates one:
    // that allocation happens on the overseer's thread, not in the schedule.
    constexpr int warm_up = 10;
    constexpr int measured = 1000;
    {
        interlock_guard guard(job.lock);
        for (int run = 1; run <= warm_up; ++run) {
            threadpool_schedule_job(unbound, &job);
            REQUIRE(wait_on(job.cv, job.lock, [&] { return job.runs == run; }));
        }

        allocations = 0;
        for (int run = warm_up + 1; run <= warm_up + measured; ++run) {
            counting = true;
            threadpool_schedule_job(unbound, &job);
            counting = false;
            if (!wait_on(job.cv, job.lock, [&] { return job.runs == run; }))
                break;
        }

        CHECK(job.runs == warm_up + measured);
        CHECK(allocations == 0);
        threadpool_cancel_job(unbound, &job);
    }
    threadpool_job_destroy(&job);
    threadpool_put(unbound, PRI_NONE, reg);
}

TEST_CASE("allocation counter sees the test's own allocations") {
    // Shows that the replaced operator new is the one the program calls, so
    // that the count of zero above means something.
    allocations = 0;
    counting = true;
    // Through a volatile pointer, so that the compiler cannot elide the
    // allocation, as clang does with an unused new-expression.
    int* volatile box = new int(7);
    counting = false;
    delete box;
    CHECK(allocations == 1);
}
