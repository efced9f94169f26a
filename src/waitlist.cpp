// Approval and the waitlist: confirm / reject a request, join and leave a
// waitlist, accept an offer, and passing freed seats on to the first waiting
// entry that fits — in the transaction of the change that freed them, or in
// take_notifications' sweep for lapses. Every state comes from lifecycle.hpp;
// see include/slotwise/waitlist.hpp.
#include <slotwise/engine.hpp>

#include "booking_rules.hpp"
#include "engine_internal.hpp"
#include "offer.hpp"
#include "party.hpp"
#include "validate.hpp"

#include <algorithm>
#include <map>

namespace slotwise {

using detail::as_read;
using detail::not_found;
using detail::random_id;
using detail::visible_booking;

namespace detail {
namespace {

constexpr std::string_view waitlist_prefix = "wle";
// Waiting entries one freed booking considers at most: the bound on a
// cancellation's extra work, whatever the length of the line.
constexpr int max_entries_per_pass = 200;

// The first resource of group `g` of `svc` (the pinned one, if any) that
// offers `start` for `seats` inside `tx` now.
std::optional<ResourceId> free_in_group(Transaction& tx, const TenantId& t, const Service& svc, std::size_t g,
                                        const WaitlistEntry& e, Instant now) {
    std::vector<ResourceId> candidates =
        e.resources.empty() ? svc.resource_groups[g] : std::vector<ResourceId>{e.resources[g]};
    std::sort(candidates.begin(), candidates.end());
    for (const auto& id : candidates) {
        // A deactivated resource takes no new booking, an offer included.
        const auto r = tx.resource(t, id);
        if (r && r->active && start_offered(tx, t, svc, g, *r, e.start, now, e.seats, nullptr, Notice::applies)) {
            return id;
        }
    }
    return std::nullopt;
}

// Whether `fitting` asks for an entry joining the line (a request that can
// never be seated is refused) or for one a freed seat may go to.
enum class Asking { joining, passing_on };

// One resource per group offering the entry's start (a party: the tables
// that would seat it), or empty.
std::vector<ResourceId> fitting(Transaction& tx, const TenantId& t, const Service& svc, const WaitlistEntry& e,
                                Instant now, Asking asking = Asking::passing_on) {
    if (svc.party) {
        // Seated as book() seats it: the best free table or declared
        // combination (party.hpp), each held whole.
        auto shared = tx.shared_service(t, svc.id);
        if (!shared) return {};
        try {
            const auto resolved = booking_rules::resolve(tx, t, std::move(shared), e.resources, e.seats);
            if (asking == Asking::joining) {
                std::vector<bool> pinned(resolved.groups.size(), false);
                for (const auto& id : e.resources) {
                    if (const auto g = booking_rules::group_of(svc, id)) pinned[*g] = true;
                }
                const auto options = party_options_per_group(resolved.groups, pinned,
                                                             tx.table_combinations(t, svc.id), e.seats);
                for (const auto& group : options) {
                    if (group.empty()) {
                        invalid("seats", "no table or declared combination seats a party of " +
                                             std::to_string(e.seats) + ": no seat could ever be offered");
                    }
                }
            }
            return booking_rules::choose_party_resources(tx, t, resolved, e.resources, e.start, now, e.seats, nullptr);
        } catch (const Error& refused) {
            // Passing a seat on, an entry whose pinned tables no longer seat
            // it, or are no longer the service's, is skipped: one entry must
            // not fail the change that freed the seat.
            const bool stale = refused.code() == Errc::invalid_argument || refused.code() == Errc::not_found;
            if (asking == Asking::joining || !stale) throw;
            return {};
        }
    }
    if (!e.resources.empty() && e.resources.size() != svc.resource_groups.size()) return {};
    std::vector<ResourceId> chosen;
    for (std::size_t g = 0; g < svc.resource_groups.size(); ++g) {
        auto r = free_in_group(tx, t, svc, g, e, now);
        if (!r) return {};
        chosen.push_back(std::move(*r));
    }
    return chosen;
}

// Does the entry's appointment share a resource and some time with what
// `freed` held? Only such an entry can have gained from it.
bool could_gain(const Service& svc, const WaitlistEntry& e, const Booking& freed) {
    const Interval want{e.start - svc.buffer_before, e.start + svc.duration + svc.buffer_after};
    const auto linked = svc.all_resources();
    for (const Hold& h : freed.holds()) {
        const auto occ = h.occupied();
        if (occ.begin < want.end && want.begin < occ.end &&
            std::find(linked.begin(), linked.end(), h.resource) != linked.end()) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::vector<Booking> pass_on(Transaction& tx, const TenantId& t, const Booking& freed, Instant now) {
    // Every start whose appointment could overlap what was freed lies within
    // the longest occupied span of the tenant's services of it.
    const auto services = tx.services(t);
    Minutes span{0};
    for (const auto& s : services) span = std::max(span, s.buffer_before + s.duration + s.buffer_after);
    const auto occupied = freed.occupied_interval();
    const Interval starts{std::max(now + std::chrono::seconds{1}, occupied.begin - span), occupied.end + span};
    if (starts.end <= starts.begin) return {};
    std::map<std::string, const Service*> by_id;
    for (const auto& s : services) by_id.emplace(s.id.value, &s);
    std::vector<Booking> offers;
    for (auto& e : tx.waiting_entries(t, starts, max_entries_per_pass)) {
        const auto it = by_id.find(e.service.value);
        if (it == by_id.end() || !it->second->active || !could_gain(*it->second, e, freed)) continue;
        const Service& svc = *it->second;
        // A larger party that does not fit is skipped, not a block on the line.
        const auto chosen = fitting(tx, t, svc, e, now);
        if (chosen.empty()) continue;
        // A party holds one seat of each of its tables, as book() makes it.
        Booking draft{.id = {random_id("bkg")}, .service = svc.id, .resource = chosen.front(),
                      .other_resources = {chosen.begin() + 1, chosen.end()},
                      .interval = {e.start, e.start + svc.duration}, .seats = svc.party ? 1 : e.seats,
                      .buffer_before = svc.buffer_before, .buffer_after = svc.buffer_after, .segments = svc.segments,
                      .customer = e.customer, .party_size = svc.party ? e.seats : 0};
        auto made = lifecycle::offer(std::move(draft), svc, e.created_by, now);
        const auto n = notification_about(first_notification_id(t, made.booking.id, NotificationKind::waitlist_offer),
                                          t, made.booking, NotificationKind::waitlist_offer, now, 0);
        tx.insert_booking(t, made.booking, &n);
        e.status = WaitlistStatus::offered;
        e.offer = made.booking.id;
        tx.update_waitlist_entry(t, e);
        offers.push_back(std::move(made.booking));
    }
    return offers;
}

std::vector<std::pair<TenantId, Booking>> sweep_lapses(Transaction& tx, Instant now, int limit) {
    auto cursor = tx.lapse_cursor();
    const auto lapsed = tx.lapsed_bookings(cursor, now, limit);
    std::vector<std::pair<TenantId, Booking>> out;
    for (const auto& l : lapsed) {
        // Passing on twice is harmless: a seat already offered is not free.
        for (auto& b : pass_on(tx, l.tenant, l.booking, now)) out.emplace_back(l.tenant, std::move(b));
        cursor = {.at = *l.booking.hold_expires_at, .tenant = l.tenant, .booking = l.booking.id};
    }
    if (!lapsed.empty()) tx.set_lapse_cursor(cursor);
    return out;
}

void report_offers(const Engine& engine, const TenantId& t, const std::vector<Booking>& offers, Instant now) {
    for (const auto& b : offers) {
        report(engine, [&] {
            return EngineEvent{.kind = EngineEventKind::booking_created, .tenant = t, .booking = b.id,
                               .detail = std::string(to_string(b.status)), .at = now};
        });
    }
}

}  // namespace detail

namespace {

// One transition of a booking the principal may act on, stored with what it
// frees passed on, reported after the commit.
template <class Load>
Booking transition(const Engine& engine, const Principal& p, const BookingId& id, const lifecycle::Event& event,
                   Load&& load, const std::string& detail_suffix = {}) {
    const Instant now = engine.now();  // before the lock, as in book()
    auto tx = engine.store()->write();
    const Booking b = load(*tx, now);
    const auto svc = tx->service(p.tenant, b.service);
    if (!svc) not_found("service");
    auto out = lifecycle::apply(b, *svc, Actor::of(p), event, now);
    const auto dropped = detail::apply_notification_cap(*tx, p, out, now);
    const auto offers = detail::store_outcome(*tx, p.tenant, out, now);
    tx->commit();
    detail::report(engine, [&] {
        return EngineEvent{.kind = EngineEventKind::booking_changed, .tenant = p.tenant, .booking = out.booking.id,
                           .detail = std::string(lifecycle::event_name(event)) + ": " +
                                     std::string(to_string(out.booking.status)) + detail_suffix,
                           .at = now};
    });
    detail::report_dropped(engine, p.tenant, out.booking.id, dropped, now);
    detail::report_offers(engine, p.tenant, offers, now);
    (void)id;
    return as_read(out.booking, now);
}

WaitlistEntry visible_entry(Transaction& tx, const Principal& p, const WaitlistEntryId& id) {
    if (!detail::well_formed_id(id.value, detail::waitlist_prefix)) not_found("waitlist entry");
    auto e = tx.waitlist_entry(p.tenant, id);
    if (!e || (p.role == Role::customer && e->created_by != p.subject)) not_found("waitlist entry");
    return *e;
}

}  // namespace

Booking TenantScope::confirm(const BookingId& id) {
    return transition(engine_, principal_, id, lifecycle::Confirm{},
                      [&](Transaction& tx, Instant) { return visible_booking(tx, principal_, id); });
}

Booking TenantScope::reject(const BookingId& id, const std::string& reason) {
    detail::check_optional_text(reason, "reason", 500);
    return transition(engine_, principal_, id, lifecycle::Reject{reason},
                      [&](Transaction& tx, Instant) { return visible_booking(tx, principal_, id); },
                      reason.empty() ? std::string{} : " (" + reason + ")");
}

Booking TenantScope::accept_offer(const BookingId& id) {
    return transition(engine_, principal_, id, lifecycle::AcceptOffer{}, [&](Transaction& tx, Instant now) {
        // Another customer's offer reads as an unknown id, as its bookings do
        // everywhere; staff and admin are refused by the lifecycle table.
        Booking b = visible_booking(tx, principal_, id);
        // Accepted, the offer is one of the customer's upcoming bookings.
        if (principal_.role == Role::customer && b.status == BookingStatus::offered) {
            booking_rules::enforce_active_cap_on_accept(tx, principal_, now);
        }
        return b;
    });
}

WaitlistEntry TenantScope::join_waitlist(const WaitlistRequest& r) {
    if (r.service.empty()) invalid("service", "empty id");
    detail::check_instant(r.start, "start");
    detail::check_seats(r.seats);
    detail::check_customer(r.customer);
    if (r.resources.size() > detail::max_resource_groups) {
        invalid("resources", "at most " + std::to_string(detail::max_resource_groups) + " resources");
    }
    if (!detail::well_formed_id(r.service.value, detail::service_prefix)) not_found("service");
    const Instant now = engine_.now();
    if (r.start <= now) invalid("start", "is not in the future");
    auto tx = engine_.store()->write();
    const auto svc = tx->shared_service(principal_.tenant, r.service);
    if (!svc) not_found("service");
    if (!r.resources.empty()) {
        if (r.resources.size() != svc->resource_groups.size()) {
            invalid("resources", "one resource per group: the service has " +
                                     std::to_string(svc->resource_groups.size()) + " groups");
        }
        for (std::size_t g = 0; g < r.resources.size(); ++g) {
            const auto& group = svc->resource_groups[g];
            if (std::find(group.begin(), group.end(), r.resources[g]) == group.end()) {
                throw Error(Errc::not_found, "resources[" + std::to_string(g) + "]", "resource not found for this service");
            }
        }
    }
    // What would refuse the booking refuses its place in line: a deactivated
    // service or resource, and a customer's policy (seats, horizon, holds).
    const auto resolved = booking_rules::resolve(*tx, principal_.tenant, svc, r.resources, r.seats);
    booking_rules::refuse_if_deactivated(resolved);
    if (principal_.role == Role::customer) {
        booking_rules::enforce_policy(*tx, principal_, *svc, resolved.first(), r.seats, r.start, now);
        const int cap = tx->policy(principal_.tenant).value_or(TenantPolicy{}).max_waitlist_per_customer;
        if (tx->waiting_by_creator(principal_.tenant, principal_.subject, cap) >= cap) {
            throw Error(Errc::quota_exceeded, "max_waitlist_per_customer",
                        "at most " + std::to_string(cap) + " waitlist places at once");
        }
    }
    WaitlistEntry e{.id = {random_id(detail::waitlist_prefix)}, .service = svc->id, .start = r.start,
                    .seats = r.seats, .resources = r.resources, .customer = r.customer,
                    .created_by = principal_.subject, .created_at = now};
    // Only a full start has a line: one that is offered is booked instead.
    if (!detail::fitting(*tx, principal_.tenant, *svc, e, now, detail::Asking::joining).empty()) {
        invalid("start", "is offered for these seats: book it instead of joining the waitlist");
    }
    tx->insert_waitlist_entry(principal_.tenant, e);
    auto stored = tx->waitlist_entry(principal_.tenant, e.id);
    tx->commit();
    if (!stored) throw Error(Errc::storage_error, "the waitlist entry was not stored");
    return *stored;
}

WaitlistEntry TenantScope::get_waitlist_entry(const WaitlistEntryId& id) {
    auto tx = engine_.store()->read();
    return visible_entry(*tx, principal_, id);
}

WaitlistEntry TenantScope::leave_waitlist(const WaitlistEntryId& id) {
    auto tx = engine_.store()->write();
    auto e = visible_entry(*tx, principal_, id);
    if (e.status != WaitlistStatus::waiting) {
        throw Error(Errc::invalid_transition, "only a waiting entry can leave the waitlist (it is " +
                                                  std::string(to_string(e.status)) + ")");
    }
    e.status = WaitlistStatus::left;
    e.position = 0;
    tx->update_waitlist_entry(principal_.tenant, e);
    tx->commit();
    return e;
}

}  // namespace slotwise
