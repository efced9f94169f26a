// The route table: each route is its method, path pattern, summary and a few
// lines that read the request, call the engine through the key's scope, and
// write the answer (one file per concern: routes_*.cpp). Dispatch
// (server.cpp) and the OpenAPI document (openapi.cpp) both read this table,
// so neither can drift from it.
#include "internal.hpp"

#include <charconv>

namespace slotwise::http {

void add_route(RouteTable& t, std::string method, std::string path, std::string summary,
               std::function<void(Call&)> handler, int cost, bool needs_key) {
    t.push_back({.info = {std::move(method), std::move(path), std::move(summary), needs_key}, .cost = cost,
                 .handler = std::move(handler)});
}

int int_of(std::int64_t v, const std::string& field) {
    if (v < -1'000'000'000 || v > 1'000'000'000) {
        throw HttpError{.status = 400, .code = "invalid_argument", .field = field, .detail = "out of range"};
    }
    return static_cast<int>(v);
}

int int_param(const std::string& value, const std::string& field) {
    std::int64_t v = 0;
    const auto* end = value.data() + value.size();
    const auto [p, ec] = std::from_chars(value.data(), end, v);
    if (value.empty() || ec != std::errc{} || p != end) {
        throw HttpError{.status = 400, .code = "invalid_argument", .field = field, .detail = "expected an integer"};
    }
    return int_of(v, field);
}

void require_admin_key(const Call& c) {
    if (c.key->role != Role::admin) throw Error(Errc::permission_denied, "admin only");
}

const std::vector<RouteEntry>& route_table() {
    static const RouteTable table = [] {
        RouteTable t;
        add_route(t, "GET", "/v1/openapi.json", "This API described in OpenAPI 3.1", [](Call& c) {
            c.res.status = 200;
            c.res.set_content(HttpServer::openapi(), "application/json");
        }, 1, false);
        add_catalogue_routes(t);
        add_booking_routes(t);
        add_admin_routes(t);
        add_approval_routes(t);
        add_waitlist_routes(t);
        add_series_routes(t);
        add_schedule_routes(t);
        add_payment_routes(t);
        add_message_routes(t);
        return t;
    }();
    return table;
}

}  // namespace slotwise::http
