// slotwise in one page: a salon with one stylist, a week of slots, a booking,
// and a double booking refused.
//
//   quickstart [DATABASE]     (default: a temporary file)
#include <slotwise/engine.hpp>
#include <slotwise/sqlite.hpp>

#include <cstdio>
#include <filesystem>
#include <iostream>

using namespace std::chrono_literals;

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : (std::filesystem::temp_directory_path() / "slotwise-quickstart.db").string();
    std::filesystem::remove(path);

    // Pin "now" so that the output is the same every day.
    slotwise::Engine engine(slotwise::open_sqlite({.path = path}),
                            [] { return slotwise::parse_instant("2026-06-01T05:00:00Z", "now"); });

    // The host app builds principals from its own authenticated sessions.
    const auto salon = engine.create_tenant("Salon Bella");
    auto owner = engine.scope({.tenant = salon.id, .role = slotwise::Role::admin, .subject = "owner"});
    auto ada = engine.scope({.tenant = salon.id, .role = slotwise::Role::customer, .subject = "ada"});

    const auto anna = owner.create_resource({.name = "Anna", .timezone = "Europe/Rome"});
    slotwise::WeeklyHours hours;
    for (auto wd : {date::Tuesday, date::Wednesday, date::Thursday, date::Friday, date::Saturday}) {
        hours[wd] = {{9h, 13h}, {14h, 18h}};
    }
    owner.set_weekly_hours(anna.id, hours);
    const auto cut = owner.create_service({.name = "Haircut", .duration = 30min, .step = 15min,
                                           .buffer_after = 10min, .resources = {anna.id}});

    const auto week = ada.availability({.service = cut.id,
                                        .from = slotwise::parse_date("2026-06-01", "from"),
                                        .to = slotwise::parse_date("2026-06-07", "to")});
    std::cout << week.size() << " free slots this week; the first starts at "
              << slotwise::format_instant(week.front().start) << "\n";

    const auto booking = ada.book({.service = cut.id, .start = week.front().start,
                                   .customer = {.name = "Ada", .email = "ada@example.com"}});
    std::cout << "booked " << booking.id.value << ": " << slotwise::to_string(booking.status) << "\n";

    try {
        ada.book({.service = cut.id, .start = week.front().start, .customer = {.name = "Ada"}});
    } catch (const slotwise::Error& e) {
        std::cout << "the same slot again: " << slotwise::to_string(e.code()) << " (" << e.what() << ")\n";
    }
    std::filesystem::remove(path);
    return 0;
}
