// `open_sqlite`: the Store of the SQLite adapter, a factory of transactions
// over one pool of connections.
#include "internal.hpp"
#include "../common/secrets.hpp"

#include <sys/stat.h>

namespace slotwise {
namespace {

class SqliteStore final : public Store {
public:
    explicit SqliteStore(std::shared_ptr<sqlite::Pool> pool) : pool_(std::move(pool)) {}
    std::unique_ptr<Transaction> read() override { return sqlite::begin_transaction(pool_, sqlite::Access::read); }
    std::unique_ptr<Transaction> write() override { return sqlite::begin_transaction(pool_, sqlite::Access::write); }
    bool write_contended() const noexcept override {
        return pool_->options().check_rules_before_lock && pool_->writers_present();
    }

private:
    std::shared_ptr<sqlite::Pool> pool_;
};

}  // namespace

std::shared_ptr<Store> open_sqlite(const SqliteOptions& options) {
    // SQLite reads "" as a temporary database private to each connection: a
    // pool of them would not share data.
    if (options.path.empty()) invalid("path", "is empty (use \":memory:\" for an in-memory database)");
    if (!options.master_key.empty() && options.master_key.size() != secrets::kMasterKeyBytes) {
        invalid("master_key", "must be 32 bytes (AES-256), got " + std::to_string(options.master_key.size()));
    }
    return std::make_shared<SqliteStore>(std::make_shared<sqlite::Pool>(options));
}

int sqlite_schema_version() noexcept { return sqlite::schema_version(); }

namespace {

// A file that exists: an operator's command never creates a database.
SqliteOptions existing_file(SqliteOptions options) {
    if (options.path.empty()) invalid("path", "is empty");
    struct stat st {};
    if (options.path != ":memory:" && ::stat(options.path.c_str(), &st) != 0) {
        invalid("path", "no such file: " + quote_excerpt(options.path));
    }
    return options;
}

}  // namespace

SchemaState sqlite_schema_state(const std::string& path) {
    sqlite::Connection c(existing_file({.path = path}));
    return sqlite::schema_state(c);
}

SchemaState migrate_sqlite(const SqliteOptions& options, bool dry_run) {
    const auto checked = existing_file(options);
    if (!dry_run) {
        // Opening migrates, and switches the file to WAL as every open does.
        const auto before = sqlite_schema_state(checked.path);
        (void)open_sqlite(checked);
        return before;
    }
    sqlite::Connection c(checked);
    return sqlite::apply_migrations(c, true);
}

}  // namespace slotwise
