// explain_slot / explain: the verdict and every reason a slot is not offered.
#include <doctest/doctest.h>

#include <slotwise/explain.hpp>
#include <slotwise/scenario.hpp>
#include <string>
#include <vector>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {

Instant at(const char* s) { return parse_instant(s, "t"); }

// A UTC resource open Mon 2026-06-01 09:00-11:00 and Tue 09:00-11:00, with a
// 30-minute service on a 30-minute grid unless a test says otherwise.
Scenario utc_day(const std::string& extra = "", const std::string& service = R"({"duration":30})") {
    return parse_scenario(R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-02",
        "weekly":{"mon":[["09:00","11:00"]],"tue":[["09:00","11:00"]]},)" +
                          extra + R"("service":)" + service + "}");
}

std::string all(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += "\n  - " + l;
    return out;
}

// True when some line contains `part`.
bool mentions(const std::vector<std::string>& lines, const std::string& part) {
    for (const auto& l : lines) {
        if (l.find(part) != std::string::npos) return true;
    }
    return false;
}

#define CHECK_REASON(ex, part)                  \
    CHECK_MESSAGE(mentions((ex).reasons, part), \
                  "no reason mentions \"" << (part) << "\" in:" << all((ex).reasons))
#define CHECK_NO_REASON(ex, part)                \
    CHECK_MESSAGE(!mentions((ex).reasons, part), \
                  "a reason mentions \"" << (part) << "\" in:" << all((ex).reasons))

}  // namespace

TEST_CASE("an offered slot has no reasons and reports its remaining seats") {
    const auto sc = parse_scenario(
        R"({"timezone":"Europe/Rome","from":"2026-06-01","to":"2026-06-01","capacity":3,
        "weekly":{"mon":[["09:00","11:00"]]},
        "bookings":[{"start":"2026-06-01T07:30:00Z","end":"2026-06-01T08:00:00Z"}],
        "service":{"duration":30}})");
    const auto ex = explain(sc, "2026-06-01T07:30:00Z", "asked");
    CHECK(ex.offered);
    CHECK(ex.remaining == 2);
    CHECK(ex.reasons.empty());
    CHECK(ex.notes.empty());
    CHECK(ex.start == at("2026-06-01T07:30:00Z"));
    CHECK(ex.local == "Mon 2026-06-01 09:30 CEST");
    SUBCASE("asked as a local wall time, the same slot is offered") {
        const auto local = explain(sc, "2026-06-01T09:30", "asked");
        CHECK(local.offered);
        CHECK(local.start == at("2026-06-01T07:30:00Z"));
        CHECK(local.reasons.empty());
    }
}

TEST_CASE("a start outside every window names the weekly hours that apply") {
    const auto sc = utc_day();
    const auto ex = explain(sc, "2026-06-01T12:00:00Z", "asked");
    CHECK_FALSE(ex.offered);
    CHECK_REASON(ex, "outside the day's windows: the weekly hours on 2026-06-01 09:00-11:00");
    SUBCASE("a day without weekly windows is called closed") {
        const auto sunday = explain(sc, "2026-06-07T10:00:00Z", "asked");
        CHECK_FALSE(sunday.offered);
        CHECK_REASON(sunday, "the weekly hours on 2026-06-07 closed");
    }
}

TEST_CASE("a start outside the windows of an overridden day names the override") {
    SUBCASE("an override that closes the day") {
        const auto sc = utc_day(R"("overrides":{"2026-06-02":[]},)");
        const auto ex = explain(sc, "2026-06-02T09:00:00Z", "asked");
        CHECK_FALSE(ex.offered);
        CHECK_REASON(ex, "outside the day's windows: the override on 2026-06-02 closed");
    }
    SUBCASE("an override that replaces the hours") {
        const auto sc = utc_day(R"("overrides":{"2026-06-02":[["14:00","15:00"]]},)");
        const auto ex = explain(sc, "2026-06-02T09:00:00Z", "asked");
        CHECK_FALSE(ex.offered);
        CHECK_REASON(ex, "the override on 2026-06-02 14:00-15:00");
        CHECK(explain(sc, "2026-06-02T14:30:00Z", "asked").offered);
    }
}

