// JSON bodies and query strings: reading what a request sends (only the
// members a route knows, each of the right type, or a 400 naming it) and
// writing the engine's values. Instants are RFC 3339 UTC, dates ISO, lengths
// of time whole minutes.
#include "internal.hpp"

#include <slotwise/json_reader.hpp>

#include <algorithm>

namespace slotwise::http {
namespace {

[[noreturn]] void bad(const std::string& field, const std::string& detail) {
    throw HttpError{.status = 400, .code = "invalid_argument", .field = field, .detail = detail};
}

const Json* member(const Json& o, const std::string& field) {
    const auto it = o.find(field);
    if (it == o.end() || it->is_null()) return nullptr;
    return &*it;
}

Minutes minutes_of(const Json& o, const std::string& field, Minutes fallback) {
    const auto v = optional_integer(o, field);
    return v ? Minutes{*v} : fallback;
}

ResourceGroups groups_of(const Json& v, const std::string& field) {
    if (!v.is_array()) bad(field, "expected an array of arrays of ids");
    ResourceGroups out;
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(resource_ids_from(v[i], field + "[" + std::to_string(i) + "]"));
    return out;
}

}  // namespace

Json body_object(const Call& c, std::initializer_list<std::string_view> allowed) {
    const auto& text = c.req.body;
    if (text.empty()) bad("body", "expected a JSON object");
    // Duplicate keys, depth and syntax, by the library's own rules first:
    // nlohmann would silently keep the last of two equal keys.
    try {
        check_json(text, JsonLimits{}, "body", "");
    } catch (const Error& e) {
        bad(e.field().empty() ? "body" : e.field(), e.what());
    }
    Json body;
    try {
        body = Json::parse(text);
    } catch (const Json::exception&) {
        bad("body", "malformed JSON");
    }
    if (!body.is_object()) bad("body", "expected a JSON object");
    for (const auto& [k, v] : body.items()) {
        if (k == "tenant") bad("tenant", "the tenant comes from the API key; a request may not name one");
        if (std::find(allowed.begin(), allowed.end(), std::string_view(k)) == allowed.end()) {
            bad(k, "unknown member");
        }
    }
    return body;
}

void check_query(const Call& c, std::initializer_list<std::string_view> allowed) {
    for (const auto& [k, v] : c.req.params) {
        if (k == "tenant") bad("tenant", "the tenant comes from the API key; a request may not name one");
        if (std::find(allowed.begin(), allowed.end(), std::string_view(k)) == allowed.end()) {
            bad(k, "unknown query parameter");
        }
        if (c.req.params.count(k) > 1) bad(k, "given more than once");
    }
}

std::optional<std::string> query(const Call& c, const std::string& name) {
    if (!c.req.has_param(name.c_str())) return std::nullopt;
    return c.req.get_param_value(name.c_str());
}

std::string required_string(const Json& o, const std::string& field) {
    auto v = optional_string(o, field);
    if (!v) bad(field, "required");
    return *v;
}

std::optional<std::string> optional_string(const Json& o, const std::string& field) {
    const auto* v = member(o, field);
    if (!v) return std::nullopt;
    if (!v->is_string()) bad(field, "expected a string");
    return v->get<std::string>();
}

std::optional<std::int64_t> optional_integer(const Json& o, const std::string& field) {
    const auto* v = member(o, field);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) bad(field, "expected an integer");
    return v->get<std::int64_t>();
}

std::optional<bool> optional_bool(const Json& o, const std::string& field) {
    const auto* v = member(o, field);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) bad(field, "expected true or false");
    return v->get<bool>();
}

Json to_json(const Resource& r) {
    return {{"id", r.id.value}, {"name", r.name}, {"kind", to_string(r.kind)}, {"timezone", r.timezone},
            {"capacity", r.capacity}, {"size", r.size ? Json(*r.size) : Json(nullptr)}, {"active", r.active}};
}

