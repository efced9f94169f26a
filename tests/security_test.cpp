// Attacks on what the SQLite file leaves lying around, each written as the
// attack: read the file's bytes for payment secrets, open it with another key,
// alter a sealed secret, store a live key without a key to seal it, read a
// file another local user created, and grow the WAL without bound behind a
// reader held open. (Races, cross-tenant ids and power loss have their own
// suites: race_test, isolation_test, sqlite_fault_test.)
#include "support/engine_fixture.hpp"
#include "support/temp_dir.hpp"

#include <slotwise/sqlite.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

const std::string key_a(32, 'A');
const std::string key_b(32, 'B');
const TenantId tenant{"ten_sec"};

// The store with one tenant.
std::shared_ptr<Store> store_with_tenant(const SqliteOptions& options) {
    auto store = open_sqlite(options);
    auto tx = store->write();
    if (!tx->tenant(tenant)) tx->insert_tenant({.id = tenant, .name = "Salon"});
    tx->commit();
    return store;
}

void put_secrets(Store& store, const std::string& secret_key, const std::string& webhook_secret) {
    auto tx = store.write();
    tx->put_payment_settings(tenant, {.provider = "stripe", .secret_key = secret_key, .webhook_secret = webhook_secret});
    tx->commit();
}

std::optional<PaymentSettings> read_secrets(Store& store) { return store.read()->payment_settings(tenant); }

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// What `strings bookings.db*` would find: `needle` anywhere in the database,
// its WAL or its shared-memory file.
bool found_in_files(const std::string& db, const std::string& needle) {
    for (const auto& suffix : {"", "-wal", "-shm"}) {
        if (file_bytes(db + suffix).find(needle) != std::string::npos) return true;
    }
    return false;
}

// Runs `sql` on the file behind the adapter's back.
void raw_exec(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    REQUIRE_MESSAGE(rc == SQLITE_OK, message);
}

// The first column of the first row of `sql`, read behind the adapter's back.
std::string raw_text(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        const auto* p = sqlite3_column_text(st, 0);
        out = p ? reinterpret_cast<const char*>(p) : "";
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

void expect_key_mismatch(Store& store) {
    try {
        const auto s = read_secrets(store);
        FAIL("read secrets: " << (s ? s->secret_key : std::string("none")));
    } catch (const Error& e) {
        CHECK(e.code() == Errc::storage_error);
        CHECK(std::string(e.what()).find("master key does not match") != std::string::npos);
    }
}

std::intmax_t file_size(const std::string& path) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path, ec);
    return ec ? 0 : static_cast<std::intmax_t>(n);
}

}  // namespace

