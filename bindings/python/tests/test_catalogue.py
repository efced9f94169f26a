"""Engine, tenants, scopes, resources, hours, overrides, blocks and services."""

import datetime as dt
import os
import inspect
import re
import threading

import pytest

import slotwise
from conftest import MONDAY, UTC, utc


def test_the_package_re_exports_the_compiled_core():
    import slotwise._core as core
    import slotwise._transport as transport

    for name in slotwise.__all__:
        # The default HTTP transport is the one pure-Python name.
        home = transport if name in transport.__all__ else core
        assert getattr(slotwise, name) is getattr(home, name)
    assert isinstance(slotwise.__version__, str)


def test_open_sqlite_in_memory_and_on_a_path(tmp_path):
    assert slotwise.Engine.open_sqlite(":memory:").create_tenant("A").startswith("ten_")
    eng = slotwise.Engine.open_sqlite(tmp_path / "p.db")  # os.PathLike works too
    tid = eng.create_tenant("B")
    again = slotwise.Engine.open_sqlite(str(tmp_path / "p.db"))
    assert again.scope(tid, role="admin").tenant_id == tid


def test_engine_now_is_the_clock_or_the_system_clock(clock):
    eng = slotwise.Engine.open_sqlite(":memory:", clock=clock)
    assert eng.now() == clock.now
    clock.advance(minutes=5)
    assert eng.now() == clock.now
    real = slotwise.Engine.open_sqlite(":memory:").now()
    assert real.tzinfo is not None
    assert abs(real - dt.datetime.now(UTC)) < dt.timedelta(seconds=5)


def test_scope_properties_and_generated_admin_subjects():
    eng = slotwise.Engine.open_sqlite(":memory:")
    tid = eng.create_tenant("Salon")
    admin = eng.scope(tid, role="admin", subject="owner")
    assert (admin.tenant_id, admin.role, admin.subject) == (tid, "admin", "owner")
    assert eng.scope(tid, role="staff", subject="desk").role == "staff"
    named = eng.scope(tid, role="customer", subject="user-42")
    assert named.subject == "user-42"
    assert "customer" in repr(named) and tid in repr(named)
    # An admin scope may leave the subject out: each gets a new unique one.
    a, b = eng.scope(tid, role="admin"), eng.scope(tid, role="admin")
    assert a.subject and b.subject and a.subject != b.subject


def test_a_forgotten_role_never_grants_admin():
    eng = slotwise.Engine.open_sqlite(":memory:")
    tid = eng.create_tenant("Salon")
    # Every way of leaving the role out is refused, naming the field: no
    # scope comes back, so nothing can be done with admin rights by accident.
    for call in (lambda: eng.scope(tid), lambda: eng.scope(tid, None), lambda: eng.scope(tid, subject="mallory"),
                 lambda: eng.scope(tid, role=None, subject="mallory"), lambda: eng.scope(tenant_id=tid),
                 lambda: eng.scope(tid, role=""), lambda: eng.scope(tid, role="Admin"),
                 lambda: eng.scope(tid, role=" admin")):
        with pytest.raises(slotwise.ValidationError) as e:
            call()
        assert e.value.field == "role" and e.value.code == "invalid_argument"
    assert eng.scope(tid, role="admin", subject="owner").resources() == []
    assert inspect.signature(slotwise.Engine.scope).parameters["role"].default is inspect.Parameter.empty


def test_staff_and_customer_scopes_need_a_subject():
    eng = slotwise.Engine.open_sqlite(":memory:")
    tid = eng.create_tenant("Salon")
    for role in ("staff", "customer"):
        for subject in (None, ""):
            with pytest.raises(slotwise.ValidationError) as e:
                eng.scope(tid, role=role, subject=subject)
            assert e.value.field == "subject", (role, subject)
    # A customer cannot end up seeing an anonymous shared subject's bookings.
    assert eng.scope(tid, role="customer", subject="ada").bookings() == []


def test_resources(salon):
    t = salon.admin
    r = t.create_resource(name="Room 1", timezone="Europe/London", capacity=12, kind="room")
    assert (r.name, r.timezone, r.capacity, r.kind) == ("Room 1", "Europe/London", 12, "room")
    assert r.id.startswith("res_")
    assert t.get_resource(r.id) == r
    assert [x.id for x in t.resources()] == sorted([salon.anna.id, salon.bruno.id, r.id])
    assert repr(r).startswith("Resource(id='res_") and "capacity=12" in repr(r)
    updated = t.update_resource(r.id, name="Big room", capacity=20)
    assert (updated.name, updated.capacity, updated.timezone) == ("Big room", 20, "Europe/London")
    assert t.get_resource(r.id) == updated
    # Defaults: capacity 1, kind "staff".
    d = t.create_resource(name="Dana", timezone="UTC")
    assert (d.capacity, d.kind) == (1, "staff")