Json to_json(const Service& s) {
    Json groups = Json::array();
    for (const auto& g : s.resource_groups) {
        Json ids = Json::array();
        for (const auto& r : g) ids.push_back(r.value);
        groups.push_back(ids);
    }
    Json segments = Json::array();
    for (const auto& seg : s.segments) {
        segments.push_back({seg.kind == SegmentKind::busy ? "busy" : "free", seg.length.count()});
    }
    Json limits = Json::object();
    if (s.limits.day) limits["day"] = *s.limits.day;
    if (s.limits.week) limits["week"] = *s.limits.week;
    if (s.limits.month) limits["month"] = *s.limits.month;
    return {{"id", s.id.value}, {"name", s.name}, {"duration", s.duration.count()}, {"step", s.step.count()},
            {"buffer_before", s.buffer_before.count()}, {"buffer_after", s.buffer_after.count()},
            {"price", s.price}, {"currency", s.currency}, {"min_notice", s.min_notice.count()},
            {"horizon", s.horizon.count()}, {"hold", s.hold.count()}, {"cancel_notice", s.cancel_notice.count()},
            {"resource_groups", groups}, {"segments", segments}, {"limits", limits},
            {"party", s.party}, {"requires_confirmation", s.requires_confirmation},
            {"request_expiry", s.request_expiry.count()}, {"offer_time", s.offer_time.count()}, {"active", s.active}};
}

Json to_json(const Booking& b) {
    Json others = Json::array();
    for (const auto& r : b.other_resources) others.push_back(r.value);
    Json out{{"id", b.id.value},
             {"service", b.service.value},
             {"resource", b.resource.value},
             {"other_resources", others},
             {"start", format_instant(b.interval.begin)},
             {"end", format_instant(b.interval.end)},
             {"seats", b.seats},
             {"status", to_string(b.status)},
             {"payment_status", to_string(b.payment_status)},
             {"customer",
              {{"name", b.customer.name}, {"email", b.customer.email}, {"phone", b.customer.phone},
               {"locale", b.customer.locale}}},
             {"amount_due", b.amount_due},
             {"currency_due", b.currency_due},
             {"created_by", b.created_by},
             {"created_at", format_instant(b.created_at)}};
    out["hold_expires_at"] = b.hold_expires_at ? Json(format_instant(*b.hold_expires_at)) : Json(nullptr);
    out["series"] = b.series.value.empty() ? Json(nullptr) : Json(b.series.value);
    return out;
}

Json to_json(const ResourceSlot& s) {
    Json ids = Json::array();
    for (const auto& r : s.resources()) ids.push_back(r.value);
    return {{"start", format_instant(s.start)}, {"end", format_instant(s.end)}, {"resource", s.resource.value},
            {"resources", ids}, {"remaining", s.remaining}};
}

