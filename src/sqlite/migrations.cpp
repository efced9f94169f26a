// The SQLite adapter's schema as migration steps, in order (migrations.hpp).
#include "migrations.hpp"

#include <iterator>

namespace slotwise::sqlite {
namespace {

// The schema, one step per version: step i takes `user_version` i to i + 1 and
// ends by writing that number. All pending steps run in one transaction on
// open, so a failure leaves the previous version intact. Append new steps;
// never edit a released one.
//
// Every table has tenant_id, and every primary key and index leads with it:
// a tenant's rows are one range of each index, and every query is keyed by
// tenant. Instants are integer Unix seconds, lengths integer minutes, and a
// day's local windows are text, "start-end" in minutes since local midnight
// joined by commas ("540-780,840-1080"; "" = closed).
//
// resources.max_occupied is an upper bound, in seconds, on the occupied length
// (buffers included) of any hold of the resource, kept by a trigger and
// computed from existing holds when the row is first inserted. It only grows.
// It lets active_bookings scan its index by occupied start over
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
    // Version 3. How long before its start a customer may still cancel or
    // move a booking of the service; 0 = until the start.
    R"sql(
ALTER TABLE services ADD COLUMN cancel_notice_min INTEGER NOT NULL DEFAULT 0;

PRAGMA user_version = 3;
)sql",
    // Version 4. Tenant policies (policy.hpp): a row per tenant that set one,
    // none = the defaults. Idempotency keys are scoped to (tenant, creator),
    // so one customer can neither take nor read another's key: the unique
    // index gains created_by. Two indexes count what one customer holds
    // inside the booking transaction: confirmed bookings by start, and
    // pending ones by hold expiry (a lapsed hold stays 'pending' as stored,
    // so a range on hold_expires_at skips every lapsed one).
    R"sql(
CREATE TABLE tenant_policies (
    tenant_id                      TEXT    NOT NULL,
    max_pending_per_customer       INTEGER NOT NULL,
    max_active_per_customer        INTEGER,           -- NULL = unlimited
    customer_horizon_days          INTEGER NOT NULL,
    max_seats_per_customer_booking INTEGER,           -- NULL = the resource's capacity
    PRIMARY KEY (tenant_id)
) WITHOUT ROWID;
DROP INDEX bookings_by_idempotency_key;
CREATE UNIQUE INDEX bookings_by_idempotency_key ON bookings (tenant_id, created_by, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX bookings_by_creator ON bookings (tenant_id, created_by, status, start_at);
CREATE INDEX bookings_pending_by_creator ON bookings (tenant_id, created_by, hold_expires_at, start_at)
    WHERE status = 'pending';

PRAGMA user_version = 4;
)sql",
    // Version 5. Payments are never lost. A booking keeps the amount and
    // currency it owes from when it was made (existing paid bookings take
    // their service's price now: the best that is known). Every checkout
    // session of a booking is a row (existing ones from bookings.checkout_id);
    // close_by is when the engine must expire it through the provider,
    // NULL when the provider expires it itself. Verified payments that could
    // not be applied are kept for an admin to refund.
    R"sql(
ALTER TABLE bookings ADD COLUMN amount_due INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN currency_due TEXT NOT NULL DEFAULT '';
UPDATE bookings SET
    amount_due = coalesce((SELECT price FROM services s
                           WHERE s.tenant_id = bookings.tenant_id AND s.service_id = bookings.service_id), 0),
    currency_due = coalesce((SELECT currency FROM services s
                             WHERE s.tenant_id = bookings.tenant_id AND s.service_id = bookings.service_id), '')
WHERE payment_status <> 'none';
CREATE TABLE checkout_sessions (
    tenant_id  TEXT    NOT NULL,
    session_id TEXT    NOT NULL,
    booking_id TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    close_by   INTEGER,           -- NULL = the provider closes it
    closed_at  INTEGER,           -- NULL = open
    PRIMARY KEY (tenant_id, session_id)
) WITHOUT ROWID;
CREATE INDEX checkout_sessions_by_booking ON checkout_sessions (tenant_id, booking_id, created_at);
CREATE INDEX checkout_sessions_to_close ON checkout_sessions (tenant_id, close_by)
    WHERE closed_at IS NULL AND close_by IS NOT NULL;
INSERT INTO checkout_sessions (tenant_id, session_id, booking_id, created_at, close_by, closed_at)
    SELECT tenant_id, checkout_id, booking_id, updated_at, NULL, NULL FROM bookings WHERE checkout_id <> '';
CREATE TABLE unmatched_payments (
    tenant_id   TEXT    NOT NULL,
    provider    TEXT    NOT NULL,
    event_id    TEXT    NOT NULL,
    reference   TEXT    NOT NULL,  -- '' = none
    amount      INTEGER,           -- NULL = the event said none
    currency    TEXT    NOT NULL,  -- '' = none
    booking_id  TEXT,              -- NULL = no booking of this tenant
    reason      TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, provider, event_id)
) WITHOUT ROWID;
CREATE INDEX unmatched_payments_by_time ON unmatched_payments (tenant_id, received_at, event_id);

