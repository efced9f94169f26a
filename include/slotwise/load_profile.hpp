// slotwise/load_profile.hpp — how many seats of one resource are taken, over time.
//
// Bookings occupy their seats over `[start − buffer_before, end + buffer_after)`;
// time off occupies every seat. `LoadProfile` turns them into a step function
// of time, and `detail::SlidingPeak` answers "the highest load over this
// interval" for a run of intervals that only move forward, in amortised O(1).
// The availability core (availability.hpp) is built on both; they are public
// so that a caller can ask one-off questions (`LoadProfile::peak`).
//
// Cost: `assign` is O(B log B) for B bookings and blocks, O(B) when they come
// sorted by start, as a store returns them.
//
// Thread-safety: a `LoadProfile` is a value; one object must not be rebuilt by
// one thread while another reads it.
#pragma once

#include <slotwise/time.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace slotwise {

/// An existing booking as the core sees it.
struct Booked {
    Interval interval{};          ///< the appointment itself, [start, end)
    int seats = 1;              ///< seats it takes
    Minutes buffer_before{0};   ///< preparation it reserves before start
    Minutes buffer_after{0};    ///< clean-up it reserves after end

    /// The interval it keeps the resource busy: widened by its buffers.
    constexpr Interval occupied_interval() const noexcept {
        return {interval.begin - buffer_before, interval.end + buffer_after};
    }
};

/// The load of a resource over time as a step function: from `steps[i].at`
/// until the next step's `at`, `load` seats are taken. Before the first step
/// and after the last the load is zero. Reusable across queries: `assign`
/// keeps its buffers.
class LoadProfile {
public:
    /// One constant piece of the step function.
    struct Step {
        Instant at;
        std::int64_t load;
    };

    /// Rebuilds the profile from bookings (over their occupied intervals) and
    /// blocks (each taking all `capacity` seats).
    void assign(std::span<const Booked> bookings, std::span<const Interval> blocks, int capacity) {
        starts_.clear();
        ends_.clear();
        steps_.clear();
        for (const auto& b : bookings) {
            const auto occ = b.occupied_interval();
            if (occ.end <= occ.begin) continue;
            starts_.push_back({occ.begin, b.seats});
            ends_.push_back({occ.end, b.seats});
        }
        for (const auto& blk : blocks) {
            if (blk.end <= blk.begin) continue;
            starts_.push_back({blk.begin, capacity});
            ends_.push_back({blk.end, capacity});
        }
        sort_if_needed(starts_);
        sort_if_needed(ends_);
        // Merge starts and ends into one step per distinct instant, so that a
        // booking ending where another begins leaves no zero-length peak.
        std::size_t i = 0, j = 0;
        std::int64_t load = 0;
        while (i < starts_.size() || j < ends_.size()) {
            const Instant at = (j == ends_.size() || (i < starts_.size() && starts_[i].at < ends_[j].at))
                                   ? starts_[i].at
                                   : ends_[j].at;
            while (i < starts_.size() && starts_[i].at == at) load += starts_[i++].seats;
            while (j < ends_.size() && ends_[j].at == at) load -= ends_[j++].seats;
            steps_.push_back({at, load});
        }
    }

    /// The steps, sorted by `at`, one per distinct instant.
    std::span<const Step> steps() const noexcept { return steps_; }

    /// Peak load over `[begin, end)`, by a linear scan (for one-off questions;
    /// the slot sweep uses a sliding maximum instead).
    std::int64_t peak(Interval iv) const noexcept {
        std::int64_t peak = 0;
        for (std::size_t k = 0; k < steps_.size(); ++k) {
            const Instant seg_end = k + 1 < steps_.size() ? steps_[k + 1].at : Instant::max();
            if (steps_[k].at < iv.end && iv.begin < seg_end) peak = std::max(peak, steps_[k].load);
        }
        return peak;
    }

private:
    struct Edge {
        Instant at;
        std::int64_t seats;
    };
    static void sort_if_needed(std::vector<Edge>& v) {
        const auto by_time = [](const Edge& a, const Edge& b) { return a.at < b.at; };
        if (!std::is_sorted(v.begin(), v.end(), by_time)) std::sort(v.begin(), v.end(), by_time);
    }
    std::vector<Edge> starts_{};
    std::vector<Edge> ends_{};
    std::vector<Step> steps_{};
};

namespace detail {

// Peak load over a sliding interval whose ends only move forward: a monotone
// deque of step indices with strictly decreasing loads, front = the peak. Each
// step enters and leaves once, so a whole sweep costs O(steps + intervals).
// The deque lives in a caller's buffer of at least steps.size() entries, so a
// reused buffer makes a sweep allocation-free.
class SlidingPeak {
public:
    SlidingPeak() = default;
    SlidingPeak(std::span<const LoadProfile::Step> steps, std::span<std::uint32_t> buffer) noexcept
        : steps_(steps), deque_(buffer) {}

    std::int64_t peak(Interval iv) noexcept {
        while (next_ < steps_.size() && steps_[next_].at < iv.end) {
            while (tail_ > head_ && steps_[deque_[tail_ - 1]].load <= steps_[next_].load) --tail_;
            deque_[tail_++] = static_cast<std::uint32_t>(next_++);
        }
        while (tail_ > head_ && end_of(deque_[head_]) <= iv.begin) ++head_;
        return tail_ > head_ ? steps_[deque_[head_]].load : 0;
    }

private:
    Instant end_of(std::size_t k) const noexcept {
        return k + 1 < steps_.size() ? steps_[k + 1].at : Instant::max();
    }
    std::span<const LoadProfile::Step> steps_{};
    std::span<std::uint32_t> deque_{};
    std::size_t next_ = 0;
    std::size_t head_ = 0;
    std::size_t tail_ = 0;
};

}  // namespace detail
}  // namespace slotwise
