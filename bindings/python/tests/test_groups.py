"""Several resources at once (resource_groups), segments and limits."""

import pickle

import pytest

import slotwise
from conftest import ADA, MONDAY, WEEKDAYS, utc


@pytest.fixture
def clinic(salon):
    """The salon's tenant as a clinic: two doctors, two rooms, a check-up needing one of each."""
    week = {day: [("09:00", "13:00")] for day in WEEKDAYS}
    admin = salon.admin
    salon.rossi = admin.create_resource(name="Dr Rossi", timezone="Europe/Rome")
    salon.bianchi = admin.create_resource(name="Dr Bianchi", timezone="Europe/Rome")
    salon.room1 = admin.create_resource(name="Room 1", timezone="Europe/Rome", kind="room")
    salon.room2 = admin.create_resource(name="Room 2", timezone="Europe/Rome", kind="room")
    for r in (salon.rossi, salon.bianchi, salon.room1, salon.room2):
        admin.set_weekly_hours(r.id, week)
    salon.checkup = admin.create_service(
        name="Check-up", duration=30,
        resource_groups=[[salon.rossi.id, salon.bianchi.id], [salon.room1.id, salon.room2.id]],
    )
    return salon


def test_a_service_keeps_its_groups_segments_and_limits(clinic):
    s = clinic.checkup
    assert s.resource_groups == [[clinic.rossi.id, clinic.bianchi.id], [clinic.room1.id, clinic.room2.id]]
    assert s.resources == [clinic.rossi.id, clinic.bianchi.id, clinic.room1.id, clinic.room2.id]
    assert s.segments == [] and s.limits == {}
    colour = clinic.admin.create_service(
        name="Colour", duration=95, resources=[clinic.anna.id],
        segments=[("busy", 30), ("free", 45), ("busy", 20)], limits={"day": 8, "week": 30},
    )
    assert colour.resource_groups == [[clinic.anna.id]]
    assert colour.segments == [("busy", 30), ("free", 45), ("busy", 20)]
    assert colour.limits == {"day": 8, "week": 30}
    assert clinic.admin.get_service(colour.id) == colour
    changed = clinic.admin.update_service(colour.id, limits={"month": 100}, segments=[("busy", 95)])
    assert changed.limits == {"month": 100} and changed.segments == [("busy", 95)]
    moved = clinic.admin.update_service(colour.id, resource_groups=[[clinic.anna.id], [clinic.room1.id]])
    assert moved.resource_groups == [[clinic.anna.id], [clinic.room1.id]]
    # resources=[a, b] means resource_groups=[[a, b]].
    assert clinic.admin.update_service(colour.id, resources=[clinic.bruno.id]).resource_groups == [[clinic.bruno.id]]


def test_a_slot_names_one_resource_per_group_and_book_holds_them_all(clinic):
    slots = clinic.admin.availability(clinic.checkup.id, MONDAY, MONDAY)
    assert len(slots) == 16  # 8 starts x 2 doctors, each with a free room
    slot = slots[0]
    assert len(slot.resource_ids) == 2 and slot.resource_ids[0] == slot.resource_id
    assert slot.resource_ids[1] == min(clinic.room1.id, clinic.room2.id)
    assert "other_resource_ids=" in repr(slot)
    assert pickle.loads(pickle.dumps(slot)) == slot
    b = clinic.customer().book(clinic.checkup.id, start=slot.start, resource_ids=slot.resource_ids, customer=ADA)
    assert b.resource_ids == slot.resource_ids and b.resource_id == slot.resource_id
    assert clinic.admin.get_booking(b.id).resource_ids == slot.resource_ids
    # The room is taken at that start for everybody: the other doctor is offered the other room.
    again = [s for s in clinic.admin.availability(clinic.checkup.id, MONDAY, MONDAY) if s.start == slot.start]
    assert len(again) == 1 and again[0].resource_ids[1] != slot.resource_ids[1]
    # A one-group slot names its one resource.
    cut = clinic.admin.availability(clinic.cut.id, MONDAY, MONDAY)[0]
    assert cut.resource_ids == [cut.resource_id]
    assert repr(cut).endswith("remaining=1)")


