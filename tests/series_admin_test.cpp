// Series and administration (issue 11, items 5 and 8), each test written as
// the breakage it stops: a series that drifts with UTC across DST or shifts a
// nonexistent local time, one that is half-written or slips past a quota; a
// deactivated resource or service that still takes bookings; an erasure that
// leaves a customer's name in the file, its WAL or another tenant; and
// overlapping series raced by threads and processes.
#include "support/errors.hpp"
#include "support/race_fixture.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <latch>
#include <thread>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

// A studio in Rome open every day 00:00-24:00, a free 60-minute class.
struct Studio {
    TempDir dir;
    ManualClock time;
    Engine engine;
    Tenant tenant;
    TenantScope admin;
    Resource room;
    Service lesson;

    explicit Studio(const char* now)
        : engine(open_sqlite({.path = (dir.path / "studio.db").string()}), EngineOptions{.clock = set(now)}),
          tenant(engine.create_tenant("Studio")),
          admin(engine.scope({.tenant = tenant.id, .role = Role::admin, .subject = "owner"})) {
        room = admin.create_resource({.name = "Room", .timezone = "Europe/Rome"});
        WeeklyHours week;
        for (auto& d : week.days) d = {{0min, 24h}};
        admin.set_weekly_hours(room.id, week);
        lesson = admin.create_service({.name = "Lesson", .duration = 60min, .step = 30min, .resources = {room.id}});
    }
    Clock set(const char* now) {
        time.set(at(now));
        return time.clock();
    }
    TenantScope customer(const std::string& subject) {
        return engine.scope({.tenant = tenant.id, .role = Role::customer, .subject = subject});
    }
    std::size_t stored() { return admin.bookings({.limit = 1000}).size(); }
};

std::string local_hhmm(const Instant t) {
    return date::format("%H:%M", locate_zone("Europe/Rome")->to_local(t));
}

std::vector<Instant> starts(const std::vector<Booking>& list) {
    std::vector<Instant> out;
    for (const auto& b : list) out.push_back(b.interval.begin);
    return out;
}

}  // namespace

TEST_CASE("a weekly series across Rome's spring and autumn DST changes keeps 10:00 local while the UTC hour moves") {
    Studio s("2026-03-01T00:00:00Z");
    auto ada = s.customer("ada");
    // March: 10:00 CET is 09:00Z until 29 March, then 10:00 CEST is 08:00Z.
    auto spring = ada.book_series({.service = s.lesson.id, .first_start = at("2026-03-16T09:00:00Z"), .every_weeks = 1,
                                   .count = 4, .customer = {.name = "Ada"}});
    CHECK(starts(spring.bookings) == std::vector<Instant>{at("2026-03-16T09:00:00Z"), at("2026-03-23T09:00:00Z"),
                                                         at("2026-03-30T08:00:00Z"), at("2026-04-06T08:00:00Z")});
    CHECK(spring.skipped.empty());
    for (const auto& b : spring.bookings) {
        CHECK(local_hhmm(b.interval.begin) == "10:00");
        CHECK(b.series == spring.id);
        CHECK(b.status == BookingStatus::confirmed);
        CHECK(ada.get_booking(b.id).series == spring.id);
    }
    // October, every two weeks: 10:00 CEST is 08:00Z, after 25 October 09:00Z.
    s.time.set(at("2026-09-20T00:00:00Z"));
    auto autumn = ada.book_series({.service = s.lesson.id, .first_start = at("2026-10-12T08:00:00Z"), .every_weeks = 2,
                                   .count = 3, .customer = {.name = "Ada"}});
    CHECK(starts(autumn.bookings) == std::vector<Instant>{at("2026-10-12T08:00:00Z"), at("2026-10-26T09:00:00Z"),
                                                         at("2026-11-09T09:00:00Z")});
    CHECK(s.admin.bookings({.limit = 1000, .series = autumn.id}).size() == 3);
}