PRAGMA user_version = 5;
)sql",
    // Version 6. A cap on the notifications one customer's own actions queue
    // per hour (policy.hpp): outbox rows learn who made their booking, and
    // confirmations still owed by a booking row are found by creator through
    // a partial index (empty once the sweep has moved them). The trigger that
    // moves an owed confirmation is recreated to fill the new column.
    R"sql(
ALTER TABLE tenant_policies ADD COLUMN max_notifications_per_customer_hour INTEGER NOT NULL DEFAULT 20;
ALTER TABLE outbox ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
UPDATE outbox SET created_by = coalesce((SELECT b.created_by FROM bookings b
                                         WHERE b.tenant_id = outbox.tenant_id AND b.booking_id = outbox.booking_id), '');
CREATE INDEX outbox_by_creator ON outbox (tenant_id, created_by, created_at);
CREATE INDEX bookings_owing_by_creator ON bookings (tenant_id, created_by, created_at)
    WHERE owes_confirmation IS NOT NULL;
DROP TRIGGER bookings_move_confirmation_on_update;
CREATE TRIGGER bookings_move_confirmation_on_update
AFTER UPDATE OF tenant_id, booking_id, service_id, resource_id, start_at, end_at, occ_start, occ_end,
    seats, buffer_before_min, buffer_after_min, customer_name, customer_email, customer_phone,
    customer_locale, status, payment_status, hold_expires_at, idempotency_key, request_fingerprint,
    created_by, created_at, updated_at, checkout_id, payment_reference, amount_due, currency_due ON bookings
WHEN OLD.owes_confirmation IS NOT NULL BEGIN
    INSERT INTO outbox (tenant_id, notification_id, kind, booking_id, locale, recipient, subject, body,
                        ics, created_at, attempts, next_attempt_at, sent_at, resource_id, start_at,
                        end_at, sequence, created_by)
    VALUES (OLD.tenant_id, OLD.tenant_id || ':' || OLD.booking_id || ':confirmed', 'booking_confirmed',
            OLD.booking_id, OLD.customer_locale, OLD.customer_email, '', '', '', OLD.created_at, 0,
            OLD.created_at, NULL, OLD.resource_id, OLD.start_at, OLD.end_at, 0, OLD.created_by);
    UPDATE bookings SET owes_confirmation = NULL WHERE rowid = NEW.rowid;
END;

