// The brute-force model of the property test (tests/property_test.cpp): the
// availability rules minute by minute, deliberately slow and obvious, sharing
// nothing with the fast path (no LoadProfile, for_each_slot, to_utc or
// date::choose). The rules it follows are listed at the top of
// property_test.cpp. Also: a generated case and its scenario-file form.
#pragma once

#include <doctest/doctest.h>

#include <slotwise/availability.hpp>
#include <slotwise/scenario.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace slotwise::test::property {

using namespace std::chrono_literals;

// ---------------------------------------------------------------------------
// A generated scenario.

struct Case {
    Calendar cal{};
    ServiceRules svc{};
    std::vector<Booked> bookings{};
    std::vector<Interval> blocks{};
    SlotQuery query{};  // its counted_starts stay empty: a copied Case must not point into another
    std::vector<Instant> counted{};   // starts that count toward the limits
    bool counted_are_bookings = true;  // as a scenario file counts: then the JSON replays the case

    SlotQuery query_with_counts() const {
        SlotQuery q = query;
        q.counted_starts = counted;
        return q;
    }
};

/// The case as a scenario file, so a failure can be replayed with the CLI.
inline nlohmann::json to_scenario_json(const Case& c) {
    using nlohmann::json;
    const auto windows = [](const std::vector<LocalWindow>& ws) {
        auto out = json::array();
        for (const auto& w : ws)
            out.push_back({format_local_time(w.start), format_local_time(w.end)});
        return out;
    };
    json j = json::object();
    j["timezone"] = c.cal.zone->name();
    if (c.query.now) j["now"] = format_instant(*c.query.now);
    j["from"] = format_date(c.query.from);
    j["to"] = format_date(c.query.to);
    j["capacity"] = c.cal.capacity;
    j["weekly"] = json::object();
    for (std::size_t d = 0; d < 7; ++d) {
        if (!c.cal.weekly.days[d].empty())
            j["weekly"][std::string(weekday_keys[d])] = windows(c.cal.weekly.days[d]);
    }
    j["overrides"] = json::object();
    for (const auto& [day, ws] : c.cal.overrides) j["overrides"][format_date(day)] = windows(ws);
    j["bookings"] = json::array();
    for (const auto& b : c.bookings) {
        j["bookings"].push_back({{"start", format_instant(b.interval.begin)},
                                 {"end", format_instant(b.interval.end)},
                                 {"seats", b.seats},
                                 {"buffer_before", b.buffer_before.count()},
                                 {"buffer_after", b.buffer_after.count()}});
    }
    j["blocks"] = json::array();
    for (const auto& b : c.blocks) {
        j["blocks"].push_back({{"start", format_instant(b.begin)}, {"end", format_instant(b.end)}});
    }
    j["service"] = {{"duration", c.svc.duration.count()},
                    {"step", c.svc.step.count()},
                    {"buffer_before", c.svc.buffer_before.count()},
                    {"buffer_after", c.svc.buffer_after.count()},
                    {"seats", c.svc.seats}};
    if (c.query.now) {  // without now, a scenario refuses notice and horizon
        j["service"]["min_notice"] = c.svc.min_notice.count();
        j["service"]["horizon"] = c.svc.horizon.count();
    }
    if (!c.svc.segments.empty()) {
        auto segments = json::array();
        for (const auto& seg : c.svc.segments) {
            segments.push_back({seg.kind == SegmentKind::busy ? "busy" : "free", seg.length.count()});
        }
        j["service"]["segments"] = segments;
    }
    if (c.svc.limits.any()) {
        auto limits = json::object();
        if (c.svc.limits.day) limits["day"] = *c.svc.limits.day;
        if (c.svc.limits.week) limits["week"] = *c.svc.limits.week;
        if (c.svc.limits.month) limits["month"] = *c.svc.limits.month;
        j["service"]["limits"] = limits;
    }
    return j;
}

inline std::string describe(const std::vector<Slot>& slots) {
    std::ostringstream s;
    for (const auto& x : slots) {
        s << "  " << format_instant(x.start) << " - " << format_instant(x.end) << " remaining "
          << x.remaining << "\n";
    }
    return s.str();
}

// ---------------------------------------------------------------------------
// The brute-force model.

/// Local wall time of every UTC minute of [base, base + n minutes).
struct WallClock {
    Instant base{};
    std::vector<std::int64_t> wall{};  // minutes since the local epoch

    WallClock(TimeZone zone, Instant first, std::int64_t minutes) : base(first) {
        wall.resize(static_cast<std::size_t>(minutes));
        for (std::int64_t i = 0; i < minutes; ++i) {
            const auto local = zone->to_local(first + Minutes{i});
            wall[static_cast<std::size_t>(i)] =
                std::chrono::floor<Minutes>(local.time_since_epoch()).count();
        }
    }

    /// Index of the earliest UTC minute whose wall time is >= `minute` of `day`.
    std::int64_t earliest_at_or_after(Date day, Minutes minute) const {
        const std::int64_t target =
            std::chrono::floor<Minutes>(date::local_days{day}.time_since_epoch()).count() +
            minute.count();
        for (std::size_t i = 0; i < wall.size(); ++i) {
            if (wall[i] >= target) return static_cast<std::int64_t>(i);
        }
        FAIL("the model's minute range is too short for " << format_date(day));
        return 0;
    }
};

