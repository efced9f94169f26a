// The storage conformance suite: the behaviour every `slotwise::Store`
// adapter must show, written once against store.hpp's contract and run over
// each adapter.
//
// Usage, inside a doctest TEST_CASE of the adapter's own test file:
//
//   TEST_CASE("the SQLite store passes the storage conformance suite") {
//       slotwise::conformance::run_store_conformance([] { return slotwise::open_sqlite({...}); });
//   }
//
// Every case is a SUBCASE that calls the factory once for a fresh, empty
// store. The cases need no concurrency (an adapter whose transactions are
// serialised, such as SQLite's ":memory:", passes them), and they never open a
// second transaction while one is still alive.
#pragma once

#include <slotwise/store.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace slotwise::conformance {

/// Makes a fresh, empty store.
using StoreFactory = std::function<std::shared_ptr<Store>()>;

namespace detail {

using namespace std::chrono_literals;

inline Instant at(const char* rfc3339) { return parse_instant(rfc3339, "t"); }
inline Date day(const char* iso) { return parse_date(iso, "d"); }

// Fails the current test unless `call` throws `Error` with `code`.
template <class F>
void expect_error(Errc code, F&& call) {
    try {
        call();
        FAIL_CHECK("no error thrown; expected ", to_string(code));
    } catch (const Error& e) {
        CHECK_MESSAGE(e.code() == code, "got ", to_string(e.code()), " (", e.what(), ")");
    }
}

// Fails the current test unless inserting `b` into `tx` and committing throws
// `Error` with `code`: a store may send the insert with a later statement,
// the COMMIT at the latest (store.hpp).
inline void expect_insert_refused(Errc code, Transaction& tx, const TenantId& t, const Booking& b) {
    expect_error(code, [&] {
        tx.insert_booking(t, b);
        tx.commit();
    });
}

inline std::vector<std::string> ids(const std::vector<Booking>& list) {
    std::vector<std::string> out;
    for (const auto& b : list) out.push_back(b.id.value);
    return out;
}

// The ids, sorted: for lists whose order among equal keys is not specified.
inline std::vector<std::string> id_set(const std::vector<Booking>& list) {
    auto out = ids(list);
    std::sort(out.begin(), out.end());
    return out;
}

// A confirmed 30-minute booking with every field set to something distinct.
inline Booking booking(std::string id, std::string resource, Instant start,
                       Minutes length = 30min) {
    return {.id = {std::move(id)},
            .service = {"svc_cut"},
            .resource = {std::move(resource)},
            .interval = {start, start + length},
            .seats = 1,
            .buffer_before = 0min,
            .buffer_after = 0min,
            .customer = {.name = "Ada Lovelace",
                         .email = "ada@example.com",
                         .phone = "+39 055 000 1234",
                         .locale = "it"},
            .status = BookingStatus::confirmed,
            .payment_status = PaymentStatus::none,
            .hold_expires_at = std::nullopt,
            .idempotency_key = "",
            .request_fingerprint = "fp-1",
            .created_by = "ada",
            .created_at = start - 48h,
            .updated_at = start - 47h};
}

inline Resource resource(std::string id, int capacity = 1) {
    return {.id = {std::move(id)},
            .name = "Anna",
            .kind = ResourceKind::staff,
            .timezone = "Europe/Rome",
            .capacity = capacity};
}

inline Service service(std::string id, std::vector<ResourceId> resources = {}) {
    return {.id = {std::move(id)},
            .name = "Cut",
            .duration = 30min,
            .step = 15min,
            .buffer_before = 5min,
            .buffer_after = 10min,
            .price = 2500,
            .currency = "EUR",
            .min_notice = 120min,
            .horizon = 60 * 24 * 30min,
            .hold = 15min,
            .resource_groups = resources.empty() ? ResourceGroups{} : ResourceGroups{std::move(resources)},
            .cancel_notice = 24h};
}

inline void check_tenant(const std::optional<Tenant>& got, const Tenant& want) {
    REQUIRE(got);
    CHECK(got->id == want.id);
    CHECK(got->name == want.name);
    CHECK(got->created_at == want.created_at);
}

// A store with two tenants, and short-hands for one-call transactions.
struct Fixture {
    std::shared_ptr<Store> store;
    TenantId a{"tenant_a"};
    TenantId b{"tenant_b"};

    explicit Fixture(const StoreFactory& make) : store(make()) {
        REQUIRE(store);
        write([&](Transaction& tx) {
            tx.insert_tenant(
                {.id = a, .name = "Salon A", .created_at = at("2026-01-01T00:00:00Z")});
            tx.insert_tenant(
                {.id = b, .name = "Salon B", .created_at = at("2026-01-02T00:00:00Z")});
        });
    }
    /// Runs `f` in a write transaction and commits.
    template <class F>
    void write(F&& f) {
        auto tx = store->write();
        f(*tx);
        tx->commit();
    }
    /// Runs `f` in a read transaction and returns what it returns.
    template <class F>
    auto read(F&& f) {
        auto tx = store->read();
        return f(*tx);
    }
};

// --- tenants ---------------------------------------------------------------

inline void tenants_round_trip(const StoreFactory& make) {
    auto store = make();
    const Tenant t{
        .id = {"ten_1"}, .name = "Salon Bella", .created_at = at("2026-03-04T05:06:07Z")};
    {
        auto tx = store->write();
        tx->insert_tenant(t);
        tx->commit();
    }
    auto tx = store->read();
    check_tenant(tx->tenant(t.id), t);
    CHECK_FALSE(tx->tenant({"ten_2"}));
    CHECK_FALSE(tx->tenant({""}));
}

// The operator's list pages through every tenant by id; a page never
// repeats or skips one.
inline void tenants_are_listed_in_pages_by_id(const StoreFactory& make) {
    Fixture f(make);
    f.write([&](Transaction& tx) { tx.insert_tenant({.id = {"tenant_0"}, .name = "Zero", .created_at = at("2026-01-03T00:00:00Z")}); });
    const auto names = [](const std::vector<Tenant>& list) {
        std::vector<std::string> out;
        for (const auto& t : list) out.push_back(t.id.value + "=" + t.name);
        return out;
    };
    CHECK(names(f.read([&](Transaction& tx) { return tx.tenants({}, 10); })) ==
          std::vector<std::string>{"tenant_0=Zero", "tenant_a=Salon A", "tenant_b=Salon B"});
    const auto first = f.read([&](Transaction& tx) { return tx.tenants({}, 2); });
    CHECK(names(first) == std::vector<std::string>{"tenant_0=Zero", "tenant_a=Salon A"});
    CHECK(first[1].created_at == at("2026-01-01T00:00:00Z"));
    CHECK(names(f.read([&](Transaction& tx) { return tx.tenants(first.back().id, 2); })) ==
          std::vector<std::string>{"tenant_b=Salon B"});
    CHECK(f.read([&](Transaction& tx) { return tx.tenants({"tenant_b"}, 2); }).empty());
}

inline void duplicate_tenant_is_refused(const StoreFactory& make) {
    Fixture f(make);
    auto tx = f.store->write();
    expect_error(Errc::storage_error, [&] { tx->insert_tenant({.id = f.a, .name = "again"}); });
}

// --- resources and calendars ---------------------------------------------

inline void resources_round_trip(const StoreFactory& make) {
    Fixture f(make);
    const std::vector<Resource> all = {
        {.id = {"res_2"},
         .name = "Room 2",
         .kind = ResourceKind::room,
         .timezone = "America/New_York",
         .capacity = 12},
        {.id = {"res_10"},
         .name = "Laser",
         .kind = ResourceKind::equipment,
         .timezone = "Asia/Kathmandu",
         .capacity = 1},
        {.id = {"res_1"},
         .name = "Table 1",
         .kind = ResourceKind::table,
         .timezone = "UTC",
         .capacity = 4},
        {.id = {"res_3"},
         .name = "Anna",
         .kind = ResourceKind::staff,
         .timezone = "Europe/Rome",
         .capacity = 1},
    };
    f.write([&](Transaction& tx) {
        for (const auto& r : all) tx.put_resource(f.a, r);
    });
    f.read([&](Transaction& tx) {
        for (const auto& r : all) {
            auto got = tx.resource(f.a, r.id);
            REQUIRE(got);
            CHECK(*got == r);
        }
        CHECK_FALSE(tx.resource(f.a, {"res_404"}));
        // Ordered by id (byte order): res_1 < res_10 < res_2 < res_3.
        const auto list = tx.resources(f.a);
        REQUIRE(list.size() == 4);
        CHECK(list[0] == all[2]);
        CHECK(list[1] == all[1]);
        CHECK(list[2] == all[0]);
        CHECK(list[3] == all[3]);
        return 0;
    });
}

inline void put_resource_replaces_the_row_but_not_the_calendar(const StoreFactory& make) {
    Fixture f(make);
    WeeklyHours week;
    week.days[0] = {{9h, 13h}};
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource("res_1"));
        tx.put_weekly_hours(f.a, {"res_1"}, week);
        tx.put_override(f.a, {"res_1"}, day("2026-06-01"), {});
    });
    const Resource changed{.id = {"res_1"},
                           .name = "Anna B.",
                           .kind = ResourceKind::room,
                           .timezone = "Australia/Lord_Howe",
                           .capacity = 3};
    f.write([&](Transaction& tx) { tx.put_resource(f.a, changed); });
    f.read([&](Transaction& tx) {
        CHECK(tx.resource(f.a, changed.id) == changed);
        CHECK(tx.resources(f.a).size() == 1);
        CHECK(tx.weekly_hours(f.a, changed.id).days == week.days);
        CHECK(tx.overrides(f.a, changed.id, day("2026-06-01"), day("2026-06-01")).size() == 1);
        return 0;
    });
}

inline void weekly_hours_round_trip(const StoreFactory& make) {
    Fixture f(make);
    const ResourceId r{"res_1"};
    WeeklyHours week;
    week[date::Monday] = {{9h, 13h}, {14h, 18h}};
    week[date::Wednesday] = {{7h + 30min, 7h + 45min}};
    week[date::Sunday] = {{0min, 24h}};
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource(r.value));
        tx.put_weekly_hours(f.a, r, week);
    });
    CHECK(f.read([&](Transaction& tx) { return tx.weekly_hours(f.a, r); }).days == week.days);
    // A new week replaces the old one entirely (Monday is closed now).
    WeeklyHours next;
    next[date::Tuesday] = {{10h, 11h}};
    f.write([&](Transaction& tx) { tx.put_weekly_hours(f.a, r, next); });
    CHECK(f.read([&](Transaction& tx) { return tx.weekly_hours(f.a, r); }).days == next.days);
    // An empty week closes every day.
    f.write([&](Transaction& tx) { tx.put_weekly_hours(f.a, r, {}); });
    CHECK(f.read([&](Transaction& tx) { return tx.weekly_hours(f.a, r); }).days ==
          WeeklyHours{}.days);
    // Unknown resources have no hours.
    CHECK(f.read([&](Transaction& tx) { return tx.weekly_hours(f.a, {"res_404"}); }).days ==
          WeeklyHours{}.days);
}

inline void overrides_round_trip(const StoreFactory& make) {
    Fixture f(make);
    const ResourceId r{"res_1"};
    const std::vector<LocalWindow> morning{{9h, 12h}};
    const std::vector<LocalWindow> split{{8h, 10h}, {15h, 24h}};
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource(r.value));
        tx.put_override(f.a, r, day("2026-05-31"), morning);
        tx.put_override(f.a, r, day("2026-06-01"), {});  // closed
        tx.put_override(f.a, r, day("2026-06-02"), morning);
        tx.put_override(f.a, r, day("2026-06-05"), split);
    });
    f.read([&](Transaction& tx) {
        // [from, to] is inclusive at both ends; an empty list (closed) is kept.
        const auto first = tx.overrides(f.a, r, day("2026-06-01"), day("2026-06-02"));
        REQUIRE(first.size() == 2);
        CHECK(first.at(day("2026-06-01")).empty());
        CHECK(first.at(day("2026-06-02")) == morning);
        const auto second = tx.overrides(f.a, r, day("2026-06-02"), day("2026-06-05"));
        REQUIRE(second.size() == 2);
        CHECK(second.at(day("2026-06-05")) == split);
        CHECK(tx.overrides(f.a, r, day("2026-06-03"), day("2026-06-04")).empty());
        CHECK(tx.overrides(f.a, r, day("2026-01-01"), day("2026-12-31")).size() == 4);
        return 0;
    });
    // Putting a date again replaces its windows; deleting reports whether it existed.
    f.write([&](Transaction& tx) {
        tx.put_override(f.a, r, day("2026-06-02"), split);
        CHECK(tx.delete_override(f.a, r, day("2026-05-31")));
        CHECK_FALSE(tx.delete_override(f.a, r, day("2026-05-31")));
        CHECK_FALSE(tx.delete_override(f.a, r, day("2026-07-01")));
        CHECK_FALSE(tx.delete_override(f.a, {"res_404"}, day("2026-06-01")));
    });
    const auto after = f.read([&](Transaction& tx) {
        return tx.overrides(f.a, r, day("2026-01-01"), day("2026-12-31"));
    });
    REQUIRE(after.size() == 3);
    CHECK(after.at(day("2026-06-02")) == split);
    CHECK_FALSE(after.contains(day("2026-05-31")));
}

// --- blocks ---------------------------------------------------------------

