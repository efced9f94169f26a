// No double booking under contention (DESIGN.md invariant 1): threads sharing
// one engine, threads with engines of their own, and separate processes race
// for the same slots of one SQLite file, each racer trying the starts in its
// own shuffled order, over back-to-back slots and over a buffered service
// whose neighbouring starts compete through their buffers. Every loser hears
// slot_unavailable (never storage_busy or storage_error) and lost a slot that
// has no room left, and a check of the file through the sqlite3 C API finds
// no overbooked instant. Concurrent retries of one request with one
// idempotency key all get the one booking.
#include "support/clinic_check.hpp"
#include "support/race_fixture.hpp"

#include <doctest/doctest.h>

#include <latch>
#include <thread>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

constexpr int racers = 8;
constexpr int slot_count = 25;

// Threads that each open a store (or share `shared`), wait at one latch, then
// try every slot. The latch also waits for `release()`, so a test can start
// them together with forked racers.
class ThreadRacers {
public:
    ThreadRacers(const RaceSetup& s, int n, std::shared_ptr<Engine> shared, std::string name = "thread")
        : start_(n + 1), results_(static_cast<std::size_t>(n)) {
        for (int i = 0; i < n; ++i) {
            threads_.emplace_back([this, &s, shared, i, name] {
                auto& out = results_[static_cast<std::size_t>(i)];
                const std::string who = name + "-" + std::to_string(i);
                std::optional<Engine> own;
                std::optional<TenantScope> scope;
                std::string failure;
                try {
                    Engine& engine =
                        shared ? *shared : own.emplace(open_sqlite({.path = s.path}), fixed_clock(at(race_now)));
                    scope.emplace(engine.scope({.tenant = s.tenant, .role = Role::customer, .subject = who}));
                } catch (const std::exception& e) {
                    failure = e.what();
                }
                start_.arrive_and_wait();  // even after a failure, or the others wait forever
                if (scope) {
                    out = race_for_slots(*scope, s, who);
                } else {
                    out.push_back({.error = "opening the store failed: " + failure});
                }
            });
        }
    }

    // Lets the threads go once all of them have opened their stores.
    void release() { start_.count_down(); }

    std::vector<std::vector<Attempt>> join() {
        for (auto& t : threads_) t.join();
        threads_.clear();
        return results_;
    }

    ~ThreadRacers() {
        if (!threads_.empty()) {
            release();
            (void)join();
        }
    }

private:
    std::latch start_;
    std::vector<std::vector<Attempt>> results_;
    std::vector<std::thread> threads_;
};

std::vector<std::vector<Attempt>> race_threads(const RaceSetup& s, bool shared_engine, bool rules_first = false) {
    std::shared_ptr<Engine> shared;
    if (shared_engine) {
        shared = std::make_shared<Engine>(open_sqlite({.path = s.path, .check_rules_before_lock = rules_first}),
                                          fixed_clock(at(race_now)));
    }
    ThreadRacers threads(s, racers, shared);
    threads.release();
    return threads.join();
}

// Forks `racers` children, each with its own store on the file. Call with no
// store of the file open in this process and no threads running.
ForkedRacers fork_racers(const RaceSetup& s, const std::filesystem::path& dir) {
    return ForkedRacers(racers, [&s, dir](int i) -> std::function<int()> {
        const std::string who = "process-" + std::to_string(i);
        auto engine = std::make_shared<Engine>(open_sqlite({.path = s.path}), fixed_clock(at(race_now)));
        auto scope = std::make_shared<TenantScope>(
            engine->scope({.tenant = s.tenant, .role = Role::customer, .subject = who}));
        const auto report = (dir / (who + ".txt")).string();
        return [engine, scope, &s, who, report] {
            write_attempts(report, race_for_slots(*scope, s, who));
            return 0;
        };
    });
}

// The children's reports, after checking that each exited cleanly.
std::vector<std::vector<Attempt>> collect(ForkedRacers& children, const std::filesystem::path& dir) {
    const auto codes = children.wait_all();
    std::vector<std::vector<Attempt>> out;
    for (int i = 0; i < racers; ++i) {
        CAPTURE(i);
        CHECK(codes[static_cast<std::size_t>(i)] == 0);
        auto attempts = read_attempts((dir / ("process-" + std::to_string(i) + ".txt")).string());
        CHECK_MESSAGE(attempts.has_value(), "process " << i << " left no complete report");
        out.push_back(attempts.value_or(std::vector<Attempt>{}));
    }
    return out;
}

