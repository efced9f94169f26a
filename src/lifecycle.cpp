// The booking lifecycle: the one place that decides a booking's state. See
// include/slotwise/lifecycle.hpp for the table this implements.
#include <slotwise/lifecycle.hpp>

#include <algorithm>
#include <string>

namespace slotwise::lifecycle {
namespace {

[[noreturn]] void refuse(const std::string& why) { throw Error(Errc::invalid_transition, why); }
[[noreturn]] void deny(const std::string& why) { throw Error(Errc::permission_denied, why); }

// The booking holds (or held) a payment of its own.
bool settled(PaymentStatus p) {
    return p == PaymentStatus::paid || p == PaymentStatus::refund_due || p == PaymentStatus::refunded ||
           p == PaymentStatus::refund_pending || p == PaymentStatus::disputed;
}

// Events only the provider causes: a principal claiming a payment would be
// paying with nothing.
void require_provider(const Actor& who, std::string_view event) {
    if (who.kind != Actor::Kind::provider) deny(std::string(event) + " comes only from the payment provider");
}

// Events only principals cause; a customer only on a booking it made (the
// engine already hides others' bookings; this keeps the rule true for any caller).
void require_principal(const Booking& b, const Actor& who, std::string_view event) {
    if (who.kind == Actor::Kind::provider) deny("the payment provider cannot " + std::string(event) + " a booking");
    if (who.kind == Actor::Kind::customer && b.created_by != who.subject) {
        deny("a customer can " + std::string(event) + " only its own bookings");
    }
}

// What a principal may change, and until when. Nobody changes an appointment
// that is over; staff and admin may cancel one that has started (a no-show)
// but not move it; a customer stops `cancel_notice` before the start, and
// past that it is a matter for the business, hence permission rather than state.
enum class StaffUntil { start, end };

void require_changeable(const Booking& b, const Service& svc, const Actor& who, Instant now, std::string_view event,
                        StaffUntil staff_until) {
    require_principal(b, who, event);
    const auto status = b.status_at(now);
    if (status != BookingStatus::confirmed && !lapses(status)) {
        refuse("a " + std::string(to_string(status)) + " booking cannot be changed (" + std::string(event) + ")");
    }
    if (now >= b.interval.end) refuse("the appointment is over");
    if (who.kind == Actor::Kind::customer) {
        if (now >= b.interval.begin - svc.cancel_notice) {
            deny("customers can " + std::string(event) + " until " + std::to_string(svc.cancel_notice.count()) +
                 " minutes before the start");
        }
    } else if (staff_until == StaffUntil::start && now >= b.interval.begin) {
        refuse("the appointment has started");
    }
}

Outcome changed(Booking b, Instant now, std::optional<NotificationKind> n = std::nullopt) {
    b.updated_at = now;
    return {std::move(b), n};
}

// A running hold ends now, so the slot is free for others at once.
void release_hold(Booking& b, Instant now) {
    if (b.status == BookingStatus::pending && b.hold_expires_at && *b.hold_expires_at > now) b.hold_expires_at = now;
}

Outcome on(const Cancel&, const Booking& b, const Service& svc, const Actor& who, Instant now) {
    require_changeable(b, svc, who, now, "cancel", StaffUntil::end);
    Booking out = b;
    const bool was_confirmed = b.status == BookingStatus::confirmed;
    out.status = BookingStatus::cancelled;
    if (out.payment_status == PaymentStatus::paid) out.payment_status = PaymentStatus::refund_due;
    out.hold_expires_at.reset();
    // Only a customer who was told "confirmed" is told "cancelled".
    return changed(std::move(out), now,
                   was_confirmed ? std::optional(NotificationKind::booking_cancelled) : std::nullopt);
}

Outcome on(const Reschedule& e, const Booking& b, const Service& svc, const Actor& who, Instant now) {
    require_changeable(b, svc, who, now, "reschedule", StaffUntil::start);
    Booking out = b;
    out.resource = e.resource;
    out.interval = e.interval;
    out.buffer_before = e.buffer_before;
    out.buffer_after = e.buffer_after;
    // A request or an offer lapses at the start at the latest, the new one.
    const bool lapses_by_start = b.status == BookingStatus::requested || b.status == BookingStatus::offered;
    if (lapses_by_start && out.hold_expires_at) out.hold_expires_at = std::min(*out.hold_expires_at, e.interval.begin);
    const bool confirmed = b.status == BookingStatus::confirmed;
    return changed(std::move(out), now,
                   confirmed ? std::optional(NotificationKind::booking_rescheduled) : std::nullopt);
}

// The money arrived. It keeps its booking while the booking is active, or
// after the hold if the start is still offered; otherwise it is owed back.
// Either way it is never dropped.
Outcome on(const PaymentSucceeded& e, const Booking& b, const Service&, const Actor& who, Instant now) {
    require_provider(who, "a payment");
    if (settled(b.payment_status)) refuse("the payment is already " + std::string(to_string(b.payment_status)));
    Booking out = b;
    if (!e.payment_reference.empty()) out.payment_reference = e.payment_reference;
    const auto status = b.status_at(now);
    const bool ahead = now < b.interval.begin;
    // Only a lapsed payment hold can be revived by its payment: a lapsed
    // request was never approved, a lapsed offer never accepted.
    const bool lapsed_hold = status == BookingStatus::expired && b.status == BookingStatus::pending;
    const bool keep = ahead && (status == BookingStatus::pending || (lapsed_hold && e.slot_offered && e.slot_offered()));
    if (!keep) {
        out.payment_status = PaymentStatus::refund_due;
        return changed(std::move(out), now, NotificationKind::refund_due);
    }
    out.status = BookingStatus::confirmed;
    out.payment_status = PaymentStatus::paid;
    out.hold_expires_at.reset();
    return changed(std::move(out), now, NotificationKind::booking_confirmed);
}

Outcome on(const PaymentFailed&, const Booking& b, const Service&, const Actor& who, Instant now) {
    require_provider(who, "a failed payment");
    if (b.payment_status != PaymentStatus::pending) refuse("no payment is awaited");
    Booking out = b;
    out.payment_status = PaymentStatus::failed;
    release_hold(out, now);
    return changed(std::move(out), now);
}

Outcome on(const CheckoutExpired&, const Booking& b, const Service&, const Actor& who, Instant now) {
    require_provider(who, "an expired checkout");
    if (b.payment_status != PaymentStatus::pending) refuse("no payment is awaited");
    if (b.status_at(now) != BookingStatus::pending) refuse("the hold has already ended");
    Booking out = b;
    release_hold(out, now);
    return changed(std::move(out), now);
}

// Money that cannot be this booking's is owed back. A booking that holds no
// payment of its own takes the flag (and the reference, so that `refund`
// returns this payment), and its hold ends: it can no longer be paid. One
// that holds a payment keeps it; the caller lists the new one as unmatched.
Outcome on(const PaymentUnmatched& e, const Booking& b, const Service&, const Actor& who, Instant now) {
    require_provider(who, "an unmatched payment");
    if (settled(b.payment_status)) refuse("the booking already holds a payment (" + std::string(to_string(b.payment_status)) + ")");
    Booking out = b;
    out.payment_status = PaymentStatus::refund_due;
    if (!e.payment_reference.empty()) out.payment_reference = e.payment_reference;
    release_hold(out, now);
    return changed(std::move(out), now, NotificationKind::refund_due);
}

bool refundable(PaymentStatus p) {
    return p == PaymentStatus::paid || p == PaymentStatus::refund_due || p == PaymentStatus::refund_pending;
}

Outcome on(const RefundPending&, const Booking& b, const Service&, const Actor& who, Instant now) {
    require_provider(who, "a refund");
    if (!refundable(b.payment_status)) refuse("nothing was paid to refund");
    if (b.payment_status == PaymentStatus::refund_pending) refuse("the refund is already pending");
    Booking out = b;
    out.payment_status = PaymentStatus::refund_pending;
    return changed(std::move(out), now);
}

// Money events apply whenever they come: a refund of a booking still on the
// calendar (made from the provider's dashboard, say) cancels it.
Outcome on(const RefundCompleted&, const Booking& b, const Service&, const Actor& who, Instant now) {
    require_provider(who, "a refund");
    if (!refundable(b.payment_status)) refuse("nothing was paid to refund");
    Booking out = b;
    out.payment_status = PaymentStatus::refunded;
    if (b.status != BookingStatus::confirmed) return changed(std::move(out), now);
    out.status = BookingStatus::cancelled;
    return changed(std::move(out), now, NotificationKind::booking_cancelled);
}

// A refund that failed (or was cancelled) leaves the money with the business:
// it is owed again. The booking's status stays: a cancellation stands.
Outcome on(const RefundFailed&, const Booking& b, const Service&, const Actor& who, Instant now) {
    require_provider(who, "a failed refund");
    if (b.payment_status != PaymentStatus::refund_pending && b.payment_status != PaymentStatus::refunded) {
        refuse("no refund was under way");
    }
    Booking out = b;
    out.payment_status = PaymentStatus::refund_due;
    return changed(std::move(out), now);
}

// A chargeback is settled between the business, the provider and the bank;
// the booking records it and the host is told (an engine event).
Outcome on(const DisputeOpened&, const Booking& b, const Service&, const Actor& who, Instant now) {
    require_provider(who, "a dispute");
    if (!settled(b.payment_status)) refuse("nothing was paid to dispute");
    if (b.payment_status == PaymentStatus::disputed) refuse("the payment is already disputed");
    Booking out = b;
    out.payment_status = PaymentStatus::disputed;
    return changed(std::move(out), now);
}

Outcome on(const StartCheckout&, const Booking& b, const Service&, const Actor& who, Instant now) {
    require_principal(b, who, "pay for");
    if (b.status_at(now) != BookingStatus::pending || b.payment_status != PaymentStatus::pending) {
        refuse("only a pending booking awaiting payment can be paid");
    }
    if (now >= b.interval.begin) refuse("the appointment has started");
    return {b, std::nullopt};
}

// Staff and admin decide requests; a customer, even the one who asked,
// cannot approve its own.
void require_staff(const Actor& who, std::string_view event) {
    if (who.kind != Actor::Kind::staff && who.kind != Actor::Kind::admin) {
        deny("only staff or admin " + std::string(event) + " requests");
    }
}

void require_open_request(const Booking& b, Instant now, std::string_view event) {
    const auto status = b.status_at(now);
    if (status != BookingStatus::requested) {
        refuse("only a requested booking can be " + std::string(event) + " (it is " +
               std::string(to_string(status)) + ")");
    }
    if (now >= b.interval.begin) refuse("the appointment has started");
}

// A paid booking owes its payment only once the business has said yes (or
// the offered customer has accepted): its hold starts now.
Outcome approved(Booking out, const Service& svc, Instant now) {
    if (out.amount_due > 0) {
        out.status = BookingStatus::pending;
        // Money that arrived unmatched meanwhile stays owed back.
        if (out.payment_status == PaymentStatus::none) out.payment_status = PaymentStatus::pending;
        out.hold_expires_at = now + svc.hold;
        return changed(std::move(out), now);
    }
    out.status = BookingStatus::confirmed;
    out.hold_expires_at.reset();
    return changed(std::move(out), now, NotificationKind::booking_confirmed);
}

Outcome on(const Confirm&, const Booking& b, const Service& svc, const Actor& who, Instant now) {
    require_staff(who, "confirm");
    require_open_request(b, now, "confirmed");
    return approved(b, svc, now);
}

Outcome on(const Reject&, const Booking& b, const Service&, const Actor& who, Instant now) {
    require_staff(who, "reject");
    require_open_request(b, now, "rejected");
    Booking out = b;
    out.status = BookingStatus::rejected;
    out.hold_expires_at.reset();
    return changed(std::move(out), now, NotificationKind::booking_rejected);
}

Outcome on(const AcceptOffer&, const Booking& b, const Service& svc, const Actor& who, Instant now) {
    // The offer is for whoever joined the waitlist, and for nobody else.
    if (who.kind == Actor::Kind::provider || b.created_by != who.subject) {
        deny("only the offered customer can accept an offer");
    }
    const auto status = b.status_at(now);
    if (status != BookingStatus::offered) {
        refuse("only an offered booking can be accepted (it is " + std::string(to_string(status)) + ")");
    }
    if (now >= b.interval.begin) refuse("the appointment has started");
    return approved(b, svc, now);
}

Outcome on(const RequestRefund&, const Booking& b, const Service&, const Actor& who, Instant) {
    if (who.kind != Actor::Kind::staff && who.kind != Actor::Kind::admin) deny("only staff or admin request refunds");
    if (b.payment_status != PaymentStatus::refund_due) refuse("only a booking in refund_due can be refunded");
    return {b, std::nullopt};
}

// The instant a request or an offer lapses: `wait` from now, never past
// the start (after it, nobody could act on it).
Instant lapse_at(Instant now, Minutes wait, Instant start) { return std::min(now + wait, start); }

}  // namespace

Outcome book(Booking draft, const Service& service, const Actor& who, Instant now) {
    if (who.kind == Actor::Kind::provider) deny("the payment provider cannot book");
    const bool paid = service.price > 0;
    if (service.requires_confirmation) {
        // Nothing is owed yet: the payment (if any) is asked for only after
        // approval, so no checkout can start before it.
        draft.status = BookingStatus::requested;
        draft.payment_status = PaymentStatus::none;
        draft.hold_expires_at = lapse_at(now, service.request_expiry, draft.interval.begin);
        draft.amount_due = paid ? service.price : 0;
        draft.currency_due = paid ? service.currency : std::string{};
        draft.created_by = who.subject;
        draft.created_at = now;
        draft.updated_at = now;
        return {std::move(draft), NotificationKind::booking_requested};
    }
    draft.status = paid ? BookingStatus::pending : BookingStatus::confirmed;
    draft.payment_status = paid ? PaymentStatus::pending : PaymentStatus::none;
    draft.hold_expires_at = paid ? std::optional<Instant>(now + service.hold) : std::nullopt;
    // What is owed is fixed now: a later price change is not this booking's.
    draft.amount_due = paid ? service.price : 0;
    draft.currency_due = paid ? service.currency : std::string{};
    draft.created_by = who.subject;
    draft.created_at = now;
    draft.updated_at = now;
    // A free booking is confirmed now, so its confirmation is due now; a paid
    // one waits for the payment.
    return {std::move(draft), paid ? std::nullopt : std::optional(NotificationKind::booking_confirmed)};
}

Outcome offer(Booking draft, const Service& service, const std::string& created_by, Instant now) {
    const bool paid = service.price > 0;
    draft.status = BookingStatus::offered;
    draft.payment_status = PaymentStatus::none;
    draft.hold_expires_at = lapse_at(now, service.offer_time, draft.interval.begin);
    draft.amount_due = paid ? service.price : 0;
    draft.currency_due = paid ? service.currency : std::string{};
    draft.created_by = created_by;
    draft.created_at = now;
    draft.updated_at = now;
    return {std::move(draft), NotificationKind::waitlist_offer};
}

Outcome apply(const Booking& booking, const Service& service, const Actor& who, const Event& event, Instant now) {
    return std::visit([&](const auto& e) { return on(e, booking, service, who, now); }, event);
}

std::string_view event_name(const Event& event) noexcept {
    struct Name {
        std::string_view operator()(const Cancel&) const { return "cancel"; }
        std::string_view operator()(const Reschedule&) const { return "reschedule"; }
        std::string_view operator()(const PaymentSucceeded&) const { return "payment_succeeded"; }
        std::string_view operator()(const PaymentFailed&) const { return "payment_failed"; }
        std::string_view operator()(const CheckoutExpired&) const { return "checkout_expired"; }
        std::string_view operator()(const RefundCompleted&) const { return "refund_completed"; }
        std::string_view operator()(const StartCheckout&) const { return "start_checkout"; }
        std::string_view operator()(const RequestRefund&) const { return "request_refund"; }
        std::string_view operator()(const PaymentUnmatched&) const { return "payment_unmatched"; }
        std::string_view operator()(const RefundPending&) const { return "refund_pending"; }
        std::string_view operator()(const RefundFailed&) const { return "refund_failed"; }
        std::string_view operator()(const DisputeOpened&) const { return "dispute_opened"; }
        std::string_view operator()(const Confirm&) const { return "confirm"; }
        std::string_view operator()(const Reject&) const { return "reject"; }
        std::string_view operator()(const AcceptOffer&) const { return "accept_offer"; }
    };
    return std::visit(Name{}, event);
}

}  // namespace slotwise::lifecycle