def test_weekly_hours_round_trip(salon):
    t = salon.admin
    t.set_weekly_hours(
        salon.anna.id,
        {"mon": [("14:00", "18:00"), ("09:00", "13:00")], "sat": [["09:00", "13:00"]], "sun": None},
    )
    hours = t.weekly_hours(salon.anna.id)
    assert hours["mon"] == [("09:00", "13:00"), ("14:00", "18:00")]  # sorted for you
    assert hours["sat"] == [("09:00", "13:00")]
    assert hours["tue"] == [] and hours["sun"] == []
    assert set(hours) == {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
    t.set_weekly_hours(salon.anna.id, {"mon": [("22:00", "24:00")]})
    assert t.weekly_hours(salon.anna.id)["mon"] == [("22:00", "24:00")]


def test_date_overrides(salon):
    t = salon.admin
    t.set_date_override(salon.anna.id, "2026-06-02", [("10:00", "11:00")])
    t.set_date_override(salon.anna.id, dt.date(2026, 6, 3), [])  # closed
    assert t.date_overrides(salon.anna.id, "2026-06-01", "2026-06-07") == {
        dt.date(2026, 6, 2): [("10:00", "11:00")],
        dt.date(2026, 6, 3): [],
    }
    anna_days = {
        s.start.date()
        for s in t.availability(salon.cut.id, "2026-06-01", "2026-06-05", resources=[salon.anna.id])
    }
    assert dt.date(2026, 6, 3) not in anna_days
    june2 = [s for s in t.availability(salon.cut.id, "2026-06-02", "2026-06-02", resources=[salon.anna.id])]
    assert [s.start for s in june2] == [utc("2026-06-02T08:00"), utc("2026-06-02T08:30")]
    t.clear_date_override(salon.anna.id, "2026-06-03")
    assert dt.date(2026, 6, 3) not in t.date_overrides(salon.anna.id, "2026-06-01", "2026-06-07")
    with pytest.raises(slotwise.NotFound):
        t.clear_date_override(salon.anna.id, "2026-06-03")


def test_blocks_take_time_off(salon):
    t = salon.admin
    before = t.availability(salon.cut.id, MONDAY, MONDAY, resources=[salon.anna.id])
    block = t.add_block(salon.anna.id, "2026-06-01T07:00:00Z", utc("2026-06-01T09:00"), reason="dentist")
    assert (block.resource_id, block.start, block.end, block.reason) == (
        salon.anna.id, utc("2026-06-01T07:00"), utc("2026-06-01T09:00"), "dentist",
    )
    assert block.id.startswith("blk_") and "dentist" in repr(block)
    after = t.availability(salon.cut.id, MONDAY, MONDAY, resources=[salon.anna.id])
    assert [s.start for s in after] == [s.start for s in before if s.start >= utc("2026-06-01T09:00")]
    assert t.blocks(salon.anna.id, "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z") == [block]
    # Staff may manage time off too.
    staff = salon.staff()
    staff.remove_block(block.id)
    assert t.blocks(salon.anna.id, "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z") == []
    with pytest.raises(slotwise.NotFound):
        t.remove_block(block.id)


def test_services_expose_every_rule(salon):
    t = salon.admin
    s = t.create_service(
        name="Haircut", duration=30, step=15, buffer_before=5, buffer_after=10, price=2500,
        currency="EUR", min_notice=60, horizon=60 * 24 * 60, hold_minutes=20,
        resources=[salon.anna.id],
    )
    assert s.id.startswith("svc_")
    assert (s.name, s.duration, s.step, s.buffer_before, s.buffer_after) == ("Haircut", 30, 15, 5, 10)
    assert (s.price, s.currency, s.min_notice, s.horizon, s.hold_minutes) == (2500, "EUR", 60, 86400, 20)
    assert s.cancel_notice == 0
    assert s.resources == [salon.anna.id]
    assert t.get_service(s.id) == s
    assert s in t.services() and len(t.services()) == 3
    assert "hold_minutes=20" in repr(s)
    # Defaults: step = duration, free, no currency, 15-minute hold.
    d = t.create_service(name="Wash", duration=20, resources=[salon.bruno.id])
    assert (d.step, d.price, d.currency, d.hold_minutes, d.horizon) == (20, 0, None, 15, 0)
    u = t.update_service(d.id, price=900, currency="EUR", resources=[salon.anna.id, salon.bruno.id])
    assert (u.price, u.currency, u.resources, u.name) == (900, "EUR", [salon.anna.id, salon.bruno.id], "Wash")
    assert t.get_service(d.id) == u


def test_every_public_call_is_documented_with_its_signature():
    classes = [slotwise.Engine, slotwise.TenantScope]
    for cls in classes:
        for name, member in vars(cls).items():
            if name.startswith("_"):
                continue
            doc = inspect.getdoc(getattr(cls, name)) or ""
            assert len(doc) > 20, f"{cls.__name__}.{name} has no docstring"
    sig = inspect.signature(slotwise.TenantScope.book)
    assert [p for p in sig.parameters if p != "self"] == [
        "service_id", "start", "resource_id", "customer", "seats", "idempotency_key", "resource_ids",
    ]
    assert sig.parameters["seats"].default == 1
    assert "open_sqlite" in (slotwise.Engine.__doc__ or "") + "".join(
        inspect.getdoc(getattr(slotwise.Engine, n)) or "" for n in dir(slotwise.Engine)
    )
    for cls in (slotwise.Resource, slotwise.Service, slotwise.Slot, slotwise.Booking, slotwise.Customer,
                slotwise.Block, slotwise.Error, slotwise.ValidationError):
        assert cls.__doc__ and len(cls.__doc__) > 20
    assert "Free slots" in inspect.getdoc(slotwise.TenantScope.availability)
    assert inspect.getdoc(slotwise.evaluate_scenario)


def test_cancel_notice_is_a_service_rule(salon):
    t = salon.admin
    s = t.create_service(name="Check-up", duration=30, cancel_notice=24 * 60, resources=[salon.anna.id])
    assert s.cancel_notice == 1440 and t.get_service(s.id).cancel_notice == 1440
    assert "cancel_notice=1440" in repr(s)
    assert t.update_service(s.id, cancel_notice=60).cancel_notice == 60
    assert t.update_service(s.id, name="Visit").cancel_notice == 60  # absent keeps it
    with pytest.raises(slotwise.ValidationError) as e:
        t.create_service(name="X", duration=30, cancel_notice="1 day", resources=[salon.anna.id])
    assert e.value.field == "cancel_notice"


def test_update_resource_changes_only_the_given_fields(salon):
    t = salon.admin
    r = t.create_resource(name="Room", timezone="Europe/London", capacity=4, kind="room")
    assert t.update_resource(r.id, kind="equipment").kind == "equipment"
    u = t.update_resource(r.id, timezone="Europe/Rome", capacity=None)
    assert (u.name, u.timezone, u.capacity, u.kind) == ("Room", "Europe/Rome", 4, "equipment")


def _race_updates(salon, update, fields, rounds=25):
    """Runs update(value) for each field from its own thread, all released at once."""
    errors = []
    for n in range(rounds):
        barrier = threading.Barrier(len(fields))

        def run(field):
            try:
                barrier.wait()
                update(field, n)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=run, args=(f,)) for f in fields]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        yield n
    assert errors == []


