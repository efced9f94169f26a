// Upgrading a PostgreSQL database in place: a database written by an older
// schema, with bookings in it, is opened by this build (which migrates it)
// and every booking still occupies what it occupied. The older database is
// made by the migration steps themselves, stopped short of this build's
// version, and filled by plain SQL in that version's shape.
#include "support/postgres_server.hpp"

#include "postgres/internal.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

const Instant kNow = parse_instant("2026-03-01T08:00:00Z", "now");

// A database at schema `version`, with nothing in it.
void database_at(int version) {
    wipe_database(true);
    postgres::Connection c(pg_dsn(), 5000ms);
    (void)postgres::apply_migrations(c, false, version);
}

// Seats and occupied range of each entry, sorted, to compare as sets.
std::vector<std::string> described(const std::vector<Booked>& booked) {
    std::vector<std::string> out;
    for (const auto& b : booked) {
        const auto occ = b.occupied_interval();
        out.push_back(format_instant(occ.begin) + ".." + format_instant(occ.end) + " x" + std::to_string(b.seats));
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("a version-7 database with bookings upgrades in place: every hold keeps its seats, status and reach, and no "
          "foreign key is left") {
    database_at(7);
    {
        PgSession s;
        REQUIRE(s.value("SELECT version FROM slotwise_schema") == "7");
        s.exec("INSERT INTO tenants (tenant_id, name, created_at) VALUES ('ten_a', 'A', now());"
               "INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity)"
               " VALUES ('ten_a', 'res_1', 'Hall', 'room', 'Etc/UTC', 10)");
        // id, seats, status, hold expiry, start, end: a long confirmed booking
        // that began hours before the asked range, a running hold, a lapsed
        // one, a cancelled one.
        const char* rows[][6] = {
            {"bkg_long", "3", "confirmed", "NULL", "2026-03-02 06:00Z", "2026-03-02 16:00Z"},
            {"bkg_hold", "2", "pending", "'2026-03-01 09:00Z'", "2026-03-02 15:00Z", "2026-03-02 15:30Z"},
            {"bkg_lapsed", "4", "pending", "'2026-03-01 07:00Z'", "2026-03-02 15:00Z", "2026-03-02 15:30Z"},
            {"bkg_gone", "5", "cancelled", "NULL", "2026-03-02 15:00Z", "2026-03-02 15:30Z"},
        };
        for (const auto& r : rows) {
            const std::string id = r[0], seats = r[1], status = r[2], hold = r[3], start = r[4], end = r[5];
            const bool active = status == "confirmed" || status == "pending";
            s.exec("INSERT INTO bookings VALUES ('ten_a', '" + id + "', 'svc_1', 'res_1', '" + start + "', '" + end +
                   "', " + seats + ", 0, 0, 'Ada', '', '', 'en', '" + status + "', 'none', " + hold +
                   ", NULL, '', 'ada', now(), now(), '', '', 0, '', '', '', '', 0)");
            s.exec("INSERT INTO booking_resources (tenant_id, booking_id, part, resource_id, occupied, start_at, end_at,"
                   " buffer_before_min, buffer_after_min, hold_expires_at, exclusive, active) VALUES ('ten_a', '" +
                   id + "', 0, 'res_1', tstzrange('" + start + "', '" + end + "', '[)'), '" + start + "', '" + end +
                   "', 0, 0, " + hold + ", false, " + (active ? "true" : "false") + ")");
        }
    }
    auto store = open_postgres({.dsn = pg_dsn()});
    PgSession s;
    CHECK(s.value("SELECT version FROM slotwise_schema") == std::to_string(postgres_schema_version()));
    CHECK(s.value("SELECT longest FROM resource_spans WHERE resource_id = 'res_1'") == "10:00:00");
    CHECK(s.value("SELECT string_agg(seats || ' ' || status, ', ' ORDER BY booking_id) FROM booking_resources") ==
          "5 cancelled, 2 pending, 4 pending, 3 confirmed");
    // Version 9: no foreign key left for an insert to check.
    CHECK(s.value("SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
                  " AND connamespace = 'public'::regnamespace") == "0");

    // Asked from 15:00, nine hours after the long booking began: it is found
    // (the span reaches back to it), with the running hold; the lapsed and
    // the cancelled ones are not.
    const Interval asked{parse_instant("2026-03-02T15:00:00Z", "from"), parse_instant("2026-03-02T16:00:00Z", "to")};
    const std::vector<std::string> expected{"2026-03-02T06:00:00Z..2026-03-02T16:00:00Z x3",
                                            "2026-03-02T15:00:00Z..2026-03-02T15:30:00Z x2"};
    auto tx = store->read();
    CHECK(described(tx->occupancy({"ten_a"}, {"res_1"}, asked, kNow)) == expected);
    const auto batched = tx->occupancies({"ten_a"}, {{{"res_1"}, asked}, {{"res_1"}, asked}}, kNow);
    REQUIRE(batched.size() == 2);
    CHECK(described(batched[0]) == expected);
    CHECK(described(batched[1]) == expected);
}

TEST_CASE("a hold longer than 4 hours and than any before widens its resource's span; a shorter one leaves it, and "
          "is found all the same") {
    auto store = fresh_postgres();
    PgSession s;
    s.exec("INSERT INTO tenants (tenant_id, name, created_at) VALUES ('ten_a', 'A', now());"
           "INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity)"
           " VALUES ('ten_a', 'res_1', 'Hall', 'room', 'Etc/UTC', 10)");
    const auto book = [&](const std::string& id, const char* start, const char* end) {
        auto tx = store->write();
        tx->insert_booking({"ten_a"}, {.id = {id}, .service = {"svc_1"}, .resource = {"res_1"},
                                       .interval = {parse_instant(start, "start"), parse_instant(end, "end")},
                                       .customer = {.name = "Ada"}, .created_by = "ada", .created_at = kNow,
                                       .updated_at = kNow});
        tx->commit();
    };
    const auto span = [&] { return s.value("SELECT coalesce(max(longest)::text, 'none') FROM resource_spans"); };
    const auto found = [&](const char* from, const char* to) {
        auto tx = store->read();
        return tx->occupancy({"ten_a"}, {"res_1"}, {parse_instant(from, "from"), parse_instant(to, "to")}, kNow).size();
    };
    // Exactly 4 hours: no span row, and the hold is found from its last minute.
    book("bkg_1", "2026-03-02T10:00:00Z", "2026-03-02T14:00:00Z");
    CHECK(span() == "none");
    CHECK(found("2026-03-02T13:59:00Z", "2026-03-02T14:30:00Z") == 1);
    book("bkg_2", "2026-03-02T20:00:00Z", "2026-03-03T01:00:00Z");
    CHECK(span() == "05:00:00");
    CHECK(found("2026-03-03T00:59:00Z", "2026-03-03T02:00:00Z") == 1);
    // As long, not longer: the span row is not written again.
    const auto version = s.value("SELECT xmin FROM resource_spans");
    book("bkg_2b", "2026-03-07T20:00:00Z", "2026-03-08T01:00:00Z");
    CHECK(s.value("SELECT xmin FROM resource_spans") == version);
    book("bkg_3", "2026-03-03T10:00:00Z", "2026-03-03T10:30:00Z");
    CHECK(span() == "05:00:00");
    book("bkg_4", "2026-03-04T00:00:00Z", "2026-03-06T00:00:00Z");
    CHECK(span() == "2 days");
    // Widened by plain SQL too: a hold stretched behind the adapter's back.
    s.exec("UPDATE booking_resources SET occupied = tstzrange(lower(occupied), lower(occupied) + interval '3 days')"
           " WHERE booking_id = 'bkg_1'");
    CHECK(span() == "3 days");
    CHECK(found("2026-03-04T12:00:00Z", "2026-03-04T13:00:00Z") == 2);  // bkg_1, stretched, and bkg_4
}

TEST_CASE("a two-day hold is found across a spring DST change though the server's zone has one") {
    auto store = fresh_postgres();
    PgSession s;
    // Every new session of this role starts in Rome's zone (22:00 CET -> 03:00
    // CEST on 2026-03-29); the adapter's sessions must not count a day as 23 hours.
    s.exec("ALTER ROLE CURRENT_USER SET TimeZone = 'Europe/Rome'");
    struct Reset {
        ~Reset() {
            PgSession r;
            r.exec("ALTER ROLE CURRENT_USER RESET TimeZone");
        }
    } reset;
    auto rome = open_postgres({.dsn = pg_dsn()});
    s.exec("INSERT INTO tenants (tenant_id, name, created_at) VALUES ('ten_a', 'A', now());"
           "INSERT INTO resources (tenant_id, resource_id, name, kind, timezone, capacity)"
           " VALUES ('ten_a', 'res_1', 'Hall', 'room', 'Europe/Rome', 10)");
    {
        auto tx = rome->write();
        tx->insert_booking({"ten_a"}, {.id = {"bkg_long"}, .service = {"svc_1"}, .resource = {"res_1"},
                                       .interval = {parse_instant("2026-03-27T23:30:00Z", "start"),
                                                    parse_instant("2026-03-29T23:30:00Z", "end")},
                                       .customer = {.name = "Ada"}, .created_by = "ada", .created_at = kNow,
                                       .updated_at = kNow});
        tx->commit();
    }
    REQUIRE(s.value("SELECT longest FROM resource_spans") == "2 days");
    // 23:00Z on the 29th less two days of Rome's calendar is 00:00Z on the
    // 28th, after the hold began; less 48 hours it is 23:00Z on the 27th.
    const Interval asked{parse_instant("2026-03-29T23:00:00Z", "from"), parse_instant("2026-03-29T23:15:00Z", "to")};
    auto tx = rome->read();
    CHECK(tx->occupancy({"ten_a"}, {"res_1"}, asked, kNow).size() == 1);
    const auto batched = tx->occupancies({"ten_a"}, {{{"res_1"}, asked}}, kNow);
    REQUIRE(batched.size() == 1);
    CHECK(batched[0].size() == 1);
}
