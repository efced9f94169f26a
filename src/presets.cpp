// The built-in presets (presets.hpp): each is data — resources, their weekly
// hours, services — written through the same checks as the catalogue calls,
// in one write transaction.
#include <slotwise/engine.hpp>

#include "engine_internal.hpp"
#include "validate.hpp"

#include <algorithm>
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
    std::optional<int> size{};  ///< guests a table seats
};

struct ServiceDraft {
    Text name;
    NewService rules;                        ///< everything but the name and the resources
    std::vector<std::vector<int>> groups;    ///< indexes into the preset's resources, group by group
};

// Tables of the first party service's only group that seat a large party together.
struct CombinationDraft {
    std::vector<int> tables;  ///< indexes into the preset's resources
    int size;
};

struct Recipe {
    std::vector<ResourceDraft> resources;
    std::vector<ServiceDraft> services;
    std::vector<CombinationDraft> combinations{};
    std::optional<int> max_party{};  ///< the tenant policy's seats per customer booking
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

constexpr int mon = 0, tue = 1, wed = 2, thu = 3, fri = 4, sat = 5, sun = 6;

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
    // A first visit is a request the clinic approves (within a day) before it counts.
    const NewService first{.duration = 60min, .step = 30min, .min_notice = 120min, .cancel_notice = 24h,
                           .requires_confirmation = true};
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

Recipe restaurant() {
    // Lunch Tuesday to Sunday; dinner until midnight, on Friday and Saturday
    // until 02:00 (hours past midnight).
    WeeklyHours hours = week({tue, wed, thu, sun}, {window("12:00", "15:00"), window("19:00", "24:00")});
    hours.days[fri] = hours.days[sat] = {window("12:00", "15:00"), window("19:00", "26:00")};
    const auto table = [&](Text name, int size) {
        return ResourceDraft{name, ResourceKind::table, 1, hours, size};
    };
    // A table for 90 minutes (the turn time), on a half-hour grid; seats is the party.
    const NewService dinner{.duration = 90min, .step = 30min, .cancel_notice = 120min, .party = true};
    return {{table({"T1", "T1"}, 2), table({"T2", "T2"}, 2), table({"T3", "T3"}, 4), table({"T4", "T4"}, 4),
             table({"T5", "T5"}, 6)},
            {{{"Table", "Tavolo"}, dinner, {{0, 1, 2, 3, 4}}}},
            // T4 + T5 seat a party of 10; T1 + T2 a party of 4 when the 4-tops are taken.
            {{{3, 4}, 10}, {{0, 1}, 4}},
            12};
}

Recipe recipe(std::string_view name, const PresetOptions& o) {
    if (name == "salon") return salon();
    if (name == "clinic") return clinic();
    if (name == "fitness") return fitness();
    if (name == "professional") return professional(o.currency);
    if (name == "restaurant") return restaurant();
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
                            .capacity = d.capacity, .size = d.size};
        detail::check_resource(n);
        out.resources.push_back({.id = {detail::random_id("res")}, .name = n.name, .kind = n.kind,
                                 .timezone = n.timezone, .capacity = n.capacity, .size = n.size});
    }
    for (const auto& d : r.services) {
        const auto& n = d.rules;
        Service s{.id = {detail::random_id("svc")}, .name = it ? d.name.it : d.name.en, .duration = n.duration,
                  .step = n.step, .buffer_before = n.buffer_before, .buffer_after = n.buffer_after, .price = n.price,
                  .currency = n.price > 0 ? n.currency : std::string(), .min_notice = n.min_notice,
                  .horizon = n.horizon, .hold = n.hold, .cancel_notice = n.cancel_notice, .segments = n.segments,
                  .limits = n.limits, .party = n.party, .requires_confirmation = n.requires_confirmation,
                  .request_expiry = n.request_expiry, .offer_time = n.offer_time};
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
    for (const auto& c : r.combinations) {
        TableCombination combination{.id = {detail::random_id(detail::combination_prefix)},
                                     .service = out.services.front().id, .tables = {}, .size = c.size};
        for (const int i : c.tables) combination.tables.push_back(out.resources[static_cast<std::size_t>(i)].id);
        std::sort(combination.tables.begin(), combination.tables.end());
        tx->put_table_combination(principal_.tenant, combination);
    }
    if (r.max_party) {
        // Parties up to the largest combination may book online.
        auto policy = tx->policy(principal_.tenant).value_or(TenantPolicy{});
        auto& cap = policy.max_seats_per_customer_booking;  // empty: no cap to raise
        if (cap && *cap < *r.max_party) {
            cap = *r.max_party;
            tx->put_policy(principal_.tenant, policy);
        }
    }
    tx->commit();
    return out;
}

}  // namespace slotwise
