// The Stripe adapter on its own: the Checkout request and webhook verification.
#include "support/errors.hpp"

#include <slotwise/stripe.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <limits>
#include <map>

using namespace slotwise;
using slotwise::test::code_of;
using namespace std::chrono_literals;

namespace {

const StripeProvider stripe({.secret_key = "sk_test_123", .webhook_secret = "whsec_test_secret"});
const Instant now = parse_instant("2026-06-01T05:00:00Z", "now");

std::string decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i] == '+' ? ' ' : s[i];
        }
    }
    return out;
}

std::map<std::string, std::string> parse_form(std::string_view body) {
    std::map<std::string, std::string> out;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const auto pair = body.substr(0, amp);
        const auto eq = pair.find('=');
        out[decode(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    }
    return out;
}

CheckoutRequest colour_checkout() {
    return {.booking = {"bkg_42"}, .product_name = "Colour & cut", .amount = 4500, .currency = "EUR",
            .customer_email = "ada+test@example.com", .success_url = "https://salon.example/ok?b=bkg_42",
            .cancel_url = "https://salon.example/back", .expires_at = now + 45min, .now = now,
            .idempotency_key = "checkout-bkg_42"};
}

std::string completed_event(const std::string& payment_status = "paid") {
    return nlohmann::json{{"id", "evt_1"}, {"object", "event"}, {"type", "checkout.session.completed"}, {"created", 1780290000},
                          {"data", {{"object", {{"id", "cs_test_1"}, {"object", "checkout.session"}, {"payment_status", payment_status},
                                                {"payment_intent", "pi_1"}, {"client_reference_id", "bkg_42"},
                                                {"metadata", {{"booking_id", "bkg_42"}}}}}}}}
        .dump();
}

}  // namespace

TEST_CASE("the checkout request body uses Stripe's documented parameter names") {
    const auto form = parse_form(stripe.checkout_form(colour_checkout()));
    const std::map<std::string, std::string> expected{
        {"mode", "payment"},
        {"line_items[0][quantity]", "1"},
        {"line_items[0][price_data][currency]", "eur"},
        {"line_items[0][price_data][unit_amount]", "4500"},
        {"line_items[0][price_data][product_data][name]", "Colour & cut"},
        {"metadata[booking_id]", "bkg_42"},
        {"payment_intent_data[metadata][booking_id]", "bkg_42"},
        {"client_reference_id", "bkg_42"},
        {"customer_email", "ada+test@example.com"},
        {"success_url", "https://salon.example/ok?b=bkg_42"},
        {"cancel_url", "https://salon.example/back"},
        {"expires_at", std::to_string((now + 45min).time_since_epoch().count())},
    };
    CHECK(form == expected);
}

TEST_CASE("expires_at follows the hold only within Stripe's window, with a minute of margin") {
    auto r = colour_checkout();
    const auto expires = [&](Minutes life) {
        r.expires_at = now + life;
        return parse_form(stripe.checkout_form(r)).count("expires_at") == 1;
    };
    CHECK_FALSE(expires(15min));
    CHECK_FALSE(expires(30min));  // Stripe's minimum, measured on arrival: too tight
    CHECK(expires(31min));
    CHECK(expires(24h));
    CHECK_FALSE(expires(48h));  // the session keeps Stripe's default life instead
    r.expires_at.reset();
    CHECK(parse_form(stripe.checkout_form(r)).count("expires_at") == 0);
}

