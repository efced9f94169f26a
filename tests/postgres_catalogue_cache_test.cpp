// The PostgreSQL adapter's catalogue cache (each connection keeps what it
// read of a tenant's catalogue while the tenant's catalogue_version stays put)
// must never answer with a catalogue that has changed: not after another
// server's change, not after a change made in plain SQL behind the adapter's
// back, not after a TRUNCATE, not with a rolled-back change; and a
// transaction that changes the catalogue reads its own change. Its bound on
// rows holds: filled past it inside one transaction, it starts over and reads
// on right; a value read again in place of another counts once. Needs
// SLOTWISE_PG_DSN (else skipped).
#include "support/postgres_server.hpp"

#include "postgres/internal.hpp"

#include <doctest/doctest.h>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

Instant at(const char* s) { return parse_instant(s, "t"); }
const TenantId kTenant{"t1"};
const ResourceId kChair{"res_1"};
const Date kDay{date::year{2026} / 3 / 2};

// One connection per store, so every transaction of a store sees one cache.
std::shared_ptr<Store> one_connection() {
    return open_postgres({.dsn = pg_dsn(), .pool_size = 1});
}

std::shared_ptr<Store> salon() {
    auto store = fresh_postgres({.pool_size = 1});
    auto tx = store->write();
    tx->insert_tenant({.id = kTenant, .name = "Salon", .created_at = at("2026-01-01T00:00:00Z")});
    tx->put_resource(kTenant, {.id = kChair, .name = "Chair", .timezone = "Etc/UTC", .capacity = 1});
    WeeklyHours w;
    w.days[0] = {{Minutes{540}, Minutes{1080}}};
    tx->put_weekly_hours(kTenant, kChair, w);
    tx->put_service(kTenant, {.id = {"svc_1"}, .name = "Cut", .duration = 30min, .resource_groups = {{kChair}}});
    tx->commit();
    return store;
}

