// VectorClock: a happens-before clock with one entry per thread.  Up to 8
// threads it lives inside the object (no heap allocation).
#pragma once

#include <algorithm>
#include <cstdint>

#include "checker/engine/small_vector.hpp"

namespace checker {

class VectorClock {
public:
    std::uint32_t get(int thread) const {
        return thread < static_cast<int>(entries_.size()) ? entries_[thread] : 0;
    }
    void set(int thread, std::uint32_t value) {
        grow(thread);
        entries_[thread] = value;
    }
    [[gnu::always_inline]] void tick(int thread) {
        if (thread < static_cast<int>(entries_.size())) [[likely]]
            ++entries_[thread];
        else
            set(thread, 1);
    }
    void join(const VectorClock& other) {
        if (other.entries_.size() > entries_.size())
            entries_.resize(other.entries_.size(), 0);
        for (std::size_t i = 0; i < other.entries_.size(); ++i)
            entries_[i] = std::max(entries_[i], other.entries_[i]);
    }
    void clear() { entries_.clear(); }

private:
    void grow(int thread) {
        if (thread >= static_cast<int>(entries_.size()))
            entries_.resize(thread + 1, 0);
    }
    SmallVector<std::uint32_t, 8> entries_;
};

}  // namespace checker
