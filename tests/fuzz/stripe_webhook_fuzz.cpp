// tests/fuzz/stripe_webhook_fuzz.cpp — libFuzzer target for the Stripe
// webhook endpoint: the `Stripe-Signature` header parser and the event parser,
// through `StripeProvider::parse_webhook`, exactly as a webhook reaches it.
//
// The first byte picks what the rest is:
//  - even: an event body, sent with the signature Stripe would compute for it
//    at `now` (so every input gets past the signature check to the JSON
//    parser); the call must then never answer signature_invalid;
//  - odd: a header value, a newline, then a body: the header parser meets
//    whatever the fuzzer makes (timestamps at the int64 limits, repeated and
//    empty fields, schemes other than v1).
// Either way parse_webhook returns an event or throws `slotwise::Error`; any
// other exception, or a sanitizer report, aborts and keeps the input.
#include <slotwise/stripe.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

const slotwise::Instant now{std::chrono::seconds{1'780'000'000}};

const slotwise::StripeProvider& provider() {
    static const slotwise::StripeProvider p({.secret_key = "sk_test_fuzz", .webhook_secret = "whsec_fuzz"});
    return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    const bool signed_body = data[0] % 2 == 0;
    std::string header;
    std::string_view body = rest;
    if (signed_body) {
        header = provider().sign(body, now);
    } else {
        const auto nl = rest.find('\n');
        header = std::string(rest.substr(0, nl));
        body = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
    try {
        (void)provider().parse_webhook(body, {{"Stripe-Signature", header}}, now);
    } catch (const slotwise::Error& e) {
        // A body signed with the endpoint's secret just now is authentic,
        // whatever it says.
        if (signed_body && e.code() == slotwise::Errc::signature_invalid) std::abort();
    }
    return 0;
}
