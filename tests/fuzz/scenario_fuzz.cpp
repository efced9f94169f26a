// tests/fuzz/scenario_fuzz.cpp — libFuzzer target for the scenario format.
//
// Feeds the bytes to `evaluate_scenario`, exactly as `slotwise availability`
// does, and enforces its contract. Either
//  - it evaluates, and the output is a JSON document {"slots": [...]} whose
//    slots rise strictly by start, each ending `duration` after it starts,
//    with `remaining` between the requested seats and the capacity, and equal
//    to `evaluate(parse_scenario(...))` once read back; or
//  - it throws `slotwise::Error` with code `invalid_argument` and a non-empty
//    field.
// Any other outcome — another exception, a broken invariant, a sanitizer
// report — aborts, and libFuzzer keeps the input as a reproducer.
//
// The JSON rules (json_reader.hpp), on every input:
//  - the scenario reader accepts only documents `check_json` accepts, and a
//    document-level refusal ("json", or a duplicate key) is exactly the
//    error `check_json` gives;
//  - every error message is one line of printable text, bounded whatever the
//    input's size (quotes hold at most 60 characters).
//
// Beyond the contract, on every evaluated input:
//  - `explain` is asked about the first slot (must be offered, same
//    `remaining`), the same start as a local wall time, and a few instants
//    next to a middle slot; whenever the instant lies within the listed range,
//    `explain` must say "offered" exactly when the slot list has it;
//  - on small inputs the slots must equal a brute-force model written from
//    the availability rules alone (tests/support/seed_algorithm.hpp), every
//    booking counting toward the service's limits as the scenario format says.
//
// Valid but huge scenarios (3,700 days of 24-hour windows on a one-minute
// grid make 5 million slots and 400 MB of output) are parsed but not
// evaluated: the budget below keeps every run well under a second.
//
// Instants are read back with `parse_instant` only where it can read them
// (years 1000..9999); a slot may end up outside, e.g. after
// 9999-12-31T24:00 in New York, and is then compared as text.
//
// Run it with scripts/fuzz.
#include "support/seed_algorithm.hpp"

#include <slotwise/json_reader.hpp>
#include <slotwise/scenario.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

using slotwise::Instant;
using slotwise::Interval;
using slotwise::Scenario;
using slotwise::Slot;

// Most windows (day × window pairs) and grid candidates evaluated per input.
constexpr std::int64_t max_windows = 20'000;
constexpr std::int64_t max_candidates = 2'000;
// Most candidate × (booking + block) checks the brute-force model may make.
constexpr std::int64_t max_model_work = 2'000'000;

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "scenario_fuzz: contract broken: %s\n", what.c_str());
    std::abort();
}

void require(bool ok, const std::string& what) {
    if (!ok) fail(what);
}

// A refusal must be the documented one: invalid_argument naming a field, in
// one bounded line without control characters.
void check_refusal(const slotwise::Error& e) {
    require(e.code() == slotwise::Errc::invalid_argument,
            "refused with code " + std::string(slotwise::to_string(e.code())) + ": " + e.what());
    require(!e.field().empty(), std::string("refused without a field: ") + e.what());
    const std::string_view what = e.what();
    require(what.size() <= 1200, "error message of " + std::to_string(what.size()) + " bytes");
    for (const char c : what) {
        const auto u = static_cast<unsigned char>(c);
        require(u >= 0x20 && u != 0x7f, "control character in the error message: " + std::string(what.substr(0, 200)));
    }
}

// The scenario reader and check_json agree on what is a document-level fault.
void check_document_rules(std::string_view text, const slotwise::Error* scenario_error) {
    std::optional<std::string> generic;
    try {
        slotwise::check_json(text, slotwise::scenario_json_limits);
    } catch (const slotwise::Error& e) {
        generic = e.what();
    }
    if (scenario_error == nullptr) {
        require(!generic, "parse_scenario accepted what check_json refuses: " + generic.value_or(""));
        return;
    }
    const std::string what = scenario_error->what();
    if (generic) {
        require(*generic == what, "parse_scenario says \"" + what + "\", check_json says \"" + *generic + "\"");
        return;
    }
    // No document-level fault: the refusal must be a field's. (A key may be
    // named "json": its error is "json: unknown field; ...".)
    const auto& field = scenario_error->field();
    const std::string_view message = std::string_view(what).substr(field.size());
    require(!(field == "json" && (message.starts_with(": line ") || message.starts_with(": the document is"))) &&
                !message.starts_with(": duplicate key at "),
            "parse_scenario reports a document-level fault check_json does not find: " + what);
}

