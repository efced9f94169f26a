// Every SQL statement of the SQLite adapter outside the schema, by name: the
// connection's set-up and transaction control, then what each Transaction
// call runs. Connection::statement() caches a prepared statement per array
// below, keyed by its address; an inline array is one object in the whole
// program, so every file that names a statement shares its cache entry.
// Every value is a bound parameter (?1, ?2, …).
#pragma once

namespace slotwise::sqlite {

// Connection setup and transaction control.
inline constexpr char kSynchronousNormal[] = "PRAGMA synchronous = NORMAL";
// 16 MiB of page cache per connection (SQLite's default is 2 MiB): the hot
// part of a busy calendar's indexes stays in memory.
inline constexpr char kCacheSize[] = "PRAGMA cache_size = -16384";
inline constexpr char kSynchronousFull[] = "PRAGMA synchronous = FULL";
inline constexpr char kJournalMode[] = "PRAGMA journal_mode";
inline constexpr char kJournalModeWal[] = "PRAGMA journal_mode = WAL";
inline constexpr char kPageSize[] = "PRAGMA page_size";
// After a checkpoint empties the WAL, the file is cut back to this many bytes
// (the number is appended: a pragma takes no bound parameter).
inline constexpr char kJournalSizeLimitPrefix[] = "PRAGMA journal_size_limit = ";
inline constexpr char kUserVersion[] = "PRAGMA user_version";
inline constexpr char kApplicationIdQuery[] = "PRAGMA application_id";
inline constexpr char kCountSchemaObjects[] = "SELECT count(*) FROM sqlite_master";
inline constexpr char kBeginImmediate[] = "BEGIN IMMEDIATE";
inline constexpr char kBeginDeferred[] = "BEGIN";
// A deferred BEGIN takes its snapshot at the first read; reading here pins it
// to the moment read() returns.
inline constexpr char kPinSnapshot[] = "SELECT 1 FROM sqlite_master LIMIT 1";
inline constexpr char kCommit[] = "COMMIT";
inline constexpr char kRollback[] = "ROLLBACK";

// Tenants.
inline constexpr char kInsertTenant[] =
    "INSERT INTO tenants (tenant_id, name, created_at) VALUES (?1, ?2, ?3)";
inline constexpr char kSelectTenant[] =
    "SELECT tenant_id, name, created_at FROM tenants WHERE tenant_id = ?1";
inline constexpr char kSelectTenants[] =
    "SELECT tenant_id, name, created_at FROM tenants WHERE tenant_id > ?1 ORDER BY tenant_id LIMIT ?2";
inline constexpr char kSelectCatalogueVersion[] =
    "SELECT catalogue_version FROM tenants WHERE tenant_id = ?1";

// Resources and calendars.
inline constexpr char kUpsertResource[] = R"sql(
INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity, max_occupied, active, size)
VALUES (?1, ?2, ?3, ?4, ?5, ?6,
        (SELECT coalesce(max(occ_end - occ_start), 0) FROM booking_holds
         WHERE tenant_id = ?1 AND resource_id = ?2), ?7, ?8)
ON CONFLICT (tenant_id, resource_id) DO UPDATE SET
    name = excluded.name, kind = excluded.kind, timezone = excluded.timezone,
    capacity = excluded.capacity, active = excluded.active, size = excluded.size)sql";
inline constexpr char kSelectResource[] =
    "SELECT resource_id, name, kind, timezone, capacity, active, size FROM resources "
    "WHERE tenant_id = ?1 AND resource_id = ?2";
inline constexpr char kSelectResources[] =
    "SELECT resource_id, name, kind, timezone, capacity, active, size FROM resources "
    "WHERE tenant_id = ?1 ORDER BY resource_id";
inline constexpr char kDeleteWeeklyHours[] =
    "DELETE FROM weekly_hours WHERE tenant_id = ?1 AND resource_id = ?2";
inline constexpr char kInsertWeeklyHours[] =
    "INSERT INTO weekly_hours (tenant_id, resource_id, weekday, windows) VALUES (?1, ?2, ?3, ?4)";
