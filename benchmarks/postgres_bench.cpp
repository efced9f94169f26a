// book() on the PostgreSQL adapter with 8 clients over 100 resources, with
// synchronous_commit on and off, beside two raw libpq baselines that run a
// book-shaped transaction by hand (advisory lock, overlap check, insert):
//   same rows:  into copies of the adapter's own tables (LIKE ... INCLUDING
//               ALL: the same columns, indexes and exclusion constraint), the
//               rows the engine writes for a booking (the booking, its hold,
//               its confirmation), in two round trips with libpq's pipeline
//               mode (the engine's target), and one statement per round trip;
//   one row:    one narrow row (tenant, resource, range) into a table with an
//               exclusion constraint of the same shape, and the same without
//               the constraint (the constraint's cost);
//   paired:     the constraint's cost, and book() against the pipelined same
//               rows, each client alternating the two sides of a comparison
//               so that both meet the same moments of the run;
// the ratios are printed at the end. Needs SLOTWISE_PG_DSN (a
// database it may wipe; a key=value DSN, to which it appends options);
// without it, it says so and exits 0. Each iteration books a distinct free
// slot, so every call commits a booking; before any is timed, every
// connection of each engine's pool has booked every resource (warm_pool).
// Unless told otherwise, each benchmark runs five times, the runs of all of
// them shuffled, and the ratios are of the medians (recording_reporter.hpp);
// every run starts on a settled database (settle()).
#include "recording_reporter.hpp"

#include "postgres/internal.hpp"
#include "support/temp_dir.hpp"

#include <slotwise/engine.hpp>
#include <slotwise/postgres.hpp>
#include <slotwise/sqlite.hpp>
#include <slotwise/time.hpp>

#include <benchmark/benchmark.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {

