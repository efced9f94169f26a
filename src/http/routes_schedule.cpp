// Routes of schedule exceptions and of a catalogue's life: date overrides
// and time off of a resource, a party service's table combinations, taking
// resources and services out of (and back into) booking, and erasing a
// customer. The engine checks each role (catalogue writes are admin's; time
// off is staff's too).
#include "internal.hpp"

namespace slotwise::http {
namespace {

[[noreturn]] void bad(const std::string& field, const std::string& detail) {
    throw HttpError{.status = 400, .code = "invalid_argument", .field = field, .detail = detail};
}

// A half-open range of instants from `from` and `to`, `to` after `from`.
Interval interval_of(const std::string& from, const std::string& to, const char* from_field, const char* to_field) {
    const Interval i{parse_instant(from, from_field), parse_instant(to, to_field)};
    if (i.end <= i.begin) bad(to_field, std::string("must be after ") + from_field);
    return i;
}

void empty_body(const Call& c) {
    if (!c.req.body.empty()) body_object(c, {});
}

}  // namespace

void add_schedule_routes(RouteTable& t) {
    // --- date overrides ----------------------------------------------------
    add_route(t, "GET", "/v1/resources/{id}/overrides", "A resource's date overrides in [from, to] (?from=&to= dates)", [](Call& c) {
        check_query(c, {"from", "to"});
        const auto from = parse_date(required_query(c, "from"), "from");
        const auto to = parse_date(required_query(c, "to"), "to");
        Json out = Json::array();
        for (const auto& [day, windows] : c.as().date_overrides(path_id<ResourceTag>(c), from, to)) {
            out.push_back({{"date", format_date(day)}, {"windows", windows_json(windows)}});
        }
        reply(c, 200, {{"overrides", out}});
    });
    add_route(t, "PUT", "/v1/resources/{id}/overrides/{date}", "Set one date's windows instead of the weekly ones; [] closes it (admin)", [](Call& c) {
        const auto b = body_object(c, {"windows"});
        if (!b.contains("windows") || b["windows"].is_null()) bad("windows", "required");
        const auto day = parse_date(c.path.at("date"), "date");
        const auto windows = windows_from(b["windows"], "windows");
        const auto id = path_id<ResourceTag>(c);
        c.as().set_date_override(id, day, windows);
        const auto stored = c.as().date_overrides(id, day, day);
        const auto it = stored.find(day);
        reply(c, 200, {{"date", format_date(day)},
                       {"windows", windows_json(it == stored.end() ? std::vector<LocalWindow>{} : it->second)}});
    }, 5);
    add_route(t, "DELETE", "/v1/resources/{id}/overrides/{date}", "Remove a date's override (admin)", [](Call& c) {
        check_query(c, {});
        c.as().clear_date_override(path_id<ResourceTag>(c), parse_date(c.path.at("date"), "date"));
        c.res.status = 204;
    }, 5);

    // --- time off ----------------------------------------------------------
    add_route(t, "GET", "/v1/resources/{id}/blocks", "A resource's time off overlapping [from, to) (?from=&to= instants)", [](Call& c) {
        check_query(c, {"from", "to"});
        const auto range = interval_of(required_query(c, "from"), required_query(c, "to"), "from", "to");
        reply(c, 200, {{"blocks", list(c.as().blocks(path_id<ResourceTag>(c), range))}});
    });
    add_route(t, "POST", "/v1/resources/{id}/blocks", "Add time off [start, end) with a reason (admin, staff)", [](Call& c) {
        const auto b = body_object(c, {"start", "end", "reason"});
        const auto when = interval_of(required_string(b, "start"), required_string(b, "end"), "start", "end");
        reply(c, 201, to_json(c.as().add_block(path_id<ResourceTag>(c), when, optional_string(b, "reason").value_or(""))));
    }, 5);
    add_route(t, "DELETE", "/v1/blocks/{id}", "Remove time off (admin, staff)", [](Call& c) {
        check_query(c, {});
        c.as().remove_block(path_id<BlockTag>(c));
        c.res.status = 204;
    }, 5);

    // --- table combinations ------------------------------------------------
    add_route(t, "GET", "/v1/services/{id}/combinations", "The table combinations of a party service", [](Call& c) {
        check_query(c, {});
        reply(c, 200, {{"combinations", list(c.as().table_combinations(path_id<ServiceTag>(c)))}});
    });
    add_route(t, "POST", "/v1/services/{id}/combinations", "Declare tables of one group that seat a party together (admin)", [](Call& c) {
        const auto b = body_object(c, {"group", "tables", "size"});
        NewTableCombination n{.service = path_id<ServiceTag>(c)};
        if (auto g = optional_integer(b, "group")) {
            if (*g < 0) bad("group", "expected 0 or more");
            n.group = static_cast<std::size_t>(int_of(*g, "group"));
        }
        if (!b.contains("tables") || b["tables"].is_null()) bad("tables", "required");
        n.tables = resource_ids_from(b["tables"], "tables");
        const auto size = optional_integer(b, "size");
        if (!size) bad("size", "required");
        n.size = int_of(*size, "size");
        reply(c, 201, to_json(c.as().declare_table_combination(n)));
    }, 5);
    add_route(t, "DELETE", "/v1/combinations/{id}", "Remove a table combination (admin)", [](Call& c) {
        check_query(c, {});
        c.as().remove_table_combination(path_id<CombinationTag>(c));
        c.res.status = 204;
    }, 5);

    // --- taking things out of booking, and erasure ---------------------------
    const auto with_active = [](Json j, bool active) {
        j["active"] = active;
        return j;
    };
    add_route(t, "POST", "/v1/resources/{id}/deactivate", "Take no new bookings of a resource; its bookings stay (admin)", [with_active](Call& c) {
        empty_body(c);
        const auto r = c.as().deactivate_resource(path_id<ResourceTag>(c));
        reply(c, 200, with_active(to_json(r), r.active));
    }, 5);
    add_route(t, "POST", "/v1/resources/{id}/reactivate", "Take new bookings of a resource again (admin)", [with_active](Call& c) {
        empty_body(c);
        const auto r = c.as().reactivate_resource(path_id<ResourceTag>(c));
        reply(c, 200, with_active(to_json(r), r.active));
    }, 5);
    add_route(t, "POST", "/v1/services/{id}/deactivate", "Take no new bookings of a service; its bookings stay (admin)", [with_active](Call& c) {
        empty_body(c);
        const auto s = c.as().deactivate_service(path_id<ServiceTag>(c));
        reply(c, 200, with_active(to_json(s), s.active));
    }, 5);
    add_route(t, "POST", "/v1/services/{id}/reactivate", "Take new bookings of a service again (admin)", [with_active](Call& c) {
        empty_body(c);
        const auto s = c.as().reactivate_service(path_id<ServiceTag>(c));
        reply(c, 200, with_active(to_json(s), s.active));
    }, 5);
    add_route(t, "POST", "/v1/customers/erase", "Erase a customer subject's personal data; says how many bookings (admin)", [](Call& c) {
        const auto b = body_object(c, {"subject"});
        const auto subject = required_string(b, "subject");
        const int n = c.as().erase_customer(subject);
        reply(c, 200, {{"subject", subject}, {"bookings", n}});
    }, 5);
}

}  // namespace slotwise::http