TEST_CASE("a start off the grid names the nearest grid starts") {
    const auto sc = utc_day();
    const auto ex = explain(sc, "2026-06-01T09:10:00Z", "asked");
    CHECK_FALSE(ex.offered);
    CHECK_REASON(
        ex, "off the 30-minute grid of the window 09:00-11:00 (nearest starts: 09:00 and 09:30)");
    CHECK_NO_REASON(ex, "outside the day's windows");
    SUBCASE("near the window's end only the earlier start fits") {
        const auto late = explain(sc, "2026-06-01T10:40:00Z", "asked");
        CHECK_FALSE(late.offered);
        CHECK_REASON(late, "(nearest starts: 10:30)");
        CHECK_REASON(late, "would end at 11:10, after the window 09:00-11:00 closes");
    }
    SUBCASE("seconds off a grid start are off the grid") {
        const auto off = explain(sc, "2026-06-01T09:30:20Z", "asked");
        CHECK_FALSE(off.offered);
        CHECK_REASON(off, "off the 30-minute grid");
    }
}

TEST_CASE("an appointment that would end after its window closes is not offered") {
    const auto sc = utc_day("", R"({"duration":30,"step":15})");
    const auto ex = explain(sc, "2026-06-01T10:45:00Z", "asked");
    CHECK_FALSE(ex.offered);
    CHECK_REASON(ex, "appointment would end at 11:15, after the window 09:00-11:00 closes");
    CHECK_NO_REASON(ex, "off the");
    CHECK(explain(sc, "2026-06-01T10:30:00Z", "asked").offered);
}

TEST_CASE("a window starting in a DST gap starts its grid when the gap ends") {
    // Europe/Rome, Sun 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z).
    const auto sc =
        parse_scenario(R"({"timezone":"Europe/Rome","from":"2026-03-29","to":"2026-03-29",
        "weekly":{"sun":[["02:30","05:00"]]},"service":{"duration":60}})");
    SUBCASE("a start off the shifted grid says why the grid moved") {
        const auto ex = explain(sc, "2026-03-29T01:30:00Z", "asked");  // 03:30 CEST
        CHECK_FALSE(ex.offered);
        CHECK_REASON(
            ex,
            "the window 02:30-05:00 on 2026-03-29 starts in a DST gap, so its grid starts when "
            "the gap ends, at Sun 2026-03-29 03:00 CEST");
        CHECK_REASON(ex, "nearest starts: 03:00 and 04:00");
    }
    SUBCASE("a local time in the gap is read as the gap's end and noted") {
        const auto ex = explain(sc, "2026-03-29T02:30", "asked");
        CHECK(ex.start == at("2026-03-29T01:00:00Z"));
        CHECK(ex.offered);
        CHECK(ex.reasons.empty());
        REQUIRE(ex.notes.size() == 1);
        CHECK(ex.notes[0].find("2026-03-29 02:30 does not exist in Europe/Rome") !=
              std::string::npos);
        CHECK(ex.notes[0].find("DST gap") != std::string::npos);
    }
    SUBCASE("an existing local time gets no note") {
        CHECK(explain(sc, "2026-03-29T04:00", "asked").notes.empty());
    }
}

