// Payments, the notification outbox and the messages it carries. See
// include/slotwise/engine.hpp ("payments") and notify.hpp.
#include <slotwise/i18n.hpp>
#include <slotwise/ics.hpp>
#include <slotwise/stripe.hpp>

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
        for (const auto& earlier : tx.notifications(t, b.id)) sequence += earlier.kind != NotificationKind::refund_due;
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
    c.amount = svc ? svc->price : 0;
    c.currency = svc ? svc->currency : std::string{};
    const auto msg = render_message(n.kind, c, n.locale);
    n.subject = msg.subject;
    n.body = msg.body;
    if (n.kind != NotificationKind::refund_due) {
        n.ics = render_ics({.uid = n.booking.value + "@slotwise", .stamp = n.created_at, .when = n.when,
                            .summary = c.service + " - " + c.resource, .location = c.business,
                            .description = msg.subject, .sequence = n.sequence,
                            .cancel = n.kind == NotificationKind::booking_cancelled});
    }
}

}  // namespace detail

using detail::not_found;
using detail::queue_notification;
using detail::Renderer;
using detail::visible_booking;

namespace {

using namespace std::chrono_literals;

StripeProvider stripe_for(Transaction& tx, const TenantId& t) {
    const auto settings = tx.payment_settings(t);
    if (!settings || settings->provider != "stripe") {
        throw Error(Errc::signature_invalid, "Stripe is not configured for this tenant");
    }
    return StripeProvider({.secret_key = settings->secret_key, .webhook_secret = settings->webhook_secret});
}

// Seats free over the booking's occupied interval, ignoring the booking
// itself: decides whether a late payment can still have its slot.
bool slot_still_free(Transaction& tx, const TenantId& t, const Booking& b, Instant now) {
    const auto res = tx.resource(t, b.resource);
    if (!res) return false;
    // Only called once the hold has passed, so `b` itself is not in the load.
    const auto occupied = b.occupied_interval();
    const auto others = tx.occupancy(t, b.resource, occupied, now);
    std::vector<Interval> blocks;
    for (const auto& blk : tx.blocks(t, b.resource, occupied)) blocks.push_back(blk.interval);
    LoadProfile profile;
    profile.assign(others, blocks, res->capacity);
    return profile.peak(occupied) + b.seats <= res->capacity;
}

// The money arrived: confirm, or flag a refund when the slot is gone.
void settle(Transaction& tx, const TenantId& t, Booking& b, Instant now) {
    if (b.payment_status == PaymentStatus::paid || b.payment_status == PaymentStatus::refund_due ||
        b.payment_status == PaymentStatus::refunded) {
        return;  // settled by an earlier event
    }
    const auto status = b.status_at(now);
    // A late payment keeps its booking only if the appointment is still ahead
    // and nobody took the slot meanwhile.
    const bool keep = status == BookingStatus::pending || status == BookingStatus::confirmed ||
                      (status == BookingStatus::expired && b.interval.begin > now && slot_still_free(tx, t, b, now));
    if (keep) {
        const bool newly_confirmed = b.status != BookingStatus::confirmed;
        b.status = BookingStatus::confirmed;
        b.payment_status = PaymentStatus::paid;
        b.hold_expires_at.reset();
        if (newly_confirmed) queue_notification(tx, t, b, NotificationKind::booking_confirmed, now);
    } else {
        b.payment_status = PaymentStatus::refund_due;
        queue_notification(tx, t, b, NotificationKind::refund_due, now);
    }
}

// Does the event speak about this booking's checkout, for the price asked?
// A booking whose checkout was started here only listens to that session, and
// a payment must be for the service's amount and currency.
bool event_matches(const PaymentEvent& e, const Booking& b, const Service* svc) {
    if (!b.checkout_id.empty() && !e.checkout_id.empty() && e.checkout_id != b.checkout_id) return false;
    if (e.kind == PaymentEventKind::checkout_paid || e.kind == PaymentEventKind::async_payment_succeeded) {
        if (!svc || !e.amount || *e.amount != svc->price) return false;
        std::string currency = svc->currency;
        for (auto& c : currency) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (!e.currency.empty() && e.currency != currency) return false;
    }
    return true;
}

// Ends a pending booking's hold now (checkout expired or payment failed).
void release_hold(Booking& b, Instant now) {
    if (b.status == BookingStatus::pending && b.hold_expires_at && *b.hold_expires_at > now) b.hold_expires_at = now;
}

}  // namespace

