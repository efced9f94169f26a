// Nothing is half-written, a failed call leaving the store as it was, even when the writer dies:
// a child process books slot after slot with synchronous=FULL and reports
// each booking id through a pipe once book() has returned; the parent kills
// it with SIGKILL at a random moment, then reads the file. Repeated on the
// same file, each child carrying on after the last stored booking.
#include "support/race_fixture.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <poll.h>
#include <random>
#include <signal.h>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

constexpr int rounds = 24;
constexpr Minutes slot_length = 5min;

// Writes all of `line` to `fd`; false when the pipe is gone.
bool write_line(int fd, const std::string& line) {
    std::size_t done = 0;
    while (done < line.size()) {
        const auto n = write(fd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// The child: opens its own store, says "ready", then books consecutive slots
// from `from` until killed, reporting each booking id after book() returned.
// Any error is reported as "error ..." and ends the child.
[[noreturn]] void booking_child(const RaceSetup& s, Instant from, int fd) {
    int code = 0;
    try {
        Engine engine(open_sqlite({.path = s.path, .synchronous_full = true}), fixed_clock(at(race_now)));
        auto writer = engine.scope({.tenant = s.tenant, .role = Role::customer, .subject = "writer"});
        if (!write_line(fd, "ready\n")) _exit(3);
        for (Instant t = from;; t += slot_length) {
            const auto b = writer.book(
                {.service = s.service, .start = t, .resource = s.resource, .customer = {.name = "Writer"}});
            if (!write_line(fd, b.id.value + "\n")) _exit(3);
        }
    } catch (const Error& e) {
        write_line(fd, "error " + std::string(to_string(e.code())) + ": " + one_line(e.what()) + "\n");
        code = 1;
    } catch (const std::exception& e) {
        write_line(fd, "error " + one_line(e.what()) + "\n");
        code = 2;
    }
    _exit(code);
}

struct Round {
    std::vector<std::string> ids;     // reported by the child, in order
    std::vector<std::string> errors;  // "error ..." lines
    bool ready = false;
    int term_signal = 0;              // what ended the child (0: it exited)
};

// Splits complete lines off `buffer` into `r`; a partial line stays.
void take_lines(std::string& buffer, Round& r) {
    std::size_t nl = 0;
    while ((nl = buffer.find('\n')) != std::string::npos) {
        const auto line = buffer.substr(0, nl);
        buffer.erase(0, nl + 1);
        if (line == "ready") {
            r.ready = true;
        } else if (line.starts_with("error")) {
            r.errors.push_back(line);
        } else {
            r.ids.push_back(line);
        }
    }
}

// When the random run time starts counting.
enum class Countdown {
    from_ready,         // the kill may land before the first booking
    from_first_report,  // at least one booking reported, so no round is vacuous on a slow disk
};

// Forks a booking child, lets it run `run_for` (counted as `countdown` says),
// kills it with SIGKILL and reaps it. Call with no store of the file open here.
Round book_until_killed(const RaceSetup& s, Instant from, std::chrono::milliseconds run_for, Countdown countdown) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        booking_child(s, from, fds[1]);
    }
    close(fds[1]);
    Round r;
    std::string buffer;
    using steady = std::chrono::steady_clock;
    // Waiting for the countdown to start is bounded too, so a stuck child
    // fails the test instead of hanging it.
    auto deadline = steady::now() + 20s;
    bool eof = false;
    while (!eof) {
        const auto now = steady::now();
        if (now >= deadline) break;
        pollfd p{.fd = fds[0], .events = POLLIN, .revents = 0};
        const auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
        if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) continue;
        char chunk[4096];
        const auto n = read(fds[0], chunk, sizeof chunk);
        if (n <= 0) {
            eof = n == 0;
            if (n < 0 && errno != EINTR) eof = true;
            continue;
        }
        buffer.append(chunk, static_cast<std::size_t>(n));
        const bool was_started = countdown == Countdown::from_ready ? r.ready : !r.ids.empty();
        take_lines(buffer, r);
        const bool started = countdown == Countdown::from_ready ? r.ready : !r.ids.empty();
        if (!was_started && started) deadline = steady::now() + run_for;
    }
    kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    // What the child wrote before it died is still in the pipe.
    char chunk[4096];
    ssize_t n = 0;
    while ((n = read(fds[0], chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR)) {
        if (n > 0) buffer.append(chunk, static_cast<std::size_t>(n));
    }
    close(fds[0]);
    // Writes of a line to a pipe are atomic (far below PIPE_BUF), so a
    // partial line cannot be a report; it is ignored.
    take_lines(buffer, r);
    return r;
}

// The file after a kill: intact, every stored booking whole and confirmed, no
// two overlapping. Returns the stored rows, ordered by start.
std::vector<StoredBooking> check_file(const RaceSetup& s) {
    RawDb db(s.path);
    CHECK(integrity_check(db) == "ok");
    auto rows = stored_bookings(db);
    const auto length = std::chrono::seconds(slot_length).count();
    for (const auto& b : rows) {
        CAPTURE(b.id);
        CHECK(b.id.starts_with("bkg_"));
        CHECK(b.tenant == s.tenant.value);
        CHECK(b.resource == s.resource.value);
        CHECK(b.service == s.service.value);
        CHECK(b.status == "confirmed");
        CHECK(b.seats == 1);
        CHECK(b.end > b.start);
        CHECK(b.end - b.start == length);
        CHECK(b.occupied_start == b.start);
        CHECK(b.occupied_end == b.end);
    }
    for (std::size_t i = 1; i < rows.size(); ++i) {
        CAPTURE(rows[i].id);
        CHECK(rows[i - 1].occupied_end <= rows[i].occupied_start);
    }
    const auto over = overbooked_instants(db, at(race_now));
    for (const auto& o : over) FAIL_CHECK("overbooked: " << o);
    return rows;
}

// Every reported id, read through a fresh engine, is a whole confirmed booking.
void check_reported(const RaceSetup& s, const std::vector<std::string>& ids) {
    Engine engine(open_sqlite({.path = s.path}), fixed_clock(at(race_now)));
    auto admin = engine.scope({.tenant = s.tenant, .role = Role::admin, .subject = "owner"});
    for (const auto& id : ids) {
        CAPTURE(id);
        try {
            const auto b = admin.get_booking({id});
            CHECK(b.status == BookingStatus::confirmed);
            CHECK(b.payment_status == PaymentStatus::none);
            CHECK(b.resource == s.resource);
            CHECK(b.service == s.service);
            CHECK(b.interval.end - b.interval.begin == slot_length);
            CHECK(b.customer.name == "Writer");
            CHECK(b.created_by == "writer");
        } catch (const Error& e) {
            FAIL_CHECK("a reported booking is not readable: " << std::string(to_string(e.code())) << ": "
                                                               << std::string(e.what()));
        }
    }
}

unsigned seed() {
    if (const char* env = std::getenv("SLOTWISE_CRASH_SEED")) {
        return static_cast<unsigned>(std::strtoul(env, nullptr, 10));
    }
    return std::random_device{}();
}

}  // namespace

