// slotwise in one page: a salon with one stylist, a week of slots, a booking,
// and a double booking refused.
//
//   quickstart [DATABASE]
//
// DATABASE must not exist yet: it is created and kept. Without it the
// database lives in a new temporary directory, removed at the end. A demo
// never deletes or reuses a file it was given.
#include <slotwise/engine.hpp>
#include <slotwise/sqlite.hpp>

#include <stdlib.h>  // mkdtemp

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

using namespace std::chrono_literals;

namespace {

// The quickstart proper, on a database at `path`.
void run(const std::string& path) {
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
}

}  // namespace

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::string path;
    fs::path scratch;  // the temporary directory this run made, if any
    if (argc > 1) {
        path = argv[1];
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            if (fs::exists(fs::symlink_status(path + suffix, ec))) {
                std::cerr << "error: " << path << suffix << " already exists; quickstart creates a new database "
                          << "and never touches an existing file: give a path that does not exist\n";
                return 2;
            }
        }
    } else {
        std::string tmpl = (fs::temp_directory_path() / "slotwise-quickstart.XXXXXX").string();
        if (mkdtemp(tmpl.data()) == nullptr) {
            std::perror("mkdtemp");
            return 1;
        }
        scratch = tmpl;
        path = (scratch / "bookings.db").string();
    }

    int status = 0;
    try {
        run(path);
    } catch (const slotwise::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        status = 1;
    }
    if (!scratch.empty()) {
        fs::remove_all(scratch);  // only the directory this run created
    } else if (status == 0) {
        std::cout << "database kept at " << path << "\n";
    }
    return status;
}
