// Availability and the booking calls of a scope: book, cancel, reschedule,
// read. Each change is one write transaction around lifecycle.hpp, which
// decides the state; this file only loads what the rules need and stores
// what they return. See include/slotwise/engine.hpp.
#include <slotwise/combine.hpp>
#include <slotwise/engine.hpp>

#include "engine_internal.hpp"
#include "offer.hpp"
#include "validate.hpp"

#include <algorithm>

namespace slotwise {

using detail::as_read;
using detail::check_customer;
using detail::check_date_range;
using detail::check_instant;
using detail::check_optional_text;
using detail::check_seats;
using detail::Notice;
using detail::not_found;
using detail::random_id;
using detail::start_offered;
using detail::visible_booking;

namespace {

std::string fingerprint(const BookingRequest& r) {
    std::string f;
    const auto add = [&](std::string_view part) {
        f += std::to_string(part.size());
        f += ':';
        f += part;
    };
    add(r.service.value);
    add(std::to_string(r.start.time_since_epoch().count()));
    add(r.resource ? r.resource->value : std::string{});
    add(std::to_string(r.seats));
    add(r.customer.name);
    add(r.customer.email);
    add(r.customer.phone);
    add(r.customer.locale);
    return f;
}

struct Resolved {
    Service service;
    std::vector<Resource> resources;  // sorted by id
};

// The service and the resources a question is about, checked in `tx`.
Resolved resolve(Transaction& tx, const TenantId& t, const ServiceId& service_id,
                 const std::vector<ResourceId>& wanted, int seats) {
    check_seats(seats);
    auto svc = tx.service(t, service_id);
    if (!svc) not_found("service");
    Resolved out{*svc, {}};
    const auto& ids = wanted.empty() ? svc->resources : wanted;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        // Not linked reads exactly like "does not exist", on purpose.
        auto r = std::find(svc->resources.begin(), svc->resources.end(), ids[i]) != svc->resources.end()
                     ? tx.resource(t, ids[i])
                     : std::nullopt;
        if (!r) {
            throw Error(Errc::not_found, "resources[" + std::to_string(i) + "]", "resource not found for this service");
        }
        out.resources.push_back(std::move(*r));
    }
    std::sort(out.resources.begin(), out.resources.end(), [](const Resource& a, const Resource& b) { return a.id < b.id; });
    out.resources.erase(std::unique(out.resources.begin(), out.resources.end(),
                                    [](const Resource& a, const Resource& b) { return a.id == b.id; }),
                        out.resources.end());
    return out;
}

// Each requested resource's slots, from one read snapshot.
struct PerResource {
    std::vector<Resource> resources;        // sorted by id
    std::vector<std::vector<Slot>> slots;   // parallel to resources
};

PerResource slots_per_resource(const Engine& engine, const TenantId& t, const AvailabilityRequest& q) {
    check_date_range(q.from, q.to);
    const Instant now = engine.now();
    auto tx = engine.store()->read();
    auto resolved = resolve(*tx, t, q.service, q.resources, q.seats);
    PerResource out{std::move(resolved.resources), {}};
    out.slots.reserve(out.resources.size());
    const auto rules = resolved.service.rules(q.seats);
    for (const auto& r : out.resources) {
        const auto zone = locate_zone(r.timezone, "timezone");
        const auto range = detail::occupied_range(zone, resolved.service, q.from, q.to);
        auto& slots = out.slots.emplace_back();
        detail::each_resource_slot(*tx, t, rules, r, zone, q.from, q.to, now, range, nullptr,
                                   [&](const Slot& s) { slots.push_back(s); });
    }
    return out;
}

// A paid service needs a provider the tenant configured and this engine
// knows; otherwise its bookings would hold slots nobody can pay for.
void require_payments(Transaction& tx, const Engine& engine, const TenantId& t) {
    const auto settings = tx.payment_settings(t);
    if (!settings) throw Error(Errc::not_configured, "this tenant has no payment provider: paid services cannot be booked");
    if (!engine.payments() || !engine.payments()->contains(settings->provider)) {
        throw Error(Errc::not_configured, "payment provider \"" + settings->provider + "\" is not registered with this engine");
    }
}

}  // namespace

std::vector<ResourceSlot> TenantScope::availability(const AvailabilityRequest& q) {
    const auto per = slots_per_resource(engine_, principal_.tenant, q);
    std::vector<ResourceSlot> out;
    for (const auto& a : any_of(per.slots)) {
        out.push_back({a.slot.start, a.slot.end, per.resources[a.resource].id, a.slot.remaining});
    }
    return out;
}

std::vector<Slot> TenantScope::availability_together(const AvailabilityRequest& q) {
    return all_of(slots_per_resource(engine_, principal_.tenant, q).slots);
}

