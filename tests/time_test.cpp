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
    CHECK_THROWS_AS(parse_local_time("25:00", "t", true), Error);
    CHECK_THROWS_AS(parse_local_time("09:60", "t", true), Error);
    CHECK_THROWS_AS(parse_local_time("9:00", "t", true), Error);
    CHECK(format_local_time(parse_local_time("07:05", "t", false)) == "07:05");
}

TEST_CASE("error codes belong to the slotwise category") {
    const std::error_code ec = Errc::slot_unavailable;
    CHECK(ec.category().name() == std::string("slotwise"));
    CHECK(ec.message() == "slot_unavailable");
    CHECK(ec == Errc::slot_unavailable);
}
