// The SQLite adapter behind include/slotwise/sqlite.hpp.
//
// Reading order: the SQL (schema migrations and every statement, as named
// constants), then a connection with its prepared-statement cache and the
// mapping of SQLite result codes to `Errc`, the connection pool, the
// transaction, and `open_sqlite`.
//
// Nothing in here knows the engine's rules beyond store.hpp's contract. Every
// value reaches SQLite as a bound parameter; strings are bound with their byte
// length, so NUL bytes and SQL metacharacters are stored verbatim.
#include <slotwise/sqlite.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <semaphore>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace slotwise {
namespace {

// ============================================================================
// SQL
// ============================================================================

// `PRAGMA application_id` of a slotwise database ("slot"), so that a SQLite
// file of another application is refused instead of being "migrated".
constexpr std::int64_t kApplicationId = 0x736C6F74;

// The schema, one step per version: step i takes `user_version` i to i + 1 and
// ends by writing that number. All pending steps run in one transaction on
// open, so a failure leaves the previous version intact. Append new steps;
// never edit a released one.
//
// DESIGN.md "Storage": every table has tenant_id, and every primary key and
// index leads with it. Instants are integer Unix seconds, lengths integer
// minutes, and a day's local windows are text, "start-end" in minutes since
// local midnight joined by commas ("540-780,840-1080"; "" = closed).
//
// resources.max_occupied is an upper bound, in seconds, on the occupied length
// (buffers included) of any booking of the resource, kept by the triggers
// below and computed from existing bookings when the row is first inserted.
// It only grows. It lets active_bookings scan its index by occupied start over
// [range.begin - max_occupied, range.end) instead of from the beginning of
// time.
//
// A booking's status is stored as written; "expired" is not a state this
// layer writes: it is a pending booking whose hold_expires_at <= now.
constexpr const char* kMigrations[] = {
    // Version 1.
    R"sql(
CREATE TABLE tenants (
    tenant_id  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id)
);

CREATE TABLE resources (
    tenant_id    TEXT    NOT NULL,
    resource_id  TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    timezone     TEXT    NOT NULL,
    capacity     INTEGER NOT NULL,
    max_occupied INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, resource_id)
);

CREATE TABLE weekly_hours (
    tenant_id   TEXT    NOT NULL,
    resource_id TEXT    NOT NULL,
    weekday     INTEGER NOT NULL,  -- ISO: 1 = Monday ... 7 = Sunday; no row = closed
    windows     TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, resource_id, weekday)
) WITHOUT ROWID;

CREATE TABLE date_overrides (
    tenant_id   TEXT    NOT NULL,
    resource_id TEXT    NOT NULL,
    day         INTEGER NOT NULL,  -- days since 1970-01-01
    windows     TEXT    NOT NULL,  -- '' = closed that day
    PRIMARY KEY (tenant_id, resource_id, day)
) WITHOUT ROWID;

CREATE TABLE blocks (
    tenant_id   TEXT    NOT NULL,
    block_id    TEXT    NOT NULL,
    resource_id TEXT    NOT NULL,
    start_at    INTEGER NOT NULL,
    end_at      INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, block_id)
);
CREATE INDEX blocks_by_resource ON blocks (tenant_id, resource_id, start_at);

CREATE TABLE services (
    tenant_id         TEXT    NOT NULL,
    service_id        TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    duration_min      INTEGER NOT NULL,
    step_min          INTEGER NOT NULL,
    buffer_before_min INTEGER NOT NULL,
    buffer_after_min  INTEGER NOT NULL,
    price             INTEGER NOT NULL,
    currency          TEXT    NOT NULL,
    min_notice_min    INTEGER NOT NULL,
    horizon_min       INTEGER NOT NULL,
    hold_min          INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, service_id)
);

CREATE TABLE service_resources (
    tenant_id   TEXT    NOT NULL,
    service_id  TEXT    NOT NULL,
    position    INTEGER NOT NULL,  -- display order
    resource_id TEXT    NOT NULL,
    PRIMARY KEY (tenant_id, service_id, position)
) WITHOUT ROWID;

CREATE TABLE bookings (
    tenant_id           TEXT    NOT NULL,
    booking_id          TEXT    NOT NULL,
    service_id          TEXT    NOT NULL,
    resource_id         TEXT    NOT NULL,
    start_at            INTEGER NOT NULL,
    end_at              INTEGER NOT NULL,
    occ_start           INTEGER NOT NULL,  -- start_at - buffer_before
    occ_end             INTEGER NOT NULL,  -- end_at + buffer_after
    seats               INTEGER NOT NULL,
    buffer_before_min   INTEGER NOT NULL,
    buffer_after_min    INTEGER NOT NULL,
    customer_name       TEXT    NOT NULL,
    customer_email      TEXT    NOT NULL,
    customer_phone      TEXT    NOT NULL,
    customer_locale     TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    payment_status      TEXT    NOT NULL,
    hold_expires_at     INTEGER,           -- NULL = no hold
    idempotency_key     TEXT,              -- NULL = none
    request_fingerprint TEXT    NOT NULL,
    created_by          TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    checkout_id         TEXT    NOT NULL,  -- '' = none
    payment_reference   TEXT    NOT NULL,  -- '' = none
    PRIMARY KEY (tenant_id, booking_id)
);
-- Covers occupancy(): availability reads its rows from the index alone.
CREATE INDEX bookings_by_resource ON bookings (tenant_id, resource_id, occ_start, booking_id, occ_end,
    status, hold_expires_at, start_at, end_at, seats, buffer_before_min, buffer_after_min);
CREATE INDEX bookings_by_start ON bookings (tenant_id, start_at, booking_id);
CREATE UNIQUE INDEX bookings_by_idempotency_key ON bookings (tenant_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX bookings_by_payment_reference ON bookings (tenant_id, payment_reference)
    WHERE payment_reference <> '';

-- Payments: one provider's keys per tenant, and every provider event applied.
CREATE TABLE payment_settings (
    tenant_id      TEXT NOT NULL,
    provider       TEXT NOT NULL,
    secret_key     TEXT NOT NULL,
    webhook_secret TEXT NOT NULL,
    PRIMARY KEY (tenant_id)
) WITHOUT ROWID;
CREATE TABLE payment_events (
    tenant_id   TEXT    NOT NULL,
    provider    TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, provider, event_id)
) WITHOUT ROWID;

-- The notification outbox: a rowid table, so rows (a kilobyte or two with the
-- invitation) are appended in rowid order, which is also the order they were
-- written in; the primary key is a unique index that leads with tenant_id.
-- The partial index holds just the unsent rows a worker scans.
CREATE TABLE outbox (
    tenant_id       TEXT    NOT NULL,
    notification_id TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    booking_id      TEXT    NOT NULL,
    locale          TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    ics             TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    PRIMARY KEY (tenant_id, notification_id)
);
CREATE INDEX outbox_by_booking ON outbox (tenant_id, booking_id);
CREATE INDEX outbox_due ON outbox (tenant_id, next_attempt_at) WHERE sent_at IS NULL;

CREATE TRIGGER bookings_widen_max_occupied_on_insert AFTER INSERT ON bookings BEGIN
    UPDATE resources SET max_occupied = NEW.occ_end - NEW.occ_start
    WHERE tenant_id = NEW.tenant_id AND resource_id = NEW.resource_id
      AND max_occupied < NEW.occ_end - NEW.occ_start;
END;
CREATE TRIGGER bookings_widen_max_occupied_on_update
AFTER UPDATE OF resource_id, occ_start, occ_end ON bookings BEGIN
    UPDATE resources SET max_occupied = NEW.occ_end - NEW.occ_start
    WHERE tenant_id = NEW.tenant_id AND resource_id = NEW.resource_id
      AND max_occupied < NEW.occ_end - NEW.occ_start;
END;

PRAGMA application_id = 1936486260;
PRAGMA user_version = 1;
)sql",
    // Version 2. A free booking's confirmation rides on its row
    // (owes_confirmation) until the outbox is next used, so book() writes one
    // row, not two: an outbox row costs as many WAL pages as the booking.
    // outbox_sweep.last_row is the highest bookings rowid whose confirmation
    // has been moved to the outbox; rowids grow, as the library never deletes
    // a booking (a deletion by hand rewinds it, see the trigger). It is the
    // one table without tenant_id: it holds no tenant's data, only a position
    // in the bookings table.
    // Outbox rows now keep what the message is about (resource and time) and
    // the invitation's sequence; the engine renders the text when it hands a
    // row out. Rows written by version 1 keep the text they were written with.
    R"sql(
ALTER TABLE bookings ADD COLUMN owes_confirmation INTEGER;  -- 1, or NULL = none owed
ALTER TABLE outbox ADD COLUMN resource_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN start_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN end_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
CREATE TABLE outbox_sweep (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    last_row INTEGER NOT NULL
);
INSERT INTO outbox_sweep (id, last_row) SELECT 1, coalesce(max(rowid), 0) FROM bookings;
-- A deleted row's rowid may be handed out again: the sweep starts over below it.
CREATE TRIGGER bookings_rewind_sweep_on_delete AFTER DELETE ON bookings BEGIN
    UPDATE outbox_sweep SET last_row = min(last_row, OLD.rowid - 1) WHERE id = 1;
