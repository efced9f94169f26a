// The Stripe adapter. See include/slotwise/stripe.hpp.
#include <slotwise/stripe.hpp>

#include <slotwise/json_reader.hpp>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace slotwise {
namespace {

using namespace std::chrono_literals;

// Stripe accepts a Checkout Session expires_at between 30 minutes and 24 hours
// after creation.
// A minute of margin: Stripe measures from when the request arrives.
constexpr auto min_session_life = 31min;
constexpr auto max_session_life = 24h;

// Every JSON body from Stripe is checked against the strict rules of
// json_reader.hpp before nlohmann builds it: bounded size and depth, no
// duplicate key (which nlohmann would settle silently, last one winning).
// Stripe's events and API objects are a few KB and nest about 6 levels.
constexpr JsonLimits stripe_json_limits{.max_bytes = std::size_t{4} << 20, .max_depth = 64};

// nlohmann's tree of a body that passed check_json, or nothing when it failed.
std::optional<nlohmann::json> checked_parse(std::string_view body) {
    try {
        check_json(body, stripe_json_limits);
    } catch (const Error&) {
        return std::nullopt;
    }
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded()) return std::nullopt;
    return json;
}

// FNV-1a, 64 bits: a stable digest of the request body for its idempotency key.
std::string digest(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = digits[h & 15];
    return out;
}

std::optional<std::int64_t> integer_at(const nlohmann::json& obj, const char* key) {
    const auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

std::string hex(const unsigned char* data, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 15];
    }
    return out;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
              reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &len)) {
        throw Error(Errc::signature_invalid, "HMAC-SHA256 failed");
    }
    return hex(mac.data(), len);
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

[[noreturn]] void bad_signature(const std::string& why) { throw Error(Errc::signature_invalid, "Stripe-Signature", why); }

struct SignatureHeader {
    std::int64_t timestamp = 0;
    std::vector<std::string> v1;
};

// "t=1492774577,v1=5257a8…,v1=…,v0=…": unknown schemes are ignored, as Stripe
// advises, so that a new scheme does not break verification.
SignatureHeader parse_signature_header(std::string_view header) {
    SignatureHeader out;
    bool have_t = false;
    while (!header.empty()) {
        const auto comma = header.find(',');
        const auto item = trim(header.substr(0, comma));
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        const auto eq = item.find('=');
        if (eq == std::string_view::npos) bad_signature("malformed header");
        const auto key = item.substr(0, eq);
        const auto value = item.substr(eq + 1);
        if (key == "t") {
            const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), out.timestamp);
            if (ec != std::errc{} || ptr != value.data() + value.size() || value.empty()) bad_signature("malformed timestamp");
            have_t = true;
        } else if (key == "v1") {
            out.v1.emplace_back(value);
        }
    }
    if (!have_t) bad_signature("no timestamp");
    if (out.v1.empty()) bad_signature("no v1 signature");
    return out;
}

// One request to Stripe; throws only when no answer came.
HttpResponse send(const HttpTransport& http, const std::string& url, const std::string& secret_key,
                  const std::string& idempotency_key, std::string body) {
    if (!http) invalid("transport", "no HTTP transport given");
    HttpRequest req{.method = "POST", .url = url,
                    .headers = {{"Authorization", "Bearer " + secret_key},
                                {"Content-Type", "application/x-www-form-urlencoded"},
                                {"Stripe-Version", "2024-06-20"}},
                    .body = std::move(body)};
    if (!idempotency_key.empty()) req.headers.emplace_back("Idempotency-Key", idempotency_key);
    HttpResponse res;
    try {
        res = http(req);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(Errc::provider_error, std::string("Stripe could not be reached: ") + e.what());
    }
    return res;
}

