// The SQLite adapter: the storage conformance suite over a file and over
// ":memory:", then what is particular to SQLite — pragmas, schema versions,
// refusing files it must not touch, and how writers and readers wait for each
// other across threads and processes.
#include "support/temp_dir.hpp"
#include "sqlite/statements.hpp"
#include "store_conformance.hpp"

#include <slotwise/sqlite.hpp>
#include <slotwise/store_wrapper.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace slotwise;
using namespace std::chrono_literals;
using slotwise::conformance::detail::at;
using slotwise::conformance::detail::booking;
using slotwise::conformance::detail::expect_error;

namespace {

using Clock = std::chrono::steady_clock;


// A plain SQLite connection of the test's own, to look at a file from outside.
class Raw {
public:
    explicit Raw(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            nullptr) != SQLITE_OK) {
            FAIL("cannot open ", path, ": ", sqlite3_errmsg(db_));
        }
    }
    explicit Raw(sqlite3* borrowed) : db_(borrowed), owned_(false) {}
    ~Raw() {
        if (owned_) sqlite3_close(db_);
    }
    Raw(const Raw&) = delete;
    Raw& operator=(const Raw&) = delete;

    void exec(const std::string& sql) {
        char* message = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            const std::string text = message ? message : "?";
            sqlite3_free(message);
            FAIL(sql, ": ", text);
        }
    }
    // The first column of every row of `sql`, as text, with `arg` bound to ?1.
    std::vector<std::string> column(const std::string& sql, const std::string& arg = {}) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
            FAIL(sql, ": ", sqlite3_errmsg(db_));
        if (sqlite3_bind_parameter_count(stmt) > 0) {
            sqlite3_bind_text(stmt, 1, arg.data(), static_cast<int>(arg.size()), SQLITE_TRANSIENT);
        }
        std::vector<std::string> out;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
            out.emplace_back(p ? p : "");
        }
        sqlite3_finalize(stmt);
        return out;
    }
    std::string value(const std::string& sql) {
        const auto rows = column(sql);
        REQUIRE(rows.size() == 1);
        return rows[0];
    }
    // The lines of `sql`'s query plan (EXPLAIN QUERY PLAN's detail column).
    std::vector<std::string> plan(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        const std::string explain = "EXPLAIN QUERY PLAN " + sql;
        if (sqlite3_prepare_v2(db_, explain.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
            FAIL(sql, ": ", sqlite3_errmsg(db_));
        std::vector<std::string> out;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)));
        }
        sqlite3_finalize(stmt);
        return out;
    }

private:
    sqlite3* db_ = nullptr;
    bool owned_ = true;
};

// Records every SQLite connection opened in this process while it lives
// (through an auto-extension), so a test can ask the store's own connections
// which pragmas are in effect.
class ConnectionSpy {
public:
    ConnectionSpy() {
        std::lock_guard lock(mutex());
        opened().clear();
        sqlite3_auto_extension(reinterpret_cast<void (*)()>(&record));
    }
    ~ConnectionSpy() { sqlite3_cancel_auto_extension(reinterpret_cast<void (*)()>(&record)); }
    ConnectionSpy(const ConnectionSpy&) = delete;
    ConnectionSpy& operator=(const ConnectionSpy&) = delete;
    std::vector<sqlite3*> connections() const {
        std::lock_guard lock(mutex());
        return opened();
    }

private:
    static int record(sqlite3* db, const char**, const sqlite3_api_routines*) {
        std::lock_guard lock(mutex());
        opened().push_back(db);
        return SQLITE_OK;
    }
    static std::mutex& mutex() {
        static std::mutex m;
        return m;
    }
    static std::vector<sqlite3*>& opened() {
        static std::vector<sqlite3*> v;
        return v;
    }
};

const TenantId tenant{"tenant_a"};

void add_tenant(Store& store) {
    auto tx = store.write();
    tx->insert_tenant({.id = tenant, .name = "Salon", .created_at = at("2026-01-01T00:00:00Z")});
    tx->commit();
}

void add_booking(Store& store, const std::string& id) {
    auto tx = store.write();
    tx->insert_booking(tenant, booking(id, "res_1", at("2026-06-01T10:00:00Z")));
    tx->commit();
}

bool has_booking(Store& store, const std::string& id) {
    return store.read()->booking(tenant, {id}).has_value();
}

// A SQL script of tests/sqlite/, such as the schema of an older version.
std::string script(const std::string& name) {
    std::ifstream in(std::string(SLOTWISE_TEST_DIR) + "/sqlite/" + name);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A migrated file: at this build's schema version, and intact.
void check_current_and_intact(Raw& raw) {
    CHECK(raw.value("PRAGMA user_version") == std::to_string(sqlite_schema_version()));
    CHECK(raw.value("PRAGMA integrity_check") == "ok");
}

// Builds a file of schema version 7 (the frozen released steps) at `path`,
// with one tenant, tenant_a, named `name`.
void version_7_file(const std::string& path, const std::string& name) {
    Raw raw(path);
    for (const char* step : {"schema_v1.sql", "schema_v1_to_v2.sql", "schema_v2_to_v3.sql", "schema_v3_to_v4.sql",
                             "schema_v4_to_v5.sql", "schema_v5_to_v6.sql", "schema_v6_to_v7.sql"}) {
        raw.exec(script(step));
    }
    REQUIRE(raw.value("PRAGMA user_version") == "7");
    raw.exec("INSERT INTO tenants (tenant_id, name, created_at) VALUES ('tenant_a', '" + name + "', 0)");
}

template <class D>
long long ms(D d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

// --- the conformance suite --------------------------------------------------

TEST_CASE("the SQLite store on a file passes the storage conformance suite") {
    slotwise::test::TempDir dir;
    int n = 0;
    conformance::run_store_conformance(
        [&] { return open_sqlite({.path = dir.file("store" + std::to_string(n++) + ".db")}); });
}

TEST_CASE("the SQLite store in memory passes the storage conformance suite") {
    conformance::run_store_conformance(
        [] { return open_sqlite({.path = ":memory:", .busy_timeout = 2s}); });
}

TEST_CASE("the SQLite store behind a StoreWrapper passes the storage conformance suite") {
    slotwise::test::TempDir dir;
    int n = 0;
    conformance::run_store_conformance([&] {
        return std::make_shared<StoreWrapper>(open_sqlite({.path = dir.file("wrapped" + std::to_string(n++) + ".db")}));
    });
}

// --- faults injected through a wrapper ----------------------------------------

namespace {

enum class FaultAt { before_the_store, after_the_store };

// Fails every insert_notification with storage_error, either before the call
// reaches SQLite or after SQLite has written the row.
class FailingOutbox final : public TransactionWrapper {
public:
    FailingOutbox(std::unique_ptr<Transaction> target, FaultAt at) : TransactionWrapper(std::move(target)), at_(at) {}
    void insert_notification(const Notification& n) override {
        if (at_ == FaultAt::after_the_store) TransactionWrapper::insert_notification(n);
        throw Error(Errc::storage_error, "injected: the outbox is unavailable");
    }

private:
    FaultAt at_;
};

class StoreWithFailingOutbox final : public StoreWrapper {
public:
    StoreWithFailingOutbox(std::shared_ptr<Store> target, FaultAt at) : StoreWrapper(std::move(target)), at_(at) {}

protected:
    std::unique_ptr<Transaction> wrap(std::unique_ptr<Transaction> tx) override {
        return std::make_unique<FailingOutbox>(std::move(tx), at_);
    }

private:
    FaultAt at_;
};

}  // namespace

TEST_CASE("a booking transaction whose outbox write fails leaves nothing of itself behind") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("outbox-fault.db");
    auto plain = open_sqlite({.path = path});
    add_tenant(*plain);
    const auto kept = booking("bkg_kept", "res_1", at("2026-06-01T09:00:00Z"));
    const auto kept_confirmation = conformance::detail::confirmation_of(tenant, kept);
    {
        auto tx = plain->write();
        tx->insert_booking(tenant, kept, &kept_confirmation);
        tx->commit();
    }
    FaultAt where = FaultAt::before_the_store;
    SUBCASE("the fault strikes before the call reaches SQLite") { where = FaultAt::before_the_store; }
    SUBCASE("the fault strikes after SQLite wrote the row") { where = FaultAt::after_the_store; }
    auto store = std::make_shared<StoreWithFailingOutbox>(plain, where);

    // A new booking with its confirmation, a change to the kept booking (its
    // owed confirmation moves to the outbox), then the notice that fails.
    const auto fresh = booking("bkg_new", "res_1", at("2026-06-01T10:00:00Z"));
    const auto confirmation = conformance::detail::confirmation_of(tenant, fresh);
    auto moved = kept;
    moved.interval = {at("2026-06-01T11:00:00Z"), at("2026-06-01T11:30:00Z")};
    auto notice = conformance::detail::confirmation_of(tenant, moved, "ntf_moved");
    notice.kind = NotificationKind::booking_rescheduled;
    expect_error(Errc::storage_error, [&] {
        auto tx = store->write();
        tx->insert_booking(tenant, fresh, &confirmation);
        tx->update_booking(tenant, moved);
        tx->insert_notification(notice);
        tx->commit();
    });

    auto tx = plain->read();
    CHECK_FALSE(tx->booking(tenant, fresh.id));
    CHECK(tx->notifications(tenant, fresh.id).empty());
    CHECK(tx->booking(tenant, kept.id) == kept);
    CHECK(tx->notifications(tenant, kept.id) == std::vector<Notification>{kept_confirmation});
    Raw raw(path);
    CHECK(raw.value("SELECT count(*) FROM outbox") == "0");  // the confirmation is still owed by its row
    CHECK(raw.value("SELECT count(*) FROM bookings") == "1");
}

TEST_CASE("a StoreWrapper passes the event sink on to its target") {
    class SinkRecorder final : public StoreWrapper {
    public:
        using StoreWrapper::StoreWrapper;
        void set_event_sink(EventSink sink) override {
            sink({.kind = EngineEventKind::storage_retry, .detail = "test"});
            StoreWrapper::set_event_sink(std::move(sink));
        }
    };
    auto recorder = std::make_shared<SinkRecorder>(open_sqlite({.path = ":memory:"}));
    StoreWrapper outer(recorder);
    std::vector<EngineEvent> events;
    outer.set_event_sink([&](const EngineEvent& e) { events.push_back(e); });
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == EngineEventKind::storage_retry);
    CHECK(&outer.target() == recorder.get());
}

