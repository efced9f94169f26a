// The catalogue a tenant's admin keeps: resources, their hours, date
// overrides and time off, and services. See include/slotwise/engine.hpp.
#include <slotwise/engine.hpp>

#include "engine_internal.hpp"
#include "validate.hpp"

namespace slotwise {

using detail::check_date_range;
using detail::check_instant;
using detail::check_optional_text;
using detail::check_resource;
using detail::check_service;
using detail::not_found;
using detail::random_id;
using detail::require_id_shape;

namespace {
// Every id from a caller is checked by shape before any lookup (engine.hpp).
void require_resource(const ResourceId& id) { require_id_shape(id, detail::resource_prefix, "resource"); }
}  // namespace

// --- catalogue ---------------------------------------------------------------

Resource TenantScope::create_resource(const NewResource& r) {
    require_admin();
    check_resource(r);
    Resource res{.id = {random_id("res")}, .name = r.name, .kind = r.kind, .timezone = r.timezone, .capacity = r.capacity,
                 .size = r.size};
    auto tx = engine_.store()->write();
    tx->put_resource(principal_.tenant, res);
    tx->commit();
    return res;
}

Resource TenantScope::update_resource(const Resource& r) {
    require_admin();
    require_resource(r.id);
    check_resource({.name = r.name, .kind = r.kind, .timezone = r.timezone, .capacity = r.capacity, .size = r.size});
    auto tx = engine_.store()->write();
    const auto was = tx->resource(principal_.tenant, r.id);
    if (!was) not_found("resource");
    // The four fields it names; whether it is active is deactivate_resource's.
    Resource out = r;
    out.active = was->active;
    tx->put_resource(principal_.tenant, out);
    tx->commit();
    return out;
}

Resource TenantScope::update_resource(const ResourceId& id, const ResourcePatch& p) {
    require_admin();
    require_resource(id);
    auto tx = engine_.store()->write();
    auto r = tx->resource(principal_.tenant, id);
    if (!r) not_found("resource");
    if (p.name) r->name = *p.name;
    if (p.kind) r->kind = *p.kind;
    if (p.timezone) r->timezone = *p.timezone;
    if (p.capacity) r->capacity = *p.capacity;
    if (p.active) r->active = *p.active;
    if (p.size) r->size = *p.size;
    check_resource({.name = r->name, .kind = r->kind, .timezone = r->timezone, .capacity = r->capacity, .size = r->size});
    tx->put_resource(principal_.tenant, *r);
    tx->commit();
    return *r;
}

Resource TenantScope::get_resource(const ResourceId& id) {
    require_resource(id);
    auto tx = engine_.store()->read();
    auto r = tx->resource(principal_.tenant, id);
    if (!r) not_found("resource");
    return *r;
}

std::vector<Resource> TenantScope::resources() { return engine_.store()->read()->resources(principal_.tenant); }

void TenantScope::set_weekly_hours(const ResourceId& id, WeeklyHours hours) {
    require_admin();
    require_resource(id);
    for (std::size_t d = 0; d < 7; ++d) normalize_windows(hours.days[d], "hours." + std::string(weekday_keys[d]));
    auto tx = engine_.store()->write();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    tx->put_weekly_hours(principal_.tenant, id, hours);
    tx->commit();
}

WeeklyHours TenantScope::weekly_hours(const ResourceId& id) {
    require_resource(id);
    auto tx = engine_.store()->read();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    return tx->weekly_hours(principal_.tenant, id);
}

void TenantScope::set_date_override(const ResourceId& id, Date day, std::vector<LocalWindow> windows) {
    require_admin();
    require_resource(id);
    check_date(day, "date");
    normalize_windows(windows, "windows");
    auto tx = engine_.store()->write();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    tx->put_override(principal_.tenant, id, day, windows);
    tx->commit();
}

void TenantScope::clear_date_override(const ResourceId& id, Date day) {
    require_admin();
    require_resource(id);
    check_date(day, "date");
    auto tx = engine_.store()->write();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    if (!tx->delete_override(principal_.tenant, id, day)) not_found("override");
    tx->commit();
}

std::map<Date, std::vector<LocalWindow>> TenantScope::date_overrides(const ResourceId& id, Date from, Date to) {
    require_resource(id);
    check_date_range(from, to);
    auto tx = engine_.store()->read();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    return tx->overrides(principal_.tenant, id, from, to);
}

Block TenantScope::add_block(const ResourceId& id, Interval when, const std::string& reason) {
    require_staff_or_admin();
    require_resource(id);
    check_instant(when.begin, "start");
    check_instant(when.end, "end");
    if (when.end <= when.begin) invalid("end", "is not after start");
    check_optional_text(reason, "reason", 500);
    Block b{.id = {random_id("blk")}, .resource = id, .interval = when, .reason = reason};
    auto tx = engine_.store()->write();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    tx->insert_block(principal_.tenant, b);
    tx->commit();
    return b;
}

void TenantScope::remove_block(const BlockId& id) {
    require_staff_or_admin();
    require_id_shape(id, detail::block_prefix, "block");
    auto tx = engine_.store()->write();
    if (!tx->delete_block(principal_.tenant, id)) not_found("block");
    tx->commit();
}

std::vector<Block> TenantScope::blocks(const ResourceId& id, Interval range) {
    require_resource(id);
    if (range.end <= range.begin) invalid("end", "is not after start");
    auto tx = engine_.store()->read();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    auto out = tx->blocks(principal_.tenant, id, range);
    // Customers see when a resource is busy, never why: a reason is staff's
    // note ("sick leave", "dentist").
    if (principal_.role == Role::customer) {
        for (auto& b : out) b.reason.clear();
    }
    return out;
}

namespace {
// Every linked resource exists in this tenant. A one-group service names
// them as it was given them ("resources[i]").
void check_links(Transaction& tx, const TenantId& t, const Service& s) {
    const bool one_group = s.resource_groups.size() == 1;
    for (std::size_t g = 0; g < s.resource_groups.size(); ++g) {
        const auto& group = s.resource_groups[g];
        for (std::size_t i = 0; i < group.size(); ++i) {
            if (!detail::well_formed_id(group[i].value, detail::resource_prefix) || !tx.resource(t, group[i])) {
                invalid(one_group ? "resources[" + std::to_string(i) + "]"
                                  : "resource_groups[" + std::to_string(g) + "][" + std::to_string(i) + "]",
                        "no such resource");
            }
        }
    }
}

// `resources` is the one-group spelling of `resource_groups`; a service is
// given one or the other.
ResourceGroups groups_of(const std::vector<ResourceId>& resources, const ResourceGroups& groups) {
    if (!resources.empty() && !groups.empty()) {
        invalid("resource_groups", "give resources or resource_groups, not both");
    }
    if (!groups.empty()) return groups;
    if (resources.empty()) invalid("resources", "at least one resource must perform the service");
    return {resources};
}
}  // namespace

Service TenantScope::create_service(const NewService& n) {
    require_admin();
    Service s{.id = {random_id("svc")}, .name = n.name, .duration = n.duration, .step = n.step,
              .buffer_before = n.buffer_before, .buffer_after = n.buffer_after, .price = n.price,
              .currency = n.currency, .min_notice = n.min_notice, .horizon = n.horizon, .hold = n.hold,
              .resource_groups = groups_of(n.resources, n.resource_groups), .cancel_notice = n.cancel_notice,
              .segments = n.segments, .limits = n.limits, .party = n.party,
              .requires_confirmation = n.requires_confirmation, .request_expiry = n.request_expiry,
              .offer_time = n.offer_time};
    check_service(s);
    auto tx = engine_.store()->write();
    check_links(*tx, principal_.tenant, s);
    tx->put_service(principal_.tenant, s);
    tx->commit();
    return s;
}

Service TenantScope::update_service(const Service& in) {
    require_admin();
    require_id_shape(in.id, detail::service_prefix, "service");
    Service s = in;
    check_service(s);
    auto tx = engine_.store()->write();
    const auto was = tx->service(principal_.tenant, s.id);
    if (!was) not_found("service");
    s.active = was->active;  // deactivate_service's, not a replacement's
    check_links(*tx, principal_.tenant, s);
    tx->put_service(principal_.tenant, s);
    tx->commit();
    return s;
}

Service TenantScope::update_service(const ServiceId& id, const ServicePatch& p) {
    require_admin();
    require_id_shape(id, detail::service_prefix, "service");
    auto tx = engine_.store()->write();
    auto s = tx->service(principal_.tenant, id);
    if (!s) not_found("service");
    const auto set = [](auto& field, const auto& value) {
        if (value) field = *value;
    };
    set(s->name, p.name);
    set(s->duration, p.duration);
    set(s->step, p.step);
    set(s->buffer_before, p.buffer_before);
    set(s->buffer_after, p.buffer_after);
    set(s->price, p.price);
    set(s->currency, p.currency);
    set(s->min_notice, p.min_notice);
    set(s->horizon, p.horizon);
    set(s->hold, p.hold);
    if (p.resources || p.resource_groups) {
        s->resource_groups = groups_of(p.resources.value_or(std::vector<ResourceId>{}),
                                       p.resource_groups.value_or(ResourceGroups{}));
    }
    set(s->cancel_notice, p.cancel_notice);
    set(s->segments, p.segments);
    set(s->limits, p.limits);
    set(s->active, p.active);
    set(s->party, p.party);
    set(s->requires_confirmation, p.requires_confirmation);
    set(s->request_expiry, p.request_expiry);
    set(s->offer_time, p.offer_time);
    check_service(*s);
    check_links(*tx, principal_.tenant, *s);
    tx->put_service(principal_.tenant, *s);
    tx->commit();
    return *s;
}

Service TenantScope::get_service(const ServiceId& id) {
    require_id_shape(id, detail::service_prefix, "service");
    auto s = engine_.store()->read()->service(principal_.tenant, id);
    if (!s) not_found("service");
    return *s;
}

std::vector<Service> TenantScope::services() { return engine_.store()->read()->services(principal_.tenant); }

}  // namespace slotwise
