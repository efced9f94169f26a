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
    if (!detail::well_formed_id(service_id.value, detail::service_prefix)) not_found("service");
    auto svc = tx.service(t, service_id);
    if (!svc) not_found("service");
    Resolved out{*svc, {}};
    const auto& ids = wanted.empty() ? svc->resources : wanted;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        // Not linked reads exactly like "does not exist", on purpose.
        // Only a linked id reaches the store, so an id of any length costs a
        // comparison with the service's few.
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

// Thrown when one call would compute more than max_slots_per_availability slots.
[[noreturn]] void too_many_slots() {
    invalid("to", "more than " + std::to_string(max_slots_per_availability) +
                      " slots in one call: ask for fewer days or resources");
}

PerResource slots_per_resource(const Engine& engine, const Principal& p, const AvailabilityRequest& q) {
    check_date_range(q.from, q.to);
    const Instant now = engine.now();
    auto tx = engine.store()->read();
    auto resolved = resolve(*tx, p.tenant, q.service, q.resources, q.seats);
    std::optional<Instant> customer_limit;
    std::chrono::days horizon{0};
    if (p.role == Role::customer) {
        horizon = tx->policy(p.tenant).value_or(TenantPolicy{}).customer_horizon;
        customer_limit = now + horizon;
    }
    PerResource out{std::move(resolved.resources), {}};
    out.slots.reserve(out.resources.size());
    const auto rules = resolved.service.rules(q.seats);
    std::size_t total = 0;
    for (const auto& r : out.resources) {
        const auto zone = locate_zone(r.timezone, "timezone");
        if (customer_limit && date::sys_days{q.to} > date::sys_days{local_date(zone, *customer_limit)}) {
            invalid("to", "beyond this tenant's customer horizon of " + std::to_string(horizon.count()) + " days");
        }
        const auto range = detail::occupied_range(zone, resolved.service, q.from, q.to);
        auto& slots = out.slots.emplace_back();
        // The cap bounds the work as well as the answer: the walk stops at the
        // first slot past it.
        detail::each_resource_slot(*tx, p.tenant, rules, r, zone, q.from, q.to, now, range, nullptr,
                                   [&](const Slot& s) {
                                       if (++total > max_slots_per_availability) too_many_slots();
                                       slots.push_back(s);
                                   });
    }
    return out;
}

// True when `start` lies past the last local date (in `r`'s zone) a customer
// may see: the same date rule as availability's `to`, so every slot a
// customer is shown can be booked.
bool beyond_horizon(const Resource& r, Instant start, Instant now, std::chrono::days horizon) {
    const auto zone = locate_zone(r.timezone, "timezone");
    return date::sys_days{local_date(zone, start)} > date::sys_days{local_date(zone, now + horizon)};
}

[[noreturn]] void refuse_beyond_horizon(std::chrono::days horizon) {
    throw Error(Errc::quota_exceeded, "customer_horizon",
                "bookings open " + std::to_string(horizon.count()) + " days ahead");
}

// The tenant's policy, for a customer's booking of `svc` with `seats` at
// `start` on one of `resources`, checked in the booking's write transaction
// (so that a customer's concurrent requests are counted one after another).
void enforce_policy(Transaction& tx, const Principal& p, const Service& svc, const std::vector<Resource>& resources,
                    int seats, Instant start, Instant now) {
    const auto policy = tx.policy(p.tenant).value_or(TenantPolicy{});
    const auto refuse = [](const char* limit, const std::string& why) {
        throw Error(Errc::quota_exceeded, limit, why);
    };
    if (policy.max_seats_per_customer_booking && seats > *policy.max_seats_per_customer_booking) {
        refuse("max_seats_per_customer_booking",
               "at most " + std::to_string(*policy.max_seats_per_customer_booking) + " seats per booking");
    }
    if (std::all_of(resources.begin(), resources.end(),
                    [&](const Resource& r) { return beyond_horizon(r, start, now, policy.customer_horizon); })) {
        refuse_beyond_horizon(policy.customer_horizon);
    }
    // A free booking is confirmed at once: only a paid one adds a hold. With
    // no active-bookings limit, a free booking needs no count (book()'s hot path).
    const bool paid = svc.price > 0;
    if (!paid && !policy.max_active_per_customer) return;
    const int cap = std::max(policy.max_pending_per_customer, policy.max_active_per_customer.value_or(0));
    const auto held = tx.customer_holdings(p.tenant, p.subject, now, cap);
    if (paid && held.pending >= policy.max_pending_per_customer) {
        refuse("max_pending_per_customer", "at most " + std::to_string(policy.max_pending_per_customer) +
                                               " unpaid bookings at once: pay for or cancel one first");
    }
    if (policy.max_active_per_customer && held.active_future >= *policy.max_active_per_customer) {
        refuse("max_active_per_customer",
               "at most " + std::to_string(*policy.max_active_per_customer) + " upcoming bookings at once");
    }
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
    const auto per = slots_per_resource(engine_, principal_, q);
    std::vector<ResourceSlot> out;
    for (const auto& a : any_of(per.slots)) {
        out.push_back({a.slot.start, a.slot.end, per.resources[a.resource].id, a.slot.remaining});
    }
    return out;
}

