"""Type stub of the slotwise package (the compiled slotwise._core, re-exported)."""

import datetime
import os
from typing import Callable, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, Union

__version__: str

Instant = Union[datetime.datetime, str]
"""An aware datetime or an RFC 3339 string such as "2026-06-01T07:00:00Z"."""
DateLike = Union[datetime.date, str]
"""A datetime.date (not a datetime) or "YYYY-MM-DD"."""
Window = Tuple[str, str]
"""A local ("HH:MM", "HH:MM") window; the end may be "24:00"."""
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Role = Literal["admin", "staff", "customer"]
ResourceKind = Literal["staff", "room", "equipment", "table"]
BookingStatus = Literal["pending", "confirmed", "cancelled", "expired"]
PaymentStatus = Literal["none", "pending", "paid", "refund_due", "refunded", "failed"]

class CustomerDict(TypedDict, total=False):
    name: str
    email: Optional[str]
    phone: Optional[str]
    locale: Optional[str]

# --- errors -------------------------------------------------------------------

class Error(Exception):
    code: Optional[str]
    field: Optional[str]

class ValidationError(Error):
    code: Literal["invalid_argument"]

class NotFound(Error):
    code: Literal["not_found"]

class PermissionDenied(Error):
    code: Literal["permission_denied"]

class SlotUnavailable(Error):
    code: Literal["slot_unavailable"]

class InvalidTransition(Error):
    code: Literal["invalid_transition"]

class IdempotencyMismatch(Error):
    code: Literal["idempotency_mismatch"]

class SignatureInvalid(Error):
    code: Literal["signature_invalid"]

class StorageError(Error):
    code: Literal["storage_error", "storage_busy"]

class StorageBusy(StorageError):
    code: Literal["storage_busy"]

# --- values -------------------------------------------------------------------

class Customer:
    def __init__(
        self,
        name: str,
        email: Optional[str] = None,
        phone: Optional[str] = None,
        locale: Optional[str] = "en",
    ) -> None: ...
    @property
    def name(self) -> str: ...
    @property
    def email(self) -> Optional[str]: ...
    @property
    def phone(self) -> Optional[str]: ...
    @property
    def locale(self) -> str: ...
    def to_dict(self) -> CustomerDict: ...

class Resource:
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def capacity(self) -> int: ...
    @property
    def kind(self) -> ResourceKind: ...

class Service:
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def duration(self) -> int: ...
    @property
    def step(self) -> int: ...
    @property
    def buffer_before(self) -> int: ...
    @property
    def buffer_after(self) -> int: ...
    @property
    def price(self) -> int: ...
    @property
    def currency(self) -> Optional[str]: ...
    @property
    def min_notice(self) -> int: ...
    @property
    def horizon(self) -> int: ...
    @property
    def hold_minutes(self) -> int: ...
    @property
    def resources(self) -> list[str]: ...

class Slot:
    @property
    def start(self) -> datetime.datetime: ...
    @property
    def end(self) -> datetime.datetime: ...
    @property
    def resource_id(self) -> str: ...
    @property
    def remaining(self) -> int: ...

class Block:
    @property
    def id(self) -> str: ...
    @property
    def resource_id(self) -> str: ...
    @property
    def start(self) -> datetime.datetime: ...
    @property
    def end(self) -> datetime.datetime: ...
    @property
    def reason(self) -> str: ...

class Booking:
    @property
    def id(self) -> str: ...
    @property
    def service_id(self) -> str: ...
    @property
    def resource_id(self) -> str: ...
    @property
    def start(self) -> datetime.datetime: ...
    @property
    def end(self) -> datetime.datetime: ...
    @property
    def seats(self) -> int: ...
    @property
    def status(self) -> BookingStatus: ...
    @property
    def payment_status(self) -> PaymentStatus: ...
    @property
    def hold_expires_at(self) -> Optional[datetime.datetime]: ...
    @property
    def customer(self) -> Customer: ...
    @property
    def buffer_before(self) -> int: ...
    @property
    def buffer_after(self) -> int: ...
    @property
    def idempotency_key(self) -> Optional[str]: ...
    @property
    def created_by(self) -> str: ...
    @property
    def created_at(self) -> datetime.datetime: ...
    @property
    def updated_at(self) -> datetime.datetime: ...

