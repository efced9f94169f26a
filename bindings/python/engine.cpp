// Engine: opening a database (with Stripe registered, an optional Python
// clock and an optional Python event sink), tenants, scopes and the engine's
// now; the EngineEvent value. The outbox calls are in notifications.cpp.
#include "binding.hpp"

#include <slotwise/events.hpp>
#include <slotwise/sqlite.hpp>
#ifdef SLOTWISE_HAS_POSTGRES
#include <slotwise/postgres.hpp>
#endif
#include <slotwise/stripe.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <random>
#include <sys/random.h>

namespace slotwise::python {
namespace {

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

// --- Python callables the engine keeps -------------------------------------------

bool interpreter_alive() {
#if PY_VERSION_HEX >= 0x030D0000
    return Py_IsInitialized() && !Py_IsFinalizing();
#else
    return Py_IsInitialized() && !_Py_IsFinalizing();
#endif
}

// A Python callable held by a std::function inside the engine, which copies
// and destroys it on any thread, with or without the GIL: the engine holds
// it through a shared_ptr, and the last owner releases the reference with
// the GIL taken.
class HeldCallable {
public:
    explicit HeldCallable(py::object fn) : fn_(std::move(fn)) {}
    HeldCallable(const HeldCallable&) = delete;
    HeldCallable& operator=(const HeldCallable&) = delete;

    ~HeldCallable() {
        if (!interpreter_alive()) {
            (void)fn_.release();  // at exit: leak rather than touch a dead interpreter
            return;
        }
        py::gil_scoped_acquire gil;
        fn_ = py::object();
    }

