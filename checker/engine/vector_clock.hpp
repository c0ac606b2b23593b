// VectorClock: a happens-before clock with one entry per thread.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

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
    void tick(int thread) { set(thread, get(thread) + 1); }
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
    std::vector<std::uint32_t> entries_;
};

}  // namespace checker
