// Property tests of the availability core against a brute-force model.
//
// The model below is deliberately slow and obvious, and shares nothing with
// the fast path (no LoadProfile, for_each_slot, to_utc or date::choose). It
// works minute by minute over a stretch of UTC minutes around the query:
//  - local -> UTC: every UTC minute gets its local wall time from
//    `zone->to_local` (sys -> local is never ambiguous); a local wall time L
//    maps to the earliest UTC minute whose wall time is >= L. An end past
//    24:00 is simply a wall time on the next date (minutes since the window's
//    own local midnight);
//  - load: every minute sums the seats of the bookings whose
//    [start - buffer_before, end + buffer_after) covers it, + capacity under a block;
//  - candidates: t = a + k*step while t + duration <= b, per window of each
//    local date from..to (override, else weekly), then sorted with duplicate
//    starts dropped (a spilling window and the next date's own may meet);
//  - occupied minutes: t - bb .. t + d + ba, minus the minutes of free
//    segments; offered iff the peak load over them + seats <= capacity;
//  - limits: offered only while fewer than n counted starts have the same
//    local date / Monday of the week / year and month as t;
//  - t >= now + min_notice and, with a horizon, t < now + horizon.
//
// Scenarios are random but valid, in zones with awkward offsets and around
// their DST transitions. The seed is fixed so CI is deterministic;
// SLOTWISE_PROPERTY_SEED and SLOTWISE_PROPERTY_RUNS override the seed and the
// number of scenarios. A mismatch prints the seed, the scenario's index and
// the scenario as a scenario JSON file (runnable with `slotwise availability`).
//
// Hand reasoning behind tests/scenarios/*.expected.json (each file was derived
// by hand first, then confirmed with the CLI):
//  - window-ends-at-midnight: Mon 22:00-24:00 UTC, 60 min -> 22:00 and 23:00;
//    the last slot ends exactly at the next day's midnight.
//  - override-closes-day: Mon+Tue 09:00-11:00, override Tue = [] -> only Mon.
//  - override-replaces-hours: Tue weekly 09:00-11:00, override 14:00-15:00 ->
//    only 14:00 and 14:30.
//  - booking-across-midnight: Mon+Tue 22:00-24:00 / 00:00-02:00 windows, one
//    booking 23:00 Mon -> 01:00 Tue blocks 23:00 Mon and 00:00 Tue.
//  - buffers-outside-hours: window 09:00-10:00, 30 min with 30 min buffers on
//    both sides: 09:00 (occupies 08:30-10:00) and 09:30 (occupies 09:00-10:30)
//    are both kept; 10:00 would end after the window and is not a candidate.
//    A booking 10:15-10:30 with no buffers then kills 09:30 only.
//  - step-smaller / step-larger than the duration: grid restarts per window.
//  - partial-capacity-seats: capacity 4, a 2-seat and a 1-seat booking,
//    service seats 2: peaks 0/2/3 -> remaining 4/2 offered, 1 refused.
//  - block: a block 09:30-09:45 removes the two 30-minute slots touching it.
//  - notice-boundary / horizon-boundary: now+notice kept, now+horizon dropped.
//  - fall-back: America/New_York 2026-11-01, 01:00-03:00 local = 05:00-08:00 UTC
//    (01:00 EDT first occurrence, 03:00 EST), three hours of 60 min slots.
//  - rome-spring-forward: 2026-03-29, window 01:30-04:00 local: 01:30 CET =
//    00:30Z, 04:00 CEST = 02:00Z -> 90 minutes; a window 02:15-02:45 lies
//    wholly in the gap (both ends map to 01:00Z) and is skipped.
//  - kathmandu: +05:45, 09:00 local = 03:15Z.
//  - chatham: +13:45 in January, 09:00 local = 19:15Z the day before.
//  - past-midnight-spill-of-to: from = to = Fri; Thu 23:00-25:00 spills into
//    Fri 00:00-01:00 but belongs to Thu, outside the range: not offered. Fri
//    22:00-25:30 gives 22:00, 23:00 and Sat 00:00 (01:00 would end at 02:00).
//  - past-midnight-fall-back-new-york: Sat 2026-10-31 22:00-26:00; 22:00 EDT
//    = 02:00Z, and 26:00 is Sun 02:00 wall time, after the clocks fell back:
//    02:00 EST = 07:00Z. Five real hours, five hourly slots 02:00Z-06:00Z.
//  - segments-free-part-and-buffers: busy 20, free 20, busy 20 with 10-minute
//    buffers, a booking 10:25-10:35: 09:00 (busy 08:50-09:20, 09:40-10:10),
//    10:00 (the booking lies in its free part 10:20-10:40) and 11:00 are
//    offered; 09:30 and 10:30 have a busy part over the booking.
//  - segments-remaining-over-busy-parts: capacity 3; at 09:00 a 2-seat booking
//    lies in the free part (ignored) and a 1-seat one in the second busy
//    part: remaining 2. 10:00 is free: 3.
//  - limits-day-and-month-by-local-date: Rome, day 1 and month 2. Mon 29 June
//    has its booking (day full). 2026-06-30T22:30Z is 00:30 on 1 July in
//    Rome: it fills Wed 1 July, not Tue 30 June, and counts for July. So only
//    Tue 30 June 09:00 and 10:00 (07:00Z, 08:00Z) remain; June has 1 booking.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <slotwise/availability.hpp>
#include <slotwise/explain.hpp>
#include <slotwise/scenario.hpp>
#include <sstream>
#include <string>
#include <vector>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {

