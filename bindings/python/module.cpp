// slotwise._core — the compiled half of the Python package `slotwise`
// (contract: shared/PYTHON_API.md). The pure-Python `slotwise/__init__.py`
// re-exports everything here; `slotwise/__init__.pyi` types it.
//
// Threading: every call that touches storage or computes slots runs with the
// GIL released, so Python threads book in parallel and a thread waiting on the
// database lock never holds up the interpreter. The only Python code the
// engine calls back is the optional clock, which takes the GIL itself. No
// Python object is copied or destroyed while the GIL is released: the clock is
// held through a shared_ptr (copying an Engine or a scope only bumps an atomic
// count) and arguments are converted to C++ values before releasing.
//
// Layout: values (Customer, Resource, Service, Block, Booking; Slot is a
// native type in slot.cpp because availability() makes thousands), then
// Engine, then TenantScope, then module functions. Conversions and the
// exception classes are in convert.cpp. Payments and notifications
// (TenantScope.configure_stripe / start_checkout / handle_stripe_webhook,
// Engine.take_notifications / mark_notification_sent, Checkout and
// Notification values) will slot in as a `bind_payments` next to
// `bind_scope`, using the same conversions and error translation.
#include "convert.hpp"

#include <slotwise/scenario.hpp>
#include <slotwise/sqlite.hpp>

#include <pybind11/pybind11.h>

#include <Python.h>

#include <array>
#include <chrono>
#include <memory>
#include <random>
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
                               R"(When it last changed (engine clock).)");
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
            for (int c = static_cast<int>(Errc::invalid_argument); c <= static_cast<int>(Errc::storage_error); ++c) {
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
    bind_functions(m);
    // Users meet these as slotwise.X (help(), repr of the class, pickling).
    for (const char* name : {"Customer", "Resource", "Service", "Block", "Booking", "Engine", "TenantScope"}) {
        m.attr(name).attr("__module__") = "slotwise";
    }
}