std::vector<std::vector<Attempt>> race_processes(const RaceSetup& s, const std::filesystem::path& dir) {
    auto children = fork_racers(s, dir);
    CHECK(children.wait_ready());
    children.open_gate();
    return collect(children, dir);
}

// Processes and threads of this process, all released together.
std::vector<std::vector<Attempt>> race_processes_and_threads(const RaceSetup& s, const std::filesystem::path& dir) {
    auto children = fork_racers(s, dir);  // before this process opens the file or starts a thread
    CHECK(children.wait_ready());
    auto shared = std::make_shared<Engine>(open_sqlite({.path = s.path}), fixed_clock(at(race_now)));
    ThreadRacers threads(s, racers, shared);
    children.open_gate();
    threads.release();
    auto all = threads.join();
    for (auto& r : collect(children, dir)) all.push_back(std::move(r));
    return all;
}

}  // namespace

// Every race runs over both shapes of service; a few rounds each, since a
// window between check and insert shows only now and then.
RaceService race_shape() {
    RaceService shape;
    SUBCASE("back-to-back 30-minute slots") {}
    SUBCASE("a 45-minute service with 10-minute buffers, starts every 15 minutes") { shape = buffered_service; }
    return shape;
}

constexpr int rounds = 3;

// Threads of one engine race both ways a SQLite store can check a booking
// (`rules_first`): every rule inside the write lock (the default), or the
// rules first and only a confirmation inside the lock
// (check_rules_before_lock).

TEST_CASE("threads sharing one engine never overbook a single seat; the others get slot_unavailable") {
    const auto shape = race_shape();
    for (const bool rules_first : {false, true}) {
        CAPTURE(rules_first);
        for (int round = 0; round < rounds; ++round) {
            TempDir dir;
            const auto s = make_race_setup((dir.path / "race.db").string(), 1, slot_count, shape);
            check_race(s, race_threads(s, true, rules_first));
        }
    }
}

TEST_CASE("threads with an engine each on one file never overbook a single seat") {
    const auto shape = race_shape();
    for (int round = 0; round < rounds; ++round) {
        TempDir dir;
        const auto s = make_race_setup((dir.path / "race.db").string(), 1, slot_count, shape);
        check_race(s, race_threads(s, false));
    }
}

TEST_CASE("processes with a store each on one file never overbook a single seat") {
    const auto shape = race_shape();
    for (int round = 0; round < rounds; ++round) {
        TempDir dir;
        const auto s = make_race_setup((dir.path / "race.db").string(), 1, slot_count, shape);
        check_race(s, race_processes(s, dir.path));
    }
}

TEST_CASE("racers fill a three-seat resource to exactly three seats per slot and never beyond") {
    const auto shape = race_shape();
    TempDir dir;
    const auto s = make_race_setup((dir.path / "race.db").string(), 3, slot_count, shape);
    SUBCASE("threads sharing one engine") { check_race(s, race_threads(s, true)); }
    SUBCASE("threads with an engine each") { check_race(s, race_threads(s, false)); }
    SUBCASE("processes with a store each") { check_race(s, race_processes(s, dir.path)); }
    SUBCASE("processes and threads at once") { check_race(s, race_processes_and_threads(s, dir.path)); }
}

namespace {

// One customer's request, sent again and again at once with one key (a
// client retrying after timeouts, from several app servers).
BookingRequest retried_request(const RaceSetup& s, int round) {
    return {.service = s.service, .start = s.slots[static_cast<std::size_t>(round)], .resource = s.resource,
            .customer = {.name = "Retrier"}, .idempotency_key = "retry-" + std::to_string(round)};
}

// The booking id book() returned, or "error: …".
std::string retry_once(TenantScope& scope, const BookingRequest& r) {
    try {
        return scope.book(r).id.value;
    } catch (const Error& e) {
        return "error: " + std::string(to_string(e.code())) + ": " + e.what();
    } catch (const std::exception& e) {
        return std::string("error: ") + e.what();
    }
}

// Every answer is the same booking id, and the file holds that one booking.
void check_retries(const RaceSetup& s, const std::vector<std::string>& answers, std::size_t expected_bookings) {
    REQUIRE(!answers.empty());
    for (const auto& a : answers) CHECK_MESSAGE(a == answers.front(), "one retry answered " << a);
    CHECK_MESSAGE(answers.front().starts_with("bkg_"), answers.front());
    RawDb db(s.path);
    CHECK(stored_bookings(db).size() == expected_bookings);
}

}  // namespace

