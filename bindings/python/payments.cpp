// Payments: the Checkout, Refund, PaymentSettings and WebhookOutcome values,
// the Python callable used as the HTTP transport, and TenantScope's payment
// calls (configure_stripe, payment_settings, start_checkout,
// handle_stripe_webhook, refund). slotwise opens no sockets: HTTP goes
// through a Python callable, by default slotwise/_transport.py (urllib).
#include "binding.hpp"

#include <stdexcept>

namespace slotwise::python {
namespace {

// A Python callable used as the `HttpTransport` of one call:
// transport(method: str, url: str, headers: dict, body: bytes) -> (status, body).
// The engine calls it from the thread that released the GIL, so it takes the
// GIL itself, and a Python exception inside it becomes a C++ exception while
// the GIL is held (no Python object travels through the engine); the
// exception is kept so that the resulting ProviderError can carry it as
// __cause__, and so that a KeyboardInterrupt or SystemExit is re-raised as
// itself. Lives on the binding's stack for the duration of one call (the
// engine takes the transport by reference and never keeps it), so every
// Python reference here is released with the GIL held.
class PythonTransport {
public:
    explicit PythonTransport(py::handle fn) {
        if (fn.is_none()) {
            fn_ = py::module_::import("slotwise._transport").attr("urllib_transport");
        } else {
            if (!PyCallable_Check(fn.ptr())) {
                invalid("transport", "expected a callable (method, url, headers, body) -> (status, body)");
            }
            fn_ = py::reinterpret_borrow<py::object>(fn);
        }
    }
    PythonTransport(const PythonTransport&) = delete;
    PythonTransport& operator=(const PythonTransport&) = delete;

    /// The engine's view of this callable; valid while `*this` lives.
    HttpTransport http() {
        return [this](const HttpRequest& r) { return call(r); };
    }

    /// Runs `f` without the GIL; an error that a Python exception in the
    /// transport caused is raised with that exception as its __cause__.
    template <class F>
    auto run(F&& f) -> decltype(f()) {
        try {
            return nogil(std::forward<F>(f));
        } catch (const Error& e) {
            if (!error_) throw;
            const py::object cause = std::move(error_);
            if (!PyErr_GivenExceptionMatches(cause.ptr(), PyExc_Exception)) {
                // KeyboardInterrupt, SystemExit: not the provider's fault.
                PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(cause.ptr())), cause.ptr());
                throw py::error_already_set();
            }
            raise_with_cause(e, cause);
        }
    }

private:
    HttpResponse call(const HttpRequest& r) {
        py::gil_scoped_acquire gil;
        py::object result;
        try {
            py::dict headers;
            for (const auto& [name, value] : r.headers) headers[py::str(name)] = py::str(value);
            result = fn_(py::str(r.method), py::str(r.url), headers,
                         py::bytes(r.body.data(), static_cast<py::ssize_t>(r.body.size())));
        } catch (py::error_already_set& e) {
            error_ = e.value();
            // The provider turns this into provider_error ("could not be reached").
            throw std::runtime_error(e.what());
        }
        return to_response(result);
    }

    static HttpResponse to_response(py::handle result) {
        const std::string expected = "the transport to return (status: int, body: bytes | str)";
        if ((!PyTuple_Check(result.ptr()) && !PyList_Check(result.ptr())) || py::len(result) != 2) {
            invalid("transport", "expected " + expected + ", got " + Py_TYPE(result.ptr())->tp_name);
        }
        const auto items = py::reinterpret_borrow<py::sequence>(result);
        HttpResponse out;
        out.status = static_cast<int>(to_integer(items[0], "transport.status", 0, 999));
        const py::object body = items[1];
        if (PyBytes_Check(body.ptr())) {
            out.body.assign(PyBytes_AS_STRING(body.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(body.ptr())));
        } else if (PyByteArray_Check(body.ptr())) {
            out.body.assign(PyByteArray_AS_STRING(body.ptr()), static_cast<std::size_t>(PyByteArray_GET_SIZE(body.ptr())));
        } else if (PyUnicode_Check(body.ptr())) {
            out.body = to_text(body, "transport.body");
        } else if (!body.is_none()) {
            invalid("transport.body", "expected bytes or str, got " + std::string(Py_TYPE(body.ptr())->tp_name));
        }
        return out;
    }

    py::object fn_;
    py::object error_;  // the exception the callable raised, if any; touched only with the GIL
};

