// slotwise/policy.hpp — a tenant's abuse limits, and the engine's hard caps.
//
// A `TenantPolicy` bounds what one customer subject may hold at once, so that
// a single signed-in customer cannot take every slot of a week (each a
// pending hold, re-held as holds lapse) or a whole class in one booking. Every
// tenant has one; until an admin calls `TenantScope::set_policy` it is the
// defaults below, which are safe for a small business. The limits are checked
// inside the booking transaction (the same write lock as the insert), so
// concurrent requests of one customer cannot slip past them together.
//
// They bind customers only (`Role::customer`): staff and admin book on a
// customer's behalf and are trusted, but stay within the engine's hard caps
// (`max_slots_per_availability`, `max_query_days`, ...), which no policy
// lifts. Over a limit a call throws `Error(Errc::quota_exceeded)` whose
// `field()` names the limit, e.g. "max_pending_per_customer"; nothing is
// changed.
//
//   admin.set_policy({.max_pending_per_customer = 1, .max_active_per_customer = 4,
//                     .customer_horizon = std::chrono::days{60}});
//
// What a policy does not do: count requests. Put a `RateLimiter`
// (rate_limiter.hpp) in front of every call for that.
//
// Thread-safety: a plain value. Stored per tenant; a change applies to the
// next transaction that reads it.
#pragma once

#include <slotwise/time.hpp>

#include <chrono>
#include <cstddef>
#include <optional>

namespace slotwise {

/// Per-tenant limits on what one customer subject may do. Defaults are safe.
struct TenantPolicy {
    /// Pending bookings (paid, hold still running) one customer may hold at
    /// once; `book` past it throws `quota_exceeded` naming
    /// "max_pending_per_customer". 1 .. `max_policy_count`.
    int max_pending_per_customer = 2;
    /// Active bookings (confirmed, or pending with a running hold) starting at
    /// or after now that one customer may have; none = unlimited. Field
    /// "max_active_per_customer". 1 .. `max_policy_count`.
    std::optional<int> max_active_per_customer{};
    /// How far ahead of now a customer may query availability (the `to` date,
    /// in the resource's zone; over it: `invalid_argument` naming "to") and
    /// book or reschedule (over it: `quota_exceeded` naming
    /// "customer_horizon"). 1 .. `max_customer_horizon` days.
    std::chrono::days customer_horizon{92};
    /// Most seats in one customer booking; none = up to the resource's
    /// capacity. The default keeps one customer from taking a whole class in
    /// one booking; a restaurant taking larger parties online raises it.
    /// Field "max_seats_per_customer_booking". 1 .. `max_seats`.
    std::optional<int> max_seats_per_customer_booking = 8;
    /// Notifications that one customer's own actions (booking, cancelling,
    /// moving) may queue per rolling hour. Past it the action still succeeds
    /// but its notification is dropped and an `EngineEventKind::
    /// notification_dropped` event is reported, so that no customer can use
    /// the tenant's outbox as a mail relay (a message to any address, with a
    /// name they chose). Payments and staff actions are not counted against
    /// it. Field "max_notifications_per_customer_hour". 1 .. `max_policy_count`.
    int max_notifications_per_customer_hour = 20;
    /// Waiting waitlist entries one customer may have at once; joining past
    /// it throws `quota_exceeded` naming "max_waitlist_per_customer".
    /// 1 .. `max_policy_count`.
    int max_waitlist_per_customer = 5;

    friend bool operator==(const TenantPolicy&, const TenantPolicy&) = default;
};

/// The largest count a policy may set: the limits are counted by a bounded
/// query inside the booking transaction.
inline constexpr int max_policy_count = 1000;

/// The furthest a tenant may let customers look ahead.
inline constexpr std::chrono::days max_customer_horizon{3660};

/// The engine-wide cap on slots one availability call computes, summed over
/// the resources asked about (any role): past it the call throws
/// `invalid_argument` naming "to" (ask for fewer days or resources), having
/// done at most this much work. A week of 10 resources open 12 hours a day at
/// a 15-minute step is 3,360 slots; a year of them is far past it.
inline constexpr std::size_t max_slots_per_availability = 10'000;

}  // namespace slotwise
