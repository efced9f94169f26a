// Webhook headers signed by Stripe's own Node library (npm package `stripe`,
// webhooks.generateTestHeaderString) are accepted, and refused when anything
// about them is off. scripts/test installs the package into build-node/; where
// it is missing this suite says so and exits 77 (ctest: Skipped).
#include "support/process.hpp"

#include <slotwise/stripe.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {
const std::filesystem::path node_modules = SLOTWISE_STRIPE_NODE_MODULES;

const bool stripe_present = [] {
    if (std::filesystem::exists(node_modules / "stripe" / "package.json")) return true;
    std::fprintf(stderr, "SKIPPED: %s has no stripe package (run scripts/test, which installs it)\n", node_modules.c_str());
    std::exit(77);
}();

// Asks Node to sign each (payload, secret, timestamp).
std::vector<std::string> node_sign(const nlohmann::json& cases) {
    setenv("NODE_PATH", node_modules.c_str(), 1);
    const auto r = test::run_process({"/usr/bin/env", "node", SLOTWISE_TEST_DIR "/stripe/sign.js"}, cases.dump());
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out).get<std::vector<std::string>>();
}
}  // namespace

TEST_CASE("signatures made by Stripe's Node library verify, and tampering is refused") {
    REQUIRE(stripe_present);
    const StripeProvider stripe({.secret_key = "sk_test_123", .webhook_secret = "whsec_node_secret"});
    const std::string body = R"({"id":"evt_node","object":"event","type":"checkout.session.completed","created":1780290000,)"
                             R"("data":{"object":{"id":"cs_1","object":"checkout.session","payment_status":"paid",)"
                             R"("metadata":{"booking_id":"bkg_1"}}}})";
    const std::int64_t t = 1780290000;
    const Instant now{std::chrono::seconds{t + 5}};
    const auto headers = node_sign(nlohmann::json::array({
        {{"payload", body}, {"secret", "whsec_node_secret"}, {"timestamp", t}},
        {{"payload", body}, {"secret", "whsec_wrong"}, {"timestamp", t}},
        {{"payload", body}, {"secret", "whsec_node_secret"}, {"timestamp", t - 400}},
    }));
    REQUIRE(headers.size() == 3);
    const auto code = [&](const std::string& payload, const Headers& h) {
        try {
            stripe.parse_webhook(payload, h, now);
            return Errc{};
        } catch (const Error& e) {
            return e.code();
        }
    };
    CHECK(code(body, {{"Stripe-Signature", headers[0]}}) == Errc{});
    CHECK(stripe.parse_webhook(body, {{"Stripe-Signature", headers[0]}}, now).booking == BookingId{"bkg_1"});
    CHECK(code(body + "\n", {{"Stripe-Signature", headers[0]}}) == Errc::signature_invalid);
    CHECK(code(body, {{"Stripe-Signature", headers[1]}}) == Errc::signature_invalid);
    CHECK(code(body, {{"Stripe-Signature", headers[2]}}) == Errc::signature_invalid);
    CHECK(code(body, {}) == Errc::signature_invalid);
    CHECK(code(body, {{"Stripe-Signature", "t=" + std::to_string(t) + ",v1=zz"}}) == Errc::signature_invalid);
    CHECK(code(body, {{"Stripe-Signature", headers[0].substr(0, headers[0].size() / 2)}}) == Errc::signature_invalid);
    // Our own signer agrees with Stripe's byte for byte.
    CHECK(stripe.sign(body, Instant{std::chrono::seconds{t}}) == headers[0]);
}
