#include "support/engine_fixture.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {
Customer ada() { return {.name = "Ada", .email = "ada@example.com", .locale = "en"}; }

template <class F>
Errc error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    FAIL("no error thrown");
    return Errc::storage_error;
}

template <class F>
std::string field_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        CHECK(e.code() == Errc::invalid_argument);
        return e.field();
    }
    FAIL("no error thrown");
    return {};
}
}  // namespace

TEST_CASE("availability offers every linked resource's slots sorted by start then resource") {
    Salon s;
    const auto slots = s.admin.availability({.service = s.cut.id, .from = day("2026-06-01"), .to = day("2026-06-01")});
    REQUIRE(slots.size() == 16);  // 8 starts x 2 stylists
    CHECK(slots[0].start == at("2026-06-01T07:00:00Z"));
    CHECK(slots[0].start == slots[1].start);
    CHECK(slots[0].resource < slots[1].resource);
}

TEST_CASE("a free booking is confirmed and takes its slot") {
    Salon s;
    auto c = s.customer("ada");
    const auto b = c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .resource = s.anna.id, .customer = ada()});
    CHECK(b.status == BookingStatus::confirmed);
    CHECK(b.payment_status == PaymentStatus::none);
    CHECK(b.interval == Interval{at("2026-06-01T07:00:00Z"), at("2026-06-01T07:30:00Z")});
    CHECK(c.get_booking(b.id) == b);
    const auto slots = c.availability({.service = s.cut.id, .from = day("2026-06-01"), .to = day("2026-06-01"),
                                       .resources = {s.anna.id}});
    CHECK(slots.front().start == at("2026-06-01T07:30:00Z"));
}

TEST_CASE("a second booking of the same slot is refused as slot_unavailable") {
    Salon s;
    auto c = s.customer("ada");
    c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .resource = s.anna.id, .customer = ada()});
    CHECK(error_of([&] {
              c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .resource = s.anna.id, .customer = ada()});
          }) == Errc::slot_unavailable);
}

TEST_CASE("without a resource, book picks a free linked resource") {
    Salon s;
    auto c = s.customer("ada");
    const auto first = c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = ada()});
    const auto second = c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = ada()});
    CHECK(first.resource != second.resource);
    CHECK(error_of([&] { c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = ada()}); }) ==
          Errc::slot_unavailable);
}

TEST_CASE("book accepts exactly the starts availability offers") {
    Salon s;
    auto c = s.customer("ada");
    for (const char* refused : {"2026-06-01T07:10:00Z",    // off the grid
                                "2026-06-01T10:45:00Z",    // ends after 13:00 local
                                "2026-06-06T08:00:00Z",    // Saturday: closed
                                "2026-06-01T05:00:00Z"}) { // before opening
        CAPTURE(refused);
        CHECK(error_of([&] { c.book({.service = s.cut.id, .start = at(refused), .customer = ada()}); }) ==
              Errc::slot_unavailable);
    }
    s.time.set(at("2026-06-01T08:10:00Z"));
    CHECK(error_of([&] { c.book({.service = s.cut.id, .start = at("2026-06-01T08:00:00Z"), .customer = ada()}); }) ==
          Errc::slot_unavailable);  // in the past
}

TEST_CASE("a paid booking is pending, holds its slot, then expires and stops blocking") {
    Salon s;
    auto c = s.customer("ada");
    const auto b = c.book({.service = s.colour.id, .start = at("2026-06-01T07:00:00Z"), .customer = ada()});
    CHECK(b.status == BookingStatus::pending);
    CHECK(b.payment_status == PaymentStatus::pending);
    REQUIRE(b.hold_expires_at);
    CHECK(*b.hold_expires_at == at("2026-06-01T05:15:00Z"));
    CHECK(error_of([&] { c.book({.service = s.colour.id, .start = at("2026-06-01T07:00:00Z"), .customer = ada()}); }) ==
          Errc::slot_unavailable);
    s.time.set(at("2026-06-01T05:15:00Z"));
    CHECK(c.get_booking(b.id).status == BookingStatus::expired);
    const auto again = c.book({.service = s.colour.id, .start = at("2026-06-01T07:00:00Z"), .customer = ada()});
    CHECK(again.status == BookingStatus::pending);
    CHECK(error_of([&] { c.cancel(b.id); }) == Errc::invalid_transition);
}

