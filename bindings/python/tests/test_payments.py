"""Payments and notifications: Stripe checkout through a Python transport,
signed webhooks applied at most once, late payments, refunds, and the outbox.

Webhooks are signed here exactly as Stripe signs them (HMAC-SHA256 of
"{t}.{raw body}" with the endpoint's whsec secret) at the engine's clock
time, and every HTTP request goes to a fake transport: nothing touches the
network.
"""

import datetime as dt
import hashlib
import hmac
import http.server
import json
import threading
import urllib.parse

import pytest

import slotwise
import slotwise._transport
from conftest import ADA, MONDAY, utc

SECRET_KEY = "sk_test_51salonSECRETkey4242"
WHSEC = "whsec_salon_endpoint_secret"
SLOT = utc("2026-06-01T07:00")  # Monday 09:00 in Rome: Anna's first hour


# --- helpers ------------------------------------------------------------------------


def sign(payload, timestamp, secret=WHSEC):
    """The Stripe-Signature header Stripe sends for `payload` at `timestamp`."""
    signed = f"{timestamp}.".encode() + payload
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def session_event(event_id, event_type, booking_id, payment_status="paid", amount=4500, currency="eur",
                  session_id="cs_test_1"):
    """A Checkout Session event as Stripe posts it (raw bytes); the session id
    is the one FakeStripe hands out."""
    return json.dumps({
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": 1780290000,
        "data": {"object": {
            "id": session_id,
            "object": "checkout.session",
            "payment_status": payment_status,
            "payment_intent": f"pi_{booking_id}",
            "client_reference_id": booking_id,
            "amount_total": amount,
            "currency": currency,
            "metadata": {"booking_id": booking_id},
        }},
    }).encode()


def refund_event(event_id, booking_id):
    return json.dumps({
        "id": event_id,
        "type": "charge.refunded",
        "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": f"pi_{booking_id}"}},
    }).encode()


class FakeStripe:
    """A transport answering like api.stripe.com, recording every request."""

    def __init__(self, status=200):
        self.status = status
        self.requests = []

    def __call__(self, method, url, headers, body):
        assert isinstance(method, str) and isinstance(url, str)
        assert isinstance(headers, dict) and isinstance(body, bytes)
        self.requests.append({"method": method, "url": url, "headers": headers, "body": body})
        if self.status != 200:
            return self.status, b'{"error": {"message": "Something went wrong on Stripe\'s end."}}'
        if url.endswith("/v1/checkout/sessions"):
            return 200, json.dumps({"id": "cs_test_1", "object": "checkout.session",
                                    "url": "https://checkout.stripe.com/c/pay/cs_test_1"}).encode()
        if url.endswith("/expire"):
            return 200, b'{"object": "checkout.session", "status": "expired"}'
        if url.endswith("/v1/refunds"):
            return 200, '{"id": "re_1", "object": "refund", "status": "succeeded"}'  # a str body works too
        return 404, b"{}"

    def form(self, i=-1):
        """The i-th request's form body as {field: value}."""
        return {k: v[0] for k, v in urllib.parse.parse_qs(self.requests[i]["body"].decode(), strict_parsing=True).items()}


class Paid:
    """The conftest salon with Stripe configured, and Ada as a customer."""

    def __init__(self, salon):
        self.salon = salon
        self.engine = salon.engine
        self.clock = salon.clock
        self.admin = salon.admin
        self.admin.configure_stripe(secret_key=SECRET_KEY, webhook_secret=WHSEC)
        self.ada = salon.customer("ada")

    def book_colour(self, start=SLOT, who=None, customer=ADA):
        return (who or self.ada).book(self.salon.colour.id, start=start, customer=customer)

    def deliver(self, payload, scope=None, secret=WHSEC, age=0):
        """Posts `payload` signed `age` seconds ago by the engine's clock."""
        timestamp = int(self.engine.now().timestamp()) - age
        return (scope or self.admin).handle_stripe_webhook(payload, {"Stripe-Signature": sign(payload, timestamp, secret)})

    def kinds(self, booking_id):
        return [n.kind for n in self.admin.notifications(booking_id)]