inline constexpr char kSelectWeeklyHours[] =
    "SELECT weekday, windows FROM weekly_hours WHERE tenant_id = ?1 AND resource_id = ?2 "
    "ORDER BY weekday";
inline constexpr char kUpsertOverride[] = R"sql(
INSERT INTO date_overrides (tenant_id, resource_id, day, windows) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (tenant_id, resource_id, day) DO UPDATE SET windows = excluded.windows)sql";
inline constexpr char kDeleteOverride[] =
    "DELETE FROM date_overrides WHERE tenant_id = ?1 AND resource_id = ?2 AND day = ?3";
// A resource's overrides and blocks, all of them up to ?3 rows (the cache).
inline constexpr char kSelectAllOverrides[] =
    "SELECT day, windows FROM date_overrides WHERE tenant_id = ?1 AND resource_id = ?2 "
    "ORDER BY day LIMIT ?3";
inline constexpr char kSelectAllBlocks[] =
    "SELECT block_id, resource_id, start_at, end_at, reason FROM blocks "
    "WHERE tenant_id = ?1 AND resource_id = ?2 ORDER BY start_at, block_id LIMIT ?3";
inline constexpr char kSelectOverrides[] =
    "SELECT day, windows FROM date_overrides "
    "WHERE tenant_id = ?1 AND resource_id = ?2 AND day >= ?3 AND day <= ?4 ORDER BY day";

// Blocks.
inline constexpr char kInsertBlock[] =
    "INSERT INTO blocks (tenant_id, block_id, resource_id, start_at, end_at, reason) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
inline constexpr char kDeleteBlock[] = "DELETE FROM blocks WHERE tenant_id = ?1 AND block_id = ?2";
inline constexpr char kSelectBlocks[] =
    "SELECT block_id, resource_id, start_at, end_at, reason FROM blocks "
    "WHERE tenant_id = ?1 AND resource_id = ?2 AND start_at < ?4 AND end_at > ?3 "
    "ORDER BY start_at, block_id";

// Services.
inline constexpr char kUpsertService[] = R"sql(
INSERT INTO services (tenant_id, service_id, name, duration_min, step_min, buffer_before_min,
                      buffer_after_min, price, currency, min_notice_min, horizon_min, hold_min,
                      cancel_notice_min, segments, limit_day, limit_week, limit_month, active, party,
                      requires_confirmation, request_expiry_min, offer_time_min)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
ON CONFLICT (tenant_id, service_id) DO UPDATE SET
    name = excluded.name, duration_min = excluded.duration_min, step_min = excluded.step_min,
    buffer_before_min = excluded.buffer_before_min, buffer_after_min = excluded.buffer_after_min,
    price = excluded.price, currency = excluded.currency, min_notice_min = excluded.min_notice_min,
    horizon_min = excluded.horizon_min, hold_min = excluded.hold_min,
    cancel_notice_min = excluded.cancel_notice_min, segments = excluded.segments,
    limit_day = excluded.limit_day, limit_week = excluded.limit_week, limit_month = excluded.limit_month,
    active = excluded.active, party = excluded.party,
    requires_confirmation = excluded.requires_confirmation, request_expiry_min = excluded.request_expiry_min,
    offer_time_min = excluded.offer_time_min)sql";
inline constexpr char kDeleteServiceResources[] =
    "DELETE FROM service_resources WHERE tenant_id = ?1 AND service_id = ?2";
inline constexpr char kInsertServiceResource[] =
    "INSERT INTO service_resources (tenant_id, service_id, position, resource_id, grp) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
#define SLOTWISE_SERVICE_COLUMNS                                                      \
    "service_id, name, duration_min, step_min, buffer_before_min, buffer_after_min, " \
    "price, currency, min_notice_min, horizon_min, hold_min, cancel_notice_min, segments, " \
    "limit_day, limit_week, limit_month, active, party, requires_confirmation, request_expiry_min, offer_time_min"
