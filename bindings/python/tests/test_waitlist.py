"""Approval and the waitlist from Python, each test the breakage it stops."""

import pytest

import slotwise
from conftest import utc

NINE = utc("2026-06-01T07:00")  # Monday 09:00 in Rome


def person(name):
    return {"name": name, "email": f"{name}@example.com", "locale": "it"}


@pytest.fixture
def gym(salon):
    """The salon with a one-place yoga studio on Monday mornings."""
    studio = salon.admin.create_resource(name="Studio", timezone="Europe/Rome", capacity=1)
    salon.admin.set_weekly_hours(studio.id, {"mon": [("09:00", "13:00")]})
    salon.yoga = salon.admin.create_service(name="Yoga", duration=60, resources=[studio.id], offer_minutes=20)
    return salon


def test_a_request_holds_its_slot_and_only_staff_decide_it(salon):
    svc = salon.admin.update_service(salon.cut.id, resources=[salon.anna.id], requires_confirmation=True,
                                     request_expiry_minutes=60)
    assert (svc.requires_confirmation, svc.request_expiry_minutes, svc.offer_minutes) == (True, 60, 60)
    ada, bo, staff = salon.customer("ada"), salon.customer("bo"), salon.staff()
    asked = ada.book(svc.id, start=NINE, customer=person("ada"))
    assert asked.status == "requested"
    assert [n.kind for n in staff.notifications(asked.id)] == ["booking_requested"]
    with pytest.raises(slotwise.SlotUnavailable):
        bo.book(svc.id, start=NINE, customer=person("bo"))
    with pytest.raises(slotwise.PermissionDenied):
        ada.confirm(asked.id)
    assert staff.confirm(asked.id).status == "confirmed"
    later = utc("2026-06-01T08:00")
    other = ada.book(svc.id, start=later, customer=person("ada"))
    rejected = staff.reject(other.id, reason="fully booked")
    assert rejected.status == "rejected"
    assert staff.notifications(other.id)[-1].kind == "booking_rejected"
    assert staff.notifications(other.id)[-1].ics is None
    assert [b.id for b in staff.bookings(status="rejected")] == [other.id]
    # A request that lapses blocks nothing and can no longer be decided.
    lapsing = ada.book(svc.id, start=utc("2026-06-01T09:00"), customer=person("ada"))
    salon.clock.advance(minutes=60)
    assert ada.get_booking(lapsing.id).status == "expired"
    with pytest.raises(slotwise.InvalidTransition):
        staff.confirm(lapsing.id)
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.update_service(svc.id, requires_confirmation=1)
    assert e.value.field == "requires_confirmation"


def test_a_paid_request_takes_no_checkout_before_approval(salon):
    salon.admin.configure_stripe(secret_key="sk_test_salon", webhook_secret="whsec_salon")
    svc = salon.admin.update_service(salon.colour.id, requires_confirmation=True)
    ada = salon.customer("ada")
    asked = ada.book(svc.id, start=NINE, customer=person("ada"))
    calls = []

    def transport(method, url, headers, body):
        calls.append(url)
        raise AssertionError("no request may be made before approval")

    with pytest.raises(slotwise.InvalidTransition):
        ada.start_checkout(asked.id, success_url="https://a.example/ok", cancel_url="https://a.example/no",
                           transport=transport)
    assert calls == []
    salon.clock.advance(minutes=30)
    approved = salon.staff().confirm(asked.id)
    assert (approved.status, approved.payment_status) == ("pending", "pending")
    assert approved.hold_expires_at == salon.clock.now + __import__("datetime").timedelta(minutes=15)


def test_a_cancelled_seat_is_offered_to_the_first_in_line_and_only_they_take_it(gym):
    held = gym.customer("a").book(gym.yoga.id, start=NINE, customer=person("a"))
    dan, eve = gym.customer("dan"), gym.customer("eve")
    with pytest.raises(slotwise.ValidationError) as e:
        dan.join_waitlist(gym.yoga.id, start=utc("2026-06-01T08:00"), customer=person("dan"))
    assert e.value.field == "start"
    first = dan.join_waitlist(gym.yoga.id, start=NINE, customer=person("dan"))
    second = eve.join_waitlist(gym.yoga.id, start=NINE, customer=person("eve"))
    assert isinstance(first, slotwise.WaitlistEntry)
    assert (first.position, first.status, first.offer_id) == (1, "waiting", None)
    assert second.position == 2
    gym.customer("a").cancel(held.id)
    offered = dan.get_waitlist_entry(first.id)
    assert offered.status == "offered" and offered.position == 0
    assert dan.get_booking(offered.offer_id).status == "offered"
    assert eve.get_waitlist_entry(second.id).position == 1
    with pytest.raises(slotwise.NotFound):  # not hers: as unknown an id as any other customer's booking
        eve.accept_offer(offered.offer_id)
    assert dan.accept_offer(offered.offer_id).status == "confirmed"
    kinds = [n.kind for n in gym.staff().notifications(offered.offer_id)]
    assert kinds == ["waitlist_offer", "booking_confirmed"]


def test_a_lapsed_offer_passes_on_at_the_next_take_notifications(gym):
    held = gym.customer("a").book(gym.yoga.id, start=NINE, customer=person("a"))
    dan, eve = gym.customer("dan"), gym.customer("eve")
    dan.join_waitlist(gym.yoga.id, start=NINE, customer=person("dan"))
    second = eve.join_waitlist(gym.yoga.id, start=NINE, customer=person("eve"))
    gym.customer("a").cancel(held.id)
    gym.clock.advance(minutes=20)
    assert eve.get_waitlist_entry(second.id).status == "waiting"
    sent = gym.engine.take_notifications()
    entry = eve.get_waitlist_entry(second.id)
    assert entry.status == "offered"
    assert any(n.kind == "waitlist_offer" and n.booking_id == entry.offer_id for n in sent)


def test_the_line_is_bounded_per_customer_and_can_be_left(gym):
    gym.customer("a").book(gym.yoga.id, start=NINE, customer=person("a"))
    gym.customer("b").book(gym.yoga.id, start=utc("2026-06-01T08:00"), customer=person("b"))
    policy = gym.admin.set_policy(max_waitlist_per_customer=1)
    assert policy.max_waitlist_per_customer == 1
    dan = gym.customer("dan")
    entry = dan.join_waitlist(gym.yoga.id, start=NINE, customer=person("dan"))
    with pytest.raises(slotwise.QuotaExceeded) as e:
        dan.join_waitlist(gym.yoga.id, start=utc("2026-06-01T08:00"), customer=person("dan"))
    assert e.value.field == "max_waitlist_per_customer"
    with pytest.raises(slotwise.NotFound):
        gym.customer("eve").leave_waitlist(entry.id)
    assert dan.leave_waitlist(entry.id).status == "left"
    assert dan.join_waitlist(gym.yoga.id, start=utc("2026-06-01T08:00"), customer=person("dan")).position == 1
