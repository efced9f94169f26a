#include "support/process.hpp"

#include <doctest/doctest.h>

#include <string>

using slotwise::test::run_process;

namespace {
const std::string cli = SLOTWISE_CLI;
const std::string good = R"({"timezone":"Europe/Rome","from":"2026-06-01","to":"2026-06-01",
  "weekly":{"mon":[["09:00","10:00"]]},"service":{"duration":30}})";
}  // namespace

TEST_CASE("availability reads a scenario from stdin and prints compact JSON") {
    const auto r = run_process({cli, "availability", "-"}, good);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    CHECK(r.out == R"({"slots":[{"start":"2026-06-01T07:00:00Z","end":"2026-06-01T07:30:00Z","remaining":1},)"
                   R"({"start":"2026-06-01T07:30:00Z","end":"2026-06-01T08:00:00Z","remaining":1}]})" "\n");
}

TEST_CASE("help explains both commands and exits 0") {
    const auto main_help = run_process({cli, "--help"});
    CHECK(main_help.exit_code == 0);
    CHECK(main_help.out.find("availability") != std::string::npos);
    const auto sub_help = run_process({cli, "availability", "--help"});
    CHECK(sub_help.exit_code == 0);
    CHECK(sub_help.out.find("--explain") != std::string::npos);
}

TEST_CASE("usage errors exit 2 with one error line and no output") {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {cli}, {cli, "frobnicate"}, {cli, "availability"}, {cli, "availability", "/no/such/file.json"},
             {cli, "availability", "-", "--explain"}, {cli, "availability", "--bogus", "-"}}) {
        const auto r = run_process(args, good);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(!r.err.empty());
    }
}

TEST_CASE("explain says an offered slot is offered") {
    const auto r = run_process({cli, "availability", "-", "--explain", "2026-06-01T09:00"}, good);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("offered, 1 seat remaining") != std::string::npos);
}

TEST_CASE("explain names the grid, the windows and the DST gap") {
    const std::string ny = R"({"timezone":"America/New_York","from":"2026-03-08","to":"2026-03-08",
      "weekly":{"sun":[["01:00","04:00"]]},"service":{"duration":30}})";
    const auto off_grid = run_process({cli, "availability", "-", "--explain", "2026-03-08T03:10"}, ny);
    CHECK(off_grid.exit_code == 0);
    CHECK(off_grid.out.find("not offered") != std::string::npos);
    CHECK(off_grid.out.find("off the 30-minute grid") != std::string::npos);
    const auto gap = run_process({cli, "availability", "-", "--explain", "2026-03-08T02:30"}, ny);
    CHECK(gap.out.find("DST gap") != std::string::npos);
    const auto outside = run_process({cli, "availability", "-", "--explain", "2026-03-08T05:00"}, ny);
    CHECK(outside.out.find("outside the day's windows: the weekly hours on 2026-03-08 01:00-04:00") != std::string::npos);
}

TEST_CASE("explain names the booking, the capacity, the notice and the horizon") {
    const std::string busy = R"({"timezone":"UTC","now":"2026-06-01T08:00:00Z","from":"2026-06-01","to":"2026-06-01",
      "weekly":{"mon":[["09:00","18:00"]]},
      "bookings":[{"start":"2026-06-01T10:00:00Z","end":"2026-06-01T10:30:00Z","buffer_after":15}],
      "service":{"duration":30,"min_notice":120,"horizon":360}})";
    const auto r = run_process({cli, "availability", "-", "--explain", "2026-06-01T09:00:00Z"}, busy);
    CHECK(r.out.find("minimum notice") != std::string::npos);
    const auto taken = run_process({cli, "availability", "-", "--explain", "2026-06-01T10:30:00Z"}, busy);
    CHECK(taken.out.find("over capacity: 1 seat already taken of capacity 1") != std::string::npos);
    CHECK(taken.out.find("overlaps the booking 10:00-10:30") != std::string::npos);
    const auto late = run_process({cli, "availability", "-", "--explain", "2026-06-01T15:00:00Z"}, busy);
    CHECK(late.out.find("past the booking horizon") != std::string::npos);
}

TEST_CASE("help says hours are local wall-clock times and bookings are UTC instants") {
    const auto help = run_process({cli, "availability", "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("local wall-clock times in the resource's zone") != std::string::npos);
    CHECK(help.out.find("UTC instants") != std::string::npos);
    CHECK(help.out.find("47:59") != std::string::npos);
    CHECK(help.out.find("segments") != std::string::npos);
    CHECK(help.out.find("limits") != std::string::npos);
}

TEST_CASE("notice or horizon without now is refused naming the field, not ignored") {
    for (const auto& [service, field] : std::vector<std::pair<std::string, std::string>>{
             {R"({"duration":30,"min_notice":60})", "service.min_notice"},
             {R"({"duration":30,"horizon":600})", "service.horizon"}}) {
        const std::string doc = R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-01",
          "weekly":{"mon":[["09:00","10:00"]]},"service":)" + service + "}";
        const auto r = run_process({cli, "availability", "-"}, doc);
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(r.err.starts_with("error: " + field + ": "));
    }
    const auto zero = run_process({cli, "availability", "-"}, R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-01",
      "weekly":{"mon":[["09:00","10:00"]]},"service":{"duration":30,"min_notice":0,"horizon":0}})");
    CHECK(zero.exit_code == 0);
}

