// The built-in presets: each one's week of availability against counts
// worked out by hand from its hours and rules (docs/presets.md), and the
// rule each preset exists to show, exercised.
#include "support/engine_fixture.hpp"
#include "support/errors.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

// An empty tenant on a fresh file; the clock stands at Monday 1 June 2026,
// 07:00 in Rome.
struct Fresh {
    TempDir dir;
    ManualClock time;
    Engine engine;
    Tenant tenant;
    TenantScope admin;
    Fresh()
        : engine(open_sqlite({.path = (dir.path / "p.db").string()}),
                 EngineOptions{.clock = start(), .payments = test_providers()}),
          tenant(engine.create_tenant("Preset")),
          admin(engine.scope({.tenant = tenant.id, .role = Role::admin, .subject = "owner"})) {}
    Clock start() {
        time.set(at("2026-06-01T05:00:00Z"));
        return time.clock();
    }
};

const Resource& named(const Preset& p, const std::string& name) {
    const auto it = std::find_if(p.resources.begin(), p.resources.end(), [&](const Resource& r) { return r.name == name; });
    REQUIRE(it != p.resources.end());
    return *it;
}

const Service& service_named(const Preset& p, const std::string& name) {
    const auto it = std::find_if(p.services.begin(), p.services.end(), [&](const Service& s) { return s.name == name; });
    REQUIRE(it != p.services.end());
    return *it;
}

// Slots per local date (Rome) of a week's availability.
std::map<std::string, int> per_day(const std::vector<ResourceSlot>& slots) {
    std::map<std::string, int> out;
    const auto zone = locate_zone("Europe/Rome");
    for (const auto& s : slots) ++out[format_date(local_date(zone, s.start))];
    return out;
}

std::string local_hhmm(Instant t) {
    const auto local = locate_zone("Europe/Rome")->to_local(t);
    return format_local_time(std::chrono::duration_cast<Minutes>(local - date::floor<date::days>(local)));
}

std::vector<ResourceSlot> next_week(TenantScope& s, const Service& svc) {
    return s.availability({.service = svc.id, .from = day("2026-06-08"), .to = day("2026-06-14")});
}

}  // namespace

TEST_CASE("salon: a cut needs a stylist and a chair; a colour frees the stylist while it processes") {
    Fresh f;
    const auto p = f.admin.apply_preset("salon", {.timezone = "Europe/Rome"});
    CHECK(p.resources.size() == 4);
    const auto& cut = service_named(p, "Cut");
    const auto& colour = service_named(p, "Colour");
    CHECK(cut.resource_groups.size() == 2);
    // Tuesday to Saturday, 09:00-13:00 and 14:00-19:00: a 30-minute cut on a
    // 15-minute grid starts 15 + 19 = 34 times a day, for each of 2 stylists.
    const std::map<std::string, int> cuts{{"2026-06-09", 68}, {"2026-06-10", 68}, {"2026-06-11", 68},
                                          {"2026-06-12", 68}, {"2026-06-13", 68}};
    CHECK(per_day(next_week(f.admin, cut)) == cuts);
    // A 95-minute colour must lie in a window: 09:00..11:15 (10) and
    // 14:00..17:15 (14) a day, for each stylist.
    const std::map<std::string, int> colours{{"2026-06-09", 48}, {"2026-06-10", 48}, {"2026-06-11", 48},
                                             {"2026-06-12", 48}, {"2026-06-13", 48}};
    CHECK(per_day(next_week(f.admin, colour)) == colours);

    // Anna colours at 09:00 (busy 09:00-09:30 and 10:15-10:35, in a chair throughout).
    const auto& anna = named(p, "Anna");
    const auto tuesday_nine = at("2026-06-09T07:00:00Z");
    const auto b = f.admin.book({.service = colour.id, .start = tuesday_nine, .resource = anna.id,
                                 .customer = {.name = "Ada"}});
    CHECK(b.held_resources().size() == 2);
    const auto anna_cuts = f.admin.availability(
        {.service = cut.id, .from = day("2026-06-09"), .to = day("2026-06-09"), .resources = {anna.id}});
    std::vector<std::string> morning;
    for (const auto& s : anna_cuts) {
        if (s.start < at("2026-06-09T09:00:00Z")) morning.push_back(local_hhmm(s.start));
    }
    // While the colour processes (09:30-10:15) she cuts in the other chair;
    // after the rinse, the next start on the grid is 10:45.
    CHECK(morning == std::vector<std::string>{"09:30", "09:45", "10:45"});
}

