// slotwise.RateLimiter — the library's token bucket per key (rate_limiter.hpp)
// for a Python host to put in front of its endpoints.
//
// try_acquire keeps the GIL: it is O(1) under a shard mutex, shorter than
// releasing and taking the GIL back, and a Python clock needs the GIL anyway.
#include "binding.hpp"

#include <slotwise/rate_limiter.hpp>

#include <chrono>
#include <cmath>
#include <memory>

namespace slotwise::python {
namespace {

using Limiter = RateLimiter;

[[noreturn]] void wrong_type(const std::string& field, const std::string& expected, py::handle h) {
    invalid(field, "expected " + expected + ", got " + std::string(Py_TYPE(h.ptr())->tp_name));
}

// A duration from a timedelta or a number of seconds, in nanoseconds.
std::chrono::nanoseconds to_duration(py::handle h, const std::string& field) {
    double seconds = 0;
    if (py::isinstance(h, py::module_::import("datetime").attr("timedelta"))) {
        seconds = h.attr("total_seconds")().cast<double>();
    } else if (PyFloat_Check(h.ptr()) || (PyLong_Check(h.ptr()) && !PyBool_Check(h.ptr()))) {
        seconds = h.cast<double>();
    } else {
        wrong_type(field, "a datetime.timedelta or a number of seconds", h);
    }
    // A day at most: a slower refill is a ban, not a rate.
    if (!std::isfinite(seconds) || seconds <= 0 || seconds > 86400) {
        invalid(field, "must be more than 0 and at most 86400 seconds");
    }
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(seconds * 1e9)));
}

// The limiter's clock from a Python callable returning monotonic seconds (a
// float, as time.monotonic does). Held through a shared_ptr so that the
// limiter, not the GIL, decides when it is copied.
RateLimiter::Clock to_clock(py::handle h) {
    if (h.is_none()) return {};
    if (!PyCallable_Check(h.ptr())) wrong_type("clock", "a callable returning seconds (like time.monotonic)", h);
    auto callable = std::shared_ptr<py::object>(new py::object(py::reinterpret_borrow<py::object>(h)), [](py::object* o) {
        py::gil_scoped_acquire gil;
        delete o;
    });
    return [callable]() -> RateLimiter::TimePoint {
        py::gil_scoped_acquire gil;
        const py::object value = (*callable)();
        if (!PyFloat_Check(value.ptr()) && !PyLong_Check(value.ptr())) {
            wrong_type("clock", "the clock to return a number of seconds", value);
        }
        const double seconds = value.cast<double>();
        if (!std::isfinite(seconds) || std::fabs(seconds) > 1e11) invalid("clock", "returned no usable time");
        return RateLimiter::TimePoint(std::chrono::duration_cast<RateLimiter::TimePoint::duration>(
            std::chrono::duration<double>(seconds)));
    };
}

std::string decision_repr(const RateLimiter::Decision& d) {
    const auto seconds = std::chrono::duration<double>(d.retry_after).count();
    return std::string("Decision(allowed=") + (d.allowed ? "True" : "False") +
           ", retry_after=" + std::to_string(seconds) + "s)";
}

}  // namespace

void bind_rate_limiter(py::module_& m) {
    py::class_<RateLimiter::Decision>(m, "RateDecision", R"(What RateLimiter.try_acquire decided; true when allowed.

Attributes:
    allowed:             bool.
    retry_after:         datetime.timedelta until the same call would be allowed (zero when allowed).
    retry_after_seconds: the same in whole seconds, rounded up: an HTTP Retry-After value.)")
        .def_property_readonly("allowed", [](const RateLimiter::Decision& d) { return d.allowed; })
        .def_property_readonly("retry_after",
                               [](const RateLimiter::Decision& d) {
                                   const auto us = std::chrono::ceil<std::chrono::microseconds>(d.retry_after);
                                   return py::module_::import("datetime").attr("timedelta")(
                                       py::arg("microseconds") = us.count());
                               })
        .def_property_readonly("retry_after_seconds",
                               [](const RateLimiter::Decision& d) {
                                   return std::chrono::ceil<std::chrono::seconds>(d.retry_after).count();
                               })
        .def("__bool__", [](const RateLimiter::Decision& d) { return d.allowed; })
        .def("__repr__", &decision_repr);
    m.attr("RateDecision").attr("__module__") = "slotwise";

    py::class_<Limiter>(m, "RateLimiter", R"(A token bucket per key, bounded in memory; thread-safe.

slotwise counts no requests: put a RateLimiter in front of every endpoint,
keyed by client address before authentication, by tenant + subject after it,
and by tenant. Each key has a bucket of ``burst`` tokens refilled by one every
``refill_every``; a call of ``cost`` tokens is allowed when the bucket holds
them and takes them; a refused call takes nothing. At most ``max_keys`` keys
are remembered (least recently used forgotten first); keys are at most 256
bytes.

    per_address = slotwise.RateLimiter(burst=60, refill_every=1.0)
    d = per_address.try_acquire(client_ip)
    if not d:
        return 429, {"Retry-After": str(d.retry_after_seconds)})")
        .def(py::init([](py::handle burst, py::handle refill_every, py::handle max_keys, py::handle clock) {
                 RateLimiter::Options o;
                 o.burst = to_integer(burst, "burst", 1, 1'000'000'000);
                 o.refill_every = to_duration(refill_every, "refill_every");
                 o.max_keys = static_cast<std::size_t>(to_integer(max_keys, "max_keys", 1, 100'000'000));
                 o.clock = to_clock(clock);
                 return std::make_unique<Limiter>(std::move(o));
             }),
             py::arg("burst") = 10, py::arg("refill_every") = 1.0, py::arg("max_keys") = 100'000,
             py::arg("clock") = py::none(),
             R"(RateLimiter(burst=10, refill_every=1.0, max_keys=100000, clock=None)
--

refill_every is a datetime.timedelta or seconds (0 < s <= 86400); clock, if
given, returns monotonic seconds (like time.monotonic). Raises ValidationError
naming the argument out of range.)")
        .def(
            "try_acquire",
            [](Limiter& l, py::handle key, py::handle cost) {
                const auto k = to_text(key, "key");
                return l.try_acquire(k, to_integer(cost, "cost", 1, 1'000'000'000));
            },
            py::arg("key"), py::arg("cost") = 1,
            R"(try_acquire(key, cost=1)
--

Takes ``cost`` tokens from ``key``'s bucket if it holds them; returns a
RateDecision (true when allowed). A cost above ``burst`` or a key over 256
bytes raises ValidationError naming it.)")
        .def("__len__", &Limiter::size, "Keys remembered now (at most max_keys).");
    m.attr("RateLimiter").attr("__module__") = "slotwise";
}

}  // namespace slotwise::python