// Raw bytes of a webhook body: bytes, bytearray, memoryview (any contiguous
// buffer), or str (encoded as UTF-8; pass the raw bytes when you have them,
// the signature is over exactly what Stripe sent).
std::string to_payload(py::handle h, const std::string& field) {
    if (PyUnicode_Check(h.ptr())) return to_text(h, field);
    if (!PyObject_CheckBuffer(h.ptr())) {
        invalid(field, std::string("expected bytes (the raw request body), got ") + Py_TYPE(h.ptr())->tp_name);
    }
    Py_buffer view;
    if (PyObject_GetBuffer(h.ptr(), &view, PyBUF_SIMPLE) != 0) {
        PyErr_Clear();
        invalid(field, "expected a contiguous bytes-like object");
    }
    std::string out(static_cast<const char*>(view.buf), static_cast<std::size_t>(view.len));
    PyBuffer_Release(&view);
    return out;
}

// A header name or value: str (as UTF-8) or bytes (as is, e.g. from ASGI).
std::string to_header_text(py::handle h, const std::string& field) {
    if (PyBytes_Check(h.ptr())) {
        return {PyBytes_AS_STRING(h.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(h.ptr()))};
    }
    if (!PyUnicode_Check(h.ptr())) {
        invalid(field, std::string("expected str or bytes, got ") + Py_TYPE(h.ptr())->tp_name);
    }
    return to_text(h, field);
}

// Request headers as pairs, every one kept in order: a dict or any mapping
// with .items() (Flask, Django and Starlette headers objects), or a sequence
// of (name, value) pairs (an ASGI scope's "headers"). Names are matched
// case-insensitively by the engine.
Headers to_headers(py::handle h, const std::string& field) {
    py::object pairs;
    if (PyList_Check(h.ptr()) || PyTuple_Check(h.ptr())) {
        pairs = py::reinterpret_borrow<py::object>(h);
    } else if (PyDict_Check(h.ptr()) || py::hasattr(h, "items")) {
        try {
            pairs = py::list(h.attr("items")());
        } catch (py::error_already_set& e) {
            invalid(field, e.what());
        }
    } else {
        invalid(field, std::string("expected a dict of request headers, got ") + Py_TYPE(h.ptr())->tp_name);
    }
    Headers out;
    const auto seq = py::reinterpret_borrow<py::sequence>(pairs);
    for (std::size_t i = 0; i < seq.size(); ++i) {
        const auto name = field + "[" + std::to_string(i) + "]";
        const py::object pair = seq[i];
        if ((!PyTuple_Check(pair.ptr()) && !PyList_Check(pair.ptr())) || py::len(pair) != 2) {
            invalid(name, "expected a (name, value) pair");
        }
        const auto kv = py::reinterpret_borrow<py::sequence>(pair);
        out.emplace_back(to_header_text(kv[0], name + "[0]"), to_header_text(kv[1], name + "[1]"));
    }
    return out;
}

std::string checkout_repr(const Checkout& c) {
    return "Checkout(id=" + repr_text(c.id) + ", url=" + repr_text(c.url) + ")";
}

}  // namespace

