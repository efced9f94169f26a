// Helpers for tests that race many threads and processes for the same slots
// of one SQLite file, and for tests that kill a writer mid-flight: a booking
// setup written once to the file, racers that record what each attempt
// answered, a start gate for forked children, and checks that read the file
// with the sqlite3 C API directly (read-only), independent of the adapter.
//
// Forking rules these helpers keep: a child is forked while the parent holds
// no connection to the file and runs no threads; the child opens its own
// store, never runs doctest assertions, reports through a file or a pipe and
// leaves with _exit.
#pragma once

#include "support/engine_fixture.hpp"

#include <slotwise/engine.hpp>
#include <slotwise/sqlite.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace slotwise::test {

// The clock every racer uses: notice and horizon never depend on when the
// test runs.
inline constexpr const char* race_now = "2030-01-01T00:00:00Z";

inline Clock fixed_clock(Instant t) {
    return [t] { return t; };
}

// What a race is about, written to the file before any racer starts.
struct RaceSetup {
    std::string path{};
    TenantId tenant{};
    ResourceId resource{};
    ServiceId service{};
    int capacity = 1;
    Minutes duration{30};
    Minutes buffer_before{0};
    Minutes buffer_after{0};
    std::vector<Instant> slots{};  // the starts everybody races for, ascending

    /// What booking slot `i` occupies, buffers included.
    std::pair<std::int64_t, std::int64_t> occupied(std::size_t i) const {
        const auto t = slots[i].time_since_epoch().count();
        return {t - std::chrono::seconds(buffer_before).count(),
                t + std::chrono::seconds(duration + buffer_after).count()};
    }
    /// Whether two slots' occupied intervals overlap (so they compete).
    bool slots_overlap() const { return buffer_before + buffer_after > Minutes{0} || step < duration; }
    Minutes step{0};  ///< between consecutive raced starts
};

/// The service a race is run with.
struct RaceService {
    Minutes duration{30};
    Minutes buffer_before{0};
    Minutes buffer_after{0};
    Minutes step{0};  ///< between the raced starts (and the service's step); 0 = duration
};

/// The shape every race is run with beside plain back-to-back slots: a
/// 45-minute service with a 10-minute buffer each side, offered every 15
/// minutes, so each start competes with its neighbours through its buffers.
inline constexpr RaceService buffered_service{.duration = Minutes{45}, .buffer_before = Minutes{10},
                                              .buffer_after = Minutes{10}, .step = Minutes{15}};

// Creates a tenant, a UTC resource with `capacity` seats open 00:00-24:00
// every day, and a free service of `duration` on the file at `path`, then
// closes the store. `slots` consecutive starts from 2030-01-07 09:00 UTC are
// the race's prizes.
inline RaceSetup make_race_setup(const std::string& path, int capacity, int slots, RaceService shape) {
    const Minutes duration = shape.duration;
    const Minutes step = shape.step > Minutes{0} ? shape.step : duration;
    RaceSetup s{.path = path, .capacity = capacity, .duration = duration, .buffer_before = shape.buffer_before,
                .buffer_after = shape.buffer_after, .step = step};
    Engine engine(open_sqlite({.path = path}), fixed_clock(at(race_now)));
    const auto tenant = engine.create_tenant("Race Club");
    auto admin = engine.scope({.tenant = tenant.id, .role = Role::admin, .subject = "owner"});
    const auto court = admin.create_resource(
        {.name = "Court", .kind = ResourceKind::room, .timezone = "Etc/UTC", .capacity = capacity});
    WeeklyHours week;
    for (auto& d : week.days) d = {{Minutes{0}, Minutes{24 * 60}}};
    admin.set_weekly_hours(court.id, week);
    const auto svc = admin.create_service({.name = "Match", .duration = duration, .step = step,
                                           .buffer_before = shape.buffer_before, .buffer_after = shape.buffer_after,
                                           .resources = {court.id}});
    s.tenant = tenant.id;
    s.resource = court.id;
    s.service = svc.id;
    const Instant first = at("2030-01-07T09:00:00Z");
    for (int i = 0; i < slots; ++i) s.slots.push_back(first + i * step);
    return s;
}

