// bindings/python/convert.hpp — Python values ⇄ slotwise values, and
// slotwise::Error ⇄ Python exceptions, for the `slotwise._core` module.
//
// Every conversion from Python validates its input and throws
// `slotwise::Error(invalid_argument, field, …)` naming the argument, so bad
// input reaches Python as `slotwise.ValidationError` with `.field` set, never
// as a TypeError or ValueError. Arguments are taken as `py::handle` and
// checked here instead of letting pybind11 refuse them, for that reason.
//
// All functions need the GIL. Instants become aware `datetime` in UTC; dates
// become `datetime.date`.
#pragma once

#include <slotwise/engine.hpp>

#include <pybind11/pybind11.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace slotwise::python {

namespace py = pybind11;

/// Imports the datetime C API; call once from the module init.
void init_datetime();

// --- Python → slotwise ------------------------------------------------------

/// An aware `datetime` or an RFC 3339 string. A naive datetime is refused.
Instant to_instant(py::handle h, const std::string& field);
/// A `datetime.date` (not a datetime) or "YYYY-MM-DD".
Date to_date(py::handle h, const std::string& field);
/// A date (`datetime.date` or "YYYY-MM-DD") or an instant (aware
/// `datetime` or RFC 3339 string), whichever `h` is.
std::variant<Date, Instant> to_date_or_instant(py::handle h, const std::string& field);
/// A `str`.
std::string to_text(py::handle h, const std::string& field);
/// A `str`, or None for "".
std::string to_optional_text(py::handle h, const std::string& field);
/// An `int` (not a bool) within [lo, hi].
std::int64_t to_integer(py::handle h, const std::string& field, std::int64_t lo, std::int64_t hi);
/// An `int` within the range of `int`.
int to_int(py::handle h, const std::string& field);
/// Whole minutes as an `int`.
Minutes to_minutes(py::handle h, const std::string& field);

/// An id: a `str`.
template <class Id>
Id to_id(py::handle h, const std::string& field) {
    return Id{to_text(h, field)};
}
/// An id or None.
template <class Id>
std::optional<Id> to_optional_id(py::handle h, const std::string& field) {
    if (h.is_none()) return std::nullopt;
    return to_id<Id>(h, field);
}

/// A list of `str` ids; a bare `str` is refused (it would iterate as characters).
template <class Id>
std::vector<Id> to_ids(py::handle h, const std::string& field);

/// A list of lists of `str` ids (fields "resource_groups[g]").
ResourceGroups to_groups(py::handle h, const std::string& field);
/// A list of ("busy" | "free", minutes) pairs (fields "segments[i]").
std::vector<Segment> to_segments(py::handle h, const std::string& field);
/// A dict with any of "day", "week", "month" → int or None (fields "limits.day", …).
BookingLimits to_limits(py::handle h, const std::string& field);

/// A sequence of ("HH:MM", "HH:MM") pairs; the end may be "24:00".
std::vector<LocalWindow> to_windows(py::handle h, const std::string& field);
/// {"mon": [("09:00", "13:00")], ...}; days left out are closed.
WeeklyHours to_weekly_hours(py::handle h, const std::string& field);
/// A dict {name, email, phone, locale} (None for the optional ones) or a
/// `slotwise.Customer`.
Customer to_customer(py::handle h, const std::string& field);
/// "admin" | "staff" | "customer".
Role to_role(py::handle h, const std::string& field);

// --- slotwise → Python ------------------------------------------------------

/// An aware `datetime` in UTC.
py::object from_instant(Instant t);
/// An aware `datetime`, or None.
py::object from_instant(const std::optional<Instant>& t);
/// A `datetime.date`.
py::object from_date(Date d);
/// [("09:00", "13:00"), ...]
py::list from_windows(const std::vector<LocalWindow>& windows);
/// {"mon": [...], ..., "sun": [...]}, every day present.
py::dict from_weekly_hours(const WeeklyHours& hours);
/// Python's repr() of a str, for __repr__.
std::string repr_text(const std::string& s);

// --- slotwise.Slot (slot.cpp) ----------------------------------------------

/// Creates the native `Slot` type in `m`.
void register_slot_type(py::module_& m);
/// A list of `Slot` objects, built without pybind11's per-instance overhead.
py::list slots_to_list(std::vector<ResourceSlot>&& slots);

// --- errors -----------------------------------------------------------------

/// Every `Errc` value, in order.
std::vector<Errc> all_codes();
/// Creates slotwise.Error and one subclass per `Errc` in `m`, and registers
/// the translator from `slotwise::Error` (and stray C++ exceptions).
void register_errors(py::module_& m);
/// Raises `e` as its Python class with `__cause__` set to `cause` (a Python
/// exception instance, or None): sets the Python error and throws
/// `py::error_already_set`.
[[noreturn]] void raise_with_cause(const Error& e, py::handle cause);

}  // namespace slotwise::python
