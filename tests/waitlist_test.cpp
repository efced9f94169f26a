// Approval and the waitlist through the engine, each test the breakage it
// stops: a request that does not hold its slot, a customer approving itself,
// a checkout before approval, a freed seat that waits for a sweep, goes out
// of turn, is offered twice or over capacity, or is taken by someone else.
#include "support/engine_fixture.hpp"

#include <doctest/doctest.h>

#include <slotwise/sqlite.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

Customer person(const std::string& name) { return {.name = name, .email = name + "@example.com", .locale = "it"}; }

Error error_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no error thrown");
    return Error(Errc::storage_error, "unreachable");
}

bool offers(TenantScope& scope, const Service& svc, Instant start, int seats = 1) {
    for (const auto& s : scope.availability({.service = svc.id, .from = day("2026-06-01"), .to = day("2026-06-01"),
                                             .seats = seats})) {
        if (s.start == start) return true;
    }
    return false;
}

// The salon with a yoga studio of `seats` places: a free one-hour class.
struct Gym : Salon {
    Resource studio;
    Service yoga;
    TenantScope staff;
    explicit Gym(int seats = 3, const std::string& file = "gym.db") : Salon(file),
        staff(engine.scope({.tenant = tenant.id, .role = Role::staff, .subject = "sam"})) {
        studio = admin.create_resource({.name = "Studio", .kind = ResourceKind::room, .timezone = "Europe/Rome",
                                        .capacity = seats});
        WeeklyHours week;
        week[date::Monday] = {{9h, 13h}};
        admin.set_weekly_hours(studio.id, week);
        yoga = admin.create_service({.name = "Yoga", .duration = 60min, .resources = {studio.id}, .offer_time = 20min});
    }
};

const Instant nine = at("2026-06-01T07:00:00Z");  // Monday 09:00 in Rome

}  // namespace

TEST_CASE("a requested booking blocks its slot until confirmed, rejected or lapsed; a lapsed request blocks nothing") {
    Salon s;
    const auto svc = s.admin.update_service(s.cut.id, {.resources = std::vector<ResourceId>{s.anna.id},
                                                       .requires_confirmation = true, .request_expiry = 60min});
    auto ada = s.customer("ada");
    auto bo = s.customer("bo");
    auto staff = s.engine.scope({.tenant = s.tenant.id, .role = Role::staff, .subject = "sam"});
    const Instant ten = at("2026-06-01T08:00:00Z"), eleven = at("2026-06-01T09:00:00Z");

    const auto asked = ada.book({.service = svc.id, .start = nine, .customer = person("ada")});
    CHECK(asked.status == BookingStatus::requested);
    CHECK(staff.notifications(asked.id).at(0).kind == NotificationKind::booking_requested);
    CHECK_FALSE(offers(bo, svc, nine));
    CHECK(error_of([&] { bo.book({.service = svc.id, .start = nine, .customer = person("bo")}); }).code() ==
          Errc::slot_unavailable);
    CHECK(staff.confirm(asked.id).status == BookingStatus::confirmed);
    CHECK_FALSE(offers(bo, svc, nine));

    const auto turned = ada.book({.service = svc.id, .start = ten, .customer = person("ada")});
    CHECK_FALSE(offers(bo, svc, ten));
    CHECK(staff.reject(turned.id, "the stylist is ill").status == BookingStatus::rejected);
    CHECK(staff.notifications(turned.id).back().kind == NotificationKind::booking_rejected);
    CHECK(offers(bo, svc, ten));

    const auto lapsing = ada.book({.service = svc.id, .start = eleven, .customer = person("ada")});
    CHECK_FALSE(offers(bo, svc, eleven));
    s.time.advance(60min);
    CHECK(ada.get_booking(lapsing.id).status == BookingStatus::expired);
    CHECK(offers(bo, svc, eleven));
    CHECK(bo.book({.service = svc.id, .start = eleven, .customer = person("bo")}).status == BookingStatus::requested);
    // A lapsed request can no longer be approved.
    CHECK(error_of([&] { staff.confirm(lapsing.id); }).code() == Errc::invalid_transition);
}

