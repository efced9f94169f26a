// What the PostgreSQL adapter sends together, and what that must not
// change. book() on a connection that cached the catalogue makes two round
// trips: the BEGIN with the catalogue's version, the resource's lock and the
// read that decides; the booking's rows with the COMMIT. A catalogue found
// moved by that version read fails the round trip and book() begins again;
// nothing commits unchecked. A refusal of rows sent with the COMMIT is still the
// transaction's; a lock wait that fails inside such a round trip is undone to
// its savepoint and asked again; a round trip that may have committed is
// never made twice, and a BEGIN's is made again on a connection the server
// dropped. Needs SLOTWISE_PG_DSN (else skipped).
#include "support/errors.hpp"
#include "support/postgres_server.hpp"

#include "postgres/internal.hpp"
#include "postgres/parts.hpp"
#include "postgres/statements.hpp"

#include <slotwise/engine.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

const Instant kNow = parse_instant("2030-01-01T00:00:00Z", "now");
const Instant kFirst = parse_instant("2030-01-07T09:00:00Z", "first");
const TenantId kT1{"t1"};

Booking booking(const std::string& id, Instant start) {
    return {.id = {id}, .service = {"svc_1"}, .resource = {"res_1"}, .interval = {start, start + 30min},
            .customer = {.name = "Ada"}, .created_by = "ada", .created_at = kNow, .updated_at = kNow};
}

// Tenant t1 with one capacity-1 resource, res_1, written through the store.
std::shared_ptr<Store> salon(PostgresOptions options = {}) {
    auto store = fresh_postgres(options);
    auto tx = store->write();
    tx->insert_tenant({.id = kT1, .name = "Salon", .created_at = kNow});
    tx->put_resource(kT1, {.id = {"res_1"}, .name = "Chair", .timezone = "Etc/UTC", .capacity = 1});
    tx->commit();
    return store;
}

// Books `b` as the engine does: its resource's bookings read first (under
// its lock, which makes the row one the constraint covers), found free.
void book_checked(Store& store, const Booking& b) {
    auto tx = store.write();
    CHECK(tx->occupancy(kT1, b.resource, b.interval, kNow).empty());
    tx->insert_booking(kT1, b);
    tx->commit();
}

// How many bookings of tenant t1 the database holds, asked behind the
// adapter's back.
int stored_bookings(PgSession& s) {
    return std::stoi(s.value("SELECT count(*) FROM bookings WHERE tenant_id = 't1'::bytea"));
}

// Ends every session of the store's database but `s`'s own that is in
// `state` ('idle', 'idle in transaction', ...).
void terminate_sessions(PgSession& s, const std::string& state) {
    s.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
           " AND pid <> pg_backend_pid() AND state = '" + state + "'");
}

// A wiped database's engine (one connection) with a tenant whose court of
// `capacity`, open all day, is booked by the staff through `book(slot)`:
// slot i starts i half hours after kFirst.
struct Court {
    explicit Court(int capacity) {
        tenant = engine.create_tenant("Courts").id;
        admin.emplace(engine.scope({.tenant = tenant, .role = Role::admin, .subject = "owner"}));
        WeeklyHours week;
        for (auto& d : week.days) d = {{Minutes{0}, Minutes{24 * 60}}};
        court = admin->create_resource({.name = "Court", .kind = ResourceKind::room, .timezone = "Etc/UTC",
                                        .capacity = capacity}).id;
        admin->set_weekly_hours(court, week);
        match = admin->create_service({.name = "Match", .duration = 30min, .resources = {court}}).id;
        staff.emplace(engine.scope({.tenant = tenant, .role = Role::staff, .subject = "desk"}));
    }
    Booking book(int slot) {
        return staff->book({.service = match, .start = kFirst + slot * 30min, .resource = court,
                            .customer = {.name = "Ada"}});
    }
    static std::shared_ptr<Store> wiped_store() {
        wipe_database();
        return open_postgres({.dsn = pg_dsn(), .pool_size = 1});
    }
    Engine engine{wiped_store(), [] { return kNow; }};
    std::optional<TenantScope> admin, staff;
    TenantId tenant;
    ResourceId court;
    ServiceId match;
};

}  // namespace

TEST_CASE("book() on PostgreSQL makes two round trips of five statements: the BEGIN, the lock and the read that "
          "decides, which answers the catalogue's version too; the rows, in one statement, with the COMMIT") {
    Court courts(1);
    (void)courts.book(0);  // statements prepared, catalogue cached
    const auto before = postgres::traffic();
    constexpr int kBooked = 10;
    for (int i = 1; i <= kBooked; ++i) CHECK(courts.book(i).status == BookingStatus::confirmed);
    const auto after = postgres::traffic();
    CHECK(after.round_trips - before.round_trips == 2 * kBooked);
    // BEGIN, the lock (no savepoint: the transaction held nothing yet), the
    // read that decides, with the catalogue's version (it met no lapsed
    // hold, so nothing is switched off); the booking, its hold and its
    // confirmation in one statement (kInsertBookingWithRows), COMMIT.
    CHECK(after.statements - before.statements == 5 * kBooked);
    // Every booking is there, and a taken start is still refused.
    CHECK(courts.admin->bookings({}).size() == kBooked + 1);
    CHECK(code_of([&] { (void)courts.book(3); }) == Errc::slot_unavailable);
}

