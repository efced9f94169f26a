// "Is this start offered?" — the one rule behind availability(), book(),
// reschedule() and a payment that arrives after its hold. Not installed.
#pragma once

#include <slotwise/engine.hpp>

#include "engine_internal.hpp"

#include <algorithm>
#include <vector>

namespace slotwise::detail {

/// Whether the service's minimum notice applies. A payment that arrives after
/// its hold asks for a slot chosen when the notice was met, so it is waived
/// there and nowhere else.
enum class Notice { applies, waived };

/// A resource's calendar for local dates [from, to].
Calendar load_calendar(Transaction& tx, const TenantId& t, const Resource& r, TimeZone zone, Date from, Date to);

/// Hands `emit` each slot one resource (in `zone`, its own) offers under
/// `rules` over local dates [from, to], as seen inside `tx` at `now`. Only
/// bookings and blocks overlapping `load_range` are read: a candidate's
/// verdict depends on nothing outside its occupied interval, so callers pass
/// the union of the occupied intervals they care about. `exclude` leaves one
/// booking out of the load (the booking being moved or paid for).
template <class Emit>
void each_resource_slot(Transaction& tx, const TenantId& t, const ServiceRules& rules, const Resource& r,
                        TimeZone zone, Date from, Date to, Instant now, Interval load_range, const Booking* exclude,
                        Emit&& emit) {
    if (rules.seats > r.capacity) return;
    const Calendar cal = load_calendar(tx, t, r, zone, from, to);
    auto booked = tx.occupancy(t, r.id, load_range, now);
    if (exclude && exclude->active_at(now)) {
        // Equal entries are interchangeable, so dropping any one that matches
        // the excluded booking is dropping that booking.
        const auto self = to_booked(*exclude);
        const auto it = std::find_if(booked.begin(), booked.end(), [&](const Booked& x) {
            return x.interval == self.interval && x.seats == self.seats && x.buffer_before == self.buffer_before &&
                   x.buffer_after == self.buffer_after;
        });
        if (it != booked.end()) booked.erase(it);
    }
    std::vector<Interval> blocks;
    for (const Block& b : tx.blocks(t, r.id, load_range)) blocks.push_back(b.interval);
    // Reused by the thread: book() asks this for every booking.
    thread_local AvailabilityWorkspace ws;
    for_each_slot(cal, rules, booked, blocks, {.from = from, .to = to, .now = now}, ws, emit);
}

/// The range every occupied interval of a candidate of local dates
/// [from, to] lies in (see offer.cpp).
Interval occupied_range(TimeZone zone, const Service& svc, Date from, Date to);

/// Does `r` offer a slot of `svc` starting exactly at `start` for `seats`,
/// inside `tx` at `now`, leaving `exclude` out of the load?
bool start_offered(Transaction& tx, const TenantId& t, const Service& svc, const Resource& r, Instant start,
                   Instant now, int seats, const Booking* exclude, Notice notice);

}  // namespace slotwise::detail
