// The booking lifecycle, walked exhaustively: every (state, event, actor,
// time) combination is checked against the table below. A combination the
// table does not list must be refused, with permission_denied when the actor
// may never cause that event (or a customer is past its cancel notice) and
// invalid_transition otherwise.
#include <slotwise/lifecycle.hpp>

#include <doctest/doctest.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {

const Instant start = Instant{std::chrono::seconds{1'780'300'800}};  // 2026-06-01T08:00:00Z
const Interval appointment{start, start + 60min};
constexpr Minutes notice = 60min;

// --- the dimensions -------------------------------------------------------

enum class State {
    pending_hold,       // awaiting payment, hold running
    pending_lapsed,     // awaiting payment, hold over (reads expired)
    pending_failed,     // the payment failed, hold released
    lapsed_refund_due,  // paid after the hold, slot gone
    confirmed_free,
    confirmed_paid,
    cancelled_unpaid,   // cancelled while awaiting payment
    cancelled_free,
    cancelled_refund_due,
    cancelled_refunded,
    confirmed_refund_pending,  // refunded from the provider's side, not yet succeeded
    cancelled_refund_pending,
    confirmed_disputed,
    requested_open,    // awaits approval, free service
    requested_paid,    // awaits approval, owes a price once approved
    requested_lapsed,  // the request expired (reads expired)
    rejected,
    offered_open,      // a waitlist offer, running
    offered_lapsed,    // a waitlist offer that lapsed (reads expired)
};
constexpr State all_states[] = {State::pending_hold,   State::pending_lapsed,      State::pending_failed,
                                State::lapsed_refund_due, State::confirmed_free, State::confirmed_paid,
                                State::cancelled_unpaid, State::cancelled_free,    State::cancelled_refund_due,
                                State::cancelled_refunded, State::confirmed_refund_pending,
                                State::cancelled_refund_pending, State::confirmed_disputed,
                                State::requested_open, State::requested_paid, State::requested_lapsed,
                                State::rejected,       State::offered_open,   State::offered_lapsed};

enum class Who { own_customer, other_customer, staff, admin, provider };
constexpr Who all_actors[] = {Who::own_customer, Who::other_customer, Who::staff, Who::admin, Who::provider};

enum class When { early, within_notice, during, after };
constexpr When all_times[] = {When::early, When::within_notice, When::during, When::after};

enum class Ev {
    cancel, reschedule, paid_slot_free, paid_slot_gone, failed, expired, refunded, checkout, refund,
    unmatched, refund_pending, refund_failed, disputed, confirm, reject, accept
};
constexpr Ev all_events[] = {Ev::cancel,    Ev::reschedule, Ev::paid_slot_free, Ev::paid_slot_gone, Ev::failed,
                             Ev::expired,   Ev::refunded,   Ev::checkout,       Ev::refund,         Ev::unmatched,
                             Ev::refund_pending, Ev::refund_failed, Ev::disputed, Ev::confirm,      Ev::reject,
                             Ev::accept};

Instant time_of(When w) {
    switch (w) {
        case When::early: return start - 2h;
        case When::within_notice: return start - 30min;
        case When::during: return start + 10min;
        case When::after: return appointment.end + 10min;
    }
    return start;
}

Booking booking_in(State s, Instant now) {
    Booking b{.id = {"bkg_1"}, .service = {"svc_1"}, .resource = {"res_1"}, .interval = appointment,
              .created_by = "ada"};
    const auto hold_running = std::optional<Instant>(now + 10min);
    const auto hold_over = std::optional<Instant>(now - 1min);
    using B = BookingStatus;
    using P = PaymentStatus;
    const auto set = [&](B status, P payment, std::optional<Instant> hold) {
        b.status = status;
        b.payment_status = payment;
        b.hold_expires_at = hold;
    };
    switch (s) {
        case State::pending_hold: set(B::pending, P::pending, hold_running); break;
        case State::pending_lapsed: set(B::pending, P::pending, hold_over); break;
        case State::pending_failed: set(B::pending, P::failed, hold_over); break;
        case State::lapsed_refund_due: set(B::pending, P::refund_due, hold_over); break;
        case State::confirmed_free: set(B::confirmed, P::none, {}); break;
        case State::confirmed_paid: set(B::confirmed, P::paid, {}); break;
        case State::cancelled_unpaid: set(B::cancelled, P::pending, {}); break;
        case State::cancelled_free: set(B::cancelled, P::none, {}); break;
        case State::cancelled_refund_due: set(B::cancelled, P::refund_due, {}); break;
        case State::cancelled_refunded: set(B::cancelled, P::refunded, {}); break;
        case State::confirmed_refund_pending: set(B::confirmed, P::refund_pending, {}); break;
        case State::cancelled_refund_pending: set(B::cancelled, P::refund_pending, {}); break;
        case State::confirmed_disputed: set(B::confirmed, P::disputed, {}); break;
        case State::requested_open: set(B::requested, P::none, hold_running); break;
        case State::requested_paid:
            set(B::requested, P::none, hold_running);
            b.amount_due = 4500;
            b.currency_due = "EUR";
            break;
        case State::requested_lapsed: set(B::requested, P::none, hold_over); break;
        case State::rejected: set(B::rejected, P::none, {}); break;
        case State::offered_open: set(B::offered, P::none, hold_running); break;
        case State::offered_lapsed: set(B::offered, P::none, hold_over); break;
    }
    return b;
}

Actor actor_of(Who w) {
    switch (w) {
        case Who::own_customer: return {Actor::Kind::customer, "ada"};
        case Who::other_customer: return {Actor::Kind::customer, "eve"};
        case Who::staff: return {Actor::Kind::staff, "sam"};
        case Who::admin: return {Actor::Kind::admin, "owner"};
        case Who::provider: return Actor::provider();
    }
    return {};
}

const Interval moved{start + 1h, start + 2h};

lifecycle::Event event_of(Ev e, int* slot_asks) {
    switch (e) {
        case Ev::cancel: return lifecycle::Cancel{};
        case Ev::reschedule: return lifecycle::Reschedule{.resource = {"res_2"}, .interval = moved};
        case Ev::paid_slot_free:
        case Ev::paid_slot_gone:
            return lifecycle::PaymentSucceeded{.payment_reference = "pi_1", .slot_offered = [e, slot_asks] {
                ++*slot_asks;
                return e == Ev::paid_slot_free;
            }};
        case Ev::failed: return lifecycle::PaymentFailed{};
        case Ev::expired: return lifecycle::CheckoutExpired{};
        case Ev::refunded: return lifecycle::RefundCompleted{};
        case Ev::checkout: return lifecycle::StartCheckout{};
        case Ev::refund: return lifecycle::RequestRefund{};
        case Ev::unmatched: return lifecycle::PaymentUnmatched{.payment_reference = "pi_other"};
        case Ev::refund_pending: return lifecycle::RefundPending{};
        case Ev::refund_failed: return lifecycle::RefundFailed{};
        case Ev::disputed: return lifecycle::DisputeOpened{};
        case Ev::confirm: return lifecycle::Confirm{};
        case Ev::reject: return lifecycle::Reject{.reason = "fully booked"};
        case Ev::accept: return lifecycle::AcceptOffer{};
    }
    return lifecycle::Cancel{};
}

// --- the table ------------------------------------------------------------

struct Result {
    BookingStatus status;  // as read at the time of the event
    PaymentStatus payment;
    std::optional<NotificationKind> notification;
    bool moved = false;
};

struct Row {
    Ev event;
    std::set<State> from;
    std::set<Who> who;
    std::set<When> when;
    std::function<Result(State)> to;
};

using B = BookingStatus;
using P = PaymentStatus;
using N = NotificationKind;
const std::set<State> active{State::pending_hold,   State::confirmed_free, State::confirmed_paid,
                              State::confirmed_refund_pending, State::confirmed_disputed,
                              State::requested_open, State::requested_paid, State::offered_open};
// Holding no payment and awaiting none: a payment for them is owed back.
const std::set<State> unpaid_awaiting_nothing{State::confirmed_free, State::cancelled_unpaid, State::cancelled_free,
                                              State::requested_open, State::requested_paid, State::requested_lapsed,
                                              State::rejected,       State::offered_open,   State::offered_lapsed};
const std::set<Who> principals{Who::own_customer, Who::staff, Who::admin};
const std::set<Who> staff{Who::staff, Who::admin};
const std::set<Who> provider{Who::provider};
const std::set<When> any_time{When::early, When::within_notice, When::during, When::after};
const std::set<When> before_start{When::early, When::within_notice};

bool was_confirmed(State s) { return booking_in(s, start).status == BookingStatus::confirmed; }
P payment_of(State s) { return booking_in(s, start).payment_status; }

Result cancelled(State s) {
    return {B::cancelled, s == State::confirmed_paid ? P::refund_due : payment_of(s),
            was_confirmed(s) ? std::optional(N::booking_cancelled) : std::nullopt};
}
Result rescheduled(State s) {
    return {booking_in(s, start).status, payment_of(s),
            was_confirmed(s) ? std::optional(N::booking_rescheduled) : std::nullopt, true};
}
Result confirmed_paid(State) { return {B::confirmed, P::paid, N::booking_confirmed}; }
Result refund_due(State s) {
    const auto b = booking_in(s, start);
    const auto status = b.status == B::pending ? B::expired : b.status_at(start);
    return {s == State::pending_hold ? B::pending : status, P::refund_due, N::refund_due};
}
Result failed(State s) { return {s == State::cancelled_unpaid ? B::cancelled : B::expired, P::failed, {}}; }
Result released(State) { return {B::expired, P::pending, {}}; }
Result refunded(State s) {
    return {s == State::lapsed_refund_due ? B::expired : B::cancelled, P::refunded,
            was_confirmed(s) ? std::optional(N::booking_cancelled) : std::nullopt};
}
// The status stays as it reads; only the money moves.
Result money(State s, P p, std::optional<N> n = std::nullopt) {
    const auto b = booking_in(s, start);
    return {b.status_at(start), p, n};
}
// A payment that cannot be the booking's: owed back, and a running hold ends.
Result unmatched(State s) {
    const auto b = booking_in(s, start);
    return {b.status == B::pending ? B::expired : b.status_at(start), P::refund_due, N::refund_due};
}
// Approved (or accepted): confirmed when nothing is owed, else pending with a
// hold from now and the payment awaited — no notification until it is paid.
Result approved(State s) {
    if (booking_in(s, start).amount_due > 0) return {B::pending, P::pending, {}};
    return {B::confirmed, P::none, N::booking_confirmed};
}
Result turned_down(State) { return {B::rejected, P::none, N::booking_rejected}; }
Result unchanged(State s) {
    const auto b = booking_in(s, start);
    return {b.status_at(start - 2h), b.payment_status, {}};
}

const std::vector<Row>& table() {
    static const std::vector<Row> rows{
        // A customer until start − cancel_notice; staff and admin until the end (cancel) or the start (move).
        {Ev::cancel, active, {Who::own_customer}, {When::early}, cancelled},
        {Ev::cancel, active, staff, {When::early, When::within_notice, When::during}, cancelled},
        {Ev::reschedule, active, {Who::own_customer}, {When::early}, rescheduled},
        {Ev::reschedule, active, staff, before_start, rescheduled},
        // Money: kept while the booking can still have its slot, otherwise owed back.
        {Ev::paid_slot_free, {State::pending_hold, State::pending_lapsed, State::pending_failed}, provider, before_start,
         confirmed_paid},
        {Ev::paid_slot_gone, {State::pending_hold}, provider, before_start, confirmed_paid},
        {Ev::paid_slot_gone, {State::pending_lapsed, State::pending_failed}, provider, before_start, refund_due},
        {Ev::paid_slot_free, {State::pending_hold, State::pending_lapsed, State::pending_failed}, provider,
         {When::during, When::after}, refund_due},
        {Ev::paid_slot_gone, {State::pending_hold, State::pending_lapsed, State::pending_failed}, provider,
         {When::during, When::after}, refund_due},
        {Ev::paid_slot_free, unpaid_awaiting_nothing, provider, any_time, refund_due},
        {Ev::paid_slot_gone, unpaid_awaiting_nothing, provider, any_time, refund_due},
        {Ev::failed, {State::pending_hold, State::pending_lapsed, State::cancelled_unpaid}, provider, any_time, failed},
        {Ev::expired, {State::pending_hold}, provider, any_time, released},
        {Ev::refunded, {State::confirmed_paid, State::lapsed_refund_due, State::cancelled_refund_due,
                        State::confirmed_refund_pending, State::cancelled_refund_pending}, provider, any_time, refunded},
        // Money that cannot be the booking's is owed back by a booking holding no payment of its own.
        {Ev::unmatched, {State::pending_hold, State::pending_lapsed, State::pending_failed, State::confirmed_free,
                         State::cancelled_unpaid, State::cancelled_free, State::requested_open, State::requested_paid,
                         State::requested_lapsed, State::rejected, State::offered_open, State::offered_lapsed},
         provider, any_time, unmatched},
        {Ev::refund_pending, {State::confirmed_paid, State::lapsed_refund_due, State::cancelled_refund_due}, provider,
         any_time, [](State s) { return money(s, P::refund_pending); }},
        {Ev::refund_failed, {State::confirmed_refund_pending, State::cancelled_refund_pending, State::cancelled_refunded},
         provider, any_time, [](State s) { return money(s, P::refund_due); }},
        {Ev::disputed, {State::confirmed_paid, State::lapsed_refund_due, State::cancelled_refund_due,
                        State::cancelled_refunded, State::confirmed_refund_pending, State::cancelled_refund_pending},
         provider, any_time, [](State s) { return money(s, P::disputed); }},
        {Ev::checkout, {State::pending_hold}, principals, before_start, unchanged},
        {Ev::refund, {State::lapsed_refund_due, State::cancelled_refund_due}, staff, any_time, unchanged},
        // Approval: staff and admin decide a request that has not lapsed, before its start.
        {Ev::confirm, {State::requested_open, State::requested_paid}, staff, before_start, approved},
        {Ev::reject, {State::requested_open, State::requested_paid}, staff, before_start, turned_down},
        // A waitlist offer is taken by the customer it was made to, while it runs.
        {Ev::accept, {State::offered_open}, {Who::own_customer}, before_start, approved},
    };
    return rows;
}

const Row* row_for(Ev e, State s, Who w, When t) {
    for (const auto& r : table()) {
        if (r.event == e && r.from.count(s) && r.who.count(w) && r.when.count(t)) return &r;
    }
    return nullptr;
}

// The code a combination the table does not list must be refused with.
Errc expected_refusal(Ev e, State s, Who w, When t) {
    bool actor_ever_allowed = false, allowed_at_another_time = false;
    for (const auto& r : table()) {
        if (r.event != e || !r.who.count(w)) continue;
        actor_ever_allowed = true;
        allowed_at_another_time = allowed_at_another_time || r.from.count(s);
    }
    if (!actor_ever_allowed) return Errc::permission_denied;
    // A customer past its notice may ask the business; an appointment that is over is over for everyone.
    const bool has_customer_deadline = e == Ev::cancel || e == Ev::reschedule;
    if (allowed_at_another_time && has_customer_deadline && w == Who::own_customer && t != When::after) {
        return Errc::permission_denied;
    }
    return Errc::invalid_transition;
}

std::string name(Ev e, State s, Who w, When t) {
    return "event " + std::to_string(static_cast<int>(e)) + ", state " + std::to_string(static_cast<int>(s)) +
           ", actor " + std::to_string(static_cast<int>(w)) + ", time " + std::to_string(static_cast<int>(t));
}

Service service() { return {.id = {"svc_1"}, .name = "Colour", .duration = 60min, .price = 4500, .currency = "EUR",
                            .cancel_notice = notice}; }

}  // namespace

TEST_CASE("every state, event, actor and time does exactly what the lifecycle table says") {
    int listed = 0, refused = 0;
    for (const Ev e : all_events) {
        for (const State s : all_states) {
            for (const Who w : all_actors) {
                for (const When t : all_times) {
                    CAPTURE(name(e, s, w, t));
                    const Instant now = time_of(t);
                    const Booking before = booking_in(s, now);
                    int slot_asks = 0;
                    const auto event = event_of(e, &slot_asks);
                    if (const Row* row = row_for(e, s, w, t)) {
                        ++listed;
                        const auto out = lifecycle::apply(before, service(), actor_of(w), event, now);
                        const Result want = row->to(s);
                        CHECK(out.booking.status_at(now) == (e == Ev::checkout || e == Ev::refund
                                                                 ? before.status_at(now)
                                                                 : want.status));
                        CHECK(out.booking.payment_status == want.payment);
                        CHECK(out.notification == want.notification);
                        CHECK((out.booking.interval == moved) == want.moved);
                        const bool changed = !(out.booking == before);
                        CHECK((changed ? out.booking.updated_at == now : true));
                        // Only a payment after the hold needs to know whether the slot is still offered.
                        CHECK(slot_asks <= ((s == State::pending_lapsed || s == State::pending_failed) ? 1 : 0));
                    } else {
                        ++refused;
                        const Errc want = expected_refusal(e, s, w, t);
                        try {
                            (void)lifecycle::apply(before, service(), actor_of(w), event, now);
                            FAIL_CHECK("accepted a transition the table does not list");
                        } catch (const Error& err) {
                            CHECK(to_string(err.code()) == to_string(want));
                        }
                    }
                }
            }
        }
    }
    // Every row of the table was reached, and most combinations are refusals.
    CHECK(listed > 100);
    CHECK(refused > listed);
}

TEST_CASE("a new paid booking owes the price it was booked at") {
    const auto held = lifecycle::book({.id = {"bkg_3"}, .interval = appointment}, service(), actor_of(Who::own_customer),
                                      start - 1h);
    CHECK(held.booking.amount_due == 4500);
    CHECK(held.booking.currency_due == "EUR");
    Service free = service();
    free.price = 0;
    const auto made = lifecycle::book({.id = {"bkg_2"}, .interval = appointment}, free, actor_of(Who::own_customer), start - 1h);
    CHECK(made.booking.amount_due == 0);
    CHECK(made.booking.currency_due.empty());
}

TEST_CASE("a new booking of a free service is confirmed and notified; of a paid one, pending with a hold") {
    const Instant now = start - 1h;
    Service free = service();
    free.price = 0;
    const auto made = lifecycle::book({.id = {"bkg_2"}, .interval = appointment}, free, actor_of(Who::own_customer), now);
    CHECK(made.booking.status == BookingStatus::confirmed);
    CHECK(made.booking.payment_status == PaymentStatus::none);
    CHECK(made.notification == NotificationKind::booking_confirmed);
    CHECK(made.booking.created_by == "ada");

    Service paid = service();
    paid.hold = 20min;
    const auto held = lifecycle::book({.id = {"bkg_3"}, .interval = appointment}, paid, actor_of(Who::staff), now);
    CHECK(held.booking.status == BookingStatus::pending);
    CHECK(held.booking.payment_status == PaymentStatus::pending);
    CHECK(held.booking.hold_expires_at == now + 20min);
    CHECK_FALSE(held.notification);

    CHECK_THROWS_AS(lifecycle::book({.id = {"bkg_4"}, .interval = appointment}, paid, Actor::provider(), now), Error);
}

TEST_CASE("a paid, confirmed booking that is cancelled owes a refund, and the refund ends it once") {
    Booking b = booking_in(State::confirmed_paid, start - 3h);
    const auto svc = service();
    const auto cancelled = lifecycle::apply(b, svc, actor_of(Who::own_customer), lifecycle::Cancel{}, start - 3h);
    CHECK(cancelled.booking.status == BookingStatus::cancelled);
    CHECK(cancelled.booking.payment_status == PaymentStatus::refund_due);
    CHECK(cancelled.notification == NotificationKind::booking_cancelled);
    const auto asked = lifecycle::apply(cancelled.booking, svc, actor_of(Who::admin), lifecycle::RequestRefund{}, start);
    CHECK(asked.booking == cancelled.booking);
    const auto refunded = lifecycle::apply(cancelled.booking, svc, Actor::provider(), lifecycle::RefundCompleted{}, start);
    CHECK(refunded.booking.payment_status == PaymentStatus::refunded);
    CHECK_FALSE(refunded.notification);  // the customer was told "cancelled" already
    CHECK_THROWS_AS(lifecycle::apply(refunded.booking, svc, Actor::provider(), lifecycle::RefundCompleted{}, start), Error);
}

TEST_CASE("a customer's cancel notice is the service's, and staff are not bound by it") {
    Service svc = service();
    svc.cancel_notice = 24h;
    const Booking b = booking_in(State::confirmed_free, start - 25h);
    CHECK_NOTHROW(lifecycle::apply(b, svc, actor_of(Who::own_customer), lifecycle::Cancel{}, start - 25h));
    try {
        (void)lifecycle::apply(b, svc, actor_of(Who::own_customer), lifecycle::Cancel{}, start - 23h);
        FAIL("a customer cancelled inside the notice");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::permission_denied);
    }
    CHECK_NOTHROW(lifecycle::apply(b, svc, actor_of(Who::staff), lifecycle::Cancel{}, start - 23h));
    svc.cancel_notice = 0min;  // the default: until the start
    CHECK_NOTHROW(lifecycle::apply(b, svc, actor_of(Who::own_customer), lifecycle::Cancel{}, start - 1min));
    CHECK_THROWS_AS(lifecycle::apply(b, svc, actor_of(Who::own_customer), lifecycle::Cancel{}, start), Error);
}