TEST_CASE("create_checkout posts once with an idempotency key and returns the session") {
    HttpRequest seen;
    const auto co = stripe.create_checkout(colour_checkout(), [&](const HttpRequest& req) {
        seen = req;
        return HttpResponse{200, R"({"id":"cs_test_1","object":"checkout.session","url":"https://checkout.stripe.com/c/pay/cs_test_1"})"};
    });
    CHECK(co.id == "cs_test_1");
    CHECK(co.url == "https://checkout.stripe.com/c/pay/cs_test_1");
    CHECK(seen.method == "POST");
    CHECK(seen.url == "https://api.stripe.com/v1/checkout/sessions");
    CHECK(find_header(seen.headers, "authorization") == "Bearer sk_test_123");
    // The key carries a digest of the body: the same request reuses the
    // session, a changed one (other URLs) does not collide with it.
    const auto key = find_header(seen.headers, "Idempotency-Key").value_or("");
    CHECK(key.starts_with("checkout-bkg_42-"));
    auto other = colour_checkout();
    other.success_url = "https://salon.example/thanks";
    HttpRequest second;
    stripe.create_checkout(other, [&](const HttpRequest& req) {
        second = req;
        return HttpResponse{200, R"({"id":"cs_test_2","url":"https://checkout.stripe.com/c/pay/cs_test_2"})"};
    });
    CHECK(find_header(second.headers, "Idempotency-Key") != key);
    CHECK(find_header(seen.headers, "Content-Type") == "application/x-www-form-urlencoded");
}

TEST_CASE("Stripe errors and unreachable transports become provider_error") {
    CHECK(code_of([] {
              stripe.create_checkout(colour_checkout(), [](const HttpRequest&) {
                  return HttpResponse{400, R"({"error":{"message":"Invalid currency: xxx"}})"};
              });
          }) == Errc::provider_error);
    CHECK(code_of([] {
              stripe.create_checkout(colour_checkout(), [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("timeout"); });
          }) == Errc::provider_error);
    CHECK(code_of([] {
              stripe.create_checkout(colour_checkout(), [](const HttpRequest&) { return HttpResponse{200, "<html>"}; });
          }) == Errc::provider_error);
}

TEST_CASE("a correctly signed webhook is accepted and parsed") {
    const auto body = completed_event();
    const auto ev = stripe.parse_webhook(body, {{"Stripe-Signature", stripe.sign(body, now - 10s)}}, now);
    CHECK(ev.id == "evt_1");
    CHECK(ev.kind == PaymentEventKind::checkout_paid);
    REQUIRE(ev.booking);
    CHECK(ev.booking->value == "bkg_42");
    CHECK(ev.checkout_id == "cs_test_1");
    CHECK(ev.payment_reference == "pi_1");
    const auto unpaid = completed_event("unpaid");
    CHECK(stripe.parse_webhook(unpaid, {{"stripe-signature", stripe.sign(unpaid, now)}}, now).kind == PaymentEventKind::checkout_unpaid);
}

TEST_CASE("a webhook is refused for a changed body, a wrong secret, a stale time or a bad header") {
    const auto body = completed_event();
    const auto header = stripe.sign(body, now);
    const StripeProvider other({.secret_key = "sk_test_123", .webhook_secret = "whsec_other"});
    const auto refused = [&](const std::string& payload, const Headers& headers, Instant at = now) {
        return code_of([&] { stripe.parse_webhook(payload, headers, at); }) == Errc::signature_invalid;
    };
    CHECK(refused(body + " ", {{"Stripe-Signature", header}}));
    CHECK(refused(body, {{"Stripe-Signature", other.sign(body, now)}}));
    CHECK(refused(body, {{"Stripe-Signature", header}}, now + 301s));
    CHECK(refused(body, {{"Stripe-Signature", header}}, now - 301s));
    CHECK_FALSE(refused(body, {{"Stripe-Signature", header}}, now + 300s));
    CHECK(refused(body, {}));
    CHECK(refused(body, {{"Stripe-Signature", ""}}));
    CHECK(refused(body, {{"Stripe-Signature", "garbage"}}));
    CHECK(refused(body, {{"Stripe-Signature", "t=abc,v1=00"}}));
    CHECK(refused(body, {{"Stripe-Signature", header.substr(0, header.find(','))}}));
    CHECK(refused(body, {{"Stripe-Signature", "v1=" + header.substr(header.find("v1=") + 3)}}));
}

TEST_CASE("during secret rotation any matching v1 signature is accepted") {
    const auto body = completed_event();
    const StripeProvider old_secret({.secret_key = "sk_test_123", .webhook_secret = "whsec_old"});
    const auto mine = stripe.sign(body, now);
    const auto theirs = old_secret.sign(body, now);
    const auto both = theirs + ",v1=" + mine.substr(mine.find("v1=") + 3) + ",v0=ignored";
    CHECK(stripe.parse_webhook(body, {{"Stripe-Signature", both}}, now).id == "evt_1");
}

TEST_CASE("a signed header with t at the int64 extremes is refused as stale, without overflow") {
    const std::string body = completed_event();
    for (const auto t : {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(),
                         std::numeric_limits<std::int64_t>::min() + 1}) {
        const auto header = stripe.sign(body, Instant{std::chrono::seconds{t}});
        CHECK(code_of([&] { stripe.parse_webhook(body, {{"Stripe-Signature", header}}, now); }) == Errc::signature_invalid);
    }
}

TEST_CASE("a session event without currency or amount parses with none, so the engine cannot apply it") {
    const std::string body = completed_event();
    const auto e = stripe.parse_webhook(body, {{"Stripe-Signature", stripe.sign(body, now)}}, now);
    CHECK(e.kind == PaymentEventKind::checkout_paid);
    CHECK(e.currency.empty());
    CHECK_FALSE(e.amount);
}

TEST_CASE("Adaptive Pricing: the amount and currency read are currency_conversion's source ones") {
    auto json = nlohmann::json::parse(completed_event());
    json["data"]["object"]["amount_total"] = 5200;
    json["data"]["object"]["currency"] = "usd";
    json["data"]["object"]["currency_conversion"] = {{"amount_subtotal", 4500}, {"amount_total", 4500},
                                                     {"fx_rate", "1.1555"}, {"source_currency", "eur"}};
    const auto body = json.dump();
    const auto e = stripe.parse_webhook(body, {{"Stripe-Signature", stripe.sign(body, now)}}, now);
    CHECK(e.converted);
    CHECK(e.amount == 4500);
    CHECK(e.currency == "eur");
}

TEST_CASE("refund and dispute events parse their status, payment and amount") {
    const auto parse = [&](const nlohmann::json& j) {
        const auto body = j.dump();
        return stripe.parse_webhook(body, {{"Stripe-Signature", stripe.sign(body, now)}}, now);
    };
    for (const char* type : {"charge.refund.updated", "refund.updated", "refund.created", "refund.failed"}) {
        const auto e = parse({{"id", "evt_r"}, {"type", type},
                              {"data", {{"object", {{"id", "re_1"}, {"object", "refund"}, {"payment_intent", "pi_1"},
                                                    {"amount", 4500}, {"currency", "eur"}, {"status", "failed"}}}}}});
        CHECK(e.kind == PaymentEventKind::refund_updated);
        CHECK(e.refund_status == "failed");
        CHECK(e.payment_reference == "pi_1");
        CHECK(e.amount_refunded == 4500);
    }
    const auto charge = parse({{"id", "evt_c"}, {"type", "charge.refunded"},
                               {"data", {{"object", {{"id", "ch_1"}, {"payment_intent", "pi_1"}, {"amount", 4500},
                                                     {"amount_refunded", 4500}, {"currency", "eur"}}}}}});
    CHECK(charge.kind == PaymentEventKind::charge_refunded);
    CHECK(charge.refund_status.empty());  // no refunds list: not known to have succeeded
    const auto dispute = parse({{"id", "evt_d"}, {"type", "charge.dispute.created"},
                                {"data", {{"object", {{"id", "dp_1"}, {"payment_intent", "pi_1"}, {"amount", 4500},
                                                      {"currency", "eur"}}}}}});
    CHECK(dispute.kind == PaymentEventKind::dispute_opened);
    CHECK(dispute.payment_reference == "pi_1");
}

TEST_CASE("expiring a checkout posts to Stripe; a session Stripe will not expire counts as closed") {
    std::vector<HttpRequest> seen;
    int status = 200;
    const HttpTransport http = [&](const HttpRequest& r) {
        seen.push_back(r);
        return HttpResponse{status, R"({"error":{"message":"no"}})"};
    };
    stripe.expire_checkout("cs_test_1", http);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].url == "https://api.stripe.com/v1/checkout/sessions/cs_test_1/expire");
    status = 400;
    stripe.expire_checkout("cs_test_1", http);
    status = 500;
    CHECK(code_of([&] { stripe.expire_checkout("cs_test_1", http); }) == Errc::provider_error);
    status = 401;
    CHECK(code_of([&] { stripe.expire_checkout("cs_test_1", http); }) == Errc::provider_error);
}

TEST_CASE("a checkout says when Stripe closes it: only when expires_at was sent") {
    const HttpTransport http = [](const HttpRequest&) {
        return HttpResponse{200, R"({"id":"cs_1","url":"https://checkout.stripe.com/c/pay/cs_1"})"};
    };
    auto r = colour_checkout();
    CHECK(stripe.create_checkout(r, http).expires_at == r.expires_at);
    r.expires_at = now + 15min;
    CHECK_FALSE(stripe.create_checkout(r, http).expires_at);
}
