#include <slotwise/availability.hpp>

#include <doctest/doctest.h>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {
Instant at(const char* s) { return parse_instant(s, "t"); }
Date day(const char* s) { return parse_date(s, "d"); }

Calendar utc_calendar(int capacity = 1) {
    Calendar cal{.zone = locate_zone("UTC", "tz"), .capacity = capacity};
    cal.weekly[date::Monday] = {{9h, 12h}};
    return cal;
}
}  // namespace

TEST_CASE("a free day offers the whole grid") {
    const auto slots = compute_slots(utc_calendar(), {.duration = 60min, .step = 60min}, {}, {},
                                     {.from = day("2026-06-01"), .to = day("2026-06-01")});
    REQUIRE(slots.size() == 3);
    CHECK(slots[0] == Slot{at("2026-06-01T09:00:00Z"), at("2026-06-01T10:00:00Z"), 1});
    CHECK(slots[2].start == at("2026-06-01T11:00:00Z"));
}

TEST_CASE("buffers of the candidate and of the booking both count") {
    const std::vector<Booked> bookings{{.interval = {at("2026-06-01T10:00:00Z"), at("2026-06-01T10:30:00Z")},
                                        .buffer_after = 15min}};
    const auto slots = compute_slots(utc_calendar(), {.duration = 30min, .step = 15min, .buffer_before = 10min},
                                     bookings, {}, {.from = day("2026-06-01"), .to = day("2026-06-01")});
    std::vector<Instant> starts;
    for (const auto& s : slots) starts.push_back(s.start);
    // The booking occupies [10:00, 10:45); a candidate t occupies [t - 10, t + 30),
    // so every start in (09:30, 10:55) collides.
    CHECK(starts == std::vector<Instant>{at("2026-06-01T09:00:00Z"), at("2026-06-01T09:15:00Z"),
                                         at("2026-06-01T09:30:00Z"), at("2026-06-01T11:00:00Z"),
                                         at("2026-06-01T11:15:00Z"), at("2026-06-01T11:30:00Z")});
}

TEST_CASE("a block takes every seat and partial loads leave remaining seats") {
    const std::vector<Booked> bookings{{.interval = {at("2026-06-01T09:00:00Z"), at("2026-06-01T10:00:00Z")}, .seats = 2}};
    const std::vector<Interval> blocks{{at("2026-06-01T11:00:00Z"), at("2026-06-01T11:01:00Z")}};
    const auto slots = compute_slots(utc_calendar(3), {.duration = 60min, .step = 60min}, bookings, blocks,
                                     {.from = day("2026-06-01"), .to = day("2026-06-01")});
    REQUIRE(slots.size() == 2);
    CHECK(slots[0] == Slot{at("2026-06-01T09:00:00Z"), at("2026-06-01T10:00:00Z"), 1});
    CHECK(slots[1] == Slot{at("2026-06-01T10:00:00Z"), at("2026-06-01T11:00:00Z"), 3});
}

TEST_CASE("notice keeps a start exactly at now + min_notice and the horizon is exclusive") {
    const auto slots = compute_slots(utc_calendar(), {.duration = 30min, .step = 30min, .min_notice = 60min, .horizon = 150min},
                                     {}, {}, {.from = day("2026-06-01"), .to = day("2026-06-01"), .now = at("2026-06-01T08:30:00Z")});
    // now + notice = 09:30 is kept; now + horizon = 11:00 is not.
    REQUIRE(slots.size() == 3);
    CHECK(slots[0].start == at("2026-06-01T09:30:00Z"));
    CHECK(slots[2].start == at("2026-06-01T10:30:00Z"));
}

TEST_CASE("an override replaces the weekly windows and an empty one closes the day") {
    auto cal = utc_calendar();
    cal.overrides[day("2026-06-01")] = {};
    cal.overrides[day("2026-06-02")] = {{14h, 15h}};
    const auto slots = compute_slots(cal, {.duration = 60min, .step = 60min}, {}, {},
                                     {.from = day("2026-06-01"), .to = day("2026-06-02")});
    REQUIRE(slots.size() == 1);
    CHECK(slots[0].start == at("2026-06-02T14:00:00Z"));
}

TEST_CASE("invalid rules are refused naming the field") {
    const auto expect_field = [](auto&& call, const char* field) {
        try {
            call();
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.field() == field);
        }
    };
    const SlotQuery q{.from = day("2026-06-01"), .to = day("2026-06-01")};
    expect_field([&] { compute_slots(utc_calendar(), {.duration = 0min, .step = 15min}, {}, {}, q); }, "service.duration");
    expect_field([&] { compute_slots(utc_calendar(), {.duration = 30min, .step = 0min}, {}, {}, q); }, "service.step");
    expect_field([&] { compute_slots(utc_calendar(), {.duration = 30min, .step = 30min, .seats = 2}, {}, {}, q); }, "service.seats");
    expect_field([&] { compute_slots(utc_calendar(0), {.duration = 30min, .step = 30min}, {}, {}, q); }, "capacity");
    expect_field([&] { compute_slots(utc_calendar(), {.duration = 30min, .step = 30min}, {}, {},
                                     {.from = day("2026-06-02"), .to = day("2026-06-01")}); }, "to");
    auto cal = utc_calendar();
    cal.weekly[date::Tuesday] = {{10h, 12h}, {11h, 13h}};
    expect_field([&] { compute_slots(cal, {.duration = 30min, .step = 30min}, {}, {}, q); }, "weekly.tue[1]");
}

