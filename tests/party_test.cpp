// Party size (restaurants): a party service seats a party of q at the
// smallest free table that seats it, else at the smallest free combination
// of tables the tenant declared, every table held at once. Each test is the
// attack or the mistake the rule must stop.
#include "support/errors.hpp"
#include "support/race_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <latch>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

template <class F>
Error error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error thrown");
    return Error(Errc::storage_error, "unreachable");
}

// A trattoria in Rome open every day 19:00-23:30: T1 seats 2, T2 6, T3 6,
// T4 4 and T5 4; dinner is 90 minutes on a 30-minute grid. The tenant joins
// T3 + T4 for 10. The clock reads Monday 2026-06-01 07:00 in Rome.
struct Trattoria {
    Salon base{"trattoria.db"};
    Resource t1, t2, t3, t4, t5;
    Service dinner;
    TableCombination t3_t4;
    const Instant nine = at("2026-06-05T19:00:00Z");  // Friday 21:00 in Rome

    Trattoria() {
        auto& admin = base.admin;
        // Parties of up to 20 may book online.
        auto policy = admin.policy();
        policy.max_seats_per_customer_booking = 20;
        admin.set_policy(policy);
        const auto table = [&](const char* name, int size) {
            const auto r = admin.create_resource(
                {.name = name, .kind = ResourceKind::table, .timezone = "Europe/Rome", .size = size});
            WeeklyHours week;
            for (auto wd : {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday, date::Saturday,
                            date::Sunday}) {
                week[wd] = {{19h, 23h + 30min}};
            }
            admin.set_weekly_hours(r.id, week);
            return r;
        };
        t1 = table("T1", 2);
        t2 = table("T2", 6);
        t3 = table("T3", 6);
        t4 = table("T4", 4);
        t5 = table("T5", 4);
        dinner = admin.create_service({.name = "Dinner", .duration = 90min, .step = 30min,
                                       .resources = {t1.id, t2.id, t3.id, t4.id, t5.id}, .party = true});
        t3_t4 = admin.declare_table_combination({.service = dinner.id, .tables = {t4.id, t3.id}, .size = 10});
    }
    Booking book(int party, const std::string& who = "ada") {
        return base.customer(who).book({.service = dinner.id, .start = nine, .customer = {.name = who}, .seats = party});
    }
    std::size_t stored() { return base.admin.bookings({}).size(); }
};