@pytest.fixture
def paid(salon):
    return Paid(salon)


# --- checkout, confirmation and the confirmation notification ------------------------------


def test_a_paid_booking_is_confirmed_by_the_webhook_and_notified_exactly_once(paid):
    b = paid.book_colour()
    assert (b.status, b.payment_status) == ("pending", "pending")
    assert b.checkout_id is None and b.payment_reference is None
    assert paid.admin.notifications(b.id) == []
    assert paid.engine.take_notifications() == []

    stripe = FakeStripe()
    co = paid.ada.start_checkout(b.id, success_url="https://salon.example/ok",
                                 cancel_url="https://salon.example/back", transport=stripe)
    assert isinstance(co, slotwise.Checkout)
    assert (co.id, co.url) == ("cs_test_1", "https://checkout.stripe.com/c/pay/cs_test_1")
    assert repr(co) == "Checkout(id='cs_test_1', url='https://checkout.stripe.com/c/pay/cs_test_1')"
    [request] = stripe.requests
    assert request["method"] == "POST"
    assert request["url"] == "https://api.stripe.com/v1/checkout/sessions"
    headers = request["headers"]
    assert headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert headers["Idempotency-Key"].startswith(f"checkout-{b.id}-")
    form = stripe.form()
    assert form["mode"] == "payment"
    assert form["line_items[0][quantity]"] == "1"
    assert form["line_items[0][price_data][unit_amount]"] == "4500"
    assert form["line_items[0][price_data][currency]"] == "eur"
    assert form["line_items[0][price_data][product_data][name]"] == "Colour"
    assert form["metadata[booking_id]"] == b.id
    assert form["payment_intent_data[metadata][booking_id]"] == b.id
    assert form["client_reference_id"] == b.id
    assert form["customer_email"] == "ada@example.com"
    assert (form["success_url"], form["cancel_url"]) == ("https://salon.example/ok", "https://salon.example/back")
    assert "expires_at" not in form  # a 15-minute hold is shorter than Stripe's 30-minute minimum
    assert paid.ada.get_booking(b.id).checkout_id == "cs_test_1"
    # Another call starts another session: another idempotency key.
    assert paid.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", stripe) == co
    assert stripe.requests[1]["headers"]["Idempotency-Key"] != headers["Idempotency-Key"]
    # Paying is not confirming: nothing until the verified event.
    assert paid.ada.get_booking(b.id).status == "pending"
    assert paid.admin.notifications(b.id) == []

    payload = session_event("evt_1", "checkout.session.completed", b.id)
    out = paid.deliver(payload)
    assert isinstance(out, slotwise.WebhookOutcome)
    assert (out.event_id, out.type, out.duplicate) == ("evt_1", "checkout.session.completed", False)
    assert isinstance(out.booking, slotwise.Booking)
    assert (out.booking.id, out.booking.status, out.booking.payment_status) == (b.id, "confirmed", "paid")
    assert out.booking.payment_reference == f"pi_{b.id}"
    assert out.booking.checkout_id == "cs_test_1"  # the session start_checkout created
    assert out.booking.hold_expires_at is None
    assert paid.ada.get_booking(b.id) == out.booking
    assert paid.kinds(b.id) == ["booking_confirmed"]

    # Stripe delivers at least once: the same event again changes nothing. Header
    # names are case-insensitive, values may be bytes, pairs work (ASGI).
    stamp = int(paid.engine.now().timestamp())
    again = paid.admin.handle_stripe_webhook(payload, {"stripe-signature": sign(payload, stamp).encode()})
    assert (again.event_id, again.duplicate, again.booking) == ("evt_1", True, None)
    pairs = [(b"host", b"salon.example"), (b"STRIPE-SIGNATURE", sign(payload, stamp).encode())]
    assert paid.admin.handle_stripe_webhook(bytearray(payload), pairs).duplicate
    # Another event saying the same (async success after completion): still one message.
    assert not paid.deliver(session_event("evt_2", "checkout.session.async_payment_succeeded", b.id)).duplicate
    assert paid.kinds(b.id) == ["booking_confirmed"]

    [msg] = paid.engine.take_notifications()
    assert isinstance(msg, slotwise.Notification)
    assert (msg.kind, msg.booking_id, msg.tenant_id, msg.locale, msg.to) == (
        "booking_confirmed", b.id, paid.salon.tenant_id, "en", "ada@example.com")
    assert msg.subject == "Booking confirmed: Colour, Monday 1 June 2026 at 09:00"
    assert "Hello Ada," in msg.body and b.id in msg.body
    assert "METHOD:REQUEST" in msg.ics and "DTSTART:20260601T070000Z" in msg.ics
    assert msg.created_at == paid.clock.now and msg.attempts == 1 and msg.sent_at is None


