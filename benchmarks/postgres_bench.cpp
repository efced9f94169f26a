// book() on the PostgreSQL adapter with 8 clients over 100 resources, with
// synchronous_commit on and off, beside raw libpq running the same
// book-shaped transaction (advisory lock, overlap check, insert, against a
// table with the same exclusion constraint) and the same without the
// constraint; the ratios are printed at the end. Needs SLOTWISE_PG_DSN (a
// database it may wipe; a key=value DSN, to which it appends options);
// without it, it says so and exits 0. Each iteration books a distinct free
// slot, so every call commits a booking. Unless told otherwise, each
// benchmark runs five times, the runs of all of them shuffled, and the ratios
// are of the medians (recording_reporter.hpp).
#include "recording_reporter.hpp"

#include "postgres/internal.hpp"

#include <slotwise/engine.hpp>
#include <slotwise/postgres.hpp>

#include <benchmark/benchmark.h>
#include <libpq-fe.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {

constexpr int kClients = 8;
constexpr int kResources = 100;
const Instant kNow = parse_instant("2030-01-01T00:00:00Z", "now");
const Instant kFirst = parse_instant("2030-01-07T00:00:00Z", "first");

std::string base_dsn() {
    const char* env = std::getenv("SLOTWISE_PG_DSN");
    return env ? env : "";
}
std::string dsn_for(bool sync) { return base_dsn() + (sync ? "" : " options='-c synchronous_commit=off'"); }

// A raw baseline's table and the names its statements are prepared under.
struct RawTable {
    const char* name;
    const char* check;
    const char* insert;
};
constexpr RawTable kRawConstrained{"raw_bookings", "check_raw_bookings", "insert_raw_bookings"};
constexpr RawTable kRawFree{"raw_bookings_free", "check_raw_bookings_free", "insert_raw_bookings_free"};

struct PgConn {
    explicit PgConn(const std::string& dsn) : c(PQconnectdb(dsn.c_str())) {
        if (PQstatus(c) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c));
    }
    ~PgConn() { PQfinish(c); }
    void exec(const std::string& sql) { check(PQexec(c, sql.c_str()), sql); }
    // Prepares the raw baselines' statements, once per connection (as the
    // adapter's are), so that no timed iteration builds or parses any.
    void prepare_raw() {
        for (const RawTable& t : {kRawConstrained, kRawFree}) {
            prepare(t.check, std::string("SELECT count(*) FROM ") + t.name +
                                 " WHERE tenant_id = $1::bytea AND resource_id = $2::bytea"
                                 " AND occupied && tstzrange(to_timestamp($3::int8), to_timestamp($4::int8), '[)')");
            prepare(t.insert, std::string("INSERT INTO ") + t.name +
                                  " (tenant_id, resource_id, occupied) VALUES ($1::bytea, $2::bytea,"
                                  " tstzrange(to_timestamp($3::int8), to_timestamp($4::int8), '[)'))");
        }
        prepare("lock", "SELECT pg_advisory_xact_lock($1::int8)");
    }
    void prepare(const char* name, const std::string& sql) {
        check(PQprepare(c, name, sql.c_str(), 0, nullptr), sql);
    }
    // Runs prepared `name`; the first value of its answer, if any.
    std::string run(const char* name, int n, const char* const* params) {
        PGresult* r = PQexecPrepared(c, name, n, params, nullptr, nullptr, 0);
        const std::string first = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
        check(r, name);
        return first;
    }
    // Clears `r`; throws when it is an error.
    void check(PGresult* r, const std::string& what) {
        const auto st = PQresultStatus(r);
        std::string err = PQresultErrorMessage(r);
        PQclear(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) throw std::runtime_error(what.substr(0, 60) + ": " + err);
    }
    PGconn* c;
};

// One engine per synchronous_commit setting, each with its tenant of 100
// resources; and per client a raw connection per setting.
struct Mode {
    std::unique_ptr<Engine> engine;
    TenantId tenant;
    ServiceId service;
    std::vector<ResourceId> resources;
    std::vector<std::unique_ptr<PgConn>> raw;
};
Mode modes[2];  // [0] synchronous_commit off, [1] on
std::atomic<long> sequence{0};  // distinct slots across every run

