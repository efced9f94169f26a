// Printing what admin commands read (render.hpp).
#include "render.hpp"

#include <slotwise/ics.hpp>

#include <algorithm>
#include <array>

namespace slotwise::cli {
namespace {

constexpr std::array<const char*, 7> kDays{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string windows_text(const std::vector<LocalWindow>& windows) {
    std::string out;
    for (const auto& w : windows) {
        if (!out.empty()) out += ",";
        out += format_local_time(w.start) + "-" + format_local_time(w.end);
    }
    return out;
}

std::string ids_text(const std::vector<ResourceId>& ids, const char* separator) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : separator) + id.value;
    return out;
}

nlohmann::json optional_limit(const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

}  // namespace

nlohmann::json to_json(const Tenant& t) {
    return {{"id", t.id.value}, {"name", t.name}, {"created_at", format_instant(t.created_at)}};
}

nlohmann::json to_json(const Resource& r) {
    return {{"id", r.id.value},           {"name", r.name},         {"kind", std::string(to_string(r.kind))},
            {"timezone", r.timezone},     {"capacity", r.capacity}};
}

nlohmann::json to_json(const Service& s) {
    nlohmann::json groups = nlohmann::json::array();
    for (const auto& g : s.resource_groups) {
        nlohmann::json ids = nlohmann::json::array();
        for (const auto& id : g) ids.push_back(id.value);
        groups.push_back(ids);
    }
    nlohmann::json segments = nlohmann::json::array();
    for (const auto& seg : s.segments) {
        segments.push_back({seg.kind == SegmentKind::busy ? "busy" : "free", seg.length.count()});
    }
    return {{"id", s.id.value},
            {"name", s.name},
            {"duration", s.duration.count()},
            {"step", s.step.count()},
            {"buffer_before", s.buffer_before.count()},
            {"buffer_after", s.buffer_after.count()},
            {"price", s.price},
            {"currency", s.currency},
            {"min_notice", s.min_notice.count()},
            {"horizon", s.horizon.count()},
            {"hold", s.hold.count()},
            {"cancel_notice", s.cancel_notice.count()},
            {"resource_groups", groups},
            {"segments", segments},
            {"limits",
             {{"day", optional_limit(s.limits.day)},
              {"week", optional_limit(s.limits.week)},
              {"month", optional_limit(s.limits.month)}}}};
}

nlohmann::json to_json(const Booking& b, Instant now) {
    nlohmann::json resources = nlohmann::json::array();
    for (const auto& id : b.held_resources()) resources.push_back(id.value);
    return {{"id", b.id.value},
            {"service_id", b.service.value},
            {"resource_ids", resources},
            {"start", format_instant(b.interval.begin)},
            {"end", format_instant(b.interval.end)},
            {"seats", b.seats},
            {"status", std::string(to_string(b.status_at(now)))},
            {"payment_status", std::string(to_string(b.payment_status))},
            {"hold_expires_at", b.hold_expires_at ? nlohmann::json(format_instant(*b.hold_expires_at)) : nlohmann::json()},
            {"customer",
             {{"name", b.customer.name},
              {"email", b.customer.email},
              {"phone", b.customer.phone},
              {"locale", b.customer.locale}}},
            {"created_by", b.created_by},
            {"created_at", format_instant(b.created_at)}};
}

nlohmann::json to_json(const WeeklyHours& w) {
    nlohmann::json out = nlohmann::json::object();
    for (std::size_t d = 0; d < kDays.size(); ++d) {
        nlohmann::json day = nlohmann::json::array();
        for (const auto& win : w.days[d]) day.push_back({format_local_time(win.start), format_local_time(win.end)});
        out[kDays[d]] = day;
    }
    return out;
}

std::string to_line(const Tenant& t) { return t.id.value + "  " + t.name; }

std::string to_line(const Resource& r) {
    return r.id.value + "  " + r.name + "  " + std::string(to_string(r.kind)) + "  " + r.timezone +
           "  capacity " + std::to_string(r.capacity);
}

std::string to_line(const Service& s) {
    std::string groups;
    for (const auto& g : s.resource_groups) groups += (groups.empty() ? "" : " + ") + ids_text(g, "|");
    std::string out = s.id.value + "  " + s.name + "  " + std::to_string(s.duration.count()) + " min";
    if (s.price > 0) out += "  " + std::to_string(s.price) + " " + s.currency + " (minor units)";
    return out + "  on " + groups;
}

std::string to_line(const Booking& b, Instant now) {
    return b.id.value + "  " + format_instant(b.interval.begin) + "  " + format_instant(b.interval.end) + "  " +
           std::string(to_string(b.status_at(now))) + "/" + std::string(to_string(b.payment_status)) + "  " +
           b.service.value + "  " + ids_text(b.held_resources(), "+") + "  " + std::to_string(b.seats) +
           (b.seats == 1 ? " seat  " : " seats  ") + b.customer.name;
}

std::string to_lines(const WeeklyHours& w) {
    std::string out;
    for (std::size_t d = 0; d < kDays.size(); ++d) {
        const auto text = windows_text(w.days[d]);
        out += std::string(kDays[d]) + " " + (text.empty() ? "closed" : text) + "\n";
    }
    return out;
}

std::string bookings_csv(const std::vector<Booking>& bookings, Instant now) {
    const auto cell = [](std::string v) {
        if (!v.empty() && (v.front() == '=' || v.front() == '+' || v.front() == '-' || v.front() == '@' ||
                           v.front() == '\t' || v.front() == '\r')) {
            v.insert(v.begin(), '\'');
        }
        if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
        std::string quoted = "\"";
        for (const char c : v) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
        return quoted + "\"";
    };
    std::string out = "id,service_id,resource_ids,start,end,seats,status,payment_status,customer_name,"
                      "customer_email,customer_phone,customer_locale,created_at\r\n";
    for (const auto& b : bookings) {
        const std::string fields[] = {b.id.value,
                                      b.service.value,
                                      ids_text(b.held_resources(), " "),
                                      format_instant(b.interval.begin),
                                      format_instant(b.interval.end),
                                      std::to_string(b.seats),
                                      std::string(to_string(b.status_at(now))),
                                      std::string(to_string(b.payment_status)),
                                      b.customer.name,
                                      b.customer.email,
                                      b.customer.phone,
                                      b.customer.locale,
                                      format_instant(b.created_at)};
        std::string row;
        for (const auto& f : fields) row += (row.empty() ? "" : ",") + cell(f);
        out += row + "\r\n";
    }
    return out;
}

std::string bookings_ics(const std::vector<Booking>& bookings, const std::vector<Service>& services, Instant now) {
    std::vector<IcsEvent> events;
    for (const auto& b : bookings) {
        const auto svc = std::find_if(services.begin(), services.end(), [&](const Service& s) { return s.id == b.service; });
        const auto status = b.status_at(now);
        events.push_back({.uid = b.id.value + "@slotwise",
                          .stamp = b.updated_at,
                          .when = b.interval,
                          .summary = (svc == services.end() ? b.service.value : svc->name) +
                                     (b.customer.name.empty() ? "" : " — " + b.customer.name),
                          .description = std::string("status: ") + std::string(to_string(status)),
                          .cancel = !b.active_at(now)});
    }
    return render_ics_feed(events);
}

}  // namespace slotwise::cli
