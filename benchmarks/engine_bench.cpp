// benchmarks/engine_bench.cpp — the engine over a SQLite file, against what
// the same work costs without it.
//
//  book/…          `TenantScope::book` on a SQLite file with the default
//                  options (WAL, synchronous=NORMAL, busy timeout), 1, 2 and 8
//                  threads, beside a hand-written baseline on its own file of
//                  the same schema (made by `open_sqlite`) that runs the
//                  transaction at the heart of a booking straight on the
//                  sqlite3 C API with reused prepared statements and the same
//                  pragmas: BEGIN IMMEDIATE, one conflict SELECT over
//                  `booking_holds` (what the resource's bookings occupy), one
//                  INSERT of the same booking columns and one of its hold,
//                  COMMIT.
//                    distinct:  each thread books the next free slot of a
//                               resource of its own (every attempt succeeds);
//                    contended: every thread races for the next free slot of
//                               one shared resource, so the losers get
//                               slot_unavailable (baseline: the SELECT finds
//                               the conflict and rolls back);
//                    engine_paid: one thread, a paid service: the booking
//                               is pending with a hold (diagnostic).
//                  A free booking's confirmation rides on its row (schema
//                  version 2), so engine and baseline write the same rows.
//                  Each thread's bookings are made by 4,096 customers in
//                  turn, as a day's come from many people: none reaches the
//                  tenant's cap on notifications per hour (a run where one
//                  does fails).
//                  Counters: book/s (successes) and attempt/s, summed over
//                  the threads, per second of wall time.
//  book/engine_checked_first/…
//                  8 threads, distinct and contended, on a store opened with
//                  SqliteOptions::check_rules_before_lock (rules checked in a
//                  read transaction first while other writers wait), beside
//                  the default.
//  book/paired/distinct
//                  1 and 2 threads, each alternating one engine booking and
//                  one raw baseline booking on its own resource of each file,
//                  the time of each summed per side: the two meet the same
//                  moments of the run (checkpoints, the hog, the disk).
//  book/engine_two_resources/distinct
//                  one thread books a service that needs a doctor and a room
//                  (two groups, one resource each), beside book/engine/distinct
//                  at one thread: what holding a second resource costs.
//  availability/two_groups/…  a check-up needing one of 10 doctors and one of
//                  5 rooms over 7 days (some of each already booked), beside
//                  the same 10 doctors asked as one group.
//  availability/…  `TenantScope::availability` for a 30-minute service (on a
//                  15-minute grid) over 10 resources × 7 days, in a database
//                  of 100,000 bookings spread over 2026 (weekdays 09:00–18:00
//                  Europe/Rome, four chairs per resource, 15–45 minute
//                  bookings), for the week of 2026-06-29; beside the
//                  availability core alone on the same bookings already in
//                  memory. Before anything is timed, the engine's answer must
//                  equal the core's slot for slot, or the run aborts.
//
// The engine runs on a fixed clock (2026-01-01T00:00:00Z), so every run books
// and asks the same instants. The databases live in a temporary directory that
// the run removes at the end; the 100,000-booking one is built once (in one
// write transaction through the store) and only when an availability
// benchmark is selected. At the end the run prints a summary with the ratios.
//
// With --cpu_hog, a thread spins on one core for the whole run (as another
// engineer's compile would), and the summary says so: the issue's target
// (engine >= 0.8x raw at 1, 2 and 8 threads) holds with it or it does not.
//
// Usage: engine_bench [--cpu_hog] [--benchmark_filter=REGEX] [--benchmark_min_time=SECONDS]
// (this libbenchmark, 1.7, takes the minimum time as a plain number of seconds).
#include <slotwise/combine.hpp>
#include <slotwise/engine.hpp>
#include <slotwise/sqlite.hpp>
#include <slotwise/stripe.hpp>

#include <benchmark/benchmark.h>

#include "load_ledger.hpp"
#include "rome_calendar.hpp"
#include "recording_reporter.hpp"
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
using slotwise::Booked;
using slotwise::Booking;
using slotwise::BookingRequest;
using slotwise::Calendar;
using slotwise::Customer;
using slotwise::Date;
using slotwise::Engine;
using slotwise::Instant;
using slotwise::Interval;
using slotwise::Minutes;
using slotwise::ResourceId;
using slotwise::ServiceId;
using slotwise::Slot;
using slotwise::Store;
using slotwise::TenantId;
using slotwise::WeeklyHours;

// The engine's clock: every run books and asks at the same moment.
const Instant kNow{date::sys_days{date::year{2026} / 1 / 1}};
Instant fixed_clock() { return kNow; }

slotwise::TimeZone rome() {
    static const slotwise::TimeZone zone = slotwise::locate_zone("Europe/Rome", "timezone");
    return zone;
}

Instant local_instant(date::sys_days day, Minutes at) { return slotwise::bench::local_instant(rome(), day, at); }

WeeklyHours weekdays_9_to_18() {
    WeeklyHours hours;
    for (const auto wd : {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday}) {
        hours[wd] = {{9h, 18h}};
    }
    return hours;
}

// ---------------------------------------------------------------------------
// A temporary directory for the databases, removed at the end of the run.

std::once_flag work_dir_once;
std::filesystem::path work_dir_path;

const std::filesystem::path& work_dir() {
    std::call_once(work_dir_once, [] {
        std::string pattern = (std::filesystem::temp_directory_path() / "slotwise-engine-bench-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            std::perror("engine_bench: mkdtemp");
            std::abort();
        }
        work_dir_path = pattern;
    });
    return work_dir_path;
}

void remove_work_dir() {
    if (work_dir_path.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(work_dir_path, ec);
    if (ec) std::fprintf(stderr, "engine_bench: could not remove %s: %s\n", work_dir_path.c_str(), ec.message().c_str());
}

// ---------------------------------------------------------------------------
// book(): the slots. Resource r's k-th slot is the k-th half hour of its
// weekdays from Monday 2026-01-05 on, 09:00–18:00 Rome time: 18 a day, so a
// long run just books further into the future.

constexpr int kSlotsPerDay = 18;
constexpr Minutes kDuration = 30min;
const date::sys_days kFirstMonday{date::year{2026} / 1 / 5};

Instant slot_start(std::int64_t k) {
    const std::int64_t weekday = k / kSlotsPerDay;
    const date::sys_days day = kFirstMonday + date::days{(weekday / 5) * 7 + weekday % 5};
    return local_instant(day, 9h + kDuration * (k % kSlotsPerDay));
}

constexpr int kMaxThreads = 8;
constexpr int kContendedResource = kMaxThreads;      // shared by every thread of a contended run
constexpr int kPaidResource = kMaxThreads + 1;       // the paid-service diagnostic
constexpr int kPairResource = kMaxThreads + 2;       // the doctor of the two-resource service
constexpr int kBookResources = kMaxThreads + 3;

const Customer kCustomer{.name = "Ada Lovelace", .email = "ada@example.com", .phone = "+39 055 0000000",
                         .locale = "en"};

// Who books: a day's bookings come from many people, each with a few
// notifications in the last hour. One customer making every booking of a
// thread would pass the tenant's cap on notifications per customer and hour
// (20) after 20 bookings on the fixed clock, and from then on the engine
// would drop each confirmation instead of writing it: the abuse path, one
// row field and one index entry lighter than a real booking, behind a count
// that reads the cap's worth of entries. So each thread index takes turns
// among kCustomersPerThread customers; the baseline books under the same
// subjects and writes the owed confirmation the engine writes. The turns go
// on from one benchmark run to the next (a brief pass makes hundreds of short
// runs; were each to start again at the first customer, she would pass the
// cap). The engine's customers' bookings that kept no confirmation, neither on
// their row nor in the outbox, are counted at the end (dropped_confirmations)
// and a run with any fails.
constexpr std::size_t kCustomersPerThread = 4096;

// Customers' bookings in the file at `path` whose confirmation the engine
// dropped (over the cap): owed by no row and not in the outbox.
std::int64_t dropped_confirmations(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    std::int64_t dropped = -1;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* s = nullptr;
        const char* sql =
            "SELECT count(*) FROM bookings b WHERE b.created_by LIKE 'customer-%' AND b.owes_confirmation IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.tenant_id = b.tenant_id AND o.booking_id = b.booking_id)";
        if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
            dropped = sqlite3_column_int64(s, 0);
        }
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return dropped;
}

