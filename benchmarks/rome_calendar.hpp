// The calendar both benchmark binaries book against: local times in a shop's
// zone and the time off of a shop in Rome in 2026.
#pragma once

#include <slotwise/time.hpp>

#include <algorithm>
#include <vector>

namespace slotwise::bench {

/// `at` minutes into local day `day` of `zone`, in UTC.
inline Instant local_instant(TimeZone zone, date::sys_days day, Minutes at) { return to_utc(zone, Date{day}, at); }

/// Public holidays on weekdays, a two-week summer closure and a training
/// afternoon on the first Monday of each month, sorted by start.
inline std::vector<Interval> rome_time_off(TimeZone zone) {
    using namespace date;
    using namespace std::chrono_literals;
    std::vector<Interval> blocks;
    const auto whole_days = [&](sys_days first, sys_days last) {
        blocks.push_back({local_instant(zone, first, 0min), local_instant(zone, last, 1440min)});
    };
    for (const auto day : {2026_y / 1 / 1, 2026_y / 1 / 6, 2026_y / 4 / 6, 2026_y / 5 / 1,
                           2026_y / 6 / 2, 2026_y / 12 / 8, 2026_y / 12 / 25}) {
        whole_days(sys_days{day}, sys_days{day});
    }
    whole_days(sys_days{2026_y / 8 / 10}, sys_days{2026_y / 8 / 21});
    for (unsigned m = 1; m <= 12; ++m) {
        const sys_days first_monday{2026_y / month{m} / Monday[1]};
        blocks.push_back({local_instant(zone, first_monday, 14h), local_instant(zone, first_monday, 18h)});
    }
    std::sort(blocks.begin(), blocks.end(), [](const Interval& a, const Interval& b) { return a.begin < b.begin; });
    return blocks;
}

}  // namespace slotwise::bench
