// Tenant isolation: every scope operation given another tenant's ids answers
// exactly like a missing id, and no list shows another tenant's rows.
#include "support/engine_fixture.hpp"

#include <doctest/doctest.h>

#include <functional>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {
void expect_not_found(const std::function<void()>& call, const char* what) {
    CAPTURE(what);
    try {
        call();
        FAIL("succeeded across tenants");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::not_found);
    }
}
}  // namespace

TEST_CASE("every scope operation with another tenant's ids answers not_found") {
    Salon a("shared.db");
    // Tenant B in the same database file.
    Engine engine(open_sqlite({.path = (a.dir.path / "shared.db").string()}), a.time.clock());
    const auto tb = engine.create_tenant("Other Salon");
    auto b_admin = engine.scope({.tenant = tb.id, .role = Role::admin, .subject = "boss"});
    auto b_customer = engine.scope({.tenant = tb.id, .role = Role::customer, .subject = "ada"});
    auto a_customer = a.customer("ada");  // same subject name in tenant A
    const auto booking = a_customer.book({.service = a.cut.id, .start = at("2026-06-01T07:00:00Z"), .resource = a.anna.id,
                                          .customer = {.name = "Ada"}, .idempotency_key = "k1"});
    const auto block = a.admin.add_block(a.anna.id, {at("2026-06-02T07:00:00Z"), at("2026-06-02T08:00:00Z")});
    a.admin.set_date_override(a.anna.id, day("2026-06-03"), {});
    const Interval week{at("2026-06-01T00:00:00Z"), at("2026-06-08T00:00:00Z")};

    expect_not_found([&] { b_admin.get_resource(a.anna.id); }, "get_resource");
    expect_not_found([&] { b_admin.update_resource(a.anna); }, "update_resource");
    expect_not_found([&] { b_admin.set_weekly_hours(a.anna.id, {}); }, "set_weekly_hours");
    expect_not_found([&] { b_admin.weekly_hours(a.anna.id); }, "weekly_hours");
    expect_not_found([&] { b_admin.set_date_override(a.anna.id, day("2026-06-04"), {}); }, "set_date_override");
    expect_not_found([&] { b_admin.clear_date_override(a.anna.id, day("2026-06-03")); }, "clear_date_override");
    expect_not_found([&] { b_admin.date_overrides(a.anna.id, day("2026-06-01"), day("2026-06-30")); }, "date_overrides");
    expect_not_found([&] { b_admin.add_block(a.anna.id, week); }, "add_block");
    expect_not_found([&] { b_admin.remove_block(block.id); }, "remove_block");
    expect_not_found([&] { b_admin.blocks(a.anna.id, week); }, "blocks");
    expect_not_found([&] { b_admin.get_service(a.cut.id); }, "get_service");
    expect_not_found([&] { b_admin.update_service(a.cut); }, "update_service");
    expect_not_found([&] { b_admin.availability({.service = a.cut.id, .from = day("2026-06-01"), .to = day("2026-06-07")}); }, "availability");
    expect_not_found([&] { b_admin.availability_together({.service = a.cut.id, .from = day("2026-06-01"), .to = day("2026-06-07")}); }, "availability_together");
    expect_not_found([&] { b_customer.book({.service = a.cut.id, .start = at("2026-06-01T08:00:00Z"), .customer = {.name = "Ada"}}); }, "book");
    expect_not_found([&] { b_admin.get_booking(booking.id); }, "get_booking");
    expect_not_found([&] { b_customer.get_booking(booking.id); }, "get_booking as the same subject");
    expect_not_found([&] { b_admin.cancel(booking.id); }, "cancel");
    expect_not_found([&] { b_admin.reschedule(booking.id, at("2026-06-01T08:00:00Z")); }, "reschedule");

    // Creating a service that names A's resource is refused like a missing id.
    try {
        b_admin.create_service({.name = "Cut", .duration = 30min, .resources = {a.anna.id}});
        FAIL("linked another tenant's resource");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::invalid_argument);
        CHECK(e.field() == "resources[0]");
        CHECK(std::string(e.what()).find("no such resource") != std::string::npos);
    }

    // B's own data, including the same idempotency key, is independent.
    const auto rb = b_admin.create_resource({.name = "Zed", .timezone = "UTC"});
    WeeklyHours week_hours;
    week_hours[date::Monday] = {{7h, 8h}};
    b_admin.set_weekly_hours(rb.id, week_hours);
    const auto sb = b_admin.create_service({.name = "Shave", .duration = 30min, .resources = {rb.id}});
    const auto bb = b_customer.book({.service = sb.id, .start = at("2026-06-01T07:00:00Z"), .customer = {.name = "Ada"},
                                     .idempotency_key = "k1"});
    CHECK(bb.id != booking.id);

    // No list ever shows the other tenant's rows.
    CHECK(b_admin.resources() == std::vector<Resource>{rb});
    CHECK(b_admin.services().size() == 1);
    CHECK(b_admin.bookings({}).size() == 1);
    CHECK(b_admin.bookings({}).front().id == bb.id);
    CHECK(b_customer.bookings({}).size() == 1);
    CHECK(a.admin.bookings({}).size() == 1);
    CHECK(a.admin.bookings({}).front().id == booking.id);
    CHECK(a.admin.resources().size() == 2);
    // A's data is untouched by everything B tried.
    CHECK(a.admin.get_booking(booking.id).status == BookingStatus::confirmed);
    CHECK(a.admin.blocks(a.anna.id, week).size() == 1);
    CHECK(a.admin.date_overrides(a.anna.id, day("2026-06-01"), day("2026-06-30")).size() == 1);
}

