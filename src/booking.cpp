// Availability and the booking calls of a scope: book, cancel, reschedule,
// read. Each change is one write transaction around lifecycle.hpp, which
// decides the state; this file only loads what the rules need and stores
// what they return. See include/slotwise/engine.hpp.
#include <slotwise/combine.hpp>
#include <slotwise/engine.hpp>

#include "booking_rules.hpp"
#include "engine_internal.hpp"
#include "offer.hpp"
#include "party.hpp"
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

// How many times book() begins again when its store finds the catalogue it
// checked against moved on (CatalogueMoved): one change is one more attempt;
// a catalogue changing under every attempt is reported as storage_busy.
constexpr int kCatalogueAttempts = 3;

namespace booking_rules {

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
    // Only when given, so that a request without them reads as it always did.
    for (const auto& id : r.resources) add(id.value);
    return f;
}

[[noreturn]] void resource_not_linked(std::size_t i) {
    throw Error(Errc::not_found, "resources[" + std::to_string(i) + "]", "resource not found for this service");
}

// The group of `svc` that links `id`, if any.
std::optional<std::size_t> group_of(const Service& svc, const ResourceId& id) {
    for (std::size_t g = 0; g < svc.resource_groups.size(); ++g) {
        const auto& group = svc.resource_groups[g];
        if (std::find(group.begin(), group.end(), id) != group.end()) return g;
    }
    return std::nullopt;
}

// Of each group, the resources `wanted` names (each must be linked: one that
// is not reads exactly like one that does not exist, on purpose), or all of
// them when it names none of the group (so `wanted` empty: every linked one).
Resolved resolve(Transaction& tx, const TenantId& t, const ServiceId& service_id,
                 const std::vector<ResourceId>& wanted, int seats) {
    check_seats(seats);
    if (!detail::well_formed_id(service_id.value, detail::service_prefix)) not_found("service");
    auto svc = tx.shared_service(t, service_id);
    if (!svc) not_found("service");
    return resolve(tx, t, std::move(svc), wanted, seats);
}

Resolved resolve(Transaction& tx, const TenantId& t, std::shared_ptr<const Service> service,
                 const std::vector<ResourceId>& wanted, int seats) {
    check_seats(seats);
    const auto groups = service->resource_groups.size();
    Resolved out{std::move(service), std::vector<std::vector<Resource>>(groups)};
    const Service* svc = out.service.get();
    if (!svc->active) out.refused = "service";
    std::vector<bool> named(groups, false);
    // A deactivated resource takes no new booking: it is left out of its
    // group, and a request that names it is refused as such.
    const auto add = [&](std::size_t g, const ResourceId& id, std::size_t i, bool pinned) {
        auto r = tx.resource(t, id);
        if (!r) resource_not_linked(i);
        if (!r->active) {
            if (pinned && !out.refused) out.refused = "resource";
            return;
        }
        out.groups[g].push_back(std::move(*r));
    };
    for (std::size_t i = 0; i < wanted.size(); ++i) {
        // Only a linked id reaches the store, so an id of any length costs a
        // comparison with the service's few.
        const auto g = group_of(*svc, wanted[i]);
        if (!g) resource_not_linked(i);
        named[*g] = true;
        add(*g, wanted[i], i, true);
    }
    for (std::size_t g = 0; g < groups; ++g) {
        if (named[g]) continue;
        for (const auto& id : svc->resource_groups[g]) add(g, id, 0, false);
    }
    for (auto& group : out.groups) {
        std::sort(group.begin(), group.end(), [](const Resource& a, const Resource& b) { return a.id < b.id; });
        group.erase(std::unique(group.begin(), group.end(),
                                [](const Resource& a, const Resource& b) { return a.id == b.id; }),
                    group.end());
    }
    return out;
}