// --- opening ----------------------------------------------------------------

TEST_CASE("a store's connections run WAL with the chosen synchronous level and busy timeout") {
    slotwise::test::TempDir dir;
    const auto check = [&](bool full, std::chrono::milliseconds timeout, const char* synchronous) {
        ConnectionSpy spy;
        auto store = open_sqlite({.path = dir.file(full ? "full.db" : "normal.db"),
                                  .synchronous_full = full,
                                  .busy_timeout = timeout});
        {
            // Two transactions at once: the pool opens a second connection
            // beside the first and its checkpointer's, which must sync too.
            auto w = store->write();
            auto r = store->read();
        }
        const auto connections = spy.connections();
        REQUIRE(connections.size() == 3);
        for (sqlite3* db : connections) {
            Raw c(db);
            CHECK(c.value("PRAGMA journal_mode") == "wal");
            CHECK(c.value("PRAGMA synchronous") == synchronous);  // 1 = NORMAL, 2 = FULL
            CHECK(c.value("PRAGMA busy_timeout") == std::to_string(timeout.count()));
        }
    };
    SUBCASE("NORMAL by default") { check(false, 30s, "1"); }
    SUBCASE("FULL when asked") { check(true, 1234ms, "2"); }
}

TEST_CASE("the schema version is stored in user_version and a reopened file keeps its data") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("bookings.db");
    {
        auto store = open_sqlite({.path = path});
        add_tenant(*store);
        add_booking(*store, "bkg_1");
    }
    CHECK(sqlite_schema_version() >= 1);
    {
        Raw raw(path);
        CHECK(raw.value("PRAGMA user_version") == std::to_string(sqlite_schema_version()));
        CHECK(raw.value("PRAGMA journal_mode") == "wal");
    }
    for (int i = 0; i < 2; ++i) {
        auto store = open_sqlite({.path = path});
        CHECK(has_booking(*store, "bkg_1"));
        add_booking(*store, "bkg_" + std::to_string(i + 2));
    }
    auto store = open_sqlite({.path = path});
    CHECK(store->read()->bookings(tenant, {}).size() == 3);
    Raw raw(path);
    check_current_and_intact(raw);
}

TEST_CASE("every table and index leads with tenant_id") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("schema.db");
    open_sqlite({.path = path});
    Raw raw(path);
    const auto tables =
        raw.column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    CHECK(tables == std::vector<std::string>{"api_key_directory", "api_keys", "blocks", "booking_holds", "bookings", "checkout_sessions", "date_overrides",
                                             "message_texts", "outbox", "outbox_sweep", "payment_events", "payment_settings",
                                             "resources", "service_resources", "services",
                                             "table_combinations", "tenant_policies", "tenants", "unmatched_payments",
                                             "waitlist", "waitlist_sweep", "weekly_hours"});
    for (const auto& table : tables) {
        CAPTURE(table);
        // The one exception holds no tenant's data: a single row with the
        // position of the outbox's last sweep over the bookings table.
        if (table == "outbox_sweep") {
            CHECK(raw.value("SELECT count(*) FROM outbox_sweep") == "1");
            continue;
        }
        // The other: API key hash → tenant, what authentication reads to
        // learn the tenant (api_keys.hpp).
        if (table == "api_key_directory") continue;
        CHECK(raw.column("SELECT name FROM pragma_table_info(?1) WHERE pk = 1", table) ==
              std::vector<std::string>{"tenant_id"});
    }
    const auto indexes =
        raw.column("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name");
    CHECK(indexes.size() >= 4);
    for (const auto& index : indexes) {
        CAPTURE(index);
        if (index.starts_with("sqlite_autoindex_api_key_directory")) continue;
        CHECK(raw.column("SELECT name FROM pragma_index_info(?1) WHERE seqno = 0", index) ==
              std::vector<std::string>{"tenant_id"});
    }
}

namespace {
// A free booking as book() writes it: with its confirmation, unrendered.
Notification add_confirmed_booking(Store& store, const std::string& id, Instant start) {
    const auto b = booking(id, "res_1", start);
    const auto n = conformance::detail::confirmation_of(tenant, b);
    auto tx = store.write();
    tx->insert_booking(tenant, b, &n);
    tx->commit();
    return n;
}
}  // namespace

TEST_CASE("a free booking writes one row: its confirmation moves to the outbox table when the outbox is used") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("owed.db");
    auto store = open_sqlite({.path = path});
    add_tenant(*store);
    const auto n1 = add_confirmed_booking(*store, "bkg_1", at("2026-06-01T10:00:00Z"));
    const auto n2 = add_confirmed_booking(*store, "bkg_2", at("2026-06-01T11:00:00Z"));
    Raw raw(path);
    CHECK(raw.value("SELECT count(*) FROM outbox") == "0");
    CHECK(raw.column("SELECT owes_confirmation FROM bookings ORDER BY rowid") ==
          std::vector<std::string>{"1", "1"});
    {
        // Cancelling bkg_2 moves its confirmation out first.
        auto tx = store->write();
        auto b = *tx->booking(tenant, {"bkg_2"});
        b.status = BookingStatus::cancelled;
        tx->update_booking(tenant, b);
        tx->commit();
    }
    CHECK(raw.column("SELECT notification_id FROM outbox") == std::vector<std::string>{n2.id});
    {
        auto tx = store->write();
        const auto taken = tx->take_notifications(at("2026-07-01T00:00:00Z"), 10);
        REQUIRE(taken.size() == 2);
        CHECK(taken[0].id == n1.id);
        CHECK(taken[1].id == n2.id);
        tx->commit();
    }
    CHECK(raw.column("SELECT notification_id FROM outbox ORDER BY rowid") ==
          std::vector<std::string>{n2.id, n1.id});
    CHECK(raw.value("SELECT count(*) FROM bookings WHERE owes_confirmation IS NOT NULL") == "0");
    CHECK(raw.value("SELECT last_row FROM outbox_sweep") == raw.value("SELECT max(rowid) FROM bookings"));
}

TEST_CASE("counting a customer's notifications of the last hour reads two indexes and no row") {
    // book() counts them for every customer's booking (the cap on
    // notifications per customer and hour): a plan that visits each counted
    // booking's row reads a page per notification.
    slotwise::test::TempDir dir;
    const auto path = dir.file("count.db");
    auto store = open_sqlite({.path = path});
    Raw raw(path);
    const auto plan = raw.plan(slotwise::sqlite::kCountNotificationsByCreator);
    const auto has = [&](const std::string& line) { return std::find(plan.begin(), plan.end(), line) != plan.end(); };
    CHECK(has("SEARCH outbox USING COVERING INDEX outbox_by_creator (tenant_id=? AND created_by=? AND created_at>?)"));
    CHECK(has("SEARCH bookings USING COVERING INDEX bookings_owing_by_creator "
              "(tenant_id=? AND created_by=? AND created_at>?)"));
    for (const auto& line : plan) {
        CHECK_MESSAGE(line.find("USING INDEX") == std::string::npos, line);
        CHECK_MESSAGE(line.find("SCAN bookings") == std::string::npos, line);
        CHECK_MESSAGE(line.find("SCAN outbox") == std::string::npos, line);
    }
}

TEST_CASE("a booking that reuses a deleted booking's rowid still has its confirmation taken") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("reused.db");
    auto store = open_sqlite({.path = path});
    add_tenant(*store);
    add_confirmed_booking(*store, "bkg_1", at("2026-06-01T10:00:00Z"));
    add_confirmed_booking(*store, "bkg_2", at("2026-06-01T11:00:00Z"));
    const auto take = [&] {
        auto tx = store->write();
        auto taken = tx->take_notifications(at("2026-07-01T00:00:00Z"), 10);
        tx->commit();
        return taken;
    };
    CHECK(take().size() == 2);
    Raw raw(path);
    raw.exec("DELETE FROM bookings WHERE booking_id = 'bkg_2'");  // by hand: the library never deletes
    const auto n3 = add_confirmed_booking(*store, "bkg_3", at("2026-06-01T12:00:00Z"));
    CHECK(raw.value("SELECT rowid FROM bookings WHERE booking_id = 'bkg_3'") == "2");
    const auto taken = take();
    REQUIRE(taken.size() == 1);
    CHECK(taken[0].id == n3.id);
}

