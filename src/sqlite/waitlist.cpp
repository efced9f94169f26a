// The adapter's waitlist: entries in join order, their positions, a
// customer's count, and the scan of lapsed bookings whose seats the engine
// passes on. Each function is one call of the Transaction interface, run
// inside the caller's transaction.
#include "internal.hpp"
#include "statements.hpp"

#include <algorithm>

namespace slotwise::sqlite {
namespace {

// Join order is seq, one more than the tenant's highest: write transactions
// are serialised (BEGIN IMMEDIATE), so two inserts never read the same max.
constexpr char kInsertEntry[] = R"sql(
INSERT INTO waitlist (tenant_id, entry_id, seq, service_id, start_at, seats, resources, customer_name,
                      customer_email, customer_phone, customer_locale, created_by, created_at, status,
                      offer_booking_id)
VALUES (?1, ?2, (SELECT coalesce(max(seq), 0) + 1 FROM waitlist WHERE tenant_id = ?1), ?3, ?4, ?5, ?6, ?7,
        ?8, ?9, ?10, ?11, ?12, ?13, ?14))sql";
constexpr char kUpdateEntry[] =
    "UPDATE waitlist SET status = ?3, offer_booking_id = ?4 WHERE tenant_id = ?1 AND entry_id = ?2";
#define SLOTWISE_ENTRY_COLUMNS                                                                        \
    "entry_id, service_id, start_at, seats, resources, customer_name, customer_email, customer_phone, " \
    "customer_locale, created_by, created_at, status, offer_booking_id, seq"
// The position counts the waiting entries of the same service and start
// that joined no later (itself included), through waitlist_waiting_by_service.
constexpr char kSelectEntry[] =
    "SELECT " SLOTWISE_ENTRY_COLUMNS ", CASE WHEN w.status = 'waiting' THEN"
    " (SELECT count(*) FROM waitlist x WHERE x.tenant_id = w.tenant_id AND x.status = 'waiting'"
    "  AND x.service_id = w.service_id AND x.start_at = w.start_at AND x.seq <= w.seq) ELSE 0 END"
    " FROM waitlist w WHERE w.tenant_id = ?1 AND w.entry_id = ?2";
constexpr char kSelectWaiting[] =
    "SELECT " SLOTWISE_ENTRY_COLUMNS ", 0 FROM waitlist"
    " WHERE tenant_id = ?1 AND status = 'waiting' AND start_at >= ?2 AND start_at < ?3 ORDER BY seq LIMIT ?4";
#undef SLOTWISE_ENTRY_COLUMNS
constexpr char kCountWaitingByCreator[] =
    "SELECT count(*) FROM (SELECT 1 FROM waitlist"
    " WHERE tenant_id = ?1 AND created_by = ?2 AND status = 'waiting' LIMIT ?3)";
// Lapses after the cursor (?1 at, ?2 tenant, ?3 booking) up to ?4, of
// tenants with someone waiting: a range of bookings_lapsing per such tenant.
constexpr char kSelectLapsed[] =
    "SELECT b.tenant_id, b.booking_id"
    " FROM (SELECT DISTINCT tenant_id FROM waitlist WHERE status = 'waiting') w"
    " JOIN bookings b ON b.tenant_id = w.tenant_id"
    " WHERE b.status IN ('pending', 'requested', 'offered') AND b.hold_expires_at >= ?1"
    " AND b.hold_expires_at <= ?4 AND (b.hold_expires_at, b.tenant_id, b.booking_id) > (?1, ?2, ?3)"
    " ORDER BY b.hold_expires_at, b.tenant_id, b.booking_id LIMIT ?5";
constexpr char kSelectLapsedBooking[] =
    "SELECT booking_id, service_id, resource_id, start_at, end_at, seats, buffer_before_min, "
    "buffer_after_min, customer_name, customer_email, customer_phone, customer_locale, "
    "status, payment_status, hold_expires_at, idempotency_key, request_fingerprint, "
    "created_by, created_at, updated_at, checkout_id, payment_reference, amount_due, currency_due, "
    "other_resources, segments FROM bookings WHERE tenant_id = ?1 AND booking_id = ?2";
constexpr char kSelectLapseCursor[] =
    "SELECT at, lapsed_tenant, booking_id FROM waitlist_sweep WHERE tenant_id = ''";
constexpr char kUpsertLapseCursor[] =
    "INSERT INTO waitlist_sweep (tenant_id, at, lapsed_tenant, booking_id) VALUES ('', ?1, ?2, ?3)"
    " ON CONFLICT (tenant_id) DO UPDATE SET at = excluded.at, lapsed_tenant = excluded.lapsed_tenant,"
    " booking_id = excluded.booking_id";

WaitlistEntry read_entry(const Statement& s) {
    WaitlistEntry e{.id = s.id<WaitlistTag>(0),
                    .service = s.id<ServiceTag>(1),
                    .start = s.at(2),
                    .seats = s.small(3),
                    .resources = decode_ids(s.text(4)),
                    .customer = {.name = s.text(5), .email = s.text(6), .phone = s.text(7), .locale = s.text(8)},
                    .created_by = s.text(9),
                    .created_at = s.at(10),
                    .status = decode_enum<WaitlistStatus>(s.text(11), detail::waitlist_status_names)};
    if (!s.is_null(12)) e.offer = s.id<BookingTag>(12);
    e.position = s.small(14);
    return e;
}

}  // namespace

