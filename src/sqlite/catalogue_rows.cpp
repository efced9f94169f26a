// The catalogue rows that take more than one statement: a service with the
// resources it needs (one link row per resource, in group and position
// order), and a resource's weekly hours (one row per open weekday). Each
// function is one call of the Transaction interface, run inside the
// caller's transaction; the caller keeps the catalogue cache.
#include "internal.hpp"
#include "statements.hpp"

#include <map>

namespace slotwise::sqlite {
namespace {

// A link of service `s` to resource `r` in group `g`, read in position order.
void add_link(Service& s, ResourceId r, std::int64_t g) {
    if (g < 0 || g > 1'000'000) corrupt("resource group " + std::to_string(g));
    while (s.resource_groups.size() <= static_cast<std::size_t>(g)) s.resource_groups.emplace_back();
    s.resource_groups[static_cast<std::size_t>(g)].push_back(std::move(r));
}

}  // namespace

void write_service(Connection& c, const TenantId& t, const Service& v) {
    c.statement(kUpsertService)
        .bind(t, v.id, v.name, v.duration, v.step, v.buffer_before, v.buffer_after, v.price, v.currency, v.min_notice,
              v.horizon, v.hold, v.cancel_notice, encode_segments(v.segments), v.limits.day, v.limits.week,
              v.limits.month, std::int64_t{v.active ? 1 : 0}, static_cast<std::int64_t>(v.party),
              v.requires_confirmation ? 1 : 0, v.request_expiry, v.offer_time)
        .run();
    c.statement(kDeleteServiceResources).bind(t, v.id).run();
    std::int64_t position = 0;
    for (std::size_t g = 0; g < v.resource_groups.size(); ++g) {
        for (const auto& r : v.resource_groups[g]) {
            c.statement(kInsertServiceResource).bind(t, v.id, position++, r, static_cast<std::int64_t>(g)).run();
        }
    }
}

std::optional<Service> select_service(Connection& c, const TenantId& t, const ServiceId& id) {
    std::optional<Service> out;
    {
        auto s = c.statement(kSelectService);
        s.bind(t, id);
        if (!s.step()) return std::nullopt;
        out = read_service(s);
    }
    auto s = c.statement(kSelectServiceResources);
    s.bind(t, id);
    while (s.step()) add_link(*out, s.id<ResourceTag>(0), s.integer(1));
    return out;
}

std::vector<Service> select_services(Connection& c, const TenantId& t) {
    std::vector<Service> out;
    std::map<std::string, std::size_t> index;
    {
        auto s = c.statement(kSelectServices);
        s.bind(t);
        while (s.step()) {
            out.push_back(read_service(s));
            index.emplace(out.back().id.value, out.size() - 1);
        }
    }
    auto s = c.statement(kSelectAllServiceResources);
    s.bind(t);
    while (s.step()) {
        // A link whose service row is missing cannot come from
        // write_service; skip it rather than invent a service.
        if (auto it = index.find(s.text(0)); it != index.end()) {
            add_link(out[it->second], s.id<ResourceTag>(1), s.integer(2));
        }
    }
    return out;
}

void write_weekly_hours(Connection& c, const TenantId& t, const ResourceId& r, const WeeklyHours& w) {
    c.statement(kDeleteWeeklyHours).bind(t, r).run();
    for (int day = 0; day < 7; ++day) {
        const auto& windows = w.days[static_cast<std::size_t>(day)];
        if (windows.empty()) continue;
        c.statement(kInsertWeeklyHours).bind(t, r, day + 1, encode_windows(windows)).run();
    }
}

WeeklyHours select_weekly_hours(Connection& c, const TenantId& t, const ResourceId& r) {
    WeeklyHours w;
    auto s = c.statement(kSelectWeeklyHours);
    s.bind(t, r);
    while (s.step()) {
        const auto day = s.integer(0);
        if (day < 1 || day > 7) corrupt("weekday " + std::to_string(day));
        w.days[static_cast<std::size_t>(day - 1)] = decode_windows(s.text(1));
    }
    return w;
}

}  // namespace slotwise::sqlite