TEST_CASE("a booking changed by plain SQL while it owes its confirmation first moves it to the outbox") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("sql.db");
    auto store = open_sqlite({.path = path});
    add_tenant(*store);
    const auto n = add_confirmed_booking(*store, "bkg_1", at("2026-06-01T10:00:00Z"));
    Raw raw(path);
    raw.exec("UPDATE bookings SET start_at = start_at + 3600, end_at = end_at + 3600, status = 'cancelled'");
    CHECK(raw.value("SELECT count(*) FROM outbox") == "1");
    CHECK(raw.value("SELECT count(*) FROM bookings WHERE owes_confirmation IS NOT NULL") == "0");
    // What the customer was told is the time they booked, once.
    CHECK(store->read()->notifications(tenant, {"bkg_1"}) == std::vector<Notification>{n});
    raw.exec("UPDATE bookings SET status = 'confirmed'");
    CHECK(raw.value("SELECT count(*) FROM outbox") == "1");
}

TEST_CASE("owed confirmations are still found when the bookings' rowids fall below the sweep position") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("renumbered.db");
    auto store = open_sqlite({.path = path});
    add_tenant(*store);
    const auto n = add_confirmed_booking(*store, "bkg_1", at("2026-06-01T10:00:00Z"));
    Raw(path).exec("UPDATE outbox_sweep SET last_row = 1000");
    auto tx = store->write();
    const auto taken = tx->take_notifications(at("2026-07-01T00:00:00Z"), 10);
    REQUIRE(taken.size() == 1);
    CHECK(taken[0].id == n.id);
}

TEST_CASE("a version-1 file is upgraded in place, keeping its bookings and the text of its outbox rows") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("v1.db");
    {
        Raw raw(path);
        raw.exec(script("schema_v1.sql"));
        raw.exec("INSERT INTO tenants VALUES ('tenant_a', 'Salon', 0)");
        raw.exec(R"sql(INSERT INTO bookings VALUES ('tenant_a', 'bkg_old', 'svc_cut', 'res_1', 1780308000,
                 1780309800, 1780308000, 1780309800, 1, 0, 0, 'Ada', 'ada@example.com', '', 'it', 'confirmed',
                 'none', NULL, NULL, 'fp', 'ada', 1780000000, 1780000000, '', ''))sql");
        raw.exec(R"sql(INSERT INTO outbox VALUES ('tenant_a', 'tenant_a:ntf_old', 'booking_confirmed', 'bkg_old',
                 'it', 'ada@example.com', 'Prenotazione confermata', 'Ciao Ada', 'BEGIN:VCALENDAR', 1780000000,
                 0, 1780000000, NULL))sql");
        CHECK(raw.value("PRAGMA user_version") == "1");
    }
    auto store = open_sqlite({.path = path});
    Raw raw(path);
    check_current_and_intact(raw);
    CHECK(raw.value("SELECT last_row FROM outbox_sweep") == raw.value("SELECT max(rowid) FROM bookings"));
    CHECK(has_booking(*store, "bkg_old"));
    const auto old = store->read()->notifications(tenant, {"bkg_old"});
    REQUIRE(old.size() == 1);
    CHECK(old[0].subject == "Prenotazione confermata");
    CHECK(old[0].body == "Ciao Ada");
    CHECK(old[0].ics == "BEGIN:VCALENDAR");
    // New bookings work as in a new file.
    const auto n = add_confirmed_booking(*store, "bkg_new", at("2026-06-02T10:00:00Z"));
    auto tx = store->write();
    const auto taken = tx->take_notifications(at("2026-07-01T00:00:00Z"), 10);
    REQUIRE(taken.size() == 2);
    CHECK(taken[0].id == "tenant_a:ntf_old");
    CHECK(taken[1] == [&] {
        auto leased = n;
        leased.attempts = 1;
        return leased;
    }());
    tx->commit();
}

TEST_CASE("a version-3 file is upgraded in place: idempotency keys become per subject, policies start at the defaults") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("v3.db");
    {
        Raw raw(path);
        raw.exec(script("schema_v1.sql"));
        raw.exec(script("schema_v1_to_v2.sql"));
        raw.exec(script("schema_v2_to_v3.sql"));
        raw.exec("INSERT INTO tenants (tenant_id, name, created_at) VALUES ('tenant_a', 'Salon', 0)");
        raw.exec(R"sql(INSERT INTO bookings VALUES ('tenant_a', 'bkg_old', 'svc_cut', 'res_1', 1780308000,
                 1780309800, 1780308000, 1780309800, 1, 0, 0, 'Ada', 'ada@example.com', '', 'it', 'pending',
                 'pending', 1780300900, 'order-1', 'fp', 'ada', 1780300000, 1780300000, '', '', NULL))sql");
        CHECK(raw.value("PRAGMA user_version") == "3");
    }
    auto store = open_sqlite({.path = path});
    Raw raw(path);
    check_current_and_intact(raw);
    auto tx = store->write();
    // The old booking is found under its creator's key, and only there.
    const auto old = tx->booking_by_idempotency_key(tenant, "ada", "order-1");
    REQUIRE(old);
    CHECK(old->id == BookingId{"bkg_old"});
    CHECK_FALSE(tx->booking_by_idempotency_key(tenant, "bob", "order-1"));
    // Another subject may now use the same key.
    auto bobs = *old;
    bobs.id = {"bkg_bob"};
    bobs.created_by = "bob";
    tx->insert_booking(tenant, bobs);
    CHECK(tx->booking_by_idempotency_key(tenant, "bob", "order-1") == bobs);
    // Holdings are counted from the old rows too; no policy row yet.
    CHECK(tx->customer_holdings(tenant, "ada", Instant{std::chrono::seconds{1780300500}}, 10).pending == 1);
    CHECK_FALSE(tx->policy(tenant));
    tx->commit();
}

TEST_CASE("a version-2 file is upgraded in place, its services taking a cancel notice of 0") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("v2.db");
    {
        Raw raw(path);
        raw.exec(script("schema_v1.sql"));
        raw.exec(script("schema_v1_to_v2.sql"));
        raw.exec("INSERT INTO tenants (tenant_id, name, created_at) VALUES ('tenant_a', 'Salon', 0)");
        raw.exec(R"sql(INSERT INTO services VALUES ('tenant_a', 'svc_cut', 'Cut', 30, 15, 5, 10, 2500, 'EUR',
                 120, 0, 15))sql");
        raw.exec("INSERT INTO service_resources VALUES ('tenant_a', 'svc_cut', 0, 'res_1')");
        raw.exec(R"sql(INSERT INTO bookings VALUES ('tenant_a', 'bkg_old', 'svc_cut', 'res_1', 1780308000,
                 1780309800, 1780308000, 1780309800, 1, 0, 0, 'Ada', 'ada@example.com', '', 'it', 'confirmed',
                 'none', NULL, NULL, 'fp', 'ada', 1780000000, 1780000000, '', '', 1))sql");
        CHECK(raw.value("PRAGMA user_version") == "2");
    }
    auto store = open_sqlite({.path = path});
    Raw raw(path);
    check_current_and_intact(raw);
    const auto old = store->read()->service(tenant, {"svc_cut"});
    REQUIRE(old);
    CHECK(old->cancel_notice == 0min);
    CHECK(old->hold == 15min);
    CHECK(old->all_resources() == std::vector<ResourceId>{{"res_1"}});
    // The booking still owes its confirmation, which reads as before.
    const auto owed = store->read()->notifications(tenant, {"bkg_old"});
    REQUIRE(owed.size() == 1);
    CHECK(owed[0].id == confirmation_id(tenant, {"bkg_old"}));
    auto changed = *old;
    changed.cancel_notice = 24h;
    {
        auto tx = store->write();
        tx->put_service(tenant, changed);
        tx->commit();
    }
    CHECK(store->read()->service(tenant, {"svc_cut"}) == changed);
}