TEST_CASE("an idempotency key returns the original booking and refuses a different request") {
    Salon s;
    auto c = s.customer("ada");
    const BookingRequest req{.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = ada(), .idempotency_key = "req-1"};
    const auto first = c.book(req);
    CHECK(c.book(req) == first);
    auto other = req;
    other.start = at("2026-06-01T08:00:00Z");
    CHECK(error_of([&] { c.book(other); }) == Errc::idempotency_mismatch);
    CHECK(c.bookings({}).size() == 1);
}

TEST_CASE("cancel frees the slot and a cancelled booking cannot be cancelled again") {
    Salon s;
    auto c = s.customer("ada");
    const auto b = c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .resource = s.anna.id, .customer = ada()});
    CHECK(c.cancel(b.id).status == BookingStatus::cancelled);
    CHECK(c.get_booking(b.id).status == BookingStatus::cancelled);
    CHECK(error_of([&] { c.cancel(b.id); }) == Errc::invalid_transition);
    c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .resource = s.anna.id, .customer = ada()});
}

TEST_CASE("reschedule moves atomically and keeps the old slot when the new one is taken") {
    Salon s;
    auto c = s.customer("ada");
    auto d = s.customer("dan");
    const auto b = c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .resource = s.anna.id, .customer = ada()});
    d.book({.service = s.cut.id, .start = at("2026-06-01T08:00:00Z"), .resource = s.anna.id, .customer = {.name = "Dan"}});
    CHECK(error_of([&] { c.reschedule(b.id, at("2026-06-01T08:00:00Z")); }) == Errc::slot_unavailable);
    CHECK(c.get_booking(b.id).interval.begin == at("2026-06-01T07:00:00Z"));
    // Moving by less than its own length works: its old occupancy does not block it.
    const auto moved = c.reschedule(b.id, at("2026-06-01T07:15:00Z") + 15min);
    CHECK(moved.interval.begin == at("2026-06-01T07:30:00Z"));
    const auto to_bruno = c.reschedule(b.id, at("2026-06-01T08:00:00Z"), s.bruno.id);
    CHECK(to_bruno.resource == s.bruno.id);
    // Anna's 07:00 and 07:30 are free again.
    const auto anna = c.availability({.service = s.cut.id, .from = day("2026-06-01"), .to = day("2026-06-01"), .resources = {s.anna.id}});
    CHECK(anna.front().start == at("2026-06-01T07:00:00Z"));
}

TEST_CASE("a customer cannot cancel or move inside the service's cancel notice; staff still can") {
    Salon s;
    auto cut = s.cut;
    cut.cancel_notice = 24h;
    s.admin.update_service(cut);
    auto c = s.customer("ada");
    auto staff = s.engine.scope({.tenant = s.tenant.id, .role = Role::staff, .subject = "bruno"});
    const auto b = c.book({.service = s.cut.id, .start = at("2026-06-02T07:00:00Z"), .resource = s.anna.id, .customer = ada()});
    CHECK(c.reschedule(b.id, at("2026-06-02T07:30:00Z")).interval.begin == at("2026-06-02T07:30:00Z"));  // 26 h ahead
    s.time.advance(3h);  // now 23.5 h before the start
    CHECK(error_of([&] { c.cancel(b.id); }) == Errc::permission_denied);
    CHECK(error_of([&] { c.reschedule(b.id, at("2026-06-02T08:00:00Z")); }) == Errc::permission_denied);
    CHECK(c.get_booking(b.id).status == BookingStatus::confirmed);
    CHECK(staff.reschedule(b.id, at("2026-06-02T08:00:00Z")).interval.begin == at("2026-06-02T08:00:00Z"));
    CHECK(staff.cancel(b.id).status == BookingStatus::cancelled);
}

TEST_CASE("nobody moves or cancels an appointment that is over, and staff cannot move one that has started") {
    Salon s;
    auto c = s.customer("ada");
    const auto b = c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .resource = s.anna.id, .customer = ada()});
    s.time.set(at("2026-06-01T07:10:00Z"));  // started
    CHECK(error_of([&] { s.admin.reschedule(b.id, at("2026-06-01T09:00:00Z")); }) == Errc::invalid_transition);
    CHECK(error_of([&] { c.cancel(b.id); }) == Errc::permission_denied);
    s.time.set(at("2026-06-01T07:30:00Z"));  // over
    CHECK(error_of([&] { s.admin.cancel(b.id); }) == Errc::invalid_transition);
    CHECK(error_of([&] { c.reschedule(b.id, at("2026-06-08T07:00:00Z")); }) == Errc::invalid_transition);
    CHECK(s.admin.get_booking(b.id).interval.begin == at("2026-06-01T07:00:00Z"));
}

