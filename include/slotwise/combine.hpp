// slotwise/combine.hpp — availability over several resources.
//
// Built on the single-resource core (availability.hpp):
//  - `any_of`: "any of these stylists" — the union of every resource's slots,
//    each attributed to its resource, ordered by (start, resource position);
//  - `all_of`: "this doctor and this room at once" — only the slots that every
//    resource offers with the same start and end; `remaining` is the smallest.
//
// Inputs are the per-resource slot lists as `compute_slots` returns them
// (sorted by start, starts distinct). Pure functions, thread-safe.
#pragma once

#include <slotwise/availability.hpp>

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace slotwise {

/// A slot and the position (in the caller's resource list) of the resource
/// that offers it.
struct AttributedSlot {
    Slot slot{};
    std::size_t resource = 0;
    friend constexpr bool operator==(const AttributedSlot&, const AttributedSlot&) = default;
};

/// The union of per-resource slot lists, sorted by (start, resource position):
/// a stable order, so equal inputs always list resources the same way.
inline std::vector<AttributedSlot> any_of(std::span<const std::vector<Slot>> per_resource) {
    std::size_t total = 0;
    for (const auto& list : per_resource) total += list.size();
    std::vector<AttributedSlot> out;
    out.reserve(total);
    for (std::size_t r = 0; r < per_resource.size(); ++r) {
        for (const Slot& s : per_resource[r]) out.push_back({s, r});
    }
    // Each list is sorted already; a stable sort by start keeps resource order
    // for equal starts.
    std::stable_sort(out.begin(), out.end(), [](const AttributedSlot& a, const AttributedSlot& b) {
        return a.slot.start < b.slot.start;
    });
    return out;
}

/// The slots every resource offers at once (same start and end), with the
/// smallest `remaining` among them. An empty input gives no slots.
inline std::vector<Slot> all_of(std::span<const std::vector<Slot>> per_resource) {
    if (per_resource.empty()) return {};
    std::vector<Slot> acc = per_resource.front();
    std::vector<Slot> next;
    for (std::size_t r = 1; r < per_resource.size() && !acc.empty(); ++r) {
        next.clear();
        const auto& other = per_resource[r];
        // Two-pointer intersection of lists sorted by start.
        std::size_t i = 0, j = 0;
        while (i < acc.size() && j < other.size()) {
            if (acc[i].start < other[j].start) {
                ++i;
            } else if (other[j].start < acc[i].start) {
                ++j;
            } else {
                if (acc[i].end == other[j].end) {
                    next.push_back({acc[i].start, acc[i].end,
                                    std::min(acc[i].remaining, other[j].remaining)});
                }
                ++i;
                ++j;
            }
        }
        acc.swap(next);
    }
    return acc;
}

}  // namespace slotwise
