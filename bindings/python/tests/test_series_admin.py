"""Series and administration from Python, each test written as the attack it stops."""

import datetime as dt
import pathlib

import pytest

import slotwise
from conftest import ADA, STORE, utc

ZONE_ROME = "Europe/Rome"


def open_all_week(salon, resource_id):
    salon.admin.set_weekly_hours(resource_id, {d: [("00:00", "24:00")] for d in
                                               ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})


def test_a_weekly_series_keeps_the_local_time_across_the_autumn_change(salon):
    open_all_week(salon, salon.anna.id)
    salon.clock.now = utc("2026-10-01T00:00")
    # Monday 10:00 in Rome: 08:00Z in summer time, 09:00Z after 25 October.
    series = salon.customer("ada").book_series(salon.cut.id, start="2026-10-19T08:00:00Z", every_weeks=1, count=3,
                                               resource_id=salon.anna.id, customer=ADA)
    assert isinstance(series, slotwise.Series)
    assert [b.start for b in series.bookings] == [utc("2026-10-19T08:00"), utc("2026-10-26T09:00"),
                                                  utc("2026-11-02T09:00")]
    assert series.skipped == []
    assert all(b.series_id == series.id for b in series.bookings)
    assert "Series(" in repr(series)


def test_all_or_nothing_writes_nothing_and_partial_lists_exactly_the_taken_start(salon):
    taken = utc("2026-06-15T07:00")
    salon.customer("grace").book(salon.cut.id, start=taken, resource_id=salon.anna.id, customer=ADA)
    ada = salon.customer("ada")
    with pytest.raises(slotwise.SlotUnavailable) as e:
        ada.book_series(salon.cut.id, start="2026-06-01T07:00:00Z", count=4, resource_id=salon.anna.id,
                        customer=ADA)
    assert e.value.field == "start" and "2026-06-15T07:00:00Z" in str(e.value)
    assert ada.bookings() == []
    made = ada.book_series(salon.cut.id, start="2026-06-01T07:00:00Z", count=4, resource_id=salon.anna.id,
                           customer=ADA, partial=True, idempotency_key="weekly")
    assert made.skipped == [taken]
    assert len(made.bookings) == 3
    again = ada.book_series(salon.cut.id, start="2026-06-01T07:00:00Z", count=4, resource_id=salon.anna.id,
                            customer=ADA, partial=True, idempotency_key="weekly")
    assert again.id == made.id and again.skipped == [taken]
    assert [b.id for b in salon.admin.bookings(series_id=made.id)] == [b.id for b in made.bookings]


def test_bad_series_arguments_are_refused_by_field(salon):
    ada = salon.customer("ada")
    for kwargs, field in (({"count": 53}, "count"), ({"count": 0}, "count"), ({"every_weeks": 0}, "every_weeks"),
                          ({"partial": "yes"}, "partial")):
        with pytest.raises(slotwise.ValidationError) as e:
            ada.book_series(salon.cut.id, start="2026-06-01T07:00:00Z", customer=ADA, **kwargs)
        assert e.value.field == field


def test_cancel_rest_and_cancel_series(salon):
    ada = salon.customer("ada")
    made = ada.book_series(salon.cut.id, start="2026-06-01T07:00:00Z", count=4, customer=ADA)
    rest = ada.cancel_rest(made.bookings[1].id)
    assert [b.id for b in rest] == [b.id for b in made.bookings[1:]]
    assert all(b.status == "cancelled" for b in rest)
    assert ada.get_booking(made.bookings[0].id).status == "confirmed"
    assert [b.id for b in salon.admin.cancel_series(made.id)] == [made.bookings[0].id]
    single = ada.book(salon.cut.id, start="2026-06-02T07:00:00Z", customer=ADA)
    with pytest.raises(slotwise.ValidationError):
        ada.cancel_rest(single.id)
    with pytest.raises(slotwise.NotFound):
        salon.customer("mallory").cancel_series(made.id)