TEST_CASE("a patch changes only the fields it sets, read and written in one transaction") {
    Salon s;
    const auto renamed = s.admin.update_resource(s.anna.id, ResourcePatch{.name = "Anna M."});
    CHECK(renamed.name == "Anna M.");
    CHECK(renamed.timezone == "Europe/Rome");
    CHECK(s.admin.update_service(s.colour.id, ServicePatch{.price = 5000}).price == 5000);
    const auto svc = s.admin.update_service(s.colour.id, ServicePatch{.cancel_notice = 120min});
    CHECK(svc.price == 5000);
    CHECK(svc.cancel_notice == 120min);
    CHECK(s.admin.get_service(s.colour.id).cancel_notice == 120min);
    CHECK(field_of([&] { s.admin.update_service(s.colour.id, ServicePatch{.duration = 0min}); }) == "duration");
    CHECK(s.admin.get_service(s.colour.id).duration == 60min);  // nothing half-written
    CHECK(error_of([&] { s.admin.update_resource(ResourceId{"res_nope"}, ResourcePatch{.name = "X"}); }) == Errc::not_found);
    auto c = s.customer("ada");
    CHECK(error_of([&] { c.update_service(s.colour.id, ServicePatch{.price = 1}); }) == Errc::permission_denied);
}

TEST_CASE("hours past midnight: a booking after midnight blocks the slot the day before offers") {
    Salon s;
    WeeklyHours bar;
    bar[date::Friday] = {{22h, 26h}};  // Friday 22:00 to Saturday 02:00, Rome
    s.admin.set_weekly_hours(s.anna.id, bar);
    const AvailabilityRequest friday{.service = s.cut.id, .from = day("2026-06-05"), .to = day("2026-06-05"),
                                     .resources = {s.anna.id}};
    const auto before = s.admin.availability(friday);
    REQUIRE(before.size() == 8);
    CHECK(before.back().start == at("2026-06-05T23:30:00Z"));  // Saturday 01:30 belongs to Friday
    const auto b = s.customer("ada").book({.service = s.cut.id, .start = at("2026-06-05T23:00:00Z"),
                                           .resource = s.anna.id, .customer = ada()});
    CHECK(b.status == BookingStatus::confirmed);
    const auto after = s.admin.availability(friday);
    CHECK(after.size() == 7);
    for (const auto& slot : after) CHECK(slot.start != at("2026-06-05T23:00:00Z"));
}

TEST_CASE("a customer sees and cancels only the bookings it made") {
    Salon s;
    auto ada_scope = s.customer("ada");
    auto eve = s.customer("eve");
    const auto b = ada_scope.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = ada()});
    CHECK(error_of([&] { eve.get_booking(b.id); }) == Errc::not_found);
    CHECK(error_of([&] { eve.cancel(b.id); }) == Errc::not_found);
    CHECK(error_of([&] { eve.reschedule(b.id, at("2026-06-01T09:00:00Z")); }) == Errc::not_found);
    CHECK(eve.bookings({}).empty());
    CHECK(ada_scope.bookings({}).size() == 1);
    CHECK(s.admin.bookings({}).size() == 1);
}

TEST_CASE("catalogue changes need the admin role") {
    Salon s;
    auto c = s.customer("ada");
    auto staff = s.engine.scope({.tenant = s.tenant.id, .role = Role::staff, .subject = "bruno"});
    CHECK(error_of([&] { c.create_resource({.name = "X", .timezone = "UTC"}); }) == Errc::permission_denied);
    CHECK(error_of([&] { staff.create_service({.name = "X", .duration = 30min, .resources = {s.anna.id}}); }) == Errc::permission_denied);
    CHECK(error_of([&] { c.set_weekly_hours(s.anna.id, {}); }) == Errc::permission_denied);
    CHECK(error_of([&] { c.add_block(s.anna.id, {at("2026-06-01T07:00:00Z"), at("2026-06-01T08:00:00Z")}); }) == Errc::permission_denied);
    const auto blk = staff.add_block(s.anna.id, {at("2026-06-01T07:00:00Z"), at("2026-06-01T08:00:00Z")}, "dentist");
    CHECK(c.resources().size() == 2);
    staff.remove_block(blk.id);
}

