// The slotwise demo: a salon on an embedded SQLite file. Sets the salon up,
// shows a week of availability as a table of local times, makes bookings
// (free and paid), and lets eight customers race for one slot: exactly one
// wins, every other gets slot_unavailable.
//
//   salon_demo [DATABASE]
//
// DATABASE must not exist yet: the demo creates it and leaves it for you to
// look at. Without it the database lives in a new temporary directory,
// removed at the end. The demo never deletes or reuses a file it was given.
//
// With SLOTWISE_PG_DSN set (and slotwise built with its PostgreSQL adapter)
// the demo runs on that PostgreSQL database instead: it adds a new tenant
// there each run and deletes nothing.
#include <slotwise/engine.hpp>
#include <slotwise/sqlite.hpp>
#include <slotwise/stripe.hpp>
#ifdef SLOTWISE_DEMO_POSTGRES
#include <slotwise/postgres.hpp>
#endif

#include <fmt/format.h>

#include <stdlib.h>  // mkdtemp, getenv

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <latch>
#include <map>
#include <memory>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

void print_week(const std::vector<slotwise::ResourceSlot>& slots,
                const std::map<slotwise::ResourceId, std::string>& names, slotwise::TimeZone zone) {
    // One line per day and stylist: "Tue 02 Jun  Anna   09:00 09:15 ..."
    std::map<std::pair<slotwise::Date, std::string>, std::vector<std::string>> table;
    for (const auto& s : slots) {
        table[{slotwise::local_date(zone, s.start), names.at(s.resource)}].push_back(
            date::format("%H:%M", date::make_zoned(zone, s.start)));
    }
    for (const auto& [key, starts] : table) {
        std::string line = fmt::format("  {}  {:<6}", date::format("%a %d %b", date::sys_days{key.first}), key.second);
        for (std::size_t i = 0; i < starts.size(); ++i) {
            if (i > 0 && i % 14 == 0) line += "\n" + std::string(21, ' ');
            line += " " + starts[i];
        }
        fmt::print("{}\n", line);
    }
}

