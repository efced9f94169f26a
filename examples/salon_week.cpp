// A salon's week: one stylist in Rome, a 45-minute cut with 15 minutes to tidy
// up, a closed bank holiday, some bookings and an afternoon off — printed as a
// table of local start times per day.
//
//   salon_week [SCENARIO.json]     (default: salon-week.json beside this file)
#include <slotwise/scenario.hpp>

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : SLOTWISE_EXAMPLE_DIR "/salon-week.json";
    std::ifstream in(path);
    if (!in) {
        std::cerr << "error: " << path << ": cannot be read\n";
        return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    try {
        const auto scenario = slotwise::parse_scenario(text.str());
        const auto slots = slotwise::evaluate(scenario);
        const auto zone = scenario.calendar.zone;

        std::map<slotwise::Date, std::vector<std::string>> by_day;
        for (auto d = date::sys_days{scenario.query.from}; d <= date::sys_days{scenario.query.to}; d += date::days{1}) {
            by_day[slotwise::Date{d}];
        }
        for (const auto& s : slots) {
            by_day[slotwise::local_date(zone, s.start)].push_back(date::format("%H:%M", date::make_zoned(zone, s.start)));
        }
        fmt::print("Free {}-minute slots, {} ({} slots)\n\n", scenario.service.duration.count(),
                   scenario.timezone, slots.size());
        for (const auto& [day, starts] : by_day) {
            std::string line = date::format("%a %d %b", date::sys_days{day});
            line += "  ";
            if (starts.empty()) line += "-";
            for (std::size_t i = 0; i < starts.size(); ++i) {
                if (i > 0 && i % 12 == 0) line += "\n" + std::string(12, ' ');
                line += starts[i] + " ";
            }
            fmt::print("{}\n", line);
        }
        return 0;
    } catch (const slotwise::Error& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
}
