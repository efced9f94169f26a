// The SQLite adapter's schema version: `migrate()` brings a file to this
// build's version on open, applying the steps of migrations.cpp, or refuses
// it.
#include "internal.hpp"
#include "migrations.hpp"
#include "statements.hpp"

namespace slotwise::sqlite {
namespace {

// `PRAGMA application_id` of a slotwise database ("slot"), so that a SQLite
// file of another application is refused instead of being "migrated".
constexpr std::int64_t kApplicationId = 0x736C6F74;

// Reads the version and checks the file. Called inside a transaction, so that
// the three reads see one state even while another process migrates.
std::int64_t checked_version(Connection& c) {
    const auto version = c.query_integer(kUserVersion);
    const auto application = c.query_integer(kApplicationIdQuery);
    if (version > schema_version()) {
        fail(SQLITE_ERROR, "the database has schema version " + std::to_string(version) +
                               ", newer than this build's " + std::to_string(schema_version()) +
                               "; upgrade slotwise to open it");
    }
    if ((application != 0 && application != kApplicationId) ||
        (version == 0 && c.query_integer(kCountSchemaObjects) != 0)) {
        fail(SQLITE_ERROR, "the file is not a slotwise database");
    }
    return version;
}

// Runs `body` in a transaction begun by `begin`; commits unless `keep` is
// false, rolls back on any failure.
template <class Body>
void in_transaction(Connection& c, const char* begin, bool keep, const Body& body) {
    c.statement(begin).run();
    try {
        body();
        if (keep) {
            c.statement(kCommit).run();
            c.checkpoint_if_due();  // a migration may rewrite every row
        } else {
            c.rollback_quietly();
        }
    } catch (...) {
        c.rollback_quietly();
        throw;
    }
}

}  // namespace

SchemaState schema_state(Connection& c) {
    std::int64_t version = 0;
    in_transaction(c, kBeginDeferred, true, [&] { version = checked_version(c); });
    return {static_cast<int>(version), schema_version()};
}

SchemaState apply_migrations(Connection& c, bool dry_run) {
    // Most opens find the schema current and need no write lock.
    const auto before = schema_state(c);
    if (before.pending() == 0) return before;
    SchemaState found = before;
    in_transaction(c, kBeginImmediate, !dry_run, [&] {
        // Another process may have migrated while we waited for the lock.
        found.version = static_cast<int>(checked_version(c));
        for (auto v = found.version; v < schema_version(); ++v) c.exec(migrations()[static_cast<std::size_t>(v)]);
    });
    return found;
}

void migrate(Connection& c) { (void)apply_migrations(c, false); }

int schema_version() noexcept { return static_cast<int>(migrations().size()); }

}  // namespace slotwise::sqlite
