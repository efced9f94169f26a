// The rules book() applies to one occurrence, shared by booking.cpp (book,
// reschedule, availability) and series.cpp (book_series): resolving a
// service's groups, pinning, choosing resources inside the write
// transaction, the tenant's policy and payments. Not installed.
#pragma once

#include <slotwise/engine.hpp>

#include <optional>
#include <string>
#include <vector>

namespace slotwise::booking_rules {

/// The service and, per group, the resources a question is about (sorted by
/// id, deactivated ones left out), checked in `tx`.
struct Resolved {
    Service service;
    std::vector<std::vector<Resource>> groups;  // parallel to service.resource_groups
    /// "service" when the service is deactivated, "resource" when the
    /// request names a deactivated resource: no new booking may be made.
    std::optional<std::string> refused{};
    const std::vector<Resource>& first() const { return groups.front(); }
};

/// Of each group, the resources `wanted` names (each must be linked), or all
/// of them when it names none of the group.
Resolved resolve(Transaction& tx, const TenantId& t, const ServiceId& service_id,
                 const std::vector<ResourceId>& wanted, int seats);
/// `slot_unavailable` naming `resolved.refused`, if set.
void refuse_if_deactivated(const Resolved& resolved);
/// The resources a request pins, one per group, or only the first group's.
std::vector<ResourceId> pinned(const Service& svc, const std::optional<ResourceId>& first,
                               const std::vector<ResourceId>& per_group);
/// Refuses ids of the wrong shape before any lookup.
void check_resource_ids(const std::optional<ResourceId>& first, const std::vector<ResourceId>& per_group);
/// The resource each group gives a booking at `start`, asked inside the
/// write transaction; empty when a group has none.
std::vector<ResourceId> choose_resources(Transaction& tx, const TenantId& t, const Resolved& resolved, Instant start,
                                         Instant now, int seats, const Booking* exclude);
/// The tenant's policy for a customer's booking at `start` (quota_exceeded).
void enforce_policy(Transaction& tx, const Principal& p, const Service& svc, const std::vector<Resource>& resources,
                    int seats, Instant start, Instant now);
/// `not_configured` unless the tenant's payment provider is usable.
void require_payments(Transaction& tx, const Engine& engine, const TenantId& t);

}  // namespace slotwise::booking_rules
