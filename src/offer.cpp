// The one rule for "is this start offered now". See offer.hpp.
#include "offer.hpp"

namespace slotwise::detail {

Calendar load_calendar(Transaction& tx, const TenantId& t, const Resource& r, TimeZone zone, Date from, Date to) {
    Calendar cal;
    cal.zone = zone;
    cal.capacity = r.capacity;
    cal.weekly = tx.weekly_hours(t, r.id);
    cal.overrides = tx.overrides(t, r.id, from, to);
    return cal;
}

// Every candidate of local dates [from, to] starts in [to_utc(from, 00:00),
// to_utc(to + 2, 00:00)) and ends by the latter — a window of `to` may run
// past midnight up to 47:59 — and the local → UTC rule is monotone, so its
// occupied interval lies within this range.
Interval occupied_range(TimeZone zone, const Service& svc, Date from, Date to) {
    const Date after{date::sys_days{to} + date::days{2}};
    return {to_utc(zone, from, Minutes{0}) - svc.buffer_before, to_utc(zone, after, Minutes{0}) + svc.buffer_after};
}

Interval limit_range(TimeZone zone, Date from, Date to) {
    // A week reaches at most 6 days back and a month 30; the spill of `to`
    // lies on the day after it.
    const date::year_month_day first{date::sys_days{from} - date::days{7}};
    const date::year_month_day last{date::sys_days{to} + date::days{8}};
    const Date begin = first.year() / first.month() / date::day{1};
    const Date end = date::year_month_day{last.year() / last.month() / date::day{1}} + date::months{1};
    return {to_utc(zone, begin, Minutes{0}), to_utc(zone, end, Minutes{0})};
}

bool start_offered(Transaction& tx, const TenantId& t, const Service& svc, std::size_t group, const Resource& r,
                   Instant start, Instant now, int seats, const Booking* exclude, Notice notice) {
    const auto zone = locate_zone(r.timezone, "timezone");
    const Date day = local_date(zone, start);
    // A window of a neighbouring local date may reach across midnight (24:00
    // ends, DST shifts), so those dates are asked too.
    const Date before{date::sys_days{day} - date::days{1}};
    const Date after{date::sys_days{day} + date::days{1}};
    const Interval occupied{start - svc.buffer_before, start + svc.duration + svc.buffer_after};
    auto rules = svc.rules(seats, group);
    if (notice == Notice::waived) rules.min_notice = Minutes{0};
    bool offered = false;
    each_resource_slot(tx, t, svc, rules, r, zone, before, after, now, occupied, exclude,
                       [&](const Slot& s) { offered = offered || s.start == start; });
    return offered;
}

bool booking_offered(Transaction& tx, const TenantId& t, const Service& svc, const Booking& b, Instant now,
                     Notice notice) {
    // Each resource as the booking holds it (the first works, the others
    // are held), whatever the service's groups have become since.
    const auto held = b.held_resources();
    for (std::size_t g = 0; g < held.size(); ++g) {
        const auto r = tx.resource(t, held[g]);
        if (!r || !start_offered(tx, t, svc, g, *r, b.interval.begin, now, b.seats, &b, notice)) return false;
    }
    return true;
}

}  // namespace slotwise::detail