TEST_CASE("blocks and overrides shape availability through the engine") {
    Salon s;
    s.admin.add_block(s.anna.id, {at("2026-06-01T07:00:00Z"), at("2026-06-01T09:00:00Z")});
    s.admin.set_date_override(s.anna.id, day("2026-06-02"), {});
    s.admin.set_date_override(s.anna.id, day("2026-06-06"), {{10h, 11h}});
    const auto slots = s.admin.availability({.service = s.cut.id, .from = day("2026-06-01"), .to = day("2026-06-06"), .resources = {s.anna.id}});
    std::size_t monday = 0, tuesday = 0, saturday = 0;
    for (const auto& sl : slots) {
        const auto d = local_date(locate_zone("Europe/Rome", "tz"), sl.start);
        monday += d == day("2026-06-01");
        tuesday += d == day("2026-06-02");
        saturday += d == day("2026-06-06");
    }
    CHECK(monday == 4);
    CHECK(tuesday == 0);
    CHECK(saturday == 2);
    CHECK(s.admin.date_overrides(s.anna.id, day("2026-06-01"), day("2026-06-30")).size() == 2);
    s.admin.clear_date_override(s.anna.id, day("2026-06-02"));
    CHECK(error_of([&] { s.admin.clear_date_override(s.anna.id, day("2026-06-02")); }) == Errc::not_found);
}

TEST_CASE("seats count against capacity and more seats than capacity is a field error") {
    Salon s;
    const auto room = s.admin.create_resource({.name = "Yoga room", .kind = ResourceKind::room, .timezone = "Europe/Rome", .capacity = 3});
    WeeklyHours week;
    week[date::Monday] = {{18h, 19h}};
    s.admin.set_weekly_hours(room.id, week);
    const auto yoga = s.admin.create_service({.name = "Yoga", .duration = 60min, .resources = {room.id}});
    auto c = s.customer("ada");
    c.book({.service = yoga.id, .start = at("2026-06-01T16:00:00Z"), .customer = ada(), .seats = 2});
    const auto left = c.availability({.service = yoga.id, .from = day("2026-06-01"), .to = day("2026-06-01")});
    REQUIRE(left.size() == 1);
    CHECK(left[0].remaining == 1);
    CHECK(error_of([&] { c.book({.service = yoga.id, .start = at("2026-06-01T16:00:00Z"), .customer = ada(), .seats = 2}); }) ==
          Errc::slot_unavailable);
    CHECK(field_of([&] { c.book({.service = yoga.id, .start = at("2026-06-01T16:00:00Z"), .customer = ada(), .seats = 4}); }) == "seats");
}

TEST_CASE("availability_together keeps only starts every resource offers") {
    Salon s;
    auto c = s.customer("ada");
    c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .resource = s.bruno.id, .customer = ada()});
    const auto both = c.availability_together({.service = s.cut.id, .from = day("2026-06-01"), .to = day("2026-06-01")});
    REQUIRE(both.size() == 7);
    CHECK(both.front().start == at("2026-06-01T07:30:00Z"));
}

TEST_CASE("bookings are listed by start with filters and keyset pages") {
    Salon s;
    auto c = s.customer("ada");
    for (int i = 0; i < 5; ++i) {
        c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z") + i * 30min, .resource = s.anna.id, .customer = ada()});
    }
    const auto page1 = s.admin.bookings({.limit = 2});
    REQUIRE(page1.size() == 2);
    const auto page2 = s.admin.bookings({.after = page1.back().id, .limit = 2});
    REQUIRE(page2.size() == 2);
    CHECK(page2.front().interval.begin == at("2026-06-01T08:00:00Z"));
    CHECK(s.admin.bookings({.from = at("2026-06-01T08:00:00Z"), .to = at("2026-06-01T09:00:00Z")}).size() == 2);
    c.cancel(page1.front().id);
    CHECK(s.admin.bookings({.status = BookingStatus::cancelled}).size() == 1);
    CHECK(s.admin.bookings({.status = BookingStatus::confirmed}).size() == 4);
    CHECK(s.admin.bookings({.resource = s.bruno.id}).empty());
    CHECK(field_of([&] { s.admin.bookings({.limit = 0}); }) == "limit");
}

