// Routes of approval: staff or an admin confirm or turn down a booking that
// a service requiring confirmation left `requested`. The engine decides who
// may (a customer is refused, another tenant's id is not found) and which
// bookings can still be decided; these routes only read the request.
#include "internal.hpp"

namespace slotwise::http {

void add_approval_routes(RouteTable& t) {
    add_route(t, "POST", "/v1/bookings/{id}/confirm", "Approve a requested booking (staff, admin)", [](Call& c) {
        check_query(c, {});
        if (!c.req.body.empty()) body_object(c, {});
        reply(c, 200, to_json(c.as().confirm(path_id<BookingTag>(c))));
    }, 5);
    add_route(t, "POST", "/v1/bookings/{id}/reject", "Turn down a requested booking, {reason?} (staff, admin)", [](Call& c) {
        check_query(c, {});
        std::string reason;
        if (!c.req.body.empty()) reason = optional_string(body_object(c, {"reason"}), "reason").value_or("");
        reply(c, 200, to_json(c.as().reject(path_id<BookingTag>(c), reason)));
    }, 5);
}

}  // namespace slotwise::http