def test_the_together_double_booking_is_refused(clinic):
    """The issue's attack: a start offered with a doctor and a room, then each patient given one of them."""
    admin = clinic.admin
    admin.update_service(clinic.checkup.id, resource_groups=[[clinic.rossi.id, clinic.bianchi.id], [clinic.room1.id]])
    start = utc("2026-06-01T08:00")
    clinic.customer().book(clinic.checkup.id, start=start, customer=ADA)
    with pytest.raises(slotwise.SlotUnavailable):
        clinic.customer().book(clinic.checkup.id, start=start, customer=ADA)
    assert [b.resource_ids[1] for b in admin.bookings(MONDAY, MONDAY)] == [clinic.room1.id]
    # Listed under every resource it holds.
    assert len(admin.bookings(MONDAY, MONDAY, resource_id=clinic.room1.id)) == 1


def test_pinned_resource_ids_are_checked(clinic):
    start = utc("2026-06-01T08:00")
    with pytest.raises(slotwise.ValidationError) as e:
        clinic.customer().book(clinic.checkup.id, start=start, resource_ids=[clinic.rossi.id], customer=ADA)
    assert e.value.field == "resources"
    with pytest.raises(slotwise.NotFound):
        clinic.customer().book(
            clinic.checkup.id, start=start, resource_ids=[clinic.room1.id, clinic.rossi.id], customer=ADA
        )
    with pytest.raises(slotwise.ValidationError) as e:
        clinic.customer().book(clinic.checkup.id, start=start, resource_ids="res_x", customer=ADA)
    assert e.value.field == "resource_ids"


def test_segments_free_the_stylist_while_the_colour_processes(salon):
    colour = salon.admin.create_service(
        name="Colour 95", duration=95, step=15, resources=[salon.anna.id],
        segments=[("busy", 30), ("free", 45), ("busy", 20)],
    )
    cut = salon.admin.create_service(name="Quick cut", duration=30, step=15, resources=[salon.anna.id])
    nine = utc("2026-06-01T07:00")
    b = salon.customer().book(colour.id, start=nine, customer=ADA)
    assert b.segments == [("busy", 30), ("free", 45), ("busy", 20)]
    starts = {s.start for s in salon.admin.availability(cut.id, MONDAY, MONDAY)}
    assert utc("2026-06-01T07:30") in starts and utc("2026-06-01T07:45") in starts  # processing
    assert utc("2026-06-01T08:00") not in starts  # would meet the rinse
    salon.customer().book(cut.id, start=utc("2026-06-01T07:30"), customer=ADA)


def test_a_daily_limit_is_counted_in_the_resources_day(salon):
    one_a_day = salon.admin.create_service(
        name="Consult", duration=60, resources=[salon.anna.id], limits={"day": 1}
    )
    salon.customer().book(one_a_day.id, start=utc("2026-06-01T07:00"), customer=ADA)
    assert salon.admin.availability(one_a_day.id, MONDAY, MONDAY) == []
    with pytest.raises(slotwise.SlotUnavailable):
        salon.customer().book(one_a_day.id, start=utc("2026-06-01T09:00"), customer=ADA)
    assert salon.admin.availability(one_a_day.id, "2026-06-02", "2026-06-02") != []


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"segments": [("busy", 30), ("free", 45)]}, "segments[1]"),
        ({"segments": [("nap", 30)]}, "segments[0][0]"),
        ({"segments": "busy"}, "segments"),
        ({"limits": {"day": 0}}, "limits.day"),
        ({"limits": {"year": 3}}, "limits.year"),
        ({"limits": [1]}, "limits"),
        ({"resource_groups": [["x"], []], "resources": None}, "resource_groups[1]"),
    ],
)
def test_bad_groups_segments_and_limits_name_their_field(salon, fields, field):
    args = {"name": "X", "duration": 75, "resources": [salon.anna.id]}
    args.update(fields)
    if args.get("resources") is None:
        args.pop("resources")
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.create_service(**args)
    assert e.value.field == field