inline constexpr char kSelectService[] =
    "SELECT " SLOTWISE_SERVICE_COLUMNS " FROM services WHERE tenant_id = ?1 AND service_id = ?2";
inline constexpr char kSelectServices[] =
    "SELECT " SLOTWISE_SERVICE_COLUMNS " FROM services WHERE tenant_id = ?1 ORDER BY service_id";
#undef SLOTWISE_SERVICE_COLUMNS
inline constexpr char kSelectServiceResources[] =
    "SELECT resource_id, grp FROM service_resources WHERE tenant_id = ?1 AND service_id = ?2 "
    "ORDER BY position";
inline constexpr char kSelectAllServiceResources[] =
    "SELECT service_id, resource_id, grp FROM service_resources WHERE tenant_id = ?1 "
    "ORDER BY service_id, position";

// Table combinations (schema version 10).
inline constexpr char kUpsertTableCombination[] = R"sql(
INSERT INTO table_combinations (tenant_id, combination_id, service_id, grp, tables, size)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (tenant_id, combination_id) DO UPDATE SET
    service_id = excluded.service_id, grp = excluded.grp, tables = excluded.tables, size = excluded.size)sql";
inline constexpr char kSelectTableCombinations[] =
    "SELECT combination_id, service_id, grp, tables, size FROM table_combinations "
    "WHERE tenant_id = ?1 AND service_id = ?2 ORDER BY combination_id";
inline constexpr char kDeleteTableCombination[] =
    "DELETE FROM table_combinations WHERE tenant_id = ?1 AND combination_id = ?2";

// Bookings. The column order is the one read_booking() decodes.
#define SLOTWISE_BOOKING_COLUMNS                                                         \
    "booking_id, service_id, resource_id, start_at, end_at, seats, buffer_before_min, "  \
    "buffer_after_min, customer_name, customer_email, customer_phone, customer_locale, " \
    "status, payment_status, hold_expires_at, idempotency_key, request_fingerprint, "    \
    "created_by, created_at, updated_at, checkout_id, payment_reference, amount_due, currency_due, " \
    "other_resources, segments, series_id, party_size"
inline constexpr char kInsertBooking[] = R"sql(
INSERT INTO bookings (tenant_id, booking_id, service_id, resource_id, start_at, end_at,
                      occ_start, occ_end, seats, buffer_before_min, buffer_after_min,
                      customer_name, customer_email, customer_phone, customer_locale,
                      status, payment_status, hold_expires_at, idempotency_key,
                      request_fingerprint, created_by, created_at, updated_at, checkout_id,
                      payment_reference, owes_confirmation, amount_due, currency_due,
                      other_resources, segments, series_id, party_size)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
        ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32))sql";
// One row of Booking::holds(), carrying the booking's status and hold.
inline constexpr char kInsertHold[] = R"sql(
INSERT INTO booking_holds (tenant_id, booking_id, part, resource_id, service_id, occ_start, occ_end,
                           start_at, end_at, buffer_before_min, buffer_after_min, seats, status,
                           hold_expires_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14))sql";
inline constexpr char kDeleteHolds[] = "DELETE FROM booking_holds WHERE tenant_id = ?1 AND booking_id = ?2";
// The identity and origin of a booking (id, idempotency key and fingerprint,
// created_by, created_at) never change; everything else does. An owed
// confirmation is moved to the outbox by bookings_move_confirmation_on_update.
inline constexpr char kUpdateBooking[] = R"sql(
UPDATE bookings SET
    service_id = ?3, resource_id = ?4, start_at = ?5, end_at = ?6, occ_start = ?7, occ_end = ?8,
    seats = ?9, buffer_before_min = ?10, buffer_after_min = ?11, customer_name = ?12,
    customer_email = ?13, customer_phone = ?14, customer_locale = ?15, status = ?16,
    payment_status = ?17, hold_expires_at = ?18, updated_at = ?19, checkout_id = ?20,
    payment_reference = ?21, owes_confirmation = NULL, other_resources = ?22, segments = ?23