# --- engine -------------------------------------------------------------------

class Engine:
    @staticmethod
    def open_sqlite(
        path: Union[str, os.PathLike[str]],
        clock: Optional[Callable[[], datetime.datetime]] = None,
        busy_timeout_ms: int = 30000,
        synchronous_full: bool = False,
    ) -> Engine: ...
    def create_tenant(self, name: str) -> str: ...
    def scope(self, tenant_id: str, role: Role = "admin", subject: Optional[str] = None) -> TenantScope: ...
    def now(self) -> datetime.datetime: ...

class TenantScope:
    @property
    def tenant_id(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def subject(self) -> str: ...
    # catalogue
    def create_resource(
        self, name: str, timezone: str, capacity: int = 1, kind: ResourceKind = "staff"
    ) -> Resource: ...
    def update_resource(
        self,
        resource_id: str,
        *,
        name: Optional[str] = None,
        timezone: Optional[str] = None,
        capacity: Optional[int] = None,
        kind: Optional[ResourceKind] = None,
    ) -> Resource: ...
    def get_resource(self, resource_id: str) -> Resource: ...
    def resources(self) -> list[Resource]: ...
    def set_weekly_hours(
        self, resource_id: str, hours: Mapping[Weekday, Optional[Sequence[Window]]]
    ) -> None: ...
    def weekly_hours(self, resource_id: str) -> dict[Weekday, list[Window]]: ...
    def set_date_override(self, resource_id: str, day: DateLike, windows: Sequence[Window]) -> None: ...
    def clear_date_override(self, resource_id: str, day: DateLike) -> None: ...
    def date_overrides(
        self, resource_id: str, date_from: DateLike, date_to: DateLike
    ) -> dict[datetime.date, list[Window]]: ...
    def add_block(self, resource_id: str, start: Instant, end: Instant, reason: Optional[str] = "") -> Block: ...
    def remove_block(self, block_id: str) -> None: ...
    def blocks(self, resource_id: str, start: Instant, end: Instant) -> list[Block]: ...
    def create_service(
        self,
        name: str,
        duration: int,
        step: Optional[int] = None,
        buffer_before: int = 0,
        buffer_after: int = 0,
        price: int = 0,
        currency: Optional[str] = None,
        min_notice: int = 0,
        horizon: int = 0,
        hold_minutes: int = 15,
        resources: Optional[Sequence[str]] = None,
    ) -> Service: ...
    def update_service(
        self,
        service_id: str,
        *,
        name: Optional[str] = ...,
        duration: Optional[int] = ...,
        step: Optional[int] = ...,
        buffer_before: Optional[int] = ...,
        buffer_after: Optional[int] = ...,
        price: Optional[int] = ...,
        currency: Optional[str] = ...,
        min_notice: Optional[int] = ...,
        horizon: Optional[int] = ...,
        hold_minutes: Optional[int] = ...,
        resources: Optional[Sequence[str]] = ...,
    ) -> Service: ...
    def get_service(self, service_id: str) -> Service: ...
    def services(self) -> list[Service]: ...
    # availability and booking
    def availability(
        self,
        service_id: str,
        date_from: DateLike,
        date_to: DateLike,
        resources: Optional[Sequence[str]] = None,
        seats: int = 1,
    ) -> list[Slot]: ...
    def book(
        self,
        service_id: str,
        start: Instant,
        resource_id: Optional[str] = None,
        customer: Union[CustomerDict, Customer, None] = None,
        seats: int = 1,
        idempotency_key: Optional[str] = None,
    ) -> Booking: ...
    def get_booking(self, booking_id: str) -> Booking: ...
    def bookings(
        self,
        date_from: Optional[DateLike] = None,
        date_to: Optional[DateLike] = None,
        resource_id: Optional[str] = None,
        status: Optional[BookingStatus] = None,
    ) -> list[Booking]: ...
    def cancel(self, booking_id: str) -> Booking: ...
    def reschedule(self, booking_id: str, new_start: Instant, resource_id: Optional[str] = None) -> Booking: ...

def evaluate_scenario(json_text: Union[str, bytes]) -> str: ...
