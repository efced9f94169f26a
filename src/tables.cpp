// Table combinations of party services: what a tenant's admin declares.
// See include/slotwise/engine.hpp; the choice of tables is in party.cpp.
#include <slotwise/engine.hpp>

#include "engine_internal.hpp"
#include "validate.hpp"

#include <algorithm>
#include <set>

namespace slotwise {

using detail::not_found;
using detail::require_id_shape;

TableCombination TenantScope::declare_table_combination(const NewTableCombination& n) {
    require_admin();
    if (n.service.empty()) invalid("service", "empty id");
    if (n.size < 1 || n.size > max_seats) invalid("size", "must be between 1 and " + std::to_string(max_seats));
    if (n.tables.size() < 2) invalid("tables", "a combination joins two or more tables");
    if (n.tables.size() > detail::max_linked_resources) {
        invalid("tables", "at most " + std::to_string(detail::max_linked_resources) + " tables");
    }
    std::set<ResourceId> seen;
    for (std::size_t i = 0; i < n.tables.size(); ++i) {
        if (!seen.insert(n.tables[i]).second) invalid("tables[" + std::to_string(i) + "]", "named twice");
    }
    require_id_shape(n.service, detail::service_prefix, "service");
    auto tx = engine_.store()->write();
    const auto svc = tx->service(principal_.tenant, n.service);
    if (!svc) not_found("service");
    if (!svc->party) invalid("service", "does not book parties: set party on the service first");
    if (n.group >= svc->resource_groups.size()) {
        invalid("group", "the service has " + std::to_string(svc->resource_groups.size()) + " groups");
    }
    const auto& group = svc->resource_groups[n.group];
    for (std::size_t i = 0; i < n.tables.size(); ++i) {
        const auto field = "tables[" + std::to_string(i) + "]";
        const auto& id = n.tables[i];
        if (std::find(group.begin(), group.end(), id) == group.end()) {
            invalid(field, "not a resource of group " + std::to_string(n.group) + " of this service");
        }
        const auto r = tx->resource(principal_.tenant, id);
        if (!r) invalid(field, "no such resource");
        if (r->capacity != 1 || !r->size) invalid(field, "not a table: a table has capacity 1 and a size");
    }
    TableCombination c{.id = {detail::random_id(detail::combination_prefix)}, .service = n.service, .group = n.group,
                       .tables = n.tables, .size = n.size};
    std::sort(c.tables.begin(), c.tables.end());
    tx->put_table_combination(principal_.tenant, c);
    tx->commit();
    return c;
}

std::vector<TableCombination> TenantScope::table_combinations(const ServiceId& service) {
    require_id_shape(service, detail::service_prefix, "service");
    auto tx = engine_.store()->read();
    if (!tx->service(principal_.tenant, service)) not_found("service");
    return tx->table_combinations(principal_.tenant, service);
}

void TenantScope::remove_table_combination(const CombinationId& id) {
    require_admin();
    require_id_shape(id, detail::combination_prefix, "combination");
    auto tx = engine_.store()->write();
    if (!tx->delete_table_combination(principal_.tenant, id)) not_found("combination");
    tx->commit();
}

}  // namespace slotwise
