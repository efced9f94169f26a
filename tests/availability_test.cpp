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