[[noreturn]] void refused(const HttpResponse& res) {
    std::string message = "Stripe answered HTTP " + std::to_string(res.status);
    const auto parsed = checked_parse(res.body);
    const auto& json = parsed ? *parsed : nlohmann::json();
    if (json.is_object() && json.contains("error") && json["error"].is_object() &&
        json["error"].contains("message") && json["error"]["message"].is_string()) {
        // Stripe's own sentence, but bounded and escaped like any input.
        message += ": " + quote_excerpt(json["error"]["message"].get<std::string>(), 200);
    }
    throw Error(Errc::provider_error, message);
}

// A request that must succeed (2xx).
HttpResponse post(const HttpTransport& http, const std::string& url, const std::string& secret_key,
                  const std::string& idempotency_key, std::string body) {
    auto res = send(http, url, secret_key, idempotency_key, std::move(body));
    if (res.status < 200 || res.status >= 300) refused(res);
    return res;
}

nlohmann::json parse_object(const std::string& body, const char* what) {
    auto json = checked_parse(body);
    if (!json || !json->is_object()) throw Error(Errc::provider_error, std::string("Stripe sent a malformed ") + what);
    return std::move(*json);
}

std::string string_at(const nlohmann::json& obj, const char* key) {
    const auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// What a charge's `refunds` list (absent from events unless expanded) says of
// its refunds as a whole: "succeeded" only when every one did; the first
// failed/canceled one, else "pending"; "" when the event carries no list, so
// nothing is known.
std::string refunds_status(const nlohmann::json& charge) {
    const auto refunds = charge.find("refunds");
    if (refunds == charge.end() || !refunds->is_object()) return {};
    const auto data = refunds->find("data");
    if (data == refunds->end() || !data->is_array() || data->empty()) return {};
    bool all_succeeded = true;
    for (const auto& r : *data) {
        const auto status = r.is_object() ? string_at(r, "status") : std::string{};
        if (status == "failed" || status == "canceled") return status;
        all_succeeded &= status == "succeeded";
    }
    return all_succeeded ? "succeeded" : "pending";
}

}  // namespace

std::string form_encode(std::string_view s) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '_' || u == '.' || u == '~') {
            out += c;
        } else {
            out += '%';
            out += digits[u >> 4];
            out += digits[u & 15];
        }
    }
    return out;
}

void register_stripe(PaymentProviders& providers, std::string api_base) {
    providers.add("stripe", [api_base = std::move(api_base)](const PaymentSettings& s) {
        return std::make_unique<StripeProvider>(
            StripeConfig{.secret_key = s.secret_key, .webhook_secret = s.webhook_secret, .api_base = api_base});
    });
}

StripeProvider::StripeProvider(StripeConfig config) : config_(std::move(config)) {
    if (config_.secret_key.empty()) invalid("secret_key", "must not be empty");
    if (config_.webhook_secret.empty()) invalid("webhook_secret", "must not be empty");
}

