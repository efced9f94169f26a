// Routes of the waitlist: a customer joins the line for a full start, reads
// or leaves its entry, and takes the seat it is offered. The engine decides
// who may see what (a customer only its own entries and offers).
#include "internal.hpp"

namespace slotwise::http {

void add_waitlist_routes(RouteTable& t) {
    add_route(t, "POST", "/v1/waitlist", "Join the waitlist of a full start", [](Call& c) {
        const auto b = body_object(c, {"service", "start", "seats", "customer", "resources"});
        WaitlistRequest r{.service = ServiceId{required_string(b, "service")},
                          .start = parse_instant(required_string(b, "start"), "start"),
                          .customer = customer_from(b, "customer")};
        if (auto v = optional_integer(b, "seats")) r.seats = int_of(*v, "seats");
        if (b.contains("resources") && !b["resources"].is_null()) r.resources = resource_ids_from(b["resources"], "resources");
        reply(c, 201, to_json(c.as().join_waitlist(r)));
    }, 5);
    add_route(t, "GET", "/v1/waitlist/{id}", "A waitlist entry with its position", [](Call& c) {
        check_query(c, {});
        reply(c, 200, to_json(c.as().get_waitlist_entry(path_id<WaitlistTag>(c))));
    });
    add_route(t, "POST", "/v1/waitlist/{id}/leave", "Leave the waitlist (a waiting entry)", [](Call& c) {
        if (!c.req.body.empty()) body_object(c, {});
        reply(c, 200, to_json(c.as().leave_waitlist(path_id<WaitlistTag>(c))));
    }, 5);
    add_route(t, "POST", "/v1/bookings/{id}/accept", "Take a waitlist offer (the offered customer)", [](Call& c) {
        if (!c.req.body.empty()) body_object(c, {});
        reply(c, 200, to_json(c.as().accept_offer(path_id<BookingTag>(c))));
    }, 5);
}

}  // namespace slotwise::http
