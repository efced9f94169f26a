// The catalogue of a PostgreSQL transaction: which columns of a resource or
// service a write changes, a service's resource links, weekly hours and
// overrides.
#include "parts.hpp"
#include "statements.hpp"

#include <map>

namespace slotwise::postgres {
namespace {

void add_link(Service& s, ResourceId r, std::int64_t group) {
    if (group < 0 || group >= 64) corrupt("resource group " + std::to_string(group));
    while (s.resource_groups.size() <= static_cast<std::size_t>(group)) s.resource_groups.emplace_back();
    s.resource_groups[static_cast<std::size_t>(group)].push_back(std::move(r));
}

}  // namespace

std::int64_t resource_change_mask(const Resource& now, const Resource& was) {
    return (now.name != was.name ? 1 : 0) | (now.kind != was.kind ? 2 : 0) | (now.timezone != was.timezone ? 4 : 0) |
           (now.capacity != was.capacity ? 8 : 0) | (now.active != was.active ? 16 : 0) | (now.size != was.size ? 32 : 0);
}

std::int64_t service_change_mask(const Service& v, const Service& was) {
    std::int64_t mask = 0;
    const auto bit = [&](bool changed, std::int64_t b) { mask |= changed ? b : 0; };
    bit(v.name != was.name, 1);
    bit(v.duration != was.duration, 2);
    bit(v.step != was.step, 4);
    bit(v.buffer_before != was.buffer_before, 8);
    bit(v.buffer_after != was.buffer_after, 16);
    bit(v.price != was.price, 32);
    bit(v.currency != was.currency, 64);
    bit(v.min_notice != was.min_notice, 128);
    bit(v.horizon != was.horizon, 256);
    bit(v.hold != was.hold, 512);
    bit(v.cancel_notice != was.cancel_notice, 1024);
    bit(v.segments != was.segments, 2048);
    bit(v.limits.day != was.limits.day, 4096);
    bit(v.limits.week != was.limits.week, 8192);
    bit(v.limits.month != was.limits.month, 16384);
    bit(v.active != was.active, 32768);
    bit(v.party != was.party, 65536);
    bit(v.requires_confirmation != was.requires_confirmation, 131072);
    bit(v.request_expiry != was.request_expiry, 262144);
    bit(v.offer_time != was.offer_time, 524288);
    return mask;
}

Params service_params(const TenantId& t, const Service& v) {
    Params p;
    p.add(t).add(v.id).add(v.name).add(v.duration).add(v.step).add(v.buffer_before).add(v.buffer_after).add(
        v.price).add(v.currency).add(v.min_notice).add(v.horizon).add(v.hold).add(v.cancel_notice);
    p.text(encode_segments(v.segments)).add(v.limits.day).add(v.limits.week).add(v.limits.month);
    p.add(v.active ? 1 : 0).add(v.party ? 1 : 0);
    p.add(v.requires_confirmation ? 1 : 0).add(v.request_expiry).add(v.offer_time);
    return p;
}

void write_service_resources(Connection& c, const TenantId& t, const Service& v) {
    c.run(kDeleteServiceResources, Params().add(t).add(v.id));
    std::int64_t position = 0;
    for (std::size_t g = 0; g < v.resource_groups.size(); ++g) {
        for (const auto& r : v.resource_groups[g]) {
            c.run(kInsertServiceResource,
                  Params().add(t).add(v.id).add(position++).add(r).add(static_cast<std::int64_t>(g)));
        }
    }
}

std::optional<Service> select_service(Connection& c, const TenantId& t, const ServiceId& id) {
    const auto r = c.run(kSelectService, Params().add(t).add(id));
    if (r.rows() == 0) return std::nullopt;
    auto out = read_service(r, 0);
    const auto links = c.run(kSelectServiceResources, Params().add(t).add(id));
    for (int i = 0; i < links.rows(); ++i) add_link(out, links.id<ResourceTag>(i, 0), links.integer(i, 1));
    return out;
}

std::vector<Service> select_services(Connection& c, const TenantId& t) {
    std::vector<Service> out;
    std::map<std::string, std::size_t> index;
    const auto r = c.run(kSelectServices, Params().add(t));
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back(read_service(r, i));
        index.emplace(out.back().id.value, out.size() - 1);
    }
    const auto links = c.run(kSelectAllServiceResources, Params().add(t));
    for (int i = 0; i < links.rows(); ++i) {
        if (auto it = index.find(links.bytes(i, 0)); it != index.end()) {
            add_link(out[it->second], links.id<ResourceTag>(i, 1), links.integer(i, 2));
        }
    }
    return out;
}

void write_weekly_hours(Connection& c, const TenantId& t, const ResourceId& r, const WeeklyHours& w) {
    c.run(kDeleteWeeklyHours, Params().add(t).add(r));
    for (int day = 0; day < 7; ++day) {
        const auto& windows = w.days[static_cast<std::size_t>(day)];
        if (windows.empty()) continue;
        c.run(kInsertWeeklyHours, Params().add(t).add(r).add(day + 1).text(encode_windows(windows)));
    }
}

