// slotwise/lifecycle.hpp — the booking lifecycle: every state a booking can
// be in, every event that moves it, who may cause each, and until when.
//
// This is the one place that decides a booking's state. The engine and the
// payment code only open a transaction, read what the rules below need, call
// one of these functions and write what it returns; storage adapters store the
// result and never decide a state themselves. The table (docs/lifecycle.md
// has it with examples):
//
//   from                      event                 who                       to                         notification
//   —                         book, free service    anyone in scope           confirmed                  booking_confirmed
//   —                         book, requires        anyone in scope           requested (holds its slot  booking_requested
//                               confirmation                                    until request_expiry,
//                                                                               never past the start)
//   requested, not lapsed,    confirm               staff, admin              confirmed; paid: pending,  booking_confirmed / —
//     before the start                                                          hold from now
//   requested, not lapsed,    reject                staff, admin              rejected                   booking_rejected
//     before the start
//   —                         seat freed, first     the engine                offered (holds the seat    waitlist_offer
//                               fitting waitlist                                for offer_time, never
//                               entry                                           past the start)
//   offered, not lapsed,      accept offer          the offered customer      confirmed; paid: pending,  booking_confirmed / —
//     before the start                                                          hold from now
//   —                         book, paid service    anyone in scope           pending (holds its slot),  —
//                                                                               amount and currency due
//                                                                               fixed from the price
//   pending, hold running     payment succeeded     provider                  confirmed, paid            booking_confirmed
//   pending, hold over,       payment succeeded     provider                  confirmed, paid            booking_confirmed
//     slot still offered
//   any other, not yet paid   payment succeeded     provider                  unchanged, refund_due      refund_due
//     (also: the start passed, or nothing was due)
//   holding no payment        payment unmatched     provider                  hold released, refund_due  refund_due
//     (none, pending, failed)   (wrong amount or
//                               currency, unknown
//                               session, no amount)
//   holding a payment         payment unmatched     provider                  `invalid_transition`: the  —
//                                                                               payment is listed as
//                                                                               unmatched, the booking's
//                                                                               own payment stands
//   pending, unpaid           payment failed        provider                  hold released, failed      —
//   pending, unpaid           checkout expired      provider                  hold released              —
//   paid, refund_due or       refund pending        provider                  refund_pending             —
//     refund_pending
//   paid, refund_due or       refund completed      provider                  refunded (confirmed →      booking_cancelled if it
//     refund_pending            (succeeded)                                     cancelled)                 was confirmed
//   refund_pending or         refund failed         provider                  refund_due (status as it   — (engine event
//     refunded                  (failed, canceled)                              was)                        refund_failed)
//   paid, refund_due,         dispute opened        provider                  disputed (status as it     — (engine event
//     refund_pending, refunded                                                  was)                        payment_disputed)
//   active                    cancel                its customer before       cancelled (paid →          booking_cancelled if it
//                                                   start − cancel_notice;      refund_due)                was confirmed
//                                                   staff, admin before end
//   active                    reschedule            its customer before       same status, new slot      booking_rescheduled if
//                                                   start − cancel_notice;                                confirmed
//                                                   staff, admin before start
//   pending, hold running,    start checkout        anyone who sees it,       unchanged                  —
//     unpaid                                          before the start
//   refund_due                request refund        staff, admin              unchanged (the provider's  —
//                                                                               event completes it)
//   anything else             any                   any                       `invalid_transition`
//
// "Active" means confirmed, or pending, requested or offered before its
// `hold_expires_at` (after it, the booking reads `expired`). Nobody acts on
// a booking whose appointment is over (money events still apply: a payment
// for it is flagged for refund). A payment that changes nothing (already
// settled) is `invalid_transition` too: the caller records it as ignored.
//
// Errors: `invalid_transition` when the state (or the time) does not allow
// the event; `permission_denied` when this actor may not cause it (a
// customer past the cancel notice, a customer acting on a booking it did not
// make, a provider cancelling, a customer requesting a refund).
//
// Pure functions of their arguments: no I/O, no clock, thread-safe.
#pragma once

#include <slotwise/model.hpp>
#include <slotwise/notify.hpp>

#include <functional>
#include <optional>
#include <string>
#include <variant>