TEST_CASE("a hold is covered by the constraint exactly when its resource has capacity 1, also when the capacity "
          "changed behind the connection's cached catalogue") {
    Court courts(2);
    PgSession s;
    // The booking's hold, as the constraint sees it.
    const auto exclusive = [&](int slot) {
        const auto b = courts.book(slot);
        return s.value("SELECT exclusive FROM booking_resources WHERE booking_id = '" + b.id.value + "'") == "t";
    };
    const auto set_capacity = [&](int capacity) {
        s.exec("UPDATE resources SET capacity = " + std::to_string(capacity) + " WHERE resource_id = '" +
               courts.court.value + "'");
    };
    CHECK_FALSE(exclusive(0));  // the catalogue read and cached on the way
    CHECK_FALSE(exclusive(1));  // checked on the cached catalogue
    // Plain SQL: no engine call drops the connection's cache (its next
    // booking finds the version moved and is made again on a fresh one).
    set_capacity(1);
    CHECK(exclusive(2));
    CHECK(exclusive(3));
    set_capacity(3);
    CHECK_FALSE(exclusive(4));
    CHECK_FALSE(exclusive(5));
}

TEST_CASE("book() on a warm catalogue flags its hold by the capacity its read confirmed, without a look at the "
          "resources table: it books while another session holds that table locked, also under a daily limit") {
    Court courts(1);
    const auto limited = courts.admin
                             ->create_service({.name = "League", .duration = 30min, .resources = {courts.court},
                                               .limits = {.day = 100}})
                             .id;
    const auto book = [&](const ServiceId& service, int slot) {
        return courts.staff->book({.service = service, .start = kFirst + slot * 30min, .resource = courts.court,
                                   .customer = {.name = "Ada"}});
    };
    (void)book(courts.match, 0);  // statements prepared, catalogue cached
    (void)book(limited, 1);
    PgSession s;
    s.exec("BEGIN; LOCK TABLE resources IN ACCESS EXCLUSIVE MODE");
    // A limit's count reads the court again after its occupancy: the
    // capacity stays known, as the lock keeps it from changing.
    CHECK(book(courts.match, 2).status == BookingStatus::confirmed);
    CHECK(book(limited, 3).status == BookingStatus::confirmed);
    s.exec("ROLLBACK");
    CHECK(s.value("SELECT count(*) FROM booking_resources WHERE exclusive") == "4");
}

TEST_CASE("book() decides on the catalogue as it is once the resource's lock is granted: hours closed while it "
          "waited refuse it") {
    Court courts(1);
    (void)courts.book(0);  // the catalogue cached
    PgSession holder, s;
    holder.exec("BEGIN");
    holder.exec("SELECT pg_advisory_xact_lock(" +
                std::to_string(postgres::resource_key(courts.tenant, courts.court)) + ")");
    std::atomic<bool> done{false};
    Errc refused{};
    std::thread waiter([&] {
        refused = code_of([&] { (void)courts.book(1); });
        done = true;
    });
    // The booking waits for the court's lock.
    for (int i = 0; i < 500 && s.value("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") ==
                                   "0";
         ++i) {
        std::this_thread::sleep_for(10ms);
    }
    CHECK(s.value("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == "1");
    // Meanwhile the court's hours go (plain SQL: the connection's cache is
    // not told), and the lock is let go.
    s.exec("DELETE FROM weekly_hours WHERE resource_id = '" + courts.court.value + "'");
    holder.exec("COMMIT");
    waiter.join();
    CHECK(done);
    CHECK(refused == Errc::slot_unavailable);
    CHECK(s.value("SELECT count(*) FROM bookings") == "1");
}

TEST_CASE("a writer that confirmed the catalogue before a resource's lock finds it moved at that resource's read, "
          "and flags its hold by the capacity confirmed there, which no one changes before it commits") {
    auto store = salon({.pool_size = 2});
    {
        auto tx = store->write();
        tx->put_resource(kT1, {.id = {"res_2"}, .name = "Bay", .timezone = "Etc/UTC", .capacity = 2});
        tx->commit();
    }
    const auto learn_the_bay = [&] {  // into the connection's catalogue cache
        auto tx = store->write();
        CHECK(tx->resource(kT1, {"res_2"})->capacity == 2);
        tx->commit();
    };
    learn_the_bay();
    Booking y = booking("bkg_y", kFirst);
    y.resource = {"res_2"};
    PgSession s;
    {
        auto tx = store->write();
        tx->check_catalogue_with_next();
        // The bay from the cache, its version confirmed with the round trip
        // of the chair's lock and read (a booking of two resources, say):
        // before the bay's lock.
        CHECK(tx->resource(kT1, {"res_2"})->capacity == 2);
        CHECK(tx->occupancy(kT1, {"res_1"}, y.interval, kNow).empty());
        // Meanwhile the bay becomes a capacity-1 resource: the bay's read,
        // after its lock, finds the version moved, before anything is
        // decided on a capacity of 2.
        s.exec("UPDATE resources SET capacity = 1 WHERE resource_id = 'res_2'");
        CHECK_THROWS_AS((void)tx->occupancy(kT1, {"res_2"}, y.interval, kNow), CatalogueMoved);
    }
    s.exec("UPDATE resources SET capacity = 2 WHERE resource_id = 'res_2'");
    learn_the_bay();
    // Past the read, the attack: the capacity falls to 1 and another
    // booking's hold takes the slot, written in plain SQL (no lock, as a
    // writer on another version might). Were the capacity to change before
    // the writer commits, its hold, flagged by the capacity of 2 it
    // confirmed, would stay outside the constraint beside the other. The
    // change waits for the bay's lock instead.
    auto tx = store->write();
    tx->check_catalogue_with_next();
    CHECK(tx->resource(kT1, {"res_2"})->capacity == 2);
    CHECK(tx->occupancy(kT1, {"res_2"}, y.interval, kNow).empty());
    const std::string lower_and_take =
        "BEGIN; SET LOCAL lock_timeout = '200ms';"
        " UPDATE resources SET capacity = 1 WHERE resource_id = 'res_2';"
        " INSERT INTO booking_resources (tenant_id, booking_id, part, resource_id, occupied, start_at, end_at,"
        " buffer_before_min, buffer_after_min, seats, status, exclusive, active) VALUES ('t1', 'bkg_x', 0, 'res_2',"
        " tstzrange(to_timestamp(" + std::to_string(postgres::seconds(kFirst)) + "), to_timestamp(" +
        std::to_string(postgres::seconds(kFirst + 30min)) + "), '[)'), to_timestamp(" +
        std::to_string(postgres::seconds(kFirst)) + "), to_timestamp(" + std::to_string(postgres::seconds(kFirst + 30min)) +
        "), 0, 0, 1, 'confirmed', true, true); COMMIT";
    CHECK_THROWS_WITH_AS(s.exec(lower_and_take), doctest::Contains("lock timeout"), std::runtime_error);
    s.exec("ROLLBACK");
    tx->insert_booking(kT1, y);
    tx->commit();
    CHECK(s.value("SELECT exclusive FROM booking_resources WHERE booking_id = 'bkg_y'") == "f");
    // Once it committed, the change goes through (the bay's holds keep the
    // flag they were written with, as after any change of capacity), and
    // the engine's next hold on the bay is covered.
    s.exec(lower_and_take);
    CHECK(s.value("SELECT count(*) FROM booking_resources WHERE resource_id = 'res_2'") == "2");
    Booking z = booking("bkg_z", kFirst + 1h);
    z.resource = {"res_2"};
    book_checked(*store, z);
    CHECK(s.value("SELECT exclusive FROM booking_resources WHERE booking_id = 'bkg_z'") == "t");
}

TEST_CASE("a change of a resource's capacity, its removal, its move to another id or its making again waits for a "
          "writer holding the resource's lock; a change of anything else, or of another resource, does not") {
    auto store = salon();
    PgSession s;
    struct Change {
        const char* sql;
        bool waits;
    };
    for (const Change& change : {
             Change{"UPDATE resources SET capacity = 2 WHERE resource_id = 'res_1'", true},
             Change{"DELETE FROM resources WHERE resource_id = 'res_1'", true},
             Change{"UPDATE resources SET resource_id = 'res_9' WHERE resource_id = 'res_1'", true},
             Change{"UPDATE resources SET tenant_id = 't9' WHERE resource_id = 'res_1'", true},
             Change{"UPDATE resources SET name = 'Stool', capacity = 1, active = false WHERE resource_id = 'res_1'", false},
             Change{"TRUNCATE resources; INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity)"
                    " VALUES ('t1', 'res_1', 'Bench', 'room', 'Etc/UTC', 3)", true},
             Change{"INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity)"
                    " VALUES ('t1', 'res_2', 'Bay', 'room', 'Etc/UTC', 3)", false},
         }) {
        const std::string sql = change.sql;
        const bool waits = change.waits;
        CAPTURE(sql);
        auto tx = store->write();
        CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 30min}, kNow).empty());
        s.exec("BEGIN; SET LOCAL lock_timeout = '200ms'");
        if (waits) {
            CHECK_THROWS_WITH_AS(s.exec(sql), doctest::Contains("lock timeout"), std::runtime_error);
        } else {
            CHECK_NOTHROW(s.exec(sql));
        }
        s.exec("ROLLBACK");
        tx.reset();  // rolled back: the lock is let go
        s.exec("BEGIN; SET LOCAL lock_timeout = '200ms'");
        CHECK_NOTHROW(s.exec(sql));
        s.exec("ROLLBACK");
    }
}

