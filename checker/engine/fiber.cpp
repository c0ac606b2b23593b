#include "checker/engine/fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <new>
#include <utility>

namespace checker {

namespace {

std::size_t page_size() {
    static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

}  // namespace

StackPool::StackPool(std::size_t stack_size)
    : stack_size_((stack_size + page_size() - 1) / page_size() * page_size()) {}

StackPool::~StackPool() {
    for (auto& stack : free_) {
        void* base = static_cast<char*>(stack.sp) - stack.size;
        ::munmap(static_cast<char*>(base) - page_size(), stack_size_ + page_size());
    }
}

boost::context::stack_context StackPool::allocate() {
    if (!free_.empty()) {
        auto stack = free_.back();
        free_.pop_back();
        return stack;
    }
    // One guard page below the stack turns an overflow into a fault at once.
    std::size_t total = stack_size_ + page_size();
    void* memory = ::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                          -1, 0);
    if (memory == MAP_FAILED)
        throw std::bad_alloc();
    ::mprotect(memory, page_size(), PROT_NONE);
    boost::context::stack_context stack;
    stack.size = stack_size_;
    stack.sp = static_cast<char*>(memory) + total;
    return stack;
}

void StackPool::deallocate(boost::context::stack_context& stack) noexcept {
    free_.push_back(stack);
}

namespace {

namespace fcontext = boost::context::detail;

// The message a switch passes to the context it arrives in.
struct Arrival {
    Context* leaving;  // where the arriving side stores the leaving context
    Fiber* fiber;      // the fiber switched to (read by a fiber's first start)
};

// Stores the context that switched here where it asked to be kept.
fcontext::transfer_t settle(fcontext::transfer_t arrival) {
    *static_cast<Arrival*>(arrival.data)->leaving = arrival.fctx;
    return arrival;
}

// Switches to `target`, keeping the leaving context in *leaving.  Returns
// when some context switches back to it.
void transfer(Context& target, Context* leaving, Fiber* fiber = nullptr) {
    Arrival arrival{leaving, fiber};
    Context to = target;
    target = nullptr;  // it runs now
    settle(fcontext::jump_fcontext(to, &arrival));
}

}  // namespace

Fiber::Fiber(StackPool& stacks) : stacks_(stacks), stack_(stacks.allocate()) {
    self_ = fcontext::make_fcontext(stack_.sp, stack_.size, &Fiber::main_loop);
}

// The fiber's own code: runs bodies one after another.  It never returns
// (a context function must not): at the end it switches away for good.
void Fiber::main_loop(fcontext::transfer_t first) {
    Fiber* self = static_cast<Arrival*>(first.data)->fiber;
    settle(first);
    while (!self->quit_) {
        self->entry_(self->argument_);
        self->finished_ = true;
        // Parked until start() and resume() give it the next body, or the
        // destructor ends it.
        self->suspend();
    }
    Context ended = nullptr;
    transfer(*self->return_to_, &ended);
}

Fiber::~Fiber() {
    // The engine unwinds every body before its fiber goes.  A body still
    // running here would be cut off without its destructors.
    if (!finished_)
        std::abort();
    if (self_ != nullptr) {
        quit_ = true;
        Context ending = nullptr;
        return_to_ = &ending;
        transfer(self_, &ending, this);
    }
    stacks_.deallocate(stack_);
}

void Fiber::start(Entry entry, void* argument) {
    if (!finished_)
        std::abort();
    entry_ = entry;
    argument_ = argument;
    finished_ = false;
}

void Fiber::resume(Context& from) {
    return_to_ = &from;
    transfer(self_, &from, this);
}

void Fiber::suspend() {
    transfer(*return_to_, &self_);
}

void Fiber::hand_over(Fiber& next) {
    next.return_to_ = return_to_;
    transfer(next.self_, &self_, &next);
}

}  // namespace checker