inline RaceSetup make_race_setup(const std::string& path, int capacity, int slots, Minutes duration = Minutes{30}) {
    return make_race_setup(path, capacity, slots, RaceService{.duration = duration});
}

// The seed racers shuffle their order of starts with (printed by the tests,
// settable with SLOTWISE_RACE_SEED to replay one run).
inline unsigned race_seed() {
    static const unsigned seed = [] {
        if (const char* env = std::getenv("SLOTWISE_RACE_SEED")) {
            return static_cast<unsigned>(std::strtoul(env, nullptr, 10));
        }
        return static_cast<unsigned>(std::random_device{}());
    }();
    return seed;
}

// What one book() call answered.
struct Attempt {
    enum class Outcome { won, lost, failed };
    std::size_t slot = 0;
    Outcome outcome = Outcome::failed;
    std::string booking{};  // won: the booking id
    std::string error{};    // failed: "code: message"
};

// Tries every slot once as customer `who`, in an order shuffled by `seed`
// (each racer its own: racers that all went in one order would meet at one
// slot at a time and hide a window between check and insert). Never throws:
// an unexpected failure is recorded as `failed` for the checks to report.
inline std::vector<Attempt> race_for_slots(TenantScope& scope, const RaceSetup& s, const std::string& who,
                                           unsigned seed = race_seed()) {
    std::vector<std::size_t> order(s.slots.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::mt19937 rng(seed ^ static_cast<unsigned>(std::hash<std::string>{}(who)));
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<Attempt> out;
    for (const std::size_t i : order) {
        Attempt a{.slot = i};
        try {
            const auto b = scope.book(
                {.service = s.service, .start = s.slots[i], .resource = s.resource, .customer = {.name = who}});
            a.outcome = Attempt::Outcome::won;
            a.booking = b.id.value;
        } catch (const Error& e) {
            if (e.code() == Errc::slot_unavailable) {
                a.outcome = Attempt::Outcome::lost;
            } else {
                a.error = std::string(to_string(e.code())) + ": " + e.what();
            }
        } catch (const std::exception& e) {
            a.error = std::string("std::exception: ") + e.what();
        }
        out.push_back(std::move(a));
    }
    return out;
}

// One line per attempt, so a child can hand its results to the parent.
inline std::string one_line(std::string s) {
    for (auto& c : s) {
        if (c == '\n' || c == '\t') c = ' ';
    }
    return s;
}

inline void write_attempts(const std::string& file, const std::vector<Attempt>& attempts) {
    std::ofstream out(file, std::ios::trunc);
    for (const auto& a : attempts) {
        out << a.slot << '\t' << static_cast<int>(a.outcome) << '\t' << one_line(a.booking) << '\t'
            << one_line(a.error) << '\n';
    }
    out << "end\n";  // a truncated file is not a complete report
}

// Reads what write_attempts wrote; nullopt when the file is missing or cut short.
inline std::optional<std::vector<Attempt>> read_attempts(const std::string& file) {
    std::ifstream in(file);
    std::vector<Attempt> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line == "end") return out;
        std::istringstream fields(line);
        std::string slot, outcome, booking, error;
        std::getline(fields, slot, '\t');
        std::getline(fields, outcome, '\t');
        std::getline(fields, booking, '\t');
        std::getline(fields, error);
        out.push_back({.slot = std::stoul(slot), .outcome = static_cast<Attempt::Outcome>(std::stoi(outcome)),
                       .booking = booking, .error = error});
    }
    return std::nullopt;
}

