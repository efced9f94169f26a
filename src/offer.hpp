// "Is this start offered?" — the one rule behind availability(), book(),
// reschedule() and a payment that arrives after its hold. Not installed.
#pragma once

#include <slotwise/engine.hpp>

#include "engine_internal.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace slotwise::detail {

/// Whether the service's minimum notice applies. A payment that arrives after
/// its hold asks for a slot chosen when the notice was met, so it is waived
/// there and nowhere else.
enum class Notice { applies, waived };

/// A resource's calendar for local dates [from, to].
Calendar load_calendar(Transaction& tx, const TenantId& t, const Resource& r, TimeZone zone, Date from, Date to);

/// The range whose active bookings count toward limits for candidates of
/// local dates [from, to] (a spill of `to` included): every ISO week and
/// calendar month they touch, in `zone`.
Interval limit_range(TimeZone zone, Date from, Date to);

/// Hands `emit` each slot one resource (in `zone`, its own) offers for `svc`
/// under `rules` (its group's: `Service::rules`) over local dates [from, to],
/// as seen inside `tx` at `now`. Only holds and blocks overlapping
/// `load_range` are read: a candidate's verdict depends on nothing outside
/// its occupied interval, so callers pass the union of the occupied intervals
/// they care about. With limits, the service's bookings on `r` are counted
/// from the store. `exclude` leaves one booking out of the load and the
/// counts (the booking being moved or paid for).
template <class Emit>
void each_resource_slot(Transaction& tx, const TenantId& t, const Service& svc, const ServiceRules& rules,
                        const Resource& r, TimeZone zone, Date from, Date to, Instant now, Interval load_range,
                        const Booking* exclude, Emit&& emit);

/// The same, with `booked`: what `tx.occupancy(t, r.id, load_range, now)`
/// answers, read beforehand (availability reads every resource's at once).
template <class Emit>
void each_resource_slot_of(Transaction& tx, const TenantId& t, const Service& svc, const ServiceRules& rules,
                           const Resource& r, TimeZone zone, Date from, Date to, Instant now, Interval load_range,
                           const Booking* exclude, std::vector<Booked> booked, Emit&& emit) {
    if (rules.seats > r.capacity) return;
    const Calendar cal = load_calendar(tx, t, r, zone, from, to);
    const bool excluded = exclude && exclude->active_at(now);
    if (excluded) {
        // Equal entries are interchangeable, so dropping one that matches
        // each hold of the excluded booking is dropping that booking.
        for (const Hold& h : exclude->holds()) {
            if (h.resource != r.id) continue;
            const auto it = std::find_if(booked.begin(), booked.end(), [&](const Booked& x) {
                return x.interval == h.interval && x.seats == exclude->seats && x.buffer_before == h.buffer_before &&
                       x.buffer_after == h.buffer_after;
            });
            if (it != booked.end()) booked.erase(it);
        }
    }
    std::vector<Instant> counted;
    if (rules.limits.any()) {
        counted = tx.counted_starts(t, svc.id, r.id, limit_range(zone, from, to), now);
        if (excluded && exclude->service == svc.id && exclude->resource == r.id) {
            const auto it = std::find(counted.begin(), counted.end(), exclude->interval.begin);
            if (it != counted.end()) counted.erase(it);
        }
    }
    std::vector<Interval> blocks;
    for (const Block& b : tx.blocks(t, r.id, load_range)) blocks.push_back(b.interval);
    // Reused by the thread: book() asks this for every booking.
    thread_local AvailabilityWorkspace ws;
    for_each_slot(cal, rules, booked, blocks, {.from = from, .to = to, .now = now, .counted_starts = counted}, ws,
                  emit);
}

template <class Emit>
void each_resource_slot(Transaction& tx, const TenantId& t, const Service& svc, const ServiceRules& rules,
                        const Resource& r, TimeZone zone, Date from, Date to, Instant now, Interval load_range,
                        const Booking* exclude, Emit&& emit) {
    if (rules.seats > r.capacity) return;
    each_resource_slot_of(tx, t, svc, rules, r, zone, from, to, now, load_range, exclude,
                          tx.occupancy(t, r.id, load_range, now), std::forward<Emit>(emit));
}

/// The range every occupied interval of a candidate of local dates
/// [from, to] lies in (see offer.cpp).
Interval occupied_range(TimeZone zone, const Service& svc, Date from, Date to);

/// Does `r`, as a resource of the service's group `group`, offer a slot of
/// `svc` starting exactly at `start` for `seats`, inside `tx` at `now`,
/// leaving `exclude` out of the load?
bool start_offered(Transaction& tx, const TenantId& t, const Service& svc, std::size_t group, const Resource& r,
                   Instant start, Instant now, int seats, const Booking* exclude, Notice notice);

/// Does every resource booking `b` holds still offer its start, leaving `b`
/// itself out? (A payment that arrives after the hold.) False when one of
/// them is gone.
bool booking_offered(Transaction& tx, const TenantId& t, const Service& svc, const Booking& b, Instant now,
                     Notice notice);

}  // namespace slotwise::detail
