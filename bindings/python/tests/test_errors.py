"""Every error class, its .code, and bad input always raising ValidationError."""

import datetime as dt
import sqlite3

import pytest

import slotwise
import slotwise._core as core
from conftest import ADA, MONDAY, UTC, utc

CLASSES = {
    "invalid_argument": slotwise.ValidationError,
    "not_found": slotwise.NotFound,
    "permission_denied": slotwise.PermissionDenied,
    "slot_unavailable": slotwise.SlotUnavailable,
    "invalid_transition": slotwise.InvalidTransition,
    "idempotency_mismatch": slotwise.IdempotencyMismatch,
    "signature_invalid": slotwise.SignatureInvalid,
    "storage_busy": slotwise.StorageBusy,
    "storage_error": slotwise.StorageError,
    "provider_error": slotwise.ProviderError,
    "not_configured": slotwise.NotConfigured,
    "commit_in_doubt": slotwise.CommitInDoubt,
    "quota_exceeded": slotwise.QuotaExceeded,
}


@pytest.mark.parametrize("code", sorted(CLASSES))
def test_every_errc_is_its_own_class_with_its_code(code):
    cls = CLASSES[code]
    assert issubclass(cls, slotwise.Error) and issubclass(slotwise.Error, Exception)
    assert cls.code == code
    assert cls.__module__ == "slotwise"
    with pytest.raises(cls) as e:
        core._raise_error(code, "some.field", "went wrong")
    assert type(e.value) is cls
    assert e.value.code == code and e.value.field == "some.field"
    assert "went wrong" in str(e.value)


def test_every_cpp_error_code_has_its_own_exported_class():
    # Walks the C++ enum itself: a code added there without a Python class
    # fails here (and the build, where warnings are errors).
    codes = core._error_codes()
    assert codes[0] == "invalid_argument" and len(codes) == len(set(codes))
    assert set(codes) == set(CLASSES), "a new Errc needs its class, its stub and a line in CLASSES"
    classes = set()
    for code in codes:
        with pytest.raises(slotwise.Error) as e:
            core._raise_error(code)
        cls = type(e.value)
        assert cls is not slotwise.Error and cls.code == code == e.value.code
        assert getattr(slotwise, cls.__name__) is cls and cls.__name__ in slotwise.__all__
        assert cls.__doc__ and len(cls.__doc__) > 20
        classes.add(cls)
    assert len(classes) == len(codes)


def test_storage_busy_and_commit_in_doubt_are_storage_errors():
    for cls, code in ((slotwise.StorageBusy, "storage_busy"), (slotwise.CommitInDoubt, "commit_in_doubt")):
        assert issubclass(cls, slotwise.StorageError)
        with pytest.raises(slotwise.StorageError) as e:
            core._raise_error(code)
        assert type(e.value) is cls
    assert issubclass(slotwise.NotConfigured, slotwise.Error)
    assert not issubclass(slotwise.NotConfigured, slotwise.StorageError)


def test_a_stray_cpp_exception_is_still_a_slotwise_error():
    with pytest.raises(slotwise.Error) as e:
        core._raise_error("std::exception", message="boom")
    assert e.value.code == "internal" and "boom" in str(e.value)


def test_errors_without_a_field_have_field_none(salon):
    with pytest.raises(slotwise.NotFound) as e:
        salon.admin.get_booking("bkg_nope")
    assert e.value.field is None and e.value.code == "not_found"


# --- naive datetimes ------------------------------------------------------------

NAIVE = dt.datetime(2026, 6, 1, 7, 0)


def test_naive_datetimes_are_refused_everywhere(salon):
    t = salon.admin
    b = t.book(salon.cut.id, start=utc("2026-06-01T07:00"), resource_id=salon.anna.id, customer=ADA)
    calls = {
        "start": lambda: t.book(salon.cut.id, start=NAIVE, customer=ADA),
        "new_start": lambda: t.reschedule(b.id, NAIVE),
        "end": lambda: t.add_block(salon.anna.id, utc("2026-06-01T07:00"), NAIVE),
    }
    for field, call in calls.items():
        with pytest.raises(slotwise.ValidationError) as e:
            call()
        assert e.value.field == field and "naive" in str(e.value)
    # Nothing was booked or moved.
    assert t.get_booking(b.id) == b
    assert len(t.bookings()) == 1


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(3000, 1, 1), dt.date(9999, 12, 31)])
def test_a_datetime_date_outside_1900_to_2999_is_refused_like_the_text_form(salon, day):
    t = salon.customer()
    with pytest.raises(slotwise.ValidationError) as e:
        t.availability(salon.cut.id, day, day)
    assert e.value.field == "date_from"
    with pytest.raises(slotwise.ValidationError) as e:
        t.availability(salon.cut.id, "2026-06-01", day)
    assert e.value.field == "date_to"
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.set_date_override(salon.anna.id, day, [])
    assert "year must be between 1900 and 2999" in str(e.value)


