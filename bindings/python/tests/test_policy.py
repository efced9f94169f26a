"""Tenant policy from Python, each test written as the attack it stops."""

import datetime as dt

import pytest

import slotwise
from conftest import ADA, MONDAY, open_again


def test_one_customer_cannot_hold_every_paid_slot_of_a_week(salon):
    salon.admin.configure_stripe(secret_key="sk_test_salon", webhook_secret="whsec_salon")
    mallory = salon.customer("mallory")
    week = mallory.availability(salon.colour.id, MONDAY, MONDAY + dt.timedelta(days=4))
    assert len(week) > 10
    held, refused = 0, None
    for slot in week:
        try:
            mallory.book(salon.colour.id, start=slot.start, customer=ADA)
            held += 1
        except slotwise.QuotaExceeded as e:
            refused = e
    assert held == 2
    assert refused.code == "quota_exceeded" and refused.field == "max_pending_per_customer"
    assert isinstance(refused, slotwise.Error)


def test_set_policy_returns_the_policy_and_every_role_reads_it(salon):
    default = salon.customer().policy()
    assert (default.max_pending_per_customer, default.max_active_per_customer,
            default.customer_horizon_days, default.max_seats_per_customer_booking,
            default.max_notifications_per_customer_hour) == (2, None, 92, 8, 20)
    p = salon.admin.set_policy(max_pending_per_customer=1, max_active_per_customer=3, customer_horizon_days=30,
                               max_seats_per_customer_booking=2)
    assert isinstance(p, slotwise.Policy)
    assert p == salon.customer().policy()
    assert "max_active_per_customer=3" in repr(p)
    with pytest.raises(slotwise.PermissionDenied):
        salon.customer().set_policy()
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.set_policy(max_pending_per_customer=0)
    assert e.value.field == "max_pending_per_customer"
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.set_policy(customer_horizon_days=100000)
    assert e.value.field == "customer_horizon_days"
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.set_policy(max_notifications_per_customer_hour=0)
    assert e.value.field == "max_notifications_per_customer_hour"
    # None lifts the seats limit; the notification cap cannot be lifted.
    assert salon.admin.set_policy(max_seats_per_customer_booking=None).max_seats_per_customer_booking is None
    with pytest.raises(slotwise.ValidationError):
        salon.admin.set_policy(max_notifications_per_customer_hour=None)


def test_the_outbox_is_no_relay_past_the_hourly_cap_mail_is_dropped_not_bookings(salon):
    dropped = []
    watched = open_again(salon.path, clock=salon.clock, on_event=lambda e: dropped.append(e)
                                          if e.kind == "notification_dropped" else None)
    salon.admin.set_policy(max_notifications_per_customer_hour=2)
    mallory = watched.scope(salon.tenant_id, role="customer", subject="mallory")
    starts = sorted({s.start for s in mallory.availability(salon.cut.id, MONDAY, MONDAY)})
    victim = {"name": "Your account is locked: verify at evil.example", "email": "victim@example.com"}
    made = [mallory.book(salon.cut.id, start=s, customer=victim) for s in starts[:4]]
    assert all(b.status == "confirmed" for b in made)
    assert [len(salon.admin.notifications(b.id)) for b in made] == [1, 1, 0, 0]
    assert [e.booking for e in dropped] == [made[2].id, made[3].id]


def test_free_bookings_are_bounded_by_max_active(salon):
    salon.admin.set_policy(max_active_per_customer=2)
    mallory = salon.customer("mallory")
    starts = sorted({s.start for s in mallory.availability(salon.cut.id, MONDAY, MONDAY)})
    mallory.book(salon.cut.id, start=starts[0], customer=ADA)
    mallory.book(salon.cut.id, start=starts[1], customer=ADA)
    with pytest.raises(slotwise.QuotaExceeded) as e:
        mallory.book(salon.cut.id, start=starts[2], customer=ADA)
    assert e.value.field == "max_active_per_customer"


def test_a_customer_cannot_query_ten_years_ahead(salon):
    with pytest.raises(slotwise.ValidationError) as e:
        salon.customer().availability(salon.cut.id, MONDAY, MONDAY + dt.timedelta(days=3699))
    assert e.value.field == "to"
    # Nor can an admin get millions of slots from one call.
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.availability(salon.cut.id, MONDAY, MONDAY + dt.timedelta(days=3699))
    assert e.value.field == "to"


def test_megabyte_ids_are_not_found_at_once(salon):
    t = salon.customer()
    for i in range(50):
        with pytest.raises(slotwise.NotFound):
            t.get_resource("x" * 10**6 + str(i))