END;
-- Any change to a booking that still owes its confirmation moves it to the
-- outbox first, as the booking was, whoever makes the change (this build,
-- a process of the previous version still running, plain SQL). Setting
-- owes_confirmation alone (the sweep) is not such a change.
CREATE TRIGGER bookings_move_confirmation_on_update
AFTER UPDATE OF tenant_id, booking_id, service_id, resource_id, start_at, end_at, occ_start, occ_end,
    seats, buffer_before_min, buffer_after_min, customer_name, customer_email, customer_phone,
    customer_locale, status, payment_status, hold_expires_at, idempotency_key, request_fingerprint,
    created_by, created_at, updated_at, checkout_id, payment_reference ON bookings
WHEN OLD.owes_confirmation IS NOT NULL BEGIN
    INSERT INTO outbox (tenant_id, notification_id, kind, booking_id, locale, recipient, subject, body,
                        ics, created_at, attempts, next_attempt_at, sent_at, resource_id, start_at,
                        end_at, sequence)
    VALUES (OLD.tenant_id, OLD.tenant_id || ':' || OLD.booking_id || ':confirmed', 'booking_confirmed',
            OLD.booking_id, OLD.customer_locale, OLD.customer_email, '', '', '', OLD.created_at, 0,
            OLD.created_at, NULL, OLD.resource_id, OLD.start_at, OLD.end_at, 0);
    UPDATE bookings SET owes_confirmation = NULL WHERE rowid = NEW.rowid;
END;

-- Bumped by every change to a tenant's resources, services, weekly hours,
-- date overrides and blocks, so a connection may keep what it read of them
-- while the number stays put.
ALTER TABLE tenants ADD COLUMN catalogue_version INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER resources_bump_catalogue_on_insert AFTER INSERT ON resources BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = NEW.tenant_id;
END;
-- Not max_occupied: bookings widen it, and the engine never caches it.
CREATE TRIGGER resources_bump_catalogue_on_update
AFTER UPDATE OF tenant_id, resource_id, name, kind, timezone, capacity ON resources BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1
    WHERE tenant_id IN (OLD.tenant_id, NEW.tenant_id);
END;
CREATE TRIGGER resources_bump_catalogue_on_delete AFTER DELETE ON resources BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER services_bump_catalogue_on_insert AFTER INSERT ON services BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER services_bump_catalogue_on_update AFTER UPDATE ON services BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1
    WHERE tenant_id IN (OLD.tenant_id, NEW.tenant_id);
END;
CREATE TRIGGER services_bump_catalogue_on_delete AFTER DELETE ON services BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER service_resources_bump_catalogue_on_insert AFTER INSERT ON service_resources BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER service_resources_bump_catalogue_on_update AFTER UPDATE ON service_resources BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1
    WHERE tenant_id IN (OLD.tenant_id, NEW.tenant_id);
END;
CREATE TRIGGER service_resources_bump_catalogue_on_delete AFTER DELETE ON service_resources BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER weekly_hours_bump_catalogue_on_insert AFTER INSERT ON weekly_hours BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER weekly_hours_bump_catalogue_on_update AFTER UPDATE ON weekly_hours BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1
    WHERE tenant_id IN (OLD.tenant_id, NEW.tenant_id);
END;
CREATE TRIGGER weekly_hours_bump_catalogue_on_delete AFTER DELETE ON weekly_hours BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER date_overrides_bump_catalogue_on_insert AFTER INSERT ON date_overrides BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER date_overrides_bump_catalogue_on_update AFTER UPDATE ON date_overrides BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1
    WHERE tenant_id IN (OLD.tenant_id, NEW.tenant_id);
END;
CREATE TRIGGER date_overrides_bump_catalogue_on_delete AFTER DELETE ON date_overrides BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = OLD.tenant_id;
END;
CREATE TRIGGER blocks_bump_catalogue_on_insert AFTER INSERT ON blocks BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER blocks_bump_catalogue_on_update AFTER UPDATE ON blocks BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1
    WHERE tenant_id IN (OLD.tenant_id, NEW.tenant_id);
END;
CREATE TRIGGER blocks_bump_catalogue_on_delete AFTER DELETE ON blocks BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = OLD.tenant_id;
END;

PRAGMA user_version = 2;
)sql",
};

constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

// Connection setup and transaction control.
constexpr const char* kSynchronousNormal = "PRAGMA synchronous = NORMAL";
// 16 MiB of page cache per connection (SQLite's default is 2 MiB): the hot
// part of a busy calendar's indexes stays in memory.
constexpr const char* kCacheSize = "PRAGMA cache_size = -16384";
constexpr const char* kSynchronousFull = "PRAGMA synchronous = FULL";
constexpr const char* kJournalMode = "PRAGMA journal_mode";
constexpr const char* kJournalModeWal = "PRAGMA journal_mode = WAL";
constexpr const char* kUserVersion = "PRAGMA user_version";
constexpr const char* kApplicationIdQuery = "PRAGMA application_id";
constexpr const char* kCountSchemaObjects = "SELECT count(*) FROM sqlite_master";
constexpr const char* kBeginImmediate = "BEGIN IMMEDIATE";
constexpr const char* kBeginDeferred = "BEGIN";
// A deferred BEGIN takes its snapshot at the first read; reading here pins it
// to the moment read() returns.
constexpr const char* kPinSnapshot = "SELECT 1 FROM sqlite_master LIMIT 1";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";

// Tenants.
constexpr const char* kInsertTenant =
    "INSERT INTO tenants (tenant_id, name, created_at) VALUES (?1, ?2, ?3)";
constexpr const char* kSelectTenant =
    "SELECT tenant_id, name, created_at FROM tenants WHERE tenant_id = ?1";
constexpr const char* kSelectCatalogueVersion =
    "SELECT catalogue_version FROM tenants WHERE tenant_id = ?1";

// Resources and calendars.
constexpr const char* kUpsertResource = R"sql(
INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity, max_occupied)
VALUES (?1, ?2, ?3, ?4, ?5, ?6,
        (SELECT coalesce(max(occ_end - occ_start), 0) FROM bookings
         WHERE tenant_id = ?1 AND resource_id = ?2))
ON CONFLICT (tenant_id, resource_id) DO UPDATE SET
    name = excluded.name, kind = excluded.kind, timezone = excluded.timezone,
    capacity = excluded.capacity)sql";
constexpr const char* kSelectResource =
    "SELECT resource_id, name, kind, timezone, capacity FROM resources "
    "WHERE tenant_id = ?1 AND resource_id = ?2";
constexpr const char* kSelectResources =
    "SELECT resource_id, name, kind, timezone, capacity FROM resources "
    "WHERE tenant_id = ?1 ORDER BY resource_id";
constexpr const char* kDeleteWeeklyHours =
    "DELETE FROM weekly_hours WHERE tenant_id = ?1 AND resource_id = ?2";
constexpr const char* kInsertWeeklyHours =
    "INSERT INTO weekly_hours (tenant_id, resource_id, weekday, windows) VALUES (?1, ?2, ?3, ?4)";
constexpr const char* kSelectWeeklyHours =
    "SELECT weekday, windows FROM weekly_hours WHERE tenant_id = ?1 AND resource_id = ?2 "
    "ORDER BY weekday";
constexpr const char* kUpsertOverride = R"sql(
INSERT INTO date_overrides (tenant_id, resource_id, day, windows) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (tenant_id, resource_id, day) DO UPDATE SET windows = excluded.windows)sql";
constexpr const char* kDeleteOverride =
    "DELETE FROM date_overrides WHERE tenant_id = ?1 AND resource_id = ?2 AND day = ?3";
// A resource's overrides and blocks, all of them up to ?3 rows (the cache).
constexpr const char* kSelectAllOverrides =
    "SELECT day, windows FROM date_overrides WHERE tenant_id = ?1 AND resource_id = ?2 "
    "ORDER BY day LIMIT ?3";
constexpr const char* kSelectAllBlocks =
    "SELECT block_id, resource_id, start_at, end_at, reason FROM blocks "
    "WHERE tenant_id = ?1 AND resource_id = ?2 ORDER BY start_at, block_id LIMIT ?3";
constexpr const char* kSelectOverrides =
    "SELECT day, windows FROM date_overrides "
    "WHERE tenant_id = ?1 AND resource_id = ?2 AND day >= ?3 AND day <= ?4 ORDER BY day";

// Blocks.
constexpr const char* kInsertBlock =
    "INSERT INTO blocks (tenant_id, block_id, resource_id, start_at, end_at, reason) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kDeleteBlock = "DELETE FROM blocks WHERE tenant_id = ?1 AND block_id = ?2";
constexpr const char* kSelectBlocks =
    "SELECT block_id, resource_id, start_at, end_at, reason FROM blocks "
    "WHERE tenant_id = ?1 AND resource_id = ?2 AND start_at < ?4 AND end_at > ?3 "
    "ORDER BY start_at, block_id";

// Services.
constexpr const char* kUpsertService = R"sql(
INSERT INTO services (tenant_id, service_id, name, duration_min, step_min, buffer_before_min,
                      buffer_after_min, price, currency, min_notice_min, horizon_min, hold_min)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
ON CONFLICT (tenant_id, service_id) DO UPDATE SET
    name = excluded.name, duration_min = excluded.duration_min, step_min = excluded.step_min,
    buffer_before_min = excluded.buffer_before_min, buffer_after_min = excluded.buffer_after_min,
    price = excluded.price, currency = excluded.currency, min_notice_min = excluded.min_notice_min,
    horizon_min = excluded.horizon_min, hold_min = excluded.hold_min)sql";