std::string StripeProvider::checkout_form(const CheckoutRequest& r) const {
    std::string currency = r.currency;
    std::transform(currency.begin(), currency.end(), currency.begin(), [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    std::vector<std::pair<std::string, std::string>> fields{
        {"mode", "payment"},
        {"line_items[0][quantity]", "1"},
        {"line_items[0][price_data][currency]", currency},
        {"line_items[0][price_data][unit_amount]", std::to_string(r.amount)},
        {"line_items[0][price_data][product_data][name]", r.product_name},
        {"metadata[booking_id]", r.booking.value},
        {"payment_intent_data[metadata][booking_id]", r.booking.value},
        {"client_reference_id", r.booking.value},
        {"success_url", r.success_url},
        {"cancel_url", r.cancel_url},
    };
    if (!r.customer_email.empty()) fields.emplace_back("customer_email", r.customer_email);
    if (r.expires_at) {
        // Outside Stripe's window the session keeps its default life (24 h); a
        // payment after the hold is then settled by the engine's late-payment
        // rule. Never derived from `now`, so a retry sends the same body.
        const auto life = *r.expires_at - r.now;
        if (life >= min_session_life && life <= max_session_life) {
            fields.emplace_back("expires_at", std::to_string(r.expires_at->time_since_epoch().count()));
        }
    }
    std::string body;
    for (const auto& [k, v] : fields) {
        if (!body.empty()) body += '&';
        body += form_encode(k) + '=' + form_encode(v);
    }
    return body;
}

Checkout StripeProvider::create_checkout(const CheckoutRequest& r, const HttpTransport& http) const {
    // Stripe refuses a reused key with other parameters: the key carries a
    // digest of the body, so a retry of the same request reuses the session
    // and a changed request (other URLs) gets a new one.
    const auto body = checkout_form(r);
    const auto key = r.idempotency_key.empty() ? std::string{} : r.idempotency_key + "-" + digest(body);
    const auto res = post(http, config_.api_base + "/v1/checkout/sessions", config_.secret_key, key, body);
    const auto json = parse_object(res.body, "checkout session");
    Checkout out{.id = string_at(json, "id"), .url = string_at(json, "url")};
    if (out.id.empty() || out.url.empty()) throw Error(Errc::provider_error, "Stripe's checkout session has no id or url");
    if (body.find("&expires_at=") != std::string::npos) out.expires_at = r.expires_at;
    return out;
}

void StripeProvider::expire_checkout(const std::string& checkout_id, const HttpTransport& http) const {
    if (checkout_id.empty()) invalid("checkout_id", "must not be empty");
    const auto res = send(http, config_.api_base + "/v1/checkout/sessions/" + form_encode(checkout_id) + "/expire",
                          config_.secret_key, {}, {});
    // 400: Stripe expires only open sessions, so this one is complete or
    // already expired; 404: no such session. Either way no payment can come
    // through it that this call could stop. Anything else (401, 429, 5xx, no
    // answer) is worth another try later.
    if ((res.status >= 200 && res.status < 300) || res.status == 400 || res.status == 404) return;
    refused(res);
}

std::string StripeProvider::sign(std::string_view payload, Instant t) const {
    const auto ts = std::to_string(t.time_since_epoch().count());
    return "t=" + ts + ",v1=" + hmac_sha256_hex(config_.webhook_secret, ts + "." + std::string(payload));
}

PaymentEvent StripeProvider::parse_webhook(std::string_view payload, const Headers& headers, Instant now) const {
    // Before the HMAC: a huge body costs nothing to refuse.
    if (payload.size() > stripe_json_limits.max_bytes) {
        invalid("payload", "the document is " + std::to_string(payload.size()) + " bytes, more than the limit of " +
                               std::to_string(stripe_json_limits.max_bytes));
    }
    const auto header = find_header(headers, "Stripe-Signature");
    if (!header) bad_signature("missing");
    const auto sig = parse_signature_header(*header);
    const auto expected = hmac_sha256_hex(config_.webhook_secret, std::to_string(sig.timestamp) + "." + std::string(payload));
    bool match = false;
    for (const auto& candidate : sig.v1) {
        // Constant time, and every candidate is compared, so timing reveals nothing.
        match |= candidate.size() == expected.size() &&
                 CRYPTO_memcmp(candidate.data(), expected.data(), expected.size()) == 0;
    }
    if (!match) bad_signature("no signature matches the payload");
    // Compared without subtracting the sender's number: `t` may be any int64,
    // and now ± tolerance cannot overflow.
    const auto now_s = now.time_since_epoch().count();
    const auto tolerance = config_.tolerance.count();
    if (sig.timestamp < now_s - tolerance || sig.timestamp > now_s + tolerance) {
        bad_signature("timestamp outside the tolerance of " + std::to_string(config_.tolerance.count()) + " s");
    }

    // Signed, but still held to the rules: a duplicate "amount_total" would
    // otherwise be read as whichever nlohmann keeps.
    check_json(payload, stripe_json_limits, "payload", "payload.");
    const auto event = nlohmann::json::parse(payload, nullptr, false);
    if (!event.is_object()) invalid("payload", "not a JSON object");
    PaymentEvent out;
    out.id = string_at(event, "id");
    out.type = string_at(event, "type");
    if (out.id.empty()) invalid("payload.id", "missing");
    if (out.type.empty()) invalid("payload.type", "missing");
    if (const auto c = event.find("created"); c != event.end() && c->is_number_integer()) {
        out.created = Instant{std::chrono::seconds{c->get<std::int64_t>()}};
    }
    const auto data = event.find("data");
    const nlohmann::json object = data != event.end() && data->is_object() && data->contains("object") && (*data)["object"].is_object()
                                      ? (*data)["object"]
                                      : nlohmann::json::object();
    if (const auto md = object.find("metadata"); md != object.end() && md->is_object()) {
        if (const auto id = string_at(*md, "booking_id"); !id.empty()) out.booking = BookingId{id};
    }
    const bool is_session = out.type.rfind("checkout.session.", 0) == 0;
    // Only metadata names the booking: client_reference_id can be set by a
    // buyer (Payment Links take it from the URL), metadata only by the merchant.
    out.currency = string_at(object, "currency");
    const bool is_refund = out.type == "charge.refund.updated" || out.type == "refund.updated" ||
                           out.type == "refund.created" || out.type == "refund.failed";
    if (is_session) {
        out.checkout_id = string_at(object, "id");
        out.payment_reference = string_at(object, "payment_intent");
        out.amount = integer_at(object, "amount_total");
        // Adaptive Pricing (API 2024-06-20): amount_total and currency are
        // what the customer saw, converted; currency_conversion keeps the
        // amount in the currency the session was created in.
        if (const auto cc = object.find("currency_conversion"); cc != object.end() && cc->is_object()) {
            out.converted = true;
            out.amount = integer_at(*cc, "amount_total");
            out.currency = string_at(*cc, "source_currency");
        }
    } else if (out.type == "charge.refunded") {
        out.payment_reference = string_at(object, "payment_intent");
        out.amount = integer_at(object, "amount");
        out.amount_refunded = integer_at(object, "amount_refunded");
        out.refund_status = refunds_status(object);
    } else if (is_refund) {
        out.payment_reference = string_at(object, "payment_intent");
        out.amount_refunded = integer_at(object, "amount");
        out.refund_status = string_at(object, "status");
    } else if (out.type == "charge.dispute.created") {
        out.payment_reference = string_at(object, "payment_intent");
        out.amount = integer_at(object, "amount");
    }
    // Stripe sends currencies lowercase; a stray uppercase one still compares.
    std::transform(out.currency.begin(), out.currency.end(), out.currency.begin(),
                   [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    if (out.type == "checkout.session.completed") {
        out.kind = string_at(object, "payment_status") == "paid" ? PaymentEventKind::checkout_paid : PaymentEventKind::checkout_unpaid;
    } else if (out.type == "checkout.session.async_payment_succeeded") {
        out.kind = PaymentEventKind::async_payment_succeeded;
    } else if (out.type == "checkout.session.async_payment_failed") {
        out.kind = PaymentEventKind::async_payment_failed;
    } else if (out.type == "checkout.session.expired") {
        out.kind = PaymentEventKind::checkout_expired;
    } else if (out.type == "charge.refunded") {
        out.kind = PaymentEventKind::charge_refunded;
    } else if (is_refund) {
        out.kind = PaymentEventKind::refund_updated;
    } else if (out.type == "charge.dispute.created") {
        out.kind = PaymentEventKind::dispute_opened;
    }
    return out;
}

Refund StripeProvider::refund(const RefundRequest& r, const HttpTransport& http) const {
    if (r.payment_reference.empty()) invalid("payment_reference", "no payment to refund");
    const auto res = post(http, config_.api_base + "/v1/refunds", config_.secret_key, r.idempotency_key,
                          "payment_intent=" + form_encode(r.payment_reference) + "&metadata%5Bbooking_id%5D=" +
                              form_encode(r.booking.value));
    const auto json = parse_object(res.body, "refund");
    return {.id = string_at(json, "id"), .status = string_at(json, "status")};
}

}  // namespace slotwise
