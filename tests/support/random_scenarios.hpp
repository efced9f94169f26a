// Random but valid availability cases for the property test, in zones with
// awkward offsets and around their DST transitions: windows (some past
// midnight), overrides, bookings, blocks, services with segments and limits.
// Deterministic for a seed (splitmix64, not the std distributions, which
// differ between standard libraries).
#pragma once

#include "support/brute_force_model.hpp"

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

inline std::uint64_t env_or(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return fallback;
    return std::strtoull(v, nullptr, 0);
}

// ---------------------------------------------------------------------------
// The generator.

struct ZoneSpec {
    const char* name;
    int first_year;  // transitions are looked for in [first_year, last_year]
    int last_year;
};

inline const std::vector<ZoneSpec> zone_specs{
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

inline std::vector<Zone> load_zones() {
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

inline Date local_date_of(TimeZone tz, Instant t) {
    return Date{std::chrono::floor<date::days>(tz->to_local(t))};
}

/// Minutes since local midnight of `t` in `tz`.
inline std::int64_t local_minute_of(TimeZone tz, Instant t) {
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

}  // namespace slotwise::test::property