TEST_CASE("clinic: a visit holds a doctor and a room, two hours' notice, in Italian when asked") {
    Fresh f;
    const auto p = f.admin.apply_preset("clinic", {.timezone = "Europe/Rome", .locale = "it"});
    const auto& checkup = service_named(p, "Visita di controllo");
    const auto& first = service_named(p, "Prima visita");
    CHECK(named(p, "Ambulatorio 1").kind == ResourceKind::room);
    CHECK(checkup.min_notice == 120min);
    // Monday to Friday 08:30-12:30 and 14:00-18:00: 8 + 8 half-hour starts
    // per doctor; an hour's first visit 7 + 7.
    std::map<std::string, int> checkups, firsts;
    for (const char* d : {"2026-06-08", "2026-06-09", "2026-06-10", "2026-06-11", "2026-06-12"}) {
        checkups[d] = 32;
        firsts[d] = 28;
    }
    CHECK(per_day(next_week(f.admin, checkup)) == checkups);
    CHECK(per_day(next_week(f.admin, first)) == firsts);
    // Today at 07:00 with two hours' notice: 08:30 is gone, 09:00 is the first.
    const auto today = f.admin.availability({.service = checkup.id, .from = day("2026-06-01"), .to = day("2026-06-01")});
    REQUIRE(!today.empty());
    CHECK(local_hhmm(today.front().start) == "09:00");
    CHECK(today.size() == 30);
    // Two visits at 09:00 take both doctors and both rooms; a third is refused.
    const auto nine = at("2026-06-01T07:00:00Z");
    for (const char* who : {"Ada", "Bea"}) f.admin.book({.service = checkup.id, .start = nine, .customer = {.name = who}});
    CHECK(code_of([&] { f.admin.book({.service = first.id, .start = nine, .customer = {.name = "Cy"}}); }) ==
          Errc::slot_unavailable);
}

TEST_CASE("clinic: a first visit is a request that holds its slot until the clinic confirms it") {
    Fresh f;
    const auto p = f.admin.apply_preset("clinic", {.timezone = "Europe/Rome"});
    const auto& first = service_named(p, "First visit");
    CHECK(first.requires_confirmation);
    auto ada = f.engine.scope({.tenant = f.tenant.id, .role = Role::customer, .subject = "ada"});
    const auto b = ada.book({.service = first.id, .start = at("2026-06-08T07:00:00Z"), .customer = {.name = "Ada"}});
    CHECK(b.status == BookingStatus::requested);
    CHECK(code_of([&] { ada.confirm(b.id); }) == Errc::permission_denied);
    CHECK(f.admin.confirm(b.id).status == BookingStatus::confirmed);
}

TEST_CASE("restaurant: tables by size, dinner past midnight, a party of 10 on combined tables once") {
    Fresh f;
    const auto p = f.admin.apply_preset("restaurant", {.timezone = "Europe/Rome", .locale = "it"});
    const auto& table = service_named(p, "Tavolo");
    CHECK(table.party);
    CHECK(named(p, "T5").size == 6);
    // Starts per local date, 90 minutes on a half-hour grid: lunch 12:00..13:30
    // (4); dinner 19:00..22:30 (8), on Friday and Saturday until 00:30 the
    // next date (10 on the day, 2 after midnight).
    std::map<std::string, int> starts;
    const auto zone = locate_zone("Europe/Rome");
    Instant last{};
    for (const auto& s : next_week(f.admin, table)) {
        if (s.start == last) continue;  // one start, several tables
        last = s.start;
        ++starts[format_date(local_date(zone, s.start))];
    }
    CHECK(starts == std::map<std::string, int>{{"2026-06-09", 12}, {"2026-06-10", 12}, {"2026-06-11", 12},
                                               {"2026-06-12", 14}, {"2026-06-13", 16}, {"2026-06-14", 14}});
    // Friday 21:00: a party of 10 is larger than any table and gets T4 + T5.
    const auto nine = at("2026-06-12T19:00:00Z");
    auto ada = f.engine.scope({.tenant = f.tenant.id, .role = Role::customer, .subject = "ada"});
    const auto ten = ada.book({.service = table.id, .start = nine, .customer = {.name = "Ada"}, .seats = 10});
    std::vector<ResourceId> held = ten.held_resources();
    std::sort(held.begin(), held.end());
    std::vector<ResourceId> t4_t5{named(p, "T4").id, named(p, "T5").id};
    std::sort(t4_t5.begin(), t4_t5.end());
    CHECK(held == t4_t5);
    // No combination is left for a second party of 10; a pair still gets one
    // of the two-seat tables (which of T1 and T2 follows their random ids).
    auto bob = f.engine.scope({.tenant = f.tenant.id, .role = Role::customer, .subject = "bob"});
    CHECK(code_of([&] {
              bob.book({.service = table.id, .start = nine, .customer = {.name = "Bob"}, .seats = 10});
          }) == Errc::slot_unavailable);
    const auto pair = bob.book({.service = table.id, .start = nine, .customer = {.name = "Bob"}, .seats = 2});
    const std::vector<ResourceId> two_seats{named(p, "T1").id, named(p, "T2").id};
    REQUIRE(pair.held_resources().size() == 1);
    CHECK(std::count(two_seats.begin(), two_seats.end(), pair.held_resources().front()) == 1);
    // Saturday 00:30 (Friday's dinner past midnight) is bookable.
    CHECK(bob.book({.service = table.id, .start = at("2026-06-12T22:30:00Z"), .customer = {.name = "Bob"}, .seats = 4})
              .status == BookingStatus::confirmed);
}

