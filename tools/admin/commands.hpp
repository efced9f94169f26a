// tools/admin/commands.hpp — the admin command line over a slotwise
// database: init, tenant, resource, hours, service, book, cancel, bookings,
// export, migrate. Each command takes DB (an SQLite file or a postgresql://
// URI), `--json` for one JSON document on stdout, and, where it acts in a
// tenant, `--tenant ID` (default: the database's only tenant). It acts as
// an admin of that tenant; errors are one "error: FIELD: WHAT" line on
// stderr and exit status 2.
//
// Thread-safety: distinct calls may run concurrently on distinct streams.
#pragma once

#include <ostream>
#include <string_view>
#include <vector>

namespace slotwise::cli {

/// The admin commands' part of `slotwise --help`.
extern const std::string_view admin_help;

/// True when `name` is an admin command.
bool is_admin_command(std::string_view name);

/// Runs the admin command `args[0]` with the rest of `args`. Exit status:
/// 0 done, 2 bad input or refused, 1 an internal failure.
int run_admin(const std::vector<std::string_view>& args, std::ostream& out, std::ostream& err);

}  // namespace slotwise::cli