TEST_CASE("a series whose local time does not exist one week (the spring gap) never books a shifted start there") {
    Studio s("2026-03-01T00:00:00Z");
    auto ada = s.customer("ada");
    // Sunday 02:30 in Rome: on 29 March 2026 the clocks jump from 02:00 to 03:00.
    const SeriesRequest r{.service = s.lesson.id, .first_start = at("2026-03-22T01:30:00Z"), .every_weeks = 1,
                          .count = 3, .customer = {.name = "Ada"}};
    CHECK(code_of([&] { ada.book_series(r); }) == Errc::slot_unavailable);
    CHECK(s.stored() == 0);
    auto partial = r;
    partial.partial = true;
    const auto made = ada.book_series(partial);
    CHECK(starts(made.bookings) == std::vector<Instant>{at("2026-03-22T01:30:00Z"), at("2026-04-05T00:30:00Z")});
    // Reported as the instant the gap ends (03:00 CEST), and not booked there.
    CHECK(made.skipped == std::vector<Instant>{at("2026-03-29T01:00:00Z")});
    CHECK(s.stored() == 2);
}

TEST_CASE("all or nothing: one taken occurrence refuses the whole series, naming its start, and writes nothing") {
    Studio s("2026-05-20T00:00:00Z");
    auto grace = s.customer("grace");
    auto ada = s.customer("ada");
    grace.book({.service = s.lesson.id, .start = at("2026-06-15T08:00:00Z"), .customer = {.name = "Grace"}});
    const SeriesRequest r{.service = s.lesson.id, .first_start = at("2026-06-01T08:00:00Z"), .every_weeks = 1,
                          .count = 4, .customer = {.name = "Ada"}};
    try {
        ada.book_series(r);
        FAIL("booked a series over a taken occurrence");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::slot_unavailable);
        CHECK(e.field() == "start");
        CHECK(std::string(e.what()).find("2026-06-15T08:00:00Z") != std::string::npos);
    }
    CHECK(s.stored() == 1);
    CHECK(ada.bookings({}).empty());

    SUBCASE("partial books the free ones and lists exactly the taken one") {
        auto partial = r;
        partial.partial = true;
        const auto made = ada.book_series(partial);
        CHECK(starts(made.bookings) == std::vector<Instant>{at("2026-06-01T08:00:00Z"), at("2026-06-08T08:00:00Z"),
                                                           at("2026-06-22T08:00:00Z")});
        CHECK(made.skipped == std::vector<Instant>{at("2026-06-15T08:00:00Z")});
        CHECK(s.stored() == 4);
        SUBCASE("a retry with the key returns the series it made") {
            auto keyed = partial;
            keyed.idempotency_key = "weekly-1";
            keyed.first_start = at("2026-06-01T10:00:00Z");
            const auto first = ada.book_series(keyed);
            const auto again = ada.book_series(keyed);
            CHECK(again.id == first.id);
            CHECK(starts(again.bookings) == starts(first.bookings));
            CHECK(again.skipped == first.skipped);
            keyed.count = 2;
            CHECK(code_of([&] { ada.book_series(keyed); }) == Errc::idempotency_mismatch);
        }
    }
}

TEST_CASE("a series is bounded and checked field by field") {
    Studio s("2026-05-20T00:00:00Z");
    SeriesRequest r{.service = s.lesson.id, .first_start = at("2026-06-01T08:00:00Z"), .customer = {.name = "Ada"}};
    r.count = max_series_count + 1;
    CHECK(field_of([&] { s.admin.book_series(r); }) == "count");
    r.count = 0;
    CHECK(field_of([&] { s.admin.book_series(r); }) == "count");
    r.count = 2;
    r.every_weeks = 0;
    CHECK(field_of([&] { s.admin.book_series(r); }) == "every_weeks");
    CHECK(s.stored() == 0);
}

TEST_CASE("a customer's series never exceeds the tenant's quotas, counting its own occurrences") {
    Studio s("2026-03-01T00:00:00Z");
    TenantPolicy p;
    p.max_active_per_customer = 3;
    s.admin.set_policy(p);
    auto ada = s.customer("ada");
    SeriesRequest r{.service = s.lesson.id, .first_start = at("2026-03-02T08:00:00Z"), .count = 4,
                    .customer = {.name = "Ada"}};
    CHECK(code_of([&] { ada.book_series(r); }) == Errc::quota_exceeded);
    r.partial = true;
    CHECK(code_of([&] { ada.book_series(r); }) == Errc::quota_exceeded);
    CHECK(s.stored() == 0);
    r.count = 3;
    CHECK(ada.book_series(r).bookings.size() == 3);
    // Beyond the customer horizon (92 days) the series is refused as a whole.
    s.admin.set_policy(TenantPolicy{});
    r.first_start = at("2026-05-25T07:00:00Z");
    r.count = 6;
    CHECK(code_of([&] { ada.book_series(r); }) == Errc::quota_exceeded);
    CHECK(s.stored() == 3);
}