TEST_CASE("concurrent retries of one request with one idempotency key all get the one booking") {
    constexpr int retry_rounds = 6;
    TempDir dir;
    // One start per round, apart from each other's buffers.
    auto apart = buffered_service;
    apart.step = Minutes{90};
    const auto s = make_race_setup((dir.path / "race.db").string(), 3, retry_rounds, apart);
    SUBCASE("threads sharing one engine, and threads with an engine each") {
        for (const bool shared_engine : {true, false}) {
            CAPTURE(shared_engine);
            std::shared_ptr<Engine> shared;
            if (shared_engine) shared = std::make_shared<Engine>(open_sqlite({.path = s.path}), fixed_clock(at(race_now)));
            for (int round = shared_engine ? 0 : retry_rounds / 2; round < (shared_engine ? retry_rounds / 2 : retry_rounds);
                 ++round) {
                CAPTURE(round);
                std::vector<std::string> answers(2 * racers);
                std::latch start(2 * racers);
                std::vector<std::thread> threads;
                for (std::size_t i = 0; i < answers.size(); ++i) {
                    threads.emplace_back([&, i] {
                        std::optional<Engine> own;
                        Engine& engine = shared ? *shared : own.emplace(open_sqlite({.path = s.path}), fixed_clock(at(race_now)));
                        auto scope = engine.scope({.tenant = s.tenant, .role = Role::customer, .subject = "retrier"});
                        start.arrive_and_wait();
                        answers[i] = retry_once(scope, retried_request(s, round));
                    });
                }
                for (auto& t : threads) t.join();
                check_retries(s, answers, static_cast<std::size_t>(round + 1));
            }
        }
    }
    SUBCASE("processes with a store each") {
        for (int round = 0; round < retry_rounds; ++round) {
            CAPTURE(round);
            ForkedRacers children(racers, [&s, &dir, round](int i) -> std::function<int()> {
                auto engine = std::make_shared<Engine>(open_sqlite({.path = s.path}), fixed_clock(at(race_now)));
                auto scope = std::make_shared<TenantScope>(
                    engine->scope({.tenant = s.tenant, .role = Role::customer, .subject = "retrier"}));
                const auto report = (dir.path / ("retry-" + std::to_string(i) + ".txt")).string();
                return [engine, scope, &s, round, report] {
                    std::ofstream(report, std::ios::trunc) << one_line(retry_once(*scope, retried_request(s, round))) << "\n";
                    return 0;
                };
            });
            REQUIRE(children.wait_ready());
            children.open_gate();
            for (int code : children.wait_all()) CHECK(code == 0);
            std::vector<std::string> answers;
            for (int i = 0; i < racers; ++i) {
                std::ifstream in(dir.path / ("retry-" + std::to_string(i) + ".txt"));
                std::string line;
                CHECK(std::getline(in, line));
                answers.push_back(line);
            }
            check_retries(s, answers, static_cast<std::size_t>(round + 1));
        }
    }
}

