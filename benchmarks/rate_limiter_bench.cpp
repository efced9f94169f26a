// RateLimiter::try_acquire beside a baseline: the cheapest keyed counter one
// could put in front of a call (a mutex and an unordered_map<string, int>),
// with 1 and 4 threads over 10,000 keys. Prints the limiter's cost as a
// ratio of the baseline's at the end.
#include "recording_reporter.hpp"

#include <slotwise/rate_limiter.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

constexpr int kKeys = 10'000;

const std::vector<std::string>& keys() {
    static const std::vector<std::string> k = [] {
        std::vector<std::string> out;
        for (int i = 0; i < kKeys; ++i) out.push_back("203.0.113." + std::to_string(i));
        return out;
    }();
    return k;
}

slotwise::RateLimiter& limiter() {
    static slotwise::RateLimiter l({.burst = 1'000'000, .refill_every = std::chrono::microseconds{1},
                                    .max_keys = 2 * kKeys});
    return l;
}

struct Baseline {
    std::mutex mutex;
    std::unordered_map<std::string, int> counts;
};
Baseline& baseline() {
    static Baseline b;
    return b;
}

void BM_rate_limiter(benchmark::State& state) {
    const auto& k = keys();
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919;
    for (auto _ : state) {
        benchmark::DoNotOptimize(limiter().try_acquire(k[i++ % k.size()]).allowed);
    }
}
BENCHMARK(BM_rate_limiter)->Threads(1)->Threads(4)->UseRealTime();

void BM_baseline_map_counter(benchmark::State& state) {
    const auto& k = keys();
    auto& b = baseline();
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919;
    for (auto _ : state) {
        std::lock_guard lock(b.mutex);
        benchmark::DoNotOptimize(++b.counts[k[i++ % k.size()]]);
    }
}
BENCHMARK(BM_baseline_map_counter)->Threads(1)->Threads(4)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    slotwise::bench::RecordingReporter reporter(benchmark::CreateDefaultDisplayReporter());
    benchmark::RunSpecifiedBenchmarks(&reporter);
    for (int threads : {1, 4}) {
        const auto* mine = reporter.find("BM_rate_limiter", threads);
        const auto* base = reporter.find("BM_baseline_map_counter", threads);
        if (mine && base && base->real_ns > 0) {
            std::printf("rate limiter, %d thread(s): %.1f ns per call, baseline %.1f ns: ratio %.2f\n", threads,
                        mine->real_ns, base->real_ns, mine->real_ns / base->real_ns);
        }
    }
    benchmark::Shutdown();
    return 0;
}
