// Python ⇄ slotwise conversions and the exception classes. See convert.hpp.
#include "convert.hpp"

#include <Python.h>
#include <datetime.h>

#include <array>
#include <algorithm>
#include <climits>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>
#include <vector>

namespace slotwise::python {

void init_datetime() {
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == nullptr) throw py::error_already_set();
}

namespace {

std::string type_name(py::handle h) { return Py_TYPE(h.ptr())->tp_name; }

[[noreturn]] void wrong_type(const std::string& field, const std::string& expected, py::handle h) {
    invalid(field, "expected " + expected + ", got " + type_name(h));
}

// Calls `f` and turns a Python exception raised inside it into a validation
// error on `field`: input objects with odd methods (a tzinfo whose
// utcoffset() raises) are bad input too.
template <class F>
auto guarded(const std::string& field, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (py::error_already_set& e) {
        invalid(field, e.what());
    }
}

bool is_sequence(py::handle h) { return PyList_Check(h.ptr()) || PyTuple_Check(h.ptr()); }

}  // namespace

// --- Python → slotwise ------------------------------------------------------

Instant to_instant(py::handle h, const std::string& field) {
    PyObject* p = h.ptr();
    if (PyDateTime_Check(p)) {
        if (PyDateTime_DATE_GET_TZINFO(p) == Py_None) {
            invalid(field, "naive datetime refused; pass a timezone-aware datetime "
                           "(e.g. tzinfo=datetime.timezone.utc) or an RFC 3339 string");
        }
        // utcoffset() honours the zone's rules and `fold` for ambiguous times.
        const py::object offset = guarded(field, [&] { return h.attr("utcoffset")(); });
        if (offset.is_none()) invalid(field, "naive datetime refused: its tzinfo gives no UTC offset");
        if (!PyDelta_Check(offset.ptr())) wrong_type(field, "utcoffset() to return a timedelta", offset);
        const std::chrono::seconds off{std::int64_t{PyDateTime_DELTA_GET_DAYS(offset.ptr())} * 86400 +
                                       PyDateTime_DELTA_GET_SECONDS(offset.ptr())};
        const Date day{date::year{PyDateTime_GET_YEAR(p)},
                       date::month{static_cast<unsigned>(PyDateTime_GET_MONTH(p))},
                       date::day{static_cast<unsigned>(PyDateTime_GET_DAY(p))}};
        // Microseconds are dropped: instants are whole seconds, as in RFC 3339 parsing.
        return Instant{date::sys_days{day}.time_since_epoch()} +
               std::chrono::hours{PyDateTime_DATE_GET_HOUR(p)} +
               std::chrono::minutes{PyDateTime_DATE_GET_MINUTE(p)} +
               std::chrono::seconds{PyDateTime_DATE_GET_SECOND(p)} - off;
    }
    if (PyUnicode_Check(p)) return parse_instant(to_text(h, field), field);
    if (PyDate_Check(p)) {
        invalid(field, "expected an instant (aware datetime or RFC 3339 string), got a date");
    }
    wrong_type(field, "an aware datetime or an RFC 3339 string", h);
}

Date to_date(py::handle h, const std::string& field) {
    PyObject* p = h.ptr();
    if (PyDateTime_Check(p)) invalid(field, "expected a date, got a datetime; pass .date() or \"YYYY-MM-DD\"");
    if (PyDate_Check(p)) {
        const Date d{date::year{PyDateTime_GET_YEAR(p)}, date::month{static_cast<unsigned>(PyDateTime_GET_MONTH(p))},
                     date::day{static_cast<unsigned>(PyDateTime_GET_DAY(p))}};
        check_date(d, field);
        return d;
    }
    if (PyUnicode_Check(p)) return parse_date(to_text(h, field), field);
    wrong_type(field, "a datetime.date or \"YYYY-MM-DD\"", h);
}

std::variant<Date, Instant> to_date_or_instant(py::handle h, const std::string& field) {
    PyObject* p = h.ptr();
    if (PyDateTime_Check(p)) return to_instant(h, field);
    if (PyDate_Check(p)) return to_date(h, field);
    if (PyUnicode_Check(p)) {
        const auto text = to_text(h, field);
        // "YYYY-MM-DD" is a date; anything longer must be an RFC 3339 instant.
        if (text.size() <= 10) return parse_date(text, field);
        return parse_instant(text, field);
    }
    wrong_type(field, "a date (datetime.date or \"YYYY-MM-DD\") or an instant (aware datetime or RFC 3339 string)", h);
}

