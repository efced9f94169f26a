#!/usr/bin/env python3
"""A salon from Python: open it, print a week of availability, book, watch a
double booking being refused, then take a paid booking through Stripe Checkout
(with an offline stand-in for api.stripe.com) and drain the notification outbox.

Run against a build tree:
    PYTHONPATH=build-py/bindings/python /usr/bin/python3 examples/python/salon.py [bookings.db]
(without an argument the database lives in memory). A path given must not
exist yet: the script creates it and never touches an existing file.
"""

import datetime as dt
import hashlib
import hmac
import json
import sys
import zoneinfo

import slotwise

UTC = dt.timezone.utc


def next_monday(today):
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def main(path=":memory:"):
    eng = slotwise.Engine.open_sqlite(path)
    tid = eng.create_tenant("Salon Bella")
    owner = eng.scope(tid, role="admin", subject="owner")

    anna = owner.create_resource(name="Anna", timezone="Europe/Rome")
    bruno = owner.create_resource(name="Bruno", timezone="Europe/Rome")
    owner.set_weekly_hours(anna.id, {
        "mon": [("09:00", "13:00"), ("14:00", "18:00")],
        "tue": [("09:00", "13:00"), ("14:00", "18:00")],
        "wed": [("09:00", "13:00")],
        "sat": [("09:00", "13:00")],
    })
    owner.set_weekly_hours(bruno.id, {day: [("10:00", "19:00")] for day in ("tue", "wed", "thu", "fri", "sat")})
    cut = owner.create_service(name="Haircut", duration=30, step=15, buffer_after=10, min_notice=60,
                               horizon=60 * 24 * 60, resources=[anna.id, bruno.id])
    names = {anna.id: "Anna", bruno.id: "Bruno"}

    monday = next_monday(dt.date.today())
    sunday = monday + dt.timedelta(days=6)
    owner.set_date_override(anna.id, monday + dt.timedelta(days=1), [("09:00", "11:00")])  # short Tuesday
    rome = zoneinfo.ZoneInfo("Europe/Rome")

    slots = owner.availability(cut.id, monday, sunday)
    print(f"Haircut, week of {monday:%a %d %b %Y} (Rome time), {len(slots)} slots:")
    for day in (monday + dt.timedelta(days=i) for i in range(7)):
        for rid in (anna.id, bruno.id):
            starts = [s.start.astimezone(rome) for s in slots
                      if s.resource_id == rid and s.start.astimezone(rome).date() == day]
            if starts:
                times = " ".join(f"{t:%H:%M}" for t in starts[:8]) + (" ..." if len(starts) > 8 else "")
                print(f"  {day:%a %d}  {names[rid]:<5} {len(starts):3} slots  {times}")

    ada = eng.scope(tid, role="customer", subject="ada@example.com")
    first = slots[0]
    booking = ada.book(cut.id, start=first.start, resource_id=first.resource_id,
                       customer={"name": "Ada", "email": "ada@example.com", "phone": None, "locale": "en"},
                       idempotency_key="ada-first-cut")
    when = booking.start.astimezone(rome)
    print(f"\nBooked {booking.id}: Ada with {names[booking.resource_id]} on {when:%a %d %b %H:%M}, "
          f"status {booking.status}")

    bob = eng.scope(tid, role="customer", subject="bob@example.com")
    try:
        bob.book(cut.id, start=first.start, resource_id=first.resource_id, customer={"name": "Bob"})
        print("Bob booked the same slot: this must never happen")
        return 1
    except slotwise.SlotUnavailable as e:
        print(f"Bob asked for the same slot: refused ({type(e).__name__}, code {e.code!r})")

    left = [s for s in owner.availability(cut.id, monday, monday)
            if (s.start, s.resource_id) == (first.start, first.resource_id)]
    print(f"That slot is still offered: {bool(left)}; Ada's bookings: "
          f"{[b.id for b in ada.bookings()]}")

    paid_booking(eng, owner, ada, anna, monday, rome)
    return 0


def offline_stripe(method, url, headers, body):
    """Stands in for api.stripe.com. Leave transport=None to make the real
    HTTPS request (slotwise.urllib_transport), or pass your own HTTP client."""
    assert (method, url) == ("POST", "https://api.stripe.com/v1/checkout/sessions")
    return 200, json.dumps({"id": "cs_test_example", "url": "https://checkout.stripe.com/c/pay/cs_test_example"})


def stripe_signature(payload, secret, timestamp):
    """The Stripe-Signature header Stripe sends with a webhook."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def paid_booking(eng, owner, ada, anna, monday, rome):
    webhook_secret = "whsec_example"
    owner.configure_stripe(secret_key="sk_test_example", webhook_secret=webhook_secret)
    colour = owner.create_service(name="Colour", duration=60, price=4500, currency="EUR", hold_minutes=30,
                                  resources=[anna.id])
    slot = owner.availability(colour.id, monday, monday + dt.timedelta(days=6))[0]
    booking = ada.book(colour.id, start=slot.start, resource_id=slot.resource_id,
                       customer={"name": "Ada", "email": "ada@example.com", "locale": "it"})
    print(f"\nColour on {booking.start.astimezone(rome):%a %d %b %H:%M}: {booking.status}, "
          f"payment {booking.payment_status}, slot held until {booking.hold_expires_at.astimezone(rome):%H:%M}")
    checkout = ada.start_checkout(booking.id, success_url="https://salon.example/thanks",
                                  cancel_url="https://salon.example/back", transport=offline_stripe)
    print(f"Ada pays at {checkout.url}")

    # What Stripe posts to the salon's webhook endpoint once Ada has paid.
    payload = json.dumps({
        "id": "evt_example", "type": "checkout.session.completed",
        "data": {"object": {"id": checkout.id, "object": "checkout.session", "payment_status": "paid",
                            "payment_intent": "pi_example", "amount_total": 4500, "currency": "eur",
                            "metadata": {"booking_id": booking.id}}},
    }).encode()
    headers = {"Stripe-Signature": stripe_signature(payload, webhook_secret, int(eng.now().timestamp()))}
    outcome = owner.handle_stripe_webhook(payload, headers)
    print(f"Webhook {outcome.type}: {outcome.booking.status}, payment {outcome.booking.payment_status}")
    print(f"Delivered again: duplicate={owner.handle_stripe_webhook(payload, headers).duplicate}")

    print("Outbox:")
    for msg in eng.take_notifications():
        print(f"  [{msg.kind}, {msg.locale}] to {msg.to}: {msg.subject}"
              + (" (+ invitation.ics)" if msg.ics else ""))
        eng.mark_notification_sent(msg.id)  # after your mailer accepted it


if __name__ == "__main__":
    import os
    for suffix in ("", "-wal", "-shm", "-journal"):
        if len(sys.argv) > 1 and os.path.lexists(sys.argv[1] + suffix):
            sys.exit(f"error: {sys.argv[1]}{suffix} already exists; give a path that does not exist")
    sys.exit(main(*sys.argv[1:2]))
