// Fiber: one model thread's stack and context, on Boost.Context.
//
// Types defined here:
//   StackPool  reuses fixed-size stacks (with a guard page) across executions
//   Fiber      runs bodies, one after another, on its own stack
//
// Only one fiber runs at a time.  The scheduler calls resume(); the body
// calls suspend() to give control back, or hand_over() to give it straight
// to another fiber, which then gives it back to the scheduler in its
// place.  Every switch is one jump of Boost.Context's fcontext layer (the
// layer under boost::context::fiber): the context that leaves passes where
// its own continuation is to be kept, and the context that arrives stores
// it there.  A body's exception must not escape it: the engine catches its
// abort exception inside the body.
//
// A fiber outlives its body: when the body returns, the fiber parks, and
// start() gives it the next one.  The engine keeps one fiber per thread
// slot for a whole search, so that an execution creates no fiber.
#pragma once

#include <boost/context/detail/fcontext.hpp>
#include <boost/context/stack_context.hpp>

#include <cstddef>
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

// A suspended execution context: a fiber's, or the scheduler's on the
// stack that called Execution::run().  Null while that context runs.
using Context = boost::context::detail::fcontext_t;

class Fiber {
public:
    using Entry = void (*)(void* argument);

    explicit Fiber(StackPool& stacks);
    // The fiber must be idle: its last body returned, or it never had one.
    ~Fiber();
    Fiber(const Fiber&) = delete;
    Fiber& operator=(const Fiber&) = delete;

    // Makes entry(argument) the body that the next resume() starts.  The
    // fiber must be idle.
    void start(Entry entry, void* argument);
    // Runs the body until it suspends, parks or hands over.  `from` is the
    // context of the caller, which gets control back when the body
    // suspends (or when a fiber it handed over to does).
    void resume(Context& from);
    // Gives control back to the context that resumed this fiber.  Called
    // from inside the body.
    void suspend();
    // Gives control to `next` directly, which returns, when it suspends,
    // to the context this fiber would have returned to.  Called from inside
    // the body, it returns when this fiber is resumed again.
    void hand_over(Fiber& next);
    // True when the body returned (and before the first start()).
    bool finished() const { return finished_; }
    // Where this fiber's own context is kept while it is suspended.
    Context& context() { return self_; }

private:
    static void main_loop(boost::context::detail::transfer_t arrival);

    StackPool& stacks_;
    boost::context::stack_context stack_;
    Entry entry_ = nullptr;
    void* argument_ = nullptr;
    Context self_ = nullptr;        // this fiber, while it is suspended
    Context* return_to_ = nullptr;  // the context that suspend() goes back to
    bool finished_ = true;
    bool quit_ = false;             // set by the destructor: end the fiber
};

}  // namespace checker
