// Routes of the catalogue: services, resources and their weekly hours.
#include "internal.hpp"

namespace slotwise::http {

void add_catalogue_routes(RouteTable& t) {
    // --- catalogue ------------------------------------------------------
    add_route(t, "GET", "/v1/services", "Every service", [](Call& c) {
        check_query(c, {});
        reply(c, 200, {{"services", list(c.as().services())}});
    });
    add_route(t, "POST", "/v1/services", "Create a service (admin)", [](Call& c) {
        const auto b = body_object(c, {"name", "duration", "step", "buffer_before", "buffer_after", "price", "currency",
                                       "min_notice", "horizon", "hold", "cancel_notice", "resources", "resource_groups",
                                       "party", "requires_confirmation", "request_expiry", "offer_time"});
        reply(c, 201, to_json(c.as().create_service(new_service_from(b))));
    });
    add_route(t, "GET", "/v1/services/{id}", "A service", [](Call& c) {
        check_query(c, {});
        reply(c, 200, to_json(c.as().get_service(path_id<ServiceTag>(c))));
    });
    add_route(t, "PATCH", "/v1/services/{id}", "Change a service's fields (admin)", [](Call& c) {
        const auto b = body_object(c, {"name", "duration", "step", "buffer_before", "buffer_after", "price", "currency",
                                       "min_notice", "horizon", "hold", "cancel_notice", "resources", "resource_groups",
                                       "party", "requires_confirmation", "request_expiry", "offer_time"});
        reply(c, 200, to_json(c.as().update_service(path_id<ServiceTag>(c), service_patch_from(b))));
    });
    add_route(t, "GET", "/v1/resources", "Every resource", [](Call& c) {
        check_query(c, {});
        reply(c, 200, {{"resources", list(c.as().resources())}});
    });
    add_route(t, "POST", "/v1/resources", "Create a resource (admin)", [](Call& c) {
        const auto b = body_object(c, {"name", "kind", "timezone", "capacity", "size"});
        NewResource r{.name = required_string(b, "name"), .timezone = required_string(b, "timezone")};
        if (auto k = optional_string(b, "kind")) r.kind = parse_resource_kind(*k, "kind");
        if (auto cap = optional_integer(b, "capacity")) r.capacity = int_of(*cap, "capacity");
        if (auto v = optional_integer(b, "size")) r.size = int_of(*v, "size");
        reply(c, 201, to_json(c.as().create_resource(r)));
    });
    add_route(t, "GET", "/v1/resources/{id}", "A resource", [](Call& c) {
        check_query(c, {});
        reply(c, 200, to_json(c.as().get_resource(path_id<ResourceTag>(c))));
    });
    add_route(t, "PATCH", "/v1/resources/{id}", "Change a resource's fields (admin)", [](Call& c) {
        const auto b = body_object(c, {"name", "kind", "timezone", "capacity", "size"});
        ResourcePatch p{.name = optional_string(b, "name"), .timezone = optional_string(b, "timezone")};
        if (auto k = optional_string(b, "kind")) p.kind = parse_resource_kind(*k, "kind");
        if (auto cap = optional_integer(b, "capacity")) p.capacity = int_of(*cap, "capacity");
        if (auto v = optional_integer(b, "size")) p.size = int_of(*v, "size");
        reply(c, 200, to_json(c.as().update_resource(path_id<ResourceTag>(c), p)));
    });
    add_route(t, "GET", "/v1/resources/{id}/hours", "A resource's weekly hours", [](Call& c) {
        check_query(c, {});
        reply(c, 200, to_json(c.as().weekly_hours(path_id<ResourceTag>(c))));
    });
    add_route(t, "PUT", "/v1/resources/{id}/hours", "Replace a resource's weekly hours (admin)", [](Call& c) {
        const auto b = body_object(c, {"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
        const auto id = path_id<ResourceTag>(c);
        c.as().set_weekly_hours(id, weekly_hours_from(b));
        reply(c, 200, to_json(c.as().weekly_hours(id)));
    });
}

}  // namespace slotwise::http