TEST_CASE("cancelling from an occurrence cancels it and the rest of its series, one occurrence alone is a plain cancel") {
    Studio s("2026-05-20T00:00:00Z");
    auto ada = s.customer("ada");
    const auto made = ada.book_series({.service = s.lesson.id, .first_start = at("2026-06-01T08:00:00Z"), .count = 4,
                                       .customer = {.name = "Ada"}});
    ada.cancel(made.bookings[0].id);
    const auto gone = ada.cancel_series_from(made.bookings[2].id);
    CHECK(starts(gone) == std::vector<Instant>{made.bookings[2].interval.begin, made.bookings[3].interval.begin});
    CHECK(ada.get_booking(made.bookings[1].id).status == BookingStatus::confirmed);
    for (int i : {0, 2, 3}) CHECK(ada.get_booking(made.bookings[static_cast<std::size_t>(i)].id).status == BookingStatus::cancelled);
    // Another customer sees no such series; a plain booking has none.
    CHECK(code_of([&] { s.customer("grace").cancel_series(made.id, at("2026-01-01T00:00:00Z")); }) == Errc::not_found);
    const auto single = ada.book({.service = s.lesson.id, .start = at("2026-07-01T08:00:00Z"), .customer = {.name = "Ada"}});
    CHECK(field_of([&] { ada.cancel_series_from(single.id); }) == "booking");
}

TEST_CASE("a customer cannot cancel the rest of a series past the cancel notice: none of it is cancelled") {
    Studio s("2026-03-01T00:00:00Z");
    s.admin.update_service(s.lesson.id, ServicePatch{.cancel_notice = 48h});
    auto ada = s.customer("ada");
    const auto made = ada.book_series({.service = s.lesson.id, .first_start = at("2026-03-02T08:00:00Z"), .count = 3,
                                       .customer = {.name = "Ada"}});
    s.time.set(at("2026-03-08T12:00:00Z"));  // 20 hours before the second
    CHECK(code_of([&] { ada.cancel_series(made.id, at("2026-03-08T00:00:00Z")); }) == Errc::permission_denied);
    CHECK(ada.get_booking(made.bookings[2].id).status == BookingStatus::confirmed);
    CHECK(s.admin.cancel_series(made.id, at("2026-03-08T00:00:00Z")).size() == 2);
}

TEST_CASE("a deactivated service is refused by book, book_series, reschedule and availability; its history stays") {
    Salon s;
    auto ada = s.customer("ada");
    const auto kept = ada.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = {.name = "Ada"}});
    const auto moved = ada.book({.service = s.cut.id, .start = at("2026-06-01T08:00:00Z"), .customer = {.name = "Ada"}});
    CHECK(code_of([&] { s.customer("ada").deactivate_service(s.cut.id); }) == Errc::permission_denied);
    CHECK_FALSE(s.admin.deactivate_service(s.cut.id).active);
    CHECK_FALSE(s.admin.get_service(s.cut.id).active);
    CHECK(ada.availability({.service = s.cut.id, .from = day("2026-06-02"), .to = day("2026-06-05")}).empty());
    CHECK(field_of([&] {
              ada.book({.service = s.cut.id, .start = at("2026-06-02T07:00:00Z"), .customer = {.name = "Ada"}});
          }) == "service");
    CHECK(field_of([&] {
              ada.book_series({.service = s.cut.id, .first_start = at("2026-06-02T07:00:00Z"), .count = 2,
                               .customer = {.name = "Ada"}, .partial = true});
          }) == "service");
    CHECK(field_of([&] { ada.reschedule(moved.id, at("2026-06-02T07:00:00Z")); }) == "service");
    // Kept, listed and still cancellable.
    CHECK(s.admin.bookings({}).size() == 2);
    CHECK(ada.cancel(kept.id).status == BookingStatus::cancelled);
    // A full replacement (update_service) does not reactivate it by the way.
    auto svc = s.admin.get_service(s.cut.id);
    svc.active = true;
    CHECK_FALSE(s.admin.update_service(svc).active);
    CHECK(s.admin.reactivate_service(s.cut.id).active);
    CHECK_FALSE(ada.availability({.service = s.cut.id, .from = day("2026-06-02"), .to = day("2026-06-02")}).empty());
}