TEST_CASE("a customer cannot confirm its own request, and staff of another tenant cannot see or confirm it") {
    Salon s;
    const auto svc = s.admin.update_service(s.cut.id, {.requires_confirmation = true});
    auto ada = s.customer("ada");
    const auto asked = ada.book({.service = svc.id, .start = nine, .customer = person("ada")});
    CHECK(error_of([&] { ada.confirm(asked.id); }).code() == Errc::permission_denied);
    CHECK(error_of([&] { ada.reject(asked.id); }).code() == Errc::permission_denied);
    const auto other = s.engine.create_tenant("Other salon");
    auto intruder = s.engine.scope({.tenant = other.id, .role = Role::admin, .subject = "owner"});
    CHECK(error_of([&] { intruder.confirm(asked.id); }).code() == Errc::not_found);
    CHECK(error_of([&] { intruder.get_booking(asked.id); }).code() == Errc::not_found);
    CHECK(ada.get_booking(asked.id).status == BookingStatus::requested);
}

TEST_CASE("a paid service that requires confirmation takes no checkout before approval; the hold starts at approval") {
    Salon s;
    const auto svc = s.admin.update_service(s.colour.id, {.requires_confirmation = true});
    auto ada = s.customer("ada");
    auto staff = s.engine.scope({.tenant = s.tenant.id, .role = Role::staff, .subject = "sam"});
    const auto asked = ada.book({.service = svc.id, .start = nine, .customer = person("ada")});
    CHECK(asked.status == BookingStatus::requested);
    CHECK(asked.payment_status == PaymentStatus::none);
    int calls = 0;
    const HttpTransport http = [&](const HttpRequest&) -> HttpResponse {
        ++calls;
        return {.status = 500, .body = "{}"};
    };
    CHECK(error_of([&] { ada.start_checkout(asked.id, "https://a.example/ok", "https://a.example/no", http); }).code() ==
          Errc::invalid_transition);
    CHECK(calls == 0);
    s.time.advance(40min);
    const auto approved = staff.confirm(asked.id);
    CHECK(approved.status == BookingStatus::pending);
    CHECK(approved.payment_status == PaymentStatus::pending);
    CHECK(approved.hold_expires_at == s.engine.now() + svc.hold);
    CHECK(approved.amount_due == 4500);
}

TEST_CASE("a cancellation offers the seat to the first waiting customer in the same transaction") {
    Gym g;
    std::vector<Booking> taken;
    for (const char* who : {"a", "b", "c"}) {
        taken.push_back(g.customer(who).book({.service = g.yoga.id, .start = nine, .customer = person(who)}));
    }
    auto dan = g.customer("dan");
    auto eve = g.customer("eve");
    const auto first = dan.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("dan")});
    const auto second = eve.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("eve")});
    CHECK(first.position == 1);
    CHECK(second.position == 2);
    CHECK(first.status == WaitlistStatus::waiting);
    g.customer("a").cancel(taken[0].id);
    // Read straight from the file by another store, right after the commit:
    // no sweep has run.
    auto other = open_sqlite({.path = (g.dir.path / "gym.db").string()});
    auto tx = other->read();
    const auto offered = tx->waitlist_entry(g.tenant.id, first.id);
    REQUIRE(offered);
    CHECK(offered->status == WaitlistStatus::offered);
    REQUIRE(offered->offer);
    const auto b = tx->booking(g.tenant.id, *offered->offer);
    REQUIRE(b);
    CHECK(b->status == BookingStatus::offered);
    CHECK(b->created_by == "dan");
    CHECK(b->hold_expires_at == g.engine.now() + 20min);
    const auto told = tx->notifications(g.tenant.id, b->id);
    REQUIRE(told.size() == 1);
    CHECK(told[0].kind == NotificationKind::waitlist_offer);
    CHECK(tx->waitlist_entry(g.tenant.id, second.id)->position == 1);
    CHECK(tx->waitlist_entry(g.tenant.id, second.id)->status == WaitlistStatus::waiting);
    // The offer holds the seat: the class is full again.
    CHECK_FALSE(offers(eve, g.yoga, nine));
    // The offered customer takes it.
    CHECK(dan.accept_offer(b->id).status == BookingStatus::confirmed);
}