TEST_CASE("strings on the database and its WAL finds no payment secret when a master key is set") {
    TempDir dir;
    const auto path = dir.file("bookings.db");
    SUBCASE("with a master key: ciphertext only, read back as given") {
        auto store = store_with_tenant({.path = path, .master_key = key_a});
        put_secrets(*store, "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "whsec_s3cr3tEndpointValue");
        put_secrets(*store, "sk_live_51HqLyjWDarjtT1zdp7dcABCD", "whsec_s3cr3tEndpointValue");
        // The store stays open: the WAL still holds every page written.
        REQUIRE(file_size(path + "-wal") > 0);
        for (const auto* needle : {"sk_test_", "sk_live_", "whsec_", "4eC39Hq", "s3cr3t"}) {
            CAPTURE(needle);
            CHECK_FALSE(found_in_files(path, needle));
        }
        const auto back = read_secrets(*store);
        REQUIRE(back);
        CHECK(back->secret_key == "sk_live_51HqLyjWDarjtT1zdp7dcABCD");
        CHECK(back->webhook_secret == "whsec_s3cr3tEndpointValue");
        // A fresh nonce per value: the same secret never seals to the same bytes.
        const auto stored = [&] { return raw_text(path, "SELECT secret_key FROM payment_settings"); };
        put_secrets(*store, "sk_test_same", "whsec_same");
        const auto first = stored();
        put_secrets(*store, "sk_test_same", "whsec_same");
        CHECK(first.starts_with("swenc1:"));
        CHECK(first != stored());
    }
    SUBCASE("without a key the scan finds test keys, as the header says: the scan itself works") {
        auto store = store_with_tenant({.path = path});
        put_secrets(*store, "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "whsec_s3cr3tEndpointValue");
        CHECK(found_in_files(path, "sk_test_4eC39Hq"));
        CHECK(found_in_files(path, "whsec_s3cr3t"));
    }
}

TEST_CASE("opening the file with another master key, or none, never hands out the secrets or garbage") {
    TempDir dir;
    const auto path = dir.file("bookings.db");
    put_secrets(*store_with_tenant({.path = path, .master_key = key_a}), "sk_test_abc123", "whsec_abc123");
    SUBCASE("another key") { expect_key_mismatch(*open_sqlite({.path = path, .master_key = key_b})); }
    SUBCASE("no key") {
        auto store = open_sqlite({.path = path});
        try {
            (void)read_secrets(*store);
            FAIL("read sealed secrets without a key");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::storage_error);
            CHECK(std::string(e.what()).find("master_key") != std::string::npos);
        }
    }
    SUBCASE("the right key still opens them") {
        const auto back = read_secrets(*open_sqlite({.path = path, .master_key = key_a}));
        REQUIRE(back);
        CHECK(back->secret_key == "sk_test_abc123");
    }
}

TEST_CASE("a sealed secret altered in the file, moved to the other field or to another tenant does not open") {
    TempDir dir;
    const auto path = dir.file("bookings.db");
    {
        auto store = store_with_tenant({.path = path, .master_key = key_a});
        auto tx = store->write();
        tx->insert_tenant({.id = {"ten_other"}, .name = "Other"});
        tx->put_payment_settings({"ten_other"}, {.provider = "stripe", .secret_key = "sk_test_other",
                                                 .webhook_secret = "whsec_other"});
        tx->commit();
        put_secrets(*store, "sk_test_mine", "whsec_mine");
    }
    SUBCASE("one hex digit of the ciphertext flipped") {
        raw_exec(path, "UPDATE payment_settings SET secret_key = substr(secret_key, 1, 40) || "
                       "(CASE substr(secret_key, 41, 1) WHEN '0' THEN '1' ELSE '0' END) || substr(secret_key, 42) "
                       "WHERE tenant_id = 'ten_sec'");
    }
    SUBCASE("cut short") {
        raw_exec(path, "UPDATE payment_settings SET secret_key = substr(secret_key, 1, 20) WHERE tenant_id = 'ten_sec'");
    }
    SUBCASE("the webhook secret put in the secret key's place") {
        raw_exec(path, "UPDATE payment_settings SET secret_key = webhook_secret WHERE tenant_id = 'ten_sec'");
    }
    SUBCASE("another tenant's sealed secrets copied over") {
        raw_exec(path, "UPDATE payment_settings SET (secret_key, webhook_secret) = "
                       "(SELECT secret_key, webhook_secret FROM payment_settings WHERE tenant_id = 'ten_other') "
                       "WHERE tenant_id = 'ten_sec'");
    }
    expect_key_mismatch(*open_sqlite({.path = path, .master_key = key_a}));
}

TEST_CASE("a live Stripe key is refused without a master key; test keys are stored as before") {
    TempDir dir;
    const auto path = dir.file("bookings.db");
    SUBCASE("through the engine") {
        Engine engine(open_sqlite({.path = path}), EngineOptions{.payments = test_providers()});
        const auto t = engine.create_tenant("Salon");
        auto admin = engine.scope({.tenant = t.id, .role = Role::admin, .subject = "owner"});
        for (const auto* live : {"sk_live_51HqLyjWDarjtT1zdp7dc", "rk_live_51HqLyjWDarjtT1zdp7dc"}) {
            CAPTURE(live);
            try {
                admin.configure_stripe(live, "whsec_x");
                FAIL("stored a live key in plain");
            } catch (const Error& e) {
                CHECK(e.code() == Errc::not_configured);
                CHECK(e.field() == "secret_key");
            }
        }
        CHECK_FALSE(admin.payment_settings());
        CHECK_FALSE(found_in_files(path, "_live_"));
        admin.configure_stripe("sk_test_fine", "whsec_x");
        CHECK(admin.payment_settings()->key_hint.starts_with("sk_test_"));
    }
    SUBCASE("through the store, with and without a key") {
        auto plain = store_with_tenant({.path = path});
        auto tx = plain->write();
        CHECK_THROWS_AS(tx->put_payment_settings(tenant, {.provider = "stripe", .secret_key = "sk_live_x",
                                                          .webhook_secret = "whsec_x"}),
                        Error);
        tx.reset();
        plain.reset();
        auto sealed = open_sqlite({.path = path, .master_key = key_a});
        put_secrets(*sealed, "sk_live_x", "whsec_x");
        CHECK(read_secrets(*sealed)->secret_key == "sk_live_x");
    }
}

TEST_CASE("secrets stored in plain before a key was given are read, and sealed when configured again") {
    TempDir dir;
    const auto path = dir.file("bookings.db");
    put_secrets(*store_with_tenant({.path = path}), "sk_test_old", "whsec_old");
    auto store = open_sqlite({.path = path, .master_key = key_a});
    CHECK(read_secrets(*store)->secret_key == "sk_test_old");
    put_secrets(*store, "sk_test_new", "whsec_new");
    store.reset();
    CHECK_FALSE(found_in_files(path, "sk_test_new"));
}

TEST_CASE("a master key of any length but 32 bytes is refused naming master_key") {
    TempDir dir;
    for (const std::size_t n : {1U, 16U, 31U, 33U, 64U}) {
        CAPTURE(n);
        try {
            (void)open_sqlite({.path = dir.file("k.db"), .master_key = std::string(n, 'k')});
            FAIL("opened");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::invalid_argument);
            CHECK(e.field() == "master_key");
        }
    }
}