std::vector<ResourceId> sorted(std::vector<ResourceId> ids) {
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace

TEST_CASE("a party of 2 gets the 2-top, not the 6-top; a party of 5 the smallest table that seats 5") {
    Trattoria r;
    const auto two = r.book(2);
    CHECK(two.held_resources() == std::vector<ResourceId>{r.t1.id});
    CHECK(two.party_size == 2);
    CHECK(two.seats == 1);
    // The 2-top is taken: the next pair gets a 4-top (T4 before T5 by id
    // only if T4's id is smaller: ties of size go by id).
    const auto next = r.book(2, "bob");
    CHECK(next.held_resources() == std::vector<ResourceId>{std::min(r.t4.id, r.t5.id)});
    const auto five = r.book(5, "cy");
    CHECK(five.held_resources() == std::vector<ResourceId>{std::min(r.t2.id, r.t3.id)});
    CHECK(r.base.admin.get_booking(five.id).party_size == 5);
}

TEST_CASE("a party waits for a table like a customer for a seat: offered the table that frees, held whole, and only "
          "when no table seats it") {
    Trattoria r;
    auto bob = r.base.customer("bob");
    const auto wait_for = [&] {
        return bob.join_waitlist({.service = r.dinner.id, .start = r.nine, .customer = {.name = "Bob"}, .seats = 3});
    };
    // A table seats a party of 3 now: no line, book it.
    CHECK(error_of(wait_for).field() == "start");
    // Every table that seats 3 taken; the 2-top does not.
    const auto six = r.book(6, "ada");
    const auto six_too = r.book(6, "cy");
    const auto four = r.book(4, "dee");
    const auto four_too = r.book(4, "eve");
    const auto entry = wait_for();
    CHECK(entry.status == WaitlistStatus::waiting);
    r.base.customer("dee").cancel(four.id);
    const auto offered = bob.get_waitlist_entry(entry.id);
    REQUIRE(offered.status == WaitlistStatus::offered);
    REQUIRE(offered.offer);
    const auto offer = bob.get_booking(*offered.offer);
    CHECK(offer.status == BookingStatus::offered);
    CHECK(offer.held_resources() == four.held_resources());
    CHECK(offer.seats == 1);
    CHECK(offer.party_size == 3);
    // The table is held for Bob: no party of 3 is offered that start.
    const auto slots = r.base.admin.availability(
        {.service = r.dinner.id, .from = day("2026-06-05"), .to = day("2026-06-05"), .seats = 3});
    CHECK(std::none_of(slots.begin(), slots.end(), [&](const ResourceSlot& s) { return s.start == r.nine; }));
    CHECK(bob.accept_offer(offer.id).status == BookingStatus::confirmed);
    // A party no table or combination could ever seat is not put in a line
    // no freed seat could end.
    const auto too_big = error_of([&] {
        r.base.customer("fay").join_waitlist({.service = r.dinner.id, .start = r.nine, .customer = {.name = "Fay"},
                                              .seats = 12});
    });
    CHECK(too_big.code() == Errc::invalid_argument);
    CHECK(too_big.field() == "seats");
    (void)six;
    (void)six_too;
    (void)four_too;
}

TEST_CASE("a waiting party pinned to a table the service no longer links is skipped, not a failure of the "
          "cancellation that frees a table") {
    Trattoria r;
    // Every table that seats 4 taken.
    const auto four = r.book(4, "ada");
    const auto four_too = r.book(4, "bo");
    (void)r.book(6, "cy");
    (void)r.book(6, "dee");
    auto eve = r.base.customer("eve");
    const auto entry = eve.join_waitlist({.service = r.dinner.id, .start = r.nine, .customer = {.name = "Eve"},
                                          .seats = 4, .resources = {r.t5.id}});
    CHECK(entry.status == WaitlistStatus::waiting);
    // T5 (in no combination) leaves the service; the entry stays in line.
    r.base.admin.update_service(r.dinner.id,
                                {.resources = std::vector<ResourceId>{r.t1.id, r.t2.id, r.t3.id, r.t4.id}});
    const auto& on_t4 = four.resource == r.t4.id ? four : four_too;
    CHECK_NOTHROW(r.base.admin.cancel(on_t4.id));
    CHECK(eve.get_waitlist_entry(entry.id).status == WaitlistStatus::waiting);
    CHECK_NOTHROW(r.base.engine.take_notifications(100));
}

TEST_CASE("a party of 10 gets T3 + T4 when declared; a second party of 10 is refused and nothing is written") {
    Trattoria r;
    const auto ten = r.book(10);
    CHECK(sorted(ten.held_resources()) == sorted({r.t3.id, r.t4.id}));
    const auto before = r.stored();
    const auto e = error_of([&] { r.book(10, "bob"); });
    CHECK(e.code() == Errc::slot_unavailable);
    CHECK(r.stored() == before);
    // Without the combination no party of 10 is seated at all.
    r.base.admin.cancel(ten.id);
    r.base.admin.remove_table_combination(r.t3_t4.id);
    CHECK(error_of([&] { r.book(10, "cy"); }).code() == Errc::slot_unavailable);
    CHECK(r.base.admin.table_combinations(r.dinner.id).empty());
}

TEST_CASE("a combination whose table already holds a party of 2 is not combinable; another one is") {
    Trattoria r;
    // T1 and one 4-top go to pairs; pin the second pair to T4.
    r.book(2);
    // Either table of T3 + T4 holding a pair spoils the combination.
    for (const auto& held : {r.t3.id, r.t4.id}) {
        const auto pair = r.base.customer("bob").book({.service = r.dinner.id, .start = r.nine, .resources = {held},
                                                       .customer = {.name = "bob"}, .seats = 2});
        CHECK(error_of([&] { r.book(10, "cy"); }).code() == Errc::slot_unavailable);
        if (held == r.t3.id) r.base.admin.cancel(pair.id);
    }
    // T2 + T3 + T5 seat 14: the only free combination, so a party of 9 takes it.
    const auto big =
        r.base.admin.declare_table_combination({.service = r.dinner.id, .tables = {r.t2.id, r.t3.id, r.t5.id}, .size = 14});
    const auto nine = r.book(9, "dee");
    CHECK(sorted(nine.held_resources()) == big.tables);
}

TEST_CASE("the smallest free combination wins: fewest seats, then fewest tables") {
    Trattoria r;
    auto& admin = r.base.admin;
    admin.declare_table_combination({.service = r.dinner.id, .tables = {r.t2.id, r.t5.id}, .size = 12});
    const auto three = admin.declare_table_combination({.service = r.dinner.id, .tables = {r.t1.id, r.t4.id, r.t5.id},
                                                         .size = 10});
    // T3 + T4 and T1 + T4 + T5 both seat 10: the one of fewer tables first.
    CHECK(sorted(r.book(10).held_resources()) == sorted({r.t3.id, r.t4.id}));
    // T4 is taken: T1 + T4 + T5 is not free either; T2 + T5 seats 12.
    CHECK(sorted(r.book(10, "bob").held_resources()) == sorted({r.t2.id, r.t5.id}));
    (void)three;
}

TEST_CASE("availability offers a start to a party only while a table or combination seats it, naming every table") {
    Trattoria r;
    auto customer = r.base.customer("ada");
    const AvailabilityRequest ten{.service = r.dinner.id, .from = day("2026-06-05"), .to = day("2026-06-05"), .seats = 10};
    const auto find = [&](const std::vector<ResourceSlot>& slots) -> std::optional<ResourceSlot> {
        for (const auto& s : slots) {
            if (s.start == r.nine) return s;
        }
        return std::nullopt;
    };
    const auto before = find(customer.availability(ten));
    REQUIRE(before);
    CHECK(sorted(before->resources()) == sorted({r.t3.id, r.t4.id}));
    CHECK(before->end == r.nine + 90min);
    // book() takes exactly the tables the slot named.
    const auto b = customer.book({.service = r.dinner.id, .start = r.nine, .resources = before->resources(),
                                  .customer = {.name = "ada"}, .seats = 10});
    CHECK(sorted(b.held_resources()) == sorted(before->resources()));
    CHECK_FALSE(find(customer.availability(ten)));
    // A pair is still offered 21:00, at the 2-top.
    auto two = ten;
    two.seats = 2;
    const auto pair = find(customer.availability(two));
    REQUIRE(pair);
    CHECK(pair->resources() == std::vector<ResourceId>{r.t1.id});
    // No table or combination seats 20.
    auto twenty = ten;
    twenty.seats = 20;
    CHECK(customer.availability(twenty).empty());
}

TEST_CASE("pinned tables must seat the party: one table that fits or exactly a declared combination") {
    Trattoria r;
    auto customer = r.base.customer("ada");
    const auto pin = [&](std::vector<ResourceId> ids, int party) {
        return customer.book({.service = r.dinner.id, .start = r.nine, .resources = std::move(ids),
                              .customer = {.name = "ada"}, .seats = party});
    };
    CHECK(error_of([&] { pin({r.t1.id}, 4); }).field() == "resources");
    CHECK(error_of([&] { pin({r.t3.id, r.t5.id}, 8); }).field() == "resources");
    CHECK(r.stored() == 0);
    CHECK(pin({r.t4.id, r.t3.id}, 8).held_resources().size() == 2);
}

TEST_CASE("reschedule seats the party afresh at its new time, never on a table someone holds") {
    Trattoria r;
    const auto ten = r.book(10);
    // At 19:00 T3 is held by a party of 6, so 10 cannot move there.
    const Instant seven = at("2026-06-05T17:00:00Z");
    r.base.customer("bob").book({.service = r.dinner.id, .start = seven, .resources = {r.t3.id},
                                 .customer = {.name = "bob"}, .seats = 6});
    CHECK(error_of([&] { r.base.admin.reschedule(ten.id, seven); }).code() == Errc::slot_unavailable);
    CHECK(sorted(r.base.admin.get_booking(ten.id).held_resources()) == sorted({r.t3.id, r.t4.id}));
    // 22:00 is free: it moves with both tables.
    const auto moved = r.base.admin.reschedule(ten.id, at("2026-06-05T20:00:00Z"));
    CHECK(sorted(moved.held_resources()) == sorted({r.t3.id, r.t4.id}));
    CHECK(moved.party_size == 10);
    // A pair pinned to T4 fits at 20:30, which the party held before it moved.
    r.base.customer("cy").book({.service = r.dinner.id, .start = at("2026-06-05T18:30:00Z"), .resources = {r.t4.id},
                                .customer = {.name = "cy"}, .seats = 2});
}

TEST_CASE("sizes, party services and combinations are validated and named by field") {
    Trattoria r;
    auto& admin = r.base.admin;
    const auto field = [](auto&& f) { return error_of(f).field(); };
    CHECK(field([&] { admin.create_resource({.name = "Bench", .timezone = "Europe/Rome", .capacity = 4, .size = 8}); }) ==
          "size");
    CHECK(field([&] { admin.create_resource({.name = "T0", .timezone = "Europe/Rome", .size = 0}); }) == "size");
    CHECK(field([&] { admin.update_resource(r.t1.id, ResourcePatch{.capacity = 3}); }) == "size");
    CHECK(field([&] {
              admin.create_service({.name = "Tasting", .duration = 60min, .resources = {r.t1.id},
                                    .segments = {{SegmentKind::busy, 30min}, {SegmentKind::free, 30min}},
                                    .party = true});
          }) == "segments");
    const auto waiter = admin.create_resource({.name = "Waiter", .timezone = "Europe/Rome"});
    const auto lunch = admin.create_service({.name = "Lunch", .duration = 60min, .resources = {r.t1.id, r.t2.id}});
    CHECK(field([&] { admin.declare_table_combination({.service = lunch.id, .tables = {r.t1.id, r.t2.id}, .size = 8}); }) ==
          "service");
    CHECK(field([&] { admin.declare_table_combination({.service = r.dinner.id, .tables = {r.t1.id}, .size = 8}); }) ==
          "tables");
    CHECK(field([&] {
              admin.declare_table_combination({.service = r.dinner.id, .tables = {r.t1.id, r.t1.id}, .size = 8});
          }) == "tables[1]");
    CHECK(field([&] {
              admin.declare_table_combination({.service = r.dinner.id, .tables = {r.t1.id, waiter.id}, .size = 8});
          }) == "tables[1]");
    CHECK(field([&] {
              admin.declare_table_combination({.service = r.dinner.id, .group = 1, .tables = {r.t1.id, r.t2.id}, .size = 8});
          }) == "group");
    CHECK(field([&] { admin.declare_table_combination({.service = r.dinner.id, .tables = {r.t1.id, r.t2.id}}); }) ==
          "size");
    // A linked resource without a size is not a table.
    const auto sofa = admin.create_resource({.name = "Sofa", .timezone = "Europe/Rome"});
    admin.update_service(r.dinner.id, ServicePatch{.resources = std::vector<ResourceId>{r.t1.id, sofa.id}});
    CHECK(field([&] {
              admin.declare_table_combination({.service = r.dinner.id, .tables = {sofa.id, r.t1.id}, .size = 4});
          }) == "tables[0]");
    CHECK(error_of([&] { r.base.customer("ada").declare_table_combination(
                             {.service = r.dinner.id, .tables = {r.t1.id, r.t2.id}, .size = 8}); })
              .code() == Errc::permission_denied);
    CHECK(error_of([&] { admin.remove_table_combination({"cmb_nope"}); }).code() == Errc::not_found);
}

// --- races -------------------------------------------------------------------

namespace {

// What the file says, read behind the adapter's back: every active party
// booking holds one table that seats it or exactly a declared combination
// that does, and no table is held by two active bookings at overlapping
// times. One line per problem.
std::vector<std::string> seating_problems(const std::string& path, const Trattoria& r, std::size_t& active) {
    RawDb db(path);
    std::vector<std::string> problems;
    std::map<std::string, int> size{{r.t1.id.value, 2}, {r.t2.id.value, 6}, {r.t3.id.value, 6},
                                    {r.t4.id.value, 4}, {r.t5.id.value, 4}};
    std::set<std::vector<std::string>> combos;
    std::map<std::vector<std::string>, int> combo_size;
    for (const auto& row : db.rows("SELECT tables, size FROM table_combinations")) {
        std::vector<std::string> tables;
        std::size_t p = 0;
        while (p < row[0].size()) {
            const auto colon = row[0].find(':', p);
            const auto n = std::stoul(row[0].substr(p, colon - p));
            tables.push_back(row[0].substr(colon + 1, n));
            p = colon + 1 + n;
        }
        std::sort(tables.begin(), tables.end());
        combo_size[tables] = std::stoi(row[1]);
    }
    struct Held {
        std::string booking, table;
        std::int64_t from, to;
    };
    std::vector<Held> held;
    const auto rows = db.rows("SELECT booking_id, party_size FROM bookings WHERE status = 'confirmed'");
    active = rows.size();
    for (const auto& b : rows) {
        std::vector<std::string> tables;
        for (const auto& h : db.rows("SELECT resource_id, occ_start, occ_end FROM booking_holds WHERE booking_id = '" +
                                     b[0] + "'")) {
            tables.push_back(h[0]);
            held.push_back({b[0], h[0], std::stoll(h[1]), std::stoll(h[2])});
        }
        std::sort(tables.begin(), tables.end());
        const int party = std::stoi(b[1]);
        const bool one_fits = tables.size() == 1 && size.count(tables[0]) && size[tables[0]] >= party;
        const bool combo_fits = combo_size.count(tables) && combo_size[tables] >= party;
        if (!one_fits && !combo_fits) {
            problems.push_back(b[0] + ": a party of " + b[1] + " holds " + std::to_string(tables.size()) +
                               " tables that are neither a table nor a combination seating it");
        }
    }
    for (std::size_t i = 0; i < held.size(); ++i) {
        for (std::size_t j = i + 1; j < held.size(); ++j) {
            const auto& a = held[i];
            const auto& b = held[j];
            if (a.booking != b.booking && a.table == b.table && a.from < b.to && b.from < a.to) {
                problems.push_back("double booked: " + a.booking + " and " + b.booking + " share " + a.table);
            }
        }
    }
    return problems;
}

// Party sizes one racer asks for, from its seed.
std::vector<int> parties_for(const std::string& who) {
    std::mt19937 rng(race_seed() ^ static_cast<unsigned>(std::hash<std::string>{}(who)));
    std::vector<int> out;
    for (int i = 0; i < 6; ++i) out.push_back(1 + static_cast<int>(rng() % 10));
    return out;
}

std::vector<std::string> race_parties(TenantScope& scope, const Trattoria& r, const std::string& who) {
    std::vector<std::string> out;
    for (int party : parties_for(who)) {
        try {
            scope.book({.service = r.dinner.id, .start = r.nine, .customer = {.name = who}, .seats = party});
            out.push_back("won");
        } catch (const Error& e) {
            out.push_back(e.code() == Errc::slot_unavailable ? "lost" : "failed: " + std::string(e.what()));
        }
    }
    return out;
}

std::string path_of(const Trattoria& r) { return (r.base.dir.path / "trattoria.db").string(); }

}  // namespace

TEST_CASE("eight threads seating parties at one start never hold a table twice, never a partial combination") {
    for (int round = 0; round < 3; ++round) {
        CAPTURE(round);
        Trattoria r;
        r.base.admin.declare_table_combination({.service = r.dinner.id, .tables = {r.t2.id, r.t5.id}, .size = 10});
        r.base.admin.declare_table_combination({.service = r.dinner.id, .tables = {r.t1.id, r.t4.id}, .size = 6});
        std::vector<std::vector<std::string>> answers(8);
        std::latch start(8);
        std::vector<std::thread> threads;
        for (int i = 0; i < 8; ++i) {
            threads.emplace_back([&, i] {
                const std::string who = "thread-" + std::to_string(i);
                auto scope = r.base.customer(who);
                start.arrive_and_wait();
                answers[static_cast<std::size_t>(i)] = race_parties(scope, r, who);
            });
        }
        for (auto& t : threads) t.join();
        const std::size_t won = count_wins(answers);
        std::size_t active = 0;
        for (const auto& p : seating_problems(path_of(r), r, active)) FAIL_CHECK(p);
        CHECK(active == won);
        CHECK(won > 0);
        CHECK(won <= 5);  // five tables
    }
}

TEST_CASE("eight processes seating parties at one start never hold a table twice, never a partial combination") {
    Trattoria r;
    r.base.admin.declare_table_combination({.service = r.dinner.id, .tables = {r.t2.id, r.t5.id}, .size = 10});
    const auto path = path_of(r);
    TempDir reports;
    ForkedRacers children(8, [&](int i) -> std::function<int()> {
        const std::string who = "process-" + std::to_string(i);
        auto engine = std::make_shared<Engine>(open_sqlite({.path = path}), fixed_clock(at("2026-06-01T05:00:00Z")));
        auto scope = std::make_shared<TenantScope>(
            engine->scope({.tenant = r.base.tenant.id, .role = Role::customer, .subject = who}));
        const auto report = (reports.path / (who + ".txt")).string();
        return [engine, scope, &r, who, report] {
            std::ofstream out(report, std::ios::trunc);
            for (const auto& line : race_parties(*scope, r, who)) out << one_line(line) << "\n";
            out << "end\n";
            return 0;
        };
    });
    REQUIRE(children.wait_ready());
    children.open_gate();
    for (int code : children.wait_all()) CHECK(code == 0);
    std::size_t won = 0;
    for (int i = 0; i < 8; ++i) {
        std::ifstream in(reports.path / ("process-" + std::to_string(i) + ".txt"));
        std::string line;
        bool ended = false;
        while (std::getline(in, line)) {
            if (line == "end") ended = true;
            else if (line == "won") ++won;
            else if (line != "lost") FAIL_CHECK("process " << i << ": " << line);
        }
        CHECK(ended);
    }
    std::size_t active = 0;
    for (const auto& p : seating_problems(path, r, active)) FAIL_CHECK(p);
    CHECK(active == won);
    CHECK(won > 0);
}

TEST_CASE("the seating check sees a table held twice and a party at a table too small, planted behind the engine") {
    Trattoria r;
    r.book(2);
    r.book(6, "bob");
    std::size_t active = 0;
    CHECK(seating_problems(path_of(r), r, active).empty());
    CHECK(active == 2);
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open_v2(path_of(r).c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
        // Bob's party of 6 now holds the 2-top Ada holds.
        const std::string sql = "UPDATE booking_holds SET resource_id = '" + r.t1.id.value +
                                "' WHERE booking_id = (SELECT booking_id FROM bookings WHERE customer_name = 'bob')";
        CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    const auto problems = seating_problems(path_of(r), r, active);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0].find("a party of 6 holds 1 tables") != std::string::npos);
    CHECK(problems[1].starts_with("double booked: "));
}