def test_a_webhook_needs_a_valid_fresh_signature(paid):
    b = paid.book_colour()
    payload = session_event("evt_1", "checkout.session.completed", b.id)
    now = int(paid.engine.now().timestamp())
    bad = {
        "wrong secret": {"Stripe-Signature": sign(payload, now, secret="whsec_someone_else")},
        "stale": {"Stripe-Signature": sign(payload, now - 301)},
        "from the future": {"Stripe-Signature": sign(payload, now + 301)},
        "missing": {},
        "other headers only": {"Content-Type": "application/json"},
        "garbage": {"Stripe-Signature": "nonsense"},
        "another body": {"Stripe-Signature": sign(payload + b" ", now)},
    }
    for why, headers in bad.items():
        with pytest.raises(slotwise.SignatureInvalid) as e:
            paid.admin.handle_stripe_webhook(payload, headers)
        assert e.value.code == "signature_invalid", why
    # Refused events change nothing and are not recorded.
    assert paid.ada.get_booking(b.id).status == "pending"
    assert paid.admin.notifications(b.id) == []
    # During secret rotation Stripe sends several v1 values; any one may match.
    mac = sign(payload, now - 299).split(",v1=")[1]
    out = paid.admin.handle_stripe_webhook(payload, {"Stripe-Signature": f"t={now - 299},v1={'0' * 64},v1={mac}"})
    assert not out.duplicate and out.booking.status == "confirmed"


def test_a_webhook_to_an_unconfigured_tenant_is_refused(salon):
    payload = session_event("evt_1", "checkout.session.completed", "bkg_anything")
    headers = {"Stripe-Signature": sign(payload, int(salon.clock.now.timestamp()))}
    for handle in (salon.admin.handle_stripe_webhook, salon.admin.handle_webhook):
        with pytest.raises(slotwise.NotConfigured) as e:
            handle(payload, headers)
        assert e.value.code == "not_configured"


def test_handle_webhook_uses_the_tenants_provider_and_says_what_it_did(paid):
    b = paid.book_colour()
    stamp = int(paid.engine.now().timestamp())
    # A new event naming no booking of this tenant is recorded, not applied, and says why.
    stray = session_event("evt_0", "checkout.session.completed", "bkg_not_ours")
    out = paid.admin.handle_webhook(stray, {"Stripe-Signature": sign(stray, stamp)})
    assert (out.duplicate, out.applied, out.booking) == (False, False, None)
    assert isinstance(out.ignored_because, str) and out.ignored_because
    payload = session_event("evt_1", "checkout.session.completed", b.id)
    out = paid.ada.handle_webhook(payload, {"Stripe-Signature": sign(payload, stamp)})
    assert isinstance(out, slotwise.WebhookOutcome)
    assert (out.event_id, out.duplicate, out.applied, out.ignored_because) == ("evt_1", False, True, None)
    assert out.booking.status == "confirmed"
    assert "applied=True" in repr(out)
    again = paid.admin.handle_stripe_webhook(payload, {"Stripe-Signature": sign(payload, stamp)})
    assert (again.duplicate, again.applied) == (True, False)
    with pytest.raises(slotwise.SignatureInvalid):
        paid.admin.handle_webhook(payload, {"Stripe-Signature": sign(payload, stamp, secret="whsec_other")})