void refuse_if_deactivated(const Resolved& resolved) {
    auto refused = resolved.refused;
    const auto emptied = [](const std::vector<Resource>& group) { return group.empty(); };
    if (!refused && std::any_of(resolved.groups.begin(), resolved.groups.end(), emptied)) refused = "resource";
    if (!refused) return;
    throw Error(Errc::slot_unavailable, *refused, "this " + *refused + " is deactivated: it takes no new bookings");
}

// The slots of each resource of each group, from one read snapshot.
struct GroupSlots {
    std::vector<std::vector<Resource>> resources;        // per group, sorted by id
    std::vector<std::vector<std::vector<Slot>>> slots;   // parallel to resources
    bool party = false;                                  // a party service: slots are of one seat
    std::vector<TableCombination> combinations{};        // of a party service, from the same snapshot
};

// Thrown when one call would compute more than max_slots_per_availability slots.
[[noreturn]] void too_many_slots() {
    invalid("to", "more than " + std::to_string(max_slots_per_availability) +
                      " slots in one call: ask for fewer days or resources");
}

GroupSlots slots_per_group(const Engine& engine, const Principal& p, const AvailabilityRequest& q) {
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
    // A deactivated service offers nothing.
    if (resolved.refused == "service") {
        for (auto& group : resolved.groups) group.clear();
    }
    GroupSlots out{std::move(resolved.groups), {}};
    // A party holds each resource whole: one seat of it; the party's size
    // chooses which resources (party.hpp).
    out.party = resolved.service->party;
    if (out.party) out.combinations = tx->table_combinations(p.tenant, resolved.service->id);
    // Every resource's zone and range first, then their bookings in one
    // read (one round trip on a networked store), then the slots.
    std::vector<TimeZone> zones;
    std::vector<OccupancyQuery> asks;
    std::vector<Instant> past_horizon;  // a customer's, per resource: the first instant after its last day
    for (const auto& group : out.resources) {
        for (const auto& r : group) {
            const auto zone = locate_zone(r.timezone, "timezone");
            if (customer_limit) {
                const date::sys_days last{local_date(zone, *customer_limit)};
                if (date::sys_days{q.to} > last) {
                    invalid("to",
                            "beyond this tenant's customer horizon of " + std::to_string(horizon.count()) + " days");
                }
                past_horizon.push_back(to_utc(zone, Date{last + date::days{1}}, Minutes{0}));
            }
            zones.push_back(zone);
            asks.push_back({r.id, detail::occupied_range(zone, *resolved.service, q.from, q.to)});
        }
    }
    auto booked = tx->occupancies(p.tenant, asks, now);
    if (booked.size() != asks.size()) throw Error(Errc::storage_error, "occupancies: one answer per resource expected");
    std::size_t total = 0;
    std::size_t n = 0;
    for (std::size_t g = 0; g < out.resources.size(); ++g) {
        const auto rules = resolved.service->rules(out.party ? 1 : q.seats, g);
        auto& group = out.slots.emplace_back();
        for (const auto& r : out.resources[g]) {
            auto& slots = group.emplace_back();
            // The cap bounds the work as well as the answer: the walk stops at
            // the first slot past it.
            detail::each_resource_slot_of(*tx, p.tenant, *resolved.service, rules, r, zones[n], q.from, q.to, now,
                                          asks[n].range, nullptr, std::move(booked[n]), [&](const Slot& s) {
                                              // A window of the horizon's last day that runs past
                                              // midnight offers no start beyond that day to a
                                              // customer: book() would refuse it (beyond_horizon).
                                              if (customer_limit && s.start >= past_horizon[n]) return;
                                              if (++total > max_slots_per_availability) too_many_slots();
                                              slots.push_back(s);
                                          });
            ++n;
        }
    }
    return out;
}