TEST_CASE("a capacity known for one resource is not lent to another whose lock key it shares") {
    const Booking b = booking("bkg_1", kFirst);  // on res_1
    const auto statement = [&](const std::string& tenant, const std::string& resource) {
        postgres::CheckedResources checked;
        // What a read under res_1's lock key left: capacity 1, known for
        // `resource` of `tenant`.
        checked[postgres::resource_key(kT1, b.resource)] = {tenant, resource, kNow, true};
        const auto rows = postgres::occupancy_rows(kT1, b, {}, checked);
        REQUIRE(rows.size() == 1);
        return rows[0].sql;
    };
    CHECK(statement("t1", "res_1") == postgres::kInsertCheckedOccupancy);
    CHECK(statement("t1", "res_9") == postgres::kInsertOccupancy);  // looked up
    CHECK(statement("t2", "res_1") == postgres::kInsertOccupancy);
}

TEST_CASE("the database's resource lock key is the adapter's, byte for byte") {
    (void)fresh_postgres();  // the schema, with its function
    PgSession s;
    const auto hex = [](const std::string& bytes) {
        static constexpr char kDigits[] = "0123456789abcdef";
        std::string out = "decode('";
        for (const unsigned char c : bytes) {
            out += kDigits[c >> 4];
            out += kDigits[c & 15];
        }
        return out + "', 'hex')";
    };
    for (const auto& ids : std::initializer_list<std::pair<std::string, std::string>>{
             {"t1", "res_1"}, {"", ""}, {std::string("t\0\xff", 3), std::string("\xff\0r", 3)},
             {std::string(300, 'x'), "res_" + std::string(200, '\x80')}}) {
        const std::string& tenant = ids.first;
        const std::string& resource = ids.second;
        CAPTURE(tenant.size());
        CHECK(s.value("SELECT slotwise_resource_lock_key(" + hex(tenant) + ", " + hex(resource) + ")") ==
              std::to_string(postgres::resource_key(TenantId{tenant}, ResourceId{resource})));
    }
}

TEST_CASE("a write transaction that did not ask to check its catalogue late is not failed by a catalogue moved "
          "while it waited for a resource's lock, and flags its hold by the capacity the database has") {
    auto store = salon();
    auto tx = store->write();  // as reschedule(), a payment or a waitlist offer writes: no retry on CatalogueMoved
    CHECK(tx->resource(kT1, {"res_1"})->capacity == 1);
    PgSession s;
    s.exec("UPDATE resources SET name = 'Stool', capacity = 2 WHERE tenant_id = 't1' AND resource_id = 'res_1'");
    CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 30min}, kNow).empty());
    tx->insert_booking(kT1, booking("bkg_1", kFirst));
    tx->commit();
    CHECK(stored_bookings(s) == 1);
    // Its catalogue, the capacity of 1 included, was not confirmed after the
    // lock: the hold's insert looked the capacity up.
    CHECK(s.value("SELECT exclusive FROM booking_resources WHERE booking_id = 'bkg_1'") == "f");
}