// The demo proper, on a database at `path`.
int run(const std::string& path) {
    try {
        // A fixed "now" (Monday 1 June 2026, 07:00 in Rome) keeps the demo reproducible.
        const auto now = slotwise::parse_instant("2026-06-01T05:00:00Z", "now");
        // The host registers the payment providers it links; each tenant configures its own keys.
        auto providers = std::make_shared<slotwise::PaymentProviders>();
        slotwise::register_stripe(*providers);
        std::shared_ptr<slotwise::Store> store;
#ifdef SLOTWISE_DEMO_POSTGRES
        if (const char* dsn = std::getenv("SLOTWISE_PG_DSN"); path.empty() && dsn != nullptr && *dsn != '\0') {
            store = slotwise::open_postgres({.dsn = dsn});
        }
#endif
        if (!store) store = slotwise::open_sqlite({.path = path});
        slotwise::Engine engine(store, {.clock = [now] { return now; }, .payments = providers});

        fmt::print("slotwise demo — database {}\n\n",
                   path.empty() ? std::string("PostgreSQL at SLOTWISE_PG_DSN") : path);
        const auto salon = engine.create_tenant("Salon Bella");
        auto owner = engine.scope({.tenant = salon.id, .role = slotwise::Role::admin, .subject = "owner"});
        const auto anna = owner.create_resource({.name = "Anna", .timezone = "Europe/Rome"});
        const auto marco = owner.create_resource({.name = "Marco", .timezone = "Europe/Rome"});
        slotwise::WeeklyHours hours;
        for (auto wd : {date::Tuesday, date::Wednesday, date::Thursday, date::Friday}) hours[wd] = {{9h, 13h}, {14h, 19h}};
        hours[date::Saturday] = {{9h, 17h}};
        owner.set_weekly_hours(anna.id, hours);
        owner.set_weekly_hours(marco.id, hours);
        owner.set_date_override(anna.id, slotwise::parse_date("2026-06-02", "day"), {});  // Festa della Repubblica
        owner.set_date_override(marco.id, slotwise::parse_date("2026-06-02", "day"), {});
        owner.add_block(marco.id, {slotwise::parse_instant("2026-06-04T12:00:00Z", "start"),
                                   slotwise::parse_instant("2026-06-04T17:00:00Z", "end")}, "training");
        const auto cut = owner.create_service({.name = "Cut & style", .duration = 45min, .step = 15min,
                                               .buffer_after = 15min, .min_notice = 120min,
                                               .resources = {anna.id, marco.id}});
        owner.configure_stripe("sk_test_demo", "whsec_demo");  // test keys: the demo never calls Stripe
        const auto colour = owner.create_service({.name = "Colour", .duration = 90min, .step = 30min,
                                                  .price = 6500, .currency = "EUR", .hold = 15min,
                                                  .resources = {anna.id}});
        fmt::print("Salon Bella: stylists Anna and Marco (Europe/Rome), Tue-Sat; closed 2 June;\n"
                   "Marco trains Thursday afternoon. Services: \"{}\" 45 min + 15 min tidy-up, free;\n"
                   "\"{}\" 90 min, EUR 65.00, paid online.\n\n", cut.name, colour.name);

        auto ada = engine.scope({.tenant = salon.id, .role = slotwise::Role::customer, .subject = "ada"});
        const auto b1 = ada.book({.service = cut.id, .start = slotwise::parse_instant("2026-06-03T07:00:00Z", "start"),
                                  .resource = anna.id, .customer = {.name = "Ada", .email = "ada@example.com"}});
        const auto b2 = ada.book({.service = colour.id, .start = slotwise::parse_instant("2026-06-05T08:00:00Z", "start"),
                                  .customer = {.name = "Ada", .email = "ada@example.com", .locale = "it"}});
        fmt::print("Bookings made:\n  {} {} with Anna, Wed 09:00: {}\n  {} {} with Anna, Fri 10:00: {} "
                   "(payment {}, slot held until {})\n\n",
                   b1.id.value, cut.name, slotwise::to_string(b1.status), b2.id.value, colour.name,
                   slotwise::to_string(b2.status), slotwise::to_string(b2.payment_status),
                   slotwise::format_instant(*b2.hold_expires_at));

        const auto zone = slotwise::locate_zone("Europe/Rome", "timezone");
        const auto week = ada.availability({.service = cut.id, .from = slotwise::parse_date("2026-06-01", "from"),
                                            .to = slotwise::parse_date("2026-06-06", "to")});
        fmt::print("Free \"{}\" slots, local time ({} in all):\n", cut.name, week.size());
        print_week(week, {{anna.id, anna.name}, {marco.id, marco.name}}, zone);

        // Eight customers, eight threads, one slot.
        const auto contested = slotwise::parse_instant("2026-06-06T07:00:00Z", "start");
        std::latch start_line(8);
        std::atomic<int> winners{0}, refused{0}, other{0};
        std::vector<std::thread> racers;
        for (int i = 0; i < 8; ++i) {
            racers.emplace_back([&, i] {
                auto me = engine.scope({.tenant = salon.id, .role = slotwise::Role::customer,
                                        .subject = fmt::format("racer{}", i)});
                start_line.arrive_and_wait();
                try {
                    me.book({.service = cut.id, .start = contested, .resource = anna.id,
                             .customer = {.name = fmt::format("Racer {}", i)}});
                    ++winners;
                } catch (const slotwise::Error& e) {
                    (e.code() == slotwise::Errc::slot_unavailable ? refused : other)++;
                }
            });
        }
        for (auto& t : racers) t.join();
        fmt::print("\nRace: 8 customers book Anna, Sat 09:00, at the same moment: {} won, {} got "
                   "slot_unavailable, {} other errors.\n", winners.load(), refused.load(), other.load());
        return winners == 1 && other == 0 ? 0 : 1;
    } catch (const slotwise::Error& e) {
        fmt::print(stderr, "error: {}\n", e.what());
        return 2;
    }
}

}  // namespace

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
#ifdef SLOTWISE_DEMO_POSTGRES
    if (const char* dsn = std::getenv("SLOTWISE_PG_DSN"); dsn != nullptr && *dsn != '\0' && argc <= 1) {
        return run("");
    }
#endif
    if (argc > 1) {
        const std::string path = argv[1];
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            if (fs::exists(fs::symlink_status(path + suffix, ec))) {
                fmt::print(stderr, "error: {}{} already exists; the demo creates a new database and never "
                                   "touches an existing file: give a path that does not exist\n", path, suffix);
                return 2;
            }
        }
        const int status = run(path);
        if (status == 0) fmt::print("\nThe database is kept at {}.\n", path);
        return status;
    }
    std::string scratch = (fs::temp_directory_path() / "slotwise-demo.XXXXXX").string();
    if (mkdtemp(scratch.data()) == nullptr) {
        std::perror("mkdtemp");
        return 1;
    }
    const int status = run((fs::path(scratch) / "salon-demo.db").string());
    fs::remove_all(scratch);  // only the directory this run created
    return status;
}
