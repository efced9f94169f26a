// slotwise._core — the compiled half of the Python package `slotwise`. The
// pure-Python `slotwise/__init__.py` re-exports everything here;
// `slotwise/__init__.pyi` types it. This file holds the module init and the
// module functions; each concern is bound in its own file (binding.hpp lists
// them, and says how the GIL is handled).
#include "binding.hpp"

#include <slotwise/scenario.hpp>

#include <chrono>
#include <stdexcept>

#ifndef SLOTWISE_VERSION
#define SLOTWISE_VERSION "0.0.0"
#endif

namespace slotwise::python {
namespace {

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
            for (const Errc c : all_codes()) {
                if (to_string(c) == name) throw Error(c, to_optional_text(field, "field"), to_text(message, "message"));
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
        "_error_codes",
        [] {
            py::list out;
            for (const Errc c : all_codes()) out.append(std::string(to_string(c)));
            return out;
        },
        R"(_error_codes()
--

For tests only: the name of every C++ ``slotwise::Errc`` value, in order.)");

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
    m.doc() = R"(slotwise._core: the compiled booking engine. Import `slotwise`, not this; the guide is docs/python.md.)";
    m.attr("__version__") = SLOTWISE_VERSION;
    init_datetime();
    register_errors(m);
    bind_values(m);
    bind_engine(m);
    bind_scope_catalogue(m);
    bind_scope_booking(m);
    bind_tables(m);
    bind_payments(m);
    bind_notifications(m);
    bind_rate_limiter(m);
    bind_presets(m);
    bind_administration(m);
    bind_waitlist(m);
    bind_api_keys(m);
    bind_message_texts(m);
    bind_functions(m);
    // Users meet these as slotwise.X (help(), repr of the class, pickling).
    for (const char* name : {"Customer", "Resource", "Service", "Block", "Booking", "Engine", "TenantScope", "Checkout",
                             "Refund", "PaymentSettings", "WebhookOutcome", "Notification", "DeliveryReport",
                             "DeliveryFailure", "EngineEvent"}) {
        m.attr(name).attr("__module__") = "slotwise";
    }
}
