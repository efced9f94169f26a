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

#include <slotwise/json_reader.hpp>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
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

/// Bounds on a scenario document (see json_reader.hpp for the rules they
/// belong to). A year of 10,000 bookings is about 0.7 MB; the deepest valid
/// scenario nests 4 levels (weekly → day → window → time).
inline constexpr JsonLimits scenario_json_limits{.max_bytes = std::size_t{32} << 20, .max_depth = 16};

namespace detail::scenario {

inline constexpr std::array<std::string_view, 10> top_keys{
    "timezone", "now", "from", "to", "capacity", "weekly", "overrides", "bookings", "blocks", "service"};
inline constexpr std::array<std::string_view, 9> service_keys{
    "duration", "step", "buffer_before", "buffer_after", "seats", "min_notice", "horizon", "segments", "limits"};
inline constexpr std::array<std::string_view, 5> booking_keys{"start", "end", "seats", "buffer_before",
                                                              "buffer_after"};
inline constexpr std::array<std::string_view, 3> limit_keys{"day", "week", "month"};

[[noreturn, gnu::cold, gnu::noinline]] inline void unknown_member(const JsonField& field, const std::string_view* keys,
                                                                   std::size_t count) {
    std::string expected;
    for (std::size_t i = 0; i < count; ++i) expected += (i == 0 ? "" : ", ") + std::string(keys[i]);
    invalid(field.str(), "unknown field; expected one of: " + expected);
}

// The index of `key` among the first `count` of `keys`, or refuses it as
// unknown listing them.
template <std::size_t N>
std::size_t member_index(const JsonField& field, std::string_view key, const std::array<std::string_view, N>& keys,
                         std::size_t count = N) {
    for (std::size_t i = 0; i < count; ++i) {
        if (keys[i] == key) return i;
    }
    unknown_member(field, keys.data(), count);
}

[[noreturn, gnu::cold, gnu::noinline]] inline void duplicate_member(const JsonField& field, const JsonReader& r) {
    invalid(field.str(), "duplicate key (the value at " + r.position(r.offset()) + ")");
}

// Marks member `i` as seen; a second time is a duplicate key.
inline void first_time(unsigned& seen, std::size_t i, const JsonField& field, const JsonReader& r) {
    const unsigned bit = 1u << i;
    if (seen & bit) [[unlikely]] duplicate_member(field, r);
    seen |= bit;
}

// Runs `parse(field_name)` with an empty name, and names `field` only when it
// throws: no string is built for a field on the happy path.
template <class Parse>
auto at_field(const JsonField& field, Parse&& parse) {
    static const std::string unnamed;
    try {
        return parse(unnamed);
    } catch (const Error& e) {
        if (!e.field().empty()) throw;
        invalid(field.str(), e.what());
    }
}

inline Minutes read_minutes(JsonReader& r, const JsonField& field, std::int64_t lowest) {
    return Minutes{r.integer(field, lowest, max_minutes.count())};
}

// [["09:00","13:00"], ...]: each window a pair, checked as a pair before its times.
inline std::vector<LocalWindow> parse_windows(JsonReader& r, const JsonField& field) {
    std::vector<LocalWindow> out;
    r.array(field, [&](std::size_t i) {
        const JsonField window = field[i];
        std::string times[2];
        std::size_t count = 0;
        r.array(window, [&](std::size_t j) {
            if (j >= 2) invalid(window.str(), "expected [\"HH:MM\", \"HH:MM\"]");
            times[j] = r.string(window[j]);
            count = j + 1;
        });
        if (count != 2) invalid(window.str(), "expected [\"HH:MM\", \"HH:MM\"]");
        const auto start = at_field(window[0], [&](const std::string& f) {
            return parse_local_time(times[0], f, LocalTimeKind::time_of_day);
        });
        const auto end = at_field(window[1], [&](const std::string& f) {
            return parse_local_time(times[1], f, LocalTimeKind::window_end);
        });
        if (end <= start) {
            invalid(window.str(), "end " + format_local_time(end) + " is not after start " + format_local_time(start));
        }
        out.push_back({start, end});
    });
    normalize_windows(out, field.str());
    return out;
}

// The last date `plain_utc_instant` converted: a scenario's instants come
// mostly sorted, many on one date.
struct DayCache {
    bool valid = false;
    char text[10] = {};  // "YYYY-MM-DD"
    std::int64_t days = 0;
};

// Masks of an 8-byte template such as "####-##-" ('#' a digit), for a
// little-endian load: `keep` selects what must equal `want` (a digit's high
// nibble 3, a separator whole); `six` adds 6 to each digit, whose high nibble
// must stay 3 (so the digit is at most 9).
struct Template8 {
    std::uint64_t keep = 0, want = 0, six = 0, digit_high = 0;
    constexpr explicit Template8(const char (&t)[9]) {
        for (int i = 0; i < 8; ++i) {
            const int shift = 8 * i;
            if (t[i] == '#') {
                keep |= std::uint64_t{0xf0} << shift;
                want |= std::uint64_t{0x30} << shift;
                six |= std::uint64_t{0x06} << shift;
                digit_high |= std::uint64_t{0xf0} << shift;
            } else {
                keep |= std::uint64_t{0xff} << shift;
                want |= std::uint64_t{static_cast<unsigned char>(t[i])} << shift;
            }
        }
    }
    bool matches(const char* p) const {
        if constexpr (std::endian::native == std::endian::little) {
            std::uint64_t v = 0;
            std::memcpy(&v, p, 8);
            // A carry out of a byte needs a byte >= 0xfa, which fails the first test.
            return (v & keep) == want && ((v + six) & digit_high) == (want & digit_high);
        } else {
            for (int i = 0; i < 8; ++i) {
                const auto c = static_cast<std::uint64_t>(static_cast<unsigned char>(p[i]));
                const auto k = (keep >> (8 * i)) & 0xff, w = (want >> (8 * i)) & 0xff;
                if ((c & k) != w || (k == 0xf0 && c > '9')) return false;
            }
            return true;
        }
    }
};

// "YYYY-MM-DDTHH:MM:SSZ", the form nearly every instant of a scenario takes,
// read without the general parser's branches into `out`; false when `s` has
// another form or is out of range, and then `parse_instant` decides (and
// names the fault). Gives exactly what `parse_instant` gives
// (tests/json_reader_test.cpp). A bool and an out-parameter rather than an
// optional: the optional's flag, stored as a byte and read back as a word,
// stalled the store-forwarding of every call.
inline bool plain_utc_instant(std::string_view s, DayCache& cache, Instant& out) {
    static constexpr Template8 date_part("####-##-"), date_end("##T##:##"), time_part("##:##:##");
    if (s.size() != 20) return false;
    const char* p = s.data();
    const bool same_day = cache.valid && std::memcmp(p, cache.text, 10) == 0;
    if (!(same_day || (date_part.matches(p) && date_end.matches(p + 8))) || p[10] != 'T' || !time_part.matches(p + 11) ||
        p[19] != 'Z') {
        return false;
    }
    const auto two = [&](std::size_t i) { return static_cast<unsigned>((p[i] - '0') * 10 + (p[i + 1] - '0')); };
    const unsigned hh = two(11), mm = two(14), ss = two(17);
    if (hh > 23 || mm > 59 || ss > 60) return false;
    const std::chrono::seconds time_of_day{hh * 3600 + mm * 60 + ss};
    if (!same_day) {
        const unsigned y = two(0) * 100 + two(2), mo = two(5), day = two(8);
        if (y < static_cast<unsigned>(min_instant_year) || y > static_cast<unsigned>(max_instant_year) || mo < 1 ||
            mo > 12 || day < 1) {
            return false;
        }
        const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        constexpr unsigned month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (day > month_days[mo - 1] + (mo == 2 && leap ? 1u : 0u)) return false;
        // Days since 1970-01-01 (H. Hinnant's days_from_civil; the years here are positive).
        const unsigned yy = y - (mo <= 2 ? 1 : 0);
        const unsigned era = yy / 400;
        const unsigned yoe = yy - era * 400;
        const unsigned doy = (153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + day - 1;
        const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        cache.valid = true;
        std::memcpy(cache.text, p, 10);
        cache.days = std::int64_t{era} * 146097 + doe - 719468;
    }
    out = Instant{std::chrono::seconds{cache.days * 86400} + time_of_day};
    return true;
}

inline Instant read_instant(JsonReader& r, const JsonField& field) {
    const auto text = r.string(field);
    DayCache cache;
    if (Instant t; plain_utc_instant(text, cache, t)) return t;
    return at_field(field, [&](const std::string& f) { return parse_instant(text, f); });
}

// The members of a booking after its key: its value into `b`.
inline void read_booked_member(JsonReader& r, const JsonField& member, std::size_t i, Booked& b) {
    switch (i) {
        case 0: b.interval.begin = read_instant(r, member); break;
        case 1: b.interval.end = read_instant(r, member); break;
        case 2: b.seats = static_cast<int>(r.integer(member, 1, max_seats)); break;
        case 3: b.buffer_before = read_minutes(r, member, 0); break;
        default: b.buffer_after = read_minutes(r, member, 0); break;
    }
}

// The usual spelling of a booking or block, read without the general
// machinery: keys as literals, instants "YYYY-MM-DDTHH:MM:SSZ". False (the
// reader where it was) at anything else, a duplicate included, so that
// `object` reads it again and names any fault.
inline bool read_booked_fast(JsonReader& r, bool booking, Booked& b, unsigned& seen, DayCache& days) {
    const std::size_t at = r.offset();
    const auto give_up = [&] {
        r.rewind(at);
        b = Booked{};
        seen = 0;
        return false;
    };
    if (!r.try_open_flat_object()) return give_up();
    for (;;) {
        std::size_t i = 0;
        if (r.try_literal("\"start\"")) {
            i = 0;
        } else if (r.try_literal("\"end\"")) {
            i = 1;
        } else if (booking && r.try_literal("\"seats\"")) {
            i = 2;
        } else if (booking && r.try_literal("\"buffer_before\"")) {
            i = 3;
        } else if (booking && r.try_literal("\"buffer_after\"")) {
            i = 4;
        } else {
            return give_up();
        }
        if ((seen & (1u << i)) || !r.try_literal(":")) return give_up();
        seen |= 1u << i;
        if (i < 2) {
            const auto text = r.try_plain_string(20);
            if (!text || !plain_utc_instant(*text, days, i == 0 ? b.interval.begin : b.interval.end)) return give_up();
        } else {
            std::int64_t n = 0;
            const std::int64_t lowest = i == 2 ? 1 : 0, highest = i == 2 ? max_seats : max_minutes.count();
            if (!r.try_small_natural(n) || n < lowest || n > highest) return give_up();
            if (i == 2) {
                b.seats = static_cast<int>(n);
            } else {
                (i == 3 ? b.buffer_before : b.buffer_after) = Minutes{n};
            }
        }
        if (r.try_literal(",")) continue;
        if (r.try_literal("}")) return true;
        return give_up();
    }
}

// {"start", "end"} and, for a booking, "seats" and its buffers.
inline Booked parse_booked(JsonReader& r, const JsonField& field, bool booking, DayCache& days) {
    Booked b;
    unsigned seen = 0;
    if (!read_booked_fast(r, booking, b, seen, days)) {
        r.object(field, [&](std::string_view key) {
            const JsonField member = field / key;
            const std::size_t i = member_index(member, key, booking_keys, booking ? 5 : 2);
            first_time(seen, i, member, r);
            read_booked_member(r, member, i, b);
        });
    }
    if (!(seen & 1u)) invalid((field / "start").str(), "required");
    if (!(seen & 2u)) invalid((field / "end").str(), "required");
    if (b.interval.end <= b.interval.begin) {
        invalid((field / "end").str(),
                format_instant(b.interval.end) + " is not after start " + format_instant(b.interval.begin));
    }
    return b;
}

// [["busy", 30], ["free", 45], ["busy", 20]]; the rules on their order and
// sum are checked with the rest of the service by `validate`.
inline std::vector<Segment> parse_segments(JsonReader& r, const JsonField& field) {
    std::vector<Segment> out;
    r.array(field, [&](std::size_t i) {
        if (i >= max_segments) invalid(field.str(), "at most " + std::to_string(max_segments) + " segments");
        const JsonField pair = field[i];
        Segment segment{};
        std::size_t count = 0;
        r.array(pair, [&](std::size_t j) {
            if (j == 0) {
                const auto kind = r.string(pair[0]);
                if (kind != "busy" && kind != "free") {
                    invalid(pair[0].str(), "expected \"busy\" or \"free\", got " + detail::quoted(kind));
                }
                segment.kind = kind == "busy" ? SegmentKind::busy : SegmentKind::free;
            } else if (j == 1) {
                segment.length = read_minutes(r, pair[1], 0);
            } else {
                invalid(pair.str(), "expected [\"busy\" or \"free\", minutes]");
            }
            count = j + 1;
        });
        if (count != 2) invalid(pair.str(), "expected [\"busy\" or \"free\", minutes]");
        out.push_back(segment);
    });
    if (out.empty()) invalid(field.str(), "expected at least one segment");
    return out;
}

inline BookingLimits parse_limits(JsonReader& r, const JsonField& field) {
    BookingLimits out;
    unsigned seen = 0;
    r.object(field, [&](std::string_view key) {
        const JsonField member = field / key;
        const std::size_t i = member_index(member, key, limit_keys);
        first_time(seen, i, member, r);
        const auto n = static_cast<int>(r.integer(member, 1, max_booking_limit));
        (i == 0 ? out.day : i == 1 ? out.week : out.month) = n;
    });
    return out;
}

// The service, and its seats as written: they are checked against the
// capacity, which the document may give later.
inline void parse_service(JsonReader& r, const JsonField& field, ServiceRules& rules,
                          std::optional<std::int64_t>& seats, unsigned& seen) {
    r.object(field, [&](std::string_view key) {
        const JsonField member = field / key;
        const std::size_t i = member_index(member, key, service_keys);
        first_time(seen, i, member, r);
        switch (i) {
            case 0: rules.duration = read_minutes(r, member, 1); break;
            case 1: rules.step = read_minutes(r, member, 1); break;
            case 2: rules.buffer_before = read_minutes(r, member, 0); break;
            case 3: rules.buffer_after = read_minutes(r, member, 0); break;
            case 4:
                seats = r.integer(member, std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<std::int64_t>::max());
                break;
            case 5: rules.min_notice = read_minutes(r, member, 0); break;
            case 6: rules.horizon = read_minutes(r, member, 0); break;
            case 7: rules.segments = parse_segments(r, member); break;
            default: rules.limits = parse_limits(r, member); break;
        }
    });
}

// One pass over the document in its own order; the rules between fields
// (required fields, seats against capacity, notice against now, windows,
// segments) are checked once it has been read.
inline Scenario read_scenario(std::string_view text) {
    JsonReader r(text, scenario_json_limits);
    const JsonField root;
    Scenario sc;
    unsigned seen = 0, service_seen = 0;
    std::optional<std::int64_t> service_seats;
    DayCache days;
    r.object(root, [&](std::string_view key) {
        const JsonField member = root / key;
        const std::size_t i = member_index(member, key, top_keys);
        first_time(seen, i, member, r);
        switch (i) {
            case 0:
                sc.timezone = std::string(r.string(member));
                sc.calendar.zone = locate_zone(sc.timezone, "timezone");
                break;
            case 1: sc.query.now = read_instant(r, member); break;
            case 2: sc.query.from = parse_date(r.string(member), "from"); break;
            case 3: sc.query.to = parse_date(r.string(member), "to"); break;
            case 4: sc.calendar.capacity = static_cast<int>(r.integer(member, 1, max_seats)); break;
            case 5: {
                unsigned days = 0;
                r.object(member, [&](std::string_view day_key) {
                    const JsonField day = member / day_key;
                    const std::size_t d = member_index(day, day_key, weekday_keys);
                    first_time(days, d, day, r);
                    sc.calendar.weekly.days[d] = parse_windows(r, day);
                });
                break;
            }
            case 6:
                r.object(member, [&](std::string_view date_key) {
                    const JsonField day_field = member / date_key;
                    const Date day = at_field(day_field, [&](const std::string& f) { return parse_date(date_key, f); });
                    // The key view lasts until the next key: the windows hold none.
                    auto windows = parse_windows(r, day_field);
                    if (!sc.calendar.overrides.emplace(day, std::move(windows)).second) {
                        invalid(day_field.str(), "duplicate key (the value ending at " + r.position(r.offset()) + ")");
                    }
                });
                break;
            // No booking or block takes fewer bytes than the smallest valid one
            // ({"start":"…Z","end":"…Z"}, 61): reserving for what is left of
            // the text never reallocates, and untouched capacity costs no memory.
            case 7:
                sc.bookings.reserve((text.size() - r.offset()) / 61 + 1);
                r.array(member, [&](std::size_t b) { sc.bookings.push_back(parse_booked(r, member[b], true, days)); });
                break;
            case 8:
                sc.blocks.reserve((text.size() - r.offset()) / 61 + 1);
                r.array(member, [&](std::size_t b) { sc.blocks.push_back(parse_booked(r, member[b], false, days).interval); });
                break;
            default: parse_service(r, member, sc.service, service_seats, service_seen); break;
        }
    });
    r.finish();

    for (const std::size_t i : {0u, 2u, 3u}) {
        if (!(seen & (1u << i))) invalid(std::string(top_keys[i]), "required");
    }
    validate(sc.query);
    if (!(seen & (1u << 5))) invalid("weekly", "required");
    if (!(seen & (1u << 9))) invalid("service", "required");
    auto& rules = sc.service;
    if (!(service_seen & 1u)) invalid("service.duration", "required");
    if (!(service_seen & 2u)) rules.step = rules.duration;
    if (service_seats) {
        if (*service_seats < 1 || *service_seats > sc.calendar.capacity) {
            invalid("service.seats", "must be between 1 and " + std::to_string(sc.calendar.capacity) + ", got " +
                                         std::to_string(*service_seats));
        }
        rules.seats = static_cast<int>(*service_seats);
    }
    // Notice and horizon count from `now`: without it they would silently
    // do nothing, which is never what the author of the file meant.
    if (!sc.query.now) {
        if (rules.min_notice > Minutes{0}) invalid("service.min_notice", "needs \"now\" to count from");
        if (rules.horizon > Minutes{0}) invalid("service.horizon", "needs \"now\" to count from");
    }
    validate(sc.calendar);
    validate(sc.service, sc.calendar.capacity);
    return sc;
}

}  // namespace detail::scenario

/// Parses and validates a scenario document; throws `Error(invalid_argument)`
/// naming the field.
///
/// The document is held to `scenario_json_limits` and to the rules of
/// json_reader.hpp: a document-level fault anywhere — malformed JSON, more
/// than the size or depth limit, a number beyond a double — is reported on
/// the field "json" ("json: line 3, column 9: ..."), and a duplicate key on
/// its path ("service.step: duplicate key at line 5, column 3; first at
/// line 4, column 3"), before any other error. Otherwise the first invalid
/// value in document order is reported, then a missing required field, then
/// the rules between fields. Messages quote at most 60 characters of input.
inline Scenario parse_scenario(std::string_view text) {
    try {
        return detail::scenario::read_scenario(text);
    } catch (const Error&) {
        // The reader stopped at the first fault it met; a document-level
        // fault later in the text takes precedence, as it would for any
        // parser that reads the whole document first.
        check_json(text, scenario_json_limits);
        throw;
    }
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
