// Fiber: one model thread's stack and context, on Boost.Context.
//
// Types defined here:
//   StackPool  reuses fixed-size stacks (with a guard page) across executions
//   Fiber      a body that runs on its own stack until it suspends or ends
//
// Only one fiber runs at a time.  The scheduler calls resume(); the body
// calls suspend() to give control back.  A body's exception must not
// escape it: the engine catches its abort exception inside the body.
#pragma once

#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>

#include <cstddef>
#include <functional>
#include <vector>

namespace checker {

class StackPool {
public:
    explicit StackPool(std::size_t stack_size = 256 * 1024);
    ~StackPool();
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;

    boost::context::stack_context allocate();
    void deallocate(boost::context::stack_context& stack) noexcept;

private:
    std::size_t stack_size_;
    std::vector<boost::context::stack_context> free_;
};

class Fiber {
public:
    Fiber(StackPool& stacks, std::function<void()> body);
    ~Fiber();
    Fiber(const Fiber&) = delete;
    Fiber& operator=(const Fiber&) = delete;

    // Runs the body until it suspends or returns.  Called by the scheduler.
    void resume();
    // Gives control back to the scheduler.  Called from inside the body.
    void suspend();
    bool finished() const { return finished_; }

private:
    std::function<void()> body_;
    boost::context::fiber self_;    // the suspended body, while not running
    boost::context::fiber caller_;  // the scheduler, while the body runs
    bool finished_ = false;
};

}  // namespace checker