TEST_CASE("a service that requires confirmation makes requests that hold their slot until they lapse, never past the start") {
    Service svc = service();
    svc.requires_confirmation = true;
    svc.request_expiry = 24h;
    svc.hold = 20min;
    const Instant asked = start - 3h;
    const auto req = lifecycle::book({.id = {"bkg_5"}, .interval = appointment}, svc, actor_of(Who::own_customer), asked);
    CHECK(req.booking.status == BookingStatus::requested);
    CHECK(req.notification == NotificationKind::booking_requested);
    // Nothing is owed before approval, so no checkout can start.
    CHECK(req.booking.payment_status == PaymentStatus::none);
    CHECK(req.booking.amount_due == 4500);
    CHECK(req.booking.hold_expires_at == start);  // 24 h would pass the start
    CHECK(req.booking.active_at(start - 1min));
    CHECK_FALSE(req.booking.active_at(start));
    CHECK(req.booking.status_at(start) == BookingStatus::expired);
    try {
        (void)lifecycle::apply(req.booking, svc, actor_of(Who::own_customer), lifecycle::StartCheckout{}, asked);
        FAIL("a checkout started before approval");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::invalid_transition);
    }
    // The hold of the payment starts when staff approve, not when the customer asked.
    const Instant approved_at = start - 1h;
    const auto ok = lifecycle::apply(req.booking, svc, actor_of(Who::staff), lifecycle::Confirm{}, approved_at);
    CHECK(ok.booking.status == BookingStatus::pending);
    CHECK(ok.booking.payment_status == PaymentStatus::pending);
    CHECK(ok.booking.hold_expires_at == approved_at + 20min);
    CHECK_NOTHROW(lifecycle::apply(ok.booking, svc, actor_of(Who::own_customer), lifecycle::StartCheckout{}, approved_at));
}