def test_a_clock_returning_a_naive_datetime_is_refused():
    eng = slotwise.Engine.open_sqlite(":memory:", clock=lambda: NAIVE)
    with pytest.raises(slotwise.ValidationError) as e:
        eng.create_tenant("Salon")
    assert e.value.field == "clock"


def test_a_clock_that_raises_becomes_a_validation_error():
    eng = slotwise.Engine.open_sqlite(":memory:", clock=lambda: 1 / 0)
    with pytest.raises(slotwise.ValidationError) as e:
        eng.now()
    assert e.value.field == "clock" and "ZeroDivisionError" in str(e.value)


# --- bad input names its field -----------------------------------------------------

def bad_calls(salon):
    t, s, r = salon.admin, salon.cut.id, salon.anna.id
    start = utc("2026-06-01T07:00")
    return [
        # (expected field, call)
        ("path", lambda: slotwise.Engine.open_sqlite(42)),
        ("clock", lambda: slotwise.Engine.open_sqlite(":memory:", clock="noon")),
        ("busy_timeout_ms", lambda: slotwise.Engine.open_sqlite(":memory:", busy_timeout_ms=-1)),
        ("synchronous_full", lambda: slotwise.Engine.open_sqlite(":memory:", synchronous_full="yes")),
        ("name", lambda: salon.engine.create_tenant("")),
        ("name", lambda: salon.engine.create_tenant(None)),
        ("role", lambda: salon.engine.scope(salon.tenant_id, role="boss")),
        ("role", lambda: salon.engine.scope(salon.tenant_id, role=None)),
        ("tenant_id", lambda: salon.engine.scope("")),
        ("tenant_id", lambda: salon.engine.scope(123)),
        ("subject", lambda: salon.engine.scope(salon.tenant_id, role="admin", subject="")),
        ("role", lambda: salon.engine.scope(salon.tenant_id)),
        ("subject", lambda: salon.engine.scope(salon.tenant_id, role="customer")),
        ("subject", lambda: salon.engine.scope(salon.tenant_id, role="staff")),
        ("timezone", lambda: t.create_resource(name="X", timezone="Mars/Olympus")),
        ("capacity", lambda: t.create_resource(name="X", timezone="UTC", capacity=0)),
        ("capacity", lambda: t.create_resource(name="X", timezone="UTC", capacity="2")),
        ("capacity", lambda: t.create_resource(name="X", timezone="UTC", capacity=1.5)),
        ("capacity", lambda: t.create_resource(name="X", timezone="UTC", capacity=True)),
        ("capacity", lambda: t.create_resource(name="X", timezone="UTC", capacity=10**30)),
        ("kind", lambda: t.create_resource(name="X", timezone="UTC", kind="robot")),
        ("name", lambda: t.create_resource(name="bad\nname", timezone="UTC")),
        ("hours", lambda: t.set_weekly_hours(r, [("09:00", "10:00")])),
        ("hours.monday", lambda: t.set_weekly_hours(r, {"monday": [("09:00", "10:00")]})),
        ("hours.mon[0][1]", lambda: t.set_weekly_hours(r, {"mon": [("09:00", "48:00")]})),
        ("hours.mon[0][0]", lambda: t.set_weekly_hours(r, {"mon": [(9, "10:00")]})),
        ("hours.mon[0]", lambda: t.set_weekly_hours(r, {"mon": [("09:00",)]})),
        ("hours.mon[0]", lambda: t.set_weekly_hours(r, {"mon": [("10:00", "09:00")]})),
        ("hours.mon[1]", lambda: t.set_weekly_hours(r, {"mon": [("09:00", "11:00"), ("10:00", "12:00")]})),
        ("hours.mon", lambda: t.set_weekly_hours(r, {"mon": "09:00-10:00"})),
        ("day", lambda: t.set_date_override(r, "2026-02-30", [])),
        ("day", lambda: t.set_date_override(r, dt.datetime(2026, 6, 1, tzinfo=UTC), [])),
        ("windows", lambda: t.set_date_override(r, "2026-06-01", None)),
        ("windows[0][0]", lambda: t.set_date_override(r, "2026-06-01", [("9am", "10:00")])),
        ("end", lambda: t.add_block(r, utc("2026-06-01T09:00"), utc("2026-06-01T08:00"))),
        ("start", lambda: t.add_block(r, "yesterday", utc("2026-06-01T08:00"))),
        ("start", lambda: t.add_block(r, dt.date(2026, 6, 1), utc("2026-06-01T08:00"))),
        ("duration", lambda: t.create_service(name="X", duration=0, resources=[r])),
        ("duration", lambda: t.create_service(name="X", duration=None, resources=[r])),
        ("step", lambda: t.create_service(name="X", duration=30, step=0, resources=[r])),
        ("buffer_after", lambda: t.create_service(name="X", duration=30, buffer_after=-5, resources=[r])),
        ("price", lambda: t.create_service(name="X", duration=30, price=-1, resources=[r])),
        ("currency", lambda: t.create_service(name="X", duration=30, price=100, resources=[r])),
        ("currency", lambda: t.create_service(name="X", duration=30, price=100, currency="euro", resources=[r])),
        ("hold_minutes", lambda: t.create_service(name="X", duration=30, hold_minutes=0, resources=[r])),
        ("resources", lambda: t.create_service(name="X", duration=30)),
        ("resources", lambda: t.create_service(name="X", duration=30, resources=r)),  # a str, not a list
        ("resources", lambda: t.create_service(name="X", duration=30, resources=[])),
        ("resources[0]", lambda: t.create_service(name="X", duration=30, resources=["res_nope"])),
        ("resources[1]", lambda: t.create_service(name="X", duration=30, resources=[r, r])),
        ("horizon", lambda: t.update_service(s, horizon=-1)),
        ("colour", lambda: t.update_service(s, colour="red")),
        ("date_from", lambda: t.availability(s, "June 1st", "2026-06-07")),
        ("date_to", lambda: t.availability(s, "2026-06-07", "2026-06-01")),
        ("date_to", lambda: t.availability(s, "2026-06-01", "2046-06-01")),
        ("date_from", lambda: t.availability(s, dt.datetime(2026, 6, 1, tzinfo=UTC), "2026-06-07")),
        ("seats", lambda: t.availability(s, MONDAY, MONDAY, seats=0)),
        ("resources", lambda: t.availability(s, MONDAY, MONDAY, resources=[])),
        ("resources[0]", lambda: t.availability(s, MONDAY, MONDAY, resources=[7])),
        ("service_id", lambda: t.availability(None, MONDAY, MONDAY)),
        ("customer", lambda: t.book(s, start=start)),
        ("customer", lambda: t.book(s, start=start, customer="Ada")),
        ("customer.name", lambda: t.book(s, start=start, customer={"email": "ada@example.com"})),
        ("customer.name", lambda: t.book(s, start=start, customer={"name": None})),
        ("customer.name", lambda: t.book(s, start=start, customer={"name": ""})),
        ("customer.email", lambda: t.book(s, start=start, customer={"name": "Ada", "email": "not-an-email"})),
        ("customer.locale", lambda: t.book(s, start=start, customer={"name": "Ada", "locale": "e n"})),
        ("customer.age", lambda: t.book(s, start=start, customer={"name": "Ada", "age": 36})),
        ("customer.phone", lambda: t.book(s, start=start, customer={"name": "Ada", "phone": 5551234})),
        ("start", lambda: t.book(s, start="2026-06-01 07:00", customer=ADA)),
        ("start", lambda: t.book(s, start=1780290000, customer=ADA)),
        ("seats", lambda: t.book(s, start=start, customer=ADA, seats=0)),
        ("seats", lambda: t.book(s, start=start, customer=ADA, seats="1")),
        ("resource_id", lambda: t.book(s, start=start, customer=ADA, resource_id="")),
        ("idempotency_key", lambda: t.book(s, start=start, customer=ADA, idempotency_key=5)),
        ("status", lambda: t.bookings(status="done")),
        ("date_to", lambda: t.bookings("2026-06-02", "2026-06-01")),
        ("date_to", lambda: t.bookings("2026-06-02T10:00:00Z", "2026-06-02T10:00:00Z")),
        ("date_from", lambda: t.bookings(NAIVE, None)),
        ("date_from", lambda: t.bookings("June 1st", None)),
        ("date_to", lambda: t.bookings(None, 20260601)),
        ("limit", lambda: t.bookings(limit=0)),
        ("limit", lambda: t.bookings(limit=1001)),
        ("after", lambda: t.bookings(after="")),
        ("cancel_notice", lambda: t.create_service(name="X", duration=30, cancel_notice=None, resources=[r])),
        ("booking_id", lambda: t.get_booking(None)),
        ("json_text", lambda: slotwise.evaluate_scenario(None)),
        ("json", lambda: slotwise.evaluate_scenario("{")),
        ("customer.name", lambda: slotwise.Customer(None)),
        ("customer.name", lambda: t.book(s, start=start, customer={"name": "\ud800"})),
    ]