TEST_CASE("a writer that changes a capacity after confirming it flags its hold by the capacity it wrote") {
    auto store = salon();
    {  // the chair into the connection's catalogue cache
        auto tx = store->write();
        CHECK(tx->resource(kT1, {"res_1"}));
        tx->commit();
    }
    auto tx = store->write();
    tx->check_catalogue_with_next();
    CHECK(tx->resource(kT1, {"res_1"})->capacity == 1);
    CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 30min}, kNow).empty());  // confirmed: capacity 1
    tx->put_resource(kT1, {.id = {"res_1"}, .name = "Bench", .timezone = "Etc/UTC", .capacity = 3});
    tx->insert_booking(kT1, booking("bkg_1", kFirst));
    tx->commit();
    PgSession s;
    CHECK(s.value("SELECT exclusive FROM booking_resources WHERE booking_id = 'bkg_1'") == "f");
}

TEST_CASE("a writer's occupancy read answers only the version check of the tenant whose catalogue it confirms") {
    auto store = salon();
    const TenantId t2{"t2"};
    {
        auto tx = store->write();
        tx->insert_tenant({.id = t2, .name = "Other", .created_at = kNow});
        tx->put_resource(t2, {.id = {"res_9"}, .name = "Desk", .timezone = "Etc/UTC", .capacity = 1});
        tx->commit();
    }
    {  // both tenants into the connection's catalogue cache
        auto tx = store->write();
        CHECK(tx->resource(kT1, {"res_1"}));
        CHECK(tx->resource(t2, {"res_9"}));
        tx->commit();
    }
    auto tx = store->write();
    tx->check_catalogue_with_next();
    // t1 answered from the cache, then t2: both checks wait to be sent.
    CHECK(tx->resource(kT1, {"res_1"}));
    CHECK(tx->resource(t2, {"res_9"}));
    PgSession s;
    s.exec("UPDATE resources SET name = 'Stool' WHERE tenant_id = 't1' AND resource_id = 'res_1'");
    // The transaction now relies on t2's version: t1's check goes out as it
    // was, and finds t1's catalogue moved.
    CHECK_THROWS_AS((void)tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 30min}, kNow), CatalogueMoved);
}

TEST_CASE("a writer that meets a lapsed hold switches it off with its next round trip, ahead of its own rows; one "
          "that meets none sends no switch") {
    auto store = salon({.pool_size = 1});
    for (const auto& [id, start] : {std::pair{"bkg_hold_1", kFirst}, std::pair{"bkg_hold_2", kFirst + 2h}}) {
        Booking hold = booking(id, start);
        hold.status = BookingStatus::pending;
        hold.payment_status = PaymentStatus::pending;
        hold.hold_expires_at = kNow + 15min;
        book_checked(*store, hold);
    }
    struct Sent {
        std::int64_t round_trips, statements;
    };
    const auto book_at = [&](const std::string& id, Instant start, Instant now) {
        const auto before = postgres::traffic();
        auto tx = store->write();
        CHECK(tx->occupancy(kT1, {"res_1"}, {start, start + 30min}, now).empty());
        tx->insert_booking(kT1, booking(id, start));
        tx->commit();
        const auto after = postgres::traffic();
        return Sent{after.round_trips - before.round_trips, after.statements - before.statements};
    };
    // Another start: no hold in the range read, nothing to switch off.
    // BEGIN, lock, read; the booking, its hold, COMMIT.
    const auto other = book_at("bkg_other", kFirst + 1h, kNow + 20min);
    CHECK(other.round_trips == 2);
    CHECK(other.statements == 6);
    // A held start once its hold has lapsed: the switch goes first in the
    // round trip of the rows, or the constraint would refuse them. (The
    // first one prepares the switch on this connection: a round trip more.)
    CHECK(book_at("bkg_new_1", kFirst, kNow + 20min).statements == 7);
    const auto second = book_at("bkg_new_2", kFirst + 2h, kNow + 20min);
    CHECK(second.round_trips == 2);
    CHECK(second.statements == 7);
    PgSession s;
    CHECK(s.value("SELECT count(*) FROM booking_resources WHERE tenant_id = 't1'::bytea AND active") == "3");
    CHECK(s.value("SELECT count(*) FROM booking_resources WHERE tenant_id = 't1'::bytea AND NOT active"
                  " AND booking_id IN ('bkg_hold_1'::bytea, 'bkg_hold_2'::bytea)") == "2");
    // Switched off once: a later writer over the same range meets no lapsed
    // hold the constraint still counts, and sends nothing more.
    const auto before = postgres::traffic();
    auto tx = store->write();
    CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 30min}, kNow + 30min).size() == 1);
    tx->commit();
    CHECK(postgres::traffic().statements - before.statements == 4);  // BEGIN, lock, read, COMMIT
}

