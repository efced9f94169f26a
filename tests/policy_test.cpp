// Tenant policy and bounded work, each written as the attack that used to
// succeed: one customer holding every paid slot of a week, a class taken in
// one booking, a query over ten years, megabyte ids growing the process.
#include "support/engine_fixture.hpp"
#include "support/memory.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {
Customer ada() { return {.name = "Ada", .email = "ada@example.com", .locale = "en"}; }

// The error `call` throws (FAIL when it throws none).
Error error_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error thrown");
    return Error(Errc::storage_error, "unreachable");
}

// Every start the customer could book, in order.
std::vector<Instant> starts(TenantScope& scope, const Service& svc, const char* from, const char* to) {
    std::vector<Instant> out;
    for (const auto& s : scope.availability({.service = svc.id, .from = day(from), .to = day(to)})) {
        out.push_back(s.start);
    }
    return out;
}

}  // namespace

TEST_CASE("a customer cannot hold every paid slot of a week: the third unpaid hold is quota_exceeded") {
    Salon s;
    auto mallory = s.customer("mallory");
    const auto week = starts(mallory, s.colour, "2026-06-01", "2026-06-05");
    REQUIRE(week.size() > 10);
    int held = 0;
    Error refused(Errc::storage_error, "none");
    for (const auto start : week) {
        try {
            mallory.book({.service = s.colour.id, .start = start, .customer = ada()});
            ++held;
        } catch (const Error& e) {
            refused = e;
        }
    }
    CHECK(held == 2);
    CHECK(refused.code() == Errc::quota_exceeded);
    CHECK(refused.field() == "max_pending_per_customer");
    // Everyone else still finds the rest of the week free.
    CHECK(starts(s.admin, s.colour, "2026-06-01", "2026-06-05").size() == week.size() - 2);
    // Once the holds lapse, two more may be held, never more at once.
    s.time.advance(16min);
    mallory.book({.service = s.colour.id, .start = week[5], .customer = ada()});
    mallory.book({.service = s.colour.id, .start = week[6], .customer = ada()});
    CHECK(error_of([&] { mallory.book({.service = s.colour.id, .start = week[7], .customer = ada()}); }).code() ==
          Errc::quota_exceeded);
    // Staff book on a customer's behalf past the customer limits.
    auto desk = s.engine.scope({.tenant = s.tenant.id, .role = Role::staff, .subject = "desk"});
    for (int i = 8; i < 12; ++i) desk.book({.service = s.colour.id, .start = week[static_cast<std::size_t>(i)], .customer = ada()});
}

