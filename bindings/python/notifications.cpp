// Notifications: the Notification value and the outbox — Engine's
// take_notifications / mark_notification_sent / deliver_notifications (with
// a Python callable as the notifier) and TenantScope.notifications.
#include "binding.hpp"

#include <stdexcept>

namespace slotwise::python {

std::string repr(const Notification& n) {
    return "Notification(id=" + repr_text(n.id) + ", kind=" + repr_text(std::string(to_string(n.kind))) +
           ", booking_id=" + repr_text(n.booking.value) + ", locale=" + repr_text(n.locale) +
           ", to=" + (n.to.empty() ? "None" : repr_text(n.to)) + ", subject=" + repr_text(n.subject) +
           ", attempts=" + std::to_string(n.attempts) +
           ", sent_at=" + (n.sent_at ? format_instant(*n.sent_at) : std::string("None")) + ")";
}

namespace {

// A Python callable as the engine's `Notifier`, for one deliver_notifications
// call (on its stack, like PythonTransport). An `Exception` from it counts as
// a failed send (retried after the backoff); a KeyboardInterrupt or
// SystemExit stops the delivery and is re-raised once the engine returns.
class PythonNotifier final : public Notifier {
public:
    explicit PythonNotifier(py::handle fn) : fn_(py::reinterpret_borrow<py::object>(fn)) {
        if (!PyCallable_Check(fn.ptr())) invalid("notifier", "expected a callable taking a Notification");
    }

    void send(const Notification& n) override {
        py::gil_scoped_acquire gil;
        if (interrupt_) throw std::runtime_error("delivery interrupted");
        try {
            fn_(py::cast(n));
        } catch (py::error_already_set& e) {
            if (!e.matches(PyExc_Exception)) interrupt_ = e.value();
            throw std::runtime_error(describe(e));
        }
    }

    /// Re-raises a KeyboardInterrupt or SystemExit seen while sending.
    void reraise_interrupt() {
        if (!interrupt_) return;
        const py::object e = std::move(interrupt_);
        PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(e.ptr())), e.ptr());
        throw py::error_already_set();
    }

private:
    // "OSError: smtp down": the exception's class and message, without the
    // traceback pybind11 appends to what().
    static std::string describe(const py::error_already_set& e) {
        try {
            const std::string name = py::str(e.type().attr("__name__"));
            const std::string message = py::str(e.value());
            return message.empty() ? name : name + ": " + message;
        } catch (const py::error_already_set&) {
            return e.what();
        }
    }

    py::object fn_;
    py::object interrupt_;
};

}  // namespace

