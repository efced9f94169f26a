// Routes of a booking's payment and messages: start a hosted checkout,
// refund a booking that is owed its money back, and list the notifications
// written about it. The provider is reached through the server's
// `payment_transport`; without one these answer 503 `not_configured`
// before anything is read or changed.
#include "internal.hpp"

namespace slotwise::http {

void add_payment_routes(RouteTable& t) {
    add_route(t, "POST", "/v1/bookings/{id}/checkout", "Start a hosted checkout for a pending booking", [](Call& c) {
        const auto b = body_object(c, {"success_url", "cancel_url"});
        const auto success = required_string(b, "success_url");
        const auto cancel = required_string(b, "cancel_url");
        const auto& http = payment_transport(c);
        const auto co = c.as().start_checkout(path_id<BookingTag>(c), success, cancel, http);
        reply(c, 201, {{"id", co.id}, {"url", co.url},
                       {"expires_at", co.expires_at ? Json(format_instant(*co.expires_at)) : Json(nullptr)}});
    }, 5);
    add_route(t, "POST", "/v1/bookings/{id}/refund", "Refund a booking whose payment is owed back (admin, staff)", [](Call& c) {
        if (!c.req.body.empty()) body_object(c, {});
        const auto& http = payment_transport(c);
        const auto id = path_id<BookingTag>(c);
        const auto r = c.as().refund(id, http);
        reply(c, 200, {{"id", r.id}, {"status", r.status}, {"booking", to_json(c.as().get_booking(id))}});
    }, 5);
    add_route(t, "GET", "/v1/bookings/{id}/notifications", "The notifications written about a booking, oldest first (admin, staff)", [](Call& c) {
        check_query(c, {});
        reply(c, 200, {{"notifications", list(c.as().notifications(path_id<BookingTag>(c)))}});
    });
}

}  // namespace slotwise::http