// Number of grid candidates the scenario would sweep, or nothing when it is
// over budget. Costs one local → UTC conversion per window, as evaluation does.
std::optional<std::int64_t> candidate_count(const Scenario& sc) {
    std::int64_t windows = 0;
    std::int64_t candidates = 0;
    const auto& q = sc.query;
    for (auto day = date::sys_days{q.from}; day <= date::sys_days{q.to}; day += date::days{1}) {
        for (const auto& w : slotwise::windows_on(sc.calendar, slotwise::Date{day}).windows) {
            if (++windows > max_windows) return std::nullopt;
            const Instant a = slotwise::to_utc(sc.calendar.zone, slotwise::Date{day}, w.start);
            const Instant b = slotwise::to_utc(sc.calendar.zone, slotwise::Date{day}, w.end);
            if (b > a) candidates += ((b - a) / sc.service.step + 1) * static_cast<std::int64_t>(
                                         std::max<std::size_t>(1, sc.service.segments.size()));
            if (candidates > max_candidates) return std::nullopt;
        }
    }
    return candidates;
}

// ---------------------------------------------------------------------------
// The brute-force model: every candidate checks every booking and block.

std::vector<Slot> model_slots(const Scenario& sc) {
    const auto counted = sc.counted_starts();
    auto query = sc.query;
    query.counted_starts = counted;
    return slotwise::test::naive_slots(sc.calendar, sc.service, sc.bookings, sc.blocks, query);
}

// ---------------------------------------------------------------------------
// Checks on an evaluated scenario.

bool parse_instant_accepts(Instant t) {
    const auto y = static_cast<int>(date::year_month_day{std::chrono::floor<date::days>(t)}.year());
    return y >= slotwise::min_instant_year && y <= slotwise::max_instant_year;
}

// Reads the output document back and checks it against `expected`.
void check_output(const Scenario& sc, const std::string& out, const std::vector<Slot>& expected) {
    require(!out.empty() && out.back() == '\n', "output does not end with a newline");
    const auto doc = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
    require(!doc.is_discarded(), "output is not JSON: " + out.substr(0, 200));
    require(doc.is_object() && doc.size() == 1 && doc.contains("slots") && doc["slots"].is_array(),
            "output is not {\"slots\": [...]}");
    const auto& list = doc["slots"];
    require(list.size() == expected.size(), "output lists " + std::to_string(list.size()) +
                                                " slots, evaluate gives " + std::to_string(expected.size()));
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto& item = list[i];
        const Slot& want = expected[i];
        const auto name = "slot " + std::to_string(i);
        require(item.is_object() && item.size() == 3 && item.contains("start") && item.contains("end") &&
                    item.contains("remaining"),
                name + " is not {start, end, remaining}");
        require(item["start"].is_string() && item["end"].is_string() && item["remaining"].is_number_integer(),
                name + " has fields of the wrong type");
        const auto start = item["start"].get<std::string>();
        const auto end = item["end"].get<std::string>();
        require(start == slotwise::format_instant(want.start) && end == slotwise::format_instant(want.end),
                name + " prints differently from evaluate: " + start + " " + end);
        if (parse_instant_accepts(want.start) && parse_instant_accepts(want.end)) {
            require(slotwise::parse_instant(start, "start") == want.start &&
                        slotwise::parse_instant(end, "end") == want.end,
                    name + " does not read back: " + start + " " + end);
        }
        require(item["remaining"].get<std::int64_t>() == want.remaining, name + " remaining differs");
        require(want.end > want.start, name + " does not end after it starts");
        require(want.end - want.start == sc.service.duration, name + " is not `duration` long");
        require(want.remaining >= sc.service.seats && want.remaining <= sc.calendar.capacity,
                name + " remaining " + std::to_string(want.remaining) + " outside seats..capacity");
        require(i == 0 || expected[i - 1].start < want.start, name + " is not after the slot before it");
    }
}

