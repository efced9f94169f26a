// The route table: each route is its method, path pattern, summary and a few
// lines that read the request, call the engine through the key's scope, and
// write the answer. Dispatch (server.cpp) and the OpenAPI document
// (openapi.cpp) both read this table, so neither can drift from it.
#include "internal.hpp"

#include <charconv>

namespace slotwise::http {
namespace {

template <class Tag>
Id<Tag> path_id(const Call& c, const char* name = "id") {
    return Id<Tag>{c.path.at(name)};
}

Instant instant_param(const std::string& value, const std::string& field) { return parse_instant(value, field); }

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

Json list(const auto& items) {
    Json out = Json::array();
    for (const auto& i : items) out.push_back(to_json(i));
    return out;
}

std::vector<RouteEntry> build() {
    std::vector<RouteEntry> t;
    const auto add = [&](std::string method, std::string path, std::string summary, std::function<void(Call&)> h,
                         int cost = 1, bool needs_key = true) {
        t.push_back({.info = {std::move(method), std::move(path), std::move(summary), needs_key}, .cost = cost,
                     .handler = std::move(h)});
    };

    add("GET", "/v1/openapi.json", "This API described in OpenAPI 3.1", [](Call& c) {
        c.res.status = 200;
        c.res.set_content(HttpServer::openapi(), "application/json");
    }, 1, false);

    // --- catalogue ------------------------------------------------------
    add("GET", "/v1/services", "Every service", [](Call& c) {
        check_query(c, {});
        reply(c, 200, {{"services", list(c.as().services())}});
    });
    add("POST", "/v1/services", "Create a service (admin)", [](Call& c) {
        const auto b = body_object(c, {"name", "duration", "step", "buffer_before", "buffer_after", "price", "currency",
                                       "min_notice", "horizon", "hold", "cancel_notice", "resources", "resource_groups"});
        reply(c, 201, to_json(c.as().create_service(new_service_from(b))));
    });
    add("GET", "/v1/services/{id}", "A service", [](Call& c) {
        check_query(c, {});
        reply(c, 200, to_json(c.as().get_service(path_id<ServiceTag>(c))));
    });
    add("PATCH", "/v1/services/{id}", "Change a service's fields (admin)", [](Call& c) {
        const auto b = body_object(c, {"name", "duration", "step", "buffer_before", "buffer_after", "price", "currency",
                                       "min_notice", "horizon", "hold", "cancel_notice", "resources", "resource_groups"});
        reply(c, 200, to_json(c.as().update_service(path_id<ServiceTag>(c), service_patch_from(b))));
    });
    add("GET", "/v1/resources", "Every resource", [](Call& c) {
        check_query(c, {});
        reply(c, 200, {{"resources", list(c.as().resources())}});
    });
    add("POST", "/v1/resources", "Create a resource (admin)", [](Call& c) {
        const auto b = body_object(c, {"name", "kind", "timezone", "capacity"});
        NewResource r{.name = required_string(b, "name"), .timezone = required_string(b, "timezone")};
        if (auto k = optional_string(b, "kind")) r.kind = parse_resource_kind(*k, "kind");
        if (auto cap = optional_integer(b, "capacity")) r.capacity = int_of(*cap, "capacity");
        reply(c, 201, to_json(c.as().create_resource(r)));
    });
    add("GET", "/v1/resources/{id}", "A resource", [](Call& c) {
        check_query(c, {});
        reply(c, 200, to_json(c.as().get_resource(path_id<ResourceTag>(c))));
    });
    add("PATCH", "/v1/resources/{id}", "Change a resource's fields (admin)", [](Call& c) {
        const auto b = body_object(c, {"name", "kind", "timezone", "capacity"});
        ResourcePatch p{.name = optional_string(b, "name"), .timezone = optional_string(b, "timezone")};
        if (auto k = optional_string(b, "kind")) p.kind = parse_resource_kind(*k, "kind");
        if (auto cap = optional_integer(b, "capacity")) p.capacity = int_of(*cap, "capacity");
        reply(c, 200, to_json(c.as().update_resource(path_id<ResourceTag>(c), p)));
    });
    add("GET", "/v1/resources/{id}/hours", "A resource's weekly hours", [](Call& c) {
        check_query(c, {});
        reply(c, 200, to_json(c.as().weekly_hours(path_id<ResourceTag>(c))));
    });
    add("PUT", "/v1/resources/{id}/hours", "Replace a resource's weekly hours (admin)", [](Call& c) {
        const auto b = body_object(c, {"mon", "tue", "wed", "thu", "fri", "sat", "sun"});
        const auto id = path_id<ResourceTag>(c);
        c.as().set_weekly_hours(id, weekly_hours_from(b));
        reply(c, 200, to_json(c.as().weekly_hours(id)));
    });

    // --- availability and bookings -------------------------------------
    add("GET", "/v1/availability", "Free slots of a service (?service=&from=&to=&seats=&resource=)", [](Call& c) {
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
    add("GET", "/v1/bookings", "Bookings (?from=&to=&resource=&status=&after=&limit=)", [](Call& c) {
        check_query(c, {"from", "to", "resource", "status", "after", "limit"});
        BookingQuery q;
        if (auto v = query(c, "from")) q.from = instant_param(*v, "from");
        if (auto v = query(c, "to")) q.to = instant_param(*v, "to");
        if (auto v = query(c, "resource")) q.resource = ResourceId{*v};
        if (auto v = query(c, "status")) q.status = parse_booking_status(*v, "status");
        if (auto v = query(c, "after")) q.after = BookingId{*v};
        if (auto v = query(c, "limit")) q.limit = int_param(*v, "limit");
        reply(c, 200, {{"bookings", list(c.as().bookings(q))}});
    });
    add("POST", "/v1/bookings", "Book a slot (Idempotency-Key header)", [](Call& c) {
        const auto b = body_object(c, {"service", "start", "resource", "resources", "customer", "seats"});
        BookingRequest r{.service = ServiceId{required_string(b, "service")},
                         .start = parse_instant(required_string(b, "start"), "start"),
                         .customer = customer_from(b, "customer")};
        if (auto v = optional_string(b, "resource")) r.resource = ResourceId{*v};
        if (b.contains("resources") && !b["resources"].is_null()) {
            if (!b["resources"].is_array()) {
                throw HttpError{.status = 400, .code = "invalid_argument", .field = "resources", .detail = "expected an array of ids"};
            }
            for (std::size_t i = 0; i < b["resources"].size(); ++i) {
                const auto& v = b["resources"][i];
                if (!v.is_string()) {
                    throw HttpError{.status = 400, .code = "invalid_argument",
                                    .field = "resources[" + std::to_string(i) + "]", .detail = "expected a string"};
                }
                r.resources.push_back(ResourceId{v.get<std::string>()});
            }
        }
        if (auto v = optional_integer(b, "seats")) r.seats = int_of(*v, "seats");
        r.idempotency_key = c.req.get_header_value("Idempotency-Key");
        reply(c, 201, to_json(c.as().book(r)));
    }, 5);
    add("GET", "/v1/bookings/{id}", "A booking", [](Call& c) {
        check_query(c, {});
        reply(c, 200, to_json(c.as().get_booking(path_id<BookingTag>(c))));
    });
    add("POST", "/v1/bookings/{id}/cancel", "Cancel a booking", [](Call& c) {
        if (!c.req.body.empty()) body_object(c, {});
        reply(c, 200, to_json(c.as().cancel(path_id<BookingTag>(c))));
    }, 5);
    add("POST", "/v1/bookings/{id}/reschedule", "Move a booking to another start (and resource)", [](Call& c) {
        const auto b = body_object(c, {"start", "resource"});
        std::optional<ResourceId> resource;
        if (auto v = optional_string(b, "resource")) resource = ResourceId{*v};
        reply(c, 200, to_json(c.as().reschedule(path_id<BookingTag>(c), parse_instant(required_string(b, "start"), "start"),
                                                resource)));
    }, 5);

    // --- payments and policy -------------------------------------------
    add("GET", "/v1/payments/unmatched", "Verified payments that could not be applied (admin; ?limit=)", [](Call& c) {
        check_query(c, {"limit"});
        int limit = 100;
        if (auto v = query(c, "limit")) limit = int_param(*v, "limit");
        reply(c, 200, {{"payments", list(c.as().unmatched_payments(limit))}});
    });
    add("GET", "/v1/policy", "The tenant's policy", [](Call& c) {
        check_query(c, {});
        reply(c, 200, to_json(c.as().policy()));
    });
    add("PUT", "/v1/policy", "Replace the tenant's policy (admin)", [](Call& c) {
        const auto b = body_object(c, {"max_pending_per_customer", "max_active_per_customer", "customer_horizon_days",
                                       "max_seats_per_customer_booking", "max_notifications_per_customer_hour"});
        reply(c, 200, to_json(c.as().set_policy(policy_from(b))));
    });
    add("POST", "/v1/webhooks/stripe/{tenant}", "Stripe's webhook for one tenant (signature, no key)", [](Call& c) {
        // The path picks whose endpoint secret checks the signature; the
        // signature is the authentication.
        auto scope = c.engine.scope({.tenant = TenantId{c.path.at("tenant")}, .role = Role::customer,
                                     .subject = "webhook:stripe"});
        Headers headers;
        for (const auto& [k, v] : c.req.headers) headers.emplace_back(k, v);
        const auto out = scope.handle_stripe_webhook(c.req.body, headers);
        reply(c, 200, {{"event_id", out.event_id}, {"type", out.type}, {"duplicate", out.duplicate},
                       {"applied", out.applied}});
    }, 1, false);

    // --- API keys --------------------------------------------------------
    add("GET", "/v1/keys", "The tenant's API keys, never their secrets (admin)", [](Call& c) {
        check_query(c, {});
        require_admin_key(c);
        reply(c, 200, {{"keys", list(api_keys(c.engine, c.key->tenant))}});
    });
    add("POST", "/v1/keys", "Mint a key: a customer token for a subject, a staff or admin key (admin)", [](Call& c) {
        const auto b = body_object(c, {"role", "subject", "label"});
        require_admin_key(c);
        NewApiKey k{.tenant = c.key->tenant, .role = parse_role(required_string(b, "role"), "role"),
                    .subject = optional_string(b, "subject").value_or(""),
                    .label = optional_string(b, "label").value_or("")};
        const auto issued = create_api_key(c.engine, k);
        auto out = to_json(issued.key);
        out["secret"] = issued.secret;
        reply(c, 201, out);
    });
    add("DELETE", "/v1/keys/{id}", "Revoke a key (admin)", [](Call& c) {
        check_query(c, {});
        require_admin_key(c);
        revoke_api_key(c.engine, c.key->tenant, c.path.at("id"));
        c.res.status = 204;
    });
    return t;
}

}  // namespace

const std::vector<RouteEntry>& route_table() {
    static const std::vector<RouteEntry> table = build();
    return table;
}

}  // namespace slotwise::http
