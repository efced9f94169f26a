// Opening an admin command's database and choosing its tenant (database.hpp).
#include "database.hpp"

#include <slotwise/json_text.hpp>
#include <slotwise/sqlite.hpp>
#if SLOTWISE_CLI_POSTGRES
#include <slotwise/postgres.hpp>
#endif

#include <sys/stat.h>

namespace slotwise::cli {

bool is_postgres_uri(std::string_view db) {
    return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::shared_ptr<Store> open_database(const std::string& db, bool create) {
    if (db.empty()) invalid("DB", "missing: an SQLite file or a postgresql:// URI");
    if (is_postgres_uri(db)) {
#if SLOTWISE_CLI_POSTGRES
        return open_postgres({.dsn = db, .pool_size = 2});
#else
        invalid("DB", "this slotwise was built without the PostgreSQL adapter");
#endif
    }
    check_sqlite_path(db, create);
    return open_sqlite({.path = db});
}

void check_sqlite_path(const std::string& db, bool create) {
    if (db == ":memory:") invalid("DB", "an in-memory database would be gone when the command ends");
    struct stat st {};
    const bool exists = ::stat(db.c_str(), &st) == 0;
    if (create && exists) invalid("DB", "already exists: " + quote_excerpt(db) + " (init makes a new database)");
    if (!create && !exists) invalid("DB", "no such file: " + quote_excerpt(db) + " (slotwise init makes one)");
}

Tenant pick_tenant(Store& store, const Options& options) {
    auto tx = store.read();
    if (const auto id = options.value("tenant")) {
        auto t = tx->tenant(TenantId{*id});
        if (!t) invalid("--tenant", "no such tenant: " + quote_excerpt(*id) + " (slotwise tenant list)");
        return *t;
    }
    const auto first = tx->tenants({}, 2);
    if (first.empty()) invalid("--tenant", "the database has no tenant (slotwise tenant add DB NAME)");
    if (first.size() > 1) invalid("--tenant", "the database has several tenants: name one (slotwise tenant list)");
    return first.front();
}

TenantScope operator_scope(const Engine& engine, const Tenant& tenant) {
    return engine.scope({.tenant = tenant.id, .role = Role::admin, .subject = "slotwise-cli"});
}

}  // namespace slotwise::cli
