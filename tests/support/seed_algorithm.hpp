// The seed algorithm: every grid candidate checked against every booking and
// block. Obvious and slow — the baseline of availability_bench and the model
// the fuzzer compares small scenarios with. (The property test has its own,
// minute-by-minute model that shares nothing with the core.)
#pragma once

#include <slotwise/availability.hpp>

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace slotwise::test {

struct Occupant {
    Interval occupied;
    std::int64_t seats;
};

// Peak load over `iv` of occupants that overlap it. The load only rises where
// an occupant begins, so the peak is at `iv.begin` or at one of those begins.
inline std::int64_t naive_peak(const std::vector<Occupant>& overlapping, Interval iv) {
    const auto load_at = [&](Instant x) {
        std::int64_t load = 0;
        for (const auto& o : overlapping) {
            if (o.occupied.contains(x)) load += o.seats;
        }
        return load;
    };
    std::int64_t peak = load_at(iv.begin);
    for (const auto& o : overlapping) {
        if (iv.contains(o.occupied.begin)) peak = std::max(peak, load_at(o.occupied.begin));
    }
    return peak;
}

inline std::vector<Slot> naive_slots(const Calendar& cal, const ServiceRules& svc, std::span<const Booked> bookings,
                                     std::span<const Interval> blocks, const SlotQuery& q) {
    std::vector<Slot> out;
    std::vector<Occupant> overlapping;
    for (auto day = date::sys_days{q.from}; day <= date::sys_days{q.to}; day += date::days{1}) {
        for (const auto& w : windows_on(cal, Date{day}).windows) {
            const Instant a = to_utc(cal.zone, Date{day}, w.start);
            const Instant b = to_utc(cal.zone, Date{day}, w.end);
            for (Instant t = a; t + svc.duration <= b; t += svc.step) {
                if (q.now && t < *q.now + svc.min_notice) continue;
                if (q.now && svc.horizon > Minutes{0} && t >= *q.now + svc.horizon) continue;
                const Interval occupied{t - svc.buffer_before, t + svc.duration + svc.buffer_after};
                overlapping.clear();
                for (const Booked& bk : bookings) {
                    if (bk.occupied_interval().overlaps(occupied)) overlapping.push_back({bk.occupied_interval(), bk.seats});
                }
                for (const Interval& blk : blocks) {
                    if (blk.overlaps(occupied)) overlapping.push_back({blk, cal.capacity});
                }
                const std::int64_t load = naive_peak(overlapping, occupied);
                if (load + svc.seats <= cal.capacity) out.push_back({t, t + svc.duration, cal.capacity - load});
            }
        }
    }
    return out;
}

}  // namespace slotwise::test