TEST_CASE("a connection's first booking on a resource reads the resource with its week, overrides and blocks in one "
          "round trip, and decides on them") {
    wipe_database();
    const auto open = [] { return std::make_unique<Engine>(open_postgres({.dsn = pg_dsn(), .pool_size = 1}),
                                                           [] { return kNow; }); };
    auto engine = open();
    const auto tenant = engine->create_tenant("Courts").id;
    auto admin = engine->scope({.tenant = tenant, .role = Role::admin, .subject = "owner"});
    WeeklyHours week;
    for (auto& d : week.days) d = {{Minutes{0}, Minutes{24 * 60}}};
    const auto first = admin.create_resource({.name = "Court 1", .kind = ResourceKind::room, .timezone = "Etc/UTC"});
    const auto second = admin.create_resource({.name = "Court 2", .kind = ResourceKind::room, .timezone = "Etc/UTC"});
    for (const auto& r : {first.id, second.id}) admin.set_weekly_hours(r, week);
    // Court 2: blocked for the first start, closed the next day.
    (void)admin.add_block(second.id, {kFirst, kFirst + 30min}, "net repair");
    const Date next_day = date::year_month_day{date::floor<date::days>(kFirst + 24h)};
    admin.set_date_override(second.id, next_day, {});
    const auto match =
        admin.create_service({.name = "Match", .duration = 30min, .resources = {first.id, second.id}});
    const auto book = [&](Engine& e, const ResourceId& r, Instant start) {
        auto staff = e.scope({.tenant = tenant, .role = Role::staff, .subject = "desk"});
        return staff.book({.service = match.id, .start = start, .resource = r, .customer = {.name = "Ada"}});
    };
    (void)book(*engine, first.id, kFirst);  // statements prepared, the tenant's catalogue cached
    auto staff = engine->scope({.tenant = tenant, .role = Role::staff, .subject = "desk"});
    const auto before = postgres::traffic();
    CHECK(staff.book({.service = match.id, .start = kFirst + 1h, .resource = second.id, .customer = {.name = "Ada"}})
              .status == BookingStatus::confirmed);
    const auto after = postgres::traffic();
    // The BEGIN, the catalogue version, the resource, its week, overrides and
    // blocks; the lock and the read that decides; the rows (one statement)
    // with the COMMIT.
    CHECK(after.round_trips - before.round_trips == 3);
    CHECK(after.statements - before.statements == 10);
    // What came together is what decides, each on a connection that has
    // read nothing of court 2 before.
    auto blocked = open();
    CHECK(code_of([&] { (void)book(*blocked, second.id, kFirst); }) == Errc::slot_unavailable);
    auto closed = open();
    CHECK(code_of([&] { (void)book(*closed, second.id, kFirst + 25h); }) == Errc::slot_unavailable);
    auto open_day = open();
    CHECK(book(*open_day, second.id, kFirst + 30min).status == BookingStatus::confirmed);
}

// The isolation a transaction runs in, as the server says.
constexpr char kIsolation[] = "SELECT current_setting('transaction_isolation')";

TEST_CASE("a writer runs in READ COMMITTED and a reader in REPEATABLE READ, though the connection's default is "
          "SERIALIZABLE") {
    // A writer's bare BEGIN leaves its isolation to the session; a host's
    // connection options (PGOPTIONS here) must not change it: SERIALIZABLE
    // would fail racing bookings with 40001 instead of queueing them.
    struct Options {
        const char* before = std::getenv("PGOPTIONS");
        std::string kept = before ? before : "";
        Options() { ::setenv("PGOPTIONS", "-c default_transaction_isolation=serializable", 1); }
        ~Options() {
            if (before) {
                ::setenv("PGOPTIONS", kept.c_str(), 1);
            } else {
                ::unsetenv("PGOPTIONS");
            }
        }
    } options;
    PgSession plain;
    REQUIRE(plain.value("SHOW default_transaction_isolation") == "serializable");
    postgres::Connection c(pg_dsn(), 1000ms);
    c.begin_with_next(postgres::kBeginWrite);
    CHECK(c.run(kIsolation, postgres::Params()).bytes(0, 0) == "read committed");
    c.exec("COMMIT");
    c.begin_with_next(postgres::kBeginRead);
    CHECK(c.run(kIsolation, postgres::Params()).bytes(0, 0) == "repeatable read");
    c.exec("ROLLBACK");
}

TEST_CASE("a read of a tenant that does not exist asks for its catalogue version once, and finds nothing") {
    auto store = salon({.pool_size = 1});
    for (const bool write : {false, true}) {
        CAPTURE(write);
        // Statements prepared first (each a round trip of its own once).
        (void)(write ? store->write() : store->read())->resource({"nobody"}, {"res_1"});
        auto tx = write ? store->write() : store->read();
        const auto before = postgres::traffic();
        CHECK_FALSE(tx->resource({"nobody"}, {"res_1"}));
        CHECK_FALSE(tx->resource({"nobody"}, {"res_2"}));
        // BEGIN with the version (no such tenant); then each resource alone.
        CHECK(postgres::traffic().round_trips - before.round_trips == 3);
        CHECK(tx->resource(kT1, {"res_1"})->name == "Chair");  // another tenant's is found
    }
}

