// The choice of tables for a party. See party.hpp.
#include "party.hpp"

#include "offer.hpp"

#include <algorithm>
#include <map>

namespace slotwise {
namespace detail {

std::vector<std::vector<ResourceId>> party_options(const std::vector<Resource>& group,
                                                   const std::vector<TableCombination>& combinations,
                                                   std::size_t group_index, int party) {
    std::vector<const Resource*> singles;
    for (const auto& r : group) {
        if (!r.size || *r.size >= party) singles.push_back(&r);
    }
    // The smallest table that seats the party, ties by id; a resource that
    // is not sized (a waiter) seats any party, so it comes after the tables.
    std::stable_sort(singles.begin(), singles.end(), [](const Resource* a, const Resource* b) {
        if (a->size.has_value() != b->size.has_value()) return a->size.has_value();
        if (a->size && *a->size != *b->size) return *a->size < *b->size;
        return a->id < b->id;
    });
    std::vector<std::vector<ResourceId>> out;
    for (const auto* r : singles) out.push_back({r->id});
    // A combination counts only while each of its tables is still a table of
    // this group (the service's groups and the resources may have changed
    // since it was declared).
    const auto table_here = [&](const ResourceId& id) {
        return std::any_of(group.begin(), group.end(),
                           [&](const Resource& r) { return r.id == id && r.capacity == 1 && r.size.has_value(); });
    };
    std::vector<const TableCombination*> fitting;
    for (const auto& c : combinations) {
        if (c.group != group_index || c.size < party || c.tables.size() < 2) continue;
        if (std::all_of(c.tables.begin(), c.tables.end(), table_here)) fitting.push_back(&c);
    }
    std::sort(fitting.begin(), fitting.end(), [](const TableCombination* a, const TableCombination* b) {
        if (a->size != b->size) return a->size < b->size;
        if (a->tables.size() != b->tables.size()) return a->tables.size() < b->tables.size();
        if (a->tables != b->tables) return a->tables < b->tables;
        return a->id < b->id;
    });
    for (const auto* c : fitting) {
        auto tables = c->tables;
        std::sort(tables.begin(), tables.end());
        out.push_back(std::move(tables));
    }
    return out;
}


std::vector<std::vector<std::vector<ResourceId>>> party_options_per_group(
    const std::vector<std::vector<Resource>>& groups, const std::vector<bool>& pinned,
    const std::vector<TableCombination>& combinations, int party) {
    std::vector<std::vector<std::vector<ResourceId>>> out;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        auto options = party_options(groups[g], combinations, g, party);
        // A pinned group is resolved to the pinned resources only, so an
        // option holding as many as were pinned holds exactly those.
        if (g < pinned.size() && pinned[g]) {
            std::erase_if(options, [&](const std::vector<ResourceId>& o) { return o.size() != groups[g].size(); });
        }
        out.push_back(std::move(options));
    }
    return out;
}

std::vector<ResourceId> choose_party(Transaction& tx, const TenantId& t, const Service& svc,
                                     const std::vector<std::vector<std::vector<ResourceId>>>& options,
                                     Instant start, Instant now, const Booking* exclude) {
    // Every candidate is asked once, all in id order before any is chosen:
    // an adapter that locks each resource it reads (PostgreSQL) then takes
    // a restaurant's tables in one order whatever the party size, so two
    // parties never wait on each other in a cycle.
    std::vector<std::pair<ResourceId, std::size_t>> candidates;
    for (std::size_t g = 0; g < options.size(); ++g) {
        for (const auto& option : options[g]) {
            for (const auto& id : option) candidates.emplace_back(id, g);
        }
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    std::map<std::pair<std::size_t, ResourceId>, bool> free;
    for (const auto& [id, g] : candidates) {
        const auto r = tx.resource(t, id);
        free[{g, id}] = r && start_offered(tx, t, svc, g, *r, start, now, 1, exclude, Notice::applies);
    }
    return first_free_options(options, [&](std::size_t g, const ResourceId& id) { return free.at({g, id}); });
}

std::vector<ResourceSlot> party_slots(const std::vector<std::vector<Resource>>& groups,
                                      const std::vector<std::vector<std::vector<Slot>>>& slots,
                                      const std::vector<TableCombination>& combinations, int party) {
    const auto options = party_options_per_group(groups, {}, combinations, party);
    std::vector<Instant> starts;
    for (const auto& group : slots) {
        for (const auto& list : group) {
            for (const auto& s : list) starts.push_back(s.start);
        }
    }
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    // Where each resource's slot list is: ids to (group, index).
    std::vector<std::map<ResourceId, std::size_t>> index(groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
        for (std::size_t i = 0; i < groups[g].size(); ++i) index[g].emplace(groups[g][i].id, i);
    }
    std::vector<ResourceSlot> out;
    for (const Instant start : starts) {
        Instant end{};
        const auto chosen = first_free_options(options, [&](std::size_t g, const ResourceId& id) {
            const auto at = index[g].find(id);
            if (at == index[g].end()) return false;
            const auto& list = slots[g][at->second];
            const auto it = std::lower_bound(list.begin(), list.end(), start,
                                             [](const Slot& s, Instant x) { return s.start < x; });
            if (it == list.end() || it->start != start) return false;
            end = it->end;
            return true;
        });
        if (chosen.empty()) continue;
        out.push_back({.start = start, .end = end, .resource = chosen.front(), .remaining = 1,
                       .other_resources = {chosen.begin() + 1, chosen.end()}});
    }
    return out;
}

}  // namespace detail
}  // namespace slotwise
