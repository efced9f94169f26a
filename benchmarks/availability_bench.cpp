// benchmarks/availability_bench.cpp — how fast the availability core is, and
// how much faster than the seed algorithm it replaced.
//
//  (a) one resource, a whole year (weekdays 09:00–18:00 Europe/Rome), a
//      30-minute service on a 15-minute grid, 10,000 bookings sorted by start
//      as a store returns them: through `for_each_slot` with a reused
//      workspace and through `compute_slots`;
//  (b) "any of 200 resources" for a week, 20 bookings per resource per day:
//      `any_of` over per-resource `compute_slots`;
//  (c) the seed algorithm on the input of (a): every grid candidate checks
//      every booking and every block. Before anything is timed, (c) must give
//      exactly the slots of (a), or the run aborts.
//
// At the end the run prints the speed-up (c)/(a). Global operator new/delete
// are replaced by counting versions, so (a) reports heap allocations per
// offered slot (`allocs_per_slot`; zero for the reused workspace once warm).
//
// Usage: availability_bench [--benchmark_filter=REGEX] [--benchmark_min_time=SECONDS]
// (this libbenchmark, 1.7, takes the minimum time as a plain number of seconds).
#include <slotwise/availability.hpp>
#include <slotwise/combine.hpp>

#include <benchmark/benchmark.h>

#include "load_ledger.hpp"
#include "rome_calendar.hpp"
#include "recording_reporter.hpp"
#include "support/seed_algorithm.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <new>
#include <random>
#include <span>
#include <string>
#include <vector>

// ---------------------------------------------------------------------------
// Counting allocator: every heap allocation in the process goes through here.

namespace {
std::atomic<std::uint64_t> heap_allocations{0};

// Out of line so that GCC, seeing `operator new` paired with a bare `free`
// after inlining, does not take it for a mismatched deallocation.
[[gnu::noinline]] void release(void* p) noexcept { std::free(p); }
}  // namespace

void* operator new(std::size_t size) {
    heap_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    heap_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
    return ::operator new(size, tag);
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }

namespace {

using namespace std::chrono_literals;
using slotwise::Booked;
using slotwise::Calendar;
using slotwise::Instant;
using slotwise::Interval;
using slotwise::Minutes;
using slotwise::ServiceRules;
using slotwise::Slot;
using slotwise::SlotQuery;

std::uint64_t allocations() { return heap_allocations.load(std::memory_order_relaxed); }

// ---------------------------------------------------------------------------
// Inputs. Generated once, deterministically (fixed seed, `rng() % n` so every
// standard library draws the same numbers).

struct Input {
    Calendar calendar;
    ServiceRules service;
    std::vector<Booked> bookings;  // sorted by start, as a store returns them
    std::vector<Interval> blocks;
    SlotQuery query;
};

using slotwise::bench::LoadLedger;
using slotwise::bench::local_instant;
using slotwise::bench::rome_time_off;

// (a): one resource, capacity 4 (four chairs), a year of weekdays 09:00–18:00;
// 10,000 bookings of 15–45 minutes (one in eight for two seats, some with a
// clean-up buffer) placed at random on the 5-minute grid wherever they fit.
Input make_year_input() {
    using namespace date;
    Input in;
    in.calendar.zone = slotwise::locate_zone("Europe/Rome", "timezone");
    in.calendar.capacity = 4;
    for (const auto wd : {Monday, Tuesday, Wednesday, Thursday, Friday}) {
        in.calendar.weekly[wd] = {{9h, 18h}};
    }
    in.service = {.duration = 30min, .step = 15min};
    in.query = {.from = 2026_y / 1 / 1, .to = 2026_y / 12 / 31};
    in.blocks = rome_time_off(in.calendar.zone);

    const sys_days first{in.query.from};
    const auto days = sys_days{in.query.to} - first + date::days{2};
    LoadLedger ledger(Instant{first.time_since_epoch()} - 24h, days + date::days{1},
                      in.calendar.capacity);
    for (const auto& blk : in.blocks) ledger.add(blk, in.calendar.capacity);

    std::mt19937_64 rng(20260101);
    constexpr std::array<Minutes, 6> lengths{15min, 20min, 30min, 30min, 30min, 45min};
    constexpr std::array<Minutes, 4> cleanups{0min, 0min, 5min, 10min};
    for (std::uint64_t attempts = 0; in.bookings.size() < 10'000; ++attempts) {
        if (attempts > 50'000'000) {
            std::fprintf(stderr, "could not place 10,000 bookings\n");
            std::abort();
        }
        const sys_days day = first + date::days{static_cast<int>(rng() % 365)};
        const auto& windows = in.calendar.weekly[weekday{day}];
        if (windows.empty()) continue;
        const Minutes length = lengths[rng() % lengths.size()];
        const auto positions = static_cast<std::uint64_t>((9h - length) / 5min) + 1;
        const Minutes at = windows.front().start + 5min * (rng() % positions);
        Booked b{.interval = {local_instant(in.calendar.zone, day, at),
                              local_instant(in.calendar.zone, day, at + length)},
                 .seats = rng() % 8 == 0 ? 2 : 1,
                 .buffer_after = cleanups[rng() % cleanups.size()]};
        if (!ledger.fits(b.occupied_interval(), b.seats)) continue;
        ledger.add(b.occupied_interval(), b.seats);
        in.bookings.push_back(b);
    }
    std::sort(in.bookings.begin(), in.bookings.end(), [](const Booked& a, const Booked& b) {
        return a.interval.begin < b.interval.begin;
    });
    return in;
}

// (b): 200 single-seat resources (stylists) open twelve hours every day, in
// four shifts (07:00, 08:00, 09:00, 10:00 starts), with 20 bookings of 15–30
// minutes on each day of the week of 2026-06-01.
std::vector<Input> make_team_input() {
    using namespace date;
    constexpr int resources = 200;
    constexpr int bookings_per_day = 20;
    const auto zone = slotwise::locate_zone("Europe/Rome", "timezone");
    const sys_days monday{2026_y / 6 / 1};
    std::mt19937_64 rng(20260601);
    constexpr std::array<Minutes, 4> lengths{15min, 20min, 30min, 30min};
    std::vector<Input> team(resources);
    for (int r = 0; r < resources; ++r) {
        Input& in = team[static_cast<std::size_t>(r)];
        in.calendar.zone = zone;
        const Minutes opens = 7h + 1h * (r % 4);
        for (auto& day : in.calendar.weekly.days) day = {{opens, opens + 12h}};
        in.service = {.duration = 30min, .step = 15min};
        in.query = {.from = year_month_day{monday}, .to = year_month_day{monday + date::days{6}}};
        LoadLedger ledger(Instant{monday.time_since_epoch()} - 24h, date::days{9}, 1);
        for (auto day = monday; day <= monday + date::days{6}; day += date::days{1}) {
            for (int placed = 0; placed < bookings_per_day;) {
                const Minutes length = lengths[rng() % lengths.size()];
                const auto positions = static_cast<std::uint64_t>((12h - length) / 5min) + 1;
                const Minutes at = opens + 5min * (rng() % positions);
                const Booked b{.interval = {local_instant(zone, day, at), local_instant(zone, day, at + length)}};
                if (!ledger.fits(b.occupied_interval(), b.seats)) continue;
                ledger.add(b.occupied_interval(), b.seats);
                in.bookings.push_back(b);
                ++placed;
            }
        }
        std::sort(in.bookings.begin(), in.bookings.end(), [](const Booked& a, const Booked& b) {
            return a.interval.begin < b.interval.begin;
        });
    }
    return team;
}

const Input& year_input() {
    static const Input in = make_year_input();
    return in;
}

const std::vector<Input>& team_input() {
    static const std::vector<Input> team = make_team_input();
    return team;
}

// ---------------------------------------------------------------------------
// (c) The seed algorithm, kept as the baseline: the availability rules
// (docs/availability.md) read literally. Every grid candidate looks at every booking and
// every block; O(candidates × (bookings + blocks)).

using slotwise::test::naive_slots;

// The fast paths must agree with the seed algorithm slot for slot.
void verify_against_seed() {
    const Input& in = year_input();
    const auto seed = naive_slots(in.calendar, in.service, in.bookings, in.blocks, in.query);
    const auto fast = slotwise::compute_slots(in.calendar, in.service, in.bookings, in.blocks, in.query);
    slotwise::AvailabilityWorkspace ws;
    std::vector<Slot> swept;
    slotwise::for_each_slot(in.calendar, in.service, in.bookings, in.blocks, in.query, ws,
                            [&](const Slot& s) { swept.push_back(s); });
    if (seed != fast || swept != fast) {
        std::fprintf(stderr, "MISMATCH: seed algorithm %zu slots, compute_slots %zu, for_each_slot %zu\n",
                     seed.size(), fast.size(), swept.size());
        const auto n = std::min(seed.size(), fast.size());
        for (std::size_t i = 0; i < n; ++i) {
            if (seed[i] == fast[i]) continue;
            std::fprintf(stderr, "first difference at #%zu: seed %s remaining %lld, fast %s remaining %lld\n", i,
                         slotwise::format_instant(seed[i].start).c_str(),
                         static_cast<long long>(seed[i].remaining),
                         slotwise::format_instant(fast[i].start).c_str(),
                         static_cast<long long>(fast[i].remaining));
            break;
        }
        std::abort();
    }
}

// ---------------------------------------------------------------------------
// Benchmarks.

void a_for_each_slot_reused_workspace(benchmark::State& state) {
    const Input& in = year_input();
    slotwise::AvailabilityWorkspace ws;
    std::vector<Slot> slots;
    const auto run = [&] {
        slots.clear();
        slotwise::for_each_slot(in.calendar, in.service, in.bookings, in.blocks, in.query, ws,
                                [&](const Slot& s) { slots.push_back(s); });
    };
    run();  // warm-up: the workspace and the slot buffer grow to size here
    const auto before = allocations();
    for (auto _ : state) {
        run();
        benchmark::DoNotOptimize(slots.data());
        benchmark::ClobberMemory();
    }
    const auto allocated = allocations() - before;
    state.counters["slots"] = static_cast<double>(slots.size());
    state.counters["allocs_per_slot"] =
        static_cast<double>(allocated) / static_cast<double>(state.iterations() * slots.size());
}

void a_compute_slots(benchmark::State& state) {
    const Input& in = year_input();
    std::size_t count = 0;
    const auto before = allocations();
    for (auto _ : state) {
        const auto slots = slotwise::compute_slots(in.calendar, in.service, in.bookings, in.blocks, in.query);
        count = slots.size();
        benchmark::DoNotOptimize(slots.data());
    }
    const auto allocated = allocations() - before;
    state.counters["slots"] = static_cast<double>(count);
    state.counters["allocs_per_slot"] =
        static_cast<double>(allocated) / static_cast<double>(state.iterations() * count);
}

void b_any_of_200_resources(benchmark::State& state) {
    const auto& team = team_input();
    std::size_t count = 0;
    for (auto _ : state) {
        std::vector<std::vector<Slot>> per_resource;
        per_resource.reserve(team.size());
        for (const Input& in : team) {
            per_resource.push_back(
                slotwise::compute_slots(in.calendar, in.service, in.bookings, in.blocks, in.query));
        }
        const auto offered = slotwise::any_of(per_resource);
        count = offered.size();
        benchmark::DoNotOptimize(offered.data());
    }
    state.counters["slots"] = static_cast<double>(count);
}

void c_seed_algorithm(benchmark::State& state) {
    const Input& in = year_input();
    std::size_t count = 0;
    for (auto _ : state) {
        const auto slots = naive_slots(in.calendar, in.service, in.bookings, in.blocks, in.query);
        count = slots.size();
        benchmark::DoNotOptimize(slots.data());
    }
    state.counters["slots"] = static_cast<double>(count);
}

constexpr const char* name_a = "a/year_1_resource/for_each_slot_reused_workspace";
constexpr const char* name_a_compute = "a/year_1_resource/compute_slots";
constexpr const char* name_b = "b/week_200_resources/any_of";
constexpr const char* name_c = "c/year_1_resource/seed_algorithm";

using slotwise::bench::RecordingReporter;

void print_summary(const RecordingReporter& reporter) {
    // Keep machine-readable stdout (--benchmark_format=json) parseable.
    std::FILE* out = reporter.console() ? stdout : stderr;
    const auto* a = reporter.find(name_a);
    const auto* a_compute = reporter.find(name_a_compute);
    const auto* c = reporter.find(name_c);
    std::fprintf(out, "\n");
    if (a != nullptr) {
        std::fprintf(out, "(a) for_each_slot, reused workspace: %.3f ms per year query, %.4f heap allocations per slot\n",
                     a->real_ns / 1e6, a->counters.at("allocs_per_slot").value);
    }
    if (a != nullptr && c != nullptr) {
        std::fprintf(out, "speed-up (c)/(a): %.0f×\n", c->real_ns / a->real_ns);
    }
    if (a_compute != nullptr && c != nullptr) {
        std::fprintf(out, "speed-up (c)/(a, compute_slots): %.0f×\n", c->real_ns / a_compute->real_ns);
    }
    if (a == nullptr || c == nullptr) {
        std::fprintf(out, "speed-up (c)/(a): n/a (run both %s and %s)\n", name_a, name_c);
    }
}

}  // namespace

BENCHMARK(a_for_each_slot_reused_workspace)->Name(name_a)->Unit(benchmark::kMicrosecond);
BENCHMARK(a_compute_slots)->Name(name_a_compute)->Unit(benchmark::kMicrosecond);
BENCHMARK(b_any_of_200_resources)->Name(name_b)->Unit(benchmark::kMicrosecond);
BENCHMARK(c_seed_algorithm)->Name(name_c)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    verify_against_seed();
    RecordingReporter reporter(benchmark::CreateDefaultDisplayReporter());
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_summary(reporter);
    benchmark::Shutdown();
    return 0;
}