def test_checkout_expired_then_completed_still_confirms_a_free_slot(paid):
    b = paid.book_colour()
    expired = paid.deliver(session_event("evt_exp", "checkout.session.expired", b.id, "unpaid"))
    assert expired.booking.status == "expired"
    assert paid.ada.get_booking(b.id).status == "expired"
    assert paid.admin.notifications(b.id) == []
    out = paid.deliver(session_event("evt_paid", "checkout.session.completed", b.id))
    assert (out.booking.status, out.booking.payment_status) == ("confirmed", "paid")
    assert paid.kinds(b.id) == ["booking_confirmed"]


def test_a_completed_but_unpaid_checkout_waits(paid):
    b = paid.book_colour()
    out = paid.deliver(session_event("evt_1", "checkout.session.completed", b.id, "unpaid"))
    assert (out.booking.status, out.booking.payment_status) == ("pending", "pending")
    assert paid.admin.notifications(b.id) == []
    failed = paid.deliver(session_event("evt_2", "checkout.session.async_payment_failed", b.id, "unpaid"))
    assert (failed.booking.status, failed.booking.payment_status) == ("expired", "failed")
    paid.book_colour()  # the slot is free again


def test_a_late_payment_for_a_taken_slot_is_refund_due_then_refunded(paid):
    b = paid.book_colour()
    paid.clock.advance(minutes=16)  # the 15-minute hold passes
    assert paid.ada.get_booking(b.id).status == "expired"
    eve = paid.salon.customer("eve")
    taken = paid.book_colour(who=eve, customer={"name": "Eve"})
    out = paid.deliver(session_event("evt_late", "checkout.session.completed", b.id))
    assert (out.booking.status, out.booking.payment_status) == ("expired", "refund_due")
    assert eve.get_booking(taken.id).status == "pending"  # never double-booked
    [msg] = paid.admin.notifications(b.id)
    assert msg.kind == "refund_due" and msg.ics is None
    assert msg.subject == "Refund on its way: Colour"
    assert "EUR 45.00" in msg.body

    stripe = FakeStripe()
    refund = paid.admin.refund(b.id, transport=stripe)
    assert isinstance(refund, slotwise.Refund)
    assert (refund.id, refund.status) == ("re_1", "succeeded")
    [request] = stripe.requests
    assert request["url"] == "https://api.stripe.com/v1/refunds"
    assert request["headers"]["Idempotency-Key"] == f"refund-{b.id}"
    assert stripe.form()["payment_intent"] == f"pi_{b.id}"
    # Stripe answered "succeeded": the booking is refunded; its later event changes nothing.
    assert paid.ada.get_booking(b.id).payment_status == "refunded"
    assert paid.deliver(refund_event("evt_ref", b.id)).booking.payment_status == "refunded"
    with pytest.raises(slotwise.InvalidTransition):
        paid.admin.refund(b.id, transport=stripe)
    with pytest.raises(slotwise.PermissionDenied):
        paid.ada.refund(b.id, transport=stripe)


def test_a_webhook_on_tenant_b_naming_a_booking_of_tenant_a_is_not_applied(paid):
    b = paid.book_colour()
    other = paid.engine.scope(paid.engine.create_tenant("Other"), role="admin", subject="boss")
    other.configure_stripe(secret_key="sk_test_other", webhook_secret=WHSEC)  # even with the same secret
    payload = session_event("evt_x", "checkout.session.completed", b.id)
    out = paid.deliver(payload, scope=other)
    assert (out.event_id, out.duplicate, out.booking) == ("evt_x", False, None)
    assert paid.ada.get_booking(b.id).status == "pending"
    assert paid.admin.notifications(b.id) == []
    assert paid.engine.take_notifications() == []
    # For tenant A the event is still unseen.
    out = paid.deliver(payload)
    assert not out.duplicate and out.booking.status == "confirmed"


# --- notifications ---------------------------------------------------------------------


