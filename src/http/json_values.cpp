// JSON of the waitlist, series, schedule-exception and payment routes: the
// engine's values written out, and the few shapes those routes read (windows
// of a day, resources pinned per group). Instants RFC 3339 UTC, dates ISO,
// local times "HH:MM" (a window's end may pass midnight, "26:00").
#include "internal.hpp"

namespace slotwise::http {
namespace {

[[noreturn]] void bad(const std::string& field, const std::string& detail) {
    throw HttpError{.status = 400, .code = "invalid_argument", .field = field, .detail = detail};
}

Json ids_json(const std::vector<ResourceId>& ids) {
    Json out = Json::array();
    for (const auto& r : ids) out.push_back(r.value);
    return out;
}

Json optional_instant(const std::optional<Instant>& t) { return t ? Json(format_instant(*t)) : Json(nullptr); }

}  // namespace

Json to_json(const WaitlistEntry& e) {
    return {{"id", e.id.value},
            {"service", e.service.value},
            {"start", format_instant(e.start)},
            {"seats", e.seats},
            {"resources", ids_json(e.resources)},
            {"customer",
             {{"name", e.customer.name}, {"email", e.customer.email}, {"phone", e.customer.phone},
              {"locale", e.customer.locale}}},
            {"created_by", e.created_by},
            {"created_at", format_instant(e.created_at)},
            {"status", to_string(e.status)},
            {"offer", e.offer ? Json(e.offer->value) : Json(nullptr)},
            {"position", e.position}};
}

Json to_json(const Block& b) {
    return {{"id", b.id.value}, {"resource", b.resource.value}, {"start", format_instant(b.interval.begin)},
            {"end", format_instant(b.interval.end)}, {"reason", b.reason}};
}

Json to_json(const TableCombination& c) {
    return {{"id", c.id.value}, {"service", c.service.value}, {"group", c.group}, {"tables", ids_json(c.tables)},
            {"size", c.size}};
}

Json to_json(const Series& s) {
    Json skipped = Json::array();
    for (const auto& t : s.skipped) skipped.push_back(format_instant(t));
    return {{"id", s.id.value}, {"bookings", list(s.bookings)}, {"skipped", skipped}};
}

Json to_json(const Notification& n) {
    // The rendered texts and the invitation stay in the outbox: this is the
    // delivery record staff look at, and the address is already the booking's.
    return {{"id", n.id},
            {"kind", std::string(to_string(n.kind))},
            {"booking", n.booking.value},
            {"locale", n.locale},
            {"to", n.to},
            {"resource", n.resource.value},
            {"start", format_instant(n.when.begin)},
            {"end", format_instant(n.when.end)},
            {"sequence", n.sequence},
            {"subject", n.subject},
            {"created_at", format_instant(n.created_at)},
            {"attempts", n.attempts},
            {"sent_at", optional_instant(n.sent_at)}};
}

std::vector<LocalWindow> windows_from(const Json& v, const std::string& field) {
    if (!v.is_array()) bad(field, "expected an array of [start, end] windows");
    std::vector<LocalWindow> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto at = field + "[" + std::to_string(i) + "]";
        const auto& win = v[i];
        if (!win.is_array() || win.size() != 2 || !win[0].is_string() || !win[1].is_string()) {
            bad(at, "expected [\"HH:MM\", \"HH:MM\"]");
        }
        out.push_back({parse_local_time(win[0].get<std::string>(), at + "[0]"),
                       parse_local_time(win[1].get<std::string>(), at + "[1]", true)});
    }
    return out;
}

Json windows_json(const std::vector<LocalWindow>& windows) {
    Json out = Json::array();
    for (const auto& w : windows) out.push_back({format_local_time(w.start), format_local_time(w.end)});
    return out;
}

std::vector<ResourceId> resource_ids_from(const Json& v, const std::string& field) {
    if (!v.is_array()) bad(field, "expected an array of ids");
    std::vector<ResourceId> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string()) bad(field + "[" + std::to_string(i) + "]", "expected a string");
        out.push_back(ResourceId{v[i].get<std::string>()});
    }
    return out;
}

std::string required_query(const Call& c, const std::string& name) {
    auto v = query(c, name);
    if (!v) bad(name, "required");
    return *v;
}

const HttpTransport& payment_transport(const Call& c) {
    if (c.options == nullptr || !c.options->payment_transport) {
        throw HttpError{.status = 503, .code = "not_configured", .field = {},
                        .detail = "this server has no transport to reach the payment provider"};
    }
    return c.options->payment_transport;
}

}  // namespace slotwise::http