TEST_CASE("a version-5 file is upgraded in place: outbox rows learn their creator, owed confirmations still move") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("v5.db");
    {
        Raw raw(path);
        for (const char* step : {"schema_v1.sql", "schema_v1_to_v2.sql", "schema_v2_to_v3.sql", "schema_v3_to_v4.sql",
                                 "schema_v4_to_v5.sql"}) {
            raw.exec(script(step));
        }
        CHECK(raw.value("PRAGMA user_version") == "5");
        raw.exec("INSERT INTO tenants (tenant_id, name, created_at) VALUES ('tenant_a', 'Salon', 0)");
        raw.exec(R"sql(INSERT INTO tenant_policies VALUES ('tenant_a', 3, NULL, 30, NULL))sql");
        const auto booking = [&](const char* id, const char* owes) {
            raw.exec(std::string(R"sql(INSERT INTO bookings (tenant_id, booking_id, service_id, resource_id, start_at,
                 end_at, occ_start, occ_end, seats, buffer_before_min, buffer_after_min, customer_name, customer_email,
                 customer_phone, customer_locale, status, payment_status, hold_expires_at, idempotency_key,
                 request_fingerprint, created_by, created_at, updated_at, checkout_id, payment_reference,
                 owes_confirmation)
                 VALUES ('tenant_a', ')sql") + id + R"sql(', 'svc_cut', 'res_1', 1780308000, 1780309800, 1780308000,
                 1780309800, 1, 0, 0, 'Ada', 'ada@example.com', '', 'it', 'confirmed', 'none', NULL, NULL, 'fp',
                 'ada', 1780300000, 1780300000, '', '', )sql" + owes + ")");
        };
        booking("bkg_mailed", "NULL");
        booking("bkg_owes", "1");
        raw.exec(R"sql(INSERT INTO outbox (tenant_id, notification_id, kind, booking_id, locale, recipient, subject,
                 body, ics, created_at, attempts, next_attempt_at, sent_at, resource_id, start_at, end_at, sequence)
                 VALUES ('tenant_a', 'n1', 'booking_confirmed', 'bkg_mailed', 'it', 'ada@example.com', '', '', '',
                 1780300000, 0, 1780300000, NULL, 'res_1', 1780308000, 1780309800, 0))sql");
    }
    auto store = open_sqlite({.path = path});
    Raw raw(path);
    check_current_and_intact(raw);
    const Instant made{std::chrono::seconds{1780300000}};
    // The old outbox row and the owed confirmation count against their creator.
    CHECK(store->read()->notifications_by_creator(tenant, "ada", made, 10) == 2);
    CHECK(store->read()->notifications_by_creator(tenant, "bob", made, 10) == 0);
    // A stored policy keeps its limits and takes the default cap.
    const auto policy = store->read()->policy(tenant);
    REQUIRE(policy);
    CHECK(policy->max_pending_per_customer == 3);
    CHECK(policy->max_notifications_per_customer_hour == TenantPolicy{}.max_notifications_per_customer_hour);
    // A change to the owing row (plain SQL, as an older process would make)
    // moves its confirmation with its creator.
    raw.exec("UPDATE bookings SET status = 'cancelled' WHERE booking_id = 'bkg_owes'");
    CHECK(raw.value("SELECT created_by FROM outbox WHERE booking_id = 'bkg_owes'") == "ada");
    CHECK(store->read()->notifications_by_creator(tenant, "ada", made, 10) == 2);
}

TEST_CASE("a version-6 file is upgraded in place: each booking holds its one resource, each service has one group") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("v6.db");
    {
        Raw raw(path);
        for (const char* step : {"schema_v1.sql", "schema_v1_to_v2.sql", "schema_v2_to_v3.sql", "schema_v3_to_v4.sql",
                                 "schema_v4_to_v5.sql", "schema_v5_to_v6.sql"}) {
            raw.exec(script(step));
        }
        raw.exec("INSERT INTO tenants (tenant_id, name, created_at) VALUES ('tenant_a', 'Salon', 0)");
        raw.exec("INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity, max_occupied)"
                 " VALUES ('tenant_a', 'res_1', 'Anna', 'staff', 'Europe/Rome', 1, 0)");
        raw.exec(R"sql(INSERT INTO services (tenant_id, service_id, name, duration_min, step_min, buffer_before_min,
                 buffer_after_min, price, currency, min_notice_min, horizon_min, hold_min, cancel_notice_min)
                 VALUES ('tenant_a', 'svc_cut', 'Cut', 30, 15, 0, 0, 0, '', 0, 0, 15, 0))sql");
        raw.exec("INSERT INTO service_resources VALUES ('tenant_a', 'svc_cut', 0, 'res_1')");
        raw.exec("INSERT INTO service_resources VALUES ('tenant_a', 'svc_cut', 1, 'res_2')");
        // A long booking (10:00-13:00 with buffers) the old triggers measured,
        // and a cancelled one.
        for (const char* row : {"'bkg_long', 'confirmed', 1780308000, 1780318800, 1780307400, 1780319400, 10, 10",
                                "'bkg_gone', 'cancelled', 1780308000, 1780309800, 1780308000, 1780309800, 0, 0"}) {
            raw.exec(std::string(R"sql(INSERT INTO bookings (tenant_id, booking_id, status, start_at, end_at, occ_start,
                 occ_end, buffer_before_min, buffer_after_min, service_id, resource_id, seats, customer_name,
                 customer_email, customer_phone, customer_locale, payment_status, request_fingerprint, created_by,
                 created_at, updated_at, checkout_id, payment_reference)
                 VALUES ('tenant_a', )sql") + row +
                     ", 'svc_cut', 'res_1', 1, 'Ada', '', '', 'en', 'none', 'fp', 'ada', 0, 0, '', '')");
        }
        CHECK(raw.value("PRAGMA user_version") == "6");
        CHECK(raw.value("SELECT max_occupied FROM resources") == "12000");
    }
    auto store = open_sqlite({.path = path});
    Raw raw(path);
    check_current_and_intact(raw);
    CHECK(raw.value("SELECT max_occupied FROM resources") == "12000");
    const auto svc = store->read()->service(tenant, {"svc_cut"});
    REQUIRE(svc);
    CHECK(svc->resource_groups == ResourceGroups{{{"res_1"}, {"res_2"}}});
    CHECK(svc->segments.empty());
    CHECK_FALSE(svc->limits.any());
    const auto now = Instant{std::chrono::seconds{1780000000}};
    const Interval noon{Instant{std::chrono::seconds{1780315200}}, Instant{std::chrono::seconds{1780315260}}};
    auto tx = store->read();
    // The long booking still holds its resource, long after it started.
    const auto occ = tx->occupancy(tenant, {"res_1"}, noon, now);
    REQUIRE(occ.size() == 1);
    CHECK(occ[0].buffer_before == 10min);
    CHECK(occ[0].occupied_interval() == Interval{Instant{std::chrono::seconds{1780307400}},
                                                 Instant{std::chrono::seconds{1780319400}}});
    CHECK(has_booking(*store, "bkg_long"));
    const auto old = tx->booking(tenant, {"bkg_long"});
    REQUIRE(old);
    CHECK(old->other_resources.empty());
    CHECK(old->holds() == std::vector<Hold>{{{"res_1"}, old->interval, 10min, 10min}});
    BookingFilter by{.resource = ResourceId{"res_1"}, .now = now};
    CHECK(tx->bookings(tenant, by).size() == 2);
    CHECK(tx->counted_starts(tenant, {"svc_cut"}, {"res_1"}, {now, now + std::chrono::hours{24 * 365}}, now) ==
          std::vector<Instant>{old->interval.begin});
}

TEST_CASE("a file of the version before payments were kept is upgraded in place: amounts due, sessions, unmatched payments") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("prev.db");
    {
        // A version-4 file, made by the released steps.
        Raw raw(path);
        for (const char* step : {"schema_v1.sql", "schema_v1_to_v2.sql", "schema_v2_to_v3.sql", "schema_v3_to_v4.sql"}) {
            raw.exec(script(step));
        }
        CHECK(raw.value("PRAGMA user_version") == "4");
        raw.exec("INSERT INTO tenants (tenant_id, name, created_at) VALUES ('tenant_a', 'Salon', 0)");
        raw.exec(R"sql(INSERT INTO services (tenant_id, service_id, name, duration_min, step_min, buffer_before_min,
                 buffer_after_min, price, currency, min_notice_min, horizon_min, hold_min, cancel_notice_min)
                 VALUES ('tenant_a', 'svc_colour', 'Colour', 60, 60, 0, 0, 4500, 'EUR', 0, 0, 15, 0))sql");
        const auto booking = [&](const char* id, const char* payment, const char* checkout) {
            raw.exec(std::string(R"sql(INSERT INTO bookings (tenant_id, booking_id, service_id, resource_id, start_at,
                 end_at, occ_start, occ_end, seats, buffer_before_min, buffer_after_min, customer_name, customer_email,
                 customer_phone, customer_locale, status, payment_status, hold_expires_at, idempotency_key,
                 request_fingerprint, created_by, created_at, updated_at, checkout_id, payment_reference)
                 VALUES ('tenant_a', ')sql") + id + R"sql(', 'svc_colour', 'res_1', 1780308000, 1780311600, 1780308000,
                 1780311600, 1, 0, 0, 'Ada', 'ada@example.com', '', 'it', 'pending', ')sql" + payment +
                     R"sql(', 1780300000, NULL, 'fp', 'ada', 1780000000, 1780000100, ')sql" + checkout + "', '')");
        };
        booking("bkg_paid", "pending", "cs_old");
        booking("bkg_free", "none", "");
    }
    auto store = open_sqlite({.path = path});
    Raw raw(path);
    check_current_and_intact(raw);
    // A booking made before the amount was kept owes its service's price as it is now.
    const auto paid = store->read()->booking(tenant, {"bkg_paid"});
    REQUIRE(paid);
    CHECK(paid->amount_due == 4500);
    CHECK(paid->currency_due == "EUR");
    CHECK(store->read()->booking(tenant, {"bkg_free"})->amount_due == 0);
    // Its checkout is its first session.
    const auto sessions = store->read()->checkout_sessions(tenant, {"bkg_paid"});
    REQUIRE(sessions.size() == 1);
    CHECK(sessions[0].id == "cs_old");
    CHECK_FALSE(sessions[0].close_by);
    CHECK(store->read()->unmatched_payments(tenant, 10).empty());
    auto tx = store->write();
    tx->insert_unmatched_payment(tenant, {.event_id = "evt_1", .provider = "stripe", .reason = "no_amount",
                                          .received_at = at("2026-06-01T07:00:00Z")});
    tx->commit();
    CHECK(store->read()->unmatched_payments(tenant, 10).size() == 1);
}

