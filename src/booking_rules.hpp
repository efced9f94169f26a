// The rules book() applies to one occurrence, shared by booking.cpp (book,
// reschedule, availability) and series.cpp (book_series): resolving a
// service's groups, pinning, choosing resources inside the write
// transaction, the tenant's policy and payments. Not installed.
#pragma once

#include <slotwise/engine.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace slotwise::booking_rules {

/// The service and, per group, the resources a question is about (sorted by
/// id, deactivated ones left out), checked in `tx`.
struct Resolved {
    std::shared_ptr<const Service> service;  ///< never null; as the store keeps it, not copied
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
/// The same for a service already read in `tx` (a book() reads it once).
Resolved resolve(Transaction& tx, const TenantId& t, std::shared_ptr<const Service> service,
                 const std::vector<ResourceId>& wanted, int seats);
/// The group of `svc` that links `id`, if any.
std::optional<std::size_t> group_of(const Service& svc, const ResourceId& id);
/// `slot_unavailable` naming `resolved.refused`, if set, or "resource" when
/// a group has no resource left (every one it links is deactivated).
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
/// The cap on a customer's upcoming bookings when it accepts a waitlist
/// offer, which then becomes one of them (the offer itself, counted while it
/// runs, aside).
void enforce_active_cap_on_accept(Transaction& tx, const Principal& p, Instant now);
/// `not_configured` unless the tenant's payment provider is usable.
void require_payments(Transaction& tx, const Engine& engine, const TenantId& t);

/// A party service's pins: any resources of its groups, `first` among them.
std::vector<ResourceId> party_pins(const Service& svc, const std::optional<ResourceId>& first,
                                   const std::vector<ResourceId>& given);
/// The resources a party gets at `start` inside `tx` (party.hpp).
std::vector<ResourceId> choose_party_resources(Transaction& tx, const TenantId& t, const Resolved& resolved,
                                               const std::vector<ResourceId>& pins, Instant start, Instant now,
                                               int party, const Booking* exclude);

// --- book() around its write lock (booking_precheck.cpp) -------------------

/// A booking request checked against every rule in one transaction.
struct Checked {
    Resolved resolved;
    std::vector<ResourceId> pins;
    std::vector<ResourceId> chosen;  ///< one per group (a party: its tables)
    bool party = false;
    int held_seats = 1;  ///< seats held of each chosen resource
};

/// Every rule of book() for `r` in `tx`, in book()'s order of refusals;
/// throws the refusal, or returns the resources the booking would hold.
Checked check_request(Transaction& tx, const Engine& engine, const Principal& p, const BookingRequest& r, Instant now);

/// The resources a booking of `r` would hold at `r.start` inside `tx` (empty: none free).
std::vector<ResourceId> choose(Transaction& tx, const TenantId& t, const Resolved& resolved,
                               const std::vector<ResourceId>& pins, bool party, const BookingRequest& r, Instant now);

/// `check_request` outside the write lock, with the catalogue version it
/// was checked against.
struct Prechecked {
    std::int64_t version;
    Checked checked;
};

/// `check_request` in a read transaction; nullopt when the store keeps no
/// catalogue version or the idempotency key is already used (the write
/// transaction decides then).
std::optional<Prechecked> precheck(const Engine& engine, const Principal& p, const BookingRequest& r, Instant now);

/// Whether `r` still has room at `start` for a booking of `svc` in group
/// `group`, where only bookings can have changed since it was offered: the
/// load of each busy part and the service's limits.
bool still_room(Transaction& tx, const TenantId& t, const Service& svc, std::size_t group, const Resource& r,
                Instant start, Instant now, int seats);

/// Inside the write transaction: the resources to hold when the catalogue
/// version is still `pre`'s (the checked ones if they still have room; a
/// party's tables chosen again); nullopt when the catalogue moved on or a
/// checked resource was taken since, so that every rule must be checked
/// again, in a new write transaction (this one may hold locks of the checked
/// resources already).
std::optional<std::vector<ResourceId>> confirm_checked(Transaction& tx, const Principal& p, const Engine& engine,
                                                       const Prechecked& pre, const BookingRequest& r, Instant now);

}  // namespace slotwise::booking_rules
