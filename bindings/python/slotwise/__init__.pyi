"""Type stub of the slotwise package (the compiled slotwise._core, re-exported).

The guide is docs/python.md in the slotwise source tree.
"""

import datetime
import os
from typing import Callable, Literal, Mapping, Optional, Sequence, Tuple, TypedDict, Union

__version__: str
PRESETS: Tuple[str, ...]

Instant = Union[datetime.datetime, str]
"""An aware datetime or an RFC 3339 string such as "2026-06-01T07:00:00Z"."""
DateLike = Union[datetime.date, str]
"""A datetime.date (not a datetime) or "YYYY-MM-DD"."""
Window = Tuple[str, str]
"""A local ("HH:MM", "HH:MM") window; the end may be "24:00"."""
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Role = Literal["admin", "staff", "customer"]
ResourceKind = Literal["staff", "room", "equipment", "table"]
BookingStatus = Literal["pending", "confirmed", "cancelled", "expired", "requested", "offered", "rejected"]
PaymentStatus = Literal["none", "pending", "paid", "refund_due", "refunded", "failed", "refund_pending", "disputed"]
NotificationKind = Literal[
    "booking_confirmed", "booking_cancelled", "booking_rescheduled", "refund_due", "booking_requested",
    "booking_rejected", "waitlist_offer"
]
WaitlistStatus = Literal["waiting", "offered", "left"]
EngineEventKind = Literal[
    "booking_created", "booking_changed", "webhook_applied", "webhook_ignored", "notification_failed", "storage_retry",
    "payment_unmatched", "payment_disputed", "refund_failed", "notification_dropped"
]
HeaderText = Union[str, bytes]
Headers = Union[Mapping[str, HeaderText], Mapping[bytes, bytes], Sequence[Tuple[HeaderText, HeaderText]]]
"""Request headers: a dict (or any mapping with .items()) or (name, value) pairs."""
Transport = Callable[[str, str, dict[str, str], bytes], Tuple[int, Union[bytes, str]]]
"""transport(method, url, headers, body) -> (status, body): performs one HTTP request."""

SegmentKind = Literal["busy", "free"]

class Limits(TypedDict, total=False):
    """Most bookings of a service per resource of its first group, per local period."""
    day: Optional[int]
    week: Optional[int]
    month: Optional[int]

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
    code: Literal["storage_error", "storage_busy", "commit_in_doubt"]

class StorageBusy(StorageError):
    code: Literal["storage_busy"]

class CommitInDoubt(StorageError):
    """The commit may or may not have been applied: repeat the call with the same idempotency key."""

    code: Literal["commit_in_doubt"]

class ProviderError(Error):
    code: Literal["provider_error"]

class NotConfigured(Error):
    """The tenant has not configured what the call needs (a payment provider)."""

    code: Literal["not_configured"]

class QuotaExceeded(Error):
    """A tenant policy limit refused the call; ``.field`` names the limit."""

    code: Literal["quota_exceeded"]

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
    @property
    def active(self) -> bool: ...
    def size(self) -> Optional[int]: ...

class TableCombination:
    @property
    def id(self) -> str: ...
    @property
    def service_id(self) -> str: ...
    @property
    def group(self) -> int: ...
    @property
    def tables(self) -> list[str]: ...
    @property
    def size(self) -> int: ...

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
    @property
    def cancel_notice(self) -> int: ...
    @property
    def active(self) -> bool: ...
    @property
    def resource_groups(self) -> list[list[str]]: ...
    @property
    def party(self) -> bool: ...
    def requires_confirmation(self) -> bool: ...
    @property
    def request_expiry_minutes(self) -> int: ...
    @property
    def offer_minutes(self) -> int: ...
    @property
    def segments(self) -> list[tuple[SegmentKind, int]]: ...
    @property
    def limits(self) -> Limits: ...

class Slot:
    @property
    def start(self) -> datetime.datetime: ...
    @property
    def end(self) -> datetime.datetime: ...
    @property
    def resource_id(self) -> str: ...
    @property
    def resource_ids(self) -> list[str]: ...
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

class Series:
    @property
    def id(self) -> str: ...
    @property
    def bookings(self) -> list[Booking]: ...
    @property
    def skipped(self) -> list[datetime.datetime]: ...

class Booking:
    @property
    def id(self) -> str: ...
    @property
    def service_id(self) -> str: ...
    @property
    def resource_id(self) -> str: ...
    @property
    def resource_ids(self) -> list[str]: ...
    @property
    def segments(self) -> list[tuple[SegmentKind, int]]: ...
    @property
    def start(self) -> datetime.datetime: ...
    @property
    def end(self) -> datetime.datetime: ...
    @property
    def seats(self) -> int: ...
    @property
    def party_size(self) -> int: ...
    @property
    def status(self) -> BookingStatus: ...
    @property
    def payment_status(self) -> PaymentStatus: ...
    @property
    def series_id(self) -> Optional[str]: ...
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
    @property
    def checkout_id(self) -> Optional[str]: ...
    @property
    def payment_reference(self) -> Optional[str]: ...

