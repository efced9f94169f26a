-- The released step from schema version 6 to 7 (src/sqlite/migrations.cpp), run
-- after schema_v1.sql and the steps up to schema_v5_to_v6.sql to make a version-7 file.
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
