// book()'s rules split around the write lock, when other writers want it
// (Store::write_contended): everything a request is checked against —
// service, resources, hours, overrides, blocks, notice, horizon, grid,
// segments, limits, the tenant's policy — is checked in a read transaction
// first, against the catalogue_version read before any of it;
// the write transaction then confirms that number and re-checks only what
// other bookings can change (the occupancy of the chosen resources and the
// limit counts). A write lock held for the calendar walk serialises every
// writer of the file behind CPU work that needs no lock. See booking.cpp.
#include "booking_rules.hpp"
#include "engine_internal.hpp"
#include "offer.hpp"
#include "validate.hpp"

#include <algorithm>

namespace slotwise::booking_rules {

Checked check_request(Transaction& tx, const Engine& engine, const Principal& p, const BookingRequest& r,
                      Instant now) {
    auto svc_row = tx.shared_service(p.tenant, r.service);
    if (!svc_row) detail::not_found("service");
    const bool party = svc_row->party;
    auto pins = party ? party_pins(*svc_row, r.resource, r.resources) : pinned(*svc_row, r.resource, r.resources);
    auto resolved = resolve(tx, p.tenant, std::move(svc_row), pins, r.seats);
    const Service& svc = *resolved.service;
    refuse_if_deactivated(resolved);
    // A party holds one seat of each resource; its size picks them.
    const int held_seats = party ? 1 : r.seats;
    for (const auto& group : resolved.groups) {
        const bool fits =
            std::any_of(group.begin(), group.end(), [&](const Resource& res) { return held_seats <= res.capacity; });
        if (!fits) invalid("seats", "more seats than the resource's capacity");
    }
    if (svc.price > 0) require_payments(tx, engine, p.tenant);
    if (p.role == Role::customer) enforce_policy(tx, p, svc, resolved.first(), r.seats, r.start, now);
    auto chosen = choose(tx, p.tenant, resolved, pins, party, r, now);
    if (chosen.empty()) throw Error(Errc::slot_unavailable, "start", "the slot is not available");
    return Checked{std::move(resolved), std::move(pins), std::move(chosen), party, held_seats};
}

std::vector<ResourceId> choose(Transaction& tx, const TenantId& t, const Resolved& resolved,
                               const std::vector<ResourceId>& pins, bool party, const BookingRequest& r, Instant now) {
    return party ? choose_party_resources(tx, t, resolved, pins, r.start, now, r.seats, nullptr)
                 : choose_resources(tx, t, resolved, r.start, now, r.seats, nullptr);
}

std::optional<Prechecked> precheck(const Engine& engine, const Principal& p, const BookingRequest& r, Instant now) {
    auto tx = engine.store()->read();
    // First: every row read below is at least as new as this number, so a
    // writer that still finds it finds the catalogue these checks saw.
    const auto version = tx->catalogue_version(p.tenant);
    if (!version) return std::nullopt;
    // A retry is answered by the write transaction, which finds its booking:
    // checked here, the slot would look taken by the retry's own booking.
    if (!r.idempotency_key.empty() &&
        tx->booking_by_idempotency_key(p.tenant, p.subject, r.idempotency_key)) {
        return std::nullopt;
    }
    return Prechecked{*version, check_request(*tx, engine, p, r, now)};
}

namespace {

// The most seats `booked` holds at once within [from, to) (half-open: an
// entry ending where the part begins does not count).
std::int64_t peak_load(const std::vector<Booked>& booked, Instant from, Instant to) {
    struct Edge {
        Instant at;
        std::int64_t seats;
    };
    std::vector<Edge> edges;
    for (const Booked& b : booked) {
        const auto occ = b.occupied_interval();
        if (occ.end <= occ.begin || occ.end <= from || occ.begin >= to) continue;
        edges.push_back({std::max(occ.begin, from), b.seats});
        edges.push_back({std::min(occ.end, to), -b.seats});
    }
    // Ends before starts at one instant: back-to-back holds never add up.
    std::sort(edges.begin(), edges.end(),
              [](const Edge& a, const Edge& b) { return a.at != b.at ? a.at < b.at : a.seats < b.seats; });
    std::int64_t load = 0, peak = 0;
    for (const Edge& e : edges) {
        load += e.seats;
        peak = std::max(peak, load);
    }
    return peak;
}

}  // namespace

bool still_room(Transaction& tx, const TenantId& t, const Service& svc, std::size_t group, const Resource& r,
                Instant start, Instant now, int seats) {
    const auto rules = svc.rules(seats, group);
    if (rules.seats > r.capacity) return false;
    std::array<detail::BusyPart, detail::max_busy_parts> parts{};
    const std::size_t n = detail::busy_parts(rules, parts);
    const Interval occupied{start - svc.buffer_before, start + svc.duration + svc.buffer_after};
    const auto booked = tx.occupancy(t, r.id, occupied, now);
    for (std::size_t k = 0; k < n; ++k) {
        if (peak_load(booked, start + parts[k].from, start + parts[k].to) + rules.seats > r.capacity) return false;
    }
    if (!rules.limits.any()) return true;
    const auto zone = locate_zone(r.timezone, "timezone");
    const Date day = local_date(zone, start);
    const auto counted = tx.counted_starts(t, svc.id, r.id, detail::limit_range(zone, day, day), now);
    detail::LimitCounter limits;
    limits.assign(zone, counted, {rules.limits.day.value_or(0), rules.limits.week.value_or(0),
                                  rules.limits.month.value_or(0)});
    return limits.allows(start);
}

std::optional<std::vector<ResourceId>> confirm_checked(Transaction& tx, const Principal& p, const Engine& engine,
                                                       const Prechecked& pre, const BookingRequest& r, Instant now) {
    const auto version = tx.catalogue_version(p.tenant);
    if (!version || *version != pre.version) return std::nullopt;
    const Checked& c = pre.checked;
    const Service& svc = *c.resolved.service;
    // Not part of every store's catalogue version: the payment settings and
    // the policy, whose counts move with every booking anyway.
    if (svc.price > 0) require_payments(tx, engine, p.tenant);
    if (p.role == Role::customer) enforce_policy(tx, p, svc, c.resolved.first(), r.seats, r.start, now);
    if (!c.party) {
        bool room = true;
        for (std::size_t g = 0; g < c.chosen.size() && room; ++g) {
            const auto& group = c.resolved.groups[g];
            const auto it = std::find_if(group.begin(), group.end(),
                                         [&](const Resource& x) { return x.id == c.chosen[g]; });
            room = it != group.end() && still_room(tx, p.tenant, svc, g, *it, r.start, now, c.held_seats);
        }
        // Taken since: the caller checks everything again.
        if (!room) return std::nullopt;
        return c.chosen;
    }
    // A party, whose tables are chosen together, and before any of them is
    // read: from the resources already resolved against this catalogue.
    auto chosen = choose(tx, p.tenant, c.resolved, c.pins, c.party, r, now);
    if (chosen.empty()) throw Error(Errc::slot_unavailable, "start", "the slot is not available");
    return chosen;
}

}  // namespace slotwise::booking_rules