def test_bookings_by_payment_status_and_subject(salon):
    salon.admin.configure_stripe(secret_key="sk_test_salon", webhook_secret="whsec_salon")
    paid = salon.customer("ada").book(salon.colour.id, start="2026-06-01T07:00:00Z", customer=ADA)
    free = salon.customer("ada").book(salon.cut.id, start="2026-06-01T09:00:00Z", customer=ADA)
    hers = salon.customer("grace").book(salon.cut.id, start="2026-06-01T10:00:00Z", customer=ADA)
    assert [b.id for b in salon.admin.bookings(payment_status="pending")] == [paid.id]
    assert [b.id for b in salon.admin.bookings(subject="ada")] == [paid.id, free.id]
    assert [b.id for b in salon.admin.bookings(payment_status="none", subject="grace")] == [hers.id]
    assert salon.customer("ada").bookings(subject="grace") == []
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.bookings(payment_status="lost")
    assert e.value.field == "payment_status"


def test_deactivated_resource_and_service_take_no_bookings_and_keep_history(salon):
    ada = salon.customer("ada")
    kept = ada.book(salon.cut.id, start="2026-06-01T07:00:00Z", resource_id=salon.anna.id, customer=ADA)
    with pytest.raises(slotwise.PermissionDenied):
        ada.deactivate_resource(salon.anna.id)
    r = salon.admin.deactivate_resource(salon.anna.id)
    assert r.active is False and salon.admin.get_resource(salon.anna.id).active is False
    slots = ada.availability(salon.cut.id, "2026-06-02", "2026-06-02")
    assert slots and {s.resource_id for s in slots} == {salon.bruno.id}
    with pytest.raises(slotwise.SlotUnavailable) as e:
        ada.book(salon.cut.id, start="2026-06-02T07:00:00Z", resource_id=salon.anna.id, customer=ADA)
    assert e.value.field == "resource"
    with pytest.raises(slotwise.SlotUnavailable):
        ada.book_series(salon.cut.id, start="2026-06-02T07:00:00Z", count=2, resource_id=salon.anna.id,
                        customer=ADA, partial=True)
    with pytest.raises(slotwise.SlotUnavailable):
        ada.reschedule(kept.id, "2026-06-02T07:00:00Z")
    assert [b.id for b in salon.admin.bookings(resource_id=salon.anna.id)] == [kept.id]
    assert salon.admin.reactivate_resource(salon.anna.id).active is True

    s = salon.admin.deactivate_service(salon.cut.id)
    assert s.active is False
    assert ada.availability(salon.cut.id, "2026-06-02", "2026-06-02") == []
    with pytest.raises(slotwise.SlotUnavailable) as e:
        ada.book(salon.cut.id, start="2026-06-02T07:00:00Z", customer=ADA)
    assert e.value.field == "service"
    assert ada.cancel(kept.id).status == "cancelled"
    assert salon.admin.reactivate_service(salon.cut.id).active is True
    assert ada.availability(salon.cut.id, "2026-06-02", "2026-06-02")


def test_erase_customer_forgets_the_person_and_keeps_the_times(salon):
    person = {"name": "Philomena Xylograph", "email": "philomena.x@example.org", "phone": "+39 333 000 9999",
              "locale": "it"}
    ada = salon.customer("ada")
    booked = ada.book(salon.cut.id, start="2026-06-01T07:00:00Z", customer=person, idempotency_key="k1")
    ada.book_series(salon.cut.id, start="2026-06-02T07:00:00Z", count=2, customer=person)
    with pytest.raises(slotwise.PermissionDenied):
        ada.erase_customer("ada")
    with pytest.raises(slotwise.PermissionDenied):
        salon.staff().erase_customer("ada")
    assert salon.admin.erase_customer("ada") == 3
    for b in salon.admin.bookings(subject="ada"):
        assert (b.customer.name, b.customer.email, b.customer.phone) == ("", None, None)
    assert salon.admin.get_booking(booked.id).start == booked.start
    for n in salon.engine.take_notifications():
        assert n.to != person["email"]
    assert salon.admin.erase_customer("ada") == 3
    if STORE == "sqlite":
        data = pathlib.Path(salon.path).read_bytes()
        wal = pathlib.Path(salon.path + "-wal")
        if wal.exists():
            data += wal.read_bytes()
        for text in person["name"], person["email"], person["phone"]:
            assert text.encode() not in data
