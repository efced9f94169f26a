// WaitlistEntry, and TenantScope's approval and waitlist calls: confirm,
// reject, join_waitlist, get_waitlist_entry, leave_waitlist, accept_offer.
#include "binding.hpp"

namespace slotwise::python {

namespace {

std::string repr(const WaitlistEntry& e) {
    return "WaitlistEntry(id=" + repr_text(e.id.value) + ", status=" + repr_text(std::string(to_string(e.status))) +
           ", position=" + std::to_string(e.position) + ", service_id=" + repr_text(e.service.value) +
           ", start=" + format_instant(e.start) + ", seats=" + std::to_string(e.seats) + ")";
}

}  // namespace

void bind_waitlist(py::module_& m) {
    py::class_<WaitlistEntry> entry(m, "WaitlistEntry", R"(A place in line for a start that was full.

``status`` is ``"waiting"``, ``"offered"`` (a seat was freed for it: the
booking ``offer_id`` holds it for the service's offer time; take it with
``accept_offer``) or ``"left"``. ``position`` is 1 for the first waiting
entry of its service and start, 0 once it no longer waits.)");
    entry.def_property_readonly("id", [](const WaitlistEntry& e) { return e.id.value; }, R"(Its id.)")
        .def_property_readonly("position", [](const WaitlistEntry& e) { return e.position; },
                               R"(1 + the waiting entries ahead of it; 0 when not waiting.)")
        .def_property_readonly("status", [](const WaitlistEntry& e) { return std::string(to_string(e.status)); },
                               R"("waiting", "offered" or "left".)")
        .def_property_readonly("service_id", [](const WaitlistEntry& e) { return e.service.value; },
                               R"(The service waited for.)")
        .def_property_readonly("start", [](const WaitlistEntry& e) { return from_instant(e.start); },
                               R"(The start waited for (aware UTC datetime).)")
        .def_property_readonly("seats", [](const WaitlistEntry& e) { return e.seats; }, R"(Seats wanted.)")
        .def_property_readonly(
            "offer_id", [](const WaitlistEntry& e) -> py::object {
                if (!e.offer) return py::none();
                return py::str(e.offer->value);
            },
            R"(The offered booking's id once a seat was offered, else None.)")
        .def("__repr__", [](const WaitlistEntry& e) { return repr(e); });
    m.attr("WaitlistEntry").attr("__module__") = "slotwise";

    auto scope = bound_class<TenantScope>(m, "TenantScope");
    scope.def(
        "confirm",
        [](TenantScope& s, py::handle booking_id) {
            const auto id = to_id<BookingId>(booking_id, "booking_id");
            return nogil([&] { return s.confirm(id); });
        },
        py::arg("booking_id"),
        R"(confirm($self, booking_id)
--

Approves a "requested" booking (staff, admin) and returns it: "confirmed", or
for a paid service "pending" with its payment hold starting now (a checkout
can be started only from then). Raises PermissionDenied for a customer and
InvalidTransition when the request lapsed or was decided.)");
    scope.def(
        "reject",
        [](TenantScope& s, py::handle booking_id, py::handle reason) {
            const auto id = to_id<BookingId>(booking_id, "booking_id");
            const auto why = reason.is_none() ? std::string{} : to_text(reason, "reason");
            return nogil([&] { return s.reject(id, why); });
        },
        py::arg("booking_id"), py::arg("reason") = "",
        R"(reject($self, booking_id, reason="")
--

Turns a "requested" booking down (staff, admin) and returns it ("rejected");
the customer is told (booking_rejected), the seat goes to the waitlist, and
the reason goes to the event feed.)");
    scope.def(
        "accept_offer",
        [](TenantScope& s, py::handle booking_id) {
            const auto id = to_id<BookingId>(booking_id, "booking_id");
            return nogil([&] { return s.accept_offer(id); });
        },
        py::arg("booking_id"),
        R"(accept_offer($self, booking_id)
--

Takes a waitlist offer (only the customer it was made to) and returns the
booking: "confirmed", or "pending" with its hold starting now for a paid
service. Raises PermissionDenied for anyone else, InvalidTransition once the
offer lapsed.)");
    scope.def(
        "join_waitlist",
        [](TenantScope& s, py::handle service_id, py::handle start, py::handle customer, py::handle seats,
           py::handle resource_ids) {
            WaitlistRequest r;
            r.service = to_id<ServiceId>(service_id, "service_id");
            r.start = to_instant(start, "start");
            r.customer = to_customer(customer, "customer");
            r.seats = static_cast<int>(to_integer(seats, "seats", 1, max_seats));
            if (!resource_ids.is_none()) r.resources = to_ids<ResourceId>(resource_ids, "resource_ids");
            return nogil([&] { return s.join_waitlist(r); });
        },
        py::arg("service_id"), py::arg("start"), py::arg("customer"), py::arg("seats") = 1,
        py::arg("resource_ids") = py::none(),
        R"(join_waitlist($self, service_id, start, customer, seats=1, resource_ids=None)
--

Joins the waitlist of a start that is full for ``seats`` and returns the
WaitlistEntry. A freed seat is offered to the first waiting entry that fits
it, in join order. Raises InvalidArgument naming "start" when the start is
offered (book it instead) or not in the future, and QuotaExceeded naming
"max_waitlist_per_customer" past the tenant's limit.)");
    scope.def(
        "get_waitlist_entry",
        [](TenantScope& s, py::handle entry_id) {
            const auto id = to_id<WaitlistEntryId>(entry_id, "entry_id");
            return nogil([&] { return s.get_waitlist_entry(id); });
        },
        py::arg("entry_id"), R"(get_waitlist_entry($self, entry_id)
--

A waitlist entry with its current position; a customer sees only its own.)");
    scope.def(
        "leave_waitlist",
        [](TenantScope& s, py::handle entry_id) {
            const auto id = to_id<WaitlistEntryId>(entry_id, "entry_id");
            return nogil([&] { return s.leave_waitlist(id); });
        },
        py::arg("entry_id"), R"(leave_waitlist($self, entry_id)
--

Leaves the waitlist ("left"). An offer is declined by cancelling its booking.)");
}

}  // namespace slotwise::python
