// The seed algorithm: every grid candidate checked against every booking and
// block. Obvious and slow — the baseline of availability_bench and the model
// the fuzzer compares small scenarios with. (The property test has its own,
// minute-by-minute model that shares nothing with the core.)
//
// It follows the rules plainly: candidates of every window of every date
// from..to (ends past midnight included), sorted, a start listed once; each
// busy part (the whole widened appointment without segments) checked on its
// own; limits by counting the counted starts whose local date, Monday or
// month equal the candidate's.
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

// The busy intervals of a slot starting at `t`, buffers included.
inline std::vector<Interval> naive_busy(const ServiceRules& svc, Instant t) {
    if (svc.segments.empty()) return {{t - svc.buffer_before, t + svc.duration + svc.buffer_after}};
    std::vector<Interval> out;
    Instant at = t;
    for (const Segment& seg : svc.segments) {
        if (seg.kind == SegmentKind::busy) out.push_back({at, at + seg.length});
        at += seg.length;
    }
    out.front().begin -= svc.buffer_before;
    out.back().end += svc.buffer_after;
    return out;
}

inline bool naive_limits_allow(const Calendar& cal, const ServiceRules& svc, std::span<const Instant> counted,
                               Instant t) {
    const auto local_day = [&](Instant x) { return date::sys_days{local_date(cal.zone, x)}; };
    const auto monday = [](date::sys_days d) { return d - (date::weekday{d} - date::Monday); };
    const auto month = [](date::sys_days d) { return date::year_month_day{d}.year() / date::year_month_day{d}.month(); };
    const auto day = local_day(t);
    int same_day = 0, same_week = 0, same_month = 0;
    for (const Instant s : counted) {
        const auto d = local_day(s);
        same_day += d == day;
        same_week += monday(d) == monday(day);
        same_month += month(d) == month(day);
    }
    const auto& l = svc.limits;
    return (!l.day || same_day < *l.day) && (!l.week || same_week < *l.week) && (!l.month || same_month < *l.month);
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
                if (svc.limits.any() && !naive_limits_allow(cal, svc, q.counted_starts, t)) continue;
                std::int64_t load = 0;
                for (const Interval& occupied : naive_busy(svc, t)) {
                    overlapping.clear();
                    for (const Booked& bk : bookings) {
                        if (bk.occupied_interval().overlaps(occupied)) overlapping.push_back({bk.occupied_interval(), bk.seats});
                    }
                    for (const Interval& blk : blocks) {
                        if (blk.overlaps(occupied)) overlapping.push_back({blk, cal.capacity});
                    }
                    load = std::max(load, naive_peak(overlapping, occupied));
                }
                if (load + svc.seats <= cal.capacity) out.push_back({t, t + svc.duration, cal.capacity - load});
            }
        }
    }
    // A window past midnight meets the next date's windows: sort, list a start once.
    const auto by_start = [](const Slot& x, const Slot& y) { return x.start < y.start; };
    if (!std::is_sorted(out.begin(), out.end(), by_start)) std::stable_sort(out.begin(), out.end(), by_start);
    out.erase(std::unique(out.begin(), out.end(), [](const Slot& x, const Slot& y) { return x.start == y.start; }),
              out.end());
    return out;
}

}  // namespace slotwise::test