void set_up(bool sync) {
    Mode& m = modes[sync ? 1 : 0];
    m.engine = std::make_unique<Engine>(open_postgres({.dsn = dsn_for(sync), .pool_size = kClients}),
                                        [] { return kNow; });
    m.tenant = m.engine->create_tenant(sync ? "Sync" : "Async").id;
    auto admin = m.engine->scope({.tenant = m.tenant, .role = Role::admin, .subject = "owner"});
    WeeklyHours week;
    for (auto& d : week.days) d = {{Minutes{0}, Minutes{24 * 60}}};
    for (int i = 0; i < kResources; ++i) {
        const auto r = admin.create_resource({.name = "Court " + std::to_string(i), .kind = ResourceKind::room,
                                              .timezone = "Etc/UTC"});
        admin.set_weekly_hours(r.id, week);
        m.resources.push_back(r.id);
    }
    m.service = admin.create_service({.name = "Match", .duration = 30min, .resources = m.resources}).id;
    for (int i = 0; i < kClients; ++i) {
        m.raw.push_back(std::make_unique<PgConn>(dsn_for(sync)));
        m.raw.back()->prepare_raw();
    }
}

// Client t books on resources t, t + 8, … in turn, each one slot later each
// time it comes back.
std::pair<int, Instant> next_slot(int thread) {
    const long n = sequence++;
    const int per_client = kResources / kClients;
    const int r = thread + kClients * static_cast<int>(n % per_client);
    return {r, kFirst + std::chrono::minutes(30 * (n / per_client))};
}

void book_slotwise(benchmark::State& state, bool sync) {
    Mode& m = modes[sync ? 1 : 0];
    auto scope = m.engine->scope({.tenant = m.tenant, .role = Role::staff, .subject = "client"});
    for (auto _ : state) {
        const auto [r, start] = next_slot(state.thread_index());
        try {
            (void)scope.book({.service = m.service, .start = start, .resource = m.resources[static_cast<std::size_t>(r)],
                              .customer = {.name = "Bench"}});
        } catch (const std::exception& e) {
            state.SkipWithError(e.what());
            break;
        }
    }
}

// Statements and round trips per book(), counted by the adapter over `n`
// bookings in one thread, before anything is timed.
postgres::Traffic count_book_traffic(int n) {
    Mode& m = modes[1];
    auto scope = m.engine->scope({.tenant = m.tenant, .role = Role::staff, .subject = "client"});
    const auto before = postgres::traffic();
    for (int i = 0; i < n; ++i) {
        const auto [r, start] = next_slot(i % kClients);
        (void)scope.book({.service = m.service, .start = start, .resource = m.resources[static_cast<std::size_t>(r)],
                          .customer = {.name = "Bench"}});
    }
    const auto after = postgres::traffic();
    return {after.statements - before.statements, after.round_trips - before.round_trips};
}

// The same transaction shape written by hand: lock, check, insert, with the
// statements prepare_raw made. Books client `thread`'s next slot in `table`.
void book_raw_once(PgConn& c, int thread, const RawTable& table) {
    const auto [r, start] = next_slot(thread);
    const std::string resource = "raw" + std::to_string(r);
    const std::string key = std::to_string(r);
    const std::string begin = std::to_string(start.time_since_epoch().count());
    const std::string end = std::to_string((start + 30min).time_since_epoch().count());
    const char* params[] = {"t", resource.c_str(), begin.c_str(), end.c_str()};
    const char* lock_params[] = {key.c_str()};
    c.exec("BEGIN");
    c.run("lock", 1, lock_params);
    const bool free = c.run(table.check, 4, params) == "0";
    if (free) c.run(table.insert, 4, params);
    c.exec("COMMIT");
}

void book_raw(benchmark::State& state, bool sync, const RawTable& table) {
    PgConn& c = *modes[sync ? 1 : 0].raw[static_cast<std::size_t>(state.thread_index())];
    for (auto _ : state) {
        try {
            book_raw_once(c, state.thread_index(), table);
        } catch (const std::exception& e) {
            state.SkipWithError(e.what());
            break;
        }
    }
}

void BM_pg_book_slotwise_sync(benchmark::State& s) { book_slotwise(s, true); }
void BM_pg_book_raw_sync(benchmark::State& s) { book_raw(s, true, kRawConstrained); }
void BM_pg_book_raw_unconstrained_sync(benchmark::State& s) { book_raw(s, true, kRawFree); }
void BM_pg_book_slotwise_async(benchmark::State& s) { book_slotwise(s, false); }
void BM_pg_book_raw_async(benchmark::State& s) { book_raw(s, false, kRawConstrained); }
void BM_pg_book_raw_unconstrained_async(benchmark::State& s) { book_raw(s, false, kRawFree); }