Booking TenantScope::book(const BookingRequest& r) {
    if (r.service.empty()) invalid("service", "empty id");
    check_instant(r.start, "start");
    check_seats(r.seats);
    check_customer(r.customer);
    check_optional_text(r.idempotency_key, "idempotency_key", 200);
    if (r.resource && r.resource->empty()) invalid("resource", "empty id");
    const auto print = fingerprint(r);

    // The clock may be a host callback (Python): ask it before taking the
    // write lock, so the lock is never held while the host runs.
    const Instant now = engine_.now();
    // BEGIN IMMEDIATE (or the adapter's equivalent): the check below and the
    // insert see no other writer in between.
    auto tx = engine_.store()->write();
    if (!r.idempotency_key.empty()) {
        if (auto existing = tx->booking_by_idempotency_key(principal_.tenant, r.idempotency_key)) {
            if (existing->request_fingerprint != print || existing->created_by != principal_.subject) {
                throw Error(Errc::idempotency_mismatch, "idempotency_key", "already used for another request");
            }
            return as_read(*existing, now);
        }
    }
    std::vector<ResourceId> wanted;
    if (r.resource) wanted.push_back(*r.resource);
    const auto resolved = resolve(*tx, principal_.tenant, r.service, wanted, r.seats);
    const Service& svc = resolved.service;
    const bool fits_somewhere = std::any_of(resolved.resources.begin(), resolved.resources.end(),
                                            [&](const Resource& res) { return r.seats <= res.capacity; });
    if (!fits_somewhere) invalid("seats", "more seats than the resource's capacity");
    if (svc.price > 0) require_payments(*tx, engine_, principal_.tenant);
    const Resource* chosen = nullptr;
    for (const auto& res : resolved.resources) {
        if (start_offered(*tx, principal_.tenant, svc, res, r.start, now, r.seats, nullptr, Notice::applies)) {
            chosen = &res;
            break;
        }
    }
    if (!chosen) throw Error(Errc::slot_unavailable, "start", "the slot is not available");
    Booking draft{.id = {random_id("bkg")}, .service = svc.id, .resource = chosen->id,
                  .interval = {r.start, r.start + svc.duration}, .seats = r.seats,
                  .buffer_before = svc.buffer_before, .buffer_after = svc.buffer_after, .customer = r.customer,
                  .idempotency_key = r.idempotency_key, .request_fingerprint = print};
    const auto made = lifecycle::book(std::move(draft), svc, Actor::of(principal_), now);
    if (made.notification) {
        // Handed to the store with the booking, so that an adapter can keep
        // the two in one row (see store.hpp).
        const auto n = detail::notification_about(confirmation_id(principal_.tenant, made.booking.id),
                                                  principal_.tenant, made.booking, *made.notification, now, 0);
        tx->insert_booking(principal_.tenant, made.booking, &n);
    } else {
        tx->insert_booking(principal_.tenant, made.booking);
    }
    tx->commit();
    detail::report(engine_, [&] {
        return EngineEvent{.kind = EngineEventKind::booking_created, .tenant = principal_.tenant,
                           .booking = made.booking.id, .detail = std::string(to_string(made.booking.status)), .at = now};
    });
    return made.booking;
}

Booking TenantScope::cancel(const BookingId& id) {
    const Instant now = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    const Booking b = visible_booking(*tx, principal_, id);
    const auto svc = tx->service(principal_.tenant, b.service);
    if (!svc) not_found("service");
    const auto out = lifecycle::apply(b, *svc, Actor::of(principal_), lifecycle::Cancel{}, now);
    detail::store_outcome(*tx, principal_.tenant, out, now);
    tx->commit();
    detail::report_change(engine_, principal_.tenant, out.booking, "cancel", now);
    return out.booking;
}

Booking TenantScope::reschedule(const BookingId& id, Instant new_start, std::optional<ResourceId> resource) {
    if (resource && resource->empty()) invalid("resource", "empty id");
    check_instant(new_start, "start");
    const Instant now = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    const Booking b = visible_booking(*tx, principal_, id);
    const auto resolved = resolve(*tx, principal_.tenant, b.service, {resource.value_or(b.resource)}, b.seats);
    const Service& svc = resolved.service;
    if (resolved.resources.empty()) throw Error(Errc::slot_unavailable, "start", "the new slot is not available");
    const Resource& target = resolved.resources.front();
    // The lifecycle first: a booking that may not move is refused as such,
    // whether or not the new slot happens to be free.
    const auto out = lifecycle::apply(
        b, svc, Actor::of(principal_),
        lifecycle::Reschedule{.resource = target.id, .interval = {new_start, new_start + svc.duration},
                              .buffer_before = svc.buffer_before, .buffer_after = svc.buffer_after},
        now);
    // The booking's own occupancy must not block its new slot.
    if (!start_offered(*tx, principal_.tenant, svc, target, new_start, now, b.seats, &b, Notice::applies)) {
        throw Error(Errc::slot_unavailable, "start", "the new slot is not available");
    }
    detail::store_outcome(*tx, principal_.tenant, out, now);
    tx->commit();
    detail::report_change(engine_, principal_.tenant, out.booking, "reschedule", now);
    return as_read(out.booking, now);
}

Booking TenantScope::get_booking(const BookingId& id) {
    auto tx = engine_.store()->read();
    return as_read(visible_booking(*tx, principal_, id), engine_.now());
}

std::vector<Booking> TenantScope::bookings(const BookingQuery& q) {
    if (q.limit < 1 || q.limit > 1000) invalid("limit", "must be between 1 and 1000");
    if (q.from && q.to && *q.to <= *q.from) invalid("to", "is not after from");
    const Instant now = engine_.now();
    BookingFilter f{.from = q.from, .to = q.to, .resource = q.resource, .created_by = std::nullopt,
                    .status = q.status, .now = now, .after = q.after, .limit = q.limit};
    if (principal_.role == Role::customer) f.created_by = principal_.subject;
    auto tx = engine_.store()->read();
    auto list = tx->bookings(principal_.tenant, f);
    for (auto& b : list) b = as_read(std::move(b), now);
    return list;
}

}  // namespace slotwise