TEST_CASE("a deactivated resource is offered nowhere and refused by book, book_series and reschedule onto it") {
    Salon s;
    auto ada = s.customer("ada");
    const auto on_anna =
        ada.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .resource = s.anna.id, .customer = {.name = "Ada"}});
    const auto on_bruno =
        ada.book({.service = s.cut.id, .start = at("2026-06-01T08:00:00Z"), .resource = s.bruno.id, .customer = {.name = "Ada"}});
    CHECK_FALSE(s.admin.deactivate_resource(s.anna.id).active);
    CHECK_FALSE(s.admin.get_resource(s.anna.id).active);
    const auto slots = ada.availability({.service = s.cut.id, .from = day("2026-06-02"), .to = day("2026-06-02")});
    REQUIRE_FALSE(slots.empty());
    for (const auto& slot : slots) CHECK(slot.resource == s.bruno.id);
    CHECK(ada.availability({.service = s.cut.id, .from = day("2026-06-02"), .to = day("2026-06-02"),
                            .resources = {s.anna.id}})
              .empty());
    // Colour is Anna's alone: nothing at all.
    CHECK(ada.availability({.service = s.colour.id, .from = day("2026-06-02"), .to = day("2026-06-02")}).empty());
    CHECK(field_of([&] {
              ada.book({.service = s.cut.id, .start = at("2026-06-02T07:00:00Z"), .resource = s.anna.id,
                        .customer = {.name = "Ada"}});
          }) == "resource");
    // Unpinned, the engine takes Bruno.
    CHECK(ada.book({.service = s.cut.id, .start = at("2026-06-02T07:00:00Z"), .customer = {.name = "Ada"}}).resource ==
          s.bruno.id);
    CHECK(field_of([&] {
              ada.book_series({.service = s.cut.id, .first_start = at("2026-06-03T07:00:00Z"), .count = 2,
                               .resource = s.anna.id, .customer = {.name = "Ada"}, .partial = true});
          }) == "resource");
    CHECK(field_of([&] { ada.reschedule(on_bruno.id, at("2026-06-03T07:00:00Z"), s.anna.id); }) == "resource");
    CHECK(field_of([&] { ada.reschedule(on_anna.id, at("2026-06-03T07:00:00Z")); }) == "resource");
    // History kept: listed under Anna, still cancellable.
    CHECK(s.admin.bookings({.resource = s.anna.id}).size() == 1);
    CHECK(ada.cancel(on_anna.id).status == BookingStatus::cancelled);
    CHECK(s.admin.reactivate_resource(s.anna.id).active);
    CHECK(ada.book({.service = s.cut.id, .start = at("2026-06-03T07:00:00Z"), .resource = s.anna.id,
                    .customer = {.name = "Ada"}})
              .resource == s.anna.id);
}

TEST_CASE("bookings() lists by payment status and by customer subject; a customer still sees only its own") {
    Salon s;
    auto ada = s.customer("ada");
    auto grace = s.customer("grace");
    const auto paid = ada.book({.service = s.colour.id, .start = at("2026-06-01T07:00:00Z"), .customer = {.name = "Ada"}});
    const auto free = ada.book({.service = s.cut.id, .start = at("2026-06-01T09:00:00Z"), .customer = {.name = "Ada"}});
    const auto hers = grace.book({.service = s.cut.id, .start = at("2026-06-01T10:00:00Z"), .customer = {.name = "G"}});
    const auto ids_of = [](const std::vector<Booking>& list) {
        std::vector<BookingId> out;
        for (const auto& b : list) out.push_back(b.id);
        return out;
    };
    CHECK(ids_of(s.admin.bookings({.payment_status = PaymentStatus::pending})) == std::vector<BookingId>{paid.id});
    CHECK(ids_of(s.admin.bookings({.payment_status = PaymentStatus::none})) == std::vector<BookingId>{free.id, hers.id});
    CHECK(ids_of(s.admin.bookings({.subject = "ada"})) == std::vector<BookingId>{paid.id, free.id});
    CHECK(ids_of(s.admin.bookings({.payment_status = PaymentStatus::none, .subject = "ada"})) ==
          std::vector<BookingId>{free.id});
    CHECK(ids_of(ada.bookings({.subject = "grace"})).empty());
    CHECK(ids_of(ada.bookings({.subject = "ada"})) == std::vector<BookingId>{paid.id, free.id});
    // Paged as before.
    const auto page = s.admin.bookings({.after = paid.id, .limit = 1, .subject = "ada"});
    CHECK(ids_of(page) == std::vector<BookingId>{free.id});
}

