// The notification outbox: what is written about a booking and when, how a
// row is rendered for the customer when it is handed out, and the host's
// delivery worker (take, mark sent, deliver). See include/slotwise/notify.hpp.
#include <slotwise/i18n.hpp>
#include <slotwise/ics.hpp>

#include "engine_internal.hpp"

namespace slotwise {
namespace detail {

Notification notification_about(std::string id, const TenantId& t, const Booking& b, NotificationKind kind,
                                Instant now, int sequence) {
    return {.id = std::move(id), .tenant = t, .kind = kind, .booking = b.id,
            .locale = b.customer.locale, .to = b.customer.email, .resource = b.resource, .when = b.interval,
            .sequence = sequence, .created_at = now};
}

// Written in the transaction that makes the change, so it exists exactly when
// the change commits; rendered when handed out (see Renderer).
void queue_notification(Transaction& tx, const TenantId& t, const Booking& b, NotificationKind kind, Instant now) {
    // A confirmation is a booking's first invitation; each later one (moved,
    // cancelled) bumps SEQUENCE so calendars apply it.
    int sequence = 0;
    if (kind != NotificationKind::booking_confirmed) {
        for (const auto& earlier : tx.notifications(t, b.id)) sequence += carries_invitation(earlier.kind);
    }
    auto n = notification_about(t.value + ":" + random_id("ntf"), t, b, kind, now, sequence);
    // A refund notice quotes the amount paid, not what the service costs by
    // the time the notice goes out: it is rendered now.
    if (kind == NotificationKind::refund_due) Renderer(tx).render(n);
    tx.insert_notification(n);
}

namespace {
// A stored zone the time-zone database no longer knows (an OS update
// dropped it) must not keep a message from going out: it is written in UTC,
// which the message names.
TimeZone zone_or_utc(const std::string& name) {
    try {
        return locate_zone(name, "timezone");
    } catch (const Error&) {
        return locate_zone("UTC", "timezone");
    }
}
}  // namespace

std::optional<Tenant> Renderer::tenant(const TenantId& t) {
    auto it = tenants_.find(t.value);
    if (it == tenants_.end()) it = tenants_.emplace(t.value, tx_.tenant(t)).first;
    return it->second;
}

std::optional<Service> Renderer::service(const TenantId& t, const ServiceId& id) {
    const auto key = t.value + '\n' + id.value;
    auto it = services_.find(key);
    if (it == services_.end()) it = services_.emplace(key, tx_.service(t, id)).first;
    return it->second;
}

std::optional<Resource> Renderer::resource(const TenantId& t, const ResourceId& id) {
    const auto key = t.value + '\n' + id.value;
    auto it = resources_.find(key);
    if (it == resources_.end()) it = resources_.emplace(key, tx_.resource(t, id)).first;
    return it->second;
}

const std::vector<MessageText>& Renderer::message_texts(const TenantId& t) {
    auto it = message_texts_.find(t.value);
    if (it == message_texts_.end()) it = message_texts_.emplace(t.value, tx_.message_texts(t)).first;
    return it->second;
}

void Renderer::render(Notification& n) {
    if (!n.subject.empty()) return;  // written rendered: a refund notice, or a row of schema version 1
    const auto b = tx_.booking(n.tenant, n.booking);
    const auto svc = b ? service(n.tenant, b->service) : std::nullopt;
    const auto res = resource(n.tenant, n.resource);
    const auto business = tenant(n.tenant);
    MessageContext c;
    c.customer_name = b ? b->customer.name : std::string{};
    c.business = business ? business->name : std::string{};
    c.service = svc ? svc->name : std::string{};
    c.resource = res ? res->name : std::string{};
    c.booking_id = n.booking.value;
    c.when = n.when;
    c.zone = zone_or_utc(res ? res->timezone : std::string("UTC"));
    // What the booking owed, not the service's price today.
    c.amount = b ? b->amount_due : 0;
    c.currency = b ? b->currency_due : std::string{};
    c.offer_expires_at = b && b->hold_expires_at ? *b->hold_expires_at : n.when.begin;
    // The tenant's own text for the customer's language, else the built-in one.
    const auto* own = text_for(message_texts(n.tenant), n.kind, n.locale);
    const auto msg = own ? render_message(n.kind, c, n.locale, {own->subject, own->body})
                         : render_message(n.kind, c, n.locale);
    n.subject = msg.subject;
    n.body = msg.body;
    if (carries_invitation(n.kind)) {
        n.ics = render_ics({.uid = n.booking.value + "@slotwise", .stamp = n.created_at, .when = n.when,
                            .summary = c.service + " - " + c.resource, .location = c.business,
                            .description = msg.subject, .sequence = n.sequence,
                            .cancel = n.kind == NotificationKind::booking_cancelled});
    }
}

std::optional<NotificationKind> apply_notification_cap(Transaction& tx, const Principal& p, lifecycle::Outcome& o,
                                                       Instant now) {
    if (!o.notification || p.role != Role::customer) return std::nullopt;
    using namespace std::chrono_literals;
    const int cap = tx.policy(p.tenant).value_or(TenantPolicy{}).max_notifications_per_customer_hour;
    if (tx.notifications_by_creator(p.tenant, p.subject, now - 1h, cap) < cap) return std::nullopt;
    return std::exchange(o.notification, std::nullopt);
}

void report_dropped(const Engine& engine, const TenantId& t, const BookingId& b,
                    const std::optional<NotificationKind>& dropped, Instant now) {
    if (!dropped) return;
    report(engine, [&] {
        return EngineEvent{.kind = EngineEventKind::notification_dropped, .tenant = t, .booking = b,
                           .detail = std::string(to_string(*dropped)) + ": over max_notifications_per_customer_hour",
                           .at = now};
    });
}

std::vector<Booking> store_outcome(Transaction& tx, const TenantId& t, const lifecycle::Outcome& o, Instant now) {
    // As it was, to know whether the change freed a seat: read before the write.
    const auto before = tx.booking(t, o.booking.id);
    tx.update_booking(t, o.booking);
    // A booking cancelled before it was paid must not stay payable: its open
    // checkout sessions are expired by the next Engine::expire_checkouts,
    // not when their hold (or the provider's 24 hours) would have ended.
    if (o.booking.status == BookingStatus::cancelled && o.booking.payment_status == PaymentStatus::pending) {
        for (const auto& s : tx.checkout_sessions(t, o.booking.id)) {
            if (!s.closed_at) tx.set_checkout_close_by(t, s.id, now);
        }
    }
    if (o.notification) queue_notification(tx, t, o.booking, *o.notification, now);
    const bool freed = before && before->active_at(now) &&
                       (!o.booking.active_at(now) || before->holds() != o.booking.holds());
    if (!freed) return {};
    return pass_on(tx, t, *before, now);
}

}  // namespace detail

using detail::Renderer;
using detail::visible_booking;

std::vector<Notification> TenantScope::notifications(const BookingId& id) {
    require_staff_or_admin();
    auto tx = engine_.store()->read();
    (void)visible_booking(*tx, principal_, id);
    auto out = tx->notifications(principal_.tenant, id);
    Renderer renderer(*tx);
    for (auto& n : out) renderer.render(n);
    return out;
}

std::vector<Notification> Engine::take_notifications(int limit) {
    if (limit < 1 || limit > 1000) invalid("limit", "must be between 1 and 1000");
    const Instant at = now();  // before the lock, as in book()
    auto tx = store_->write();
    // Lapses are derived from the clock: their seats are passed on here at
    // the latest, so that the offers they make go out with this batch.
    const auto offers = detail::sweep_lapses(*tx, at, detail::lapse_sweep_limit);
    auto taken = tx->take_notifications(at, limit);
    // Rendered before the lease commits: if reading fails, nothing is leased
    // and the rows stay due, rather than hidden for a backoff unsent.
    Renderer renderer(*tx);
    for (auto& n : taken) renderer.render(n);
    tx->commit();
    for (const auto& [tenant, offer] : offers) detail::report_offers(*this, tenant, {offer}, at);
    return taken;
}

void Engine::mark_notification_sent(const std::string& id) {
    const auto colon = id.find(':');
    if (colon == std::string::npos || colon == 0) throw Error(Errc::not_found, "notification not found");
    const Instant at = now();  // before the lock, as in book()
    auto tx = store_->write();
    if (!tx->mark_notification_sent(TenantId{id.substr(0, colon)}, id, at)) {
        throw Error(Errc::not_found, "notification not found");
    }
    tx->commit();
}

// A failure is the host's to know: it is reported, and the row, leased with
// a backoff, is offered again later.
DeliveryReport Engine::deliver_notifications(Notifier& notifier, int limit) {
    DeliveryReport report;
    for (const auto& n : take_notifications(limit)) {
        std::optional<std::string> failure;
        try {
            notifier.send(n);
        } catch (const std::exception& e) {
            failure = e.what();
        } catch (...) {
            failure = "unknown exception";
        }
        if (failure) {
            emit({.kind = EngineEventKind::notification_failed, .tenant = n.tenant, .booking = n.booking,
                  .detail = n.id + ": " + *failure, .at = now()});
            report.failed.push_back({n.id, n.kind, std::move(*failure)});
            continue;
        }
        try {
            mark_notification_sent(n.id);
        } catch (const Error& e) {
            // Another worker sent it after our lease ran out: at least once.
            if (e.code() != Errc::not_found) throw;
        }
        ++report.sent;
    }
    return report;
}

}  // namespace slotwise