PRAGMA user_version = 6;
)sql",
    // Version 7. Bookings of several resources. What a booking occupies of
    // each resource it holds is a row of booking_holds (Booking::holds(): the
    // busy parts of its segments on its first resource, the whole occupied
    // interval on each other), carrying the booking's status and hold so
    // that capacity checks read one covering index. Every existing booking
    // holds its one resource over its occupied interval. The holds' index
    // replaces bookings_by_resource, and max_occupied follows the holds.
    // A service's links gain their group; a service keeps its segments
    // ("busy:30,free:45,busy:20", '' = none) and limits (NULL = none); a
    // booking keeps its further resources (each "<bytes>:<id>", '' = none)
    // and the segments it was booked with.
    R"sql(
ALTER TABLE service_resources ADD COLUMN grp INTEGER NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN segments TEXT NOT NULL DEFAULT '';
ALTER TABLE services ADD COLUMN limit_day INTEGER;
ALTER TABLE services ADD COLUMN limit_week INTEGER;
ALTER TABLE services ADD COLUMN limit_month INTEGER;
ALTER TABLE bookings ADD COLUMN other_resources TEXT NOT NULL DEFAULT '';
ALTER TABLE bookings ADD COLUMN segments TEXT NOT NULL DEFAULT '';
CREATE TABLE booking_holds (
    tenant_id         TEXT    NOT NULL,
    booking_id        TEXT    NOT NULL,
    part              INTEGER NOT NULL,  -- position in Booking::holds(); 0 = first resource, from the start
    resource_id       TEXT    NOT NULL,
    service_id        TEXT    NOT NULL,
    occ_start         INTEGER NOT NULL,  -- start_at - buffer_before
    occ_end           INTEGER NOT NULL,  -- end_at + buffer_after
    start_at          INTEGER NOT NULL,
    end_at            INTEGER NOT NULL,
    buffer_before_min INTEGER NOT NULL,
    buffer_after_min  INTEGER NOT NULL,
    seats             INTEGER NOT NULL,
    status            TEXT    NOT NULL,  -- the booking's
    hold_expires_at   INTEGER,           -- the booking's
    PRIMARY KEY (tenant_id, booking_id, part)
) WITHOUT ROWID;
-- Covers occupancy() and counted_starts(): read from the index alone.
CREATE INDEX booking_holds_by_resource ON booking_holds (tenant_id, resource_id, occ_start, booking_id, occ_end,
    status, hold_expires_at, start_at, end_at, seats, buffer_before_min, buffer_after_min, part, service_id);
INSERT INTO booking_holds (tenant_id, booking_id, part, resource_id, service_id, occ_start, occ_end, start_at,
                           end_at, buffer_before_min, buffer_after_min, seats, status, hold_expires_at)
    SELECT tenant_id, booking_id, 0, resource_id, service_id, occ_start, occ_end, start_at, end_at,
           buffer_before_min, buffer_after_min, seats, status, hold_expires_at FROM bookings;
DROP INDEX bookings_by_resource;
DROP TRIGGER bookings_widen_max_occupied_on_insert;
DROP TRIGGER bookings_widen_max_occupied_on_update;
CREATE TRIGGER booking_holds_widen_max_occupied AFTER INSERT ON booking_holds BEGIN
    UPDATE resources SET max_occupied = NEW.occ_end - NEW.occ_start
    WHERE tenant_id = NEW.tenant_id AND resource_id = NEW.resource_id
      AND max_occupied < NEW.occ_end - NEW.occ_start;
END;

PRAGMA user_version = 7;
)sql",
    // Version 8. Approval and the waitlist. A service may require
    // confirmation (requests lapse after request_expiry_min) and holds a
    // waitlist offer for offer_time_min. Requested and offered bookings hold
    // their slot until hold_expires_at exactly as pending ones do, so the
    // per-creator count of uncommitted holds covers all three. A waitlist
    // entry is a row keyed by tenant; seq is its join order within the
    // tenant. The lapse scan of take_notifications reads, for each tenant
    // with someone waiting, its lapsing bookings by expiry, and remembers
    // where it stopped in one row keyed by the empty tenant.
    R"sql(