WHERE tenant_id = ?1 AND booking_id = ?2)sql";
inline constexpr char kSelectBooking[] =
    "SELECT " SLOTWISE_BOOKING_COLUMNS " FROM bookings WHERE tenant_id = ?1 AND booking_id = ?2";
// Keys are scoped to (tenant, creator): the unique index of schema version 4.
inline constexpr char kSelectBookingByKey[] =
    "SELECT " SLOTWISE_BOOKING_COLUMNS " FROM bookings"
    " WHERE tenant_id = ?1 AND created_by = ?2 AND idempotency_key = ?3";
// What one creator holds (customer_holdings), each count at most ?4 rows of
// an index range: pending, requested or offered with a hold past ?3 and a
// start at or after ?5 (bookings_holding_by_creator), and confirmed starting
// at or after ?3 (bookings_by_creator).
inline constexpr char kCountPendingByCreator[] =
    "SELECT count(*) FROM (SELECT 1 FROM bookings"
    " WHERE tenant_id = ?1 AND created_by = ?2 AND status IN ('pending', 'requested', 'offered')"
    " AND hold_expires_at > ?3"
    " AND start_at >= ?5 LIMIT ?4)";
inline constexpr char kCountConfirmedByCreator[] =
    "SELECT count(*) FROM (SELECT 1 FROM bookings"
    " WHERE tenant_id = ?1 AND created_by = ?2 AND status = 'confirmed' AND start_at >= ?3 LIMIT ?4)";
// Overlap of a hold's [occ_start, occ_end) with [?3, ?4), as a range scan of
// booking_holds_by_resource: occ_end > ?3 implies occ_start > ?3 -
// max_occupied. Without a resources row there is no bound and ?6 (the lowest
// integer) stands in.
#define SLOTWISE_ACTIVE_HOLDS                                                                      \
    " FROM booking_holds h WHERE h.tenant_id = ?1 AND h.resource_id = ?2"                          \
    " AND h.occ_start >= coalesce(?3 - (SELECT max_occupied FROM resources"                         \
    "                                   WHERE tenant_id = ?1 AND resource_id = ?2), ?6)"            \
    " AND h.occ_start < ?4 AND h.occ_end > ?3"                                                      \
    " AND (h.status = 'confirmed'"                                                                  \
    "      OR (h.status IN ('pending', 'requested', 'offered') AND h.hold_expires_at > ?5))"
inline constexpr char kSelectActiveBookings[] =
    "SELECT " SLOTWISE_BOOKING_COLUMNS " FROM bookings"
    " WHERE tenant_id = ?1 AND booking_id IN (SELECT h.booking_id" SLOTWISE_ACTIVE_HOLDS ")"
    " ORDER BY occ_start, booking_id";
inline constexpr char kSelectBookingByPaymentReference[] =
    "SELECT " SLOTWISE_BOOKING_COLUMNS " FROM bookings"
    " WHERE tenant_id = ?1 AND payment_reference = ?2 AND payment_reference <> ''"
    " ORDER BY booking_id LIMIT 1";
// The holds behind kSelectActiveBookings, only the columns the availability
// core needs: all of them are in booking_holds_by_resource.
inline constexpr char kSelectOccupancy[] =
    "SELECT h.start_at, h.end_at, h.seats, h.buffer_before_min, h.buffer_after_min" SLOTWISE_ACTIVE_HOLDS
    " ORDER BY h.occ_start";
// Starts of the active bookings of service ?7 whose first resource is ?2,
// starting in [?3, ?4): part 0 is the first resource's first busy part, which
// begins at the booking's start, so the scan is the one above.
inline constexpr char kSelectCountedStarts[] =
    "SELECT h.start_at" SLOTWISE_ACTIVE_HOLDS " AND h.part = 0 AND h.service_id = ?7"
    " AND h.start_at >= ?3 AND h.start_at < ?4";
