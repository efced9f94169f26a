// Authentication and rate limits: a bearer key becomes the Principal it was
// minted for (api_keys.hpp), and nothing else in the request can change the
// tenant. A missing, malformed, unknown or revoked key is the same 401.
#include "internal.hpp"

#include <cmath>

namespace slotwise::http {

ApiKey authenticate(const Call& c) {
    const auto header = c.req.get_header_value("Authorization");
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() > scheme.size() && std::string_view(header).substr(0, scheme.size()) == scheme) {
        if (auto key = authenticate_api_key(c.engine, std::string_view(header).substr(scheme.size()))) return *key;
    }
    throw HttpError{.status = 401, .code = "unauthenticated", .field = "Authorization",
                    .detail = "expected \"Bearer <API key>\""};
}

void take_tokens(RateLimiter& limiter, std::string_view key, std::int64_t cost) {
    const auto d = limiter.try_acquire(key.substr(0, RateLimiter::max_key_bytes), cost);
    if (d) return;
    // Retry-After in whole seconds, rounded up, never 0.
    const auto ns = d.retry_after.count();
    const auto seconds = std::max<std::int64_t>(1, (ns + 999'999'999) / 1'000'000'000);
    throw HttpError{.status = 429, .code = "rate_limited", .detail = {}, .retry_after = std::chrono::seconds{seconds}};
}

}  // namespace slotwise::http
