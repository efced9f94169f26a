// The value types Customer, Resource, Service, Block and Booking: read-only
// views of the C++ values, compared by value, with a repr that shows them.
// Slot is a native type (slot.cpp); payment and notification values live
// with their calls (payments.cpp, notifications.cpp).
#include "binding.hpp"

namespace slotwise::python {

py::list ids_to_list(const std::vector<ResourceId>& ids) {
    py::list out;
    for (const auto& id : ids) out.append(id.value);
    return out;
}

py::list groups_to_list(const ResourceGroups& groups) {
    py::list out;
    for (const auto& g : groups) out.append(ids_to_list(g));
    return out;
}

py::list segments_to_list(const std::vector<Segment>& segments) {
    py::list out;
    for (const auto& seg : segments) {
        out.append(py::make_tuple(seg.kind == SegmentKind::busy ? "busy" : "free", seg.length.count()));
    }
    return out;
}

py::dict limits_to_dict(const BookingLimits& l) {
    py::dict out;
    if (l.day) out["day"] = *l.day;
    if (l.week) out["week"] = *l.week;
    if (l.month) out["month"] = *l.month;
    return out;
}

py::object text_or_none(const std::string& s) { return s.empty() ? py::object(py::none()) : py::object(py::str(s)); }

// --- __repr__ -------------------------------------------------------------------

std::string repr(const Customer& c) {
    return "Customer(name=" + repr_text(c.name) + ", email=" + (c.email.empty() ? "None" : repr_text(c.email)) +
           ", phone=" + (c.phone.empty() ? "None" : repr_text(c.phone)) + ", locale=" + repr_text(c.locale) + ")";
}

std::string repr(const Resource& r) {
    return "Resource(id=" + repr_text(r.id.value) + ", name=" + repr_text(r.name) +
           ", timezone=" + repr_text(r.timezone) + ", capacity=" + std::to_string(r.capacity) +
           ", kind=" + repr_text(std::string(to_string(r.kind))) + ")";
}

std::string repr(const Service& s) {
    std::string resources = "[";
    for (std::size_t g = 0; g < s.resource_groups.size(); ++g) {
        resources += g ? ", [" : "[";
        for (std::size_t i = 0; i < s.resource_groups[g].size(); ++i) {
            resources += (i ? ", " : "") + repr_text(s.resource_groups[g][i].value);
        }
        resources += "]";
    }
    resources += "]";
    return "Service(id=" + repr_text(s.id.value) + ", name=" + repr_text(s.name) +
           ", duration=" + std::to_string(s.duration.count()) + ", step=" + std::to_string(s.step.count()) +
           ", buffer_before=" + std::to_string(s.buffer_before.count()) +
           ", buffer_after=" + std::to_string(s.buffer_after.count()) + ", price=" + std::to_string(s.price) +
           ", currency=" + (s.currency.empty() ? "None" : repr_text(s.currency)) +
           ", min_notice=" + std::to_string(s.min_notice.count()) + ", horizon=" + std::to_string(s.horizon.count()) +
           ", hold_minutes=" + std::to_string(s.hold.count()) + ", resource_groups=" + resources +
           ", cancel_notice=" + std::to_string(s.cancel_notice.count()) + ")";
}

std::string repr(const Block& b) {
    return "Block(id=" + repr_text(b.id.value) + ", resource_id=" + repr_text(b.resource.value) +
           ", start=" + format_instant(b.interval.begin) + ", end=" + format_instant(b.interval.end) +
           ", reason=" + repr_text(b.reason) + ")";
}

std::string repr(const Booking& b) {
    return "Booking(id=" + repr_text(b.id.value) + ", status=" + repr_text(std::string(to_string(b.status))) +
           ", payment_status=" + repr_text(std::string(to_string(b.payment_status))) +
           ", service_id=" + repr_text(b.service.value) + ", resource_id=" + repr_text(b.resource.value) +
           ", start=" + format_instant(b.interval.begin) + ", end=" + format_instant(b.interval.end) +
           ", seats=" + std::to_string(b.seats) +
           ", hold_expires_at=" + (b.hold_expires_at ? format_instant(*b.hold_expires_at) : std::string("None")) +
           ", customer=" + repr(b.customer) + ")";
}

// --- values -----------------------------------------------------------------------

void bind_values(py::module_& m) {
    py::class_<Customer> customer(m, "Customer", R"(Who booked: name, and optionally email, phone and locale.

Pass a ``Customer`` or a plain dict ``{"name", "email", "phone", "locale"}`` as
``customer=`` to ``TenantScope.book``. ``email`` and ``phone`` read as None when
not given; ``locale`` is ``"en"`` unless set (``"it"`` is the other language
messages are written in).)");
    customer.def(py::init([](py::handle name, py::handle email, py::handle phone, py::handle locale) {
                     py::dict d;
                     d["name"] = name;
                     d["email"] = email;
                     d["phone"] = phone;
                     d["locale"] = locale;
                     return to_customer(d, "customer");
                 }),
                 py::arg("name"), py::arg("email") = py::none(), py::arg("phone") = py::none(),
                 py::arg("locale") = "en",
                 R"(__init__($self, name, email=None, phone=None, locale='en')
--

A customer; its fields are checked when booking.)")
        .def_property_readonly("name", [](const Customer& c) { return c.name; }, R"(The customer's name.)")
        .def_property_readonly("email", [](const Customer& c) { return text_or_none(c.email); },
                               R"(Email address, or None.)")
        .def_property_readonly("phone", [](const Customer& c) { return text_or_none(c.phone); },
                               R"(Phone number, or None.)")
        .def_property_readonly("locale", [](const Customer& c) { return c.locale; },
                               R"(Language tag for messages, e.g. "en" or "it".)")
        .def("to_dict", [](const Customer& c) {
                 py::dict d;
                 d["name"] = c.name;
                 d["email"] = text_or_none(c.email);
                 d["phone"] = text_or_none(c.phone);
                 d["locale"] = c.locale;
                 return d;
             }, R"(to_dict($self)
--

The customer as a dict {name, email, phone, locale}, as book() accepts it.)");
    equality(customer);

    py::class_<Resource> resource(m, "Resource", R"(A stylist, room, machine or table: something with working hours
and a capacity that bookings occupy. Returned by ``TenantScope.create_resource``,
``get_resource`` and ``resources``.)");
    resource.def_property_readonly("id", [](const Resource& r) { return r.id.value; }, R"(Opaque id (str).)")
        .def_property_readonly("name", [](const Resource& r) { return r.name; }, R"(Display name.)")
        .def_property_readonly("timezone", [](const Resource& r) { return r.timezone; },
                               R"(IANA zone name; working hours are local to it.)")
        .def_property_readonly("capacity", [](const Resource& r) { return r.capacity; },
                               R"(Seats usable at once (1 for a stylist, 12 for a class).)")
        .def_property_readonly("kind", [](const Resource& r) { return std::string(to_string(r.kind)); },
                               R"("staff", "room", "equipment" or "table".)")
        .def_property_readonly("active", [](const Resource& r) { return r.active; },
                               R"(False once deactivated: no new bookings, offered nowhere; its bookings are kept.)")
        .def_property_readonly(
            "size", [](const Resource& r) -> py::object { return r.size ? py::int_(*r.size) : py::object(py::none()); },
            R"(Guests a table seats (int), or None when the resource is not sized.)");
    equality(resource);

    py::class_<Service> service(m, "Service", R"(Something bookable and its rules. All lengths are whole minutes.
Returned by ``TenantScope.create_service``, ``get_service`` and ``services``.)");
    service.def_property_readonly("id", [](const Service& s) { return s.id.value; }, R"(Opaque id (str).)")
        .def_property_readonly("name", [](const Service& s) { return s.name; }, R"(Display name.)")
        .def_property_readonly("duration", [](const Service& s) { return s.duration.count(); },
                               R"(Length of the appointment, minutes.)")
        .def_property_readonly("step", [](const Service& s) { return s.step.count(); },
                               R"(Spacing of candidate starts, minutes.)")
        .def_property_readonly("buffer_before", [](const Service& s) { return s.buffer_before.count(); },
                               R"(Preparation reserved before the appointment, minutes.)")
        .def_property_readonly("buffer_after", [](const Service& s) { return s.buffer_after.count(); },
                               R"(Clean-up reserved after the appointment, minutes.)")
        .def_property_readonly("price", [](const Service& s) { return s.price; },
                               R"(Price in minor units (cents); 0 = free.)")
        .def_property_readonly("currency", [](const Service& s) { return text_or_none(s.currency); },
                               R"(ISO 4217 code such as "EUR", or None.)")
        .def_property_readonly("min_notice", [](const Service& s) { return s.min_notice.count(); },
                               R"(A slot must start at least this many minutes from now.)")
        .def_property_readonly("horizon", [](const Service& s) { return s.horizon.count(); },
                               R"(A slot must start within this many minutes from now; 0 = no limit.)")
        .def_property_readonly("hold_minutes", [](const Service& s) { return s.hold.count(); },
                               R"(How long a pending paid booking holds its slot, minutes.)")
        .def_property_readonly("resources", [](const Service& s) { return ids_to_list(s.all_resources()); },
                               R"(Ids of every resource linked to it, group by group (list of str).)")
        .def_property_readonly("resource_groups", [](const Service& s) { return groups_to_list(s.resource_groups); },
                               R"(One resource of each group performs it, all at once (list of lists of str).)")
        .def_property_readonly("party", [](const Service& s) { return s.party; },
                               R"(True when it books parties: seats is the party size (restaurants).)")
        .def_property_readonly("segments", [](const Service& s) { return segments_to_list(s.segments); },
                               R"([("busy", 30), ("free", 45), ("busy", 20)]: the parts of the appointment; the
first group's resource is occupied only by the busy ones. [] = busy throughout.)")
        .def_property_readonly("limits", [](const Service& s) { return limits_to_dict(s.limits); },
                               R"({"day": n, "week": n, "month": n}, each optional: most bookings of this service
per resource of the first group per local day, ISO week or month. {} = none.)")
        .def_property_readonly("cancel_notice", [](const Service& s) { return s.cancel_notice.count(); },
                               R"(A customer may cancel or reschedule until this many minutes before the start; 0 = until the start.)")
        .def_property_readonly("active", [](const Service& s) { return s.active; },
                               R"(False once deactivated: no new bookings, no slots; its bookings are kept.)")
        .def_property_readonly("requires_confirmation", [](const Service& s) { return s.requires_confirmation; },
                               R"(Bookings are "requested" until staff confirm or reject them.)")
        .def_property_readonly("request_expiry_minutes", [](const Service& s) { return s.request_expiry.count(); },
                               R"(A request lapses this many minutes after it is made (never past its start).)")
        .def_property_readonly("offer_minutes", [](const Service& s) { return s.offer_time.count(); },
                               R"(A waitlist offer holds its seat this many minutes (never past the start).)");
    equality(service);

    register_slot_type(m);  // native, see slot.cpp

    py::class_<Block> block(m, "Block", R"(Time off for one resource ``[start, end)``; it takes every seat.)");
    block.def_property_readonly("id", [](const Block& b) { return b.id.value; }, R"(Opaque id (str).)")
        .def_property_readonly("resource_id", [](const Block& b) { return b.resource.value; },
                               R"(The resource that is off.)")
        .def_property_readonly("start", [](const Block& b) { return from_instant(b.interval.begin); },
                               R"(Start, aware datetime in UTC.)")
        .def_property_readonly("end", [](const Block& b) { return from_instant(b.interval.end); },
                               R"(End, aware datetime in UTC.)")
        .def_property_readonly("reason", [](const Block& b) { return b.reason; }, R"(Free text, may be "".)");
    equality(block);

    py::class_<Booking> booking(m, "Booking", R"(A booking as read at the moment of the call.

``status`` is one of ``"pending" "confirmed" "cancelled" "expired"`` (a pending
booking whose hold has passed reads ``"expired"``); ``payment_status`` one of
``"none" "pending" "paid" "refund_due" "refunded" "failed"``. Times are aware
UTC datetimes.)");
    booking.def_property_readonly("id", [](const Booking& b) { return b.id.value; }, R"(Opaque id (str).)")
        .def_property_readonly("service_id", [](const Booking& b) { return b.service.value; },
                               R"(The service booked.)")
        .def_property_readonly("resource_id", [](const Booking& b) { return b.resource.value; },
                               R"(The resource of the first group: the one who performs it.)")
        .def_property_readonly("resource_ids", [](const Booking& b) { return ids_to_list(b.held_resources()); },
                               R"(Every resource it holds, one per group in group order (list of str).)")
        .def_property_readonly("segments", [](const Booking& b) { return segments_to_list(b.segments); },
                               R"(The service's segments when it was booked (see Service.segments).)")
        .def_property_readonly("start", [](const Booking& b) { return from_instant(b.interval.begin); },
                               R"(Start of the appointment, aware datetime in UTC.)")
        .def_property_readonly("end", [](const Booking& b) { return from_instant(b.interval.end); },
                               R"(End of the appointment, aware datetime in UTC.)")
        .def_property_readonly("seats", [](const Booking& b) { return b.seats; }, R"(Seats taken.)")
        .def_property_readonly("party_size", [](const Booking& b) { return b.party_size; },
                               R"(Guests of a party service's booking (its seats is then 1: each table is held whole); 0 otherwise.)")
        .def_property_readonly("status", [](const Booking& b) { return std::string(to_string(b.status)); },
                               R"("pending", "confirmed", "cancelled" or "expired".)")
        .def_property_readonly("payment_status",
                               [](const Booking& b) { return std::string(to_string(b.payment_status)); },
                               R"("none", "pending", "paid", "refund_due", "refunded" or "failed".)")
        .def_property_readonly("hold_expires_at", [](const Booking& b) { return from_instant(b.hold_expires_at); },
                               R"(When a pending paid booking stops holding its slot (aware datetime), else None.)")
        .def_property_readonly("customer", [](const Booking& b) { return b.customer; }, R"(Who booked (Customer).)")
        .def_property_readonly("buffer_before", [](const Booking& b) { return b.buffer_before.count(); },
                               R"(Minutes reserved before start, as the service had when booked.)")
        .def_property_readonly("buffer_after", [](const Booking& b) { return b.buffer_after.count(); },
                               R"(Minutes reserved after end, as the service had when booked.)")
        .def_property_readonly("idempotency_key", [](const Booking& b) { return text_or_none(b.idempotency_key); },
                               R"(The key it was booked with, or None.)")
        .def_property_readonly("created_by", [](const Booking& b) { return b.created_by; },
                               R"(The subject of the scope that booked it.)")
        .def_property_readonly("created_at", [](const Booking& b) { return from_instant(b.created_at); },
                               R"(When it was booked (engine clock).)")
        .def_property_readonly("updated_at", [](const Booking& b) { return from_instant(b.updated_at); },
                               R"(When it last changed (engine clock).)")
        .def_property_readonly("checkout_id", [](const Booking& b) { return text_or_none(b.checkout_id); },
                               R"(The provider's checkout session id (Stripe "cs_..."), once a checkout was started or a payment event named it; else None.)")
        .def_property_readonly("payment_reference", [](const Booking& b) { return text_or_none(b.payment_reference); },
                               R"(The provider's payment id (Stripe payment intent "pi_..."), once a payment event named it; else None.)")
        .def_property_readonly("series_id", [](const Booking& b) { return text_or_none(b.series.value); },
                               R"(The series book_series made it in (str), or None.)");
    equality(booking);
}

}  // namespace slotwise::python