inline void blocks_round_trip(const StoreFactory& make) {
    Fixture f(make);
    const Block nine{.id = {"blk_b"},
                     .resource = {"res_1"},
                     .interval = {at("2026-06-01T09:00:00Z"), at("2026-06-01T10:00:00Z")},
                     .reason = "dentist"};
    const Block eight{.id = {"blk_c"},
                      .resource = {"res_1"},
                      .interval = {at("2026-06-01T08:00:00Z"), at("2026-06-01T09:00:00Z")},
                      .reason = ""};
    const Block eleven{.id = {"blk_a"},
                       .resource = {"res_1"},
                       .interval = {at("2026-06-01T11:00:00Z"), at("2026-06-01T12:00:00Z")},
                       .reason = "lunch"};
    const Block other{.id = {"blk_d"},
                      .resource = {"res_2"},
                      .interval = {at("2026-06-01T09:00:00Z"), at("2026-06-01T10:00:00Z")},
                      .reason = "x"};
    f.write([&](Transaction& tx) {
        for (const auto& b : {nine, eight, eleven, other}) tx.insert_block(f.a, b);
    });
    f.read([&](Transaction& tx) {
        // Half-open: a block ending at the range's start, or starting at its
        // end, does not overlap it.
        auto list =
            tx.blocks(f.a, {"res_1"}, {at("2026-06-01T09:00:00Z"), at("2026-06-01T11:00:00Z")});
        REQUIRE(list.size() == 1);
        CHECK(list[0] == nine);
        // Ordered by start.
        list = tx.blocks(f.a, {"res_1"}, {at("2026-06-01T08:30:00Z"), at("2026-06-01T11:30:00Z")});
        REQUIRE(list.size() == 3);
        CHECK(list[0] == eight);
        CHECK(list[1] == nine);
        CHECK(list[2] == eleven);
        // A range inside a block finds it.
        list = tx.blocks(f.a, {"res_1"}, {at("2026-06-01T09:10:00Z"), at("2026-06-01T09:20:00Z")});
        REQUIRE(list.size() == 1);
        CHECK(list[0] == nine);
        CHECK(tx.blocks(f.a, {"res_1"}, {at("2026-06-01T10:00:00Z"), at("2026-06-01T11:00:00Z")})
                  .empty());
        return 0;
    });
    f.write([&](Transaction& tx) {
        CHECK(tx.delete_block(f.a, nine.id));
        CHECK_FALSE(tx.delete_block(f.a, nine.id));
        CHECK_FALSE(tx.delete_block(f.a, {"blk_404"}));
    });
    CHECK(f.read([&](Transaction& tx) {
        return tx.blocks(f.a, {"res_1"}, {at("2026-06-01T00:00:00Z"), at("2026-06-02T00:00:00Z")})
            .size();
    }) == 2);
    auto tx = f.store->write();
    expect_error(Errc::storage_error, [&] { tx->insert_block(f.a, eight); });
}

// --- services -------------------------------------------------------------

inline void services_round_trip(const StoreFactory& make) {
    Fixture f(make);
    // Resource order is display order, not id order.
    Service colour = service("svc_b", {{"res_3"}, {"res_1"}, {"res_2"}});
    // Groups keep their order and their members' order; segments and limits round-trip.
    colour.resource_groups.push_back({{"res_5"}, {"res_4"}});
    colour.duration = 95min;
    colour.segments = {{SegmentKind::busy, 30min}, {SegmentKind::free, 45min}, {SegmentKind::busy, 20min}};
    colour.limits = {.day = 6, .month = 100};
    Service free = service("svc_a");
    free.price = 0;
    free.currency = "";
    free.step = 0min;
    free.horizon = 0min;
    free.cancel_notice = 0min;
    f.write([&](Transaction& tx) {
        tx.put_service(f.a, colour);
        tx.put_service(f.a, free);
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.service(f.a, colour.id) == colour);
        CHECK(tx.service(f.a, free.id) == free);
        CHECK_FALSE(tx.service(f.a, {"svc_404"}));
        const auto list = tx.services(f.a);
        REQUIRE(list.size() == 2);
        CHECK(list[0] == free);
        CHECK(list[1] == colour);
        return 0;
    });
    // put_service replaces every field and the resource links.
    Service changed = service("svc_b", {{"res_2"}});
    changed.name = "Colour (long)";
    changed.duration = 90min;
    changed.buffer_before = 0min;
    changed.hold = 30min;
    changed.price = 9000;
    changed.currency = "USD";
    changed.cancel_notice = 90min;
    f.write([&](Transaction& tx) { tx.put_service(f.a, changed); });
    f.read([&](Transaction& tx) {
        CHECK(tx.service(f.a, changed.id) == changed);
        const auto list = tx.services(f.a);
        REQUIRE(list.size() == 2);
        CHECK(list[1] == changed);
        return 0;
    });
    changed.resource_groups.clear();
    f.write([&](Transaction& tx) { tx.put_service(f.a, changed); });
    CHECK(f.read([&](Transaction& tx) { return tx.service(f.a, changed.id); }) == changed);
}

// shared_service() answers as service() does, and what it hands out stays as
// it was read: book() keeps it to the end while the store's cache, or the
// same write transaction, moves on.
inline void a_shared_service_reads_like_a_copy_and_stays_as_read(const StoreFactory& make) {
    Fixture f(make);
    const Service before = service("svc_b", {{"res_1"}, {"res_2"}});
    f.write([&](Transaction& tx) { tx.put_service(f.a, before); });
    const auto kept = f.read([&](Transaction& tx) { return tx.shared_service(f.a, before.id); });
    REQUIRE(kept);
    CHECK(*kept == before);
    CHECK_FALSE(f.read([&](Transaction& tx) { return tx.shared_service(f.a, {"svc_404"}); }));
    CHECK_FALSE(f.read([&](Transaction& tx) { return tx.shared_service(f.b, before.id); }));
    Service after = before;
    after.name = "Colour (long)";
    after.duration = 90min;
    after.resource_groups = {{ResourceId{"res_3"}}};
    f.write([&](Transaction& tx) {
        const auto read = tx.shared_service(f.a, before.id);
        REQUIRE(read);
        CHECK(*read == before);
        tx.put_service(f.a, after);
        CHECK(*read == before);
        const auto again = tx.shared_service(f.a, before.id);
        REQUIRE(again);
        CHECK(*again == after);
        CHECK(tx.service(f.a, before.id) == after);
    });
    CHECK(*kept == before);
    const auto now = f.read([&](Transaction& tx) { return tx.shared_service(f.a, before.id); });
    REQUIRE(now);
    CHECK(*now == after);
}

// --- bookings -------------------------------------------------------------

inline void bookings_round_trip(const StoreFactory& make) {
    Fixture f(make);
    Booking paid = booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z"), 45min);
    paid.service = {"svc_colour"};
    paid.seats = 3;
    paid.buffer_before = 10min;
    paid.buffer_after = 5min;
    paid.customer = {
        .name = "Zoë Ñandú 日本", .email = "zoe@example.it", .phone = "", .locale = "en"};
    paid.status = BookingStatus::pending;
    paid.payment_status = PaymentStatus::pending;
    paid.hold_expires_at = at("2026-05-20T12:15:00Z");
    paid.idempotency_key = "key-1";
    paid.request_fingerprint = "sha256:abc";
    paid.created_by = "user_42";
    paid.created_at = at("2026-05-20T12:00:00Z");
    paid.updated_at = at("2026-05-20T12:00:01Z");
    const Booking plain = booking("bkg_2", "res_2", at("2026-06-01T11:00:00Z"));
    // Instants far from now, before the epoch included, are plain seconds.
    Booking old = booking("bkg_3", "res_2", at("1969-07-20T20:17:40Z"));
    old.status = BookingStatus::cancelled;
    old.payment_status = PaymentStatus::refunded;
    Booking future = booking("bkg_4", "res_2", at("2199-12-31T23:30:00Z"));
    future.payment_status = PaymentStatus::refund_due;
    Booking failed = booking("bkg_5", "res_2", at("2026-06-01T12:00:00Z"));
    failed.payment_status = PaymentStatus::failed;
    failed.status = BookingStatus::cancelled;
    Booking settled = booking("bkg_6", "res_2", at("2026-06-01T13:00:00Z"));
    settled.payment_status = PaymentStatus::paid;
    const std::vector<Booking> all{paid, plain, old, future, failed, settled};
    f.write([&](Transaction& tx) {
        for (const auto& b : all) tx.insert_booking(f.a, b);
    });
    f.read([&](Transaction& tx) {
        for (const auto& b : all) {
            CAPTURE(b.id.value);
            CHECK(tx.booking(f.a, b.id) == b);
        }
        CHECK_FALSE(tx.booking(f.a, {"bkg_404"}));
        CHECK(tx.booking_by_idempotency_key(f.a, "user_42", "key-1") == paid);
        CHECK_FALSE(tx.booking_by_idempotency_key(f.a, "user_42", "key-2"));
        // "" means "no key": it never finds the bookings stored without one.
        CHECK_FALSE(tx.booking_by_idempotency_key(f.a, "user_42", ""));
        return 0;
    });
    auto tx = f.store->write();
    expect_insert_refused(Errc::storage_error, *tx, f.a, plain);
}

inline void update_booking_replaces_the_mutable_fields(const StoreFactory& make) {
    Fixture f(make);
    Booking b = booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z"));
    b.status = BookingStatus::pending;
    b.payment_status = PaymentStatus::pending;
    b.hold_expires_at = at("2026-05-01T10:15:00Z");
    b.idempotency_key = "key-1";
    f.write([&](Transaction& tx) { tx.insert_booking(f.a, b); });
    Booking changed = b;
    changed.service = {"svc_other"};
    changed.resource = {"res_2"};
    changed.interval = {at("2026-06-02T15:00:00Z"), at("2026-06-02T16:30:00Z")};
    changed.seats = 2;
    changed.buffer_before = 15min;
    changed.buffer_after = 20min;
    changed.customer = {
        .name = "Grace", .email = "grace@example.com", .phone = "+1 555", .locale = "en"};
    changed.status = BookingStatus::confirmed;
    changed.payment_status = PaymentStatus::paid;
    changed.hold_expires_at.reset();
    changed.updated_at = at("2026-05-01T10:05:00Z");
    f.write([&](Transaction& tx) { tx.update_booking(f.a, changed); });
    f.read([&](Transaction& tx) {
        CHECK(tx.booking(f.a, b.id) == changed);
        CHECK(tx.booking_by_idempotency_key(f.a, "ada", "key-1") == changed);
        return 0;
    });
    // The new resource and interval are what active_bookings sees.
    f.read([&](Transaction& tx) {
        const Interval day2{at("2026-06-02T00:00:00Z"), at("2026-06-03T00:00:00Z")};
        const Interval day1{at("2026-06-01T00:00:00Z"), at("2026-06-02T00:00:00Z")};
        CHECK(ids(tx.active_bookings(f.a, {"res_2"}, day2, at("2026-05-01T00:00:00Z"))) ==
              std::vector<std::string>{"bkg_1"});
        CHECK(tx.active_bookings(f.a, {"res_1"}, day1, at("2026-05-01T00:00:00Z")).empty());
        return 0;
    });
    // Updating a booking that does not exist is not_found and changes nothing.
    auto tx = f.store->write();
    expect_error(Errc::not_found, [&] {
        tx->update_booking(f.a, booking("bkg_404", "res_1", at("2026-06-01T10:00:00Z")));
    });
}

inline void idempotency_keys_are_unique_per_tenant(const StoreFactory& make) {
    Fixture f(make);
    Booking first = booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z"));
    first.idempotency_key = "order-77";
    f.write([&](Transaction& tx) { tx.insert_booking(f.a, first); });
    // The same key again in the same tenant is refused, and nothing is written.
    {
        Booking again = booking("bkg_2", "res_1", at("2026-06-01T11:00:00Z"));
        again.idempotency_key = "order-77";
        auto tx = f.store->write();
        expect_insert_refused(Errc::storage_error, *tx, f.a, again);
    }
    CHECK_FALSE(f.read([&](Transaction& tx) { return tx.booking(f.a, {"bkg_2"}); }));
    // The same key in another tenant is that tenant's own.
    Booking theirs = booking("bkg_3", "res_9", at("2026-06-01T10:00:00Z"));
    theirs.idempotency_key = "order-77";
    f.write([&](Transaction& tx) { tx.insert_booking(f.b, theirs); });
    // Bookings without a key never collide.
    f.write([&](Transaction& tx) {
        tx.insert_booking(f.a, booking("bkg_4", "res_1", at("2026-06-01T12:00:00Z")));
        tx.insert_booking(f.a, booking("bkg_5", "res_1", at("2026-06-01T13:00:00Z")));
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.booking_by_idempotency_key(f.a, "ada", "order-77") == first);
        CHECK(tx.booking_by_idempotency_key(f.b, "ada", "order-77") == theirs);
        CHECK(tx.booking(f.a, {"bkg_4"}));
        CHECK(tx.booking(f.a, {"bkg_5"}));
        return 0;
    });
}

inline void idempotency_keys_are_scoped_to_the_subject(const StoreFactory& make) {
    Fixture f(make);
    Booking ada = booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z"));
    ada.idempotency_key = "order-1";
    Booking bob = booking("bkg_2", "res_1", at("2026-06-01T11:00:00Z"));
    bob.idempotency_key = "order-1";
    bob.created_by = "bob";
    // The same key for two subjects of one tenant: two bookings, neither squats.
    f.write([&](Transaction& tx) {
        tx.insert_booking(f.a, ada);
        tx.insert_booking(f.a, bob);
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.booking_by_idempotency_key(f.a, "ada", "order-1") == ada);
        CHECK(tx.booking_by_idempotency_key(f.a, "bob", "order-1") == bob);
        // A third subject reads nothing under the key.
        CHECK_FALSE(tx.booking_by_idempotency_key(f.a, "eve", "order-1"));
        return 0;
    });
    // The same key again for the same subject is still refused.
    Booking again = booking("bkg_3", "res_1", at("2026-06-01T12:00:00Z"));
    again.idempotency_key = "order-1";
    auto tx = f.store->write();
    expect_insert_refused(Errc::storage_error, *tx, f.a, again);
}

inline void a_policy_round_trips_per_tenant(const StoreFactory& make) {
    Fixture f(make);
    CHECK_FALSE(f.read([&](Transaction& tx) { return tx.policy(f.a); }));
    const TenantPolicy set{.max_pending_per_customer = 3, .max_active_per_customer = 7,
                           .customer_horizon = std::chrono::days{30}, .max_seats_per_customer_booking = 4,
                           .max_notifications_per_customer_hour = 5};
    f.write([&](Transaction& tx) { tx.put_policy(f.a, set); });
    CHECK(f.read([&](Transaction& tx) { return tx.policy(f.a); }) == set);
    CHECK_FALSE(f.read([&](Transaction& tx) { return tx.policy(f.b); }));
    // Replaced as a whole: unset limits read back unset.
    const TenantPolicy smaller{.max_pending_per_customer = 1, .max_seats_per_customer_booking = std::nullopt};
    f.write([&](Transaction& tx) { tx.put_policy(f.a, smaller); });
    CHECK(f.read([&](Transaction& tx) { return tx.policy(f.a); }) == smaller);
}

