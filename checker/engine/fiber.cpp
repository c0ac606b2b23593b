#include "checker/engine/fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <new>
#include <utility>

namespace checker {

namespace {

std::size_t page_size() {
    static const std::size_t size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

// Hands Boost.Context stacks from a StackPool.
struct PooledStackAllocator {
    StackPool* pool;
    boost::context::stack_context allocate() { return pool->allocate(); }
    void deallocate(boost::context::stack_context& stack) noexcept { pool->deallocate(stack); }
};

}  // namespace

StackPool::StackPool(std::size_t stack_size)
    : stack_size_((stack_size + page_size() - 1) / page_size() * page_size()) {}

StackPool::~StackPool() {
    for (auto& stack : free_) {
        void* base = static_cast<char*>(stack.sp) - stack.size;
        ::munmap(static_cast<char*>(base) - page_size(), stack.size + page_size());
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

Fiber::Fiber(StackPool& stacks, std::function<void()> body) : body_(std::move(body)) {
    self_ = boost::context::fiber(
        std::allocator_arg, PooledStackAllocator{&stacks},
        [this](boost::context::fiber&& caller) {
            caller_ = std::move(caller);
            body_();
            finished_ = true;
            return std::move(caller_);
        });
}

Fiber::~Fiber() {
    // A fiber is destroyed only after its body returned; the engine unwinds
    // unfinished bodies with its abort exception before that.
    if (self_)
        std::abort();
}

void Fiber::resume() {
    self_ = std::move(self_).resume();
}

void Fiber::suspend() {
    caller_ = std::move(caller_).resume();
}

}  // namespace checker
