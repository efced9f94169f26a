// The token-bucket rate limiter. See include/slotwise/rate_limiter.hpp.
//
// Each key keeps one instant, `tat` (GCRA's theoretical arrival time): the
// moment its bucket will be full again. With T = refill_every and B = burst,
// the bucket holds B - (max(tat, now) - now) / T tokens, so a call of c
// tokens is allowed exactly when max(tat, now) + c*T - now <= B*T, and then
// tat becomes max(tat, now) + c*T. Integer nanoseconds throughout: no drift.
#include <slotwise/error.hpp>
#include <slotwise/rate_limiter.hpp>

#include <array>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace slotwise {

namespace {
constexpr std::size_t kShards = 16;
constexpr std::int64_t kMaxBurst = 1'000'000'000;
}  // namespace

struct RateLimiter::Impl {
    struct Entry {
        std::string key;
        TimePoint tat;
    };
    // One shard: its keys in least-recently-used order (front = most recent),
    // and an index into that list. The index's keys view the list's strings.
    struct Shard {
        std::mutex mutex;
        std::size_t capacity = 0;  // keys this shard may remember
        std::list<Entry> lru;
        std::unordered_map<std::string_view, std::list<Entry>::iterator> index;
    };

    std::int64_t burst;
    std::chrono::nanoseconds interval;
    std::size_t used_shards;  // min(kShards, max_keys): every used shard remembers at least one key
    Clock clock;
    std::array<Shard, kShards> shards;
};

RateLimiter::RateLimiter(Options o) : impl_(std::make_unique<Impl>()) {
    if (o.burst < 1 || o.burst > kMaxBurst) invalid("burst", "must be between 1 and 1000000000");
    if (o.refill_every <= std::chrono::nanoseconds{0}) invalid("refill_every", "must be positive");
    // B*T must fit in nanoseconds with room for now + c*T: about 100 years.
    if (o.refill_every > std::chrono::nanoseconds{std::chrono::hours{24 * 365 * 100}} / o.burst) {
        invalid("refill_every", "burst x refill_every must be at most 100 years");
    }
    if (o.max_keys < 1) invalid("max_keys", "must be at least 1");
    impl_->burst = o.burst;
    impl_->interval = o.refill_every;
    // The capacities add up to max_keys exactly, so that the promise "at
    // most max_keys keys" holds for any max_keys, not just multiples of 16.
    impl_->used_shards = std::min(kShards, o.max_keys);
    for (std::size_t i = 0; i < impl_->used_shards; ++i) {
        impl_->shards[i].capacity = o.max_keys / impl_->used_shards + (i < o.max_keys % impl_->used_shards ? 1 : 0);
    }
    impl_->clock = o.clock ? std::move(o.clock) : Clock{[] { return std::chrono::steady_clock::now(); }};
}

RateLimiter::~RateLimiter() = default;

RateLimiter::Decision RateLimiter::try_acquire(std::string_view key, std::int64_t cost) {
    if (key.size() > max_key_bytes) invalid("key", "longer than " + std::to_string(max_key_bytes) + " bytes");
    if (cost < 1 || cost > impl_->burst) invalid("cost", "must be between 1 and the burst");
    const TimePoint now = impl_->clock();
    auto& shard = impl_->shards[std::hash<std::string_view>{}(key) % impl_->used_shards];
    const auto need = impl_->interval * cost;
    const auto room = impl_->interval * impl_->burst;

    std::lock_guard lock(shard.mutex);
    auto it = shard.index.find(key);
    if (it == shard.index.end()) {
        // A new key starts full (tat = now); make room by forgetting the
        // least recently used key of this shard.
        if (shard.lru.size() >= shard.capacity) {
            shard.index.erase(shard.lru.back().key);
            shard.lru.pop_back();
        }
        shard.lru.push_front({std::string(key), now});
        it = shard.index.emplace(shard.lru.front().key, shard.lru.begin()).first;
    } else if (it->second != shard.lru.begin()) {
        shard.lru.splice(shard.lru.begin(), shard.lru, it->second);  // iterators stay valid
    }
    TimePoint& tat = it->second->tat;
    const TimePoint next = std::max(tat, now) + need;
    if (next - now > room) return {.allowed = false, .retry_after = (next - now) - room};
    tat = next;
    return {.allowed = true, .retry_after = std::chrono::nanoseconds{0}};
}

std::size_t RateLimiter::size() const {
    std::size_t n = 0;
    for (auto& shard : impl_->shards) {
        std::lock_guard lock(shard.mutex);
        n += shard.lru.size();
    }
    return n;
}

}  // namespace slotwise