// The first open creates the schema and switches the file to WAL. Openers
// that arrive together must wait for each other, not fail: `PRAGMA
// journal_mode = WAL` answers SQLITE_BUSY without calling the busy handler,
// and the schema check must not read half of another opener's migration.
TEST_CASE("processes and threads opening a brand-new file at once all get a working store") {
    constexpr int rounds = 10;
    static_assert(2 * racers == 16, "one tenant per opener");
    for (int round = 0; round < rounds; ++round) {
        CAPTURE(round);
        TempDir dir;
        const auto path = (dir.path / "new.db").string();
        const auto open_and_use = [&path](const std::string& who) -> std::string {
            try {
                Engine engine(open_sqlite({.path = path}), fixed_clock(at(race_now)));
                engine.create_tenant(who);
                return {};
            } catch (const Error& e) {
                return std::string(to_string(e.code())) + ": " + e.what();
            }
        };
        // Forked first: this process has not touched the file and runs no threads yet.
        ForkedRacers children(racers, [&](int i) -> std::function<int()> {
            const auto report = (dir.path / ("opener-" + std::to_string(i) + ".txt")).string();
            return [&, i, report] {
                std::ofstream(report) << open_and_use("process " + std::to_string(i)) << "\n";
                return 0;
            };
        });
        REQUIRE(children.wait_ready());
        std::latch start(racers + 1);
        std::vector<std::string> thread_errors(racers);
        std::vector<std::thread> threads;
        for (int i = 0; i < racers; ++i) {
            threads.emplace_back([&, i] {
                start.arrive_and_wait();
                thread_errors[static_cast<std::size_t>(i)] = open_and_use("thread " + std::to_string(i));
            });
        }
        children.open_gate();
        start.count_down();
        for (auto& t : threads) t.join();
        for (const auto& e : thread_errors) CHECK_MESSAGE(e.empty(), "a thread's open failed: " << e);
        for (int code : children.wait_all()) CHECK(code == 0);
        for (int i = 0; i < racers; ++i) {
            std::ifstream in(dir.path / ("opener-" + std::to_string(i) + ".txt"));
            std::string e;
            REQUIRE(std::getline(in, e));
            CHECK_MESSAGE(e.empty(), "a process's open failed: " << e);
        }
        RawDb db(path);
        CHECK(integrity_check(db) == "ok");
        CHECK(db.rows("PRAGMA journal_mode") == std::vector<std::vector<std::string>>{{"wal"}});
        CHECK(db.rows("SELECT count(*) FROM tenants") == std::vector<std::vector<std::string>>{{"16"}});
    }
}

TEST_CASE("the overbooking check sees a booking planted past the capacity") {
    // The race checks are only as good as this query: plant a second booking
    // on a taken single-seat slot behind the adapter's back and expect it found.
    TempDir dir;
    const auto s = make_race_setup((dir.path / "race.db").string(), 1, 2);
    {
        Engine engine(open_sqlite({.path = s.path}), fixed_clock(at(race_now)));
        auto c = engine.scope({.tenant = s.tenant, .role = Role::customer, .subject = "ada"});
        c.book({.service = s.service, .start = s.slots[0], .resource = s.resource, .customer = {.name = "Ada"}});
        c.book({.service = s.service, .start = s.slots[1], .resource = s.resource, .customer = {.name = "Ada"}});
    }
    {
        RawDb db(s.path);
        CHECK(overbooked_instants(db, at(race_now)).empty());
    }
    // 08:50-09:20 against 09:00-09:30: two seats taken from 09:00, on one seat.
    plant_copy_of_first_booking(s.path, -10 * 60);
    RawDb db(s.path);
    const auto over = overbooked_instants(db, at(race_now));
    REQUIRE(over.size() == 1);
    CHECK(over[0] == s.resource.value + " at " + std::to_string(s.slots[0].time_since_epoch().count()) + ": 2 > 1");
}

// --- a doctor and a room at once --------------------------------------------

