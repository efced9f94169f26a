// Engine: opening a database (with an optional Python clock), tenants,
// scopes and the engine's now. The outbox calls are in notifications.cpp.
#include "binding.hpp"

#include <slotwise/sqlite.hpp>

#include <array>
#include <chrono>
#include <memory>
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

}  // namespace

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

}  // namespace slotwise::python