TEST_CASE("an overlapping booking is named with its buffers and the slot's") {
    const auto sc = utc_day(
        R"("bookings":[{"start":"2026-06-01T09:30:00Z","end":"2026-06-01T10:00:00Z","buffer_after":10}],)",
        R"({"duration":30,"step":5,"buffer_before":5})");
    const auto ex = explain(sc, "2026-06-01T10:00:00Z", "asked");
    CHECK_FALSE(ex.offered);
    CHECK_REASON(ex,
                 "over capacity: 1 seat already taken of capacity 1 at the busiest moment, 1 seat "
                 "requested");
    CHECK_REASON(
        ex,
        "overlaps the booking 09:30-10:00 (1 seat), which with its buffers occupies 09:30-10:10; "
        "this slot with its buffers needs 09:55-10:30");
    SUBCASE("a slot whose buffers begin where the booking's end is offered") {
        const auto free = explain(sc, "2026-06-01T10:15:00Z", "asked");  // needs 10:10-10:45
        CHECK(free.offered);
        CHECK(free.reasons.empty());
        CHECK_FALSE(explain(sc, "2026-06-01T10:10:00Z", "asked").offered);  // needs 10:05-10:40
    }
}

TEST_CASE("time off is named and takes every seat") {
    const auto sc =
        parse_scenario(R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-01","capacity":3,
        "weekly":{"mon":[["09:00","11:00"]]},
        "blocks":[{"start":"2026-06-01T10:10:00Z","end":"2026-06-01T10:20:00Z"}],
        "service":{"duration":30}})");
    const auto ex = explain(sc, "2026-06-01T10:00:00Z", "asked");
    CHECK_FALSE(ex.offered);
    CHECK_REASON(ex, "over capacity: 3 seats already taken of capacity 3");
    CHECK_REASON(ex, "overlaps time off Mon 2026-06-01 10:10 UTC to Mon 2026-06-01 10:20 UTC");
    CHECK_NO_REASON(ex, "overlaps the booking");
}

TEST_CASE("over capacity names the peak load, the capacity and the seats asked for") {
    const auto sc =
        parse_scenario(R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-01","capacity":3,
        "weekly":{"mon":[["09:00","11:00"]]},
        "bookings":[{"start":"2026-06-01T09:00:00Z","end":"2026-06-01T09:20:00Z","seats":1},
                    {"start":"2026-06-01T09:10:00Z","end":"2026-06-01T10:00:00Z","seats":1}],
        "service":{"duration":30,"seats":2}})");
    const auto ex = explain(sc, "2026-06-01T09:00:00Z", "asked");
    CHECK_FALSE(ex.offered);
    CHECK_REASON(ex,
                 "over capacity: 2 seats already taken of capacity 3 at the busiest moment, 2 "
                 "seats requested");
    CHECK_REASON(ex, "overlaps the booking 09:00-09:20 (1 seat)");
    CHECK_REASON(ex, "overlaps the booking 09:10-10:00 (1 seat)");
    SUBCASE("one seat fewer taken leaves the slot offered with what remains") {
        const auto later = explain(sc, "2026-06-01T10:00:00Z", "asked");
        CHECK(later.offered);
        CHECK(later.remaining == 3);
    }
}

TEST_CASE("a start before now + minimum notice names the earliest bookable start") {
    const auto sc =
        utc_day(R"("now":"2026-06-01T07:30:00Z",)", R"({"duration":30,"min_notice":120})");
    const auto ex = explain(sc, "2026-06-01T09:00:00Z", "asked");
    CHECK_FALSE(ex.offered);
    CHECK_REASON(ex,
                 "before now + minimum notice of 120 minutes: the earliest bookable start is Mon "
                 "2026-06-01 09:30 UTC");
    CHECK(ex.reasons.size() == 1);
    CHECK(explain(sc, "2026-06-01T09:30:00Z", "asked").offered);
}

TEST_CASE("a start at or past now + horizon names the horizon") {
    const auto sc = utc_day(R"("now":"2026-06-01T08:00:00Z",)", R"({"duration":30,"horizon":180})");
    const auto ex =
        explain(sc, "2026-06-01T11:00:00Z", "asked");  // also past the window: two reasons
    CHECK_FALSE(ex.offered);
    CHECK_REASON(
        ex,
        "past the booking horizon of 180 minutes: starts must be before Mon 2026-06-01 11:00 UTC");
    const auto next_day = explain(sc, "2026-06-02T09:00:00Z", "asked");
    CHECK_FALSE(next_day.offered);
    CHECK_REASON(next_day, "past the booking horizon");
    CHECK(next_day.reasons.size() == 1);
    CHECK(explain(sc, "2026-06-01T10:30:00Z", "asked").offered);
}

