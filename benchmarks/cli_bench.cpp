// benchmarks/cli_bench.cpp — `slotwise availability FILE.json` end to end,
// beside what the command cannot avoid doing.
//
// The scenario: one resource in Europe/Rome for the whole of 2026, weekdays
// 09:00–18:00, capacity 3, a 30-minute service on a 15-minute grid and
// 10,000 bookings (about 0.7 MB of JSON), written to a temporary file.
//
//  whole_command  slotwise::cli::run({"availability", FILE}): reads the file,
//                 parses and validates the scenario, computes and prints —
//                 the code path of the `slotwise` binary, output to a sink;
//  baseline       reads the same file the same way, computes the slots of
//                 the scenario parsed beforehand and prints them: the
//                 command minus parsing;
//  parse_scenario parse_scenario alone;
//  check_json     check_json alone (what the Stripe adapter runs before
//                 handing a webhook to nlohmann);
//  nlohmann_tree  nlohmann::json::parse alone: the tree the reader built
//                 before, without any of the scenario's checks.
//
// Before timing, the whole command's output must equal the baseline's, or the
// run aborts. At the end the run prints whole_command / baseline (the target:
// within 2×) and the share of the command spent parsing.
//
// Usage: cli_bench [--benchmark_filter=REGEX] [--benchmark_min_time=SECONDS]
#include "availability_command.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "recording_reporter.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <streambuf>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

// Discards what it is given, as fast as a stream allows.
class NullBuffer : public std::streambuf {
protected:
    int_type overflow(int_type c) override { return traits_type::not_eof(c); }
    std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

std::string year_scenario() {
    using namespace std::chrono_literals;
    const auto zone = slotwise::locate_zone("Europe/Rome");
    std::vector<slotwise::Instant> starts;
    std::mt19937 rng(20260101);
    std::vector<date::sys_days> weekdays;
    for (auto d = date::sys_days{date::year{2026} / 1 / 1}; d <= date::sys_days{date::year{2026} / 12 / 31};
         d += date::days{1}) {
        if (date::weekday{d}.iso_encoding() <= 5) weekdays.push_back(d);
    }
    std::uniform_int_distribution<std::size_t> pick_day(0, weekdays.size() - 1);
    std::uniform_int_distribution<int> pick_minute(0, (17 * 60 + 30 - 9 * 60) / 5);
    for (int i = 0; i < 10'000; ++i) {
        const auto day = weekdays[pick_day(rng)];
        starts.push_back(slotwise::to_utc(zone, slotwise::Date{day}, slotwise::Minutes{9 * 60 + 5 * pick_minute(rng)}));
    }
    std::sort(starts.begin(), starts.end());
    std::string text = R"({"timezone":"Europe/Rome","from":"2026-01-01","to":"2026-12-31","capacity":3,)"
                       R"("weekly":{"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],)"
                       R"("thu":[["09:00","18:00"]],"fri":[["09:00","18:00"]]},)"
                       "\n" R"("bookings":[)";
    for (std::size_t i = 0; i < starts.size(); ++i) {
        text += i == 0 ? "\n" : ",\n";
        text += R"({"start":")" + slotwise::format_instant(starts[i]) + R"(","end":")" +
                slotwise::format_instant(starts[i] + 30min) + R"(","seats":1})";
    }
    text += "],\n" R"("service":{"duration":30,"step":15}})" "\n";
    return text;
}

struct Fixture {
    std::string text = year_scenario();
    std::string path;
    slotwise::Scenario scenario;