constexpr const char* kDeleteServiceResources =
    "DELETE FROM service_resources WHERE tenant_id = ?1 AND service_id = ?2";
constexpr const char* kInsertServiceResource =
    "INSERT INTO service_resources (tenant_id, service_id, position, resource_id) "
    "VALUES (?1, ?2, ?3, ?4)";
#define SLOTWISE_SERVICE_COLUMNS                                                      \
    "service_id, name, duration_min, step_min, buffer_before_min, buffer_after_min, " \
    "price, currency, min_notice_min, horizon_min, hold_min"
constexpr const char* kSelectService =
    "SELECT " SLOTWISE_SERVICE_COLUMNS " FROM services WHERE tenant_id = ?1 AND service_id = ?2";
constexpr const char* kSelectServices =
    "SELECT " SLOTWISE_SERVICE_COLUMNS " FROM services WHERE tenant_id = ?1 ORDER BY service_id";
#undef SLOTWISE_SERVICE_COLUMNS
constexpr const char* kSelectServiceResources =
    "SELECT resource_id FROM service_resources WHERE tenant_id = ?1 AND service_id = ?2 "
    "ORDER BY position";
constexpr const char* kSelectAllServiceResources =
    "SELECT service_id, resource_id FROM service_resources WHERE tenant_id = ?1 "
    "ORDER BY service_id, position";

// Bookings. The column order is the one read_booking() decodes.
#define SLOTWISE_BOOKING_COLUMNS                                                         \
    "booking_id, service_id, resource_id, start_at, end_at, seats, buffer_before_min, "  \
    "buffer_after_min, customer_name, customer_email, customer_phone, customer_locale, " \
    "status, payment_status, hold_expires_at, idempotency_key, request_fingerprint, "    \
    "created_by, created_at, updated_at, checkout_id, payment_reference"
constexpr const char* kInsertBooking = R"sql(
INSERT INTO bookings (tenant_id, booking_id, service_id, resource_id, start_at, end_at,
                      occ_start, occ_end, seats, buffer_before_min, buffer_after_min,
                      customer_name, customer_email, customer_phone, customer_locale,
                      status, payment_status, hold_expires_at, idempotency_key,
                      request_fingerprint, created_by, created_at, updated_at, checkout_id,
                      payment_reference, owes_confirmation)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
        ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26))sql";
// The identity and origin of a booking (id, idempotency key and fingerprint,
// created_by, created_at) never change; everything else does. An owed
// confirmation is moved to the outbox by bookings_move_confirmation_on_update.
constexpr const char* kUpdateBooking = R"sql(
UPDATE bookings SET
    service_id = ?3, resource_id = ?4, start_at = ?5, end_at = ?6, occ_start = ?7, occ_end = ?8,
    seats = ?9, buffer_before_min = ?10, buffer_after_min = ?11, customer_name = ?12,
    customer_email = ?13, customer_phone = ?14, customer_locale = ?15, status = ?16,
    payment_status = ?17, hold_expires_at = ?18, updated_at = ?19, checkout_id = ?20,
    payment_reference = ?21, owes_confirmation = NULL
WHERE tenant_id = ?1 AND booking_id = ?2)sql";
constexpr const char* kSelectBooking =
    "SELECT " SLOTWISE_BOOKING_COLUMNS " FROM bookings WHERE tenant_id = ?1 AND booking_id = ?2";
constexpr const char* kSelectBookingByKey =
    "SELECT " SLOTWISE_BOOKING_COLUMNS " FROM bookings"
    " WHERE tenant_id = ?1 AND idempotency_key = ?2";
// Overlap of [occ_start, occ_end) with [?3, ?4), as a range scan of
// bookings_by_resource: occ_end > ?3 implies occ_start > ?3 - max_occupied.
// Without a resources row there is no bound and ?6 (the lowest integer)
// stands in.
constexpr const char* kSelectActiveBookings =
    "SELECT " SLOTWISE_BOOKING_COLUMNS " FROM bookings"
    " WHERE tenant_id = ?1 AND resource_id = ?2"
    " AND occ_start >= coalesce(?3 - (SELECT max_occupied FROM resources"
    "                                 WHERE tenant_id = ?1 AND resource_id = ?2), ?6)"
    " AND occ_start < ?4 AND occ_end > ?3"
    " AND (status = 'confirmed' OR (status = 'pending' AND hold_expires_at > ?5))"
    " ORDER BY occ_start, booking_id";
constexpr const char* kSelectBookingByPaymentReference =
    "SELECT " SLOTWISE_BOOKING_COLUMNS " FROM bookings"
    " WHERE tenant_id = ?1 AND payment_reference = ?2 AND payment_reference <> ''"
    " ORDER BY booking_id LIMIT 1";
// The same rows as kSelectActiveBookings, only the columns the availability
// core needs: all of them are in bookings_by_resource.
constexpr const char* kSelectOccupancy =
    "SELECT start_at, end_at, seats, buffer_before_min, buffer_after_min FROM bookings"
    " WHERE tenant_id = ?1 AND resource_id = ?2"
    " AND occ_start >= coalesce(?3 - (SELECT max_occupied FROM resources"
    "                                 WHERE tenant_id = ?1 AND resource_id = ?2), ?6)"
    " AND occ_start < ?4 AND occ_end > ?3"
    " AND (status = 'confirmed' OR (status = 'pending' AND hold_expires_at > ?5))"
    " ORDER BY occ_start, booking_id";
constexpr const char* kSelectBookingStart =
    "SELECT start_at FROM bookings WHERE tenant_id = ?1 AND booking_id = ?2";
// ?2/?3: start range (?2 already raised to the cursor's start); (?4, ?5):
// the keyset cursor (lowest integer and '' when there is none); ?6 resource,
// ?7 creator, ?8 status (NULL = any), ?9 now, ?10 limit.
constexpr const char* kSelectBookings =
    "SELECT " SLOTWISE_BOOKING_COLUMNS " FROM bookings"
    " WHERE tenant_id = ?1 AND start_at >= ?2 AND start_at < ?3"
    " AND (start_at, booking_id) > (?4, ?5)"
    " AND (?6 IS NULL OR resource_id = ?6)"
    " AND (?7 IS NULL OR created_by = ?7)"
    " AND (?8 IS NULL"
    "  OR (?8 = 'pending' AND status = 'pending'"
    "                     AND (hold_expires_at IS NULL OR hold_expires_at > ?9))"
    "  OR (?8 = 'expired' AND (status = 'expired'"
    "                          OR (status = 'pending' AND hold_expires_at <= ?9)))"
    "  OR (?8 IN ('confirmed', 'cancelled') AND status = ?8))"
    " ORDER BY start_at, booking_id LIMIT ?10";
#undef SLOTWISE_BOOKING_COLUMNS

// Payments.
constexpr const char* kUpsertPaymentSettings = R"sql(
INSERT INTO payment_settings (tenant_id, provider, secret_key, webhook_secret) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (tenant_id) DO UPDATE SET provider = excluded.provider,
    secret_key = excluded.secret_key, webhook_secret = excluded.webhook_secret)sql";
constexpr const char* kSelectPaymentSettings =
    "SELECT provider, secret_key, webhook_secret FROM payment_settings WHERE tenant_id = ?1";
constexpr const char* kInsertPaymentEvent =
    "INSERT INTO payment_events (tenant_id, provider, event_id, type, received_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING";

// Outbox. The column order is the one read_notification() decodes.
#define SLOTWISE_OUTBOX_COLUMNS                                                             \
    "tenant_id, notification_id, kind, booking_id, locale, recipient, subject, body, ics, " \
    "created_at, attempts, sent_at, resource_id, start_at, end_at, sequence"
// A confirmation owed by a booking row, as an unsent outbox row would read.
#define SLOTWISE_OWED_CONFIRMATION                                                        \
    "tenant_id, tenant_id || ':' || booking_id || ':confirmed', 'booking_confirmed', "     \
    "booking_id, customer_locale, "                                                        \
    "customer_email, '', '', '', created_at, 0, NULL, resource_id, start_at, end_at, 0"
#define SLOTWISE_MOVE_CONFIRMATIONS                                                       \
    "INSERT INTO outbox (" SLOTWISE_OUTBOX_COLUMNS ", next_attempt_at)"                    \
    " SELECT " SLOTWISE_OWED_CONFIRMATION ", created_at FROM bookings"
constexpr const char* kInsertNotification = R"sql(
INSERT INTO outbox (tenant_id, notification_id, kind, booking_id, locale, recipient, subject,
                    body, ics, created_at, attempts, next_attempt_at, sent_at, resource_id,
                    start_at, end_at, sequence)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?10, NULL, ?11, ?12, ?13, ?14))sql";
// One booking's owed confirmation into the outbox (then kClearConfirmation).
constexpr const char* kMoveConfirmation =
    SLOTWISE_MOVE_CONFIRMATIONS
    " WHERE tenant_id = ?1 AND booking_id = ?2 AND owes_confirmation IS NOT NULL";
constexpr const char* kClearConfirmation =
    "UPDATE bookings SET owes_confirmation = NULL"
    " WHERE tenant_id = ?1 AND booking_id = ?2 AND owes_confirmation IS NOT NULL";
