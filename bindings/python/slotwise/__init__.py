"""slotwise: an embeddable booking engine.

Availability with time zones, buffers, capacity and holds; atomic booking,
cancelling and rescheduling over SQLite; strict tenant isolation. The
contract is shared/PYTHON_API.md; every name here is stable.

Example::

    import slotwise
    eng = slotwise.Engine.open_sqlite("bookings.db")
    t = eng.scope(eng.create_tenant("Salon Bella"), role="admin")
    anna = t.create_resource(name="Anna", timezone="Europe/Rome")
    t.set_weekly_hours(anna.id, {"mon": [("09:00", "13:00")]})
    cut = t.create_service(name="Haircut", duration=30, resources=[anna.id])
    slots = t.availability(cut.id, "2026-06-01", "2026-06-07")
    b = t.book(cut.id, start=slots[0].start, customer={"name": "Ada"})

Times: instants are aware ``datetime`` (or RFC 3339 strings) and come back
as aware UTC datetimes; a naive datetime raises ``ValidationError``. Every
error is a ``slotwise.Error`` with ``.code``.
"""

from ._core import (
    Block,
    Booking,
    Customer,
    Engine,
    Error,
    IdempotencyMismatch,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    Resource,
    Service,
    SignatureInvalid,
    Slot,
    SlotUnavailable,
    StorageBusy,
    StorageError,
    TenantScope,
    ValidationError,
    __version__,
    evaluate_scenario,
)

__all__ = [
    "Block",
    "Booking",
    "Customer",
    "Engine",
    "Error",
    "IdempotencyMismatch",
    "InvalidTransition",
    "NotFound",
    "PermissionDenied",
    "Resource",
    "Service",
    "SignatureInvalid",
    "Slot",
    "SlotUnavailable",
    "StorageBusy",
    "StorageError",
    "TenantScope",
    "ValidationError",
    "evaluate_scenario",
]
