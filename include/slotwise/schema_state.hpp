// slotwise/schema_state.hpp — where a database's schema stands against this
// build: the version it has, the version this build writes. The adapters'
// `*_schema_state` and `migrate_*` functions (sqlite.hpp, postgres.hpp)
// report it for operators (`slotwise migrate status|apply [--dry-run]`);
// opening a store migrates by itself, so hosts rarely need them.
//
// A value type; thread-safe to copy and read.
#pragma once

namespace slotwise {

/// A database's schema version beside the one this build writes.
struct SchemaState {
    int version = 0;  ///< the database's (0: a new, empty database)
    int latest = 0;   ///< this build's
    /// Steps still to apply.
    int pending() const noexcept { return latest > version ? latest - version : 0; }
    friend bool operator==(const SchemaState&, const SchemaState&) = default;
};

}  // namespace slotwise