def test_bad_input_raises_validation_error_naming_the_field(salon):
    for expected, call in bad_calls(salon):
        with pytest.raises(slotwise.ValidationError) as e:
            call()
        assert e.value.code == "invalid_argument"
        assert e.value.field == expected, f"{expected}: got {e.value.field!r}: {e.value}"
    # Nothing was booked by any of it.
    assert salon.admin.bookings() == []


def test_only_a_wholly_wrong_call_signature_is_a_type_error(salon):
    with pytest.raises(TypeError):
        salon.admin.book()  # missing arguments: pybind11 refuses the call itself
    with pytest.raises(TypeError):
        salon.admin.availability(salon.cut.id, MONDAY, MONDAY, colour="red")


# --- NotFound, PermissionDenied, storage --------------------------------------------

def test_not_found(salon):
    t = salon.admin
    for call in [lambda: t.get_resource("res_nope"), lambda: t.get_service("svc_nope"),
                 lambda: t.get_booking("bkg_nope"), lambda: t.cancel("bkg_nope"),
                 lambda: t.reschedule("bkg_nope", utc("2026-06-01T07:00")),
                 lambda: t.availability("svc_nope", MONDAY, MONDAY),
                 lambda: t.set_weekly_hours("res_nope", {}),
                 lambda: t.book("svc_nope", start=utc("2026-06-01T07:00"), customer=ADA),
                 lambda: salon.engine.scope("ten_nope", role="admin")]:
        with pytest.raises(slotwise.NotFound) as e:
            call()
        assert e.value.code == "not_found"
    # A resource that does not perform the service reads as not found, naming it.
    other = t.create_resource(name="Other", timezone="UTC")
    with pytest.raises(slotwise.NotFound) as e:
        t.availability(salon.cut.id, MONDAY, MONDAY, resources=[other.id])
    assert e.value.field == "resources[0]"