namespace {
constexpr std::array<const char*, 7> kDays{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
}

Json to_json(const WeeklyHours& w) {
    Json out = Json::object();
    for (std::size_t d = 0; d < 7; ++d) {
        Json windows = Json::array();
        for (const auto& win : w.days[d]) {
            windows.push_back({format_local_time(win.start), format_local_time(win.end)});
        }
        out[kDays[d]] = windows;
    }
    return out;
}

WeeklyHours weekly_hours_from(const Json& o) {
    WeeklyHours w;
    for (std::size_t d = 0; d < 7; ++d) {
        const std::string day = kDays[d];
        const auto* v = member(o, day);
        if (!v) continue;
        if (!v->is_array()) bad(day, "expected an array of [start, end] windows");
        for (std::size_t i = 0; i < v->size(); ++i) {
            const auto field = day + "[" + std::to_string(i) + "]";
            const auto& win = (*v)[i];
            if (!win.is_array() || win.size() != 2 || !win[0].is_string() || !win[1].is_string()) {
                bad(field, "expected [\"HH:MM\", \"HH:MM\"]");
            }
            w.days[d].push_back({parse_local_time(win[0].get<std::string>(), field + "[0]"),
                                 parse_local_time(win[1].get<std::string>(), field + "[1]", true)});
        }
    }
    return w;
}

Json to_json(const TenantPolicy& p) {
    return {{"max_pending_per_customer", p.max_pending_per_customer},
            {"max_active_per_customer", p.max_active_per_customer ? Json(*p.max_active_per_customer) : Json(nullptr)},
            {"customer_horizon_days", p.customer_horizon.count()},
            {"max_seats_per_customer_booking",
             p.max_seats_per_customer_booking ? Json(*p.max_seats_per_customer_booking) : Json(nullptr)},
            {"max_notifications_per_customer_hour", p.max_notifications_per_customer_hour}};
}

TenantPolicy policy_from(const Json& o) {
    TenantPolicy p;
    const auto narrow = [](std::int64_t v, const std::string& field) {
        if (v < -1'000'000'000 || v > 1'000'000'000) bad(field, "out of range");
        return static_cast<int>(v);
    };
    if (auto v = optional_integer(o, "max_pending_per_customer")) p.max_pending_per_customer = narrow(*v, "max_pending_per_customer");
    if (auto v = optional_integer(o, "max_active_per_customer")) p.max_active_per_customer = narrow(*v, "max_active_per_customer");
    if (auto v = optional_integer(o, "customer_horizon_days")) p.customer_horizon = std::chrono::days{narrow(*v, "customer_horizon_days")};
    if (auto v = optional_integer(o, "max_seats_per_customer_booking")) {
        p.max_seats_per_customer_booking = narrow(*v, "max_seats_per_customer_booking");
    } else if (o.contains("max_seats_per_customer_booking")) {
        p.max_seats_per_customer_booking.reset();
    }
    if (auto v = optional_integer(o, "max_notifications_per_customer_hour")) {
        p.max_notifications_per_customer_hour = narrow(*v, "max_notifications_per_customer_hour");
    }
    return p;
}

Json to_json(const UnmatchedPayment& p) {
    return {{"event_id", p.event_id}, {"provider", p.provider}, {"reference", p.reference},
            {"amount", p.amount ? Json(*p.amount) : Json(nullptr)}, {"currency", p.currency},
            {"booking", p.booking ? Json(p.booking->value) : Json(nullptr)}, {"reason", p.reason},
            {"received_at", format_instant(p.received_at)}};
}

Json to_json(const ApiKey& k) {
    return {{"id", k.id}, {"role", to_string(k.role)}, {"subject", k.subject}, {"label", k.label},
            {"created_at", format_instant(k.created_at)},
            {"revoked_at", k.revoked_at ? Json(format_instant(*k.revoked_at)) : Json(nullptr)}};
}

Customer customer_from(const Json& o, const std::string& field) {
    const auto* v = member(o, field);
    if (!v) bad(field, "required");
    if (!v->is_object()) bad(field, "expected an object");
    Customer c;
    for (const auto& [k, val] : v->items()) {
        if (k != "name" && k != "email" && k != "phone" && k != "locale") bad(field + "." + k, "unknown member");
    }
    c.name = required_string(*v, "name");
    c.email = optional_string(*v, "email").value_or("");
    c.phone = optional_string(*v, "phone").value_or("");
    c.locale = optional_string(*v, "locale").value_or("en");
    return c;
}

NewService new_service_from(const Json& o) {
    NewService s;
    s.name = required_string(o, "name");
    s.duration = minutes_of(o, "duration", Minutes{0});
    s.step = minutes_of(o, "step", Minutes{0});
    s.buffer_before = minutes_of(o, "buffer_before", Minutes{0});
    s.buffer_after = minutes_of(o, "buffer_after", Minutes{0});
    s.price = optional_integer(o, "price").value_or(0);
    s.currency = optional_string(o, "currency").value_or("");
    s.min_notice = minutes_of(o, "min_notice", Minutes{0});
    s.horizon = minutes_of(o, "horizon", Minutes{0});
    s.hold = minutes_of(o, "hold", Minutes{15});
    s.cancel_notice = minutes_of(o, "cancel_notice", Minutes{0});
    if (const auto* v = member(o, "resources")) s.resources = resource_ids_from(*v, "resources");
    if (const auto* v = member(o, "resource_groups")) s.resource_groups = groups_of(*v, "resource_groups");
    s.party = optional_bool(o, "party").value_or(false);
    s.requires_confirmation = optional_bool(o, "requires_confirmation").value_or(false);
    s.request_expiry = minutes_of(o, "request_expiry", s.request_expiry);
    s.offer_time = minutes_of(o, "offer_time", s.offer_time);
    return s;
}

ServicePatch service_patch_from(const Json& o) {
    ServicePatch p;
    p.name = optional_string(o, "name");
    const auto mins = [&](const char* f) -> std::optional<Minutes> {
        if (auto v = optional_integer(o, f)) return Minutes{*v};
        return std::nullopt;
    };
    p.duration = mins("duration");
    p.step = mins("step");
    p.buffer_before = mins("buffer_before");
    p.buffer_after = mins("buffer_after");
    p.price = optional_integer(o, "price");
    p.currency = optional_string(o, "currency");
    p.min_notice = mins("min_notice");
    p.horizon = mins("horizon");
    p.hold = mins("hold");
    p.cancel_notice = mins("cancel_notice");
    if (const auto* v = member(o, "resources")) p.resources = resource_ids_from(*v, "resources");
    if (const auto* v = member(o, "resource_groups")) p.resource_groups = groups_of(*v, "resource_groups");
    p.party = optional_bool(o, "party");
    p.requires_confirmation = optional_bool(o, "requires_confirmation");
    p.request_expiry = mins("request_expiry");
    p.offer_time = mins("offer_time");
    return p;
}

}  // namespace slotwise::http