void bind_notifications(py::module_& m) {
    py::class_<Notification> notification(m, "Notification", R"(One message in the outbox, already rendered in the customer's language.

``kind`` is ``"booking_confirmed" "booking_cancelled" "booking_rescheduled"``,
``"refund_due"``, ``"booking_requested" "booking_rejected"`` or ``"waitlist_offer"``.
Send ``subject`` and ``body`` (plain text) to ``to``, attach
``ics`` (an RFC 5545 invitation, ``text/calendar; method=REQUEST`` or
``CANCEL``) when present, then call ``Engine.mark_notification_sent(id)``.)");
    notification.def_property_readonly("id", [](const Notification& n) { return n.id; }, R"(Opaque id (str).)")
        .def_property_readonly("kind", [](const Notification& n) { return std::string(to_string(n.kind)); },
                               R"("booking_confirmed", "booking_cancelled", "booking_rescheduled", "refund_due",
"booking_requested", "booking_rejected" or "waitlist_offer".)")
        .def_property_readonly("tenant_id", [](const Notification& n) { return n.tenant.value; },
                               R"(The tenant whose booking it is about.)")
        .def_property_readonly("booking_id", [](const Notification& n) { return n.booking.value; },
                               R"(The booking it is about.)")
        .def_property_readonly("locale", [](const Notification& n) { return n.locale; },
                               R"(The customer's locale ("en", "it", ...); subject and body are in its language.)")
        .def_property_readonly("to", [](const Notification& n) { return text_or_none(n.to); },
                               R"(The customer's email, or None when they gave none.)")
        .def_property_readonly("subject", [](const Notification& n) { return n.subject; }, R"(Subject line.)")
        .def_property_readonly("body", [](const Notification& n) { return n.body; }, R"(Plain-text body.)")
        .def_property_readonly("ics", [](const Notification& n) { return text_or_none(n.ics); },
                               R"(RFC 5545 invitation (METHOD:REQUEST, or CANCEL for a cancellation); None for refund_due,
booking_requested, booking_rejected and waitlist_offer (not appointments yet).)")
        .def_property_readonly("created_at", [](const Notification& n) { return from_instant(n.created_at); },
                               R"(When it was queued (engine clock): the moment of the change it reports.)")
        .def_property_readonly("attempts", [](const Notification& n) { return n.attempts; },
                               R"(How many times it has been taken.)")
        .def_property_readonly("sent_at", [](const Notification& n) { return from_instant(n.sent_at); },
                               R"(When it was marked sent, else None.)");
    equality(notification);

    py::class_<DeliveryFailure>(m, "DeliveryFailure", R"(A notification the notifier raised on; it is offered again after its backoff.)")
        .def_property_readonly("notification_id", [](const DeliveryFailure& f) { return f.notification_id; },
                               R"(The notification's id (str).)")
        .def_property_readonly("kind", [](const DeliveryFailure& f) { return std::string(to_string(f.kind)); },
                               R"(Its kind, e.g. "booking_confirmed".)")
        .def_property_readonly("error", [](const DeliveryFailure& f) { return f.error; },
                               R"(What the notifier raised, e.g. "OSError: smtp down".)")
        .def("__repr__", [](const DeliveryFailure& f) {
            return "DeliveryFailure(notification_id=" + repr_text(f.notification_id) +
                   ", kind=" + repr_text(std::string(to_string(f.kind))) + ", error=" + repr_text(f.error) + ")";
        });

    py::class_<DeliveryReport>(m, "DeliveryReport", R"(What ``Engine.deliver_notifications`` did: ``.sent`` and ``.failed``.)")
        .def_property_readonly("sent", [](const DeliveryReport& r) { return r.sent; },
                               R"(How many notifications were handed to the notifier and marked sent (int).)")
        .def_property_readonly("failed", [](const DeliveryReport& r) { return to_list(std::vector(r.failed)); },
                               R"(The ones the notifier raised on (list[DeliveryFailure]), offered again after their backoff.)")
        .def("__repr__", [](const DeliveryReport& r) {
            return "DeliveryReport(sent=" + std::to_string(r.sent) + ", failed=" + std::to_string(r.failed.size()) + ")";
        });

    auto engine = bound_class<Engine>(m, "Engine");
    engine.def(
        "take_notifications",
        [](Engine& e, py::handle limit) {
            const auto n = static_cast<int>(to_integer(limit, "limit", 1, 1000));
            return to_list(nogil([&] { return e.take_notifications(n); }));
        },
        py::arg("limit") = 100,
        R"(take_notifications($self, limit=100)
--

Leases up to ``limit`` (1..1000) due notifications of every tenant, oldest
first (list[Notification]).

Each one taken has its ``attempts`` raised and is not offered again until its
backoff passes (1 minute after the first attempt, doubling, at most 6 hours)
— unless marked sent first. Send each, then call mark_notification_sent;
one that is never marked comes back after its backoff (delivery is at least
once), so two workers never send the same row at the same time.)");
    engine.def(
        "mark_notification_sent",
        [](Engine& e, py::handle notification_id) {
            const auto id = to_text(notification_id, "notification_id");
            nogil([&] { e.mark_notification_sent(id); });
        },
        py::arg("notification_id"),
        R"(mark_notification_sent($self, notification_id)
--

Marks a taken notification as delivered: it is never offered again. Raises NotFound for an unknown id.)");
    engine.def(
        "deliver_notifications",
        [](Engine& e, py::handle notifier, py::handle limit) {
            PythonNotifier sender(notifier);
            const auto n = static_cast<int>(to_integer(limit, "limit", 1, 1000));
            auto report = nogil([&] { return e.deliver_notifications(sender, n); });
            sender.reraise_interrupt();
            return report;
        },
        py::arg("notifier"), py::arg("limit") = 100,
        R"(deliver_notifications($self, notifier, limit=100)
--

Takes up to ``limit`` due notifications (as take_notifications), calls
``notifier(notification)`` for each, in this thread, and marks the ones it
returned from as sent; returns a DeliveryReport: ``.sent`` (how many were
sent) and ``.failed`` (a DeliveryFailure for each one the notifier raised on:
``.notification_id .kind .error``).

An exception from ``notifier`` counts as a failed send: that notification is
offered again after its backoff and delivery goes on with the next one. A
KeyboardInterrupt or SystemExit stops the delivery and is re-raised (what was
not sent comes back after its backoff).)");

    auto scope = bound_class<TenantScope>(m, "TenantScope");
    scope.def(
        "notifications",
        [](TenantScope& s, py::handle booking_id) {
            const auto id = to_id<BookingId>(booking_id, "booking_id");
            return to_list(nogil([&] { return s.notifications(id); }));
        },
        py::arg("booking_id"),
        R"(notifications($self, booking_id)
--

The outbox rows about one booking, oldest first, sent or not (list[Notification]; admin or staff).)");
}

}  // namespace slotwise::python