inline void customer_holdings_count_one_subjects_live_bookings(const StoreFactory& make) {
    Fixture f(make);
    const Instant now = at("2026-06-01T08:00:00Z");
    const auto pending = [&](std::string id, Instant start, Instant hold_until) {
        Booking b = booking(std::move(id), "res_1", start);
        b.status = BookingStatus::pending;
        b.payment_status = PaymentStatus::pending;
        b.hold_expires_at = hold_until;
        return b;
    };
    auto past = booking("bkg_past", "res_1", at("2026-05-01T10:00:00Z"));
    auto cancelled = booking("bkg_cancelled", "res_1", at("2026-06-02T10:00:00Z"));
    cancelled.status = BookingStatus::cancelled;
    auto bobs = booking("bkg_bob", "res_1", at("2026-06-02T11:00:00Z"));
    bobs.created_by = "bob";
    f.write([&](Transaction& tx) {
        tx.insert_booking(f.a, booking("bkg_future", "res_1", at("2026-06-03T10:00:00Z")));
        tx.insert_booking(f.a, past);
        tx.insert_booking(f.a, cancelled);
        tx.insert_booking(f.a, bobs);
        tx.insert_booking(f.a, pending("bkg_held", at("2026-06-04T10:00:00Z"), now + 10min));
        tx.insert_booking(f.a, pending("bkg_lapsed", at("2026-06-04T11:00:00Z"), now));
        tx.insert_booking(f.b, pending("bkg_theirs", at("2026-06-04T10:00:00Z"), now + 10min));
    });
    f.read([&](Transaction& tx) {
        const auto held = tx.customer_holdings(f.a, "ada", now, 100);
        CHECK(held.pending == 1);        // bkg_held; the lapsed hold does not count
        CHECK(held.active_future == 2);  // bkg_future and bkg_held
        // Capped: never more than `cap`.
        const auto capped = tx.customer_holdings(f.a, "ada", now, 1);
        CHECK(capped.pending == 1);
        CHECK(capped.active_future == 1);
        CHECK(tx.customer_holdings(f.a, "eve", now, 100).active_future == 0);
        CHECK(tx.customer_holdings(f.b, "ada", now, 100).pending == 1);
        return 0;
    });
}

// --- active_bookings --------------------------------------------------------

inline void active_bookings_include_buffers(const StoreFactory& make) {
    Fixture f(make);
    const ResourceId r{"res_1"};
    Booking b = booking("bkg_1", r.value, at("2026-06-01T10:00:00Z"));  // [10:00, 10:30)
    b.buffer_before = 15min;                                            // occupies [09:45, 10:40)
    b.buffer_after = 10min;
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource(r.value));
        tx.insert_booking(f.a, b);
    });
    const Instant now = at("2026-05-01T00:00:00Z");
    const auto found = [&](const char* from, const char* to) {
        return f.read([&](Transaction& tx) {
            return tx.active_bookings(f.a, r, {at(from), at(to)}, now).size();
        });
    };
    CHECK(found("2026-06-01T10:30:00Z", "2026-06-01T10:40:00Z") == 1);  // after buffer
    CHECK(found("2026-06-01T10:39:59Z", "2026-06-01T11:00:00Z") == 1);
    CHECK(found("2026-06-01T10:40:00Z", "2026-06-01T11:00:00Z") == 0);  // half-open end
    CHECK(found("2026-06-01T09:44:00Z", "2026-06-01T09:46:00Z") == 1);  // before buffer
    CHECK(found("2026-06-01T09:00:00Z", "2026-06-01T09:45:00Z") == 0);
    CHECK(found("2026-06-01T10:10:00Z", "2026-06-01T10:20:00Z") == 1);  // inside
    CHECK(found("2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z") == 1);  // around
}

inline void active_bookings_skip_expired_holds_and_cancelled(const StoreFactory& make) {
    Fixture f(make);
    const ResourceId r{"res_1"};
    const Instant now = at("2026-06-01T08:00:00Z");
    const auto make_booking = [&](const char* id, BookingStatus status,
                                  std::optional<Instant> hold) {
        Booking b = booking(id, r.value, at("2026-06-01T10:00:00Z"));
        b.status = status;
        b.hold_expires_at = hold;
        return b;
    };
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource(r.value, 10));
        tx.insert_booking(f.a, make_booking("confirmed", BookingStatus::confirmed, std::nullopt));
        tx.insert_booking(f.a, make_booking("held", BookingStatus::pending, now + 1s));
        tx.insert_booking(f.a, make_booking("hold_ends_now", BookingStatus::pending, now));
        tx.insert_booking(f.a, make_booking("hold_ended", BookingStatus::pending, now - 1min));
        tx.insert_booking(
            f.a, make_booking("pending_without_hold", BookingStatus::pending, std::nullopt));
        tx.insert_booking(f.a, make_booking("cancelled", BookingStatus::cancelled, std::nullopt));
        tx.insert_booking(f.a, make_booking("cancelled_held", BookingStatus::cancelled, now + 1h));
        tx.insert_booking(f.a, make_booking("expired", BookingStatus::expired, std::nullopt));
        tx.insert_booking(f.a, booking("other_resource", "res_2", at("2026-06-01T10:00:00Z")));
    });
    const Interval morning{at("2026-06-01T09:00:00Z"), at("2026-06-01T12:00:00Z")};
    f.read([&](Transaction& tx) {
        CHECK(id_set(tx.active_bookings(f.a, r, morning, now)) ==
              std::vector<std::string>{"confirmed", "held"});
        // Once the hold passes, the held booking stops counting.
        CHECK(id_set(tx.active_bookings(f.a, r, morning, now + 1s)) ==
              std::vector<std::string>{"confirmed"});
        // Earlier, the holds that had not yet ended count.
        CHECK(id_set(tx.active_bookings(f.a, r, morning, now - 2min)) ==
              std::vector<std::string>{"confirmed", "held", "hold_ended", "hold_ends_now"});
        return 0;
    });
}

inline void active_bookings_find_long_bookings_that_started_long_before(const StoreFactory& make) {
    Fixture f(make);
    const Instant now = at("2026-05-01T00:00:00Z");
    const Interval noon{at("2026-06-03T12:00:00Z"), at("2026-06-03T13:00:00Z")};
    const auto found = [&](const char* r) {
        return f.read(
            [&](Transaction& tx) { return ids(tx.active_bookings(f.a, {r}, noon, now)); });
    };
    SUBCASE("a booking spanning days") {
        f.write([&](Transaction& tx) {
            tx.put_resource(f.a, resource("res_1"));
            tx.insert_booking(f.a, booking("short", "res_1", at("2026-06-03T09:00:00Z")));
            tx.insert_booking(f.a, booking("week", "res_1", at("2026-06-01T00:00:00Z"), 7 * 24h));
        });
        CHECK(found("res_1") == std::vector<std::string>{"week"});
    }
    SUBCASE("a booking whose buffer spans days") {
        Booking b = booking("buffered", "res_1", at("2026-06-05T09:00:00Z"));
        b.buffer_before = 3 * 24h;
        f.write([&](Transaction& tx) {
            tx.put_resource(f.a, resource("res_1"));
            tx.insert_booking(f.a, b);
        });
        CHECK(found("res_1") == std::vector<std::string>{"buffered"});
    }
    SUBCASE("a booking made long by an update") {
        f.write([&](Transaction& tx) {
            tx.put_resource(f.a, resource("res_1"));
            tx.insert_booking(f.a, booking("grown", "res_1", at("2026-06-01T09:00:00Z")));
        });
        CHECK(found("res_1").empty());
        Booking b = booking("grown", "res_1", at("2026-06-01T09:00:00Z"), 5 * 24h);
        f.write([&](Transaction& tx) { tx.update_booking(f.a, b); });
        CHECK(found("res_1") == std::vector<std::string>{"grown"});
    }
    SUBCASE("a booking moved from another resource") {
        f.write([&](Transaction& tx) {
            tx.put_resource(f.a, resource("res_1"));
            tx.put_resource(f.a, resource("res_2"));
            tx.insert_booking(f.a, booking("moved", "res_2", at("2026-06-01T00:00:00Z"), 7 * 24h));
            tx.insert_booking(f.a, booking("short", "res_1", at("2026-06-03T09:00:00Z")));
        });
        Booking b = booking("moved", "res_1", at("2026-06-01T00:00:00Z"), 7 * 24h);
        f.write([&](Transaction& tx) { tx.update_booking(f.a, b); });
        CHECK(found("res_1") == std::vector<std::string>{"moved"});
        CHECK(found("res_2").empty());
    }
    SUBCASE("bookings stored before their resource") {
        f.write([&](Transaction& tx) {
            tx.insert_booking(f.a, booking("early", "res_1", at("2026-06-01T00:00:00Z"), 7 * 24h));
        });
        CHECK(found("res_1") == std::vector<std::string>{"early"});
        f.write([&](Transaction& tx) { tx.put_resource(f.a, resource("res_1")); });
        CHECK(found("res_1") == std::vector<std::string>{"early"});
        f.write([&](Transaction& tx) { tx.put_resource(f.a, resource("res_1", 2)); });
        CHECK(found("res_1") == std::vector<std::string>{"early"});
    }
}

inline void active_bookings_are_ordered_by_occupied_start(const StoreFactory& make) {
    Fixture f(make);
    Booking late_start = booking("bkg_a", "res_1", at("2026-06-01T10:05:00Z"));
    late_start.buffer_before = 30min;  // occupies from 09:35
    const Booking early_start = booking("bkg_b", "res_1", at("2026-06-01T10:00:00Z"));
    const Booking tie = booking("bkg_c", "res_1", at("2026-06-01T09:35:00Z"));
    const Booking later = booking("bkg_0", "res_1", at("2026-06-01T11:00:00Z"));
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource("res_1", 5));
        for (const auto& b : {later, early_start, tie, late_start}) tx.insert_booking(f.a, b);
    });
    const auto list = f.read([&](Transaction& tx) {
        return tx.active_bookings(f.a, {"res_1"},
                                  {at("2026-06-01T00:00:00Z"), at("2026-06-02T00:00:00Z")},
                                  at("2026-05-01T00:00:00Z"));
    });
    REQUIRE(list.size() == 4);
    CHECK(list[0].occupied_interval().begin == at("2026-06-01T09:35:00Z"));
    CHECK(list[1].occupied_interval().begin == at("2026-06-01T09:35:00Z"));
    CHECK(list[2] == early_start);
    CHECK(list[3] == later);
    CHECK(((list[0] == late_start && list[1] == tie) || (list[0] == tie && list[1] == late_start)));
}

// --- bookings(): filters and pagination ------------------------------------

// The filter, written out plainly as the model the store must agree with.
inline bool matches(const Booking& b, const BookingFilter& f) {
    if (f.from && b.interval.begin < *f.from) return false;
    if (f.to && !(b.interval.begin < *f.to)) return false;
    if (f.resource && b.resource != *f.resource) return false;
    if (f.created_by && b.created_by != *f.created_by) return false;
    if (f.status && b.status_at(f.now) != *f.status) return false;
    return true;
}

inline std::vector<std::string> expected(std::vector<Booking> all, const BookingFilter& f) {
    std::sort(all.begin(), all.end(), [](const Booking& x, const Booking& y) {
        return std::tie(x.interval.begin, x.id) < std::tie(y.interval.begin, y.id);
    });
    std::vector<std::string> out;
    bool past_cursor = !f.after;
    for (const auto& b : all) {
        if (!past_cursor) {
            past_cursor = b.id == *f.after;
            continue;
        }
        if (matches(b, f) && static_cast<int>(out.size()) < f.limit) out.push_back(b.id.value);
    }
    return out;
}

inline std::vector<Booking> filter_sample() {
    const Instant now = at("2026-06-01T08:00:00Z");
    std::vector<Booking> all;
    const char* resources[] = {"res_1", "res_2"};
    const char* creators[] = {"ada", "bob", "cy"};
    for (int i = 0; i < 24; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "bkg_%02d", (i * 7) % 24);
        // Three bookings share each start, so (start, id) decides the order.
        Booking b = booking(id, resources[i % 2], at("2026-06-01T09:00:00Z") + (i / 3) * 30min);
        b.created_by = creators[i % 3];
        switch (i % 5) {
            case 0:
                b.status = BookingStatus::confirmed;
                break;
            case 1:
                b.status = BookingStatus::pending;
                b.hold_expires_at = now + 10min;
                break;
            case 2:
                b.status = BookingStatus::pending;
                b.hold_expires_at = now;
                break;
            case 3:
                b.status = BookingStatus::cancelled;
                break;
            case 4:
                b.status = BookingStatus::pending;
                break;  // no hold
        }
        all.push_back(b);
    }
    return all;
}

inline void bookings_filter_and_order(const StoreFactory& make) {
    Fixture f(make);
    const auto all = filter_sample();
    f.write([&](Transaction& tx) {
        for (const auto& b : all) tx.insert_booking(f.a, b);
    });
    const Instant now = at("2026-06-01T08:00:00Z");
    std::vector<BookingFilter> filters = {
        {.now = now},
        {.now = now, .limit = 1000},
        {.from = at("2026-06-01T10:00:00Z"), .now = now},
        {.to = at("2026-06-01T10:00:00Z"), .now = now},
        {.from = at("2026-06-01T10:00:00Z"), .to = at("2026-06-01T11:30:00Z"), .now = now},
        {.from = at("2026-06-01T10:15:00Z"), .to = at("2026-06-01T10:15:00Z"), .now = now},
        {.resource = ResourceId{"res_2"}, .now = now},
        {.resource = ResourceId{"res_404"}, .now = now},
        {.created_by = "bob", .now = now},
        {.created_by = "", .now = now},
        {.status = BookingStatus::confirmed, .now = now},
        {.status = BookingStatus::pending, .now = now},
        {.status = BookingStatus::expired, .now = now},
        {.status = BookingStatus::cancelled, .now = now},
        {.status = BookingStatus::pending, .now = now + 20min},
        {.status = BookingStatus::expired, .now = now + 20min},
        {.status = BookingStatus::expired, .now = now - 1s},
        {.from = at("2026-06-01T09:30:00Z"),
         .resource = ResourceId{"res_1"},
         .created_by = "ada",
         .status = BookingStatus::confirmed,
         .now = now},
        {.now = now, .limit = 5},
        {.resource = ResourceId{"res_1"}, .now = now, .limit = 1},
    };
    f.read([&](Transaction& tx) {
        for (std::size_t i = 0; i < filters.size(); ++i) {
            CAPTURE(i);
            CHECK(ids(tx.bookings(f.a, filters[i])) == expected(all, filters[i]));
        }
        // Spot checks against the model itself: the start bounds are [from, to).
        const auto window = tx.bookings(
            f.a,
            {.from = at("2026-06-01T10:00:00Z"), .to = at("2026-06-01T10:30:00Z"), .now = now});
        REQUIRE(window.size() == 3);
        for (const auto& b : window) CHECK(b.interval.begin == at("2026-06-01T10:00:00Z"));
        CHECK(window[0].id < window[1].id);
        CHECK(window[1].id < window[2].id);
        return 0;
    });
}

