-- Schema version 1: the file a store of schema version 1 creates; kept so
-- that upgrades from it stay tested.
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
