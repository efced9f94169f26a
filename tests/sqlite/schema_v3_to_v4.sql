-- The released step from schema version 3 to 4 (src/sqlite/migrations.cpp), run
-- after schema_v1.sql and the steps up to schema_v2_to_v3.sql to make a version-4 file.
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