BENCHMARK(BM_pg_book_slotwise_sync)->Threads(kClients)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_pg_book_raw_sync)->Threads(kClients)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_pg_book_raw_unconstrained_sync)->Threads(kClients)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_pg_book_slotwise_async)->Threads(kClients)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_pg_book_raw_async)->Threads(kClients)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_pg_book_raw_unconstrained_async)->Threads(kClients)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
    int repetitions = 1;
    auto args = slotwise::bench::with_default_repetitions(argc, argv, repetitions);
    int count = static_cast<int>(args.size()) - 1;
    benchmark::Initialize(&count, args.data());
    if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
    if (base_dsn().empty()) {
        std::printf("SKIPPED: postgres_bench needs SLOTWISE_PG_DSN (a database it may wipe)\n");
        return 0;
    }
    try {
        PgConn admin(base_dsn());
        admin.exec("SET client_min_messages = warning");
        admin.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public; CREATE EXTENSION btree_gist");
        admin.exec("CREATE TABLE raw_bookings (tenant_id bytea NOT NULL, booking_id bigint GENERATED ALWAYS AS IDENTITY,"
                   " resource_id bytea NOT NULL, occupied tstzrange NOT NULL, PRIMARY KEY (tenant_id, booking_id),"
                   " EXCLUDE USING gist (tenant_id WITH =, resource_id WITH =, occupied WITH &&))");
        admin.exec("CREATE TABLE raw_bookings_free (tenant_id bytea NOT NULL, booking_id bigint GENERATED ALWAYS AS"
                   " IDENTITY, resource_id bytea NOT NULL, occupied tstzrange NOT NULL,"
                   " PRIMARY KEY (tenant_id, booking_id));"
                   " CREATE INDEX ON raw_bookings_free USING gist (tenant_id, resource_id, occupied)");
        set_up(true);
        set_up(false);
        constexpr int kCounted = 200;
        (void)count_book_traffic(20);  // statements prepared, catalogue cached
        const auto per = count_book_traffic(kCounted);
        // The raw tables get as many rows as the engine's before the
        // statistics below, so that no plan is made for an empty table.
        for (const RawTable& table : {kRawConstrained, kRawFree}) {
            for (int i = 0; i < 20 + kCounted; ++i) book_raw_once(*modes[1].raw[0], 0, table);
        }
        // A running database has statistics (autovacuum gathers them within a
        // minute of the first writes): without them, a plan made while the
        // tables were empty may pick (tenant_id, created_by, ...) over the
        // primary key for a booking's lookup by id, or a raw check may scan
        // its whole table, each time, until autovacuum's ANALYZE replans it.
        admin.exec("ANALYZE");
        // The schema just dropped and made again leaves thousands of files to
        // sync: a checkpoint now keeps that out of the timed runs.
        try {
            admin.exec("CHECKPOINT");
        } catch (const std::exception& e) {
            std::printf("no CHECKPOINT before the runs (%s): expect noisier synchronous_commit figures\n", e.what());
        }
        std::printf("per book(): %.2f statements in %.2f round trips (raw libpq: 5 statements, 5 round trips: BEGIN,"
                    " lock, check, insert, COMMIT)\n",
                    static_cast<double>(per.statements) / kCounted, static_cast<double>(per.round_trips) / kCounted);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "postgres_bench: set-up failed: %s\n", e.what());
        return 1;
    }
    slotwise::bench::RecordingReporter reporter(benchmark::CreateDefaultDisplayReporter());
    benchmark::RunSpecifiedBenchmarks(&reporter);
    if (repetitions > 1) std::printf("medians of %d repetitions, their runs shuffled:\n", repetitions);
    for (const char* mode : {"sync", "async"}) {
        const auto* mine = reporter.find(std::string("BM_pg_book_slotwise_") + mode, kClients);
        const auto* raw = reporter.find(std::string("BM_pg_book_raw_") + mode, kClients);
        const auto* free = reporter.find(std::string("BM_pg_book_raw_unconstrained_") + mode, kClients);
        if (mine && raw && mine->real_ns > 0 && raw->real_ns > 0) {
            std::printf("book(), %d clients over %d resources, synchronous_commit %s: slotwise %.0f/s, raw libpq "
                        "%.0f/s: ratio %.2f (target >= 0.8)\n",
                        kClients, kResources, std::string(mode) == "sync" ? "on" : "off", kClients * 1e9 / mine->real_ns,
                        kClients * 1e9 / raw->real_ns, raw->real_ns / mine->real_ns);
        }
        if (raw && free && free->real_ns > 0) {
            std::printf("the exclusion constraint's cost, synchronous_commit %s: %.0f/s with, %.0f/s without: "
                        "%+.1f%% time per booking (target <= 20%%)\n",
                        std::string(mode) == "sync" ? "on" : "off", kClients * 1e9 / raw->real_ns, kClients * 1e9 / free->real_ns,
                        (raw->real_ns / free->real_ns - 1) * 100);
        }
    }
    modes[0] = {};
    modes[1] = {};
    benchmark::Shutdown();
    return 0;
}