TEST_CASE("a writer answered from its connection's cached catalogue fails its next round trip when the catalogue moved, "
          "and nothing commits unchecked") {
    auto store = salon({.pool_size = 1});
    auto other = open_postgres({.dsn = pg_dsn(), .pool_size = 1});
    PgSession admin;
    const auto rename = [&](const std::string& name) {
        auto tx = other->write();
        tx->put_resource(kT1, {.id = {"res_1"}, .name = name, .timezone = "Etc/UTC", .capacity = 1});
        tx->commit();
    };
    CHECK(store->read()->resource(kT1, {"res_1"})->name == "Chair");  // cached by the store's one connection
    rename("Big chair");
    {
        // Answered from the cache, without a round trip; the version read
        // goes with the next statement, which fails.
        auto tx = store->write();
        tx->check_catalogue_with_next();
        const auto before = postgres::traffic();
        CHECK(tx->resource(kT1, {"res_1"})->name == "Chair");
        CHECK(postgres::traffic().round_trips == before.round_trips);
        CHECK_THROWS_AS((void)tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 1h}, kNow), CatalogueMoved);
        CHECK(code_of([&] { tx->commit(); }) == Errc::storage_error);  // the transaction is over
    }
    {
        // The stale entry is gone: the next writer reads the catalogue afresh.
        auto tx = store->write();
        tx->check_catalogue_with_next();
        CHECK(tx->resource(kT1, {"res_1"})->name == "Big chair");
        CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 1h}, kNow).empty());
        tx->commit();
    }
    rename("Chair");
    {
        // Rows sent with the COMMIT never travel with an unanswered check:
        // the check goes first, fails, and the COMMIT is never sent. (The
        // lock and the read come first here, so that the catalogue read is
        // the last before the rows.)
        auto tx = store->write();
        tx->check_catalogue_with_next();
        CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 1h}, kNow).empty());
        CHECK(tx->resource(kT1, {"res_1"})->name == "Big chair");
        tx->insert_booking(kT1, booking("bkg_unchecked", kFirst));
        CHECK_THROWS_AS(tx->commit(), CatalogueMoved);
    }
    CHECK(stored_bookings(admin) == 0);
    {
        // Unmoved, with the check still unsent at the COMMIT: it goes first,
        // with the rows, and then the COMMIT.
        CHECK(store->read()->resource(kT1, {"res_1"})->name == "Chair");  // cached again
        auto tx = store->write();
        tx->check_catalogue_with_next();
        CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst - 1h, kFirst}, kNow).empty());
        CHECK(tx->resource(kT1, {"res_1"})->name == "Chair");
        tx->insert_booking(kT1, booking("bkg_committed", kFirst - 1h));
        tx->commit();
    }
    CHECK(stored_bookings(admin) == 1);
    {
        // Unmoved: the check passes and the writer goes on.
        auto tx = store->write();
        tx->check_catalogue_with_next();
        CHECK(tx->resource(kT1, {"res_1"})->name == "Chair");
        CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 1h}, kNow).empty());
        tx->insert_booking(kT1, booking("bkg_checked", kFirst));
        tx->commit();
    }
    CHECK(stored_bookings(admin) == 2);
}

TEST_CASE("book() whose connection's cached catalogue went stale decides on the catalogue as it is now") {
    wipe_database();
    const auto store = open_postgres({.dsn = pg_dsn(), .pool_size = 1});
    Engine engine(store, [] { return kNow; });
    Engine elsewhere(open_postgres({.dsn = pg_dsn(), .pool_size = 1}), [] { return kNow; });  // another app server
    const auto tenant = engine.create_tenant("Courts").id;
    auto admin = engine.scope({.tenant = tenant, .role = Role::admin, .subject = "owner"});
    WeeklyHours week;
    for (auto& d : week.days) d = {{Minutes{0}, Minutes{24 * 60}}};
    const auto court = admin.create_resource({.name = "Court", .kind = ResourceKind::room, .timezone = "Etc/UTC"});
    admin.set_weekly_hours(court.id, week);
    const auto match = admin.create_service({.name = "Match", .duration = 30min, .resources = {court.id}});
    auto staff = engine.scope({.tenant = tenant, .role = Role::staff, .subject = "desk"});
    auto their_admin = elsewhere.scope({.tenant = tenant, .role = Role::admin, .subject = "owner"});
    const auto book = [&](int i) {
        return staff.book({.service = match.id, .start = kFirst + i * 30min, .resource = court.id,
                           .customer = {.name = "Ada"}});
    };
    (void)book(0);  // the catalogue cached, open all day
    // Closed from 09:30 on, by another server: this connection's cache
    // still has the court open.
    WeeklyHours mornings;
    for (auto& d : mornings.days) d = {{Minutes{0}, Minutes{9 * 60 + 30}}};
    their_admin.set_weekly_hours(court.id, mornings);
    CHECK(code_of([&] { (void)book(1); }) == Errc::slot_unavailable);
    // A change that refuses nothing: the booking is made on the second attempt.
    their_admin.update_resource(court.id, {.name = "Centre court"});
    CHECK(staff.book({.service = match.id, .start = kFirst - 30min, .resource = court.id,
                      .customer = {.name = "Ada"}}).status == BookingStatus::confirmed);
    CHECK(admin.bookings({}).size() == 2);
}

TEST_CASE("rows the database refuses with the COMMIT fail the commit, leave nothing, and free the connection") {
    auto store = salon({.pool_size = 1});
    PgSession admin;
    book_checked(*store, booking("bkg_1", kFirst));
    const auto count = [&](const std::string& table) {
        return std::stoi(admin.value("SELECT count(*) FROM " + table + " WHERE tenant_id = 't1'::bytea"));
    };
    // A writer whose check looked elsewhere: only the constraint stands in
    // the way, and it answers with the COMMIT the rows went with; with a
    // confirmation, the rows went as one statement (kInsertBookingWithRows).
    for (const bool confirmed : {false, true}) {
        CAPTURE(confirmed);
        const auto clash = booking("bkg_clash", kFirst + 15min);
        const Notification confirmation{.id = "n_clash", .tenant = kT1, .booking = clash.id, .locale = "en",
                                        .resource = clash.resource, .when = clash.interval, .created_at = kNow};
        auto tx = store->write();
        CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst + 24h, kFirst + 25h}, kNow).empty());
        const auto before = postgres::traffic();
        tx->insert_booking(kT1, clash, confirmed ? &confirmation : nullptr);
        CHECK(code_of([&] { tx->commit(); }) == Errc::slot_unavailable);
        // The booking and its hold (with the confirmation: all three as one
        // statement), the COMMIT, and the ROLLBACK that ends the failed
        // transaction.
        CHECK(postgres::traffic().statements - before.statements == (confirmed ? 3 : 4));
        CHECK(code_of([&] { tx->commit(); }) == Errc::storage_error);  // the transaction is over
        CHECK(stored_bookings(admin) == 1);
        CHECK(count("booking_resources") == 1);
        CHECK(count("outbox") == 0);
    }
    // The pool's one connection serves the next writer, outside pipeline mode.
    auto next = store->write();
    CHECK(next->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 1h}, kNow).size() == 1);
    next->insert_booking(kT1, booking("bkg_2", kFirst + 30min));
    next->commit();
    CHECK(stored_bookings(admin) == 2);
}