def test_concurrent_updates_of_different_fields_of_a_service_both_stick(salon):
    # Read-modify-write in the binding would let the later write put back the
    # field the earlier one changed; the engine reads and writes in one transaction.
    t = salon.admin
    s = t.create_service(name="Cut", duration=30, resources=[salon.anna.id])

    def update(field, n):
        if field == "price":
            t.update_service(s.id, price=1000 + n, currency="EUR")
        else:
            t.update_service(s.id, buffer_after=n + 1)

    for n in _race_updates(salon, update, ["price", "buffer_after"]):
        got = t.get_service(s.id)
        assert (got.price, got.buffer_after) == (1000 + n, n + 1), n


def test_concurrent_updates_of_different_fields_of_a_resource_both_stick(salon):
    t = salon.admin
    r = t.create_resource(name="Room", timezone="UTC", capacity=1, kind="room")

    def update(field, n):
        if field == "name":
            t.update_resource(r.id, name=f"Room {n}")
        else:
            t.update_resource(r.id, capacity=n + 2)

    for n in _race_updates(salon, update, ["name", "capacity"]):
        got = t.get_resource(r.id)
        assert (got.name, got.capacity) == (f"Room {n}", n + 2), n


def test_help_says_where_the_docs_are_and_cites_no_file_a_user_lacks():
    import pydoc

    assert "docs/python.md" in slotwise.__doc__
    text = pydoc.render_doc(slotwise) + "".join(
        pydoc.render_doc(getattr(slotwise, name)) for name in slotwise.__all__
    )
    # The design notes and the Python contract live beside the developers'
    # checkout, never in a user's clone.
    assert not re.search(r"PYTHON_API|DESIGN\.md|shared/", text)


def _open_descriptors_of(path):
    """How many of this process's file descriptors point at `path` or its WAL."""
    names = {str(path), str(path) + "-wal", str(path) + "-shm"}
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") in names:
                count += 1
        except OSError:
            pass
    return count


def test_close_releases_the_connections_and_leaves_the_engine_and_its_scopes_unusable(tmp_path):
    path = tmp_path / "closing.db"
    eng = slotwise.Engine.open_sqlite(str(path))
    tid = eng.create_tenant("Salon")
    admin = eng.scope(tid, role="admin", subject="owner")
    admin.create_resource("Anna", timezone="Europe/Rome")
    assert _open_descriptors_of(path) > 0
    eng.close()
    assert _open_descriptors_of(path) == 0
    with pytest.raises(slotwise.StorageError):
        admin.resources()
    with pytest.raises(slotwise.StorageError):
        eng.create_tenant("Another")
    with pytest.raises(slotwise.StorageError):
        eng.scope(tid, role="admin", subject="owner")
    eng.close()  # again: nothing left to do
    # The file is whole: another engine opens it and reads what was written.
    again = slotwise.Engine.open_sqlite(str(path))
    assert [r.name for r in again.scope(tid, role="admin", subject="owner").resources()] == ["Anna"]
    again.close()
