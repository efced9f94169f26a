"""slotwise: an embeddable booking engine.

Availability with time zones, buffers, capacity and holds; atomic booking,
cancelling and rescheduling over SQLite; strict tenant isolation. Every name
here is stable: new ones are added, none is renamed.

Documentation: docs/python.md in the slotwise source tree (the guide to this
package); each class and call also documents itself, e.g.
``help(slotwise.TenantScope.book)``.

Example::

    import slotwise
    eng = slotwise.Engine.open_sqlite("bookings.db")
    t = eng.scope(eng.create_tenant("Salon Bella"), role="admin", subject="owner")
    anna = t.create_resource(name="Anna", timezone="Europe/Rome")
    t.set_weekly_hours(anna.id, {"mon": [("09:00", "13:00")]})
    cut = t.create_service(name="Haircut", duration=30, resources=[anna.id])
    slots = t.availability(cut.id, "2026-06-01", "2026-06-07")
    b = t.book(cut.id, start=slots[0].start, customer={"name": "Ada"})

Payments (Stripe) and notifications::

    t.configure_stripe(secret_key="sk_test_...", webhook_secret="whsec_...")
    co = t.start_checkout(b.id, success_url="https://...", cancel_url="https://...")
    # ... in the webhook endpoint, with the raw body and the request headers:
    t.handle_stripe_webhook(request_body, request_headers)
    for msg in eng.take_notifications():
        send_email(msg.to, msg.subject, msg.body, msg.ics)
        eng.mark_notification_sent(msg.id)

slotwise opens no sockets itself: start_checkout and refund take a
``transport`` callable for the HTTP request; the default,
``slotwise.urllib_transport``, makes a real HTTPS request with urllib.

Scopes: ``eng.scope(tenant_id, role=..., subject=...)`` needs a role
("admin", "staff" or "customer"; there is no default) and, for staff and
customers, the host's id of the signed-in user as ``subject``.

Times: instants are aware ``datetime`` (or RFC 3339 strings) and come back
as aware UTC datetimes; a naive datetime raises ``ValidationError``. Every
error is a ``slotwise.Error`` with ``.code``.
"""

from ._core import (
    Block,
    Booking,
    Checkout,
    CommitInDoubt,
    Customer,
    DeliveryFailure,
    DeliveryReport,
    Engine,
    EngineEvent,
    Error,
    ExpiredCheckouts,
    IdempotencyMismatch,
    InvalidTransition,
    NotConfigured,
    NotFound,
    Notification,
    PaymentSettings,
    PermissionDenied,
    Policy,
    PRESETS,
    Preset,
    ProviderError,
    QuotaExceeded,
    RateDecision,
    RateLimiter,
    Refund,
    Resource,
    Series,
    Service,
    SignatureInvalid,
    Slot,
    SlotUnavailable,
    StorageBusy,
    StorageError,
    TableCombination,
    TenantScope,
    UnmatchedPayment,
    ValidationError,
    WaitlistEntry,
    WebhookOutcome,
    __version__,
    evaluate_scenario,
)
from ._transport import urllib_transport

__all__ = [
    "Block",
    "Booking",
    "Checkout",
    "CommitInDoubt",
    "Customer",
    "DeliveryFailure",
    "DeliveryReport",
    "Engine",
    "EngineEvent",
    "Error",
    "ExpiredCheckouts",
    "IdempotencyMismatch",
    "InvalidTransition",
    "NotConfigured",
    "NotFound",
    "Notification",
    "PaymentSettings",
    "PermissionDenied",
    "Policy",
    "PRESETS",
    "Preset",
    "ProviderError",
    "QuotaExceeded",
    "RateDecision",
    "RateLimiter",
    "Refund",
    "Resource",
    "Series",
    "Service",
    "SignatureInvalid",
    "Slot",
    "SlotUnavailable",
    "StorageBusy",
    "StorageError",
    "TableCombination",
    "TenantScope",
    "UnmatchedPayment",
    "ValidationError",
    "WaitlistEntry",
    "WebhookOutcome",
    "evaluate_scenario",
    "urllib_transport",
]