def test_a_free_booking_is_notified_at_book_with_an_invitation(salon):
    b = salon.customer().book(salon.cut.id, start=SLOT, resource_id=salon.anna.id, customer=ADA)
    [msg] = salon.admin.notifications(b.id)
    assert (msg.kind, msg.booking_id, msg.to, msg.locale) == ("booking_confirmed", b.id, "ada@example.com", "en")
    assert "METHOD:REQUEST" in msg.ics and "BEGIN:VCALENDAR" in msg.ics
    assert msg.subject.startswith("Booking confirmed: Cut")
    assert (msg.created_at, msg.attempts, msg.sent_at) == (salon.clock.now, 0, None)
    assert "kind='booking_confirmed'" in repr(msg)
    # Cancelling queues a CANCEL invitation.
    salon.admin.cancel(b.id)
    kinds = [(n.kind, "METHOD:CANCEL" in n.ics) for n in salon.admin.notifications(b.id)]
    assert kinds == [("booking_confirmed", False), ("booking_cancelled", True)]


def test_take_notifications_leases_and_mark_sent_forgets(salon):
    eng, clock = salon.engine, salon.clock
    b = salon.admin.book(salon.cut.id, start=SLOT, resource_id=salon.anna.id, customer=ADA)
    [msg] = eng.take_notifications(limit=100)
    assert (msg.booking_id, msg.attempts) == (b.id, 1)
    assert eng.take_notifications() == []  # leased
    clock.advance(seconds=299)
    assert eng.take_notifications() == []
    clock.advance(seconds=2)  # past the first backoff (5 minutes)
    [again] = eng.take_notifications()
    assert (again.id, again.attempts) == (msg.id, 2)
    eng.mark_notification_sent(again.id)
    clock.advance(days=1)
    assert eng.take_notifications() == []
    [row] = salon.admin.notifications(b.id)
    assert row.sent_at == clock.now - dt.timedelta(days=1)
    with pytest.raises(slotwise.NotFound):
        eng.mark_notification_sent("nope")
    with pytest.raises(slotwise.ValidationError) as e:
        eng.take_notifications(limit=0)
    assert e.value.field == "limit"


def test_take_notifications_honours_the_limit_oldest_first(salon):
    starts = [utc("2026-06-01T07:00"), utc("2026-06-01T08:00"), utc("2026-06-01T09:00")]
    ids = []
    for start in starts:
        ids.append(salon.admin.book(salon.cut.id, start=start, resource_id=salon.anna.id, customer=ADA).id)
        salon.clock.advance(seconds=1)
    assert [n.booking_id for n in salon.engine.take_notifications(limit=2)] == ids[:2]
    assert [n.booking_id for n in salon.engine.take_notifications(limit=2)] == ids[2:]


def test_an_italian_customer_gets_italian_messages(paid):
    ada_it = dict(ADA, locale="it")
    b = paid.book_colour(customer=ada_it)
    paid.deliver(session_event("evt_1", "checkout.session.completed", b.id))
    [msg] = paid.admin.notifications(b.id)
    assert msg.locale == "it"
    assert msg.subject.startswith("Prenotazione confermata")
    assert msg.subject == "Prenotazione confermata: Colour, lunedì 1 giugno 2026 alle 09:00"
    assert msg.body.startswith("Ciao Ada,")


def test_deliver_notifications_sends_through_a_python_callable(salon):
    eng, clock = salon.engine, salon.clock
    for start in (utc("2026-06-01T07:00"), utc("2026-06-01T08:00")):
        salon.admin.book(salon.cut.id, start=start, resource_id=salon.anna.id, customer=ADA)
    sent, calls = [], []

    def flaky(msg):
        calls.append(msg.id)
        if len(calls) == 1:
            raise OSError("smtp down")
        assert isinstance(msg, slotwise.Notification)
        sent.append(msg.id)

    report = eng.deliver_notifications(flaky)  # the first failed, the second went out
    assert isinstance(report, slotwise.DeliveryReport) and report.sent == 1
    [failure] = report.failed
    assert isinstance(failure, slotwise.DeliveryFailure)
    assert (failure.notification_id, failure.kind) == (calls[0], "booking_confirmed")
    assert failure.error == "OSError: smtp down"
    assert "sent=1" in repr(report) and "smtp down" in repr(failure)
    report = eng.deliver_notifications(flaky)  # the failed one waits for its backoff
    assert (report.sent, report.failed) == (0, [])
    clock.advance(minutes=6)
    assert eng.deliver_notifications(flaky, limit=10).sent == 1
    assert sorted(sent) == sorted(set(calls)) and len(calls) == 3
    clock.advance(days=1)
    assert eng.deliver_notifications(flaky).sent == 0
    with pytest.raises(slotwise.ValidationError) as e:
        eng.deliver_notifications("not callable")
    assert e.value.field == "notifier"