void TenantScope::configure_stripe(const std::string& secret_key, const std::string& webhook_secret) {
    require_admin();
    if (!secret_key.starts_with("sk_") && !secret_key.starts_with("rk_")) invalid("secret_key", "expected a Stripe secret key (sk_…)");
    if (!webhook_secret.starts_with("whsec_")) invalid("webhook_secret", "expected a Stripe webhook secret (whsec_…)");
    for (const auto* v : {&secret_key, &webhook_secret}) {
        if (v->size() > 255 || v->find_first_of(" \t\r\n") != std::string::npos) {
            invalid(v == &secret_key ? "secret_key" : "webhook_secret", "malformed");
        }
    }
    auto tx = engine_.store()->write();
    tx->put_payment_settings(principal_.tenant, {.provider = "stripe", .secret_key = secret_key, .webhook_secret = webhook_secret});
    tx->commit();
}

std::optional<PaymentSettingsSummary> TenantScope::payment_settings() {
    require_admin();
    const auto s = engine_.store()->read()->payment_settings(principal_.tenant);
    if (!s) return std::nullopt;
    const auto& key = s->secret_key;
    const auto prefix = key.substr(0, key.find('_', 3) + 1);
    return PaymentSettingsSummary{.provider = s->provider,
                                  .key_hint = prefix + "…" + key.substr(key.size() >= 4 ? key.size() - 4 : 0),
                                  .live = key.find("_live_") != std::string::npos};
}

Checkout TenantScope::start_checkout(const BookingId& id, const std::string& success_url, const std::string& cancel_url,
                                     const HttpTransport& http) {
    for (const auto* url : {&success_url, &cancel_url}) {
        const auto field = url == &success_url ? "success_url" : "cancel_url";
        if (!url->starts_with("https://") && !url->starts_with("http://")) invalid(field, "expected an http(s) URL");
        if (url->size() > 2048) invalid(field, "longer than 2048 bytes");
    }
    if (!http) invalid("transport", "no HTTP transport given");
    const Instant now = engine_.now();
    CheckoutRequest req;
    std::optional<StripeProvider> stripe;
    {
        auto tx = engine_.store()->read();
        const auto b = visible_booking(*tx, principal_, id);
        if (b.status_at(now) != BookingStatus::pending || b.payment_status != PaymentStatus::pending) {
            throw Error(Errc::invalid_transition, "only a pending booking awaiting payment can be paid");
        }
        const auto svc = tx->service(principal_.tenant, b.service);
        if (!svc) not_found("service");
        stripe.emplace(stripe_for(*tx, principal_.tenant));
        req = {.booking = b.id, .product_name = svc->name, .amount = svc->price, .currency = svc->currency,
               .customer_email = b.customer.email, .success_url = success_url, .cancel_url = cancel_url,
               .expires_at = b.hold_expires_at, .now = now, .idempotency_key = "checkout-" + b.id.value};
    }
    // No transaction is open while the provider is called: a slow network
    // must not hold the database lock.
    const auto checkout = stripe->create_checkout(req, http);
    const Instant after = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    auto b = visible_booking(*tx, principal_, id);
    b.checkout_id = checkout.id;
    b.updated_at = after;
    tx->update_booking(principal_.tenant, b);
    tx->commit();
    return checkout;
}

