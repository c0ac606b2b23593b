// SmallVector: a vector that keeps its first N elements inside the object.
//
// The engine's per-thread and per-object records (vector clocks, held
// mutexes, waiter queues, recent uses) hold a handful of entries each.
// Keeping them inline means that creating, copying and clearing them costs
// no heap allocation in the common case, which matters because the engine
// builds them afresh in every execution.  Past N elements the storage moves
// to the heap, as std::vector's does.
//
// Only for trivially copyable element types: elements are copied as bytes
// and never destroyed one by one.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <new>
#include <type_traits>

namespace checker {

template <class T, std::size_t N>
class SmallVector {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                  "SmallVector copies its elements as bytes");
    static_assert(N > 0, "SmallVector needs room for at least one inline element");

public:
    using value_type = T;
    using iterator = T*;
    using const_iterator = const T*;

    SmallVector() = default;
    SmallVector(std::initializer_list<T> values) { assign(values.begin(), values.end()); }
    SmallVector(const SmallVector& other) { assign(other.begin(), other.end()); }
    SmallVector(SmallVector&& other) noexcept { take(other); }
    SmallVector& operator=(const SmallVector& other) {
        if (this == &other)
            return *this;
        if (is_inline() && other.is_inline()) {
            // A fixed-size copy of the whole inline storage is a few moves,
            // cheaper than a variable-length one.
            std::memcpy(storage_, other.storage_, sizeof storage_);
            size_ = other.size_;
            return *this;
        }
        assign(other.begin(), other.end());
        return *this;
    }
    SmallVector& operator=(SmallVector&& other) noexcept {
        if (this != &other) {
            release();
            take(other);
        }
        return *this;
    }
    ~SmallVector() { release(); }

    T* begin() { return data_; }
    T* end() { return data_ + size_; }
    const T* begin() const { return data_; }
    const T* end() const { return data_ + size_; }
    T* data() { return data_; }
    const T* data() const { return data_; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    T& operator[](std::size_t index) { return data_[index]; }
    const T& operator[](std::size_t index) const { return data_[index]; }
    T& front() { return data_[0]; }
    const T& front() const { return data_[0]; }
    T& back() { return data_[size_ - 1]; }
    const T& back() const { return data_[size_ - 1]; }

    void clear() { size_ = 0; }
    void push_back(const T& value) {
        if (size_ == capacity_)
            grow(size_ + 1);
        data_[size_++] = value;
    }
    void pop_back() { --size_; }
    // Grows with copies of value, or shrinks, to count elements.
    void resize(std::size_t count, const T& value = T{}) {
        if (count > capacity_)
            grow(count);
        for (std::size_t i = size_; i < count; ++i)
            data_[i] = value;
        size_ = static_cast<std::uint32_t>(count);
    }
    void assign(const T* first, const T* last) {
        auto count = static_cast<std::size_t>(last - first);
        if (count > capacity_)
            grow(count);
        if (count > 0)
            std::memmove(static_cast<void*>(data_), first, count * sizeof(T));
        size_ = static_cast<std::uint32_t>(count);
    }
    T* erase(T* position) {
        std::copy(position + 1, end(), position);
        --size_;
        return position;
    }
    T* erase(T* first, T* last) {
        T* rest = std::copy(last, end(), first);
        size_ = static_cast<std::uint32_t>(rest - data_);
        return first;
    }

    friend bool operator==(const SmallVector& a, const SmallVector& b) {
        return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }

private:
    T* inline_data() { return reinterpret_cast<T*>(storage_); }
    const T* inline_data() const { return reinterpret_cast<const T*>(storage_); }
    bool is_inline() const { return data_ == inline_data(); }

    void grow(std::size_t needed) {
        std::size_t capacity = std::max<std::size_t>(needed, 2 * std::size_t{capacity_});
        T* heap = static_cast<T*>(::operator new(capacity * sizeof(T), std::align_val_t(alignof(T))));
        if (size_ > 0)
            std::memcpy(static_cast<void*>(heap), data_, size_ * sizeof(T));
        release();
        data_ = heap;
        capacity_ = static_cast<std::uint32_t>(capacity);
    }
    void release() {
        if (!is_inline())
            ::operator delete(data_, std::align_val_t(alignof(T)));
        data_ = inline_data();
        capacity_ = N;
    }
    // Moves other's elements here (stealing its heap block) and empties it.
    // This object must hold no heap block.
    void take(SmallVector& other) {
        if (other.is_inline()) {
            if (other.size_ > 0)
                std::memcpy(storage_, other.storage_, other.size_ * sizeof(T));
        } else {
            data_ = other.data_;
            capacity_ = other.capacity_;
            other.data_ = other.inline_data();
            other.capacity_ = N;
        }
        size_ = other.size_;
        other.size_ = 0;
    }

    // The inline elements live in raw storage, so that a new vector
    // constructs none of them (an element type may have member
    // initializers).  The element types are implicit-lifetime types.
    T* data_ = reinterpret_cast<T*>(storage_);
    std::uint32_t size_ = 0;
    std::uint32_t capacity_ = N;
    alignas(T) unsigned char storage_[N * sizeof(T)];
};

}  // namespace checker