TEST_CASE("fitness: classes on a weekly timetable with their places") {
    Fresh f;
    const auto p = f.admin.apply_preset("fitness", {.timezone = "Europe/Rome"});
    const auto yoga = next_week(f.admin, service_named(p, "Yoga class"));
    const auto pilates = next_week(f.admin, service_named(p, "Pilates class"));
    CHECK(per_day(yoga) == std::map<std::string, int>{{"2026-06-08", 1}, {"2026-06-10", 1}, {"2026-06-13", 1}});
    CHECK(per_day(pilates) == std::map<std::string, int>{{"2026-06-09", 1}, {"2026-06-11", 1}});
    REQUIRE(yoga.size() == 3);
    CHECK(local_hhmm(yoga[0].start) == "18:00");
    CHECK(yoga[0].remaining == 12);
    CHECK(local_hhmm(yoga[2].start) == "10:00");
    CHECK(pilates[0].remaining == 10);
    CHECK(local_hhmm(pilates[0].start) == "18:30");
}

TEST_CASE("professional: paid sessions with a buffer after, at most six a day per consultant") {
    Fresh f;
    const auto p = f.admin.apply_preset("professional", {.timezone = "Europe/Rome", .currency = "CHF"});
    const auto& session = service_named(p, "Consultation");
    CHECK(session.price == 9000);
    CHECK(session.currency == "CHF");
    // 09:00..12:00 and 14:00..17:00 every 15 minutes: 13 + 13 per consultant.
    std::map<std::string, int> week;
    for (const char* d : {"2026-06-08", "2026-06-09", "2026-06-10", "2026-06-11", "2026-06-12"}) week[d] = 52;
    CHECK(per_day(next_week(f.admin, session)) == week);

    f.admin.configure_stripe("sk_test_pro", "whsec_pro");
    const auto& giulia = named(p, "Giulia");
    const auto monday = [&] {
        return f.admin.availability({.service = session.id, .from = day("2026-06-08"), .to = day("2026-06-08"),
                                     .resources = {giulia.id}});
    };
    // A 09:00 session and its 15-minute buffer: her next start is 10:15.
    f.admin.book({.service = session.id, .start = at("2026-06-08T07:00:00Z"), .resource = giulia.id,
                  .customer = {.name = "Client 1"}});
    CHECK(local_hhmm(monday().front().start) == "10:15");
    for (const char* t : {"2026-06-08T08:15:00Z", "2026-06-08T09:30:00Z", "2026-06-08T12:00:00Z",
                          "2026-06-08T13:15:00Z", "2026-06-08T14:30:00Z"}) {
        f.admin.book({.service = session.id, .start = at(t), .resource = giulia.id, .customer = {.name = "Client"}});
    }
    // Six booked (pending payment, holding): she is offered no more that day.
    for (const auto& s : monday()) CHECK(s.resource != giulia.id);
    CHECK(code_of([&] {
              f.admin.book({.service = session.id, .start = at("2026-06-08T15:45:00Z"), .resource = giulia.id,
                            .customer = {.name = "Seventh"}});
          }) == Errc::slot_unavailable);
}

TEST_CASE("a preset is all or nothing, for admins only, and names what is wrong") {
    Fresh f;
    CHECK(field_of([&] { f.admin.apply_preset("salon", {.timezone = "Mars/Olympus"}); }) == "timezone");
    CHECK(field_of([&] { f.admin.apply_preset("salon", {.timezone = "Europe/Rome", .locale = "de"}); }) == "locale");
    CHECK(field_of([&] { f.admin.apply_preset("bakery", {.timezone = "Europe/Rome"}); }) == "name");
    CHECK(field_of([&] {
              f.admin.apply_preset("professional", {.timezone = "Europe/Rome", .currency = "EURO"});
          }) == "currency");
    CHECK(f.admin.resources().empty());
    CHECK(f.admin.services().empty());
    auto customer = f.engine.scope({.tenant = f.tenant.id, .role = Role::customer, .subject = "c"});
    CHECK(code_of([&] { customer.apply_preset("salon", {.timezone = "Europe/Rome"}); }) == Errc::permission_denied);
    CHECK(f.admin.resources().empty());
    // Applied in another zone, hours are local there.
    const auto p = f.admin.apply_preset("fitness", {.timezone = "America/New_York"});
    const auto yoga = f.admin.availability(
        {.service = service_named(p, "Yoga class").id, .from = day("2026-06-08"), .to = day("2026-06-08")});
    REQUIRE(yoga.size() == 1);
    CHECK(yoga[0].start == at("2026-06-08T22:00:00Z"));  // 18:00 EDT
}
