// slotwise/model.hpp — the values the engine stores: tenants, resources,
// services, calendars, blocks and bookings, with strong id types.
//
// Plain aggregates: copyable, comparable, no behaviour beyond small helpers.
// Ids are opaque strings ("res_4f0c…"), random so that they leak neither
// counts nor order; a distinct type per entity keeps a `ResourceId` from being
// passed where a `ServiceId` is expected. Thread-safe as values are.
#pragma once

#include <slotwise/availability.hpp>
#include <slotwise/time.hpp>

#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise {

/// A strongly typed opaque id. `Tag` only distinguishes the types.
template <class Tag>
struct Id {
    std::string value{};

    /// True when the id is empty (not set).
    bool empty() const noexcept { return value.empty(); }
    friend auto operator<=>(const Id&, const Id&) = default;
    friend bool operator==(const Id&, const Id&) = default;
};

using TenantId = Id<struct TenantTag>;      ///< a client business
using ResourceId = Id<struct ResourceTag>;  ///< a stylist, room, machine or table
using ServiceId = Id<struct ServiceTag>;    ///< something bookable
using BlockId = Id<struct BlockTag>;        ///< a stretch of time off
using BookingId = Id<struct BookingTag>;    ///< a booking

/// What a principal may do within its tenant.
enum class Role {
    admin,     ///< manages resources, services, hours; sees every booking
    staff,     ///< sees and manages bookings; reads the catalogue
    customer,  ///< reads availability, books, reads and cancels own bookings
};

/// Who is calling: built by the host app from its own authenticated session,
/// never from request data. `subject` identifies the user within the tenant
/// (a customer's bookings are the ones whose `created_by` equals it).
struct Principal {
    TenantId tenant{};
    Role role = Role::customer;
    std::string subject{};
};

/// A client business sharing the database.
struct Tenant {
    TenantId id{};
    std::string name{};
    Instant created_at{};
};

/// The kind of a resource, for the host's display and presets.
enum class ResourceKind { staff, room, equipment, table };

/// Something with working hours and a capacity that bookings occupy.
struct Resource {
    ResourceId id{};
    std::string name{};
    ResourceKind kind = ResourceKind::staff;
    std::string timezone{};  ///< IANA zone name; hours are local to it
    int capacity = 1;        ///< seats usable at once
    friend bool operator==(const Resource&, const Resource&) = default;
};

/// A bookable service and its rules.
struct Service {
    ServiceId id{};
    std::string name{};
    Minutes duration{0};
    Minutes step{0};           ///< 0 when creating means "same as duration"
    Minutes buffer_before{0};
    Minutes buffer_after{0};
    std::int64_t price = 0;    ///< minor units (cents); 0 = free
    std::string currency{};    ///< ISO 4217, e.g. "EUR"; required when price > 0
    Minutes min_notice{0};
    Minutes horizon{0};        ///< 0 = no limit
    Minutes hold{15};          ///< how long a pending paid booking holds its slot
    std::vector<ResourceId> resources{};  ///< who can perform it, in display order
    /// How long before the start a customer may still cancel or reschedule
    /// (staff and admin are not bound by it); 0 = until the start.
    Minutes cancel_notice{0};
    friend bool operator==(const Service&, const Service&) = default;

    /// The availability rules of this service for `seats` seats.
    ServiceRules rules(int seats = 1) const {
        return {.duration = duration, .step = step, .buffer_before = buffer_before,
                .buffer_after = buffer_after, .seats = seats, .min_notice = min_notice,
                .horizon = horizon};
    }
};

/// Time off for one resource; takes every seat.
struct Block {
    BlockId id{};
    ResourceId resource{};
    Interval interval{};
    std::string reason{};
    friend bool operator==(const Block&, const Block&) = default;
};

/// Who booked.
struct Customer {
    std::string name{};
    std::string email{};
    std::string phone{};
    std::string locale = "en";  ///< "en" or "it"; others fall back to English in messages
    friend bool operator==(const Customer&, const Customer&) = default;
};

/// A booking's lifecycle. `expired` is a pending booking whose hold passed.
enum class BookingStatus { pending, confirmed, cancelled, expired };

/// Where the money is. `refund_pending`: the provider accepted a refund that
/// has not yet succeeded; `disputed`: the customer's bank disputes the
/// payment (a chargeback), which the host settles with the provider.
enum class PaymentStatus { none, pending, paid, refund_due, refunded, failed, refund_pending, disputed };