// Everything book() and availability() read of the catalogue, read once so
// that it is cached, in a read and in a write transaction.
struct Seen {
    std::string resource_name;
    int capacity = 0;
    std::size_t monday_windows = 0;
    std::size_t overrides = 0;
    std::size_t blocks = 0;
    std::string service_name;
};
Seen look(Store& s, bool write) {
    auto tx = write ? s.write() : s.read();
    Seen out;
    const auto r = tx->resource(kTenant, kChair);
    REQUIRE(r);
    out.resource_name = r->name;
    out.capacity = r->capacity;
    out.monday_windows = tx->weekly_hours(kTenant, kChair).days[0].size();
    out.overrides = tx->overrides(kTenant, kChair, kDay, kDay).size();
    out.blocks = tx->blocks(kTenant, kChair, {at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")}).size();
    const auto v = tx->service(kTenant, {"svc_1"});
    REQUIRE(v);
    out.service_name = v->name;
    return out;
}

void check_unchanged(Store& s) {
    for (const bool write : {false, true}) {
        CAPTURE(write);
        const auto seen = look(s, write);
        CHECK(seen.resource_name == "Chair");
        CHECK(seen.monday_windows == 1);
        CHECK(seen.overrides == 0);
        CHECK(seen.blocks == 0);
        CHECK(seen.service_name == "Cut");
    }
}

void check_changed(Store& s) {
    for (const bool write : {false, true}) {
        CAPTURE(write);
        const auto seen = look(s, write);
        CHECK(seen.resource_name == "Big chair");
        CHECK(seen.capacity == 2);
        CHECK(seen.monday_windows == 2);
        CHECK(seen.overrides == 1);
        CHECK(seen.blocks == 1);
        CHECK(seen.service_name == "Long cut");
    }
}

}  // namespace

TEST_CASE("a catalogue change by another server is seen at once by a connection that cached the catalogue") {
    auto mine = salon();
    check_unchanged(*mine);  // cached now
    auto other = one_connection();
    auto tx = other->write();
    tx->put_resource(kTenant, {.id = kChair, .name = "Big chair", .timezone = "Etc/UTC", .capacity = 2});
    WeeklyHours w;
    w.days[0] = {{Minutes{540}, Minutes{720}}, {Minutes{780}, Minutes{1080}}};
    tx->put_weekly_hours(kTenant, kChair, w);
    tx->put_override(kTenant, kChair, kDay, {});
    tx->insert_block(kTenant, {.id = {"blk_1"}, .resource = kChair,
                               .interval = {at("2026-03-02T10:00:00Z"), at("2026-03-02T11:00:00Z")}, .reason = "x"});
    tx->put_service(kTenant, {.id = {"svc_1"}, .name = "Long cut", .duration = 60min, .resource_groups = {{kChair}}});
    tx->commit();
    check_changed(*mine);
}

TEST_CASE("a catalogue change made in plain SQL behind the adapter's back is seen at once") {
    auto mine = salon();
    check_unchanged(*mine);
    PgSession s;
    s.exec("UPDATE resources SET name = 'Big chair', capacity = 2");
    s.exec("INSERT INTO weekly_hours SELECT tenant_id, resource_id, 1, '540-720,780-1080' FROM resources"
           " ON CONFLICT (tenant_id, resource_id, weekday) DO UPDATE SET windows = excluded.windows");
    s.exec("INSERT INTO date_overrides SELECT tenant_id, resource_id, " +
           std::to_string(date::sys_days{kDay}.time_since_epoch().count()) + ", '' FROM resources");
    s.exec("INSERT INTO blocks SELECT tenant_id, 'blk_1', resource_id, '2026-03-02T10:00:00Z',"
           " '2026-03-02T11:00:00Z', 'x' FROM resources");
    s.exec("UPDATE services SET name = 'Long cut'");
    check_changed(*mine);
}

TEST_CASE("a TRUNCATE of a catalogue table is seen at once") {
    auto mine = salon();
    check_unchanged(*mine);
    PgSession s;
    s.exec("TRUNCATE blocks");  // empty already: only the version moves
    s.exec("UPDATE resources SET name = 'Big chair'");
    CHECK(mine->read()->resource(kTenant, kChair)->name == "Big chair");
    CHECK(mine->read()->weekly_hours(kTenant, kChair).days[0].size() == 1);
    s.exec("TRUNCATE weekly_hours");
    CHECK(mine->read()->weekly_hours(kTenant, kChair).days[0].empty());
}

TEST_CASE("a writer reads its own catalogue change, and a rolled-back change is never served afterwards") {
    auto mine = salon();
    check_unchanged(*mine);
    {
        auto tx = mine->write();
        CHECK(tx->resource(kTenant, kChair)->name == "Chair");
        tx->put_resource(kTenant, {.id = kChair, .name = "Big chair", .timezone = "Etc/UTC", .capacity = 2});
        WeeklyHours w;
        tx->put_weekly_hours(kTenant, kChair, w);
        CHECK(tx->resource(kTenant, kChair)->name == "Big chair");
        CHECK(tx->weekly_hours(kTenant, kChair).days[0].empty());
        // Never committed: rolled back when the transaction goes.
    }
    check_unchanged(*mine);
}

TEST_CASE("a tenant made again under its old id does not meet its earlier self's cached catalogue") {
    auto mine = salon();
    check_unchanged(*mine);
    PgSession s;
    const auto before = std::stoll(s.value("SELECT catalogue_version FROM tenants"));
    // Gone and made again behind the adapter's back, with another chair name.
    s.exec("DELETE FROM tenants");
    s.exec("ALTER TABLE resources DISABLE TRIGGER USER");
    s.exec("UPDATE resources SET name = 'Big chair'");
    s.exec("ALTER TABLE resources ENABLE TRIGGER USER");
    s.exec("INSERT INTO tenants (tenant_id, name, created_at) VALUES ('t1', 'Salon', now())");
    // Never a version its earlier self had, however many changes that one saw.
    CHECK(std::stoll(s.value("SELECT catalogue_version FROM tenants")) > before);
    auto tx = mine->read();
    CHECK(tx->resource(kTenant, kChair)->name == "Big chair");
}

ResourceId chair(int i) { return ResourceId{"res_" + std::to_string(i)}; }

WeeklyHours week_of_chair(int i) {
    WeeklyHours w;
    w.days[static_cast<std::size_t>(i % 7)] = {{Minutes{i % 600}, Minutes{i % 600 + 60}}};
    return w;
}

// A store of one connection whose tenant has `n` chairs, each with a week of
// its own and no overrides or blocks: eight rows each in the cache.
std::shared_ptr<Store> chairs(int n) {
    auto store = fresh_postgres({.pool_size = 1});
    auto tx = store->write();
    tx->insert_tenant({.id = kTenant, .name = "Salon", .created_at = at("2026-01-01T00:00:00Z")});
    for (int i = 0; i < n; ++i) {
        tx->put_resource(kTenant, {.id = chair(i), .name = "Chair " + std::to_string(i), .timezone = "Etc/UTC"});
        tx->put_weekly_hours(kTenant, chair(i), week_of_chair(i));
    }
    tx->commit();
    return store;
}

// Reads every chair and its week in `tx`; how many read wrong.
int misread_chairs(Transaction& tx, int n) {
    int wrong = 0;
    for (int i = 0; i < n; ++i) {
        const auto r = tx.resource(kTenant, chair(i));
        if (!r || r->name != "Chair " + std::to_string(i)) ++wrong;
        if (tx.weekly_hours(kTenant, chair(i)).days != week_of_chair(i).days) ++wrong;
        if (!tx.blocks(kTenant, chair(i), {at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")}).empty()) ++wrong;
    }
    return wrong;
}

TEST_CASE("a transaction that fills its connection's catalogue cache past its bound reads on right after the cache "
          "starts over") {
    // 1,400 chairs of eight kept rows each: past the cache's 10,000 rows,
    // which empties it in the middle of one transaction.
    constexpr int kChairs = 1'400;
    auto store = chairs(kChairs);
    for (const bool write : {false, true, false}) {
        CAPTURE(write);
        CHECK(misread_chairs(*(write ? store->write() : store->read()), kChairs) == 0);
    }
}

TEST_CASE("a reader's values in place of a writer's count once toward the cache's bound") {
    // 700 chairs of eight rows: 5,600 rows, under the cache's 10,000, but
    // past it if a reader's value counted again in place of a writer's.
    constexpr int kChairs = 700;
    auto store = chairs(kChairs);
    CHECK(misread_chairs(*store->write(), kChairs) == 0);  // kept by a writer
    CHECK(misread_chairs(*store->read(), kChairs) == 0);   // read again by a snapshot reader, and kept
    auto tx = store->read();
    CHECK(tx->resource(kTenant, chair(0)));  // the BEGIN and the version read
    const auto before = postgres::traffic();
    CHECK(misread_chairs(*tx, kChairs) == 0);
    CHECK(postgres::traffic().round_trips == before.round_trips);  // all of it still in the cache
}
