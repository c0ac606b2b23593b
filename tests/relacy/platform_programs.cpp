#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>

#include "model/platform.hpp"
#include "tests/relacy/platform_programs.hpp"

#include "checker/relacy/relacy_include.hpp"

#include "checker/relacy/platform.hpp"

namespace relacy_programs {

using checker::relacy::platform;
using P = platform;

namespace {

void check(bool condition, const char* message) {
    if (!condition)
        checker::relacy::fail("property", "test", message, std::source_location::current(),
                              rl::test_result_user_assert_failed);
}

// Base-4 digits of the final order value; 4^6 = 4096 codes for two rounds
// of three threads.
bool orders_seen[4096];

}  // namespace

int created_threads = 0;
int creations_failed = 0;
int creations_succeeded = 0;
unsigned check_line = 0;

void unlocked_writers(const void*) {
    P::shared<int> counter{0};
    auto writer = [&counter] { ++counter.write(); };
    auto* a = checker::relacy::spawn(writer, "writer");
    auto* b = checker::relacy::spawn(writer, "writer");
    checker::relacy::join(a);
    checker::relacy::join(b);
}

void locked_writers(const void*) {
    P::mutex lock{vtp::mutex_kind::adaptive, "lock"};
    P::shared<int> counter{0};
    auto writer = [&] {
        lock.lock();
        ++counter.write();
        lock.unlock();
    };
    auto* a = checker::relacy::spawn(writer, "writer");
    auto* b = checker::relacy::spawn(writer, "writer");
    checker::relacy::join(a);
    checker::relacy::join(b);
    check(counter.read() == 2, "two locked increments gave another count");
}

namespace {

void message_passing(std::memory_order store_order, std::memory_order load_order) {
    P::shared<int> data{0};
    P::atomic<int> flag{0};
    auto writer = [&] {
        data.write() = 42;
        flag.store(1, store_order);
    };
    auto reader = [&] {
        if (flag.load(load_order) == 1)
            check(data.read() == 42, "the reader saw the flag but not the data");
    };
    auto* a = checker::relacy::spawn(writer, "writer");
    auto* b = checker::relacy::spawn(reader, "reader");
    checker::relacy::join(a);
    checker::relacy::join(b);
}

}  // namespace

void relaxed_message_passing(const void*) {
    message_passing(std::memory_order_relaxed, std::memory_order_relaxed);
}

void release_acquire_message_passing(const void*) {
    message_passing(std::memory_order_release, std::memory_order_acquire);
}

void unsignalled_timed_wait(const void* timeouts_on) {
    checker::relacy::run_state().timeouts = *static_cast<const bool*>(timeouts_on);
    P::mutex lock{vtp::mutex_kind::adaptive, "lock"};
    P::condvar cv{"never_signalled"};
    auto waiter = [&] {
        lock.lock();
        const bool timed_out = cv.timed_wait(lock, std::chrono::milliseconds(30000));
        check(timed_out, "a wait that nobody signals returned without a timeout");
        lock.unlock();
    };
    auto* thread = checker::relacy::spawn(waiter, "waiter");
    checker::relacy::join(thread);
}

namespace {

void do_nothing(void*) {}

}  // namespace

void create_until_refused(const void*) {
    vtp::thread_params params;
    P::thread* thread = nullptr;
    int started = 0;
    int error = 0;
    while ((error = P::thread_create(params, &do_nothing, nullptr, &thread)) == 0)
        ++started;
    check(error == EAGAIN, "thread_create failed with an error other than EAGAIN");
    created_threads = started;
}

void create_once(const void*) {
    vtp::thread_params params;
    P::thread* thread = nullptr;
    if (P::thread_create(params, &do_nothing, nullptr, &thread) == 0)
        ++creations_succeeded;
    else
        ++creations_failed;
}

void failed_check(const void*) {
    check_line = std::source_location::current().line() + 1;
    P::check_failed(vtp::check_kind::invariant, "1 == 2", nullptr, std::source_location::current());
}

namespace {

struct Holder {
    P::shared<int> value{7};
};

union CondvarHolder {
    CondvarHolder() {}
    ~CondvarHolder() {}
    P::condvar cv;
};

}  // namespace

void read_after_dispose(const void*) {
    Holder* holder = P::make<Holder>();
    P::dispose(holder);
    (void)holder->value.read();
}

void condvar_never_destroyed(const void*) {
    CondvarHolder* holder = P::make<CondvarHolder>();
    std::construct_at(&holder->cv, "orphan");
    P::dispose(holder);
}

void lock_rounds(const void*) {
    P::mutex lock{vtp::mutex_kind::adaptive, "lock"};
    P::shared<int> order{0};
    struct Client {
        P::mutex* lock;
        P::shared<int>* order;
        int number;
        void operator()() const {
            for (int round = 0; round < 2; ++round) {
                lock->lock();
                order->write() = order->read() * 4 + number;
                lock->unlock();
            }
        }
    };
    Client clients[3] = {{&lock, &order, 1}, {&lock, &order, 2}, {&lock, &order, 3}};
    checker::relacy::ThreadRecord* threads[3];
    for (int i = 0; i < 3; ++i)
        threads[i] = checker::relacy::spawn(clients[i], "client");
    for (checker::relacy::ThreadRecord* thread : threads)
        checker::relacy::join(thread);
    orders_seen[order.read()] = true;
}

int distinct_orders() {
    int count = 0;
    for (bool seen : orders_seen)
        count += seen;
    return count;
}

void reset_orders() {
    for (bool& seen : orders_seen)
        seen = false;
}

}  // namespace relacy_programs
