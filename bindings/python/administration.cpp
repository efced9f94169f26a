// Series (book_series, cancel_series, cancel_rest) and administration
// (erase_customer, deactivating and reactivating resources and services) on
// TenantScope, and the Series value. See docs/python.md.
#include "binding.hpp"
#include "convert.hpp"

namespace slotwise::python {

namespace {

py::list bookings_to_list(const std::vector<Booking>& list) {
    py::list out;
    for (const auto& b : list) out.append(py::cast(b));
    return out;
}

}  // namespace

void bind_administration(py::module_& m) {
    py::class_<Series> series(m, "Series", R"(What ``TenantScope.book_series`` made: ``id`` (str), ``bookings``
(list[Booking], by start, each with ``series_id == id``) and ``skipped`` (list of aware
datetimes: the starts not booked, with ``partial=True``).)");
    series.def_property_readonly("id", [](const Series& s) { return s.id.value; }, R"(Opaque id (str).)")
        .def_property_readonly("bookings", [](const Series& s) { return bookings_to_list(s.bookings); },
                               R"(The occurrences booked, by start (list[Booking]).)")
        .def_property_readonly(
            "skipped",
            [](const Series& s) {
                py::list out;
                for (const auto& t : s.skipped) out.append(from_instant(t));
                return out;
            },
            R"(The starts not booked (list of aware datetimes), by start.)")
        .def("__repr__", [](const Series& s) {
            return "Series(id='" + s.id.value + "', bookings=" + std::to_string(s.bookings.size()) +
                   ", skipped=" + std::to_string(s.skipped.size()) + ")";
        });

    auto scope = bound_class<TenantScope>(m, "TenantScope");
    scope.def(
        "book_series",
        [](TenantScope& s, py::handle service_id, py::handle start, py::handle every_weeks, py::handle count,
           py::handle resource_id, py::handle resource_ids, py::handle customer, py::handle seats, py::handle partial,
           py::handle idempotency_key) {
            SeriesRequest r;
            r.service = to_given_id<ServiceId>(service_id, "service_id");
            r.first_start = to_instant(start, "start");
            r.every_weeks = static_cast<int>(to_integer(every_weeks, "every_weeks", 1, max_series_every_weeks));
            r.count = static_cast<int>(to_integer(count, "count", 1, max_series_count));
            r.resource = to_optional_given_id<ResourceId>(resource_id, "resource_id");
            if (!resource_ids.is_none()) {
                r.resources = to_ids<ResourceId>(resource_ids, "resource_ids");
                if (r.resources.empty()) invalid("resource_ids", "empty list; pass None to let the engine choose");
            }
            r.customer = to_customer(customer, "customer");
            r.seats = static_cast<int>(to_integer(seats, "seats", 1, max_seats));
            r.partial = to_flag(partial, "partial");
            r.idempotency_key = to_optional_text(idempotency_key, "idempotency_key");
            return nogil([&] { return s.book_series(r); });
        },
        py::arg("service_id"), py::arg("start"), py::arg("every_weeks") = 1, py::arg("count") = 1,
        py::arg("resource_id") = py::none(), py::arg("resource_ids") = py::none(), py::arg("customer") = py::none(),
        py::arg("seats") = 1, py::arg("partial") = false, py::arg("idempotency_key") = py::none(),
        R"(book_series($self, service_id, start, every_weeks=1, count=1, resource_id=None, resource_ids=None, customer=None, seats=1, partial=False, idempotency_key=None)
--

Books the same local time every ``every_weeks`` weeks, ``count`` times (at most 52), in one transaction.

The local wall time of ``start`` in the zone of the first resource (the
pinned one, else the first the service lists) is kept on every date: across
a DST change the UTC time moves. A local time that does not exist that day
(the spring-forward gap) is not shifted: that occurrence is not offered.
With ``partial=False`` every occurrence is booked or none
(SlotUnavailable naming the first start that is not offered); with
``partial=True`` the offered ones are booked and the others listed in
``Series.skipped``. Each occurrence obeys what book() obeys; over a quota the
whole series is refused (QuotaExceeded). Returns a Series.)");
    scope.def(
        "cancel_series",
        [](TenantScope& s, py::handle series_id, py::handle start_from) {
            const auto id = to_given_id<SeriesId>(series_id, "series_id");
            // None: from the earliest instant the engine takes.
            const auto from = start_from.is_none()
                                  ? Instant{date::sys_days{date::year{min_instant_year} / 1 / 1}}
                                  : to_instant(start_from, "start_from");
            return bookings_to_list(nogil([&] { return s.cancel_series(id, from); }));
        },
        py::arg("series_id"), py::arg("start_from") = py::none(),
        R"(cancel_series($self, series_id, start_from=None)
--

Cancels the active occurrences of a series starting at or after start_from (None: all), in one transaction.

Each goes by cancel()'s rules; if one may not be cancelled, none is.
Returns the cancelled bookings (list[Booking]).)");
    scope.def(
        "cancel_rest",
        [](TenantScope& s, py::handle booking_id) {
            const auto id = to_id<BookingId>(booking_id, "booking_id");
            return bookings_to_list(nogil([&] { return s.cancel_series_from(id); }));
        },
        py::arg("booking_id"),
        R"(cancel_rest($self, booking_id)
--

Cancels this occurrence and the later ones of its series (list[Booking]). ValidationError for a booking of no series.)");
    scope.def(
        "erase_customer",
        [](TenantScope& s, py::handle subject) {
            const auto who = to_text(subject, "subject");
            return nogil([&] { return s.erase_customer(who); });
        },
        py::arg("subject"),
        R"(erase_customer($self, subject)
--

Admin: forgets a customer (GDPR erasure) and returns how many bookings it had.

Name, email and phone are blanked on every booking the subject made in this
tenant, and in every copy the store keeps (outbox rows, sent or not;
idempotency fingerprints). Times, seats, statuses and payments are kept.
Calling it again changes nothing.)");
    scope.def(
        "deactivate_resource",
        [](TenantScope& s, py::handle id) {
            const auto r = to_id<ResourceId>(id, "resource_id");
            return nogil([&] { return s.deactivate_resource(r); });
        },
        py::arg("resource_id"),
        R"(deactivate_resource($self, resource_id)
--

Admin: the resource takes no new bookings and is offered nowhere; its bookings are kept. Returns the Resource.)");
    scope.def(
        "reactivate_resource",
        [](TenantScope& s, py::handle id) {
            const auto r = to_id<ResourceId>(id, "resource_id");
            return nogil([&] { return s.reactivate_resource(r); });
        },
        py::arg("resource_id"),
        R"(reactivate_resource($self, resource_id)
--

Admin: the resource takes new bookings again. Returns the Resource.)");
    scope.def(
        "deactivate_service",
        [](TenantScope& s, py::handle id) {
            const auto v = to_id<ServiceId>(id, "service_id");
            return nogil([&] { return s.deactivate_service(v); });
        },
        py::arg("service_id"),
        R"(deactivate_service($self, service_id)
--

Admin: the service takes no new bookings and offers no slots; its bookings are kept. Returns the Service.)");
    scope.def(
        "reactivate_service",
        [](TenantScope& s, py::handle id) {
            const auto v = to_id<ServiceId>(id, "service_id");
            return nogil([&] { return s.reactivate_service(v); });
        },
        py::arg("service_id"),
        R"(reactivate_service($self, service_id)
--

Admin: the service takes new bookings again. Returns the Service.)");
    m.attr("Series").attr("__module__") = "slotwise";
}

}  // namespace slotwise::python
