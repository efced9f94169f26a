// The Stripe adapter's JSON, held to the rules of json_reader.hpp: each test
// is an attack on the webhook endpoint or a hostile API answer.
#include <slotwise/stripe.hpp>

#include <doctest/doctest.h>

#include <string>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {

const StripeProvider stripe({.secret_key = "sk_test_123", .webhook_secret = "whsec_test_secret"});
const Instant now = parse_instant("2026-06-01T05:00:00Z", "now");

std::string session_completed(const std::string& object_tail) {
    return R"({"id":"evt_1","object":"event","type":"checkout.session.completed","created":1780290000,)"
           R"("data":{"object":{"id":"cs_1","object":"checkout.session","payment_status":"paid","payment_intent":"pi_1",)"
           R"("metadata":{"booking_id":"bkg_42"},"currency":"eur")" +
           object_tail + "}}}";
}

Error webhook_error(const std::string& payload, bool signed_body = true) {
    Headers headers;
    if (signed_body) headers.emplace_back("Stripe-Signature", stripe.sign(payload, now));
    try {
        (void)stripe.parse_webhook(payload, headers, now);
    } catch (const Error& e) {
        return e;
    }
    FAIL("accepted");
    return Error(Errc::storage_error, "unreachable");
}

}  // namespace

TEST_CASE("a signed event with a duplicate amount is refused naming it, not read as either amount") {
    const auto good = session_completed(R"(,"amount_total":4500)");
    CHECK(stripe.parse_webhook(good, {{"Stripe-Signature", stripe.sign(good, now)}}, now).amount == 4500);
    const auto e = webhook_error(session_completed(R"(,"amount_total":4500,"amount_total":1)"));
    CHECK(e.code() == Errc::invalid_argument);
    CHECK(e.field() == "payload.data.object.amount_total");
    CHECK(std::string(e.what()).find("duplicate key at line 1, column") != std::string::npos);
}

TEST_CASE("a signed event nested past the depth limit is refused in bounded time and memory") {
    const auto deep = session_completed(R"(,"x":)" + std::string(100'000, '[') + std::string(100'000, ']'));
    const auto e = webhook_error(deep);
    CHECK(e.field() == "payload");
    CHECK(std::string(e.what()).find("nested deeper than the limit of 64") != std::string::npos);
}

TEST_CASE("a body over 4 MiB is refused before its signature is computed") {
    const std::string huge(std::size_t{4} << 20 | 1, ' ');
    // Unsigned: the size is what refuses it, not the missing signature.
    const auto e = webhook_error(huge, false);
    CHECK(e.code() == Errc::invalid_argument);
    CHECK(std::string(e.what()) == "payload: the document is 4194305 bytes, more than the limit of 4194304");
}

TEST_CASE("a hostile API answer's error message is quoted bounded and escaped") {
    const HttpTransport http = [&](const HttpRequest&) {
        return HttpResponse{.status = 402, .body = R"({"error":{"message":"\u001b[2J)" + std::string(1'000'000, 'x') + R"("}})"};
    };
    try {
        (void)stripe.refund({.booking = {"bkg_1"}, .payment_reference = "pi_1", .idempotency_key = "k"}, http);
        FAIL("accepted");
    } catch (const Error& e) {
        const std::string what = e.what();
        CHECK(e.code() == Errc::provider_error);
        CHECK(what.size() < 300);
        CHECK(what.starts_with(R"(Stripe answered HTTP 402: "\u001b[2Jxxx)"));
        CHECK(what.find('\x1b') == std::string::npos);
    }
    // A 2xx answer with a duplicate key is not trusted either.
    const HttpTransport twice = [](const HttpRequest&) {
        return HttpResponse{.status = 200, .body = R"({"id":"re_1","status":"succeeded","status":"failed"})"};
    };
    try {
        (void)stripe.refund({.booking = {"bkg_1"}, .payment_reference = "pi_1", .idempotency_key = "k"}, twice);
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::provider_error);
        CHECK(std::string(e.what()) == "Stripe sent a malformed refund");
    }
}