// Forked children that open their stores, say they are ready, and all start
// at once when the parent opens the gate. Fork them while this process holds
// no connection to the file and runs no threads.
class ForkedRacers {
public:
    // Forks `n` children. Child i runs `prepare(i)` (open the store there),
    // says ready, waits for the gate, then runs the function `prepare`
    // returned and exits with its result (127 when anything threw).
    ForkedRacers(int n, const std::function<std::function<int()>(int)>& prepare) {
        if (pipe(ready_) != 0) throw std::runtime_error("pipe failed");
        if (pipe(go_) != 0) {
            close_all();
            throw std::runtime_error("pipe failed");
        }
        for (int i = 0; i < n; ++i) {
            const pid_t pid = fork();
            if (pid < 0) {
                for (pid_t child : children_) kill(child, SIGKILL);
                (void)wait_all();
                close_all();
                throw std::runtime_error("fork failed");
            }
            if (pid == 0) run_child(i, prepare);  // never returns
            children_.push_back(pid);
        }
        close_fd(ready_[1]);
        close_fd(go_[0]);
    }

    // Waits until every child is ready (or gone). True when all said ready.
    bool wait_ready() {
        std::size_t ready = 0;
        char c = 0;
        ssize_t n = 0;
        // Each child closes its write end after its one byte, so EOF comes
        // once every child has either said ready or died.
        while ((n = read(ready_[0], &c, 1)) == 1 || (n < 0 && errno == EINTR)) {
            if (n == 1) ++ready;
        }
        return ready == children_.size();
    }

    // Lets every child go (their reads of the gate see EOF).
    void open_gate() { close_fd(go_[1]); }

    // Waits for every child; their exit codes (128 + signal when killed).
    std::vector<int> wait_all() {
        open_gate();
        std::vector<int> codes;
        for (pid_t pid : children_) {
            int status = 0;
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
        children_.clear();
        return codes;
    }

    ~ForkedRacers() {
        for (pid_t pid : children_) kill(pid, SIGKILL);
        (void)wait_all();
        close_all();
    }

    ForkedRacers(const ForkedRacers&) = delete;
    ForkedRacers& operator=(const ForkedRacers&) = delete;

private:
    static void close_fd(int& fd) {
        if (fd >= 0) close(fd);
        fd = -1;
    }
    void close_all() {
        for (int* fd : {&ready_[0], &ready_[1], &go_[0], &go_[1]}) close_fd(*fd);
    }

    [[noreturn]] void run_child(int i, const std::function<std::function<int()>(int)>& prepare) {
        close_fd(ready_[0]);
        close_fd(go_[1]);
        int code = 127;
        try {
            auto body = prepare(i);
            const char c = 'r';
            const bool said_ready = write(ready_[1], &c, 1) == 1;
            close_fd(ready_[1]);
            char gate = 0;
            ssize_t n = 0;
            while ((n = read(go_[0], &gate, 1)) > 0 || (n < 0 && errno == EINTR)) {
            }
            if (said_ready) code = body();
            body = nullptr;  // closes the child's own store
        } catch (...) {
            code = 127;
        }
        // No destructors, no atexit handlers, no doctest report: the parent's
        // state is not this process's to tear down.
        _exit(code);
    }

    int ready_[2] = {-1, -1};
    int go_[2] = {-1, -1};
    std::vector<pid_t> children_;
};

// --- reading the file behind the adapter's back --------------------------

// A read-only connection through the sqlite3 C API.
class RawDb {
public:
    explicit RawDb(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            throw std::runtime_error("cannot open " + path + ": " + msg);
        }
        sqlite3_busy_timeout(db_, 10'000);
    }
    ~RawDb() { sqlite3_close(db_); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;

    // Every row of `sql` (with `?` bound to `args` as integers), each column as text.
    std::vector<std::vector<std::string>> rows(const std::string& sql, const std::vector<std::int64_t>& args = {}) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            throw std::runtime_error("prepare failed: " + std::string(sqlite3_errmsg(db_)) + " in " + sql);
        }
        std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(st, sqlite3_finalize);
        for (std::size_t i = 0; i < args.size(); ++i) sqlite3_bind_int64(st, static_cast<int>(i + 1), args[i]);
        std::vector<std::vector<std::string>> out;
        int rc = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int c = 0; c < sqlite3_column_count(st); ++c) {
                const auto* text = sqlite3_column_text(st, c);
                row.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
            }
            out.push_back(std::move(row));
        }
        if (rc != SQLITE_DONE) throw std::runtime_error("step failed: " + std::string(sqlite3_errmsg(db_)));
        return out;
    }