std::string customer_subject(std::size_t thread, std::size_t turn) {
    return "customer-" + std::to_string(thread) + "-" + std::to_string(turn % kCustomersPerThread);
}

// Whoever books next, in turn, for one thread index (used by one thread at a
// time: the benchmarks run one after another).
struct Customers {
    std::vector<slotwise::TenantScope> scopes;
    std::size_t turn = 0;

    slotwise::TenantScope& next() { return scopes[turn++ % scopes.size()]; }
};

// One database file with a tenant, ten single-chair resources open weekdays
// 09:00–18:00 in Rome, a free 30-minute service linked to all of them and a
// paid one linked to the last. Made through the engine, so the schema and the
// catalogue rows are exactly what the engine writes.
struct Catalogue {
    std::shared_ptr<Store> store;
    TenantId tenant;
    std::vector<ResourceId> resources;
    ServiceId free_service;
    ServiceId paid_service;
    ServiceId pair_service;  // resources[kPairResource] and `room`, both at once
    ResourceId room;
};

// Paid bookings need a provider the engine knows and the tenant configured
// (Stripe with test keys; the benchmark never reaches the network).
std::shared_ptr<const slotwise::PaymentProviders> bench_providers() {
    static const auto providers = [] {
        auto p = std::make_shared<slotwise::PaymentProviders>();
        slotwise::register_stripe(*p);
        return p;
    }();
    return providers;
}

Engine bench_engine(std::shared_ptr<Store> store) {
    return Engine(std::move(store), slotwise::EngineOptions{.clock = fixed_clock, .payments = bench_providers()});
}

Catalogue make_catalogue(const std::filesystem::path& file, bool check_rules_before_lock = false) {
    Catalogue c;
    c.store = slotwise::open_sqlite({.path = file.string(), .check_rules_before_lock = check_rules_before_lock});
    Engine engine = bench_engine(c.store);
    c.tenant = engine.create_tenant("Salon Bella").id;
    auto admin = engine.scope({.tenant = c.tenant, .role = slotwise::Role::admin, .subject = "owner"});
    for (int i = 0; i < kBookResources; ++i) {
        const auto r = admin.create_resource({.name = "Chair " + std::to_string(i + 1), .timezone = "Europe/Rome"});
        admin.set_weekly_hours(r.id, weekdays_9_to_18());
        c.resources.push_back(r.id);
    }
    admin.configure_stripe("sk_test_bench", "whsec_bench");
    // Customers book slot after slot for as long as the run lasts: months
    // ahead, past the default horizon of 92 days.
    admin.set_policy({.customer_horizon = slotwise::max_customer_horizon});
    c.free_service = admin.create_service({.name = "Cut", .duration = kDuration, .resources = c.resources}).id;
    c.paid_service = admin.create_service({.name = "Colour", .duration = kDuration, .price = 4500,
                                           .currency = "EUR", .resources = {c.resources[kPaidResource]}})
                         .id;
    const auto room = admin.create_resource({.name = "Room", .kind = slotwise::ResourceKind::room, .timezone = "Europe/Rome"});
    admin.set_weekly_hours(room.id, weekdays_9_to_18());
    c.room = room.id;
    c.pair_service = admin.create_service({.name = "Check-up", .duration = kDuration,
                                           .resource_groups = {{c.resources[kPairResource]}, {room.id}}})
                         .id;
    return c;
}

// Where each resource's next free slot is (resources are never shared across
// variants except the contended one, whose cursor every thread moves).
struct Cursors {
    std::array<std::atomic<std::int64_t>, kBookResources> next{};
};

// The engine side.
struct EngineBookFixture {
    Catalogue catalogue;
    Engine engine;
    Cursors cursors;

    explicit EngineBookFixture(bool check_rules_before_lock = false)
        : catalogue(make_catalogue(work_dir() / (check_rules_before_lock ? "book-engine-checked-first.db" : "book-engine.db"),
                                   check_rules_before_lock)),
          engine(bench_engine(catalogue.store)) {}

    // The customers of thread index `thread` (see kCustomersPerThread), made
    // on its first call, before the caller's timed loop.
    Customers& customers(std::size_t thread) {
        auto& pool = pools_.at(thread);
        std::call_once(pool.once, [&] {
            pool.customers.scopes.reserve(kCustomersPerThread);
            for (std::size_t n = 0; n < kCustomersPerThread; ++n) {
                pool.customers.scopes.push_back(engine.scope({.tenant = catalogue.tenant, .role = slotwise::Role::customer,
                                                    .subject = customer_subject(thread, n)}));
            }
        });
        return pool.customers;
    }

private:
    struct Pool {
        std::once_flag once;
        Customers customers;
    };
    std::array<Pool, kBookResources> pools_;
};

// ---------------------------------------------------------------------------
// The raw-SQLite baseline: one connection per thread, statements prepared
// once, the same pragmas as the store (WAL, synchronous=NORMAL, 30 s busy
// timeout), the same conflict condition (active bookings whose occupied
// interval overlaps, scanned through bookings_by_resource like the store's
// query) and the same INSERT columns.

constexpr const char* kRawConflict = R"sql(
SELECT coalesce(sum(seats), 0) FROM booking_holds
WHERE tenant_id = ?1 AND resource_id = ?2
  AND occ_start >= ?3 - (SELECT max_occupied FROM resources WHERE tenant_id = ?1 AND resource_id = ?2)
  AND occ_start < ?4 AND occ_end > ?3
  AND (status = 'confirmed' OR (status = 'pending' AND hold_expires_at > ?5)))sql";

constexpr const char* kRawInsert = R"sql(
INSERT INTO bookings (tenant_id, booking_id, service_id, resource_id, start_at, end_at,
                      occ_start, occ_end, seats, buffer_before_min, buffer_after_min,
                      customer_name, customer_email, customer_phone, customer_locale,
                      status, payment_status, hold_expires_at, idempotency_key,
                      request_fingerprint, created_by, created_at, updated_at, checkout_id,
                      payment_reference, owes_confirmation)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
        ?19, ?20, ?21, ?22, ?23, ?24, ?25, 1))sql";

