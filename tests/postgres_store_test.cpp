// The PostgreSQL store: the storage conformance suite (unchanged, as for
// SQLite), then what only this adapter has to get right: the exclusion
// constraint as the last line, expired holds that do not block it, options
// refused by name, migrations under a lock, commit_in_doubt, a pool that
// recovers from broken connections. Needs SLOTWISE_PG_DSN (else skipped).
#include "store_conformance.hpp"
#include "support/postgres_server.hpp"

#include <slotwise/engine.hpp>
#include <slotwise/store_wrapper.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <latch>
#include <thread>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

const bool server_named = !pg_dsn().empty();

Instant at(const char* s) { return parse_instant(s, "t"); }

template <class F>
Errc error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    FAIL("no error thrown");
    return Errc::storage_error;
}

// What inserting `b` of tenant t1 comes to by the end of the transaction:
// the store may send the insert with the COMMIT, so the database's refusal
// may be thrown by either.
Errc insert_refused(Transaction& tx, const Booking& b) {
    return error_of([&] {
        tx.insert_booking({"t1"}, b);
        tx.commit();
    });
}

Booking booking(const std::string& id, const std::string& resource, Instant start, Minutes length = 30min) {
    return {.id = {id}, .service = {"svc_1"}, .resource = {resource}, .interval = {start, start + length},
            .customer = {.name = "Ada"}, .created_by = "ada", .created_at = at("2026-01-01T00:00:00Z"),
            .updated_at = at("2026-01-01T00:00:00Z")};
}

// A tenant with one capacity-1 resource.
std::shared_ptr<Store> salon() {
    auto store = fresh_postgres();
    auto tx = store->write();
    tx->insert_tenant({.id = {"t1"}, .name = "Salon", .created_at = at("2026-01-01T00:00:00Z")});
    tx->put_resource({"t1"}, {.id = {"res_1"}, .name = "Chair", .timezone = "Etc/UTC", .capacity = 1});
    tx->commit();
    return store;
}

}  // namespace

TEST_CASE("the PostgreSQL store passes the storage conformance suite") {
    REQUIRE(server_named);
    conformance::run_store_conformance([] { return fresh_postgres({.pool_size = 2}); });
}

TEST_CASE("the PostgreSQL store behind a StoreWrapper passes the storage conformance suite") {
    conformance::run_store_conformance([] { return std::make_shared<StoreWrapper>(fresh_postgres()); });
}