TEST_CASE("another local user cannot read the database, its WAL or its shared memory, whatever the umask") {
    TempDir dir;
    const auto path = dir.file("bookings.db");
    const mode_t old = umask(0);  // the most permissive a host could run with
    {
        auto store = store_with_tenant({.path = path});
        put_secrets(*store, "sk_test_x", "whsec_x");
        for (const auto& suffix : {"", "-wal", "-shm"}) {
            CAPTURE(suffix);
            struct stat st {};
            REQUIRE(stat((path + suffix).c_str(), &st) == 0);
            CHECK((st.st_mode & 0777) == 0600);
        }
    }
    umask(old);
}

TEST_CASE("a reader held open while others write cannot leave the WAL grown once it ends") {
    TempDir dir;
    const auto path = dir.file("bookings.db");
    constexpr std::int64_t limit = 256 * 1024;
    auto store = store_with_tenant({.path = path, .wal_size_limit = limit});
    const auto write_tenants = [&](int from, int n) {
        for (int i = from; i < from + n; ++i) {
            auto tx = store->write();
            tx->insert_tenant({.id = {"ten_" + std::to_string(i)}, .name = std::string(6000, 'x')});
            tx->commit();
        }
    };
    {
        auto reader = store->read();  // the host's long-held read transaction
        (void)reader->tenant(tenant);
        write_tenants(0, 600);
        // Nothing could be checkpointed past the reader's snapshot.
        CHECK(file_size(path + "-wal") > 4 * limit);
    }
    // The reader is gone: later writes checkpoint (on the store's own
    // thread, so a few writes may pass first) and start the WAL over, and
    // the file is cut back to the limit.
    int more = 0;
    while (more < 2000 && file_size(path + "-wal") > limit) write_tenants(600 + more++, 1);
    MESSAGE("WAL after the reader ended and " << more << " more writes: " << file_size(path + "-wal")
                                              << " bytes (limit " << limit << ")");
    CHECK(file_size(path + "-wal") <= limit);
}

TEST_CASE("a writer that never pauses cannot grow the WAL without end: it starts over once past wal_size_limit") {
    TempDir dir;
    const auto path = dir.file("bookings.db");
    constexpr std::int64_t limit = 1 << 20;
    auto store = store_with_tenant({.path = path, .wal_size_limit = limit});
    // Some 100 MB pass through the WAL, while the store's checkpointer copies
    // beside the writer and never finds it paused. Started over once past
    // the limit, it holds a few times the checkpoint mark (4 MB) at most: what
    // the writer adds while a checkpoint syncs.
    std::int64_t largest = 0;
    for (int i = 0; i < 6000; ++i) {
        auto tx = store->write();
        tx->insert_tenant({.id = {"ten_" + std::to_string(i)}, .name = std::string(6000, 'x')});
        tx->commit();
        largest = std::max(largest, file_size(path + "-wal"));
    }
    MESSAGE("largest WAL: " << largest << " bytes");
    CHECK(largest < 64 * (1 << 20));
}