TEST_CASE("a reused workspace gives the same slots as a fresh one") {
    AvailabilityWorkspace ws;
    const std::vector<Booked> bookings{{.interval = {at("2026-06-01T10:00:00Z"), at("2026-06-01T10:30:00Z")}}};
    const SlotQuery q{.from = day("2026-06-01"), .to = day("2026-06-01")};
    std::vector<Slot> first, second;
    for_each_slot(utc_calendar(), {.duration = 30min, .step = 15min}, bookings, {}, q, ws, [&](const Slot& s) { first.push_back(s); });
    for_each_slot(utc_calendar(), {.duration = 30min, .step = 15min}, bookings, {}, q, ws, [&](const Slot& s) { second.push_back(s); });
    CHECK(first == second);
    CHECK(first == compute_slots(utc_calendar(), {.duration = 30min, .step = 15min}, bookings, {}, q));
}

TEST_CASE("a window past midnight belongs to the day it starts on, and a start both days offer is listed once") {
    Calendar cal{.zone = locate_zone("UTC"), .capacity = 1};
    cal.weekly[date::Friday] = {{22h, 26h}};
    cal.weekly[date::Saturday] = {{1h, 3h}};
    const ServiceRules hour{.duration = 60min, .step = 60min};
    const auto starts = [&](const char* from, const char* to) {
        std::vector<Instant> out;
        for (const auto& s : compute_slots(cal, hour, {}, {}, {.from = day(from), .to = day(to)})) out.push_back(s.start);
        return out;
    };
    // Friday's window reaches Saturday 02:00; Saturday's own starts at 01:00.
    CHECK(starts("2026-06-05", "2026-06-06") ==
          std::vector<Instant>{at("2026-06-05T22:00:00Z"), at("2026-06-05T23:00:00Z"), at("2026-06-06T00:00:00Z"),
                               at("2026-06-06T01:00:00Z"), at("2026-06-06T02:00:00Z")});
    // The spill of the day before `from` is not offered; the spill of `to` is.
    CHECK(starts("2026-06-06", "2026-06-06") == std::vector<Instant>{at("2026-06-06T01:00:00Z"), at("2026-06-06T02:00:00Z")});
    CHECK(starts("2026-06-05", "2026-06-05").back() == at("2026-06-06T01:00:00Z"));
    SUBCASE("an override of the next day does not cut the spill") {
        cal.overrides[day("2026-06-06")] = {};
        CHECK(starts("2026-06-05", "2026-06-06").size() == 4);
    }
    SUBCASE("an override of the day it starts on replaces it") {
        cal.overrides[day("2026-06-05")] = {{10h, 11h}};
        CHECK(starts("2026-06-05", "2026-06-05") == std::vector<Instant>{at("2026-06-05T10:00:00Z")});
    }
}

TEST_CASE("only the busy segments occupy the resource, and each must fit") {
    const ServiceRules colour{.duration = 95min,
                              .step = 15min,
                              .segments = {{SegmentKind::busy, 30min}, {SegmentKind::free, 45min}, {SegmentKind::busy, 20min}}};
    Calendar cal{.zone = locate_zone("UTC"), .capacity = 1};
    cal.weekly[date::Monday] = {{9h, 12h}};
    const std::vector<Booked> cut{{.interval = {at("2026-06-01T10:00:00Z"), at("2026-06-01T10:30:00Z")}}};
    std::vector<Instant> starts;
    for (const auto& s : compute_slots(cal, colour, cut, {}, {.from = day("2026-06-01"), .to = day("2026-06-01")}))
        starts.push_back(s.start);
    CHECK(starts == std::vector<Instant>{at("2026-06-01T09:15:00Z"), at("2026-06-01T09:30:00Z")});
    SUBCASE("segments must start and end busy, last at least a minute and sum to the duration") {
        auto bad = colour;
        bad.segments[1].length = 0min;
        CHECK_THROWS_WITH_AS(validate(bad, 1), doctest::Contains("segment"), Error);
        bad = colour;
        bad.segments.back().kind = SegmentKind::free;
        CHECK_THROWS_AS(validate(bad, 1), Error);
        bad = colour;
        bad.duration = 90min;
        CHECK_THROWS_AS(validate(bad, 1), Error);
    }
}

TEST_CASE("limits count the starts the caller names, per local day, ISO week and month") {
    Calendar cal{.zone = locate_zone("America/New_York"), .capacity = 5};
    for (const auto wd : {date::Sunday, date::Monday}) cal.weekly[wd] = {{9h, 11h}};
    const ServiceRules weekly_two{.duration = 60min, .step = 60min, .limits = {.week = 2}};
    // Sunday 7 June 22:00 EDT is 02:00Z on Monday, but in the week of 1-7 June.
    const std::vector<Instant> counted{at("2026-06-02T14:00:00Z"), at("2026-06-08T02:00:00Z")};
    const SlotQuery q{.from = day("2026-06-07"), .to = day("2026-06-08"), .counted_starts = counted};
    const auto slots = compute_slots(cal, weekly_two, {}, {}, q);
    REQUIRE(slots.size() == 2);
    CHECK(slots[0].start == at("2026-06-08T13:00:00Z"));
    SUBCASE("without counted starts (the default) no booking counts") {
        CHECK(compute_slots(cal, weekly_two, {}, {}, {.from = day("2026-06-07"), .to = day("2026-06-08")}).size() == 4);
    }
    SUBCASE("a limit below 1 is refused naming it") {
        try {
            validate(ServiceRules{.duration = 60min, .step = 60min, .limits = {.month = 0}}, 1);
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.field() == "service.limits.month");
        }
    }
}