def test_a_keyboard_interrupt_in_the_notifier_stops_delivery(salon):
    salon.admin.book(salon.cut.id, start=SLOT, resource_id=salon.anna.id, customer=ADA)

    def interrupted(msg):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        salon.engine.deliver_notifications(interrupted)
    salon.clock.advance(minutes=6)
    assert len(salon.engine.take_notifications()) == 1  # not lost


# --- transports and provider errors ------------------------------------------------------


def test_a_transport_that_raises_is_a_provider_error(paid):
    b = paid.book_colour()

    def down(method, url, headers, body):
        raise ConnectionRefusedError("connection refused")

    with pytest.raises(slotwise.ProviderError) as e:
        paid.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", transport=down)
    assert isinstance(e.value, slotwise.Error) and e.value.code == "provider_error"
    assert isinstance(e.value.__cause__, ConnectionRefusedError)
    assert "connection refused" in str(e.value)
    assert paid.ada.get_booking(b.id).checkout_id is None  # nothing changed


def test_an_error_status_from_stripe_is_a_provider_error(paid):
    b = paid.book_colour()
    stripe = FakeStripe(status=500)
    with pytest.raises(slotwise.ProviderError) as e:
        paid.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", transport=stripe)
    assert "500" in str(e.value) and "Stripe's end" in str(e.value)
    assert e.value.__cause__ is None
    assert len(stripe.requests) == 1
    with pytest.raises(slotwise.ProviderError):
        paid.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back",
                                transport=lambda *a: (200, b"not json"))


def test_a_transport_must_return_status_and_body(paid):
    b = paid.book_colour()
    for wrong in (None, 200, (200,), ("200", b"{}"), (200, 12)):
        with pytest.raises(slotwise.ValidationError) as e:
            paid.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back",
                                    transport=lambda *a, wrong=wrong: wrong)
        assert e.value.field.startswith("transport"), wrong
    with pytest.raises(slotwise.ValidationError) as e:
        paid.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", transport="curl")
    assert e.value.field == "transport"


def test_a_keyboard_interrupt_in_the_transport_is_not_swallowed(paid):
    b = paid.book_colour()

    def interrupted(method, url, headers, body):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        paid.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", transport=interrupted)


def test_without_a_transport_the_urllib_default_is_used(paid, monkeypatch):
    b = paid.book_colour()
    stripe = FakeStripe()
    monkeypatch.setattr(slotwise._transport, "urllib_transport", stripe)
    co = paid.ada.start_checkout(b.id, success_url="https://salon.example/ok", cancel_url="https://salon.example/back")
    assert co.id == "cs_test_1" and len(stripe.requests) == 1


def test_start_checkout_refuses_bookings_not_awaiting_payment_and_bad_input(paid):
    stripe = FakeStripe()
    free = paid.ada.book(paid.salon.cut.id, start=utc("2026-06-01T09:00"), customer=ADA)
    with pytest.raises(slotwise.InvalidTransition):
        paid.ada.start_checkout(free.id, "https://a.example/", "https://a.example/", transport=stripe)
    b = paid.book_colour()
    with pytest.raises(slotwise.ValidationError) as e:
        paid.ada.start_checkout(b.id, "javascript:alert(1)", "https://a.example/", transport=stripe)
    assert e.value.field == "success_url"
    with pytest.raises(slotwise.NotFound):
        paid.salon.customer("eve").start_checkout(b.id, "https://a.example/", "https://a.example/", transport=stripe)
    paid.clock.advance(minutes=16)
    with pytest.raises(slotwise.InvalidTransition):
        paid.ada.start_checkout(b.id, "https://a.example/", "https://a.example/", transport=stripe)
    assert stripe.requests == []