TEST_CASE("bad input is refused naming the field and changes nothing") {
    Salon s;
    auto c = s.customer("ada");
    CHECK(field_of([&] { s.admin.create_resource({.name = "", .timezone = "UTC"}); }) == "name");
    CHECK(field_of([&] { s.admin.create_resource({.name = "X", .timezone = "Mars/Olympus"}); }) == "timezone");
    CHECK(field_of([&] { s.admin.create_resource({.name = "X", .timezone = "UTC", .capacity = 0}); }) == "capacity");
    CHECK(field_of([&] { s.admin.create_resource({.name = std::string(1000, 'x'), .timezone = "UTC"}); }) == "name");
    CHECK(field_of([&] { s.admin.create_resource({.name = std::string("a\0b", 3), .timezone = "UTC"}); }) == "name");
    CHECK(field_of([&] { s.admin.create_service({.name = "X", .duration = 0min, .resources = {s.anna.id}}); }) == "duration");
    CHECK(field_of([&] { s.admin.create_service({.name = "X", .duration = 30min, .buffer_after = -5min, .resources = {s.anna.id}}); }) == "buffer_after");
    CHECK(field_of([&] { s.admin.create_service({.name = "X", .duration = 30min, .price = 100, .resources = {s.anna.id}}); }) == "currency");
    CHECK(field_of([&] { s.admin.create_service({.name = "X", .duration = 30min, .resources = {}}); }) == "resources");
    CHECK(field_of([&] { s.admin.create_service({.name = "X", .duration = 30min, .resources = {{"res_nope"}}}); }) == "resources[0]");
    WeeklyHours inverted;
    inverted[date::Monday] = {{10h, 9h}};
    CHECK(field_of([&] { s.admin.set_weekly_hours(s.anna.id, inverted); }) == "hours.mon[0]");
    CHECK(field_of([&] { s.admin.add_block(s.anna.id, {at("2026-06-01T08:00:00Z"), at("2026-06-01T07:00:00Z")}); }) == "end");
    CHECK(field_of([&] { c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = {.name = ""}}); }) == "customer.name");
    CHECK(field_of([&] { c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = {.name = "A", .email = "not-an-email"}}); }) == "customer.email");
    CHECK(field_of([&] { c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = ada(), .seats = 0}); }) == "seats");
    CHECK(field_of([&] { c.availability({.service = s.cut.id, .from = day("2026-06-02"), .to = day("2026-06-01")}); }) == "to");
    CHECK(field_of([&] { s.admin.create_resource({.name = "Caf\xc3", .timezone = "UTC"}); }) == "name");
    CHECK(field_of([&] { s.admin.create_service({.name = std::string(150, '\x80'), .duration = 30min, .resources = {s.anna.id}}); }) == "name");
    CHECK(field_of([&] { c.book({.service = s.cut.id, .start = Instant::max(), .customer = ada()}); }) == "start");
    CHECK(field_of([&] { c.book({.service = s.cut.id, .start = Instant::min(), .customer = ada()}); }) == "start");
    CHECK(field_of([&] { s.admin.add_block(s.anna.id, {at("2026-06-01T08:00:00Z"), Instant::max()}); }) == "end");
    CHECK(s.admin.resources().size() == 2);
    CHECK(s.admin.services().size() == 2);
    CHECK(s.admin.bookings({}).empty());
}

TEST_CASE("SQL metacharacters and unicode in customer data are stored verbatim") {
    Salon s;
    auto c = s.customer("o'brien");
    const Customer tricky{.name = "Robert'); DROP TABLE bookings; -- Zoë 😀", .email = "bob@example.com",
                          .phone = "+39 \"06\" %_", .locale = "it"};
    const auto b = c.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = tricky});
    CHECK(c.get_booking(b.id).customer == tricky);
    CHECK(s.admin.bookings({}).size() == 1);
}

TEST_CASE("processes forked from one that already made ids make ids of their own") {
    Salon s;
    (void)s.engine.create_tenant("Before the fork");  // leaves random bytes in this thread's buffer
    constexpr int kChildren = 4;
    std::vector<std::pair<pid_t, int>> children;
    for (int i = 0; i < kChildren; ++i) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            int code = 0;
            try {
                // The child's own store: a connection is never carried across fork.
                Engine child(open_sqlite({.path = (s.dir.path / "salon.db").string()}));
                const auto id = child.create_tenant("Child").id.value + "\n";
                code = write(fds[1], id.data(), id.size()) == static_cast<ssize_t>(id.size()) ? 0 : 2;
            } catch (...) {
                code = 1;
            }
            _exit(code);
        }
        close(fds[1]);
        children.emplace_back(pid, fds[0]);
    }
    std::set<std::string> ids{s.engine.create_tenant("Parent").id.value};
    for (const auto& [pid, fd] : children) {
        std::string line;
        char c = 0;
        while (read(fd, &c, 1) == 1 && c != '\n') line += c;
        close(fd);
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
        CHECK(line.size() == std::string("ten_").size() + 24);
        ids.insert(line);
    }
    CHECK(ids.size() == kChildren + 1);
}
