// Routes of availability and bookings: what a customer front end calls.
#include "internal.hpp"

namespace slotwise::http {

void add_booking_routes(RouteTable& t) {
    // --- availability and bookings -------------------------------------
    add_route(t, "GET", "/v1/availability", "Free slots of a service (?service=&from=&to=&seats=&resource=)", [](Call& c) {
        check_query(c, {"service", "from", "to", "seats", "resource"});
        AvailabilityRequest q;
        const auto need = [&](const char* name) {
            auto v = query(c, name);
            if (!v) throw HttpError{.status = 400, .code = "invalid_argument", .field = name, .detail = "required"};
            return *v;
        };
        q.service = ServiceId{need("service")};
        q.from = parse_date(need("from"), "from");
        q.to = parse_date(need("to"), "to");
        if (auto s = query(c, "seats")) q.seats = int_param(*s, "seats");
        if (auto r = query(c, "resource")) q.resources.push_back(ResourceId{*r});
        reply(c, 200, {{"slots", list(c.as().availability(q))}});
    }, 2);
    add_route(t, "GET", "/v1/bookings", "Bookings (?from=&to=&resource=&status=&after=&limit=&payment_status=&subject=&series=)", [](Call& c) {
        check_query(c, {"from", "to", "resource", "status", "after", "limit", "payment_status", "subject", "series"});
        BookingQuery q;
        if (auto v = query(c, "from")) q.from = parse_instant(*v, "from");
        if (auto v = query(c, "to")) q.to = parse_instant(*v, "to");
        if (auto v = query(c, "resource")) q.resource = ResourceId{*v};
        if (auto v = query(c, "status")) q.status = parse_booking_status(*v, "status");
        if (auto v = query(c, "after")) q.after = BookingId{*v};
        if (auto v = query(c, "limit")) q.limit = int_param(*v, "limit");
        if (auto v = query(c, "payment_status")) q.payment_status = parse_payment_status(*v, "payment_status");
        if (auto v = query(c, "subject")) q.subject = *v;
        if (auto v = query(c, "series")) q.series = SeriesId{*v};
        reply(c, 200, {{"bookings", list(c.as().bookings(q))}});
    });
    add_route(t, "POST", "/v1/bookings", "Book a slot (Idempotency-Key header)", [](Call& c) {
        const auto b = body_object(c, {"service", "start", "resource", "resources", "customer", "seats"});
        BookingRequest r{.service = ServiceId{required_string(b, "service")},
                         .start = parse_instant(required_string(b, "start"), "start"),
                         .customer = customer_from(b, "customer")};
        if (auto v = optional_string(b, "resource")) r.resource = ResourceId{*v};
        if (b.contains("resources") && !b["resources"].is_null()) r.resources = resource_ids_from(b["resources"], "resources");
        if (auto v = optional_integer(b, "seats")) r.seats = int_of(*v, "seats");
        r.idempotency_key = c.req.get_header_value("Idempotency-Key");
        reply(c, 201, to_json(c.as().book(r)));
    }, 5);
    add_route(t, "GET", "/v1/bookings/{id}", "A booking", [](Call& c) {
        check_query(c, {});
        reply(c, 200, to_json(c.as().get_booking(path_id<BookingTag>(c))));
    });
    add_route(t, "POST", "/v1/bookings/{id}/cancel", "Cancel a booking", [](Call& c) {
        if (!c.req.body.empty()) body_object(c, {});
        reply(c, 200, to_json(c.as().cancel(path_id<BookingTag>(c))));
    }, 5);
    add_route(t, "POST", "/v1/bookings/{id}/reschedule", "Move a booking to another start (and resource)", [](Call& c) {
        const auto b = body_object(c, {"start", "resource"});
        std::optional<ResourceId> resource;
        if (auto v = optional_string(b, "resource")) resource = ResourceId{*v};
        reply(c, 200, to_json(c.as().reschedule(path_id<BookingTag>(c), parse_instant(required_string(b, "start"), "start"),
                                                resource)));
    }, 5);
}

}  // namespace slotwise::http
