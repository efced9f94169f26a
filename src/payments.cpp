// Payments of a scope: the tenant's provider settings, hosted checkout,
// verified webhooks and refunds. The provider comes from the engine's
// registry by the name the tenant configured; what an event does to a
// booking is decided by lifecycle.hpp. See include/slotwise/engine.hpp.
#include <slotwise/engine.hpp>

#include "engine_internal.hpp"
#include "offer.hpp"

#include <algorithm>

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

std::string lowercase(std::string s) {
    for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return s;
}

// The key's public prefix ("sk_test_", "rk_live_" …) and at most its last 4
// characters, never more than a third of what follows the prefix: enough to
// tell keys apart, too little to guess a short one.
std::string key_hint(const std::string& key) {
    std::string prefix;
    for (const char* p : {"sk_test_", "sk_live_", "rk_test_", "rk_live_"}) {
        if (key.starts_with(p)) prefix = p;
    }
    const auto secret = key.size() - prefix.size();
    const auto shown = std::min<std::size_t>(4, secret / 3);
    return prefix + "…" + key.substr(key.size() - shown);
}

bool is_payment(const PaymentEvent& e) {
    return e.kind == PaymentEventKind::checkout_paid || e.kind == PaymentEventKind::async_payment_succeeded;
}

bool among(const std::vector<CheckoutSession>& sessions, const std::string& id) {
    return std::any_of(sessions.begin(), sessions.end(), [&](const CheckoutSession& s) { return s.id == id; });
}

// Why a verified payment cannot be the booking's, or "" when it can. Checked
// in this order, so the reason an admin reads is the first thing wrong.
std::string unmatched_reason(const PaymentEvent& e, const std::optional<Booking>& b,
                             const std::vector<CheckoutSession>& sessions) {
    if (!b) return "no_booking";
    if (!e.amount || e.currency.empty()) return "no_amount";
    if (*e.amount != b->amount_due || e.currency != lowercase(b->currency_due)) return "amount_mismatch";
    // A booking that started checkouts here is paid only through one of them;
    // one that never did takes a session its metadata names (only the
    // merchant sets metadata).
    if (!e.checkout_id.empty() && !sessions.empty() && !among(sessions, e.checkout_id)) return "unknown_session";
    return {};
}

// The lifecycle event a provider event other than a payment is, or nullopt
// (with why) when it is none.
std::optional<lifecycle::Event> lifecycle_event(const PaymentEvent& e, const Booking& b,
                                                const std::vector<CheckoutSession>& sessions, std::string& why_not) {
    const auto partial = [&](std::optional<std::int64_t> refunded, std::optional<std::int64_t> of) {
        return refunded && of && *refunded < *of;
    };
    const auto refund_by_status = [&](const std::string& status) -> std::optional<lifecycle::Event> {
        if (status == "succeeded") return lifecycle::RefundCompleted{};
        if (status == "failed" || status == "canceled") return lifecycle::RefundFailed{};
        return lifecycle::RefundPending{};  // pending, requires_action, or not said
    };
    switch (e.kind) {
        case PaymentEventKind::async_payment_failed:
            return lifecycle::PaymentFailed{};
        case PaymentEventKind::checkout_expired:
            // Another checkout of the same booking may still be paid.
            for (const auto& s : sessions) {
                if (s.id != e.checkout_id && !s.closed_at) {
                    why_not = "another checkout of the booking is still open";
                    return std::nullopt;
                }
            }
            return lifecycle::CheckoutExpired{};
        case PaymentEventKind::charge_refunded:
            if (partial(e.amount_refunded, e.amount)) {
                why_not = "a partial refund leaves the booking as it is";
                return std::nullopt;
            }
            // Since API 2022-11-15 the charge carries no refunds list unless
            // expanded: a refund whose status is not said is pending.
            return refund_by_status(e.refund_status);
        case PaymentEventKind::refund_updated:
            // A refund in another currency (Adaptive Pricing) cannot be
            // compared with the amount due; one in the same currency can.
            if ((e.currency.empty() || e.currency == lowercase(b.currency_due)) &&
                partial(e.amount_refunded, std::optional<std::int64_t>(b.amount_due)) &&
                e.refund_status != "failed" && e.refund_status != "canceled") {
                why_not = "a partial refund leaves the booking as it is";
                return std::nullopt;
            }
            return refund_by_status(e.refund_status);
        case PaymentEventKind::dispute_opened:
            return lifecycle::DisputeOpened{};
        case PaymentEventKind::checkout_paid:
        case PaymentEventKind::async_payment_succeeded:
        case PaymentEventKind::checkout_unpaid:
        case PaymentEventKind::other:
            break;
    }
    why_not = "nothing to do for " + e.type;
    return std::nullopt;
}

