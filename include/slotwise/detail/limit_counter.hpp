// slotwise/detail/limit_counter.hpp — counting booking starts per local day,
// ISO week and calendar month, for the per-service limits of availability.hpp.
// Internal: include <slotwise/availability.hpp> instead.
#pragma once

#include <slotwise/time.hpp>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <span>
#include <vector>

namespace slotwise::detail {

// A local period (day, ISO week or month) as one integer per period, so that
// "the same period" is key equality. Keys come from each instant's own local
// date, not from the UTC bounds of a period: where a zone turns its clocks
// back across midnight, the instants of one local date are not contiguous.
struct PeriodKeys {
    std::int64_t day;    // days since 1970-01-01, local
    std::int64_t week;   // Monday-based weeks since the week of 1970-01-01
    std::int64_t month;  // year * 12 + month - 1

    static PeriodKeys of(std::int64_t local_day) {
        // 1970-01-01 was a Thursday: +3 puts Mondays on multiples of 7.
        const std::int64_t shifted = local_day + 3;
        const std::int64_t week = shifted >= 0 ? shifted / 7 : -((-shifted + 6) / 7);
        const date::year_month_day ymd{date::sys_days{date::days{local_day}}};
        const std::int64_t month = static_cast<std::int64_t>(static_cast<int>(ymd.year())) * 12 +
                                   static_cast<unsigned>(ymd.month()) - 1;
        return {local_day, week, month};
    }
};

// Local day numbers of instants in one zone, caching the zone's current
// offset period: a sweep asks about rising instants, and the tz lookup is
// paid only when one crosses a change of offset.
class LocalDayClock {
public:
    void reset(TimeZone zone) noexcept {
        zone_ = zone;
        begin_ = Instant::max();
        end_ = Instant::min();
    }
    std::int64_t day_of(Instant t) {
        if (t < begin_ || t >= end_) {
            const auto info = zone_->get_info(t);
            begin_ = info.begin;
            end_ = info.end;
            offset_ = info.offset;
        }
        return std::chrono::floor<date::days>(t + offset_).time_since_epoch().count();
    }

private:
    TimeZone zone_ = nullptr;
    Instant begin_ = Instant::max();
    Instant end_ = Instant::min();
    std::chrono::seconds offset_{0};
};

// Answers "do fewer than n counted starts fall in t's local day / week /
// month?" for rising instants t. A limit of 0 is off. Buffers are kept
// between `assign`s, so a reused counter allocates nothing.
class LimitCounter {
public:
    void assign(TimeZone zone, std::span<const Instant> counted, std::array<int, 3> limits) {
        limits_ = limits;
        active_ = limits[0] > 0 || limits[1] > 0 || limits[2] > 0;
        cached_day_ = INT64_MIN;
        for (auto& k : keys_) k.clear();
        if (!active_) return;
        clock_.reset(zone);
        for (const Instant s : counted) {
            const auto keys = PeriodKeys::of(clock_.day_of(s));
            keys_[0].push_back(keys.day);
            keys_[1].push_back(keys.week);
            keys_[2].push_back(keys.month);
        }
        for (auto& k : keys_) std::sort(k.begin(), k.end());
        // The counted starts need not rise; the candidates do, from here on.
        clock_.reset(zone);
    }

    bool active() const noexcept { return active_; }

    // Whether a slot starting at `t` stays within every limit.
    bool allows(Instant t) {
        const std::int64_t day = clock_.day_of(t);
        if (day == cached_day_) return cached_allows_;
        const auto keys = PeriodKeys::of(day);
        const std::array<std::int64_t, 3> wanted{keys.day, keys.week, keys.month};
        cached_day_ = day;
        cached_allows_ = true;
        for (std::size_t k = 0; k < 3; ++k) {
            if (limits_[k] > 0 && count(k, wanted[k]) >= limits_[k]) cached_allows_ = false;
        }
        return cached_allows_;
    }

    // How many counted starts share period `kind` (0 day, 1 week, 2 month)
    // with the local day `day`.
    std::int64_t count_on(std::size_t kind, std::int64_t day) const {
        const auto keys = PeriodKeys::of(day);
        const std::array<std::int64_t, 3> wanted{keys.day, keys.week, keys.month};
        return count(kind, wanted[kind]);
    }

private:
    std::int64_t count(std::size_t kind, std::int64_t key) const {
        const auto [lo, hi] = std::equal_range(keys_[kind].begin(), keys_[kind].end(), key);
        return hi - lo;
    }
    std::array<int, 3> limits_{};
    bool active_ = false;
    LocalDayClock clock_{};
    std::array<std::vector<std::int64_t>, 3> keys_{};
    std::int64_t cached_day_ = INT64_MIN;
    bool cached_allows_ = true;
};

}  // namespace slotwise::detail
