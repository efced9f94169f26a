// Property tests of the availability core against a brute-force model.
//
// The model (support/brute_force_model.hpp) is deliberately slow and obvious,
// and shares nothing with the fast path (no LoadProfile, for_each_slot, to_utc or date::choose). It
// works minute by minute over a stretch of UTC minutes around the query:
//  - local -> UTC: every UTC minute gets its local wall time from
//    `zone->to_local` (sys -> local is never ambiguous); a local wall time L
//    maps to the earliest UTC minute whose wall time is >= L. An end past
//    24:00 is simply a wall time on the next date (minutes since the window's
//    own local midnight);
//  - load: every minute sums the seats of the bookings whose
//    [start - buffer_before, end + buffer_after) covers it, + capacity under a block;
//  - candidates: t = a + k*step while t + duration <= b, per window of each
//    local date from..to (override, else weekly), then sorted with duplicate
//    starts dropped (a spilling window and the next date's own may meet);
//  - occupied minutes: t - bb .. t + d + ba, minus the minutes of free
//    segments; offered iff the peak load over them + seats <= capacity;
//  - limits: offered only while fewer than n counted starts have the same
//    local date / Monday of the week / year and month as t;
//  - t >= now + min_notice and, with a horizon, t < now + horizon.
//
// Scenarios are random but valid, in zones with awkward offsets and around
// their DST transitions. The seed is fixed so CI is deterministic;
// SLOTWISE_PROPERTY_SEED and SLOTWISE_PROPERTY_RUNS override the seed and the
// number of scenarios. A mismatch prints the seed, the scenario's index and
// the scenario as a scenario JSON file (runnable with `slotwise availability`).
//
// Hand reasoning behind tests/scenarios/*.expected.json (each file was derived
// by hand first, then confirmed with the CLI):
//  - window-ends-at-midnight: Mon 22:00-24:00 UTC, 60 min -> 22:00 and 23:00;
//    the last slot ends exactly at the next day's midnight.
//  - override-closes-day: Mon+Tue 09:00-11:00, override Tue = [] -> only Mon.
//  - override-replaces-hours: Tue weekly 09:00-11:00, override 14:00-15:00 ->
//    only 14:00 and 14:30.
//  - booking-across-midnight: Mon+Tue 22:00-24:00 / 00:00-02:00 windows, one
//    booking 23:00 Mon -> 01:00 Tue blocks 23:00 Mon and 00:00 Tue.
//  - buffers-outside-hours: window 09:00-10:00, 30 min with 30 min buffers on
//    both sides: 09:00 (occupies 08:30-10:00) and 09:30 (occupies 09:00-10:30)
//    are both kept; 10:00 would end after the window and is not a candidate.
//    A booking 10:15-10:30 with no buffers then kills 09:30 only.
//  - step-smaller / step-larger than the duration: grid restarts per window.
//  - partial-capacity-seats: capacity 4, a 2-seat and a 1-seat booking,
//    service seats 2: peaks 0/2/3 -> remaining 4/2 offered, 1 refused.
//  - block: a block 09:30-09:45 removes the two 30-minute slots touching it.
//  - notice-boundary / horizon-boundary: now+notice kept, now+horizon dropped.
//  - fall-back: America/New_York 2026-11-01, 01:00-03:00 local = 05:00-08:00 UTC
//    (01:00 EDT first occurrence, 03:00 EST), three hours of 60 min slots.
//  - rome-spring-forward: 2026-03-29, window 01:30-04:00 local: 01:30 CET =
//    00:30Z, 04:00 CEST = 02:00Z -> 90 minutes; a window 02:15-02:45 lies
//    wholly in the gap (both ends map to 01:00Z) and is skipped.
//  - kathmandu: +05:45, 09:00 local = 03:15Z.
//  - chatham: +13:45 in January, 09:00 local = 19:15Z the day before.
//  - past-midnight-spill-of-to: from = to = Fri; Thu 23:00-25:00 spills into
//    Fri 00:00-01:00 but belongs to Thu, outside the range: not offered. Fri
//    22:00-25:30 gives 22:00, 23:00 and Sat 00:00 (01:00 would end at 02:00).
//  - past-midnight-fall-back-new-york: Sat 2026-10-31 22:00-26:00; 22:00 EDT
//    = 02:00Z, and 26:00 is Sun 02:00 wall time, after the clocks fell back:
//    02:00 EST = 07:00Z. Five real hours, five hourly slots 02:00Z-06:00Z.
//  - segments-free-part-and-buffers: busy 20, free 20, busy 20 with 10-minute
//    buffers, a booking 10:25-10:35: 09:00 (busy 08:50-09:20, 09:40-10:10),
//    10:00 (the booking lies in its free part 10:20-10:40) and 11:00 are
//    offered; 09:30 and 10:30 have a busy part over the booking.
//  - segments-remaining-over-busy-parts: capacity 3; at 09:00 a 2-seat booking
//    lies in the free part (ignored) and a 1-seat one in the second busy
//    part: remaining 2. 10:00 is free: 3.
//  - limits-day-and-month-by-local-date: Rome, day 1 and month 2. Mon 29 June
//    has its booking (day full). 2026-06-30T22:30Z is 00:30 on 1 July in
//    Rome: it fills Wed 1 July, not Tue 30 June, and counts for July. So only
//    Tue 30 June 09:00 and 10:00 (07:00Z, 08:00Z) remain; June has 1 booking.
#include "support/brute_force_model.hpp"
#include "support/random_scenarios.hpp"

