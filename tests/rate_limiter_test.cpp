// The token-bucket rate limiter: exact refill on a manual clock, retry-after,
// the LRU bound on keys, agreement with a plain token-bucket model over
// random calls, and real threads sharing one limiter.
#include <slotwise/error.hpp>
#include <slotwise/rate_limiter.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {
// A clock the test moves by hand, shared with the limiter.
struct ManualClock {
    std::shared_ptr<std::atomic<std::int64_t>> ns = std::make_shared<std::atomic<std::int64_t>>(1'000'000'000);
    void advance(std::chrono::nanoseconds d) { ns->fetch_add(d.count()); }
    RateLimiter::Clock clock() const {
        return [n = ns] { return RateLimiter::TimePoint{std::chrono::nanoseconds{n->load()}}; };
    }
};

// The model: a bucket of tokens kept as "tokens x refill" nanoseconds, filled
// by the time that passed and capped at burst, as the header describes it.
struct ModelBucket {
    std::int64_t level = -1;  // -1 = a new key: full
    std::int64_t last = 0;
};
}  // namespace

TEST_CASE("a new key may spend its burst at once, then one token per refill interval") {
    ManualClock time;
    RateLimiter limit({.burst = 3, .refill_every = 1s, .clock = time.clock()});
    for (int i = 0; i < 3; ++i) CHECK(limit.try_acquire("ip:1"));
    const auto refused = limit.try_acquire("ip:1");
    CHECK_FALSE(refused);
    CHECK(refused.retry_after == 1s);
    time.advance(400ms);
    CHECK(limit.try_acquire("ip:1").retry_after == 600ms);
    time.advance(600ms);
    CHECK(limit.try_acquire("ip:1"));
    CHECK_FALSE(limit.try_acquire("ip:1"));
    // Other keys have buckets of their own.
    CHECK(limit.try_acquire("ip:2"));
    // Idle time refills up to the burst, never past it.
    time.advance(1h);
    for (int i = 0; i < 3; ++i) CHECK(limit.try_acquire("ip:1"));
    CHECK_FALSE(limit.try_acquire("ip:1"));
}

TEST_CASE("a costly call takes several tokens, and a refused one takes none") {
    ManualClock time;
    RateLimiter limit({.burst = 10, .refill_every = 100ms, .clock = time.clock()});
    CHECK(limit.try_acquire("t", 7));
    const auto refused = limit.try_acquire("t", 5);
    CHECK_FALSE(refused);
    CHECK(refused.retry_after == 200ms);
    CHECK(limit.try_acquire("t", 3));  // the refused call took nothing
    CHECK_FALSE(limit.try_acquire("t", 1));
}

TEST_CASE("bad options, costs and keys are refused naming them") {
    const auto field_of = [](auto&& call) {
        try {
            call();
        } catch (const Error& e) {
            CHECK(e.code() == Errc::invalid_argument);
            return e.field();
        }
        return std::string("no error");
    };
    CHECK(field_of([] { RateLimiter({.burst = 0}); }) == "burst");
    CHECK(field_of([] { RateLimiter({.refill_every = 0s}); }) == "refill_every");
    CHECK(field_of([] { RateLimiter({.max_keys = 0}); }) == "max_keys");
    CHECK(field_of([] { RateLimiter({.burst = 1000, .refill_every = std::chrono::hours{24 * 365}}); }) ==
          "refill_every");
    // A large burst with a short interval is fine.
    RateLimiter big({.burst = 1'000'000, .refill_every = 1us});
    CHECK(big.try_acquire("k", 1'000'000));
    RateLimiter limit({.burst = 5});
    CHECK(field_of([&] { limit.try_acquire("k", 6); }) == "cost");
    CHECK(field_of([&] { limit.try_acquire("k", 0); }) == "cost");
    CHECK(field_of([&] { limit.try_acquire(std::string(RateLimiter::max_key_bytes + 1, 'k')); }) == "key");
}