namespace slotwise {

/// Who causes a transition: a principal of the tenant, or the payment
/// provider speaking through a verified webhook.
struct Actor {
    enum class Kind { customer, staff, admin, provider };
    Kind kind = Kind::customer;
    std::string subject{};  ///< the principal's subject; empty for the provider

    /// The actor a principal is.
    static Actor of(const Principal& p) {
        const Kind k = p.role == Role::admin ? Kind::admin : p.role == Role::staff ? Kind::staff : Kind::customer;
        return {k, p.subject};
    }
    /// The payment provider.
    static Actor provider() { return {Kind::provider, {}}; }
};

namespace lifecycle {

/// The customer (or staff) cancels.
struct Cancel {};
/// Move to another slot (already checked to be offered) on `resource`.
struct Reschedule {
    ResourceId resource{};
    Interval interval{};
    Minutes buffer_before{0};
    Minutes buffer_after{0};
};
/// A verified payment of the amount due. `slot_offered` answers "is this
/// booking's start still offered, minimum notice aside" and is asked only
/// for a payment that arrives after the hold.
struct PaymentSucceeded {
    std::string payment_reference{};
    std::function<bool()> slot_offered{};
};
/// The provider says the payment failed (an asynchronous method bounced).
struct PaymentFailed {};
/// The provider's hosted checkout expired unpaid.
struct CheckoutExpired {};
/// A verified payment that cannot be the booking's (wrong amount or
/// currency, a session the booking never started, no amount): owed back.
struct PaymentUnmatched {
    std::string payment_reference{};
};
/// The provider accepted a refund of the whole payment that has not yet
/// succeeded.
struct RefundPending {};
/// The provider says the refund of the whole payment succeeded.
struct RefundCompleted {};
/// The provider says a refund failed or was cancelled: the money is still
/// owed.
struct RefundFailed {};
/// The customer's bank disputes the payment (a chargeback).
struct DisputeOpened {};
/// A hosted checkout is being started for the booking.
struct StartCheckout {};
/// Staff or admin ask the provider to refund.
struct RequestRefund {};
/// Staff or admin approve a request.
struct Confirm {};
/// Staff or admin turn a request down; `reason` is for the event feed.
struct Reject {
    std::string reason{};
};
/// The offered customer takes a waitlist offer.
struct AcceptOffer {};

/// Every event the table knows.
using Event = std::variant<Cancel, Reschedule, PaymentSucceeded, PaymentFailed, CheckoutExpired, RefundCompleted,
                           StartCheckout, RequestRefund, PaymentUnmatched, RefundPending, RefundFailed, DisputeOpened,
                           Confirm, Reject, AcceptOffer>;

/// What a transition produced: the booking to store and the notification to
/// queue about it, in the same transaction.
struct Outcome {
    Booking booking{};
    std::optional<NotificationKind> notification{};
};

/// The state a new booking of `service` starts in at `now`, made by `who`:
/// requires confirmation → requested until `service.request_expiry` (never
/// past the start), nothing owed yet (notify booking_requested);
/// free → confirmed (notify booking_confirmed); paid → pending, holding its
/// slot for `service.hold`, owing `service.price` in `service.currency`
/// (`amount_due`, `currency_due`). `draft` carries everything else (slot, customer,
/// ids); its status fields are overwritten.
Outcome book(Booking draft, const Service& service, const Actor& who, Instant now);

/// The waitlist offer a freed seat makes to the customer `created_by`: offered,
/// holding its slot for `service.offer_time` (never past the start), owing
/// the service's price once accepted; notify waitlist_offer. `draft` carries
/// the slot, customer and ids.
Outcome offer(Booking draft, const Service& service, const std::string& created_by, Instant now);

/// Applies `event` caused by `who` to `booking` at `now`. `service` is the
/// booking's service as it is now (its `cancel_notice` is read). Throws
/// `invalid_transition` or `permission_denied` as described above; on
/// success the returned booking has `updated_at = now` if anything changed.
Outcome apply(const Booking& booking, const Service& service, const Actor& who, const Event& event, Instant now);

/// The event's name as messages and logs spell it ("cancel", "reschedule" …).
std::string_view event_name(const Event& event) noexcept;

}  // namespace lifecycle
}  // namespace slotwise