#include <doctest/doctest.h>

#include <slotwise/availability.hpp>
#include <slotwise/explain.hpp>
#include <slotwise/scenario.hpp>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace slotwise;
using namespace slotwise::test::property;
using namespace std::chrono_literals;

namespace {

struct Settings {
    std::uint64_t seed;
    std::uint64_t runs;
};

Settings settings() {
    const Settings s{env_or("SLOTWISE_PROPERTY_SEED", 20260329),
                     env_or("SLOTWISE_PROPERTY_RUNS", 3000)};
    std::cout << "property_test: seed " << s.seed << ", " << s.runs
              << " scenarios (override with SLOTWISE_PROPERTY_SEED / SLOTWISE_PROPERTY_RUNS)"
              << std::endl;
    return s;
}

}  // namespace

TEST_CASE(
    "compute_slots equals the minute-by-minute model in every zone and around every DST change") {
    const auto [seed, runs] = settings();
    const auto zones = load_zones();
    Rng rng(seed);
    std::uint64_t mismatches = 0;
    std::uint64_t slots_seen = 0;
    std::uint64_t around_transitions = 0;
    // Cases where a rule of version 2 changed the answer: without them the
    // comparison would say nothing about that rule.
    std::uint64_t spill_mattered = 0, segments_mattered = 0, limits_mattered = 0;
    for (std::uint64_t i = 0; i < runs && mismatches < 3; ++i) {
        const Zone& zone = zones[i % zones.size()];
        Generator gen{rng, zone};
        const Case c = gen.make();
        const auto expected = model_slots(c);
        if (i % 4 == 0) {
            Case plain = c;
            for (auto& ws : plain.cal.weekly.days)
                for (auto& w : ws) w.end = std::min(w.end, 1440min);
            for (auto& [day, ws] : plain.cal.overrides)
                for (auto& w : ws) w.end = std::min(w.end, 1440min);
            spill_mattered += model_slots(plain) != expected;
            plain = c;
            plain.svc.segments.clear();
            segments_mattered += model_slots(plain) != expected;
            plain = c;
            plain.svc.limits = {};
            limits_mattered += model_slots(plain) != expected;
        }
        const auto got = compute_slots(c.cal, c.svc, c.bookings, c.blocks, c.query_with_counts());
        slots_seen += got.size();
        const Instant first{(date::sys_days{c.query.from} - date::days{1}).time_since_epoch()};
        const Instant last{(date::sys_days{c.query.to} + date::days{2}).time_since_epoch()};
        if (std::any_of(zone.transitions.begin(), zone.transitions.end(),
                        [&](Instant t) { return first <= t && t < last; })) {
            ++around_transitions;
        }
        // The printed scenario must replay the case: check it does.
        const auto scenario_json = to_scenario_json(c).dump();
        const auto replayed = c.counted_are_bookings ? evaluate(parse_scenario(scenario_json)) : got;
        if (got != expected || replayed != got) {
            ++mismatches;
            std::ostringstream counted;
            for (const Instant t : c.counted) counted << " " << format_instant(t);
            FAIL_CHECK("mismatch in scenario " << i << " of seed " << seed << "\nscenario:\n"
                                               << scenario_json << "\ncounted toward limits"
                                               << (c.counted_are_bookings ? " (every booking):" : ":")
                                               << counted.str() << "\nmodel:\n"
                                               << describe(expected) << "compute_slots:\n"
                                               << describe(got) << "from the scenario JSON:\n"
                                               << describe(replayed));
        }
    }
    std::cout << "property_test: " << runs << " scenarios (" << around_transitions
              << " around a UTC offset change), " << slots_seen << " slots compared; of every fourth, "
              << spill_mattered << " changed by windows past midnight, " << segments_mattered
              << " by segments, " << limits_mattered << " by limits" << std::endl;
    // The generator must actually exercise the core.
    CHECK(slots_seen > runs * 5);
    CHECK(around_transitions > runs / 2);
    CHECK(spill_mattered > runs / 40);
    CHECK(segments_mattered > runs / 150);
    CHECK(limits_mattered > runs / 40);
}