def test_payment_settings_never_show_a_secret(salon):
    assert salon.admin.payment_settings() is None
    salon.admin.configure_stripe(secret_key=SECRET_KEY, webhook_secret=WHSEC)
    s = salon.admin.payment_settings()
    assert isinstance(s, slotwise.PaymentSettings)
    assert (s.provider, s.live) == ("stripe", False)
    assert s.key_hint.startswith("sk_test_") and s.key_hint.endswith("4242")
    assert "SECRET" not in s.key_hint and "SECRET" not in repr(s) and WHSEC not in repr(s)
    with pytest.raises(slotwise.PermissionDenied):
        salon.customer().payment_settings()
    with pytest.raises(slotwise.PermissionDenied):
        salon.customer().configure_stripe(secret_key=SECRET_KEY, webhook_secret=WHSEC)
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.configure_stripe(secret_key="pk_test_public", webhook_secret=WHSEC)
    assert e.value.field == "secret_key"
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.configure_stripe(secret_key=SECRET_KEY, webhook_secret=None)
    assert e.value.field == "webhook_secret"
    # A short key shows at most a third of what follows its prefix.
    salon.admin.configure_stripe(secret_key="sk_test_abcdef", webhook_secret=WHSEC)
    assert salon.admin.payment_settings().key_hint == "sk_test_…ef"
    # Without a master key a live key is refused (stored only encrypted).
    with pytest.raises(slotwise.NotConfigured):
        salon.admin.configure_stripe(secret_key="sk_live_abcdefgh9999", webhook_secret=WHSEC)


def test_webhook_arguments_are_checked(paid):
    b = paid.book_colour()
    payload = session_event("evt_1", "checkout.session.completed", b.id)
    with pytest.raises(slotwise.ValidationError) as e:
        paid.admin.handle_stripe_webhook(12, {})
    assert e.value.field == "payload"
    with pytest.raises(slotwise.ValidationError) as e:
        paid.admin.handle_stripe_webhook(payload, "Stripe-Signature: t=1,v1=00")
    assert e.value.field == "headers"
    with pytest.raises(slotwise.ValidationError) as e:
        paid.admin.handle_stripe_webhook(payload, {"Stripe-Signature": 12})
    assert e.value.field == "headers[0][1]"
    # A verified body that is not an event is bad input, not a signature problem.
    junk = b"[1, 2]"
    with pytest.raises(slotwise.ValidationError):
        paid.admin.handle_stripe_webhook(junk, {"Stripe-Signature": sign(junk, int(paid.engine.now().timestamp()))})
    # A str body is taken as its UTF-8 bytes.
    out = paid.admin.handle_stripe_webhook(payload.decode(), {"Stripe-Signature": sign(payload, int(paid.engine.now().timestamp()))})
    assert out.booking.status == "confirmed"


def test_webhooks_from_many_threads_apply_each_event_once(paid):
    b = paid.book_colour()
    payload = session_event("evt_1", "checkout.session.completed", b.id)
    outcomes = []

    def post():
        outcomes.append(paid.deliver(payload))

    threads = [threading.Thread(target=post) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o.duplicate for o in outcomes) == [False] + [True] * 7
    assert paid.kinds(b.id) == ["booking_confirmed"]


