// slotwise/rate_limiter.hpp — a token bucket per key, for the host to put in
// front of any call.
//
// slotwise authenticates nobody and counts no requests: a tenant's policy
// (policy.hpp) bounds what a customer may *hold*, not how often it may ask.
// The host puts a `RateLimiter` in front of its endpoints, keyed by what it
// knows about the caller, typically three at once:
//
//   slotwise::RateLimiter per_address({.burst = 60, .refill_every = std::chrono::seconds{1}});
//   slotwise::RateLimiter per_subject({.burst = 20, .refill_every = std::chrono::seconds{3}});
//   slotwise::RateLimiter per_tenant({.burst = 2000, .refill_every = std::chrono::milliseconds{10}});
//   ...
//   if (auto d = per_address.try_acquire(client_ip); !d) {
//       return http_429(d.retry_after);  // "Retry-After" in whole seconds, rounded up
//   }
//   // then per_subject.try_acquire(tenant_id + ":" + subject, cost),
//   // and per_tenant.try_acquire(tenant_id, cost), each answered the same way
//
// Per client address before authentication (login and webhook endpoints
// too), per tenant + subject once the Principal is known (a customer that
// books and cancels in a loop), and per tenant (one tenant's traffic cannot
// starve the others). Give `book()` a higher `cost` than a read.
//
// Semantics: each key has a bucket of `burst` tokens, refilled by one token
// every `refill_every`, never above `burst`; a call of `cost` tokens is
// allowed when the bucket holds at least `cost`, and takes them. A refused
// call takes nothing and says how long until it would be allowed. A new key
// starts full. Kept as one instant per key (the "theoretical arrival time"
// of GCRA, which is this bucket exactly, in integer nanoseconds).
//
// Cost: O(1) per call (one hash lookup under one of 16 shard mutexes).
// Memory: at most `max_keys` keys (each about 100 bytes plus the key; keys
// longer than `max_key_bytes` are refused), the least recently used key
// forgotten first. A forgotten key starts full again, so choose `max_keys`
// above the number of keys active within the time a bucket takes to refill.
//
// Thread-safety: `try_acquire` may be called from many threads at once. The
// clock is called under no lock and must be thread-safe itself.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

namespace slotwise {

/// A token bucket per key, bounded in memory. Thread-safe.
class RateLimiter {
public:
    /// The limiter's notion of now (a monotonic clock).
    using TimePoint = std::chrono::steady_clock::time_point;
    using Clock = std::function<TimePoint()>;

    /// Longest key, in bytes.
    static constexpr std::size_t max_key_bytes = 256;

    struct Options {
        std::int64_t burst = 10;                                   ///< bucket size, 1 .. 1e9 tokens
        std::chrono::nanoseconds refill_every = std::chrono::seconds{1};  ///< one token per this, > 0
        std::size_t max_keys = 100'000;                            ///< keys remembered, >= 1
        Clock clock{};                                             ///< empty = steady_clock::now
    };

    /// What `try_acquire` decided.
    struct Decision {
        bool allowed = false;
        /// When refused: how long until the same call would be allowed
        /// (zero when allowed).
        std::chrono::nanoseconds retry_after{0};
        explicit operator bool() const noexcept { return allowed; }
    };

    /// Throws `Error(invalid_argument)` naming the option out of range.
    explicit RateLimiter(Options options);
    ~RateLimiter();
    RateLimiter(const RateLimiter&) = delete;
    RateLimiter& operator=(const RateLimiter&) = delete;

    /// Takes `cost` tokens from `key`'s bucket if it holds them. `cost` is 1 ..
    /// `burst` (`invalid_argument` naming "cost" otherwise: such a call could
    /// never be allowed); a key longer than `max_key_bytes` is refused with
    /// `invalid_argument` naming "key".
    Decision try_acquire(std::string_view key, std::int64_t cost = 1);

    /// Keys remembered now (at most `max_keys`).
    std::size_t size() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace slotwise
