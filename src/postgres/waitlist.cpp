// The adapter's waitlist: entries in join order, their positions, a
// customer's count, and the scan of lapsed bookings whose seats the engine
// passes on. Each function is one call of the Transaction interface, run
// inside the caller's transaction.
#include "internal.hpp"
#include "statements.hpp"

#include <algorithm>

namespace slotwise::postgres {
namespace {

// The lapse scan's cursor is the row of the empty tenant (schema.cpp).
const TenantId kSweepRow{};

WaitlistEntry read_entry(const Result& r, int i) {
    WaitlistEntry e{.id = r.id<WaitlistTag>(i, 0),
                    .service = r.id<ServiceTag>(i, 1),
                    .start = r.at(i, 2),
                    .seats = r.small(i, 3),
                    .resources = decode_ids(r.bytes(i, 4)),
                    .customer = {.name = r.bytes(i, 5), .email = r.bytes(i, 6), .phone = r.bytes(i, 7),
                                 .locale = r.bytes(i, 8)},
                    .created_by = r.bytes(i, 9),
                    .created_at = r.at(i, 10)};
    const auto status = r.bytes(i, 11);
    bool known = false;
    for (std::size_t k = 0; k < detail::waitlist_status_names.size(); ++k) {
        if (detail::waitlist_status_names[k] == status) {
            e.status = static_cast<WaitlistStatus>(k);
            known = true;
        }
    }
    if (!known) corrupt("waitlist status \"" + status + "\"");
    if (!r.is_null(i, 12)) e.offer = r.id<BookingTag>(i, 12);
    e.position = r.small(i, 14);
    return e;
}

}  // namespace

void insert_waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntry& e) {
    c.run(kInsertWaitlistEntry, Params()
                                    .add(t)
                                    .add(e.id)
                                    .add(e.service)
                                    .add(e.start)
                                    .add(e.seats)
                                    .add(encode_ids(e.resources))
                                    .add(e.customer.name)
                                    .add(e.customer.email)
                                    .add(e.customer.phone)
                                    .add(e.customer.locale)
                                    .add(e.created_by)
                                    .add(e.created_at)
                                    .text(to_string(e.status))
                                    .add(e.offer));
}

bool update_waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntry& e) {
    return c.run(kUpdateWaitlistEntry, Params().add(t).add(e.id).text(to_string(e.status)).add(e.offer)).changed() > 0;
}

std::optional<WaitlistEntry> waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntryId& id) {
    const auto r = c.run(kSelectWaitlistEntry, Params().add(t).add(id));
    if (r.rows() == 0) return std::nullopt;
    auto e = read_entry(r, 0);
    if (e.status == WaitlistStatus::waiting) {
        e.position = c.run(kCountWaitingAhead, Params().add(t).add(e.service).add(e.start).add(r.integer(0, 13)))
                         .small(0, 0);
    }
    return e;
}

std::vector<WaitlistEntry> waiting_entries(Connection& c, const TenantId& t, Interval starts, int limit) {
    const auto r = c.run(kSelectWaitingEntries, Params().add(t).add(starts.begin).add(starts.end).add(std::max(limit, 0)));
    std::vector<WaitlistEntry> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_entry(r, i));
    return out;
}

int waiting_by_creator(Connection& c, const TenantId& t, const std::string& created_by, int cap) {
    return c.run(kCountWaitingByCreator, Params().add(t).add(created_by).add(std::max(cap, 0))).small(0, 0);
}

std::vector<LapsedBooking> lapsed_bookings(Connection& c, const LapseCursor& after, Instant now, int limit) {
    const auto r = c.run(kSelectLapsedBookings, Params()
                                                    .add(after.at)
                                                    .add(after.tenant)
                                                    .add(after.booking)
                                                    .add(now)
                                                    .add(std::max(limit, 0)));
    std::vector<LapsedBooking> out;
    // The tenant follows the booking's columns.
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.id<TenantTag>(i, r.columns() - 1), read_booking(r, i)});
    return out;
}

LapseCursor lapse_cursor(Connection& c) {
    const auto r = c.run(kSelectLapseCursor, Params().add(kSweepRow));
    if (r.rows() == 0) return {};
    return {.at = r.at(0, 0), .tenant = r.id<TenantTag>(0, 1), .booking = r.id<BookingTag>(0, 2)};
}

void set_lapse_cursor(Connection& c, const LapseCursor& cursor) {
    c.run(kUpsertLapseCursor, Params().add(kSweepRow).add(cursor.at).add(cursor.tenant).add(cursor.booking));
}

}  // namespace slotwise::postgres