TEST_CASE("a larger party waiting first is skipped when the freed seat does not fit it") {
    Gym g;
    const auto one = g.customer("a").book({.service = g.yoga.id, .start = nine, .customer = person("a")});
    (void)g.customer("b").book({.service = g.yoga.id, .start = nine, .customer = person("b"), .seats = 2});
    auto pat = g.customer("pat");
    auto sol = g.customer("sol");
    const auto party = pat.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("pat"), .seats = 2});
    const auto single = sol.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("sol")});
    g.customer("a").cancel(one.id);
    CHECK(pat.get_waitlist_entry(party.id).status == WaitlistStatus::waiting);
    CHECK(pat.get_waitlist_entry(party.id).position == 1);
    const auto got = sol.get_waitlist_entry(single.id);
    CHECK(got.status == WaitlistStatus::offered);
    REQUIRE(got.offer);
    CHECK(sol.get_booking(*got.offer).status == BookingStatus::offered);
}

TEST_CASE("a lapsed offer passes to the next in line at the next take_notifications()") {
    Gym g(1);
    const auto held = g.customer("a").book({.service = g.yoga.id, .start = nine, .customer = person("a")});
    auto dan = g.customer("dan");
    auto eve = g.customer("eve");
    const auto d = dan.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("dan")});
    const auto e = eve.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("eve")});
    g.customer("a").cancel(held.id);
    const auto dans = *dan.get_waitlist_entry(d.id).offer;
    g.time.advance(20min);
    CHECK(dan.get_booking(dans).status == BookingStatus::expired);
    CHECK(eve.get_waitlist_entry(e.id).status == WaitlistStatus::waiting);
    const auto sent = g.engine.take_notifications(100);
    const auto entry = eve.get_waitlist_entry(e.id);
    CHECK(entry.status == WaitlistStatus::offered);
    REQUIRE(entry.offer);
    const bool told = std::any_of(sent.begin(), sent.end(), [&](const Notification& n) {
        return n.booking == *entry.offer && n.kind == NotificationKind::waitlist_offer;
    });
    CHECK(told);
    // The lapsed offer cannot be taken any more.
    CHECK(error_of([&] { dan.accept_offer(dans); }).code() == Errc::invalid_transition);
    // A second sweep passes nothing on twice.
    (void)g.engine.take_notifications(100);
    const auto list = g.staff.bookings({.status = BookingStatus::offered});
    CHECK(list.size() == 1);
}

TEST_CASE("only the customer an offer was made to can accept it; to another customer it reads as an unknown id") {
    Gym g(1);
    const auto held = g.customer("a").book({.service = g.yoga.id, .start = nine, .customer = person("a")});
    auto dan = g.customer("dan");
    const auto d = dan.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("dan")});
    g.customer("a").cancel(held.id);
    const auto offer = *dan.get_waitlist_entry(d.id).offer;
    auto eve = g.customer("eve");
    // The same answer as for an id that was never made: nothing says it exists.
    const auto theirs = error_of([&] { eve.accept_offer(offer); });
    const auto none = error_of([&] { eve.accept_offer({"bkg_000000000000000000000000"}); });
    CHECK(theirs.code() == Errc::not_found);
    CHECK(std::string(theirs.what()) == none.what());
    CHECK(error_of([&] { g.staff.accept_offer(offer); }).code() == Errc::permission_denied);
    CHECK(dan.accept_offer(offer).status == BookingStatus::confirmed);
}