void bind_payments(py::module_& m) {
    // Values --------------------------------------------------------------------------
    py::class_<Checkout>(m, "Checkout", R"(A hosted checkout page (Stripe Checkout Session). Returned by
``TenantScope.start_checkout``: send the customer to ``url``.)")
        .def_property_readonly("id", [](const Checkout& c) { return c.id; }, R"(The provider's session id ("cs_...").)")
        .def_property_readonly("url", [](const Checkout& c) { return c.url; }, R"(Where to send the customer to pay.)")
        .def("__eq__", [](const Checkout& a, const Checkout& b) { return a.id == b.id && a.url == b.url; },
             py::is_operator())
        .def("__ne__", [](const Checkout& a, const Checkout& b) { return !(a.id == b.id && a.url == b.url); },
             py::is_operator())
        .def("__repr__", &checkout_repr);

    py::class_<Refund>(m, "Refund", R"(The provider's answer to ``TenantScope.refund``.)")
        .def_property_readonly("id", [](const Refund& r) { return r.id; }, R"(The provider's refund id ("re_...").)")
        .def_property_readonly("status", [](const Refund& r) { return r.status; },
                               R"(The provider's status, e.g. "succeeded" or "pending".)")
        .def("__repr__", [](const Refund& r) {
            return "Refund(id=" + repr_text(r.id) + ", status=" + repr_text(r.status) + ")";
        });

    py::class_<PaymentSettingsSummary>(m, "PaymentSettings", R"(A tenant's payment settings as any API shows them: never a secret.
Returned by ``TenantScope.payment_settings``.)")
        .def_property_readonly("provider", [](const PaymentSettingsSummary& p) { return p.provider; },
                               R"("stripe".)")
        .def_property_readonly("key_hint", [](const PaymentSettingsSummary& p) { return p.key_hint; },
                               R"(The key's public prefix and at most its last four characters (never more than a third of what follows the prefix), e.g. "sk_test_…4242".)")
        .def_property_readonly("live", [](const PaymentSettingsSummary& p) { return p.live; },
                               R"(True for a live key, False for a test key.)")
        .def("__repr__", [](const PaymentSettingsSummary& p) {
            return "PaymentSettings(provider=" + repr_text(p.provider) + ", key_hint=" + repr_text(p.key_hint) +
                   ", live=" + (p.live ? "True" : "False") + ")";
        });

    py::class_<WebhookOutcome>(m, "WebhookOutcome", R"(What ``TenantScope.handle_webhook`` (or ``handle_stripe_webhook``) did with a verified event.

Answer the webhook with HTTP 200 whenever this is returned (also for a
duplicate: Stripe retries until it gets a 2xx).)")
        .def_property_readonly("event_id", [](const WebhookOutcome& o) { return o.event_id; },
                               R"(The provider's event id ("evt_...").)")
        .def_property_readonly("type", [](const WebhookOutcome& o) { return o.type; },
                               R"(The event type, e.g. "checkout.session.completed".)")
        .def_property_readonly("duplicate", [](const WebhookOutcome& o) { return o.duplicate; },
                               R"(True when this event id was already applied: nothing changed.)")
        .def_property_readonly("booking",
                               [](const WebhookOutcome& o) { return o.booking ? py::cast(*o.booking) : py::object(py::none()); },
                               R"(The booking after the event when it names one of this tenant's bookings, else None
(also None for a duplicate).)")
        .def_property_readonly("applied", [](const WebhookOutcome& o) { return o.applied; },
                               R"(True when the event changed the booking (confirmed it, released its hold, flagged or marked a refund).)")
        .def_property_readonly("ignored_because", [](const WebhookOutcome& o) { return text_or_none(o.ignored_because); },
                               R"(Why a new event changed nothing (e.g. it names no booking of this tenant, or not the amount due); None when it was applied or is a duplicate.)")
        .def("__repr__", [](const WebhookOutcome& o) {
            return "WebhookOutcome(event_id=" + repr_text(o.event_id) + ", type=" + repr_text(o.type) +
                   ", duplicate=" + (o.duplicate ? "True" : "False") +
                   ", applied=" + (o.applied ? "True" : "False") +
                   ", ignored_because=" + (o.ignored_because.empty() ? "None" : repr_text(o.ignored_because)) +
                   ", booking=" + (o.booking ? repr_text(o.booking->id.value) : std::string("None")) + ")";
        });

    py::class_<UnmatchedPayment>(m, "UnmatchedPayment", R"(A verified payment the engine could not apply: owed back to the
customer. Listed by ``TenantScope.unmatched_payments``.)")
        .def_property_readonly("event_id", [](const UnmatchedPayment& p) { return p.event_id; },
                               R"(The provider's event id ("evt_...").)")
        .def_property_readonly("provider", [](const UnmatchedPayment& p) { return p.provider; }, R"("stripe".)")
        .def_property_readonly("reference", [](const UnmatchedPayment& p) { return text_or_none(p.reference); },
                               R"(The payment ("pi_..."), or None when the event names none.)")
        .def_property_readonly("amount",
                               [](const UnmatchedPayment& p) { return p.amount ? py::cast(*p.amount) : py::object(py::none()); },
                               R"(The amount in minor units, or None when the event says none.)")
        .def_property_readonly("currency", [](const UnmatchedPayment& p) { return text_or_none(p.currency); },
                               R"(Lowercase ISO 4217, or None when the event says none.)")
        .def_property_readonly("booking_id",
                               [](const UnmatchedPayment& p) { return p.booking ? py::cast(p.booking->value) : py::object(py::none()); },
                               R"(The booking the event names when it is one of this tenant's, else None.)")
        .def_property_readonly("reason", [](const UnmatchedPayment& p) { return p.reason; },
                               R"(Why it was not applied: "amount_mismatch", "no_amount", "unknown_session",
"already_paid", "slot_unavailable" or "no_booking".)")
        .def_property_readonly("received_at", [](const UnmatchedPayment& p) { return from_instant(p.received_at); },
                               R"(When the event arrived (aware UTC datetime).)")
        .def("__repr__", [](const UnmatchedPayment& p) {
            return "UnmatchedPayment(event_id=" + repr_text(p.event_id) + ", reason=" + repr_text(p.reason) +
                   ", amount=" + (p.amount ? std::to_string(*p.amount) : std::string("None")) +
                   ", currency=" + repr_text(p.currency) + ")";
        });

    py::class_<ExpiredCheckouts>(m, "ExpiredCheckouts", R"(What ``Engine.expire_checkouts`` did.)")
        .def_property_readonly("closed", [](const ExpiredCheckouts& e) { return e.closed; },
                               R"(How many checkout sessions were closed.)")
        .def_property_readonly("failed", [](const ExpiredCheckouts& e) {
                py::list out;
                for (const auto& f : e.failed) out.append(py::str(f));
                return out;
            },
                               R"(One "session id: error" per session the provider could not close (tried again 5 minutes later).)")
        .def("__repr__", [](const ExpiredCheckouts& e) {
            return "ExpiredCheckouts(closed=" + std::to_string(e.closed) + ", failed=" + std::to_string(e.failed.size()) + ")";
        });

    bound_class<Engine>(m, "Engine").def(
        "expire_checkouts",
        [](Engine& e, py::handle transport, py::handle limit) {
            const int n = limit.is_none() ? 100 : static_cast<int>(to_integer(limit, "limit", 1, 1000));
            PythonTransport t(transport);
            const auto http = t.http();
            return t.run([&] { return e.expire_checkouts(http, n); });
        },
        py::arg("transport") = py::none(), py::arg("limit") = py::none(),
        R"(expire_checkouts($self, transport=None, limit=100)
--

Closes, through each tenant's Stripe account, up to ``limit`` hosted checkouts
whose booking's hold has ended but which Stripe would keep open (Stripe takes
``expires_at`` only 30 minutes or more ahead). Call it from the worker that
delivers notifications, every minute or so. ``transport`` is as for
TenantScope.start_checkout. Returns ExpiredCheckouts (.closed .failed).)");

    auto scope = bound_class<TenantScope>(m, "TenantScope");
    scope.def(
        "unmatched_payments",
        [](TenantScope& s, py::handle limit) {
            const int n = limit.is_none() ? 100 : static_cast<int>(to_integer(limit, "limit", 1, 1000));
            py::list out;
            for (auto& p : s.unmatched_payments(n)) out.append(py::cast(std::move(p)));
            return out;
        },
        py::arg("limit") = py::none(),
        R"(unmatched_payments($self, limit=100)
--

Verified payments that could not be applied (a wrong amount or currency, an
unknown checkout session, a second payment of one booking, a slot gone, no
booking of this tenant), newest first, as UnmatchedPayment objects (admin).
Each is owed back to the customer.

Raises:
    PermissionDenied: not an admin.)");
    scope.def(
        "configure_stripe",
        [](TenantScope& s, py::handle secret_key, py::handle webhook_secret) {
            const auto key = to_text(secret_key, "secret_key");
            const auto secret = to_text(webhook_secret, "webhook_secret");
            nogil([&] { s.configure_stripe(key, secret); });
        },
        py::arg("secret_key"), py::arg("webhook_secret"),
        R"(configure_stripe($self, secret_key, webhook_secret)
--

Stores this tenant's Stripe keys (admin). Nothing ever reads them back.

Args:
    secret_key: the secret API key, "sk_test_..." or "sk_live_..." (a
        restricted "rk_..." key works too).
    webhook_secret: the webhook endpoint's signing secret, "whsec_...".

Raises ValidationError naming the field for a key of the wrong kind.)");
    scope.def(
        "payment_settings",
        [](TenantScope& s) {
            const auto summary = nogil([&] { return s.payment_settings(); });
            return summary ? py::cast(*summary) : py::object(py::none());
        },
        R"(payment_settings($self)
--

The tenant's payment provider and a hint of its key (admin): a PaymentSettings
(.provider .key_hint .live), never a secret; None when not configured.)");
    scope.def(
        "start_checkout",
        [](TenantScope& s, py::handle booking_id, py::handle success_url, py::handle cancel_url, py::handle transport) {
            const auto id = to_given_id<BookingId>(booking_id, "booking_id");
            const auto ok = to_text(success_url, "success_url");
            const auto back = to_text(cancel_url, "cancel_url");
            PythonTransport t(transport);
            const auto http = t.http();
            return t.run([&] { return s.start_checkout(id, ok, back, http); });
        },
        py::arg("booking_id"), py::arg("success_url"), py::arg("cancel_url"), py::arg("transport") = py::none(),
        R"(start_checkout($self, booking_id, success_url, cancel_url, transport=None)
--

Creates a Stripe Checkout Session for a pending paid booking and returns a
Checkout (.id .url): redirect the customer to ``url``.

The booking is confirmed only by the verified webhook that reports the
payment (handle_stripe_webhook), never by the customer returning to
success_url. Calling again for the same booking reuses Stripe's idempotency
key, and so the same session. The session expires with the booking's hold
where Stripe allows it (30 minutes to 24 hours ahead).

Args:
    booking_id: a booking that is "pending" with payment_status "pending".
    success_url, cancel_url: http(s) URLs Stripe sends the customer back to.
    transport: a callable ``transport(method: str, url: str, headers: dict,
        body: bytes) -> (status: int, body: bytes | str)`` that performs
        one HTTP request with the host's own client, timeouts and proxies;
        it is called in this thread, and a non-2xx status is an answer, not
        an exception. None uses slotwise.urllib_transport, which makes a
        real HTTPS request to api.stripe.com with urllib (30 s timeout).

Raises:
    InvalidTransition: the booking is not awaiting payment (free, confirmed,
        cancelled, or its hold has expired).
    ProviderError: the transport raised (the exception is ``__cause__``),
        or Stripe answered with an error status or a malformed body.
    NotConfigured: the tenant has no payment provider.
    ValidationError: a bad URL, or the transport returned something other
        than (status, body).)");
    scope.def(
        "handle_stripe_webhook",
        [](TenantScope& s, py::handle payload, py::handle headers) {
            const auto body = to_payload(payload, "payload");
            const auto hs = to_headers(headers, "headers");
            return nogil([&] { return s.handle_stripe_webhook(body, hs); });
        },
        py::arg("payload"), py::arg("headers"),
        R"(handle_stripe_webhook($self, payload, headers)
--

Verifies a Stripe webhook with this tenant's endpoint secret and applies its
event at most once; returns a WebhookOutcome (.event_id .type .duplicate
.applied .ignored_because .booking).

Args:
    payload: the raw request body, bytes exactly as received (a str is
        encoded as UTF-8; re-serialised JSON will not verify).
    headers: the request headers: a dict or any mapping with .items() (names
        are matched case-insensitively; str or bytes values), or a list of
        (name, value) pairs. Only "Stripe-Signature" is read.

``checkout.session.completed`` with payment_status "paid" (or
``checkout.session.async_payment_succeeded``) confirms the booking named in
the session's metadata, within this scope's tenant only, and queues its
confirmation; a payment arriving after the hold expired confirms if the slot
is still free, else sets payment_status "refund_due" and queues a refund_due
notification. ``checkout.session.expired`` and ``async_payment_failed``
release the hold; ``charge.refunded`` marks the booking "refunded". Any
role may call it: the signature is the authentication.

Raises:
    SignatureInvalid: the Stripe-Signature header is missing, does not match,
        or is older (or newer) than 300 s by the engine's clock. Nothing is
        recorded: answer 400.
    NotConfigured: Stripe is not configured for this tenant.
    ValidationError: the verified payload is not a Stripe event.)");
    scope.def(
        "handle_webhook",
        [](TenantScope& s, py::handle payload, py::handle headers) {
            const auto body = to_payload(payload, "payload");
            const auto hs = to_headers(headers, "headers");
            return nogil([&] { return s.handle_webhook(body, hs); });
        },
        py::arg("payload"), py::arg("headers"),
        R"(handle_webhook($self, payload, headers)
--

Verifies a webhook with the tenant's configured payment provider (its own
signature header and endpoint secret) and applies its event at most once;
returns a WebhookOutcome (.event_id .type .duplicate .applied
.ignored_because .booking). Arguments, rules and errors are those of
handle_stripe_webhook, for whichever provider the tenant uses: point every
tenant's endpoint here when you do not want to name the provider.

Raises:
    SignatureInvalid: the signature is missing, wrong or stale. Answer 400.
    NotConfigured: the tenant has no payment provider.
    ValidationError: the verified payload is not an event of the provider.)");
    scope.def(
        "refund",
        [](TenantScope& s, py::handle booking_id, py::handle transport) {
            const auto id = to_given_id<BookingId>(booking_id, "booking_id");
            PythonTransport t(transport);
            const auto http = t.http();
            return t.run([&] { return s.refund(id, http); });
        },
        py::arg("booking_id"), py::arg("transport") = py::none(),
        R"(refund($self, booking_id, transport=None)
--

Asks Stripe to refund a booking whose payment_status is "refund_due" (admin
or staff) and returns the provider's Refund (.id .status). The booking turns
"refunded" when Stripe says the refund succeeded (in this answer or a later
webhook), "refund_pending" while it is pending. ``transport``
is as for start_checkout (None makes a real HTTPS request).

Raises:
    InvalidTransition: the booking is not "refund_due".
    ProviderError: the transport raised or Stripe refused.)");
}

}  // namespace slotwise::python
