"""Availability, book, get, list, cancel, reschedule, idempotency and holds."""

import datetime as dt

import pytest

import slotwise
from conftest import ADA, MONDAY, UTC, utc


def test_availability_is_sorted_and_typed(salon):
    slots = salon.admin.availability(salon.cut.id, "2026-06-01", "2026-06-07", resources=None, seats=1)
    # 5 days x 8 half hours x 2 people.
    assert len(slots) == 80
    assert [(s.start, s.resource_id) for s in slots] == sorted((s.start, s.resource_id) for s in slots)
    first = slots[0]
    assert first.start == utc("2026-06-01T07:00") and first.start.tzinfo is not None
    assert first.end - first.start == dt.timedelta(minutes=30)
    assert first.remaining == 1
    assert first.resource_id in (salon.anna.id, salon.bruno.id)
    assert repr(first).startswith("Slot(start=2026-06-01T07:00:00Z")
    only_anna = salon.admin.availability(salon.cut.id, MONDAY, MONDAY, resources=[salon.anna.id])
    assert {s.resource_id for s in only_anna} == {salon.anna.id} and len(only_anna) == 8
    # Keyword names as in the contract.
    assert salon.admin.availability(service_id=salon.cut.id, date_from=MONDAY, date_to=MONDAY) == [
        s for s in slots if s.start.date() == MONDAY
    ]


def test_a_customer_can_read_availability(salon):
    assert len(salon.customer().availability(salon.cut.id, MONDAY, MONDAY)) == 16


def test_seats_and_capacity(salon):
    t = salon.admin
    room = t.create_resource(name="Studio", timezone="Europe/Rome", capacity=3, kind="room")
    t.set_weekly_hours(room.id, {"mon": [("18:00", "19:00")]})
    yoga = t.create_service(name="Yoga", duration=60, resources=[room.id])
    [slot] = t.availability(yoga.id, MONDAY, MONDAY)
    assert slot.remaining == 3
    t.book(yoga.id, start=slot.start, customer=ADA, seats=2)
    [slot] = t.availability(yoga.id, MONDAY, MONDAY)
    assert slot.remaining == 1
    assert t.availability(yoga.id, MONDAY, MONDAY, seats=2) == []
    with pytest.raises(slotwise.SlotUnavailable):
        t.book(yoga.id, start=slot.start, customer=ADA, seats=2)
    b = t.book(yoga.id, start=slot.start, customer=ADA, seats=1)
    assert b.seats == 1


def test_a_free_booking_is_confirmed(salon):
    t = salon.customer()
    slots = t.availability(salon.cut.id, "2026-06-01", "2026-06-07")
    b = t.book(
        salon.cut.id, start=slots[0].start, resource_id=slots[0].resource_id,
        customer={"name": "Ada", "email": "ada@example.com", "phone": None, "locale": "en"},
        seats=1, idempotency_key="req-123",
    )
    assert b.id.startswith("bkg_")
    assert (b.status, b.payment_status, b.hold_expires_at) == ("confirmed", "none", None)
    assert (b.service_id, b.resource_id, b.start, b.seats) == (
        salon.cut.id, slots[0].resource_id, slots[0].start, 1,
    )
    assert b.end == b.start + dt.timedelta(minutes=30)
    assert (b.customer.name, b.customer.email, b.customer.phone, b.customer.locale) == (
        "Ada", "ada@example.com", None, "en",
    )
    assert b.customer.to_dict() == {"name": "Ada", "email": "ada@example.com", "phone": None, "locale": "en"}
    assert b.idempotency_key == "req-123" and b.created_by == t.subject
    assert b.created_at == salon.clock.now
    assert "status='confirmed'" in repr(b) and "Ada" in repr(b)
    assert t.get_booking(b.id) == b
    # The slot is gone for that resource.
    again = t.availability(salon.cut.id, MONDAY, MONDAY)
    assert (slots[0].start, slots[0].resource_id) not in {(s.start, s.resource_id) for s in again}