TEST_CASE("the waitlist is no way around a customer's policy: seats and horizon when joining, upcoming bookings when "
          "accepting") {
    Gym g(20);
    g.admin.set_policy({.max_active_per_customer = 2, .customer_horizon = std::chrono::days{30},
                        .max_seats_per_customer_booking = 8});
    (void)g.staff.book({.service = g.yoga.id, .start = nine, .customer = person("crowd"), .seats = 20});
    auto dan = g.customer("dan");
    const auto seats = error_of([&] {
        dan.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("dan"), .seats = 15});
    });
    CHECK(seats.code() == Errc::quota_exceeded);
    CHECK(seats.field() == "max_seats_per_customer_booking");
    const Instant far = nine + std::chrono::days{35};  // a Monday past the horizon
    (void)g.staff.book({.service = g.yoga.id, .start = far, .customer = person("crowd"), .seats = 20});
    const auto horizon = error_of([&] {
        dan.join_waitlist({.service = g.yoga.id, .start = far, .customer = person("dan")});
    });
    CHECK(horizon.code() == Errc::quota_exceeded);
    CHECK(horizon.field() == "customer_horizon");
    // In line with one upcoming booking; two by the time the seat is offered.
    (void)dan.book({.service = g.yoga.id, .start = nine + 1h, .customer = person("dan")});
    const auto entry = dan.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("dan")});
    (void)dan.book({.service = g.yoga.id, .start = nine + 2h, .customer = person("dan")});
    g.admin.set_policy({.max_active_per_customer = 2});
    const auto crowd = g.staff.bookings({.from = nine, .to = nine + 1min});
    REQUIRE(crowd.size() == 1);
    g.staff.cancel(crowd[0].id);
    const auto offer = dan.get_waitlist_entry(entry.id).offer;
    REQUIRE(offer);
    const auto over = error_of([&] { dan.accept_offer(*offer); });
    CHECK(over.code() == Errc::quota_exceeded);
    CHECK(over.field() == "max_active_per_customer");
    CHECK(dan.get_booking(*offer).status == BookingStatus::offered);
    // Within the cap (the offer itself aside), it is taken.
    g.admin.set_policy({.max_active_per_customer = 3});
    CHECK(dan.accept_offer(*offer).status == BookingStatus::confirmed);
}

TEST_CASE("a deactivated resource or service takes no booking from the waitlist either") {
    for (const bool whole_service : {false, true}) {
        CAPTURE(whole_service);
        Gym g(1);
        const auto held = g.customer("a").book({.service = g.yoga.id, .start = nine, .customer = person("a")});
        auto dan = g.customer("dan");
        const auto d = dan.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("dan")});
        if (whole_service) {
            g.admin.deactivate_service(g.yoga.id);
        } else {
            g.admin.deactivate_resource(g.studio.id);
        }
        g.customer("a").cancel(held.id);
        CHECK(dan.get_waitlist_entry(d.id).status == WaitlistStatus::waiting);
        CHECK(g.staff.bookings({.status = BookingStatus::offered}).empty());
        // Nor does a new place in line: refused as book() refuses it.
        const auto joined = error_of([&] {
            g.customer("eve").join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("eve")});
        });
        CHECK(joined.code() == Errc::slot_unavailable);
        CHECK(joined.field() == (whole_service ? "service" : "resource"));
    }
}

TEST_CASE("book() of a group whose every resource is deactivated is refused as deactivated, naming resource") {
    Gym g(3);
    g.admin.deactivate_resource(g.studio.id);
    auto dan = g.customer("dan");
    const auto unpinned = error_of([&] { dan.book({.service = g.yoga.id, .start = nine, .customer = person("dan")}); });
    CHECK(unpinned.code() == Errc::slot_unavailable);
    CHECK(unpinned.field() == "resource");
    const auto pinned = error_of([&] {
        dan.book({.service = g.yoga.id, .start = nine, .resource = g.studio.id, .customer = person("dan")});
    });
    CHECK(pinned.code() == Errc::slot_unavailable);
    CHECK(pinned.field() == "resource");
}

