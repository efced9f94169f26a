// The rules every JSON document slotwise reads is held to (json_reader.hpp),
// each written as the attack it stops: nesting and size bombs, duplicate
// keys, error lines that echo megabytes or terminal escapes, lax syntax; and
// the scenario reader's fast paths, which must read exactly what the general
// reader reads.
#include <slotwise/json_reader.hpp>
#include <slotwise/scenario.hpp>

#include "support/files.hpp"
#include "support/memory.hpp"
#include "support/process.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <sys/resource.h>
#include <vector>

using slotwise::Error;
using slotwise::Errc;
using slotwise::test::rss_is_meaningful;
using slotwise::test::status_kib;

namespace {

// The peak resident memory `run` adds, in bytes: the kernel's high-water
// mark is reset first (writing 5 to clear_refs), so freed memory counts too.
template <class Run>
std::size_t peak_rss_growth(Run&& run) {
    std::ofstream("/proc/self/clear_refs") << "5";
    const std::size_t before = status_kib("VmRSS:");
    run();
    const std::size_t peak = status_kib("VmHWM:");
    return peak > before ? (peak - before) * 1024 : 0;
}

// The error `run` throws; fails the test when it throws none.
template <class Run>
Error error_of(Run&& run) {
    try {
        run();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error");
    return Error(Errc::storage_error, "unreachable");
}

Error scenario_error(const std::string& text) {
    return error_of([&] { (void)slotwise::parse_scenario(text); });
}

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

// A valid scenario around `bookings` (a JSON array's content).
std::string scenario_with_bookings(const std::string& bookings) {
    return R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-01","weekly":{"mon":[["09:00","12:00"]]},)"
           R"("capacity":5,"bookings":[)" +
           bookings + R"(],"service":{"duration":30}})";
}

bool printable_line(const std::string& s) {
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("30 MB of '[' is refused at the depth limit in bounded memory (nlohmann took 2.2 GB)") {
    const std::string bomb(30'000'000, '[');
    std::string what;
    const auto grown = peak_rss_growth([&] { what = scenario_error(bomb).what(); });
    MESSAGE("peak RSS growth refusing 30 MB of '[': " << grown / 1024 << " KiB");
    CHECK(what == "json: line 1, column 17: nested deeper than the limit of 16 arrays and objects");
    const auto generic = error_of([&] { slotwise::check_json(bomb, {.max_bytes = 64 << 20, .max_depth = 64}); });
    CHECK(generic.field() == "json");
    CHECK(contains(generic.what(), "column 65: nested deeper than the limit of 64"));
    if (rss_is_meaningful) CHECK(grown < 8u * 1024 * 1024);
}

TEST_CASE("30 MB of '{\"a\":' is refused at the depth limit in bounded memory") {
    std::string bomb;
    bomb.reserve(30'000'000);
    while (bomb.size() < 30'000'000) bomb += R"({"a":)";
    std::string what;
    const auto grown = peak_rss_growth([&] { what = scenario_error(bomb).what(); });
    MESSAGE("peak RSS growth refusing 30 MB of '{\"a\":': " << grown / 1024 << " KiB");
    CHECK(what == "json: line 1, column 81: nested deeper than the limit of 16 arrays and objects");
    if (rss_is_meaningful) CHECK(grown < 8u * 1024 * 1024);
}

TEST_CASE("a document over the size limit is refused before it is read, naming the limit") {
    const std::string big(slotwise::scenario_json_limits.max_bytes + 1, ' ');
    const auto e = scenario_error(big);
    CHECK(e.field() == "json");
    CHECK(std::string(e.what()) == "json: the document is 33554433 bytes, more than the limit of 33554432");
    const auto small = error_of([] { slotwise::check_json("[1, 2]", {.max_bytes = 5, .max_depth = 4}); });
    CHECK(contains(small.what(), "more than the limit of 5"));
}

TEST_CASE("a duplicate key is refused naming its path and both places, wherever it is") {
    const std::string head = R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-01",)";
    const std::vector<std::pair<std::string, std::string>> cases{
        // The second value would have won silently: a one-minute service.
        {head + R"("weekly":{"mon":[["09:00","10:00"]]},"service":{"duration":30,)" "\n" R"("duration":1}})",
         "service.duration: duplicate key at line 2, column 1; first at line 1, column 105"},
        {head + R"("to":"2026-06-30","weekly":{},"service":{"duration":30}})", "to: duplicate key at line 1, column 57; first at line 1, column 39"},
        {head + R"("weekly":{"mon":[],"mon":[["09:00","10:00"]]},"service":{"duration":30}})",
         "weekly.mon: duplicate key at line 1, column 76; first at line 1, column 67"},
        {head + R"("weekly":{},"overrides":{"2026-06-01":[],"2026-06-01":[["00:00","24:00"]]},"service":{"duration":30}})",
         "overrides.2026-06-01: duplicate key at line 1, column 98; first at line 1, column 82"},
        {head + R"("weekly":{},"bookings":[{"start":"2026-06-01T09:00:00Z","end":"2026-06-01T10:00:00Z","seats":1,"seats":5}],"service":{"duration":30}})",
         "bookings[0].seats: duplicate key at line 1, column 152; first at line 1, column 142"},
        {head + R"("weekly":{},"service":{"duration":30,"limits":{"day":1,"day":9}}})",
         "service.limits.day: duplicate key at line 1, column 112; first at line 1, column 104"},
        // The same key spelled with an escape is the same key.
        {head + R"("weekly":{},"service":{"duration":30,"dur\u0061tion":1}})",
         "service.duration: duplicate key at line 1, column 94; first at line 1, column 80"},
    };
    for (const auto& [text, want] : cases) {
        const std::string doc = text;
        const std::string expected = want;
        CAPTURE(doc);
        const auto e = scenario_error(doc);
        CHECK(e.code() == Errc::invalid_argument);
        CHECK(std::string(e.what()) == expected);
    }
}

TEST_CASE("check_json finds duplicates at any depth and among many keys, reporting the earliest") {
    std::string wide = "{";
    for (int i = 0; i < 50'000; ++i) wide += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    wide += "\"k7\":0,\"k3\":0}";
    const auto e = error_of([&] { slotwise::check_json(wide); });
    CHECK(e.field() == "k7");
    const auto first = wide.find("\"k7\"") + 1, again = wide.rfind("\"k7\"") + 1;
    CHECK(std::string(e.what()) == "k7: duplicate key at line 1, column " + std::to_string(again) +
                                       "; first at line 1, column " + std::to_string(first));
    const auto nested = error_of([] { slotwise::check_json(R"({"data":{"object":[{"id":1},{"id":2,"id":3}]}})", {}, "payload", "payload."); });
    CHECK(nested.field() == "payload.data.object[1].id");
    CHECK_NOTHROW(slotwise::check_json(R"({"a":{"x":1},"b":{"x":1},"c":[{"x":1},{"x":2}]})"));
}

TEST_CASE("an error quotes at most 60 characters of the input, escaped, on one line") {
    // An unterminated 20 MB string: nlohmann put all of it in the message.
    const std::string long_token = R"({"timezone":")" + std::string(20'000'000, 'A');
    const auto unterminated = scenario_error(long_token);
    CHECK(unterminated.field() == "json");
    CHECK(std::string(unterminated.what()).size() < 200);
    CHECK(contains(unterminated.what(), "unterminated string \"\\\"" + std::string(59, 'A') + "...\""));
    // A long invalid literal.
    const auto literal = scenario_error(R"({"timezone":)" + std::string(1'000'000, 't'));
    CHECK(std::string(literal.what()).size() < 200);
    // A long value refused by a field rule.
    const auto zone = scenario_error(R"({"timezone":")" + std::string(5'000'000, 'Z') + R"(","from":"2026-06-01"})");
    CHECK(zone.field() == "timezone");
    CHECK(std::string(zone.what()).size() < 200);
    // Terminal escapes, raw or escaped in JSON, never come out raw.
    for (const std::string& text : {std::string("{\"timezone\":\"\x1b[2J\x1b]0;pwned\x07\"}"),
                                   std::string(R"({"timezone":"\u001b[2J\u009b31m\u202e"})"),
                                   std::string("{\"x\x1b[31m\":1}"), std::string("[\x1b]")}) {
        const auto e = scenario_error(text);
        CAPTURE(text);
        CHECK(printable_line(e.what()));
        CHECK(std::string(e.what()).find("\xc2\x9b") == std::string::npos);
        CHECK(std::string(e.what()).find("\xe2\x80\xae") == std::string::npos);
    }
    CHECK(slotwise::quote_excerpt("a\"b\\c\n\x1b\xff\xe2\x80\xae\xc3\xa9") == R"("a\"b\\c\n\u001b\xff\u202eé")");
    CHECK(slotwise::quote_excerpt(std::string(100, 'x')) == "\"" + std::string(60, 'x') + "...\"");
}

TEST_CASE("lax JSON is refused on the field json with its position") {
    const std::string head = R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-01","weekly":{},"service":{"duration":)";
    const std::vector<std::pair<std::string, std::string>> cases{
        {head + "30,}}", "line 1, column 94: expected a member name in double quotes, got \"}}\""},
        {head + "30}} // comment", "line 1, column 96: unexpected text after the document: \"// comment\""},
        {head + "NaN}}", "line 1, column 91: expected a value, got \"NaN}}\""},
        {head + "030}}", "line 1, column 91: a number must not start with 0: \"030}}\""},
        {head + "1e400}}", "line 1, column 91: number out of range: \"1e400\""},
        {head + "30}}\n  x", "line 2, column 3: unexpected text after the document: \"x\""},
        {R"({"timezone":"\ud800"})", "line 1, column 14: high surrogate not followed by a low one: \"\\\\ud800\\\"}\""},
        {R"({"timezone":"\udc00"})", "line 1, column 14: lone low surrogate in a string: \"\\\\udc00\\\"}\""},
        {"{\"timezone\":\"\xc0\xaf\"}", "line 1, column 14: invalid UTF-8 in a string: \"\\\"\\xc0\\xaf\\\"}\""},
        {"{\"timezone\":\"\xed\xa0\x80\"}", "line 1, column 14: invalid UTF-8 in a string: \"\\\"\\xed\\xa0\\x80\\\"}\""},
        {"{\"timezone\":\"a\tb\"}", "line 1, column 15: control character in a string (escape it): \"\\\"a\\tb\\\"}\""},
        {R"({"timezone":"\x"})", "line 1, column 14: invalid escape in a string: \"\\\\x\\\"}\""},
        {"", "line 1, column 1: expected a value, got the end of the document"},
    };
    for (const auto& [text, want] : cases) {
        const std::string doc = text;
        const std::string expected = "json: " + want;
        CAPTURE(doc);
        const auto e = scenario_error(doc);
        CHECK(e.field() == "json");
        CHECK(std::string(e.what()) == expected);
        // check_json says the same of the same text.
        const auto generic = error_of([&] { slotwise::check_json(doc, slotwise::scenario_json_limits); });
        CHECK(std::string(generic.what()) == expected);
    }
    // A byte-order mark is not an error; a fractional or huge value is the field's.
    CHECK_NOTHROW(slotwise::parse_scenario("\xEF\xBB\xBF" + head + "30}}"));
    CHECK(scenario_error(head + "1e308}}").field() == "service.duration");
    CHECK(std::string(scenario_error(head + "99999999999999999999999}}").what()) ==
          "service.duration: must be between 1 and 527040");
}

TEST_CASE("a document-level fault anywhere outranks a field error before it") {
    // The old reader parsed everything first: malformed JSON at the end still
    // wins over the unknown key at the start.
    const auto e = scenario_error(R"({"bogus":1,"timezone":"UTC","from":"2026-06-01","to":"2026-06-01","weekly":{},"service":{"duration":30})");
    CHECK(e.field() == "json");
    const auto dup = scenario_error(R"({"capacity":0,"timezone":"UTC","timezone":"UTC"})");
    CHECK(dup.field() == "timezone");
    CHECK(contains(dup.what(), "duplicate key"));
}

TEST_CASE("the fast instant reader gives exactly what parse_instant gives, warm date cache or cold") {
    std::mt19937 rng(7);
    const std::vector<std::string> seeds{"2026-06-01T09:30:00Z", "2024-02-29T23:59:60Z", "2023-02-29T00:00:00Z",
                                         "1800-01-01T00:00:00Z", "1799-12-31T23:59:59Z", "3100-12-31T23:59:59Z",
                                         "3101-01-01T00:00:00Z", "2000-02-29T12:00:00Z", "1900-02-29T12:00:00Z",
                                         "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-04-31T00:00:00Z",
                                         "2026-06-00T00:00:00Z", "2026-06-01T24:00:00Z", "2026-06-01T23:60:00Z",
                                         "2026-06-01t09:30:00z", "2026-06-01T09:30:00+02:00"};
    const std::string alphabet = std::string("0123456789:-TZtz+ /") + '\0' + "\x7f\xff";
    slotwise::detail::scenario::DayCache warm;
    int accepted = 0;
    for (int round = 0; round < 200'000; ++round) {
        std::string s = seeds[rng() % seeds.size()];
        const int edits = static_cast<int>(rng() % 3);
        for (int k = 0; k < edits; ++k) {
            const auto at = rng() % s.size();
            if (rng() % 2 == 0) {
                s[at] = alphabet[rng() % alphabet.size()];
            } else {
                s[at] = static_cast<char>('0' + rng() % 10);
            }
        }
        std::optional<slotwise::Instant> general;
        try {
            general = slotwise::parse_instant(s, "t");
        } catch (const Error&) {
        }
        slotwise::Instant fast_cold{}, fast_warm{};
        slotwise::detail::scenario::DayCache cold;
        const bool cold_ok = slotwise::detail::scenario::plain_utc_instant(s, cold, fast_cold);
        const bool warm_ok = slotwise::detail::scenario::plain_utc_instant(s, warm, fast_warm);
        CAPTURE(s);
        // The fast reader may decline (then parse_instant decides), never disagree.
        if (cold_ok) {
            REQUIRE(general.has_value());
            REQUIRE(fast_cold == *general);
            ++accepted;
        }
        CHECK(warm_ok == cold_ok);
        if (warm_ok) REQUIRE(fast_warm == *general);
        if (general && s.size() == 20 && s[10] == 'T' && s[19] == 'Z') CHECK(cold_ok);
    }
    // An empty cache matches no date, not even one of ten NUL bytes (a JSON
    // string may hold them as \u0000).
    slotwise::detail::scenario::DayCache fresh;
    slotwise::Instant t{};
    CHECK_FALSE(slotwise::detail::scenario::plain_utc_instant(std::string(10, '\0') + "T12:00:00Z", fresh, t));
    MESSAGE(accepted << " of 200000 mutated instants read by the fast path");
    CHECK(accepted > 10'000);
}

TEST_CASE("bookings read the same whatever their spelling: fast path and general reader agree") {
    std::mt19937 rng(11);
    for (int round = 0; round < 200; ++round) {
        // Random bookings, each spelled compactly, spaced out, reordered, or
        // with an escaped key (which only the general reader takes).
        std::string plain, varied;
        std::vector<slotwise::Booked> want;
        const int count = 1 + static_cast<int>(rng() % 12);
        for (int i = 0; i < count; ++i) {
            slotwise::Booked b;
            b.interval.begin = slotwise::Instant{std::chrono::seconds{1'780'000'000 + static_cast<long>(rng() % 100'000) * 60}};
            b.interval.end = b.interval.begin + std::chrono::minutes{1 + rng() % 240};
            b.seats = 1 + static_cast<int>(rng() % 5);
            b.buffer_before = std::chrono::minutes{rng() % 3 == 0 ? rng() % 30 : 0};
            b.buffer_after = std::chrono::minutes{rng() % 3 == 0 ? rng() % 30 : 0};
            want.push_back(b);
            const auto start = slotwise::format_instant(b.interval.begin), end = slotwise::format_instant(b.interval.end);
            const std::string tail = R"(,"seats":)" + std::to_string(b.seats) + R"(,"buffer_before":)" +
                                     std::to_string(b.buffer_before.count()) + R"(,"buffer_after":)" +
                                     std::to_string(b.buffer_after.count()) + "}";
            plain += (i ? "," : "") + std::string(R"({"start":")") + start + R"(","end":")" + end + "\"" + tail;
            switch (rng() % 4) {
                case 0: varied += (i ? "," : "") + std::string(R"({"start":")") + start + R"(","end":")" + end + "\"" + tail; break;
                case 1:
                    varied += (i ? " ,\n " : "") + std::string("{ \"start\" : \"") + start + "\" ,\t\"end\": \"" + end + "\" " + tail;
                    break;
                case 2: varied += (i ? "," : "") + std::string(R"({"end":")") + end + R"(","start":")" + start + "\"" + tail; break;
                default: varied += (i ? "," : "") + std::string(R"({"st\u0061rt":")") + start + R"(","end":")" + end + "\"" + tail; break;
            }
        }
        const auto a = slotwise::parse_scenario(scenario_with_bookings(plain));
        const auto b = slotwise::parse_scenario(scenario_with_bookings(varied));
        REQUIRE(a.bookings.size() == want.size());
        REQUIRE(b.bookings.size() == want.size());
        for (std::size_t i = 0; i < want.size(); ++i) {
            CHECK(a.bookings[i].interval == want[i].interval);
            CHECK(b.bookings[i].interval == want[i].interval);
            CHECK(a.bookings[i].seats == want[i].seats);
            CHECK(b.bookings[i].seats == want[i].seats);
            CHECK(a.bookings[i].buffer_before == want[i].buffer_before);
            CHECK(b.bookings[i].buffer_after == want[i].buffer_after);
        }
    }
}

TEST_CASE("a booking the fast path declines is still refused naming its field") {
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"start":"2026-06-01T09:00:00Z","end":"2026-06-01T10:00:00Z","seats":0})", "bookings[0].seats"},
        {R"({"start":"2026-06-01T09:00:00Z","end":"2026-06-01T10:00:00Z","seats":1.5})", "bookings[0].seats"},
        {R"({"start":"2026-06-01T09:00:00Z","end":"2026-06-01T10:00:00Z","buffer_after":-1})", "bookings[0].buffer_after"},
        {R"({"start":"2026-06-31T09:00:00Z","end":"2026-06-01T10:00:00Z"})", "bookings[0].start"},
        {R"({"start":"2026-06-01T09:00:00Z","end":"2026-06-01T08:00:00Z"})", "bookings[0].end"},
        {R"({"start":"2026-06-01T09:00:00Z"})", "bookings[0].end"},
        {R"({"start":"2026-06-01T09:00:00Z","end":"2026-06-01T10:00:00Z","room":1})", "bookings[0].room"},
        {R"({"start":"2026-06-01T09:00:00Z","end":"2026-06-01T10:00:00Z","seats":01})", "json"},
    };
    for (const auto& [booking, field] : cases) {
        const std::string doc = scenario_with_bookings(booking);
        const std::string want = field;
        CAPTURE(doc);
        CHECK(scenario_error(doc).field() == want);
    }
}

TEST_CASE("check_json accepts every scenario the scenario reader accepts") {
    const auto dir = std::filesystem::path(SLOTWISE_TEST_DIR) / "scenarios";
    for (const auto& file : slotwise::test::scenario_files(dir)) {
        const auto text = slotwise::test::slurp(file.string());
        CAPTURE(file);
        CHECK_NOTHROW(slotwise::check_json(text, slotwise::scenario_json_limits));
    }
}

TEST_CASE("skip passes over any value, checking its syntax and depth, and leaves the reader after it") {
    slotwise::JsonReader r(R"([{"a":[1,{"b":"\u00e9"},[]],"c":{}}, "next"])", {.max_bytes = 1000, .max_depth = 4});
    std::vector<std::string> seen;
    r.array(slotwise::JsonField{}, [&](std::size_t i) {
        if (i == 0) {
            r.skip();
        } else {
            seen.emplace_back(r.string(slotwise::JsonField{}[i]));
        }
    });
    r.finish();
    CHECK(seen == std::vector<std::string>{"next"});
    slotwise::JsonReader deep("[[[[[1]]]]]", {.max_bytes = 1000, .max_depth = 4});
    CHECK(std::string(error_of([&] { deep.skip(); }).what()) ==
          "json: line 1, column 5: nested deeper than the limit of 4 arrays and objects");
    slotwise::JsonReader broken(R"({"a":[1 2]})");
    CHECK(std::string(error_of([&] { broken.skip(); }).what()) == "json: line 1, column 9: expected ',' or ']', got \"2]}\"");
}