void insert_waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntry& e) {
    c.statement(kInsertEntry)
        .bind(t, e.id, e.service, e.start, e.seats, encode_ids(e.resources), e.customer.name, e.customer.email,
              e.customer.phone, e.customer.locale, e.created_by, e.created_at, std::string(to_string(e.status)),
              e.offer)
        .run();
}

bool update_waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntry& e) {
    auto s = c.statement(kUpdateEntry);
    s.bind(t, e.id, std::string(to_string(e.status)), e.offer).run();
    return s.changes() > 0;
}

std::optional<WaitlistEntry> waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntryId& id) {
    auto s = c.statement(kSelectEntry);
    s.bind(t, id);
    if (!s.step()) return std::nullopt;
    return read_entry(s);
}

std::vector<WaitlistEntry> waiting_entries(Connection& c, const TenantId& t, Interval starts, int limit) {
    std::vector<WaitlistEntry> out;
    auto s = c.statement(kSelectWaiting);
    s.bind(t, starts.begin, starts.end, std::max(limit, 0));
    while (s.step()) out.push_back(read_entry(s));
    return out;
}

int waiting_by_creator(Connection& c, const TenantId& t, const std::string& created_by, int cap) {
    auto s = c.statement(kCountWaitingByCreator);
    s.bind(t, created_by, std::max(cap, 0));
    return s.step() ? s.small(0) : 0;
}

std::vector<LapsedBooking> lapsed_bookings(Connection& c, const LapseCursor& after, Instant now, int limit) {
    std::vector<std::pair<TenantId, BookingId>> keys;
    {
        auto s = c.statement(kSelectLapsed);
        s.bind(after.at, after.tenant, after.booking, now, std::max(limit, 0));
        while (s.step()) keys.emplace_back(s.id<TenantTag>(0), s.id<BookingTag>(1));
    }
    std::vector<LapsedBooking> out;
    for (const auto& [tenant, booking] : keys) {
        auto s = c.statement(kSelectLapsedBooking);
        s.bind(tenant, booking);
        if (s.step()) out.push_back({tenant, read_booking(s)});
    }
    return out;
}

LapseCursor lapse_cursor(Connection& c) {
    auto s = c.statement(kSelectLapseCursor);
    if (!s.step()) return {};
    return {.at = s.at(0), .tenant = s.id<TenantTag>(1), .booking = s.id<BookingTag>(2)};
}

void set_lapse_cursor(Connection& c, const LapseCursor& cursor) {
    c.statement(kUpsertLapseCursor).bind(cursor.at, cursor.tenant, cursor.booking).run();
}

}  // namespace slotwise::sqlite
