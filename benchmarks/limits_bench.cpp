// benchmarks/limits_bench.cpp — availability with booking limits (rule 10)
// over a year of bookings, beside the same query without limits.
//
//  limits/with_day_and_week_limits   one resource in Europe/Rome (weekdays
//      09:00–18:00, four seats), a 30-minute service on a 15-minute grid
//      with at most 10 bookings a day and 45 a week, over all of 2026, with
//      the service's 1,800-odd bookings of the year (some days and weeks
//      full) as the counted starts: `for_each_slot` with a reused workspace;
//  limits/without_limits             the same query, the same bookings, no limits.
//
// The limit counts come from one pass over the counted starts (LimitCounter:
// one local-date key per start, sorted, then a binary search per candidate
// day), so the two should cost nearly the same; a per-day rescan of the
// bookings would make the limited query grow with days × bookings. Before
// anything is timed, the limited answer must equal the unlimited one with
// the starts of full days and weeks removed, counted by brute force, or the
// run aborts. At the end the run prints the ratio (limits / none).
//
// Usage: limits_bench [--benchmark_filter=REGEX] [--benchmark_min_time=SECONDS]
#include <slotwise/availability.hpp>

#include <benchmark/benchmark.h>

#include "recording_reporter.hpp"
#include "rome_calendar.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <vector>

namespace {

using namespace std::chrono_literals;
using slotwise::Booked;
using slotwise::Calendar;
using slotwise::Instant;
using slotwise::Minutes;
using slotwise::ServiceRules;
using slotwise::Slot;
using slotwise::bench::local_instant;

constexpr int kDayLimit = 10;
constexpr int kWeekLimit = 45;
const date::sys_days kFirst{date::year{2026} / 1 / 1};
const date::sys_days kLast{date::year{2026} / 12 / 31};

struct Year {
    Calendar calendar;
    std::vector<Booked> bookings;   // sorted by start, as a store returns them
    std::vector<Instant> counted;   // the starts of the service's bookings
    std::vector<slotwise::Interval> blocks;
};

// Weekdays: 3 to 11 bookings at random quarter hours (a fixed seed), so that
// some days reach the daily limit and some weeks the weekly one.
Year make_year() {
    Year y;
    y.calendar.zone = slotwise::locate_zone("Europe/Rome");
    y.calendar.capacity = 4;
    for (auto wd : {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday}) {
        y.calendar.weekly[wd] = {{9h, 18h}};
    }
    std::mt19937 rng(20260101);
    for (date::sys_days day = kFirst; day <= kLast; day += date::days{1}) {
        if (date::weekday{day}.iso_encoding() > 5) continue;
        const int n = std::uniform_int_distribution<int>(3, 11)(rng);
        for (int i = 0; i < n; ++i) {
            const Minutes at = 9h + 15min * std::uniform_int_distribution<int>(0, 34)(rng);
            const Instant start = local_instant(y.calendar.zone, day, at);
            y.bookings.push_back({.interval = {start, start + 30min}});
        }
    }
    std::sort(y.bookings.begin(), y.bookings.end(),
              [](const Booked& a, const Booked& b) { return a.interval.begin < b.interval.begin; });
    for (const Booked& b : y.bookings) y.counted.push_back(b.interval.begin);
    y.blocks = slotwise::bench::rome_time_off(y.calendar.zone);
    return y;
}

const Year& year() {
    static const Year y = make_year();
    return y;
}

ServiceRules rules(bool limited) {
    ServiceRules r{.duration = 30min, .step = 15min};
    if (limited) r.limits = {.day = kDayLimit, .week = kWeekLimit};
    return r;
}

slotwise::SlotQuery query(const Year& y) {
    return {.from = slotwise::Date{kFirst}, .to = slotwise::Date{kLast}, .counted_starts = y.counted};
}

std::vector<Slot> slots(bool limited) {
    const Year& y = year();
    slotwise::AvailabilityWorkspace ws;
    std::vector<Slot> out;
    slotwise::for_each_slot(y.calendar, rules(limited), y.bookings, y.blocks, query(y), ws,
                            [&](const Slot& s) { out.push_back(s); });
    return out;
}

// Brute force: count every booking per local day and ISO week by scanning
// them all, and drop the unlimited slots of full days and weeks.
void verify() {
    const Year& y = year();
    std::map<std::int64_t, int> per_day, per_week;
    const auto local_day = [&](Instant t) {
        return date::sys_days{slotwise::local_date(y.calendar.zone, t)}.time_since_epoch().count();
    };
    const auto week_of = [](std::int64_t d) { return (d + 3) >= 0 ? (d + 3) / 7 : -((-(d + 3) + 6) / 7); };
    for (const Instant s : y.counted) {
        ++per_day[local_day(s)];
        ++per_week[week_of(local_day(s))];
    }
    std::vector<Slot> want;
    for (const Slot& s : slots(false)) {
        const auto d = local_day(s.start);
        if (per_day[d] < kDayLimit && per_week[week_of(d)] < kWeekLimit) want.push_back(s);
    }
    const auto got = slots(true);
    if (got != want) {
        std::fprintf(stderr, "limits_bench: the limited slots differ from the brute-force count (%zu vs %zu)\n",
                     got.size(), want.size());
        std::exit(1);
    }
    if (got.size() == slots(false).size()) {
        std::fprintf(stderr, "limits_bench: no day or week is full: the limits are not exercised\n");
        std::exit(1);
    }
}

void run(benchmark::State& state, bool limited) {
    const Year& y = year();
    const auto r = rules(limited);
    const auto q = query(y);
    slotwise::AvailabilityWorkspace ws;
    std::int64_t count = 0;
    for (auto _ : state) {
        count = 0;
        slotwise::for_each_slot(y.calendar, r, y.bookings, y.blocks, q, ws, [&](const Slot&) { ++count; });
        benchmark::DoNotOptimize(count);
    }
    state.counters["slots"] = static_cast<double>(count);
    state.counters["bookings"] = static_cast<double>(y.bookings.size());
}

void with_limits(benchmark::State& state) { run(state, true); }
void without_limits(benchmark::State& state) { run(state, false); }

constexpr const char* name_limited = "limits/with_day_and_week_limits";
constexpr const char* name_unlimited = "limits/without_limits";

}  // namespace

BENCHMARK(with_limits)->Name(name_limited)->Unit(benchmark::kMicrosecond);
BENCHMARK(without_limits)->Name(name_unlimited)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    verify();
    slotwise::bench::RecordingReporter reporter(benchmark::CreateDefaultDisplayReporter());
    benchmark::RunSpecifiedBenchmarks(&reporter);
    const auto* a = reporter.find(name_limited);
    const auto* b = reporter.find(name_unlimited);
    std::FILE* out = reporter.console() ? stdout : stderr;
    if (a != nullptr && b != nullptr) {
        std::fprintf(out,
                     "\navailability over 2026 with %.0f bookings: day/week limits %.3f ms (%.0f slots), "
                     "no limits %.3f ms (%.0f slots); limits/none: %.2f×\n",
                     a->counters.at("bookings").value, a->real_ns / 1e6, a->counters.at("slots").value,
                     b->real_ns / 1e6, b->counters.at("slots").value, a->real_ns / b->real_ns);
    }
    benchmark::Shutdown();
    return 0;
}