TEST_CASE("an unknown key's error lists the valid keys") {
    const auto r = run_process({cli, "availability", "-"}, R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-01",
      "weekly":{"mon":[["09:00","10:00"]]},"service":{"duration":30,"segment":[]}})");
    CHECK(r.exit_code == 2);
    CHECK(r.err.starts_with("error: service.segment: unknown field; expected one of: duration, step,"));
    CHECK(r.err.find("segments, limits") != std::string::npos);
}

TEST_CASE("a version-2 scenario runs: past midnight, segments and limits") {
    const auto r = run_process({cli, "availability", "-"}, R"({"timezone":"UTC","from":"2026-06-05","to":"2026-06-05",
      "weekly":{"fri":[["23:00","25:30"]]},
      "bookings":[{"start":"2026-06-05T23:35:00Z","end":"2026-06-05T23:45:00Z"}],
      "service":{"duration":60,"step":30,"segments":[["busy",30],["free",20],["busy",10]],"limits":{"day":3}}})");
    CHECK(r.exit_code == 0);
    // 23:00 has the booking in its free part; 23:30 has it in its first busy
    // part; 00:00 and 00:30 spill past midnight.
    CHECK(r.out == R"({"slots":[{"start":"2026-06-05T23:00:00Z","end":"2026-06-06T00:00:00Z","remaining":1},)"
                   R"({"start":"2026-06-06T00:00:00Z","end":"2026-06-06T01:00:00Z","remaining":1},)"
                   R"({"start":"2026-06-06T00:30:00Z","end":"2026-06-06T01:30:00Z","remaining":1}]})" "\n");
}

TEST_CASE("explain names a busy segment over capacity and a reached limit") {
    const std::string colour = R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-08",
      "weekly":{"mon":[["09:00","12:00"]]},
      "bookings":[{"start":"2026-06-01T10:00:00Z","end":"2026-06-01T10:30:00Z"}],
      "service":{"duration":95,"step":15,"segments":[["busy",30],["free",45],["busy",20]],"limits":{"week":1}}})";
    const auto busy = run_process({cli, "availability", "-", "--explain", "2026-06-01T09:00:00Z"}, colour);
    CHECK(busy.exit_code == 0);
    CHECK(busy.out.find("not offered") != std::string::npos);
    CHECK(busy.out.find("segment busy: busy part 2 of 2 (10:15-10:35 with its buffers) is over capacity") !=
          std::string::npos);
    CHECK(busy.out.find("overlaps the booking 10:00-10:30") != std::string::npos);
    const auto limit = run_process({cli, "availability", "-", "--explain", "2026-06-02T09:00:00Z"}, colour);
    CHECK(limit.out.find("limit reached: the service takes at most 1 booking a week, and 1 booking already "
                         "starts in the week of 2026-06-01 to 2026-06-07") != std::string::npos);
    const auto next_week = run_process({cli, "availability", "-", "--explain", "2026-06-08T09:00:00Z"}, colour);
    CHECK(next_week.out.find("offered, 1 seat remaining") != std::string::npos);
}

TEST_CASE("an endless or oversized input is refused at the size limit without reading it all") {
    const auto r = run_process({cli, "availability", "/dev/zero"});
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "error: json: the document is more than the limit of 33554432 bytes\n");
}

TEST_CASE("a malformed document's error is one bounded line with the input escaped") {
    // A 5 MB string with a raw terminal escape in it, never closed.
    const auto r = run_process({cli, "availability", "-"},
                               "{\"timezone\":\"\x1b[31m" + std::string(5'000'000, 'A'));
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with(R"(error: json: line 1, column 14: control character in a string (escape it): "\"\u001b[31mAAA)"));
    CHECK(r.err.size() < 200);
    CHECK(r.err.find('\n') == r.err.size() - 1);
    CHECK(r.err.find('\x1b') == std::string::npos);
}

TEST_CASE("a duplicate key is refused naming it, where the last value used to win") {
    const auto r = run_process({cli, "availability", "-"}, R"({"timezone":"UTC","from":"2026-06-01","to":"2026-06-01",
      "weekly":{"mon":[["09:00","10:00"]]},"service":{"duration":30,"duration":5}})");
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "error: service.duration: duplicate key at line 2, column 69; first at line 2, column 55\n");
}
