// Availability on PostgreSQL over 10^6 bookings, beside SQLite on the same
// data: `TenantScope::availability` for a 30-minute service (15-minute grid)
// over 10 resources x 7 days, in a tenant of 100 resources with 10,000
// bookings each (30 minutes every hour, round the clock, from 2026-01-05), so
// the asked week holds 168 bookings per asked resource (those sizes are the
// defaults; see kResources below). Printed per query:
// the PostgreSQL adapter's statements and round trips (counted by the
// adapter), and the ratio of the two stores' times. Before anything is timed,
// the two answers must be equal slot for slot, or the run aborts.
//
// Building the data: PostgreSQL with two INSERT … SELECT over
// generate_series (bookings, then their occupancy rows); SQLite through its
// store in one write transaction. Needs SLOTWISE_PG_DSN (a database it may
// wipe); without it, it says so and exits 0.
#include "recording_reporter.hpp"

#include "postgres/internal.hpp"

#include <slotwise/engine.hpp>
#include <slotwise/postgres.hpp>
#include <slotwise/sqlite.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {

constexpr int kAsked = 10;
// SLOTWISE_AVAIL_RESOURCES and SLOTWISE_AVAIL_PER_RESOURCE make a smaller
// tenant for a quicker run: at least the 10 asked resources, and at least
// 4,400 bookings each to reach the asked week.
int from_env(const char* name, int fallback, int least) {
    const char* env = std::getenv(name);
    return env ? std::max(std::atoi(env), least) : fallback;
}
const int kResources = from_env("SLOTWISE_AVAIL_RESOURCES", 100, kAsked);
const int kPerResource = from_env("SLOTWISE_AVAIL_PER_RESOURCE", 10'000, 4'400);
const Instant kNow = parse_instant("2026-01-01T00:00:00Z", "now");
const Instant kFirst = parse_instant("2026-01-05T00:00:00Z", "first");
const Date kWeekFrom{date::year{2026} / 6 / 29};
const Date kWeekTo{date::year{2026} / 7 / 5};

std::string dsn() {
    const char* env = std::getenv("SLOTWISE_PG_DSN");
    return env ? env : "";
}

struct Fixture {
    std::shared_ptr<Store> store;
    std::unique_ptr<Engine> engine;
    TenantId tenant;
    ServiceId service;
    std::vector<ResourceId> resources;  // in creation order
    double build_seconds = 0;

    AvailabilityRequest request() const {
        return {.service = service, .from = kWeekFrom, .to = kWeekTo,
                .resources = std::vector<ResourceId>(resources.begin(), resources.begin() + kAsked)};
    }
};

// The catalogue, the same through either store: kResources open round the
// clock, a 30-minute service on the first 10.
void make_catalogue(Fixture& f, std::shared_ptr<Store> store) {
    f.store = std::move(store);
    f.engine = std::make_unique<Engine>(f.store, [] { return kNow; });
    f.tenant = f.engine->create_tenant("Grande").id;
    auto admin = f.engine->scope({.tenant = f.tenant, .role = Role::admin, .subject = "owner"});
    WeeklyHours week;
    for (auto& d : week.days) d = {{Minutes{0}, Minutes{24 * 60}}};
    for (int i = 0; i < kResources; ++i) {
        const auto r = admin.create_resource(
            {.name = "Room " + std::to_string(i), .kind = ResourceKind::room, .timezone = "Etc/UTC"});
        admin.set_weekly_hours(r.id, week);
        f.resources.push_back(r.id);
    }
    f.service = admin
                    .create_service({.name = "Slot", .duration = 30min, .step = 15min,
                                     .resources = std::vector<ResourceId>(f.resources.begin(),
                                                                          f.resources.begin() + kAsked)})
                    .id;
}

Instant booking_start(int i) { return kFirst + std::chrono::hours(i); }