TEST_CASE("a booking's rows joined into one statement are, byte for byte, the rows its three statements write") {
    (void)fresh_postgres();
    PgSession s;
    // Twin tenants: "ta" gets the joined statement, "tb" the three alone.
    for (const std::string t : {"ta", "tb"}) {
        s.exec("INSERT INTO tenants (tenant_id, name, created_at) VALUES ('" + t + "', 'Twin', now())");
        s.exec("INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity) VALUES"
               " ('" + t + "', 'one', 'Chair', 'room', 'Etc/UTC', 1),"
               " ('" + t + "', 'three', 'Bay', 'room', 'Etc/UTC', 3)");
    }
    postgres::Connection c(pg_dsn(), 1000ms);
    for (int variant = 0; variant < 32; ++variant) {
        CAPTURE(variant);
        const bool unchecked = variant & 1, pending = variant & 2, long_hold = variant & 4;
        // Checked with the capacity known (kInsertCheckedOccupancy) or not
        // (kInsertOccupancy looks it up), on the chair or the bay.
        const bool known = variant & 8, bay = variant & 16;
        const Instant start = kFirst + variant * 24h;
        // Values with NUL and 0xFF bytes and empty ones; a hold past the
        // 4-hour floor fires the trigger that widens resource_spans.
        Booking b{.id = {"bkg_" + std::to_string(variant)}, .service = {"svc"},
                  .resource = {bay ? "three" : "one"}, .interval = {start, start + (long_hold ? 6h : 1h)},
                  .seats = 2, .buffer_before = Minutes{5}, .buffer_after = Minutes{10},
                  .customer = {.name = std::string("A\0da\xff", 5), .phone = "1", .locale = "en"},
                  .created_by = std::string("c\0x", 3), .created_at = kNow, .updated_at = kNow};
        if (pending) {
            b.status = BookingStatus::pending;
            b.hold_expires_at = kNow + 15min;
            b.idempotency_key = std::string("k\0", 2) + std::to_string(variant);
            b.amount_due = 1200;
            b.currency_due = "EUR";
        }
        for (const char* tenant : {"ta", "tb"}) {
            const TenantId t{tenant};
            postgres::CheckedResources checked;
            if (!unchecked) {
                checked[postgres::resource_key(t, b.resource)] = {t.value, b.resource.value, kNow,
                                                                  known ? std::optional(!bay) : std::nullopt};
            }
            const Notification n{.id = "n_" + b.id.value, .tenant = t, .booking = b.id, .locale = "en", .to = "a@b",
                                 .resource = b.resource, .when = b.interval, .body = std::string("b\0y", 3),
                                 .ics = pending ? "" : "BEGIN:VCALENDAR", .created_at = kNow};
            c.exec("BEGIN");
            if (t.value == "ta") {
                const auto before = postgres::traffic();
                postgres::write_booking(c, t, b, checked, &n);
                c.exec("COMMIT");
                CHECK(postgres::traffic().statements - before.statements == 2);  // the rows, the COMMIT
            } else {
                c.run(postgres::kInsertBooking, postgres::booking_params(t, b, postgres::BookingWrite::insert));
                for (const auto& row : postgres::occupancy_rows(t, b, {}, checked)) c.run(row.sql, row.params);
                c.run(postgres::kInsertBookingNotification, postgres::notification_params(n).add(b.created_by));
                c.exec("COMMIT");
            }
        }
    }
    // Every column but the tenant, both ways round.
    const auto differing = [&](const std::string& table) {
        const std::string columns =
            s.value("SELECT string_agg(column_name, ', ') FROM information_schema.columns WHERE table_name = '" +
                    table + "' AND column_name NOT IN ('tenant_id', 'row_no')");
        const auto side = [&](const char* t) {
            return "SELECT " + columns + " FROM " + table + " WHERE tenant_id = '" + t + "'";
        };
        return std::stoi(s.value("SELECT count(*) FROM ((" + side("ta") + " EXCEPT " + side("tb") + ") UNION ALL (" +
                                 side("tb") + " EXCEPT " + side("ta") + ")) AS d"));
    };
    for (const std::string table : {"bookings", "booking_resources", "outbox"}) {
        CAPTURE(table);
        CHECK(s.value("SELECT count(*) FROM " + table + " WHERE tenant_id = 'ta'") == "32");
        CHECK(differing(table) == 0);
    }
    CHECK(s.value("SELECT count(*) FROM resource_spans WHERE tenant_id = 'ta'") == "2");
    CHECK(differing("resource_spans") == 0);
    // Checked on the capacity-1 chair, its capacity known or looked up:
    // covered by the constraint; nothing else is.
    CHECK(s.value("SELECT count(*) FROM booking_resources WHERE tenant_id = 'ta' AND exclusive") == "8");
    CHECK(s.value("SELECT count(*) FROM booking_resources WHERE tenant_id = 'ta' AND exclusive"
                  " AND resource_id = 'one'") == "8");
}

TEST_CASE("rows not sent yet are dropped by a rollback, and read back by a later read of their transaction") {
    auto store = salon({.pool_size = 1});
    PgSession admin;
    {
        auto tx = store->write();
        CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 1h}, kNow).empty());
        tx->insert_booking(kT1, booking("bkg_dropped", kFirst));
    }  // rolled back, the insert unsent
    {
        auto tx = store->write();
        tx->insert_booking(kT1, booking("bkg_dropped_too", kFirst));
    }  // only its BEGIN and the resource's lock sent
    CHECK(stored_bookings(admin) == 0);
    // The pool's one connection carries neither into the next transaction.
    {
        auto tx = store->write();
        CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 1h}, kNow).empty());
        tx->commit();
    }
    CHECK(stored_bookings(admin) == 0);
    auto tx = store->write();
    tx->insert_booking(kT1, booking("bkg_1", kFirst));
    // The read takes the insert with it, ahead of itself.
    CHECK(tx->booking(kT1, {"bkg_1"}));
    CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 1h}, kNow).size() == 1);
    tx->commit();
    CHECK(stored_bookings(admin) == 1);
}