namespace {

// A clinic on one file: doctors and rooms open 09:00-17:00 UTC every day; a
// check-up (45 minutes, 10-minute buffers, every 15 minutes) needs a doctor
// and a room; a talk needs Doctor A alone and a scan Room A alone, so that a
// booking holding only one of its two would collide with them.
struct ClinicRace {
    std::string path{};
    TenantId tenant{};
    ResourceGroups groups{};  // doctors, rooms
    ServiceId checkup{}, talk{}, scan{};
    std::vector<Instant> starts{};
};

ClinicRace make_clinic_race(const std::string& path) {
    ClinicRace c{.path = path};
    Engine engine(open_sqlite({.path = path}), fixed_clock(at(race_now)));
    c.tenant = engine.create_tenant("Race Clinic").id;
    auto admin = engine.scope({.tenant = c.tenant, .role = Role::admin, .subject = "owner"});
    WeeklyHours week;
    for (auto& d : week.days) d = {{Minutes{9 * 60}, Minutes{17 * 60}}};
    c.groups.resize(2);
    for (const char* name : {"Doctor A", "Doctor B"}) {
        const auto r = admin.create_resource({.name = name, .timezone = "Etc/UTC"});
        admin.set_weekly_hours(r.id, week);
        c.groups[0].push_back(r.id);
    }
    for (const char* name : {"Room A", "Room B"}) {
        const auto r = admin.create_resource({.name = name, .kind = ResourceKind::room, .timezone = "Etc/UTC"});
        admin.set_weekly_hours(r.id, week);
        c.groups[1].push_back(r.id);
    }
    const NewService shape{.duration = Minutes{45}, .step = Minutes{15}, .buffer_before = Minutes{10},
                           .buffer_after = Minutes{10}};
    auto checkup = shape;
    checkup.name = "Check-up";
    checkup.resource_groups = c.groups;
    c.checkup = admin.create_service(checkup).id;
    auto talk = shape;
    talk.name = "Talk";
    talk.resources = {c.groups[0][0]};
    c.talk = admin.create_service(talk).id;
    auto scan = shape;
    scan.name = "Scan";
    scan.resources = {c.groups[1][0]};
    c.scan = admin.create_service(scan).id;
    // A day of starts: 09:00 .. 16:15.
    for (Instant t = at("2030-01-07T09:00:00Z"); t + Minutes{45} <= at("2030-01-07T17:00:00Z"); t += Minutes{15}) {
        c.starts.push_back(t);
    }
    return c;
}

// Tries every start of the day in its own shuffled order, each time one of
// the three services (a check-up pinned to a doctor and a room one time in
// three); one line per attempt: "won", "lost" or "failed: why".
std::vector<std::string> race_clinic(TenantScope& scope, const ClinicRace& c, const std::string& who) {
    std::mt19937 rng(race_seed() ^ static_cast<unsigned>(std::hash<std::string>{}(who)));
    std::vector<std::size_t> order(c.starts.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::string> out;
    for (const std::size_t i : order) {
        BookingRequest r{.start = c.starts[i], .customer = {.name = who}};
        switch (rng() % 6) {
            case 0: r.service = c.talk; break;
            case 1: r.service = c.scan; break;
            case 2:
            case 3: r.service = c.checkup; break;
            default:
                r.service = c.checkup;
                r.resources = {c.groups[0][rng() % 2], c.groups[1][rng() % 2]};
        }
        try {
            scope.book(r);
            out.push_back("won");
        } catch (const Error& e) {
            out.push_back(e.code() == Errc::slot_unavailable ? "lost"
                                                             : "failed: " + std::string(to_string(e.code())) + ": " + e.what());
        } catch (const std::exception& e) {
            out.push_back(std::string("failed: ") + e.what());
        }
    }
    return out;
}

// Reads the file behind the adapter's back: every active booking holds one
// resource of each of its service's groups and nothing else (and the holds
// table says the same), and no two active bookings that share a resource
// overlap there, buffers included. Returns what is wrong, one line each, and
// counts the active bookings into `active`.
std::vector<std::string> clinic_problems(const ClinicRace& c, std::size_t& active) {
    RawDb db(c.path);
    std::vector<std::string> problems;
    if (integrity_check(db) != "ok") problems.push_back("integrity: " + integrity_check(db));
    std::vector<ClinicRow> rows;
    for (const auto& r : db.rows("SELECT booking_id, service_id, resource_id, other_resources, occ_start, occ_end"
                                 " FROM bookings WHERE status = 'confirmed'")) {
        rows.push_back({r[0], r[1], held_by_row(r[2], r[3]), std::stoll(r[4]), std::stoll(r[5])});
    }
    active = rows.size();
    for (const auto& b : rows) {
        // What capacity checks read agrees with the booking row.
        std::vector<std::string> holds;
        for (const auto& h : db.rows("SELECT resource_id, occ_start, occ_end FROM booking_holds WHERE booking_id = '" +
                                     b.id + "' ORDER BY part")) {
            holds.push_back(h[0]);
            if (std::stoll(h[1]) != b.occ_start || std::stoll(h[2]) != b.occ_end) {
                problems.push_back(b.id + ": a hold's interval differs from the booking's");
            }
        }
        if (holds != b.held) problems.push_back(b.id + ": its holds differ from its row");
    }
    for (auto& p : clinic_row_problems(rows, c.checkup, c.talk, c.groups)) problems.push_back(std::move(p));
    return problems;
}

}  // namespace

TEST_CASE("eight processes booking a doctor and a room over a day never share a resource, never hold part of a booking") {
    for (int round = 0; round < 2; ++round) {
        CAPTURE(round);
        TempDir dir;
        const auto c = make_clinic_race((dir.path / "clinic.db").string());
        ForkedRacers children(racers, [&c, &dir](int i) -> std::function<int()> {
            const std::string who = "process-" + std::to_string(i);
            auto engine = std::make_shared<Engine>(open_sqlite({.path = c.path}), fixed_clock(at(race_now)));
            auto scope = std::make_shared<TenantScope>(
                engine->scope({.tenant = c.tenant, .role = Role::customer, .subject = who}));
            const auto report = (dir.path / (who + ".txt")).string();
            return [engine, scope, &c, who, report] {
                std::ofstream out(report, std::ios::trunc);
                for (const auto& line : race_clinic(*scope, c, who)) out << one_line(line) << "\n";
                out << "end\n";
                return 0;
            };
        });
        REQUIRE(children.wait_ready());
        children.open_gate();
        for (int code : children.wait_all()) CHECK(code == 0);
        std::size_t won = 0;
        for (int i = 0; i < racers; ++i) {
            std::ifstream in(dir.path / ("process-" + std::to_string(i) + ".txt"));
            std::string line;
            bool ended = false;
            while (std::getline(in, line)) {
                if (line == "end") ended = true;
                else if (line == "won") ++won;
                else if (line != "lost") FAIL_CHECK("process " << i << ": " << line);
            }
            CHECK_MESSAGE(ended, "process " << i << " left no complete report");
        }
        std::size_t active = 0;
        for (const auto& p : clinic_problems(c, active)) FAIL_CHECK(p);
        CHECK(active == won);
        // The day was contended: a start was lost for every one won, at least.
        CHECK(won > 0);
        CHECK(won < racers * c.starts.size());
        MESSAGE("seed " << race_seed() << ": " << won << " bookings won of " << racers * c.starts.size() << " attempts");
    }
}

TEST_CASE("the double-booking check of the clinic race sees a room held twice, planted behind the engine's back") {
    TempDir dir;
    const auto c = make_clinic_race((dir.path / "clinic.db").string());
    {
        Engine engine(open_sqlite({.path = c.path}), fixed_clock(at(race_now)));
        auto scope = engine.scope({.tenant = c.tenant, .role = Role::customer, .subject = "ada"});
        scope.book({.service = c.checkup, .start = c.starts[0], .resources = {c.groups[0][0], c.groups[1][0]},
                    .customer = {.name = "Ada"}});
        scope.book({.service = c.checkup, .start = c.starts[0], .resources = {c.groups[0][1], c.groups[1][1]},
                    .customer = {.name = "Bob"}});
    }
    std::size_t active = 0;
    CHECK(clinic_problems(c, active).empty());
    CHECK(active == 2);
    // Bob's room becomes Ada's, in the row and in its holds.
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open_v2(c.path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
        const auto room = c.groups[1][0].value;
        const std::string sql = "UPDATE bookings SET other_resources = '" + std::to_string(room.size()) + ":" + room +
                                "' WHERE customer_name = 'Bob'; UPDATE booking_holds SET resource_id = '" + room +
                                "' WHERE part = 1 AND booking_id = (SELECT booking_id FROM bookings WHERE customer_name = 'Bob');";
        CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    const auto problems = clinic_problems(c, active);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].starts_with("double booked: "));
    CHECK(problems[0].ends_with(" share " + c.groups[1][0].value));
}

TEST_CASE("eight threads sharing one engine booking a doctor and a room never share a resource either") {
    for (const bool rules_first : {false, true}) {
        CAPTURE(rules_first);
        TempDir dir;
        const auto c = make_clinic_race((dir.path / "clinic.db").string());
        Engine engine(open_sqlite({.path = c.path, .check_rules_before_lock = rules_first}), fixed_clock(at(race_now)));
        std::vector<std::vector<std::string>> answers(racers);
        std::latch start(racers);
        std::vector<std::thread> threads;
        for (int i = 0; i < racers; ++i) {
            threads.emplace_back([&, i] {
                const std::string who = "thread-" + std::to_string(i);
                auto scope = engine.scope({.tenant = c.tenant, .role = Role::customer, .subject = who});
                start.arrive_and_wait();
                answers[static_cast<std::size_t>(i)] = race_clinic(scope, c, who);
            });
        }
        for (auto& t : threads) t.join();
        const std::size_t won = count_wins(answers);
        std::size_t active = 0;
        for (const auto& p : clinic_problems(c, active)) FAIL_CHECK(p);
        CHECK(active == won);
        CHECK(won > 0);
    }
}
