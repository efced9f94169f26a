// slotwise/scenario.hpp — the scenario file format.
//
// A scenario is one resource, one service and a date range as JSON; the CLI's
// `slotwise availability FILE.json`, the Python `evaluate_scenario` and the
// tests all read it through `parse_scenario`. Parsing is strict: a wrong type,
// an unknown key, an impossible date or time, overlapping windows, negative
// minutes … each raise `Error(invalid_argument)` whose `field()` names the
// place, e.g. "weekly.mon[1]" or "service.step". Nothing is evaluated until
// the whole document is valid.
//
// Version 2 of the format adds, all optional: window ends past midnight
// ("26:00" is 02:00 on the next date), service "segments"
// ([["busy",30],["free",45],["busy",20]]) and service "limits"
// ({"day": n, "week": n, "month": n}), where every listed booking counts
// toward the limits. A version-1 file means what it meant before. The format
// is described field by field in docs/availability.md and by
// `slotwise availability --help`.
//
// Thread-safe: pure functions over values.
#pragma once

#include <slotwise/availability.hpp>
#include <slotwise/explain.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise {

/// A parsed, validated scenario.
struct Scenario {
    std::string timezone{};          ///< the zone's IANA name
    Calendar calendar{};             ///< zone, capacity, weekly hours, overrides
    std::vector<Booked> bookings{};  ///< existing bookings; every one counts toward limits
    std::vector<Interval> blocks{};  ///< time off
    ServiceRules service{};          ///< the service asked about
    /// Dates and `now`. Its `counted_starts` stays empty, so that a copied
    /// scenario never points into another: `evaluate` and `explain` count
    /// the bookings themselves.
    SlotQuery query{};

    /// The start of every booking: what counts toward the service's limits.
    std::vector<Instant> counted_starts() const {
        std::vector<Instant> out;
        out.reserve(bookings.size());
        for (const auto& b : bookings) out.push_back(b.interval.begin);
        return out;
    }
};