// The payment for `b` as the lifecycle sees it: may the booking keep its
// start if the hold is over?
lifecycle::PaymentSucceeded payment_of(const PaymentEvent& e, Transaction& tx, const TenantId& t,
                                       const Service& svc, const Booking& b, Instant now) {
    return lifecycle::PaymentSucceeded{
        .payment_reference = e.payment_reference,
        .slot_offered = [&tx, &t, &svc, &b, now] {
            return detail::booking_offered(tx, t, svc, b, now, detail::Notice::waived);
        }};
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
    return PaymentSettingsSummary{.provider = s->provider, .key_hint = key_hint(s->secret_key),
                                  .live = s->secret_key.find("_live_") != std::string::npos};
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
        // The amount due when it was booked, not today's price. Each call
        // starts its own session: the key names how many the booking had, so
        // a retry of a call whose answer was lost reuses that call's session.
        const auto started = tx->checkout_sessions(principal_.tenant, b.id).size();
        req = {.booking = b.id, .product_name = svc->name, .amount = b.amount_due, .currency = b.currency_due,
               .customer_email = b.customer.email, .success_url = success_url, .cancel_url = cancel_url,
               .expires_at = b.hold_expires_at, .now = now,
               .idempotency_key = "checkout-" + b.id.value + "-" + std::to_string(started)};
    }
    // No transaction is open while the provider is called: a slow network
    // must not hold the database lock.
    const auto checkout = provider->create_checkout(req, http);
    const Instant after = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    auto b = visible_booking(*tx, principal_, id);
    // A page the provider keeps open past the hold is expired by the engine
    // when the hold ends (Engine::expire_checkouts).
    const bool provider_closes = checkout.expires_at && req.expires_at && *checkout.expires_at <= *req.expires_at;
    tx->insert_checkout_session(principal_.tenant,
                                {.tenant = principal_.tenant, .id = checkout.id, .booking = b.id, .created_at = after,
                                 .close_by = provider_closes ? std::nullopt : req.expires_at});
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
    const auto& t = principal_.tenant;

    auto tx = engine_.store()->write();
    // The event's record commits with its effect, or neither does.
    if (!tx->record_payment_event(t, provider_name, event.id, event.type, now)) {
        out.duplicate = true;
        return out;
    }
    // Money events after the payment name the payment; the others the booking
    // in their metadata. Either is looked up within this tenant only: another
    // tenant's id finds nothing.
    std::optional<Booking> found;
    const bool about_payment = event.kind == PaymentEventKind::charge_refunded ||
                               event.kind == PaymentEventKind::refund_updated ||
                               event.kind == PaymentEventKind::dispute_opened;
    if (about_payment && !event.payment_reference.empty()) {
        found = tx->booking_by_payment_reference(t, event.payment_reference);
    }
    if (!found && event.booking) found = tx->booking(t, *event.booking);
    const auto svc = found ? tx->service(t, found->service) : std::nullopt;
    const auto sessions = found ? tx->checkout_sessions(t, found->id) : std::vector<CheckoutSession>{};
    std::vector<EngineEvent> extra;  // reported after the commit

    // Records a payment that cannot be applied and flags its booking, if any.
    const auto unmatched = [&](const std::string& reason, const std::optional<Booking>& b) {
        tx->insert_unmatched_payment(t, {.event_id = event.id, .provider = provider_name,
                                         .reference = event.payment_reference, .amount = event.amount,
                                         .currency = event.currency,
                                         .booking = b ? std::optional(b->id) : std::nullopt,
                                         .reason = reason, .received_at = now});
        extra.push_back({.kind = EngineEventKind::payment_unmatched, .tenant = t,
                         .booking = b ? b->id : BookingId{}, .detail = event.type + ": " + reason, .at = now});
        out.ignored_because = "unmatched payment (" + reason + "), recorded for refund";
    };

    if (found && svc) {
        Booking b = *found;
        std::optional<lifecycle::Outcome> outcome;
        const auto apply = [&](const lifecycle::Event& e) {
            try {
                outcome = lifecycle::apply(b, *svc, Actor::provider(), e, now);
            } catch (const Error& refused) {
                if (refused.code() != Errc::invalid_transition) throw;
                out.ignored_because = refused.what();
            }
        };
        if (is_payment(event)) {
            auto reason = unmatched_reason(event, found, sessions);
            const bool same_payment = !event.payment_reference.empty() && event.payment_reference == b.payment_reference;
            if (reason.empty() && b.payment_status != PaymentStatus::pending &&
                b.payment_status != PaymentStatus::failed && b.payment_status != PaymentStatus::none && !same_payment) {
                reason = "already_paid";  // a second payment of one booking
            }
            if (!reason.empty()) {
                unmatched(reason, b);
                apply(lifecycle::PaymentUnmatched{.payment_reference = event.payment_reference});
            } else if (!same_payment || b.payment_status == PaymentStatus::pending ||
                       b.payment_status == PaymentStatus::failed) {
                if (b.checkout_id.empty()) b.checkout_id = event.checkout_id;
                apply(payment_of(event, *tx, t, *svc, b, now));
                // Kept by the lifecycle but owed back (the slot is gone, the
                // appointment over): listed with the others.
                if (outcome && outcome->booking.payment_status == PaymentStatus::refund_due) {
                    unmatched("slot_unavailable", b);
                }
            } else {
                out.ignored_because = "the booking already holds this payment";
            }
            if (reason.empty() && !event.checkout_id.empty()) {
                // A session paid through is closed; one never started here
                // (made elsewhere, metadata naming the booking) is recorded.
                tx->insert_checkout_session(t, {.tenant = t, .id = event.checkout_id, .booking = b.id, .created_at = now});
                tx->close_checkout_session(t, event.checkout_id, now);
            }
        } else if (event.kind == PaymentEventKind::checkout_expired || event.kind == PaymentEventKind::async_payment_failed ||
                   event.kind == PaymentEventKind::checkout_unpaid) {
            if (!event.checkout_id.empty() && !sessions.empty() && !among(sessions, event.checkout_id)) {
                out.ignored_because = "not a checkout of this booking";
            } else {
                if (event.kind == PaymentEventKind::checkout_expired) tx->close_checkout_session(t, event.checkout_id, now);
                if (b.checkout_id.empty()) b.checkout_id = event.checkout_id;
                if (const auto e = lifecycle_event(event, b, sessions, out.ignored_because)) apply(*e);
            }
        } else if (const auto e = lifecycle_event(event, b, sessions, out.ignored_because)) {
            apply(*e);
            if (outcome && std::holds_alternative<lifecycle::RefundFailed>(*e)) {
                extra.push_back({.kind = EngineEventKind::refund_failed, .tenant = t, .booking = b.id,
                                 .detail = event.type + ": " + event.refund_status, .at = now});
            } else if (outcome && std::holds_alternative<lifecycle::DisputeOpened>(*e)) {
                extra.push_back({.kind = EngineEventKind::payment_disputed, .tenant = t, .booking = b.id,
                                 .detail = event.type, .at = now});
            }
        }
        if (outcome) {
            detail::store_outcome(*tx, t, *outcome, now);
            b = outcome->booking;
            out.applied = true;
        } else if (!(b == *found)) {
            b.updated_at = now;
            tx->update_booking(t, b);
        }
        out.booking = detail::as_read(b, now);
    } else if (is_payment(event)) {
        unmatched("no_booking", std::nullopt);
    } else {
        out.ignored_because = "the event names no booking of this tenant";
    }
    tx->commit();
    detail::report(engine_, [&] {
        return EngineEvent{.kind = out.applied ? EngineEventKind::webhook_applied : EngineEventKind::webhook_ignored,
                           .tenant = t, .booking = out.booking ? out.booking->id : BookingId{},
                           .detail = out.applied ? event.type : event.type + ": " + out.ignored_because, .at = now};
    });
    for (auto& e : extra) engine_.emit(std::move(e));
    return out;
}