constexpr const char* kSelectOwedConfirmation =
    "SELECT " SLOTWISE_OWED_CONFIRMATION " FROM bookings"
    " WHERE tenant_id = ?1 AND booking_id = ?2 AND owes_confirmation IS NOT NULL";
// The sweep: every confirmation owed by rows (?1, ?2] of bookings, in the
// order they were booked, scanned by rowid without an index.
constexpr const char* kSelectSweptRow = "SELECT last_row FROM outbox_sweep WHERE id = 1";
constexpr const char* kSelectLastBookingRow = "SELECT coalesce(max(rowid), 0) FROM bookings";
constexpr const char* kSweepConfirmations =
    SLOTWISE_MOVE_CONFIRMATIONS
    " WHERE rowid > ?1 AND rowid <= ?2 AND owes_confirmation IS NOT NULL ORDER BY rowid";
constexpr const char* kSweepClear =
    "UPDATE bookings SET owes_confirmation = NULL"
    " WHERE rowid > ?1 AND rowid <= ?2 AND owes_confirmation IS NOT NULL";
constexpr const char* kSetSweptRow = "UPDATE outbox_sweep SET last_row = ?1 WHERE id = 1";
#undef SLOTWISE_MOVE_CONFIRMATIONS
#undef SLOTWISE_OWED_CONFIRMATION
constexpr const char* kSelectDueNotifications =
    "SELECT " SLOTWISE_OUTBOX_COLUMNS " FROM outbox"
    " WHERE sent_at IS NULL AND next_attempt_at <= ?1"
    " ORDER BY next_attempt_at, created_at, rowid LIMIT ?2";
constexpr const char* kLeaseNotification =
    "UPDATE outbox SET attempts = ?3, next_attempt_at = ?4 WHERE tenant_id = ?1 AND notification_id = ?2";
constexpr const char* kMarkNotificationSent =
    "UPDATE outbox SET sent_at = ?3 WHERE tenant_id = ?1 AND notification_id = ?2 AND sent_at IS NULL";
constexpr const char* kSelectBookingNotifications =
    "SELECT " SLOTWISE_OUTBOX_COLUMNS " FROM outbox WHERE tenant_id = ?1 AND booking_id = ?2 ORDER BY rowid";
#undef SLOTWISE_OUTBOX_COLUMNS

// ============================================================================
// Errors, statements, connections
// ============================================================================

constexpr std::int64_t kLowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kHighest = std::numeric_limits<std::int64_t>::max();

// SQLITE_BUSY / SQLITE_LOCKED reach us only once the busy timeout has run
// out: that is storage_busy (retry the whole transaction). Everything else is
// storage_error. No SQLite code leaves this file.
[[noreturn]] void fail(int rc, const std::string& message) {
    const int primary = rc & 0xff;
    const Errc code = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) ? Errc::storage_busy
                                                                           : Errc::storage_error;
    throw Error(code, "sqlite: " + message);
}

[[noreturn]] void fail(sqlite3* db, int rc) {
    const bool current = db != nullptr && sqlite3_extended_errcode(db) == rc;
    fail(rc, current ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

[[noreturn]] void corrupt(const std::string& what) {
    throw Error(Errc::storage_error, "sqlite: unreadable stored value: " + what);
}

std::int64_t seconds(Instant t) { return t.time_since_epoch().count(); }
Instant instant(std::int64_t s) { return Instant{std::chrono::seconds{s}}; }
std::int64_t day_number(Date d) { return date::sys_days{d}.time_since_epoch().count(); }
Date date_of(std::int64_t n) { return Date{date::sys_days{date::days{n}}}; }

// A day's windows as stored: "540-780,840-1080".
std::string encode_windows(const std::vector<LocalWindow>& windows) {
    std::string out;
    for (const auto& w : windows) {
        if (!out.empty()) out += ',';
        out += std::to_string(w.start.count());
        out += '-';
        out += std::to_string(w.end.count());
    }
    return out;
}

std::vector<LocalWindow> decode_windows(std::string_view text) {
    std::vector<LocalWindow> out;
    const char* p = text.data();
    const char* const end = p + text.size();
    while (p != end) {
        std::int64_t a = 0;
        std::int64_t b = 0;
        auto r = std::from_chars(p, end, a);
        if (r.ec != std::errc{} || r.ptr == end || *r.ptr != '-')
            corrupt("windows \"" + std::string(text) + "\"");
        r = std::from_chars(r.ptr + 1, end, b);
        if (r.ec != std::errc{} || (r.ptr != end && *r.ptr != ','))
            corrupt("windows \"" + std::string(text) + "\"");
        out.push_back({Minutes{a}, Minutes{b}});
        p = r.ptr == end ? end : r.ptr + 1;
    }
    return out;
}

template <class E, std::size_t N>
E decode_enum(std::string_view text, const std::array<std::string_view, N>& names) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) return static_cast<E>(i);
    }
    corrupt("enum value \"" + std::string(text) + "\"");
}

std::optional<std::string_view> null_if_empty(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return std::string_view(s);
}

// A cached prepared statement in use: binds by position (?1, ?2, …), steps,
// reads columns, and on destruction resets and clears its bindings so the
// cache can hand it out again.
class Statement {
public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) noexcept : db_(db), stmt_(stmt) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

    /// Binds `values` to ?1, ?2, … in order.
    template <class... Values>
    Statement& bind(const Values&... values) {
        int index = 0;
        (bind_one(++index, values), ...);
        return *this;
    }

    /// Steps once: true when a row is ready, false when done.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        fail(db_, rc);
    }
    /// Runs a statement that returns no rows.
    void run() {
        while (step()) {
        }
    }
    /// Binds `values` without copying them (they outlive this call), runs,
    /// and lets go of them before returning: for the hot INSERT, whose
    /// strings SQLite would otherwise copy one by one.
    template <class... Values>
    void run_with(const Values&... values) {
        borrowed_ = true;
        int index = 0;
        (bind_one(++index, values), ...);
        borrowed_ = false;
        run();
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    /// Rows changed by the last run().
    int changes() const noexcept { return sqlite3_changes(db_); }

    std::string text(int col) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        const int n = sqlite3_column_bytes(stmt_, col);
        return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
    int small(int col) const {
        const auto v = integer(col);
        if (v < INT_MIN || v > INT_MAX) corrupt("integer " + std::to_string(v));
        return static_cast<int>(v);
    }
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    Instant at(int col) const { return instant(integer(col)); }
    Minutes minutes(int col) const { return Minutes{integer(col)}; }
    template <class Tag>
    Id<Tag> id(int col) const {
        return Id<Tag>{text(col)};
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) fail(db_, rc);
    }
    void bind_one(int i, std::string_view v) {
        // Explicit length: embedded NUL bytes are data. TRANSIENT: SQLite
        // copies, so temporaries passed to bind() are safe.
        check(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), borrowed_ ? SQLITE_STATIC : SQLITE_TRANSIENT,
                                  SQLITE_UTF8));
    }
    void bind_one(int i, const std::string& v) { bind_one(i, std::string_view(v)); }
    void bind_one(int i, std::int64_t v) { check(sqlite3_bind_int64(stmt_, i, v)); }
    void bind_one(int i, int v) { bind_one(i, static_cast<std::int64_t>(v)); }
    void bind_one(int i, Instant v) { bind_one(i, seconds(v)); }
    void bind_one(int i, Minutes v) { bind_one(i, static_cast<std::int64_t>(v.count())); }
    void bind_one(int i, std::nullopt_t) { check(sqlite3_bind_null(stmt_, i)); }
    template <class Tag>
    void bind_one(int i, const Id<Tag>& v) {
        bind_one(i, std::string_view(v.value));
    }
    template <class T>
    void bind_one(int i, const std::optional<T>& v) {
        if (v) {
            bind_one(i, *v);
        } else {
            bind_one(i, std::nullopt);
        }
    }

    sqlite3* db_;
    sqlite3_stmt* stmt_;
    bool borrowed_ = false;  // bind without copying (run_with)
};

struct CloseDatabase {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};

// What one connection has read of tenants' catalogues (services, resources,
// weekly hours, and a resource's overrides and blocks when it has few), each
// tenant's valid while its catalogue_version is the one it was read under. Committed data only: a transaction that changes a
// catalogue neither reads from nor adds to the cache.
struct CatalogueCache {
    using Overrides = std::map<Date, std::vector<LocalWindow>>;
    struct Tenant {
        std::int64_t version = -1;
        std::unordered_map<std::string, std::optional<Service>> services;
        std::unordered_map<std::string, std::optional<Resource>> resources;
        std::unordered_map<std::string, WeeklyHours> hours;
        // All of a resource's overrides or blocks; nullopt when it has more
        // than kMaxCalendarRows (then each question goes to the database).
        std::unordered_map<std::string, std::optional<Overrides>> overrides;
        std::unordered_map<std::string, std::optional<std::vector<Block>>> blocks;
        std::size_t rows = 0;  // held in the maps above
    };
    // Bounds on memory, not a policy: past them the cache starts over. Rows
    // are at most a few hundred bytes (names and reasons are capped), so a
    // connection holds at most a few megabytes.
    static constexpr std::size_t kMaxTenants = 256;
    static constexpr std::int64_t kMaxCalendarRows = 64;
    static constexpr std::size_t kMaxRows = 10'000;
    std::unordered_map<std::string, Tenant> tenants;
    std::size_t rows = 0;  // held, over all tenants
};