# --- the default transport itself, against a local server ------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = 402 if self.path == "/v1/fail" else 200
        reply = json.dumps({"path": self.path, "body": body.decode(),
                            "key": self.headers["Idempotency-Key"]}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def test_urllib_transport_returns_statuses_and_raises_only_without_an_answer():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        status, body = slotwise.urllib_transport("POST", base + "/v1/ok", {"Idempotency-Key": "k1"}, b"a=1")
        assert status == 200 and json.loads(body) == {"path": "/v1/ok", "body": "a=1", "key": "k1"}
        status, body = slotwise.urllib_transport("POST", base + "/v1/fail", {}, b"")
        assert status == 402 and json.loads(body)["path"] == "/v1/fail"
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(OSError):
        slotwise.urllib_transport("POST", base + "/v1/ok", {}, b"", timeout=5)


# --- engine events --------------------------------------------------------------------------


def test_on_event_receives_each_engine_event(db_path, clock):
    events = []
    eng = slotwise.Engine.open_sqlite(db_path, clock=clock, on_event=events.append)
    tid = eng.create_tenant("Salon")
    admin = eng.scope(tid, role="admin", subject="owner")
    anna = admin.create_resource(name="Anna", timezone="Europe/Rome")
    admin.set_weekly_hours(anna.id, {"mon": [("09:00", "13:00")]})
    cut = admin.create_service(name="Cut", duration=30, resources=[anna.id])
    b = admin.book(cut.id, start=SLOT, customer=ADA)
    admin.cancel(b.id)
    kinds = [e.kind for e in events]
    assert kinds[:1] == ["booking_created"] and "booking_changed" in kinds
    created = events[0]
    assert isinstance(created, slotwise.EngineEvent)
    assert (created.tenant, created.booking, created.at) == (tid, b.id, clock.now)
    assert isinstance(created.detail, str) and "booking_created" in repr(created)


def test_an_on_event_callback_that_raises_is_reported_not_raised(db_path, clock, monkeypatch):
    import sys

    reported = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)

    def broken(event):
        raise RuntimeError("log sink down")

    eng = slotwise.Engine.open_sqlite(db_path, clock=clock, on_event=broken)
    t = eng.scope(eng.create_tenant("Salon"), role="admin", subject="owner")
    anna = t.create_resource(name="Anna", timezone="Europe/Rome")
    t.set_weekly_hours(anna.id, {"mon": [("09:00", "13:00")]})
    cut = t.create_service(name="Cut", duration=30, resources=[anna.id])
    b = t.book(cut.id, start=SLOT, customer=ADA)  # the booking stands
    assert t.get_booking(b.id).status == "confirmed"
    assert reported and isinstance(reported[0].exc_value, RuntimeError)
    assert "log sink down" in str(reported[0].exc_value)
    with pytest.raises(slotwise.ValidationError) as e:
        slotwise.Engine.open_sqlite(":memory:", on_event="print")
    assert e.value.field == "on_event"


# --- payments are never lost ------------------------------------------------------------------


def test_a_payment_of_another_amount_is_listed_as_unmatched_and_owed_back(paid):
    b = paid.book_colour()
    out = paid.deliver(session_event("evt_cheap", "checkout.session.completed", b.id, amount=100))
    assert out.booking.payment_status == "refund_due"
    assert out.booking.status == "expired"
    [u] = paid.admin.unmatched_payments()
    assert isinstance(u, slotwise.UnmatchedPayment)
    assert (u.event_id, u.provider, u.reference, u.amount, u.currency) == ("evt_cheap", "stripe", f"pi_{b.id}", 100, "eur")
    assert (u.booking_id, u.reason) == (b.id, "amount_mismatch")
    assert u.received_at == paid.engine.now()
    with pytest.raises(slotwise.PermissionDenied):
        paid.ada.unmatched_payments()


def test_a_payment_without_currency_is_not_applied(paid):
    b = paid.book_colour()
    event = json.loads(session_event("evt_nocur", "checkout.session.completed", b.id))
    del event["data"]["object"]["currency"]
    paid.deliver(json.dumps(event).encode())
    assert paid.ada.get_booking(b.id).payment_status == "refund_due"
    assert [u.reason for u in paid.admin.unmatched_payments()] == ["no_amount"]


def test_a_checkout_of_a_short_hold_is_expired_through_stripe_when_the_hold_lapses(paid):
    b = paid.book_colour()
    stripe = FakeStripe()
    paid.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", transport=stripe)
    assert paid.engine.expire_checkouts(transport=stripe).closed == 0
    paid.clock.advance(minutes=15)
    done = paid.engine.expire_checkouts(transport=stripe, limit=10)
    assert isinstance(done, slotwise.ExpiredCheckouts)
    assert (done.closed, done.failed) == (1, [])
    assert stripe.requests[-1]["url"] == "https://api.stripe.com/v1/checkout/sessions/cs_test_1/expire"