namespace {

std::string file_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("erase_customer leaves no byte of the name, email or phone in the SQLite file or its WAL") {
    Salon s;
    const auto db = s.dir.path / "salon.db";
    const std::string name = "Adalinda Qwertyson", email = "adalinda.q@example.org", phone = "+39 333 7654321";
    const Customer person{.name = name, .email = email, .phone = phone, .locale = "it"};
    auto ada = s.customer("ada");
    const auto first = ada.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = person,
                                 .idempotency_key = "req-1"});
    const auto moved = ada.book({.service = s.cut.id, .start = at("2026-06-01T08:00:00Z"), .customer = person});
    const auto paid = ada.book({.service = s.colour.id, .start = at("2026-06-02T07:00:00Z"), .customer = person});
    ada.book_series({.service = s.cut.id, .first_start = at("2026-06-03T07:00:00Z"), .count = 3, .customer = person});
    const auto moved_now = ada.reschedule(moved.id, at("2026-06-01T09:00:00Z"));
    ada.cancel(first.id);
    // Some notifications handed out and sent, others still queued.
    const auto taken = s.engine.take_notifications(3);
    REQUIRE_FALSE(taken.empty());
    s.engine.mark_notification_sent(taken.front().id);
    // Another tenant's customer under the same subject.
    const auto other = s.engine.create_tenant("Other");
    auto other_admin = s.engine.scope({.tenant = other.id, .role = Role::admin, .subject = "o"});
    const auto room = other_admin.create_resource({.name = "R", .timezone = "Europe/Rome"});
    WeeklyHours week;
    for (auto& d : week.days) d = {{0min, 24h}};
    other_admin.set_weekly_hours(room.id, week);
    const auto svc = other_admin.create_service({.name = "S", .duration = 30min, .resources = {room.id}});
    auto other_ada = s.engine.scope({.tenant = other.id, .role = Role::customer, .subject = "ada"});
    const Customer keep{.name = "Bartholomew Untouched", .email = "bart@example.net", .phone = "+1 555 0100"};
    const auto kept = other_ada.book({.service = svc.id, .start = at("2026-06-01T08:00:00Z"), .customer = keep});
    const auto before = file_bytes(db) + file_bytes(db.string() + "-wal");
    REQUIRE(before.find(name) != std::string::npos);
    REQUIRE(before.find(email) != std::string::npos);

    CHECK(code_of([&] { ada.erase_customer("ada"); }) == Errc::permission_denied);
    auto staff = s.engine.scope({.tenant = s.tenant.id, .role = Role::staff, .subject = "desk"});
    CHECK(code_of([&] { staff.erase_customer("ada"); }) == Errc::permission_denied);

    CHECK(s.admin.erase_customer("ada") == 6);
    const auto after = file_bytes(db) + file_bytes(db.string() + "-wal");
    CHECK(after.find(name) == std::string::npos);
    CHECK(after.find(email) == std::string::npos);
    CHECK(after.find(phone) == std::string::npos);
    CHECK(after.find("Adalinda") == std::string::npos);
    // What the business keeps: times, statuses, payments, occupancy.
    const auto list = s.admin.bookings({.subject = "ada"});
    CHECK(list.size() == 6);
    for (const auto& b : list) {
        CHECK(b.customer.name.empty());
        CHECK(b.customer.email.empty());
        CHECK(b.customer.phone.empty());
    }
    CHECK(s.admin.get_booking(paid.id).payment_status == PaymentStatus::pending);
    CHECK(s.admin.get_booking(first.id).status == BookingStatus::cancelled);
    CHECK(code_of([&] {
              s.customer("zoe").book({.service = s.cut.id, .start = at("2026-06-01T09:00:00Z"),
                                      .resource = moved_now.resource,
                                      .customer = {.name = "Zoe"}});
          }) == Errc::slot_unavailable);
    for (const auto& n : s.engine.take_notifications(100)) CHECK(n.to != email);
    // The other tenant's customer is untouched; a second erasure changes nothing.
    CHECK(other_ada.get_booking(kept.id).customer == keep);
    CHECK(s.admin.erase_customer("ada") == 6);
    CHECK(field_of([&] { s.admin.erase_customer(""); }) == "subject");
}