std::vector<Slot> TenantScope::availability_together(const AvailabilityRequest& q) {
    return all_of(slots_per_resource(engine_, principal_, q).slots);
}

Booking TenantScope::book(const BookingRequest& r) {
    if (r.service.empty()) invalid("service", "empty id");
    check_instant(r.start, "start");
    check_seats(r.seats);
    check_customer(r.customer);
    check_optional_text(r.idempotency_key, "idempotency_key", 200);
    if (r.resource && r.resource->empty()) invalid("resource", "empty id");
    if (!detail::well_formed_id(r.service.value, detail::service_prefix)) not_found("service");
    if (r.resource && !detail::well_formed_id(r.resource->value, detail::resource_prefix)) {
        throw Error(Errc::not_found, "resources[0]", "resource not found for this service");
    }
    const auto print = fingerprint(r);

    // The clock may be a host callback (Python): ask it before taking the
    // write lock, so the lock is never held while the host runs.
    const Instant now = engine_.now();
    // BEGIN IMMEDIATE (or the adapter's equivalent): the check below and the
    // insert see no other writer in between.
    auto tx = engine_.store()->write();
    if (!r.idempotency_key.empty()) {
        // Scoped to this subject: another's key is neither found nor taken.
        if (auto existing = tx->booking_by_idempotency_key(principal_.tenant, principal_.subject, r.idempotency_key)) {
            if (existing->request_fingerprint != print) {
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
    if (principal_.role == Role::customer) enforce_policy(*tx, principal_, svc, resolved.resources, r.seats, r.start, now);
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
    auto made = lifecycle::book(std::move(draft), svc, Actor::of(principal_), now);
    const auto dropped = detail::apply_notification_cap(*tx, principal_, made, now);
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
    detail::report_dropped(engine_, principal_.tenant, made.booking.id, dropped, now);
    return made.booking;
}

Booking TenantScope::cancel(const BookingId& id) {
    const Instant now = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    const Booking b = visible_booking(*tx, principal_, id);
    const auto svc = tx->service(principal_.tenant, b.service);
    if (!svc) not_found("service");
    auto out = lifecycle::apply(b, *svc, Actor::of(principal_), lifecycle::Cancel{}, now);
    const auto dropped = detail::apply_notification_cap(*tx, principal_, out, now);
    detail::store_outcome(*tx, principal_.tenant, out, now);
    tx->commit();
    detail::report_change(engine_, principal_.tenant, out.booking, "cancel", now);
    detail::report_dropped(engine_, principal_.tenant, out.booking.id, dropped, now);
    return out.booking;
}

Booking TenantScope::reschedule(const BookingId& id, Instant new_start, std::optional<ResourceId> resource) {
    if (resource && resource->empty()) invalid("resource", "empty id");
    if (resource && !detail::well_formed_id(resource->value, detail::resource_prefix)) {
        throw Error(Errc::not_found, "resources[0]", "resource not found for this service");
    }
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
    auto out = lifecycle::apply(
        b, svc, Actor::of(principal_),
        lifecycle::Reschedule{.resource = target.id, .interval = {new_start, new_start + svc.duration},
                              .buffer_before = svc.buffer_before, .buffer_after = svc.buffer_after},
        now);
    if (principal_.role == Role::customer) {
        const auto horizon = tx->policy(principal_.tenant).value_or(TenantPolicy{}).customer_horizon;
        if (beyond_horizon(target, new_start, now, horizon)) refuse_beyond_horizon(horizon);
    }
    // The booking's own occupancy must not block its new slot.
    if (!start_offered(*tx, principal_.tenant, svc, target, new_start, now, b.seats, &b, Notice::applies)) {
        throw Error(Errc::slot_unavailable, "start", "the new slot is not available");
    }
    const auto dropped = detail::apply_notification_cap(*tx, principal_, out, now);
    detail::store_outcome(*tx, principal_.tenant, out, now);
    tx->commit();
    detail::report_change(engine_, principal_.tenant, out.booking, "reschedule", now);
    detail::report_dropped(engine_, principal_.tenant, out.booking.id, dropped, now);
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
    if (q.resource && !detail::well_formed_id(q.resource->value, detail::resource_prefix)) return {};
    auto tx = engine_.store()->read();
    // The cursor must be a booking this principal may see; any other id
    // (another customer's, another tenant's, none at all) is refused alike,
    // before its start time can shape the page.
    if (q.after) {
        if (!detail::well_formed_id(q.after->value, detail::booking_prefix)) {
            throw Error(Errc::not_found, "after", "booking not found");
        }
        const auto cursor = tx->booking(principal_.tenant, *q.after);
        if (!cursor || (principal_.role == Role::customer && cursor->created_by != principal_.subject)) {
            throw Error(Errc::not_found, "after", "booking not found");
        }
    }
    auto list = tx->bookings(principal_.tenant, f);
    for (auto& b : list) b = as_read(std::move(b), now);
    return list;
}

}  // namespace slotwise