constexpr const char* kRawInsertHold = R"sql(
INSERT INTO booking_holds (tenant_id, booking_id, part, resource_id, service_id, occ_start, occ_end,
                           start_at, end_at, buffer_before_min, buffer_after_min, seats, status,
                           hold_expires_at)
VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, ?5, ?6, 0, 0, 1, 'confirmed', NULL))sql";

class RawConnection {
public:
    RawConnection(const std::filesystem::path& file, std::uint64_t seed) : rng_(seed) {
        const int rc = sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc != SQLITE_OK) fail("open");
        sqlite3_extended_result_codes(db_, 1);
        sqlite3_busy_timeout(db_, 30'000);
        exec("PRAGMA journal_mode = WAL");
        exec("PRAGMA synchronous = NORMAL");
        begin_ = prepare("BEGIN IMMEDIATE");
        conflict_ = prepare(kRawConflict);
        insert_ = prepare(kRawInsert);
        insert_hold_ = prepare(kRawInsertHold);
        commit_ = prepare("COMMIT");
        rollback_ = prepare("ROLLBACK");
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    ~RawConnection() {
        for (auto* s : {begin_, conflict_, insert_, insert_hold_, commit_, rollback_}) sqlite3_finalize(s);
        sqlite3_close_v2(db_);
    }

    // Books [start, start + duration) on a single-seat resource if nothing
    // active overlaps it; false (rolled back) when something does.
    bool book(const TenantId& tenant, const ServiceId& service, const ResourceId& resource, Instant start,
              const std::string& created_by) {
        const std::int64_t begin = seconds(start);
        const std::int64_t end = seconds(start + kDuration);
        run(begin_);
        try {
            bind_text(conflict_, 1, tenant.value);
            bind_text(conflict_, 2, resource.value);
            sqlite3_bind_int64(conflict_, 3, begin);
            sqlite3_bind_int64(conflict_, 4, end);
            sqlite3_bind_int64(conflict_, 5, seconds(kNow));
            if (sqlite3_step(conflict_) != SQLITE_ROW) fail("conflict select");
            const std::int64_t load = sqlite3_column_int64(conflict_, 0);
            sqlite3_reset(conflict_);
            if (load + 1 > 1) {
                run(rollback_);
                return false;
            }
            const std::string id = booking_id();
            const std::string print = fingerprint(service, begin, resource);
            int i = 0;
            bind_text(insert_, ++i, tenant.value);
            bind_text(insert_, ++i, id);
            bind_text(insert_, ++i, service.value);
            bind_text(insert_, ++i, resource.value);
            sqlite3_bind_int64(insert_, ++i, begin);
            sqlite3_bind_int64(insert_, ++i, end);
            sqlite3_bind_int64(insert_, ++i, begin);  // occ_start: no buffers
            sqlite3_bind_int64(insert_, ++i, end);
            sqlite3_bind_int64(insert_, ++i, 1);       // seats
            sqlite3_bind_int64(insert_, ++i, 0);       // buffer_before_min
            sqlite3_bind_int64(insert_, ++i, 0);       // buffer_after_min
            bind_text(insert_, ++i, kCustomer.name);
            bind_text(insert_, ++i, kCustomer.email);
            bind_text(insert_, ++i, kCustomer.phone);
            bind_text(insert_, ++i, kCustomer.locale);
            bind_text(insert_, ++i, "confirmed");
            bind_text(insert_, ++i, "none");
            sqlite3_bind_null(insert_, ++i);           // hold_expires_at
            sqlite3_bind_null(insert_, ++i);           // idempotency_key
            bind_text(insert_, ++i, print);
            bind_text(insert_, ++i, created_by);
            sqlite3_bind_int64(insert_, ++i, seconds(kNow));
            sqlite3_bind_int64(insert_, ++i, seconds(kNow));
            bind_text(insert_, ++i, "");
            bind_text(insert_, ++i, "");
            run(insert_);
            i = 0;
            bind_text(insert_hold_, ++i, tenant.value);
            bind_text(insert_hold_, ++i, id);
            bind_text(insert_hold_, ++i, resource.value);
            bind_text(insert_hold_, ++i, service.value);
            sqlite3_bind_int64(insert_hold_, ++i, begin);
            sqlite3_bind_int64(insert_hold_, ++i, end);
            run(insert_hold_);
            run(commit_);
            return true;
        } catch (...) {
            sqlite3_reset(conflict_);
            if (sqlite3_get_autocommit(db_) == 0) {
                sqlite3_step(rollback_);
                sqlite3_reset(rollback_);
            }
            throw;
        }
    }

private:
    static std::int64_t seconds(Instant t) { return t.time_since_epoch().count(); }

    [[noreturn]] void fail(const char* what) {
        throw std::runtime_error(std::string("raw sqlite: ") + what + ": " + (db_ ? sqlite3_errmsg(db_) : "no handle"));
    }
    void exec(const char* sql) {
        if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
    }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) fail(sql);
        return s;
    }
    void run(sqlite3_stmt* s) {
        const int rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) fail(sqlite3_sql(s));
    }
    // The strings outlive the step, so SQLite need not copy them.
    static void bind_text(sqlite3_stmt* s, int i, std::string_view v) {
        sqlite3_bind_text64(s, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
    }
    // Random like the engine's ids (24 hex digits), from a per-connection PRNG.
    std::string booking_id() {
        static constexpr char hex[] = "0123456789abcdef";
        std::string out = "bkg_";
        for (int part = 0; part < 2; ++part) {
            auto bits = rng_();
            for (int j = 0; j < 12; ++j, bits >>= 4) out += hex[bits & 15];
        }
        return out;
    }
    // The same shape as the engine's request fingerprint.
    static std::string fingerprint(const ServiceId& service, std::int64_t start, const ResourceId& resource) {
        std::string f;
        const auto add = [&](std::string_view part) {
            f += std::to_string(part.size());
            f += ':';
            f += part;
        };
        add(service.value);
        add(std::to_string(start));
        add(resource.value);
        add("1");
        add(kCustomer.name);
        add(kCustomer.email);
        add(kCustomer.phone);
        add(kCustomer.locale);
        return f;
    }

    sqlite3* db_ = nullptr;
    sqlite3_stmt* begin_ = nullptr;
    sqlite3_stmt* conflict_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    sqlite3_stmt* insert_hold_ = nullptr;
    sqlite3_stmt* commit_ = nullptr;
    sqlite3_stmt* rollback_ = nullptr;
    std::mt19937_64 rng_;
};

struct RawBookFixture {
    Catalogue catalogue;
    std::vector<std::unique_ptr<RawConnection>> connections;  // one per thread index
    Cursors cursors;

