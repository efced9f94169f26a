// Routes of series: book the same weekly start several times at once, and
// cancel a series from an instant or from one of its bookings on.
#include "internal.hpp"

namespace slotwise::http {

void add_series_routes(RouteTable& t) {
    add_route(t, "POST", "/v1/series", "Book a weekly series (Idempotency-Key header; partial skips starts not offered)", [](Call& c) {
        const auto b = body_object(c, {"service", "start", "every_weeks", "count", "partial", "resource", "resources",
                                       "customer", "seats"});
        SeriesRequest r{.service = ServiceId{required_string(b, "service")},
                        .first_start = parse_instant(required_string(b, "start"), "start")};
        if (auto v = optional_integer(b, "every_weeks")) r.every_weeks = int_of(*v, "every_weeks");
        const auto count = optional_integer(b, "count");
        if (!count) throw HttpError{.status = 400, .code = "invalid_argument", .field = "count", .detail = "required"};
        r.count = int_of(*count, "count");
        r.partial = optional_bool(b, "partial").value_or(false);
        if (auto v = optional_string(b, "resource")) r.resource = ResourceId{*v};
        if (b.contains("resources") && !b["resources"].is_null()) r.resources = resource_ids_from(b["resources"], "resources");
        r.customer = customer_from(b, "customer");
        if (auto v = optional_integer(b, "seats")) r.seats = int_of(*v, "seats");
        r.idempotency_key = c.req.get_header_value("Idempotency-Key");
        reply(c, 201, to_json(c.as().book_series(r)));
    }, 5);
    add_route(t, "POST", "/v1/series/{id}/cancel", "Cancel a series' bookings starting at or after `from`", [](Call& c) {
        const auto b = body_object(c, {"from"});
        const auto from = parse_instant(required_string(b, "from"), "from");
        reply(c, 200, {{"cancelled", list(c.as().cancel_series(path_id<SeriesTag>(c), from))}});
    }, 5);
    add_route(t, "POST", "/v1/bookings/{id}/cancel-rest", "Cancel a series booking and the later ones of its series", [](Call& c) {
        if (!c.req.body.empty()) body_object(c, {});
        reply(c, 200, {{"cancelled", list(c.as().cancel_series_from(path_id<BookingTag>(c)))}});
    }, 5);
}

}  // namespace slotwise::http