constexpr int kClients = 8;
constexpr int kResources = 100;
constexpr int kWarmRounds = 4;  // warm_pool
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
    // The first value of `sql`'s answer, if any.
    std::string value(const std::string& sql) {
        PGresult* r = PQexec(c, sql.c_str());
        const std::string first = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
        check(r, sql);
        return first;
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
    // One statement of a pipeline: a prepared one, or `sql` without
    // parameters when `name` is null.
    struct Call {
        const char* name;
        std::vector<const char*> params;
        const char* sql = nullptr;
    };
    // Runs `calls` one round trip each; the first value of each answer.
    std::vector<std::string> run_each(const std::vector<Call>& calls) {
        std::vector<std::string> firsts;
        for (const Call& call : calls) {
            if (call.name) {
                firsts.push_back(run(call.name, static_cast<int>(call.params.size()), call.params.data()));
            } else {
                exec(call.sql);
                firsts.emplace_back();
            }
        }
        return firsts;
    }
    // Sends `calls` in one round trip (libpq's pipeline mode) and returns the
    // first value of each answer; throws, after reading every answer, when
    // any failed.
    std::vector<std::string> run_pipelined(const std::vector<Call>& calls) {
        if (PQenterPipelineMode(c) != 1) throw std::runtime_error(std::string("pipeline: ") + PQerrorMessage(c));
        bool sent = true;
        for (std::size_t i = 0; i < calls.size() && sent; ++i) {
            const Call& call = calls[i];
            const int n = static_cast<int>(call.params.size());
            sent = (call.name ? PQsendQueryPrepared(c, call.name, n, call.params.data(), nullptr, nullptr, 0)
                              : PQsendQueryParams(c, call.sql, 0, nullptr, nullptr, nullptr, nullptr, 0)) == 1;
        }
        // Nothing half sent is followed by a sync: the server never sees a
        // COMMIT after a statement that did not go out.
        if (!sent || PQpipelineSync(c) != 1) {
            const std::string error = std::string("pipeline send: ") + PQerrorMessage(c);
            (void)PQexitPipelineMode(c);
            throw std::runtime_error(error);
        }
        // Each answer, then the null that ends it; after an error the server
        // skips the rest (PGRES_PIPELINE_ABORTED) up to the sync.
        std::vector<std::string> firsts;
        std::string error;
        for (std::size_t i = 0; i < calls.size(); ++i) {
            PGresult* r = PQgetResult(c);
            if (r == nullptr) {  // the connection broke: no more answers come
                if (error.empty()) error = std::string("pipeline: ") + PQerrorMessage(c);
                break;
            }
            firsts.push_back(PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
            const auto st = PQresultStatus(r);
            if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && error.empty()) {
                error = std::string(calls[i].name ? calls[i].name : calls[i].sql) + ": " + PQresultErrorMessage(r);
            }
            PQclear(r);
            while (PGresult* extra = PQgetResult(c)) PQclear(extra);
        }
        // The sync's own answer closes the pipeline (none comes on a broken
        // connection: a null ends the wait).
        while (PGresult* r = PQgetResult(c)) {
            const bool synced = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
            PQclear(r);
            if (synced) break;
        }
        if (PQexitPipelineMode(c) != 1 && error.empty()) error = std::string("pipeline: ") + PQerrorMessage(c);
        if (!error.empty()) throw std::runtime_error(error);
        return firsts;
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

// A row the engine wrote, read back as text, to be written again by hand into
// a copy of its table with a few columns changed (the same values otherwise,
// so the same row width and index keys).
class RowTemplate {
public:
    RowTemplate(PgConn& c, const std::string& from, const std::string& into, const std::string& tenant_hex,
                const char* statement_name)
        : name_(statement_name) {
        PGresult* r = PQexec(c.c, ("SELECT * FROM " + from + " WHERE tenant_id = '\\x" + tenant_hex +
                                   "'::bytea LIMIT 1").c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
            const std::string err = PQresultErrorMessage(r);
            PQclear(r);
            throw std::runtime_error("no row of " + from + " to copy: " + err);
        }
        std::string columns;
        std::string params;
        for (int i = 0; i < PQnfields(r); ++i) {
            const std::string column = PQfname(r, i);
            if (column == "row_no") continue;  // GENERATED ALWAYS AS IDENTITY
            columns_.push_back(column);
            values_.push_back(PQgetisnull(r, 0, i) ? std::nullopt : std::optional<std::string>(PQgetvalue(r, 0, i)));
            columns += (columns.empty() ? "" : ", ") + column;
            params += (params.empty() ? "$" : ", $") + std::to_string(columns_.size());
        }
        PQclear(r);
        sql_ = "INSERT INTO " + into + " (" + columns + ") VALUES (" + params + ")";
    }
    void prepare(PgConn& c) const { c.prepare(name_, sql_); }
    using Changes = std::initializer_list<std::pair<const char*, const std::string*>>;
    // The insert of the row with `changed` (column, text value) instead of its
    // own; a column it does not have is an error, not a value left as it was.
    PgConn::Call insert(Changes changed) const {
        std::vector<const char*> params;
        std::size_t matched = 0;
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            const char* value = values_[i] ? values_[i]->c_str() : nullptr;
            for (const auto& [column, text] : changed) {
                if (columns_[i] == column) {
                    value = text->c_str();
                    ++matched;
                }
            }
            params.push_back(value);
        }
        if (matched != changed.size()) throw std::logic_error("a changed column is not one of " + sql_);
        return {name_, std::move(params)};
    }

private:
    const char* name_;
    std::vector<std::string> columns_;
    std::vector<std::optional<std::string>> values_;
    std::string sql_;
};

// The same-rows baseline's tables and statements, made once the engine has
// booked (its rows are the templates).
struct SameRows {
    std::unique_ptr<RowTemplate> booking, hold, confirmation;
};
SameRows same_rows;
constexpr const char* kSameRowsCheck =
    "SELECT count(*) FROM raw_rows_holds WHERE tenant_id = $1::bytea AND resource_id = $2::bytea"
    " AND lower(occupied) >= to_timestamp($3::int8) - interval '4 hours' AND lower(occupied) < to_timestamp($4::int8)"
    " AND occupied && tstzrange(to_timestamp($3::int8), to_timestamp($4::int8), '[)') AND active";

std::string hex(const std::string& bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

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
Mode lite;      // the engine on a SQLite file (no raw connections)

std::atomic<long> sequence{0};  // distinct slots across every run

void set_up_tenant(Mode& m, std::shared_ptr<Store> store, const std::string& name) {
    m.engine = std::make_unique<Engine>(std::move(store), [] { return kNow; });
    m.tenant = m.engine->create_tenant(name).id;
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
}

void set_up(bool sync) {
    Mode& m = modes[sync ? 1 : 0];
    set_up_tenant(m, open_postgres({.dsn = dsn_for(sync), .pool_size = kClients}), sync ? "Sync" : "Async");
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

void book_slotwise(benchmark::State& state, Mode& m) {
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

// Before every run (the SQLite one too, as it shares the machine): a
// checkpoint, and up to two seconds for the autovacuum workers already at
// work to finish, so that the dirty pages the runs before it left behind
// are written before the clock starts rather than during whichever run the
// shuffle puts next. Settling fails at most once, loudly; the runs go on.
void settle(const benchmark::State&) {
    static std::atomic<bool> failed{false};
    if (failed) return;
    try {
        PgConn c(base_dsn());
        c.exec("CHECKPOINT");
        for (int i = 0; i < 100 && c.value("SELECT count(*) FROM pg_stat_activity"
                                           " WHERE backend_type = 'autovacuum worker'") != "0";
             ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    } catch (const std::exception& e) {
        failed = true;
        std::fprintf(stderr, "postgres_bench: the runs go on unsettled: %s\n", e.what());
    }
}

// A server that has run for a while has every connection of its pool
// caching the resources it books on, as each raw connection has its
// statements prepared. Without this, a connection's first booking on a
// resource also reads the resource (one round trip more), and 8 connections
// by 100 resources take thousands of bookings to meet every pair: that cost
// falls on whichever of the engine's runs come first in the shuffle. So
// kClients threads book every resource `rounds` times, on slots before
// kFirst, with the pool's connections handed out as they come free (about
// `rounds` meetings of each connection and resource).
void warm_pool(Mode& m, int rounds) {
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> failed(kClients);
    for (int t = 0; t < kClients; ++t) {
        threads.emplace_back([&m, &failed, rounds, t] {
            try {
                auto scope = m.engine->scope({.tenant = m.tenant, .role = Role::staff, .subject = "client"});
                for (int round = 0; round < rounds; ++round) {
                    const Instant start = kNow + 24h + std::chrono::minutes(30 * (round * kClients + t));
                    for (int i = 0; i < kResources; ++i) {
                        // Each thread goes round the resources from its own place.
                        const auto r = static_cast<std::size_t>((i + t * kResources / kClients) % kResources);
                        (void)scope.book({.service = m.service, .start = start, .resource = m.resources[r],
                                          .customer = {.name = "Warm"}});
                    }
                }
            } catch (...) {
                failed[static_cast<std::size_t>(t)] = std::current_exception();
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& e : failed) {
        if (e) std::rethrow_exception(e);
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
    // Every slot is a fresh one: a conflict means the baseline would time
    // less than a booking.
    if (c.run(table.check, 4, params) != "0") throw std::runtime_error("raw check found a conflict");
    c.run(table.insert, 4, params);
    c.exec("COMMIT");
}

// The engine's transaction written by hand: lock, check (a resource's
// active holds over the slot, through the same index as the adapter's read),
// then the booking, its hold and its confirmation, each a copy of the row
// the engine wrote for one of its bookings, with new ids and times. One
// statement per round trip (seven), or `pipelined` as a client using libpq's
// pipeline mode would send them: BEGIN, lock and check in one round trip,
// the three inserts and COMMIT in a second.
void book_same_rows_once(PgConn& c, int thread, bool pipelined) {
    thread_local std::mt19937_64 random(std::random_device{}());
    const auto [r, start] = next_slot(thread);
    const Mode& m = modes[1];
    const std::string& tenant = m.tenant.value;
    const std::string& resource = m.resources[static_cast<std::size_t>(r)].value;
    const std::string key = std::to_string(r);
    const std::string begin = std::to_string(start.time_since_epoch().count());
    const std::string end = std::to_string((start + 30min).time_since_epoch().count());
    char id[32];
    std::snprintf(id, sizeof id, "bkg_%012llx%012llx", static_cast<unsigned long long>(random() >> 16),
                  static_cast<unsigned long long>(random() >> 16));
    const std::string booking = id;
    const std::string notification = tenant + ":" + booking + ":confirmed";
    const std::string start_at = format_instant(start);
    const std::string end_at = format_instant(start + 30min);
    const std::string occupied = "[\"" + start_at + "\",\"" + end_at + "\")";
    const std::vector<PgConn::Call> opening{{nullptr, {}, "BEGIN"},
                                            {"lock", {key.c_str()}},
                                            {"check_raw_rows", {tenant.c_str(), resource.c_str(), begin.c_str(), end.c_str()}}};
    const std::vector<PgConn::Call> writes{
        same_rows.booking->insert({{"booking_id", &booking}, {"resource_id", &resource}, {"start_at", &start_at},
                                   {"end_at", &end_at}}),
        same_rows.hold->insert({{"booking_id", &booking}, {"resource_id", &resource}, {"occupied", &occupied},
                                {"start_at", &start_at}, {"end_at", &end_at}}),
        same_rows.confirmation->insert({{"notification_id", &notification}, {"booking_id", &booking},
                                        {"resource_id", &resource}, {"start_at", &start_at}, {"end_at", &end_at}}),
        {nullptr, {}, "COMMIT"}};
    const auto send = [&](const std::vector<PgConn::Call>& calls) {
        return pipelined ? c.run_pipelined(calls) : c.run_each(calls);
    };
    if (send(opening).back() != "0") throw std::runtime_error("same-rows check found a conflict");
    (void)send(writes);
}

// Runs `once` for each iteration of a raw baseline on `c`. A failure rolls
// its transaction back, so the connection serves the next benchmark, and
// stops the run.
template <class Once>
void run_raw(benchmark::State& state, PgConn& c, Once&& once) {
    for (auto _ : state) {
        try {
            once();
        } catch (const std::exception& e) {
            PQclear(PQexec(c.c, "ROLLBACK"));
            state.SkipWithError(e.what());
            break;
        }
    }
}

PgConn& raw_connection(benchmark::State& state, bool sync) {
    return *modes[sync ? 1 : 0].raw[static_cast<std::size_t>(state.thread_index())];
}

void book_same_rows(benchmark::State& state, bool sync, bool pipelined) {
    PgConn& c = raw_connection(state, sync);
    run_raw(state, c, [&] { book_same_rows_once(c, state.thread_index(), pipelined); });
}

// Copies the adapter's booking tables, empty, and prepares the same-rows
// baseline's statements on every raw connection.
void set_up_same_rows(PgConn& admin) {
    admin.exec("CREATE TABLE raw_rows_bookings (LIKE bookings INCLUDING ALL);"
               " CREATE TABLE raw_rows_holds (LIKE booking_resources INCLUDING ALL);"
               " CREATE TABLE raw_rows_outbox (LIKE outbox INCLUDING ALL)");
    const std::string tenant = hex(modes[1].tenant.value);
    same_rows.booking = std::make_unique<RowTemplate>(admin, "bookings", "raw_rows_bookings", tenant, "insert_raw_booking");
    same_rows.hold = std::make_unique<RowTemplate>(admin, "booking_resources", "raw_rows_holds", tenant, "insert_raw_hold");
    same_rows.confirmation =
        std::make_unique<RowTemplate>(admin, "outbox", "raw_rows_outbox", tenant, "insert_raw_confirmation");
    for (Mode& m : modes) {
        for (auto& c : m.raw) {
            c->prepare("check_raw_rows", kSameRowsCheck);
            for (const RowTemplate* t : {same_rows.booking.get(), same_rows.hold.get(), same_rows.confirmation.get()}) {
                t->prepare(*c);
            }
        }
    }
}

void book_raw(benchmark::State& state, bool sync, const RawTable& table) {
    PgConn& c = raw_connection(state, sync);
    run_raw(state, c, [&] { book_raw_once(c, state.thread_index(), table); });
}

// Two ways of booking, paired: each client alternates them (half the
// clients starting with each), so both see the same moments of the run (WAL
// flushes, checkpoints, autovacuum, the other clients), which runs apart do
// not (runs apart scatter by up to a third from one run to the next), and the
// time of each transaction is summed per side, over every repetition. Both
// sides then pay alike for the CPU either takes from the server on a shared
// machine: runs apart show that, pairs do not.
struct PairedTimes {
    std::atomic<long long> first_ns{0}, second_ns{0}, each{0};
    double first_us() const { return static_cast<double>(first_ns) / 1e3 / static_cast<double>(each); }
    double second_us() const { return static_cast<double>(second_ns) / 1e3 / static_cast<double>(each); }
};
// [0] synchronous_commit off, [1] on. The constraint's cost: first with the
// constraint, second without. The engine: first book(), second the pipelined
// same rows.
PairedTimes constraint_paired[2];
PairedTimes engine_paired[2];

template <class First, class Second>
void alternate(benchmark::State& state, PgConn& c, PairedTimes& times, First&& first, Second&& second) {
    bool first_first = state.thread_index() % 2 == 0;
    run_raw(state, c, [&] {
        for (const bool is_first : {first_first, !first_first}) {
            const auto t0 = std::chrono::steady_clock::now();
            if (is_first) {
                first();
            } else {
                second();
            }
            const auto ns = std::chrono::nanoseconds(std::chrono::steady_clock::now() - t0).count();
            (is_first ? times.first_ns : times.second_ns) += ns;
        }
        ++times.each;
        first_first = !first_first;
    });
}

void book_constraint_paired(benchmark::State& state, bool sync) {
    PgConn& c = raw_connection(state, sync);
    const int thread = state.thread_index();
    alternate(state, c, constraint_paired[sync ? 1 : 0], [&] { book_raw_once(c, thread, kRawConstrained); },
              [&] { book_raw_once(c, thread, kRawFree); });
}

void book_engine_paired(benchmark::State& state, bool sync) {
    Mode& m = modes[sync ? 1 : 0];
    PgConn& c = raw_connection(state, sync);
    auto scope = m.engine->scope({.tenant = m.tenant, .role = Role::staff, .subject = "client"});
    const int thread = state.thread_index();
    alternate(
        state, c, engine_paired[sync ? 1 : 0],
        [&] {
            const auto [r, start] = next_slot(thread);
            (void)scope.book({.service = m.service, .start = start,
                              .resource = m.resources[static_cast<std::size_t>(r)], .customer = {.name = "Bench"}});
        },
        [&] { book_same_rows_once(c, thread, true); });
}

void BM_pg_book_slotwise_sync(benchmark::State& s) { book_slotwise(s, modes[1]); }
void BM_pg_book_paired_sync(benchmark::State& s) { book_engine_paired(s, true); }
void BM_pg_book_paired_async(benchmark::State& s) { book_engine_paired(s, false); }
void BM_sqlite_book_slotwise(benchmark::State& s) { book_slotwise(s, lite); }
void BM_pg_constraint_paired_sync(benchmark::State& s) { book_constraint_paired(s, true); }
void BM_pg_constraint_paired_async(benchmark::State& s) { book_constraint_paired(s, false); }
void BM_pg_book_raw_rows_sync(benchmark::State& s) { book_same_rows(s, true, false); }
void BM_pg_book_raw_rows_async(benchmark::State& s) { book_same_rows(s, false, false); }
void BM_pg_book_raw_rows_pipelined_sync(benchmark::State& s) { book_same_rows(s, true, true); }
void BM_pg_book_raw_rows_pipelined_async(benchmark::State& s) { book_same_rows(s, false, true); }
void BM_pg_book_raw_sync(benchmark::State& s) { book_raw(s, true, kRawConstrained); }
void BM_pg_book_raw_unconstrained_sync(benchmark::State& s) { book_raw(s, true, kRawFree); }
void BM_pg_book_slotwise_async(benchmark::State& s) { book_slotwise(s, modes[0]); }
void BM_pg_book_raw_async(benchmark::State& s) { book_raw(s, false, kRawConstrained); }
void BM_pg_book_raw_unconstrained_async(benchmark::State& s) { book_raw(s, false, kRawFree); }

// Each benchmark: kClients threads, timed by the wall clock, the database
// settled before every run.
#define SW_SETTLED_BENCHMARK(f) \
    BENCHMARK(f)->Threads(kClients)->UseRealTime()->Unit(benchmark::kMicrosecond)->Setup(settle)
SW_SETTLED_BENCHMARK(BM_pg_book_slotwise_sync);
SW_SETTLED_BENCHMARK(BM_pg_book_raw_rows_sync);
SW_SETTLED_BENCHMARK(BM_pg_book_raw_rows_pipelined_sync);
SW_SETTLED_BENCHMARK(BM_pg_book_raw_sync);
SW_SETTLED_BENCHMARK(BM_pg_book_raw_unconstrained_sync);
SW_SETTLED_BENCHMARK(BM_pg_constraint_paired_sync);
SW_SETTLED_BENCHMARK(BM_pg_book_slotwise_async);
SW_SETTLED_BENCHMARK(BM_sqlite_book_slotwise);
SW_SETTLED_BENCHMARK(BM_pg_book_raw_rows_async);
SW_SETTLED_BENCHMARK(BM_pg_book_raw_rows_pipelined_async);
SW_SETTLED_BENCHMARK(BM_pg_book_raw_async);
SW_SETTLED_BENCHMARK(BM_pg_book_raw_unconstrained_async);
SW_SETTLED_BENCHMARK(BM_pg_constraint_paired_async);
SW_SETTLED_BENCHMARK(BM_pg_book_paired_sync);
SW_SETTLED_BENCHMARK(BM_pg_book_paired_async);

}  // namespace

// Bookings per second of a threaded run: Google Benchmark divides the run's
// wall time by the iterations of all its threads together.
double per_second(const slotwise::bench::RecordingReporter::Result& r) { return 1e9 / r.real_ns; }

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
    const slotwise::test::TempDir lite_dir;  // removed however main ends
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
        set_up_tenant(lite, open_sqlite({.path = (lite_dir.path / "book.db").string()}), "Lite");
        for (Mode* m : {&modes[0], &modes[1]}) warm_pool(*m, kWarmRounds);
        constexpr int kCounted = 200;  // on connections warm_pool prepared and cached
        const auto per = count_book_traffic(kCounted);
        // The raw tables get rows before the statistics below, so that no
        // plan is made for an empty table (fewer than the engine's, which
        // also hold warm_pool's).
        set_up_same_rows(admin);
        for (int i = 0; i < kCounted; ++i) {
            for (const RawTable& table : {kRawConstrained, kRawFree}) book_raw_once(*modes[1].raw[0], 0, table);
            for (const bool pipelined : {false, true}) book_same_rows_once(*modes[1].raw[0], 0, pipelined);
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
        std::printf("per book(): %.2f statements in %.2f round trips (raw libpq, one row: 5 statements, 5 round"
                    " trips: BEGIN, lock, check, insert, COMMIT; same rows: 7 statements, three inserts, in 7 round"
                    " trips, or 2 pipelined)\n",
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
        const auto* rows = reporter.find(std::string("BM_pg_book_raw_rows_") + mode, kClients);
        const char* setting = std::string(mode) == "sync" ? "on" : "off";
        const auto* piped = reporter.find(std::string("BM_pg_book_raw_rows_pipelined_") + mode, kClients);
        if (mine && mine->real_ns > 0) {
            std::printf("book(), %d clients over %d resources, synchronous_commit %s: slotwise %.0f/s\n", kClients,
                        kResources, setting, per_second(*mine));
        }
        if (mine && piped && mine->real_ns > 0 && piped->real_ns > 0) {
            std::printf("  beside raw libpq writing the same rows in two pipelined round trips: %.0f/s: ratio %.2f"
                        " (target >= 0.8)\n",
                        per_second(*piped), piped->real_ns / mine->real_ns);
        }
        if (mine && rows && mine->real_ns > 0 && rows->real_ns > 0) {
            std::printf("  beside raw libpq writing the same rows, one statement per round trip: %.0f/s: ratio %.2f\n",
                        per_second(*rows), rows->real_ns / mine->real_ns);
        }
        if (mine && raw && mine->real_ns > 0 && raw->real_ns > 0) {
            std::printf("  beside raw libpq writing one narrow row: %.0f/s: ratio %.2f (what a booking's three rows"
                        " cost beyond it)\n",
                        per_second(*raw), raw->real_ns / mine->real_ns);
        }
        if (raw && free && free->real_ns > 0) {
            std::printf("the exclusion constraint's cost, synchronous_commit %s, runs apart: %.0f/s with, %.0f/s"
                        " without: %+.1f%% time per booking\n",
                        setting, per_second(*raw), per_second(*free),
                        (raw->real_ns / free->real_ns - 1) * 100);
        }
    }
    for (const bool sync : {true, false}) {
        const char* setting = sync ? "on" : "off";
        if (const PairedTimes& t = engine_paired[sync ? 1 : 0]; t.each > 0 && t.first_ns > 0) {
            std::printf("book() beside raw libpq writing the same rows in two pipelined round trips, synchronous_commit"
                        " %s, paired (each client alternating the two, %lld each): %.0f us engine, %.0f us raw: ratio"
                        " %.2f (target >= 0.8)\n",
                        setting, t.each.load(), t.first_us(), t.second_us(), t.second_us() / t.first_us());
        }
        if (const PairedTimes& t = constraint_paired[sync ? 1 : 0]; t.each > 0 && t.second_ns > 0) {
            std::printf("the exclusion constraint's cost, synchronous_commit %s, paired (each client alternating the"
                        " two tables, %lld transactions each): %.0f us with, %.0f us without: %+.1f%% time per booking"
                        " (target <= 20%%)\n",
                        setting, t.each.load(), t.first_us(), t.second_us(), (t.first_us() / t.second_us() - 1) * 100);
        }
    }
    if (const auto* mine = reporter.find("BM_sqlite_book_slotwise", kClients); mine && mine->real_ns > 0) {
        std::printf("beside: the same book(), %d clients over %d resources, on a SQLite file (WAL,"
                    " synchronous=NORMAL): %.0f/s\n",
                    kClients, kResources, per_second(*mine));
    }
    modes[0] = {};
    modes[1] = {};
    lite = {};
    benchmark::Shutdown();
    return 0;
}