private:
    sqlite3* db_ = nullptr;
};

// A booking row as the adapter stored it.
struct StoredBooking {
    std::string id{}, tenant{}, resource{}, service{}, status{};
    std::int64_t start = 0, end = 0, occupied_start = 0, occupied_end = 0, seats = 0;
};

inline std::vector<StoredBooking> stored_bookings(RawDb& db) {
    std::vector<StoredBooking> out;
    for (const auto& r : db.rows("SELECT booking_id, tenant_id, resource_id, service_id, status, start_at, end_at, "
                                 "occ_start, occ_end, seats FROM bookings ORDER BY start_at, booking_id")) {
        out.push_back({.id = r[0], .tenant = r[1], .resource = r[2], .service = r[3], .status = r[4],
                       .start = std::stoll(r[5]), .end = std::stoll(r[6]), .occupied_start = std::stoll(r[7]),
                       .occupied_end = std::stoll(r[8]), .seats = std::stoll(r[9])});
    }
    return out;
}

// Every place where the active bookings of one resource take more seats than
// it has, as "resource at unix-second: load > capacity" lines. The load over
// time is highest at the occupied start of some booking, so checking every
// booking's occupied start against all bookings covering it checks every
// instant, whatever the slot lengths and buffers.
inline std::vector<std::string> overbooked_instants(RawDb& db, Instant now) {
    static const std::string active_a =
        "(a.status = 'confirmed' OR (a.status = 'pending' AND a.hold_expires_at > ?1))";
    static const std::string active_b =
        "(b.status = 'confirmed' OR (b.status = 'pending' AND b.hold_expires_at > ?1))";
    const std::string sql =
        "SELECT a.resource_id, a.occ_start, SUM(b.seats), r.capacity "
        "FROM bookings a "
        "JOIN bookings b ON b.tenant_id = a.tenant_id AND b.resource_id = a.resource_id "
        "  AND b.occ_start <= a.occ_start AND a.occ_start < b.occ_end "
        "JOIN resources r ON r.tenant_id = a.tenant_id AND r.resource_id = a.resource_id "
        "WHERE " + active_a + " AND " + active_b +
        " GROUP BY a.tenant_id, a.booking_id "
        "HAVING SUM(b.seats) > r.capacity";
    std::vector<std::string> out;
    for (const auto& r : db.rows(sql, {now.time_since_epoch().count()})) {
        out.push_back(r[0] + " at " + r[1] + ": " + r[2] + " > " + r[3]);
    }
    return out;
}

// Copies the earliest booking, moved by `shift_seconds`, under a new id,
// behind the adapter's back: a double booking for the checks above to find.
inline void plant_copy_of_first_booking(const std::string& path, std::int64_t shift_seconds) {
    sqlite3* db = nullptr;
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> guard(nullptr, sqlite3_close);
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + path);
    }
    guard.reset(db);
    const auto shift = std::to_string(shift_seconds);
    const std::string sql =
        "BEGIN IMMEDIATE;"
        "CREATE TEMP TABLE planted AS SELECT * FROM bookings ORDER BY start_at, booking_id LIMIT 1;"
        "UPDATE planted SET booking_id = booking_id || '_planted', start_at = start_at + " + shift +
        ", end_at = end_at + " + shift + ", occ_start = occ_start + " + shift + ", occ_end = occ_end + " + shift +
        ";"
        "INSERT INTO bookings SELECT * FROM planted;"
        "COMMIT;";
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string msg = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("planting a booking failed: " + msg);
    }
}

inline std::string integrity_check(RawDb& db) {
    std::string out;
    for (const auto& r : db.rows("PRAGMA integrity_check")) out += (out.empty() ? "" : "; ") + r[0];
    return out;
}

// --- judging a race ------------------------------------------------------

