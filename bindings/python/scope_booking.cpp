// TenantScope: availability and the booking calls (book, get_booking,
// bookings, cancel, reschedule).
#include "binding.hpp"

#include <iterator>
#include <variant>

namespace slotwise::python {

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

namespace {

constexpr int max_page = 1000;  // BookingQuery's largest limit

// The bounds of bookings(): an instant is exact; a date is a whole UTC day,
// so date_from is its start and date_to the start of the next day.
Instant to_lower_bound(py::handle h, const std::string& field) {
    const auto bound = to_date_or_instant(h, field);
    if (const auto* day = std::get_if<Date>(&bound)) return Instant{date::sys_days{*day}.time_since_epoch()};
    return std::get<Instant>(bound);
}

Instant to_upper_bound(py::handle h, const std::string& field) {
    const auto bound = to_date_or_instant(h, field);
    if (const auto* day = std::get_if<Date>(&bound)) {
        return Instant{(date::sys_days{*day} + date::days{1}).time_since_epoch()};
    }
    return std::get<Instant>(bound);
}

// Every booking matching `q`, paging by the (start, id) keyset from
// `q.after` until a short page.
std::vector<Booking> every_booking(TenantScope& s, BookingQuery q) {
    std::vector<Booking> out;
    for (;;) {
        auto page = s.bookings(q);
        const bool last = page.size() < static_cast<std::size_t>(q.limit);
        if (!page.empty()) q.after = page.back().id;
        std::move(page.begin(), page.end(), std::back_inserter(out));
        if (last) return out;
    }
}

}  // namespace

namespace {

std::optional<int> to_optional_count(py::handle h, const char* field, int highest) {
    if (h.is_none()) return std::nullopt;
    return static_cast<int>(to_integer(h, field, 1, highest));
}

py::object optional_int(const std::optional<int>& v) { return v ? py::object(py::int_(*v)) : py::object(py::none()); }

std::string policy_repr(const TenantPolicy& p) {
    const auto optional = [](const std::optional<int>& v) { return v ? std::to_string(*v) : std::string("None"); };
    return "Policy(max_pending_per_customer=" + std::to_string(p.max_pending_per_customer) +
           ", max_active_per_customer=" + optional(p.max_active_per_customer) +
           ", customer_horizon_days=" + std::to_string(p.customer_horizon.count()) +
           ", max_seats_per_customer_booking=" + optional(p.max_seats_per_customer_booking) +
           ", max_notifications_per_customer_hour=" + std::to_string(p.max_notifications_per_customer_hour) +
           ", max_waitlist_per_customer=" + std::to_string(p.max_waitlist_per_customer) + ")";
}

// Policy (policy.hpp) and the scope's set_policy / policy.
template <class Scope>
void bind_policy(py::module_& m, Scope& scope) {
    py::class_<TenantPolicy>(m, "Policy", R"(A tenant's abuse limits on one customer subject (read-only; see TenantScope.set_policy).

Attributes:
    max_pending_per_customer:       unpaid bookings with a running hold one customer may hold at once.
    max_active_per_customer:        upcoming active bookings per customer, or None (unlimited).
    customer_horizon_days:          how many days ahead a customer may query and book.
    max_seats_per_customer_booking: most seats in one customer booking, or None (the capacity).
    max_notifications_per_customer_hour: notifications one customer's own actions may queue per hour;
                                    past it the action succeeds and its notification is dropped.
    max_waitlist_per_customer:      waiting waitlist entries one customer may have at once.)")
        .def_property_readonly("max_pending_per_customer", [](const TenantPolicy& p) { return p.max_pending_per_customer; })
        .def_property_readonly("max_active_per_customer", [](const TenantPolicy& p) { return optional_int(p.max_active_per_customer); })
        .def_property_readonly("customer_horizon_days", [](const TenantPolicy& p) { return p.customer_horizon.count(); })
        .def_property_readonly("max_seats_per_customer_booking",
                               [](const TenantPolicy& p) { return optional_int(p.max_seats_per_customer_booking); })
        .def_property_readonly("max_notifications_per_customer_hour",
                               [](const TenantPolicy& p) { return p.max_notifications_per_customer_hour; })
        .def_property_readonly("max_waitlist_per_customer",
                               [](const TenantPolicy& p) { return p.max_waitlist_per_customer; })
        .def("__eq__", [](const TenantPolicy& a, py::handle b) {
            return py::isinstance<TenantPolicy>(b) && a == b.cast<const TenantPolicy&>();
        })
        .def("__repr__", &policy_repr);
    m.attr("Policy").attr("__module__") = "slotwise";
    scope.def(
        "set_policy",
        [](TenantScope& s, py::handle max_pending, py::handle max_active, py::handle horizon_days, py::handle seats_cap,
           py::handle notifications_cap, py::handle waitlist_cap) {
            TenantPolicy p{
                .max_pending_per_customer =
                    static_cast<int>(to_integer(max_pending, "max_pending_per_customer", 1, max_policy_count)),
                .max_active_per_customer = to_optional_count(max_active, "max_active_per_customer", max_policy_count),
                .customer_horizon = std::chrono::days(
                    to_integer(horizon_days, "customer_horizon_days", 1, max_customer_horizon.count())),
                .max_seats_per_customer_booking =
                    to_optional_count(seats_cap, "max_seats_per_customer_booking", max_seats),
                .max_notifications_per_customer_hour = static_cast<int>(to_integer(
                    notifications_cap, "max_notifications_per_customer_hour", 1, max_policy_count)),
                .max_waitlist_per_customer = static_cast<int>(
                    to_integer(waitlist_cap, "max_waitlist_per_customer", 1, max_policy_count))};
            return nogil([&] { return s.set_policy(p); });
        },
        py::arg("max_pending_per_customer") = 2, py::arg("max_active_per_customer") = py::none(),
        py::arg("customer_horizon_days") = 92, py::arg("max_seats_per_customer_booking") = 8,
        py::arg("max_notifications_per_customer_hour") = 20, py::arg("max_waitlist_per_customer") = 5,
        R"(set_policy($self, max_pending_per_customer=2, max_active_per_customer=None, customer_horizon_days=92, max_seats_per_customer_booking=8, max_notifications_per_customer_hour=20, max_waitlist_per_customer=5)
--

Replaces this tenant's policy (admin) and returns it as a Policy. Arguments
left out take the defaults (not the current values); None lifts a limit that
allows it (max_active_per_customer, max_seats_per_customer_booking). The limits bind customer
scopes only, inside the booking transaction; over one, book and reschedule
raise QuotaExceeded with .field naming it (e.g. "max_pending_per_customer",
"customer_horizon"), and availability beyond the horizon raises
ValidationError naming "to".)");
    scope.def(
        "policy", [](TenantScope& s) { return nogil([&] { return s.policy(); }); },
        R"(policy($self)
--

This tenant's Policy: the defaults until an admin sets one. Any role may read it.)");
}

}  // namespace

void bind_scope_booking(py::module_& m) {
    auto scope = bound_class<TenantScope>(m, "TenantScope");
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

For a service of several resource groups (a doctor and a room), one slot
per start and free resource of the first group, naming in resource_ids the
first free resource (by id) of every other group; a start where some group
has none free is not offered.

Args:
    service_id: the service.
    date_from, date_to: first and last *local* date (each resource's own
        zone), inclusive; datetime.date or "YYYY-MM-DD".
    resources: ids to ask about, for the groups they belong to (a group
        none of them belongs to offers all of its own); None = every
        resource linked to the service.
    seats: seats wanted; a slot is offered only where they fit.

Minimum notice, horizon and holds are judged at the engine's now.)");
    scope.def(
        "book",
        [](TenantScope& s, py::handle service_id, py::handle start, py::handle resource_id, py::handle customer,
           py::handle seats, py::handle idempotency_key, py::handle resource_ids) {
            BookingRequest r;
            r.service = to_given_id<ServiceId>(service_id, "service_id");
            r.start = to_instant(start, "start");
            r.resource = to_optional_given_id<ResourceId>(resource_id, "resource_id");
            r.customer = to_customer(customer, "customer");
            r.seats = static_cast<int>(to_integer(seats, "seats", 1, max_seats));
            r.idempotency_key = to_optional_text(idempotency_key, "idempotency_key");
            if (!resource_ids.is_none()) {
                r.resources = to_ids<ResourceId>(resource_ids, "resource_ids");
                if (r.resources.empty()) invalid("resource_ids", "empty list; pass None to let the engine choose");
            }
            return nogil([&] { return s.book(r); });
        },
        py::arg("service_id"), py::arg("start"), py::arg("resource_id") = py::none(),
        py::arg("customer") = py::none(), py::arg("seats") = 1, py::arg("idempotency_key") = py::none(),
        py::arg("resource_ids") = py::none(),
        R"(book($self, service_id, start, resource_id=None, customer=None, seats=1, idempotency_key=None, resource_ids=None)
--

Books a slot atomically and returns the Booking.

Args:
    service_id: the service.
    start: aware datetime or RFC 3339 string; exactly a start that
        availability() offers at this moment.
    resource_id: the resource (of the first group); None lets the engine
        pick any linked resource that is free (the first by id).
    resource_ids: one resource per group, in group order, as a slot's
        resource_ids names them; None lets the engine pick the first free
        of each group. The booking holds every one of them, or fails and
        holds none.
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
        [](TenantScope& s, py::handle date_from, py::handle date_to, py::handle resource_id, py::handle status,
           py::handle after, py::handle limit, py::handle payment_status, py::handle subject, py::handle series_id) {
            BookingQuery q;
            if (!payment_status.is_none()) {
                q.payment_status = parse_payment_status(to_text(payment_status, "payment_status"), "payment_status");
            }
            if (!subject.is_none()) q.subject = to_text(subject, "subject");
            q.series = to_optional_id<SeriesId>(series_id, "series_id");
            if (!date_from.is_none()) q.from = to_lower_bound(date_from, "date_from");
            if (!date_to.is_none()) q.to = to_upper_bound(date_to, "date_to");
            if (q.from && q.to && *q.to <= *q.from) {
                invalid("date_to", "ends the range at " + format_instant(*q.to) + ", not after date_from (" +
                                       format_instant(*q.from) + ")");
            }
            q.resource = to_optional_id<ResourceId>(resource_id, "resource_id");
            if (!status.is_none()) q.status = parse_booking_status(to_text(status, "status"), "status");
            q.after = to_optional_given_id<BookingId>(after, "after");
            if (!limit.is_none()) {
                q.limit = static_cast<int>(to_integer(limit, "limit", 1, max_page));
                return to_list(nogil([&] { return s.bookings(q); }));
            }
            q.limit = max_page;
            return to_list(nogil([&] { return every_booking(s, std::move(q)); }));
        },
        py::arg("date_from") = py::none(), py::arg("date_to") = py::none(), py::arg("resource_id") = py::none(),
        py::arg("status") = py::none(), py::kw_only(), py::arg("after") = py::none(), py::arg("limit") = py::none(),
        py::arg("payment_status") = py::none(), py::arg("subject") = py::none(), py::arg("series_id") = py::none(),
        R"(bookings($self, date_from=None, date_to=None, resource_id=None, status=None, *, after=None, limit=None, payment_status=None, subject=None, series_id=None)
--

Bookings that start within [date_from, date_to) (list[Booking]), ordered by (start, id).

Args:
    date_from, date_to: each either an instant or a date; None leaves that
        side open.
        An instant (aware datetime or RFC 3339 string such as
        "2026-06-01T07:00:00Z") is an exact bound: a booking is listed when
        date_from <= start < date_to.
        A date (datetime.date or "YYYY-MM-DD") is a whole *UTC* day, both
        ends inclusive: date_from means its 00:00Z, date_to the 00:00Z of
        the day after. For days in a resource's own zone, pass aware
        datetimes of local midnight.
    resource_id: only this resource's bookings.
    status: only bookings with this status as read now ("pending",
        "confirmed", "cancelled", "expired", "requested", "offered" or
        "rejected").
    payment_status: only bookings whose payment is in this state ("none",
        "pending", "paid", "refund_due", "refunded", "failed", ...).
    subject: only the bookings this customer subject made (a customer
        scope sees its own only: another subject lists nothing).
    series_id: only the occurrences of this series.
    after: a booking id, the last one of the previous page: the listing
        resumes just after it in (start, id) order.
    limit: None returns every match (read in pages of 1000, each page its
        own snapshot); 1..1000 returns one page of at most that many. Pass
        the last booking's id as ``after`` for the next page; a page shorter
        than ``limit`` is the last.

A customer scope lists only its own bookings. Example::

    page = t.bookings("2026-06-01", "2026-06-30", limit=50)
    while page:
        show(page)
        page = t.bookings("2026-06-01", "2026-06-30", after=page[-1].id, limit=50))");
    scope.def(
        "cancel",
        [](TenantScope& s, py::handle booking_id) {
            const auto id = to_id<BookingId>(booking_id, "booking_id");
            return nogil([&] { return s.cancel(id); });
        },
        py::arg("booking_id"),
        R"(cancel($self, booking_id)
--

Cancels an active booking (pending, confirmed, requested or offered) and
returns it; its slot is free again and offered to the waitlist at once.

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
    bind_policy(m, scope);
}

}  // namespace slotwise::python