def test_permission_denied(salon):
    for role in ("customer", "staff"):
        t = salon.engine.scope(salon.tenant_id, role=role, subject="someone")
        for call in [lambda: t.create_resource(name="X", timezone="UTC"),
                     lambda: t.update_resource(salon.anna.id, name="Y"),
                     lambda: t.set_weekly_hours(salon.anna.id, {}),
                     lambda: t.set_date_override(salon.anna.id, MONDAY, []),
                     lambda: t.create_service(name="X", duration=30, resources=[salon.anna.id]),
                     lambda: t.update_service(salon.cut.id, name="Y")]:
            with pytest.raises(slotwise.PermissionDenied) as e:
                call()
            assert e.value.code == "permission_denied"
    customer = salon.customer()
    with pytest.raises(slotwise.PermissionDenied):
        customer.add_block(salon.anna.id, utc("2026-06-01T07:00"), utc("2026-06-01T08:00"))
    assert salon.admin.weekly_hours(salon.anna.id)["mon"] == [("09:00", "13:00")]


def test_a_file_that_is_not_a_database_is_a_storage_error(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"this is not a slotwise database, just some text\n" * 100)
    with pytest.raises(slotwise.StorageError) as e:
        slotwise.Engine.open_sqlite(path)
    assert e.value.code == "storage_error"


def test_a_locked_database_raises_storage_busy_and_a_retry_succeeds(salon):
    eng = slotwise.Engine.open_sqlite(salon.path, clock=salon.clock, busy_timeout_ms=100)
    t = eng.scope(salon.tenant_id, role="admin")
    other = sqlite3.connect(salon.path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        with pytest.raises(slotwise.StorageBusy) as e:
            t.book(salon.cut.id, start=utc("2026-06-01T07:00"), customer=ADA)
        assert isinstance(e.value, slotwise.StorageError) and e.value.code == "storage_busy"
        assert len(t.availability(salon.cut.id, MONDAY, MONDAY)) == 16  # readers are not blocked
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert t.book(salon.cut.id, start=utc("2026-06-01T07:00"), customer=ADA).status == "confirmed"