#undef SLOTWISE_ACTIVE_HOLDS
inline constexpr char kSelectBookingStart[] =
    "SELECT start_at FROM bookings WHERE tenant_id = ?1 AND booking_id = ?2";
// ?2/?3: start range (?2 already raised to the cursor's start); (?4, ?5):
// the keyset cursor (lowest integer and '' when there is none); ?6 resource,
// ?7 creator, ?8 status (NULL = any), ?9 now, ?10 limit, ?11 payment status,
// ?12 series (NULL = any).
inline constexpr char kSelectBookings[] =
    "SELECT " SLOTWISE_BOOKING_COLUMNS " FROM bookings"
    " WHERE tenant_id = ?1 AND start_at >= ?2 AND start_at < ?3"
    " AND (start_at, booking_id) > (?4, ?5)"
    " AND (?6 IS NULL OR EXISTS (SELECT 1 FROM booking_holds h WHERE h.tenant_id = ?1"
    "                            AND h.booking_id = bookings.booking_id AND h.resource_id = ?6))"
    " AND (?7 IS NULL OR created_by = ?7)"
    " AND (?8 IS NULL"
    "  OR (?8 IN ('pending', 'requested', 'offered') AND status = ?8"
    "                     AND (hold_expires_at IS NULL OR hold_expires_at > ?9))"
    "  OR (?8 = 'expired' AND (status = 'expired'"
    "                          OR (status IN ('pending', 'requested', 'offered') AND hold_expires_at <= ?9)))"
    "  OR (?8 IN ('confirmed', 'cancelled', 'rejected') AND status = ?8))"
    " AND (?11 IS NULL OR payment_status = ?11)"
    " AND (?12 IS NULL OR series_id = ?12)"
    " ORDER BY start_at, booking_id LIMIT ?10";
// Erasure of one creator's personal data (erase_customer). The bookings are
// blanked first: bookings_move_confirmation_on_update may then move an owed
// confirmation into the outbox, whose rows are blanked after.
inline constexpr char kEraseBookings[] =
    "UPDATE bookings SET customer_name = '', customer_email = '', customer_phone = '',"
    " request_fingerprint = 'erased'"
    " WHERE tenant_id = ?1 AND created_by = ?2"
    " AND (customer_name <> '' OR customer_email <> '' OR customer_phone <> ''"
    "      OR request_fingerprint <> 'erased')";
inline constexpr char kEraseOutbox[] =
    "UPDATE outbox SET recipient = '', subject = '', body = '', ics = '', sent_at = coalesce(sent_at, ?3)"
    " WHERE tenant_id = ?1 AND booking_id IN (SELECT booking_id FROM bookings WHERE tenant_id = ?1 AND created_by = ?2)"
    " AND (recipient <> '' OR subject <> '' OR body <> '' OR ics <> '' OR sent_at IS NULL)";
// Its places in line too: blanked, and a waiting one leaves the line (no
// one is left to offer a seat to).
inline constexpr char kEraseWaitlist[] =
    "UPDATE waitlist SET customer_name = '', customer_email = '', customer_phone = '',"
    " status = CASE WHEN status = 'waiting' THEN 'left' ELSE status END"
    " WHERE tenant_id = ?1 AND created_by = ?2"
    " AND (customer_name <> '' OR customer_email <> '' OR customer_phone <> '' OR status = 'waiting')";
inline constexpr char kCountBookingsByCreator[] =
    "SELECT count(*) FROM bookings WHERE tenant_id = ?1 AND created_by = ?2";
#undef SLOTWISE_BOOKING_COLUMNS

// Payments.
inline constexpr char kUpsertPaymentSettings[] = R"sql(
INSERT INTO payment_settings (tenant_id, provider, secret_key, webhook_secret) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (tenant_id) DO UPDATE SET provider = excluded.provider,
    secret_key = excluded.secret_key, webhook_secret = excluded.webhook_secret)sql";
inline constexpr char kSelectPaymentSettings[] =
    "SELECT provider, secret_key, webhook_secret FROM payment_settings WHERE tenant_id = ?1";
