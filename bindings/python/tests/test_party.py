"""Party size (restaurants): tables with a size, party services, table combinations."""

import pytest

import slotwise
from conftest import ADA, utc

FRIDAY_NINE = utc("2026-06-05T19:00")  # Friday 21:00 in Rome
EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture
def trattoria(salon):
    """The salon's tenant as a trattoria: T1 seats 2, T2 6, T3 6, T4 4; dinner is 90 minutes."""
    admin = salon.admin
    admin.set_policy(max_seats_per_customer_booking=20)
    salon.tables = {}
    for name, size in (("T1", 2), ("T2", 6), ("T3", 6), ("T4", 4)):
        t = admin.create_resource(name=name, timezone="Europe/Rome", kind="table", size=size)
        admin.set_weekly_hours(t.id, {day: [("19:00", "23:30")] for day in EVERY_DAY})
        salon.tables[name] = t
    salon.dinner = admin.create_service(
        name="Dinner", duration=90, step=30, resources=[t.id for t in salon.tables.values()], party=True)
    return salon


def test_a_table_keeps_its_size_and_a_service_its_party_flag(trattoria):
    t1 = trattoria.tables["T1"]
    assert t1.size == 2 and trattoria.admin.get_resource(t1.id).size == 2
    assert trattoria.anna.size is None
    assert trattoria.admin.update_resource(t1.id, size=3).size == 3
    assert trattoria.dinner.party is True and trattoria.cut.party is False
    assert trattoria.admin.update_service(trattoria.cut.id, party=True).party is True
    with pytest.raises(slotwise.ValidationError) as e:
        trattoria.admin.create_resource(name="Bench", timezone="Europe/Rome", capacity=4, size=8)
    assert e.value.field == "size"
    with pytest.raises(slotwise.ValidationError) as e:
        trattoria.admin.update_service(trattoria.cut.id, party=1)
    assert e.value.field == "party"


def test_a_pair_gets_the_two_top_and_ten_get_the_declared_combination(trattoria):
    t = trattoria.tables
    pair = trattoria.customer().book(trattoria.dinner.id, start=FRIDAY_NINE, customer=ADA, seats=2)
    assert pair.resource_ids == [t["T1"].id]
    assert pair.party_size == 2 and pair.seats == 1
    combo = trattoria.admin.declare_table_combination(trattoria.dinner.id, tables=[t["T4"].id, t["T3"].id], size=10)
    assert isinstance(combo, slotwise.TableCombination)
    assert combo.tables == sorted([t["T3"].id, t["T4"].id]) and combo.size == 10 and combo.group == 0
    assert trattoria.admin.table_combinations(trattoria.dinner.id) == [combo]
    assert "TableCombination(" in repr(combo)
    slots = [s for s in trattoria.customer().availability(trattoria.dinner.id, "2026-06-05", "2026-06-05", seats=10)
             if s.start == FRIDAY_NINE]
    assert len(slots) == 1 and sorted(slots[0].resource_ids) == combo.tables
    ten = trattoria.customer().book(trattoria.dinner.id, start=FRIDAY_NINE, resource_ids=slots[0].resource_ids,
                                    customer=ADA, seats=10)
    assert sorted(ten.resource_ids) == combo.tables and ten.party_size == 10
    before = len(trattoria.admin.bookings())
    with pytest.raises(slotwise.SlotUnavailable):
        trattoria.customer("bob").book(trattoria.dinner.id, start=FRIDAY_NINE, customer=ADA, seats=10)
    assert len(trattoria.admin.bookings()) == before


def test_combinations_are_validated_by_field_and_removed_by_id(trattoria):
    t = trattoria.tables
    admin = trattoria.admin
    for kwargs, field in (
        (dict(tables=[t["T1"].id], size=4), "tables"),
        (dict(tables=[t["T1"].id, trattoria.anna.id], size=4), "tables[1]"),
        (dict(tables=[t["T1"].id, t["T2"].id], size=4, group=1), "group"),
    ):
        with pytest.raises(slotwise.ValidationError) as e:
            admin.declare_table_combination(trattoria.dinner.id, **kwargs)
        assert e.value.field == field
    with pytest.raises(slotwise.ValidationError) as e:
        admin.declare_table_combination(trattoria.cut.id, tables=[trattoria.anna.id, trattoria.bruno.id], size=4)
    assert e.value.field == "service"
    combo = admin.declare_table_combination(trattoria.dinner.id, tables=[t["T1"].id, t["T2"].id], size=8)
    with pytest.raises(slotwise.PermissionDenied):
        trattoria.customer().remove_table_combination(combo.id)
    admin.remove_table_combination(combo.id)
    assert admin.table_combinations(trattoria.dinner.id) == []
    with pytest.raises(slotwise.NotFound):
        admin.remove_table_combination(combo.id)