TEST_CASE("racing threads of one customer still hold at most the policy's pending bookings") {
    Salon s;
    auto probe = s.customer("probe");
    const auto week = starts(probe, s.colour, "2026-06-01", "2026-06-05");
    std::atomic<int> won{0}, quota{0};
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            auto mallory = s.customer("mallory");
            try {
                mallory.book({.service = s.colour.id, .start = week[i], .customer = ada()});
                ++won;
            } catch (const Error& e) {
                if (e.code() == Errc::quota_exceeded) ++quota;
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(won == 2);
    CHECK(quota == 6);
}

TEST_CASE("seats per customer booking: one customer cannot take a whole class in one booking, by default too") {
    Salon s;
    const auto hall = s.admin.create_resource({.name = "Hall", .kind = ResourceKind::room, .timezone = "Europe/Rome",
                                               .capacity = 12});
    WeeklyHours open;
    open[date::Monday] = {{9h, 13h}};
    s.admin.set_weekly_hours(hall.id, open);
    const auto yoga = s.admin.create_service({.name = "Yoga", .duration = 60min, .resources = {hall.id}});
    auto mallory = s.customer("mallory");
    // No policy set: the default already refuses the whole class.
    auto e = error_of([&] {
        mallory.book({.service = yoga.id, .start = at("2026-06-01T08:00:00Z"), .customer = ada(), .seats = 12});
    });
    CHECK(e.code() == Errc::quota_exceeded);
    CHECK(e.field() == "max_seats_per_customer_booking");
    CHECK(TenantPolicy{}.max_seats_per_customer_booking == 8);
    s.admin.set_policy({.max_seats_per_customer_booking = 2});
    e = error_of([&] {
        mallory.book({.service = yoga.id, .start = at("2026-06-01T08:00:00Z"), .customer = ada(), .seats = 3});
    });
    CHECK(e.code() == Errc::quota_exceeded);
    CHECK(e.field() == "max_seats_per_customer_booking");
    CHECK(mallory.book({.service = yoga.id, .start = at("2026-06-01T08:00:00Z"), .customer = ada(), .seats = 2}).seats == 2);
    // The admin books a private class.
    CHECK(s.admin.book({.service = yoga.id, .start = at("2026-06-01T09:00:00Z"), .customer = ada(), .seats = 12}).seats == 12);
}

TEST_CASE("active bookings per customer bound free bookings too, counting only upcoming ones") {
    Salon s;
    s.admin.set_policy({.max_active_per_customer = 3});
    auto mallory = s.customer("mallory");
    const auto day1 = starts(mallory, s.cut, "2026-06-01", "2026-06-01");
    for (int i = 0; i < 3; ++i) mallory.book({.service = s.cut.id, .start = day1[static_cast<std::size_t>(2 * i)], .customer = ada()});
    const auto e = error_of([&] { mallory.book({.service = s.cut.id, .start = day1[7], .customer = ada()}); });
    CHECK(e.code() == Errc::quota_exceeded);
    CHECK(e.field() == "max_active_per_customer");
    // Another customer is not affected; once the appointments are over, the
    // same customer may book again.
    s.customer("bob").book({.service = s.cut.id, .start = day1[7], .customer = ada()});
    s.time.set(at("2026-06-02T05:00:00Z"));
    mallory.book({.service = s.cut.id, .start = at("2026-06-02T07:00:00Z"), .customer = ada()});
}

TEST_CASE("a customer cannot use the outbox as a relay: past the hourly cap bookings succeed, their mail is dropped") {
    std::mutex m;
    std::vector<EngineEvent> events;
    Salon s("salon.db", [&](const EngineEvent& e) {
        std::lock_guard lock(m);
        if (e.kind == EngineEventKind::notification_dropped) events.push_back(e);
    });
    s.admin.set_policy({.max_notifications_per_customer_hour = 5});
    auto mallory = s.customer("mallory");
    const auto day1 = starts(mallory, s.cut, "2026-06-01", "2026-06-01");
    REQUIRE(day1.size() >= 8);
    // Each booking would mail a text the customer chose to an address the
    // customer chose.
    const Customer victim{.name = "Your bank account is locked: verify at evil.example", .email = "victim@example.com",
                          .locale = "en"};
    std::vector<Booking> made;
    for (std::size_t i = 0; i < 8; ++i) made.push_back(mallory.book({.service = s.cut.id, .start = day1[i], .customer = victim}));
    int mailed = 0;
    for (const auto& b : made) {
        CHECK(b.status == BookingStatus::confirmed);  // the bookings themselves all succeed
        mailed += static_cast<int>(s.admin.notifications(b.id).size());
    }
    CHECK(mailed == 5);
    REQUIRE(events.size() == 3);
    CHECK(events[0].booking == made[5].id);
    CHECK(events[0].detail.find("booking_confirmed") != std::string::npos);
    // Cancelling them is capped alike; staff and admin are not counted.
    mallory.cancel(made[0].id);
    CHECK(s.admin.notifications(made[0].id).size() == 1);
    CHECK(events.size() == 4);
    s.admin.cancel(made[1].id);
    CHECK(s.admin.notifications(made[1].id).size() == 2);
    // Another customer has a cap of their own.
    const auto bobs = s.customer("bob").book({.service = s.cut.id, .start = day1[8], .customer = ada()});
    CHECK(s.admin.notifications(bobs.id).size() == 1);
    // An hour later the window has moved on.
    s.time.set(at("2026-06-01T06:00:01Z"));
    mallory.cancel(made[2].id);
    CHECK(s.admin.notifications(made[2].id).size() == 2);
    CHECK(events.size() == 4);
}

TEST_CASE("customers neither query nor book beyond the tenant's customer horizon; staff may") {
    Salon s;
    auto mallory = s.customer("mallory");
    // 92 days from 2026-06-01 is 2026-09-01.
    CHECK_FALSE(mallory.availability({.service = s.cut.id, .from = day("2026-09-01"), .to = day("2026-09-01")}).empty());
    auto e = error_of([&] { mallory.availability({.service = s.cut.id, .from = day("2026-09-01"), .to = day("2026-09-02")}); });
    CHECK(e.code() == Errc::invalid_argument);
    CHECK(e.field() == "to");
    e = error_of([&] {
        mallory.book({.service = s.cut.id, .start = at("2026-10-05T07:00:00Z"), .customer = ada()});
    });
    CHECK(e.code() == Errc::quota_exceeded);
    CHECK(e.field() == "customer_horizon");
    const auto b = mallory.book({.service = s.cut.id, .start = at("2026-06-02T07:00:00Z"), .customer = ada()});
    e = error_of([&] { mallory.reschedule(b.id, at("2026-10-05T07:00:00Z")); });
    CHECK(e.code() == Errc::quota_exceeded);
    CHECK(e.field() == "customer_horizon");
    CHECK_FALSE(s.admin.availability({.service = s.cut.id, .from = day("2026-10-05"), .to = day("2026-10-05")}).empty());
    s.admin.book({.service = s.cut.id, .start = at("2026-10-05T07:00:00Z"), .customer = ada()});
    // A shorter horizon applies at once.
    s.admin.set_policy({.customer_horizon = std::chrono::days{7}});
    e = error_of([&] { mallory.availability({.service = s.cut.id, .from = day("2026-06-01"), .to = day("2026-06-09")}); });
    CHECK(e.field() == "to");
}

TEST_CASE("a customer is shown no start past the horizon's last day, also from a window that runs past its midnight") {
    Salon s;
    s.admin.set_policy({.customer_horizon = std::chrono::days{1}});  // from Monday 2026-06-01: up to Tuesday
    const auto bar = s.admin.create_resource({.name = "Bar", .timezone = "Europe/Rome"});
    WeeklyHours late;
    late[date::Tuesday] = {{22h, 26h}};  // Tuesday 22:00 to Wednesday 02:00
    s.admin.set_weekly_hours(bar.id, late);
    const auto table = s.admin.create_service({.name = "Table", .duration = 60min, .resources = {bar.id}});
    auto ada_scope = s.customer("ada");
    const auto shown = ada_scope.availability({.service = table.id, .from = day("2026-06-01"), .to = day("2026-06-02")});
    // Tuesday 22:00 and 23:00 in Rome; not Wednesday 00:00 or 01:00.
    REQUIRE(shown.size() == 2);
    CHECK(shown[0].start == at("2026-06-02T20:00:00Z"));
    CHECK(shown[1].start == at("2026-06-02T21:00:00Z"));
    // Every start shown can be booked; the ones past midnight are refused alike.
    for (const auto& slot : shown) {
        CHECK(ada_scope.book({.service = table.id, .start = slot.start, .customer = ada()}).status ==
              BookingStatus::confirmed);
    }
    CHECK(error_of([&] {
              ada_scope.book({.service = table.id, .start = at("2026-06-02T22:00:00Z"), .customer = ada()});
          }).field() == "customer_horizon");
    // Staff see the whole window, spill included.
    CHECK(s.admin.availability({.service = table.id, .from = day("2026-06-02"), .to = day("2026-06-02")}).size() == 2);
    CHECK(s.admin.availability({.service = table.id, .from = day("2026-06-03"), .to = day("2026-06-03")}).empty());
}

TEST_CASE("one availability call over 3,700 days stops at the slot cap with an error naming to, quickly") {
    Salon s;
    const auto t0 = std::chrono::steady_clock::now();
    const auto e = error_of([&] { s.admin.availability({.service = s.cut.id, .from = day("2026-06-01"), .to = day("2036-07-01")}); });
    const auto elapsed = std::chrono::steady_clock::now() - t0;
    CHECK(e.code() == Errc::invalid_argument);
    CHECK(e.field() == "to");
    CHECK(elapsed < 2s);
    // Within the cap, a long range is fine: three months of two stylists.
    CHECK(s.admin.availability({.service = s.cut.id, .from = day("2026-06-01"), .to = day("2026-08-31")}).size() < max_slots_per_availability);
}

TEST_CASE("a policy is validated, set by an admin only, read by anyone, defaults until set") {
    Salon s;
    auto c = s.customer("ada");
    CHECK(c.policy() == TenantPolicy{});
    CHECK(TenantPolicy{}.max_pending_per_customer == 2);
    CHECK(TenantPolicy{}.customer_horizon == std::chrono::days{92});
    CHECK(error_of([&] { c.set_policy({}); }).code() == Errc::permission_denied);
    CHECK(error_of([&] { s.admin.set_policy({.max_pending_per_customer = 0}); }).field() == "max_pending_per_customer");
    CHECK(error_of([&] { s.admin.set_policy({.max_active_per_customer = 0}); }).field() == "max_active_per_customer");
    CHECK(error_of([&] { s.admin.set_policy({.customer_horizon = std::chrono::days{0}}); }).field() == "customer_horizon");
    CHECK(error_of([&] { s.admin.set_policy({.customer_horizon = std::chrono::days{5000}}); }).field() == "customer_horizon");
    CHECK(error_of([&] { s.admin.set_policy({.max_seats_per_customer_booking = 0}); }).field() ==
          "max_seats_per_customer_booking");
    CHECK(error_of([&] { s.admin.set_policy({.max_notifications_per_customer_hour = 0}); }).field() ==
          "max_notifications_per_customer_hour");
    CHECK(error_of([&] { s.admin.set_policy({.max_notifications_per_customer_hour = max_policy_count + 1}); }).field() ==
          "max_notifications_per_customer_hour");
    const TenantPolicy p{.max_pending_per_customer = 5, .max_active_per_customer = 9,
                         .customer_horizon = std::chrono::days{30}, .max_seats_per_customer_booking = 3};
    CHECK(s.admin.set_policy(p) == p);
    CHECK(c.policy() == p);
}

TEST_CASE("ids are checked by shape first: a megabyte id is not_found at once, and 10,000 of them leave RSS flat") {
    Salon s;
    auto c = s.customer("ada");
    std::string huge(1 << 20, 'x');
    // Every call taking an id answers not_found.
    CHECK(error_of([&] { c.get_resource({huge}); }).code() == Errc::not_found);
    CHECK(error_of([&] { c.get_service({huge}); }).code() == Errc::not_found);
    CHECK(error_of([&] { c.get_booking({huge}); }).code() == Errc::not_found);
    CHECK(error_of([&] { c.cancel({huge}); }).code() == Errc::not_found);
    CHECK(error_of([&] { c.weekly_hours({huge}); }).code() == Errc::not_found);
    CHECK(error_of([&] { c.book({.service = {huge}, .start = at("2026-06-01T07:00:00Z"), .customer = ada()}); }).code() ==
          Errc::not_found);
    CHECK(error_of([&] { s.engine.scope({.tenant = {huge}, .role = Role::admin}); }).code() == Errc::not_found);
    // An id of the right shape that does not exist is not_found too.
    CHECK(error_of([&] { c.get_resource({"res_0123456789abcdef01234567"}); }).code() == Errc::not_found);
    CHECK(error_of([&] { c.get_resource({"res_0123456789ABCDEF01234567"}); }).code() == Errc::not_found);

    const auto before = rss_bytes();
    for (int i = 0; i < 10'000; ++i) {
        huge.replace(0, 8, std::to_string(10'000'000 + i));  // a new id each time
        try {
            c.get_resource({huge});
        } catch (const Error&) {
        }
    }
    const auto grown = rss_growth_since(before);
    MESSAGE("RSS growth after 10,000 lookups of 1 MB ids through the engine: " << grown / 1024 << " KiB");
    if (!rss_is_meaningful) return;
    CHECK(grown < 10u * 1024 * 1024);
}

TEST_CASE("the SQLite catalogue cache keeps no misses keyed by caller strings") {
    // Straight to the store, past the engine's shape check: the cache itself
    // must stay bounded.
    Salon s;
    std::string huge(1 << 20, 'y');
    const auto before = rss_bytes();
    // A cache that kept the misses would grow by a gigabyte.
    for (int i = 0; i < 1'000; ++i) {
        huge.replace(0, 8, std::to_string(10'000'000 + i));
        auto tx = s.engine.store()->read();
        CHECK_FALSE(tx->resource(s.tenant.id, {huge}));
        CHECK_FALSE(tx->service(s.tenant.id, {huge}));
    }
    const auto grown = rss_growth_since(before);
    MESSAGE("RSS growth after 1,000 store lookups of 1 MB ids: " << grown / 1024 << " KiB");
    if (rss_is_meaningful) CHECK(grown < 10u * 1024 * 1024);
    // Hits are still cached and still right.
    CHECK(s.engine.store()->read()->resource(s.tenant.id, s.anna.id) == s.anna);
}

TEST_CASE("a principal's subject is bounded like any other public string") {
    Salon s;
    const auto e = error_of([&] {
        (void)s.engine.scope({.tenant = s.tenant.id, .role = Role::customer, .subject = std::string(201, 'a')});
    });
    CHECK(e.code() == Errc::invalid_argument);
    CHECK(e.field() == "subject");
}