namespace detail::scenario {

using json = nlohmann::json;

inline std::string type_name(const json& j) {
    if (j.is_number_integer()) return "an integer";
    if (j.is_number()) return "a fractional number";
    if (j.is_string()) return "a string";
    if (j.is_boolean()) return "a boolean";
    if (j.is_null()) return "null";
    if (j.is_array()) return "an array";
    return "an object";
}

// Field names are printed on one error line: control characters in a key
// must not break it.
inline std::string printable(std::string_view key) {
    if (key.empty()) return "\"\"";
    std::string out;
    for (char c : key.substr(0, 64)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    if (key.size() > 64) out += "...";
    return out;
}

inline std::string join(const std::string& parent, std::string_view key) {
    return parent.empty() ? printable(key) : parent + "." + printable(key);
}

inline std::string at_index(const std::string& parent, std::size_t i) {
    return parent + "[" + std::to_string(i) + "]";
}

inline const json& expect_object(const json& j, const std::string& field,
                                 std::initializer_list<std::string_view> allowed) {
    if (!j.is_object()) invalid(field.empty() ? "(document)" : field, "expected an object, got " + type_name(j));
    for (const auto& [key, value] : j.items()) {
        bool known = false;
        for (auto a : allowed) known = known || key == a;
        if (known) continue;
        std::string expected;
        for (auto a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
        invalid(join(field, key), "unknown field; expected one of: " + expected);
    }
    return j;
}

inline const json& expect_array(const json& j, const std::string& field) {
    if (!j.is_array()) invalid(field, "expected an array, got " + type_name(j));
    return j;
}

inline const std::string& expect_string(const json& j, const std::string& field) {
    if (!j.is_string()) invalid(field, "expected a string, got " + type_name(j));
    return j.get_ref<const std::string&>();
}

inline std::int64_t expect_integer(const json& j, const std::string& field, std::int64_t lo,
                                   std::int64_t hi) {
    if (!j.is_number_integer()) invalid(field, "expected an integer, got " + type_name(j));
    const bool too_big = j.is_number_unsigned() &&
                         j.get<std::uint64_t>() > static_cast<std::uint64_t>(hi);
    const std::int64_t v = too_big ? hi : j.get<std::int64_t>();
    if (too_big || v < lo || v > hi) {
        invalid(field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                           (too_big ? "" : ", got " + std::to_string(v)));
    }
    return v;
}

inline Minutes expect_minutes(const json& obj, std::string_view key, const std::string& parent,
                              std::int64_t lowest, std::optional<Minutes> fallback) {
    const auto field = join(parent, key);
    const auto it = obj.find(key);
    if (it == obj.end()) {
        if (!fallback) invalid(field, "required");
        return *fallback;
    }
    return Minutes{expect_integer(*it, field, lowest, max_minutes.count())};
}

inline const json& required(const json& obj, std::string_view key, const std::string& parent) {
    const auto it = obj.find(key);
    if (it == obj.end()) invalid(join(parent, key), "required");
    return *it;
}

inline std::vector<LocalWindow> parse_windows(const json& j, const std::string& field) {
    std::vector<LocalWindow> out;
    expect_array(j, field);
    for (std::size_t i = 0; i < j.size(); ++i) {
        const auto name = at_index(field, i);
        const auto& pair = expect_array(j[i], name);
        if (pair.size() != 2) invalid(name, "expected [\"HH:MM\", \"HH:MM\"]");
        const auto start = parse_local_time(expect_string(pair[0], name + "[0]"), name + "[0]",
                                            LocalTimeKind::time_of_day);
        const auto end = parse_local_time(expect_string(pair[1], name + "[1]"), name + "[1]",
                                          LocalTimeKind::window_end);
        if (end <= start) {
            invalid(name, "end " + format_local_time(end) + " is not after start " +
                              format_local_time(start));
        }
        out.push_back({start, end});
    }
    normalize_windows(out, field);
    return out;
}

inline Interval parse_interval(const json& j, const std::string& field,
                               std::initializer_list<std::string_view> allowed) {
    expect_object(j, field, allowed);
    const auto start_field = join(field, "start");
    const auto end_field = join(field, "end");
    const Instant start = parse_instant(expect_string(required(j, "start", field), start_field), start_field);
    const Instant end = parse_instant(expect_string(required(j, "end", field), end_field), end_field);
    if (end <= start) {
        invalid(end_field, format_instant(end) + " is not after start " + format_instant(start));
    }
    return {start, end};
}

// [["busy", 30], ["free", 45], ["busy", 20]]; the rules on their order and
// sum are checked with the rest of the service by `validate`.
inline std::vector<Segment> parse_segments(const json& j, const std::string& field) {
    std::vector<Segment> out;
    expect_array(j, field);
    if (j.empty()) invalid(field, "expected at least one segment");
    if (j.size() > max_segments) invalid(field, "at most " + std::to_string(max_segments) + " segments");
    for (std::size_t i = 0; i < j.size(); ++i) {
        const auto name = at_index(field, i);
        const auto& pair = expect_array(j[i], name);
        if (pair.size() != 2) invalid(name, "expected [\"busy\" or \"free\", minutes]");
        const auto& kind = expect_string(pair[0], name + "[0]");
        if (kind != "busy" && kind != "free") {
            invalid(name + "[0]", "expected \"busy\" or \"free\", got " + detail::quoted(kind));
        }
        const Minutes length{expect_integer(pair[1], name + "[1]", 0, max_minutes.count())};
        out.push_back({kind == "busy" ? SegmentKind::busy : SegmentKind::free, length});
    }
    return out;
}

inline BookingLimits parse_limits(const json& j, const std::string& field) {
    expect_object(j, field, {"day", "week", "month"});
    BookingLimits out;
    const auto read = [&](std::string_view key, std::optional<int>& into) {
        if (const auto it = j.find(key); it != j.end()) {
            into = static_cast<int>(expect_integer(*it, join(field, key), 1, max_booking_limit));
        }
    };
    read("day", out.day);
    read("week", out.week);
    read("month", out.month);
    return out;
}

}  // namespace detail::scenario

/// Parses and validates a scenario document; throws `Error(invalid_argument)`
/// naming the field. Malformed JSON is reported on the field "json".
inline Scenario parse_scenario(std::string_view text) {
    using namespace detail::scenario;
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::exception& e) {  // parse errors, and numbers beyond a double
        // e.what() is "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
        std::string what = e.what();
        if (const auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
        invalid("json", what);
    }
    expect_object(doc, "", {"timezone", "now", "from", "to", "capacity", "weekly", "overrides",
                            "bookings", "blocks", "service"});
    Scenario sc;
    sc.timezone = expect_string(required(doc, "timezone", ""), "timezone");
    sc.calendar.zone = locate_zone(sc.timezone, "timezone");
    if (const auto it = doc.find("now"); it != doc.end()) {
        sc.query.now = parse_instant(expect_string(*it, "now"), "now");
    }
    sc.query.from = parse_date(expect_string(required(doc, "from", ""), "from"), "from");
    sc.query.to = parse_date(expect_string(required(doc, "to", ""), "to"), "to");
    validate(sc.query);
    if (const auto it = doc.find("capacity"); it != doc.end()) {
        sc.calendar.capacity = static_cast<int>(expect_integer(*it, "capacity", 1, max_seats));
    }

    const auto& weekly = expect_object(required(doc, "weekly", ""), "weekly",
                                       {"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
    for (std::size_t d = 0; d < weekday_keys.size(); ++d) {
        if (const auto it = weekly.find(weekday_keys[d]); it != weekly.end()) {
            sc.calendar.weekly.days[d] = parse_windows(*it, join("weekly", weekday_keys[d]));
        }
    }
    if (const auto it = doc.find("overrides"); it != doc.end()) {
        if (!it->is_object()) invalid("overrides", "expected an object, got " + type_name(*it));
        for (const auto& [key, value] : it->items()) {
            const auto field = join("overrides", key);
            const Date day = parse_date(key, field);
            sc.calendar.overrides[day] = parse_windows(value, field);
        }
    }
    if (const auto it = doc.find("bookings"); it != doc.end()) {
        expect_array(*it, "bookings");
        for (std::size_t i = 0; i < it->size(); ++i) {
            const auto field = at_index("bookings", i);
            const auto& b = (*it)[i];
            Booked booked;
            booked.interval = parse_interval(b, field, {"start", "end", "seats", "buffer_before", "buffer_after"});
            if (const auto s = b.find("seats"); s != b.end()) {
                booked.seats = static_cast<int>(expect_integer(*s, join(field, "seats"), 1, max_seats));
            }
            booked.buffer_before = expect_minutes(b, "buffer_before", field, 0, Minutes{0});
            booked.buffer_after = expect_minutes(b, "buffer_after", field, 0, Minutes{0});
            sc.bookings.push_back(booked);
        }
    }
    if (const auto it = doc.find("blocks"); it != doc.end()) {
        expect_array(*it, "blocks");
        for (std::size_t i = 0; i < it->size(); ++i) {
            sc.blocks.push_back(parse_interval((*it)[i], at_index("blocks", i), {"start", "end"}));
        }
    }

    const auto& svc = expect_object(required(doc, "service", ""), "service",
                                    {"duration", "step", "buffer_before", "buffer_after", "seats",
                                     "min_notice", "horizon", "segments", "limits"});
    auto& rules = sc.service;
    rules.duration = expect_minutes(svc, "duration", "service", 1, std::nullopt);
    rules.step = expect_minutes(svc, "step", "service", 1, rules.duration);
    rules.buffer_before = expect_minutes(svc, "buffer_before", "service", 0, Minutes{0});
    rules.buffer_after = expect_minutes(svc, "buffer_after", "service", 0, Minutes{0});
    rules.min_notice = expect_minutes(svc, "min_notice", "service", 0, Minutes{0});
    rules.horizon = expect_minutes(svc, "horizon", "service", 0, Minutes{0});
    if (const auto it = svc.find("seats"); it != svc.end()) {
        rules.seats = static_cast<int>(expect_integer(*it, "service.seats", 1, sc.calendar.capacity));
    }
    // Notice and horizon count from `now`: without it they would silently
    // do nothing, which is never what the author of the file meant.
    if (!sc.query.now) {
        if (rules.min_notice > Minutes{0}) invalid("service.min_notice", "needs \"now\" to count from");
        if (rules.horizon > Minutes{0}) invalid("service.horizon", "needs \"now\" to count from");
    }
    if (const auto it = svc.find("segments"); it != svc.end()) {
        rules.segments = parse_segments(*it, "service.segments");
    }
    if (const auto it = svc.find("limits"); it != svc.end()) {
        rules.limits = parse_limits(*it, "service.limits");
    }
    validate(sc.calendar);
    validate(sc.service, sc.calendar.capacity);
    return sc;
}

/// Most slots one scenario may produce (about 80 MB of JSON): beyond it the
/// question is refused rather than answered with an unusable document.
inline constexpr std::size_t max_scenario_slots = 1'000'000;

/// The scenario's offered slots. Throws `invalid_argument` on "to" when
/// there would be more than `max_scenario_slots`.
inline std::vector<Slot> evaluate(const Scenario& sc) {
    const auto counted = sc.counted_starts();
    SlotQuery query = sc.query;
    query.counted_starts = counted;
    auto slots = compute_slots(sc.calendar, sc.service, sc.bookings, sc.blocks, query);
    if (slots.size() > max_scenario_slots) {
        invalid("to", "more than " + std::to_string(max_scenario_slots) + " slots; ask for fewer days");
    }
    return slots;
}

/// The output document as compact JSON text and a newline, written directly
/// (a million slots print in well under a second).
inline std::string slots_to_text(const std::vector<Slot>& slots) {
    std::string out = "{\"slots\":[";
    out.reserve(out.size() + slots.size() * 80 + 3);
    for (std::size_t i = 0; i < slots.size(); ++i) {
        if (i > 0) out += ',';
        out += "{\"start\":\"";
        out += format_instant(slots[i].start);
        out += "\",\"end\":\"";
        out += format_instant(slots[i].end);
        out += "\",\"remaining\":";
        out += std::to_string(slots[i].remaining);
        out += '}';
    }
    out += "]}\n";
    return out;
}

/// Parses, evaluates and prints a scenario exactly as `slotwise availability`
/// does on stdout (compact JSON and a newline). Throws `Error` for bad input.
inline std::string evaluate_scenario(std::string_view text) { return slots_to_text(evaluate(parse_scenario(text))); }

/// Explains a start given as an RFC 3339 instant, or as a local wall time
/// "YYYY-MM-DDTHH:MM" (no offset) in the scenario's zone.
inline Explanation explain(const Scenario& sc, std::string_view asked, const std::string& field) {
    std::optional<date::local_seconds> local;
    Instant start;
    if (asked.size() == 16 && asked[10] == 'T') {
        const Date day = parse_date(asked.substr(0, 10), field);
        const Minutes minutes = parse_local_time(asked.substr(11), field, LocalTimeKind::time_of_day);
        local = date::local_seconds{date::local_days{day}.time_since_epoch() + minutes};
        start = to_utc(sc.calendar.zone, day, minutes);
    } else {
        start = parse_instant(asked, field);
    }
    return explain_slot(sc.calendar, sc.service, sc.bookings, sc.blocks, sc.query.now, start, local,
                        sc.counted_starts());
}

}  // namespace slotwise