def test_start_may_be_an_rfc3339_string_or_any_aware_datetime(salon):
    t = salon.admin
    b1 = t.book(salon.cut.id, start="2026-06-01T09:00:00+02:00", resource_id=salon.anna.id, customer=ADA)
    assert b1.start == utc("2026-06-01T07:00")
    rome = dt.timezone(dt.timedelta(hours=2))
    b2 = t.book(salon.cut.id, start=dt.datetime(2026, 6, 1, 9, 30, tzinfo=rome), resource_id=salon.anna.id,
                customer=slotwise.Customer("Bob", locale="it"))
    assert b2.start == utc("2026-06-01T07:30") and b2.customer.locale == "it"
    try:
        import zoneinfo

        b3 = t.book(salon.cut.id, start=dt.datetime(2026, 6, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Rome")),
                    resource_id=salon.anna.id, customer={"name": "Cy"})
        assert b3.start == utc("2026-06-01T08:00")
    except zoneinfo.ZoneInfoNotFoundError:  # pragma: no cover - no tzdata
        pass


def test_resource_none_lets_the_engine_pick_a_free_resource(salon):
    t = salon.admin
    start = utc("2026-06-01T07:00")
    first = t.book(salon.cut.id, start=start, customer=ADA)
    second = t.book(salon.cut.id, start=start, customer=ADA)
    assert {first.resource_id, second.resource_id} == {salon.anna.id, salon.bruno.id}
    with pytest.raises(slotwise.SlotUnavailable) as e:
        t.book(salon.cut.id, start=start, customer=ADA)
    assert e.value.code == "slot_unavailable"


def test_book_accepts_exactly_the_offered_starts(salon):
    t = salon.admin
    for start in ["2026-06-01T07:10:00Z",  # off the grid
                  "2026-06-01T06:30:00Z",  # before opening
                  "2026-06-01T10:45:00Z",  # would end after closing
                  "2026-06-06T08:00:00Z",  # Saturday
                  "2026-05-29T08:00:00Z"]:  # in the past
        with pytest.raises(slotwise.SlotUnavailable):
            t.book(salon.cut.id, start=start, resource_id=salon.anna.id, customer=ADA)


def test_bookings_lists_by_inclusive_utc_dates(salon):
    t = salon.admin
    a = t.book(salon.cut.id, start=utc("2026-06-01T10:30"), resource_id=salon.anna.id, customer=ADA)
    b = t.book(salon.cut.id, start=utc("2026-06-02T07:00"), resource_id=salon.bruno.id, customer=ADA)
    c = t.book(salon.cut.id, start=utc("2026-06-03T07:00"), resource_id=salon.anna.id, customer=ADA)
    ids = lambda xs: [x.id for x in xs]
    assert ids(t.bookings("2026-06-01", "2026-06-03")) == [a.id, b.id, c.id]
    assert ids(t.bookings("2026-06-01", "2026-06-01")) == [a.id]  # one day, inclusive
    assert ids(t.bookings(dt.date(2026, 6, 2), dt.date(2026, 6, 3))) == [b.id, c.id]
    assert ids(t.bookings("2026-06-01", "2026-06-30", resource_id=salon.anna.id)) == [a.id, c.id]
    assert ids(t.bookings()) == [a.id, b.id, c.id]  # both sides open
    t.cancel(b.id)
    assert ids(t.bookings("2026-06-01", "2026-06-30", status="cancelled")) == [b.id]
    assert ids(t.bookings("2026-06-01", "2026-06-30", status="confirmed")) == [a.id, c.id]
    assert t.bookings("2026-06-04", "2026-06-30") == []


def test_bookings_takes_instants_as_exact_bounds_and_dates_as_whole_utc_days(salon):
    t = salon.admin
    rome = dt.timezone(dt.timedelta(hours=2))
    # Monday 09:00 and 12:30 in Rome, Tuesday 09:00 in Rome.
    a = t.book(salon.cut.id, start=utc("2026-06-01T07:00"), resource_id=salon.anna.id, customer=ADA)
    b = t.book(salon.cut.id, start=utc("2026-06-01T10:30"), resource_id=salon.anna.id, customer=ADA)
    c = t.book(salon.cut.id, start=utc("2026-06-02T07:00"), resource_id=salon.anna.id, customer=ADA)
    ids = lambda xs: [x.id for x in xs]
    # Instants: date_from <= start < date_to, exactly.
    assert ids(t.bookings("2026-06-01T07:00:00Z", "2026-06-01T10:30:00Z")) == [a.id]
    assert ids(t.bookings(utc("2026-06-01T07:00"), utc("2026-06-01T10:30:01"))) == [a.id, b.id]
    assert ids(t.bookings("2026-06-01T07:00:01Z", None)) == [b.id, c.id]
    assert ids(t.bookings(None, "2026-06-02T07:00:00Z")) == [a.id, b.id]
    # Any aware datetime: local midnight to local midnight is a day in Rome.
    rome_monday = (dt.datetime(2026, 6, 1, tzinfo=rome), dt.datetime(2026, 6, 2, tzinfo=rome))
    assert ids(t.bookings(*rome_monday)) == [a.id, b.id]
    assert ids(t.bookings("2026-06-01T09:00:00+02:00", "2026-06-01T12:30:00+02:00")) == [a.id]
    # Dates: whole UTC days, both included: [date_from 00:00Z, date_to + 1 day 00:00Z).
    assert ids(t.bookings("2026-06-01", "2026-06-01")) == [a.id, b.id]
    assert ids(t.bookings(dt.date(2026, 6, 2), dt.date(2026, 6, 2))) == [c.id]
    assert ids(t.bookings("2026-06-01", utc("2026-06-01T10:00"))) == [a.id]  # mixed: a date and an instant
    # A booking just before midnight UTC belongs to that UTC day, not the local one.
    late = t.create_resource(name="Night", timezone="UTC")
    t.set_weekly_hours(late.id, {"mon": [("23:00", "24:00")]})
    night = t.create_service(name="Night cut", duration=30, resources=[late.id])
    d = t.book(night.id, start=utc("2026-06-01T23:30"), customer=ADA)  # Tuesday 01:30 in Rome
    assert d.id in ids(t.bookings("2026-06-01", "2026-06-01"))
    assert d.id not in ids(t.bookings("2026-06-02", "2026-06-02"))
    assert d.id not in ids(t.bookings(*rome_monday))
    # Naive datetimes are refused on both sides.
    with pytest.raises(slotwise.ValidationError) as e:
        t.bookings(None, dt.datetime(2026, 6, 2))
    assert e.value.field == "date_to"


def test_bookings_pages_with_after_and_limit(salon):
    t = salon.admin
    made = [t.book(salon.cut.id, start=s.start, resource_id=s.resource_id, customer=ADA).id
            for s in t.availability(salon.cut.id, MONDAY, MONDAY)[:7]]
    everything = [b.id for b in t.bookings("2026-06-01", "2026-06-01")]
    assert sorted(everything) == sorted(made) and len(everything) == 7
    pages, after = [], None
    while True:
        page = t.bookings("2026-06-01", "2026-06-01", after=after, limit=3)
        assert len(page) <= 3
        pages.append([b.id for b in page])
        if len(page) < 3:
            break
        after = page[-1].id
    assert [len(p) for p in pages] == [3, 3, 1]
    assert [i for p in pages for i in p] == everything  # same order, nothing twice, nothing missed
    # limit=None reads every match from `after` on.
    assert [b.id for b in t.bookings("2026-06-01", "2026-06-01", after=everything[1])] == everything[2:]
    assert t.bookings(after=everything[-1], limit=5) == []
    # Keyword-only, so that positional calls of the old signature keep their meaning.
    with pytest.raises(TypeError):
        t.bookings("2026-06-01", "2026-06-01", None, None, None, 3)


def test_bookings_returns_more_than_one_page(tmp_path, clock):
    eng = slotwise.Engine.open_sqlite(tmp_path / "many.db", clock=clock)
    t = eng.scope(eng.create_tenant("Gym"), role="admin")
    hall = t.create_resource(name="Hall", timezone="UTC", capacity=2000)
    t.set_weekly_hours(hall.id, {"mon": [("09:00", "10:00")]})
    s = t.create_service(name="Class", duration=60, resources=[hall.id])
    for _ in range(1005):
        t.book(s.id, start=utc("2026-06-01T09:00"), customer=ADA)
    assert len(t.bookings("2026-06-01", "2026-06-01")) == 1005


def test_cancel_frees_the_slot_and_cannot_repeat(salon):
    t = salon.admin
    start = utc("2026-06-01T07:00")
    b = t.book(salon.cut.id, start=start, resource_id=salon.anna.id, customer=ADA)
    cancelled = t.cancel(b.id)
    assert cancelled.status == "cancelled" and t.get_booking(b.id).status == "cancelled"
    assert start in [s.start for s in t.availability(salon.cut.id, MONDAY, MONDAY, resources=[salon.anna.id])]
    with pytest.raises(slotwise.InvalidTransition) as e:
        t.cancel(b.id)
    assert e.value.code == "invalid_transition"
    with pytest.raises(slotwise.InvalidTransition):
        t.reschedule(b.id, utc("2026-06-01T08:00"))


def test_reschedule_moves_atomically(salon):
    t = salon.admin
    a = t.book(salon.cut.id, start=utc("2026-06-01T07:00"), resource_id=salon.anna.id, customer=ADA)
    b = t.book(salon.cut.id, start=utc("2026-06-01T07:30"), resource_id=salon.anna.id, customer=ADA)
    # Onto a taken slot: refused, and nothing changes.
    with pytest.raises(slotwise.SlotUnavailable):
        t.reschedule(a.id, utc("2026-06-01T07:30"))
    assert t.get_booking(a.id) == a
    free = {s.start for s in t.availability(salon.cut.id, MONDAY, MONDAY, resources=[salon.anna.id])}
    assert utc("2026-06-01T07:00") not in free and utc("2026-06-01T07:30") not in free
    # Onto a free slot: moved, and the old slot is free again.
    moved = t.reschedule(a.id, new_start=utc("2026-06-01T09:00"))
    assert (moved.id, moved.start, moved.resource_id, moved.status) == (
        a.id, utc("2026-06-01T09:00"), salon.anna.id, "confirmed",
    )
    free = {s.start for s in t.availability(salon.cut.id, MONDAY, MONDAY, resources=[salon.anna.id])}
    assert utc("2026-06-01T07:00") in free and utc("2026-06-01T09:00") not in free
    # To another resource at the same time.
    other = t.reschedule(b.id, "2026-06-01T07:30:00Z", resource_id=salon.bruno.id)
    assert other.resource_id == salon.bruno.id and other.start == utc("2026-06-01T07:30")
    # Overlapping its own old time is fine: the booking does not block itself.
    t.reschedule(other.id, utc("2026-06-01T07:30"), resource_id=salon.bruno.id)


def test_idempotency(salon):
    t = salon.customer()
    start = utc("2026-06-01T07:00")
    first = t.book(salon.cut.id, start=start, resource_id=salon.anna.id, customer=ADA, idempotency_key="k1")
    again = t.book(salon.cut.id, start=start, resource_id=salon.anna.id, customer=ADA, idempotency_key="k1")
    assert again.id == first.id
    assert len(salon.admin.bookings("2026-06-01", "2026-06-01")) == 1
    with pytest.raises(slotwise.IdempotencyMismatch) as e:
        t.book(salon.cut.id, start=utc("2026-06-01T08:00"), resource_id=salon.anna.id, customer=ADA,
               idempotency_key="k1")
    assert e.value.code == "idempotency_mismatch"
    # Keys are per subject: another customer's "k1" is its own booking, never
    # a peek at this one, and cannot squat this customer's key.
    theirs = salon.customer().book(salon.cut.id, start=start, resource_id=salon.bruno.id, customer=ADA,
                                   idempotency_key="k1")
    assert theirs.id != first.id
    assert t.book(salon.cut.id, start=start, resource_id=salon.anna.id, customer=ADA,
                  idempotency_key="k1").id == first.id


def test_a_paid_service_needs_a_payment_provider(salon):
    with pytest.raises(slotwise.NotConfigured) as e:
        salon.customer().book(salon.colour.id, start=utc("2026-06-01T08:00"), customer=ADA)
    assert e.value.code == "not_configured"
    assert salon.admin.bookings() == []


def test_a_paid_booking_holds_its_slot_until_the_hold_expires(salon):
    salon.admin.configure_stripe(secret_key="sk_test_salon4242", webhook_secret="whsec_salon")
    t = salon.customer()
    clock = salon.clock
    start = utc("2026-06-01T08:00")
    b = t.book(salon.colour.id, start=start, customer=ADA)
    assert (b.status, b.payment_status) == ("pending", "pending")
    assert b.hold_expires_at == clock.now + dt.timedelta(minutes=15)
    offered = lambda: start in {s.start for s in t.availability(salon.colour.id, MONDAY, MONDAY)}
    assert not offered()
    with pytest.raises(slotwise.SlotUnavailable):
        salon.customer().book(salon.colour.id, start=start, customer=ADA)
    # One second before expiry it still holds.
    clock.advance(minutes=14, seconds=59)
    assert t.get_booking(b.id).status == "pending" and not offered()
    clock.advance(seconds=1)
    assert t.get_booking(b.id).status == "expired"
    assert [x.id for x in salon.admin.bookings(MONDAY, MONDAY, status="expired")] == [b.id]
    assert salon.admin.bookings(MONDAY, MONDAY, status="pending") == []
    assert offered()
    other = salon.customer().book(salon.colour.id, start=start, customer={"name": "Bea"})
    assert other.status == "pending"
    with pytest.raises(slotwise.InvalidTransition):
        t.cancel(b.id)


def test_slots_compare_hash_and_pickle_by_value(salon):
    import pickle

    a = salon.admin.availability(salon.cut.id, MONDAY, MONDAY)
    b = salon.admin.availability(salon.cut.id, MONDAY, MONDAY)
    assert a == b and a[0] is not b[0]
    assert a[0] != a[1] and len(set(a + b)) == len(a)
    assert isinstance(a[0], slotwise.Slot) and type(a[0]).__module__ == "slotwise"
    copy = pickle.loads(pickle.dumps(a[0]))
    assert copy == a[0] and copy.start == a[0].start and copy.resource_id == a[0].resource_id
    with pytest.raises(TypeError):
        slotwise.Slot()  # slots come from availability()