struct PgConn {
    explicit PgConn(const std::string& d) : c(PQconnectdb(d.c_str())) {
        if (PQstatus(c) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c));
    }
    ~PgConn() { PQfinish(c); }
    PgConn(const PgConn&) = delete;
    PgConn& operator=(const PgConn&) = delete;
    void exec(const std::string& sql, const std::vector<std::string>& params = {}) {
        std::vector<const char*> values;
        std::vector<int> lengths;
        std::vector<int> formats;
        for (const auto& p : params) {
            values.push_back(p.data());
            lengths.push_back(static_cast<int>(p.size()));
            formats.push_back(1);
        }
        PGresult* r = PQexecParams(c, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                                   lengths.data(), formats.data(), 0);
        const auto st = PQresultStatus(r);
        std::string err = PQresultErrorMessage(r);
        PQclear(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) throw std::runtime_error(sql.substr(0, 60) + ": " + err);
    }
    std::string value(const std::string& sql) {
        PGresult* r = PQexec(c, sql.c_str());
        const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
        std::string out = ok ? PQgetvalue(r, 0, 0) : PQresultErrorMessage(r);
        PQclear(r);
        if (!ok) throw std::runtime_error(sql.substr(0, 60) + ": " + out);
        return out;
    }
    PGconn* c;
};

Fixture pg;
Fixture lite;
std::filesystem::path lite_dir;

