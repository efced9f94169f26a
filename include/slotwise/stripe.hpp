// slotwise/stripe.hpp — the Stripe reference adapter (target slotwise::stripe).
//
//  - Checkout: `POST /v1/checkout/sessions`, form-encoded, `mode=payment`, one
//    line item with `price_data`, `metadata[booking_id]` (also on the payment
//    intent), `client_reference_id`, `customer_email`, success and cancel
//    URLs, `expires_at` from the hold where Stripe allows it (30 minutes to 24
//    hours ahead), and an `Idempotency-Key` header. A hold shorter than 30
//    minutes cannot be told to Stripe: the engine then expires the session
//    when the hold ends (`POST /v1/checkout/sessions/{id}/expire`).
//  - Amounts: a session's `amount_total`/`currency`, or with Adaptive Pricing
//    `currency_conversion.amount_total`/`source_currency` (the amount in the
//    currency the session was created in).
//  - Refunds and disputes: `charge.refunded` (the refund is done only when
//    its `refunds` list, if any, says succeeded), `charge.refund.updated`,
//    `refund.created`/`refund.updated`/`refund.failed` (a Refund's `status`),
//    `charge.dispute.created`.
//  - Webhooks: the `Stripe-Signature` header `t=…,v1=…` (several v1 values
//    during secret rotation) is checked as HMAC-SHA256 of "{t}.{raw body}"
//    with the endpoint secret, compared in constant time, and refused when
//    `t` is more than the tolerance (300 s) away from the engine's clock.
//  - Refunds: `POST /v1/refunds` with `payment_intent`.
//  - JSON: webhook bodies and API answers are held to json_reader.hpp's
//    rules with 4 MiB and 64 levels at most and no duplicate key (a webhook
//    over the size is refused before its HMAC is computed; a malformed one is
//    `invalid_argument` on "payload", a duplicate on its path, e.g.
//    "payload.data.object.amount_total"); Stripe's error messages are quoted
//    bounded and escaped.
//
// OpenSSL is used inside; this header does not include it.
#pragma once

#include <slotwise/payment.hpp>

#include <chrono>
#include <string>

namespace slotwise {

/// A tenant's Stripe settings.
struct StripeConfig {
    std::string secret_key{};       ///< "sk_test_…" or "sk_live_…"
    std::string webhook_secret{};   ///< the endpoint's "whsec_…"
    std::string api_base = "https://api.stripe.com";
    std::chrono::seconds tolerance{300};  ///< how old (or how far ahead) a signature may be
};

/// Stripe as a `PaymentProvider`.
class StripeProvider final : public PaymentProvider {
public:
    /// Throws `invalid_argument` naming "secret_key" or "webhook_secret" when empty.
    explicit StripeProvider(StripeConfig config);
    std::string_view name() const noexcept override { return "stripe"; }
    Checkout create_checkout(const CheckoutRequest& r, const HttpTransport& http) const override;
    PaymentEvent parse_webhook(std::string_view payload, const Headers& headers, Instant now) const override;
    Refund refund(const RefundRequest& r, const HttpTransport& http) const override;
    /// `POST /v1/checkout/sessions/{id}/expire`; a session Stripe will not
    /// expire (400: complete or already expired; 404: unknown) counts as closed.
    void expire_checkout(const std::string& checkout_id, const HttpTransport& http) const override;

    /// The form body `create_checkout` posts (exposed for inspection and tests).
    std::string checkout_form(const CheckoutRequest& r) const;
    /// The `Stripe-Signature` value Stripe would send for `payload` at `t`
    /// (for tests and local tools; uses this config's webhook secret).
    std::string sign(std::string_view payload, Instant t) const;

private:
    StripeConfig config_;
};

/// Registers Stripe as provider "stripe": tenants configured with
/// `TenantScope::configure_stripe` then pay through it. `api_base` is for
/// tests against a local stand-in.
void register_stripe(PaymentProviders& providers, std::string api_base = "https://api.stripe.com");

/// Percent-encodes `s` for application/x-www-form-urlencoded (space as %20).
std::string form_encode(std::string_view s);

}  // namespace slotwise