TEST_CASE("erasing a customer takes its places out of line: no seat is offered to it, and no copy of it comes back") {
    Gym g(1);
    const auto held = g.customer("a").book({.service = g.yoga.id, .start = nine, .customer = person("a")});
    auto bob = g.customer("bob");
    auto eve = g.customer("eve");
    const Customer secret{.name = "Bob Secret", .email = "bob.secret@example.com", .phone = "+39 333 1234567",
                          .locale = "it"};
    const auto b = bob.join_waitlist({.service = g.yoga.id, .start = nine, .customer = secret});
    const auto e = eve.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("eve")});
    CHECK(g.admin.erase_customer("bob") == 0);  // no booking of its own
    const auto gone = g.admin.get_waitlist_entry(b.id);
    CHECK(gone.status == WaitlistStatus::left);
    CHECK(gone.customer.name.empty());
    CHECK(gone.customer.email.empty());
    CHECK(gone.customer.phone.empty());
    g.customer("a").cancel(held.id);
    // The seat goes to the next in line, never to the forgotten customer.
    CHECK(eve.get_waitlist_entry(e.id).status == WaitlistStatus::offered);
    for (const auto& booking : g.staff.bookings({})) CHECK(booking.customer.email != secret.email);
}

TEST_CASE("joining the waitlist of a start that is offered is refused naming start; the line is bounded per customer") {
    Gym g(2);
    auto dan = g.customer("dan");
    const auto refused = error_of([&] { dan.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("dan")}); });
    CHECK(refused.code() == Errc::invalid_argument);
    CHECK(refused.field() == "start");
    (void)g.customer("a").book({.service = g.yoga.id, .start = nine, .customer = person("a"), .seats = 2});
    (void)g.customer("b").book({.service = g.yoga.id, .start = nine + 1h, .customer = person("b"), .seats = 2});
    g.admin.set_policy({.max_waitlist_per_customer = 1});
    const auto in_line = dan.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("dan")});
    const auto over = error_of([&] { dan.join_waitlist({.service = g.yoga.id, .start = nine + 1h, .customer = person("dan")}); });
    CHECK(over.code() == Errc::quota_exceeded);
    CHECK(over.field() == "max_waitlist_per_customer");
    // Leaving frees the place in line; another customer's entry is not found.
    CHECK(error_of([&] { g.customer("eve").leave_waitlist(in_line.id); }).code() == Errc::not_found);
    CHECK(dan.leave_waitlist(in_line.id).status == WaitlistStatus::left);
    CHECK(dan.join_waitlist({.service = g.yoga.id, .start = nine + 1h, .customer = person("dan")}).position == 1);
}

TEST_CASE("a rejected request's seat goes to the waitlist in the same transaction") {
    Gym g(1);
    g.admin.update_service(g.yoga.id, {.requires_confirmation = true});
    const auto asked = g.customer("a").book({.service = g.yoga.id, .start = nine, .customer = person("a")});
    auto dan = g.customer("dan");
    const auto d = dan.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("dan")});
    g.staff.reject(asked.id);
    CHECK(dan.get_waitlist_entry(d.id).status == WaitlistStatus::offered);
}

namespace {

// A class of `seats` places, all taken, and `waiting` customers in line, on
// a file; the bookings to cancel and the entries in join order.
struct FullClass {
    std::vector<BookingId> booked{};
    std::vector<WaitlistEntryId> line{};
    TenantId tenant{};
};

FullClass fill(Gym& g, int seats, int waiting) {
    FullClass out{.tenant = g.tenant.id};
    for (int i = 0; i < seats; ++i) {
        const auto who = "c" + std::to_string(i);
        out.booked.push_back(g.customer(who).book({.service = g.yoga.id, .start = nine, .customer = person(who)}).id);
    }
    for (int i = 0; i < waiting; ++i) {
        const auto who = "w" + std::to_string(i);
        out.line.push_back(g.customer(who).join_waitlist({.service = g.yoga.id, .start = nine, .customer = person(who)}).id);
    }
    return out;
}

// Cancels `ids` as staff through an engine of its own on `path`.
void cancel_all(const std::string& path, const TenantId& t, Instant now, const std::vector<BookingId>& ids) {
    Engine e(open_sqlite({.path = path}), [now] { return now; });
    auto staff = e.scope({.tenant = t, .role = Role::staff, .subject = "racer"});
    for (const auto& id : ids) {
        for (int attempt = 0;; ++attempt) {
            try {
                staff.cancel(id);
                break;
            } catch (const Error& err) {
                if (err.code() != Errc::storage_busy || attempt > 50) throw;
            }
        }
    }
}

}  // namespace