void build_postgres() {
    const auto started = std::chrono::steady_clock::now();
    {
        PgConn admin(dsn());
        admin.exec("SET client_min_messages = warning");
        admin.exec("DROP SCHEMA public CASCADE");
        admin.exec("CREATE SCHEMA public");
    }
    make_catalogue(pg, open_postgres({.dsn = dsn(), .pool_size = 2}));
    PgConn c(dsn());
    // Booking i of the n-th resource (in creation order) starts at hour i.
    c.exec("BEGIN");
    c.exec("CREATE TEMP TABLE asked (n integer, resource_id bytea) ON COMMIT DROP");
    for (std::size_t n = 0; n < pg.resources.size(); ++n) {
        c.exec("INSERT INTO asked VALUES (" + std::to_string(n) + ", $1)", {pg.resources[n].value});
    }
    const auto first = std::to_string(kFirst.time_since_epoch().count());
    c.exec("INSERT INTO bookings SELECT $1, convert_to('bk-' || a.n || '-' || i, 'UTF8'), $2, a.resource_id,"
           " to_timestamp(" + first + " + i * 3600), to_timestamp(" + first + " + i * 3600 + 1800), 1, 0, 0,"
           " 'Bench'::bytea, ''::bytea, ''::bytea, 'en'::bytea, 'confirmed', 'none', NULL, NULL, ''::bytea,"
           " 'bench'::bytea, to_timestamp(" + std::to_string(kNow.time_since_epoch().count()) + "),"
           " to_timestamp(" + std::to_string(kNow.time_since_epoch().count()) + "), ''::bytea, ''::bytea, 0,"
           " ''::bytea, ''::bytea, '' FROM asked a CROSS JOIN generate_series(0, " +
           std::to_string(kPerResource - 1) + ") AS i",
           {pg.tenant.value, pg.service.value});
    // The exclusion constraint's GiST index and the occupancy index are
    // built once over the loaded rows rather than grown row by row: their
    // definitions are read from the catalog, dropped, and made again as
    // they were.
    c.exec("SET maintenance_work_mem = '256MB'");
    const auto constraint = c.value("SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                                    " WHERE conname = 'booking_resources_no_overlap'");
    const auto index = c.value("SELECT pg_get_indexdef('booking_resources_by_start'::regclass)");
    c.exec("ALTER TABLE booking_resources DROP CONSTRAINT booking_resources_no_overlap");
    c.exec("DROP INDEX booking_resources_by_start");
    c.exec("INSERT INTO booking_resources (tenant_id, booking_id, part, resource_id, occupied, start_at, end_at,"
           " buffer_before_min, buffer_after_min, hold_expires_at, exclusive, active, seats, status)"
           " SELECT tenant_id, booking_id, 0, resource_id, tstzrange(start_at, end_at, '[)'), start_at, end_at, 0, 0,"
           " NULL, true, true, seats, status FROM bookings WHERE tenant_id = $1",
           {pg.tenant.value});
    c.exec("ALTER TABLE booking_resources ADD CONSTRAINT booking_resources_no_overlap " + constraint);
    c.exec(index);
    c.exec("COMMIT");
    // Settled, as autovacuum leaves a table: statistics, and the visibility
    // map that lets a read answer from the index alone.
    c.exec("VACUUM ANALYZE");
    pg.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void build_sqlite() {
    const auto started = std::chrono::steady_clock::now();
    lite_dir = std::filesystem::temp_directory_path() / ("slotwise-avail-" + std::to_string(::getpid()));
    std::filesystem::create_directories(lite_dir);
    make_catalogue(lite, open_sqlite({.path = (lite_dir / "bench.db").string()}));
    auto tx = lite.store->write();
    for (std::size_t n = 0; n < lite.resources.size(); ++n) {
        for (int i = 0; i < kPerResource; ++i) {
            const Instant at = booking_start(i);
            tx->insert_booking(lite.tenant, {.id = {"bk-" + std::to_string(n) + "-" + std::to_string(i)},
                                             .service = lite.service, .resource = lite.resources[n],
                                             .interval = {at, at + 30min}, .customer = {.name = "Bench", .locale = "en"},
                                             .created_by = "bench", .created_at = kNow, .updated_at = kNow});
        }
    }
    tx->commit();
    lite.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

// The two answers as (start, end) of each slot: where several resources are
// free the engine names one in id order, and the ids differ between the two
// databases, so which one is not compared.
std::vector<std::tuple<Instant, Instant>> answer(const Fixture& f) {
    auto scope = f.engine->scope({.tenant = f.tenant, .role = Role::staff, .subject = "desk"});
    std::vector<std::tuple<Instant, Instant>> out;
    for (const auto& s : scope.availability(f.request())) out.emplace_back(s.start, s.end);
    return out;
}

void availability(benchmark::State& state, const Fixture& f, bool count) {
    auto scope = f.engine->scope({.tenant = f.tenant, .role = Role::staff, .subject = "desk"});
    const auto q = f.request();
    const auto before = postgres::traffic();
    std::size_t slots = 0;
    for (auto _ : state) {
        const auto found = scope.availability(q);
        slots = found.size();
        benchmark::DoNotOptimize(found.data());
    }
    state.counters["slots"] = static_cast<double>(slots);
    if (count && state.iterations() > 0) {
        const auto after = postgres::traffic();
        const auto n = static_cast<double>(state.iterations());
        state.counters["statements"] = static_cast<double>(after.statements - before.statements) / n;
        state.counters["round_trips"] = static_cast<double>(after.round_trips - before.round_trips) / n;
    }
}

void BM_availability_postgres(benchmark::State& s) { availability(s, pg, true); }
void BM_availability_sqlite(benchmark::State& s) { availability(s, lite, false); }
BENCHMARK(BM_availability_postgres)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_availability_sqlite)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (dsn().empty()) {
        std::printf("SKIPPED: postgres_availability_bench needs SLOTWISE_PG_DSN (a database it may wipe)\n");
        return 0;
    }
    try {
        build_postgres();
        build_sqlite();
        const auto a = answer(pg);
        const auto b = answer(lite);
        if (a != b) {
            std::size_t i = 0;
            while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
            const auto show = [&](const auto& v) {
                if (i >= v.size()) return std::string("(end)");
                return std::to_string(std::get<0>(v[i]).time_since_epoch().count());
            };
            throw std::runtime_error("PostgreSQL and SQLite answer differently: " + std::to_string(a.size()) +
                                     " and " + std::to_string(b.size()) + " slots, first difference at " +
                                     std::to_string(i) + ": " + show(a) + " against " + show(b));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "postgres_availability_bench: set-up failed: %s\n", e.what());
        return 1;
    }
    std::printf("built %d bookings: PostgreSQL %.1f s (INSERT ... SELECT generate_series), SQLite %.1f s (one "
                "transaction)\n",
                kResources * kPerResource, pg.build_seconds, lite.build_seconds);
    slotwise::bench::RecordingReporter reporter(benchmark::CreateDefaultDisplayReporter());
    benchmark::RunSpecifiedBenchmarks(&reporter);
    const auto* p = reporter.find("BM_availability_postgres", 1);
    const auto* l = reporter.find("BM_availability_sqlite", 1);
    if (p && l && l->real_ns > 0) {
        std::printf("availability, %d resources x 7 days over %d bookings: PostgreSQL %.2f ms (target < 5 ms), "
                    "SQLite %.2f ms: PostgreSQL/SQLite %.2f\n",
                    kAsked, kResources * kPerResource, p->real_ns / 1e6, l->real_ns / 1e6, p->real_ns / l->real_ns);
    }
    pg = {};
    lite = {};
    std::error_code ignored;
    std::filesystem::remove_all(lite_dir, ignored);
    benchmark::Shutdown();
    return 0;
}
