// `open_postgres`: the Store of the PostgreSQL adapter, a factory of
// transactions over one pool of connections.
#include "../common/secrets.hpp"
#include "internal.hpp"

namespace slotwise {
namespace {

class PostgresStore final : public Store {
public:
    explicit PostgresStore(std::shared_ptr<postgres::Pool> pool) : pool_(std::move(pool)) {}
    std::unique_ptr<Transaction> read() override {
        return postgres::begin_transaction(pool_, postgres::Access::read);
    }
    std::unique_ptr<Transaction> write() override {
        return postgres::begin_transaction(pool_, postgres::Access::write);
    }
    void set_event_sink(EventSink sink) override { pool_->set_event_sink(std::move(sink)); }
    // Writers queue on per-resource advisory locks, taken as each resource's
    // bookings are read, after the rules: no one lock keeps every writer
    // waiting while they are checked (store.hpp, docs/storage.md).
    bool write_contended() const noexcept override { return false; }

private:
    std::shared_ptr<postgres::Pool> pool_;
};

}  // namespace

std::shared_ptr<Store> open_postgres(const PostgresOptions& options) {
    if (options.dsn.find('\0') != std::string::npos) invalid("dsn", "contains a NUL byte");
    if (options.pool_size < 1 || options.pool_size > 1000) invalid("pool_size", "must be between 1 and 1000");
    if (options.busy_timeout.count() < 1) invalid("busy_timeout", "must be at least 1 ms");
    if (options.max_retries < 0 || options.max_retries > 100) invalid("max_retries", "must be between 0 and 100");
    if (!options.master_key.empty() && options.master_key.size() != secrets::kMasterKeyBytes) {
        invalid("master_key", "must be exactly 32 bytes (AES-256)");
    }
    auto pool = std::make_shared<postgres::Pool>(options);
    auto first = pool->acquire();
    try {
        postgres::migrate(*first);
    } catch (...) {
        pool->discard(std::move(first));
        throw;
    }
    pool->release(std::move(first));
    return std::make_shared<PostgresStore>(std::move(pool));
}

int postgres_schema_version() noexcept { return postgres::schema_version(); }

SchemaState postgres_schema_state(const std::string& dsn) {
    if (dsn.find('\0') != std::string::npos) invalid("dsn", "contains a NUL byte");
    postgres::Connection c(dsn, PostgresOptions{}.busy_timeout);
    return postgres::schema_state(c);
}

SchemaState migrate_postgres(const PostgresOptions& options, bool dry_run) {
    if (options.dsn.find('\0') != std::string::npos) invalid("dsn", "contains a NUL byte");
    postgres::Connection c(options.dsn, options.busy_timeout);
    return postgres::apply_migrations(c, dry_run);
}

}  // namespace slotwise