// Tenant policies (policy.hpp); no row = the defaults.
inline constexpr char kUpsertPolicy[] = R"sql(
INSERT INTO tenant_policies (tenant_id, max_pending_per_customer, max_active_per_customer,
                             customer_horizon_days, max_seats_per_customer_booking,
                             max_notifications_per_customer_hour, max_waitlist_per_customer)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (tenant_id) DO UPDATE SET max_pending_per_customer = excluded.max_pending_per_customer,
    max_active_per_customer = excluded.max_active_per_customer,
    customer_horizon_days = excluded.customer_horizon_days,
    max_seats_per_customer_booking = excluded.max_seats_per_customer_booking,
    max_notifications_per_customer_hour = excluded.max_notifications_per_customer_hour,
    max_waitlist_per_customer = excluded.max_waitlist_per_customer)sql";
inline constexpr char kSelectPolicy[] =
    "SELECT max_pending_per_customer, max_active_per_customer, customer_horizon_days,"
    " max_seats_per_customer_booking, max_notifications_per_customer_hour, max_waitlist_per_customer"
    " FROM tenant_policies WHERE tenant_id = ?1";
inline constexpr char kInsertPaymentEvent[] =
    "INSERT INTO payment_events (tenant_id, provider, event_id, type, received_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING";
// Checkout sessions, in the column order read_checkout_session() decodes.
#define SLOTWISE_SESSION_COLUMNS "tenant_id, session_id, booking_id, created_at, close_by, closed_at"
inline constexpr char kInsertCheckoutSession[] =
    "INSERT INTO checkout_sessions (" SLOTWISE_SESSION_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, NULL)"
    " ON CONFLICT DO NOTHING";
inline constexpr char kSelectCheckoutSessions[] =
    "SELECT " SLOTWISE_SESSION_COLUMNS " FROM checkout_sessions WHERE tenant_id = ?1 AND booking_id = ?2"
    " ORDER BY created_at, session_id";
inline constexpr char kCloseCheckoutSession[] =
    "UPDATE checkout_sessions SET closed_at = ?3"
    " WHERE tenant_id = ?1 AND session_id = ?2 AND closed_at IS NULL";
inline constexpr char kSelectCheckoutsToClose[] =
    "SELECT " SLOTWISE_SESSION_COLUMNS " FROM checkout_sessions"
    " WHERE closed_at IS NULL AND close_by IS NOT NULL AND close_by <= ?1"
    " ORDER BY close_by, tenant_id, session_id LIMIT ?2";
#undef SLOTWISE_SESSION_COLUMNS
inline constexpr char kSetCheckoutCloseBy[] =
    "UPDATE checkout_sessions SET close_by = ?3"
    " WHERE tenant_id = ?1 AND session_id = ?2 AND closed_at IS NULL";
// Unmatched payments, in the column order read_unmatched_payment() decodes.
inline constexpr char kInsertUnmatchedPayment[] =
    "INSERT INTO unmatched_payments (tenant_id, provider, event_id, reference, amount, currency, booking_id,"
    " reason, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING";
inline constexpr char kSelectUnmatchedPayments[] =
    "SELECT event_id, provider, reference, amount, currency, booking_id, reason, received_at"
    " FROM unmatched_payments WHERE tenant_id = ?1 ORDER BY received_at DESC, event_id DESC LIMIT ?2";

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
    "INSERT INTO outbox (" SLOTWISE_OUTBOX_COLUMNS ", next_attempt_at, created_by)"        \
    " SELECT " SLOTWISE_OWED_CONFIRMATION ", created_at, created_by FROM bookings"
// The row learns who made its booking (the per-customer notification cap).
inline constexpr char kInsertNotification[] = R"sql(
INSERT INTO outbox (tenant_id, notification_id, kind, booking_id, locale, recipient, subject,
                    body, ics, created_at, attempts, next_attempt_at, sent_at, resource_id,
                    start_at, end_at, sequence, created_by)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?10, NULL, ?11, ?12, ?13, ?14,
        coalesce((SELECT created_by FROM bookings WHERE tenant_id = ?1 AND booking_id = ?4), '')))sql";