TEST_CASE("threads and processes cancelling one full class at once offer each freed seat once, in join order, never over capacity") {
    constexpr int seats = 8, waiting = 12, processes = 4, threads = 4;
    FullClass cls;
    TempDir keep;
    const std::string path = (keep.path / "race.db").string();
    Instant now;
    {
        Gym g(seats, "race.db");
        cls = fill(g, seats, waiting);
        now = g.engine.now();
        // The racers (forked first) open their own copy: no process inherits
        // an open connection. The log goes with the file, so nothing is lost.
        const auto from = (g.dir.path / "race.db").string();
        std::filesystem::copy_file(from, path);
        if (std::filesystem::exists(from + "-wal")) std::filesystem::copy_file(from + "-wal", path + "-wal");
    }
    // One booking per racer: half the racers are processes, half threads.
    std::vector<pid_t> children;
    for (int p = 0; p < processes; ++p) {
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            try {
                cancel_all(path, cls.tenant, now, {cls.booked[static_cast<std::size_t>(p)]});
                _exit(0);
            } catch (...) {
                _exit(1);
            }
        }
        children.push_back(pid);
    }
    std::vector<std::thread> racers;
    std::atomic<int> failures{0};
    for (int i = 0; i < threads; ++i) {
        racers.emplace_back([&, i] {
            try {
                cancel_all(path, cls.tenant, now, {cls.booked[static_cast<std::size_t>(processes + i)]});
            } catch (...) {
                ++failures;
            }
        });
    }
    for (auto& t : racers) t.join();
    for (const pid_t pid : children) {
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }
    CHECK(failures == 0);
    auto store = open_sqlite({.path = path});
    auto tx = store->read();
    std::set<std::string> offered_bookings;
    for (std::size_t i = 0; i < cls.line.size(); ++i) {
        const auto e = tx->waitlist_entry(cls.tenant, cls.line[i]);
        REQUIRE(e);
        CAPTURE(i);
        // The first `seats` in line got an offer each, the rest still wait.
        CHECK(e->status == (i < seats ? WaitlistStatus::offered : WaitlistStatus::waiting));
        if (e->offer) offered_bookings.insert(e->offer->value);
    }
    CHECK(offered_bookings.size() == seats);  // each freed seat offered once
    int held = 0;
    for (const auto& b : tx->bookings(cls.tenant, {.now = now, .limit = 1000})) {
        if (b.active_at(now)) held += b.seats;
    }
    CHECK(held == seats);  // never over capacity, none left idle
}

TEST_CASE("requests, rejections and offers are written in the customer's language, without a calendar invitation") {
    Gym g(1);
    const auto held = g.customer("a").book({.service = g.yoga.id, .start = nine, .customer = person("a")});
    auto dan = g.customer("dan");
    (void)dan.join_waitlist({.service = g.yoga.id, .start = nine, .customer = person("dan")});  // locale "it"
    g.customer("a").cancel(held.id);
    const auto svc = g.admin.update_service(g.cut.id, {.requires_confirmation = true});
    Customer en = person("bo");
    en.locale = "en";
    const auto asked = g.customer("bo").book({.service = svc.id, .start = nine, .customer = en});
    g.staff.reject(asked.id);
    bool offer = false, requested = false, rejected = false;
    for (const auto& n : g.engine.take_notifications(100)) {
        if (n.kind == NotificationKind::waitlist_offer) {
            offer = true;
            CHECK(n.subject.find("Si è liberato un posto: Yoga") == 0);
            CHECK(n.body.find("fino alle 07:20") != std::string::npos);  // now (07:00 in Rome) + the 20-minute offer
            CHECK(n.ics.empty());
        } else if (n.kind == NotificationKind::booking_requested) {
            requested = true;
            CHECK(n.subject.find("Request received: Cut") == 0);
            CHECK(n.ics.empty());
        } else if (n.kind == NotificationKind::booking_rejected) {
            rejected = true;
            CHECK(n.subject.find("Request declined: Cut") == 0);
            CHECK(n.ics.empty());
        }
    }
    CHECK(offer);
    CHECK(requested);
    CHECK(rejected);
}
