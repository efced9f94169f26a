// The choice of tables for a party (Service::party), shared by
// availability(), book(), reschedule(). Not installed.
//
// Each group of a party service gives the party one option: of its
// resources that seat the party (size >= q, or not sized), the smallest by
// size then id; when none of those is free, the smallest free combination
// declared for the group (fewest seats, then fewest tables, then table ids).
// Every resource is held whole: one seat of a capacity-1 table.
#pragma once

#include <slotwise/engine.hpp>

#include <vector>

namespace slotwise::detail {

/// The options of one group (`group_index` of the service) for a party of
/// `party`, best first: each is the resources it holds, sorted by id.
std::vector<std::vector<ResourceId>> party_options(const std::vector<Resource>& group,
                                                   const std::vector<TableCombination>& combinations,
                                                   std::size_t group_index, int party);

/// Per group, the first of `options[g]` whose every resource `free(g, id)`
/// says is free; all of them flattened in group order. Empty when a group
/// has no free option.
template <class Free>
std::vector<ResourceId> first_free_options(const std::vector<std::vector<std::vector<ResourceId>>>& options,
                                           Free&& free) {
    std::vector<ResourceId> out;
    for (std::size_t g = 0; g < options.size(); ++g) {
        const std::vector<ResourceId>* found = nullptr;
        for (const auto& option : options[g]) {
            bool all = true;
            for (const auto& id : option) {
                if (!free(g, id)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                found = &option;
                break;
            }
        }
        if (!found) return {};
        out.insert(out.end(), found->begin(), found->end());
    }
    return out;
}

/// Every group's options for a party of `party` (`groups` as resolved, per
/// group sorted by id). A group in which the caller pinned resources
/// (`pinned[g]`) keeps only the option that holds exactly all of them.
std::vector<std::vector<std::vector<ResourceId>>> party_options_per_group(
    const std::vector<std::vector<Resource>>& groups, const std::vector<bool>& pinned,
    const std::vector<TableCombination>& combinations, int party);

/// The resources a party of `party` gets at `start`, asked inside `tx` at
/// `now` (each resource free for one seat by the service's rules of its
/// group), leaving `exclude` out; empty when a group has no free option.
std::vector<ResourceId> choose_party(Transaction& tx, const TenantId& t, const Service& svc,
                                     const std::vector<std::vector<std::vector<ResourceId>>>& options,
                                     Instant start, Instant now, const Booking* exclude);

/// availability() of a party service: from the one-seat slots of each
/// resource of each group (`slots[g][i]` of `groups[g][i]`, sorted by
/// start), one slot per start at which every group has a free option,
/// naming every resource it would hold.
std::vector<ResourceSlot> party_slots(const std::vector<std::vector<Resource>>& groups,
                                      const std::vector<std::vector<std::vector<Slot>>>& slots,
                                      const std::vector<TableCombination>& combinations, int party);

}  // namespace slotwise::detail