// Notifications about one creator's bookings written at or after ?3: outbox
// rows, and confirmations their booking rows still owe; each part counts at
// most ?4 rows, so a flood costs no more than the cap.
inline constexpr char kCountNotificationsByCreator[] = R"sql(
SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox
                              WHERE tenant_id = ?1 AND created_by = ?2 AND created_at >= ?3 LIMIT ?4))
     + (SELECT count(*) FROM (SELECT 1 FROM bookings
                              WHERE tenant_id = ?1 AND created_by = ?2 AND created_at >= ?3
                                AND owes_confirmation IS NOT NULL LIMIT ?4)))sql";
// One booking's owed confirmation into the outbox (then kClearConfirmation).
inline constexpr char kMoveConfirmation[] =
    SLOTWISE_MOVE_CONFIRMATIONS
    " WHERE tenant_id = ?1 AND booking_id = ?2 AND owes_confirmation IS NOT NULL";
inline constexpr char kClearConfirmation[] =
    "UPDATE bookings SET owes_confirmation = NULL"
    " WHERE tenant_id = ?1 AND booking_id = ?2 AND owes_confirmation IS NOT NULL";
inline constexpr char kSelectOwedConfirmation[] =
    "SELECT " SLOTWISE_OWED_CONFIRMATION " FROM bookings"
    " WHERE tenant_id = ?1 AND booking_id = ?2 AND owes_confirmation IS NOT NULL";
// The sweep: every confirmation owed by rows (?1, ?2] of bookings, in the
// order they were booked, scanned by rowid without an index.
inline constexpr char kSelectSweptRow[] = "SELECT last_row FROM outbox_sweep WHERE id = 1";
inline constexpr char kSelectLastBookingRow[] = "SELECT coalesce(max(rowid), 0) FROM bookings";
inline constexpr char kSweepConfirmations[] =
    SLOTWISE_MOVE_CONFIRMATIONS
    " WHERE rowid > ?1 AND rowid <= ?2 AND owes_confirmation IS NOT NULL ORDER BY rowid";
inline constexpr char kSweepClear[] =
    "UPDATE bookings SET owes_confirmation = NULL"
    " WHERE rowid > ?1 AND rowid <= ?2 AND owes_confirmation IS NOT NULL";
inline constexpr char kSetSweptRow[] = "UPDATE outbox_sweep SET last_row = ?1 WHERE id = 1";
#undef SLOTWISE_MOVE_CONFIRMATIONS
#undef SLOTWISE_OWED_CONFIRMATION
// Tenants take turns: each due row is numbered within its tenant (earliest
// due first) and rows are handed out by that number, so a tenant with a
// backlog of thousands gets one row per turn like a tenant with one.
inline constexpr char kSelectDueNotifications[] =
    "SELECT " SLOTWISE_OUTBOX_COLUMNS " FROM ("
    " SELECT *, row_number() OVER (PARTITION BY tenant_id ORDER BY next_attempt_at, created_at, rowid) AS turn,"
    " rowid AS row FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= ?1)"
    " ORDER BY turn, next_attempt_at, created_at, row LIMIT ?2";
inline constexpr char kLeaseNotification[] =
    "UPDATE outbox SET attempts = ?3, next_attempt_at = ?4 WHERE tenant_id = ?1 AND notification_id = ?2";
inline constexpr char kMarkNotificationSent[] =
    "UPDATE outbox SET sent_at = ?3 WHERE tenant_id = ?1 AND notification_id = ?2 AND sent_at IS NULL";
inline constexpr char kSelectBookingNotifications[] =
    "SELECT " SLOTWISE_OUTBOX_COLUMNS " FROM outbox WHERE tenant_id = ?1 AND booking_id = ?2 ORDER BY rowid";
#undef SLOTWISE_OUTBOX_COLUMNS

}  // namespace slotwise::sqlite