inline void bookings_keyset_pagination(const StoreFactory& make) {
    Fixture f(make);
    const auto all = filter_sample();
    f.write([&](Transaction& tx) {
        for (const auto& b : all) tx.insert_booking(f.a, b);
    });
    const Instant now = at("2026-06-01T08:00:00Z");
    for (int limit : {1, 2, 5, 7, 24, 100}) {
        for (auto only :
             {std::optional<ResourceId>{}, std::optional<ResourceId>{ResourceId{"res_1"}}}) {
            CAPTURE(limit);
            BookingFilter filter{.resource = only, .now = now, .limit = limit};
            std::vector<std::string> walked;
            for (int page = 0; page < 100; ++page) {
                const auto got = f.read([&](Transaction& tx) { return tx.bookings(f.a, filter); });
                CHECK(ids(got) == expected(all, filter));
                CHECK(static_cast<int>(got.size()) <= limit);
                for (const auto& b : got) walked.push_back(b.id.value);
                if (static_cast<int>(got.size()) < limit) break;
                filter.after = got.back().id;
            }
            CHECK(walked == expected(all, {.resource = only, .now = now, .limit = 1000}));
        }
    }
    // A cursor naming no booking of the tenant has nothing after it.
    f.read([&](Transaction& tx) {
        CHECK(tx.bookings(f.a, {.now = now, .after = BookingId{"bkg_404"}}).empty());
        CHECK(tx.bookings(f.b, {.now = now, .after = BookingId{"bkg_03"}}).empty());
        return 0;
    });
}

// --- tenant scoping ---------------------------------------------------------

inline void tenant_scoping(const StoreFactory& make) {
    Fixture f(make);
    const ResourceId r{"res_1"};
    WeeklyHours week;
    week[date::Monday] = {{9h, 17h}};
    const Block blk{.id = {"blk_1"},
                    .resource = r,
                    .interval = {at("2026-06-01T12:00:00Z"), at("2026-06-01T13:00:00Z")},
                    .reason = "lunch"};
    const Service svc = service("svc_1", {r});
    Booking bkg = booking("bkg_1", r.value, at("2026-06-01T10:00:00Z"));
    bkg.idempotency_key = "key-1";
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource(r.value));
        tx.put_weekly_hours(f.a, r, week);
        tx.put_override(f.a, r, day("2026-06-02"), {});
        tx.insert_block(f.a, blk);
        tx.put_service(f.a, svc);
        tx.insert_booking(f.a, bkg);
    });
    const Interval june{at("2026-06-01T00:00:00Z"), at("2026-07-01T00:00:00Z")};
    const Instant now = at("2026-05-01T00:00:00Z");

    // Reads with tenant B's id see none of tenant A's rows.
    f.read([&](Transaction& tx) {
        CHECK_FALSE(tx.resource(f.b, r));
        CHECK(tx.resources(f.b).empty());
        CHECK(tx.weekly_hours(f.b, r).days == WeeklyHours{}.days);
        CHECK(tx.overrides(f.b, r, day("2026-01-01"), day("2026-12-31")).empty());
        CHECK(tx.blocks(f.b, r, june).empty());
        CHECK_FALSE(tx.service(f.b, svc.id));
        CHECK(tx.services(f.b).empty());
        CHECK_FALSE(tx.booking(f.b, bkg.id));
        CHECK_FALSE(tx.booking_by_idempotency_key(f.b, "ada", "key-1"));
        CHECK(tx.active_bookings(f.b, r, june, now).empty());
        CHECK(tx.bookings(f.b, {.now = now}).empty());
        CHECK(tx.bookings(f.b, {.resource = r, .now = now}).empty());
        CHECK(tx.bookings(f.b, {.now = now, .after = bkg.id}).empty());
        return 0;
    });

    // Changes with tenant B's id leave tenant A's rows alone.
    f.write([&](Transaction& tx) {
        CHECK_FALSE(tx.delete_override(f.b, r, day("2026-06-02")));
        CHECK_FALSE(tx.delete_block(f.b, blk.id));
        expect_error(Errc::not_found, [&] { tx.update_booking(f.b, bkg); });
    });
    f.write([&](Transaction& tx) {
        // The same ids in tenant B are B's own rows.
        Resource theirs = resource(r.value, 7);
        theirs.name = "B's room";
        tx.put_resource(f.b, theirs);
        tx.put_weekly_hours(f.b, r, {});
        tx.put_override(f.b, r, day("2026-06-02"), {{10h, 11h}});
        tx.put_override(f.b, r, day("2026-06-03"), {});
        Block their_block = blk;
        their_block.reason = "B's block";
        tx.insert_block(f.b, their_block);
        tx.put_service(f.b, service(svc.id.value));
        Booking their_booking = booking(bkg.id.value, r.value, at("2026-06-01T10:00:00Z"));
        their_booking.idempotency_key = "key-1";
        their_booking.status = BookingStatus::cancelled;
        tx.insert_booking(f.b, their_booking);
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.resource(f.a, r) == resource(r.value));
        CHECK(tx.resources(f.a).size() == 1);
        CHECK(tx.weekly_hours(f.a, r).days == week.days);
        const auto ov = tx.overrides(f.a, r, day("2026-01-01"), day("2026-12-31"));
        REQUIRE(ov.size() == 1);
        CHECK(ov.at(day("2026-06-02")).empty());
        const auto blocks = tx.blocks(f.a, r, june);
        REQUIRE(blocks.size() == 1);
        CHECK(blocks[0] == blk);
        CHECK(tx.service(f.a, svc.id) == svc);
        CHECK(tx.services(f.a).size() == 1);
        CHECK(tx.booking(f.a, bkg.id) == bkg);
        CHECK(tx.booking_by_idempotency_key(f.a, "ada", "key-1") == bkg);
        CHECK(ids(tx.active_bookings(f.a, r, june, now)) == std::vector<std::string>{"bkg_1"});
        CHECK(ids(tx.bookings(f.a, {.now = now})) == std::vector<std::string>{"bkg_1"});
        // And B sees only its own.
        CHECK(tx.resource(f.b, r)->capacity == 7);
        CHECK(tx.overrides(f.b, r, day("2026-01-01"), day("2026-12-31")).size() == 2);
        CHECK(tx.blocks(f.b, r, june).at(0).reason == "B's block");
        CHECK(tx.service(f.b, svc.id)->resource_groups.empty());
        CHECK(tx.booking(f.b, bkg.id)->status == BookingStatus::cancelled);
        CHECK(tx.active_bookings(f.b, r, june, now).empty());
        return 0;
    });
    // Deleting in B removes B's rows only.
    f.write([&](Transaction& tx) {
        CHECK(tx.delete_block(f.b, blk.id));
        CHECK(tx.delete_override(f.b, r, day("2026-06-02")));
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.blocks(f.a, r, june).size() == 1);
        CHECK(tx.overrides(f.a, r, day("2026-06-02"), day("2026-06-02")).size() == 1);
        return 0;
    });
}

// --- transactions -----------------------------------------------------------

inline void rollback_on_destruction(const StoreFactory& make) {
    Fixture f(make);
    const ResourceId r{"res_1"};
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource(r.value));
        tx.insert_booking(f.a, booking("bkg_kept", r.value, at("2026-06-01T10:00:00Z")));
        tx.insert_block(f.a,
                        {.id = {"blk_kept"},
                         .resource = r,
                         .interval = {at("2026-06-01T12:00:00Z"), at("2026-06-01T13:00:00Z")}});
    });
    {
        auto tx = f.store->write();
        tx->insert_tenant({.id = {"tenant_c"}, .name = "C"});
        Resource renamed = resource(r.value);
        renamed.name = "renamed";
        tx->put_resource(f.a, renamed);
        tx->put_resource(f.a, resource("res_2"));
        WeeklyHours week;
        week[date::Friday] = {{9h, 10h}};
        tx->put_weekly_hours(f.a, r, week);
        tx->put_override(f.a, r, day("2026-06-05"), {});
        tx->insert_block(f.a,
                         {.id = {"blk_new"},
                          .resource = r,
                          .interval = {at("2026-06-02T12:00:00Z"), at("2026-06-02T13:00:00Z")}});
        CHECK(tx->delete_block(f.a, {"blk_kept"}));
        tx->put_service(f.a, service("svc_1", {r}));
        tx->insert_booking(f.a, booking("bkg_new", r.value, at("2026-06-01T11:00:00Z")));
        Booking moved = booking("bkg_kept", r.value, at("2026-06-01T15:00:00Z"));
        moved.status = BookingStatus::cancelled;
        tx->update_booking(f.a, moved);
        // The transaction reads its own writes…
        CHECK(tx->booking(f.a, {"bkg_new"}));
        CHECK(tx->resource(f.a, r)->name == "renamed");
        CHECK(tx->booking(f.a, {"bkg_kept"})->status == BookingStatus::cancelled);
        // …and is dropped without commit().
    }
    f.read([&](Transaction& tx) {
        CHECK_FALSE(tx.tenant({"tenant_c"}));
        CHECK(tx.resource(f.a, r) == resource(r.value));
        CHECK_FALSE(tx.resource(f.a, {"res_2"}));
        CHECK(tx.weekly_hours(f.a, r).days == WeeklyHours{}.days);
        CHECK(tx.overrides(f.a, r, day("2026-01-01"), day("2026-12-31")).empty());
        const auto blocks =
            tx.blocks(f.a, r, {at("2026-06-01T00:00:00Z"), at("2026-06-03T00:00:00Z")});
        REQUIRE(blocks.size() == 1);
        CHECK(blocks[0].id.value == "blk_kept");
        CHECK(tx.services(f.a).empty());
        CHECK_FALSE(tx.booking(f.a, {"bkg_new"}));
        CHECK(tx.booking(f.a, {"bkg_kept"}) ==
              booking("bkg_kept", r.value, at("2026-06-01T10:00:00Z")));
        return 0;
    });
}