// The slot `list` (sorted by start) offers at `s`'s start with its end, if any.
const Slot* same_slot(const std::vector<Slot>& list, const Slot& s) {
    const auto it = std::lower_bound(list.begin(), list.end(), s.start,
                                     [](const Slot& x, Instant t) { return x.start < t; });
    return it != list.end() && it->start == s.start && it->end == s.end ? &*it : nullptr;
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

[[noreturn]] void refuse_active_cap(int cap) {
    throw Error(Errc::quota_exceeded, "max_active_per_customer",
                "at most " + std::to_string(cap) + " upcoming bookings at once");
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
    // A request holds its slot without a commitment, as an unpaid booking does.
    const bool paid = svc.price > 0 || svc.requires_confirmation;
    if (!paid && !policy.max_active_per_customer) return;
    const int cap = std::max(policy.max_pending_per_customer, policy.max_active_per_customer.value_or(0));
    const auto held = tx.customer_holdings(p.tenant, p.subject, now, cap);
    if (paid && held.pending >= policy.max_pending_per_customer) {
        refuse("max_pending_per_customer", "at most " + std::to_string(policy.max_pending_per_customer) +
                                               " unpaid bookings at once: pay for or cancel one first");
    }
    if (policy.max_active_per_customer && held.active_future >= *policy.max_active_per_customer) {
        refuse_active_cap(*policy.max_active_per_customer);
    }
}

void enforce_active_cap_on_accept(Transaction& tx, const Principal& p, Instant now) {
    const auto cap = tx.policy(p.tenant).value_or(TenantPolicy{}).max_active_per_customer;
    if (!cap) return;
    // The offer is one of the holds counted: one more is asked for.
    const auto held = tx.customer_holdings(p.tenant, p.subject, now, *cap + 1);
    if (held.active_future - 1 >= *cap) refuse_active_cap(*cap);
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

}  // namespace booking_rules
using namespace booking_rules;

std::vector<ResourceSlot> TenantScope::availability(const AvailabilityRequest& q) {
    const auto per = slots_per_group(engine_, principal_, q);
    if (per.party) return detail::party_slots(per.resources, per.slots, per.combinations, q.seats);
    std::vector<ResourceSlot> out;
    // One slot per start and resource of the first group, naming the first
    // resource (by id) of every other group that offers the same slot.
    for (const auto& a : any_of(per.slots.front())) {
        ResourceSlot slot{a.slot.start, a.slot.end, per.resources.front()[a.resource].id, a.slot.remaining, {}};
        bool complete = true;
        for (std::size_t g = 1; g < per.slots.size() && complete; ++g) {
            complete = false;
            for (std::size_t i = 0; i < per.slots[g].size(); ++i) {
                if (const Slot* other = same_slot(per.slots[g][i], a.slot)) {
                    slot.other_resources.push_back(per.resources[g][i].id);
                    slot.remaining = std::min(slot.remaining, other->remaining);
                    complete = true;
                    break;
                }
            }
        }
        if (complete) out.push_back(std::move(slot));
    }
    return out;
}

std::vector<Slot> TenantScope::availability_together(const AvailabilityRequest& q) {
    auto per = slots_per_group(engine_, principal_, q);
    std::vector<std::vector<Slot>> lists;
    for (auto& group : per.slots) {
        for (auto& list : group) lists.push_back(std::move(list));
    }
    return all_of(lists);
}

namespace booking_rules {

// The resource each group gives booking `r` of `resolved.service` at
// `r.start`: the pinned one, or the first (by id) that offers the start,
// asked inside the booking's write transaction. Empty when a group has none.
std::vector<ResourceId> choose_resources(Transaction& tx, const TenantId& t, const Resolved& resolved,
                                         Instant start, Instant now, int seats, const Booking* exclude) {
    std::vector<ResourceId> chosen;
    for (std::size_t g = 0; g < resolved.groups.size(); ++g) {
        for (const auto& res : resolved.groups[g]) {
            if (start_offered(tx, t, *resolved.service, g, res, start, now, seats, exclude, Notice::applies)) {
                chosen.push_back(res.id);
                break;
            }
        }
        if (chosen.size() != g + 1) return {};
    }
    return chosen;
}

// The resources a request pins, one per group in group order, or only the
// first group's (`resource`); refused when they do not match the groups.
std::vector<ResourceId> pinned(const Service& svc, const std::optional<ResourceId>& first,
                               const std::vector<ResourceId>& per_group) {
    if (per_group.empty()) return first ? std::vector<ResourceId>{*first} : std::vector<ResourceId>{};
    if (first && *first != per_group.front()) invalid("resource", "differs from resources[0]");
    if (per_group.size() != svc.resource_groups.size()) {
        invalid("resources", "one resource per group: the service has " + std::to_string(svc.resource_groups.size()) +
                                 " groups, " + std::to_string(per_group.size()) + " given");
    }
    for (std::size_t g = 0; g < per_group.size(); ++g) {
        if (group_of(svc, per_group[g]) != g) resource_not_linked(g);
    }
    return per_group;
}

void check_resource_ids(const std::optional<ResourceId>& first, const std::vector<ResourceId>& per_group) {
    if (first && first->empty()) invalid("resource", "empty id");
    if (first && !detail::well_formed_id(first->value, detail::resource_prefix)) resource_not_linked(0);
    if (per_group.size() > detail::max_resource_groups) {
        invalid("resources", "at most " + std::to_string(detail::max_resource_groups) + " resources");
    }
    for (std::size_t i = 0; i < per_group.size(); ++i) {
        if (per_group[i].empty()) invalid("resources[" + std::to_string(i) + "]", "empty id");
        if (!detail::well_formed_id(per_group[i].value, detail::resource_prefix)) resource_not_linked(i);
    }
}

// A party service's pins: any resources of its groups (a combination's
// tables together), `first` among them.
std::vector<ResourceId> party_pins(const Service& svc, const std::optional<ResourceId>& first,
                                   const std::vector<ResourceId>& given) {
    if (given.empty()) return first ? std::vector<ResourceId>{*first} : std::vector<ResourceId>{};
    if (first && *first != given.front()) invalid("resource", "differs from resources[0]");
    for (std::size_t i = 0; i < given.size(); ++i) {
        if (!group_of(svc, given[i])) resource_not_linked(i);
    }
    return given;
}

// The resources a party of `party` gets at `start` inside `tx`: per group
// the best free option (party.hpp); a group with pins only the option of
// exactly those (`invalid_argument` when they cannot seat the party).
std::vector<ResourceId> choose_party_resources(Transaction& tx, const TenantId& t, const Resolved& resolved,
                                               const std::vector<ResourceId>& pins, Instant start, Instant now,
                                               int party, const Booking* exclude) {
    std::vector<bool> pinned(resolved.groups.size(), false);
    for (const auto& id : pins) {
        if (const auto g = group_of(*resolved.service, id)) pinned[*g] = true;
    }
    const auto combinations = tx.table_combinations(t, resolved.service->id);
    const auto options = detail::party_options_per_group(resolved.groups, pinned, combinations, party);
    for (std::size_t g = 0; g < options.size(); ++g) {
        if (pinned[g] && options[g].empty()) {
            invalid("resources", "the resources given for group " + std::to_string(g) + " do not seat a party of " +
                                     std::to_string(party) + " (one table, or a declared combination)");
        }
    }
    return detail::choose_party(tx, t, *resolved.service, options, start, now, exclude);
}

}  // namespace booking_rules

Booking TenantScope::book(const BookingRequest& r) {
    if (r.service.empty()) invalid("service", "empty id");
    check_instant(r.start, "start");
    check_seats(r.seats);
    check_customer(r.customer);
    check_optional_text(r.idempotency_key, "idempotency_key", 200);
    check_resource_ids(r.resource, r.resources);
    if (!detail::well_formed_id(r.service.value, detail::service_prefix)) not_found("service");
    const auto print = fingerprint(r);

    // The clock may be a host callback (Python): ask it before taking the
    // write lock, so the lock is never held while the host runs.
    const Instant now = engine_.now();
    // When other writers want the lock, every rule is checked before it
    // (booking_precheck.cpp) and inside it only the catalogue version and
    // the occupancy are confirmed. Alone, all of it is checked inside.
    const auto pre = engine_.store()->write_contended() ? precheck(engine_, principal_, r, now) : std::nullopt;
    // One attempt, all in one write transaction. A store that checks its
    // cached catalogue with the transaction's next statement
    // (Transaction::check_catalogue_with_next) learns only then that it moved
    // on: the attempt is made again, on the catalogue as it is now.
    const auto attempt = [&]() -> Booking {
        // BEGIN IMMEDIATE (or the adapter's equivalent): the checks below and
        // the insert see no other writer in between.
        std::unique_ptr<Transaction> tx;
        std::optional<Booking> replayed;
        const auto begin = [&] {
            tx = engine_.store()->write();
            tx->check_catalogue_with_next();
            if (r.idempotency_key.empty()) return;
            // Scoped to this subject: another's key is neither found nor taken.
            if (auto existing = tx->booking_by_idempotency_key(principal_.tenant, principal_.subject, r.idempotency_key)) {
                if (existing->request_fingerprint != print) {
                    throw Error(Errc::idempotency_mismatch, "idempotency_key", "already used for another request");
                }
                replayed = as_read(*existing, now);
            }
        };
        begin();
        if (replayed) return *replayed;
        // Every group's resource is re-checked here, in the transaction that
        // inserts the booking holding all of them: all or none. When the
        // catalogue moved on since the check outside, or a checked resource
        // was taken since, every rule is checked again in a new transaction:
        // the confirmation may already hold a networked store's locks of the
        // checked resources, and choosing again from there would take further
        // ones out of the order every other writer takes them in (a deadlock).
        std::optional<Checked> again;
        std::optional<std::vector<ResourceId>> confirmed;
        if (pre) {
            confirmed = confirm_checked(*tx, principal_, engine_, *pre, r, now);
            if (!confirmed) {
                tx.reset();
                begin();
                if (replayed) return *replayed;
            }
        }
        if (!confirmed) again = check_request(*tx, engine_, principal_, r, now);
        const Checked& checked = again ? *again : pre->checked;
        const auto& chosen = again ? again->chosen : *confirmed;
        const Service& svc = *checked.resolved.service;
        const bool party = checked.party;
        const int held_seats = checked.held_seats;
        Booking draft{.id = {random_id("bkg")}, .service = svc.id, .resource = chosen.front(),
                      .other_resources = {chosen.begin() + 1, chosen.end()},
                      .interval = {r.start, r.start + svc.duration}, .seats = held_seats,
                      .buffer_before = svc.buffer_before, .buffer_after = svc.buffer_after, .segments = svc.segments,
                      .customer = r.customer, .idempotency_key = r.idempotency_key, .request_fingerprint = print,
                      .party_size = party ? r.seats : 0};
        auto made = lifecycle::book(std::move(draft), svc, Actor::of(principal_), now);
        const auto dropped = detail::apply_notification_cap(*tx, principal_, made, now);
        if (made.notification) {
            // Handed to the store with the booking, so that an adapter can
            // keep the two in one row (see store.hpp).
            const auto id = *made.notification == NotificationKind::booking_confirmed
                                ? confirmation_id(principal_.tenant, made.booking.id)
                                : detail::first_notification_id(principal_.tenant, made.booking.id, *made.notification);
            const auto n = detail::notification_about(id, principal_.tenant, made.booking, *made.notification, now, 0);
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
    };
    for (int attempts = 1;; ++attempts) {
        try {
            return attempt();
        } catch (const CatalogueMoved&) {
            if (attempts >= kCatalogueAttempts) throw;
        }
    }
}

Booking TenantScope::cancel(const BookingId& id) {
    const Instant now = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    const Booking b = visible_booking(*tx, principal_, id);
    const auto svc = tx->service(principal_.tenant, b.service);
    if (!svc) not_found("service");
    auto out = lifecycle::apply(b, *svc, Actor::of(principal_), lifecycle::Cancel{}, now);
    const auto dropped = detail::apply_notification_cap(*tx, principal_, out, now);
    const auto offers = detail::store_outcome(*tx, principal_.tenant, out, now);
    tx->commit();
    detail::report_change(engine_, principal_.tenant, out.booking, "cancel", now);
    detail::report_offers(engine_, principal_.tenant, offers, now);
    detail::report_dropped(engine_, principal_.tenant, out.booking.id, dropped, now);
    return out.booking;
}

Booking TenantScope::reschedule(const BookingId& id, Instant new_start, std::optional<ResourceId> resource) {
    check_resource_ids(resource, {});
    check_instant(new_start, "start");
    const Instant now = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    const Booking b = visible_booking(*tx, principal_, id);
    auto svc_row = tx->shared_service(principal_.tenant, b.service);
    if (!svc_row) not_found("service");
    // The first group's resource as asked (or kept); each other group keeps
    // its resource when that is still linked and free, else takes the first
    // free one.
    // A party is seated afresh at its new time (the best free option, or
    // the resource asked for), never kept at a table too big for it.
    const bool party = svc_row->party;
    const int party_size = b.party_size > 0 ? b.party_size : b.seats;
    std::vector<ResourceId> wanted{resource.value_or(b.resource)};
    if (party && !resource) wanted.clear();
    if (!wanted.empty() && !group_of(*svc_row, wanted.front())) resource_not_linked(0);
    auto resolved = resolve(*tx, principal_.tenant, std::move(svc_row), wanted, party ? party_size : b.seats);
    const Service& svc = *resolved.service;
    refuse_if_deactivated(resolved);
    for (std::size_t g = 1; g < resolved.groups.size() && !party; ++g) {
        auto& group = resolved.groups[g];
        if (g - 1 >= b.other_resources.size()) continue;
        const auto held = std::find_if(group.begin(), group.end(),
                                       [&](const Resource& x) { return x.id == b.other_resources[g - 1]; });
        if (held != group.end()) std::rotate(group.begin(), held, held + 1);
    }
    const Resource& target = resolved.first().front();
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
    // The booking's own holds must not block its new slot.
    const auto chosen =
        party ? choose_party_resources(*tx, principal_.tenant, resolved, wanted, new_start, now, party_size, &b)
              : choose_resources(*tx, principal_.tenant, resolved, new_start, now, b.seats, &b);
    if (chosen.empty()) throw Error(Errc::slot_unavailable, "start", "the new slot is not available");
    // The new slot takes the service's shape as it is now, as its buffers do.
    out.booking.resource = chosen.front();
    out.booking.other_resources.assign(chosen.begin() + 1, chosen.end());
    out.booking.segments = svc.segments;
    const auto dropped = detail::apply_notification_cap(*tx, principal_, out, now);
    const auto offers = detail::store_outcome(*tx, principal_.tenant, out, now);
    tx->commit();
    detail::report_change(engine_, principal_.tenant, out.booking, "reschedule", now);
    detail::report_offers(engine_, principal_.tenant, offers, now);
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
    BookingFilter f{.from = q.from, .to = q.to, .resource = q.resource, .created_by = q.subject,
                    .status = q.status, .now = now, .after = q.after, .limit = q.limit,
                    .payment_status = q.payment_status, .series = q.series};
    if (q.subject) detail::check_subject(*q.subject);
    if (principal_.role == Role::customer) {
        // Its own bookings only, whatever subject it names.
        if (q.subject && *q.subject != principal_.subject) return {};
        f.created_by = principal_.subject;
    }
    if (q.series && !detail::well_formed_id(q.series->value, detail::series_prefix)) return {};
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
