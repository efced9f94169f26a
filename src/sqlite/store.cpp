// `open_sqlite`: the Store of the SQLite adapter, a factory of transactions
// over one pool of connections.
#include "internal.hpp"
#include "../common/secrets.hpp"

namespace slotwise {
namespace {

class SqliteStore final : public Store {
public:
    explicit SqliteStore(std::shared_ptr<sqlite::Pool> pool) : pool_(std::move(pool)) {}
    std::unique_ptr<Transaction> read() override { return sqlite::begin_transaction(pool_, sqlite::Access::read); }
    std::unique_ptr<Transaction> write() override { return sqlite::begin_transaction(pool_, sqlite::Access::write); }

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

}  // namespace slotwise