TEST_CASE("a scope for a tenant that does not exist cannot be built") {
    Salon a;
    try {
        (void)a.engine.scope({.tenant = {"ten_missing"}, .role = Role::admin, .subject = "x"});
        FAIL("built");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::not_found);
    }
}

TEST_CASE("a staff or customer scope without a subject is refused, so nobody acts anonymously") {
    Salon a;
    for (const auto role : {Role::staff, Role::customer}) {
        try {
            (void)a.engine.scope({.tenant = a.tenant.id, .role = role, .subject = ""});
            FAIL("built");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::invalid_argument);
            CHECK(e.field() == "subject");
        }
    }
}

// --- data shown by role -------------------------------------------------------

TEST_CASE("the bookings() cursor leaks nothing: another customer's or tenant's booking id is not_found naming after") {
    Salon a("shared.db");
    Engine engine(open_sqlite({.path = (a.dir.path / "shared.db").string()}), a.time.clock());
    const auto tb = engine.create_tenant("Other Salon");
    auto b_admin = engine.scope({.tenant = tb.id, .role = Role::admin, .subject = "boss"});
    // Tenant B is populated, so a cursor lookup without the tenant would find rows.
    const auto rb = b_admin.create_resource({.name = "Zed", .timezone = "UTC"});
    WeeklyHours hours;
    hours[date::Monday] = {{7h, 12h}};
    b_admin.set_weekly_hours(rb.id, hours);
    const auto sb = b_admin.create_service({.name = "Shave", .duration = 30min, .resources = {rb.id}});
    const auto theirs = b_admin.book({.service = sb.id, .start = at("2026-06-01T09:00:00Z"), .customer = {.name = "Zed"}});

    auto ada = a.customer("ada");
    auto bob = a.customer("bob");
    const auto adas = ada.book({.service = a.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = {.name = "Ada"}});
    const auto bobs = bob.book({.service = a.cut.id, .start = at("2026-06-01T08:30:00Z"), .customer = {.name = "Bob"}});
    ada.book({.service = a.cut.id, .start = at("2026-06-01T10:00:00Z"), .customer = {.name = "Ada"}});
    for (const auto& [cursor, what] : {std::pair{bobs.id, "another customer's booking"},
                                       std::pair{theirs.id, "another tenant's booking"},
                                       std::pair{BookingId{"bkg_0123456789abcdef01234567"}, "no booking"},
                                       std::pair{BookingId{std::string(100'000, 'b')}, "a malformed id"}}) {
        CAPTURE(what);
        try {
            (void)ada.bookings({.after = cursor});
            FAIL("a page after an invisible cursor");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::not_found);
            CHECK(e.field() == "after");
        }
    }
    // Her own cursor pages as before; staff may page over anyone's.
    CHECK(ada.bookings({.after = adas.id}).size() == 1);
    auto desk = a.engine.scope({.tenant = a.tenant.id, .role = Role::staff, .subject = "desk"});
    CHECK(desk.bookings({.after = bobs.id}).size() == 1);
    try {
        (void)a.admin.bookings({.after = theirs.id});
        FAIL("another tenant's cursor");
    } catch (const Error& e) {
        CHECK(e.field() == "after");
    }
}

TEST_CASE("idempotency keys are per subject: one customer can neither squat nor read another's key") {
    Salon a;
    auto mallory = a.customer("mallory");
    auto ada = a.customer("ada");
    // Mallory guesses the key Ada's app will send and uses it first.
    const auto squat = mallory.book({.service = a.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = {.name = "M"},
                                     .idempotency_key = "checkout-42"});
    const BookingRequest adas{.service = a.cut.id, .start = at("2026-06-01T08:00:00Z"), .customer = {.name = "Ada"},
                              .idempotency_key = "checkout-42"};
    const auto mine = ada.book(adas);
    CHECK(mine.id != squat.id);
    CHECK(mine.created_by == "ada");
    CHECK(ada.book(adas).id == mine.id);  // her retry finds her own booking
    // Mallory replaying Ada's exact request under the key is answered from
    // her own use of it (a mismatch), never with Ada's booking.
    try {
        const auto replay = mallory.book(adas);
        CHECK(replay.id != mine.id);
    } catch (const Error& e) {
        CHECK(e.code() == Errc::idempotency_mismatch);
    }
}

TEST_CASE("customers see time off as busy intervals, never its reason") {
    Salon a;
    const Interval week{at("2026-06-01T00:00:00Z"), at("2026-06-08T00:00:00Z")};
    a.admin.add_block(a.anna.id, {at("2026-06-02T07:00:00Z"), at("2026-06-02T08:00:00Z")}, "oncologist appointment");
    const auto seen = a.customer("ada").blocks(a.anna.id, week);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].interval == Interval{at("2026-06-02T07:00:00Z"), at("2026-06-02T08:00:00Z")});
    CHECK(seen[0].reason.empty());
    auto desk = a.engine.scope({.tenant = a.tenant.id, .role = Role::staff, .subject = "desk"});
    CHECK(desk.blocks(a.anna.id, week)[0].reason == "oncologist appointment");
}