// --- property: the engine's choice against a brute-force model ---------------

namespace {

// The model: of the tables free at the start, the smallest that seats the
// party (ties by id); else of every declared combination seating it whose
// tables are all free, the fewest seats, then fewest tables, then ids.
std::optional<std::vector<ResourceId>> model_choice(const std::vector<Resource>& tables,
                                                    const std::vector<TableCombination>& combos,
                                                    const std::set<ResourceId>& busy, int party) {
    std::optional<Resource> best;
    for (const auto& t : tables) {
        if (busy.count(t.id) || *t.size < party) continue;
        if (!best || *t.size < *best->size || (*t.size == *best->size && t.id < best->id)) best = t;
    }
    if (best) return std::vector<ResourceId>{best->id};
    std::optional<TableCombination> pick;
    for (const auto& c : combos) {
        if (c.size < party) continue;
        if (std::any_of(c.tables.begin(), c.tables.end(), [&](const ResourceId& id) { return busy.count(id) > 0; })) {
            continue;
        }
        const auto key = [](const TableCombination& x) { return std::make_tuple(x.size, x.tables.size(), x.tables); };
        if (!pick || key(c) < key(*pick)) pick = c;
    }
    if (pick) return pick->tables;
    return std::nullopt;
}

}  // namespace

TEST_CASE("property: in random restaurants the engine seats a party where the brute-force model does, "
          "and availability agrees with book()") {
    std::mt19937 rng(race_seed());
    ManualClock clock;
    clock.set(at("2026-06-01T05:00:00Z"));
    Engine engine(open_sqlite({.path = ":memory:"}), clock.clock());
    const Instant nine = at("2026-06-05T19:00:00Z");
    int seated = 0, refused = 0, combined = 0;
    for (int round = 0; round < 400; ++round) {
        CAPTURE(round);
        const auto tenant = engine.create_tenant("R" + std::to_string(round));
        auto admin = engine.scope({.tenant = tenant.id, .role = Role::admin, .subject = "owner"});
        std::vector<Resource> tables;
        const int n = 2 + static_cast<int>(rng() % 5);
        for (int i = 0; i < n; ++i) {
            const int size = 2 * (1 + static_cast<int>(rng() % 4));
            tables.push_back(admin.create_resource(
                {.name = "T" + std::to_string(i), .kind = ResourceKind::table, .timezone = "Europe/Rome", .size = size}));
            WeeklyHours week;
            week[date::Friday] = {{19h, 23h + 30min}};
            admin.set_weekly_hours(tables.back().id, week);
        }
        std::vector<ResourceId> ids;
        for (const auto& t : tables) ids.push_back(t.id);
        const auto dinner =
            admin.create_service({.name = "Dinner", .duration = 90min, .step = 30min, .resources = ids, .party = true});
        std::vector<TableCombination> combos;
        const int k = static_cast<int>(rng() % 4);
        for (int c = 0; c < k; ++c) {
            auto pick = ids;
            std::shuffle(pick.begin(), pick.end(), rng);
            pick.resize(std::min<std::size_t>(pick.size(), 2 + rng() % 2));
            const int size = 4 + static_cast<int>(rng() % 13);
            combos.push_back(admin.declare_table_combination({.service = dinner.id, .tables = pick, .size = size}));
        }
        // Some tables taken by earlier parties, overlapping 21:00 or not.
        std::set<ResourceId> busy;
        const Minutes offsets[] = {0min, -60min, 60min, -90min};
        for (const auto& t : tables) {
            if (rng() % 5 >= 2) continue;
            const Minutes off = offsets[rng() % 4];
            admin.book({.service = dinner.id, .start = nine + off, .resources = {t.id}, .customer = {.name = "early"},
                        .seats = 1});
            if (off != -90min) busy.insert(t.id);
        }
        const int party = 1 + static_cast<int>(rng() % 16);
        CAPTURE(party);
        const auto want = model_choice(tables, combos, busy, party);
        const auto slots = admin.availability(
            {.service = dinner.id, .from = day("2026-06-05"), .to = day("2026-06-05"), .seats = party});
        std::optional<std::vector<ResourceId>> offered;
        for (const auto& s : slots) {
            if (s.start == nine) offered = sorted(s.resources());
        }
        CHECK(offered == want);
        try {
            const auto b = admin.book({.service = dinner.id, .start = nine, .customer = {.name = "p"}, .seats = party});
            CHECK(want.has_value());
            CHECK(sorted(b.held_resources()) == want.value_or(std::vector<ResourceId>{}));
            ++seated;
            if (b.held_resources().size() > 1) ++combined;
        } catch (const Error& e) {
            CHECK(e.code() == Errc::slot_unavailable);
            CHECK_FALSE(want.has_value());
            ++refused;
        }
    }
    MESSAGE("seed " << race_seed() << ": " << seated << " seated (" << combined << " at combinations), " << refused
                    << " refused");
    CHECK(combined > 0);
    CHECK(refused > 0);
}