std::string to_text(py::handle h, const std::string& field) {
    if (!PyUnicode_Check(h.ptr())) wrong_type(field, "a str", h);
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(h.ptr(), &size);
    if (data == nullptr) {
        PyErr_Clear();  // lone surrogates cannot be encoded
        invalid(field, "is not valid Unicode text");
    }
    return std::string(data, static_cast<std::size_t>(size));
}

std::string to_optional_text(py::handle h, const std::string& field) {
    return h.is_none() ? std::string{} : to_text(h, field);
}

std::int64_t to_integer(py::handle h, const std::string& field, std::int64_t lo, std::int64_t hi) {
    PyObject* p = h.ptr();
    const auto out_of_range = [&]() -> std::int64_t {
        invalid(field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    };
    if (PyBool_Check(p) || PyFloat_Check(p) || !PyIndex_Check(p)) wrong_type(field, "an int", h);
    // __index__ admits numpy integers as well as int.
    const auto index = py::reinterpret_steal<py::object>(PyNumber_Index(p));
    if (!index) {
        PyErr_Clear();
        wrong_type(field, "an int", h);
    }
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
    if (v == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return out_of_range();
    }
    if (overflow != 0 || v < lo || v > hi) return out_of_range();
    return v;
}

int to_int(py::handle h, const std::string& field) {
    return static_cast<int>(to_integer(h, field, INT_MIN, INT_MAX));
}

Minutes to_minutes(py::handle h, const std::string& field) {
    // The engine checks each field's own range; this only keeps the value an int.
    return Minutes{to_integer(h, field, INT_MIN, INT_MAX)};
}

template <class Id>
std::vector<Id> to_ids(py::handle h, const std::string& field) {
    if (PyUnicode_Check(h.ptr())) invalid(field, "expected a list of ids, got a single str");
    if (!is_sequence(h)) wrong_type(field, "a list of str ids", h);
    std::vector<Id> out;
    const auto seq = py::reinterpret_borrow<py::sequence>(h);
    out.reserve(seq.size());
    for (std::size_t i = 0; i < seq.size(); ++i) {
        out.push_back(to_id<Id>(seq[i], field + "[" + std::to_string(i) + "]"));
    }
    return out;
}
template std::vector<ResourceId> to_ids<ResourceId>(py::handle, const std::string&);

std::vector<LocalWindow> to_windows(py::handle h, const std::string& field) {
    if (!is_sequence(h)) wrong_type(field, "a list of (\"HH:MM\", \"HH:MM\") pairs", h);
    const auto seq = py::reinterpret_borrow<py::sequence>(h);
    std::vector<LocalWindow> out;
    out.reserve(seq.size());
    for (std::size_t i = 0; i < seq.size(); ++i) {
        const auto name = field + "[" + std::to_string(i) + "]";
        const py::object pair = seq[i];
        if (!is_sequence(pair) || py::len(pair) != 2) wrong_type(name, "a (\"HH:MM\", \"HH:MM\") pair", pair);
        const auto items = py::reinterpret_borrow<py::sequence>(pair);
        const auto start = parse_local_time(to_text(items[0], name + "[0]"), name + "[0]", false);
        const auto end = parse_local_time(to_text(items[1], name + "[1]"), name + "[1]", true);
        out.push_back({start, end});
    }
    return out;
}

WeeklyHours to_weekly_hours(py::handle h, const std::string& field) {
    if (!PyDict_Check(h.ptr())) wrong_type(field, "a dict such as {\"mon\": [(\"09:00\", \"13:00\")]}", h);
    WeeklyHours hours;
    for (const auto& [key, value] : py::reinterpret_borrow<py::dict>(h)) {
        const auto day = to_text(key, field);
        const auto it = std::find(weekday_keys.begin(), weekday_keys.end(), day);
        if (it == weekday_keys.end()) {
            invalid(field + "." + day, "unknown day; expected mon, tue, wed, thu, fri, sat or sun");
        }
        const auto d = static_cast<std::size_t>(it - weekday_keys.begin());
        if (!value.is_none()) hours.days[d] = to_windows(value, field + "." + day);
    }
    return hours;
}

ResourceGroups to_groups(py::handle h, const std::string& field) {
    if (PyUnicode_Check(h.ptr()) || !is_sequence(h)) wrong_type(field, "a list of lists of str ids", h);
    const auto seq = py::reinterpret_borrow<py::sequence>(h);
    ResourceGroups out;
    out.reserve(seq.size());
    for (std::size_t g = 0; g < seq.size(); ++g) {
        out.push_back(to_ids<ResourceId>(seq[g], field + "[" + std::to_string(g) + "]"));
    }
    return out;
}

std::vector<Segment> to_segments(py::handle h, const std::string& field) {
    if (PyUnicode_Check(h.ptr()) || !is_sequence(h)) wrong_type(field, "a list of (\"busy\" | \"free\", minutes) pairs", h);
    const auto seq = py::reinterpret_borrow<py::sequence>(h);
    std::vector<Segment> out;
    out.reserve(seq.size());
    for (std::size_t i = 0; i < seq.size(); ++i) {
        const auto name = field + "[" + std::to_string(i) + "]";
        const py::object pair = seq[i];
        if (PyUnicode_Check(pair.ptr()) || !is_sequence(pair) || py::len(pair) != 2) {
            wrong_type(name, "a (\"busy\" | \"free\", minutes) pair", pair);
        }
        const auto items = py::reinterpret_borrow<py::sequence>(pair);
        const auto kind = to_text(items[0], name + "[0]");
        if (kind != "busy" && kind != "free") invalid(name + "[0]", "expected \"busy\" or \"free\"");
        out.push_back({kind == "busy" ? SegmentKind::busy : SegmentKind::free, to_minutes(items[1], name + "[1]")});
    }
    return out;
}

BookingLimits to_limits(py::handle h, const std::string& field) {
    if (!PyDict_Check(h.ptr())) wrong_type(field, "a dict such as {\"day\": 8, \"week\": 30}", h);
    BookingLimits out;
    for (const auto& [key, value] : py::reinterpret_borrow<py::dict>(h)) {
        const auto period = to_text(key, field);
        const auto name = field + "." + period;
        std::optional<int>* slot = period == "day" ? &out.day : period == "week" ? &out.week
                                 : period == "month" ? &out.month : nullptr;
        if (slot == nullptr) invalid(name, "unknown period; expected day, week or month");
        if (!value.is_none()) *slot = to_int(value, name);
    }
    return out;
}

Customer to_customer(py::handle h, const std::string& field) {
    if (h.is_none()) invalid(field, "required: a dict with at least \"name\"");
    if (py::isinstance<Customer>(h)) return h.cast<Customer>();
    if (!PyDict_Check(h.ptr())) wrong_type(field, "a dict {name, email, phone, locale}", h);
    Customer c;
    bool named = false;
    for (const auto& [key, value] : py::reinterpret_borrow<py::dict>(h)) {
        const auto name = to_text(key, field);
        const auto sub = field + "." + name;
        if (name == "name") {
            c.name = to_text(value, sub);  // None is refused here: the name is required
            named = true;
        } else if (name == "email") {
            c.email = to_optional_text(value, sub);
        } else if (name == "phone") {
            c.phone = to_optional_text(value, sub);
        } else if (name == "locale") {
            c.locale = value.is_none() ? std::string("en") : to_text(value, sub);
        } else {
            invalid(sub, "unknown field; expected name, email, phone or locale");
        }
    }
    if (!named) invalid(field + ".name", "required");
    return c;
}

Role to_role(py::handle h, const std::string& field) { return parse_role(to_text(h, field), field); }

// --- slotwise → Python ------------------------------------------------------

py::object from_instant(Instant t) {
    const auto day = std::chrono::floor<date::days>(t);
    const date::year_month_day ymd{day};
    const auto secs = static_cast<int>((t - day).count());
    PyObject* o = PyDateTimeAPI->DateTime_FromDateAndTime(
        static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
        static_cast<int>(static_cast<unsigned>(ymd.day())), secs / 3600, secs / 60 % 60, secs % 60, 0,
        PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
    if (o == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(o);
}

py::object from_instant(const std::optional<Instant>& t) { return t ? from_instant(*t) : py::none(); }

py::object from_date(Date d) {
    PyObject* o = PyDate_FromDate(static_cast<int>(d.year()), static_cast<int>(static_cast<unsigned>(d.month())),
                                  static_cast<int>(static_cast<unsigned>(d.day())));
    if (o == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(o);
}

py::list from_windows(const std::vector<LocalWindow>& windows) {
    py::list out;
    for (const auto& w : windows) out.append(py::make_tuple(format_local_time(w.start), format_local_time(w.end)));
    return out;
}

py::dict from_weekly_hours(const WeeklyHours& hours) {
    py::dict out;
    for (std::size_t d = 0; d < 7; ++d) out[py::str(std::string(weekday_keys[d]))] = from_windows(hours.days[d]);
    return out;
}

std::string repr_text(const std::string& s) { return py::repr(py::str(s)).cast<std::string>(); }

// --- errors -----------------------------------------------------------------

namespace {

// The classes live as long as the process: they are referenced from here
// without a Python-side owner, so they are never released (a static py::object
// would be decref'd after the interpreter is gone).
PyObject* base_error = nullptr;
std::vector<PyObject*> error_classes;  // indexed by Errc value; nullptr for none

PyObject* new_error_class(py::module_& m, const char* name, const char* doc, PyObject* base,
                          const char* code) {
    const std::string qualified = std::string("slotwise.") + name;
    const auto dict = py::dict();
    dict["code"] = code ? py::object(py::str(code)) : py::object(py::none());
    dict["field"] = py::none();
    PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, dict.ptr());
    if (cls == nullptr) throw py::error_already_set();
    m.add_object(name, py::reinterpret_borrow<py::object>(cls));
    return cls;  // the new reference is kept for the process's lifetime
}

// A str from UTF-8 that may have been cut inside a character (messages
// truncate long input): undecodable bytes become U+FFFD instead of failing.
py::object lenient_text(const std::string& s) {
    PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
    if (o == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(o);
}

// A new instance of `cls` with its message, .code and .field; nullptr with
// the Python error set when the constructor fails.
PyObject* new_instance(PyObject* cls, const std::string& code, const std::string& field, const char* what) {
    const py::object message = lenient_text(what);
    PyObject* instance = PyObject_CallOneArg(cls, message.ptr());
    if (instance == nullptr) return nullptr;
    PyObject_SetAttrString(instance, "code", lenient_text(code).ptr());
    PyObject_SetAttrString(instance, "field", field.empty() ? Py_None : lenient_text(field).ptr());
    return instance;
}

void raise(PyObject* cls, const std::string& code, const std::string& field, const char* what) {
    PyObject* instance = new_instance(cls, code, field, what);
    if (instance == nullptr) return;  // the constructor's own error stands
    PyErr_SetObject(cls, instance);
    Py_DECREF(instance);
}

PyObject* class_of(const Error& e) {
    const auto index = static_cast<std::size_t>(e.code());
    return index < error_classes.size() && error_classes[index] ? error_classes[index] : base_error;
}

void translate(std::exception_ptr p) {
    try {
        if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
        raise(class_of(e), std::string(to_string(e.code())), e.field(), e.what());
    } catch (const py::builtin_exception&) {
        throw;  // pybind11's own (stop_iteration, cast_error, …): its translator knows them
    } catch (const std::bad_alloc&) {
        throw;  // MemoryError
    } catch (const std::exception& e) {
        // Not expected from slotwise; still a slotwise.Error, so that callers'
        // `except slotwise.Error` holds.
        raise(base_error, "internal", "", e.what());
    }
}

}  // namespace

void raise_with_cause(const Error& e, py::handle cause) {
    PyObject* cls = class_of(e);
    PyObject* instance = new_instance(cls, std::string(to_string(e.code())), e.field(), e.what());
    if (instance == nullptr) throw py::error_already_set();
    if (cause && !cause.is_none()) PyException_SetCause(instance, cause.inc_ref().ptr());  // steals the reference
    PyErr_SetObject(cls, instance);
    Py_DECREF(instance);
    throw py::error_already_set();
}

std::vector<Errc> all_codes() {
    std::vector<Errc> out;
    for (int c = static_cast<int>(Errc::invalid_argument); to_string(static_cast<Errc>(c)) != "unknown"; ++c) {
        out.push_back(static_cast<Errc>(c));
    }
    return out;
}

namespace {

// The Python class of one code.
struct ErrorSpec {
    const char* name = nullptr;
    const char* doc = nullptr;
    std::optional<Errc> parent{};  ///< a subclass of that code's class; else of Error
};

// One case per `Errc` value and no default: a code added to error.hpp
// without its class here fails the build (-Wswitch, an error with
// SLOTWISE_WERROR) and, where warnings are ignored, the import (below).
ErrorSpec spec_of(Errc code) {
    switch (code) {
        case Errc::invalid_argument:
            return {"ValidationError", R"(Input was refused; ``.field`` names it. Fix the input; do not retry.)"};
        case Errc::not_found:
            return {"NotFound",
                    R"(The id does not exist for this tenant, or belongs to another tenant (the two are indistinguishable on purpose).)"};
        case Errc::permission_denied:
            return {"PermissionDenied", R"(The scope's role may not do this (catalogue changes need "admin").)"};
        case Errc::slot_unavailable:
            return {"SlotUnavailable",
                    R"(The start is not (or no longer) offered. Re-read availability and choose again.)"};
        case Errc::invalid_transition:
            return {"InvalidTransition",
                    R"(The booking's state does not allow this change (e.g. cancelling a cancelled booking). Re-read the booking before deciding.)"};
        case Errc::idempotency_mismatch:
            return {"IdempotencyMismatch",
                    R"(The idempotency key was already used for a different request. Use a new key.)"};
        case Errc::signature_invalid:
            return {"SignatureInvalid", R"(A webhook signature is missing, wrong or stale. Reject the request.)"};
        case Errc::storage_busy:
            return {"StorageBusy",
                    R"(The database stayed locked past the busy timeout. The transaction was rolled back and is safe to retry as a whole. A subclass of StorageError.)",
                    Errc::storage_error};
        case Errc::storage_error:
            return {"StorageError",
                    R"(The database failed (I/O, corruption, not a slotwise file). The transaction was rolled back.)"};
        case Errc::provider_error:
            return {"ProviderError",
                    R"(The payment provider refused the request or could not be reached (the transport raised, or Stripe answered with an error status). Nothing changed locally; retrying is safe (requests carry idempotency keys). When the transport raised, that exception is ``__cause__``.)"};
        case Errc::not_configured:
            return {"NotConfigured",
                    R"(The tenant has not configured what the call needs: a payment provider (configure_stripe), or one this engine does not know. An admin must configure it first; do not retry as is.)"};
        case Errc::commit_in_doubt:
            return {"CommitInDoubt",
                    R"(The database connection was lost while committing: the change may or may not have been applied. Never retry blindly: repeat the call with the same idempotency key (or re-read) to learn which. A subclass of StorageError.)",
                    Errc::storage_error};
        case Errc::quota_exceeded:
            return {"QuotaExceeded",
                    R"(A tenant policy limit refused the call; ``.field`` names the limit (e.g. ``"max_pending_per_customer"``). Nothing changed. Do not retry as is: finish, cancel or let lapse a held booking first, or ask for less; an admin may raise the limit with set_policy.)"};
    }
    return {};
}

}  // namespace

void register_errors(py::module_& m) {
    base_error = new_error_class(m, "Error",
        R"(Base class of every slotwise error.

Attributes:
    code:  the C++ ``slotwise::Errc`` name, e.g. ``"slot_unavailable"``.
           Branch on the class or on ``code``, never on the message.
    field: the offending input field for validation errors (e.g.
           ``"customer.name"``, ``"hours.mon[1]"``), else None.)",
        PyExc_Exception, nullptr);
    const auto codes = all_codes();
    error_classes.assign(static_cast<std::size_t>(codes.back()) + 1, nullptr);
    // Parents first: a subclass's code may come before its parent's.
    for (const bool subclasses : {false, true}) {
        for (const Errc code : codes) {
            const ErrorSpec spec = spec_of(code);
            if (spec.name == nullptr) {
                throw std::logic_error("slotwise._core: no Python class for Errc::" + std::string(to_string(code)));
            }
            if (spec.parent.has_value() != subclasses) continue;
            PyObject* base = spec.parent ? error_classes[static_cast<std::size_t>(*spec.parent)] : base_error;
            error_classes[static_cast<std::size_t>(code)] =
                new_error_class(m, spec.name, spec.doc, base, std::string(to_string(code)).c_str());
        }
    }
    py::register_exception_translator(&translate);
}

}  // namespace slotwise::python
