// slotwise/waitlist.hpp — a customer's place in line for a start that is full.
//
// A customer joins the waitlist of a service's start only while that start is
// not offered for its seats. When a seat is freed (a cancellation, a
// rejection, a hold, request or offer that lapsed), the engine offers it, in
// the same transaction as the change that freed it, to the first waiting
// entry (join order) whose request fits: a booking in status `offered`
// holding the seat for the service's `offer_time`, which the customer takes
// with `TenantScope::accept_offer`. An offer that lapses passes on no later
// than the next `Engine::take_notifications()` (lifecycle.hpp has the rows).
//
// Entries are tenant data: every store key leads with the tenant, and a
// customer sees only its own. Plain values, thread-safe as values are.
#pragma once

#include <slotwise/model.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise {

/// Where an entry stands: waiting in line, offered a seat (the booking is
/// `WaitlistEntry::offer`), or left (its customer, or staff, took it out).
enum class WaitlistStatus { waiting, offered, left };

/// A place in line for one start of one service.
struct WaitlistEntry {
    WaitlistEntryId id{};
    ServiceId service{};
    Instant start{};
    int seats = 1;
    /// One resource per group, in group order, when the customer pinned
    /// them; empty = any resource of each group.
    std::vector<ResourceId> resources{};
    Customer customer{};
    std::string created_by{};  ///< the subject who joined: the offer is theirs
    Instant created_at{};
    WaitlistStatus status = WaitlistStatus::waiting;
    std::optional<BookingId> offer{};  ///< the offered booking, once made
    /// 1 + the waiting entries of the same service and start ahead of it,
    /// as read; 0 when not waiting (a store fills it in `waitlist_entry`).
    int position = 0;
    friend bool operator==(const WaitlistEntry&, const WaitlistEntry&) = default;
};

/// A point in the scan of lapsed bookings (`Transaction::lapsed_bookings`):
/// everything up to and including (at, tenant, booking) has been passed on.
struct LapseCursor {
    Instant at{};
    TenantId tenant{};
    BookingId booking{};
    friend bool operator==(const LapseCursor&, const LapseCursor&) = default;
};

/// A booking of some tenant whose hold, request or offer lapsed.
struct LapsedBooking {
    TenantId tenant{};
    Booking booking{};
};

namespace detail {
inline constexpr std::array<std::string_view, 3> waitlist_status_names{"waiting", "offered", "left"};
}  // namespace detail

inline std::string_view to_string(WaitlistStatus s) noexcept {
    return detail::waitlist_status_names[static_cast<std::size_t>(s)];
}
inline WaitlistStatus parse_waitlist_status(std::string_view s, const std::string& field) {
    return detail::parse_enum<WaitlistStatus>(s, detail::waitlist_status_names, field);
}

}  // namespace slotwise