TEST_CASE("a request moved to an earlier start lapses by the new start at the latest") {
    Service svc = service();
    svc.requires_confirmation = true;
    svc.request_expiry = 24h;
    const Instant asked = start - 48h;
    const auto req = lifecycle::book({.id = {"bkg_8"}, .interval = appointment}, svc, actor_of(Who::own_customer), asked);
    REQUIRE(req.booking.hold_expires_at == asked + 24h);
    const Interval earlier{asked + 2h, asked + 2h + (appointment.end - appointment.begin)};
    const auto moved = lifecycle::apply(req.booking, svc, actor_of(Who::own_customer),
                                        lifecycle::Reschedule{.resource = req.booking.resource, .interval = earlier},
                                        asked + 1h);
    CHECK(moved.booking.status == BookingStatus::requested);
    CHECK(moved.booking.hold_expires_at == earlier.begin);
    CHECK(moved.booking.status_at(earlier.end) == BookingStatus::expired);
    // Moved later, it keeps the lapse it had: the wait is counted from the ask.
    const Interval later{appointment.begin + 24h, appointment.end + 24h};
    const auto kept = lifecycle::apply(req.booking, svc, actor_of(Who::own_customer),
                                       lifecycle::Reschedule{.resource = req.booking.resource, .interval = later},
                                       asked + 1h);
    CHECK(kept.booking.hold_expires_at == asked + 24h);
}

TEST_CASE("a waitlist offer holds its seat for the offer time, never past the start, for the customer who waited") {
    Service svc = service();
    svc.price = 0;
    svc.offer_time = 60min;
    const auto early = lifecycle::offer({.id = {"bkg_6"}, .interval = appointment}, svc, "ada", start - 3h);
    CHECK(early.booking.status == BookingStatus::offered);
    CHECK(early.booking.created_by == "ada");
    CHECK(early.notification == NotificationKind::waitlist_offer);
    CHECK(early.booking.hold_expires_at == start - 2h);
    const auto late = lifecycle::offer({.id = {"bkg_7"}, .interval = appointment}, svc, "ada", start - 20min);
    CHECK(late.booking.hold_expires_at == start);
    const auto taken = lifecycle::apply(early.booking, svc, actor_of(Who::own_customer), lifecycle::AcceptOffer{},
                                        start - 150min);
    CHECK(taken.booking.status == BookingStatus::confirmed);
    CHECK_FALSE(taken.booking.hold_expires_at);
    CHECK(taken.notification == NotificationKind::booking_confirmed);
}
