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

bool start_offered(Transaction& tx, const TenantId& t, const Service& svc, const Resource& r, Instant start,
                   Instant now, int seats, const Booking* exclude, Notice notice) {
    const auto zone = locate_zone(r.timezone, "timezone");
    const Date day = local_date(zone, start);
    // A window of a neighbouring local date may reach across midnight (24:00
    // ends, DST shifts), so those dates are asked too.
    const Date before{date::sys_days{day} - date::days{1}};
    const Date after{date::sys_days{day} + date::days{1}};
    const Interval occupied{start - svc.buffer_before, start + svc.duration + svc.buffer_after};
    auto rules = svc.rules(seats);
    if (notice == Notice::waived) rules.min_notice = Minutes{0};
    bool offered = false;
    each_resource_slot(tx, t, rules, r, zone, before, after, now, occupied, exclude,
                       [&](const Slot& s) { offered = offered || s.start == start; });
    return offered;
}

}  // namespace slotwise::detail