std::vector<UnmatchedPayment> TenantScope::unmatched_payments(int limit) {
    require_admin();
    if (limit < 1 || limit > 1000) invalid("limit", "expected 1..1000");
    return engine_.store()->read()->unmatched_payments(principal_.tenant, limit);
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
    const auto refund = provider->refund(req, http);
    // The provider's answer (over the host's TLS, to our key) is as good as
    // its event: a refund that already succeeded is done, a pending one is
    // under way. Webhooks saying the same later change nothing.
    std::optional<lifecycle::Event> e;
    if (refund.status == "succeeded") e = lifecycle::RefundCompleted{};
    if (refund.status == "pending" || refund.status == "requires_action") e = lifecycle::RefundPending{};
    if (!e) return refund;
    const Instant after = engine_.now();
    auto tx = engine_.store()->write();
    const auto b = visible_booking(*tx, principal_, id);
    const auto svc = tx->service(principal_.tenant, b.service);
    if (!svc) not_found("service");
    try {
        detail::store_outcome(*tx, principal_.tenant, lifecycle::apply(b, *svc, Actor::provider(), *e, after), after);
        tx->commit();
    } catch (const Error& refused) {
        if (refused.code() != Errc::invalid_transition) throw;  // a webhook got there first
    }
    return refund;
}

ExpiredCheckouts Engine::expire_checkouts(const HttpTransport& http, int limit) {
    if (limit < 1 || limit > 1000) invalid("limit", "expected 1..1000");
    if (!http) invalid("transport", "no HTTP transport given");
    const Instant now = this->now();
    std::vector<CheckoutSession> due;
    {
        auto tx = store_->read();
        due = tx->checkouts_to_close(now, limit);
    }
    ExpiredCheckouts out;
    for (const auto& s : due) {
        // No transaction is open while the provider is called.
        try {
            std::unique_ptr<PaymentProvider> provider;
            {
                auto tx = store_->read();
                provider = provider_for(*this, *tx, s.tenant);
            }
            provider->expire_checkout(s.id, http);
        } catch (const Error& e) {
            // A tenant without a provider (or one that cannot expire) will
            // never be able to: the session is closed as far as we can. A
            // provider error is tried again later, behind the others.
            if (e.code() != Errc::not_configured) {
                out.failed.push_back(s.id + ": " + e.what());
                auto tx = store_->write();
                tx->set_checkout_close_by(s.tenant, s.id, now + std::chrono::minutes{5});
                tx->commit();
                continue;
            }
        }
        auto tx = store_->write();
        tx->close_checkout_session(s.tenant, s.id, this->now());
        tx->commit();
        ++out.closed;
    }
    return out;
}

}  // namespace slotwise