TEST_CASE("a writer killed at a random moment leaves an intact file holding every booking it reported") {
    TempDir dir;
    const auto s = make_race_setup((dir.path / "crash.db").string(), 1, 0, slot_length);
    const unsigned rng_seed = seed();
    INFO("SLOTWISE_CRASH_SEED=" << rng_seed);
    std::mt19937 rng(rng_seed);
    std::uniform_int_distribution<int> run_ms(1, 50);

    std::vector<std::string> reported;
    Instant next = at("2030-01-07T00:00:00Z");
    for (int round = 0; round < rounds; ++round) {
        CAPTURE(round);
        const auto countdown = round % 2 == 0 ? Countdown::from_ready : Countdown::from_first_report;
        const auto r = book_until_killed(s, next, std::chrono::milliseconds(run_ms(rng)), countdown);
        REQUIRE(r.ready);
        if (countdown == Countdown::from_first_report) CHECK(!r.ids.empty());
        for (const auto& e : r.errors) FAIL_CHECK("the child failed: " << e);
        CHECK(r.term_signal == SIGKILL);  // still booking when killed
        reported.insert(reported.end(), r.ids.begin(), r.ids.end());

        const auto rows = check_file(s);
        std::set<std::string> stored;
        for (const auto& b : rows) stored.insert(b.id);
        for (const auto& id : r.ids) {
            CAPTURE(id);
            CHECK(stored.count(id) == 1);
        }
        // A child can die between a commit and its report, once per round.
        CHECK(stored.size() >= reported.size());
        CHECK(stored.size() <= reported.size() + static_cast<std::size_t>(round + 1));
        check_reported(s, r.ids);
        if (!rows.empty()) next = Instant{std::chrono::seconds{rows.back().end}};
    }
    CHECK(std::set<std::string>(reported.begin(), reported.end()).size() == reported.size());
    MESSAGE(reported.size() << " bookings reported over " << rounds << " kills");
    CHECK(!reported.empty());

    // The file still takes bookings.
    Engine engine(open_sqlite({.path = s.path}), fixed_clock(at(race_now)));
    auto c = engine.scope({.tenant = s.tenant, .role = Role::customer, .subject = "after"});
    CHECK(c.book({.service = s.service, .start = next, .resource = s.resource, .customer = {.name = "After"}})
              .status == BookingStatus::confirmed);
}