// A verified Stripe payment of 45.00 EUR for booking `b`.
static WebhookOutcome pay(Salon& s, const Booking& b, const std::string& event) {
    static const StripeProvider signer({.secret_key = "sk_test_salon", .webhook_secret = "whsec_salon"});
    const auto body = nlohmann::json{
        {"id", event}, {"object", "event"}, {"type", "checkout.session.completed"}, {"created", 1780290000},
        {"data", {{"object", {{"id", "cs_" + b.id.value}, {"object", "checkout.session"}, {"payment_status", "paid"},
                              {"payment_intent", "pi_" + b.id.value}, {"client_reference_id", b.id.value},
                              {"amount_total", 4500}, {"currency", "eur"},
                              {"metadata", {{"booking_id", b.id.value}}}}}}}}.dump();
    return s.admin.handle_stripe_webhook(body, {{"Stripe-Signature", signer.sign(body, s.engine.now())}});
}

TEST_CASE("a payment after the hold keeps a party at a combination only while every table of it is still free") {
    Trattoria r;
    auto& admin = r.base.admin;
    const auto deposit = admin.create_service({.name = "Dinner with deposit", .duration = 90min, .step = 30min,
                                               .price = 4500, .currency = "EUR", .hold = 15min,
                                               .resources = {r.t1.id, r.t2.id, r.t3.id, r.t4.id, r.t5.id},
                                               .party = true});
    admin.declare_table_combination({.service = deposit.id, .tables = {r.t3.id, r.t4.id}, .size = 10});
    const Instant seven = at("2026-06-05T17:00:00Z");
    const auto late = r.base.customer("ada").book(
        {.service = deposit.id, .start = r.nine, .customer = {.name = "ada"}, .seats = 10});
    const auto kept = r.base.customer("bob").book(
        {.service = deposit.id, .start = seven, .customer = {.name = "bob"}, .seats = 10});
    CHECK(sorted(late.held_resources()) == sorted({r.t3.id, r.t4.id}));
    r.base.time.advance(16min);  // both holds pass
    // Only T4 of the first is taken meanwhile; its T3 is still free.
    r.base.customer("cy").book({.service = r.dinner.id, .start = r.nine, .resources = {r.t4.id},
                                .customer = {.name = "cy"}, .seats = 2});
    pay(r.base, late, "evt_late");
    const auto refunded = admin.get_booking(late.id);
    CHECK(refunded.status == BookingStatus::expired);
    CHECK(refunded.payment_status == PaymentStatus::refund_due);
    pay(r.base, kept, "evt_kept");
    const auto confirmed = admin.get_booking(kept.id);
    CHECK(confirmed.status == BookingStatus::confirmed);
    CHECK(sorted(confirmed.held_resources()) == sorted({r.t3.id, r.t4.id}));
}

TEST_CASE("a party service is not booked as a weekly series: each party is seated at its own start") {
    Trattoria r;
    CHECK(field_of([&] {
              r.base.customer("ada").book_series({.service = r.dinner.id, .first_start = r.nine, .count = 4,
                                                  .customer = {.name = "ada"}, .seats = 2});
          }) == "service");
    CHECK(r.stored() == 0);
}
