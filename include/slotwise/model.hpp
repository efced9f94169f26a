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
using SeriesId = Id<struct SeriesTag>;      ///< the bookings one `book_series` call made
using CombinationId = Id<struct CombinationTag>;  ///< tables a restaurant joins for a large party
using WaitlistEntryId = Id<struct WaitlistTag>;  ///< a place on a waitlist

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
    /// False once an admin deactivated it: it takes no new booking and is
    /// offered by no availability; its bookings are kept.
    bool active = true;
    /// Guests it seats (a table: capacity 1, one party at a time); empty for
    /// a resource that is not sized. A party service (`Service::party`)
    /// gives a party of q a sized resource only when size >= q.
    std::optional<int> size{};
    friend bool operator==(const Resource&, const Resource&) = default;
};

/// The resources a service needs: one from each group, all at once (a
/// doctor from {Rossi, Bianchi} and a room from {1, 2}). A service with one
/// group is booked on any one of its resources.
using ResourceGroups = std::vector<std::vector<ResourceId>>;

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
    /// One resource from each group performs it, each group in display
    /// order. The first group is the one who works (segments and limits
    /// apply to it); the others are held for the whole appointment.
    ResourceGroups resource_groups{};
    /// How long before the start a customer may still cancel or reschedule
    /// (staff and admin are not bound by it); 0 = until the start.
    Minutes cancel_notice{0};
    /// When not empty, the busy and free parts of the appointment
    /// (availability.hpp, `ServiceRules::segments`); they occupy the first
    /// group's resource only.
    std::vector<Segment> segments{};
    /// Most bookings of this service a resource of the first group takes per
    /// local day, week or month of its zone.
    BookingLimits limits{};
    /// False once an admin deactivated it: no new bookings, no slots; its
    /// bookings are kept.
    bool active = true;
    /// Books parties (restaurants): a request's `seats` is the party size q,
    /// and each group gives the party one resource, held whole (one seat of
    /// it): of sized resources the smallest free one with size >= q, else
    /// the smallest free `TableCombination` declared for the group.
    bool party = false;
    /// Bookings are `requested` and block their slot until staff confirm or
    /// reject them, or until `request_expiry` passes (never past the start).
    bool requires_confirmation = false;
    Minutes request_expiry{24 * 60};
    /// How long a waitlist offer holds its seat (never past the start).
    Minutes offer_time{60};
    friend bool operator==(const Service&, const Service&) = default;

    /// The availability rules of this service for `seats` seats, as they
    /// apply to a resource of group `group`: the first group works the
    /// segments and carries the limits, any other is held throughout.
    ServiceRules rules(int seats = 1, std::size_t group = 0) const {
        ServiceRules r{.duration = duration, .step = step, .buffer_before = buffer_before,
                       .buffer_after = buffer_after, .seats = seats, .min_notice = min_notice,
                       .horizon = horizon};
        if (group == 0) {
            r.segments = segments;
            r.limits = limits;
        }
        return r;
    }
    /// Every resource linked to it, group by group.
    std::vector<ResourceId> all_resources() const {
        std::vector<ResourceId> out;
        for (const auto& g : resource_groups) out.insert(out.end(), g.begin(), g.end());
        return out;
    }
};

