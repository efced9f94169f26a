// tools/availability_command.hpp — the `slotwise` command line, as
// functions over streams: tools/slotwise.cpp runs them on the process's
// streams, benchmarks/cli_bench.cpp times the same code path end to end.
//
// Exit codes: 0 success, 2 bad input or usage (one "error: <field>: <what>"
// line on `err`, nothing on `out`), 1 an unexpected internal failure.
//
// Thread-safety: calls on distinct streams may run concurrently; the
// functions keep no state.
#pragma once

#include <slotwise/scenario.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise::cli {

inline constexpr std::string_view main_help = R"(slotwise — free slots of a booking calendar

Usage:
  slotwise availability FILE.json [--explain INSTANT]
  slotwise --help | slotwise availability --help

Commands:
  availability   compute the free slots of one resource and one service described
                 by a scenario file (see `slotwise availability --help`)

Exit status: 0 on success, 2 for bad input (one "error: FIELD: WHAT" line on stderr).
)";

inline constexpr std::string_view availability_help = R"(Usage: slotwise availability FILE.json [--explain INSTANT]

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

Limits: a scenario file is at most 32 MiB and nests at most 16 arrays and
objects; a key may appear only once in an object. Errors quote at most 60
characters of the input.

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

inline int fail(std::ostream& err, const std::string& message) {
    err << "error: " << message << "\n";
    return 2;
}

/// What `read_input` got: the text, or the line to print after "error: ".
struct Input {
    std::string text;
    std::string error;
};

/// Reads the whole of `path` ("-": standard input) but never more than
/// `limit` + 1 bytes: a larger input (or an endless one, /dev/zero) is
/// refused once the limit is passed, without holding more of it.
inline Input read_input(const std::string& path, std::size_t limit) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
    std::FILE* in = stdin;
    if (path != "-") {
        file.reset(std::fopen(path.c_str(), "rb"));
        if (!file) return {{}, path + ": cannot be read"};
        in = file.get();
    }
    Input input;
    std::string& text = input.text;
    // A regular file is read in one piece; a pipe in chunks.
    struct stat st {};
    std::size_t chunk = std::size_t{1} << 16;
    if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0) {
        chunk = std::min(static_cast<std::size_t>(st.st_size), limit) + 1;
    }
    while (text.size() <= limit) {
        const std::size_t had = text.size();
        text.resize(had + chunk);
        const std::size_t got = std::fread(text.data() + had, 1, chunk, in);
        text.resize(had + got);
        if (got < chunk) break;
    }
    if (std::ferror(in)) return {{}, path + ": cannot be read"};
    if (text.size() > limit) return {{}, "json: the document is more than the limit of " + std::to_string(limit) + " bytes"};
    return input;
}

inline int print_explanation(std::ostream& out, const slotwise::Explanation& ex) {
    out << slotwise::format_instant(ex.start) << " (" << ex.local << "): ";
    const auto print_notes = [&] {
        for (const auto& note : ex.notes) out << "  note: " << note << "\n";
    };
    if (ex.offered) {
        out << "offered, " << ex.remaining << (ex.remaining == 1 ? " seat" : " seats") << " remaining\n";
        print_notes();
        return 0;
    }
    out << "not offered\n";
    for (const auto& reason : ex.reasons) out << "  - " << reason << "\n";
    print_notes();
    return 0;
}

/// `slotwise availability ARGS...`.
inline int availability(const std::vector<std::string_view>& args, std::ostream& out, std::ostream& err) {
    std::optional<std::string> file;
    std::optional<std::string> explain;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto arg = args[i];
        if (arg == "-h" || arg == "--help") {
            out << availability_help;
            return 0;
        }
        if (arg == "--explain") {
            if (i + 1 == args.size()) return fail(err, "--explain: expects an INSTANT");
            explain = std::string(args[++i]);
        } else if (arg.size() > 1 && arg.front() == '-') {
            return fail(err, std::string(arg) + ": unknown option (see slotwise availability --help)");
        } else if (file) {
            return fail(err, std::string(arg) + ": only one scenario file may be given");
        } else {
            file = std::string(arg);
        }
    }
    if (!file) return fail(err, "FILE: missing (see slotwise availability --help)");
    const auto input = read_input(*file, slotwise::scenario_json_limits.max_bytes);
    if (!input.error.empty()) return fail(err, input.error);
    const std::string& text = input.text;
    try {
        const auto scenario = slotwise::parse_scenario(text);
        if (explain) return print_explanation(out, slotwise::explain(scenario, *explain, "--explain"));
        // Render fully before printing, so a failure can never leave partial output.
        const auto rendered = slotwise::slots_to_text(slotwise::evaluate(scenario));
        out << rendered << std::flush;
        return out ? 0 : 1;
    } catch (const slotwise::Error& e) {
        return fail(err, e.what());
    }
}

/// The whole command line (`argv` without the program name).
inline int run(const std::vector<std::string_view>& args, std::ostream& out, std::ostream& err) {
    try {
        if (args.empty()) {
            err << main_help;
            return 2;
        }
        if (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
            out << main_help;
            return 0;
        }
        if (args[0] == "availability") return availability({args.begin() + 1, args.end()}, out, err);
        return fail(err, std::string(args[0]) + ": unknown command (see slotwise --help)");
    } catch (const std::exception& e) {
        err << "error: internal: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace slotwise::cli