/// The local calendar date of `t` in `tz`.
inline date::sys_days local_day_of(TimeZone tz, Instant t) {
    return date::sys_days{std::chrono::floor<date::days>(tz->to_local(t)).time_since_epoch()};
}

/// Whether the limits let a slot start at `start`: fewer than n counted
/// starts on the same local date, in the same Monday-to-Sunday week, in the
/// same year and month.
inline bool model_limits_allow(const Case& c, Instant start) {
    const auto& limits = c.svc.limits;
    const auto day = local_day_of(c.cal.zone, start);
    const auto monday = [](date::sys_days d) { return d - (date::weekday{d} - date::Monday); };
    const auto month = [](date::sys_days d) { return date::year_month_day{d}.year() / date::year_month_day{d}.month(); };
    std::int64_t same_day = 0, same_week = 0, same_month = 0;
    for (const Instant s : c.counted) {
        const auto d = local_day_of(c.cal.zone, s);
        same_day += d == day;
        same_week += monday(d) == monday(day);
        same_month += month(d) == month(day);
    }
    return (!limits.day || same_day < *limits.day) && (!limits.week || same_week < *limits.week) &&
           (!limits.month || same_month < *limits.month);
}

inline std::vector<Slot> model_slots(const Case& c) {
    const auto first_day = date::sys_days{c.query.from};
    const auto last_day = date::sys_days{c.query.to};
    // Two days before `from` (so even a +14:00 zone's first midnight is inside)
    // to four days after `to`.
    const Instant base{(first_day - date::days{2}).time_since_epoch()};
    const std::int64_t n = ((last_day - first_day).count() + 7) * 1440;
    const WallClock clock(c.cal.zone, base, n);

    // Load per minute.
    std::vector<std::int64_t> load(static_cast<std::size_t>(n), 0);
    const auto minute_index = [&](Instant t) {
        return std::chrono::floor<Minutes>(t - base).count();
    };
    const auto add = [&](Instant begin, Instant end, std::int64_t seats) {
        const auto lo = std::max<std::int64_t>(0, minute_index(begin));
        const auto hi = std::min<std::int64_t>(n, minute_index(end));
        for (auto i = lo; i < hi; ++i) load[static_cast<std::size_t>(i)] += seats;
    };
    for (const auto& b : c.bookings)
        add(b.interval.begin - b.buffer_before, b.interval.end + b.buffer_after, b.seats);
    for (const auto& blk : c.blocks) add(blk.begin, blk.end, c.cal.capacity);

    const std::int64_t d = c.svc.duration.count();
    const std::int64_t step = c.svc.step.count();
    const std::int64_t before = c.svc.buffer_before.count();
    const std::int64_t after = c.svc.buffer_after.count();
    // free_minute[i]: minute i of the appointment lies in a free segment.
    std::vector<bool> free_minute(static_cast<std::size_t>(d), false);
    std::int64_t at = 0;
    for (const auto& seg : c.svc.segments) {
        for (std::int64_t i = 0; i < seg.length.count(); ++i, ++at)
            free_minute[static_cast<std::size_t>(at)] = seg.kind == SegmentKind::free;
    }
    std::vector<std::int64_t> starts;
    for (auto day = first_day; day <= last_day; day += date::days{1}) {
        const Date local_day{day};
        const auto it = c.cal.overrides.find(local_day);
        const auto& windows =
            it != c.cal.overrides.end() ? it->second : c.cal.weekly[date::weekday{day}];
        for (const auto& w : windows) {
            const auto a = clock.earliest_at_or_after(local_day, w.start);
            const auto b = clock.earliest_at_or_after(local_day, w.end);
            for (auto t = a; t + d <= b; t += step) starts.push_back(t);
        }
    }
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    std::vector<Slot> out;
    for (const auto t : starts) {
        const auto lo = t - before;
        const auto hi = t + d + after;
        if (lo < 0 || hi > n) FAIL("the model's minute range is too short");
        std::int64_t peak = 0;
        for (auto i = lo; i < hi; ++i) {
            const auto offset = i - t;
            if (offset >= 0 && offset < d && free_minute[static_cast<std::size_t>(offset)]) continue;
            peak = std::max(peak, load[static_cast<std::size_t>(i)]);
        }
        if (peak + c.svc.seats > c.cal.capacity) continue;
        const Instant start = base + Minutes{t};
        if (c.query.now) {
            if (start < *c.query.now + c.svc.min_notice) continue;
            if (c.svc.horizon > 0min && start >= *c.query.now + c.svc.horizon) continue;
        }
        if (!model_limits_allow(c, start)) continue;
        out.push_back({start, start + c.svc.duration, c.cal.capacity - peak});
    }
    return out;
}

/// Every grid start of the case's windows, ignoring load, notice and horizon.
inline std::vector<Slot> open_grid(const Case& c) {
    Case open = c;
    open.bookings.clear();
    open.blocks.clear();
    open.counted.clear();
    open.query.now.reset();
    open.svc.seats = 1;
    return model_slots(open);
}

}  // namespace slotwise::test::property