/// Tables of one group of a party service that the tenant joins for a large
/// party, seating `size` guests together (T3 + T4 seat 10). A party that no
/// single free table seats is given the smallest free combination: every
/// table of it held at once.
struct TableCombination {
    CombinationId id{};
    ServiceId service{};
    std::size_t group = 0;             ///< index into the service's resource_groups
    std::vector<ResourceId> tables{};  ///< two or more, sorted by id
    int size = 0;                      ///< guests the joined tables seat
    friend bool operator==(const TableCombination&, const TableCombination&) = default;
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

/// A booking's lifecycle (lifecycle.hpp). `expired` is a pending,
/// requested or offered booking whose `hold_expires_at` passed: derived from
/// the clock, never blocking. New statuses are appended: stored names and
/// numeric values of the old ones never change.
enum class BookingStatus { pending, confirmed, cancelled, expired, requested, offered, rejected };

/// True for the statuses that hold their slot until `hold_expires_at`.
constexpr bool lapses(BookingStatus s) noexcept {
    return s == BookingStatus::pending || s == BookingStatus::requested || s == BookingStatus::offered;
}

/// Where the money is. `refund_pending`: the provider accepted a refund that
/// has not yet succeeded; `disputed`: the customer's bank disputes the
/// payment (a chargeback), which the host settles with the provider.
enum class PaymentStatus { none, pending, paid, refund_due, refunded, failed, refund_pending, disputed };

/// What a booking occupies of one resource it holds: `interval` widened by
/// its buffers (a busy part of the appointment, or all of it).
struct Hold {
    ResourceId resource{};
    Interval interval{};
    Minutes buffer_before{0};
    Minutes buffer_after{0};
    friend bool operator==(const Hold&, const Hold&) = default;
    /// [interval.begin − buffer_before, interval.end + buffer_after).
    Interval occupied() const { return {interval.begin - buffer_before, interval.end + buffer_after}; }
};

/// A booking as stored.
struct Booking {
    BookingId id{};
    ServiceId service{};
    ResourceId resource{};     ///< the resource of the service's first group
    /// The resource of each further group, in group order: the booking
    /// holds `resource` and every one of these, or (before it is stored)
    /// none of them.
    std::vector<ResourceId> other_resources{};
    Interval interval{};       ///< the appointment, [start, end)
    int seats = 1;
    Minutes buffer_before{0};  ///< the service's buffers when it was booked
    Minutes buffer_after{0};
    /// The service's segments when it was booked (empty = busy throughout).
    std::vector<Segment> segments{};
    Customer customer{};
    BookingStatus status = BookingStatus::confirmed;
    PaymentStatus payment_status = PaymentStatus::none;
    /// When a pending, requested or offered booking stops holding its slot
    /// (the payment hold, the request's expiry, the offer's time).
    std::optional<Instant> hold_expires_at{};
    std::string idempotency_key{};             ///< empty = none
    std::string request_fingerprint{};         ///< what the key was used for
    std::string checkout_id{};                 ///< the provider's checkout session, once started
    std::string payment_reference{};           ///< the provider's payment (Stripe: payment intent)
    /// What the customer owes, fixed when the booking is made (a later price
    /// change does not alter it): minor units, 0 = free.
    std::int64_t amount_due = 0;
    std::string currency_due{};                ///< ISO 4217 as the service had it; empty when free
    /// The party size of a booking of a party service (its `seats` is then
    /// 1: a party holds each of its resources whole); 0 otherwise. A party
    /// seated at a combination holds every table of it: they are listed
    /// with the group's, `resource` then `other_resources`, in id order.
    int party_size = 0;
    std::string created_by{};                  ///< the principal's subject
    Instant created_at{};
    Instant updated_at{};
    SeriesId series{};                         ///< the series it belongs to; empty = none
    friend bool operator==(const Booking&, const Booking&) = default;

    /// The interval it keeps its resource busy, buffers included.
    Interval occupied_interval() const {
        return {interval.begin - buffer_before, interval.end + buffer_after};
    }
    /// Every resource it holds: `resource`, then `other_resources`.
    std::vector<ResourceId> held_resources() const {
        std::vector<ResourceId> out{resource};
        out.insert(out.end(), other_resources.begin(), other_resources.end());
        return out;
    }
    /// What it occupies of each resource it holds, buffers included: of
    /// `resource`, each busy part of its segments (the first widened by
    /// buffer_before, the last by buffer_after; the whole occupied interval
    /// without segments); of every other resource, the occupied interval.
    /// This is what every capacity check counts.
    std::vector<Hold> holds() const {
        std::vector<Hold> out;
        if (segments.empty()) {
            out.push_back({resource, interval, buffer_before, buffer_after});
        } else {
            std::array<detail::BusyPart, detail::max_busy_parts> parts{};
            const ServiceRules shape{.segments = segments};  // busy parts without buffers
            const std::size_t n = detail::busy_parts(shape, parts);
            for (std::size_t i = 0; i < n; ++i) {
                out.push_back({resource,
                               {interval.begin + parts[i].from, interval.begin + parts[i].to},
                               i == 0 ? buffer_before : Minutes{0},
                               i + 1 == n ? buffer_after : Minutes{0}});
            }
        }
        for (const auto& r : other_resources) out.push_back({r, interval, buffer_before, buffer_after});
        return out;
    }
    /// True when it occupies its slot at `now`: confirmed, or pending,
    /// requested or offered before `hold_expires_at`.
    bool active_at(Instant now) const {
        return status == BookingStatus::confirmed || (lapses(status) && hold_expires_at && *hold_expires_at > now);
    }
    /// The status as a reader sees it at `now`: a pending, requested or
    /// offered booking whose `hold_expires_at` has passed reads as expired.
    BookingStatus status_at(Instant now) const {
        if (lapses(status) && hold_expires_at && *hold_expires_at <= now) {
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
inline constexpr std::array<std::string_view, 7> status_names{"pending",   "confirmed", "cancelled", "expired",
                                                               "requested", "offered",   "rejected"};
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