TEST_CASE("the database itself refuses an overlapping booking of a capacity-1 resource (exclusion constraint)") {
    auto store = salon();
    {
        // As the engine books: the resource's bookings read first, under its lock.
        auto tx = store->write();
        CHECK(tx->occupancy({"t1"}, {"res_1"}, {at("2026-06-01T10:00:00Z"), at("2026-06-01T10:30:00Z")},
                            at("2026-05-01T00:00:00Z"))
                  .empty());
        tx->insert_booking({"t1"}, booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z")));
        tx->commit();
    }
    // A writer whose check looked at the wrong range (a bug in the check):
    // it read the resource's bookings under the lock, saw none, and inserts
    // an overlap. Only the constraint stands in the way.
    const Interval elsewhere{at("2026-06-02T10:00:00Z"), at("2026-06-02T11:00:00Z")};
    const Instant now = at("2026-05-01T00:00:00Z");
    auto tx = store->write();
    CHECK(tx->occupancy({"t1"}, {"res_1"}, elsewhere, now).empty());
    Booking clash = booking("bkg_2", "res_1", at("2026-06-01T10:15:00Z"));
    CHECK(insert_refused(*tx, clash) == Errc::slot_unavailable);
    // Buffers widen the range: a booking ending at 10:00 with 5 minutes after clashes too.
    auto tx2 = store->write();
    CHECK(tx2->active_bookings({"t1"}, {"res_1"}, elsewhere, now).empty());
    Booking buffered = booking("bkg_3", "res_1", at("2026-06-01T09:30:00Z"));
    buffered.buffer_after = 5min;
    CHECK(insert_refused(*tx2, buffered) == Errc::slot_unavailable);
    // Half-open: back to back is fine, and so is another tenant's resource of the same id.
    auto tx3 = store->write();
    CHECK(tx3->occupancy({"t1"}, {"res_1"}, elsewhere, now).empty());
    tx3->insert_booking({"t1"}, booking("bkg_4", "res_1", at("2026-06-01T10:30:00Z")));
    tx3->insert_tenant({.id = {"t2"}, .name = "Other", .created_at = at("2026-01-01T00:00:00Z")});
    tx3->put_resource({"t2"}, {.id = {"res_1"}, .name = "Chair", .timezone = "Etc/UTC", .capacity = 1});
    CHECK(tx3->occupancy({"t2"}, {"res_1"}, elsewhere, now).empty());
    tx3->insert_booking({"t2"}, booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z")));
    tx3->commit();
    // A booking stored without a check (an import, the conformance suite's
    // direct writes) is kept as given: the store decides nothing for it.
    auto tx4 = store->write();
    tx4->insert_booking({"t1"}, booking("bkg_imported", "res_1", at("2026-06-01T10:00:00Z")));
    tx4->commit();
}

TEST_CASE("a lapsed hold does not block a new booking once a writer has seen it lapsed") {
    auto store = salon();
    Booking hold = booking("bkg_hold", "res_1", at("2026-06-01T10:00:00Z"));
    hold.status = BookingStatus::pending;
    hold.payment_status = PaymentStatus::pending;
    hold.hold_expires_at = at("2026-05-01T00:15:00Z");
    const Interval range{at("2026-06-01T10:00:00Z"), at("2026-06-01T10:30:00Z")};
    {
        // As the engine books: the resource's bookings read first, under its lock.
        auto tx = store->write();
        CHECK(tx->occupancy({"t1"}, {"res_1"}, range, at("2026-05-01T00:00:00Z")).empty());
        tx->insert_booking({"t1"}, hold);
        tx->commit();
    }
    SUBCASE("while the hold runs, the slot is taken") {
        auto tx = store->write();
        CHECK(tx->occupancy({"t1"}, {"res_1"}, range, at("2026-05-01T00:10:00Z")).size() == 1);
        CHECK(insert_refused(*tx, booking("bkg_new", "res_1", range.begin)) ==
              Errc::slot_unavailable);
    }
    SUBCASE("after it, the writer that reads the slot free may book it") {
        auto tx = store->write();
        CHECK(tx->occupancy({"t1"}, {"res_1"}, range, at("2026-05-01T00:15:00Z")).empty());
        tx->insert_booking({"t1"}, booking("bkg_new", "res_1", range.begin));
        tx->commit();
        // The store decided nothing: the hold is still stored as pending.
        auto rd = store->read();
        CHECK(rd->booking({"t1"}, {"bkg_hold"})->status == BookingStatus::pending);
        CHECK(rd->booking({"t1"}, {"bkg_new"})->status == BookingStatus::confirmed);
    }
    SUBCASE("a change of the lapsed hold's payment alone does not switch it back on") {
        {
            auto tx = store->write();
            CHECK(tx->occupancy({"t1"}, {"res_1"}, range, at("2026-05-01T00:20:00Z")).empty());
            tx->insert_booking({"t1"}, booking("bkg_new", "res_1", range.begin));
            tx->commit();
        }
        // A refund of the late payment: no check of the slot, status still pending.
        auto tx = store->write();
        hold.payment_status = PaymentStatus::refund_pending;
        tx->update_booking({"t1"}, hold);
        tx->commit();
    }
    SUBCASE("a late payment confirming it meets the constraint again") {
        {
            auto tx = store->write();
            CHECK(tx->occupancy({"t1"}, {"res_1"}, range, at("2026-05-01T00:20:00Z")).empty());
            tx->insert_booking({"t1"}, booking("bkg_new", "res_1", range.begin));
            tx->commit();
        }
        // The late payment's check looks at the slot as of the hold's own
        // booking (a bug would let it through): the constraint refuses.
        auto tx = store->write();
        (void)tx->occupancy({"t1"}, {"res_1"}, range, at("2026-05-01T00:25:00Z"));
        hold.status = BookingStatus::confirmed;
        CHECK(error_of([&] { tx->update_booking({"t1"}, hold); }) == Errc::slot_unavailable);
    }
}

TEST_CASE("a hold confirmed by its payment, without a new check, stays covered by the constraint") {
    auto store = salon();
    const Interval range{at("2026-06-01T10:00:00Z"), at("2026-06-01T10:30:00Z")};
    Booking hold = booking("bkg_paid", "res_1", range.begin);
    hold.status = BookingStatus::pending;
    hold.payment_status = PaymentStatus::pending;
    hold.hold_expires_at = at("2026-05-01T00:15:00Z");
    {
        auto tx = store->write();
        CHECK(tx->occupancy({"t1"}, {"res_1"}, range, at("2026-05-01T00:00:00Z")).empty());
        tx->insert_booking({"t1"}, hold);
        tx->commit();
    }
    {
        // The payment arrives while the hold runs: the engine confirms without a check.
        auto tx = store->write();
        hold.status = BookingStatus::confirmed;
        hold.payment_status = PaymentStatus::paid;
        hold.hold_expires_at.reset();
        tx->update_booking({"t1"}, hold);
        tx->commit();
    }
    // A wrong check later (it looked elsewhere) meets the constraint.
    auto tx = store->write();
    CHECK(tx->occupancy({"t1"}, {"res_1"}, {at("2026-06-02T10:00:00Z"), at("2026-06-02T11:00:00Z")},
                        at("2026-05-02T00:00:00Z"))
              .empty());
    CHECK(insert_refused(*tx, booking("bkg_clash", "res_1", range.begin)) ==
          Errc::slot_unavailable);
}

TEST_CASE("bad options are refused naming the option") {
    const auto field_of = [](PostgresOptions o) -> std::string {
        try {
            (void)open_postgres(o);
        } catch (const Error& e) {
            CHECK(e.code() == Errc::invalid_argument);
            return e.field();
        }
        return "(none)";
    };
    CHECK(field_of({.dsn = pg_dsn(), .pool_size = 0}) == "pool_size");
    CHECK(field_of({.dsn = pg_dsn(), .pool_size = 1001}) == "pool_size");
    CHECK(field_of({.dsn = pg_dsn(), .busy_timeout = 0ms}) == "busy_timeout");
    CHECK(field_of({.dsn = pg_dsn(), .max_retries = -1}) == "max_retries");
    CHECK(field_of({.dsn = pg_dsn(), .master_key = "short"}) == "master_key");
}

TEST_CASE("a server that cannot be reached is a storage_error saying so") {
    try {
        (void)open_postgres({.dsn = "host=127.0.0.1 port=1 connect_timeout=2 user=nobody dbname=none"});
        FAIL("opened");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::storage_error);
        CHECK(std::string(e.what()).find("cannot connect") != std::string::npos);
    }
}

TEST_CASE("servers starting at once migrate the schema once") {
    wipe_database(true);
    constexpr int servers = 6;
    std::latch go(servers);
    std::vector<std::string> failures(servers);
    std::vector<std::thread> threads;
    for (int i = 0; i < servers; ++i) {
        threads.emplace_back([&, i] {
            go.arrive_and_wait();
            try {
                auto store = open_postgres({.dsn = pg_dsn(), .pool_size = 1});
                auto tx = store->read();
                (void)tx->tenant({"nobody"});
            } catch (const std::exception& e) {
                failures[static_cast<std::size_t>(i)] = e.what();
            }
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& f : failures) CHECK(f == "");
    PgSession s;
    CHECK(s.value("SELECT version FROM slotwise_schema") == std::to_string(postgres_schema_version()));
    CHECK(s.value("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = 'bookings'") == "1");
}

TEST_CASE("a database of a newer schema is refused, not touched") {
    auto store = fresh_postgres();
    store.reset();
    PgSession s;
    s.exec("UPDATE slotwise_schema SET version = version + 1");
    CHECK(error_of([] { (void)open_postgres({.dsn = pg_dsn()}); }) == Errc::storage_error);
    s.exec("UPDATE slotwise_schema SET version = version - 1");
}

TEST_CASE("a COMMIT whose connection breaks is commit_in_doubt, and the pool recovers without a restart") {
    auto store = salon();
    PgSession admin;
    auto tx = store->write();
    // A read opens the transaction on the server; the insert goes with the COMMIT.
    CHECK_FALSE(tx->booking({"t1"}, {"bkg_doubt"}));
    tx->insert_booking({"t1"}, booking("bkg_doubt", "res_1", at("2026-06-01T10:00:00Z")));
    // Every other session of this database idle in a transaction: ours.
    admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
               " AND pid <> pg_backend_pid() AND state = 'idle in transaction'");
    CHECK(error_of([&] { tx->commit(); }) == Errc::commit_in_doubt);
    // Every pooled connection of the store now gone too: the next transactions reconnect.
    admin.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
               " AND pid <> pg_backend_pid()");
    for (int i = 0; i < 3; ++i) {
        auto rd = store->read();
        CHECK_FALSE(rd->booking({"t1"}, {"bkg_doubt"}));
    }
    auto again = store->write();
    again->insert_booking({"t1"}, booking("bkg_doubt", "res_1", at("2026-06-01T10:00:00Z")));
    again->commit();
    CHECK(store->read()->booking({"t1"}, {"bkg_doubt"}));
}

TEST_CASE("a transaction waiting for a connection of a full pool gets storage_busy after the busy timeout") {
    wipe_database();
    auto store = open_postgres({.dsn = pg_dsn(), .pool_size = 1, .busy_timeout = 300ms});
    auto held = store->read();
    CHECK(error_of([&] { (void)store->read(); }) == Errc::storage_busy);
}

TEST_CASE("two writers taking two resources in opposite orders: one is storage_busy at once, the other books both") {
    auto store = salon();
    {
        auto tx = store->write();
        tx->put_resource({"t1"}, {.id = {"res_2"}, .name = "Room", .timezone = "Etc/UTC", .capacity = 1});
        tx->commit();
    }
    std::atomic<int> retries{0};
    store->set_event_sink([&](const EngineEvent& e) {
        if (e.kind == EngineEventKind::storage_retry) ++retries;
    });
    const Interval range{at("2026-06-01T10:00:00Z"), at("2026-06-01T10:30:00Z")};
    const Instant now = at("2026-05-01T00:00:00Z");
    // Each has read (and locked) one resource; each then reads the other's.
    auto first = store->write();
    auto second = store->write();
    (void)first->occupancy({"t1"}, {"res_1"}, range, now);
    (void)second->occupancy({"t1"}, {"res_2"}, range, now);
    std::latch both(2);
    std::atomic<int> busy{0};
    std::atomic<int> booked{0};
    const auto take_other = [&](Transaction& tx, const char* other, const char* id) {
        both.arrive_and_wait();
        try {
            (void)tx.occupancy({"t1"}, {other}, range, now);
            Booking b = booking(id, "res_1", range.begin);
            b.other_resources = {{"res_2"}};
            tx.insert_booking({"t1"}, b);
            tx.commit();
            ++booked;
        } catch (const Error& e) {
            if (e.code() == Errc::storage_busy) ++busy;
        }
    };
    std::thread a([&] { take_other(*first, "res_2", "bkg_first"); });
    std::thread b([&] { take_other(*second, "res_1", "bkg_second"); });
    a.join();
    b.join();
    CHECK(busy == 1);
    CHECK(booked == 1);
    // Asking again could only close the cycle again.
    CHECK(retries == 0);
}

TEST_CASE("the constraint covers a booking's busy parts only: its free part can be booked, its busy parts cannot") {
    auto store = salon();
    const Instant start = at("2026-06-01T10:00:00Z");
    const Instant now = at("2026-05-01T00:00:00Z");
    Booking colour = booking("bkg_colour", "res_1", start, 95min);
    colour.segments = {{SegmentKind::busy, 30min}, {SegmentKind::free, 45min}, {SegmentKind::busy, 20min}};
    const Interval day{start - 1h, start + 3h};
    {
        auto tx = store->write();
        CHECK(tx->occupancy({"t1"}, {"res_1"}, day, now).empty());
        tx->insert_booking({"t1"}, colour);
        tx->commit();
    }
    // A cut in the free 45 minutes, checked like every engine booking.
    {
        auto tx = store->write();
        CHECK(tx->occupancy({"t1"}, {"res_1"}, day, now).size() == 2);
        tx->insert_booking({"t1"}, booking("bkg_gap", "res_1", start + 35min));
        tx->commit();
    }
    // A wrong check (it looked at another day) over the second busy part
    // meets the constraint.
    auto tx = store->write();
    CHECK(tx->occupancy({"t1"}, {"res_1"}, {start + 24h, start + 25h}, now).empty());
    CHECK(insert_refused(*tx, booking("bkg_clash", "res_1", start + 80min, 10min)) ==
          Errc::slot_unavailable);
}

TEST_CASE("erase_customer leaves no row of any table holding the customer's name, email or phone") {
    using namespace std::chrono_literals;
    const Instant now = parse_instant("2026-06-01T05:00:00Z", "now");
    Engine engine(fresh_postgres(), [now] { return now; });
    const auto tenant = engine.create_tenant("Salon");
    auto admin = engine.scope({.tenant = tenant.id, .role = Role::admin, .subject = "owner"});
    const auto room = admin.create_resource({.name = "Room", .timezone = "Europe/Rome"});
    WeeklyHours week;
    for (auto& d : week.days) d = {{0min, 24h}};
    admin.set_weekly_hours(room.id, week);
    const auto svc = admin.create_service({.name = "Cut", .duration = 30min, .resources = {room.id}});
    const Customer person{.name = "Adalinda Qwertyson", .email = "adalinda.q@example.org", .phone = "+39 333 7654321"};
    auto ada = engine.scope({.tenant = tenant.id, .role = Role::customer, .subject = "ada"});
    const auto first = ada.book({.service = svc.id, .start = parse_instant("2026-06-02T08:00:00Z", "s"),
                                 .customer = person, .idempotency_key = "k"});
    ada.book_series({.service = svc.id, .first_start = parse_instant("2026-06-03T08:00:00Z", "s"), .count = 2,
                     .customer = person});
    ada.cancel(first.id);
    (void)engine.take_notifications(2);
    // A value is found as text or, in a bytea column, as its hex digits.
    const auto rows_holding = [](const std::string& text) {
        std::string hex;
        for (const unsigned char c : text) {
            static constexpr char digits[] = "0123456789abcdef";
            hex += digits[c >> 4];
            hex += digits[c & 15];
        }
        PgSession s;
        int found = 0;
        for (const auto& table : s.exec("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
            found += std::stoi(s.value("SELECT count(*) FROM " + table[0] + " t WHERE strpos(t::text, '" + text +
                                       "') > 0 OR strpos(t::text, '" + hex + "') > 0"));
        }
        return found;
    };
    REQUIRE(rows_holding(person.email) > 0);
    CHECK(admin.erase_customer("ada") == 3);
    for (const auto& text : {person.name, person.email, person.phone}) {
        CAPTURE(text);
        CHECK(rows_holding(text) == 0);
    }
}
TEST_CASE("a request and a waitlist offer are covered by the constraint while they run, and free once seen lapsed") {
    for (const auto status : {BookingStatus::requested, BookingStatus::offered}) {
        CAPTURE(to_string(status));
        auto store = salon();
        Booking held = booking("bkg_held", "res_1", at("2026-06-01T10:00:00Z"));
        held.status = status;
        held.hold_expires_at = at("2026-05-01T00:15:00Z");
        const Interval range{at("2026-06-01T10:00:00Z"), at("2026-06-01T10:30:00Z")};
        {
            auto tx = store->write();
            CHECK(tx->occupancy({"t1"}, {"res_1"}, range, at("2026-05-01T00:00:00Z")).empty());
            tx->insert_booking({"t1"}, held);
            tx->commit();
        }
        {
            // Running: the database itself refuses a second booking.
            auto tx = store->write();
            CHECK(tx->occupancy({"t1"}, {"res_1"}, range, at("2026-05-01T00:10:00Z")).size() == 1);
            CHECK(insert_refused(*tx, booking("bkg_new", "res_1", range.begin)) ==
                  Errc::slot_unavailable);
        }
        auto tx = store->write();
        CHECK(tx->occupancy({"t1"}, {"res_1"}, range, at("2026-05-01T00:15:00Z")).empty());
        tx->insert_booking({"t1"}, booking("bkg_new", "res_1", range.begin));
        tx->commit();
        CHECK(store->read()->booking({"t1"}, {"bkg_held"})->status == status);
    }
}

TEST_CASE("on PostgreSQL too, a cancellation offers the seat to the first in line in the same transaction") {
    REQUIRE(server_named);
    std::atomic<std::int64_t> clock{at("2026-06-01T05:00:00Z").time_since_epoch().count()};
    Engine engine(fresh_postgres(), [&] { return Instant{std::chrono::seconds{clock.load()}}; });
    const auto tenant = engine.create_tenant("Gym");
    auto admin = engine.scope({.tenant = tenant.id, .role = Role::admin, .subject = "owner"});
    const auto studio = admin.create_resource({.name = "Studio", .timezone = "Europe/Rome", .capacity = 1});
    WeeklyHours week;
    week[date::Monday] = {{9h, 13h}};
    admin.set_weekly_hours(studio.id, week);
    const auto yoga = admin.create_service({.name = "Yoga", .duration = 60min, .resources = {studio.id}});
    const Instant nine = at("2026-06-01T07:00:00Z");
    auto ada = engine.scope({.tenant = tenant.id, .role = Role::customer, .subject = "ada"});
    auto dan = engine.scope({.tenant = tenant.id, .role = Role::customer, .subject = "dan"});
    auto eve = engine.scope({.tenant = tenant.id, .role = Role::customer, .subject = "eve"});
    const auto b = ada.book({.service = yoga.id, .start = nine, .customer = {.name = "Ada"}});
    const auto d = dan.join_waitlist({.service = yoga.id, .start = nine, .customer = {.name = "Dan"}});
    const auto e = eve.join_waitlist({.service = yoga.id, .start = nine, .customer = {.name = "Eve"}});
    CHECK(e.position == 2);
    ada.cancel(b.id);
    const auto offered = dan.get_waitlist_entry(d.id);
    CHECK(offered.status == WaitlistStatus::offered);
    REQUIRE(offered.offer);
    CHECK(eve.get_waitlist_entry(e.id).position == 1);
    CHECK(error_of([&] { eve.accept_offer(*offered.offer); }) == Errc::not_found);  // not hers: unknown
    // Dan lets it lapse: the next take_notifications passes it to Eve.
    clock += 3600;
    (void)engine.take_notifications(100);
    CHECK(eve.get_waitlist_entry(e.id).status == WaitlistStatus::offered);
    CHECK(eve.accept_offer(*eve.get_waitlist_entry(e.id).offer).status == BookingStatus::confirmed);
}