    Fixture() {
        char name[] = "/tmp/slotwise-cli-bench-XXXXXX";
        const int fd = mkstemp(name);
        if (fd < 0) {
            std::perror("mkstemp");
            std::exit(1);
        }
        close(fd);
        path = name;
        std::ofstream(path, std::ios::binary) << text;
        scenario = slotwise::parse_scenario(text);
    }
    ~Fixture() { std::remove(path.c_str()); }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

int run_command(std::ostream& out) {
    std::ostringstream err;
    const std::vector<std::string_view> args{"availability", fixture().path};
    return slotwise::cli::run(args, out, err);
}

// The command minus parsing: read, compute the pre-parsed scenario, print.
int run_baseline(std::ostream& out) {
    const auto input = slotwise::cli::read_input(fixture().path, slotwise::scenario_json_limits.max_bytes);
    benchmark::DoNotOptimize(input.text.data());
    if (!input.error.empty()) return 2;
    const auto rendered = slotwise::slots_to_text(slotwise::evaluate(fixture().scenario));
    out << rendered << std::flush;
    return out ? 0 : 1;
}

void BM_whole_command(benchmark::State& state) {
    NullBuffer sink;
    std::ostream out(&sink);
    for (auto _ : state) {
        if (run_command(out) != 0) state.SkipWithError("the command failed");
    }
    state.counters["bytes"] = static_cast<double>(fixture().text.size());
}
BENCHMARK(BM_whole_command)->Name("cli/whole_command")->Unit(benchmark::kMillisecond);

void BM_baseline(benchmark::State& state) {
    NullBuffer sink;
    std::ostream out(&sink);
    for (auto _ : state) {
        if (run_baseline(out) != 0) state.SkipWithError("the baseline failed");
    }
}
BENCHMARK(BM_baseline)->Name("cli/baseline")->Unit(benchmark::kMillisecond);

void BM_parse_scenario(benchmark::State& state) {
    for (auto _ : state) {
        auto sc = slotwise::parse_scenario(fixture().text);
        benchmark::DoNotOptimize(sc.bookings.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * fixture().text.size()));
}
BENCHMARK(BM_parse_scenario)->Name("cli/parse_scenario")->Unit(benchmark::kMillisecond);

void BM_check_json(benchmark::State& state) {
    for (auto _ : state) slotwise::check_json(fixture().text, slotwise::scenario_json_limits);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * fixture().text.size()));
}
BENCHMARK(BM_check_json)->Name("cli/check_json")->Unit(benchmark::kMillisecond);

void BM_nlohmann_tree(benchmark::State& state) {
    for (auto _ : state) {
        auto doc = nlohmann::json::parse(fixture().text);
        benchmark::DoNotOptimize(doc.size());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * fixture().text.size()));
}
BENCHMARK(BM_nlohmann_tree)->Name("cli/nlohmann_tree")->Unit(benchmark::kMillisecond);

using slotwise::bench::RecordingReporter;

void print_summary(const RecordingReporter& reporter) {
    std::FILE* out = reporter.console() ? stdout : stderr;
    const auto* whole = reporter.find("cli/whole_command");
    const auto* base = reporter.find("cli/baseline");
    const auto* parse = reporter.find("cli/parse_scenario");
    const auto* tree = reporter.find("cli/nlohmann_tree");
    std::fprintf(out, "\n%zu bytes, %zu bookings, %zu slots\n", fixture().text.size(), fixture().scenario.bookings.size(),
                 slotwise::evaluate(fixture().scenario).size());
    if (whole && base) {
        std::fprintf(out, "whole command %.3f ms, baseline (read + compute + print) %.3f ms: ratio %.2f× (target <= 2×)\n",
                     whole->real_ns / 1e6, base->real_ns / 1e6, whole->real_ns / base->real_ns);
    } else {
        std::fprintf(out, "ratio whole_command / baseline: n/a (run both)\n");
    }
    if (whole && parse) {
        std::fprintf(out, "parse_scenario %.3f ms: %.0f%% of the whole command\n", parse->real_ns / 1e6,
                     100.0 * parse->real_ns / whole->real_ns);
    }
    if (parse && tree) {
        std::fprintf(out, "nlohmann tree alone %.3f ms: %.1f× parse_scenario (which also validates)\n",
                     tree->real_ns / 1e6, tree->real_ns / parse->real_ns);
    }
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    // The command must print what the baseline prints, or the comparison is void.
    std::ostringstream command_out, baseline_out;
    if (run_command(command_out) != 0 || run_baseline(baseline_out) != 0 || command_out.str() != baseline_out.str() ||
        command_out.str().size() < 1000) {
        std::fprintf(stderr, "MISMATCH: the command and the baseline print different slots\n");
        return 1;
    }
    RecordingReporter reporter(benchmark::CreateDefaultDisplayReporter());
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_summary(reporter);
    benchmark::Shutdown();
    return 0;
}