namespace {

// Racers try series of 4 weekly occurrences, each from week 0, 1 or 2 of
// one start time (so any two overlap in some week), at several start times.
constexpr int series_hours = 4;

SeriesRequest racer_series(const RaceSetup& s, int racer, int hour) {
    const Instant first = s.slots.front() + std::chrono::hours{hour} + std::chrono::days{7 * (racer % 3)};
    return {.service = s.service, .first_start = first, .every_weeks = 1, .count = 4,
            .customer = {.name = "Racer " + std::to_string(racer)}};
}

// Tries every start time; returns how many series it won, or 100 + the
// number of unexpected answers (anything but slot_unavailable).
int race_series(TenantScope& scope, const RaceSetup& s, int racer) {
    int won = 0;
    int unexpected = 0;
    for (int h = 0; h < series_hours; ++h) {
        try {
            const auto made = scope.book_series(racer_series(s, racer, h));
            if (made.bookings.size() == 4) {
                ++won;
            } else {
                ++unexpected;
            }
        } catch (const Error& e) {
            if (e.code() != Errc::slot_unavailable) ++unexpected;
        }
    }
    return unexpected ? 100 + unexpected : won;
}

// Every series in the file has all 4 occurrences; no instant is overbooked;
// as many series as the racers won.
void check_series_race(const RaceSetup& s, int won) {
    RawDb db(s.path);
    const auto per_series = db.rows("SELECT series_id, count(*) FROM bookings WHERE series_id <> '' GROUP BY series_id");
    CHECK(static_cast<int>(per_series.size()) == won);
    for (const auto& row : per_series) {
        CAPTURE(row[0]);
        CHECK(row[1] == "4");
    }
    CHECK(overbooked_instants(db, at(race_now)).empty());
    // Each start time went to at least one racer: the race was contended, not empty.
    CHECK(won >= series_hours);
}

}  // namespace

TEST_CASE("threads racing overlapping series: each series is all there or not at all, never over capacity") {
    TempDir dir;
    const auto setup = make_race_setup(dir.file("series.db"), 1, 1, Minutes{30});
    auto engine = std::make_shared<Engine>(open_sqlite({.path = setup.path}), fixed_clock(at(race_now)));
    constexpr int n = 6;
    std::vector<int> results(n, 0);
    std::latch go(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
        threads.emplace_back([&, i] {
            try {
                auto scope = engine->scope({.tenant = setup.tenant, .role = Role::customer,
                                            .subject = "thread-" + std::to_string(i)});
                go.arrive_and_wait();
                results[static_cast<std::size_t>(i)] = race_series(scope, setup, i);
            } catch (...) {
                results[static_cast<std::size_t>(i)] = 200;
            }
        });
    }
    for (auto& t : threads) t.join();
    int won = 0;
    for (const int r : results) {
        CHECK(r < 100);
        won += r;
    }
    engine.reset();
    check_series_race(setup, won);
}

TEST_CASE("processes racing overlapping series: each series is all there or not at all, never over capacity") {
    TempDir dir;
    const auto setup = make_race_setup(dir.file("series.db"), 1, 1, Minutes{30});
    constexpr int n = 6;
    std::vector<int> codes;
    {
        ForkedRacers racers(n, [&](int i) -> std::function<int()> {
            auto engine = std::make_shared<Engine>(open_sqlite({.path = setup.path}), fixed_clock(at(race_now)));
            auto scope = std::make_shared<TenantScope>(
                engine->scope({.tenant = setup.tenant, .role = Role::customer, .subject = "process-" + std::to_string(i)}));
            return [engine, scope, &setup, i] { return race_series(*scope, setup, i); };
        });
        REQUIRE(racers.wait_ready());
        racers.open_gate();
        codes = racers.wait_all();
    }
    int won = 0;
    for (const int c : codes) {
        CHECK(c < 100);
        won += c;
    }
    check_series_race(setup, won);
}