ALTER TABLE services ADD COLUMN requires_confirmation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE services ADD COLUMN request_expiry_min INTEGER NOT NULL DEFAULT 1440;
ALTER TABLE services ADD COLUMN offer_time_min INTEGER NOT NULL DEFAULT 60;
ALTER TABLE tenant_policies ADD COLUMN max_waitlist_per_customer INTEGER NOT NULL DEFAULT 5;
CREATE INDEX bookings_holding_by_creator ON bookings (tenant_id, created_by, hold_expires_at, start_at)
    WHERE status IN ('pending', 'requested', 'offered');
CREATE INDEX bookings_lapsing ON bookings (tenant_id, hold_expires_at, booking_id)
    WHERE status IN ('pending', 'requested', 'offered');
CREATE TABLE waitlist (
    tenant_id        TEXT    NOT NULL,
    entry_id         TEXT    NOT NULL,
    seq              INTEGER NOT NULL,  -- join order within the tenant
    service_id       TEXT    NOT NULL,
    start_at         INTEGER NOT NULL,
    seats            INTEGER NOT NULL,
    resources        TEXT    NOT NULL,  -- pinned, each "<bytes>:<id>"; '' = any
    customer_name    TEXT    NOT NULL,
    customer_email   TEXT    NOT NULL,
    customer_phone   TEXT    NOT NULL,
    customer_locale  TEXT    NOT NULL,
    created_by       TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    status           TEXT    NOT NULL,  -- waiting, offered, left
    offer_booking_id TEXT,              -- NULL = no offer yet
    PRIMARY KEY (tenant_id, entry_id)
) WITHOUT ROWID;
CREATE INDEX waitlist_waiting ON waitlist (tenant_id, start_at, seq) WHERE status = 'waiting';
CREATE INDEX waitlist_waiting_by_service ON waitlist (tenant_id, service_id, start_at, seq) WHERE status = 'waiting';
CREATE INDEX waitlist_waiting_by_creator ON waitlist (tenant_id, created_by) WHERE status = 'waiting';
CREATE TABLE waitlist_sweep (
    tenant_id     TEXT    NOT NULL,  -- always '': one row for the whole file
    at            INTEGER NOT NULL,
    lapsed_tenant TEXT    NOT NULL,
    booking_id    TEXT    NOT NULL,
    PRIMARY KEY (tenant_id)
) WITHOUT ROWID;

PRAGMA user_version = 8;
)sql",
    // Version 9. Series and administration. A booking names the series one
    // book_series call made it in ('' = none), found by series in start
    // order. A resource or service may be deactivated (active = 0): the
    // catalogue cache must see that, so the resources trigger that bumps
    // catalogue_version is recreated with the new column. A booking list by
    // payment status reads a tenant's rows in start order, as by status.
    R"sql(
ALTER TABLE resources ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE services ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE bookings ADD COLUMN series_id TEXT NOT NULL DEFAULT '';
CREATE INDEX bookings_by_series ON bookings (tenant_id, series_id, start_at, booking_id) WHERE series_id <> '';
DROP TRIGGER resources_bump_catalogue_on_update;
CREATE TRIGGER resources_bump_catalogue_on_update
AFTER UPDATE OF tenant_id, resource_id, name, kind, timezone, capacity, active ON resources BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1
    WHERE tenant_id IN (OLD.tenant_id, NEW.tenant_id);
END;

PRAGMA user_version = 9;
)sql",
    // Version 10. Party size (restaurants): a resource's size (guests it
    // seats, NULL = not sized), a service that books parties, a booking's
    // party size (0 = not a party), and the table combinations a tenant
    // declares for a group of a party service (tables as "<bytes>:<id>"
    // each, like a booking's other_resources). A size and a combination are
    // catalogue: they bump catalogue_version like the rest of it.
    R"sql(
