"""Presets from Python: slotwise.PRESETS and TenantScope.apply_preset."""

import datetime as dt

import pytest

import slotwise
from conftest import ADA, open_engine


@pytest.fixture
def engine(db_path, clock):
    return open_engine(str(db_path), clock=clock)


@pytest.fixture
def tenant(engine):
    return engine.create_tenant("Preset")


@pytest.fixture
def admin(engine, tenant):
    return engine.scope(tenant, role="admin", subject="owner")


def test_presets_are_listed_in_display_order():
    assert slotwise.PRESETS == ("salon", "clinic", "fitness", "professional", "restaurant")
    assert all(isinstance(name, str) for name in slotwise.PRESETS)


def test_a_clinic_preset_books_a_doctor_and_a_room_at_once(admin):
    p = admin.apply_preset("clinic", timezone="Europe/Rome", locale="it")
    assert isinstance(p, slotwise.Preset) and p.name == "clinic"
    assert sorted(r.name for r in p.resources) == ["Ambulatorio 1", "Ambulatorio 2", "Dott. Rossi", "Dott.ssa Bianchi"]
    visit = next(s for s in p.services if s.name == "Visita di controllo")
    assert len(visit.resource_groups) == 2 and visit.min_notice == 120
    # Monday 8 June, 08:30-12:30 and 14:00-18:00: 16 half-hour starts per doctor.
    slots = admin.availability(visit.id, dt.date(2026, 6, 8), dt.date(2026, 6, 8))
    assert len(slots) == 32
    b = admin.book(visit.id, start=slots[0].start, resource_ids=slots[0].resource_ids, customer=ADA)
    assert len(b.resource_ids) == 2
    assert admin.resources() == sorted(p.resources, key=lambda r: r.id)


def test_a_preset_refuses_bad_options_and_writes_nothing(admin):
    with pytest.raises(slotwise.ValidationError) as e:
        admin.apply_preset("salon", timezone="Europe/Atlantis")
    assert e.value.field == "timezone"
    with pytest.raises(slotwise.ValidationError) as e:
        admin.apply_preset("bakery", timezone="Europe/Rome")
    assert e.value.field == "name"
    with pytest.raises(slotwise.ValidationError) as e:
        admin.apply_preset("salon", timezone="Europe/Rome", locale="fr")
    assert e.value.field == "locale"
    assert admin.resources() == [] and admin.services() == []


def test_only_an_admin_applies_a_preset(engine, tenant, admin):
    for role, subject in (("customer", "mallory"), ("staff", "stella")):
        with pytest.raises(slotwise.PermissionDenied):
            engine.scope(tenant, role=role, subject=subject).apply_preset("fitness", timezone="Europe/Rome")
    assert admin.resources() == []
    p = admin.apply_preset("fitness", timezone="Europe/Rome")
    assert [s.name for s in p.services] == ["Yoga class", "Pilates class"]
