// The built-in presets (presets.hpp): each is data — resources, their weekly
// hours, services — written through the same checks as the catalogue calls,
// in one write transaction.
#include <slotwise/engine.hpp>

#include "engine_internal.hpp"
#include "validate.hpp"

#include <initializer_list>

namespace slotwise {
namespace {

using namespace std::chrono_literals;

// A name in English and in Italian.
struct Text {
    const char* en;
    const char* it;
};

struct ResourceDraft {
    Text name;
    ResourceKind kind;
    int capacity;
    WeeklyHours hours;
};

struct ServiceDraft {
    Text name;
    NewService rules;                        ///< everything but the name and the resources
    std::vector<std::vector<int>> groups;    ///< indexes into the preset's resources, group by group
};

struct Recipe {
    std::vector<ResourceDraft> resources;
    std::vector<ServiceDraft> services;
};

LocalWindow window(const char* from, const char* to) {
    return {parse_local_time(from, "preset"), parse_local_time(to, "preset", LocalTimeKind::window_end)};
}

// The same windows on each of `days` (0 = Monday).
WeeklyHours week(std::initializer_list<int> days, std::vector<LocalWindow> windows) {
    WeeklyHours w;
    for (const int d : days) w.days[static_cast<std::size_t>(d)] = windows;
    return w;
}

constexpr int mon = 0, tue = 1, wed = 2, thu = 3, fri = 4, sat = 5;

Recipe salon() {
    const auto stylist = week({tue, wed, thu, fri, sat}, {window("09:00", "13:00"), window("14:00", "19:00")});
    const auto chair = week({tue, wed, thu, fri, sat}, {window("09:00", "19:00")});
    NewService cut{.duration = 30min, .step = 15min, .cancel_notice = 120min};
    NewService colour{.duration = 95min, .step = 15min, .cancel_notice = 24h};
    colour.segments = {{SegmentKind::busy, 30min}, {SegmentKind::free, 45min}, {SegmentKind::busy, 20min}};
    return {{{{"Anna", "Anna"}, ResourceKind::staff, 1, stylist},
             {{"Marco", "Marco"}, ResourceKind::staff, 1, stylist},
             {{"Chair 1", "Poltrona 1"}, ResourceKind::equipment, 1, chair},
             {{"Chair 2", "Poltrona 2"}, ResourceKind::equipment, 1, chair}},
            {{{"Cut", "Taglio"}, cut, {{0, 1}, {2, 3}}}, {{"Colour", "Colore"}, colour, {{0, 1}, {2, 3}}}}};
}

Recipe clinic() {
    const auto doctor = week({mon, tue, wed, thu, fri}, {window("08:30", "12:30"), window("14:00", "18:00")});
    const auto room = week({mon, tue, wed, thu, fri}, {window("08:00", "19:00")});
    const NewService checkup{.duration = 30min, .step = 30min, .min_notice = 120min, .cancel_notice = 24h};
    const NewService first{.duration = 60min, .step = 30min, .min_notice = 120min, .cancel_notice = 24h};
    return {{{{"Dr. Rossi", "Dott. Rossi"}, ResourceKind::staff, 1, doctor},
             {{"Dr. Bianchi", "Dott.ssa Bianchi"}, ResourceKind::staff, 1, doctor},
             {{"Room 1", "Ambulatorio 1"}, ResourceKind::room, 1, room},
             {{"Room 2", "Ambulatorio 2"}, ResourceKind::room, 1, room}},
            {{{"Check-up", "Visita di controllo"}, checkup, {{0, 1}, {2, 3}}},
             {{"First visit", "Prima visita"}, first, {{0, 1}, {2, 3}}}}};
}

Recipe fitness() {
    // A class is a room whose hours are its timetable: it is offered only then.
    WeeklyHours yoga = week({mon, wed}, {window("18:00", "19:00")});
    yoga.days[sat] = {window("10:00", "11:00")};
    const auto pilates = week({tue, thu}, {window("18:30", "19:30")});
    const NewService lesson{.duration = 60min, .step = 60min, .cancel_notice = 120min};
    return {{{{"Yoga studio", "Sala yoga"}, ResourceKind::room, 12, yoga},
             {{"Pilates studio", "Sala pilates"}, ResourceKind::room, 10, pilates}},
            {{{"Yoga class", "Lezione di yoga"}, lesson, {{0}}},
             {{"Pilates class", "Lezione di pilates"}, lesson, {{1}}}}};
}

Recipe professional(const std::string& currency) {
    const auto consultant = week({mon, tue, wed, thu, fri}, {window("09:00", "13:00"), window("14:00", "18:00")});
    NewService session{.duration = 60min, .step = 15min, .buffer_after = 15min, .price = 9000, .currency = currency,
                       .hold = 15min, .cancel_notice = 24h};
    session.limits.day = 6;
    return {{{{"Giulia", "Giulia"}, ResourceKind::staff, 1, consultant},
             {{"Paolo", "Paolo"}, ResourceKind::staff, 1, consultant}},
            {{{"Consultation", "Consulenza"}, session, {{0, 1}}}}};
}

Recipe recipe(std::string_view name, const PresetOptions& o) {
    if (name == "salon") return salon();
    if (name == "clinic") return clinic();
    if (name == "fitness") return fitness();
    if (name == "professional") return professional(o.currency);
    std::string valid;
    for (const auto n : preset_names) valid += (valid.empty() ? "" : ", ") + std::string(n);
    invalid("name", "no such preset " + quote_excerpt(name) + "; presets: " + valid);
}

}  // namespace

Preset TenantScope::apply_preset(std::string_view name, const PresetOptions& options) {
    require_admin();
    if (options.locale != "en" && options.locale != "it") invalid("locale", "expected \"en\" or \"it\"");
    (void)locate_zone(options.timezone, "timezone");
    if (options.currency.size() != 3) invalid("currency", "expected an ISO 4217 code such as \"EUR\"");
    const bool it = options.locale == "it";
    const auto r = recipe(name, options);

    Preset out{.name = std::string(name)};
    for (const auto& d : r.resources) {
        const NewResource n{.name = it ? d.name.it : d.name.en, .kind = d.kind, .timezone = options.timezone,
                            .capacity = d.capacity};
        detail::check_resource(n);
        out.resources.push_back({.id = {detail::random_id("res")}, .name = n.name, .kind = n.kind,
                                 .timezone = n.timezone, .capacity = n.capacity});
    }
    for (const auto& d : r.services) {
        const auto& n = d.rules;
        Service s{.id = {detail::random_id("svc")}, .name = it ? d.name.it : d.name.en, .duration = n.duration,
                  .step = n.step, .buffer_before = n.buffer_before, .buffer_after = n.buffer_after, .price = n.price,
                  .currency = n.price > 0 ? n.currency : std::string(), .min_notice = n.min_notice,
                  .horizon = n.horizon, .hold = n.hold, .cancel_notice = n.cancel_notice, .segments = n.segments,
                  .limits = n.limits};
        for (const auto& g : d.groups) {
            s.resource_groups.emplace_back();
            for (const int i : g) s.resource_groups.back().push_back(out.resources[static_cast<std::size_t>(i)].id);
        }
        detail::check_service(s);
        out.services.push_back(std::move(s));
    }
    auto tx = engine_.store()->write();
    for (std::size_t i = 0; i < out.resources.size(); ++i) {
        tx->put_resource(principal_.tenant, out.resources[i]);
        tx->put_weekly_hours(principal_.tenant, out.resources[i].id, r.resources[i].hours);
    }
    for (const auto& s : out.services) tx->put_service(principal_.tenant, s);
    tx->commit();
    return out;
}

}  // namespace slotwise