// ---------------------------------------------------------------------------
// Deterministic randomness (splitmix64; std distributions differ between
// standard libraries, this does not).

class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [lo, hi].
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }
    /// True with probability `percent` / 100.
    bool chance(int percent) { return between(0, 99) < percent; }
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(v.size()) - 1))];
    }

private:
    std::uint64_t state_;
};

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return fallback;
    return std::strtoull(v, nullptr, 0);
}

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
nlohmann::json to_scenario_json(const Case& c) {
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

std::string describe(const std::vector<Slot>& slots) {
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
date::sys_days local_day_of(TimeZone tz, Instant t) {
    return date::sys_days{std::chrono::floor<date::days>(tz->to_local(t)).time_since_epoch()};
}

/// Whether the limits let a slot start at `start`: fewer than n counted
/// starts on the same local date, in the same Monday-to-Sunday week, in the
/// same year and month.
bool model_limits_allow(const Case& c, Instant start) {
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

std::vector<Slot> model_slots(const Case& c) {
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
std::vector<Slot> open_grid(const Case& c) {
    Case open = c;
    open.bookings.clear();
    open.blocks.clear();
    open.counted.clear();
    open.query.now.reset();
    open.svc.seats = 1;
    return model_slots(open);
}

// ---------------------------------------------------------------------------
// The generator.

struct ZoneSpec {
    const char* name;
    int first_year;  // transitions are looked for in [first_year, last_year]
    int last_year;
};

const std::vector<ZoneSpec> zone_specs{
    {"Europe/Rome", 2025, 2027},         {"America/New_York", 2025, 2027},
    {"Australia/Lord_Howe", 2025, 2027}, {"Asia/Kathmandu", 2025, 2027},
    {"Pacific/Apia", 2011, 2012},        {"Pacific/Chatham", 2025, 2027},
    {"America/St_Johns", 2025, 2027},    {"Africa/Casablanca", 2025, 2027},
};

struct Zone {
    TimeZone tz = nullptr;
    int first_year = 0;
    int last_year = 0;
    std::vector<Instant> transitions{};  // instants where the UTC offset changes
};

std::vector<Zone> load_zones() {
    std::vector<Zone> out;
    for (const auto& spec : zone_specs) {
        Zone z{locate_zone(spec.name, "zone"), spec.first_year, spec.last_year, {}};
        const Instant begin{date::sys_days{date::year{spec.first_year} / 1 / 1}.time_since_epoch()};
        const Instant end{
            date::sys_days{date::year{spec.last_year + 1} / 1 / 1}.time_since_epoch()};
        auto info = z.tz->get_info(begin);
        while (info.end < end) {
            const auto next = z.tz->get_info(info.end);
            if (next.offset != info.offset) z.transitions.push_back(info.end);
            info = next;
        }
        out.push_back(std::move(z));
    }
    return out;
}

Date local_date_of(TimeZone tz, Instant t) {
    return Date{std::chrono::floor<date::days>(tz->to_local(t))};
}

/// Minutes since local midnight of `t` in `tz`.
std::int64_t local_minute_of(TimeZone tz, Instant t) {
    const auto local = tz->to_local(t);
    return std::chrono::floor<Minutes>(local - std::chrono::floor<date::days>(local)).count();
}

struct Generator {
    Rng& rng;
    const Zone& zone;
    std::vector<std::int64_t> interesting{};  // local minutes around the range's transitions

    std::int64_t boundary() {
        const int kind = static_cast<int>(rng.between(0, 9));
        if (kind == 0) return 0;
        if (kind == 1) return 1440;
        if (kind <= 4 && !interesting.empty()) {
            const auto base = rng.pick(interesting);
            const std::vector<std::int64_t> nudges{0, 0, 0, -30, -15, -5, 5, 15, 30, 45, 60};
            return std::clamp<std::int64_t>(base + rng.pick(nudges), 0, 1440);
        }
        if (kind == 5) return rng.between(0, 1440);
        return rng.between(0, 96) * 15;
    }

    /// 0..3 disjoint windows (possibly touching), sorted; often the last
    /// one passes midnight (up to 47:59), ending near the next date's
    /// transition as often as near this one's.
    std::vector<LocalWindow> windows() {
        const auto count = rng.between(0, 3);
        std::vector<std::int64_t> points;
        for (std::int64_t i = 0; i < 2 * count; ++i) points.push_back(boundary());
        std::sort(points.begin(), points.end());
        std::vector<LocalWindow> out;
        for (std::size_t i = 0; i + 1 < points.size(); i += 2) {
            if (points[i] < points[i + 1] && points[i] < 1440) {
                out.push_back({Minutes{points[i]}, Minutes{points[i + 1]}});
            }
        }
        if (rng.chance(35)) {
            if (out.empty() || out.back().end >= 1440min) {
                const auto start = rng.between(out.empty() ? 0 : out.back().end.count() % 1440, 1439);
                if (out.empty() || start >= out.back().end.count()) out.push_back({Minutes{start}, Minutes{start + 1}});
            }
            auto& last = out.back();
            const auto end = std::clamp<std::int64_t>(1440 + boundary(), last.start.count() + 1, 2879);
            last.end = Minutes{std::max(end, last.end.count())};
        }
        normalize_windows(out, "generated");
        return out;
    }

    /// Parts of `duration`: 1..5 segments, busy first and last.
    std::vector<Segment> segments(Minutes duration) {
        const auto d = duration.count();
        const auto count = rng.between(1, std::min<std::int64_t>(5, d));
        std::vector<std::int64_t> cuts{0, d};
        while (static_cast<std::int64_t>(cuts.size()) < count + 1) {
            const auto cut = rng.between(1, d - 1);
            if (std::find(cuts.begin(), cuts.end(), cut) == cuts.end()) cuts.push_back(cut);
        }
        std::sort(cuts.begin(), cuts.end());
        std::vector<Segment> out;
        for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
            const bool edge = i == 0 || i + 2 == cuts.size();
            const auto kind = edge || rng.chance(20) ? SegmentKind::busy : SegmentKind::free;
            out.push_back({kind, Minutes{cuts[i + 1] - cuts[i]}});
        }
        return out;
    }

    /// Puts a few short bookings inside the free parts of grid candidates:
    /// spread at random, bookings would rarely land where segments matter.
    void book_free_parts(Case& c) {
        const auto grid = open_grid(c);
        std::vector<std::pair<Minutes, Minutes>> free;  // [from, to) within the appointment
        Minutes at{0};
        for (const auto& seg : c.svc.segments) {
            if (seg.kind == SegmentKind::free) free.emplace_back(at, at + seg.length);
            at += seg.length;
        }
        if (grid.empty() || free.empty()) return;
        const auto count = rng.between(1, 4);
        for (std::int64_t i = 0; i < count; ++i) {
            const Instant t = rng.pick(grid).start;
            const auto [from, to] = rng.pick(free);
            const Minutes begin = from + Minutes{rng.between(0, (to - from).count() - 1)};
            const Minutes end = begin + Minutes{rng.between(1, (to - begin).count() + (rng.chance(20) ? 15 : 0))};
            Booked b;
            b.interval = {t + begin, t + end};
            b.seats = static_cast<int>(rng.between(1, c.cal.capacity));
            c.bookings.push_back(b);
            if (c.counted_are_bookings) c.counted.push_back(b.interval.begin);
        }
    }

    /// 1..3 of day, week, month limits of 1..3 bookings.
    BookingLimits limits() {
        BookingLimits out;
        while (!out.any()) {
            if (rng.chance(50)) out.day = static_cast<int>(rng.between(1, 3));
            if (rng.chance(50)) out.week = static_cast<int>(rng.between(1, 3));
            if (rng.chance(50)) out.month = static_cast<int>(rng.between(1, 3));
        }
        return out;
    }

    Minutes some_minutes(std::int64_t hi) {
        if (rng.chance(40)) return 0min;
        return Minutes{rng.chance(50) ? rng.between(1, hi) : rng.between(1, hi / 5) * 5};
    }

    Case make() {
        Case c;
        c.cal.zone = zone.tz;
        c.cal.capacity = static_cast<int>(rng.between(1, 4));

        // 1..4 local days, usually around a transition.
        const std::int64_t days = rng.between(1, 4);
        Date from{};
        if (!zone.transitions.empty() && rng.chance(85)) {
            const Instant tr = rng.pick(zone.transitions);
            const auto day = date::sys_days{local_date_of(zone.tz, tr)};
            from = Date{day - date::days{rng.between(0, days - 1)}};
            // Local wall times just before and just after the jump.
            interesting.push_back(local_minute_of(zone.tz, tr - 1min) + 1);
            interesting.push_back(local_minute_of(zone.tz, tr));
        } else {
            const auto first = date::sys_days{date::year{zone.first_year} / 1 / 1};
            from = Date{first + date::days{rng.between(
                                    0, 365 * (zone.last_year - zone.first_year + 1) - 10)}};
        }
        const Date to{date::sys_days{from} + date::days{days - 1}};
        c.query.from = from;
        c.query.to = to;

        for (auto& ws : c.cal.weekly.days) ws = windows();
        for (auto day = date::sys_days{from} - date::days{1};
             day <= date::sys_days{to} + date::days{1}; day += date::days{1}) {
            if (rng.chance(25))
                c.cal.overrides[Date{day}] =
                    rng.chance(30) ? std::vector<LocalWindow>{} : windows();
        }

        // Anything in a stretch from a day before `from` to two days after `to`.
        const Instant span_begin{(date::sys_days{from} - date::days{1}).time_since_epoch()};
        const std::int64_t span = (days + 2) * 1440;
        const auto some_instant = [&] {
            return span_begin +
                   Minutes{rng.chance(50) ? rng.between(0, span) : rng.between(0, span / 15) * 15};
        };
        const auto length = [&]() -> Minutes {
            if (rng.chance(15)) return Minutes{rng.between(300, 2000)};  // across midnight
            return Minutes{rng.chance(50) ? rng.between(1, 300) : rng.between(1, 20) * 15};
        };
        const auto bookings = rng.between(0, 8);
        for (std::int64_t i = 0; i < bookings; ++i) {
            Booked b;
            b.interval.begin = some_instant();
            b.interval.end = b.interval.begin + length();
            b.seats = static_cast<int>(rng.between(1, c.cal.capacity + (rng.chance(10) ? 1 : 0)));
            b.buffer_before = some_minutes(90);
            b.buffer_after = some_minutes(90);
            c.bookings.push_back(b);
        }
        if (rng.chance(30)) {
            // Limits look beyond the range, to the whole week and month.
            c.svc.limits = limits();
            const auto far = rng.between(0, 3);
            for (std::int64_t i = 0; i < far; ++i) {
                Booked b;
                b.interval.begin = span_begin + Minutes{rng.between(-10 * 1440, (days + 10) * 1440)};
                b.interval.end = b.interval.begin + length();
                b.seats = 1;
                c.bookings.push_back(b);
            }
        }
        for (const auto& b : c.bookings) c.counted.push_back(b.interval.begin);
        if (c.svc.limits.any() && rng.chance(20)) {
            // The core API counts what the caller says: a subset, and others.
            c.counted_are_bookings = false;
            std::erase_if(c.counted, [&](Instant) { return rng.chance(40); });
            const auto extra = rng.between(0, 4);
            for (std::int64_t i = 0; i < extra; ++i) {
                c.counted.push_back(span_begin + std::chrono::seconds{rng.between(-8 * 86400, (days + 8) * 86400)});
            }
        }
        const auto blocks = rng.chance(60) ? 0 : rng.between(1, 2);
        for (std::int64_t i = 0; i < blocks; ++i) {
            const Instant begin = some_instant();
            c.blocks.push_back({begin, begin + length()});
        }

        // The service. Tiny steps make many candidates: keep them rarer.
        auto& s = c.svc;
        const std::vector<std::int64_t> common{5, 10, 15, 20, 30, 45, 60, 90, 120, 240};
        s.duration = Minutes{rng.chance(50) ? rng.pick(common) : rng.between(1, 240)};
        switch (rng.between(0, 2)) {
            case 0:
                s.step = s.duration;
                break;
            case 1:
                s.step = Minutes{std::max<std::int64_t>(rng.between(1, s.duration.count()),
                                                        rng.chance(90) ? 5 : 1)};
                break;
            default:
                s.step = s.duration + Minutes{rng.between(1, 2 * s.duration.count() + 30)};
                break;
        }
        s.buffer_before = some_minutes(120);
        s.buffer_after = some_minutes(120);
        s.seats = static_cast<int>(rng.between(1, c.cal.capacity));
        if (rng.chance(30)) s.segments = segments(s.duration);
        // Quarter hours often, so that now + notice and now + horizon land on
        // grid starts and the boundaries get tested.
        const auto quarters = [&](std::int64_t hi) {
            return Minutes{rng.between(0, hi / 15) * 15};
        };
        s.min_notice = rng.chance(50) ? quarters(3000) : some_minutes(3000);
        s.horizon = rng.chance(40)   ? 0min
                    : rng.chance(50) ? quarters((days + 2) * 1440) + 15min
                                     : Minutes{rng.between(1, (days + 2) * 1440)};
        if (rng.chance(70)) {
            Instant now =
                span_begin - 1440min +
                (rng.chance(50) ? quarters(span + 1440) : Minutes{rng.between(0, span + 1440)});
            if (rng.chance(20)) now += std::chrono::seconds{rng.between(1, 59)};
            c.query.now = now;
            // Often, put a grid start exactly at now + notice or now + horizon.
            if (rng.chance(40)) {
                const auto grid = open_grid(c);
                if (!grid.empty()) {
                    const Instant start = rng.pick(grid).start;
                    c.query.now = (s.horizon > 0min && rng.chance(50)) ? start - s.horizon
                                                                       : start - s.min_notice;
                }
            }
        }
        if (!s.segments.empty()) book_free_parts(c);
        return c;
    }
};

struct Settings {
    std::uint64_t seed;
    std::uint64_t runs;
};

Settings settings() {
    const Settings s{env_or("SLOTWISE_PROPERTY_SEED", 20260329),
                     env_or("SLOTWISE_PROPERTY_RUNS", 3000)};
    std::cout << "property_test: seed " << s.seed << ", " << s.runs
              << " scenarios (override with SLOTWISE_PROPERTY_SEED / SLOTWISE_PROPERTY_RUNS)"
              << std::endl;
    return s;
}

}  // namespace

TEST_CASE(
    "compute_slots equals the minute-by-minute model in every zone and around every DST change") {
    const auto [seed, runs] = settings();
    const auto zones = load_zones();
    Rng rng(seed);
    std::uint64_t mismatches = 0;
    std::uint64_t slots_seen = 0;
    std::uint64_t around_transitions = 0;
    // Cases where a rule of version 2 changed the answer: without them the
    // comparison would say nothing about that rule.
    std::uint64_t spill_mattered = 0, segments_mattered = 0, limits_mattered = 0;
    for (std::uint64_t i = 0; i < runs && mismatches < 3; ++i) {
        const Zone& zone = zones[i % zones.size()];
        Generator gen{rng, zone};
        const Case c = gen.make();
        const auto expected = model_slots(c);
        if (i % 4 == 0) {
            Case plain = c;
            for (auto& ws : plain.cal.weekly.days)
                for (auto& w : ws) w.end = std::min(w.end, 1440min);
            for (auto& [day, ws] : plain.cal.overrides)
                for (auto& w : ws) w.end = std::min(w.end, 1440min);
            spill_mattered += model_slots(plain) != expected;
            plain = c;
            plain.svc.segments.clear();
            segments_mattered += model_slots(plain) != expected;
            plain = c;
            plain.svc.limits = {};
            limits_mattered += model_slots(plain) != expected;
        }
        const auto got = compute_slots(c.cal, c.svc, c.bookings, c.blocks, c.query_with_counts());
        slots_seen += got.size();
        const Instant first{(date::sys_days{c.query.from} - date::days{1}).time_since_epoch()};
        const Instant last{(date::sys_days{c.query.to} + date::days{2}).time_since_epoch()};
        if (std::any_of(zone.transitions.begin(), zone.transitions.end(),
                        [&](Instant t) { return first <= t && t < last; })) {
            ++around_transitions;
        }
        // The printed scenario must replay the case: check it does.
        const auto scenario_json = to_scenario_json(c).dump();
        const auto replayed = c.counted_are_bookings ? evaluate(parse_scenario(scenario_json)) : got;
        if (got != expected || replayed != got) {
            ++mismatches;
            std::ostringstream counted;
            for (const Instant t : c.counted) counted << " " << format_instant(t);
            FAIL_CHECK("mismatch in scenario " << i << " of seed " << seed << "\nscenario:\n"
                                               << scenario_json << "\ncounted toward limits"
                                               << (c.counted_are_bookings ? " (every booking):" : ":")
                                               << counted.str() << "\nmodel:\n"
                                               << describe(expected) << "compute_slots:\n"
                                               << describe(got) << "from the scenario JSON:\n"
                                               << describe(replayed));
        }
    }
    std::cout << "property_test: " << runs << " scenarios (" << around_transitions
              << " around a UTC offset change), " << slots_seen << " slots compared; of every fourth, "
              << spill_mattered << " changed by windows past midnight, " << segments_mattered
              << " by segments, " << limits_mattered << " by limits" << std::endl;
    // The generator must actually exercise the core.
    CHECK(slots_seen > runs * 5);
    CHECK(around_transitions > runs / 2);
    CHECK(spill_mattered > runs / 40);
    CHECK(segments_mattered > runs / 150);
    CHECK(limits_mattered > runs / 40);
}

TEST_CASE(
    "explain_slot offers exactly the starts compute_slots offers, and says why not otherwise") {
    const auto [seed, runs] = settings();
    const auto zones = load_zones();
    Rng rng(seed ^ 0x5EED5EEDULL);
    std::uint64_t mismatches = 0;
    std::uint64_t offered_seen = 0;
    std::uint64_t refused_seen = 0;
    for (std::uint64_t i = 0; i < runs / 4 && mismatches < 3; ++i) {
        const Zone& zone = zones[i % zones.size()];
        Generator gen{rng, zone};
        const Case c = gen.make();
        // Every window that can reach an instant of local dates from..to
        // belongs to a date within a day of it.
        SlotQuery wide = c.query_with_counts();
        wide.from = Date{date::sys_days{c.query.from} - date::days{1}};
        wide.to = Date{date::sys_days{c.query.to} + date::days{1}};
        const auto slots = compute_slots(c.cal, c.svc, c.bookings, c.blocks, wide);

        // Instants: offered starts, grid candidates of the model's windows
        // (the model with no load, notice or horizon), random minutes and
        // random off-minute seconds.
        const auto grid = open_grid(c);
        std::vector<Instant> asked;
        const Instant day_one{date::sys_days{c.query.from}.time_since_epoch()};
        const auto days = (date::sys_days{c.query.to} - date::sys_days{c.query.from}).count() + 1;
        for (int k = 0; k < 8; ++k) {
            const int kind = static_cast<int>(rng.between(0, 3));
            if (kind == 0 && !slots.empty()) {
                asked.push_back(rng.pick(slots).start);
            } else if (kind == 1 && !grid.empty()) {
                asked.push_back(rng.pick(grid).start);
            } else if (kind == 2) {
                asked.push_back(day_one + Minutes{rng.between(-720, days * 1440 + 720)});
            } else {
                asked.push_back(day_one + std::chrono::seconds{
                                              rng.between(-720 * 60, (days * 1440 + 720) * 60)});
            }
        }
        for (const Instant t : asked) {
            const Date day = local_date_of(c.cal.zone, t);
            if (day < c.query.from || day > c.query.to) continue;
            const auto it = std::find_if(slots.begin(), slots.end(),
                                         [&](const Slot& s) { return s.start == t; });
            const auto ex = explain_slot(c.cal, c.svc, c.bookings, c.blocks, c.query.now, t, std::nullopt, c.counted);
            const bool offered = it != slots.end();
            (offered ? offered_seen : refused_seen) += 1;
            const bool ok = ex.offered == offered &&
                            (offered ? ex.reasons.empty() && ex.remaining == it->remaining
                                     : !ex.reasons.empty());
            if (!ok) {
                ++mismatches;
                std::ostringstream reasons;
                for (const auto& r : ex.reasons) reasons << "  - " << r << "\n";
                FAIL_CHECK("explain disagrees at "
                           << format_instant(t) << " in scenario " << i << " of seed " << seed
                           << ": compute_slots " << (offered ? "offers" : "does not offer")
                           << " it, explain_slot says offered=" << ex.offered
                           << " remaining=" << ex.remaining << "\nreasons:\n"
                           << reasons.str()
                           << "scenario (slots compared over from - 1 .. to + 1):\n"
                           << to_scenario_json(c).dump());
            }
        }
    }
    CHECK(offered_seen > runs / 8);
    CHECK(refused_seen > runs / 8);
}
