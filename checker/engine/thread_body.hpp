// ThreadBody: the code a model thread runs.
//
// A move-only callable.  It keeps a callable of up to 48 bytes (a lambda
// with a few captures, or a std::function) inside the object, and a larger
// one on the heap.  The engine creates the same threads in every
// execution, and with a small body none of them allocates.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace checker {

class ThreadBody {
public:
    ThreadBody() = default;
    ThreadBody(std::nullptr_t) {}  // NOLINT: an empty body, like std::function's
    template <class F, class Target = std::decay_t<F>,
              class = std::enable_if_t<!std::is_same_v<Target, ThreadBody> &&
                                       std::is_invocable_r_v<void, Target&>>>
    ThreadBody(F&& callable) {  // NOLINT: converts like std::function
        if constexpr (fits_inline<Target>()) {
            ::new (static_cast<void*>(buffer_)) Target(std::forward<F>(callable));
            ops_ = &inline_ops<Target>;
        } else {
            heap_ = new Target(std::forward<F>(callable));
            ops_ = &heap_ops<Target>;
        }
    }
    ThreadBody(ThreadBody&& other) noexcept { take(other); }
    ThreadBody& operator=(ThreadBody&& other) noexcept {
        if (this != &other) {
            reset();
            take(other);
        }
        return *this;
    }
    ThreadBody& operator=(std::nullptr_t) {
        reset();
        return *this;
    }
    ThreadBody(const ThreadBody&) = delete;
    ThreadBody& operator=(const ThreadBody&) = delete;
    ~ThreadBody() { reset(); }

    explicit operator bool() const { return ops_ != nullptr; }
    // Runs the callable.  The body must not be empty.
    void operator()() { ops_->call(target()); }

private:
    static constexpr std::size_t capacity = 48;

    struct Ops {
        void (*call)(void* target);
        // Moves the callable at `from` into the buffer at `to` (inline
        // callables only).
        void (*relocate)(void* from, void* to);
        void (*destroy)(void* target);
        bool stored_inline;
    };

    template <class T>
    static constexpr bool fits_inline() {
        return sizeof(T) <= capacity && alignof(T) <= alignof(std::max_align_t) &&
               std::is_nothrow_move_constructible_v<T>;
    }

    template <class T>
    static constexpr Ops inline_ops{
        [](void* target) { (*static_cast<T*>(target))(); },
        [](void* from, void* to) {
            ::new (to) T(std::move(*static_cast<T*>(from)));
            static_cast<T*>(from)->~T();
        },
        [](void* target) { static_cast<T*>(target)->~T(); },
        true,
    };
    template <class T>
    static constexpr Ops heap_ops{
        [](void* target) { (*static_cast<T*>(target))(); },
        nullptr,
        [](void* target) { delete static_cast<T*>(target); },
        false,
    };

    void* target() { return ops_->stored_inline ? static_cast<void*>(buffer_) : heap_; }

    void take(ThreadBody& other) noexcept {
        ops_ = other.ops_;
        if (ops_ == nullptr)
            return;
        if (ops_->stored_inline)
            ops_->relocate(other.buffer_, buffer_);
        else
            heap_ = other.heap_;
        other.ops_ = nullptr;
        other.heap_ = nullptr;
    }
    void reset() {
        if (ops_ != nullptr)
            ops_->destroy(target());
        ops_ = nullptr;
        heap_ = nullptr;
    }

    alignas(std::max_align_t) unsigned char buffer_[capacity];
    void* heap_ = nullptr;
    const Ops* ops_ = nullptr;
};

}  // namespace checker
