// Every SQL statement the PostgreSQL adapter runs outside the schema, by
// name. Connection::run() prepares each once per connection, keyed by the
// array's address (an inline array is one object in the whole program).
// Every value is a parameter ($1, $2, …); user strings are bytea. Instants
// cross as epoch seconds: to_timestamp($n) in, extract(epoch …)::int8 out.
//
// Citus: every statement names tenant_id = $1 (or inserts it first), so it
// routes to one shard, except those in kCrossTenant (the outbox and checkout
// sweeps, which read every tenant's due rows by design, and the global lock).
// tests/postgres_citus_test.cpp reads kAll and checks it.
#pragma once

#include <cstddef>
#include <string_view>

namespace slotwise::postgres {

#define SW_AT(col) "extract(epoch FROM " col ")::int8"
#define SW_TS(n) "to_timestamp(" n ")"
// Holds no longer than this leave resource_spans alone (the trigger of
// schema step 9 fires only for longer ones, written there as the same
// literal), so every read of a resource's holds reaches back at least this
// far. Changing it takes a migration step that makes the trigger again.
#define SW_SPAN_FLOOR "interval '4 hours'"

// Transaction control and locks (parameterless but the lock's key).
// A writer's READ COMMITTED is the session's default (Connection sets it,
// whatever the connection string asks for): a BEGIN that names a level sets
// it for that transaction only, and the server pays for setting it and
// putting it back on every transaction.
inline constexpr char kBeginWrite[] = "BEGIN";
inline constexpr char kBeginRead[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
inline constexpr char kCommit[] = "COMMIT";
inline constexpr char kLockSavepoint[] = "SAVEPOINT sw_lock";
inline constexpr char kAdvisoryLock[] = "SELECT pg_advisory_xact_lock($1)";
inline constexpr char kReleaseLockSavepoint[] = "RELEASE SAVEPOINT sw_lock";

// Tenants.
inline constexpr char kInsertTenant[] =
    "INSERT INTO tenants (tenant_id, name, created_at) VALUES ($1, $2, " SW_TS("$3") ")";
inline constexpr char kSelectTenant[] =
    "SELECT tenant_id, name, " SW_AT("created_at") " FROM tenants WHERE tenant_id = $1";
inline constexpr char kSelectTenants[] =
    "SELECT tenant_id, name, " SW_AT("created_at") " FROM tenants WHERE tenant_id > $1 ORDER BY tenant_id LIMIT $2";

// Resources and calendars.
inline constexpr char kUpsertResource[] =
    "INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity, active, size)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7::int8 <> 0, $8)"
    " ON CONFLICT (tenant_id, resource_id) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
    " timezone = excluded.timezone, capacity = excluded.capacity, active = excluded.active, size = excluded.size";
// A resource changed by a transaction that read it first: only the columns
// it changed ($7: a bit per column, $3..$6, $8 the active flag, $9 the size, in order), so two concurrent
// edits of different fields both stick (the second waits for the first's
// row lock, then applies its own columns to the newer row).
#define SW_IF(bit, n, col) col " = CASE WHEN ($7::int8 & " #bit ") <> 0 THEN " n " ELSE " col " END"
inline constexpr char kUpdateResourceColumns[] =
    "UPDATE resources SET " SW_IF(1, "$3::bytea", "name") ", " SW_IF(2, "$4::text", "kind") ", "
    SW_IF(4, "$5::bytea", "timezone") ", " SW_IF(8, "$6::int4", "capacity") ", "
    SW_IF(16, "($8::int8 <> 0)", "active") ", " SW_IF(32, "$9::int4", "size")
    " WHERE tenant_id = $1 AND resource_id = $2";
#undef SW_IF
inline constexpr char kSelectResource[] =
    "SELECT resource_id, name, kind, timezone, capacity, active, size FROM resources WHERE tenant_id = $1 AND resource_id = $2";
inline constexpr char kSelectResources[] =
    "SELECT resource_id, name, kind, timezone, capacity, active, size FROM resources WHERE tenant_id = $1 ORDER BY resource_id";
inline constexpr char kDeleteWeeklyHours[] = "DELETE FROM weekly_hours WHERE tenant_id = $1 AND resource_id = $2";
inline constexpr char kInsertWeeklyHours[] =
    "INSERT INTO weekly_hours (tenant_id, resource_id, weekday, windows) VALUES ($1, $2, $3, $4)";
inline constexpr char kSelectWeeklyHours[] =
    "SELECT weekday, windows FROM weekly_hours WHERE tenant_id = $1 AND resource_id = $2 ORDER BY weekday";
inline constexpr char kUpsertOverride[] =
    "INSERT INTO date_overrides (tenant_id, resource_id, day, windows) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (tenant_id, resource_id, day) DO UPDATE SET windows = excluded.windows";
inline constexpr char kDeleteOverride[] =
    "DELETE FROM date_overrides WHERE tenant_id = $1 AND resource_id = $2 AND day = $3";
inline constexpr char kSelectOverrides[] =
    "SELECT day, windows FROM date_overrides WHERE tenant_id = $1 AND resource_id = $2 AND day >= $3 AND day <= $4"
    " ORDER BY day";

// The catalogue cache (catalogue_cache.cpp): a tenant's catalogue_version,
// moved on by triggers (schema version 6); a writer of the catalogue moves it
// first, so writers of one tenant's catalogue queue on its row in one order.
// A resource's overrides and blocks whole, up to $3 rows.
inline constexpr char kSelectCatalogueVersion[] = "SELECT catalogue_version FROM tenants WHERE tenant_id = $1";
inline constexpr char kTouchCatalogue[] =
    "UPDATE tenants SET catalogue_version = nextval('slotwise_catalogue_versions') WHERE tenant_id = $1";
inline constexpr char kSelectAllOverrides[] =
    "SELECT day, windows FROM date_overrides WHERE tenant_id = $1 AND resource_id = $2 ORDER BY day LIMIT $3";
inline constexpr char kSelectAllBlocks[] =
    "SELECT block_id, resource_id, " SW_AT("start_at") ", " SW_AT("end_at") ", reason FROM blocks"
    " WHERE tenant_id = $1 AND resource_id = $2 ORDER BY start_at, block_id LIMIT $3";

// Blocks.
inline constexpr char kInsertBlock[] =
    "INSERT INTO blocks (tenant_id, block_id, resource_id, start_at, end_at, reason)"
    " VALUES ($1, $2, $3, " SW_TS("$4") ", " SW_TS("$5") ", $6)";
inline constexpr char kDeleteBlock[] = "DELETE FROM blocks WHERE tenant_id = $1 AND block_id = $2";
inline constexpr char kSelectBlocks[] =
    "SELECT block_id, resource_id, " SW_AT("start_at") ", " SW_AT("end_at") ", reason FROM blocks"
    " WHERE tenant_id = $1 AND resource_id = $2 AND start_at < " SW_TS("$4") " AND end_at > " SW_TS("$3")
    " ORDER BY start_at, block_id";

// Services.
inline constexpr char kUpsertService[] =
    "INSERT INTO services (tenant_id, service_id, name, duration_min, step_min, buffer_before_min, buffer_after_min,"
    " price, currency, min_notice_min, horizon_min, hold_min, cancel_notice_min, segments, limit_day, limit_week,"
    " limit_month, active, party, requires_confirmation, request_expiry_min, offer_time_min)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
    " $18::int8 <> 0, $19, $20::int8 <> 0, $21, $22)"
    " ON CONFLICT (tenant_id, service_id) DO UPDATE SET name = excluded.name, duration_min = excluded.duration_min,"
    " step_min = excluded.step_min, buffer_before_min = excluded.buffer_before_min,"
    " buffer_after_min = excluded.buffer_after_min, price = excluded.price, currency = excluded.currency,"
    " min_notice_min = excluded.min_notice_min, horizon_min = excluded.horizon_min, hold_min = excluded.hold_min,"
    " cancel_notice_min = excluded.cancel_notice_min, segments = excluded.segments, limit_day = excluded.limit_day,"
    " limit_week = excluded.limit_week, limit_month = excluded.limit_month, active = excluded.active,"
    " party = excluded.party, requires_confirmation = excluded.requires_confirmation,"
    " request_expiry_min = excluded.request_expiry_min, offer_time_min = excluded.offer_time_min";
// As kUpdateResourceColumns, for services: $3..$22 in the order of
// kUpsertService, $23 a bit per column.
#define SW_IF(bit, n, col) col " = CASE WHEN ($23::int8 & " #bit ") <> 0 THEN " n " ELSE " col " END"
inline constexpr char kUpdateServiceColumns[] =
    "UPDATE services SET " SW_IF(1, "$3::bytea", "name") ", " SW_IF(2, "$4::int8", "duration_min") ", "
    SW_IF(4, "$5::int8", "step_min") ", " SW_IF(8, "$6::int8", "buffer_before_min") ", "
    SW_IF(16, "$7::int8", "buffer_after_min") ", " SW_IF(32, "$8::int8", "price") ", "
    SW_IF(64, "$9::bytea", "currency") ", " SW_IF(128, "$10::int8", "min_notice_min") ", "
    SW_IF(256, "$11::int8", "horizon_min") ", " SW_IF(512, "$12::int8", "hold_min") ", "
    SW_IF(1024, "$13::int8", "cancel_notice_min") ", " SW_IF(2048, "$14::text", "segments") ", "
    SW_IF(4096, "$15::int4", "limit_day") ", " SW_IF(8192, "$16::int4", "limit_week") ", "
    SW_IF(16384, "$17::int4", "limit_month") ", " SW_IF(32768, "($18::int8 <> 0)", "active") ", "
    SW_IF(65536, "$19::int4", "party") ", " SW_IF(131072, "($20::int8 <> 0)", "requires_confirmation") ", "
    SW_IF(262144, "$21::int8", "request_expiry_min") ", " SW_IF(524288, "$22::int8", "offer_time_min")
    " WHERE tenant_id = $1 AND service_id = $2";
#undef SW_IF
inline constexpr char kDeleteServiceResources[] =
    "DELETE FROM service_resources WHERE tenant_id = $1 AND service_id = $2";
inline constexpr char kInsertServiceResource[] =
    "INSERT INTO service_resources (tenant_id, service_id, position, resource_id, grp) VALUES ($1, $2, $3, $4, $5)";
#define SW_SERVICE_COLUMNS                                                            \
    "service_id, name, duration_min, step_min, buffer_before_min, buffer_after_min, " \
    "price, currency, min_notice_min, horizon_min, hold_min, cancel_notice_min, segments, " \
    "limit_day, limit_week, limit_month, active, party, requires_confirmation::int, request_expiry_min, offer_time_min"
inline constexpr char kSelectService[] =
    "SELECT " SW_SERVICE_COLUMNS " FROM services WHERE tenant_id = $1 AND service_id = $2";
inline constexpr char kSelectServices[] =
    "SELECT " SW_SERVICE_COLUMNS " FROM services WHERE tenant_id = $1 ORDER BY service_id";
#undef SW_SERVICE_COLUMNS
inline constexpr char kSelectServiceResources[] =
    "SELECT resource_id, grp FROM service_resources WHERE tenant_id = $1 AND service_id = $2 ORDER BY position";
inline constexpr char kSelectAllServiceResources[] =
    "SELECT service_id, resource_id, grp FROM service_resources WHERE tenant_id = $1 ORDER BY service_id, position";

// Table combinations (schema version 4): tables as a booking's other_resources.
inline constexpr char kUpsertTableCombination[] =
    "INSERT INTO table_combinations (tenant_id, combination_id, service_id, grp, tables, size)"
    " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, combination_id) DO UPDATE SET"
    " service_id = excluded.service_id, grp = excluded.grp, tables = excluded.tables, size = excluded.size";
inline constexpr char kSelectTableCombinations[] =
    "SELECT combination_id, service_id, grp, tables, size FROM table_combinations"
    " WHERE tenant_id = $1 AND service_id = $2 ORDER BY combination_id";
inline constexpr char kDeleteTableCombination[] =
    "DELETE FROM table_combinations WHERE tenant_id = $1 AND combination_id = $2";

// Bookings, in the column order read_booking() decodes.
#define SW_BOOKING_COLUMNS                                                                                   \
    "b.booking_id, b.service_id, b.resource_id, " SW_AT("b.start_at") ", " SW_AT("b.end_at") ", b.seats, "   \
    "b.buffer_before_min, b.buffer_after_min, b.customer_name, b.customer_email, b.customer_phone, "         \
    "b.customer_locale, b.status, b.payment_status, " SW_AT("b.hold_expires_at") ", b.idempotency_key, "     \
    "b.request_fingerprint, b.created_by, " SW_AT("b.created_at") ", " SW_AT("b.updated_at") ", "            \
    "b.checkout_id, b.payment_reference, b.amount_due, b.currency_due, b.other_resources, b.segments, "      \
    "b.series_id, b.party_size"
// $1..$29 as listed; the occupancy rows go with it (kInsertOccupancy).
inline constexpr char kInsertBooking[] =
    "INSERT INTO bookings (tenant_id, booking_id, service_id, resource_id, start_at, end_at, seats,"
    " buffer_before_min, buffer_after_min, customer_name, customer_email, customer_phone, customer_locale,"
    " status, payment_status, hold_expires_at, idempotency_key, request_fingerprint, created_by, created_at,"
    " updated_at, checkout_id, payment_reference, amount_due, currency_due, other_resources, segments, series_id,"
    " party_size)"
    " VALUES ($1, $2, $3, $4, " SW_TS("$5") ", " SW_TS("$6") ", $7, $8, $9, $10, $11, $12, $13, $14, $15, "
    SW_TS("$16") ", $17, $18, $19, " SW_TS("$20") ", " SW_TS("$21") ", $22, $23, $24, $25, $26, $27, $28, $29)";
// One entry of a booking's Booking::holds(). $3 part, $4 resource, $5/$6
// occupied range, $7/$8 the hold without buffers, $9/$10 buffers, $11
// status, $12 hold expiry, $13 and $15 what `exclusive` is made of (below).
// `active`: confirmed, or pending with a hold that runs past the instant of
// the check ($14; NULL when unchecked: then any hold, unless the row it
// replaces had been found lapsed, $16 = 0). $17 the booking's seats: a hold
// carries them and its status, so that reading occupancy needs no booking
// row.
#define SW_INSERT_OCCUPANCY(exclusive)                                                                         \
    "INSERT INTO booking_resources (tenant_id, booking_id, part, resource_id, occupied, start_at, end_at,"      \
    " buffer_before_min, buffer_after_min, hold_expires_at, seats, status, exclusive, active)"                \
    " VALUES ($1, $2, $3, $4, tstzrange(" SW_TS("$5") ", greatest(" SW_TS("$5") ", " SW_TS("$6") "), '[)'), " \
    SW_TS("$7") ", " SW_TS("$8") ", $9, $10, " SW_TS("$12") ", $17, $11::text, " exclusive ","                 \
    " $11::text = 'confirmed' OR ($11::text IN ('pending', 'requested', 'offered') AND $12::int8 IS NOT NULL"   \
    " AND CASE WHEN $14::int8 IS NULL THEN coalesce($16::int8 <> 0, true) ELSE $12::int8 > $14::int8 END))"
// `exclusive` (postgres.hpp: what the constraint covers): this transaction
// checked the resource's bookings under its lock ($13 = 1) and the resource
// has capacity 1, which the database looks up; unchecked, what the row it
// replaces had ($15 = 1) when that held the same resource over the same
// range.
inline constexpr char kInsertOccupancy[] = SW_INSERT_OCCUPANCY(
    "CASE WHEN $13::int8 = 1 THEN coalesce((SELECT r.capacity = 1 FROM resources r"
    "   WHERE r.tenant_id = $1 AND r.resource_id = $4), false) ELSE coalesce($15::int8 = 1, false) END");
// The same row when this transaction checked the resource under its lock
// and knows its capacity from the catalogue whose version that check's read
// confirmed (CheckedResource): $13 = 1, capacity 1; 2, more. It is sent only
// so, but names $15 as kInsertOccupancy does, which gives every parameter a
// type when the statement is prepared without types (as the Citus test
// prepares each). A change of the capacity waits for the resource's lock (schema
// version 10), so the capacity is still the database's at the commit. Not
// looking it up again spares the statement a table and an index to open
// (docs/storage.md).
inline constexpr char kInsertCheckedOccupancy[] =
    SW_INSERT_OCCUPANCY("CASE WHEN $13::int8 = 0 THEN coalesce($15::int8 = 1, false) ELSE $13::int8 = 1 END");
#undef SW_INSERT_OCCUPANCY
// A booking's rows as they are before a change replaces them: what an
// unchecked change keeps of them.
inline constexpr char kSelectOccupancyRows[] =
    "SELECT part, resource_id, " SW_AT("lower(occupied)") ", " SW_AT("upper(occupied)") ", exclusive,"
    " active FROM booking_resources WHERE tenant_id = $1 AND booking_id = $2";
inline constexpr char kDeleteOccupancy[] = "DELETE FROM booking_resources WHERE tenant_id = $1 AND booking_id = $2";
// The identity and origin (id, key, fingerprint, created_by, created_at)
// never change; everything else does.
inline constexpr char kUpdateBooking[] =
    "UPDATE bookings SET service_id = $3, resource_id = $4, start_at = " SW_TS("$5") ", end_at = " SW_TS("$6") ","
    " seats = $7, buffer_before_min = $8, buffer_after_min = $9, customer_name = $10, customer_email = $11,"
    " customer_phone = $12, customer_locale = $13, status = $14, payment_status = $15,"
    " hold_expires_at = " SW_TS("$16") ", updated_at = " SW_TS("$17") ", checkout_id = $18,"
    " payment_reference = $19, other_resources = $20, segments = $21 WHERE tenant_id = $1 AND booking_id = $2";
inline constexpr char kSelectBooking[] =
    "SELECT " SW_BOOKING_COLUMNS " FROM bookings b WHERE b.tenant_id = $1 AND b.booking_id = $2";
// In a write transaction: the row is locked until the end, so two changes
// of one booking (a cancel and a payment) take turns.
inline constexpr char kSelectBookingForUpdate[] =
    "SELECT " SW_BOOKING_COLUMNS " FROM bookings b WHERE b.tenant_id = $1 AND b.booking_id = $2 FOR UPDATE";
inline constexpr char kSelectBookingByKey[] =
    "SELECT " SW_BOOKING_COLUMNS " FROM bookings b"
    " WHERE b.tenant_id = $1 AND b.created_by = $2 AND b.idempotency_key = $3";
inline constexpr char kSelectBookingByPaymentReference[] =
    "SELECT " SW_BOOKING_COLUMNS " FROM bookings b"
    " WHERE b.tenant_id = $1 AND b.payment_reference = $2 AND b.payment_reference <> ''::bytea"
    " ORDER BY b.booking_id LIMIT 1";
inline constexpr char kSelectBookingByPaymentReferenceForUpdate[] =
    "SELECT " SW_BOOKING_COLUMNS " FROM bookings b"
    " WHERE b.tenant_id = $1 AND b.payment_reference = $2 AND b.payment_reference <> ''::bytea"
    " ORDER BY b.booking_id LIMIT 1 FOR UPDATE";
// customer_holdings: $3 now, $4 cap, $5 lowest start (NULL = none).
inline constexpr char kCountPendingByCreator[] =
    "SELECT count(*) FROM (SELECT 1 FROM bookings WHERE tenant_id = $1 AND created_by = $2"
    " AND status IN ('pending', 'requested', 'offered') AND hold_expires_at > " SW_TS("$3") " AND start_at >= coalesce(" SW_TS("$5::int8") ", '-infinity')"
    " LIMIT $4) AS held";
inline constexpr char kCountConfirmedByCreator[] =
    "SELECT count(*) FROM (SELECT 1 FROM bookings WHERE tenant_id = $1 AND created_by = $2"
    " AND status = 'confirmed' AND start_at >= " SW_TS("$3") " LIMIT $4) AS held";
// The holds of resource $2 active at $5 and occupying [$3, $4): one range
// scan of booking_resources_by_start, from the index alone. A hold that
// overlaps the range starts before its end and no further before its
// beginning than the longer of SW_SPAN_FLOOR and the resource's longest hold
// past that floor (resource_spans; no row: none past it).
#define SW_OVERLAPPING(resource, lo, hi)                                                                    \
    " o.tenant_id = $1 AND o.resource_id = " resource                                                       \
    " AND lower(o.occupied) < " SW_TS(hi) " AND upper(o.occupied) > " SW_TS(lo)                             \
    " AND lower(o.occupied) >= " SW_TS(lo) " - greatest(" SW_SPAN_FLOOR ", (SELECT s.longest"             \
    "     FROM resource_spans s WHERE s.tenant_id = $1 AND s.resource_id = " resource "))"
#define SW_HOLD_ACTIVE(now)                                                                                  \
    " (o.status = 'confirmed' OR (o.status IN ('pending', 'requested', 'offered')"                          \
    "  AND o.hold_expires_at > " SW_TS(now) "))"
#define SW_ACTIVE_HOLDS " FROM booking_resources o WHERE" SW_OVERLAPPING("$2", "$3", "$4") " AND" SW_HOLD_ACTIVE("$5")
// Each booking once, by (occupied start, id).
#define SW_ACTIVE_BOOKINGS                                                                                   \
    "SELECT " SW_BOOKING_COLUMNS " FROM bookings b WHERE b.tenant_id = $1 AND b.booking_id IN"             \
    " (SELECT o.booking_id" SW_ACTIVE_HOLDS ")"                                                             \
    " ORDER BY b.start_at - b.buffer_before_min * interval '1 minute', b.booking_id"
#define SW_OCCUPANCY                                                                                         \
    "SELECT " SW_AT("o.start_at") ", " SW_AT("o.end_at") ", o.seats, o.buffer_before_min, o.buffer_after_min" \
    SW_ACTIVE_HOLDS " ORDER BY lower(o.occupied), o.booking_id, o.part"
// Starts of the active bookings of service $6 whose first resource is $2,
// starting in [$3, $4): part 0 begins at the booking's start.
#define SW_COUNTED_STARTS                                                                                    \
    "SELECT " SW_AT("o.start_at") SW_ACTIVE_HOLDS " AND o.part = 0"                                         \
    " AND EXISTS (SELECT 1 FROM bookings b WHERE b.tenant_id = $1 AND b.booking_id = o.booking_id"         \
    "     AND b.service_id = $6)"                                                                           \
    " AND o.start_at >= " SW_TS("$3") " AND o.start_at < " SW_TS("$4")
// A hold lapsed by $5 whose occupancy row still counts for the constraint.
// A write transaction that reads a resource's bookings at $5 switches these
// off, so that the constraint agrees with what the engine is about to see as
// free (postgres.hpp): in the same statement as the read (SW_CLEARING_LAPSED),
// or, for the occupancy read of book(), with its next round trip and only
// when the read met one (kClearLapsed). The read itself, in the snapshot from
// before the switch, leaves lapsed holds out by their status and expiry.
#define SW_LAPSED(now) " (o.active AND o.hold_expires_at <= " SW_TS(now) ")"
#define SW_CLEAR_LAPSED \
    "UPDATE booking_resources o SET active = false WHERE" SW_OVERLAPPING("$2", "$3", "$4") " AND" SW_LAPSED("$5")
#define SW_CLEARING_LAPSED "WITH cleared AS (" SW_CLEAR_LAPSED ") "
inline constexpr char kSelectActiveBookings[] = SW_ACTIVE_BOOKINGS;
inline constexpr char kClearingSelectActiveBookings[] = SW_CLEARING_LAPSED SW_ACTIVE_BOOKINGS;
inline constexpr char kSelectOccupancy[] = SW_OCCUPANCY;
// A writer's occupancy read: SW_OCCUPANCY's holds and the lapsed ones beside
// them, each row saying whether it counts at $5 and whether it is lapsed.
// The lapsed rows are few and rare, so a writer that meets none (almost
// every booking) sends no switch at all. First comes a row of the tenant's
// catalogue_version as the read sees it, after the resource's lock (its
// other columns NULL; no such row: no such tenant), which the writer's
// catalogue is confirmed against (CatalogueReader::confirm).
inline constexpr char kWriterSelectOccupancy[] =
    "SELECT v.catalogue_version, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM tenants v"
    " WHERE v.tenant_id = $1 UNION ALL"
    " SELECT NULL, " SW_AT("o.start_at") ", " SW_AT("o.end_at") ", o.seats, o.buffer_before_min, o.buffer_after_min,"
    " coalesce(" SW_HOLD_ACTIVE("$5") ", false), coalesce(" SW_LAPSED("$5") ", false), lower(o.occupied),"
    " o.booking_id, o.part FROM booking_resources o WHERE" SW_OVERLAPPING("$2", "$3", "$4") " AND ("
    SW_HOLD_ACTIVE("$5") " OR" SW_LAPSED("$5") ") ORDER BY 9 NULLS FIRST, 10, 11";
inline constexpr char kClearLapsed[] = SW_CLEAR_LAPSED;
inline constexpr char kSelectCountedStarts[] = SW_COUNTED_STARTS;
inline constexpr char kClearingSelectCountedStarts[] = SW_CLEARING_LAPSED SW_COUNTED_STARTS;
#undef SW_ACTIVE_BOOKINGS
#undef SW_OCCUPANCY
#undef SW_COUNTED_STARTS
#undef SW_CLEARING_LAPSED
#undef SW_CLEAR_LAPSED
#undef SW_LAPSED
#undef SW_ACTIVE_HOLDS
inline constexpr char kSelectBookingStart[] =
    "SELECT " SW_AT("start_at") " FROM bookings WHERE tenant_id = $1 AND booking_id = $2";
// bookings(): $2/$3 start range (NULL = open), ($4, $5) the cursor (NULL =
// none), $6 resource, $7 creator, $8 status (NULL = any), $9 now, $10 limit,
// $11 payment status, $12 series (NULL = any).
inline constexpr char kSelectBookings[] =
    "SELECT " SW_BOOKING_COLUMNS " FROM bookings b WHERE b.tenant_id = $1"
    " AND b.start_at >= coalesce(" SW_TS("$2::int8") ", '-infinity')"
    " AND b.start_at < coalesce(" SW_TS("$3::int8") ", 'infinity')"
    " AND ($4::int8 IS NULL OR (b.start_at, b.booking_id) > (" SW_TS("$4::int8") ", $5::bytea))"
    " AND ($6::bytea IS NULL OR EXISTS (SELECT 1 FROM booking_resources o WHERE o.tenant_id = $1"
    "      AND o.booking_id = b.booking_id AND o.resource_id = $6::bytea))"
    " AND ($7::bytea IS NULL OR b.created_by = $7::bytea)"
    " AND ($8::text IS NULL"
    "  OR ($8::text IN ('pending', 'requested', 'offered') AND b.status = $8::text"
    "      AND (b.hold_expires_at IS NULL OR b.hold_expires_at > " SW_TS("$9") "))"
    "  OR ($8::text = 'expired' AND (b.status = 'expired'"
    "      OR (b.status IN ('pending', 'requested', 'offered') AND b.hold_expires_at <= " SW_TS("$9") ")))"
    "  OR ($8::text IN ('confirmed', 'cancelled', 'rejected') AND b.status = $8::text))"
    " AND ($11::text IS NULL OR b.payment_status = $11::text)"
    " AND ($12::bytea IS NULL OR b.series_id = $12::bytea)"
    " ORDER BY b.start_at, b.booking_id LIMIT $10";
// erase_customer: one creator's bookings blanked, then the outbox rows about
// them (sent or not: an unsent one is marked sent at $3), then the count.
inline constexpr char kEraseBookings[] =
    "UPDATE bookings SET customer_name = ''::bytea, customer_email = ''::bytea, customer_phone = ''::bytea,"
    " request_fingerprint = 'erased'::bytea WHERE tenant_id = $1 AND created_by = $2"
    " AND (customer_name <> ''::bytea OR customer_email <> ''::bytea OR customer_phone <> ''::bytea"
    "      OR request_fingerprint <> 'erased'::bytea)";
inline constexpr char kEraseOutbox[] =
    "UPDATE outbox SET recipient = ''::bytea, subject = ''::bytea, body = ''::bytea, ics = ''::bytea,"
    " sent_at = coalesce(sent_at, " SW_TS("$3") ") WHERE tenant_id = $1 AND booking_id IN"
    " (SELECT booking_id FROM bookings WHERE tenant_id = $1 AND created_by = $2)"
    " AND (recipient <> ''::bytea OR subject <> ''::bytea OR body <> ''::bytea OR ics <> ''::bytea"
    "      OR sent_at IS NULL)";
// Its places in line too: blanked, and a waiting one leaves the line.
inline constexpr char kEraseWaitlist[] =
    "UPDATE waitlist SET customer_name = ''::bytea, customer_email = ''::bytea, customer_phone = ''::bytea,"
    " status = CASE WHEN status = 'waiting' THEN 'left' ELSE status END WHERE tenant_id = $1 AND created_by = $2"
    " AND (customer_name <> ''::bytea OR customer_email <> ''::bytea OR customer_phone <> ''::bytea"
    "      OR status = 'waiting')";
inline constexpr char kCountBookingsByCreator[] =
    "SELECT count(*) FROM bookings WHERE tenant_id = $1 AND created_by = $2";

// The waitlist (waitlist.hpp); seq, an identity, is the join order.
inline constexpr char kInsertWaitlistEntry[] =
    "INSERT INTO waitlist (tenant_id, entry_id, service_id, start_at, seats, resources, customer_name,"
    " customer_email, customer_phone, customer_locale, created_by, created_at, status, offer_booking_id)"
    " VALUES ($1, $2, $3, " SW_TS("$4") ", $5, $6, $7, $8, $9, $10, $11, " SW_TS("$12") ", $13, $14)";
inline constexpr char kUpdateWaitlistEntry[] =
    "UPDATE waitlist SET status = $3, offer_booking_id = $4 WHERE tenant_id = $1 AND entry_id = $2";
#define SW_ENTRY_COLUMNS                                                                                 \
    "w.entry_id, w.service_id, " SW_AT("w.start_at") ", w.seats, w.resources, w.customer_name, "          \
    "w.customer_email, w.customer_phone, w.customer_locale, w.created_by, " SW_AT("w.created_at") ", "    \
    "w.status, w.offer_booking_id, w.seq"
inline constexpr char kSelectWaitlistEntry[] =
    "SELECT " SW_ENTRY_COLUMNS ", 0 FROM waitlist w WHERE w.tenant_id = $1 AND w.entry_id = $2";
// A waiting entry's position: those of its service and start that joined no
// later ($2 service, $3 start, $4 its seq).
inline constexpr char kCountWaitingAhead[] =
    "SELECT count(*) FROM waitlist WHERE tenant_id = $1 AND status = 'waiting' AND service_id = $2"
    " AND start_at = " SW_TS("$3") " AND seq <= $4";
inline constexpr char kSelectWaitingEntries[] =
    "SELECT " SW_ENTRY_COLUMNS ", 0 FROM waitlist w WHERE w.tenant_id = $1 AND w.status = 'waiting'"
    " AND w.start_at >= " SW_TS("$2") " AND w.start_at < " SW_TS("$3") " ORDER BY w.seq LIMIT $4";
#undef SW_ENTRY_COLUMNS
inline constexpr char kCountWaitingByCreator[] =
    "SELECT count(*) FROM (SELECT 1 FROM waitlist WHERE tenant_id = $1 AND created_by = $2"
    " AND status = 'waiting' LIMIT $3) AS waiting";
// Lapses of every tenant with someone waiting, after the cursor ($1 at, $2
// tenant, $3 booking) and at or before $4, at most $5: a range of
// bookings_lapsing per such tenant.
inline constexpr char kSelectLapsedBookings[] =
    "SELECT " SW_BOOKING_COLUMNS ", b.tenant_id"
    " FROM (SELECT DISTINCT tenant_id FROM waitlist WHERE status = 'waiting') w"
    " JOIN bookings b ON b.tenant_id = w.tenant_id"
    " WHERE b.status IN ('pending', 'requested', 'offered') AND b.hold_expires_at >= " SW_TS("$1")
    " AND b.hold_expires_at <= " SW_TS("$4")
    " AND (b.hold_expires_at, b.tenant_id, b.booking_id) > (" SW_TS("$1") ", $2::bytea, $3::bytea)"
    " ORDER BY b.hold_expires_at, b.tenant_id, b.booking_id LIMIT $5";
inline constexpr char kSelectLapseCursor[] =
    "SELECT " SW_AT("at") ", lapsed_tenant, booking_id FROM waitlist_sweep WHERE tenant_id = $1";
inline constexpr char kUpsertLapseCursor[] =
    "INSERT INTO waitlist_sweep (tenant_id, at, lapsed_tenant, booking_id) VALUES ($1, " SW_TS("$2") ", $3, $4)"
    " ON CONFLICT (tenant_id) DO UPDATE SET at = excluded.at, lapsed_tenant = excluded.lapsed_tenant,"
    " booking_id = excluded.booking_id";
#undef SW_BOOKING_COLUMNS

// Payments.
inline constexpr char kUpsertPaymentSettings[] =
    "INSERT INTO payment_settings (tenant_id, provider, secret_key, webhook_secret) VALUES ($1, $2, $3, $4)"
    " ON CONFLICT (tenant_id) DO UPDATE SET provider = excluded.provider, secret_key = excluded.secret_key,"
    " webhook_secret = excluded.webhook_secret";
inline constexpr char kSelectPaymentSettings[] =
    "SELECT provider, secret_key, webhook_secret FROM payment_settings WHERE tenant_id = $1";
inline constexpr char kUpsertPolicy[] =
    "INSERT INTO tenant_policies (tenant_id, max_pending_per_customer, max_active_per_customer,"
    " customer_horizon_days, max_seats_per_customer_booking, max_notifications_per_customer_hour,"
    " max_waitlist_per_customer) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    " ON CONFLICT (tenant_id) DO UPDATE SET max_pending_per_customer = excluded.max_pending_per_customer,"
    " max_active_per_customer = excluded.max_active_per_customer,"
    " customer_horizon_days = excluded.customer_horizon_days,"
    " max_seats_per_customer_booking = excluded.max_seats_per_customer_booking,"
    " max_notifications_per_customer_hour = excluded.max_notifications_per_customer_hour,"
    " max_waitlist_per_customer = excluded.max_waitlist_per_customer";
inline constexpr char kSelectPolicy[] =
    "SELECT max_pending_per_customer, max_active_per_customer, customer_horizon_days,"
    " max_seats_per_customer_booking, max_notifications_per_customer_hour, max_waitlist_per_customer"
    " FROM tenant_policies WHERE tenant_id = $1";
inline constexpr char kInsertPaymentEvent[] =
    "INSERT INTO payment_events (tenant_id, provider, event_id, type, received_at)"
    " VALUES ($1, $2, $3, $4, " SW_TS("$5") ") ON CONFLICT DO NOTHING";
#define SW_SESSION_COLUMNS \
    "tenant_id, session_id, booking_id, " SW_AT("created_at") ", " SW_AT("close_by") ", " SW_AT("closed_at")
inline constexpr char kInsertCheckoutSession[] =
    "INSERT INTO checkout_sessions (tenant_id, session_id, booking_id, created_at, close_by, closed_at)"
    " VALUES ($1, $2, $3, " SW_TS("$4") ", " SW_TS("$5") ", NULL) ON CONFLICT DO NOTHING";
inline constexpr char kSelectCheckoutSessions[] =
    "SELECT " SW_SESSION_COLUMNS " FROM checkout_sessions WHERE tenant_id = $1 AND booking_id = $2"
    " ORDER BY created_at, session_id";
inline constexpr char kCloseCheckoutSession[] =
    "UPDATE checkout_sessions SET closed_at = " SW_TS("$3")
    " WHERE tenant_id = $1 AND session_id = $2 AND closed_at IS NULL";
inline constexpr char kSelectCheckoutsToClose[] =
    "SELECT " SW_SESSION_COLUMNS " FROM checkout_sessions"
    " WHERE closed_at IS NULL AND close_by IS NOT NULL AND close_by <= " SW_TS("$1")
    " ORDER BY close_by, tenant_id, session_id LIMIT $2";
#undef SW_SESSION_COLUMNS
inline constexpr char kSetCheckoutCloseBy[] =
    "UPDATE checkout_sessions SET close_by = " SW_TS("$3")
    " WHERE tenant_id = $1 AND session_id = $2 AND closed_at IS NULL";
inline constexpr char kInsertUnmatchedPayment[] =
    "INSERT INTO unmatched_payments (tenant_id, provider, event_id, reference, amount, currency, booking_id,"
    " reason, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, " SW_TS("$9") ") ON CONFLICT DO NOTHING";
inline constexpr char kSelectUnmatchedPayments[] =
    "SELECT event_id, provider, reference, amount, currency, booking_id, reason, " SW_AT("received_at")
    " FROM unmatched_payments WHERE tenant_id = $1 ORDER BY received_at DESC, event_id DESC LIMIT $2";

// Outbox, in the column order read_notification() decodes.
#define SW_OUTBOX_COLUMNS                                                                          \
    "tenant_id, notification_id, kind, booking_id, locale, recipient, subject, body, ics, "       \
    SW_AT("created_at") ", attempts, " SW_AT("sent_at") ", resource_id, " SW_AT("start_at") ", " \
    SW_AT("end_at") ", sequence"
#define SW_INSERT_NOTIFICATION(created_by)                                                                   \
    "INSERT INTO outbox (tenant_id, notification_id, kind, booking_id, locale, recipient, subject, body, ics,"   \
    " created_at, attempts, next_attempt_at, sent_at, resource_id, start_at, end_at, sequence, created_by)"      \
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, " SW_TS("$10") ", 0, " SW_TS("$10") ", NULL, $11, "            \
    SW_TS("$12") ", " SW_TS("$13") ", $14, " created_by ")"
inline constexpr char kInsertNotification[] = SW_INSERT_NOTIFICATION(
    "coalesce((SELECT created_by FROM bookings WHERE tenant_id = $1 AND booking_id = $4), ''::bytea)");
// A booking's confirmation, written with the booking: its creator is $15.
inline constexpr char kInsertBookingNotification[] = SW_INSERT_NOTIFICATION("$15");
#undef SW_INSERT_NOTIFICATION

// Statements joined into one, for a hot path that always sends them
// together: the server starts, binds and opens the tables of each statement
// it is sent, and under many clients that costs as much as what a small
// statement does. Each part keeps $1 (the tenant, so the whole still routes
// to one Citus shard) and has its other placeholders moved past the parts
// before it. Built at compile time; a text past the buffer does not compile.
struct JoinedSql {
    char text[4096]{};
    std::size_t size = 0;
    static constexpr bool digit(char c) { return c >= '0' && c <= '9'; }
    // The number of the placeholder whose '$' is at sql[i] (0: none there),
    // and in `end` where its digits end.
    static constexpr int placeholder_at(std::string_view sql, std::size_t i, std::size_t& end) {
        int n = 0;
        end = i + 1;
        if (sql[i] != '$') return 0;
        for (; end < sql.size() && digit(sql[end]); ++end) n = n * 10 + (sql[end] - '0');
        return n;
    }
    constexpr void put(char c) {
        if (size + 1 >= sizeof text) throw "JoinedSql: the statement is longer than its buffer";
        text[size++] = c;
    }
    constexpr void put(int n) {
        if (n >= 10) put(n / 10);
        put(static_cast<char>('0' + n % 10));
    }
    // `sql` with each $n but $1 written as $(n + by).
    constexpr JoinedSql& add(std::string_view sql, int by = 0) {
        for (std::size_t i = 0; i < sql.size(); ++i) {
            std::size_t end = 0;
            const int n = placeholder_at(sql, i, end);
            if (n == 0) {
                put(sql[i]);
                continue;
            }
            put('$');
            put(n == 1 ? 1 : n + by);
            i = end - 1;
        }
        return *this;
    }
};
// The highest placeholder of `sql`: how many parameters it takes.
consteval int placeholders(std::string_view sql) {
    int highest = 0;
    for (std::size_t i = 0, end = 0; i < sql.size(); ++i) {
        const int n = JoinedSql::placeholder_at(sql, i, end);
        highest = n > highest ? n : highest;
    }
    return highest;
}
// book()'s rows when the booking holds one resource and comes with its
// confirmation (a booking of a one-resource service, the common case):
// kInsertBooking ($1..$29), `hold_sql` (kInsertOccupancy or
// kInsertCheckedOccupancy, numbered alike: its $2..$17 as $30..$45) and
// kInsertBookingNotification (its $2..$15 as $46..$59) in one statement.
// Parameters: the three lists, each but the first without its tenant.
// Data-modifying CTEs all run, each to completion, and see the same
// snapshot; the exclusion constraint checks the hold as it is inserted
// (23P01, as alone). PostgreSQL runs the outer INSERT first and the CTEs
// after it in reverse order (the outbox row, the hold, the booking), so of
// two refusals that both apply the hold's overlap (slot_unavailable) is
// met before the booking's duplicate key (storage_error): an order only an
// unchecked writer can see, as a checked one was refused by its check.
consteval JoinedSql insert_booking_with_rows(const char* hold_sql) {
    constexpr int booking = placeholders(kInsertBooking);
    constexpr int hold = placeholders(kInsertOccupancy);
    JoinedSql j;
    j.add("WITH booking AS (").add(kInsertBooking).add("), hold AS (").add(hold_sql, booking - 1);
    j.add(") ").add(kInsertBookingNotification, booking + hold - 2);
    return j;
}
static_assert(placeholders(kInsertBooking) == 29 && placeholders(kInsertOccupancy) == 17 &&
                  placeholders(kInsertCheckedOccupancy) == 17 && placeholders(kInsertBookingNotification) == 15,
              "the placeholders the comment above numbers, and booking_params, occupancy_rows and "
              "notification_params fill");
inline constexpr JoinedSql kInsertBookingWithRowsSql = insert_booking_with_rows(kInsertOccupancy);
inline constexpr const char* kInsertBookingWithRows = kInsertBookingWithRowsSql.text;
inline constexpr JoinedSql kInsertBookingWithCheckedRowsSql = insert_booking_with_rows(kInsertCheckedOccupancy);
inline constexpr const char* kInsertBookingWithCheckedRows = kInsertBookingWithCheckedRowsSql.text;
// Notifications about one creator's bookings written at or after $3,
// counting at most $4 rows.
inline constexpr char kCountNotificationsByCreator[] =
    "SELECT count(*) FROM (SELECT 1 FROM outbox WHERE tenant_id = $1 AND created_by = $2"
    " AND created_at >= " SW_TS("$3") " LIMIT $4) AS written";
// Tenants take turns (row_number within a tenant, earliest due first).
inline constexpr char kSelectDueNotifications[] =
    "SELECT " SW_OUTBOX_COLUMNS " FROM ("
    " SELECT *, row_number() OVER (PARTITION BY tenant_id ORDER BY next_attempt_at, created_at, row_no) AS turn"
    " FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= " SW_TS("$1") ") AS due"
    " ORDER BY turn, next_attempt_at, created_at, row_no LIMIT $2";
inline constexpr char kLeaseNotification[] =
    "UPDATE outbox SET attempts = $3, next_attempt_at = " SW_TS("$4")
    " WHERE tenant_id = $1 AND notification_id = $2";
inline constexpr char kMarkNotificationSent[] =
    "UPDATE outbox SET sent_at = " SW_TS("$3") " WHERE tenant_id = $1 AND notification_id = $2 AND sent_at IS NULL";
inline constexpr char kSelectBookingNotifications[] =
    "SELECT " SW_OUTBOX_COLUMNS " FROM outbox WHERE tenant_id = $1 AND booking_id = $2 ORDER BY row_no";
#undef SW_OUTBOX_COLUMNS
// API keys (api_keys.hpp) and the tenant list.
#define SW_KEY_COLUMNS "key_id, tenant_id, role, subject, label, key_hash, " SW_AT("created_at") ", " SW_AT("revoked_at")
inline constexpr char kInsertApiKey[] =
    "INSERT INTO api_keys (tenant_id, key_id, role, subject, label, key_hash, created_at, revoked_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, " SW_TS("$7") ", " SW_TS("$8") ")";
inline constexpr char kInsertApiKeyDirectory[] = "INSERT INTO api_key_directory (tenant_id, key_hash) VALUES ($1, $2)";
inline constexpr char kSelectApiKeyTenant[] = "SELECT tenant_id FROM api_key_directory WHERE key_hash = $1";
inline constexpr char kSelectApiKeyByHash[] =
    "SELECT " SW_KEY_COLUMNS " FROM api_keys WHERE tenant_id = $1 AND key_hash = $2";
inline constexpr char kSelectApiKeys[] =
    "SELECT " SW_KEY_COLUMNS " FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, key_id";
inline constexpr char kRevokeApiKey[] =
    "UPDATE api_keys SET revoked_at = " SW_TS("$3") " WHERE tenant_id = $1 AND key_id = $2 AND revoked_at IS NULL";
#undef SW_KEY_COLUMNS

// A tenant's own notification texts (message_texts.hpp).
inline constexpr char kUpsertMessageText[] =
    "INSERT INTO message_texts (tenant_id, kind, locale, subject, body) VALUES ($1, $2, $3, $4, $5)"
    " ON CONFLICT (tenant_id, kind, locale) DO UPDATE SET subject = excluded.subject, body = excluded.body";
inline constexpr char kSelectMessageTexts[] =
    "SELECT kind, locale, subject, body FROM message_texts WHERE tenant_id = $1 ORDER BY kind, locale";
inline constexpr char kDeleteMessageText[] =
    "DELETE FROM message_texts WHERE tenant_id = $1 AND kind = $2 AND locale = $3";
// occupancy() of several resources in one statement: $2 the resources, $3
// and $4 the bounds of each one's range (epoch seconds), parallel arrays.
// Each entry is one range scan of booking_resources_by_start, as in
// occupancy(). The first column is the entry's position (1-based). Not
// sorted by the server: each entry's rows come in the index's order of
// occupied start, and the engine sorts what is not (load_profile.hpp). The
// instants go as the columns are (binary timestamptz, Result::timestamp):
// a conversion per row (extract, date_part) costs the server more than
// decoding costs the client.
inline constexpr char kSelectOccupancies[] =
    "SELECT q.i, o.start_at, o.end_at, o.seats,"
    " o.buffer_before_min, o.buffer_after_min"
    " FROM unnest($2::bytea[], $3::int8[], $4::int8[]) WITH ORDINALITY AS q(resource_id, lo, hi, i),"
    " booking_resources o WHERE" SW_OVERLAPPING("q.resource_id", "q.lo", "q.hi") " AND" SW_HOLD_ACTIVE("$5");
#undef SW_OVERLAPPING
#undef SW_HOLD_ACTIVE

#undef SW_AT
#undef SW_TS
#undef SW_SPAN_FLOOR

/// One statement and, when it reads across tenants, why.
struct NamedStatement {
    std::string_view name;
    const char* sql;
    std::string_view cross_tenant;  ///< empty: keyed by tenant_id
};

#define SW_STMT(name) NamedStatement{#name, name, {}}
inline constexpr NamedStatement kAll[] = {
    SW_STMT(kInsertTenant), SW_STMT(kSelectTenant), SW_STMT(kUpsertResource), SW_STMT(kUpdateResourceColumns), SW_STMT(kSelectResource),
    SW_STMT(kSelectResources), SW_STMT(kDeleteWeeklyHours), SW_STMT(kInsertWeeklyHours),
    SW_STMT(kSelectWeeklyHours), SW_STMT(kUpsertOverride), SW_STMT(kDeleteOverride), SW_STMT(kSelectOverrides),
    SW_STMT(kSelectCatalogueVersion), SW_STMT(kTouchCatalogue), SW_STMT(kSelectAllOverrides), SW_STMT(kSelectAllBlocks),
    SW_STMT(kInsertBlock), SW_STMT(kDeleteBlock), SW_STMT(kSelectBlocks), SW_STMT(kUpsertService),
    SW_STMT(kUpdateServiceColumns), SW_STMT(kDeleteServiceResources), SW_STMT(kInsertServiceResource), SW_STMT(kSelectService),
    SW_STMT(kSelectServices), SW_STMT(kSelectServiceResources), SW_STMT(kSelectAllServiceResources),
    SW_STMT(kUpsertTableCombination), SW_STMT(kSelectTableCombinations), SW_STMT(kDeleteTableCombination),
    SW_STMT(kInsertBooking), SW_STMT(kInsertOccupancy), SW_STMT(kInsertCheckedOccupancy), SW_STMT(kSelectOccupancyRows),
    SW_STMT(kDeleteOccupancy),
    SW_STMT(kUpdateBooking),
    SW_STMT(kSelectBooking), SW_STMT(kSelectBookingForUpdate), SW_STMT(kSelectBookingByKey),
    SW_STMT(kSelectBookingByPaymentReference), SW_STMT(kSelectBookingByPaymentReferenceForUpdate),
    SW_STMT(kCountPendingByCreator), SW_STMT(kCountConfirmedByCreator), SW_STMT(kSelectActiveBookings),
    SW_STMT(kSelectOccupancy), SW_STMT(kSelectCountedStarts), SW_STMT(kClearingSelectActiveBookings),
    SW_STMT(kWriterSelectOccupancy), SW_STMT(kClearLapsed), SW_STMT(kClearingSelectCountedStarts), SW_STMT(kSelectBookingStart), SW_STMT(kSelectBookings),
    SW_STMT(kUpsertPaymentSettings), SW_STMT(kSelectPaymentSettings), SW_STMT(kUpsertPolicy), SW_STMT(kSelectPolicy),
    SW_STMT(kInsertPaymentEvent), SW_STMT(kInsertCheckoutSession), SW_STMT(kSelectCheckoutSessions),
    SW_STMT(kCloseCheckoutSession),
    NamedStatement{"kSelectTenants", kSelectTenants,
                   "the operator's list of tenants (admin CLI `tenant list`): a page of the tenants table"},
    NamedStatement{"kSelectCheckoutsToClose", kSelectCheckoutsToClose,
                   "the engine's sweep of every tenant's checkouts due to close (a fan-out read on Citus)"},
    SW_STMT(kSetCheckoutCloseBy), SW_STMT(kInsertUnmatchedPayment), SW_STMT(kSelectUnmatchedPayments),
    SW_STMT(kInsertNotification), SW_STMT(kInsertBookingNotification), SW_STMT(kInsertBookingWithRows),
    SW_STMT(kInsertBookingWithCheckedRows),
    SW_STMT(kCountNotificationsByCreator),
    NamedStatement{"kSelectDueNotifications", kSelectDueNotifications,
                   "the outbox worker's read of every tenant's due rows, partitioned by tenant_id (a fan-out "
                   "read on Citus)"},
    SW_STMT(kLeaseNotification), SW_STMT(kMarkNotificationSent), SW_STMT(kSelectBookingNotifications),
    SW_STMT(kInsertWaitlistEntry), SW_STMT(kUpdateWaitlistEntry), SW_STMT(kSelectWaitlistEntry),
    SW_STMT(kCountWaitingAhead),
    SW_STMT(kSelectWaitingEntries), SW_STMT(kCountWaitingByCreator),
    NamedStatement{"kSelectLapsedBookings", kSelectLapsedBookings,
                   "take_notifications' scan of every tenant's lapsed holds, requests and offers (a fan-out read on Citus)"},
    SW_STMT(kSelectLapseCursor), SW_STMT(kUpsertLapseCursor),
    SW_STMT(kInsertApiKey), SW_STMT(kSelectApiKeyByHash), SW_STMT(kSelectApiKeys), SW_STMT(kRevokeApiKey),
    SW_STMT(kInsertApiKeyDirectory),
    NamedStatement{"kSelectApiKeyTenant", kSelectApiKeyTenant,
                   "authentication: the tenant is what the key says (the directory is a reference table)"},
    SW_STMT(kUpsertMessageText), SW_STMT(kSelectMessageTexts), SW_STMT(kDeleteMessageText),
    SW_STMT(kSelectOccupancies), SW_STMT(kEraseBookings), SW_STMT(kEraseOutbox), SW_STMT(kEraseWaitlist),
    SW_STMT(kCountBookingsByCreator),
};
#undef SW_STMT

}  // namespace slotwise::postgres