inline void commits_are_visible_to_later_transactions(const StoreFactory& make) {
    Fixture f(make);
    {
        auto tx = f.store->write();
        tx->insert_booking(f.a, booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z")));
        tx->commit();
    }
    CHECK(f.read([&](Transaction& tx) { return tx.booking(f.a, {"bkg_1"}).has_value(); }));
    {
        auto tx = f.store->write();
        CHECK(tx->booking(f.a, {"bkg_1"}));
        tx->insert_booking(f.a, booking("bkg_2", "res_1", at("2026-06-01T11:00:00Z")));
        tx->commit();
    }
    CHECK(f.read([&](Transaction& tx) { return ids(tx.bookings(f.a, {})); }) ==
          std::vector<std::string>{"bkg_1", "bkg_2"});
    // A read transaction may be committed too, which just ends it.
    auto tx = f.store->read();
    CHECK(tx->booking(f.a, {"bkg_2"}));
    tx->commit();
}

inline void a_failed_call_leaves_nothing_half_written(const StoreFactory& make) {
    Fixture f(make);
    {
        auto tx = f.store->write();
        tx->insert_booking(f.a, booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z")));
        tx->put_resource(f.a, resource("res_1"));
        // A duplicate tenant fails; the whole transaction must be rolled back.
        expect_error(Errc::storage_error, [&] { tx->insert_tenant({.id = f.a, .name = "dup"}); });
    }
    f.read([&](Transaction& tx) {
        CHECK_FALSE(tx.booking(f.a, {"bkg_1"}));
        CHECK_FALSE(tx.resource(f.a, {"res_1"}));
        check_tenant(tx.tenant(f.a),
                     {.id = f.a, .name = "Salon A", .created_at = at("2026-01-01T00:00:00Z")});
        return 0;
    });
}

// --- strings ----------------------------------------------------------------

inline std::vector<std::string> awkward_strings() {
    using namespace std::string_literals;
    return {
        "nul\0inside"s,
        "\0"s,
        "trailing nul\0"s,
        "O'Brien \"the\" `quoted`",
        "'; DROP TABLE bookings; --",
        "Robert'); DELETE FROM tenants WHERE ('1'='1",
        "%_\\ [like] *wildcards*",
        "\xff\xfe\x80 not UTF-8",
        "Zoë Ñandú 日本語 🎉",
        "line\nbreak\ttab\rreturn",
        " ",
        "?1 :name @p $x",
    };
}

inline void strings_are_stored_verbatim(const StoreFactory& make) {
    using namespace std::string_literals;
    auto store = make();
    const auto strings = awkward_strings();
    const Instant now = at("2026-05-01T00:00:00Z");
    const auto tenant_of = [](const std::string& s) { return TenantId{"t:" + s}; };
    {
        auto tx = store->write();
        for (std::size_t i = 0; i < strings.size(); ++i) {
            const std::string& s = strings[i];
            const TenantId t = tenant_of(s);
            tx->insert_tenant({.id = t, .name = s, .created_at = now});
            tx->put_resource(
                t,
                {.id = {s}, .name = s, .kind = ResourceKind::room, .timezone = s, .capacity = 2});
            tx->insert_block(
                t, {.id = {s}, .resource = {s}, .interval = {now, now + 1h}, .reason = s});
            Service svc = service(s, {{s}, {s + "2"}});
            svc.name = s;
            svc.currency = s;
            tx->put_service(t, svc);
            Booking b = booking(s, s, at("2026-06-01T10:00:00Z"));
            b.service = {s};
            b.customer = {.name = s, .email = s, .phone = s, .locale = s};
            b.idempotency_key = s;
            b.request_fingerprint = s;
            b.created_by = s;
            tx->insert_booking(t, b);
        }
        tx->commit();
    }
    auto tx = store->read();
    for (const auto& s : strings) {
        CAPTURE(s);
        const TenantId t = tenant_of(s);
        check_tenant(tx->tenant(t), {.id = t, .name = s, .created_at = now});
        const auto r = tx->resource(t, {s});
        REQUIRE(r);
        CHECK(r->name == s);
        CHECK(r->timezone == s);
        CHECK(tx->resources(t).size() == 1);
        const auto blocks = tx->blocks(t, {s}, {now, now + 2h});
        REQUIRE(blocks.size() == 1);
        CHECK(blocks[0].reason == s);
        const auto svc = tx->service(t, {s});
        REQUIRE(svc);
        CHECK(svc->name == s);
        CHECK(svc->currency == s);
        CHECK(svc->all_resources() == std::vector<ResourceId>{{s}, {s + "2"}});
        const auto b = tx->booking(t, {s});
        REQUIRE(b);
        CHECK(b->customer.name == s);
        CHECK(b->customer.email == s);
        CHECK(b->customer.phone == s);
        CHECK(b->customer.locale == s);
        CHECK(b->idempotency_key == s);
        CHECK(b->request_fingerprint == s);
        CHECK(b->created_by == s);
        CHECK(tx->booking_by_idempotency_key(t, s, s) == b);
        CHECK(ids(tx->bookings(t, {.resource = ResourceId{s}, .created_by = s, .now = now})) ==
              std::vector<std::string>{s});
        CHECK(tx->active_bookings(t, {s}, {now, at("2026-07-01T00:00:00Z")}, now).size() == 1);
    }
    // Strings that differ only after a NUL byte are different keys: no
    // lookup stops at the NUL.
    CHECK_FALSE(tx->tenant({"t:nul"}));
    CHECK_FALSE(tx->tenant({"t:"}));
    CHECK_FALSE(tx->resource(tenant_of("nul\0inside"s), {"nul"}));
    CHECK_FALSE(tx->booking_by_idempotency_key(tenant_of("trailing nul\0"s), "ada", "trailing nul"));
}

inline void a_megabyte_string_round_trips(const StoreFactory& make) {
    Fixture f(make);
    std::string big(1 << 20, '\0');
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<char>((i * 131 + i / 7) % 256);
    Booking b = booking("bkg_big", "res_1", at("2026-06-01T10:00:00Z"));
    b.customer.name = big;
    b.request_fingerprint = big;
    f.write([&](Transaction& tx) { tx.insert_booking(f.a, b); });
    const auto got = f.read([&](Transaction& tx) { return tx.booking(f.a, b.id); });
    REQUIRE(got);
    CHECK(got->customer.name.size() == big.size());
    CHECK(got->customer.name == big);
    CHECK(*got == b);
}

// --- party size (restaurants) ----------------------------------------------

inline void table_sizes_party_services_and_combinations_round_trip(const StoreFactory& make) {
    Fixture f(make);
    const auto now = at("2026-06-01T00:00:00Z");
    Resource t3 = resource("res_t3");
    t3.kind = ResourceKind::table;
    t3.size = 6;
    Resource t4 = t3;
    t4.id = {"res_t4"};
    t4.size = 4;
    Service dinner = service("svc_dinner", {{"res_t3"}, {"res_t4"}});
    dinner.party = true;
    const TableCombination joined{.id = {"cmb_34"}, .service = dinner.id, .group = 0,
                                  .tables = {{"res_t3"}, {"res_t4"}}, .size = 10};
    const TableCombination other{.id = {"cmb_0"}, .service = dinner.id, .group = 0,
                                 .tables = {{"res_t4"}, {"res_t3"}, {"res_t9"}}, .size = 14};
    auto party = booking("bkg_party", "res_t3", at("2026-06-01T19:00:00Z"), 90min);
    party.service = dinner.id;
    party.other_resources = {{"res_t4"}};
    party.party_size = 9;
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, t3);
        tx.put_resource(f.a, t4);
        tx.put_service(f.a, dinner);
        tx.put_table_combination(f.a, joined);
        tx.put_table_combination(f.a, other);
        tx.insert_booking(f.a, party);
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.resource(f.a, t3.id) == t3);
        CHECK(tx.resources(f.a) == std::vector<Resource>{t3, t4});
        CHECK(tx.service(f.a, dinner.id) == dinner);
        // Ordered by id, tables read back in the order given.
        CHECK(tx.table_combinations(f.a, dinner.id) == std::vector<TableCombination>{other, joined});
        CHECK(tx.table_combinations(f.b, dinner.id).empty());
        CHECK(tx.table_combinations(f.a, {"svc_other"}).empty());
        CHECK(tx.booking(f.a, party.id) == party);
        // A party holds each of its tables.
        const Interval evening{at("2026-06-01T18:00:00Z"), at("2026-06-01T23:00:00Z")};
        CHECK(tx.occupancy(f.a, t3.id, evening, now).size() == 1);
        CHECK(tx.occupancy(f.a, t4.id, evening, now).size() == 1);
        return 0;
    });
    // Replaced by id; a size cleared; the service no longer books parties.
    auto bigger = joined;
    bigger.size = 11;
    t3.size.reset();
    dinner.party = false;
    f.write([&](Transaction& tx) {
        tx.put_table_combination(f.a, bigger);
        tx.put_resource(f.a, t3);
        tx.put_service(f.a, dinner);
        // Another tenant's id is not this tenant's row.
        CHECK_FALSE(tx.delete_table_combination(f.b, other.id));
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.table_combinations(f.a, dinner.id) == std::vector<TableCombination>{other, bigger});
        CHECK(tx.resource(f.a, t3.id) == t3);
        CHECK(tx.service(f.a, dinner.id) == dinner);
        return 0;
    });
    f.write([&](Transaction& tx) {
        CHECK(tx.delete_table_combination(f.a, other.id));
        CHECK_FALSE(tx.delete_table_combination(f.a, other.id));
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.table_combinations(f.a, dinner.id) == std::vector<TableCombination>{bigger});
        return 0;
    });
}

}  // namespace detail

namespace detail {

// --- payments and outbox ----------------------------------------------------

inline void payment_settings_and_events_are_per_tenant(const StoreFactory& make) {
    Fixture f(make);
    f.write([&](Transaction& tx) {
        tx.put_payment_settings(f.a, {.provider = "stripe", .secret_key = "sk_a", .webhook_secret = "whsec_a"});
        tx.put_payment_settings(f.a, {.provider = "stripe", .secret_key = "sk_a2", .webhook_secret = "whsec_a2"});
        CHECK(tx.record_payment_event(f.a, "stripe", "evt_1", "checkout.session.completed", at("2026-06-01T00:00:00Z")));
        CHECK_FALSE(tx.record_payment_event(f.a, "stripe", "evt_1", "checkout.session.completed", at("2026-06-01T00:01:00Z")));
        CHECK(tx.record_payment_event(f.b, "stripe", "evt_1", "checkout.session.completed", at("2026-06-01T00:00:00Z")));
    });
    f.read([&](Transaction& tx) {
        const auto a = tx.payment_settings(f.a);
        REQUIRE(a);
        CHECK(a->secret_key == "sk_a2");
        CHECK(a->webhook_secret == "whsec_a2");
        CHECK_FALSE(tx.payment_settings(f.b));
        return 0;
    });
    // A rolled-back event record is not recorded.
    {
        auto tx = f.store->write();
        CHECK(tx->record_payment_event(f.a, "stripe", "evt_2", "x", at("2026-06-01T00:00:00Z")));
    }
    f.write([&](Transaction& tx) { CHECK(tx.record_payment_event(f.a, "stripe", "evt_2", "x", at("2026-06-01T00:00:00Z"))); });
}

inline void money_fields_and_payment_statuses_round_trip(const StoreFactory& make) {
    Fixture f(make);
    auto b = booking("bkg_1", "res_1", at("2026-06-01T09:00:00Z"));
    b.amount_due = 4500;
    b.currency_due = "EUR";
    b.payment_status = PaymentStatus::refund_pending;
    f.write([&](Transaction& tx) { tx.insert_booking(f.a, b); });
    f.read([&](Transaction& tx) {
        CHECK(tx.booking(f.a, b.id) == b);
        return 0;
    });
    // The amount due is fixed when the booking is made; the payment status moves.
    auto changed = b;
    changed.payment_status = PaymentStatus::disputed;
    f.write([&](Transaction& tx) { tx.update_booking(f.a, changed); });
    f.read([&](Transaction& tx) {
        CHECK(tx.booking(f.a, b.id) == changed);
        return 0;
    });
}

inline void checkout_sessions_are_kept_per_booking_and_closed_once(const StoreFactory& make) {
    Fixture f(make);
    const auto t0 = at("2026-06-01T07:00:00Z");
    f.write([&](Transaction& tx) {
        tx.insert_checkout_session(f.a, {.tenant = f.a, .id = "cs_1", .booking = {"bkg_1"}, .created_at = t0,
                                         .close_by = t0 + 15min});
        tx.insert_checkout_session(f.a, {.tenant = f.a, .id = "cs_2", .booking = {"bkg_1"}, .created_at = t0 + 1min});
        tx.insert_checkout_session(f.a, {.tenant = f.a, .id = "cs_2", .booking = {"bkg_1"}, .created_at = t0 + 9min});
        tx.insert_checkout_session(f.b, {.tenant = f.b, .id = "cs_1", .booking = {"bkg_1"}, .created_at = t0,
                                         .close_by = t0 + 20min});
    });
    f.read([&](Transaction& tx) {
        const auto a = tx.checkout_sessions(f.a, {"bkg_1"});
        REQUIRE(a.size() == 2);
        CHECK(a[0] == CheckoutSession{.tenant = f.a, .id = "cs_1", .booking = {"bkg_1"}, .created_at = t0,
                                      .close_by = t0 + 15min});
        CHECK(a[1].id == "cs_2");
        CHECK(a[1].created_at == t0 + 1min);  // a second insert changed nothing
        CHECK(tx.checkouts_to_close(t0 + 14min, 10).empty());
        const auto due = tx.checkouts_to_close(t0 + 30min, 10);  // every tenant's, earliest first
        REQUIRE(due.size() == 2);
        CHECK(due[0].tenant == f.a);
        CHECK(due[1].tenant == f.b);
        CHECK(tx.checkouts_to_close(t0 + 30min, 1).size() == 1);
        return 0;
    });
    f.write([&](Transaction& tx) {
        CHECK(tx.set_checkout_close_by(f.a, "cs_1", t0 + 40min));
        CHECK(tx.close_checkout_session(f.b, "cs_1", t0 + 21min));
        CHECK_FALSE(tx.close_checkout_session(f.b, "cs_1", t0 + 22min));
        CHECK_FALSE(tx.set_checkout_close_by(f.b, "cs_1", t0 + 22min));  // closed already
        // A session the provider was to close gets a time of its own.
        CHECK(tx.set_checkout_close_by(f.a, "cs_2", t0 + 45min));
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.checkouts_to_close(t0 + 30min, 10).empty());
        CHECK(tx.checkouts_to_close(t0 + 40min, 10).size() == 1);
        CHECK(tx.checkouts_to_close(t0 + 45min, 10).size() == 2);
        CHECK(tx.checkout_sessions(f.b, {"bkg_1"})[0].closed_at == t0 + 21min);
        return 0;
    });
}

inline void unmatched_payments_are_kept_per_tenant_newest_first(const StoreFactory& make) {
    Fixture f(make);
    const UnmatchedPayment first{.event_id = "evt_1", .provider = "stripe", .reference = "pi_1", .amount = 100,
                                 .currency = "eur", .booking = BookingId{"bkg_1"}, .reason = "amount_mismatch",
                                 .received_at = at("2026-06-01T07:00:00Z")};
    const UnmatchedPayment second{.event_id = "evt_2", .provider = "stripe", .reason = "no_amount",
                                  .received_at = at("2026-06-01T08:00:00Z")};
    f.write([&](Transaction& tx) {
        tx.insert_unmatched_payment(f.a, first);
        tx.insert_unmatched_payment(f.a, second);
        tx.insert_unmatched_payment(f.a, first);  // once per event
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.unmatched_payments(f.a, 10) == std::vector<UnmatchedPayment>{second, first});
        CHECK(tx.unmatched_payments(f.a, 1) == std::vector<UnmatchedPayment>{second});
        CHECK(tx.unmatched_payments(f.b, 10).empty());
        return 0;
    });
}

inline void bookings_are_found_by_payment_reference_within_their_tenant(const StoreFactory& make) {
    Fixture f(make);
    auto b = booking("bkg_1", "res_1", at("2026-06-01T09:00:00Z"));
    b.payment_reference = "pi_1";
    b.checkout_id = "cs_1";
    f.write([&](Transaction& tx) {
        tx.insert_booking(f.a, b);
        tx.insert_booking(f.a, booking("bkg_2", "res_1", at("2026-06-01T10:00:00Z")));
    });
    f.read([&](Transaction& tx) {
        const auto got = tx.booking_by_payment_reference(f.a, "pi_1");
        REQUIRE(got);
        CHECK(*got == b);
        CHECK_FALSE(tx.booking_by_payment_reference(f.b, "pi_1"));
        CHECK_FALSE(tx.booking_by_payment_reference(f.a, ""));
        return 0;
    });
}

inline Notification notification(const TenantId& t, std::string id, std::string booking, Instant created) {
    return {.id = std::move(id), .tenant = t, .kind = NotificationKind::booking_confirmed, .booking = {std::move(booking)},
            .locale = "it", .to = "ada@example.com", .subject = "Prenotazione confermata", .body = "Ciao\n",
            .ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", .created_at = created};
}

// The notification cap's count: by the booking's creator, from `since`,
// outbox rows and confirmations handed to insert_booking alike, per tenant.
inline void notifications_are_counted_by_their_bookings_creator(const StoreFactory& make) {
    Fixture f(make);
    const auto t0 = at("2026-06-01T09:00:00Z");
    auto adas = booking("bkg_ada", "res_1", at("2026-06-03T10:00:00Z"));
    adas.created_at = t0;
    auto owed = booking("bkg_owed", "res_1", at("2026-06-03T11:00:00Z"));
    owed.created_at = t0 + 10min;
    auto bobs = booking("bkg_bob", "res_1", at("2026-06-03T12:00:00Z"));
    bobs.created_by = "bob";
    bobs.created_at = t0;
    f.write([&](Transaction& tx) {
        tx.insert_booking(f.a, adas);
        tx.insert_booking(f.a, bobs);
        // The engine's own confirmation: an adapter may keep it on the row.
        const auto confirmation = [&] {
            auto n = notification(f.a, confirmation_id(f.a, owed.id), "bkg_owed", owed.created_at);
            n.subject = n.body = n.ics = "";
            n.resource = owed.resource;
            n.when = owed.interval;
            return n;
        }();
        tx.insert_booking(f.a, owed, &confirmation);
        tx.insert_notification(notification(f.a, "n_old", "bkg_ada", t0 - 2h));
        tx.insert_notification(notification(f.a, "n_1", "bkg_ada", t0 + 1min));
        tx.insert_notification(notification(f.a, "n_2", "bkg_ada", t0 + 2min));
        tx.insert_notification(notification(f.a, "n_bob", "bkg_bob", t0 + 1min));
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.notifications_by_creator(f.a, "ada", t0, 100) == 3);  // n_1, n_2 and the owed confirmation
        CHECK(tx.notifications_by_creator(f.a, "ada", t0 - 3h, 100) == 4);
        CHECK(tx.notifications_by_creator(f.a, "ada", t0 + 5min, 100) == 1);
        CHECK(tx.notifications_by_creator(f.a, "ada", t0, 2) == 2);  // capped
        CHECK(tx.notifications_by_creator(f.a, "bob", t0, 100) == 1);
        CHECK(tx.notifications_by_creator(f.a, "eve", t0, 100) == 0);
        CHECK(tx.notifications_by_creator(f.b, "ada", t0 - 3h, 100) == 0);
        return 0;
    });
    // Still counted once the confirmation has moved to the outbox.
    f.write([&](Transaction& tx) { (void)tx.take_notifications(t0 + 1h, 100); });
    CHECK(f.read([&](Transaction& tx) { return tx.notifications_by_creator(f.a, "ada", t0, 100); }) == 3);
}

