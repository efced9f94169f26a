// tools/admin/database.hpp — what an admin command works on: the database a
// DB argument names (an SQLite file, or a PostgreSQL URI), an engine over it,
// and the tenant the command acts for.
//
// Not shared between threads; owns the store it opens.
#pragma once

#include "options.hpp"

#include <slotwise/engine.hpp>

#include <memory>
#include <string>

namespace slotwise::cli {

/// True for a PostgreSQL connection URI ("postgresql://…", "postgres://…").
bool is_postgres_uri(std::string_view db);

/// Opens DB: a PostgreSQL URI, or the path of an SQLite file that must
/// exist unless `create` (then it must not: `init` never reuses a file).
/// Errors name the field "DB".
std::shared_ptr<Store> open_database(const std::string& db, bool create);

/// The checks `open_database` makes of an SQLite path, without opening it
/// (opening migrates).
void check_sqlite_path(const std::string& db, bool create);

/// The tenant a command acts for: `--tenant ID` when given (it must exist),
/// else the only tenant of the database. Errors name "--tenant".
Tenant pick_tenant(Store& store, const Options& options);

/// The operator's scope in `tenant`: an admin whose subject says it is the
/// command line.
TenantScope operator_scope(const Engine& engine, const Tenant& tenant);

}  // namespace slotwise::cli
