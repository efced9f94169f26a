// Minute-by-minute load of one resource, used by the benchmarks only to place
// generated bookings as a store would accept them: never above capacity.
#pragma once

#include <slotwise/time.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace slotwise::bench {

class LoadLedger {
public:
    LoadLedger(Instant origin, date::days span, int capacity)
        : origin_(origin), capacity_(capacity),
          load_(static_cast<std::size_t>(std::chrono::minutes{span}.count()), 0) {}

    bool fits(Interval iv, int seats) const {
        for (auto m = index(iv.begin); m < index(iv.end); ++m) {
            if (load_[m] + seats > capacity_) return false;
        }
        return true;
    }
    void add(Interval iv, int seats) {
        for (auto m = index(iv.begin); m < index(iv.end); ++m) load_[m] += seats;
    }

private:
    std::size_t index(Instant t) const {
        const auto m = std::chrono::floor<Minutes>(t - origin_).count();
        return static_cast<std::size_t>(std::clamp<std::int64_t>(m, 0, static_cast<std::int64_t>(load_.size())));
    }
    Instant origin_;
    int capacity_;
    std::vector<int> load_;
};

}  // namespace slotwise::bench
