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

Times: instants are aware ``datetime`` (or RFC 3339 strings) and come back
as aware UTC datetimes; a naive datetime raises ``ValidationError``. Every
error is a ``slotwise.Error`` with ``.code``.
"""

from ._core import (
    Block,
    Booking,
    Checkout,
    Customer,
    Engine,
    Error,
    IdempotencyMismatch,
    InvalidTransition,
    NotFound,
    Notification,
    PaymentSettings,
    PermissionDenied,
    ProviderError,
    Refund,
    Resource,
    Service,
    SignatureInvalid,
    Slot,
    SlotUnavailable,
    StorageBusy,
    StorageError,
    TenantScope,
    ValidationError,
    WebhookOutcome,
    __version__,
    evaluate_scenario,
)
from ._transport import urllib_transport

__all__ = [
    "Block",
    "Booking",
    "Checkout",
    "Customer",
    "Engine",
    "Error",
    "IdempotencyMismatch",
    "InvalidTransition",
    "NotFound",
    "Notification",
    "PaymentSettings",
    "PermissionDenied",
    "ProviderError",
    "Refund",
    "Resource",
    "Service",
    "SignatureInvalid",
    "Slot",
    "SlotUnavailable",
    "StorageBusy",
    "StorageError",
    "TenantScope",
    "ValidationError",
    "WebhookOutcome",
    "evaluate_scenario",
    "urllib_transport",
]