TEST_CASE("a connection's cached catalogue follows changes made through other connections, SQL included") {
    using conformance::detail::resource;
    using conformance::detail::service;
    slotwise::test::TempDir dir;
    const auto path = dir.file("catalogue.db");
    auto mine = open_sqlite({.path = path});
    auto theirs = open_sqlite({.path = path});  // its own connections, as another process would have
    add_tenant(*mine);
    WeeklyHours nine_to_five;
    nine_to_five[date::Monday] = {{9h, 17h}};
    const auto write = [](Store& store, auto&& f) {
        auto tx = store.write();
        f(*tx);
        tx->commit();
    };
    write(*theirs, [&](Transaction& tx) {
        tx.put_resource(tenant, resource("res_1"));
        tx.put_weekly_hours(tenant, {"res_1"}, nine_to_five);
        tx.put_service(tenant, service("svc_1", {{"res_1"}}));
    });
    const auto look = [&] {
        auto tx = mine->read();
        return std::tuple(tx->resource(tenant, {"res_1"}), tx->service(tenant, {"svc_1"}),
                          tx->weekly_hours(tenant, {"res_1"}));
    };
    for (int i = 0; i < 2; ++i) {  // the second time from the cache
        const auto [r, svc, hours] = look();
        REQUIRE(r);
        REQUIRE(svc);
        CHECK(r->name == "Anna");
        CHECK(svc->all_resources() == std::vector<ResourceId>{{"res_1"}});
        CHECK(hours.days == nine_to_five.days);
    }
    auto renamed = resource("res_1", 2);
    renamed.name = "Bea";
    WeeklyHours mornings;
    mornings[date::Tuesday] = {{8h, 12h}};
    write(*theirs, [&](Transaction& tx) {
        tx.put_resource(tenant, renamed);
        tx.put_resource(tenant, resource("res_2"));
        tx.put_weekly_hours(tenant, {"res_1"}, mornings);
        tx.put_service(tenant, service("svc_1", {{"res_2"}, {"res_1"}}));
    });
    {
        const auto [r, svc, hours] = look();
        CHECK(*r == renamed);
        CHECK(svc->all_resources() == std::vector<ResourceId>{{"res_2"}, {"res_1"}});
        CHECK(hours.days == mornings.days);
    }
    // Straight SQL (a migration script, a support engineer) is seen too.
    Raw(path).exec("UPDATE weekly_hours SET windows = '600-660' WHERE resource_id = 'res_1'");
    Raw(path).exec("UPDATE services SET name = 'Trim' WHERE service_id = 'svc_1'");
    Raw(path).exec("DELETE FROM service_resources WHERE resource_id = 'res_2'");
    {
        const auto [r, svc, hours] = look();
        CHECK(svc->name == "Trim");
        CHECK(svc->all_resources() == std::vector<ResourceId>{{"res_1"}});
        CHECK(hours[date::Tuesday] == std::vector<LocalWindow>{{10h, 11h}});
    }
    Raw(path).exec("DELETE FROM resources WHERE resource_id = 'res_1'");
    CHECK_FALSE(std::get<0>(look()));
}

TEST_CASE("a connection's cached blocks and overrides follow changes made elsewhere") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("calendar.db");
    auto mine = open_sqlite({.path = path});
    auto theirs = open_sqlite({.path = path});
    add_tenant(*mine);
    const ResourceId r{"res_1"};
    const Date june1{date::year{2026} / 6 / 1};
    const Date june2{date::year{2026} / 6 / 2};
    const Interval day{at("2026-06-01T00:00:00Z"), at("2026-06-02T00:00:00Z")};
    const auto write = [](Store& store, auto&& f) {
        auto tx = store.write();
        f(*tx);
        tx->commit();
    };
    const auto look = [&] {
        auto tx = mine->read();
        return std::pair(tx->blocks(tenant, r, day), tx->overrides(tenant, r, june1, june2));
    };
    CHECK(look().first.empty());  // cached: nothing
    CHECK(look().second.empty());
    const Block lunch{.id = {"blk_1"}, .resource = r,
                      .interval = {at("2026-06-01T11:00:00Z"), at("2026-06-01T12:00:00Z")}, .reason = "lunch"};
    write(*theirs, [&](Transaction& tx) {
        tx.insert_block(tenant, lunch);
        tx.put_override(tenant, r, june2, {{10h, 12h}});
    });
    {
        const auto [blocks, overrides] = look();
        CHECK(blocks == std::vector<Block>{lunch});
        REQUIRE(overrides.size() == 1);
        CHECK(overrides.at(june2) == std::vector<LocalWindow>{{10h, 12h}});
    }
    write(*theirs, [&](Transaction& tx) {
        CHECK(tx.delete_block(tenant, lunch.id));
        CHECK(tx.delete_override(tenant, r, june2));
    });
    CHECK(look().first.empty());
    CHECK(look().second.empty());
    Raw(path).exec("INSERT INTO blocks VALUES ('tenant_a', 'blk_sql', 'res_1', 1780308000, 1780311600, 'sql')");
    Raw(path).exec("INSERT INTO date_overrides VALUES ('tenant_a', 'res_1', 20605, '')");  // 2026-06-01 closed
    {
        const auto [blocks, overrides] = look();
        REQUIRE(blocks.size() == 1);
        CHECK(blocks[0].id.value == "blk_sql");
        REQUIRE(overrides.size() == 1);
        CHECK(overrides.at(june1).empty());
    }
}

TEST_CASE("a resource with more blocks and overrides than a connection caches is answered exactly") {
    slotwise::test::TempDir dir;
    auto store = open_sqlite({.path = dir.file("busy.db")});
    add_tenant(*store);
    const ResourceId r{"res_1"};
    const auto start = at("2026-01-01T09:00:00Z");
    const Date first{date::year{2026} / 1 / 1};
    constexpr int kDays = 150;  // past what one resource may keep cached
    {
        auto tx = store->write();
        for (int i = 0; i < kDays; ++i) {
            const auto begin = start + date::days{i};
            tx->insert_block(tenant, {.id = {"blk_" + std::to_string(1000 + i)}, .resource = r,
                                      .interval = {begin, begin + 1h}, .reason = ""});
            tx->put_override(tenant, r, Date{date::sys_days{first} + date::days{i}}, {{9h, 10h}});
        }
        tx->commit();
    }
    for (int round = 0; round < 2; ++round) {
        auto tx = store->read();
        const auto blocks = tx->blocks(tenant, r, {start + date::days{10} + 30min, start + date::days{20}});
        REQUIRE(blocks.size() == 10);
        CHECK(blocks.front().id.value == "blk_1010");
        CHECK(blocks.back().id.value == "blk_1019");
        const auto overrides = tx->overrides(tenant, r, Date{date::sys_days{first} + date::days{100}},
                                             Date{date::sys_days{first} + date::days{109}});
        CHECK(overrides.size() == 10);
    }
}

TEST_CASE("a connection answers repeated catalogue reads from its cache until the version moves") {
    using conformance::detail::resource;
    slotwise::test::TempDir dir;
    const auto path = dir.file("cached.db");
    auto store = open_sqlite({.path = path});
    add_tenant(*store);
    const Date june1{date::year{2026} / 6 / 1};
    {
        auto tx = store->write();
        tx->put_resource(tenant, resource("res_1"));
        tx->put_override(tenant, {"res_1"}, june1, {{9h, 10h}});
        tx->commit();
    }
    const auto look = [&] {
        auto tx = store->read();
        return std::pair(tx->resource(tenant, {"res_1"})->name, tx->overrides(tenant, {"res_1"}, june1, june1).size());
    };
    CHECK(look() == std::pair(std::string("Anna"), std::size_t{1}));
    // Behind the triggers' back: the cache does not see it...
    Raw raw(path);
    raw.exec("DROP TRIGGER resources_bump_catalogue_on_update");
    raw.exec("DROP TRIGGER date_overrides_bump_catalogue_on_delete");
    raw.exec("UPDATE resources SET name = 'Sneaky'");
    raw.exec("DELETE FROM date_overrides");
    CHECK(look() == std::pair(std::string("Anna"), std::size_t{1}));
    // ...until the version moves.
    raw.exec("UPDATE tenants SET catalogue_version = catalogue_version + 1");
    CHECK(look() == std::pair(std::string("Sneaky"), std::size_t{0}));
}

