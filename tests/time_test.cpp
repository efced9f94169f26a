#include <slotwise/availability.hpp>
#include <slotwise/time.hpp>

#include <doctest/doctest.h>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {
Instant at(const char* s) { return parse_instant(s, "t"); }
Date day(const char* s) { return parse_date(s, "d"); }
}  // namespace

TEST_CASE("an ambiguous local time maps to its first occurrence") {
    const auto ny = locate_zone("America/New_York", "tz");
    CHECK(to_utc(ny, day("2026-11-01"), 90min) == at("2026-11-01T05:30:00Z"));
}

TEST_CASE("a local time in a DST gap maps to the instant the gap ends") {
    const auto rome = locate_zone("Europe/Rome", "tz");
    CHECK(to_utc(rome, day("2026-03-29"), 150min) == at("2026-03-29T01:00:00Z"));
    const auto apia = locate_zone("Pacific/Apia", "tz");
    CHECK(to_utc(apia, day("2011-12-30"), 9h) == at("2011-12-30T10:00:00Z"));
}

TEST_CASE("24:00 is the next day's midnight") {
    const auto kathmandu = locate_zone("Asia/Kathmandu", "tz");
    CHECK(to_utc(kathmandu, day("2026-05-04"), 24h) == to_utc(kathmandu, day("2026-05-05"), 0min));
}

TEST_CASE("unknown zones are refused naming the field") {
    try {
        (void)locate_zone("Mars/Olympus", "resource.timezone");
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::invalid_argument);
        CHECK(e.field() == "resource.timezone");
    }
}

TEST_CASE("RFC 3339 instants parse with Z, offsets and fractions") {
    CHECK(at("2026-06-01T09:00:00Z") == at("2026-06-01T11:00:00+02:00"));
    CHECK(at("2026-06-01T09:00:00.999Z") == at("2026-06-01T09:00:00Z"));
    CHECK(format_instant(at("2026-06-01T11:00:00+02:00")) == "2026-06-01T09:00:00Z");
    for (const char* bad : {"2026-06-01", "2026-06-01T09:00Z", "2026-06-01T24:00:00Z",
                            "2026-02-30T09:00:00Z", "2026-06-01T09:00:00", "2026-06-01T09:00:00+2:00",
                            "2026-06-01 09:00:00Z", "x026-06-01T09:00:00Z", "2026-06-01T09:00:00.Z"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(at(bad), Error);
    }
}

TEST_CASE("dates and local times are validated") {
    CHECK(format_date(day("2028-02-29")) == "2028-02-29");
    CHECK_THROWS_AS(day("2026-02-29"), Error);
    CHECK_THROWS_AS(day("2026-13-01"), Error);
    CHECK_THROWS_AS(day("26-01-01"), Error);
    CHECK(parse_local_time("24:00", "t", true) == 24h);
    CHECK_THROWS_AS(parse_local_time("24:00", "t", false), Error);
    CHECK_THROWS_AS(parse_local_time("09:60", "t", true), Error);
    CHECK_THROWS_AS(parse_local_time("9:00", "t", true), Error);
    CHECK(format_local_time(parse_local_time("07:05", "t", false)) == "07:05");
}

TEST_CASE("a window end may pass midnight up to 47:59, a start may not") {
    using enum LocalTimeKind;
    CHECK(parse_local_time("26:00", "t", window_end) == 26h);
    CHECK(parse_local_time("47:59", "t", window_end) == 47h + 59min);
    CHECK(format_local_time(26h + 30min) == "26:30");
    CHECK_THROWS_AS(parse_local_time("48:00", "t", window_end), Error);
    CHECK_THROWS_AS(parse_local_time("25:00", "t", time_of_day), Error);
    try {
        (void)parse_local_time("26:00", "weekly.fri[0][0]");
        FAIL("accepted a start past midnight");
    } catch (const Error& e) {
        CHECK(e.field() == "weekly.fri[0][0]");
    }
}

TEST_CASE("26:00 is 02:00 wall time on the next date, not 26 elapsed hours") {
    const auto rome = locate_zone("Europe/Rome");
    // Rome springs forward in the night after Saturday 2026-03-28: 26 hours
    // after that Saturday's midnight would be 03:00 CEST, but 26:00 is 02:00
    // of Sunday, inside the gap, so it is where the gap ends.
    CHECK(to_utc(rome, parse_date("2026-03-28"), 26h) == to_utc(rome, parse_date("2026-03-29"), 2h));
    CHECK(to_utc(rome, parse_date("2026-03-28"), 26h + 30min) == parse_instant("2026-03-29T01:00:00Z"));
    CHECK(to_utc(rome, parse_date("2026-03-28"), 27h + 30min) == parse_instant("2026-03-29T01:30:00Z"));
}

TEST_CASE("the parsers name a plain field when called without one") {
    CHECK(parse_date("2026-06-01") == Date{date::year{2026} / 6 / 1});
    CHECK(parse_local_time("09:30") == 9h + 30min);
    CHECK(format_instant(parse_instant("2026-06-01T09:00:00Z")) == "2026-06-01T09:00:00Z");
    CHECK(locate_zone("Europe/Rome")->name() == "Europe/Rome");
    const auto field_of = [](auto call) {
        try {
            call();
        } catch (const Error& e) {
            return e.field();
        }
        return std::string("(accepted)");
    };
    CHECK(field_of([] { (void)parse_date("2026-02-30"); }) == "date");
    CHECK(field_of([] { (void)parse_instant("tomorrow"); }) == "instant");
    CHECK(field_of([] { (void)parse_local_time("9"); }) == "time");
    CHECK(field_of([] { (void)locate_zone("Mars/Olympus"); }) == "timezone");
}

TEST_CASE("dates outside 1900..2999 are refused however they arrive, naming the field") {
    const auto field_of = [](auto call) {
        try {
            call();
        } catch (const Error& e) {
            return e.field() + "|" + e.what();  // what() = "field: message"
        }
        return std::string("(accepted)");
    };
    CHECK(field_of([] { check_date(Date{date::year{1899} / 12 / 31}, "from"); }).starts_with("from|from: year must be"));
    CHECK(field_of([] { check_date(Date{date::year{3000} / 1 / 1}, "to"); }).starts_with("to|to: year must be"));
    CHECK(field_of([] { check_date(Date{date::year{-32767} / 1 / 1}, "to"); }).starts_with("to|to: year must be"));
    CHECK(field_of([] { check_date(Date{date::year{2026} / 2 / 30}, "day"); }) == "day|day: not a valid date");
    CHECK(field_of([] { check_date(Date{date::year{1900} / 1 / 1}); }) == "(accepted)");
    CHECK(field_of([] { check_date(Date{date::year{2999} / 12 / 31}); }) == "(accepted)");
    CHECK(field_of([] { (void)parse_date("3000-01-01", "d"); }).starts_with("d|d: year must be"));
    CHECK(field_of([] { (void)parse_date("3000-02-30", "d"); }).starts_with("d|d: year must be"));
    // The availability core bounds a C++ caller's dates the same way.
    CHECK(field_of([] { validate(SlotQuery{.from = Date{date::year{1} / 1 / 1}, .to = Date{date::year{1} / 1 / 2}}); })
              .starts_with("from|from: year must be"));
}

TEST_CASE("error codes belong to the slotwise category") {
    const std::error_code ec = Errc::slot_unavailable;
    CHECK(ec.category().name() == std::string("slotwise"));
    CHECK(ec.message() == "slot_unavailable");
    CHECK(ec == Errc::slot_unavailable);
}
