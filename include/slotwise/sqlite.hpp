// slotwise/sqlite.hpp — the embedded default store (target slotwise::sqlite).
//
// One SQLite file (or ":memory:") holds every tenant. The adapter runs WAL
// with synchronous=NORMAL by default (FULL selectable), a busy timeout, and
// `BEGIN IMMEDIATE` for every write transaction, so that writers queue on the
// database lock up front instead of failing with SQLITE_BUSY when a deferred
// transaction tries to upgrade. Each connection caches its prepared
// statements; a pool hands one connection to each open transaction, so the
// store is safe to use from many threads, and many processes may open the
// same file at once. Write transactions of one store wait for each other on
// an in-process semaphore before SQLite's lock (one busy timeout bounds both
// waits). Each connection caches the tenants' catalogues (services,
// resources, hours, and small sets of overrides and blocks) behind a version
// that triggers bump on every change, so edits by other processes or plain
// SQL are seen at once. The schema is versioned with `PRAGMA user_version`
// and migrated on open; stop processes of an older slotwise before a newer
// one upgrades their file (they would hand out notifications the newer
// schema stores unrendered). A ":memory:" database lives in a single
// connection, so its transactions are serialised within the process.
//
// A COMMIT that fails with an I/O error throws `commit_in_doubt`: the
// connection has rolled back, but the whole transaction may already be in the
// WAL, where recovery after a crash would find it. The adapter never retries
// a transaction or a statement, so it reports no `storage_retry` events and
// ignores `Store::set_event_sink`: a writer waits for the lock instead (in
// this process's queue of writers, then in SQLite's busy handler, which
// retries taking the lock, not the statement) until the busy timeout, then
// fails with `storage_busy`. Its one retry loop, switching a new file to WAL
// while another opener holds it, runs inside `open_sqlite`, before any sink
// can be installed.
//
// Secrets at rest: given `master_key` (32 random bytes the host keeps out of
// the database: a secrets manager, a key file readable by the service alone),
// each tenant's payment secrets (secret_key, webhook_secret) are stored
// encrypted with AES-256-GCM, a fresh random nonce per value and the tenant
// (and field) as associated data. Opening the file with another key, or
// altering a stored value, makes reading them fail with `storage_error` ("the
// master key does not match"), never hand out garbage. Without a key, test
// keys are stored as given, and `put_payment_settings` refuses a live key
// (`sk_live_…`, `rk_live_…`) with `not_configured`. Secrets stored in plain
// before a key was given are still read, and sealed the next time they are
// configured. A file this adapter creates (and its -wal and -shm, which
// SQLite creates with the database's mode) is readable by its owner only
// (0600), whatever the umask; the mode of an existing file is left alone.
//
// Checkpoints run on a thread of the store's own (one per open store of a
// file, with a connection of its own): a passive checkpoint once the WAL
// passes 1,000 pages and again each time it has grown by as many, while
// writers go on, so no call waits for a checkpoint's syncs. The WAL stays
// bounded: once a checkpoint finds it past `wal_size_limit`, the next write
// transaction of the process copies what is left before it begins (its
// writer waits for that one short checkpoint, and the process's other
// writers with it) and starts the WAL over, and the file is cut back to
// `wal_size_limit` (`PRAGMA journal_size_limit`). A store must not be used
// across fork(), like any SQLite connection: a child opens its own. A
// checkpoint cannot move
// past a snapshot still being read, so a host must not hold a read (or
// write) transaction open for long — minutes, say, while it waits on the
// network or a user: every write meanwhile grows the WAL, and reads slow
// down with it. Once the reader ends, the next checkpoint brings the WAL
// back under the limit.
//
// <sqlite3.h> is not included here: users of this header do not see it.
#pragma once

#include <slotwise/schema_state.hpp>
#include <slotwise/store.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace slotwise {

/// How to open a SQLite store.
struct SqliteOptions {
    std::string path{};                          ///< a file path, or ":memory:"
    bool synchronous_full = false;               ///< FULL instead of NORMAL: survive power loss, not just crashes
    std::chrono::milliseconds busy_timeout{30'000};  ///< how long a writer waits for the lock before storage_busy
    std::string vfs{};                           ///< a registered SQLite VFS name (fault-injection tests); empty = default
    /// 32 raw bytes (AES-256) that encrypt payment secrets at rest; empty =
    /// none (then live keys are refused). Any other length is invalid_argument.
    std::string master_key{};
    /// Bytes past which the WAL is started over (by the next writer, once a
    /// checkpoint finds it past them), and the file cut back to.
    std::int64_t wal_size_limit = 64LL << 20;
    /// While another writer of this process holds or waits for the write
    /// lock, `book()` checks a request's rules in a read transaction first
    /// and inside the lock only confirms them (`Store::write_contended`).
    /// Off by default: it shortens the lock's hold by the rules' share of a
    /// booking, a few per cent, at the price of a second transaction; on two
    /// cores 8 booking threads made a median 10 % more bookings without it
    /// (engine_bench). Worth measuring only where writers queue for the lock
    /// with cores to spare.
    bool check_rules_before_lock = false;
};

/// Opens (creating and migrating when needed) a SQLite store. Throws
/// `storage_error` when the file cannot be opened or is not a slotwise database.
std::shared_ptr<Store> open_sqlite(const SqliteOptions& options);

/// The schema version this build writes (`PRAGMA user_version`).
int sqlite_schema_version() noexcept;

/// The schema of the slotwise database at `path` beside this build's, read
/// without changing the file. `invalid_argument` (field `path`) when there
/// is no such file; `storage_error` when it is not a slotwise database or is
/// newer than this build.
SchemaState sqlite_schema_state(const std::string& path);

/// Brings the file at `options.path` to this build's schema, as opening it
/// would, in one transaction; with `dry_run` the steps run against the
/// file's data and are rolled back, leaving the file unchanged (a step that
/// would fail on this data fails here). Returns the state before. The same
/// errors as `sqlite_schema_state`.
SchemaState migrate_sqlite(const SqliteOptions& options, bool dry_run = false);

}  // namespace slotwise