TEST_CASE("memory is bounded: past max_keys the least recently used key is forgotten") {
    ManualClock time;
    RateLimiter limit({.burst = 1, .refill_every = 1h, .max_keys = 160, .clock = time.clock()});
    for (int i = 0; i < 100'000; ++i) limit.try_acquire("addr-" + std::to_string(i));
    CHECK(limit.size() <= 160);
    // Whatever max_keys is, not only a multiple of the shards.
    for (const std::size_t max_keys : {1, 3, 15, 17, 100, 1000}) {
        RateLimiter odd({.burst = 1, .refill_every = 1h, .max_keys = max_keys, .clock = time.clock()});
        for (int i = 0; i < 20'000; ++i) odd.try_acquire("spoofed-" + std::to_string(i));
        CAPTURE(max_keys);
        CHECK(odd.size() <= max_keys);
        CHECK(odd.size() >= max_keys * 9 / 10);  // and not far below: the capacity is used
    }
    // A key in steady use is kept while strangers come and go.
    RateLimiter kept({.burst = 1, .refill_every = 1h, .max_keys = 16 * 4, .clock = time.clock()});
    CHECK(kept.try_acquire("busy"));
    for (int i = 0; i < 10'000; ++i) {
        CHECK_FALSE(kept.try_acquire("busy"));  // used, so most recent in its shard
        kept.try_acquire("stranger-" + std::to_string(i));
    }
}

TEST_CASE("property: the limiter agrees with a plain token-bucket model on random calls") {
    std::mt19937_64 rng(20261110);
    for (int round = 0; round < 50; ++round) {
        const std::int64_t burst = std::uniform_int_distribution<std::int64_t>(1, 20)(rng);
        const std::int64_t interval = std::uniform_int_distribution<std::int64_t>(1, 5'000'000)(rng);
        ManualClock time;
        // max_keys above the keys used: the model never forgets either.
        RateLimiter limit({.burst = burst, .refill_every = std::chrono::nanoseconds{interval}, .max_keys = 1024,
                           .clock = time.clock()});
        std::map<std::string, ModelBucket> model;
        for (int call = 0; call < 2'000; ++call) {
            time.advance(std::chrono::nanoseconds{std::uniform_int_distribution<std::int64_t>(0, 3 * interval)(rng)});
            const auto key = "k" + std::to_string(std::uniform_int_distribution<int>(0, 5)(rng));
            const std::int64_t cost = std::uniform_int_distribution<std::int64_t>(1, burst)(rng);
            const std::int64_t now = time.ns->load();
            auto& b = model[key];
            if (b.level < 0) b.level = burst * interval;
            b.level = std::min(burst * interval, b.level + (now - b.last));
            b.last = now;
            const bool allowed = b.level >= cost * interval;
            const std::int64_t retry = allowed ? 0 : cost * interval - b.level;
            if (allowed) b.level -= cost * interval;
            const auto got = limit.try_acquire(key, cost);
            CAPTURE(round);
            CAPTURE(call);
            REQUIRE(got.allowed == allowed);
            REQUIRE(got.retry_after.count() == retry);
        }
    }
}

TEST_CASE("real threads sharing one limiter are allowed exactly the burst, no more") {
    ManualClock time;  // frozen: no refill while the threads race
    RateLimiter limit({.burst = 1000, .refill_every = 1s, .clock = time.clock()});
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 5'000; ++i) {
                if (limit.try_acquire("tenant:1")) ++allowed;
                limit.try_acquire("addr:" + std::to_string(i % 300));
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(allowed == 1000);
    CHECK(limit.size() == 301);
}

TEST_CASE("the default clock is the steady clock") {
    RateLimiter limit({.burst = 1, .refill_every = 20ms});
    CHECK(limit.try_acquire("k"));
    CHECK_FALSE(limit.try_acquire("k"));
    std::this_thread::sleep_for(25ms);
    CHECK(limit.try_acquire("k"));
}
