// The adapter's table combinations (party services): each function is one
// call of the Transaction interface, run inside the caller's transaction.
// Triggers of schema version 10 bump the tenant's catalogue_version on
// every change, like any other catalogue row.
#include "internal.hpp"
#include "statements.hpp"

namespace slotwise::sqlite {

void put_table_combination(Connection& c, const TenantId& t, const TableCombination& x) {
    c.statement(kUpsertTableCombination)
        .bind(t, x.id, x.service, static_cast<std::int64_t>(x.group), encode_ids(x.tables), x.size)
        .run();
}

std::vector<TableCombination> table_combinations(Connection& c, const TenantId& t, const ServiceId& service) {
    std::vector<TableCombination> out;
    auto s = c.statement(kSelectTableCombinations);
    s.bind(t, service);
    while (s.step()) {
        const auto group = s.integer(2);
        if (group < 0 || group > 1'000'000) corrupt("table combination group " + std::to_string(group));
        out.push_back({.id = s.id<CombinationTag>(0), .service = s.id<ServiceTag>(1),
                       .group = static_cast<std::size_t>(group), .tables = decode_ids(s.text(3)), .size = s.small(4)});
    }
    return out;
}

bool delete_table_combination(Connection& c, const TenantId& t, const CombinationId& id) {
    auto s = c.statement(kDeleteTableCombination);
    s.bind(t, id).run();
    return s.changes() > 0;
}

}  // namespace slotwise::sqlite
