// The HTTP API's overhead: availability and book over loopback HTTP (one
// keep-alive connection, cpp-httplib's client) beside the same calls made
// in-process on the same engine and SQLite file. Bounded: a fixed number of
// iterations each. Prints requests/s and p99 of each, and the ratio HTTP /
// in-process.
#include "recording_reporter.hpp"

#include <slotwise/api_keys.hpp>
#include <slotwise/http.hpp>
#include <slotwise/sqlite.hpp>

#include <benchmark/benchmark.h>
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace {

using namespace slotwise;

struct Fixture {
    std::string path = (std::filesystem::temp_directory_path() / ("slotwise-http-bench-" + std::to_string(getpid()) + ".db")).string();
    std::shared_ptr<Store> store = open_sqlite({.path = path});
    Engine engine{store};
    Tenant tenant = engine.create_tenant("Bench");
    std::string key = create_api_key(engine, {.tenant = tenant.id, .role = Role::admin}).secret;
    TenantScope admin = engine.scope({.tenant = tenant.id, .role = Role::admin, .subject = "bench"});
    Resource room = admin.create_resource({.name = "Hall", .timezone = "Europe/Rome", .capacity = 1'000'000});
    Service service = [&] {
        WeeklyHours w;
        for (auto& d : w.days) d = {{Minutes{8 * 60}, Minutes{20 * 60}}};
        admin.set_weekly_hours(room.id, w);
        return admin.create_service({.name = "Class", .duration = Minutes{30}, .resources = {room.id}});
    }();
    Date day = Date{std::chrono::floor<date::days>(std::chrono::system_clock::now()) + date::days{7}};
    Instant start = to_utc(locate_zone("Europe/Rome"), day, Minutes{10 * 60});
    HttpServer server{engine, {.threads = 4,
                               .per_address = {.burst = 1'000'000, .refill_every = std::chrono::milliseconds{1}},
                               .per_key = {.burst = 1'000'000, .refill_every = std::chrono::milliseconds{1}}}};
    int port = server.start();
    ~Fixture() {
        server.stop();
        std::filesystem::remove(path);
        std::filesystem::remove(path + "-wal");
        std::filesystem::remove(path + "-shm");
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

std::map<std::string, double>& p99s() {
    static std::map<std::string, double> m;
    return m;
}

template <class F>
void timed(benchmark::State& state, const char* name, F&& call) {
    std::vector<double> us;
    us.reserve(static_cast<std::size_t>(state.max_iterations));
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        call();
        us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(us.begin(), us.end());
    const double p99 = us.empty() ? 0 : us[std::min(us.size() - 1, us.size() * 99 / 100)];
    state.counters["p99_us"] = p99;
    p99s()[name] = p99;
}

void BM_inprocess_availability(benchmark::State& state) {
    auto& f = fixture();
    timed(state, "BM_inprocess_availability", [&] {
        auto slots = f.admin.availability({.service = f.service.id, .from = f.day, .to = f.day});
        if (slots.size() != 24) state.SkipWithError("unexpected slots");
        benchmark::DoNotOptimize(slots);
    });
}

void BM_http_availability(benchmark::State& state) {
    auto& f = fixture();
    httplib::Client c("127.0.0.1", f.port);
    c.set_keep_alive(true);
    c.set_tcp_nodelay(true);
    const httplib::Headers h{{"Authorization", "Bearer " + f.key}};
    const auto path = "/v1/availability?service=" + f.service.id.value + "&from=" + format_date(f.day) +
                      "&to=" + format_date(f.day);
    timed(state, "BM_http_availability", [&] {
        auto r = c.Get(path.c_str(), h);
        if (!r || r->status != 200) state.SkipWithError("request failed");
        benchmark::DoNotOptimize(r->body);
    });
}

void BM_inprocess_book(benchmark::State& state) {
    auto& f = fixture();
    timed(state, "BM_inprocess_book", [&] {
        benchmark::DoNotOptimize(f.admin.book({.service = f.service.id, .start = f.start, .customer = {.name = "Ada"}}));
    });
}

void BM_http_book(benchmark::State& state) {
    auto& f = fixture();
    httplib::Client c("127.0.0.1", f.port);
    c.set_keep_alive(true);
    c.set_tcp_nodelay(true);
    const httplib::Headers h{{"Authorization", "Bearer " + f.key}};
    const auto body = R"({"service":")" + f.service.id.value + R"(","start":")" + format_instant(f.start) +
                      R"(","customer":{"name":"Ada"}})";
    timed(state, "BM_http_book", [&] {
        auto r = c.Post("/v1/bookings", h, body, "application/json");
        if (!r || r->status != 201) state.SkipWithError("request failed");
    });
}

BENCHMARK(BM_inprocess_availability)->Iterations(2000)->UseRealTime();
BENCHMARK(BM_http_availability)->Iterations(2000)->UseRealTime();
BENCHMARK(BM_inprocess_book)->Iterations(1000)->UseRealTime();
BENCHMARK(BM_http_book)->Iterations(1000)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    slotwise::bench::RecordingReporter reporter(benchmark::CreateDefaultDisplayReporter());
    benchmark::RunSpecifiedBenchmarks(&reporter);
    for (const char* what : {"availability", "book"}) {
        const auto* http = reporter.find(std::string("BM_http_") + what);
        const auto* in = reporter.find(std::string("BM_inprocess_") + what);
        if (http && in && in->real_ns > 0) {
            std::printf("%s: HTTP %.0f req/s (p99 %.0f us), in-process %.0f calls/s (p99 %.0f us): ratio %.2f\n", what,
                        1e9 / http->real_ns, p99s()[std::string("BM_http_") + what], 1e9 / in->real_ns,
                        p99s()[std::string("BM_inprocess_") + what], http->real_ns / in->real_ns);
        }
    }
    benchmark::Shutdown();
    return 0;
}