    /// The callable; use only with the GIL held.
    const py::object& fn() const { return fn_; }

private:
    py::object fn_;
};

std::shared_ptr<HeldCallable> hold_callable(py::handle fn, const std::string& field, const std::string& expected) {
    if (!PyCallable_Check(fn.ptr())) invalid(field, "expected " + expected);
    return std::make_shared<HeldCallable>(py::reinterpret_borrow<py::object>(fn));
}

// The engine's clock from a Python callable. The engine calls it from threads
// that released the GIL (sometimes inside a write transaction), so it takes
// the GIL itself. A Python exception inside it is turned into a C++ `Error`
// while the GIL is held: no Python object travels through the engine.
Clock to_clock(py::handle fn) {
    if (fn.is_none()) return {};
    auto held = hold_callable(fn, "clock", "a callable returning an aware datetime");
    return [held] {
        py::gil_scoped_acquire gil;
        py::object t;
        try {
            t = held->fn()();
        } catch (py::error_already_set& e) {
            invalid("clock", std::string("the clock raised ") + e.what());
        }
        return to_instant(t, "clock");
    };
}

// The engine's event sink from a Python callable, called with each
// EngineEvent. The engine calls a sink after the change committed, on the
// thread that made the call, and requires that it never throw: what the
// callable raises is reported through sys.unraisablehook (as Python does for
// exceptions in __del__ and callbacks) and dropped, so an error in a logging
// hook never fails or undoes a booking.
EventSink to_event_sink(py::handle fn) {
    if (fn.is_none()) return {};
    auto held = hold_callable(fn, "on_event", "a callable taking an EngineEvent");
    return [held](const EngineEvent& e) noexcept {
        if (!interpreter_alive()) return;
        py::gil_scoped_acquire gil;
        try {
            held->fn()(py::cast(e));
        } catch (py::error_already_set& error) {
            error.discard_as_unraisable("slotwise on_event callback");
        } catch (const std::exception& error) {
            PyErr_SetString(PyExc_RuntimeError, error.what());
            PyErr_WriteUnraisable(held->fn().ptr());
        } catch (...) {
            PyErr_SetString(PyExc_RuntimeError, "unknown C++ exception");
            PyErr_WriteUnraisable(held->fn().ptr());
        }
    };
}

// The payment providers every engine opened from Python offers: Stripe. The
// engine links no provider itself; Python users pay through Stripe with
// configure_stripe, so the module registers it. Built once, then only read.
const std::shared_ptr<const PaymentProviders>& python_payment_providers() {
    static const std::shared_ptr<const PaymentProviders> providers = [] {
        auto p = std::make_shared<PaymentProviders>();
        register_stripe(*p);
        return std::shared_ptr<const PaymentProviders>(std::move(p));
    }();
    return providers;
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

// --- Engine ---------------------------------------------------------------------

void bind_event(py::module_& m) {
    py::class_<EngineEvent>(m, "EngineEvent", R"(What the engine reports to ``on_event`` (see ``Engine.open_sqlite``).

``kind`` is ``"booking_created"`` (book() committed a booking),
``"booking_changed"`` (a cancel, reschedule, payment or refund committed;
``detail`` is the new status), ``"webhook_applied"``, ``"webhook_ignored"``
(a verified provider event changed nothing; ``detail`` says why),
``"notification_failed"`` (the notifier raised; ``detail`` is what it said),
``"storage_retry"``, ``"payment_unmatched"``, ``"payment_disputed"``,
``"refund_failed"`` or ``"notification_dropped"`` (a customer's change
committed without its notification, over the tenant's hourly cap). Fields that do not apply are None (``tenant``,
``booking``) or "" (``detail``).)")
        .def_property_readonly("kind", [](const EngineEvent& e) { return std::string(to_string(e.kind)); },
                               R"(What happened, e.g. "booking_created".)")
        .def_property_readonly("tenant", [](const EngineEvent& e) { return text_or_none(e.tenant.value); },
                               R"(The tenant's id (str), or None.)")
        .def_property_readonly("booking", [](const EngineEvent& e) { return text_or_none(e.booking.value); },
                               R"(The booking's id (str), or None.)")
        .def_property_readonly("detail", [](const EngineEvent& e) { return e.detail; },
                               R"(The new status, the reason an event was ignored, the notifier's message; may be "".)")
        .def_property_readonly("at", [](const EngineEvent& e) { return from_instant(e.at); },
                               R"(When it happened (engine clock), aware UTC datetime.)")
        .def("__repr__", [](const EngineEvent& e) {
            return "EngineEvent(kind=" + repr_text(std::string(to_string(e.kind))) +
                   ", tenant=" + (e.tenant.value.empty() ? "None" : repr_text(e.tenant.value)) +
                   ", booking=" + (e.booking.value.empty() ? "None" : repr_text(e.booking.value)) +
                   ", detail=" + repr_text(e.detail) + ", at=" + format_instant(e.at) + ")";
        });
}

// A scope's principal from the arguments of Engine.scope. No argument has a
// default that grants anything: the role must be named, and staff and
// customer scopes must say who they act for.
Principal to_principal(py::handle tenant_id, py::handle role, py::handle subject) {
    Principal p;
    p.tenant = to_given_id<TenantId>(tenant_id, "tenant_id");
    if (role.is_none()) invalid("role", "required: \"admin\", \"staff\" or \"customer\"; there is no default");
    p.role = to_role(role, "role");
    if (subject.is_none()) {
        if (p.role != Role::admin) {
            invalid("subject", "required for a \"" + std::string(to_string(p.role)) +
                                   "\" scope: the host's id of the signed-in user");
        }
        p.subject = random_subject();
    } else {
        p.subject = to_text(subject, "subject");
    }
    if (p.subject.empty()) invalid("subject", "must not be empty");
    return p;
}

// The store an engine opened from Python works through, so that
// Engine.close() can close it: every scope of the engine shares it, so all of
// them become unusable at once, and the adapter's store (its connections)
// goes when the last transaction still running ends.
class ClosableStore final : public Store {
public:
    explicit ClosableStore(std::shared_ptr<Store> inner) : inner_(std::move(inner)) {}

    std::unique_ptr<Transaction> read() override { return open()->read(); }
    std::unique_ptr<Transaction> write() override { return open()->write(); }
    void set_event_sink(EventSink sink) override { open()->set_event_sink(std::move(sink)); }
    bool write_contended() const noexcept override {
        const auto inner = current();
        return inner && inner->write_contended();
    }

    void close() noexcept {
        std::shared_ptr<Store> gone;
        std::lock_guard lock(mutex_);
        gone.swap(inner_);  // released after the lock
    }

private:
    std::shared_ptr<Store> current() const {
        std::lock_guard lock(mutex_);
        return inner_;
    }
    std::shared_ptr<Store> open() const {
        auto inner = current();
        if (!inner) throw Error(Errc::storage_error, "the engine is closed (Engine.close())");
        return inner;
    }

    mutable std::mutex mutex_;
    std::shared_ptr<Store> inner_;
};

}  // namespace

void bind_engine(py::module_& m) {
    bind_event(m);
    py::class_<Engine>(m, "Engine", R"(The booking engine over one database.

Open with ``Engine.open_sqlite(path)``; create tenants; act inside a tenant
through ``scope()``. One engine may be used from many threads at once (calls
release the GIL), and many processes may open the same file.

Example::

    eng = slotwise.Engine.open_sqlite("bookings.db")
    tid = eng.create_tenant("Salon Bella")
    t = eng.scope(tid, role="admin", subject="owner"))")
        .def_static(
            "open_sqlite",
            [](py::handle path, py::handle clock, py::handle busy_timeout_ms, py::handle synchronous_full,
               py::handle on_event, py::handle master_key) {
                SqliteOptions sqlite;
                sqlite.path = to_path(path, "path");
                if (!master_key.is_none()) {
                    // bytes only: a str would be text, not 32 random bytes.
                    if (!py::isinstance<py::bytes>(master_key) || py::len(master_key) != 32) {
                        throw Error(Errc::invalid_argument, "master_key", "expected bytes of length 32");
                    }
                    sqlite.master_key = py::cast<std::string>(master_key);
                }
                sqlite.busy_timeout = std::chrono::milliseconds{
                    to_integer(busy_timeout_ms, "busy_timeout_ms", 0, 24LL * 3600 * 1000)};
                sqlite.synchronous_full = to_bool(synchronous_full, "synchronous_full");
                EngineOptions options{
                    .clock = to_clock(clock), .payments = python_payment_providers(), .events = to_event_sink(on_event)};
                return nogil([&] {
                    return Engine(std::make_shared<ClosableStore>(open_sqlite(sqlite)), std::move(options));
                });
            },
            py::arg("path"), py::arg("clock") = py::none(), py::arg("busy_timeout_ms") = 30000,
            py::arg("synchronous_full") = false, py::arg("on_event") = py::none(), py::arg("master_key") = py::none(),
            R"(open_sqlite(path, clock=None, busy_timeout_ms=30000, synchronous_full=False, on_event=None, master_key=None)
--

Opens (creating and migrating when needed) a SQLite database. Stripe is the
payment provider tenants may configure (TenantScope.configure_stripe).

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
    on_event: optional callable receiving each EngineEvent (.kind .tenant
        .booking .detail .at), e.g. for logs and metrics: called after the
        change committed, on the thread that made the call, with the GIL
        held. What it raises is reported through sys.unraisablehook and
        otherwise ignored: it never fails the call that caused the event.
    master_key: optional 32 random bytes, kept out of the database (a
        secrets manager, a key file only the service reads): tenants'
        payment secrets are then stored encrypted (AES-256-GCM). Without it,
        live Stripe keys are refused with NotConfigured; test keys are
        stored as given.

Raises:
    ValidationError: master_key is not bytes of length 32.
    StorageError: the file cannot be opened or is not a slotwise database,
        or (when reading payment settings) master_key is not the key that
        encrypted them.)")
#ifdef SLOTWISE_HAS_POSTGRES
        .def_static(
            "open_postgres",
            [](py::handle dsn, py::handle pool_size, py::handle clock, py::handle master_key, py::handle busy_timeout_ms,
               py::handle on_event) {
                PostgresOptions pg;
                pg.dsn = to_text(dsn, "dsn");
                pg.pool_size = static_cast<int>(to_integer(pool_size, "pool_size", 1, 1000));
                if (!master_key.is_none()) {
                    if (!py::isinstance<py::bytes>(master_key) || py::len(master_key) != 32) {
                        throw Error(Errc::invalid_argument, "master_key", "expected bytes of length 32");
                    }
                    pg.master_key = py::cast<std::string>(master_key);
                }
                pg.busy_timeout = std::chrono::milliseconds{
                    to_integer(busy_timeout_ms, "busy_timeout_ms", 1, 24LL * 3600 * 1000)};
                EngineOptions options{
                    .clock = to_clock(clock), .payments = python_payment_providers(), .events = to_event_sink(on_event)};
                return nogil([&] {
                    return Engine(std::make_shared<ClosableStore>(open_postgres(pg)), std::move(options));
                });
            },
            py::arg("dsn"), py::arg("pool_size") = 8, py::arg("clock") = py::none(), py::arg("master_key") = py::none(),
            py::arg("busy_timeout_ms") = 30000, py::arg("on_event") = py::none(),
            R"(open_postgres(dsn, pool_size=8, clock=None, master_key=None, busy_timeout_ms=30000, on_event=None)
--

Opens a PostgreSQL database (PostgreSQL 13 or later, btree_gist available),
creating or migrating the schema when needed: for several app servers over
one database. Calls release the GIL; one engine serves many threads.

Args:
    dsn: a libpq connection string ("host=db.example port=5432 dbname=app
        user=app sslmode=verify-full") or URI, passed to libpq unchanged
        (TLS options, passwords, service files as libpq documents them).
    pool_size: at most this many connections at once (1..1000).
    clock, master_key, on_event: as for open_sqlite.
    busy_timeout_ms: how long a call waits for a connection of the pool or a
        lock before raising StorageBusy.

Raises:
    ValidationError: a bad argument (named by the error's field).
    StorageError: the server cannot be reached, or its schema is newer than
        this build.)")
#endif
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
                const Principal p = to_principal(tenant_id, role, subject);
                return nogil([&] { return e.scope(p); });
            },
            // role's None default only lets a missing role be answered as a
            // ValidationError naming it; the signature shows it required.
            py::arg("tenant_id"), py::arg("role") = py::none(), py::arg("subject") = py::none(),
            R"(scope($self, tenant_id, role, subject=None)
--

A scope acting inside one tenant: what the host app builds from its own
authenticated session.

Args:
    tenant_id: the tenant, as returned by create_tenant.
    role: required, with no default: "admin" (catalogue and every
        booking), "staff" (every booking, time off; reads the catalogue) or
        "customer" (availability, and booking, reading and cancelling its
        own bookings). A forgotten role is an error, never admin.
    subject: who acts: the host's id of the signed-in user. Required for
        "staff" and "customer"; a customer scope sees exactly the bookings
        made under its subject. For "admin" it may be None: a new unique
        subject is generated for this scope object.

Raises:
    NotFound: no such tenant.
    ValidationError: no role or an unknown one (field "role"), no subject
        for a staff or customer scope (field "subject"), an empty id.)")
        .def("now", [](const Engine& e) { return from_instant(nogil([&] { return e.now(); })); },
             R"(now($self)
--

The engine's current time (the clock's, if one was given), aware UTC datetime.)")
        .def("close",
             [](const Engine& e) {
                 if (auto closable = std::dynamic_pointer_cast<ClosableStore>(e.store())) {
                     nogil([&] { closable->close(); });
                 }
             },
             R"(close($self)
--

Releases the engine's database connections (when the last transaction still
running on another thread ends). The engine and every scope made from it are
unusable after: each call raises StorageError. Closing again does nothing.)")
        .def("__repr__", [](const Engine&) { return std::string("<slotwise.Engine>"); });
}

}  // namespace slotwise::python
