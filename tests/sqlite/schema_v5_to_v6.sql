-- The released step from schema version 5 to 6 (src/sqlite/migrations.cpp), run
-- after schema_v1.sql and the steps up to schema_v4_to_v5.sql to make a version-6 file.
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