inline void the_outbox_leases_due_rows_and_forgets_sent_ones(const StoreFactory& make) {
    Fixture f(make);
    const auto t0 = at("2026-06-01T09:00:00Z");
    f.write([&](Transaction& tx) {
        tx.insert_notification(notification(f.a, "n1", "bkg_1", t0));
        tx.insert_notification(notification(f.b, "n2", "bkg_2", t0 + std::chrono::seconds{1}));
        tx.insert_notification(notification(f.a, "n3", "bkg_1", t0 + std::chrono::seconds{2}));
    });
    f.read([&](Transaction& tx) {
        const auto mine = tx.notifications(f.a, {"bkg_1"});
        REQUIRE(mine.size() == 2);
        CHECK(mine[0] == notification(f.a, "n1", "bkg_1", t0));
        CHECK(mine[1].id == "n3");
        CHECK(tx.notifications(f.b, {"bkg_1"}).empty());
        return 0;
    });
    std::vector<Notification> taken;
    f.write([&](Transaction& tx) { taken = tx.take_notifications(t0 + std::chrono::seconds{5}, 2); });
    REQUIRE(taken.size() == 2);
    CHECK(taken[0].id == "n1");
    CHECK(taken[1].id == "n2");
    CHECK(taken[0].attempts == 1);
    f.write([&](Transaction& tx) {
        const auto rest = tx.take_notifications(t0 + std::chrono::seconds{5}, 10);
        REQUIRE(rest.size() == 1);
        CHECK(rest[0].id == "n3");
        CHECK(tx.mark_notification_sent(f.a, "n1", t0 + std::chrono::seconds{6}));
        CHECK_FALSE(tx.mark_notification_sent(f.a, "n1", t0 + std::chrono::seconds{6}));
        CHECK_FALSE(tx.mark_notification_sent(f.b, "n3", t0));  // another tenant's row
    });
    // After the backoff the unsent rows come back, the sent one never does.
    f.write([&](Transaction& tx) {
        const auto again = tx.take_notifications(t0 + notification_backoff(1) + std::chrono::seconds{10}, 10);
        REQUIRE(again.size() == 2);
        CHECK(again[0].id == "n2");
        CHECK(again[0].attempts == 2);
        CHECK(again[1].id == "n3");
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.notifications(f.a, {"bkg_1"})[0].sent_at == t0 + std::chrono::seconds{6});
        return 0;
    });
}
// One tenant's backlog must not starve another: the outbox serves tenants in
// turn, each tenant's rows earliest due first.
inline void the_outbox_serves_tenants_in_turn(const StoreFactory& make) {
    Fixture f(make);
    const auto t0 = at("2026-06-01T09:00:00Z");
    f.write([&](Transaction& tx) {
        for (int i = 0; i < 50; ++i) {
            tx.insert_notification(notification(f.a, "flood" + std::to_string(i), "bkg_1", t0 + std::chrono::seconds{i}));
        }
        tx.insert_notification(notification(f.b, "b1", "bkg_2", t0 + std::chrono::seconds{100}));
        tx.insert_notification(notification(f.b, "b2", "bkg_2", t0 + std::chrono::seconds{101}));
    });
    std::vector<Notification> taken;
    f.write([&](Transaction& tx) { taken = tx.take_notifications(t0 + std::chrono::seconds{200}, 4); });
    REQUIRE(taken.size() == 4);
    std::vector<std::string> ids;
    for (const auto& n : taken) ids.push_back(n.id);
    CHECK(ids == std::vector<std::string>{"flood0", "b1", "flood1", "b2"});
}

// The confirmation book() writes with a free booking, unrendered.
inline Notification confirmation_of(const TenantId& t, const Booking& b, std::string id = {}) {
    return {.id = id.empty() ? confirmation_id(t, b.id) : std::move(id), .tenant = t, .kind = NotificationKind::booking_confirmed, .booking = b.id,
            .locale = b.customer.locale, .to = b.customer.email, .resource = b.resource, .when = b.interval,
            .sequence = 0, .created_at = b.created_at};
}

inline void a_confirmation_written_with_its_booking_is_an_outbox_row_like_any_other(const StoreFactory& make) {
    Fixture f(make);
    const auto b1 = booking("bkg_1", "res_1", at("2026-06-01T09:00:00Z"));
    const auto b2 = booking("bkg_2", "res_1", at("2026-06-01T10:00:00Z"));
    const auto b3 = booking("bkg_3", "res_1", at("2026-06-01T11:00:00Z"));
    const auto c1 = confirmation_of(f.a, b1);
    const auto c2 = confirmation_of(f.a, b2);
    // Not what the booking row says (rendered, another address): stored as given.
    auto c3 = confirmation_of(f.a, b3, "c3");
    c3.subject = "Booked";
    c3.to = "someone@example.com";
    f.write([&](Transaction& tx) {
        tx.insert_booking(f.a, b1, &c1);
        tx.insert_booking(f.a, b2, &c2);
        tx.insert_booking(f.a, b3, &c3);
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.notifications(f.a, b1.id) == std::vector<Notification>{c1});
        CHECK(tx.notifications(f.a, b3.id) == std::vector<Notification>{c3});
        CHECK(tx.notifications(f.b, b1.id).empty());
        return 0;
    });
    // Marked sent before anyone took it; another tenant cannot mark it.
    f.write([&](Transaction& tx) {
        CHECK_FALSE(tx.mark_notification_sent(f.b, c2.id, b2.created_at));
        CHECK(tx.mark_notification_sent(f.a, c2.id, b2.created_at + std::chrono::seconds{1}));
    });
    std::vector<Notification> taken;
    f.write([&](Transaction& tx) { taken = tx.take_notifications(b3.created_at + std::chrono::seconds{1}, 10); });
    REQUIRE(taken.size() == 2);
    auto leased = c1;
    leased.attempts = 1;
    CHECK(taken[0] == leased);
    CHECK(taken[1].id == "c3");
    CHECK(taken[1].subject == "Booked");
    f.read([&](Transaction& tx) {
        const auto sent = tx.notifications(f.a, b2.id);
        REQUIRE(sent.size() == 1);
        CHECK(sent[0].sent_at == b2.created_at + std::chrono::seconds{1});
        CHECK(tx.notifications(f.a, b1.id) == std::vector<Notification>{leased});
        return 0;
    });
}

// An engine may name a confirmation as it likes: the id given is the id read.
inline void a_confirmation_with_an_id_of_its_own_is_read_back_with_that_id(const StoreFactory& make) {
    Fixture f(make);
    const auto b1 = booking("bkg_1", "res_1", at("2026-06-01T09:00:00Z"));
    const auto c1 = confirmation_of(f.a, b1, "ntf_1");
    f.write([&](Transaction& tx) { tx.insert_booking(f.a, b1, &c1); });
    f.read([&](Transaction& tx) {
        CHECK(tx.notifications(f.a, b1.id) == std::vector<Notification>{c1});
        return 0;
    });
    const auto later = b1.created_at + 1h;
    std::vector<Notification> taken;
    f.write([&](Transaction& tx) { taken = tx.take_notifications(later, 10); });
    REQUIRE(taken.size() == 1);
    CHECK(taken[0].id == "ntf_1");
    f.write([&](Transaction& tx) {
        CHECK_FALSE(tx.mark_notification_sent(f.a, confirmation_id(f.a, b1.id), later));
        CHECK(tx.mark_notification_sent(f.a, "ntf_1", later));
    });
    f.read([&](Transaction& tx) {
        const auto all = tx.notifications(f.a, b1.id);
        REQUIRE(all.size() == 1);
        CHECK(all[0].id == "ntf_1");
        CHECK(all[0].sent_at == later);
        return 0;
    });
}

inline void a_later_notification_follows_the_confirmation_which_keeps_the_old_time(const StoreFactory& make) {
    Fixture f(make);
    const auto b1 = booking("bkg_1", "res_1", at("2026-06-01T09:00:00Z"));
    const auto b2 = booking("bkg_2", "res_1", at("2026-06-01T10:00:00Z"));
    const auto c1 = confirmation_of(f.a, b1);
    const auto c2 = confirmation_of(f.a, b2);
    f.write([&](Transaction& tx) {
        tx.insert_booking(f.a, b1, &c1);
        tx.insert_booking(f.a, b2, &c2);
    });
    auto moved = b1;
    moved.interval = {at("2026-06-02T15:00:00Z"), at("2026-06-02T15:30:00Z")};
    moved.resource = {"res_2"};
    auto notice = confirmation_of(f.a, moved, "m1");
    notice.kind = NotificationKind::booking_rescheduled;
    notice.sequence = 1;
    notice.created_at = b1.created_at + 1h;
    auto refund = confirmation_of(f.a, b2, "r2");
    refund.kind = NotificationKind::refund_due;
    refund.created_at = b2.created_at + 1h;
    f.write([&](Transaction& tx) {
        tx.update_booking(f.a, moved);
        tx.insert_notification(notice);
        tx.insert_notification(refund);  // with no update before it
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.notifications(f.a, b1.id) == std::vector<Notification>{c1, notice});
        CHECK(tx.notifications(f.a, b2.id) == std::vector<Notification>{c2, refund});
        CHECK(*tx.booking(f.a, b1.id) == moved);
        return 0;
    });
}

inline void a_rolled_back_booking_leaves_no_confirmation(const StoreFactory& make) {
    Fixture f(make);
    const auto b1 = booking("bkg_1", "res_1", at("2026-06-01T09:00:00Z"));
    const auto c1 = confirmation_of(f.a, b1);
    {
        auto tx = f.store->write();
        tx->insert_booking(f.a, b1, &c1);
    }
    f.read([&](Transaction& tx) {
        CHECK_FALSE(tx.booking(f.a, b1.id));
        CHECK(tx.notifications(f.a, b1.id).empty());
        return 0;
    });
    f.write([&](Transaction& tx) { CHECK(tx.take_notifications(b1.interval.end, 10).empty()); });
}

// --- several resources, segments, limits -----------------------------------

inline void a_booking_of_several_resources_occupies_each_it_holds(const StoreFactory& make) {
    Fixture f(make);
    const auto now = at("2026-06-01T00:00:00Z");
    // A doctor and a room, 10:00-10:30, a 5-minute buffer each side.
    auto visit = booking("bkg_visit", "res_doc", at("2026-06-01T10:00:00Z"));
    visit.other_resources = {{"res_room"}, {"res_nurse"}};
    visit.buffer_before = 5min;
    visit.buffer_after = 5min;
    visit.seats = 2;
    f.write([&](Transaction& tx) {
        for (const char* r : {"res_doc", "res_room", "res_nurse", "res_other"}) tx.put_resource(f.a, resource(r, 3));
        tx.insert_booking(f.a, visit);
    });
    const Interval morning{at("2026-06-01T09:00:00Z"), at("2026-06-01T12:00:00Z")};
    f.read([&](Transaction& tx) {
        CHECK(tx.booking(f.a, visit.id) == visit);
        for (const char* r : {"res_doc", "res_room", "res_nurse"}) {
            CAPTURE(r);
            CHECK(ids(tx.active_bookings(f.a, {r}, morning, now)) == std::vector<std::string>{"bkg_visit"});
            const auto occ = tx.occupancy(f.a, {r}, morning, now);
            REQUIRE(occ.size() == 1);
            CHECK(occ[0].interval == visit.interval);
            CHECK(occ[0].seats == 2);
            CHECK(occ[0].occupied_interval() == visit.occupied_interval());
            // Its buffers are part of what it holds of each resource.
            CHECK(tx.occupancy(f.a, {r}, {at("2026-06-01T10:30:00Z"), at("2026-06-01T10:35:00Z")}, now).size() == 1);
            BookingFilter by{.resource = ResourceId{r}, .now = now};
            CHECK(ids(tx.bookings(f.a, by)) == std::vector<std::string>{"bkg_visit"});
        }
        CHECK(tx.active_bookings(f.a, {"res_other"}, morning, now).empty());
        CHECK(tx.occupancy(f.a, {"res_other"}, morning, now).empty());
        BookingFilter other{.resource = ResourceId{"res_other"}, .now = now};
        CHECK(tx.bookings(f.a, other).empty());
        // Another tenant's resource of the same id holds nothing.
        CHECK(tx.occupancy(f.b, {"res_room"}, morning, now).empty());
        return 0;
    });
    // Moved to another room and cancelled: each answer follows the last write.
    auto moved = visit;
    moved.other_resources = {{"res_other"}, {"res_nurse"}};
    f.write([&](Transaction& tx) { tx.update_booking(f.a, moved); });
    f.read([&](Transaction& tx) {
        CHECK(tx.occupancy(f.a, {"res_room"}, morning, now).empty());
        CHECK(tx.occupancy(f.a, {"res_other"}, morning, now).size() == 1);
        CHECK(tx.booking(f.a, visit.id)->other_resources == moved.other_resources);
        return 0;
    });
    moved.status = BookingStatus::cancelled;
    f.write([&](Transaction& tx) { tx.update_booking(f.a, moved); });
    f.read([&](Transaction& tx) {
        for (const char* r : {"res_doc", "res_other", "res_nurse"}) {
            CHECK(tx.occupancy(f.a, {r}, morning, now).empty());
            CHECK(tx.active_bookings(f.a, {r}, morning, now).empty());
        }
        return 0;
    });
}

