// slotwise._core — the compiled half of the Python package `slotwise`
// (contract: shared/PYTHON_API.md). The pure-Python `slotwise/__init__.py`
// re-exports everything here; `slotwise/__init__.pyi` types it.
//
// Threading: every call that touches storage or computes slots runs with the
// GIL released, so Python threads book in parallel and a thread waiting on the
// database lock never holds up the interpreter. The Python code the engine
// calls back — the optional clock, an HTTP transport, a notifier — takes the
// GIL itself (a transport's network wait happens inside it, no transaction
// open). No
// Python object is copied or destroyed while the GIL is released: the clock is
// held through a shared_ptr (copying an Engine or a scope only bumps an atomic
// count) and arguments are converted to C++ values before releasing.
//
// Layout: values (Customer, Resource, Service, Block, Booking; Slot is a
// native type in slot.cpp because availability() makes thousands), then
// Engine, then TenantScope, then module functions. Conversions and the
// exception classes are in convert.cpp. Payments and notifications
// (TenantScope.configure_stripe / start_checkout / handle_stripe_webhook /
// refund / notifications, Engine.take_notifications / mark_notification_sent /
// deliver_notifications, and the Checkout, Refund, PaymentSettings,
// WebhookOutcome and Notification values) are in `bind_payments`. slotwise
// opens no sockets: HTTP goes through a Python callable, by default
// slotwise/_transport.py (urllib).
#include "convert.hpp"

#include <slotwise/scenario.hpp>
#include <slotwise/sqlite.hpp>

#include <pybind11/pybind11.h>

#include <Python.h>

#include <array>
#include <chrono>
#include <memory>
#include <random>
#include <stdexcept>
#include <utility>
#include <sys/random.h>

#ifndef SLOTWISE_VERSION
#define SLOTWISE_VERSION "0.0.0"
#endif

namespace slotwise::python {
namespace {

// Runs `f` with the GIL released. `f` must not touch Python objects.
template <class F>
auto nogil(F&& f) -> decltype(f()) {
    py::gil_scoped_release release;
    return f();
}

// A list built from C++ values without the per-element overhead of
// pybind11/stl.h's generic caster.
template <class T>
py::list to_list(std::vector<T>&& values) {
    py::list out(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i),
                        py::cast(std::move(values[i]), py::return_value_policy::move).release().ptr());
    }
    return out;
}

py::list ids_to_list(const std::vector<ResourceId>& ids) {
    py::list out;
    for (const auto& id : ids) out.append(id.value);
    return out;
}

py::object text_or_none(const std::string& s) { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); }

