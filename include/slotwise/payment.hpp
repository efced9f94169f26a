// slotwise/payment.hpp — the payment-provider hook.
//
// A paid booking is `pending` and holds its slot until a verified payment
// event confirms it (the confirmation reflects reality: docs/payments.md). A `PaymentProvider` does the
// provider-specific parts: create a hosted checkout for a pending booking,
// verify and parse a webhook into typed events, request a refund. The engine
// owns the state machine (engine.hpp: `start_checkout`, `handle_webhook`).
//
// slotwise opens no sockets: the host app passes an `HttpTransport`, a
// function that performs one HTTP request with its own client (and its own
// timeouts, proxies and TLS settings).
//
// Thread-safety: providers are immutable after construction and safe to use
// from many threads; a transport must be too if it is shared.
#pragma once

#include <slotwise/model.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slotwise {

/// HTTP headers as name/value pairs, in order.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// The value of header `name` (case-insensitive), or nullopt.
inline std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
    for (const auto& [k, v] : headers) {
        if (k.size() != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < k.size() && same; ++i) {
            const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
            same = lower(k[i]) == lower(name[i]);
        }
        if (same) return v;
    }
    return std::nullopt;
}

/// A tenant's payment provider and its secrets, as stored. The engine never
/// returns these through any read API.
struct PaymentSettings {
    std::string provider{};        ///< "stripe"
    std::string secret_key{};
    std::string webhook_secret{};
};

/// One outgoing HTTP request.
struct HttpRequest {
    std::string method{};  ///< "POST", "GET"
    std::string url{};     ///< absolute URL
    Headers headers{};
    std::string body{};
};

/// The answer to an `HttpRequest`.
struct HttpResponse {
    int status = 0;        ///< HTTP status code; 0 when no answer was received
    std::string body{};
};

/// Performs one HTTP request; throws or returns status 0 when it cannot.
using HttpTransport = std::function<HttpResponse(const HttpRequest&)>;

/// What a checkout is for.
struct CheckoutRequest {
    BookingId booking{};
    std::string product_name{};             ///< shown to the customer (the service's name)
    std::int64_t amount = 0;                ///< minor units
    std::string currency{};                 ///< ISO 4217
    std::string customer_email{};           ///< prefilled when not empty
    std::string success_url{};
    std::string cancel_url{};
    std::optional<Instant> expires_at{};    ///< when the hosted page should stop accepting payment
    Instant now{};                          ///< to judge the provider's limits on `expires_at`
    std::string idempotency_key{};          ///< the same key creates one checkout, however often retried
};

/// A hosted checkout page.
struct Checkout {
    std::string id{};   ///< the provider's session id
    std::string url{};  ///< where to send the customer
    /// When the provider itself stops accepting payment on the page (the
    /// `expires_at` it was given), or nullopt when it keeps the page open
    /// past the hold: the engine then expires it (`Engine::expire_checkouts`).
    std::optional<Instant> expires_at{};
};

/// One checkout session started for a booking (a booking may have several:
/// each `start_checkout` starts its own, and a payment through any of them
/// is the booking's).
struct CheckoutSession {
    TenantId tenant{};
    std::string id{};                    ///< the provider's session id
    BookingId booking{};
    Instant created_at{};
    /// When the engine must expire it through the provider (the hold's end,
    /// where the provider could not be told); nullopt = the provider does.
    std::optional<Instant> close_by{};
    std::optional<Instant> closed_at{};  ///< paid, expired or closed by the engine
    friend bool operator==(const CheckoutSession&, const CheckoutSession&) = default;
};

/// A verified payment the engine could not apply to a booking: it is kept
/// here, owed back to the customer, for an admin to refund
/// (`TenantScope::unmatched_payments`).
struct UnmatchedPayment {
    std::string event_id{};            ///< the provider's event id
    std::string provider{};            ///< "stripe"
    std::string reference{};           ///< the payment (Stripe: payment intent), "" when the event has none
    std::optional<std::int64_t> amount{};  ///< as the event says (minor units); nullopt when it says none
    std::string currency{};            ///< lowercase ISO 4217 as the event says, "" when it says none
    std::optional<BookingId> booking{};  ///< the booking the event names, when it is one of this tenant's
    std::string reason{};              ///< why it was not applied, e.g. "amount_mismatch"
    Instant received_at{};
    friend bool operator==(const UnmatchedPayment&, const UnmatchedPayment&) = default;
};

/// The kinds of payment event the engine acts on.
enum class PaymentEventKind {
    checkout_paid,          ///< checkout completed and the money is there
    checkout_unpaid,        ///< checkout completed, payment still processing (async methods)
    async_payment_succeeded,
    async_payment_failed,
    checkout_expired,       ///< the customer never paid; release the hold
    charge_refunded,        ///< a (full or partial) refund was made; `refund_status` when the event says
    refund_updated,         ///< one refund's status changed (`refund_status`)
    dispute_opened,         ///< the customer's bank disputes the payment
    other,                  ///< recorded and ignored
};