// The most seats `rows` take at any instant of [begin, end). The load is
// highest at the interval's start or at some booking's occupied start.
inline std::int64_t peak_load(const std::vector<StoredBooking>& rows, std::int64_t begin, std::int64_t end) {
    std::int64_t peak = 0;
    const auto load_at = [&](std::int64_t t) {
        std::int64_t n = 0;
        for (const auto& b : rows) {
            if (b.occupied_start <= t && t < b.occupied_end) n += b.seats;
        }
        return n;
    };
    peak = load_at(begin);
    for (const auto& b : rows) {
        if (begin <= b.occupied_start && b.occupied_start < end) peak = std::max(peak, load_at(b.occupied_start));
    }
    return peak;
}

// Every racer tried every slot; every attempt either won or lost with
// slot_unavailable; the file holds exactly the winners' bookings, no instant
// is overbooked (buffers included), and every loss was deserved: the final
// bookings leave no room for the lost slot (bookings are never removed
// during a race, so what blocked it then blocks it still). When slots do not
// compete with their neighbours, each has exactly `capacity` winners.
inline void check_race(const RaceSetup& s, const std::vector<std::vector<Attempt>>& racers) {
    INFO("SLOTWISE_RACE_SEED=" << race_seed());
    std::vector<int> winners(s.slots.size(), 0);
    std::vector<int> losers(s.slots.size(), 0);
    std::set<std::string> won_ids;
    for (std::size_t r = 0; r < racers.size(); ++r) {
        CAPTURE(r);
        CHECK(racers[r].size() == s.slots.size());
        std::set<std::size_t> tried;
        for (const auto& a : racers[r]) {
            CAPTURE(a.slot);
            REQUIRE(a.slot < s.slots.size());
            tried.insert(a.slot);
            if (a.outcome == Attempt::Outcome::failed) FAIL_CHECK("book() failed with " << a.error);
            if (a.outcome == Attempt::Outcome::lost) ++losers[a.slot];
            if (a.outcome == Attempt::Outcome::won) {
                ++winners[a.slot];
                CHECK(won_ids.insert(a.booking).second);
            }
        }
        CHECK(tried.size() == racers[r].size());
    }

    RawDb db(s.path);
    CHECK(integrity_check(db) == "ok");
    const auto rows = stored_bookings(db);
    std::set<std::string> stored_ids;
    for (const auto& b : rows) {
        CAPTURE(b.id);
        stored_ids.insert(b.id);
        CHECK(b.tenant == s.tenant.value);
        CHECK(b.resource == s.resource.value);
        CHECK(b.status == "confirmed");
        CHECK(b.seats == 1);
        CHECK(b.end - b.start == std::chrono::seconds(s.duration).count());
        CHECK(b.start - b.occupied_start == std::chrono::seconds(s.buffer_before).count());
        CHECK(b.occupied_end - b.end == std::chrono::seconds(s.buffer_after).count());
    }
    CHECK(stored_ids == won_ids);
    const auto over = overbooked_instants(db, at(race_now));
    for (const auto& o : over) FAIL_CHECK("overbooked: " << o);
    CHECK(over.empty());
    for (std::size_t i = 0; i < s.slots.size(); ++i) {
        CAPTURE(i);
        const auto [begin, end] = s.occupied(i);
        if (losers[i] > 0) {
            CHECK_MESSAGE(peak_load(rows, begin, end) >= s.capacity, "a racer lost slot " << i << " that still has room");
        }
        if (!s.slots_overlap()) CHECK(winners[i] == s.capacity);
    }
}

// The wins among racers' answers, one list per racer: "won", "lost", and
// anything else a failure that fails the test.
inline std::size_t count_wins(const std::vector<std::vector<std::string>>& answers) {
    std::size_t won = 0;
    for (const auto& list : answers) {
        for (const auto& a : list) {
            if (a == "won") ++won;
            else if (a != "lost") FAIL_CHECK(a);
        }
    }
    return won;
}

}  // namespace slotwise::test
