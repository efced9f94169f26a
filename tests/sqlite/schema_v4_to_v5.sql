-- The released step from schema version 4 to 5 (src/sqlite/migrations.cpp), run
-- after schema_v1.sql and the steps up to schema_v3_to_v4.sql to make a version-5 file.
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