TEST_CASE("a connection's cached policy follows changes made elsewhere, SQL included, and is read from the cache") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("policy.db");
    auto mine = open_sqlite({.path = path});
    auto theirs = open_sqlite({.path = path});  // another process's connections
    add_tenant(*mine);
    const auto pending_cap = [&] {
        auto tx = mine->read();
        return tx->policy(tenant).value_or(TenantPolicy{}).max_pending_per_customer;
    };
    const auto set_cap = [](Store& store, int cap) {
        auto tx = store.write();
        tx->put_policy(tenant, TenantPolicy{.max_pending_per_customer = cap});
        tx->commit();
    };
    CHECK(pending_cap() == TenantPolicy{}.max_pending_per_customer);  // none stored: the defaults, cached
    set_cap(*theirs, 7);  // the first row: an insert
    CHECK(pending_cap() == 7);
    set_cap(*theirs, 3);  // an update
    CHECK(pending_cap() == 3);
    Raw raw(path);
    raw.exec("UPDATE tenant_policies SET max_pending_per_customer = 4");
    CHECK(pending_cap() == 4);
    raw.exec("DELETE FROM tenant_policies");
    CHECK(pending_cap() == TenantPolicy{}.max_pending_per_customer);
    // A transaction that sets the policy reads its own write.
    {
        auto tx = mine->write();
        CHECK(tx->policy(tenant).value_or(TenantPolicy{}).max_pending_per_customer == TenantPolicy{}.max_pending_per_customer);
        tx->put_policy(tenant, TenantPolicy{.max_pending_per_customer = 9});
        CHECK(tx->policy(tenant)->max_pending_per_customer == 9);
        tx->commit();
    }
    CHECK(pending_cap() == 9);
    // Read from the cache: behind the triggers' back the change is not seen
    // until the version moves.
    raw.exec("DROP TRIGGER tenant_policies_bump_catalogue_on_update");
    raw.exec("UPDATE tenant_policies SET max_pending_per_customer = 5");
    CHECK(pending_cap() == 9);
    raw.exec("UPDATE tenants SET catalogue_version = catalogue_version + 1");
    CHECK(pending_cap() == 5);
}

TEST_CASE("date overrides asked for an empty date range are none, cached or not") {
    slotwise::test::TempDir dir;
    auto store = open_sqlite({.path = dir.file("inverted.db")});
    add_tenant(*store);
    const Date june1{date::year{2026} / 6 / 1};
    const Date june3{date::year{2026} / 6 / 3};
    const Date june5{date::year{2026} / 6 / 5};
    {
        auto tx = store->write();
        tx->put_override(tenant, {"res_1"}, june3, {});
        tx->commit();
    }
    for (int i = 0; i < 2; ++i) CHECK(store->read()->overrides(tenant, {"res_1"}, june5, june1).empty());
    CHECK(store->read()->overrides(tenant, {"res_1"}, june1, june5).size() == 1);
}

TEST_CASE("a catalogue change that is rolled back never reaches the cache") {
    using conformance::detail::resource;
    slotwise::test::TempDir dir;
    const auto path = dir.file("rollback.db");
    auto mine = open_sqlite({.path = path});
    auto theirs = open_sqlite({.path = path});
    add_tenant(*mine);
    {
        auto tx = mine->write();
        tx->put_resource(tenant, resource("res_1"));
        tx->commit();
    }
    const auto name = [](Store& store) { return store.read()->resource(tenant, {"res_1"})->name; };
    CHECK(name(*mine) == "Anna");
    {
        auto tx = mine->write();
        auto draft = resource("res_1");
        draft.name = "Draft";
        tx->put_resource(tenant, draft);
        CHECK(tx->resource(tenant, {"res_1"})->name == "Draft");  // its own change, read back
    }  // rolled back
    CHECK(name(*mine) == "Anna");
    // Another change brings the version to where the rolled-back one had it.
    {
        auto tx = theirs->write();
        auto kept = resource("res_1");
        kept.name = "Kept";
        tx->put_resource(tenant, kept);
        tx->commit();
    }
    CHECK(name(*mine) == "Kept");
}

TEST_CASE("a file with a newer schema version is refused with storage_error and left untouched") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("future.db");
    open_sqlite({.path = path});
    const auto newer = std::to_string(sqlite_schema_version() + 1);
    Raw(path).exec("PRAGMA user_version = " + newer);
    expect_error(Errc::storage_error, [&] { open_sqlite({.path = path}); });
    CHECK(Raw(path).value("PRAGMA user_version") == newer);
}

TEST_CASE("files that are not slotwise databases are refused with storage_error") {
    slotwise::test::TempDir dir;
    SUBCASE("not a SQLite file") {
        const auto path = dir.file("notes.txt");
        std::ofstream(path) << std::string(8192, 'x');
        expect_error(Errc::storage_error, [&] { open_sqlite({.path = path}); });
    }
    SUBCASE("another application's SQLite file") {
        const auto path = dir.file("other.db");
        Raw(path).exec("CREATE TABLE bookings (id INTEGER PRIMARY KEY, what TEXT)");
        expect_error(Errc::storage_error, [&] { open_sqlite({.path = path}); });
        CHECK(Raw(path).value("PRAGMA journal_mode") == "delete");  // not switched to WAL
    }
    SUBCASE("a SQLite file with another application id") {
        const auto path = dir.file("app.db");
        Raw(path).exec("PRAGMA application_id = 42");
        expect_error(Errc::storage_error, [&] { open_sqlite({.path = path}); });
    }
    SUBCASE("a path that cannot be created") {
        expect_error(Errc::storage_error,
                     [&] { open_sqlite({.path = dir.file("missing/dir/x.db")}); });
    }
    SUBCASE("an unknown VFS") {
        expect_error(Errc::storage_error,
                     [&] { open_sqlite({.path = dir.file("x.db"), .vfs = "no-such-vfs"}); });
    }
    SUBCASE("an empty path") {
        expect_error(Errc::invalid_argument, [&] { open_sqlite({.path = ""}); });
    }
}

TEST_CASE("stores opening a new file at the same time all find it migrated once") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("race.db");
    std::vector<std::future<void>> openers;
    std::atomic<bool> go{false};
    for (int i = 0; i < 4; ++i) {
        openers.push_back(std::async(std::launch::async, [&, i] {
            while (!go) std::this_thread::yield();
            auto store = open_sqlite({.path = path});
            auto tx = store->write();
            tx->insert_tenant({.id = {"t" + std::to_string(i)}, .name = "T"});
            tx->commit();
        }));
    }
    go = true;
    for (auto& f : openers) CHECK_NOTHROW(f.get());
    auto store = open_sqlite({.path = path});
    auto tx = store->read();
    for (int i = 0; i < 4; ++i) CHECK(tx->tenant({"t" + std::to_string(i)}));
}

// --- transactions -----------------------------------------------------------

TEST_CASE("a read transaction refuses to write") {
    auto store = open_sqlite({.path = ":memory:"});
    auto tx = store->read();
    expect_error(Errc::storage_error, [&] { tx->insert_tenant({.id = tenant, .name = "x"}); });
}

