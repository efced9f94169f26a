// slotwise/explain.hpp — why a slot is, or is not, offered.
//
// Answers "why can't I book 10:00?" for one resource and one service: whether
// a slot starting at an instant is offered and, if not, every reason in plain
// words with local times — outside the day's windows (naming the override or
// weekly windows that apply), off the grid (with the nearest grid starts), in
// a DST gap, overlapping bookings or time off with their buffers, over
// capacity, a busy segment over capacity (the parts of a service with
// segments), a booking limit reached, before the minimum notice, past the
// horizon.
//
// `offered` is decided by the same code path as `compute_slots`, so the
// explanation can never disagree with availability. Pure and thread-safe.
#pragma once

#include <slotwise/availability.hpp>

#include <fmt/format.h>

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace slotwise {

/// The verdict on one start instant.
struct Explanation {
    Instant start{};                      ///< the instant asked about
    bool offered = false;               ///< true iff availability offers a slot starting there
    std::int64_t remaining = 0;         ///< seats left when offered
    std::string local{};                  ///< the start in the resource's zone, e.g. "Mon 2026-06-01 10:00 CEST"
    std::vector<std::string> reasons{};   ///< why not, one sentence each; empty when offered
    std::vector<std::string> notes{};     ///< context either way, e.g. the asked local time was in a DST gap
};

namespace detail {

inline std::string local_label(TimeZone zone, Instant t) {
    return date::format("%a %F %H:%M %Z", date::make_zoned(zone, t));
}

inline std::string local_hm(TimeZone zone, Instant t) {
    return date::format("%H:%M", date::make_zoned(zone, t));
}

inline std::string describe_windows(std::span<const LocalWindow> ws) {
    if (ws.empty()) return "closed";
    std::string out;
    for (const auto& w : ws) {
        if (!out.empty()) out += ", ";
        out += format_local_time(w.start) + "-" + format_local_time(w.end);
    }
    return out;
}

inline std::string plural(std::int64_t n, const char* word) {
    return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// Who takes the seats over `occupied`: every overlapping booking and block.
inline void name_occupants(const Calendar& cal, std::span<const Booked> bookings,
                           std::span<const Interval> blocks, Interval occupied,
                           std::vector<std::string>& why) {
    for (const auto& bk : bookings) {
        const auto occ = bk.occupied_interval();
        if (!occ.overlaps(occupied)) continue;
        why.push_back(fmt::format(
            "overlaps the booking {}-{} ({}), which with its buffers occupies {}-{}; this "
            "slot with its buffers needs {}-{}",
            local_hm(cal.zone, bk.interval.begin), local_hm(cal.zone, bk.interval.end),
            plural(bk.seats, "seat"), local_hm(cal.zone, occ.begin), local_hm(cal.zone, occ.end),
            local_hm(cal.zone, occupied.begin), local_hm(cal.zone, occupied.end)));
    }
    for (const auto& blk : blocks) {
        if (!blk.overlaps(occupied)) continue;
        why.push_back(fmt::format("overlaps time off {} to {}", local_label(cal.zone, blk.begin),
                                  local_label(cal.zone, blk.end)));
    }
}

// Capacity over each busy part (the whole widened appointment without
// segments), and what takes it.
inline void explain_load(const Calendar& cal, const ServiceRules& svc, std::span<const Booked> bookings,
                         std::span<const Interval> blocks, Instant start, std::vector<std::string>& why) {
    LoadProfile profile;
    profile.assign(bookings, blocks, cal.capacity);
    std::array<BusyPart, max_busy_parts> all_parts{};
    const auto parts = std::span(all_parts).first(busy_parts(svc, all_parts));
    for (std::size_t k = 0; k < parts.size(); ++k) {
        const Interval occupied{start + parts[k].from, start + parts[k].to};
        const auto peak = profile.peak(occupied);
        if (peak + svc.seats <= cal.capacity) continue;
        const auto load = fmt::format("{} already taken of capacity {} at the busiest moment, {} requested",
                                      plural(peak, "seat"), cal.capacity, plural(svc.seats, "seat"));
        if (svc.segments.empty()) {
            why.push_back("over capacity: " + load);
        } else {
            why.push_back(fmt::format("segment busy: busy part {} of {} ({}-{} with its buffers) is over capacity: {}",
                                      k + 1, parts.size(), local_hm(cal.zone, occupied.begin),
                                      local_hm(cal.zone, occupied.end), load));
        }
        name_occupants(cal, bookings, blocks, occupied, why);
    }
}

// A limit of the service that the counted bookings already reach in the
// start's local day, week or month.
inline void explain_limits(const Calendar& cal, const ServiceRules& svc, std::span<const Instant> counted,
                           Instant start, std::vector<std::string>& why) {
    if (!svc.limits.any()) return;
    LimitCounter counter;
    counter.assign(cal.zone, counted, {svc.limits.day.value_or(0), svc.limits.week.value_or(0),
                                       svc.limits.month.value_or(0)});
    const date::sys_days day{local_date(cal.zone, start)};
    const auto monday = day - (date::weekday{day} - date::Monday);
    const date::year_month_day ymd{day};
    const std::array<std::string, 3> periods{
        "on " + format_date(Date{day}),
        "in the week of " + format_date(Date{monday}) + " to " + format_date(Date{monday + date::days{6}}),
        "in " + date::format("%B %Y", ymd)};
    const std::array<std::optional<int>, 3> limits{svc.limits.day, svc.limits.week, svc.limits.month};
    const std::array<const char*, 3> names{"day", "week", "month"};
    for (std::size_t k = 0; k < 3; ++k) {
        if (!limits[k]) continue;
        const auto taken = counter.count_on(k, day.time_since_epoch().count());
        if (taken < *limits[k]) continue;
        why.push_back(fmt::format("limit reached: the service takes at most {} a {}, and {} already "
                                  "{} {}",
                                  plural(*limits[k], "booking"), names[k], plural(taken, "booking"),
                                  taken == 1 ? "starts" : "start", periods[k]));
    }
}

}  // namespace detail

/// Explains whether a slot of `svc` starting at `start` is offered. When the
/// caller asked with a local wall time (`asked_local`) that does not exist in
/// the zone, the DST gap is reported too. `counted_starts` are the booking
/// starts that count toward the service's limits, as in
/// `SlotQuery::counted_starts`. Inputs must be valid (see `validate`).
inline Explanation explain_slot(const Calendar& cal, const ServiceRules& svc,
                                std::span<const Booked> bookings, std::span<const Interval> blocks,
                                std::optional<Instant> now, Instant start,
                                std::optional<date::local_seconds> asked_local = std::nullopt,
                                std::span<const Instant> counted_starts = {}) {
    using namespace std::chrono;
    Explanation ex;
    ex.start = start;
    ex.local = detail::local_label(cal.zone, start);
    const Date day = local_date(cal.zone, start);
    const auto day_before = Date{date::sys_days{day} - date::days{1}};
    const auto day_after = Date{date::sys_days{day} + date::days{1}};

    if (asked_local) {
        const auto info = cal.zone->get_info(*asked_local);
        if (info.result == date::local_info::nonexistent) {
            ex.notes.push_back(fmt::format(
                "{} does not exist in {}: clocks jump forward over it (DST gap); it was read as {}",
                date::format("%F %H:%M", *asked_local), cal.zone->name(), ex.local));
        }
    }

    // The verdict comes from the availability sweep itself, over the local
    // dates whose windows could contain `start`.
    AvailabilityWorkspace ws;
    const SlotQuery nearby{.from = day_before, .to = day_after, .now = now, .counted_starts = counted_starts};
    for_each_slot(cal, svc, bookings, blocks, nearby, ws,
                  [&](const Slot& s) {
                      if (s.start == start) {
                          ex.offered = true;
                          ex.remaining = s.remaining;
                      }
                  });
    if (ex.offered) return ex;
    auto& why = ex.reasons;

    // Where does `start` sit relative to the windows of the nearby days?
    bool in_window = false;
    for (const Date d : {day_before, day, day_after}) {
        for (const LocalWindow& w : windows_on(cal, d).windows) {
            const Instant a = to_utc(cal.zone, d, w.start);
            const Instant b = to_utc(cal.zone, d, w.end);
            if (start < a || start >= b) continue;
            in_window = true;
            const auto label = format_local_time(w.start) + "-" + format_local_time(w.end);
            if (detail::local_hm(cal.zone, a) != format_local_time(w.start)) {
                why.push_back(fmt::format("the window {} on {} starts in a DST gap, so its grid "
                                          "starts when the gap ends, at {}",
                                          label, format_date(d), detail::local_label(cal.zone, a)));
            }
            if (start + svc.duration > b) {
                why.push_back(fmt::format("the {}-minute appointment would end at {}, after the window "
                                          "{} closes",
                                          svc.duration.count(),
                                          detail::local_hm(cal.zone, start + svc.duration), label));
            }
            const auto offset = (start - a) % svc.step;
            if (offset != seconds{0}) {
                const Instant before = start - offset;
                const Instant after = before + svc.step;
                std::string nearest = detail::local_hm(cal.zone, before);
                if (after + svc.duration <= b) nearest += " and " + detail::local_hm(cal.zone, after);
                why.push_back(fmt::format("off the {}-minute grid of the window {} (nearest "
                                          "starts: {})",
                                          svc.step.count(), label, nearest));
            }
        }
    }
    if (!in_window) {
        const auto dw = windows_on(cal, day);
        why.push_back(fmt::format("outside the day's windows: {} on {} {}", 
                                  dw.from_override ? "the override" : "the weekly hours",
                                  format_date(day), detail::describe_windows(dw.windows)));
    }

    detail::explain_load(cal, svc, bookings, blocks, start, why);
    detail::explain_limits(cal, svc, counted_starts, start, why);

    if (now) {
        const Instant earliest = *now + svc.min_notice;
        if (start < earliest) {
            why.push_back(fmt::format("before now + minimum notice of {}: the earliest bookable "
                                      "start is {}",
                                      detail::plural(svc.min_notice.count(), "minute"),
                                      detail::local_label(cal.zone, earliest)));
        }
        if (svc.horizon > Minutes{0} && start >= *now + svc.horizon) {
            why.push_back(fmt::format("past the booking horizon of {}: starts must be before {}",
                                      detail::plural(svc.horizon.count(), "minute"),
                                      detail::local_label(cal.zone, *now + svc.horizon)));
        }
    }
    return ex;
}

}  // namespace slotwise