// How many rows a cached value holds: one, or a resource's overrides or
// blocks.
template <class T>
std::size_t rows_in(const T&) {
    return 1;
}
template <class Rows>
std::size_t rows_in(const std::optional<Rows>& v) requires requires { v->size(); }
{
    return v ? std::max<std::size_t>(v->size(), 1) : 1;
}

// One SQLite connection and its prepared statements, keyed by the address of
// the SQL constant above. Used by one transaction (one thread) at a time.
class Connection {
public:
    explicit Connection(const SqliteOptions& options) {
        // NOMUTEX: the pool never lets two threads use one connection at once.
        const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
        sqlite3* raw = nullptr;
        const int rc = sqlite3_open_v2(options.path.c_str(), &raw, flags,
                                       options.vfs.empty() ? nullptr : options.vfs.c_str());
        db_.reset(raw);
        if (rc != SQLITE_OK) {
            fail(rc, "cannot open \"" + options.path +
                         "\": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
        }
        sqlite3_extended_result_codes(raw, 1);
        set_busy_timeout(options.busy_timeout);
        exec(options.synchronous_full ? kSynchronousFull : kSynchronousNormal);
        exec(kCacheSize);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() {
        for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    }

    sqlite3* handle() const noexcept { return db_.get(); }

    /// How long SQLite retries a busy lock (0 or less: not at all).
    void set_busy_timeout(std::chrono::milliseconds timeout) noexcept {
        const auto ms = std::max<std::int64_t>(0, timeout.count());
        sqlite3_busy_timeout(db_.get(), static_cast<int>(std::min<std::int64_t>(ms, INT_MAX)));
    }

    /// The cached statement for `sql` (one of the constants above).
    Statement statement(const char* sql) {
        auto it = cache_.find(sql);
        if (it == cache_.end()) {
            sqlite3_stmt* stmt = nullptr;
            const int rc =
                sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
            if (rc != SQLITE_OK) fail(db_.get(), rc);
            it = cache_.emplace(sql, stmt).first;
        }
        return Statement(db_.get(), it->second);
    }

    /// Runs one or more statements without caching them (setup, migrations).
    void exec(const char* sql) {
        char* message = nullptr;
        const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
        if (rc != SQLITE_OK) {
            const std::string text = message ? message : sqlite3_errstr(rc);
            sqlite3_free(message);
            fail(rc, text);
        }
    }

    std::int64_t query_integer(const char* sql) {
        auto s = statement(sql);
        if (!s.step()) fail(SQLITE_ERROR, std::string("no result from ") + sql);
        return s.integer(0);
    }

    CatalogueCache& catalogue() noexcept { return catalogue_; }

    /// True when no transaction is open on the connection.
    bool idle() const noexcept { return sqlite3_get_autocommit(db_.get()) != 0; }

    /// Rolls back whatever transaction is open; never throws.
    void rollback_quietly() noexcept {
        // SQLite rolls back on its own after some errors (I/O, full disk):
        // then there is nothing left to roll back.
        if (idle()) return;
        try {
            statement(kRollback).run();
        } catch (...) {  // NOLINT(bugprone-empty-catch): the pool drops a connection left non-idle
        }
    }

private:
    std::unique_ptr<sqlite3, CloseDatabase> db_;
    std::unordered_map<const char*, sqlite3_stmt*> cache_;
    CatalogueCache catalogue_;
};

// Brings the schema to kSchemaVersion, refusing files that are not slotwise
// databases or are newer than this build.
void migrate(Connection& c) {
    // Reads the version and checks the file; inside a transaction, so that
    // the three reads see one state even while another process migrates.
    const auto check = [&] {
        const auto version = c.query_integer(kUserVersion);
        const auto application = c.query_integer(kApplicationIdQuery);
        if (version > kSchemaVersion) {
            fail(SQLITE_ERROR, "the database has schema version " + std::to_string(version) +
                                   ", newer than this build's " + std::to_string(kSchemaVersion) +
                                   "; upgrade slotwise to open it");
        }
        if ((application != 0 && application != kApplicationId) ||
            (version == 0 && c.query_integer(kCountSchemaObjects) != 0)) {
            fail(SQLITE_ERROR, "the file is not a slotwise database");
        }
        return version;
    };
    const auto in_transaction = [&](const char* begin, const auto& body) {
        c.statement(begin).run();
        try {
            body();
            c.statement(kCommit).run();
        } catch (...) {
            c.rollback_quietly();
            throw;
        }
    };
    // Most opens find the schema current and need no write lock.
    std::int64_t version = 0;
    in_transaction(kBeginDeferred, [&] { version = check(); });
    if (version == kSchemaVersion) return;
    in_transaction(kBeginImmediate, [&] {
        // Another process may have migrated while we waited for the lock.
        for (auto v = check(); v < kSchemaVersion; ++v) c.exec(kMigrations[v]);
    });
}

// ============================================================================
// The pool
// ============================================================================

// Hands each transaction a connection of its own, opening one when none is
// idle. ":memory:" is a database private to one connection, so a memory pool
// has exactly one and a transaction waits (up to the busy timeout) for it:
// memory transactions are serialised.
class Pool {
public:
    explicit Pool(SqliteOptions options)
        : options_(std::move(options)), memory_(options_.path == ":memory:") {
        auto first = std::make_unique<Connection>(options_);
        migrate(*first);
        // After the checks in migrate(): a foreign or newer file is refused
        // before we change its journal mode.
        if (!memory_) enable_wal(*first);
        idle_.push_back(std::move(first));
    }

    std::unique_ptr<Connection> acquire() {
        std::unique_lock lock(mutex_);
        if (memory_ &&
            !available_.wait_for(lock, options_.busy_timeout, [&] { return !idle_.empty(); })) {
            throw Error(Errc::storage_busy,
                        "sqlite: the in-memory database stayed busy past the busy timeout");
        }
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return c;
        }
        lock.unlock();
        return std::make_unique<Connection>(options_);
    }

    /// Serialises this process's write transactions. SQLite's busy handler
    /// polls with sleeps of a millisecond and more, while a booking holds the
    /// lock for well under a tenth of that: writers of one process wait here
    /// and take the lock the moment it is free; other processes still meet
    /// them at SQLite's lock. Waits until `deadline` (the busy timeout from
    /// the start of write()). A semaphore, not a mutex: a transaction may end
    /// on another thread than it began. Not fair: under contention a writer
    /// may be overtaken, never past its deadline.
    void take_writer_turn(std::chrono::steady_clock::time_point deadline) {
        if (!writer_.try_acquire_until(deadline)) {
            throw Error(Errc::storage_busy, "sqlite: another write transaction of this process held the lock past "
                                            "the busy timeout");
        }
    }
    void end_writer_turn() noexcept { writer_.release(); }

    const SqliteOptions& options() const noexcept { return options_; }

    /// Takes a connection back; one that cannot be brought back to idle is
    /// closed instead (never the only one of a memory database).
    void release(std::unique_ptr<Connection> c) noexcept {
        c->rollback_quietly();
        std::unique_ptr<Connection> dropped;
        {
            std::lock_guard lock(mutex_);
            if (memory_ || (c->idle() && idle_.size() < kMaxIdle)) {
                idle_.push_back(std::move(c));
            } else {
                dropped = std::move(c);
            }
        }
        available_.notify_one();
    }

private:
    static constexpr std::size_t kMaxIdle = 16;

    // WAL lets readers run beside the writer. The switch is made once per
    // file and persists. It needs the file to itself and, unlike locking for
    // a transaction, does not go through the busy handler, so a store opened
    // while another one is still opening the same new file retries here
    // within its busy timeout.
    void enable_wal(Connection& c) {
        if (lower(query_text(c, kJournalMode)) == "wal") return;
        const auto deadline = std::chrono::steady_clock::now() + options_.busy_timeout;
        for (;;) {
            try {
                const auto mode = lower(query_text(c, kJournalModeWal));
                if (mode != "wal")
                    fail(SQLITE_ERROR, "cannot switch to WAL (journal mode is " + mode + ")");
                return;
            } catch (const Error& e) {
                if (e.code() != Errc::storage_busy || std::chrono::steady_clock::now() >= deadline)
                    throw;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }

    static std::string query_text(Connection& c, const char* sql) {
        auto s = c.statement(sql);
        if (!s.step()) fail(SQLITE_ERROR, std::string("no result from ") + sql);
        return s.text(0);
    }
    static std::string lower(std::string s) {
        for (char& ch : s) {
            if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        }
        return s;
    }

    const SqliteOptions options_;
    const bool memory_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::binary_semaphore writer_{1};
};

// ============================================================================
// Rows
// ============================================================================

Resource read_resource(const Statement& s) {
    return {.id = s.id<ResourceTag>(0),
            .name = s.text(1),
            .kind = decode_enum<ResourceKind>(s.text(2), detail::kind_names),
            .timezone = s.text(3),
            .capacity = s.small(4)};
}

Service read_service(const Statement& s) {
    return {.id = s.id<ServiceTag>(0),
            .name = s.text(1),
            .duration = s.minutes(2),
            .step = s.minutes(3),
            .buffer_before = s.minutes(4),
            .buffer_after = s.minutes(5),
            .price = s.integer(6),
            .currency = s.text(7),
            .min_notice = s.minutes(8),
            .horizon = s.minutes(9),
            .hold = s.minutes(10),
            .resources = {}};
}

Block read_block(const Statement& s) {
    return {.id = s.id<BlockTag>(0),
            .resource = s.id<ResourceTag>(1),
            .interval = {s.at(2), s.at(3)},
            .reason = s.text(4)};
}

Booking read_booking(const Statement& s) {
    Booking b;
    b.id = s.id<BookingTag>(0);
    b.service = s.id<ServiceTag>(1);
    b.resource = s.id<ResourceTag>(2);
    b.interval = {s.at(3), s.at(4)};
    b.seats = s.small(5);
    b.buffer_before = s.minutes(6);
    b.buffer_after = s.minutes(7);
    b.customer = {.name = s.text(8), .email = s.text(9), .phone = s.text(10), .locale = s.text(11)};
    b.status = decode_enum<BookingStatus>(s.text(12), detail::status_names);
    b.payment_status = decode_enum<PaymentStatus>(s.text(13), detail::payment_names);
    if (!s.is_null(14)) b.hold_expires_at = s.at(14);
    b.idempotency_key = s.text(15);  // NULL reads as ""
    b.request_fingerprint = s.text(16);
    b.created_by = s.text(17);
    b.created_at = s.at(18);
    b.updated_at = s.at(19);
    b.checkout_id = s.text(20);
    b.payment_reference = s.text(21);
    return b;
}

Notification read_notification(const Statement& s) {
    Notification n;
    n.tenant = s.id<TenantTag>(0);
    n.id = s.text(1);
    const auto kind = s.text(2);
    bool known = false;
    for (auto k : {NotificationKind::booking_confirmed, NotificationKind::booking_cancelled,
                   NotificationKind::booking_rescheduled, NotificationKind::refund_due}) {
        if (to_string(k) == kind) {
            n.kind = k;
            known = true;
        }
    }
    if (!known) corrupt("notification kind \"" + kind + "\"");
    n.booking = s.id<BookingTag>(3);
    n.locale = s.text(4);
    n.to = s.text(5);
    n.subject = s.text(6);
    n.body = s.text(7);
    n.ics = s.text(8);
    n.created_at = s.at(9);
    n.attempts = s.small(10);
    if (!s.is_null(11)) n.sent_at = s.at(11);
    n.resource = s.id<ResourceTag>(12);
    n.when = {s.at(13), s.at(14)};
    n.sequence = s.small(15);
    return n;
}

std::vector<Booking> read_bookings(Statement& s) {
    std::vector<Booking> out;
    while (s.step()) out.push_back(read_booking(s));
    return out;
}

// ============================================================================
// The transaction
// ============================================================================

enum class Access { read, write };

// A write transaction's turn among this process's writers (Pool::take_writer_turn).
class WriterTurn {
public:
    WriterTurn(Pool* pool, std::chrono::steady_clock::time_point deadline) : pool_(pool) {
        if (pool_) pool_->take_writer_turn(deadline);
    }
    WriterTurn(const WriterTurn&) = delete;
    WriterTurn& operator=(const WriterTurn&) = delete;
    ~WriterTurn() { end(); }
    void end() noexcept {
        if (pool_) pool_->end_writer_turn();
        pool_ = nullptr;
    }

private:
    Pool* pool_;
};

class SqliteTransaction final : public Transaction {
public:
    SqliteTransaction(std::shared_ptr<Pool> pool, Access access)
        : pool_(std::move(pool)),
          deadline_(std::chrono::steady_clock::now() + pool_->options().busy_timeout),
          writer_turn_(access == Access::write ? pool_.get() : nullptr, deadline_),
          conn_(pool_->acquire()),
          access_(access) {
        try {
            if (access == Access::write) {
                // IMMEDIATE takes the write lock now, waiting for what is left
                // of the busy timeout: a DEFERRED transaction would read first
                // and get SQLITE_BUSY at once when it tried to upgrade.
                conn_->set_busy_timeout(std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline_ - std::chrono::steady_clock::now()));
                const auto restore = [&]() noexcept { conn_->set_busy_timeout(pool_->options().busy_timeout); };
                try {
                    conn_->statement(kBeginImmediate).run();
                } catch (...) {
                    restore();
                    throw;
                }
                restore();
            } else {
                conn_->statement(kBeginDeferred).run();
                conn_->statement(kPinSnapshot).run();
            }
        } catch (...) {
            pool_->release(std::move(conn_));
            throw;
        }
    }
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;

    ~SqliteTransaction() override { finish(); }

    void commit() override {
        call(Access::read, [&] {
            try {
                conn_->statement(kCommit).run();
            } catch (const Error& e) {
                if (e.code() != Errc::storage_error) throw;
                // An I/O error on the final sync may strike after the whole
                // transaction reached the WAL: it is not visible now, but
                // recovery after a crash could still find it committed.
                throw Error(
                    Errc::storage_error,
                    std::string(e.what()) +
                        " (on COMMIT: rolled back, but in doubt should the process crash now)");
            }
        });
        state_ = State::committed;
        finish();
    }

    // --- tenants ---------------------------------------------------------

    void insert_tenant(const Tenant& t) override {
        call(Access::write, [&] {
            catalogue_changed();
            c().statement(kInsertTenant).bind(t.id, t.name, t.created_at).run();
        });
    }

    std::optional<Tenant> tenant(const TenantId& id) override {
        return call(Access::read, [&]() -> std::optional<Tenant> {
            auto s = c().statement(kSelectTenant);
            s.bind(id);
            if (!s.step()) return std::nullopt;
            return Tenant{.id = s.id<TenantTag>(0), .name = s.text(1), .created_at = s.at(2)};
        });
    }

    // --- resources and calendars ----------------------------------------

    void put_resource(const TenantId& t, const Resource& r) override {
        call(Access::write, [&] {
            catalogue_changed();
            c().statement(kUpsertResource)
                .bind(t, r.id, r.name, std::string(to_string(r.kind)), r.timezone, r.capacity)
                .run();
        });
    }

    std::optional<Resource> resource(const TenantId& t, const ResourceId& id) override {
        return call(Access::read, [&] {
            return cached(t, &CatalogueCache::Tenant::resources, id.value, [&]() -> std::optional<Resource> {
                auto s = c().statement(kSelectResource);
                s.bind(t, id);
                if (!s.step()) return std::nullopt;
                return read_resource(s);
            });
        });
    }

    std::vector<Resource> resources(const TenantId& t) override {
        return call(Access::read, [&] {
            std::vector<Resource> out;
            auto s = c().statement(kSelectResources);
            s.bind(t);
            while (s.step()) out.push_back(read_resource(s));
            return out;
        });
    }

    void put_weekly_hours(const TenantId& t, const ResourceId& r, const WeeklyHours& w) override {
        call(Access::write, [&] {
            catalogue_changed();
            c().statement(kDeleteWeeklyHours).bind(t, r).run();
            for (int day = 0; day < 7; ++day) {
                const auto& windows = w.days[static_cast<std::size_t>(day)];
                if (windows.empty()) continue;
                c().statement(kInsertWeeklyHours)
                    .bind(t, r, day + 1, encode_windows(windows))
                    .run();
            }
        });
    }

    WeeklyHours weekly_hours(const TenantId& t, const ResourceId& r) override {
        return call(Access::read, [&] {
            return cached(t, &CatalogueCache::Tenant::hours, r.value, [&] {
                WeeklyHours w;
                auto s = c().statement(kSelectWeeklyHours);
                s.bind(t, r);
                while (s.step()) {
                    const auto day = s.integer(0);
                    if (day < 1 || day > 7) corrupt("weekday " + std::to_string(day));
                    w.days[static_cast<std::size_t>(day - 1)] = decode_windows(s.text(1));
                }
                return w;
            });
        });
    }

    void put_override(const TenantId& t, const ResourceId& r, Date day,
                      const std::vector<LocalWindow>& windows) override {
        call(Access::write, [&] {
            catalogue_changed();
            c().statement(kUpsertOverride)
                .bind(t, r, day_number(day), encode_windows(windows))
                .run();
        });
    }

    bool delete_override(const TenantId& t, const ResourceId& r, Date day) override {
        return call(Access::write, [&] {
            catalogue_changed();
            auto s = c().statement(kDeleteOverride);
            s.bind(t, r, day_number(day)).run();
            return s.changes() > 0;
        });
    }

    std::map<Date, std::vector<LocalWindow>> overrides(const TenantId& t, const ResourceId& r,
                                                       Date from, Date to) override {
        return call(Access::read, [&] {
            std::map<Date, std::vector<LocalWindow>> out;
            if (to < from) return out;
            const auto* all = cached_ref(t, &CatalogueCache::Tenant::overrides, r.value, [&] {
                return all_rows<CatalogueCache::Overrides>(kSelectAllOverrides, t, r, [](const Statement& s, auto& rows) {
                    rows.emplace(date_of(s.integer(0)), decode_windows(s.text(1)));
                });
            });
            if (all && *all) {
                out.insert((*all)->lower_bound(from), (*all)->upper_bound(to));
                return out;
            }
            auto s = c().statement(kSelectOverrides);
            s.bind(t, r, day_number(from), day_number(to));
            while (s.step()) out.emplace(date_of(s.integer(0)), decode_windows(s.text(1)));
            return out;
        });
    }

    // --- blocks ----------------------------------------------------------

    void insert_block(const TenantId& t, const Block& b) override {
        call(Access::write, [&] {
            catalogue_changed();
            c().statement(kInsertBlock)
                .bind(t, b.id, b.resource, b.interval.begin, b.interval.end, b.reason)
                .run();
        });
    }

    bool delete_block(const TenantId& t, const BlockId& id) override {
        return call(Access::write, [&] {
            catalogue_changed();
            auto s = c().statement(kDeleteBlock);
            s.bind(t, id).run();
            return s.changes() > 0;
        });
    }

    std::vector<Block> blocks(const TenantId& t, const ResourceId& r, Interval range) override {
        return call(Access::read, [&] {
            std::vector<Block> out;
            const auto* all = cached_ref(t, &CatalogueCache::Tenant::blocks, r.value, [&] {
                return all_rows<std::vector<Block>>(kSelectAllBlocks, t, r, [](const Statement& s, auto& rows) {
                    rows.push_back(read_block(s));
                });
            });
            if (all && *all) {
                for (const auto& b : **all) {
                    if (b.interval.begin < range.end && b.interval.end > range.begin) out.push_back(b);
                }
                return out;
            }
            auto s = c().statement(kSelectBlocks);
            s.bind(t, r, range.begin, range.end);
            while (s.step()) out.push_back(read_block(s));
            return out;
        });
    }

    // --- services --------------------------------------------------------

    void put_service(const TenantId& t, const Service& v) override {
        call(Access::write, [&] {
            catalogue_changed();
            c().statement(kUpsertService)
                .bind(t, v.id, v.name, v.duration, v.step, v.buffer_before, v.buffer_after, v.price,
                      v.currency, v.min_notice, v.horizon, v.hold)
                .run();
            c().statement(kDeleteServiceResources).bind(t, v.id).run();
            for (std::size_t i = 0; i < v.resources.size(); ++i) {
                c().statement(kInsertServiceResource)
                    .bind(t, v.id, static_cast<std::int64_t>(i), v.resources[i])
                    .run();
            }
        });
    }

    std::optional<Service> service(const TenantId& t, const ServiceId& id) override {
        return call(Access::read, [&] {
            return cached(t, &CatalogueCache::Tenant::services, id.value, [&]() -> std::optional<Service> {
                std::optional<Service> out;
                {
                    auto s = c().statement(kSelectService);
                    s.bind(t, id);
                    if (!s.step()) return std::nullopt;
                    out = read_service(s);
                }
                auto s = c().statement(kSelectServiceResources);
                s.bind(t, id);
                while (s.step()) out->resources.push_back(s.id<ResourceTag>(0));
                return out;
            });
        });
    }

    std::vector<Service> services(const TenantId& t) override {
        return call(Access::read, [&] {
            std::vector<Service> out;
            std::map<std::string, std::size_t> index;
            {
                auto s = c().statement(kSelectServices);
                s.bind(t);
                while (s.step()) {
                    out.push_back(read_service(s));
                    index.emplace(out.back().id.value, out.size() - 1);
                }
            }
            auto s = c().statement(kSelectAllServiceResources);
            s.bind(t);
            while (s.step()) {
                // A link whose service row is missing cannot come from
                // put_service; skip it rather than invent a service.
                if (auto it = index.find(s.text(0)); it != index.end()) {
                    out[it->second].resources.push_back(s.id<ResourceTag>(1));
                }
            }
            return out;
        });
    }

    // --- bookings --------------------------------------------------------

    using Transaction::insert_booking;

    void insert_booking(const TenantId& t, const Booking& b, const Notification* confirmation) override {
        call(Access::write, [&] {
            // Kept on the row when the row alone can say it again (see
            // SLOTWISE_OWED_CONFIRMATION); anything else is an outbox row.
            const bool owed = confirmation && rides_on_row(t, b, *confirmation);
            const auto occupied = b.occupied_interval();
            c().statement(kInsertBooking)
                .run_with(t, b.id, b.service, b.resource, b.interval.begin, b.interval.end, occupied.begin,
                          occupied.end, b.seats, b.buffer_before, b.buffer_after, b.customer.name,
                          b.customer.email, b.customer.phone, b.customer.locale, to_string(b.status),
                          to_string(b.payment_status), b.hold_expires_at, null_if_empty(b.idempotency_key),
                          b.request_fingerprint, b.created_by, b.created_at, b.updated_at, b.checkout_id,
                          b.payment_reference, owed ? std::optional<std::int64_t>(1) : std::nullopt);
            if (confirmation && !owed) write_notification(*confirmation);
        });
    }

    void update_booking(const TenantId& t, const Booking& b) override {
        const bool updated = call(Access::write, [&] {
            const auto occupied = b.occupied_interval();
            auto s = c().statement(kUpdateBooking);
            s.bind(t, b.id, b.service, b.resource, b.interval.begin, b.interval.end, occupied.begin,
                   occupied.end, b.seats, b.buffer_before, b.buffer_after, b.customer.name,
                   b.customer.email, b.customer.phone, b.customer.locale,
                   std::string(to_string(b.status)), std::string(to_string(b.payment_status)),
                   b.hold_expires_at, b.updated_at, b.checkout_id, b.payment_reference)
                .run();
            return s.changes() > 0;
        });
        // Not a storage failure: the transaction stays usable.
        if (!updated) throw Error(Errc::not_found, "booking", "no such booking");
    }

    std::optional<Booking> booking(const TenantId& t, const BookingId& id) override {
        return call(Access::read, [&]() -> std::optional<Booking> {
            auto s = c().statement(kSelectBooking);
            s.bind(t, id);
            if (!s.step()) return std::nullopt;
            return read_booking(s);
        });
    }

    std::optional<Booking> booking_by_idempotency_key(const TenantId& t,
                                                      const std::string& key) override {
        return call(Access::read, [&]() -> std::optional<Booking> {
            if (key.empty()) return std::nullopt;  // "" means "no key", never a match
            auto s = c().statement(kSelectBookingByKey);
            s.bind(t, key);
            if (!s.step()) return std::nullopt;
            return read_booking(s);
        });
    }

    std::vector<Booking> active_bookings(const TenantId& t, const ResourceId& r, Interval range,
                                         Instant now) override {
        return call(Access::read, [&] {
            auto s = c().statement(kSelectActiveBookings);
            s.bind(t, r, range.begin, range.end, now, kLowest);
            return read_bookings(s);
        });
    }

    std::vector<Booked> occupancy(const TenantId& t, const ResourceId& r, Interval range,
                                  Instant now) override {
        return call(Access::read, [&] {
            std::vector<Booked> out;
            auto s = c().statement(kSelectOccupancy);
            s.bind(t, r, range.begin, range.end, now, kLowest);
            while (s.step()) {
                out.push_back({.interval = {s.at(0), s.at(1)}, .seats = s.small(2),
                               .buffer_before = s.minutes(3), .buffer_after = s.minutes(4)});
            }
            return out;
        });
    }

    std::optional<Booking> booking_by_payment_reference(const TenantId& t,
                                                        const std::string& reference) override {
        return call(Access::read, [&]() -> std::optional<Booking> {
            auto s = c().statement(kSelectBookingByPaymentReference);
            s.bind(t, reference);
            if (!s.step()) return std::nullopt;
            return read_booking(s);
        });
    }

    // --- payments --------------------------------------------------------

    void put_payment_settings(const TenantId& t, const PaymentSettings& p) override {
        call(Access::write, [&] {
            c().statement(kUpsertPaymentSettings).bind(t, p.provider, p.secret_key, p.webhook_secret).run();
        });
    }

    std::optional<PaymentSettings> payment_settings(const TenantId& t) override {
        return call(Access::read, [&]() -> std::optional<PaymentSettings> {
            auto s = c().statement(kSelectPaymentSettings);
            s.bind(t);
            if (!s.step()) return std::nullopt;
            return PaymentSettings{.provider = s.text(0), .secret_key = s.text(1), .webhook_secret = s.text(2)};
        });
    }

    bool record_payment_event(const TenantId& t, const std::string& provider, const std::string& event_id,
                              const std::string& type, Instant received_at) override {
        return call(Access::write, [&] {
            auto s = c().statement(kInsertPaymentEvent);
            s.bind(t, provider, event_id, type, received_at).run();
            return s.changes() > 0;
        });
    }

    // --- outbox ----------------------------------------------------------

    void insert_notification(const Notification& n) override {
        call(Access::write, [&] {
            // A later notification never overtakes the booking's confirmation.
            move_confirmation(n.tenant, n.booking);
            write_notification(n);
        });
    }

    std::vector<Notification> take_notifications(Instant now, int limit) override {
        return call(Access::write, [&] {
            sweep();
            std::vector<Notification> due;
            {
                auto s = c().statement(kSelectDueNotifications);
                s.bind(now, std::max(limit, 0));
                while (s.step()) due.push_back(read_notification(s));
            }
            for (auto& n : due) {
                ++n.attempts;
                c().statement(kLeaseNotification)
                    .bind(n.tenant, n.id, n.attempts, now + notification_backoff(n.attempts))
                    .run();
            }
            return due;
        });
    }

    bool mark_notification_sent(const TenantId& t, const std::string& id, Instant now) override {
        return call(Access::write, [&] {
            sweep();
            auto s = c().statement(kMarkNotificationSent);
            s.bind(t, id, now).run();
            return s.changes() > 0;
        });
    }

    std::vector<Notification> notifications(const TenantId& t, const BookingId& b) override {
        return call(Access::read, [&] {
            std::vector<Notification> out;
            {
                // Still on the row, so written before any outbox row of it.
                auto s = c().statement(kSelectOwedConfirmation);
                s.bind(t, b);
                if (s.step()) out.push_back(read_notification(s));
            }
            auto s = c().statement(kSelectBookingNotifications);
            s.bind(t, b);
            while (s.step()) out.push_back(read_notification(s));
            return out;
        });
    }

    std::vector<Booking> bookings(const TenantId& t, const BookingFilter& f) override {
        return call(Access::read, [&]() -> std::vector<Booking> {
            std::int64_t after_start = kLowest;
            std::string after_id;
            if (f.after) {
                auto s = c().statement(kSelectBookingStart);
                s.bind(t, *f.after);
                // A cursor that names no booking of this tenant has nothing after it.
                if (!s.step()) return {};
                after_start = s.integer(0);
                after_id = f.after->value;
            }
            std::optional<std::string> status;
            if (f.status) status = std::string(to_string(*f.status));
            // The cursor implies start_at >= after_start: folding it into the
            // lower bound makes each page an index range scan that starts at
            // the cursor instead of at `from`.
            const std::int64_t lowest_start =
                std::max(f.from ? seconds(*f.from) : kLowest, after_start);
            auto s = c().statement(kSelectBookings);
            s.bind(t, lowest_start, f.to ? seconds(*f.to) : kHighest, after_start, after_id,
                   f.resource, f.created_by, status, f.now, std::max(f.limit, 0));
            return read_bookings(s);
        });
    }

private:
    enum class State { open, committed, failed };

    Connection& c() { return *conn_; }

    // --- the catalogue cache (see CatalogueCache) --------------------------

    void catalogue_changed() noexcept { catalogue_written_ = true; }

    // `load()`'s answer for `key` of tenant `t`, from the connection's cache
    // when the tenant's catalogue is as it was when the entry was read.
    template <class Value, class Load>
    Value cached(const TenantId& t, std::unordered_map<std::string, Value> CatalogueCache::Tenant::*map,
                 const std::string& key, Load&& load) {
        const Value* value = cached_ref(t, map, key, load);
        return value ? *value : load();
    }

    // The same, in place: null when the cache may not be used.
    template <class Value, class Load>
    const Value* cached_ref(const TenantId& t, std::unordered_map<std::string, Value> CatalogueCache::Tenant::*map,
                            const std::string& key, Load&& load) {
        auto* entry = catalogue_of(t);
        if (entry == nullptr) return nullptr;
        auto& values = entry->*map;
        if (const auto it = values.find(key); it != values.end()) return &it->second;
        auto& cache = c().catalogue();
        if (cache.rows >= CatalogueCache::kMaxRows) {
            cache.tenants.clear();
            cache.rows = 0;
            return nullptr;  // `entry` is gone; the caller asks the database
        }
        auto value = load();
        const std::size_t n = rows_in(value);  // at most kMaxCalendarRows past the bound
        cache.rows += n;
        entry->rows += n;
        return &values.emplace(key, std::move(value)).first->second;
    }

    // Every row `sql` gives for (t, r), added to a Rows by `add`; nullopt
    // when there are more than the cache keeps.
    template <class Rows, class Add>
    std::optional<Rows> all_rows(const char* sql, const TenantId& t, const ResourceId& r, Add&& add) {
        Rows rows;
        std::int64_t n = 0;
        auto s = c().statement(sql);
        s.bind(t, r, CatalogueCache::kMaxCalendarRows + 1);
        while (s.step()) {
            if (++n > CatalogueCache::kMaxCalendarRows) return std::nullopt;
            add(s, rows);
        }
        return rows;
    }

    // This tenant's cache entry as of this transaction, or null when the
    // cache must not be used (changed here, or no such tenant).
    CatalogueCache::Tenant* catalogue_of(const TenantId& t) {
        if (catalogue_written_) return nullptr;
        // The version cannot change under a transaction: a write transaction
        // excludes other writers and a read one keeps its snapshot.
        if (checked_tenant_ != t.value) {
            auto s = c().statement(kSelectCatalogueVersion);
            s.bind(t);
            if (!s.step()) return nullptr;
            checked_version_ = s.integer(0);
            checked_tenant_ = t.value;
        }
        auto& cache = c().catalogue();
        auto it = cache.tenants.find(t.value);
        if (it == cache.tenants.end()) {
            if (cache.tenants.size() >= CatalogueCache::kMaxTenants) {
                cache.tenants.clear();
                cache.rows = 0;
            }
            it = cache.tenants.emplace(t.value, CatalogueCache::Tenant{}).first;
        }
        if (it->second.version != checked_version_) {
            cache.rows -= it->second.rows;
            it->second = CatalogueCache::Tenant{};
            it->second.version = checked_version_;
        }
        return &it->second;
    }

    // Can `n` be kept as the booking row's owes_confirmation flag, that is,
    // will SLOTWISE_OWED_CONFIRMATION read it back exactly?
    static bool rides_on_row(const TenantId& t, const Booking& b, const Notification& n) {
        return n.id == confirmation_id(t, b.id) && n.kind == NotificationKind::booking_confirmed &&
               n.tenant == t && n.booking == b.id &&
               n.locale == b.customer.locale && n.to == b.customer.email && n.resource == b.resource &&
               n.when == b.interval && n.sequence == 0 && n.subject.empty() && n.body.empty() &&
               n.ics.empty() && n.created_at == b.created_at && n.attempts == 0 && !n.sent_at;
    }

    void write_notification(const Notification& n) {
        c().statement(kInsertNotification)
            .bind(n.tenant, n.id, std::string(to_string(n.kind)), n.booking, n.locale, n.to, n.subject,
                  n.body, n.ics, n.created_at, n.resource, n.when.begin, n.when.end, n.sequence)
            .run();
    }

    // Moves the confirmation booking `b` still owes, if any, into the outbox.
    void move_confirmation(const TenantId& t, const BookingId& b) {
        auto move = c().statement(kMoveConfirmation);
        move.bind(t, b).run();
        if (move.changes() > 0) c().statement(kClearConfirmation).bind(t, b).run();
    }

    // Moves every confirmation owed by bookings made since the last sweep
    // into the outbox, so the outbox alone answers for what is due.
    void sweep() {
        auto swept = c().query_integer(kSelectSweptRow);
        const auto last = c().query_integer(kSelectLastBookingRow);
        if (last == swept) return;
        // Fewer rows than swept: bookings were deleted or renumbered
        // (VACUUM) behind our back; the owed ids are the truth, so look at
        // every row once.
        if (last < swept) swept = 0;
        c().statement(kSweepConfirmations).bind(swept, last).run();
        c().statement(kSweepClear).bind(swept, last).run();
        c().statement(kSetSweptRow).bind(last).run();
    }

    // Runs one call of the Transaction interface. A failed call rolls the
    // whole transaction back at once (SQLite may already have done so after
    // an I/O error, and later statements would then run outside any
    // transaction) and leaves it unusable; so does any failure of commit().
    template <class F>
    auto call(Access need, F&& f) -> decltype(f()) {
        if (state_ != State::open) {
            throw Error(Errc::storage_error,
                        state_ == State::committed
                            ? "sqlite: the transaction has already committed"
                            : "sqlite: the transaction failed earlier and was rolled back");
        }
        try {
            if (need == Access::write && access_ == Access::read) {
                throw Error(Errc::storage_error, "sqlite: a read transaction cannot write");
            }
            return f();
        } catch (...) {
            state_ = State::failed;
            finish();
            throw;
        }
    }

    // Gives the connection back (rolling back whatever is open), then the
    // process's writer turn.
    void finish() noexcept {
        if (conn_) pool_->release(std::move(conn_));
        writer_turn_.end();
    }

    std::shared_ptr<Pool> pool_;
    const std::chrono::steady_clock::time_point deadline_;  // for the write lock
    WriterTurn writer_turn_;  // before conn_: taken first, ended last
    std::unique_ptr<Connection> conn_;
    const Access access_;
    State state_ = State::open;
    bool catalogue_written_ = false;
    std::string checked_tenant_;  // whose catalogue_version was read in this transaction
    std::int64_t checked_version_ = 0;
};

class SqliteStore final : public Store {
public:
    explicit SqliteStore(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}
    std::unique_ptr<Transaction> read() override {
        return std::make_unique<SqliteTransaction>(pool_, Access::read);
    }
    std::unique_ptr<Transaction> write() override {
        return std::make_unique<SqliteTransaction>(pool_, Access::write);
    }

private:
    std::shared_ptr<Pool> pool_;
};

}  // namespace

std::shared_ptr<Store> open_sqlite(const SqliteOptions& options) {
    // SQLite reads "" as a temporary database private to each connection: a
    // pool of them would not share data.
    if (options.path.empty())
        invalid("path", "is empty (use \":memory:\" for an in-memory database)");
    return std::make_shared<SqliteStore>(std::make_shared<Pool>(options));
}

int sqlite_schema_version() noexcept { return kSchemaVersion; }

}  // namespace slotwise
