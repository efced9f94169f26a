-- The step from schema version 1 to 2, as released: run after schema_v1.sql
-- it makes the file a store of schema version 2 creates, kept so that
-- upgrades from version 2 stay tested.
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