TEST_CASE("a transaction cannot be used after commit or after a failed call") {
    auto store = open_sqlite({.path = ":memory:"});
    add_tenant(*store);
    SUBCASE("after commit") {
        auto tx = store->write();
        tx->commit();
        expect_error(Errc::storage_error, [&] { tx->tenant(tenant); });
        expect_error(Errc::storage_error, [&] { tx->commit(); });
    }
    SUBCASE("after a failed call") {
        auto tx = store->write();
        tx->insert_booking(tenant, booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z")));
        expect_error(Errc::storage_error,
                     [&] { tx->insert_tenant({.id = tenant, .name = "dup"}); });
        // Later calls must not run outside the rolled-back transaction.
        expect_error(Errc::storage_error, [&] {
            tx->insert_booking(tenant, booking("bkg_2", "res_1", at("2026-06-01T11:00:00Z")));
        });
        expect_error(Errc::storage_error, [&] { tx->commit(); });
    }
    // The connection went back to the store: new transactions work.
    CHECK_FALSE(has_booking(*store, "bkg_1"));
    CHECK_FALSE(has_booking(*store, "bkg_2"));
    add_booking(*store, "bkg_3");
    CHECK(has_booking(*store, "bkg_3"));
}

TEST_CASE("a write transaction waits for another writer instead of failing") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("wait.db");
    auto first_store = open_sqlite({.path = path});
    add_tenant(*first_store);
    std::shared_ptr<Store> second_store;
    SUBCASE("in one store") { second_store = first_store; }
    SUBCASE("in two stores on one file") { second_store = open_sqlite({.path = path}); }

    auto first = first_store->write();
    first->insert_booking(tenant, booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z")));
    const auto started = Clock::now();
    auto second = std::async(std::launch::async, [&] {
        auto tx = second_store->write();  // waits for the lock
        const auto waited = Clock::now() - started;
        const bool saw_first = tx->booking(tenant, {"bkg_1"}).has_value();
        tx->insert_booking(tenant, booking("bkg_2", "res_1", at("2026-06-01T11:00:00Z")));
        tx->commit();
        return std::pair{waited, saw_first};
    });
    CHECK(second.wait_for(300ms) == std::future_status::timeout);
    first->commit();
    const auto [waited, saw_first] = second.get();  // no storage_busy
    CHECK(ms(waited) >= 250);
    CHECK(saw_first);  // it started after the first committed
    CHECK(has_booking(*first_store, "bkg_2"));
}

TEST_CASE("a write transaction waits for a writer in another process") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("processes.db");
    {
        auto store = open_sqlite({.path = path});
        add_tenant(*store);
    }
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    std::fflush(nullptr);  // or the child would print the parent's buffered output again
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // The child: take the write lock, tell the parent, hold it, commit.
        int code = 0;
        try {
            auto store = open_sqlite({.path = path});
            auto tx = store->write();
            tx->insert_booking(tenant, booking("from_child", "res_1", at("2026-06-01T10:00:00Z")));
            if (write(ready[1], "x", 1) != 1) code = 2;
            std::this_thread::sleep_for(500ms);
            tx->commit();
        } catch (...) {
            code = 1;
        }
        _exit(code);
    }
    close(ready[1]);
    char byte = 0;
    REQUIRE(read(ready[0], &byte, 1) == 1);
    close(ready[0]);
    auto store = open_sqlite({.path = path});
    const auto started = Clock::now();
    auto tx = store->write();
    const auto waited = Clock::now() - started;
    CHECK(ms(waited) >= 200);
    CHECK(tx->booking(tenant, {"from_child"}));
    tx->commit();
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("a writer still waiting when the busy timeout ends gets storage_busy") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("busy.db");
    auto store = open_sqlite({.path = path, .busy_timeout = 100ms});
    add_tenant(*store);
    std::shared_ptr<Store> other;
    SUBCASE("in one store") { other = store; }
    SUBCASE("in two stores on one file") {
        other = open_sqlite({.path = path, .busy_timeout = 100ms});
    }
    auto first = store->write();
    first->insert_booking(tenant, booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z")));
    const auto started = Clock::now();
    expect_error(Errc::storage_busy, [&] { other->write(); });
    CHECK(ms(Clock::now() - started) >= 90);
    first->commit();
    // Nothing is left locked: the next writer goes straight through.
    add_booking(*other, "bkg_2");
    CHECK(has_booking(*store, "bkg_1"));
    CHECK(has_booking(*store, "bkg_2"));
}

TEST_CASE("a writer's busy timeout covers its wait behind this process's writers and another's lock together") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("budget.db");
    constexpr auto kTimeout = 400ms;
    auto store = open_sqlite({.path = path, .busy_timeout = kTimeout});
    add_tenant(*store);
    Raw other(path);
    other.exec("BEGIN IMMEDIATE");  // another process holds the write lock throughout
    // The first writer of this process waits at SQLite's lock, holding its
    // turn; the second waits for the turn, then has no time left for the lock.
    auto first = std::async(std::launch::async, [&] {
        expect_error(Errc::storage_busy, [&] { store->write(); });
    });
    std::this_thread::sleep_for(50ms);
    const auto started = Clock::now();
    expect_error(Errc::storage_busy, [&] { store->write(); });
    const auto waited = ms(Clock::now() - started);
    first.get();
    CHECK(waited >= 300);
    CHECK(waited < 600);  // not 800: one timeout in all, not one for each wait
    other.exec("COMMIT");
    // Neither failed writer kept its turn.
    add_booking(*store, "bkg_1");
    CHECK(has_booking(*store, "bkg_1"));
}

TEST_CASE("reads are not blocked by a writer and keep their snapshot") {
    slotwise::test::TempDir dir;
    auto store = open_sqlite({.path = dir.file("snapshot.db"), .busy_timeout = 5s});
    add_tenant(*store);
    add_booking(*store, "bkg_0");

    auto writer = store->write();
    writer->insert_booking(tenant, booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z")));
    const auto started = Clock::now();
    auto before = store->read();
    CHECK(ms(Clock::now() - started) < 1000);
    CHECK(before->booking(tenant, {"bkg_0"}));
    CHECK_FALSE(before->booking(tenant, {"bkg_1"}));  // not committed yet
    writer->commit();
    CHECK_FALSE(before->booking(tenant, {"bkg_1"}));  // its snapshot predates the commit
    CHECK(has_booking(*store, "bkg_1"));

    // An open reader does not hold up a writer either.
    auto reader = store->read();
    CHECK(reader->bookings(tenant, {}).size() == 2);
    auto quick = open_sqlite({.path = dir.file("snapshot.db"), .busy_timeout = 100ms});
    add_booking(*quick, "bkg_2");
    CHECK(reader->bookings(tenant, {}).size() == 2);
    CHECK(has_booking(*store, "bkg_2"));
}

TEST_CASE("an in-memory store serialises its transactions") {
    SUBCASE("a second writer waits for the first") {
        auto store = open_sqlite({.path = ":memory:"});
        add_tenant(*store);
        auto first = store->write();
        first->insert_booking(tenant, booking("bkg_1", "res_1", at("2026-06-01T10:00:00Z")));
        auto second = std::async(std::launch::async, [&] {
            auto tx = store->write();
            const bool saw_first = tx->booking(tenant, {"bkg_1"}).has_value();
            tx->commit();
            return saw_first;
        });
        CHECK(second.wait_for(200ms) == std::future_status::timeout);
        first->commit();
        CHECK(second.get());
    }
    SUBCASE("past the busy timeout it gets storage_busy") {
        auto store = open_sqlite({.path = ":memory:", .busy_timeout = 50ms});
        add_tenant(*store);
        auto first = store->write();
        auto second = std::async(std::launch::async, [&] { store->read(); });
        CHECK_THROWS_AS(second.get(), Error);
        auto third = std::async(std::launch::async, [&] {
            try {
                store->write();
            } catch (const Error& e) {
                return e.code();
            }
            return Errc::invalid_argument;
        });
        CHECK(third.get() == Errc::storage_busy);
        first->commit();
        CHECK(store->read()->tenant(tenant));
    }
}

TEST_CASE("many threads writing at once serialise and lose no write") {
    slotwise::test::TempDir dir;
    auto store = open_sqlite({.path = dir.file("threads.db")});
    add_tenant(*store);
    constexpr int threads = 4;
    constexpr int per_thread = 25;
    std::vector<std::future<void>> workers;
    for (int t = 0; t < threads; ++t) {
        workers.push_back(std::async(std::launch::async, [&] {
            for (int i = 0; i < per_thread; ++i) {
                // Read, then write what was read: only a serialised writer can
                // never pick a number another writer also picked.
                auto tx = store->write();
                const auto count = tx->bookings(tenant, {.limit = 1000}).size();
                char id[32];
                std::snprintf(id, sizeof id, "bkg_%04zu", count);
                tx->insert_booking(tenant, booking(id, "res_1", at("2026-06-01T10:00:00Z")));
                tx->commit();
                if (i % 5 == 0) store->read()->bookings(tenant, {.limit = 1});
            }
        }));
    }
    for (auto& w : workers) CHECK_NOTHROW(w.get());
    const auto all = store->read()->bookings(tenant, {.limit = 1000});
    CHECK(all.size() == threads * per_thread);
}

TEST_CASE("a version-7 file is upgraded in place: everything active, no series, and a deactivation reaches other connections") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("v7.db");
    {
        version_7_file(path, "Salon");
        Raw raw(path);
        raw.exec("INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity, max_occupied)"
                 " VALUES ('tenant_a', 'res_1', 'Anna', 'staff', 'Europe/Rome', 1, 0)");
        raw.exec(R"sql(INSERT INTO services (tenant_id, service_id, name, duration_min, step_min, buffer_before_min,
                 buffer_after_min, price, currency, min_notice_min, horizon_min, hold_min, cancel_notice_min)
                 VALUES ('tenant_a', 'svc_cut', 'Cut', 30, 15, 0, 0, 0, '', 0, 0, 15, 0))sql");
        raw.exec("INSERT INTO service_resources (tenant_id, service_id, position, resource_id, grp)"
                 " VALUES ('tenant_a', 'svc_cut', 0, 'res_1', 0)");
        raw.exec(R"sql(INSERT INTO bookings (tenant_id, booking_id, status, start_at, end_at, occ_start, occ_end,
                 buffer_before_min, buffer_after_min, service_id, resource_id, seats, customer_name, customer_email,
                 customer_phone, customer_locale, payment_status, request_fingerprint, created_by, created_at,
                 updated_at, checkout_id, payment_reference)
                 VALUES ('tenant_a', 'bkg_1', 'confirmed', 1780308000, 1780309800, 1780308000, 1780309800, 0, 0,
                 'svc_cut', 'res_1', 1, 'Ada', 'ada@example.com', '', 'en', 'none', 'fp', 'ada', 0, 0, '', ''))sql");
        CHECK(raw.value("PRAGMA user_version") == "7");
    }
    auto store = open_sqlite({.path = path});
    {
        Raw raw(path);
        check_current_and_intact(raw);
    }
    CHECK(store->read()->resource(tenant, {"res_1"})->active);
    CHECK(store->read()->service(tenant, {"svc_cut"})->active);
    const auto b = store->read()->booking(tenant, {"bkg_1"});
    REQUIRE(b);
    CHECK(b->series.empty());
    // Another connection's catalogue cache must hear of a deactivation.
    auto other = open_sqlite({.path = path});
    CHECK(other->read()->resource(tenant, {"res_1"})->active);
    {
        auto tx = store->write();
        auto r = *tx->resource(tenant, {"res_1"});
        r.active = false;
        tx->put_resource(tenant, r);
        tx->commit();
    }
    CHECK_FALSE(other->read()->resource(tenant, {"res_1"})->active);
    // The file still erases and lists by series as a new one does.
    {
        auto tx = store->write();
        CHECK(tx->erase_customer(tenant, "ada", Instant{std::chrono::seconds{1780000000}}) == 1);
        tx->commit();
    }
    CHECK(store->read()->booking(tenant, {"bkg_1"})->customer.email.empty());
}