class Checkout:
    @property
    def id(self) -> str: ...
    @property
    def url(self) -> str: ...

class UnmatchedPayment:
    @property
    def event_id(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def reference(self) -> Optional[str]: ...
    @property
    def amount(self) -> Optional[int]: ...
    @property
    def currency(self) -> Optional[str]: ...
    @property
    def booking_id(self) -> Optional[str]: ...
    @property
    def reason(self) -> str: ...
    @property
    def received_at(self) -> datetime.datetime: ...

class ExpiredCheckouts:
    @property
    def closed(self) -> int: ...
    @property
    def failed(self) -> list[str]: ...

class Refund:
    @property
    def id(self) -> str: ...
    @property
    def status(self) -> str: ...

class PaymentSettings:
    @property
    def provider(self) -> str: ...
    @property
    def key_hint(self) -> str: ...
    @property
    def live(self) -> bool: ...

class WebhookOutcome:
    @property
    def event_id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def duplicate(self) -> bool: ...
    @property
    def booking(self) -> Optional[Booking]: ...
    @property
    def applied(self) -> bool: ...
    @property
    def ignored_because(self) -> Optional[str]: ...

class Notification:
    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> NotificationKind: ...
    @property
    def tenant_id(self) -> str: ...
    @property
    def booking_id(self) -> str: ...
    @property
    def locale(self) -> str: ...
    @property
    def to(self) -> Optional[str]: ...
    @property
    def subject(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def ics(self) -> Optional[str]: ...
    @property
    def created_at(self) -> datetime.datetime: ...
    @property
    def attempts(self) -> int: ...
    @property
    def sent_at(self) -> Optional[datetime.datetime]: ...

class DeliveryFailure:
    @property
    def notification_id(self) -> str: ...
    @property
    def kind(self) -> NotificationKind: ...
    @property
    def error(self) -> str: ...

class DeliveryReport:
    @property
    def sent(self) -> int: ...
    @property
    def failed(self) -> list[DeliveryFailure]: ...

class MessageTextDict(TypedDict, total=False):
    """A notification text (message_texts.hpp); "overridden" and "placeholders" only in "applied"."""
    kind: NotificationKind
    locale: Literal["en", "it"]
    subject: str
    body: str
    overridden: bool
    placeholders: list[str]

class MessageTextsDict(TypedDict):
    """What TenantScope.message_texts returns."""
    overrides: list[MessageTextDict]
    applied: list[MessageTextDict]

class ApiKeyDict(TypedDict, total=False):
    """An API key (api_keys.hpp); "secret" only from create_api_key."""
    id: str
    tenant_id: str
    role: str
    subject: str
    label: str
    created_at: datetime.datetime
    revoked_at: Optional[datetime.datetime]
    secret: str

class EngineEvent:
    @property
    def kind(self) -> EngineEventKind: ...
    @property
    def tenant(self) -> Optional[str]: ...
    @property
    def booking(self) -> Optional[str]: ...
    @property
    def detail(self) -> str: ...
    @property
    def at(self) -> datetime.datetime: ...

# --- engine -------------------------------------------------------------------

class RateDecision:
    """What RateLimiter.try_acquire decided; true when allowed."""

    @property
    def allowed(self) -> bool: ...
    @property
    def retry_after(self) -> datetime.timedelta: ...
    @property
    def retry_after_seconds(self) -> int: ...
    def __bool__(self) -> bool: ...

class RateLimiter:
    """A token bucket per key, bounded in memory; thread-safe."""

    def __init__(
        self,
        burst: int = 10,
        refill_every: Union[float, datetime.timedelta] = 1.0,
        max_keys: int = 100000,
        clock: Optional[Callable[[], float]] = None,
    ) -> None: ...
    def try_acquire(self, key: str, cost: int = 1) -> RateDecision: ...
    def __len__(self) -> int: ...

class Preset:
    """What TenantScope.apply_preset made, usable at once."""

    @property
    def name(self) -> str: ...
    @property
    def resources(self) -> list[Resource]: ...
    @property
    def services(self) -> list[Service]: ...

class Policy:
    """A tenant's abuse limits on one customer subject (TenantScope.set_policy)."""

    @property
    def max_pending_per_customer(self) -> int: ...
    @property
    def max_active_per_customer(self) -> Optional[int]: ...
    @property
    def customer_horizon_days(self) -> int: ...
    @property
    def max_seats_per_customer_booking(self) -> Optional[int]: ...
    @property
    def max_notifications_per_customer_hour(self) -> int: ...
    @property
    def max_waitlist_per_customer(self) -> int: ...

class WaitlistEntry:
    """A place in line for a full start (TenantScope.join_waitlist)."""

    @property
    def id(self) -> str: ...
    @property
    def position(self) -> int: ...
    @property
    def status(self) -> WaitlistStatus: ...
    @property
    def service_id(self) -> str: ...
    @property
    def start(self) -> datetime.datetime: ...
    @property
    def seats(self) -> int: ...
    @property
    def offer_id(self) -> Optional[str]: ...

class Engine:
    @staticmethod
    def open_sqlite(
        path: Union[str, os.PathLike[str]],
        clock: Optional[Callable[[], datetime.datetime]] = None,
        busy_timeout_ms: int = 30000,
        synchronous_full: bool = False,
        on_event: Optional[Callable[[EngineEvent], object]] = None,
        master_key: Optional[bytes] = None,
    ) -> Engine: ...
    @staticmethod
    def open_postgres(
        dsn: str,
        pool_size: int = 8,
        clock: Optional[Callable[[], datetime.datetime]] = None,
        master_key: Optional[bytes] = None,
        busy_timeout_ms: int = 30000,
        on_event: Optional[Callable[[EngineEvent], object]] = None,
    ) -> Engine: ...
    def create_tenant(self, name: str) -> str: ...
    def create_api_key(self, tenant_id: str, role: Role, subject: Optional[str] = None,
                       label: Optional[str] = None) -> ApiKeyDict:
        """The new key; "secret" is shown this once."""
    def api_keys(self, tenant_id: str) -> list[ApiKeyDict]: ...
    def revoke_api_key(self, tenant_id: str, key_id: str) -> None: ...
    def authenticate_api_key(self, secret: str) -> Optional[ApiKeyDict]: ...
    def scope(self, tenant_id: str, role: Role, subject: Optional[str] = None) -> TenantScope:
        """role has no default; subject is required for "staff" and "customer"."""
    def now(self) -> datetime.datetime: ...
    def close(self) -> None: ...
    # notification outbox
    def take_notifications(self, limit: int = 100) -> list[Notification]: ...
    def mark_notification_sent(self, notification_id: str) -> None: ...
    def deliver_notifications(self, notifier: Callable[[Notification], object], limit: int = 100) -> DeliveryReport: ...
    def expire_checkouts(self, transport: Optional[Transport] = None, limit: int = 100) -> ExpiredCheckouts: ...

class TenantScope:
    @property
    def tenant_id(self) -> str: ...
    @property
    def role(self) -> Role: ...
    @property
    def subject(self) -> str: ...
    # catalogue
    def create_resource(
        self,
        name: str,
        timezone: str,
        capacity: int = 1,
        kind: ResourceKind = "staff",
        size: Optional[int] = None,
    ) -> Resource: ...
    def update_resource(
        self,
        resource_id: str,
        *,
        name: Optional[str] = None,
        timezone: Optional[str] = None,
        capacity: Optional[int] = None,
        kind: Optional[ResourceKind] = None,
        size: Optional[int] = None,
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
        cancel_notice: int = 0,
        resource_groups: Optional[Sequence[Sequence[str]]] = None,
        segments: Optional[Sequence[tuple[SegmentKind, int]]] = None,
        limits: Optional[Limits] = None,
        party: bool = False,
        requires_confirmation: bool = False,
        request_expiry_minutes: int = 1440,
        offer_minutes: int = 60,
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
        cancel_notice: Optional[int] = ...,
        resource_groups: Optional[Sequence[Sequence[str]]] = ...,
        segments: Optional[Sequence[tuple[SegmentKind, int]]] = ...,
        limits: Optional[Limits] = ...,
        party: Optional[bool] = ...,
        requires_confirmation: Optional[bool] = ...,
        request_expiry_minutes: Optional[int] = ...,
        offer_minutes: Optional[int] = ...,
    ) -> Service: ...
    def get_service(self, service_id: str) -> Service: ...
    def services(self) -> list[Service]: ...
    def declare_table_combination(
        self, service_id: str, tables: Sequence[str], size: int, group: int = 0
    ) -> TableCombination: ...
    def table_combinations(self, service_id: str) -> list[TableCombination]: ...
    def remove_table_combination(self, combination_id: str) -> None: ...
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
        resource_ids: Optional[Sequence[str]] = None,
    ) -> Booking: ...
    def get_booking(self, booking_id: str) -> Booking: ...
    def bookings(
        self,
        date_from: Union[DateLike, Instant, None] = None,
        date_to: Union[DateLike, Instant, None] = None,
        resource_id: Optional[str] = None,
        status: Optional[BookingStatus] = None,
        *,
        after: Optional[str] = None,
        limit: Optional[int] = None,
        payment_status: Optional[PaymentStatus] = None,
        subject: Optional[str] = None,
        series_id: Optional[str] = None,
    ) -> list[Booking]:
        """Bookings starting in [date_from, date_to), ordered by (start, id).

        An instant (aware datetime, RFC 3339 string) is an exact bound; a date
        (datetime.date, "YYYY-MM-DD") is a whole UTC day: date_from from its
        00:00Z, date_to up to the next day's 00:00Z (both days included).
        limit=None returns every match; limit=n one page of at most n
        (1..1000); after=<the previous page's last id> resumes after it.
        """
    def cancel(self, booking_id: str) -> Booking: ...
    # series and administration
    def book_series(
        self,
        service_id: str,
        start: Instant,
        every_weeks: int = 1,
        count: int = 1,
        resource_id: Optional[str] = None,
        resource_ids: Optional[Sequence[str]] = None,
        customer: Union[CustomerDict, Customer, None] = None,
        seats: int = 1,
        partial: bool = False,
        idempotency_key: Optional[str] = None,
    ) -> Series: ...
    def cancel_series(self, series_id: str, start_from: Optional[Instant] = None) -> list[Booking]: ...
    def cancel_rest(self, booking_id: str) -> list[Booking]: ...
    def erase_customer(self, subject: str) -> int: ...
    def deactivate_resource(self, resource_id: str) -> Resource: ...
    def reactivate_resource(self, resource_id: str) -> Resource: ...
    def deactivate_service(self, service_id: str) -> Service: ...
    def reactivate_service(self, service_id: str) -> Service: ...
    def reschedule(self, booking_id: str, new_start: Instant, resource_id: Optional[str] = None) -> Booking: ...
    # approval and the waitlist
    def confirm(self, booking_id: str) -> Booking: ...
    def reject(self, booking_id: str, reason: Optional[str] = "") -> Booking: ...
    def accept_offer(self, booking_id: str) -> Booking: ...
    def join_waitlist(
        self,
        service_id: str,
        start: Instant,
        customer: Union[CustomerDict, Customer],
        seats: int = 1,
        resource_ids: Optional[Sequence[str]] = None,
    ) -> WaitlistEntry: ...
    def get_waitlist_entry(self, entry_id: str) -> WaitlistEntry: ...
    def leave_waitlist(self, entry_id: str) -> WaitlistEntry: ...
    # tenant policy
    def set_policy(
        self,
        max_pending_per_customer: int = 2,
        max_active_per_customer: Optional[int] = None,
        customer_horizon_days: int = 92,
        max_seats_per_customer_booking: Optional[int] = 8,
        max_notifications_per_customer_hour: int = 20,
        max_waitlist_per_customer: int = 5,
    ) -> Policy: ...
    def policy(self) -> Policy: ...
    # presets
    def apply_preset(self, name: str, *, timezone: str, locale: str = "en", currency: str = "EUR") -> Preset: ...
    # payments and notifications
    def configure_stripe(self, secret_key: str, webhook_secret: str) -> None: ...
    def payment_settings(self) -> Optional[PaymentSettings]: ...
    def start_checkout(
        self,
        booking_id: str,
        success_url: str,
        cancel_url: str,
        transport: Optional[Transport] = None,
    ) -> Checkout: ...
    def handle_stripe_webhook(
        self, payload: Union[bytes, bytearray, memoryview, str], headers: Headers
    ) -> WebhookOutcome: ...
    def handle_webhook(
        self, payload: Union[bytes, bytearray, memoryview, str], headers: Headers
    ) -> WebhookOutcome: ...
    def refund(self, booking_id: str, transport: Optional[Transport] = None) -> Refund: ...
    def unmatched_payments(self, limit: int = 100) -> list[UnmatchedPayment]: ...
    def notifications(self, booking_id: str) -> list[Notification]: ...
    # a tenant's own notification texts
    def set_message_text(
        self, kind: NotificationKind, locale: Literal["en", "it"], subject: str, body: str
    ) -> MessageTextDict: ...
    def message_texts(self) -> MessageTextsDict: ...
    def clear_message_text(self, kind: NotificationKind, locale: Literal["en", "it"]) -> None: ...

def evaluate_scenario(json_text: Union[str, bytes]) -> str: ...

def urllib_transport(
    method: str, url: str, headers: Mapping[str, str], body: bytes, timeout: float = 30.0
) -> Tuple[int, bytes]: ...
