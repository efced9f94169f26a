// Payments of a scope: the tenant's provider settings, hosted checkout,
// verified webhooks and refunds. The provider comes from the engine's
// registry by the name the tenant configured; what an event does to a
// booking is decided by lifecycle.hpp. See include/slotwise/engine.hpp.
#include <slotwise/engine.hpp>

#include "engine_internal.hpp"
#include "offer.hpp"

namespace slotwise {

using detail::not_found;
using detail::visible_booking;

namespace {

// The tenant's provider, built from its stored settings by the host's registry.
std::unique_ptr<PaymentProvider> provider_for(const Engine& engine, Transaction& tx, const TenantId& t,
                                              std::string_view required = {}) {
    const auto settings = tx.payment_settings(t);
    if (!settings) throw Error(Errc::not_configured, "this tenant has no payment provider");
    if (!required.empty() && settings->provider != required) {
        throw Error(Errc::not_configured, "this tenant pays through \"" + settings->provider + "\", not " + std::string(required));
    }
    if (!engine.payments()) throw Error(Errc::not_configured, "this engine has no payment providers");
    return engine.payments()->make(*settings);
}

// Does the event speak about this booking's checkout, for the price asked?
// A booking whose checkout was started here only listens to that session, and
// a payment must be for the service's amount and currency.
bool event_matches(const PaymentEvent& e, const Booking& b, const Service& svc) {
    if (!b.checkout_id.empty() && !e.checkout_id.empty() && e.checkout_id != b.checkout_id) return false;
    if (e.kind == PaymentEventKind::checkout_paid || e.kind == PaymentEventKind::async_payment_succeeded) {
        if (!e.amount || *e.amount != svc.price) return false;
        std::string currency = svc.currency;
        for (auto& c : currency) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (!e.currency.empty() && e.currency != currency) return false;
    }
    return true;
}

// The lifecycle event a provider event is, or nullopt (with why) when it is
// none: only a full refund ends a payment, and some events carry no news.
std::optional<lifecycle::Event> lifecycle_event(const PaymentEvent& e, Transaction& tx, const TenantId& t,
                                                const Service& svc, const Booking& b, Instant now,
                                                std::string& why_not) {
    switch (e.kind) {
        case PaymentEventKind::checkout_paid:
        case PaymentEventKind::async_payment_succeeded:
            return lifecycle::PaymentSucceeded{
                .payment_reference = e.payment_reference,
                .slot_offered = [&tx, &t, &svc, &b, now] {
                    const auto res = tx.resource(t, b.resource);
                    return res && detail::start_offered(tx, t, svc, *res, b.interval.begin, now, b.seats, &b,
                                                        detail::Notice::waived);
                }};
        case PaymentEventKind::async_payment_failed:
            return lifecycle::PaymentFailed{};
        case PaymentEventKind::checkout_expired:
            return lifecycle::CheckoutExpired{};
        case PaymentEventKind::charge_refunded:
            if (e.amount && e.amount_refunded && *e.amount_refunded < *e.amount) {
                why_not = "a partial refund leaves the booking as it is";
                return std::nullopt;
            }
            return lifecycle::RefundCompleted{};
        case PaymentEventKind::checkout_unpaid:
        case PaymentEventKind::other:
            break;
    }
    why_not = "nothing to do for " + e.type;
    return std::nullopt;
}

}  // namespace

void TenantScope::configure_payments(const PaymentSettings& settings) {
    require_admin();
    if (settings.provider.empty()) invalid("provider", "must not be empty");
    if (!engine_.payments() || !engine_.payments()->contains(settings.provider)) {
        throw Error(Errc::not_configured, "provider", "\"" + settings.provider + "\" is not registered with this engine");
    }
    auto tx = engine_.store()->write();
    tx->put_payment_settings(principal_.tenant, settings);
    tx->commit();
}

void TenantScope::configure_stripe(const std::string& secret_key, const std::string& webhook_secret) {
    require_admin();
    if (!secret_key.starts_with("sk_") && !secret_key.starts_with("rk_")) invalid("secret_key", "expected a Stripe secret key (sk_…)");
    if (!webhook_secret.starts_with("whsec_")) invalid("webhook_secret", "expected a Stripe webhook secret (whsec_…)");
    for (const auto* v : {&secret_key, &webhook_secret}) {
        if (v->size() > 255 || v->find_first_of(" \t\r\n") != std::string::npos) {
            invalid(v == &secret_key ? "secret_key" : "webhook_secret", "malformed");
        }
    }
    configure_payments({.provider = "stripe", .secret_key = secret_key, .webhook_secret = webhook_secret});
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
    std::unique_ptr<PaymentProvider> provider;
    {
        auto tx = engine_.store()->read();
        const auto b = visible_booking(*tx, principal_, id);
        const auto svc = tx->service(principal_.tenant, b.service);
        if (!svc) not_found("service");
        (void)lifecycle::apply(b, *svc, Actor::of(principal_), lifecycle::StartCheckout{}, now);
        provider = provider_for(engine_, *tx, principal_.tenant);
        req = {.booking = b.id, .product_name = svc->name, .amount = svc->price, .currency = svc->currency,
               .customer_email = b.customer.email, .success_url = success_url, .cancel_url = cancel_url,
               .expires_at = b.hold_expires_at, .now = now, .idempotency_key = "checkout-" + b.id.value};
    }
    // No transaction is open while the provider is called: a slow network
    // must not hold the database lock.
    const auto checkout = provider->create_checkout(req, http);
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
    const auto provider = provider_for(engine_, *engine_.store()->read(), principal_.tenant, "stripe");
    return apply_webhook(*provider, payload, headers, now);
}

WebhookOutcome TenantScope::handle_webhook(std::string_view payload, const Headers& headers) {
    const Instant now = engine_.now();
    const auto provider = provider_for(engine_, *engine_.store()->read(), principal_.tenant);
    return apply_webhook(*provider, payload, headers, now);
}

WebhookOutcome TenantScope::apply_webhook(const PaymentProvider& provider, std::string_view payload,
                                          const Headers& headers, Instant now) {
    const auto event = provider.parse_webhook(payload, headers, now);
    WebhookOutcome out{.event_id = event.id, .type = event.type};
    const std::string provider_name(provider.name());

    auto tx = engine_.store()->write();
    // The event's record commits with its effect, or neither does.
    if (!tx->record_payment_event(principal_.tenant, provider_name, event.id, event.type, now)) {
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
    if (!found || !svc) {
        out.ignored_because = "the event names no booking of this tenant";
    } else if (!event_matches(event, *found, *svc)) {
        out.ignored_because = "not this booking's checkout, or not the amount and currency due";
    } else {
        Booking b = *found;
        // What the provider tells about the booking's own checkout is kept
        // whatever the event does.
        if (b.checkout_id.empty()) b.checkout_id = event.checkout_id;
        if (!event.payment_reference.empty()) b.payment_reference = event.payment_reference;
        std::optional<lifecycle::Outcome> outcome;
        if (const auto e = lifecycle_event(event, *tx, principal_.tenant, *svc, b, now, out.ignored_because)) {
            try {
                outcome = lifecycle::apply(b, *svc, Actor::provider(), *e, now);
            } catch (const Error& refused) {
                if (refused.code() != Errc::invalid_transition) throw;
                out.ignored_because = refused.what();
            }
        }
        if (outcome) {
            detail::store_outcome(*tx, principal_.tenant, *outcome, now);
            b = outcome->booking;
            out.applied = true;
        } else if (!(b == *found)) {
            b.updated_at = now;
            tx->update_booking(principal_.tenant, b);
        }
        out.booking = detail::as_read(b, now);
    }
    tx->commit();
    detail::report(engine_, [&] {
        return EngineEvent{.kind = out.applied ? EngineEventKind::webhook_applied : EngineEventKind::webhook_ignored,
                           .tenant = principal_.tenant, .booking = out.booking ? out.booking->id : BookingId{},
                           .detail = out.applied ? event.type : event.type + ": " + out.ignored_because, .at = now};
    });
    return out;
}

Refund TenantScope::refund(const BookingId& id, const HttpTransport& http) {
    const Instant now = engine_.now();
    std::unique_ptr<PaymentProvider> provider;
    RefundRequest req;
    {
        auto tx = engine_.store()->read();
        const auto b = visible_booking(*tx, principal_, id);
        const auto svc = tx->service(principal_.tenant, b.service);
        if (!svc) not_found("service");
        (void)lifecycle::apply(b, *svc, Actor::of(principal_), lifecycle::RequestRefund{}, now);
        provider = provider_for(engine_, *tx, principal_.tenant);
        req = {.booking = b.id, .payment_reference = b.payment_reference, .idempotency_key = "refund-" + b.id.value};
    }
    // The booking turns `refunded` when the provider's refund event arrives.
    return provider->refund(req, http);
}

}  // namespace slotwise