/// A booking as stored.
struct Booking {
    BookingId id{};
    ServiceId service{};
    ResourceId resource{};
    Interval interval{};       ///< the appointment, [start, end)
    int seats = 1;
    Minutes buffer_before{0};  ///< the service's buffers when it was booked
    Minutes buffer_after{0};
    Customer customer{};
    BookingStatus status = BookingStatus::confirmed;
    PaymentStatus payment_status = PaymentStatus::none;
    std::optional<Instant> hold_expires_at{};  ///< set while pending for payment
    std::string idempotency_key{};             ///< empty = none
    std::string request_fingerprint{};         ///< what the key was used for
    std::string checkout_id{};                 ///< the provider's checkout session, once started
    std::string payment_reference{};           ///< the provider's payment (Stripe: payment intent)
    /// What the customer owes, fixed when the booking is made (a later price
    /// change does not alter it): minor units, 0 = free.
    std::int64_t amount_due = 0;
    std::string currency_due{};                ///< ISO 4217 as the service had it; empty when free
    std::string created_by{};                  ///< the principal's subject
    Instant created_at{};
    Instant updated_at{};
    friend bool operator==(const Booking&, const Booking&) = default;

    /// The interval it keeps its resource busy, buffers included.
    Interval occupied_interval() const {
        return {interval.begin - buffer_before, interval.end + buffer_after};
    }
    /// True when it occupies its slot at `now`: confirmed, or pending with an
    /// unexpired hold.
    bool active_at(Instant now) const {
        return status == BookingStatus::confirmed ||
               (status == BookingStatus::pending && hold_expires_at && *hold_expires_at > now);
    }
    /// The status as a reader sees it at `now`: a pending booking whose hold
    /// has passed reads as expired.
    BookingStatus status_at(Instant now) const {
        if (status == BookingStatus::pending && hold_expires_at && *hold_expires_at <= now) {
            return BookingStatus::expired;
        }
        return status;
    }
};

/// Names as the APIs and storage spell them.
std::string_view to_string(Role r) noexcept;
std::string_view to_string(ResourceKind k) noexcept;
std::string_view to_string(BookingStatus s) noexcept;
std::string_view to_string(PaymentStatus s) noexcept;
/// Parses the names above; throws `invalid_argument` naming `field`.
Role parse_role(std::string_view s, const std::string& field);
ResourceKind parse_resource_kind(std::string_view s, const std::string& field);
BookingStatus parse_booking_status(std::string_view s, const std::string& field);
PaymentStatus parse_payment_status(std::string_view s, const std::string& field);

namespace detail {
template <class E, std::size_t N>
E parse_enum(std::string_view s, const std::array<std::string_view, N>& names, const std::string& field) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == s) return static_cast<E>(i);
    }
    std::string allowed;
    for (auto n : names) allowed += (allowed.empty() ? "" : ", ") + std::string(n);
    invalid(field, "expected one of " + allowed);
}
inline constexpr std::array<std::string_view, 3> role_names{"admin", "staff", "customer"};
inline constexpr std::array<std::string_view, 4> kind_names{"staff", "room", "equipment", "table"};
inline constexpr std::array<std::string_view, 4> status_names{"pending", "confirmed", "cancelled", "expired"};
inline constexpr std::array<std::string_view, 8> payment_names{"none",     "pending",  "paid",           "refund_due",
                                                                "refunded", "failed",   "refund_pending", "disputed"};
}  // namespace detail

inline std::string_view to_string(Role r) noexcept { return detail::role_names[static_cast<std::size_t>(r)]; }
inline std::string_view to_string(ResourceKind k) noexcept { return detail::kind_names[static_cast<std::size_t>(k)]; }
inline std::string_view to_string(BookingStatus s) noexcept { return detail::status_names[static_cast<std::size_t>(s)]; }
inline std::string_view to_string(PaymentStatus s) noexcept { return detail::payment_names[static_cast<std::size_t>(s)]; }
inline Role parse_role(std::string_view s, const std::string& f) { return detail::parse_enum<Role>(s, detail::role_names, f); }
inline ResourceKind parse_resource_kind(std::string_view s, const std::string& f) { return detail::parse_enum<ResourceKind>(s, detail::kind_names, f); }
inline BookingStatus parse_booking_status(std::string_view s, const std::string& f) { return detail::parse_enum<BookingStatus>(s, detail::status_names, f); }
inline PaymentStatus parse_payment_status(std::string_view s, const std::string& f) { return detail::parse_enum<PaymentStatus>(s, detail::payment_names, f); }

}  // namespace slotwise