/// A verified, parsed payment event.
struct PaymentEvent {
    std::string id{};                    ///< the provider's event id, unique per provider account
    std::string type{};                  ///< the provider's event type, e.g. "checkout.session.completed"
    PaymentEventKind kind = PaymentEventKind::other;
    std::optional<BookingId> booking{};  ///< from the checkout's metadata, when present
    std::string checkout_id{};           ///< session id, when the object is a checkout
    std::string payment_reference{};     ///< payment intent id, when known
    std::optional<std::int64_t> amount{};           ///< what was charged (minor units), when the event says
    std::optional<std::int64_t> amount_refunded{};  ///< for refunds: how much of `amount` went back
    std::string currency{};              ///< lowercase ISO 4217, when the event says
    /// For refunds: "succeeded", "pending", "requires_action", "failed" or
    /// "canceled"; "" when the event does not say.
    std::string refund_status{};
    /// The payment was shown converted into another currency (Stripe's
    /// Adaptive Pricing): `amount` and `currency` are then the source ones,
    /// the amounts the merchant asked for.
    bool converted = false;
    Instant created{};
};

/// A refund to request for a booking.
struct RefundRequest {
    BookingId booking{};
    std::string payment_reference{};  ///< the payment intent to refund
    std::string idempotency_key{};
};

/// The provider's answer to a refund request.
struct Refund {
    std::string id{};
    std::string status{};  ///< provider's status, e.g. "succeeded", "pending"
};

/// A payment provider. Implementations throw `Error(provider_error)` when
/// the provider refuses or cannot be reached, and `Error(signature_invalid)`
/// for a webhook that is not authentic or is stale.
class PaymentProvider {
public:
    virtual ~PaymentProvider() = default;
    /// Short lowercase name, e.g. "stripe".
    virtual std::string_view name() const noexcept = 0;
    /// Creates a hosted checkout for a pending booking.
    virtual Checkout create_checkout(const CheckoutRequest& r, const HttpTransport& http) const = 0;
    /// Verifies a webhook (signature, freshness against `now`) and parses it.
    virtual PaymentEvent parse_webhook(std::string_view payload, const Headers& headers, Instant now) const = 0;
    /// Requests a refund of a booking's payment.
    virtual Refund refund(const RefundRequest& r, const HttpTransport& http) const = 0;
    /// Stops a hosted checkout from accepting payment. Returns normally when
    /// the session is closed (or was already: paid, expired, unknown);
    /// throws `provider_error` when the provider could not be reached or
    /// answered with a server error (try again later). The default throws
    /// `not_configured`: a provider that cannot expire sessions.
    virtual void expire_checkout(const std::string& checkout_id, const HttpTransport& http) const {
        (void)checkout_id;
        (void)http;
        throw Error(Errc::not_configured, "this payment provider cannot expire a checkout");
    }
};

/// The payment providers a host makes available, by name. A tenant's stored
/// `PaymentSettings::provider` picks one; the engine builds it from the
/// tenant's settings for each call. The engine links no provider itself: the
/// host registers the ones it links (`register_stripe` in slotwise::stripe,
/// or its own).
///
/// Fill it before handing it to an `Engine`; after that it is only read, and
/// reading is thread-safe.
///
/// **Example**
/// ```cpp
/// auto providers = std::make_shared<slotwise::PaymentProviders>();
/// slotwise::register_stripe(*providers);
/// slotwise::Engine engine(store, {.payments = providers});
/// ```
class PaymentProviders {
public:
    /// Builds a provider from one tenant's stored settings.
    using Factory = std::function<std::unique_ptr<PaymentProvider>(const PaymentSettings&)>;

    /// Registers (or replaces) the provider called `name`.
    void add(std::string name, Factory factory) { factories_[std::move(name)] = std::move(factory); }

    /// True when a provider of that name is registered.
    bool contains(std::string_view name) const { return factories_.find(name) != factories_.end(); }

    /// The provider for `settings`; `not_configured` when its name is not registered.
    std::unique_ptr<PaymentProvider> make(const PaymentSettings& settings) const;

private:
    std::map<std::string, Factory, std::less<>> factories_;
};

inline std::unique_ptr<PaymentProvider> PaymentProviders::make(const PaymentSettings& settings) const {
    const auto it = factories_.find(settings.provider);
    if (it == factories_.end() || !it->second) {
        throw Error(Errc::not_configured, "payment provider \"" + settings.provider + "\" is not registered with this engine");
    }
    auto provider = it->second(settings);
    if (!provider) throw Error(Errc::not_configured, "payment provider \"" + settings.provider + "\" could not be built");
    return provider;
}

}  // namespace slotwise