ALTER TABLE resources ADD COLUMN size INTEGER;
ALTER TABLE services ADD COLUMN party INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN party_size INTEGER NOT NULL DEFAULT 0;
DROP TRIGGER resources_bump_catalogue_on_update;
CREATE TRIGGER resources_bump_catalogue_on_update
AFTER UPDATE OF tenant_id, resource_id, name, kind, timezone, capacity, active, size ON resources BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1
    WHERE tenant_id IN (OLD.tenant_id, NEW.tenant_id);
END;
CREATE TABLE table_combinations (
    tenant_id      TEXT    NOT NULL,
    combination_id TEXT    NOT NULL,
    service_id     TEXT    NOT NULL,
    grp            INTEGER NOT NULL,
    tables         TEXT    NOT NULL,
    size           INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, combination_id)
) WITHOUT ROWID;
CREATE INDEX table_combinations_by_service ON table_combinations (tenant_id, service_id, combination_id);
CREATE TRIGGER table_combinations_bump_catalogue_on_insert AFTER INSERT ON table_combinations BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER table_combinations_bump_catalogue_on_update AFTER UPDATE ON table_combinations BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1
    WHERE tenant_id IN (OLD.tenant_id, NEW.tenant_id);
END;
CREATE TRIGGER table_combinations_bump_catalogue_on_delete AFTER DELETE ON table_combinations BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = OLD.tenant_id;
END;

PRAGMA user_version = 10;
)sql",
    // Version 11. API keys (api_keys.hpp): only the SHA-256 of each secret
    // is kept. Authentication learns the tenant from the key, so the hash →
    // tenant directory is, beside outbox_sweep, the one table not keyed by
    // tenant (as in the PostgreSQL schema); the key itself is a tenant's row.
    R"sql(
CREATE TABLE api_keys (
    tenant_id  TEXT    NOT NULL,
    key_id     TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    key_hash   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER,
    PRIMARY KEY (tenant_id, key_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX api_keys_by_tenant_hash ON api_keys (tenant_id, key_hash);
CREATE TABLE api_key_directory (
    key_hash  TEXT NOT NULL PRIMARY KEY,
    tenant_id TEXT NOT NULL
) WITHOUT ROWID;

PRAGMA user_version = 11;
)sql",
    // Version 12. A tenant's own notification texts (message_texts.hpp): at
    // most one per kind and locale; the built-in texts are not stored.
    R"sql(
CREATE TABLE message_texts (
    tenant_id TEXT NOT NULL,
    kind      TEXT NOT NULL,
    locale    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, kind, locale)
) WITHOUT ROWID;

PRAGMA user_version = 12;
)sql",
    // Version 13. What book() reads for every customer's booking costs less:
    // counting a customer's owed confirmations (the cap on the notifications
    // one customer queues) reads the index alone, the predicate's column
    // being in it; and the tenant's policy joins the cached catalogue, its
    // changes bumping catalogue_version like the rest of it.
    R"sql(
DROP INDEX bookings_owing_by_creator;
CREATE INDEX bookings_owing_by_creator ON bookings (tenant_id, created_by, created_at, owes_confirmation)
    WHERE owes_confirmation IS NOT NULL;
CREATE TRIGGER tenant_policies_bump_catalogue_on_insert AFTER INSERT ON tenant_policies BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = NEW.tenant_id;
END;
CREATE TRIGGER tenant_policies_bump_catalogue_on_update AFTER UPDATE ON tenant_policies BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1
    WHERE tenant_id IN (OLD.tenant_id, NEW.tenant_id);
END;
CREATE TRIGGER tenant_policies_bump_catalogue_on_delete AFTER DELETE ON tenant_policies BEGIN
    UPDATE tenants SET catalogue_version = catalogue_version + 1 WHERE tenant_id = OLD.tenant_id;
END;

PRAGMA user_version = 13;
)sql",
};

}  // namespace

std::span<const char* const> migrations() noexcept { return {std::begin(kMigrations), std::end(kMigrations)}; }

}  // namespace slotwise::sqlite