inline void a_booking_with_segments_occupies_only_its_busy_parts_of_its_first_resource(const StoreFactory& make) {
    Fixture f(make);
    const auto now = at("2026-06-01T00:00:00Z");
    // A colour 10:00-11:35: apply 30, process 45, rinse 20; a chair held throughout.
    auto colour = booking("bkg_colour", "res_anna", at("2026-06-01T10:00:00Z"), 95min);
    colour.segments = {{SegmentKind::busy, 30min}, {SegmentKind::free, 45min}, {SegmentKind::busy, 20min}};
    colour.buffer_before = 5min;
    colour.buffer_after = 10min;
    colour.other_resources = {{"res_chair"}};
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource("res_anna"));
        tx.put_resource(f.a, resource("res_chair"));
        tx.insert_booking(f.a, colour);
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.booking(f.a, colour.id) == colour);
        auto occ = tx.occupancy(f.a, {"res_anna"}, {at("2026-06-01T09:00:00Z"), at("2026-06-01T13:00:00Z")}, now);
        std::sort(occ.begin(), occ.end(), [](const Booked& a, const Booked& b) { return a.interval.begin < b.interval.begin; });
        REQUIRE(occ.size() == 2);
        CHECK(occ[0].occupied_interval() == Interval{at("2026-06-01T09:55:00Z"), at("2026-06-01T10:30:00Z")});
        CHECK(occ[1].occupied_interval() == Interval{at("2026-06-01T11:15:00Z"), at("2026-06-01T11:45:00Z")});
        // The free part is free: nothing of Anna is held 10:30-11:15 ...
        const Interval processing{at("2026-06-01T10:30:00Z"), at("2026-06-01T11:15:00Z")};
        CHECK(tx.occupancy(f.a, {"res_anna"}, processing, now).empty());
        CHECK(tx.active_bookings(f.a, {"res_anna"}, processing, now).empty());
        // ... while the chair is held all along.
        CHECK(tx.occupancy(f.a, {"res_chair"}, processing, now).size() == 1);
        CHECK(ids(tx.active_bookings(f.a, {"res_chair"}, processing, now)) == std::vector<std::string>{"bkg_colour"});
        return 0;
    });
}

inline void counted_starts_are_the_active_bookings_of_one_service_on_its_first_resource(const StoreFactory& make) {
    Fixture f(make);
    const auto now = at("2026-06-01T00:00:00Z");
    const Interval june{at("2026-06-01T00:00:00Z"), at("2026-07-01T00:00:00Z")};
    std::vector<Booking> all;
    all.push_back(booking("bkg_1", "res_1", at("2026-06-02T09:00:00Z")));
    all.push_back(booking("bkg_2", "res_1", at("2026-06-02T11:00:00Z")));
    all.back().seats = 3;  // counts once
    all.push_back(booking("bkg_3", "res_1", at("2026-07-01T09:00:00Z")));   // after the range
    all.push_back(booking("bkg_4", "res_1", at("2026-05-31T23:30:00Z"), 60min));  // starts before it
    all.push_back(booking("bkg_5", "res_2", at("2026-06-03T09:00:00Z")));   // another resource
    all.back().other_resources = {{"res_1"}};                              // held, not worked
    all.push_back(booking("bkg_6", "res_1", at("2026-06-04T09:00:00Z")));
    all.back().service = {"svc_other"};
    all.push_back(booking("bkg_7", "res_1", at("2026-06-05T09:00:00Z")));
    all.back().status = BookingStatus::cancelled;
    all.push_back(booking("bkg_8", "res_1", at("2026-06-06T09:00:00Z")));
    all.back().status = BookingStatus::pending;
    all.back().hold_expires_at = now;  // lapsed at now
    all.push_back(booking("bkg_9", "res_1", at("2026-06-07T09:00:00Z")));
    all.back().status = BookingStatus::pending;
    all.back().hold_expires_at = now + 15min;
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource("res_1"));
        tx.put_resource(f.a, resource("res_2"));
        for (const auto& b : all) tx.insert_booking(f.a, b);
        tx.insert_booking(f.b, booking("bkg_b", "res_1", at("2026-06-02T10:00:00Z")));
    });
    f.read([&](Transaction& tx) {
        auto starts = tx.counted_starts(f.a, {"svc_cut"}, {"res_1"}, june, now);
        std::sort(starts.begin(), starts.end());
        CHECK(starts == std::vector<Instant>{at("2026-06-02T09:00:00Z"), at("2026-06-02T11:00:00Z"),
                                             at("2026-06-07T09:00:00Z")});
        CHECK(tx.counted_starts(f.a, {"svc_cut"}, {"res_2"}, june, now) ==
              std::vector<Instant>{at("2026-06-03T09:00:00Z")});
        CHECK(tx.counted_starts(f.b, {"svc_cut"}, {"res_2"}, june, now).empty());
        return 0;
    });
}

inline void occupancy_is_active_bookings_reduced(const StoreFactory& make) {
    Fixture f(make);
    const auto now = at("2026-06-01T00:00:00Z");
    auto held = booking("bkg_held", "res_1", at("2026-06-01T10:00:00Z"));
    held.status = BookingStatus::pending;
    held.hold_expires_at = now + 15min;
    auto lapsed = booking("bkg_lapsed", "res_1", at("2026-06-01T11:00:00Z"));
    lapsed.status = BookingStatus::pending;
    lapsed.hold_expires_at = now;
    auto cancelled = booking("bkg_cancelled", "res_1", at("2026-06-01T12:00:00Z"));
    cancelled.status = BookingStatus::cancelled;
    auto buffered = booking("bkg_buffered", "res_1", at("2026-06-01T08:00:00Z"));
    buffered.buffer_after = 90min;
    buffered.seats = 2;
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource("res_1", 3));
        for (const auto& b : {held, lapsed, cancelled, buffered}) tx.insert_booking(f.a, b);
        tx.insert_booking(f.b, booking("bkg_other", "res_1", at("2026-06-01T09:30:00Z")));
    });
    const Interval range{at("2026-06-01T09:00:00Z"), at("2026-06-01T13:00:00Z")};
    f.read([&](Transaction& tx) {
        const auto active = tx.active_bookings(f.a, {"res_1"}, range, now);
        const auto occ = tx.occupancy(f.a, {"res_1"}, range, now);
        REQUIRE(active.size() == 2);
        REQUIRE(occ.size() == active.size());
        for (std::size_t i = 0; i < occ.size(); ++i) {
            CHECK(occ[i].interval == active[i].interval);
            CHECK(occ[i].seats == active[i].seats);
            CHECK(occ[i].buffer_before == active[i].buffer_before);
            CHECK(occ[i].buffer_after == active[i].buffer_after);
        }
        CHECK(tx.occupancy(f.b, {"res_1"}, {at("2026-06-01T11:00:00Z"), range.end}, now).empty());
        return 0;
    });
}


// The load entries of one answer in a fixed order (occupancy's is any).
inline std::vector<std::tuple<Instant, Instant, int, Minutes, Minutes>> load_set(const std::vector<Booked>& v) {
    std::vector<std::tuple<Instant, Instant, int, Minutes, Minutes>> out;
    for (const auto& b : v) out.emplace_back(b.interval.begin, b.interval.end, b.seats, b.buffer_before, b.buffer_after);
    std::sort(out.begin(), out.end());
    return out;
}

inline void occupancies_answer_each_ask_as_occupancy_does(const StoreFactory& make) {
    Fixture f(make);
    const auto now = at("2026-06-01T00:00:00Z");
    // An id with a NUL byte and a byte that is not UTF-8: ids are data.
    const std::string odd("res_\0\xff", 6);
    auto held = booking("bkg_held", "res_1", at("2026-06-01T10:00:00Z"));
    held.status = BookingStatus::pending;
    held.hold_expires_at = now + 15min;
    auto lapsed = booking("bkg_lapsed", "res_1", at("2026-06-01T11:00:00Z"));
    lapsed.status = BookingStatus::pending;
    lapsed.hold_expires_at = now;
    auto cancelled = booking("bkg_cancelled", "res_2", at("2026-06-01T12:00:00Z"));
    cancelled.status = BookingStatus::cancelled;
    auto wide = booking("bkg_wide", "res_2", at("2026-06-01T08:00:00Z"));
    wide.buffer_after = 90min;
    wide.seats = 2;
    auto late = booking("bkg_late", "res_2", at("2026-06-02T09:00:00Z"));
    auto shared = booking("bkg_shared", "res_1", at("2026-06-01T09:00:00Z"));
    shared.other_resources = {ResourceId{odd}};
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource("res_1", 3));
        tx.put_resource(f.a, resource("res_2", 3));
        tx.put_resource(f.a, resource(odd, 3));
        for (const auto& b : {held, lapsed, cancelled, wide, late, shared}) tx.insert_booking(f.a, b);
        tx.insert_booking(f.b, booking("bkg_other", "res_1", at("2026-06-01T09:30:00Z")));
    });
    const Interval day{at("2026-06-01T00:00:00Z"), at("2026-06-02T00:00:00Z")};
    const Interval two_days{day.begin, at("2026-06-03T00:00:00Z")};
    const Interval morning{at("2026-06-01T06:00:00Z"), at("2026-06-01T09:15:00Z")};
    // Each resource over its own range, one twice, one unknown, the odd id.
    const std::vector<OccupancyQuery> asks{{{"res_2"}, two_days}, {{"res_1"}, day}, {{"res_2"}, morning},
                                           {{"res_none"}, day},   {{odd}, day},     {{"res_1"}, morning}};
    const auto compare = [&](Transaction& tx) {
        const auto all = tx.occupancies(f.a, asks, now);
        REQUIRE(all.size() == asks.size());
        for (std::size_t i = 0; i < asks.size(); ++i) {
            CAPTURE(i);
            CHECK(load_set(all[i]) == load_set(tx.occupancy(f.a, asks[i].resource, asks[i].range, now)));
        }
        // What the entries hold, not only that they agree.
        CHECK(all[0].size() == 2);  // wide and late; cancelled is not active
        CHECK(all[1].size() == 2);  // held and shared; lapsed ended at now
        CHECK(all[2].size() == 1);  // wide only: late is on the next day
        CHECK(all[3].empty());
        CHECK(all[4].size() == 1);  // shared, held of its second resource
        CHECK(all[5].size() == 1);  // shared: held starts at 10:00
        CHECK(load_set(all[2]) == load_set({{.interval = wide.interval, .seats = 2, .buffer_after = 90min}}));
        CHECK(tx.occupancies(f.a, {}, now).empty());
        // Another tenant's bookings of the same ids are not there.
        const auto other = tx.occupancies(f.b, asks, now);
        REQUIRE(other.size() == asks.size());
        CHECK(other[1].size() == 1);
        CHECK(other[0].empty());
        return 0;
    };
    f.read(compare);
    // A write transaction answers the same (the PostgreSQL adapter locks and
    // clears each resource first).
    auto tx = f.store->write();
    compare(*tx);
}

// --- series and administration -------------------------------------------

inline void active_flags_and_series_round_trip(const StoreFactory& make) {
    Fixture f(make);
    Resource off = resource("res_off");
    off.active = false;
    Service closed = service("svc_closed", {{"res_off"}});
    closed.active = false;
    Booking weekly = booking("bkg_w1", "res_off", at("2026-06-01T10:00:00Z"));
    weekly.series = {"ser_1"};
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource("res_on"));
        tx.put_resource(f.a, off);
        tx.put_service(f.a, closed);
        tx.insert_booking(f.a, weekly);
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.resource(f.a, {"res_on"})->active);
        CHECK(tx.resource(f.a, {"res_off"}) == off);
        CHECK(tx.resources(f.a).front() == off);  // "res_off" < "res_on"
        CHECK(tx.service(f.a, {"svc_closed"}) == closed);
        CHECK(tx.services(f.a).front() == closed);
        CHECK(tx.booking(f.a, {"bkg_w1"}) == weekly);
        return 0;
    });
    // Reactivating is a write like any other: the row says so at once.
    off.active = true;
    closed.active = true;
    f.write([&](Transaction& tx) {
        CHECK_FALSE(tx.resource(f.a, {"res_off"})->active);
        tx.put_resource(f.a, off);
        tx.put_service(f.a, closed);
        CHECK(tx.resource(f.a, {"res_off"})->active);
    });
    f.read([&](Transaction& tx) {
        CHECK(tx.resource(f.a, {"res_off"})->active);
        CHECK(tx.service(f.a, {"svc_closed"})->active);
        return 0;
    });
}

inline void bookings_filter_by_payment_status_and_series(const StoreFactory& make) {
    Fixture f(make);
    Booking paid = booking("bkg_p", "res_1", at("2026-06-01T10:00:00Z"));
    paid.payment_status = PaymentStatus::paid;
    paid.series = {"ser_a"};
    Booking due = booking("bkg_d", "res_1", at("2026-06-02T10:00:00Z"));
    due.payment_status = PaymentStatus::refund_due;
    due.series = {"ser_a"};
    Booking none = booking("bkg_n", "res_1", at("2026-06-03T10:00:00Z"));
    none.series = {"ser_b"};
    Booking other_tenant = booking("bkg_o", "res_1", at("2026-06-01T11:00:00Z"));
    other_tenant.payment_status = PaymentStatus::paid;
    other_tenant.series = {"ser_a"};
    f.write([&](Transaction& tx) {
        for (const auto& b : {paid, due, none}) tx.insert_booking(f.a, b);
        tx.insert_booking(f.b, other_tenant);
    });
    f.read([&](Transaction& tx) {
        const auto now = at("2026-05-01T00:00:00Z");
        CHECK(ids(tx.bookings(f.a, {.now = now, .payment_status = PaymentStatus::paid})) ==
              std::vector<std::string>{"bkg_p"});
        CHECK(ids(tx.bookings(f.a, {.now = now, .payment_status = PaymentStatus::refund_due})) ==
              std::vector<std::string>{"bkg_d"});
        CHECK(ids(tx.bookings(f.a, {.now = now, .payment_status = PaymentStatus::none})) ==
              std::vector<std::string>{"bkg_n"});
        CHECK(tx.bookings(f.a, {.now = now, .payment_status = PaymentStatus::failed}).empty());
        CHECK(ids(tx.bookings(f.a, {.now = now, .series = SeriesId{"ser_a"}})) ==
              std::vector<std::string>{"bkg_p", "bkg_d"});
        CHECK(ids(tx.bookings(f.a, {.from = at("2026-06-02T00:00:00Z"), .now = now, .series = SeriesId{"ser_a"}})) ==
              std::vector<std::string>{"bkg_d"});
        CHECK(ids(tx.bookings(f.a, {.now = now, .payment_status = PaymentStatus::paid, .series = SeriesId{"ser_b"}}))
                  .empty());
        CHECK(tx.bookings(f.a, {.now = now, .series = SeriesId{"ser_none"}}).empty());
        return 0;
    });
}