TEST_CASE("every failing rule is listed, not just the first") {
    const auto sc = utc_day(R"("now":"2026-06-01T10:00:00Z",
        "bookings":[{"start":"2026-06-01T10:40:00Z","end":"2026-06-01T11:00:00Z"}],)",
                            R"({"duration":30,"min_notice":60})");
    const auto ex = explain(sc, "2026-06-01T10:45:00Z", "asked");
    CHECK_FALSE(ex.offered);
    CHECK_REASON(ex, "would end at 11:15");
    CHECK_REASON(ex, "off the 30-minute grid");
    CHECK_REASON(ex, "overlaps the booking 10:40-11:00");
    CHECK_REASON(ex, "before now + minimum notice");
}

TEST_CASE("explain refuses a malformed instant naming the caller's field") {
    const auto sc = utc_day();
    for (const char* bad :
         {"2026-06-01 09:00", "2026-06-01T25:00", "2026-02-30T09:00", "tomorrow"}) {
        CAPTURE(bad);
        try {
            (void)explain(sc, bad, "--explain");
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::invalid_argument);
            CHECK(e.field() == "--explain");
        }
    }
}

TEST_CASE("explain follows a window past midnight, a busy segment and a reached limit") {
    const auto bar = parse_scenario(R"({"timezone":"Europe/Rome","from":"2026-06-05","to":"2026-06-06",
        "weekly":{"fri":[["22:00","26:00"]]},"service":{"duration":60}})");
    SUBCASE("a start after midnight from the day before's window is offered") {
        const auto ex = explain(bar, "2026-06-06T01:00", "asked");
        CHECK(ex.offered);
        CHECK(ex.reasons.empty());
    }
    SUBCASE("one that would end after the spill closes says so") {
        const auto ex = explain(bar, "2026-06-06T01:30", "asked");
        CHECK_FALSE(ex.offered);
        CHECK_REASON(ex, "would end at 02:30, after the window 22:00-26:00 closes");
    }
    SUBCASE("a limit reached is named with its period, counting the starts the caller gives") {
        const auto rules = ServiceRules{.duration = 60min, .step = 60min, .limits = {.day = 1}};
        const std::vector<Instant> counted{at("2026-06-05T20:00:00Z")};
        const auto ex = explain_slot(bar.calendar, rules, {}, {}, std::nullopt, at("2026-06-05T21:00:00Z"),
                                     std::nullopt, counted);
        CHECK_FALSE(ex.offered);
        CHECK_REASON(ex, "limit reached: the service takes at most 1 booking a day, and 1 booking already starts on 2026-06-05");
        const auto without = explain_slot(bar.calendar, rules, {}, {}, std::nullopt, at("2026-06-05T21:00:00Z"));
        CHECK(without.offered);
    }
    SUBCASE("a booking in the free part does not refuse a slot, one under a busy part does") {
        const auto colour = parse_scenario(R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-01",
            "weekly":{"mon":[["09:00","12:00"]]},
            "bookings":[{"start":"2026-06-01T10:00:00Z","end":"2026-06-01T10:30:00Z"}],
            "service":{"duration":95,"step":15,"segments":[["busy",30],["free",45],["busy",20]]}})");
        CHECK(explain(colour, "2026-06-01T09:15:00Z", "asked").offered);
        const auto ex = explain(colour, "2026-06-01T09:45:00Z", "asked");
        CHECK_FALSE(ex.offered);
        CHECK_REASON(ex, "segment busy: busy part 1 of 2 (09:45-10:15 with its buffers) is over capacity");
        CHECK_NO_REASON(ex, "busy part 2 of 2");
    }
}
