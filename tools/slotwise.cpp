// The `slotwise` command-line tool: availability of a scenario file, and the
// reasons a slot is missing.
//
// Exit codes: 0 success, 2 bad input or usage (one "error: <field>: <what>"
// line on stderr, nothing on stdout), 1 an unexpected internal failure.
#include <slotwise/scenario.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::string_view main_help = R"(slotwise — free slots of a booking calendar

Usage:
  slotwise availability FILE.json [--explain INSTANT]
  slotwise --help | slotwise availability --help

Commands:
  availability   compute the free slots of one resource and one service described
                 by a scenario file (see `slotwise availability --help`)

Exit status: 0 on success, 2 for bad input (one "error: FIELD: WHAT" line on stderr).
)";

constexpr std::string_view availability_help = R"(Usage: slotwise availability FILE.json [--explain INSTANT]

Reads a scenario (FILE.json, or - for standard input) and prints its free slots
as JSON on standard output:
  {"slots":[{"start":"2026-06-01T07:00:00Z","end":"2026-06-01T07:30:00Z","remaining":1}, ...]}

A scenario is one resource and one service; all minutes are integers:
  timezone   IANA zone of the resource, e.g. "Europe/Rome"            (required)
  from, to   first and last local date, "YYYY-MM-DD"                  (required)
  weekly     {"mon": [["09:00","13:00"], ...], ...}                   (required)
             keys mon tue wed thu fri sat sun; a missing day is closed
  now        RFC 3339 instant in UTC, e.g. "2026-03-27T08:00:00Z"; needed by
             min_notice and horizon
  capacity   seats usable at once (default 1)
  overrides  {"2026-12-24": [["09:00","12:00"]]}: that date's windows instead
             of the weekly ones; [] closes the day
  bookings   [{"start","end","seats"=1,"buffer_before"=0,"buffer_after"=0}]
  blocks     [{"start","end"}] time off, takes every seat
  service    {"duration" (required), "step"=duration, "buffer_before"=0,
              "buffer_after"=0, "seats"=1, "min_notice"=0, "horizon"=0 (none),
              "segments", "limits"}

Hours (weekly, overrides) are local wall-clock times in the resource's zone.
Bookings, blocks and now are UTC instants ("...Z"), and so are the slots printed.

Windows: a start is 00:00..23:59. An end may pass midnight, "24:00" to "47:59":
["22:00","26:00"] runs to 02:00 on the next date. Such a window belongs to the
date it starts on (that date's override replaces it, the next date's does not);
the spill of the day before `from` is not offered, the spill of `to` is. A start
offered by a spilling window and by the next date's own windows is listed once.

Local times become instants by the earliest rule: an ambiguous time takes its
first occurrence, a time in a DST gap the moment the gap ends. An end past
midnight is a wall time on the next date ("27:30" is 03:30 there), not a count
of elapsed hours.

segments   [["busy",30],["free",45],["busy",20]]: the parts of the appointment,
           first and last busy, summing to the duration, none of 0 minutes. Only
           the busy parts occupy the resource (the first with buffer_before, the
           last with buffer_after); each must fit the capacity. Bookings and time
           off may fall in the free parts.
limits     {"day": n, "week": n, "month": n}, each optional, n >= 1: a slot is
           offered only while fewer than n bookings start in the same local day,
           ISO week (Monday-Sunday) or calendar month as it. Every listed booking
           counts, once, whatever its seats.

Options:
  --explain INSTANT  instead of the slots, say whether a slot starting at INSTANT
                     is offered and, if not, every reason (windows, grid, DST gap,
                     bookings and time off, busy segments, limits, notice,
                     horizon). INSTANT is RFC 3339 ("2026-06-01T08:00:00Z") or a
                     local time in the scenario's zone ("2026-06-01T10:00").
  -h, --help         show this help

Exit status: 0 on success, 2 for bad input (one "error: FIELD: WHAT" line on
stderr naming the offending field, e.g. "service.segments[1]").
)";

int fail(const std::string& message) {
    std::cerr << "error: " << message << "\n";
    return 2;
}

std::optional<std::string> read_input(const std::string& path) {
    std::ostringstream buffer;
    if (path == "-") {
        buffer << std::cin.rdbuf();
        return buffer.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    buffer << in.rdbuf();
    return buffer.str();
}

int print_explanation(const slotwise::Explanation& ex) {
    std::cout << slotwise::format_instant(ex.start) << " (" << ex.local << "): ";
    const auto print_notes = [&] {
        for (const auto& note : ex.notes) std::cout << "  note: " << note << "\n";
    };
    if (ex.offered) {
        std::cout << "offered, " << ex.remaining << (ex.remaining == 1 ? " seat" : " seats")
                  << " remaining\n";
        print_notes();
        return 0;
    }
    std::cout << "not offered\n";
    for (const auto& reason : ex.reasons) std::cout << "  - " << reason << "\n";
    print_notes();
    return 0;
}

int availability(const std::vector<std::string_view>& args) {
    std::optional<std::string> file;
    std::optional<std::string> explain;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto arg = args[i];
        if (arg == "-h" || arg == "--help") {
            std::cout << availability_help;
            return 0;
        }
        if (arg == "--explain") {
            if (i + 1 == args.size()) return fail("--explain: expects an INSTANT");
            explain = std::string(args[++i]);
        } else if (arg.size() > 1 && arg.front() == '-') {
            return fail(std::string(arg) + ": unknown option (see slotwise availability --help)");
        } else if (file) {
            return fail(std::string(arg) + ": only one scenario file may be given");
        } else {
            file = std::string(arg);
        }
    }
    if (!file) return fail("FILE: missing (see slotwise availability --help)");
    const auto text = read_input(*file);
    if (!text) return fail(*file + ": cannot be read");
    try {
        const auto scenario = slotwise::parse_scenario(*text);
        if (explain) return print_explanation(slotwise::explain(scenario, *explain, "--explain"));
        // Render fully before printing, so a failure can never leave partial output.
        const auto out = slotwise::slots_to_text(slotwise::evaluate(scenario));
        std::cout << out << std::flush;
        return std::cout ? 0 : 1;
    } catch (const slotwise::Error& e) {
        return fail(e.what());
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    try {
        if (args.empty()) {
            std::cerr << main_help;
            return 2;
        }
        if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
            std::cout << main_help;
            return 0;
        }
        if (args[0] == "availability") return availability({args.begin() + 1, args.end()});
        return fail(std::string(args[0]) + ": unknown command (see slotwise --help)");
    } catch (const std::exception& e) {
        std::cerr << "error: internal: " << e.what() << "\n";
        return 1;
    }
}