TEST_CASE("a version-7 file is upgraded in place: no resource is sized, no service books parties, no combinations") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("v7.db");
    {
        version_7_file(path, "Trattoria");
        Raw raw(path);
        raw.exec("INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity, max_occupied)"
                 " VALUES ('tenant_a', 'res_t1', 'T1', 'table', 'Europe/Rome', 1, 0)");
        raw.exec(R"sql(INSERT INTO services (tenant_id, service_id, name, duration_min, step_min, buffer_before_min,
                 buffer_after_min, price, currency, min_notice_min, horizon_min, hold_min, cancel_notice_min)
                 VALUES ('tenant_a', 'svc_dinner', 'Dinner', 90, 30, 0, 0, 0, '', 0, 0, 15, 0))sql");
        raw.exec("INSERT INTO service_resources VALUES ('tenant_a', 'svc_dinner', 0, 'res_t1', 0)");
        raw.exec(R"sql(INSERT INTO bookings (tenant_id, booking_id, status, start_at, end_at, occ_start,
                 occ_end, buffer_before_min, buffer_after_min, service_id, resource_id, seats, customer_name,
                 customer_email, customer_phone, customer_locale, payment_status, request_fingerprint, created_by,
                 created_at, updated_at, checkout_id, payment_reference)
                 VALUES ('tenant_a', 'bkg_1', 'confirmed', 1780308000, 1780313400, 1780308000, 1780313400, 0, 0,
                 'svc_dinner', 'res_t1', 1, 'Ada', '', '', 'en', 'none', 'fp', 'ada', 0, 0, '', ''))sql");
        CHECK(raw.value("PRAGMA user_version") == "7");
    }
    auto store = open_sqlite({.path = path});
    Raw raw(path);
    check_current_and_intact(raw);
    {
        auto tx = store->read();
        const auto table = tx->resource(tenant, {"res_t1"});
        REQUIRE(table);
        CHECK_FALSE(table->size);
        const auto svc = tx->service(tenant, {"svc_dinner"});
        REQUIRE(svc);
        CHECK_FALSE(svc->party);
        CHECK(tx->table_combinations(tenant, {"svc_dinner"}).empty());
        const auto b = tx->booking(tenant, {"bkg_1"});
        REQUIRE(b);
        CHECK(b->party_size == 0);
    }
    // A size is catalogue: changing only it (plain SQL, as another process
    // would) moves the version every connection's cache is keyed by, as a
    // combination does.
    const auto version = [&] { return raw.value("SELECT catalogue_version FROM tenants"); };
    const auto before = version();
    raw.exec("UPDATE resources SET size = 4 WHERE resource_id = 'res_t1'");
    const auto sized = version();
    CHECK(sized != before);
    CHECK(store->read()->resource(tenant, {"res_t1"})->size == 4);
    {
        auto tx = store->write();
        tx->put_table_combination(tenant, {.id = {"cmb_1"}, .service = {"svc_dinner"}, .group = 0,
                                           .tables = {{"res_t1"}, {"res_t2"}}, .size = 8});
        tx->commit();
    }
    CHECK(version() != sized);
}

TEST_CASE("a version-7 file is upgraded in place: services take the approval defaults, holds still count, a waitlist opens") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("v7.db");
    {
        version_7_file(path, "Salon");
        Raw raw(path);
        raw.exec("INSERT INTO tenant_policies (tenant_id, max_pending_per_customer, max_active_per_customer,"
                 " customer_horizon_days, max_seats_per_customer_booking) VALUES ('tenant_a', 3, NULL, 30, NULL)");
        raw.exec(R"sql(INSERT INTO services (tenant_id, service_id, name, duration_min, step_min, buffer_before_min,
                 buffer_after_min, price, currency, min_notice_min, horizon_min, hold_min, cancel_notice_min)
                 VALUES ('tenant_a', 'svc_cut', 'Cut', 30, 15, 0, 0, 0, '', 0, 0, 15, 0))sql");
        // A pending hold, written as version 7 wrote it (booking row and hold row).
        raw.exec(R"sql(INSERT INTO bookings (tenant_id, booking_id, status, start_at, end_at, occ_start, occ_end,
                 buffer_before_min, buffer_after_min, service_id, resource_id, seats, customer_name, customer_email,
                 customer_phone, customer_locale, payment_status, hold_expires_at, request_fingerprint, created_by,
                 created_at, updated_at, checkout_id, payment_reference)
                 VALUES ('tenant_a', 'bkg_held', 'pending', 1780308000, 1780309800, 1780308000, 1780309800, 0, 0,
                 'svc_cut', 'res_1', 1, 'Ada', '', '', 'en', 'pending', 1780301000, 'fp', 'ada', 0, 0, '', ''))sql");
        raw.exec(R"sql(INSERT INTO booking_holds (tenant_id, booking_id, part, resource_id, service_id, occ_start,
                 occ_end, start_at, end_at, buffer_before_min, buffer_after_min, seats, status, hold_expires_at)
                 VALUES ('tenant_a', 'bkg_held', 0, 'res_1', 'svc_cut', 1780308000, 1780309800, 1780308000,
                 1780309800, 0, 0, 1, 'pending', 1780301000))sql");
    }
    auto store = open_sqlite({.path = path});
    Raw raw(path);
    check_current_and_intact(raw);
    const auto svc = store->read()->service(tenant, {"svc_cut"});
    REQUIRE(svc);
    CHECK_FALSE(svc->requires_confirmation);
    CHECK(svc->request_expiry == 24h);
    CHECK(svc->offer_time == 60min);
    const auto policy = store->read()->policy(tenant);
    REQUIRE(policy);
    CHECK(policy->max_pending_per_customer == 3);
    CHECK(policy->max_waitlist_per_customer == TenantPolicy{}.max_waitlist_per_customer);
    const Instant before_lapse{std::chrono::seconds{1780300000}};
    CHECK(store->read()->customer_holdings(tenant, "ada", before_lapse, 10).pending == 1);
    CHECK(store->read()->occupancy(tenant, {"res_1"}, {before_lapse, before_lapse + 24h}, before_lapse).size() == 1);
    {
        auto tx = store->write();
        tx->insert_waitlist_entry(tenant, {.id = {"wle_1"}, .service = {"svc_cut"},
                                           .start = Instant{std::chrono::seconds{1780308000}}, .created_by = "bo"});
        // The old hold lapses like any other: the scan finds it once someone waits.
        CHECK(tx->lapsed_bookings({}, Instant{std::chrono::seconds{1780302000}}, 10).size() == 1);
        tx->commit();
    }
    CHECK(store->read()->waitlist_entry(tenant, {"wle_1"})->position == 1);
}

TEST_CASE("a version-7 file is upgraded in place to API keys: its tenants listed, keys stored by hash") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("v7.db");
    version_7_file(path, "Salon");
    auto store = open_sqlite({.path = path});
    Raw raw(path);
    check_current_and_intact(raw);
    auto tx = store->write();
    const auto all = tx->tenants({}, 10);
    REQUIRE(all.size() == 1);
    CHECK(all[0].name == "Salon");
    const ApiKey k{.id = "key_1", .tenant = tenant, .role = Role::admin, .subject = "admin:key_1",
                   .hash = std::string(64, 'f'), .created_at = at("2026-01-01T00:00:00Z")};
    tx->insert_api_key(k);
    CHECK(tx->api_key_by_hash(k.hash) == k);
    tx->commit();
}

TEST_CASE("a version-7 file is upgraded in place to message texts: none set, one stored per kind and locale") {
    slotwise::test::TempDir dir;
    const auto path = dir.file("v7.db");
    version_7_file(path, "Salon");
    auto store = open_sqlite({.path = path});
    Raw raw(path);
    check_current_and_intact(raw);
    auto tx = store->write();
    CHECK(tx->message_texts(tenant).empty());
    const MessageText m{.kind = NotificationKind::booking_cancelled, .locale = "it", .subject = "Annullata: {service}",
                        .body = "Ciao {customer}\n"};
    tx->put_message_text(tenant, m);
    tx->put_message_text(tenant, m);
    CHECK(tx->message_texts(tenant) == std::vector<MessageText>{m});
    tx->commit();
}