std::string random_subject() {
    std::array<unsigned char, 12> bytes{};
    if (getrandom(bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
        std::random_device rd;
        for (auto& b : bytes) b = static_cast<unsigned char>(rd());
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "py_";
    for (auto b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

// --- the clock ----------------------------------------------------------------

// A Python callable used as the engine's clock. The engine calls it from
// threads that released the GIL (sometimes inside a write transaction), so it
// takes the GIL itself. A Python exception inside it is turned into a C++
// `Error` while the GIL is held: no Python object travels through the engine.
class PythonClock {
public:
    explicit PythonClock(py::object fn) : fn_(std::move(fn)) {}
    PythonClock(const PythonClock&) = delete;
    PythonClock& operator=(const PythonClock&) = delete;

    ~PythonClock() {
        if (!interpreter_alive()) {
            (void)fn_.release();  // at exit: leak rather than touch a dead interpreter
            return;
        }
        py::gil_scoped_acquire gil;
        fn_ = py::object();
    }

    Instant operator()() const {
        py::gil_scoped_acquire gil;
        py::object t;
        try {
            t = fn_();
        } catch (py::error_already_set& e) {
            invalid("clock", std::string("the clock raised ") + e.what());
        }
        return to_instant(t, "clock");
    }

private:
    static bool interpreter_alive() {
#if PY_VERSION_HEX >= 0x030D0000
        return Py_IsInitialized() && !Py_IsFinalizing();
#else
        return Py_IsInitialized() && !_Py_IsFinalizing();
#endif
    }
    py::object fn_;
};

Clock to_clock(py::handle fn) {
    if (fn.is_none()) return {};
    if (!PyCallable_Check(fn.ptr())) invalid("clock", "expected a callable returning an aware datetime");
    auto holder = std::make_shared<PythonClock>(py::reinterpret_borrow<py::object>(fn));
    return [holder] { return (*holder)(); };
}

// --- argument helpers -----------------------------------------------------------

// A non-empty id. Ids are opaque, but "" is always a mistake in the caller.
template <class Id>
Id to_given_id(py::handle h, const std::string& field) {
    auto id = to_id<Id>(h, field);
    if (id.empty()) invalid(field, "empty id");
    return id;
}

template <class Id>
std::optional<Id> to_optional_given_id(py::handle h, const std::string& field) {
    if (h.is_none()) return std::nullopt;
    return to_given_id<Id>(h, field);
}

std::string to_path(py::handle h, const std::string& field) {
    if (PyUnicode_Check(h.ptr())) return to_text(h, field);
    PyObject* fs = PyOS_FSPath(h.ptr());  // pathlib.Path and other os.PathLike
    if (fs == nullptr) {
        PyErr_Clear();
        invalid(field, std::string("expected a str or os.PathLike, got ") + Py_TYPE(h.ptr())->tp_name);
    }
    const auto path = py::reinterpret_steal<py::object>(fs);
    return to_text(path, field);
}

bool to_bool(py::handle h, const std::string& field) {
    if (!PyBool_Check(h.ptr())) invalid(field, std::string("expected a bool, got ") + Py_TYPE(h.ptr())->tp_name);
    return h.ptr() == Py_True;
}

// Local date range [from, to] checked with the Python argument names.
void check_dates(Date from, Date to, const std::string& from_field, const std::string& to_field) {
    const auto days = (date::sys_days{to} - date::sys_days{from}).count();
    if (days < 0) invalid(to_field, format_date(to) + " is before " + from_field + " " + format_date(from));
    if (days >= max_query_days) invalid(to_field, "range longer than " + std::to_string(max_query_days) + " days");
}

AvailabilityRequest to_availability_request(py::handle service_id, py::handle date_from, py::handle date_to,
                                            py::handle resources, py::handle seats) {
    AvailabilityRequest q;
    q.service = to_given_id<ServiceId>(service_id, "service_id");
    q.from = to_date(date_from, "date_from");
    q.to = to_date(date_to, "date_to");
    check_dates(q.from, q.to, "date_from", "date_to");
    if (!resources.is_none()) {
        q.resources = to_ids<ResourceId>(resources, "resources");
        if (q.resources.empty()) invalid("resources", "empty list; pass None for every resource linked to the service");
    }
    q.seats = static_cast<int>(to_integer(seats, "seats", 1, max_seats));
    return q;
}

// --- __repr__ -------------------------------------------------------------------

std::string repr(const Customer& c) {
    return "Customer(name=" + repr_text(c.name) + ", email=" + (c.email.empty() ? "None" : repr_text(c.email)) +
           ", phone=" + (c.phone.empty() ? "None" : repr_text(c.phone)) + ", locale=" + repr_text(c.locale) + ")";
}

std::string repr(const Resource& r) {
    return "Resource(id=" + repr_text(r.id.value) + ", name=" + repr_text(r.name) +
           ", timezone=" + repr_text(r.timezone) + ", capacity=" + std::to_string(r.capacity) +
           ", kind=" + repr_text(std::string(to_string(r.kind))) + ")";
}

std::string repr(const Service& s) {
    std::string resources = "[";
    for (std::size_t i = 0; i < s.resources.size(); ++i) {
        resources += (i ? ", " : "") + repr_text(s.resources[i].value);
    }
    resources += "]";
    return "Service(id=" + repr_text(s.id.value) + ", name=" + repr_text(s.name) +
           ", duration=" + std::to_string(s.duration.count()) + ", step=" + std::to_string(s.step.count()) +
           ", buffer_before=" + std::to_string(s.buffer_before.count()) +
           ", buffer_after=" + std::to_string(s.buffer_after.count()) + ", price=" + std::to_string(s.price) +
           ", currency=" + (s.currency.empty() ? "None" : repr_text(s.currency)) +
           ", min_notice=" + std::to_string(s.min_notice.count()) + ", horizon=" + std::to_string(s.horizon.count()) +
           ", hold_minutes=" + std::to_string(s.hold.count()) + ", resources=" + resources + ")";
}

std::string repr(const Block& b) {
    return "Block(id=" + repr_text(b.id.value) + ", resource_id=" + repr_text(b.resource.value) +
           ", start=" + format_instant(b.interval.begin) + ", end=" + format_instant(b.interval.end) +
           ", reason=" + repr_text(b.reason) + ")";
}

std::string repr(const Booking& b) {
    return "Booking(id=" + repr_text(b.id.value) + ", status=" + repr_text(std::string(to_string(b.status))) +
           ", payment_status=" + repr_text(std::string(to_string(b.payment_status))) +
           ", service_id=" + repr_text(b.service.value) + ", resource_id=" + repr_text(b.resource.value) +
           ", start=" + format_instant(b.interval.begin) + ", end=" + format_instant(b.interval.end) +
           ", seats=" + std::to_string(b.seats) +
           ", hold_expires_at=" + (b.hold_expires_at ? format_instant(*b.hold_expires_at) : std::string("None")) +
           ", customer=" + repr(b.customer) + ")";
}

std::string repr(const Notification& n) {
    return "Notification(id=" + repr_text(n.id) + ", kind=" + repr_text(std::string(to_string(n.kind))) +
           ", booking_id=" + repr_text(n.booking.value) + ", locale=" + repr_text(n.locale) +
           ", to=" + (n.to.empty() ? "None" : repr_text(n.to)) + ", subject=" + repr_text(n.subject) +
           ", attempts=" + std::to_string(n.attempts) +
           ", sent_at=" + (n.sent_at ? format_instant(*n.sent_at) : std::string("None")) + ")";
}

template <class T>
void equality(py::class_<T>& cls) {
    cls.def("__eq__", [](const T& a, const T& b) { return a == b; }, py::is_operator());
    cls.def("__ne__", [](const T& a, const T& b) { return !(a == b); }, py::is_operator());
    cls.def("__repr__", [](const T& v) { return repr(v); });
}

// --- values -----------------------------------------------------------------------

void bind_values(py::module_& m) {
    py::class_<Customer> customer(m, "Customer", R"(Who booked: name, and optionally email, phone and locale.

Pass a ``Customer`` or a plain dict ``{"name", "email", "phone", "locale"}`` as
``customer=`` to ``TenantScope.book``. ``email`` and ``phone`` read as None when
not given; ``locale`` is ``"en"`` unless set (``"it"`` is the other language
messages are written in).)");
    customer.def(py::init([](py::handle name, py::handle email, py::handle phone, py::handle locale) {
                     py::dict d;
                     d["name"] = name;
                     d["email"] = email;
                     d["phone"] = phone;
                     d["locale"] = locale;
                     return to_customer(d, "customer");
                 }),
                 py::arg("name"), py::arg("email") = py::none(), py::arg("phone") = py::none(),
                 py::arg("locale") = "en",
                 R"(__init__($self, name, email=None, phone=None, locale='en')
--

A customer; its fields are checked when booking.)")
        .def_property_readonly("name", [](const Customer& c) { return c.name; }, R"(The customer's name.)")
        .def_property_readonly("email", [](const Customer& c) { return text_or_none(c.email); },
                               R"(Email address, or None.)")
        .def_property_readonly("phone", [](const Customer& c) { return text_or_none(c.phone); },
                               R"(Phone number, or None.)")
        .def_property_readonly("locale", [](const Customer& c) { return c.locale; },
                               R"(Language tag for messages, e.g. "en" or "it".)")
        .def("to_dict", [](const Customer& c) {
                 py::dict d;
                 d["name"] = c.name;
                 d["email"] = text_or_none(c.email);
                 d["phone"] = text_or_none(c.phone);
                 d["locale"] = c.locale;
                 return d;
             }, R"(to_dict($self)
--

The customer as a dict {name, email, phone, locale}, as book() accepts it.)");
    equality(customer);

    py::class_<Resource> resource(m, "Resource", R"(A stylist, room, machine or table: something with working hours
and a capacity that bookings occupy. Returned by ``TenantScope.create_resource``,
``get_resource`` and ``resources``.)");
    resource.def_property_readonly("id", [](const Resource& r) { return r.id.value; }, R"(Opaque id (str).)")
        .def_property_readonly("name", [](const Resource& r) { return r.name; }, R"(Display name.)")
        .def_property_readonly("timezone", [](const Resource& r) { return r.timezone; },
                               R"(IANA zone name; working hours are local to it.)")
        .def_property_readonly("capacity", [](const Resource& r) { return r.capacity; },
                               R"(Seats usable at once (1 for a stylist, 12 for a class).)")
        .def_property_readonly("kind", [](const Resource& r) { return std::string(to_string(r.kind)); },
                               R"("staff", "room", "equipment" or "table".)");
    equality(resource);

    py::class_<Service> service(m, "Service", R"(Something bookable and its rules. All lengths are whole minutes.
Returned by ``TenantScope.create_service``, ``get_service`` and ``services``.)");
    service.def_property_readonly("id", [](const Service& s) { return s.id.value; }, R"(Opaque id (str).)")
        .def_property_readonly("name", [](const Service& s) { return s.name; }, R"(Display name.)")
        .def_property_readonly("duration", [](const Service& s) { return s.duration.count(); },
                               R"(Length of the appointment, minutes.)")
        .def_property_readonly("step", [](const Service& s) { return s.step.count(); },
                               R"(Spacing of candidate starts, minutes.)")
        .def_property_readonly("buffer_before", [](const Service& s) { return s.buffer_before.count(); },
                               R"(Preparation reserved before the appointment, minutes.)")
        .def_property_readonly("buffer_after", [](const Service& s) { return s.buffer_after.count(); },
                               R"(Clean-up reserved after the appointment, minutes.)")
        .def_property_readonly("price", [](const Service& s) { return s.price; },
                               R"(Price in minor units (cents); 0 = free.)")
        .def_property_readonly("currency", [](const Service& s) { return text_or_none(s.currency); },
                               R"(ISO 4217 code such as "EUR", or None.)")
        .def_property_readonly("min_notice", [](const Service& s) { return s.min_notice.count(); },
                               R"(A slot must start at least this many minutes from now.)")
        .def_property_readonly("horizon", [](const Service& s) { return s.horizon.count(); },
                               R"(A slot must start within this many minutes from now; 0 = no limit.)")
        .def_property_readonly("hold_minutes", [](const Service& s) { return s.hold.count(); },
                               R"(How long a pending paid booking holds its slot, minutes.)")
        .def_property_readonly("resources", [](const Service& s) { return ids_to_list(s.resources); },
                               R"(Ids of the resources that perform it (list of str).)");
    equality(service);

    register_slot_type(m);  // native, see slot.cpp

    py::class_<Block> block(m, "Block", R"(Time off for one resource ``[start, end)``; it takes every seat.)");
    block.def_property_readonly("id", [](const Block& b) { return b.id.value; }, R"(Opaque id (str).)")
        .def_property_readonly("resource_id", [](const Block& b) { return b.resource.value; },
                               R"(The resource that is off.)")
        .def_property_readonly("start", [](const Block& b) { return from_instant(b.interval.begin); },
                               R"(Start, aware datetime in UTC.)")
        .def_property_readonly("end", [](const Block& b) { return from_instant(b.interval.end); },
                               R"(End, aware datetime in UTC.)")
        .def_property_readonly("reason", [](const Block& b) { return b.reason; }, R"(Free text, may be "".)");
    equality(block);

    py::class_<Booking> booking(m, "Booking", R"(A booking as read at the moment of the call.

``status`` is one of ``"pending" "confirmed" "cancelled" "expired"`` (a pending
booking whose hold has passed reads ``"expired"``); ``payment_status`` one of
``"none" "pending" "paid" "refund_due" "refunded" "failed"``. Times are aware
UTC datetimes.)");
    booking.def_property_readonly("id", [](const Booking& b) { return b.id.value; }, R"(Opaque id (str).)")
        .def_property_readonly("service_id", [](const Booking& b) { return b.service.value; },
                               R"(The service booked.)")
        .def_property_readonly("resource_id", [](const Booking& b) { return b.resource.value; },
                               R"(The resource that performs it.)")
        .def_property_readonly("start", [](const Booking& b) { return from_instant(b.interval.begin); },
                               R"(Start of the appointment, aware datetime in UTC.)")
        .def_property_readonly("end", [](const Booking& b) { return from_instant(b.interval.end); },
                               R"(End of the appointment, aware datetime in UTC.)")
        .def_property_readonly("seats", [](const Booking& b) { return b.seats; }, R"(Seats taken.)")
        .def_property_readonly("status", [](const Booking& b) { return std::string(to_string(b.status)); },
                               R"("pending", "confirmed", "cancelled" or "expired".)")
        .def_property_readonly("payment_status",
                               [](const Booking& b) { return std::string(to_string(b.payment_status)); },
                               R"("none", "pending", "paid", "refund_due", "refunded" or "failed".)")
        .def_property_readonly("hold_expires_at", [](const Booking& b) { return from_instant(b.hold_expires_at); },
                               R"(When a pending paid booking stops holding its slot (aware datetime), else None.)")
        .def_property_readonly("customer", [](const Booking& b) { return b.customer; }, R"(Who booked (Customer).)")
        .def_property_readonly("buffer_before", [](const Booking& b) { return b.buffer_before.count(); },
                               R"(Minutes reserved before start, as the service had when booked.)")
        .def_property_readonly("buffer_after", [](const Booking& b) { return b.buffer_after.count(); },
                               R"(Minutes reserved after end, as the service had when booked.)")
        .def_property_readonly("idempotency_key", [](const Booking& b) { return text_or_none(b.idempotency_key); },
                               R"(The key it was booked with, or None.)")
        .def_property_readonly("created_by", [](const Booking& b) { return b.created_by; },
                               R"(The subject of the scope that booked it.)")
        .def_property_readonly("created_at", [](const Booking& b) { return from_instant(b.created_at); },
                               R"(When it was booked (engine clock).)")
        .def_property_readonly("updated_at", [](const Booking& b) { return from_instant(b.updated_at); },
                               R"(When it last changed (engine clock).)")
        .def_property_readonly("checkout_id", [](const Booking& b) { return text_or_none(b.checkout_id); },
                               R"(The provider's checkout session id (Stripe "cs_..."), once a checkout was started or a payment event named it; else None.)")
        .def_property_readonly("payment_reference", [](const Booking& b) { return text_or_none(b.payment_reference); },
                               R"(The provider's payment id (Stripe payment intent "pi_..."), once a payment event named it; else None.)");
    equality(booking);
}

// --- Engine ---------------------------------------------------------------------

void bind_engine(py::module_& m) {
    py::class_<Engine>(m, "Engine", R"(The booking engine over one database.

Open with ``Engine.open_sqlite(path)``; create tenants; act inside a tenant
through ``scope()``. One engine may be used from many threads at once (calls
release the GIL), and many processes may open the same file.

Example::

    eng = slotwise.Engine.open_sqlite("bookings.db")
    tid = eng.create_tenant("Salon Bella")
    t = eng.scope(tid, role="admin"))")
        .def_static(
            "open_sqlite",
            [](py::handle path, py::handle clock, py::handle busy_timeout_ms, py::handle synchronous_full) {
                SqliteOptions options;
                options.path = to_path(path, "path");
                options.busy_timeout = std::chrono::milliseconds{
                    to_integer(busy_timeout_ms, "busy_timeout_ms", 0, 24LL * 3600 * 1000)};
                options.synchronous_full = to_bool(synchronous_full, "synchronous_full");
                Clock c = to_clock(clock);
                return nogil([&] { return Engine(open_sqlite(options), std::move(c)); });
            },
            py::arg("path"), py::arg("clock") = py::none(), py::arg("busy_timeout_ms") = 30000,
            py::arg("synchronous_full") = false,
            R"(open_sqlite(path, clock=None, busy_timeout_ms=30000, synchronous_full=False)
--

Opens (creating and migrating when needed) a SQLite database.

Args:
    path: a file path (str or os.PathLike), or ":memory:" for a private
        in-process database.
    clock: optional callable returning an aware datetime: the engine's "now"
        for minimum notice, horizon and hold expiry. Called from any thread
        that uses the engine, with the GIL held; it must not call the engine.
        Without it, the system clock.
    busy_timeout_ms: how long a writer waits for another writer's lock before
        raising StorageBusy.
    synchronous_full: fsync on every commit (survives power loss, slower).

Raises:
    StorageError: the file cannot be opened or is not a slotwise database.)")
        .def(
            "create_tenant",
            [](Engine& e, py::handle name) {
                const auto n = to_text(name, "name");
                return nogil([&] { return e.create_tenant(n); }).id.value;
            },
            py::arg("name"), R"(create_tenant($self, name)
--

Creates a client business and returns its new id (str).)")
        .def(
            "scope",
            [](const Engine& e, py::handle tenant_id, py::handle role, py::handle subject) {
                Principal p;
                p.tenant = to_given_id<TenantId>(tenant_id, "tenant_id");
                p.role = to_role(role, "role");
                p.subject = subject.is_none() ? random_subject() : to_text(subject, "subject");
                if (p.subject.empty()) invalid("subject", "must not be empty");
                return nogil([&] { return e.scope(p); });
            },
            py::arg("tenant_id"), py::arg("role") = "admin", py::arg("subject") = py::none(),
            R"(scope($self, tenant_id, role='admin', subject=None)
--

A scope acting inside one tenant: what the host app builds from its own
authenticated session.

Args:
    tenant_id: the tenant, as returned by create_tenant.
    role: "admin" (catalogue and every booking), "staff" (every booking,
        time off; reads the catalogue) or "customer" (availability, and
        booking, reading and cancelling its own bookings).
    subject: who acts (the host's user id). A customer scope sees exactly
        the bookings made under its subject. When None, a new unique
        subject is generated for this scope object, so that bookings made
        through it are its own and no other scope's.

Raises:
    NotFound: no such tenant.
    ValidationError: unknown role, empty id.)")
        .def("now", [](const Engine& e) { return from_instant(nogil([&] { return e.now(); })); },
             R"(now($self)
--

The engine's current time (the clock's, if one was given), aware UTC datetime.)")
        .def("__repr__", [](const Engine&) { return std::string("<slotwise.Engine>"); });
}

// --- TenantScope ------------------------------------------------------------------

void bind_scope(py::module_& m) {
    py::class_<TenantScope> scope(m, "TenantScope", R"(Everything one principal can do within its tenant.

Obtain from ``Engine.scope(tenant_id, role=...)``. Every call sees only this
tenant's data: an id of another tenant behaves exactly like one that does not
exist (NotFound). Catalogue changes need role "admin" (PermissionDenied
otherwise); a "customer" scope sees and changes only the bookings it made.
Safe to share between threads. Every storage call releases the GIL.)");

    scope.def_property_readonly("tenant_id", [](const TenantScope& s) { return s.principal().tenant.value; },
                                R"(The tenant this scope acts in.)")
        .def_property_readonly("role", [](const TenantScope& s) { return std::string(to_string(s.principal().role)); },
                               R"("admin", "staff" or "customer".)")
        .def_property_readonly("subject", [](const TenantScope& s) { return s.principal().subject; },
                               R"(Who this scope acts as (given, or generated when the scope was made).)")
        .def("__repr__", [](const TenantScope& s) {
            const auto& p = s.principal();
            return "<slotwise.TenantScope tenant_id=" + repr_text(p.tenant.value) +
                   " role=" + repr_text(std::string(to_string(p.role))) + " subject=" + repr_text(p.subject) + ">";
        });

    // Catalogue -----------------------------------------------------------------
    scope.def(
        "create_resource",
        [](TenantScope& s, py::handle name, py::handle timezone, py::handle capacity, py::handle kind) {
            NewResource r;
            r.name = to_text(name, "name");
            r.timezone = to_text(timezone, "timezone");
            r.capacity = static_cast<int>(to_integer(capacity, "capacity", 1, max_seats));
            r.kind = parse_resource_kind(to_text(kind, "kind"), "kind");
            return nogil([&] { return s.create_resource(r); });
        },
        py::arg("name"), py::arg("timezone"), py::arg("capacity") = 1, py::arg("kind") = "staff",
        R"(create_resource($self, name, timezone, capacity=1, kind='staff')
--

Creates a resource (admin) and returns it.

Args:
    name: display name.
    timezone: IANA zone, e.g. "Europe/Rome"; working hours are local to it.
    capacity: seats usable at once (1 for a stylist, 12 for a class).
    kind: "staff", "room", "equipment" or "table".

A new resource has no working hours: set them with set_weekly_hours.)");
    scope.def(
        "update_resource",
        [](TenantScope& s, py::handle resource_id, py::handle name, py::handle timezone, py::handle capacity,
           py::handle kind) {
            const auto id = to_given_id<ResourceId>(resource_id, "resource_id");
            std::optional<std::string> new_name, new_zone, new_kind;
            std::optional<int> new_capacity;
            if (!name.is_none()) new_name = to_text(name, "name");
            if (!timezone.is_none()) new_zone = to_text(timezone, "timezone");
            if (!capacity.is_none()) new_capacity = static_cast<int>(to_integer(capacity, "capacity", 1, max_seats));
            std::optional<ResourceKind> k;
            if (!kind.is_none()) k = parse_resource_kind(to_text(kind, "kind"), "kind");
            return nogil([&] {
                Resource r = s.get_resource(id);
                if (new_name) r.name = *new_name;
                if (new_zone) r.timezone = *new_zone;
                if (new_capacity) r.capacity = *new_capacity;
                if (k) r.kind = *k;
                return s.update_resource(r);
            });
        },
        py::arg("resource_id"), py::kw_only(), py::arg("name") = py::none(), py::arg("timezone") = py::none(),
        py::arg("capacity") = py::none(), py::arg("kind") = py::none(),
        R"(update_resource($self, resource_id, *, name=None, timezone=None, capacity=None, kind=None)
--

Changes the given fields of a resource (admin) and returns it; None keeps a field.)");
    scope.def(
        "get_resource",
        [](TenantScope& s, py::handle resource_id) {
            const auto id = to_id<ResourceId>(resource_id, "resource_id");
            return nogil([&] { return s.get_resource(id); });
        },
        py::arg("resource_id"), R"(get_resource($self, resource_id)
--

A resource by id. Raises NotFound.)");
    scope.def(
        "resources", [](TenantScope& s) { return to_list(nogil([&] { return s.resources(); })); },
        R"(resources($self)
--

Every resource of the tenant (list[Resource]), ordered by id.)");
    scope.def(
        "set_weekly_hours",
        [](TenantScope& s, py::handle resource_id, py::handle hours) {
            const auto id = to_given_id<ResourceId>(resource_id, "resource_id");
            auto week = to_weekly_hours(hours, "hours");
            nogil([&] { s.set_weekly_hours(id, std::move(week)); });
        },
        py::arg("resource_id"), py::arg("hours"),
        R"(set_weekly_hours($self, resource_id, hours)
--

Replaces a resource's weekly working hours (admin).

Args:
    hours: {"mon": [("09:00", "13:00"), ("14:00", "18:00")], "sat": [...]};
        keys mon tue wed thu fri sat sun, local "HH:MM" pairs, an end may be
        "24:00". Days left out are closed. Windows of a day must not overlap.)");
    scope.def(
        "weekly_hours",
        [](TenantScope& s, py::handle resource_id) {
            const auto id = to_id<ResourceId>(resource_id, "resource_id");
            return from_weekly_hours(nogil([&] { return s.weekly_hours(id); }));
        },
        py::arg("resource_id"), R"(weekly_hours($self, resource_id)
--

A resource's weekly hours: {"mon": [("09:00", "13:00")], ..., "sun": []}.)");
    scope.def(
        "set_date_override",
        [](TenantScope& s, py::handle resource_id, py::handle day, py::handle windows) {
            const auto id = to_given_id<ResourceId>(resource_id, "resource_id");
            const auto d = to_date(day, "day");
            auto ws = to_windows(windows, "windows");
            nogil([&] { s.set_date_override(id, d, std::move(ws)); });
        },
        py::arg("resource_id"), py::arg("day"), py::arg("windows"),
        R"(set_date_override($self, resource_id, day, windows)
--

Sets the working windows of one local date, replacing the weekly ones (admin).

Args:
    day: datetime.date or "YYYY-MM-DD".
    windows: [("09:00", "12:00")]; [] closes the day.)");
    scope.def(
        "clear_date_override",
        [](TenantScope& s, py::handle resource_id, py::handle day) {
            const auto id = to_given_id<ResourceId>(resource_id, "resource_id");
            const auto d = to_date(day, "day");
            nogil([&] { s.clear_date_override(id, d); });
        },
        py::arg("resource_id"), py::arg("day"),
        R"(clear_date_override($self, resource_id, day)
--

Removes a date's override (admin); the weekly hours apply again. NotFound when there is none.)");
    scope.def(
        "date_overrides",
        [](TenantScope& s, py::handle resource_id, py::handle date_from, py::handle date_to) {
            const auto id = to_id<ResourceId>(resource_id, "resource_id");
            const auto from = to_date(date_from, "date_from");
            const auto to = to_date(date_to, "date_to");
            check_dates(from, to, "date_from", "date_to");
            const auto overrides = nogil([&] { return s.date_overrides(id, from, to); });
            py::dict out;
            for (const auto& [day, ws] : overrides) out[from_date(day)] = from_windows(ws);
            return out;
        },
        py::arg("resource_id"), py::arg("date_from"), py::arg("date_to"),
        R"(date_overrides($self, resource_id, date_from, date_to)
--

Overrides of local dates in [date_from, date_to]: {datetime.date: [("09:00", "12:00")], ...}.)");
    scope.def(
        "add_block",
        [](TenantScope& s, py::handle resource_id, py::handle start, py::handle end, py::handle reason) {
            const auto id = to_given_id<ResourceId>(resource_id, "resource_id");
            const Interval when{to_instant(start, "start"), to_instant(end, "end")};
            const auto why = to_optional_text(reason, "reason");
            return nogil([&] { return s.add_block(id, when, why); });
        },
        py::arg("resource_id"), py::arg("start"), py::arg("end"), py::arg("reason") = "",
        R"(add_block($self, resource_id, start, end, reason='')
--

Adds time off [start, end) to a resource (admin or staff) and returns the Block.

start and end are aware datetimes or RFC 3339 strings. A block takes every seat.)");
    scope.def(
        "remove_block",
        [](TenantScope& s, py::handle block_id) {
            const auto id = to_id<BlockId>(block_id, "block_id");
            nogil([&] { s.remove_block(id); });
        },
        py::arg("block_id"), R"(remove_block($self, block_id)
--

Removes time off (admin or staff). Raises NotFound.)");
    scope.def(
        "blocks",
        [](TenantScope& s, py::handle resource_id, py::handle start, py::handle end) {
            const auto id = to_id<ResourceId>(resource_id, "resource_id");
            const Interval range{to_instant(start, "start"), to_instant(end, "end")};
            return to_list(nogil([&] { return s.blocks(id, range); }));
        },
        py::arg("resource_id"), py::arg("start"), py::arg("end"),
        R"(blocks($self, resource_id, start, end)
--

Time off of a resource overlapping [start, end) (list[Block]), ordered by start.)");

    scope.def(
        "create_service",
        [](TenantScope& s, py::handle name, py::handle duration, py::handle step, py::handle buffer_before,
           py::handle buffer_after, py::handle price, py::handle currency, py::handle min_notice,
           py::handle horizon, py::handle hold_minutes, py::handle resources) {
            NewService n;
            n.name = to_text(name, "name");
            n.duration = to_minutes(duration, "duration");
            n.step = step.is_none() ? Minutes{0} : to_minutes(step, "step");
            if (!step.is_none() && n.step < Minutes{1}) invalid("step", "must be at least 1 minute");
            n.buffer_before = to_minutes(buffer_before, "buffer_before");
            n.buffer_after = to_minutes(buffer_after, "buffer_after");
            n.price = to_integer(price, "price", 0, 100'000'000'000LL);
            n.currency = to_optional_text(currency, "currency");
            n.min_notice = to_minutes(min_notice, "min_notice");
            n.horizon = to_minutes(horizon, "horizon");
            n.hold = to_minutes(hold_minutes, "hold_minutes");
            if (n.hold < Minutes{1} || n.hold > max_minutes) {
                invalid("hold_minutes", "must be between 1 and " + std::to_string(max_minutes.count()) + " minutes");
            }
            if (resources.is_none()) invalid("resources", "at least one resource must perform the service");
            n.resources = to_ids<ResourceId>(resources, "resources");
            return nogil([&] { return s.create_service(n); });
        },
        py::arg("name"), py::arg("duration"), py::arg("step") = py::none(), py::arg("buffer_before") = 0,
        py::arg("buffer_after") = 0, py::arg("price") = 0, py::arg("currency") = py::none(),
        py::arg("min_notice") = 0, py::arg("horizon") = 0, py::arg("hold_minutes") = 15,
        py::arg("resources") = py::none(),
        R"(create_service($self, name, duration, step=None, buffer_before=0, buffer_after=0, price=0, currency=None, min_notice=0, horizon=0, hold_minutes=15, resources=None)
--

Creates a service (admin) and returns it. All lengths are whole minutes.

Args:
    name: display name.
    duration: length of the appointment.
    step: spacing of candidate starts; None = the duration.
    buffer_before, buffer_after: time reserved around each appointment.
    price: minor units (cents); 0 = free (bookings confirm at once).
    currency: ISO 4217 code such as "EUR"; required when price > 0.
    min_notice: a slot must start at least this long after now.
    horizon: a slot must start within this long from now; 0 = no limit.
    hold_minutes: how long a pending paid booking holds its slot.
    resources: ids of the resources that perform it (at least one).)");
    scope.def(
        "update_service",
        [](TenantScope& s, py::handle service_id, py::kwargs kwargs) {
            const auto id = to_given_id<ServiceId>(service_id, "service_id");
            // Read first (without the GIL), then apply the given fields.
            Service svc = nogil([&] { return s.get_service(id); });
            for (const auto& [key, value] : kwargs) {
                const auto k = to_text(key, "kwargs");
                if (value.is_none()) continue;
                if (k == "name") svc.name = to_text(value, k);
                else if (k == "duration") svc.duration = to_minutes(value, k);
                else if (k == "step") svc.step = to_minutes(value, k);
                else if (k == "buffer_before") svc.buffer_before = to_minutes(value, k);
                else if (k == "buffer_after") svc.buffer_after = to_minutes(value, k);
                else if (k == "price") svc.price = to_integer(value, k, 0, 100'000'000'000LL);
                else if (k == "currency") svc.currency = to_text(value, k);
                else if (k == "min_notice") svc.min_notice = to_minutes(value, k);
                else if (k == "horizon") svc.horizon = to_minutes(value, k);
                else if (k == "hold_minutes") svc.hold = to_minutes(value, k);
                else if (k == "resources") svc.resources = to_ids<ResourceId>(value, k);
                else invalid(k, "unknown field of a service");
            }
            return nogil([&] { return s.update_service(svc); });
        },
        py::arg("service_id"),
        R"(update_service($self, service_id, **fields)
--

Changes the given fields of a service (admin) and returns it.

Keyword arguments are those of create_service; None or absent keeps a field.
Existing bookings keep their times and buffers. Example::

    t.update_service(s.id, price=3000, buffer_after=15))");
    scope.def(
        "get_service",
        [](TenantScope& s, py::handle service_id) {
            const auto id = to_id<ServiceId>(service_id, "service_id");
            return nogil([&] { return s.get_service(id); });
        },
        py::arg("service_id"), R"(get_service($self, service_id)
--

A service by id. Raises NotFound.)");
    scope.def(
        "services", [](TenantScope& s) { return to_list(nogil([&] { return s.services(); })); },
        R"(services($self)
--

Every service of the tenant (list[Service]), ordered by id.)");

    // Availability and booking --------------------------------------------------
    scope.def(
        "availability",
        [](TenantScope& s, py::handle service_id, py::handle date_from, py::handle date_to, py::handle resources,
           py::handle seats) {
            const auto q = to_availability_request(service_id, date_from, date_to, resources, seats);
            return slots_to_list(nogil([&] { return s.availability(q); }));
        },
        py::arg("service_id"), py::arg("date_from"), py::arg("date_to"), py::arg("resources") = py::none(),
        py::arg("seats") = 1,
        R"(availability($self, service_id, date_from, date_to, resources=None, seats=1)
--

Free slots of a service (list[Slot]), sorted by (start, resource_id).

Args:
    service_id: the service.
    date_from, date_to: first and last *local* date (each resource's own
        zone), inclusive; datetime.date or "YYYY-MM-DD".
    resources: ids to ask about; None = every resource linked to the service.
    seats: seats wanted; a slot is offered only where they fit.

Minimum notice, horizon and holds are judged at the engine's now.)");
    scope.def(
        "book",
        [](TenantScope& s, py::handle service_id, py::handle start, py::handle resource_id, py::handle customer,
           py::handle seats, py::handle idempotency_key) {
            BookingRequest r;
            r.service = to_given_id<ServiceId>(service_id, "service_id");
            r.start = to_instant(start, "start");
            r.resource = to_optional_given_id<ResourceId>(resource_id, "resource_id");
            r.customer = to_customer(customer, "customer");
            r.seats = static_cast<int>(to_integer(seats, "seats", 1, max_seats));
            r.idempotency_key = to_optional_text(idempotency_key, "idempotency_key");
            return nogil([&] { return s.book(r); });
        },
        py::arg("service_id"), py::arg("start"), py::arg("resource_id") = py::none(),
        py::arg("customer") = py::none(), py::arg("seats") = 1, py::arg("idempotency_key") = py::none(),
        R"(book($self, service_id, start, resource_id=None, customer=None, seats=1, idempotency_key=None)
--

Books a slot atomically and returns the Booking.

Args:
    service_id: the service.
    start: aware datetime or RFC 3339 string; exactly a start that
        availability() offers at this moment.
    resource_id: the resource; None lets the engine pick any linked
        resource that is free (the first by id).
    customer: {"name": ..., "email": ..., "phone": ..., "locale": "en"} or a
        Customer; only "name" is required.
    seats: seats to take.
    idempotency_key: repeating a request with the same key returns the
        first booking instead of booking twice.

A free service is "confirmed" at once; a paid one is "pending" with
payment_status "pending", holding the slot until hold_expires_at.

Raises:
    SlotUnavailable: the start is not offered right now (taken, outside
        hours, too soon, beyond the horizon...).
    IdempotencyMismatch: the key was used for a different request.
    NotFound: no such service, or the resource does not perform it.)");
    scope.def(
        "get_booking",
        [](TenantScope& s, py::handle booking_id) {
            const auto id = to_id<BookingId>(booking_id, "booking_id");
            return nogil([&] { return s.get_booking(id); });
        },
        py::arg("booking_id"),
        R"(get_booking($self, booking_id)
--

A booking by id, its status as read now. Raises NotFound (also for another customer's booking).)");
    scope.def(
        "bookings",
        [](TenantScope& s, py::handle date_from, py::handle date_to, py::handle resource_id, py::handle status) {
            BookingQuery q;
            std::optional<Date> from, to;
            if (!date_from.is_none()) from = to_date(date_from, "date_from");
            if (!date_to.is_none()) to = to_date(date_to, "date_to");
            if (from && to && *to < *from) {
                invalid("date_to", format_date(*to) + " is before date_from " + format_date(*from));
            }
            if (from) q.from = Instant{date::sys_days{*from}.time_since_epoch()};
            if (to) q.to = Instant{(date::sys_days{*to} + date::days{1}).time_since_epoch()};
            q.resource = to_optional_id<ResourceId>(resource_id, "resource_id");
            if (!status.is_none()) q.status = parse_booking_status(to_text(status, "status"), "status");
            q.limit = 1000;
            auto all = nogil([&] {
                // Page through by (start, id) keyset until a short page.
                std::vector<Booking> out;
                for (;;) {
                    auto page = s.bookings(q);
                    const bool last = page.size() < static_cast<std::size_t>(q.limit);
                    if (!page.empty()) q.after = page.back().id;
                    std::move(page.begin(), page.end(), std::back_inserter(out));
                    if (last) return out;
                }
            });
            return to_list(std::move(all));
        },
        py::arg("date_from") = py::none(), py::arg("date_to") = py::none(), py::arg("resource_id") = py::none(),
        py::arg("status") = py::none(),
        R"(bookings($self, date_from=None, date_to=None, resource_id=None, status=None)
--

Bookings that start within [date_from, date_to] (list[Booking]), ordered by (start, id).

Args:
    date_from, date_to: *UTC* calendar dates, both inclusive: a booking is
        listed when its start lies in [date_from 00:00Z, date_to + 1 day
        00:00Z). datetime.date or "YYYY-MM-DD"; None leaves that side open.
    resource_id: only this resource's bookings.
    status: only bookings with this status as read now ("pending",
        "confirmed", "cancelled" or "expired").

A customer scope lists only its own bookings. Every matching booking is
returned (read in pages of 1000, each page its own snapshot).)");
    scope.def(
        "cancel",
        [](TenantScope& s, py::handle booking_id) {
            const auto id = to_id<BookingId>(booking_id, "booking_id");
            return nogil([&] { return s.cancel(id); });
        },
        py::arg("booking_id"),
        R"(cancel($self, booking_id)
--

Cancels a pending or confirmed booking and returns it; its slot is free again.

Raises InvalidTransition for a cancelled or expired booking; a paid booking's
payment_status becomes "refund_due".)");
    scope.def(
        "reschedule",
        [](TenantScope& s, py::handle booking_id, py::handle new_start, py::handle resource_id) {
            const auto id = to_id<BookingId>(booking_id, "booking_id");
            const auto start = to_instant(new_start, "new_start");
            const auto resource = to_optional_given_id<ResourceId>(resource_id, "resource_id");
            return nogil([&] { return s.reschedule(id, start, resource); });
        },
        py::arg("booking_id"), py::arg("new_start"), py::arg("resource_id") = py::none(),
        R"(reschedule($self, booking_id, new_start, resource_id=None)
--

Moves a booking to new_start (optionally to another linked resource) atomically.

If the new slot is not offered the booking is left exactly as it was and
SlotUnavailable is raised. The booking's own time does not block its move.)");
}

// --- payments and notifications ------------------------------------------------------

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
            throw std::runtime_error(e.what());
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
    py::object fn_;
    py::object interrupt_;
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
                               R"(The key's prefix and last four characters, e.g. "sk_test_…4242".)")
        .def_property_readonly("live", [](const PaymentSettingsSummary& p) { return p.live; },
                               R"(True for a live key, False for a test key.)")
        .def("__repr__", [](const PaymentSettingsSummary& p) {
            return "PaymentSettings(provider=" + repr_text(p.provider) + ", key_hint=" + repr_text(p.key_hint) +
                   ", live=" + (p.live ? "True" : "False") + ")";
        });

    py::class_<WebhookOutcome>(m, "WebhookOutcome", R"(What ``TenantScope.handle_stripe_webhook`` did with a verified event.

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
        .def("__repr__", [](const WebhookOutcome& o) {
            return "WebhookOutcome(event_id=" + repr_text(o.event_id) + ", type=" + repr_text(o.type) +
                   ", duplicate=" + (o.duplicate ? "True" : "False") +
                   ", booking=" + (o.booking ? repr_text(o.booking->id.value) : std::string("None")) + ")";
        });

    py::class_<Notification> notification(m, "Notification", R"(One message in the outbox, already rendered in the customer's language.

``kind`` is ``"booking_confirmed" "booking_cancelled" "booking_rescheduled"`` or
``"refund_due"``. Send ``subject`` and ``body`` (plain text) to ``to``, attach
``ics`` (an RFC 5545 invitation, ``text/calendar; method=REQUEST`` or
``CANCEL``) when present, then call ``Engine.mark_notification_sent(id)``.)");
    notification.def_property_readonly("id", [](const Notification& n) { return n.id; }, R"(Opaque id (str).)")
        .def_property_readonly("kind", [](const Notification& n) { return std::string(to_string(n.kind)); },
                               R"("booking_confirmed", "booking_cancelled", "booking_rescheduled" or "refund_due".)")
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
                               R"(RFC 5545 invitation (METHOD:REQUEST, or CANCEL for a cancellation); None for refund_due.)")
        .def_property_readonly("created_at", [](const Notification& n) { return from_instant(n.created_at); },
                               R"(When it was queued (engine clock): the moment of the change it reports.)")
        .def_property_readonly("attempts", [](const Notification& n) { return n.attempts; },
                               R"(How many times it has been taken.)")
        .def_property_readonly("sent_at", [](const Notification& n) { return from_instant(n.sent_at); },
                               R"(When it was marked sent, else None.)");
    equality(notification);

    // Engine: the outbox ---------------------------------------------------------------
    auto engine = py::reinterpret_borrow<py::class_<Engine>>(m.attr("Engine"));
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
            const int sent = nogil([&] { return e.deliver_notifications(sender, n).sent; });
            sender.reraise_interrupt();
            return sent;
        },
        py::arg("notifier"), py::arg("limit") = 100,
        R"(deliver_notifications($self, notifier, limit=100)
--

Takes up to ``limit`` due notifications (as take_notifications), calls
``notifier(notification)`` for each, in this thread, and marks the ones it
returned from as sent; returns how many were sent (int).

An exception from ``notifier`` counts as a failed send: that notification is
offered again after its backoff and delivery goes on with the next one. A
KeyboardInterrupt or SystemExit stops the delivery and is re-raised (what was
not sent comes back after its backoff).)");

    // TenantScope: payments -----------------------------------------------------------
    auto scope = py::reinterpret_borrow<py::class_<TenantScope>>(m.attr("TenantScope"));
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
    SignatureInvalid: Stripe is not configured for this tenant.
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
event at most once; returns a WebhookOutcome (.event_id .type .duplicate .booking).

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
        or is older (or newer) than 300 s by the engine's clock; or Stripe is
        not configured for this tenant. Nothing is recorded: answer 400.
    ValidationError: the verified payload is not a Stripe event.)");
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
"refunded" when Stripe's ``charge.refunded`` webhook arrives. ``transport``
is as for start_checkout (None makes a real HTTPS request).

Raises:
    InvalidTransition: the booking is not "refund_due".
    ProviderError: the transport raised or Stripe refused.)");
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

// --- module functions --------------------------------------------------------------

void bind_functions(py::module_& m) {
    m.def(
        "evaluate_scenario",
        [](py::handle json_text) {
            std::string text;
            if (PyBytes_Check(json_text.ptr())) {
                text = std::string(PyBytes_AS_STRING(json_text.ptr()),
                                   static_cast<std::size_t>(PyBytes_GET_SIZE(json_text.ptr())));
            } else {
                text = to_text(json_text, "json_text");
            }
            return nogil([&] { return evaluate_scenario(text); });
        },
        py::arg("json_text"),
        R"(evaluate_scenario(json_text)
--

Evaluates a scenario document and returns exactly what `slotwise availability`
prints: compact JSON {"slots": [{"start", "end", "remaining"}, ...]} and a newline.

Raises ValidationError naming the offending field for malformed or invalid input.)");

    m.def(
        "_raise_error",
        [](py::handle code, py::handle field, py::handle message) {
            const auto name = to_text(code, "code");
            for (int c = static_cast<int>(Errc::invalid_argument); c <= static_cast<int>(Errc::provider_error); ++c) {
                if (to_string(static_cast<Errc>(c)) == name) {
                    throw Error(static_cast<Errc>(c), to_optional_text(field, "field"), to_text(message, "message"));
                }
            }
            if (name == "std::exception") throw std::runtime_error(to_text(message, "message"));
            invalid("code", "no such Errc: " + name);
        },
        py::arg("code"), py::arg("field") = py::none(), py::arg("message") = "test",
        R"(_raise_error(code, field=None, message='test')
--

For tests only: throws a C++ slotwise::Error with this Errc name (or a
std::runtime_error for "std::exception"), to check how each is translated.)");

    m.def(
        "_time_availability",
        [](TenantScope& s, py::handle service_id, py::handle date_from, py::handle date_to, py::handle iterations,
           py::handle resources, py::handle seats) {
            const auto q = to_availability_request(service_id, date_from, date_to, resources, seats);
            const auto n = to_integer(iterations, "iterations", 1, 1'000'000);
            std::vector<double> seconds;
            seconds.reserve(static_cast<std::size_t>(n));
            nogil([&] {
                for (std::int64_t i = 0; i < n; ++i) {
                    // The result is freed inside the timed span, as a caller's
                    // would be: the Python path pays for that too.
                    const auto t0 = std::chrono::steady_clock::now();
                    const bool none = s.availability(q).empty();
                    const auto t1 = std::chrono::steady_clock::now();
                    if (none) invalid("service_id", "no slots: nothing to time");
                    seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
                }
            });
            py::list out;
            for (double v : seconds) out.append(v);
            return out;
        },
        py::arg("scope"), py::arg("service_id"), py::arg("date_from"), py::arg("date_to"),
        py::arg("iterations") = 100, py::arg("resources") = py::none(), py::arg("seats") = 1,
        R"(_time_availability(scope, service_id, date_from, date_to, iterations=100, resources=None, seats=1)
--

For benchmarks only: runs TenantScope.availability in C++ `iterations` times
with the same inputs, without the GIL, and returns each call's seconds.)");
}

}  // namespace
}  // namespace slotwise::python

PYBIND11_MODULE(_core, m) {
    using namespace slotwise::python;
    // Docstrings carry their own signature line ("name($self, ...)\n--\n\n"),
    // which Python turns into __text_signature__, so that help() and
    // inspect.signature show the real parameter names and defaults instead of
    // pybind11's "handle" types (arguments are taken untyped and checked here).
    py::options options;
    options.disable_function_signatures();
    m.doc() = R"(slotwise._core: the compiled booking engine. Import `slotwise`, not this.)";
    m.attr("__version__") = SLOTWISE_VERSION;
    init_datetime();
    register_errors(m);
    bind_values(m);
    bind_engine(m);
    bind_scope(m);
    bind_payments(m);
    bind_functions(m);
    // Users meet these as slotwise.X (help(), repr of the class, pickling).
    for (const char* name : {"Customer", "Resource", "Service", "Block", "Booking", "Engine", "TenantScope", "Checkout",
                             "Refund", "PaymentSettings", "WebhookOutcome", "Notification"}) {
        m.attr(name).attr("__module__") = "slotwise";
    }
}