WebhookOutcome TenantScope::handle_stripe_webhook(std::string_view payload, const Headers& headers) {
    const Instant now = engine_.now();
    const auto stripe = stripe_for(*engine_.store()->read(), principal_.tenant);
    const auto event = stripe.parse_webhook(payload, headers, now);
    WebhookOutcome out{.event_id = event.id, .type = event.type};

    auto tx = engine_.store()->write();
    // The event's record commits with its effect, or neither does.
    if (!tx->record_payment_event(principal_.tenant, "stripe", event.id, event.type, now)) {
        out.duplicate = true;
        return out;
    }
    std::optional<Booking> found;
    if (event.kind == PaymentEventKind::charge_refunded) {
        if (!event.payment_reference.empty()) found = tx->booking_by_payment_reference(principal_.tenant, event.payment_reference);
    } else if (event.booking) {
        // Looked up within this tenant only: another tenant's id finds nothing.
        found = tx->booking(principal_.tenant, *event.booking);
    }
    const auto svc = found ? tx->service(principal_.tenant, found->service) : std::nullopt;
    if (found && !event_matches(event, *found, svc ? &*svc : nullptr)) {
        found.reset();  // recorded, not applied
    }
    if (found) {
        Booking b = *found;
        if (b.checkout_id.empty()) b.checkout_id = event.checkout_id;
        if (!event.payment_reference.empty()) b.payment_reference = event.payment_reference;
        switch (event.kind) {
            case PaymentEventKind::checkout_paid:
            case PaymentEventKind::async_payment_succeeded:
                settle(*tx, principal_.tenant, b, now);
                break;
            case PaymentEventKind::async_payment_failed:
                if (b.payment_status == PaymentStatus::pending) {
                    b.payment_status = PaymentStatus::failed;
                    release_hold(b, now);
                }
                break;
            case PaymentEventKind::checkout_expired:
                if (b.payment_status == PaymentStatus::pending) release_hold(b, now);
                break;
            case PaymentEventKind::charge_refunded: {
                // A partial refund leaves the booking as it is; a full one of a
                // booking still on the calendar cancels it (refunded from the
                // provider's dashboard, say) and tells the customer.
                const bool full = !event.amount || !event.amount_refunded || *event.amount_refunded >= *event.amount;
                if (full && (b.payment_status == PaymentStatus::paid || b.payment_status == PaymentStatus::refund_due)) {
                    b.payment_status = PaymentStatus::refunded;
                    if (b.status == BookingStatus::confirmed) {
                        b.status = BookingStatus::cancelled;
                        queue_notification(*tx, principal_.tenant, b, NotificationKind::booking_cancelled, now);
                    }
                }
                break;
            }
            case PaymentEventKind::checkout_unpaid:
            case PaymentEventKind::other:
                break;
        }
        if (!(b == *found)) {
            b.updated_at = now;
            tx->update_booking(principal_.tenant, b);
        }
        out.booking = detail::as_read(b, now);
    }
    tx->commit();
    return out;
}

Refund TenantScope::refund(const BookingId& id, const HttpTransport& http) {
    require_staff_or_admin();
    std::optional<StripeProvider> stripe;
    RefundRequest req;
    {
        auto tx = engine_.store()->read();
        const auto b = visible_booking(*tx, principal_, id);
        if (b.payment_status != PaymentStatus::refund_due) {
            throw Error(Errc::invalid_transition, "only a booking in refund_due can be refunded");
        }
        stripe.emplace(stripe_for(*tx, principal_.tenant));
        req = {.booking = b.id, .payment_reference = b.payment_reference, .idempotency_key = "refund-" + b.id.value};
    }
    // The booking turns `refunded` when the provider's charge.refunded event arrives.
    return stripe->refund(req, http);
}

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
    auto taken = tx->take_notifications(at, limit);
    // Rendered before the lease commits: if reading fails, nothing is leased
    // and the rows stay due, rather than hidden for a backoff unsent.
    Renderer renderer(*tx);
    for (auto& n : taken) renderer.render(n);
    tx->commit();
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

DeliveryReport Engine::deliver_notifications(Notifier& notifier, int limit) {
    DeliveryReport report;
    for (const auto& n : take_notifications(limit)) {
        try {
            notifier.send(n);
        } catch (const std::exception& e) {
            report.failed.push_back({n.id, n.kind, e.what()});  // leased with a backoff: offered again later
            continue;
        } catch (...) {
            report.failed.push_back({n.id, n.kind, "unknown exception"});
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
    for (const auto& f : report.failed) {
        emit({.kind = EngineEventKind::notification_failed, .tenant = {}, .booking = {}, .detail = f.notification_id + ": " + f.error, .at = now()});
    }
    return report;
}

}  // namespace slotwise
