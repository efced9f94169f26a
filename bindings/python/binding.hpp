// bindings/python/binding.hpp — what the files of `slotwise._core` share:
// the binder of each concern, the GIL helper, and the argument and result
// helpers more than one of them uses. Internal to the module; Python values
// ⇄ slotwise values live in convert.hpp.
//
// Layout (one concern per file; each `bind_*` adds its part of the module):
//   values.cpp           Customer, Resource, Service, Block, Booking
//   slot.cpp             Slot, a native type (availability() makes thousands)
//   engine.cpp           Engine: opening, the Python clock and event sink, tenants, scopes
//   scope_catalogue.cpp  TenantScope itself, resources, hours, blocks, services
//   scope_booking.cpp    TenantScope: availability, book, list, cancel, reschedule
//   payments.cpp         Checkout, Refund, PaymentSettings, WebhookOutcome; the
//                        Python HTTP transport; TenantScope's payment calls
//   notifications.cpp    Notification, DeliveryReport; the outbox on Engine and TenantScope
//   rate_limiter.cpp     RateLimiter, RateDecision (the host's token buckets)
//   presets.cpp          PRESETS, Preset, TenantScope.apply_preset
//   waitlist.cpp         WaitlistEntry; confirm, reject, the waitlist calls
//   message_texts.cpp    TenantScope: a tenant's own notification texts
//   module.cpp           PYBIND11_MODULE and the module functions
//   convert.cpp          conversions and the exception classes
//
// Threading: every call that touches storage or computes slots runs with the
// GIL released (`nogil`), so Python threads book in parallel and a thread
// waiting on the database lock never holds up the interpreter. The Python
// code the engine calls back — the clock, the event sink, an HTTP transport,
// a notifier — takes the GIL itself. No Python object is copied or destroyed
// while the GIL is released: callables the engine keeps are held through a
// shared_ptr (copying an Engine or a scope only bumps an atomic count) and
// arguments are converted to C++ values before releasing.
#pragma once

#include "convert.hpp"

#include <slotwise/engine.hpp>

#include <pybind11/pybind11.h>

#include <Python.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace slotwise::python {

// --- the binders, in the order the module calls them --------------------------

/// Customer, Resource, Service, Slot, Block, Booking (values.cpp).
void bind_values(py::module_& m);
/// Engine: open_sqlite, create_tenant, scope, now (engine.cpp).
void bind_engine(py::module_& m);
/// TenantScope and its catalogue calls (scope_catalogue.cpp).
void bind_scope_catalogue(py::module_& m);
/// TenantScope: availability and the booking calls (scope_booking.cpp).
void bind_scope_booking(py::module_& m);
/// Payment values and TenantScope's payment calls (payments.cpp).
void bind_payments(py::module_& m);
/// Notification values and the outbox calls (notifications.cpp).
void bind_notifications(py::module_& m);
/// RateLimiter and RateDecision (rate_limiter.cpp).
void bind_rate_limiter(py::module_& m);
/// PRESETS, Preset and TenantScope.apply_preset (presets.cpp).
void bind_presets(py::module_& m);
/// Series and administration on TenantScope, and Series (administration.cpp).
void bind_administration(py::module_& m);
/// TableCombination and the TenantScope calls of party services (tables.cpp).
void bind_tables(py::module_& m);
/// True or False (not 0 or 1: a mistyped flag is refused), naming `field`.
bool to_flag(py::handle h, const std::string& field);
/// WaitlistEntry and the approval and waitlist calls (waitlist.cpp).
void bind_waitlist(py::module_& m);
/// API keys on Engine (api_keys.cpp); after bind_engine.
void bind_api_keys(py::module_& m);
/// A tenant's notification texts on TenantScope (message_texts.cpp).
void bind_message_texts(py::module_& m);

// --- GIL and results ----------------------------------------------------------

/// Runs `f` with the GIL released. `f` must not touch Python objects.
template <class F>
auto nogil(F&& f) -> decltype(f()) {
    py::gil_scoped_release release;
    return f();
}

/// A list built from C++ values without the per-element overhead of
/// pybind11/stl.h's generic caster.
template <class T>
py::list to_list(std::vector<T>&& values) {
    py::list out(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) {
        PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i),
                        py::cast(std::move(values[i]), py::return_value_policy::move).release().ptr());
    }
    return out;
}

/// [str, ...] of ids.
py::list ids_to_list(const std::vector<ResourceId>& ids);
/// None for "", else the str.
py::object text_or_none(const std::string& s);

// --- arguments ----------------------------------------------------------------

/// A non-empty id. Ids are opaque, but "" is always a mistake in the caller.
template <class Id>
Id to_given_id(py::handle h, const std::string& field) {
    auto id = to_id<Id>(h, field);
    if (id.empty()) invalid(field, "empty id");
    return id;
}

/// A non-empty id, or None.
template <class Id>
std::optional<Id> to_optional_given_id(py::handle h, const std::string& field) {
    if (h.is_none()) return std::nullopt;
    return to_given_id<Id>(h, field);
}

/// Local date range [from, to] checked with the Python argument names.
void check_dates(Date from, Date to, const std::string& from_field, const std::string& to_field);

/// availability()'s arguments as a request (also used by _time_availability).
AvailabilityRequest to_availability_request(py::handle service_id, py::handle date_from, py::handle date_to,
                                            py::handle resources, py::handle seats);

// --- __repr__ and ==, shared by the value types ---------------------------------

std::string repr(const Customer& c);
std::string repr(const Resource& r);
std::string repr(const Service& s);
std::string repr(const Block& b);
std::string repr(const Booking& b);
std::string repr(const Notification& n);

/// __eq__, __ne__ by value and __repr__ for a value type.
template <class T>
void equality(py::class_<T>& cls) {
    cls.def("__eq__", [](const T& a, const T& b) { return a == b; }, py::is_operator());
    cls.def("__ne__", [](const T& a, const T& b) { return !(a == b); }, py::is_operator());
    cls.def("__repr__", [](const T& v) { return repr(v); });
}

/// The already-bound class `name` of the module, to add methods to it from
/// another file.
template <class T>
py::class_<T> bound_class(py::module_& m, const char* name) {
    return py::reinterpret_borrow<py::class_<T>>(m.attr(name));
}

}  // namespace slotwise::python