    RawBookFixture() : catalogue(make_catalogue(work_dir() / "book-raw.db")) {
        catalogue.store.reset();  // from here on only the raw connections touch the file
        for (std::size_t i = 0; i < kMaxThreads; ++i) {
            connections.push_back(std::make_unique<RawConnection>(work_dir() / "book-raw.db", 0x5107'0000u + i));
            auto& names = subjects_[i];
            for (std::size_t n = 0; n < kCustomersPerThread; ++n) names.push_back(customer_subject(i, n));
        }
    }

    // The subject of thread index `thread`'s next booking: the engine's
    // customers, in the same turns.
    const std::string& next_subject(std::size_t thread) {
        return subjects_.at(thread)[turns_.at(thread)++ % kCustomersPerThread];
    }

private:
    std::array<std::vector<std::string>, kMaxThreads> subjects_;
    std::array<std::size_t, kMaxThreads> turns_{};
};

std::once_flag engine_book_once, raw_book_once;
std::unique_ptr<EngineBookFixture> engine_book_fixture;
std::once_flag checked_first_once;
std::unique_ptr<EngineBookFixture> checked_first_fixture;  // SqliteOptions::check_rules_before_lock
std::unique_ptr<RawBookFixture> raw_book_fixture;

EngineBookFixture& checked_first_book() {
    std::call_once(checked_first_once, [] { checked_first_fixture = std::make_unique<EngineBookFixture>(true); });
    return *checked_first_fixture;
}

EngineBookFixture& engine_book() {
    std::call_once(engine_book_once, [] { engine_book_fixture = std::make_unique<EngineBookFixture>(); });
    return *engine_book_fixture;
}

RawBookFixture& raw_book() {
    std::call_once(raw_book_once, [] { raw_book_fixture = std::make_unique<RawBookFixture>(); });
    return *raw_book_fixture;
}

void report_rates(benchmark::State& state, std::int64_t successes, std::int64_t attempts) {
    state.counters["book/s"] = benchmark::Counter(static_cast<double>(successes), benchmark::Counter::kIsRate);
    state.counters["attempt/s"] = benchmark::Counter(static_cast<double>(attempts), benchmark::Counter::kIsRate);
}

// What one attempt does, for the engine and for the baseline: true = booked,
// false = slot_unavailable; anything else throws.
template <class Attempt>
void run_distinct(benchmark::State& state, Cursors& cursors, int resource, Attempt&& attempt) {
    std::int64_t successes = 0;
    std::int64_t attempts = 0;
    for (auto _ : state) {
        const auto k = cursors.next[static_cast<std::size_t>(resource)].fetch_add(1, std::memory_order_relaxed);
        ++attempts;
        if (!attempt(slot_start(k))) {
            state.SkipWithError("a free slot of the thread's own resource was refused");
            break;
        }
        ++successes;
    }
    report_rates(state, successes, attempts);
}

// Every thread takes the shared resource's next slot; the winner and the
// losers all move the cursor past it (once: compare-exchange).
template <class Attempt>
void run_contended(benchmark::State& state, Cursors& cursors, Attempt&& attempt) {
    auto& next = cursors.next[kContendedResource];
    std::int64_t successes = 0;
    std::int64_t attempts = 0;
    for (auto _ : state) {
        auto k = next.load(std::memory_order_acquire);
        ++attempts;
        if (attempt(slot_start(k))) ++successes;
        next.compare_exchange_strong(k, k + 1, std::memory_order_acq_rel);
    }
    report_rates(state, successes, attempts);
}

// Engine attempt: book() the slot as the next of `customers`;
// slot_unavailable is a lost race.
auto engine_attempt(Customers& customers, BookingRequest& request) {
    return [&customers, &request](Instant start) {
        request.start = start;
        try {
            const Booking b = customers.next().book(request);
            benchmark::DoNotOptimize(b.id.value.data());
            return true;
        } catch (const slotwise::Error& e) {
            if (e.code() != slotwise::Errc::slot_unavailable) throw;
            return false;
        }
    };
}

template <class Body>
void guarded(benchmark::State& state, Body&& body) {
    try {
        body();
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

void book_distinct_on(benchmark::State& state, EngineBookFixture& (*fixture)()) {
    guarded(state, [&] {
        auto& f = fixture();
        const int r = state.thread_index();
        auto& customers = f.customers(static_cast<std::size_t>(r));
        BookingRequest request{.service = f.catalogue.free_service,
                               .resource = f.catalogue.resources[static_cast<std::size_t>(r)],
                               .customer = kCustomer};
        run_distinct(state, f.cursors, r, engine_attempt(customers, request));
    });
}

// One thread books a doctor and a room at once, each slot in turn.
void book_engine_two_resources(benchmark::State& state) {
    guarded(state, [&] {
        auto& f = engine_book();
        auto& customers = f.customers(kPairResource);
        BookingRequest request{.service = f.catalogue.pair_service,
                               .resources = {f.catalogue.resources[kPairResource], f.catalogue.room},
                               .customer = kCustomer};
        run_distinct(state, f.cursors, kPairResource, engine_attempt(customers, request));
    });
}

// Each thread books its own resource through its own raw connection.
void book_raw_distinct(benchmark::State& state) {
    guarded(state, [&] {
        auto& f = raw_book();
        const int r = state.thread_index();
        auto& conn = *f.connections[static_cast<std::size_t>(r)];
        const auto& resource = f.catalogue.resources[static_cast<std::size_t>(r)];
        run_distinct(state, f.cursors, r, [&](Instant start) {
            return conn.book(f.catalogue.tenant, f.catalogue.free_service, resource, start,
                             f.next_subject(static_cast<std::size_t>(r)));
        });
    });
}

void book_contended_on(benchmark::State& state, EngineBookFixture& (*fixture)()) {
    guarded(state, [&] {
        auto& f = fixture();
        auto& customers = f.customers(static_cast<std::size_t>(state.thread_index()));
        BookingRequest request{.service = f.catalogue.free_service,
                               .resource = f.catalogue.resources[kContendedResource],
                               .customer = kCustomer};
        run_contended(state, f.cursors, engine_attempt(customers, request));
    });
}

void book_raw_contended(benchmark::State& state) {
    guarded(state, [&] {
        auto& f = raw_book();
        auto& conn = *f.connections[static_cast<std::size_t>(state.thread_index())];
        const auto& resource = f.catalogue.resources[kContendedResource];
        const auto thread = static_cast<std::size_t>(state.thread_index());
        run_contended(state, f.cursors, [&](Instant start) {
            return conn.book(f.catalogue.tenant, f.catalogue.free_service, resource, start, f.next_subject(thread));
        });
    });
}

// book/paired/distinct: each thread alternates a booking through the engine
// and one through the raw baseline (half the threads, and every other round,
// starting with the engine), each on the thread's own resource of its own
// file, and the time of each is summed per side over every run: the two meet
// the same moments (either file's checkpoints, the hog, the disk), which
// benchmarks run apart do not. One and two threads only: two start on
// opposite sides (nothing keeps them in step after that); with more, the
// slower side gathers more of the threads waiting for its lock, and the
// comparison measures that queue.
struct PairedSums {
    std::atomic<std::int64_t> engine_ns{0}, raw_ns{0}, pairs{0};
};
std::array<PairedSums, 3> paired_sums;  // by thread count

void book_paired_distinct(benchmark::State& state) {
    guarded(state, [&] {
        auto& e = engine_book();
        auto& raw = raw_book();
        const int r = state.thread_index();
        const auto index = static_cast<std::size_t>(r);
        BookingRequest request{.service = e.catalogue.free_service, .resource = e.catalogue.resources[index],
                               .customer = kCustomer};
        auto engine = engine_attempt(e.customers(index), request);
        auto& conn = *raw.connections[index];
        auto& sums = paired_sums[static_cast<std::size_t>(state.threads())];
        bool engine_first = r % 2 == 0;
        std::int64_t booked = 0;
        for (auto _ : state) {
            bool refused = false;
            for (const bool through_engine : {engine_first, !engine_first}) {
                auto& cursor = (through_engine ? e.cursors : raw.cursors).next[index];
                const Instant start = slot_start(cursor.fetch_add(1, std::memory_order_relaxed));
                const auto t0 = std::chrono::steady_clock::now();
                const bool ok = through_engine ? engine(start)
                                               : conn.book(raw.catalogue.tenant, raw.catalogue.free_service,
                                                           raw.catalogue.resources[index], start,
                                                           raw.next_subject(index));
                const auto ns = std::chrono::nanoseconds(std::chrono::steady_clock::now() - t0).count();
                (through_engine ? sums.engine_ns : sums.raw_ns) += ns;
                refused = refused || !ok;
            }
            if (refused) {
                state.SkipWithError("a free slot of the thread's own resource was refused");
                break;
            }
            booked += 2;
            ++sums.pairs;
            engine_first = !engine_first;
        }
        report_rates(state, booked, booked);
    });
}

void book_engine_distinct(benchmark::State& state) { book_distinct_on(state, engine_book); }
void book_engine_contended(benchmark::State& state) { book_contended_on(state, engine_book); }
void book_checked_first_distinct(benchmark::State& state) { book_distinct_on(state, checked_first_book); }
void book_checked_first_contended(benchmark::State& state) { book_contended_on(state, checked_first_book); }

void book_engine_paid(benchmark::State& state) {
    guarded(state, [&] {
        auto& f = engine_book();
        // Staff book on the customer's behalf: a customer may hold only a few
        // unpaid bookings at once (tenant policy), and this run makes thousands.
        Customers desk{
            .scopes = {f.engine.scope({.tenant = f.catalogue.tenant, .role = slotwise::Role::staff, .subject = "desk"})}};
        BookingRequest request{.service = f.catalogue.paid_service,
                               .resource = f.catalogue.resources[kPaidResource],
                               .customer = kCustomer};
        run_distinct(state, f.cursors, kPaidResource, engine_attempt(desk, request));
    });
}

// ---------------------------------------------------------------------------
// availability: 10 resources, 10,000 bookings each over 2026.

constexpr int kAvailabilityResources = 10;
constexpr int kBookingsPerResource = 10'000;
const Date kWeekFrom{date::year{2026} / 6 / 29};  // a Monday, mid-range
const Date kWeekTo{date::year{2026} / 7 / 5};

using slotwise::bench::LoadLedger;

// What the core needs for one resource, kept in memory beside the database.
struct ResourceData {
    ResourceId id;
    Calendar calendar;
    std::vector<Booked> bookings;  // sorted by occupied start, as the store returns them
    std::vector<Interval> blocks;
};

struct AvailabilityFixture {
    std::shared_ptr<Store> store;
    Engine engine;
    TenantId tenant;
    ServiceId service;  // 30 minutes on a 15-minute grid
    slotwise::ServiceRules rules;
    std::vector<ResourceData> resources;  // sorted by id, as the engine lists them
    std::size_t bookings = 0;
    double build_seconds = 0;

    AvailabilityFixture() : store(open(work_dir() / "availability.db")), engine(store, fixed_clock) {
        using namespace date;
        const auto started = std::chrono::steady_clock::now();
        tenant = engine.create_tenant("Salon Grande").id;
        auto admin = engine.scope({.tenant = tenant, .role = slotwise::Role::admin, .subject = "owner"});
        const WeeklyHours hours = weekdays_9_to_18();
        std::vector<ResourceId> ids;
        for (int i = 0; i < kAvailabilityResources; ++i) {
            const auto r = admin.create_resource(
                {.name = "Team " + std::to_string(i + 1), .timezone = "Europe/Rome", .capacity = 4});
            admin.set_weekly_hours(r.id, hours);
            ids.push_back(r.id);
        }
        const auto make_service = [&](const char* name, Minutes length, Minutes step) {
            return admin.create_service({.name = name, .duration = length, .step = step, .resources = ids}).id;
        };
        service = make_service("Cut", 30min, 15min);
        rules = {.duration = 30min, .step = 15min};
        const std::map<Minutes, ServiceId> by_length{{15min, make_service("Fringe", 15min, 0min)},
                                                     {20min, make_service("Beard", 20min, 0min)},
                                                     {30min, service},
                                                     {45min, make_service("Colour", 45min, 0min)}};

        // Place the bookings: 10,000 per resource, 15–45 minutes, one in
        // eight for two seats, some with a clean-up buffer, on the 5-minute
        // grid of weekdays 09:00–18:00, wherever they fit.
        const std::vector<Interval> time_off = slotwise::bench::rome_time_off(rome());
        const sys_days first{2026_y / 1 / 1};
        constexpr std::array<Minutes, 6> lengths{15min, 20min, 30min, 30min, 30min, 45min};
        constexpr std::array<Minutes, 4> cleanups{0min, 0min, 5min, 10min};
        std::mt19937_64 rng(20260629);
        std::vector<std::vector<Booking>> rows(ids.size());
        for (std::size_t r = 0; r < ids.size(); ++r) {
            ResourceData data;
            data.id = ids[r];
            data.blocks = time_off;
            data.calendar.zone = rome();
            data.calendar.capacity = 4;
            data.calendar.weekly = hours;
            LoadLedger ledger(Instant{first} - 24h, date::days{368}, data.calendar.capacity);
            for (const auto& blk : time_off) ledger.add(blk, data.calendar.capacity);
            for (std::uint64_t attempts = 0; data.bookings.size() < kBookingsPerResource; ++attempts) {
                if (attempts > 50'000'000) {
                    std::fprintf(stderr, "engine_bench: could not place %d bookings\n", kBookingsPerResource);
                    std::abort();
                }
                const sys_days day = first + date::days{static_cast<int>(rng() % 365)};
                const weekday wd{day};
                if (wd == Saturday || wd == Sunday) continue;
                const Minutes length = lengths[rng() % lengths.size()];
                const auto positions = static_cast<std::uint64_t>((9h - length) / 5min) + 1;
                const Minutes at = 9h + 5min * (rng() % positions);
                const Booked b{.interval = {local_instant(day, at), local_instant(day, at + length)},
                               .seats = rng() % 8 == 0 ? 2 : 1,
                               .buffer_after = cleanups[rng() % cleanups.size()]};
                if (!ledger.fits(b.occupied_interval(), b.seats)) continue;
                ledger.add(b.occupied_interval(), b.seats);
                data.bookings.push_back(b);
                const auto n = bookings + data.bookings.size();
                const std::string who = "cus_" + std::to_string(n % 3000);
                rows[r].push_back({.id = {random_id(rng)}, .service = by_length.at(length), .resource = ids[r],
                                   .interval = b.interval, .seats = b.seats, .buffer_after = b.buffer_after,
                                   .customer = {.name = "Customer " + std::to_string(n % 3000),
                                                .email = "customer" + std::to_string(n % 3000) + "@example.com",
                                                .phone = "+39 333 " + std::to_string(1'000'000 + n % 3000),
                                                .locale = n % 3 == 0 ? "en" : "it"},
                                   .request_fingerprint = "fp:" + std::to_string(n) + ":" + ids[r].value,
                                   .created_by = who,
                                   .created_at = b.interval.begin - 24h * static_cast<int>(1 + n % 30),
                                   .updated_at = b.interval.begin - 24h});
            }
            std::sort(data.bookings.begin(), data.bookings.end(), [](const Booked& a, const Booked& b) {
                return a.occupied_interval().begin < b.occupied_interval().begin;
            });
            bookings += data.bookings.size();
            resources.push_back(std::move(data));
        }

        // One write transaction for everything: time off, then the bookings
        // in the order customers made them (shuffled across resources).
        std::vector<const Booking*> order;
        for (const auto& list : rows) {
            for (const auto& b : list) order.push_back(&b);
        }
        std::sort(order.begin(), order.end(),
                  [](const Booking* a, const Booking* b) { return a->created_at < b->created_at; });
        auto tx = store->write();
        int block_number = 0;
        for (const auto& data : resources) {
            for (const auto& iv : data.blocks) {
                tx->insert_block(tenant, {.id = {"blk_" + std::to_string(++block_number)}, .resource = data.id,
                                          .interval = iv, .reason = "closed"});
            }
        }
        for (const Booking* b : order) tx->insert_booking(tenant, *b);
        tx->commit();

        std::sort(resources.begin(), resources.end(),
                  [](const ResourceData& a, const ResourceData& b) { return a.id < b.id; });
        build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }

    // The engine's question.
    slotwise::AvailabilityRequest request() const {
        return {.service = service, .from = kWeekFrom, .to = kWeekTo};
    }

    // The same bookings and blocks the engine reads for one resource: those
    // overlapping the range resource_slots() asks the store for.
    std::vector<Booked> bookings_in_range(const ResourceData& d) const {
        const Interval range = query_range();
        std::vector<Booked> out;
        for (const auto& b : d.bookings) {
            if (b.occupied_interval().overlaps(range)) out.push_back(b);
        }
        return out;
    }
    std::vector<Interval> blocks_in_range(const ResourceData& d) const {
        const Interval range = query_range();
        std::vector<Interval> out;
        for (const auto& b : d.blocks) {
            if (b.overlaps(range)) out.push_back(b);
        }
        return out;
    }

private:
    static std::shared_ptr<Store> open(const std::filesystem::path& file) {
        return slotwise::open_sqlite({.path = file.string()});
    }
    Interval query_range() const {
        return {Instant{date::sys_days{kWeekFrom}} - date::days{2} - rules.buffer_before,
                Instant{date::sys_days{kWeekTo}} + date::days{3} + rules.duration + rules.buffer_after};
    }
    static std::string random_id(std::mt19937_64& rng) {
        static constexpr char hex[] = "0123456789abcdef";
        std::string out = "bkg_";
        for (int part = 0; part < 2; ++part) {
            auto bits = rng();
            for (int j = 0; j < 12; ++j, bits >>= 4) out += hex[bits & 15];
        }
        return out;
    }
};

std::once_flag availability_once;
std::unique_ptr<AvailabilityFixture> availability_fixture;

// The core alone on the in-memory inputs: what the engine's answer must be.
std::vector<slotwise::ResourceSlot> core_availability(const AvailabilityFixture& f,
                                                      const std::vector<std::vector<Booked>>& bookings,
                                                      const std::vector<std::vector<Interval>>& blocks) {
    std::vector<std::vector<Slot>> per_resource;
    per_resource.reserve(f.resources.size());
    for (std::size_t r = 0; r < f.resources.size(); ++r) {
        per_resource.push_back(slotwise::compute_slots(f.resources[r].calendar, f.rules, bookings[r], blocks[r],
                                                       {.from = kWeekFrom, .to = kWeekTo, .now = kNow}));
    }
    std::vector<slotwise::ResourceSlot> out;
    for (const auto& a : slotwise::any_of(per_resource)) {
        out.push_back({a.slot.start, a.slot.end, f.resources[a.resource].id, a.slot.remaining});
    }
    return out;
}

AvailabilityFixture& availability() {
    std::call_once(availability_once, [] {
        availability_fixture = std::make_unique<AvailabilityFixture>();
        auto& f = *availability_fixture;
        // The engine over the database must answer what the core answers on
        // the in-memory copy, slot for slot.
        std::vector<std::vector<Booked>> bookings;
        std::vector<std::vector<Interval>> blocks;
        for (const auto& d : f.resources) {
            bookings.push_back(f.bookings_in_range(d));
            blocks.push_back(f.blocks_in_range(d));
        }
        const auto expected = core_availability(f, bookings, blocks);
        auto scope = f.engine.scope({.tenant = f.tenant, .role = slotwise::Role::customer, .subject = "c"});
        const auto actual = scope.availability(f.request());
        if (actual != expected || actual.empty()) {
            std::fprintf(stderr, "MISMATCH: the engine offers %zu slots, the core %zu\n", actual.size(),
                         expected.size());
            std::abort();
        }
    });
    return *availability_fixture;
}

void availability_engine(benchmark::State& state) {
    guarded(state, [&] {
        auto& f = availability();
        auto scope = f.engine.scope({.tenant = f.tenant, .role = slotwise::Role::customer, .subject = "c"});
        const auto request = f.request();
        std::size_t count = 0;
        for (auto _ : state) {
            const auto slots = scope.availability(request);
            count = slots.size();
            benchmark::DoNotOptimize(slots.data());
        }
        state.counters["slots"] = static_cast<double>(count);
        state.counters["bookings_in_db"] = static_cast<double>(f.bookings);
    });
}

void availability_core_only(benchmark::State& state) {
    guarded(state, [&] {
        auto& f = availability();
        std::vector<std::vector<Booked>> bookings;
        std::vector<std::vector<Interval>> blocks;
        std::size_t read = 0;
        for (const auto& d : f.resources) {
            bookings.push_back(f.bookings_in_range(d));
            blocks.push_back(f.blocks_in_range(d));
            read += bookings.back().size();
        }
        std::size_t count = 0;
        for (auto _ : state) {
            const auto slots = core_availability(f, bookings, blocks);
            count = slots.size();
            benchmark::DoNotOptimize(slots.data());
        }
        state.counters["slots"] = static_cast<double>(count);
        state.counters["bookings_read"] = static_cast<double>(read);
    });
}

// ---------------------------------------------------------------------------
// A clinic: 10 doctors and 5 rooms open weekdays 09:00-18:00 in Rome; a
// 30-minute check-up on a 15-minute grid needs one of each. In the week asked
// about, each doctor has 4 visits a day and each room 6 scans a day (booked
// through the engine), so the groups' slots differ and must be matched.

constexpr int kDoctors = 10;
constexpr int kRooms = 5;

struct GroupsFixture {
    std::shared_ptr<Store> store;
    Engine engine;
    TenantId tenant;
    ServiceId checkup;       // [[10 doctors], [5 rooms]]
    ServiceId doctors_only;  // [[10 doctors]], the same shape
    std::size_t bookings = 0;

    GroupsFixture()
        : store(slotwise::open_sqlite({.path = (work_dir() / "groups.db").string()})), engine(store, fixed_clock) {
        tenant = engine.create_tenant("Clinica").id;
        auto admin = engine.scope({.tenant = tenant, .role = slotwise::Role::admin, .subject = "owner"});
        admin.set_policy({.customer_horizon = slotwise::max_customer_horizon});  // the week asked is months ahead
        std::vector<ResourceId> doctors, rooms;
        for (int i = 0; i < kDoctors + kRooms; ++i) {
            const bool doctor = i < kDoctors;
            const auto r = admin.create_resource({.name = (doctor ? "Doctor " : "Room ") + std::to_string(i + 1),
                                                  .kind = doctor ? slotwise::ResourceKind::staff : slotwise::ResourceKind::room,
                                                  .timezone = "Europe/Rome"});
            admin.set_weekly_hours(r.id, weekdays_9_to_18());
            (doctor ? doctors : rooms).push_back(r.id);
        }
        checkup = admin.create_service({.name = "Check-up", .duration = 30min, .step = 15min,
                                        .resource_groups = {doctors, rooms}}).id;
        doctors_only = admin.create_service({.name = "Visit", .duration = 30min, .step = 15min, .resources = doctors}).id;
        const auto scan = admin.create_service({.name = "Scan", .duration = 45min, .resources = rooms}).id;
        for (int d = 0; d < 5; ++d) {
            const date::sys_days day = date::sys_days{kWeekFrom} + date::days{d};
            for (std::size_t i = 0; i < doctors.size(); ++i) {
                for (int k = 0; k < 4; ++k) {
                    const auto at = local_instant(day, 9h + 15min * static_cast<int>(i % 4) + 2h * k);
                    admin.book({.service = doctors_only, .start = at, .resource = doctors[i], .customer = kCustomer});
                    ++bookings;
                }
            }
            for (std::size_t i = 0; i < rooms.size(); ++i) {
                for (int k = 0; k < 6; ++k) {
                    const auto at = local_instant(day, 9h + 45min * static_cast<int>(i % 2) + 90min * k);
                    admin.book({.service = scan, .start = at, .resource = rooms[i], .customer = kCustomer});
                    ++bookings;
                }
            }
        }
    }
};

std::once_flag groups_once;
std::unique_ptr<GroupsFixture> groups_fixture;

GroupsFixture& groups() {
    std::call_once(groups_once, [] { groups_fixture = std::make_unique<GroupsFixture>(); });
    return *groups_fixture;
}

void run_groups_availability(benchmark::State& state, bool two_groups) {
    guarded(state, [&] {
        auto& f = groups();
        auto scope = f.engine.scope({.tenant = f.tenant, .role = slotwise::Role::customer, .subject = "c"});
        const slotwise::AvailabilityRequest request{.service = two_groups ? f.checkup : f.doctors_only, .from = kWeekFrom,
                                          .to = kWeekTo};
        std::size_t count = 0;
        for (auto _ : state) {
            const auto slots = scope.availability(request);
            count = slots.size();
            benchmark::DoNotOptimize(slots.data());
        }
        state.counters["slots"] = static_cast<double>(count);
        state.counters["bookings_in_db"] = static_cast<double>(f.bookings);
    });
}

void availability_two_groups(benchmark::State& state) { run_groups_availability(state, true); }
void availability_one_group(benchmark::State& state) { run_groups_availability(state, false); }

// ---------------------------------------------------------------------------
// Names, the reporter and the summary.

constexpr const char* name_engine = "book/engine/distinct";
constexpr const char* name_raw = "book/raw_sqlite/distinct";
constexpr const char* name_engine_contended = "book/engine/contended";
constexpr const char* name_raw_contended = "book/raw_sqlite/contended";
constexpr const char* name_engine_paid = "book/engine_paid/distinct";
constexpr const char* name_paired = "book/paired/distinct";
constexpr const char* name_checked_first = "book/engine_checked_first/distinct";
constexpr const char* name_checked_first_contended = "book/engine_checked_first/contended";
constexpr const char* name_engine_two = "book/engine_two_resources/distinct";
constexpr const char* name_two_groups = "availability/two_groups/10_doctors_5_rooms_7_days";
constexpr const char* name_one_group = "availability/one_group/10_doctors_7_days";
constexpr const char* name_availability = "availability/engine/10_resources_7_days_100k_bookings";
constexpr const char* name_availability_core = "availability/core_only/10_resources_7_days";

using slotwise::bench::RecordingReporter;

double counter(const RecordingReporter::Result* r, const char* name) {
    if (r == nullptr) return 0;
    const auto it = r->counters.find(name);
    return it == r->counters.end() ? 0 : it->second.value;
}

// "0.93", or "0.41 (< 0.8)" below the target; "n/a" without both figures.
std::string ratio_text(double engine, double baseline) {
    if (engine <= 0 || baseline <= 0) return "n/a";
    char text[32];
    const double ratio = engine / baseline;
    std::snprintf(text, sizeof text, ratio >= 0.8 ? "%.2f" : "%.2f (< 0.8)", ratio);
    return text;
}

void print_summary(const RecordingReporter& reporter, int repetitions) {
    // Keep machine-readable stdout (--benchmark_format=json) parseable.
    std::FILE* out = reporter.console() ? stdout : stderr;
    std::fprintf(out, "\nbook() on a SQLite file (WAL, synchronous=NORMAL), bookings per second of wall time%s:\n",
                 repetitions > 1 ? ", medians of the repetitions" : "");
    std::fprintf(out, "  %-24s %7s %10s %11s  %s\n", "", "threads", "engine", "raw sqlite", "engine/raw");
    for (const int threads : {1, 2, 8}) {
        const auto* e = reporter.find(name_engine, threads);
        const auto* r = reporter.find(name_raw, threads);
        if (e == nullptr && r == nullptr) continue;
        const double eb = counter(e, "book/s");
        const double rb = counter(r, "book/s");
        std::fprintf(out, "  %-24s %7d %10.0f %11.0f  %s\n", "distinct resources", threads, eb, rb,
                     ratio_text(eb, rb).c_str());
    }
    for (const int threads : {2, 8}) {
        const auto* e = reporter.find(name_engine_contended, threads);
        const auto* r = reporter.find(name_raw_contended, threads);
        if (e == nullptr && r == nullptr) continue;
        const double eb = counter(e, "book/s");
        const double rb = counter(r, "book/s");
        std::fprintf(out, "  %-24s %7d %10.0f %11.0f  %-12s attempts/s: engine %.0f, raw sqlite %.0f\n",
                     "one contended resource", threads, eb, rb, ratio_text(eb, rb).c_str(), counter(e, "attempt/s"),
                     counter(r, "attempt/s"));
    }
    for (const int threads : {1, 2}) {
        const auto& sums = paired_sums[static_cast<std::size_t>(threads)];
        if (sums.pairs == 0 || sums.engine_ns == 0) continue;
        const double engine_us = static_cast<double>(sums.engine_ns) / 1e3 / static_cast<double>(sums.pairs);
        const double raw_us = static_cast<double>(sums.raw_ns) / 1e3 / static_cast<double>(sums.pairs);
        std::fprintf(out, "  %-24s %7d %8.0f us %8.0f us  %-12s paired: each thread alternating the two, %lld each\n",
                     "distinct, paired", threads, engine_us, raw_us, ratio_text(raw_us, engine_us).c_str(),
                     static_cast<long long>(sums.pairs.load()));
    }
    for (const auto& [checked, plain, what] : {std::tuple{name_checked_first, name_engine, "distinct, rules first"},
                                               std::tuple{name_checked_first_contended, name_engine_contended,
                                                          "contended, rules first"}}) {
        const auto* c = reporter.find(checked, 8);
        if (c == nullptr) continue;
        const double cb = counter(c, "book/s");
        const double pb = counter(reporter.find(plain, 8), "book/s");
        std::fprintf(out, "  %-24s %7d %10.0f %11s  default/this: %s (check_rules_before_lock)\n", what, 8, cb, "",
                     cb > 0 && pb > 0 ? std::to_string(pb / cb).substr(0, 4).c_str() : "n/a");
    }
    if (const auto* p = reporter.find(name_engine_paid, 1)) {
        const double pb = counter(p, "book/s");
        std::fprintf(out, "  %-24s %7d %10.0f %11s  %-12s (diagnostic: pending with a hold)\n", "engine, paid service", 1,
                     pb, "", ratio_text(pb, counter(reporter.find(name_raw, 1), "book/s")).c_str());
    }
    if (const auto* two = reporter.find(name_engine_two, 1)) {
        const double tb = counter(two, "book/s");
        const double ob = counter(reporter.find(name_engine, 1), "book/s");
        std::fprintf(out, "  %-24s %7d %10.0f %11s  two/one resource: %s\n", "engine, doctor + room", 1, tb, "",
                     ob > 0 ? std::to_string(tb / ob).substr(0, 4).c_str() : "n/a");
    }
    const auto* two_groups = reporter.find(name_two_groups);
    const auto* one_group = reporter.find(name_one_group);
    if (two_groups != nullptr) {
        std::fprintf(out, "\navailability of a doctor and a room, 10 doctors x 5 rooms x 7 days (%.0f bookings, %.0f slots): %.3f ms",
                     counter(two_groups, "bookings_in_db"), counter(two_groups, "slots"), two_groups->real_ns / 1e6);
        if (one_group != nullptr) {
            std::fprintf(out, "; the 10 doctors alone: %.3f ms (two groups / one: %.2f×)", one_group->real_ns / 1e6,
                         two_groups->real_ns / one_group->real_ns);
        }
        std::fprintf(out, "\n");
    }
    const auto* a = reporter.find(name_availability);
    const auto* core = reporter.find(name_availability_core);
    if (a != nullptr) {
        std::fprintf(out, "\navailability, 10 resources × 7 days, %.0f bookings in the database: %.3f ms per query (target < 5 ms: %s)\n",
                     counter(a, "bookings_in_db"), a->real_ns / 1e6, a->real_ns < 5e6 ? "met" : "MISSED");
    }
    if (core != nullptr) {
        std::fprintf(out, "availability core alone on the same %.0f bookings, in memory: %.3f ms", counter(core, "bookings_read"),
                     core->real_ns / 1e6);
        if (a != nullptr) std::fprintf(out, " (engine/core: %.1f×)", a->real_ns / core->real_ns);
        std::fprintf(out, "\n");
    }
    if (availability_fixture) {
        std::fprintf(out, "(the 100,000-booking database was built in %.2f s)\n", availability_fixture->build_seconds);
    }
}

}  // namespace

BENCHMARK(book_engine_distinct)->Name(name_engine)->Threads(1)->Threads(2)->Threads(8)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(book_raw_distinct)->Name(name_raw)->Threads(1)->Threads(2)->Threads(8)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(book_engine_contended)->Name(name_engine_contended)->Threads(2)->Threads(8)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(book_raw_contended)->Name(name_raw_contended)->Threads(2)->Threads(8)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(book_checked_first_distinct)->Name(name_checked_first)->Threads(8)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(book_checked_first_contended)->Name(name_checked_first_contended)->Threads(8)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(book_paired_distinct)->Name(name_paired)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(book_engine_paid)->Name(name_engine_paid)->Threads(1)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(book_engine_two_resources)->Name(name_engine_two)->Threads(1)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(availability_two_groups)->Name(name_two_groups)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(availability_one_group)->Name(name_one_group)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(availability_engine)->Name(name_availability)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(availability_core_only)->Name(name_availability_core)->UseRealTime()->Unit(benchmark::kMicrosecond);

// A thread burning one core until the run ends.
class CpuHog {
public:
    CpuHog() : thread_([this] {
        std::uint64_t x = 1;
        while (!stop_.load(std::memory_order_relaxed)) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            benchmark::DoNotOptimize(x);
        }
    }) {}
    ~CpuHog() {
        stop_.store(true);
        thread_.join();
    }
    CpuHog(const CpuHog&) = delete;
    CpuHog& operator=(const CpuHog&) = delete;

private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

int main(int argc, char** argv) {
    int repetitions = 1;
    bool hog = false;
    std::vector<char*> given;
    for (int i = 0; i < argc; ++i) {
        if (i > 0 && std::string_view(argv[i]) == "--cpu_hog") {
            hog = true;
        } else {
            given.push_back(argv[i]);
        }
    }
    argc = static_cast<int>(given.size());
    argv = given.data();
    std::optional<CpuHog> spinning;
    if (hog) {
        spinning.emplace();
        std::fprintf(stderr, "a CPU hog thread spins beside the benchmark for the whole run\n");
    }
    auto args = slotwise::bench::with_default_repetitions(argc, argv, repetitions);
    int count = static_cast<int>(args.size()) - 1;
    benchmark::Initialize(&count, args.data());
    if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 1;
    RecordingReporter reporter(benchmark::CreateDefaultDisplayReporter());
    benchmark::RunSpecifiedBenchmarks(&reporter);
    if (hog) std::fprintf(reporter.console() ? stdout : stderr, "\nwith a CPU hog thread spinning beside the benchmark:");
    print_summary(reporter, repetitions);
    spinning.reset();
    // The engine's files whose fixtures were made, checked once closed.
    std::vector<std::filesystem::path> engine_files;
    if (engine_book_fixture) engine_files.push_back(work_dir() / "book-engine.db");
    if (checked_first_fixture) engine_files.push_back(work_dir() / "book-engine-checked-first.db");
    benchmark::Shutdown();
    // Close every database before removing the directory they live in.
    engine_book_fixture.reset();
    checked_first_fixture.reset();
    raw_book_fixture.reset();
    availability_fixture.reset();
    groups_fixture.reset();
    bool dropped = false;
    for (const auto& file : engine_files) {
        if (const auto n = dropped_confirmations(file); n != 0) {
            dropped = true;
            std::fprintf(stderr,
                         "engine_bench: %s: %lld customers' bookings kept no confirmation (%s): the book() figures "
                         "are not of real bookings (see kCustomersPerThread)\n",
                         file.filename().c_str(), static_cast<long long>(n),
                         n < 0 ? "the file could not be read" : "dropped over the tenant's cap");
        }
    }
    remove_work_dir();
    return dropped ? 1 : 0;
}