TEST_CASE(
    "explain_slot offers exactly the starts compute_slots offers, and says why not otherwise") {
    const auto [seed, runs] = settings();
    const auto zones = load_zones();
    Rng rng(seed ^ 0x5EED5EEDULL);
    std::uint64_t mismatches = 0;
    std::uint64_t offered_seen = 0;
    std::uint64_t refused_seen = 0;
    for (std::uint64_t i = 0; i < runs / 4 && mismatches < 3; ++i) {
        const Zone& zone = zones[i % zones.size()];
        Generator gen{rng, zone};
        const Case c = gen.make();
        // Every window that can reach an instant of local dates from..to
        // belongs to a date within a day of it.
        SlotQuery wide = c.query_with_counts();
        wide.from = Date{date::sys_days{c.query.from} - date::days{1}};
        wide.to = Date{date::sys_days{c.query.to} + date::days{1}};
        const auto slots = compute_slots(c.cal, c.svc, c.bookings, c.blocks, wide);

        // Instants: offered starts, grid candidates of the model's windows
        // (the model with no load, notice or horizon), random minutes and
        // random off-minute seconds.
        const auto grid = open_grid(c);
        std::vector<Instant> asked;
        const Instant day_one{date::sys_days{c.query.from}.time_since_epoch()};
        const auto days = (date::sys_days{c.query.to} - date::sys_days{c.query.from}).count() + 1;
        for (int k = 0; k < 8; ++k) {
            const int kind = static_cast<int>(rng.between(0, 3));
            if (kind == 0 && !slots.empty()) {
                asked.push_back(rng.pick(slots).start);
            } else if (kind == 1 && !grid.empty()) {
                asked.push_back(rng.pick(grid).start);
            } else if (kind == 2) {
                asked.push_back(day_one + Minutes{rng.between(-720, days * 1440 + 720)});
            } else {
                asked.push_back(day_one + std::chrono::seconds{
                                              rng.between(-720 * 60, (days * 1440 + 720) * 60)});
            }
        }
        for (const Instant t : asked) {
            const Date day = local_date_of(c.cal.zone, t);
            if (day < c.query.from || day > c.query.to) continue;
            const auto it = std::find_if(slots.begin(), slots.end(),
                                         [&](const Slot& s) { return s.start == t; });
            const auto ex = explain_slot(c.cal, c.svc, c.bookings, c.blocks, c.query.now, t, std::nullopt, c.counted);
            const bool offered = it != slots.end();
            (offered ? offered_seen : refused_seen) += 1;
            const bool ok = ex.offered == offered &&
                            (offered ? ex.reasons.empty() && ex.remaining == it->remaining
                                     : !ex.reasons.empty());
            if (!ok) {
                ++mismatches;
                std::ostringstream reasons;
                for (const auto& r : ex.reasons) reasons << "  - " << r << "\n";
                FAIL_CHECK("explain disagrees at "
                           << format_instant(t) << " in scenario " << i << " of seed " << seed
                           << ": compute_slots " << (offered ? "offers" : "does not offer")
                           << " it, explain_slot says offered=" << ex.offered
                           << " remaining=" << ex.remaining << "\nreasons:\n"
                           << reasons.str()
                           << "scenario (slots compared over from - 1 .. to + 1):\n"
                           << to_scenario_json(c).dump());
            }
        }
    }
    CHECK(offered_seen > runs / 8);
    CHECK(refused_seen > runs / 8);
}
