// Out-of-line replacements of the global operator new and delete that route
// like Relacy's inline ones (see allocation.hpp).  This translation unit
// must not include Relacy, whose inline definitions would clash with these.
#include "checker/relacy/allocation.hpp"

#include <cstddef>
#include <new>

namespace checker::relacy {

void use_relacy_allocation() {}

}  // namespace checker::relacy

namespace {

void* allocate_or_throw(std::size_t size) {
    // A zero-size request still returns a unique pointer.
    void* memory = checker::relacy::allocate(size == 0 ? 1 : size);
    if (memory == nullptr)
        throw std::bad_alloc();
    return memory;
}

}  // namespace

void* operator new(std::size_t size) {
    return allocate_or_throw(size);
}

void* operator new[](std::size_t size) {
    return allocate_or_throw(size);
}

void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return allocate_or_throw(size);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
}

void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return allocate_or_throw(size);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
}

void operator delete(void* memory) noexcept {
    checker::relacy::deallocate(memory);
}

void operator delete[](void* memory) noexcept {
    checker::relacy::deallocate(memory);
}

void operator delete(void* memory, std::size_t) noexcept {
    checker::relacy::deallocate(memory);
}

void operator delete[](void* memory, std::size_t) noexcept {
    checker::relacy::deallocate(memory);
}

void operator delete(void* memory, const std::nothrow_t&) noexcept {
    checker::relacy::deallocate(memory);
}

void operator delete[](void* memory, const std::nothrow_t&) noexcept {
    checker::relacy::deallocate(memory);
}