// Asks `explain` about `asked` (an RFC 3339 instant or a local wall time) and
// checks it against the slot list, where the list is authoritative: between
// its first and last start.
void check_explain(const Scenario& sc, const std::vector<Slot>& slots, const std::string& asked) {
    const auto ex = slotwise::explain(sc, asked, "start");
    require(!ex.local.empty(), "explain gave no local time for " + asked);
    if (ex.start < slots.front().start || ex.start > slots.back().start) return;
    const auto it = std::lower_bound(slots.begin(), slots.end(), ex.start,
                                     [](const Slot& s, Instant t) { return s.start < t; });
    const bool listed = it != slots.end() && it->start == ex.start;
    require(ex.offered == listed, "explain says " + std::string(ex.offered ? "offered" : "not offered") +
                                      " for " + asked + ", the slot list disagrees");
    if (listed) {
        require(ex.remaining == it->remaining, "explain remaining differs for " + asked);
        require(ex.reasons.empty(), "explain gives reasons for an offered slot " + asked);
    } else {
        require(!ex.reasons.empty(), "explain gives no reason for refusing " + asked);
    }
}

void check_explanations(const Scenario& sc, const std::vector<Slot>& slots) {
    if (slots.empty()) return;
    const Slot& first = slots.front();
    if (parse_instant_accepts(first.start)) {
        const auto ex = slotwise::explain(sc, slotwise::format_instant(first.start), "start");
        require(ex.offered && ex.remaining == first.remaining,
                "explain does not offer the first slot " + slotwise::format_instant(first.start));
    }
    // The same start as a local wall time (an ambiguous one may pick another instant).
    const auto local = slotwise::to_local(sc.calendar.zone, first.start);
    const date::year_month_day local_day{std::chrono::floor<date::days>(local)};
    if (local_day.year() >= date::year{1000} && local_day.year() <= date::year{9999}) {
        check_explain(sc, slots, date::format("%FT%R", std::chrono::floor<std::chrono::minutes>(local)));
    }
    const Instant middle = slots[slots.size() / 2].start;
    for (const auto delta : {std::chrono::seconds{-60}, std::chrono::seconds{0}, std::chrono::seconds{60}}) {
        if (parse_instant_accepts(middle + delta)) {
            check_explain(sc, slots, slotwise::format_instant(middle + delta));
        }
    }
}

void run(std::string_view text) {
    std::optional<Scenario> sc;
    try {
        sc = slotwise::parse_scenario(text);
    } catch (const slotwise::Error& e) {
        check_refusal(e);
        check_document_rules(text, &e);
        return;
    }
    check_document_rules(text, nullptr);
    const auto candidates = candidate_count(*sc);
    if (!candidates) return;  // valid, but too big to evaluate in a fuzzing run

    std::string out;
    try {
        out = slotwise::evaluate_scenario(text);
    } catch (const slotwise::Error& e) {
        check_refusal(e);
        return;
    }
    const auto slots = slotwise::evaluate(*sc);
    check_output(*sc, out, slots);
    const auto occupants = static_cast<std::int64_t>(sc->bookings.size() + sc->blocks.size());
    if (*candidates * (occupants + 1) <= max_model_work) {
        const auto model = model_slots(*sc);
        require(model == slots, "evaluate gives " + std::to_string(slots.size()) +
                                    " slots, the brute-force model " + std::to_string(model.size()));
    }
    check_explanations(*sc, slots);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        run(text);
    } catch (const slotwise::Error& e) {
        fail(std::string("unexpected slotwise::Error (") + std::string(slotwise::to_string(e.code())) +
             "): " + e.what());
    } catch (const std::exception& e) {
        fail(std::string("unexpected exception: ") + e.what());
    } catch (...) {
        fail("unexpected exception of unknown type");
    }
    return 0;
}