inline void erase_customer_blanks_one_subjects_personal_data(const StoreFactory& make) {
    Fixture f(make);
    Booking mine = booking("bkg_m1", "res_1", at("2026-06-01T10:00:00Z"));
    mine.idempotency_key = "k1";
    mine.request_fingerprint = "5:Ada L";
    mine.payment_status = PaymentStatus::paid;
    mine.amount_due = 2500;
    mine.currency_due = "EUR";
    Booking mine_too = booking("bkg_m2", "res_1", at("2026-06-08T10:00:00Z"));
    Booking theirs = booking("bkg_t", "res_1", at("2026-06-02T10:00:00Z"));
    theirs.created_by = "grace";
    theirs.customer = {.name = "Grace", .email = "grace@example.com", .phone = "1", .locale = "en"};
    Booking other_tenant = booking("bkg_o", "res_1", at("2026-06-01T10:00:00Z"));  // also "ada"
    const auto now = at("2026-05-01T00:00:00Z");
    Notification sent = notification(f.a, "n_sent", "bkg_m1", now);
    sent.to = "ada@example.com";
    sent.subject = "Ada, see you";
    sent.body = "Dear Ada Lovelace";
    sent.ics = "ATTENDEE:ada@example.com";
    Notification unsent = notification(f.a, "n_unsent", "bkg_m2", now);
    unsent.to = "ada@example.com";
    f.write([&](Transaction& tx) {
        tx.insert_booking(f.a, mine, nullptr);
        const auto c = confirmation_of(f.a, mine_too);
        tx.insert_booking(f.a, mine_too, &c);
        tx.insert_booking(f.a, theirs);
        tx.insert_booking(f.b, other_tenant);
        tx.insert_notification(sent);
        tx.insert_notification(unsent);
    });
    f.write([&](Transaction& tx) { CHECK(tx.mark_notification_sent(f.a, "n_sent", now)); });
    int erased = 0;
    f.write([&](Transaction& tx) { erased = tx.erase_customer(f.a, "ada", now + 1h); });
    CHECK(erased == 2);
    f.read([&](Transaction& tx) {
        for (const char* id : {"bkg_m1", "bkg_m2"}) {
            CAPTURE(id);
            const auto b = tx.booking(f.a, {id});
            REQUIRE(b);
            CHECK(b->customer.name.empty());
            CHECK(b->customer.email.empty());
            CHECK(b->customer.phone.empty());
            CHECK(b->request_fingerprint == "erased");
            // What the business needs to keep: occupancy, times, money.
            const Booking& was = std::string(id) == "bkg_m1" ? mine : mine_too;
            CHECK(b->interval == was.interval);
            CHECK(b->status == was.status);
            CHECK(b->payment_status == was.payment_status);
            CHECK(b->amount_due == was.amount_due);
            CHECK(b->idempotency_key == was.idempotency_key);
            CHECK(b->customer.locale == was.customer.locale);
            for (const auto& n : tx.notifications(f.a, {id})) {
                CAPTURE(n.id);
                CHECK(n.to.empty());
                CHECK(n.subject.empty());
                CHECK(n.body.empty());
                CHECK(n.ics.empty());
                CHECK(n.sent_at);  // nobody left to send it to
            }
        }
        CHECK(tx.notifications(f.a, {"bkg_m2"}).size() == 2);  // its confirmation and the other
        CHECK(tx.occupancy(f.a, {"res_1"}, {at("2026-06-01T00:00:00Z"), at("2026-06-09T00:00:00Z")}, now).size() == 3);
        CHECK(tx.booking(f.a, {"bkg_t"}) == theirs);
        CHECK(tx.booking(f.b, {"bkg_o"}) == other_tenant);
        return 0;
    });
    f.write([&](Transaction& tx) { CHECK(tx.take_notifications(now + 2h, 10).empty()); });
    // Again: nothing left to change, the same count.
    f.write([&](Transaction& tx) { CHECK(tx.erase_customer(f.a, "ada", now + 3h) == 2); });
    f.write([&](Transaction& tx) { CHECK(tx.erase_customer(f.a, "nobody", now + 3h) == 0); });
}

// API keys: found by hash across tenants (authentication learns the tenant
// from the key), listed and revoked only within their own tenant.
inline void api_keys_are_found_by_hash_and_revoked_within_their_tenant(const StoreFactory& make) {
    auto store = make();
    const ApiKey k1{.id = "key_1", .tenant = {"ten_a"}, .role = Role::admin, .subject = "admin:key_1",
                    .label = "front desk", .hash = std::string(64, 'a'), .created_at = at("2026-03-01T00:00:00Z")};
    const ApiKey k2{.id = "key_2", .tenant = {"ten_a"}, .role = Role::customer, .subject = "user-7",
                    .label = "", .hash = std::string(64, 'b'), .created_at = at("2026-03-02T00:00:00Z")};
    const ApiKey k3{.id = "key_3", .tenant = {"ten_b"}, .role = Role::staff, .subject = std::string("s\0x", 3),
                    .label = "b", .hash = std::string(64, 'c'), .created_at = at("2026-03-01T00:00:00Z")};
    {
        auto tx = store->write();
        tx->insert_tenant({.id = {"ten_b"}, .name = "B", .created_at = at("2026-02-01T00:00:00Z")});
        tx->insert_tenant({.id = {"ten_a"}, .name = "A", .created_at = at("2026-02-01T00:00:00Z")});
        tx->insert_api_key(k2);
        tx->insert_api_key(k1);
        tx->insert_api_key(k3);
        tx->commit();
    }
    {
        auto tx = store->read();
        CHECK(tx->api_key_by_hash(k1.hash) == k1);
        CHECK(tx->api_key_by_hash(k3.hash) == k3);
        CHECK_FALSE(tx->api_key_by_hash(std::string(64, 'd')));
        CHECK(tx->api_keys({"ten_a"}) == std::vector<ApiKey>{k1, k2});
        CHECK(tx->api_keys({"ten_b"}) == std::vector<ApiKey>{k3});
        const auto all = tx->tenants({}, 10);
        REQUIRE(all.size() == 2);
        CHECK(all[0].id.value == "ten_a");
        CHECK(all[1].id.value == "ten_b");
        CHECK(tx->tenants({}, 1).size() == 1);
    }
    {
        auto tx = store->write();
        CHECK_FALSE(tx->revoke_api_key({"ten_b"}, "key_1", at("2026-03-05T00:00:00Z")));  // another tenant's
        CHECK(tx->revoke_api_key({"ten_a"}, "key_1", at("2026-03-05T00:00:00Z")));
        CHECK_FALSE(tx->revoke_api_key({"ten_a"}, "key_1", at("2026-03-06T00:00:00Z")));  // already revoked
        tx->commit();
    }
    auto tx = store->read();
    const auto revoked = tx->api_key_by_hash(k1.hash);
    REQUIRE(revoked);
    CHECK(revoked->revoked_at == at("2026-03-05T00:00:00Z"));
    CHECK_FALSE(tx->api_key_by_hash(k3.hash)->revoked_at);
}

}  // namespace detail
}  // namespace slotwise::conformance

#include "store_conformance_waitlist.hpp"
#include "store_conformance_catalogue_version.hpp"
#include "store_conformance_messages.hpp"

namespace slotwise::conformance {


/// Runs every conformance case against stores made by `make`. Call it from a
/// doctest TEST_CASE; each case is a SUBCASE with a fresh store.
inline void run_store_conformance(const StoreFactory& make) {
    using namespace detail;
    run_waitlist_conformance(make);
    SUBCASE("a tenant round-trips and an unknown tenant reads as absent") {
        tenants_round_trip(make);
    }
    SUBCASE("tenants are listed in pages by id") {
        tenants_are_listed_in_pages_by_id(make);
    }
    SUBCASE("inserting a tenant twice is a storage_error") { duplicate_tenant_is_refused(make); }
    SUBCASE("resources round-trip and are listed by id") { resources_round_trip(make); }
    SUBCASE("put_resource replaces the row and keeps the calendar") {
        put_resource_replaces_the_row_but_not_the_calendar(make);
    }
    SUBCASE("weekly hours round-trip and a new week replaces the old") {
        weekly_hours_round_trip(make);
    }
    SUBCASE("date overrides round-trip over an inclusive date range, closed days included") {
        overrides_round_trip(make);
    }
    SUBCASE("blocks overlapping a half-open range come back by start") { blocks_round_trip(make); }
    SUBCASE("services round-trip every field, cancel notice included, with their resources in display order") {
        services_round_trip(make);
    }
    SUBCASE("a shared service reads like a copy and stays as it was read when the service changes") {
        a_shared_service_reads_like_a_copy_and_stays_as_read(make);
    }
    SUBCASE("bookings round-trip every field") { bookings_round_trip(make); }
    SUBCASE("update_booking replaces the mutable fields, and a missing booking is not_found") {
        update_booking_replaces_the_mutable_fields(make);
    }
    SUBCASE("an idempotency key is unique within a tenant and free in another") {
        idempotency_keys_are_unique_per_tenant(make);
    }
    SUBCASE("an idempotency key is scoped to its subject: another subject neither finds nor blocks it") {
        idempotency_keys_are_scoped_to_the_subject(make);
    }
    SUBCASE("a tenant policy round-trips, replaced as a whole, and is absent until set") {
        a_policy_round_trips_per_tenant(make);
    }
    SUBCASE("customer_holdings counts one subject's running holds and upcoming active bookings, capped") {
        customer_holdings_count_one_subjects_live_bookings(make);
    }
    SUBCASE("active bookings occupy their buffers too") { active_bookings_include_buffers(make); }
    SUBCASE("notifications are counted by their booking's creator, from a time, capped, per tenant") {
        notifications_are_counted_by_their_bookings_creator(make);
    }
    SUBCASE("active bookings leave out expired holds and cancelled bookings") {
        active_bookings_skip_expired_holds_and_cancelled(make);
    }
    SUBCASE("active bookings include long bookings that started long before the range") {
        active_bookings_find_long_bookings_that_started_long_before(make);
    }
    SUBCASE("occupancy is exactly the active bookings, reduced to their load") {
        occupancy_is_active_bookings_reduced(make);
    }
    SUBCASE("a booking of several resources occupies each one it holds, and only those, as last written") {
        a_booking_of_several_resources_occupies_each_it_holds(make);
    }
    SUBCASE("a booking with segments occupies only its busy parts of its first resource, the others throughout") {
        a_booking_with_segments_occupies_only_its_busy_parts_of_its_first_resource(make);
    }
    SUBCASE("counted_starts are the active bookings of one service on its first resource, once each") {
        counted_starts_are_the_active_bookings_of_one_service_on_its_first_resource(make);
    }
    SUBCASE("active bookings are ordered by occupied start") {
        active_bookings_are_ordered_by_occupied_start(make);
    }
    SUBCASE(
        "bookings() filters by start range, resource, creator and status at now, ordered by "
        "(start, id)") {
        bookings_filter_and_order(make);
    }
    SUBCASE("bookings() pages with an after cursor and a limit, visiting each booking once") {
        bookings_keyset_pagination(make);
    }
    SUBCASE("no call with one tenant's id sees or changes another tenant's rows") {
        tenant_scoping(make);
    }
    SUBCASE("a write transaction destroyed without commit leaves nothing behind") {
        rollback_on_destruction(make);
    }
    SUBCASE("committed changes are visible to later transactions") {
        commits_are_visible_to_later_transactions(make);
    }
    SUBCASE("a failed call inside a transaction leaves nothing half-written") {
        a_failed_call_leaves_nothing_half_written(make);
    }
    SUBCASE("strings with NUL bytes, quotes and SQL are stored verbatim") {
        strings_are_stored_verbatim(make);
    }
    SUBCASE("a one-megabyte string round-trips") { a_megabyte_string_round_trips(make); }
    SUBCASE("payment settings and applied events are kept per tenant, at most once") {
        payment_settings_and_events_are_per_tenant(make);
    }
    SUBCASE("a booking's amount due and the newer payment statuses round-trip") {
        money_fields_and_payment_statuses_round_trip(make);
    }
    SUBCASE("checkout sessions are kept per booking, listed when due to close and closed once") {
        checkout_sessions_are_kept_per_booking_and_closed_once(make);
    }
    SUBCASE("unmatched payments are kept per tenant, once per event, newest first") {
        unmatched_payments_are_kept_per_tenant_newest_first(make);
    }
    SUBCASE("a booking is found by its payment reference within its tenant only") {
        bookings_are_found_by_payment_reference_within_their_tenant(make);
    }
    SUBCASE("the outbox leases due rows with a backoff and forgets sent ones") {
        the_outbox_leases_due_rows_and_forgets_sent_ones(make);
    }
    SUBCASE("the outbox serves tenants in turn, so one tenant's backlog cannot starve another") {
        the_outbox_serves_tenants_in_turn(make);
    }
    SUBCASE("a confirmation written with its booking is read, taken and marked like any outbox row") {
        a_confirmation_written_with_its_booking_is_an_outbox_row_like_any_other(make);
    }
    SUBCASE("a later notification follows the booking's confirmation, which keeps the time it was for") {
        a_later_notification_follows_the_confirmation_which_keeps_the_old_time(make);
    }
    SUBCASE("a confirmation with an id of its own is read, taken and marked by that id") {
        a_confirmation_with_an_id_of_its_own_is_read_back_with_that_id(make);
    }
    SUBCASE("a booking rolled back leaves no confirmation behind") {
        a_rolled_back_booking_leaves_no_confirmation(make);
    }
    SUBCASE("a resource's and a service's active flag and a booking's series round-trip") {
        active_flags_and_series_round_trip(make);
    }
    SUBCASE("bookings() filters by payment status and by series") {
        bookings_filter_by_payment_status_and_series(make);
    }
    SUBCASE("erase_customer blanks one subject's personal data in its tenant and keeps the rest") {
        erase_customer_blanks_one_subjects_personal_data(make);
    }
    SUBCASE("table sizes, party services, party bookings and table combinations round-trip per tenant") {
        table_sizes_party_services_and_combinations_round_trip(make);
    }
    SUBCASE("API keys are found by hash across tenants and listed and revoked only within their own") {
        api_keys_are_found_by_hash_and_revoked_within_their_tenant(make);
    }
    SUBCASE("catalogue_version moves on every catalogue change, never back, and not on a booking") {
        catalogue_version_moves_on_every_catalogue_change_and_on_nothing_else(make);
    }
    SUBCASE("message texts are kept per tenant, kind and locale, replaced, read back verbatim and removed once") {
        message_texts_are_kept_per_tenant_kind_and_locale(make);
    }
    SUBCASE("occupancies answers each resource and range as occupancy does, in one call") {
        occupancies_answer_each_ask_as_occupancy_does(make);
    }
}

}  // namespace slotwise::conformance
