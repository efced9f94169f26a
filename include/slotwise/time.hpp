// slotwise/time.hpp — instants, intervals, local dates and times, and the one
// rule for turning a local wall time into an instant.
//
// Instants are UTC `std::chrono::sys_seconds`; intervals are half-open
// `[begin, end)`. Working hours are local wall-clock minutes in a resource's
// IANA zone (Howard Hinnant's date/tz over the system tz database, because
// GCC 12's libstdc++ has no `std::chrono::zoned_time`).
//
// The local → UTC rule: a wall time L on date D maps to the earliest instant
// whose local wall time is >= L. An ambiguous time (autumn
// fall-back) takes its first occurrence; a time inside a spring-forward gap
// maps to the instant the gap ends. The mapping is monotone, so local windows
// that do not overlap never overlap in UTC either.
//
// The parsers take the name of the field being read, so that an error can say
// where the bad value came from ("weekly.mon[1][0]"); it defaults to a plain
// word for one-off calls such as `parse_date("2026-06-01")`.
//
// All functions are pure and thread-safe (date/tz's database is immutable
// once loaded).
#pragma once

#include <slotwise/error.hpp>

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace slotwise {

/// A point in time, UTC, whole seconds.
using Instant = std::chrono::sys_seconds;
/// A length of time in whole minutes (durations, buffers, notice, horizon).
using Minutes = std::chrono::minutes;
/// A calendar date (proleptic Gregorian, no zone).
using Date = date::year_month_day;
/// A time zone from the system tz database; never null once located.
using TimeZone = const date::time_zone*;

/// A half-open interval of instants `[begin, end)`.
struct Interval {
    Instant begin{};  ///< first instant inside
    Instant end{};    ///< first instant after

    /// True when the two intervals share at least one instant.
    constexpr bool overlaps(const Interval& o) const noexcept {
        return begin < o.end && o.begin < end;
    }
    /// True when `t` lies in `[begin, end)`.
    constexpr bool contains(Instant t) const noexcept { return begin <= t && t < end; }
    friend constexpr bool operator==(const Interval&, const Interval&) = default;
};

/// Latest wall time a window may end at: 47:59, i.e. 23:59 of the next day.
inline constexpr Minutes max_window_end{47 * 60 + 59};

/// A local wall-clock window `[start, end)` belonging to the day it starts
/// on, in minutes since that day's local midnight. An end past 24:00 spills
/// into the next calendar date: a bar open 19:00-02:00 is {19h, 26h}, and
/// "26:00" means 02:00 wall time on the next date, not 26 elapsed hours (on
/// a DST night the two differ).
struct LocalWindow {
    Minutes start{};  ///< 00:00 .. 23:59
    Minutes end{};    ///< 00:01 .. 47:59, after `start`
    friend constexpr bool operator==(const LocalWindow&, const LocalWindow&) = default;
};

/// What a local time read by `parse_local_time` may be.
enum class LocalTimeKind {
    time_of_day,  ///< 00:00 .. 23:59, e.g. a window's start
    window_end,   ///< 00:00 .. 47:59: a window's end, past midnight from 24:00 on
};

namespace detail {

// Reads exactly `n` ASCII digits at `pos`; false when any is not a digit.
constexpr bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

inline std::string quoted(std::string_view s) {
    constexpr std::size_t max_shown = 64;
    std::string out = "\"";
    for (char c : s.substr(0, max_shown)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    if (s.size() > max_shown) out += "...";
    return out + "\"";
}

}  // namespace detail

/// Finds an IANA zone by name; throws `invalid_argument` naming `field` when
/// the name is unknown.
inline TimeZone locate_zone(std::string_view name, const std::string& field = "timezone") {
    if (name.empty()) invalid(field, "time zone is empty");
    // date::locate_zone throws std::runtime_error for unknown names.
    try {
        return date::locate_zone(std::string(name));
    } catch (const std::exception&) {
        invalid(field, "unknown time zone " + detail::quoted(name));
    }
}

/// The instant of local wall time `local` (minutes since midnight of `day`,
/// 0..max_window_end; from 24:00 on, a wall time of the next date) in `zone`,
/// by the earliest/gap rule above.
inline Instant to_utc(TimeZone zone, date::local_days day, Minutes local) {
    const date::local_seconds wall{day.time_since_epoch() + local};
    // choose::earliest picks the first occurrence of an ambiguous time and the
    // transition instant (where the gap ends) for a nonexistent one.
    return std::chrono::floor<std::chrono::seconds>(zone->to_sys(wall, date::choose::earliest));
}

/// The same for a calendar date.
inline Instant to_utc(TimeZone zone, Date day, Minutes local) {
    return to_utc(zone, date::local_days{day}, local);
}

/// The local date on which `t` falls in `zone`.
inline Date local_date(TimeZone zone, Instant t) {
    return Date{std::chrono::floor<date::days>(zone->to_local(t))};
}

/// Local wall-clock time of `t` in `zone`.
inline date::local_seconds to_local(TimeZone zone, Instant t) { return zone->to_local(t); }


/// Dates are accepted in years 1900..2999 and instants in 1800..3100: wide
/// enough for any calendar, narrow enough that every instant computed from a
/// valid date (zone offsets included) parses back.
inline constexpr int min_date_year = 1900, max_date_year = 2999;
inline constexpr int min_instant_year = 1800, max_instant_year = 3100;

/// Throws `invalid_argument` naming `field` unless `d` is a real date in
/// years 1900..2999: the one bound on dates, however they arrive (text,
/// a C++ value, a Python `datetime.date`).
inline void check_date(Date d, const std::string& field = "date") {
    if (!d.year().ok() || int{d.year()} < min_date_year || int{d.year()} > max_date_year) {
        invalid(field, "year must be between " + std::to_string(min_date_year) + " and " + std::to_string(max_date_year));
    }
    if (!d.ok()) invalid(field, "not a valid date");
}

/// Parses "YYYY-MM-DD" (years 1900..2999); throws `invalid_argument` naming
/// `field` for a malformed or impossible date such as 2026-02-30.
inline Date parse_date(std::string_view s, const std::string& field = "date") {
    int y = 0, m = 0, d = 0;
    if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !detail::read_digits(s, 0, 4, y) ||
        !detail::read_digits(s, 5, 2, m) || !detail::read_digits(s, 8, 2, d)) {
        invalid(field, "expected a date YYYY-MM-DD, got " + detail::quoted(s));
    }
    const Date date{date::year{y}, date::month{static_cast<unsigned>(m)},
                    date::day{static_cast<unsigned>(d)}};
    if (date.year().ok() && date.ok()) {
        check_date(date, field);
    } else {
        check_date(date::year{y} / 1 / 1, field);
        invalid(field, "no such date " + detail::quoted(s));
    }
    return date;
}

/// Formats a date as "YYYY-MM-DD".
inline std::string format_date(Date d) { return date::format("%F", date::sys_days{d}); }

/// Parses a local time "HH:MM": 00:00..23:59, or up to 47:59 for a
/// `window_end` (see `LocalWindow`).
///
/// **Example**
///   parse_local_time("09:30")                                          // 570 min
///   parse_local_time("26:00", "weekly.fri[0][1]", LocalTimeKind::window_end)  // 1560 min
inline Minutes parse_local_time(std::string_view s, const std::string& field = "time",
                                LocalTimeKind kind = LocalTimeKind::time_of_day) {
    int h = 0, m = 0;
    if (s.size() != 5 || s[2] != ':' || !detail::read_digits(s, 0, 2, h) ||
        !detail::read_digits(s, 3, 2, m)) {
        invalid(field, "expected a local time HH:MM, got " + detail::quoted(s));
    }
    const int last_hour = kind == LocalTimeKind::window_end ? 47 : 23;
    if (h > last_hour || m > 59) {
        invalid(field, kind == LocalTimeKind::window_end
                           ? "no such window end " + detail::quoted(s) + " (00:00..47:59)"
                           : "no such time of day " + detail::quoted(s));
    }
    return Minutes{h * 60 + m};
}

/// The same, for callers that say with a bool whether `s` ends a window
/// (true: up to 47:59).
inline Minutes parse_local_time(std::string_view s, const std::string& field, bool window_end) {
    return parse_local_time(s, field, window_end ? LocalTimeKind::window_end : LocalTimeKind::time_of_day);
}

/// Formats minutes since midnight as "HH:MM"; past midnight keeps counting
/// (1440 prints as "24:00", 1560 as "26:00").
inline std::string format_local_time(Minutes m) {
    const auto v = m.count();
    std::string out(5, ':');
    out[0] = static_cast<char>('0' + v / 600);
    out[1] = static_cast<char>('0' + (v / 60) % 10);
    out[3] = static_cast<char>('0' + (v % 60) / 10);
    out[4] = static_cast<char>('0' + v % 10);
    return out;
}

/// Parses an RFC 3339 instant: "YYYY-MM-DDTHH:MM:SS" with optional fraction
/// (truncated to seconds) and "Z" or a "±HH:MM" offset.
inline Instant parse_instant(std::string_view s, const std::string& field = "instant") {
    const auto fail = [&]() -> Instant {
        invalid(field, "expected an RFC 3339 instant like 2026-06-01T09:00:00Z, got " +
                           detail::quoted(s));
    };
    int y = 0, mo = 0, d = 0;
    if (s.size() < 20 || (s[10] != 'T' && s[10] != 't') || s[4] != '-' || s[7] != '-' ||
        !detail::read_digits(s, 0, 4, y) || !detail::read_digits(s, 5, 2, mo) ||
        !detail::read_digits(s, 8, 2, d) || y < min_instant_year || y > max_instant_year) {
        return fail();
    }
    const Date day{date::year{y}, date::month{static_cast<unsigned>(mo)},
                   date::day{static_cast<unsigned>(d)}};
    if (!day.ok()) return fail();
    int hh = 0, mm = 0, ss = 0;
    if (!detail::read_digits(s, 11, 2, hh) || s[13] != ':' || !detail::read_digits(s, 14, 2, mm) ||
        s[16] != ':' || !detail::read_digits(s, 17, 2, ss) || hh > 23 || mm > 59 || ss > 60) {
        return fail();
    }
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        const std::size_t digits_from = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
        if (pos == digits_from) return fail();
    }
    std::chrono::seconds offset{0};
    if (pos + 1 == s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        // UTC
    } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int oh = 0, om = 0;
        if (!detail::read_digits(s, pos + 1, 2, oh) || s[pos + 3] != ':' ||
            !detail::read_digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
            return fail();
        }
        offset = std::chrono::hours{oh} + std::chrono::minutes{om};
        if (s[pos] == '-') offset = -offset;
    } else {
        return fail();
    }
    // A leap second (":60") is folded onto the next second, as POSIX time does.
    return Instant{date::sys_days{day}.time_since_epoch()} + std::chrono::hours{hh} +
           std::chrono::minutes{mm} + std::chrono::seconds{ss} - offset;
}

/// Formats an instant as RFC 3339 UTC, "YYYY-MM-DDTHH:MM:SSZ".
/// Written by hand: date::format goes through iostreams and dominated the
/// time to print large slot lists.
inline std::string format_instant(Instant t) {
    const auto day = std::chrono::floor<date::days>(t);
    const date::year_month_day ymd{day};
    const auto secs = (t - day).count();
    const int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) return date::format("%FT%TZ", t);
    const int fields[] = {static_cast<int>(static_cast<unsigned>(ymd.month())), static_cast<int>(static_cast<unsigned>(ymd.day())),
                          static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60)};
    std::string out = "0000-00-00T00:00:00Z";
    out[0] = static_cast<char>('0' + y / 1000);
    out[1] = static_cast<char>('0' + y / 100 % 10);
    out[2] = static_cast<char>('0' + y / 10 % 10);
    out[3] = static_cast<char>('0' + y % 10);
    constexpr std::size_t positions[] = {5, 8, 11, 14, 17};
    for (std::size_t i = 0; i < 5; ++i) {
        out[positions[i]] = static_cast<char>('0' + fields[i] / 10);
        out[positions[i] + 1] = static_cast<char>('0' + fields[i] % 10);
    }
    return out;
}

}  // namespace slotwise