TEST_CASE("a write transaction that begins with an insert, on a connection dropped while idle, commits once") {
    auto store = salon({.pool_size = 1});
    PgSession admin;
    // The pool's one connection, idle, is ended by the server (a restart,
    // an idle timeout). The insert's lock, sent with the BEGIN, finds it
    // gone and is sent again on a new one; its rows go with the COMMIT.
    terminate_sessions(admin, "idle");
    auto tx = store->write();
    tx->insert_booking(kT1, booking("bkg_1", kFirst));
    tx->commit();
    CHECK(stored_bookings(admin) == 1);
    CHECK(store->read()->booking(kT1, {"bkg_1"}));
}

TEST_CASE("rows sent with a COMMIT whose connection breaks are commit_in_doubt, never sent twice") {
    auto store = salon({.pool_size = 1});
    PgSession admin;
    // The pool's one connection prepares every statement of a booking, so
    // that the round trip below sends its rows and COMMIT at once.
    book_checked(*store, booking("bkg_0", kFirst + 24h));
    auto tx = store->write();
    CHECK(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 1h}, kNow).empty());
    tx->insert_booking(kT1, booking("bkg_1", kFirst));
    terminate_sessions(admin, "idle in transaction");
    CHECK(code_of([&] { tx->commit(); }) == Errc::commit_in_doubt);
    // Here it did not commit (the server had ended the transaction), and no
    // second attempt made it commit behind the caller's back.
    CHECK(stored_bookings(admin) == 1);
    auto again = store->write();
    again->insert_booking(kT1, booking("bkg_1", kFirst));
    again->commit();
    CHECK(stored_bookings(admin) == 2);
}

TEST_CASE("a deadlock of the lock wait sent with the read that decides is undone to its savepoint and asked again") {
    auto store = salon();
    std::atomic<int> retries{0};
    store->set_event_sink([&](const EngineEvent& e) {
        if (e.kind == EngineEventKind::storage_retry) ++retries;
    });
    PgSession other;
    // The server looks for a cycle once per wait, deadlock_timeout after
    // it began, and refuses the wait that looked.
    const auto timeout = std::chrono::milliseconds(
        std::stoi(other.value("SELECT setting FROM pg_settings WHERE name = 'deadlock_timeout'")));
    REQUIRE(timeout >= 100ms);
    // The writer takes its idempotency key's lock (not a resource's) ...
    auto tx = store->write();
    CHECK_FALSE(tx->booking_by_idempotency_key(kT1, "ada", "k1"));
    // ... while another session holds the resource's lock.
    other.exec("BEGIN");
    other.exec("SELECT pg_advisory_xact_lock(" + std::to_string(postgres::resource_key(kT1, {"res_1"})) + ")");
    std::atomic<int> found{-1};
    std::atomic<bool> failed{false};
    std::thread writer([&] {
        try {
            // Waits for the resource, in the round trip of the read.
            found = static_cast<int>(tx->occupancy(kT1, {"res_1"}, {kFirst, kFirst + 1h}, kNow).size());
        } catch (const Error&) {
            failed = true;
        }
    });
    // The writer's wait begins first, so its look finds the cycle closed
    // below: its wait is refused (40P01), undone to its savepoint and asked
    // again. The other session's look, later, then finds the cycle again,
    // and the server refuses that session's wait.
    std::this_thread::sleep_for(timeout * 3 / 10);
    const auto key = postgres::lock_key("idempotency", kT1.value, std::string("ada"), std::string("k1"));
    CHECK_THROWS(other.exec("SELECT pg_advisory_xact_lock(" + std::to_string(key) + ")"));
    other.exec("ROLLBACK");  // frees the resource for the writer's second wait
    writer.join();
    CHECK_FALSE(failed.load());
    CHECK(found == 0);
    CHECK(retries == 1);
    tx->insert_booking(kT1, booking("bkg_1", kFirst));
    tx->commit();
    PgSession admin;
    CHECK(stored_bookings(admin) == 1);
}

TEST_CASE("occupancies() reads the instants the server sends as they are, before 2000 and past 2038 alike") {
    auto store = salon();
    const Instant y1999 = parse_instant("1999-12-31T23:30:00Z", "t");
    const Instant y2100 = parse_instant("2100-02-28T23:59:59Z", "t");
    {
        auto tx = store->write();
        auto early = booking("bkg_1999", y1999);
        early.interval.end = y1999 + 31min;  // ends 2000-01-01T00:01:00Z
        tx->insert_booking(kT1, early);
        auto late = booking("bkg_2100", y2100);
        late.buffer_before = 7min;
        tx->insert_booking(kT1, late);
        tx->commit();
    }
    auto tx = store->read();
    const auto got = tx->occupancies(kT1, {{{"res_1"}, {y1999 - 1h, y1999 + 1h}}, {{"res_1"}, {y2100, y2100 + 1h}}},
                                     y1999 - 24h);
    REQUIRE(got.size() == 2);
    REQUIRE(got[0].size() == 1);
    CHECK(got[0][0].interval.begin == y1999);
    CHECK(got[0][0].interval.end == y1999 + 31min);
    REQUIRE(got[1].size() == 1);
    CHECK(got[1][0].interval.begin == y2100);
    CHECK(got[1][0].interval.end == y2100 + 30min);
    CHECK(got[1][0].buffer_before == 7min);
    // The same as the single read gives.
    const auto one = tx->occupancy(kT1, {"res_1"}, {y1999 - 1h, y1999 + 1h}, y1999 - 24h);
    REQUIRE(one.size() == 1);
    CHECK(one[0].interval.begin == got[0][0].interval.begin);
    CHECK(one[0].interval.end == got[0][0].interval.end);
}
