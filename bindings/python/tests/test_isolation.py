"""Tenants never see each other; customers see only their own bookings."""

import pytest

import slotwise
from conftest import ADA, MONDAY, WEEKDAYS, utc


@pytest.fixture
def rival(salon):
    """A second tenant in the same database, with its own resource, service and booking."""
    tid = salon.engine.create_tenant("Barber Rival")
    t = salon.engine.scope(tid, role="admin", subject="owner")
    res = t.create_resource(name="Rita", timezone="Europe/Rome")
    t.set_weekly_hours(res.id, {day: [("09:00", "13:00")] for day in WEEKDAYS})
    svc = t.create_service(name="Shave", duration=30, resources=[res.id])
    booking = t.book(svc.id, start=utc("2026-06-01T07:00"), customer=ADA)
    return t, res, svc, booking


def test_another_tenants_ids_read_as_not_found(salon, rival):
    _, res, svc, booking = rival
    t = salon.admin
    start = utc("2026-06-01T08:00")
    calls = [
        lambda: t.get_resource(res.id),
        lambda: t.update_resource(res.id, name="Mine now"),
        lambda: t.weekly_hours(res.id),
        lambda: t.set_weekly_hours(res.id, {}),
        lambda: t.set_date_override(res.id, MONDAY, []),
        lambda: t.add_block(res.id, start, utc("2026-06-01T09:00")),
        lambda: t.blocks(res.id, start, utc("2026-06-01T09:00")),
        lambda: t.get_service(svc.id),
        lambda: t.update_service(svc.id, name="Mine now"),
        lambda: t.availability(svc.id, MONDAY, MONDAY),
        lambda: t.availability(salon.cut.id, MONDAY, MONDAY, resources=[res.id]),
        lambda: t.book(svc.id, start=start, customer=ADA),
        lambda: t.book(salon.cut.id, start=start, resource_id=res.id, customer=ADA),
        lambda: t.get_booking(booking.id),
        lambda: t.cancel(booking.id),
        lambda: t.reschedule(booking.id, start),
    ]
    for call in calls:
        with pytest.raises(slotwise.NotFound):
            call()
    # Linking another tenant's resource is refused as "no such resource".
    with pytest.raises(slotwise.ValidationError) as e:
        t.create_service(name="Steal", duration=30, resources=[res.id])
    assert e.value.field == "resources[0]"
    # And the rival's data is untouched.
    rt = rival[0]
    assert rt.get_booking(booking.id).status == "confirmed"
    assert rt.get_resource(res.id).name == "Rita"
    assert rt.get_service(svc.id).name == "Shave"


def test_lists_never_show_another_tenants_rows(salon, rival):
    rt, res, svc, booking = rival
    salon.admin.book(salon.cut.id, start=utc("2026-06-01T07:00"), customer=ADA)
    assert {r.id for r in salon.admin.resources()} == {salon.anna.id, salon.bruno.id}
    assert {s.id for s in salon.admin.services()} == {salon.cut.id, salon.colour.id}
    assert booking.id not in {b.id for b in salon.admin.bookings()}
    assert len(salon.admin.bookings()) == 1
    assert [b.id for b in rt.bookings()] == [booking.id]
    assert {r.id for r in rt.resources()} == {res.id}
    # Same slot, different tenants: both can book it.
    assert rt.availability(svc.id, MONDAY, MONDAY)[0].start == utc("2026-06-01T07:30")


def test_a_customer_sees_exactly_the_bookings_it_made(salon):
    ann, bob = salon.customer(), salon.customer()
    a = ann.book(salon.cut.id, start=utc("2026-06-01T07:00"), customer={"name": "Ann"})
    b = bob.book(salon.cut.id, start=utc("2026-06-01T08:00"), customer={"name": "Bob"})
    assert [x.id for x in ann.bookings()] == [a.id]
    assert [x.id for x in bob.bookings()] == [b.id]
    assert {x.id for x in salon.admin.bookings()} == {a.id, b.id}
    staff = salon.staff()
    assert {x.id for x in staff.bookings()} == {a.id, b.id}
    for call in [lambda: ann.get_booking(b.id), lambda: ann.cancel(b.id),
                 lambda: ann.reschedule(b.id, utc("2026-06-01T09:00"))]:
        with pytest.raises(slotwise.NotFound):
            call()
    assert ann.cancel(a.id).status == "cancelled"
    # A scope rebuilt with the same subject (the same signed-in user) sees the same bookings.
    again = salon.customer(subject=ann.subject)
    assert [x.id for x in again.bookings()] == [a.id]