WeeklyHours select_weekly_hours(Connection& c, const TenantId& t, const ResourceId& r) {
    return read_weekly_hours(c.run(kSelectWeeklyHours, Params().add(t).add(r)));
}

WeeklyHours read_weekly_hours(const Result& rows) {
    WeeklyHours w;
    for (int i = 0; i < rows.rows(); ++i) {
        const auto day = rows.integer(i, 0);
        if (day < 1 || day > 7) corrupt("weekday " + std::to_string(day));
        w.days[static_cast<std::size_t>(day - 1)] = decode_windows(rows.bytes(i, 1));
    }
    return w;
}

std::map<Date, std::vector<LocalWindow>> select_overrides(Connection& c, const TenantId& t, const ResourceId& r,
                                                          Date from, Date to) {
    std::map<Date, std::vector<LocalWindow>> out;
    if (to < from) return out;
    const auto rows = c.run(kSelectOverrides, Params().add(t).add(r).add(day_number(from)).add(day_number(to)));
    for (int i = 0; i < rows.rows(); ++i) {
        out.emplace(date_of(rows.integer(i, 0)), decode_windows(rows.bytes(i, 1)));
    }
    return out;
}

Params all_calendar_rows_params(const TenantId& t, const ResourceId& r) {
    return Params().add(t).add(r).add(CatalogueCache::kMaxCalendarRows + 1);
}

std::optional<CatalogueCache::Overrides> select_all_overrides(Connection& c, const TenantId& t, const ResourceId& r) {
    return read_all_overrides(c.run(kSelectAllOverrides, all_calendar_rows_params(t, r)));
}

std::optional<CatalogueCache::Overrides> read_all_overrides(const Result& rows) {
    if (rows.rows() > CatalogueCache::kMaxCalendarRows) return std::nullopt;
    CatalogueCache::Overrides out;
    for (int i = 0; i < rows.rows(); ++i) out.emplace(date_of(rows.integer(i, 0)), decode_windows(rows.bytes(i, 1)));
    return out;
}

std::optional<std::vector<Block>> select_all_blocks(Connection& c, const TenantId& t, const ResourceId& r) {
    return read_all_blocks(c.run(kSelectAllBlocks, all_calendar_rows_params(t, r)));
}

std::optional<std::vector<Block>> read_all_blocks(const Result& rows) {
    if (rows.rows() > CatalogueCache::kMaxCalendarRows) return std::nullopt;
    std::vector<Block> out;
    for (int i = 0; i < rows.rows(); ++i) out.push_back(read_block(rows, i));
    return out;
}

std::vector<Block> select_blocks(Connection& c, const TenantId& t, const ResourceId& r, Interval range) {
    const auto rows = c.run(kSelectBlocks, Params().add(t).add(r).add(range.begin).add(range.end));
    std::vector<Block> out;
    for (int i = 0; i < rows.rows(); ++i) out.push_back(read_block(rows, i));
    return out;
}

std::optional<Resource> read_resource_and_calendar(Connection& c, CatalogueReader& catalogue, const TenantId& t,
                                                   const ResourceId& id) {
    using Tenant = CatalogueCache::Tenant;
    const bool keeps = catalogue.keeps(c, t, id.value);
    const auto missing = [&](auto map) { return keeps && catalogue.find(c, t, map, id.value) == nullptr; };
    const bool hours = missing(&Tenant::hours);
    const bool overrides = missing(&Tenant::overrides);
    const bool blocks = missing(&Tenant::blocks);
    const auto p = Params().add(t).add(id);
    const auto all = all_calendar_rows_params(t, id);
    std::vector<Connection::Step> steps{{kSelectResource, &p}};
    if (hours) steps.push_back({kSelectWeeklyHours, &p});
    if (overrides) steps.push_back({kSelectAllOverrides, &all});
    if (blocks) steps.push_back({kSelectAllBlocks, &all});
    const auto results = c.run_all(steps);
    if (results[0].rows() == 0) return std::nullopt;
    auto out = read_resource(results[0], 0);
    catalogue.keep(c, t, &Tenant::resources, id.value, out, 1);
    std::size_t next = 1;
    if (hours) catalogue.keep(c, t, &Tenant::hours, id.value, read_weekly_hours(results[next++]), 7);
    if (overrides) {
        auto o = read_all_overrides(results[next++]);
        const auto rows = calendar_rows(o);
        catalogue.keep(c, t, &Tenant::overrides, id.value, std::move(o), rows);
    }
    if (blocks) {
        auto b = read_all_blocks(results[next++]);
        const auto rows = calendar_rows(b);
        catalogue.keep(c, t, &Tenant::blocks, id.value, std::move(b), rows);
    }
    return out;
}

}  // namespace slotwise::postgres
