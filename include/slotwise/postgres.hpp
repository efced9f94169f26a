// slotwise/postgres.hpp — the PostgreSQL store (target slotwise::postgres).
//
// For many app servers over one database. The adapter speaks libpq; the
// connection string (key=value or a postgresql:// URI) is handed to libpq as
// given, so TLS (`sslmode=verify-full sslrootcert=…`), passwords, service
// files and `options='-c …'` work as libpq documents them. It needs
// PostgreSQL 13 or later with the `btree_gist` extension available (Debian's
// postgresql package has it); the schema is created and migrated on open, by
// version, under a session advisory lock, so servers starting at once migrate
// once and the others wait, then find the schema current.
//
// Thread-safety and ownership: the returned Store is safe to use from many
// threads; it owns a pool of at most `pool_size` connections, opened on
// demand and shared by every transaction. A transaction holds one connection
// from its start to its end (a thread waiting for one waits up to
// `busy_timeout`, then gets `storage_busy`). A connection found broken (a
// server restart, a network cut) is dropped and replaced by a new one, so the
// pool recovers by itself; the transaction that met the break fails.
//
// The database is the last line against double booking. Every booking has a
// row per entry of `Booking::holds()` in `booking_resources` (tenant,
// booking, part, resource, occupied range as a half-open `tstzrange` widened
// by the buffers: the busy parts of its segments on its first resource, the
// whole appointment on each other); an exclusion constraint (btree_gist)
// forbids two rows of one tenant and resource, of different bookings, whose
// ranges overlap, among the rows marked `active` and `exclusive`. A write transaction that reads a resource's bookings (to
// check a slot, as book(), reschedule and a late payment do) first takes a
// transaction-scoped advisory lock for that tenant and resource, so
// contenders queue instead of meeting in the constraint, where lockstep
// inserts deadlock. The engine reads a booking's resources group by group;
// writing a booking then locks every resource it holds not yet locked, in
// resource-id order. What such a transaction then writes on a
// capacity-1 resource is `exclusive` (the capacity as of its read: a change
// of a resource's capacity, its removal or its making again, by anyone,
// takes the same lock in a trigger and so waits for it): the constraint
// refuses it if it
// overlaps another checked booking, whatever the check concluded (23P01
// becomes `slot_unavailable`). A booking written without reading the
// resource first (an import, a tool writing through the Store interface) is
// kept as given, as the store contract requires, and is not exclusive. A
// later change made without such a read (a payment confirming a running
// hold, a refund) keeps the row exclusive unless the booking moves, and
// never switches a hold found lapsed back on. A
// deadlock (40P01) while taking a lock is `storage_busy` at once when the
// transaction already holds another resource's lock (two services listing
// shared resources in opposite group orders); otherwise it, and a
// serialization failure (40001), is retried in place (a savepoint around the
// lock; a transaction's first lock, taken while it holds nothing, cannot be
// part of a deadlock and needs none) up to `max_retries` times,
// each reported as a `storage_retry` event, then `storage_busy`; elsewhere it
// is `storage_busy` at once, as is a lock wait longer than `busy_timeout`
// (lock_timeout).
//
// Expired holds and the constraint: `active` cannot depend on the clock (a
// constraint's predicate must be immutable), and the store must not rewrite a
// booking's status. So the occupancy row of a pending booking whose hold has
// lapsed is switched off by the write transaction that finds it lapsed: when
// a write transaction reads a resource's bookings at `now`, under that
// resource's lock, every occupancy row of that resource and range whose hold
// ended at or before `now` is marked inactive before the transaction writes
// anything (the occupancy read that book() makes reports such rows and the
// switch goes first in the round trip of the transaction's rows, sent only
// when there is one; the other reads switch them off in the same
// statement). The booking row
// keeps its status (it reads as expired, as before); the slot is free to the
// constraint exactly when the engine has seen it free. A late payment that
// confirms such a booking (the slot still free) switches its row back on,
// and the constraint checks it again.
//
// A COMMIT whose answer is lost (the connection broke while committing)
// throws `commit_in_doubt`: the transaction may or may not have committed;
// it is never retried by the adapter. Retry the call with the same
// idempotency key. Every key, index and statement leads with tenant_id (see
// docs/storage.md for distributing the schema by tenant_id with Citus).
//
// Secrets at rest: as SqliteOptions::master_key (AES-256-GCM, tenant and
// field as associated data); without a key live keys are refused.
//
// <libpq-fe.h> is not included here: users of this header do not see it.
#pragma once

#include <slotwise/schema_state.hpp>
#include <slotwise/store.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace slotwise {

/// How to open a PostgreSQL store.
struct PostgresOptions {
    /// A libpq connection string or URI, passed through unchanged.
    std::string dsn{};
    /// At most this many connections at once (1..1000).
    int pool_size = 8;
    /// How long a transaction waits for a connection of the pool, and a
    /// statement for a lock, before `storage_busy`.
    std::chrono::milliseconds busy_timeout{30'000};
    /// How many times a lock that failed with a deadlock or serialization
    /// failure is taken again before `storage_busy` (0..100).
    int max_retries = 5;
    /// 32 raw bytes (AES-256) that encrypt payment secrets at rest; empty =
    /// none (then live keys are refused). Any other length is invalid_argument.
    std::string master_key{};
};

/// Opens a PostgreSQL store, creating or migrating the schema when needed.
/// Throws `invalid_argument` naming the option for a bad option,
/// `storage_error` when the server cannot be reached or the schema is newer
/// than this build.
std::shared_ptr<Store> open_postgres(const PostgresOptions& options);

/// The schema version this build writes (table slotwise_schema).
int postgres_schema_version() noexcept;

/// The schema of the database at `dsn` beside this build's; reads only (a
/// database slotwise never opened is version 0). `storage_error` when it
/// cannot connect or the schema is newer than this build.
SchemaState postgres_schema_state(const std::string& dsn);

/// Brings the database to this build's schema under the migration lock, as
/// opening it would; with `dry_run` every pending step runs in one
/// transaction that is rolled back (DDL is transactional in PostgreSQL), so
/// the database is unchanged. Returns the state before.
SchemaState migrate_postgres(const PostgresOptions& options, bool dry_run = false);

}  // namespace slotwise
