// The engine's services of several resources (a doctor and a room), with
// segments (a colour's processing time) and booking limits per local day,
// week and month: each test is the attack the rule must stop.
#include "support/engine_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

Customer patient(const std::string& name) { return {.name = name, .email = name + "@example.com", .locale = "it"}; }

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

WeeklyHours weekdays(Minutes from, Minutes to) {
    WeeklyHours week;
    for (auto wd : {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday}) {
        week[wd] = {{from, to}};
    }
    return week;
}

// A clinic in Rome: doctors Rossi and Bianchi, rooms 1 and 2, all open
// Monday to Friday 09:00-13:00; a free 30-minute check-up needs a doctor
// and a room. The clock reads Monday 2026-06-01 07:00 in Rome.
struct Clinic {
    Salon base{"clinic.db"};
    Resource rossi, bianchi, room1, room2;
    Service checkup;

    Clinic() {
        auto& admin = base.admin;
        rossi = admin.create_resource({.name = "Dr Rossi", .timezone = "Europe/Rome"});
        bianchi = admin.create_resource({.name = "Dr Bianchi", .timezone = "Europe/Rome"});
        room1 = admin.create_resource({.name = "Room 1", .kind = ResourceKind::room, .timezone = "Europe/Rome"});
        room2 = admin.create_resource({.name = "Room 2", .kind = ResourceKind::room, .timezone = "Europe/Rome"});
        for (const auto& r : {rossi, bianchi, room1, room2}) admin.set_weekly_hours(r.id, weekdays(9h, 13h));
        checkup = admin.create_service({.name = "Check-up", .duration = 30min,
                                        .resource_groups = {{rossi.id, bianchi.id}, {room1.id, room2.id}}});
    }
    TenantScope admin() { return base.admin; }
    TenantScope customer(const std::string& who) { return base.customer(who); }
};

// The first of `ids` in id order (the engine's "first free by id").
ResourceId first_by_id(std::vector<ResourceId> ids) { return *std::min_element(ids.begin(), ids.end()); }

// A verified Stripe payment of 45.00 EUR for booking `b`.
WebhookOutcome pay(Salon& s, const Booking& b, const std::string& event) {
    static const StripeProvider signer({.secret_key = "sk_test_salon", .webhook_secret = "whsec_salon"});
    const auto body = nlohmann::json{
        {"id", event}, {"object", "event"}, {"type", "checkout.session.completed"}, {"created", 1780290000},
        {"data", {{"object", {{"id", "cs_" + b.id.value}, {"object", "checkout.session"}, {"payment_status", "paid"},
                              {"payment_intent", "pi_" + b.id.value}, {"client_reference_id", b.id.value},
                              {"amount_total", 4500}, {"currency", "eur"},
                              {"metadata", {{"booking_id", b.id.value}}}}}}}}.dump();
    return s.admin.handle_stripe_webhook(body, {{"Stripe-Signature", signer.sign(body, s.engine.now())}});
}

bool offers(const std::vector<ResourceSlot>& slots, Instant start) {
    return std::any_of(slots.begin(), slots.end(), [&](const ResourceSlot& s) { return s.start == start; });
}

}  // namespace

TEST_CASE("a booking of a doctor and a room holds both: a second patient cannot take either at that start") {
    // The double booking: the start was offered because a doctor and
    // a room were free, then each patient was given one of them.
    Clinic c;
    c.admin().update_service(c.checkup.id, ServicePatch{.resource_groups = ResourceGroups{{c.rossi.id, c.bianchi.id}, {c.room1.id}}});
    const Instant ten = at("2026-06-01T08:00:00Z");
    const auto first = c.customer("p1").book({.service = c.checkup.id, .start = ten, .customer = patient("p1")});
    CHECK(first.held_resources() == std::vector<ResourceId>{first_by_id({c.rossi.id, c.bianchi.id}), c.room1.id});
    // A doctor is still free at ten, the only room is not.
    CHECK(error_of([&] { c.customer("p2").book({.service = c.checkup.id, .start = ten, .customer = patient("p2")}); }) ==
          Errc::slot_unavailable);
    const auto day = date::year_month_day{date::year{2026}, date::June, date::day{1}};
    CHECK_FALSE(offers(c.admin().availability({.service = c.checkup.id, .from = day, .to = day}), ten));
    // The room is what is busy: a patient of another service using Room 1 alone is refused too.
    const auto scan = c.admin().create_service({.name = "Scan", .duration = 30min, .resources = {c.room1.id}});
    CHECK(error_of([&] { c.customer("p3").book({.service = scan.id, .start = ten, .customer = patient("p3")}); }) ==
          Errc::slot_unavailable);
    // Half an hour later both are free again.
    const auto next = c.customer("p2").book({.service = c.checkup.id, .start = ten + 30min, .customer = patient("p2")});
    CHECK(next.other_resources == std::vector<ResourceId>{c.room1.id});
}

TEST_CASE("a booking holds all of its groups or none: a busy room leaves the doctor untouched") {
    Clinic c;
    const Instant ten = at("2026-06-01T08:00:00Z");
    // Both rooms are taken at ten by another service.
    const auto scan = c.admin().create_service({.name = "Scan", .duration = 30min, .resources = {c.room1.id, c.room2.id}});
    c.customer("s1").book({.service = scan.id, .start = ten, .resources = {c.room1.id}, .customer = patient("s1")});
    c.customer("s2").book({.service = scan.id, .start = ten, .resources = {c.room2.id}, .customer = patient("s2")});
    CHECK(error_of([&] { c.customer("p1").book({.service = c.checkup.id, .start = ten, .customer = patient("p1")}); }) ==
          Errc::slot_unavailable);
    // Nothing of the refused booking holds a doctor.
    const auto talk = c.admin().create_service({.name = "Talk", .duration = 30min, .resources = {c.rossi.id}});
    CHECK(c.customer("p4").book({.service = talk.id, .start = ten, .customer = patient("p4")}).resource == c.rossi.id);
    CHECK(c.admin().bookings({.resource = c.bianchi.id}).empty());
}

TEST_CASE("availability of several groups names one free resource per group, and book() takes exactly those") {
    Clinic c;
    const auto day = date::year_month_day{date::year{2026}, date::June, date::day{1}};
    const Instant ten = at("2026-06-01T08:00:00Z");
    // Rossi (first by id or not) is busy at ten in Room 1 with Talk.
    const auto rossi_first = c.rossi.id < c.bianchi.id;
    const auto& early = rossi_first ? c.rossi : c.bianchi;
    const auto& late = rossi_first ? c.bianchi : c.rossi;
    const auto& room_early = c.room1.id < c.room2.id ? c.room1 : c.room2;
    const auto& room_late = c.room1.id < c.room2.id ? c.room2 : c.room1;
    const auto talk = c.admin().create_service({.name = "Talk", .duration = 30min,
                                                .resource_groups = {{early.id}, {room_early.id}}});
    c.customer("p0").book({.service = talk.id, .start = ten, .customer = patient("p0")});
    const auto slots = c.admin().availability({.service = c.checkup.id, .from = day, .to = day});
    std::vector<ResourceSlot> at_ten;
    for (const auto& s : slots) {
        if (s.start == ten) at_ten.push_back(s);
    }
    REQUIRE(at_ten.size() == 1);
    CHECK(at_ten[0].resource == late.id);
    CHECK(at_ten[0].other_resources == std::vector<ResourceId>{room_late.id});
    CHECK(at_ten[0].remaining == 1);
    // 8 starts x 2 doctors, but for the one at ten.
    CHECK(slots.size() == 15);
    const auto b = c.customer("p1").book({.service = c.checkup.id, .start = ten, .resources = at_ten[0].resources(),
                                          .customer = patient("p1")});
    CHECK(b.held_resources() == at_ten[0].resources());
    // Pinned resources must be one per group, each of its group.
    CHECK(field_of([&] { c.customer("p2").book({.service = c.checkup.id, .start = ten + 30min,
                                                 .resources = {late.id}, .customer = patient("p2")}); }) == "resources");
    try {
        c.customer("p2").book({.service = c.checkup.id, .start = ten + 30min, .resources = {room_late.id, late.id},
                               .customer = patient("p2")});
        FAIL("a room pinned as the doctor was accepted");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::not_found);
        CHECK(e.field() == "resources[0]");
    }
    // Asking for one doctor offers any room with him.
    const auto with_late = c.admin().availability({.service = c.checkup.id, .from = day, .to = day, .resources = {late.id}});
    CHECK(with_late.size() == 7);  // ten is taken by p1
    for (const auto& s : with_late) CHECK(s.resource == late.id);
}

TEST_CASE("reschedule moves every resource a booking holds, keeping its room when it is free") {
    Clinic c;
    const Instant ten = at("2026-06-01T08:00:00Z");
    const auto b = c.customer("p1").book({.service = c.checkup.id, .start = ten, .resources = {c.rossi.id, c.room2.id},
                                          .customer = patient("p1")});
    const auto moved = c.customer("p1").reschedule(b.id, ten + 60min);
    CHECK(moved.held_resources() == std::vector<ResourceId>{c.rossi.id, c.room2.id});
    // The old start is free again in both, the new one is taken in both.
    const auto scan = c.admin().create_service({.name = "Scan", .duration = 30min, .resources = {c.room2.id}});
    c.customer("s1").book({.service = scan.id, .start = ten, .customer = patient("s1")});
    CHECK(error_of([&] { c.customer("s2").book({.service = scan.id, .start = ten + 60min, .customer = patient("s2")}); }) ==
          Errc::slot_unavailable);
    // Room 2 busy at 11:30 (s3): the move takes the other room, all or nothing.
    c.customer("s3").book({.service = scan.id, .start = ten + 90min, .customer = patient("s3")});
    const auto again = c.customer("p1").reschedule(b.id, ten + 90min);
    CHECK(again.held_resources() == std::vector<ResourceId>{c.rossi.id, c.room1.id});
    // With both rooms busy the booking stays where it was.
    const auto scan1 = c.admin().create_service({.name = "Scan 1", .duration = 30min, .resources = {c.room1.id}});
    c.customer("s4").book({.service = scan1.id, .start = ten + 120min, .customer = patient("s4")});
    c.customer("s5").book({.service = scan.id, .start = ten + 120min, .customer = patient("s5")});
    CHECK(error_of([&] { c.customer("p1").reschedule(b.id, ten + 120min); }) == Errc::slot_unavailable);
    CHECK(c.customer("p1").get_booking(b.id).held_resources() == again.held_resources());
}

TEST_CASE("a colour occupies its stylist only while she works: a cut fits in its processing time, not in its rinse") {
    Salon s;
    const auto colour = s.admin.create_service(
        {.name = "Colour", .duration = 95min, .step = 15min, .resources = {s.anna.id},
         .segments = {{SegmentKind::busy, 30min}, {SegmentKind::free, 45min}, {SegmentKind::busy, 20min}}});
    const auto cut = s.admin.create_service({.name = "Cut", .duration = 30min, .step = 15min, .resources = {s.anna.id}});
    const Instant nine = at("2026-06-01T07:00:00Z");  // 09:00 in Rome
    s.customer("ada").book({.service = colour.id, .start = nine, .customer = patient("ada")});
    // 09:30-10:00 and 10:00-10:15 lie in the processing (09:30-10:15) ...
    CHECK(s.customer("bob").book({.service = cut.id, .start = nine + 30min, .customer = patient("bob")}).resource ==
          s.anna.id);
    // ... 09:45-10:15 would overlap the cut just booked, 10:00-10:30 the rinse (10:15-10:35).
    CHECK(error_of([&] { s.customer("cy").book({.service = cut.id, .start = nine + 60min, .customer = patient("cy")}); }) ==
          Errc::slot_unavailable);
    CHECK(error_of([&] { s.customer("cy").book({.service = cut.id, .start = nine + 15min, .customer = patient("cy")}); }) ==
          Errc::slot_unavailable);
    // A second colour cannot start while she applies the first.
    CHECK(error_of([&] { s.customer("di").book({.service = colour.id, .start = nine + 15min, .customer = patient("di")}); }) ==
          Errc::slot_unavailable);
    const auto day = date::year_month_day{date::year{2026}, date::June, date::day{1}};
    const auto cuts = s.admin.availability({.service = cut.id, .from = day, .to = day});
    CHECK_FALSE(offers(cuts, nine + 45min));
    CHECK(offers(cuts, nine + 105min));  // after the rinse
}

TEST_CASE("with segments, the other groups are held for the whole appointment") {
    Salon s;
    const auto chair = s.admin.create_resource({.name = "Chair", .kind = ResourceKind::equipment, .timezone = "Europe/Rome"});
    s.admin.set_weekly_hours(chair.id, weekdays(9h, 13h));
    const auto colour = s.admin.create_service(
        {.name = "Colour", .duration = 95min, .step = 15min, .resource_groups = {{s.anna.id, s.bruno.id}, {chair.id}},
         .segments = {{SegmentKind::busy, 30min}, {SegmentKind::free, 45min}, {SegmentKind::busy, 20min}}});
    const Instant nine = at("2026-06-01T07:00:00Z");
    const auto first = s.customer("ada").book({.service = colour.id, .start = nine, .customer = patient("ada")});
    // The other stylist is free during the processing, the only chair is not.
    CHECK(error_of([&] { s.customer("bob").book({.service = colour.id, .start = nine + 30min, .customer = patient("bob")}); }) ==
          Errc::slot_unavailable);
    CHECK(s.customer("bob").book({.service = colour.id, .start = nine + 105min, .customer = patient("bob")}).other_resources ==
          std::vector<ResourceId>{chair.id});
    CHECK(first.segments == colour.segments);
}

TEST_CASE("a daily limit stops the next booking of that local day, and counts in the resource's zone") {
    Salon s;
    // Open 00:00-24:00 every day in Auckland (UTC+12 in June): a local day
    // is not a UTC day.
    const auto kiri = s.admin.create_resource({.name = "Kiri", .timezone = "Pacific/Auckland"});
    WeeklyHours all_day;
    for (auto& d : all_day.days) d = {{0h, 24h}};
    s.admin.set_weekly_hours(kiri.id, all_day);
    const auto session = s.admin.create_service({.name = "Session", .duration = 60min, .resources = {kiri.id},
                                                 .limits = {.day = 2, .week = 5}});
    // Tuesday 2026-06-02 in Auckland runs 2026-06-01T12:00Z .. 2026-06-02T12:00Z.
    const Instant tue_early = at("2026-06-01T12:00:00Z");  // 00:00 Tuesday
    const Instant tue_late = at("2026-06-02T11:00:00Z");   // 23:00 Tuesday
    const Instant wed = at("2026-06-02T12:00:00Z");        // 00:00 Wednesday
    auto c = s.customer("ada");
    const auto one = c.book({.service = session.id, .start = tue_early, .customer = patient("ada")});
    const auto two = c.book({.service = session.id, .start = tue_late, .customer = patient("ada")});
    CHECK(error_of([&] { c.book({.service = session.id, .start = tue_early + 5h, .customer = patient("ada")}); }) ==
          Errc::slot_unavailable);
    const auto tuesday = date::year_month_day{date::year{2026}, date::June, date::day{2}};
    CHECK(s.admin.availability({.service = session.id, .from = tuesday, .to = tuesday}).empty());
    // Wednesday in Auckland is another day, though the same UTC date as "two".
    c.book({.service = session.id, .start = wed, .customer = patient("ada")});
    // A booking moved within its own day does not count against itself.
    CHECK(c.reschedule(two.id, tue_late - 2h).interval.begin == tue_late - 2h);
    // A cancelled one no longer counts.
    c.cancel(one.id);
    c.book({.service = session.id, .start = tue_early + 5h, .customer = patient("ada")});
    // The week (Monday-Sunday, Auckland) holds 5: two more on Thursday and Friday fill it.
    c.book({.service = session.id, .start = at("2026-06-03T12:00:00Z"), .customer = patient("ada")});
    c.book({.service = session.id, .start = at("2026-06-04T12:00:00Z"), .customer = patient("ada")});
    CHECK(error_of([&] { c.book({.service = session.id, .start = at("2026-06-05T12:00:00Z"), .customer = patient("ada")}); }) ==
          Errc::slot_unavailable);
    // Monday of the next week is free again.
    CHECK(c.book({.service = session.id, .start = at("2026-06-07T12:00:00Z"), .customer = patient("ada")}).resource ==
          kiri.id);
    // Other services are not limited by this one's bookings.
    const auto other = s.admin.create_service({.name = "Other", .duration = 60min, .resources = {kiri.id}});
    CHECK(c.book({.service = other.id, .start = at("2026-06-05T14:00:00Z"), .customer = patient("ada")}).service ==
          other.id);
}

TEST_CASE("segments, limits and groups are validated and named by field") {
    Clinic c;
    auto admin = c.admin();
    const auto base = NewService{.name = "X", .duration = 95min, .resources = {c.rossi.id}};
    auto bad = base;
    bad.segments = {{SegmentKind::busy, 30min}, {SegmentKind::free, 45min}, {SegmentKind::busy, 10min}};
    CHECK(field_of([&] { admin.create_service(bad); }) == "segments");
    bad.segments = {{SegmentKind::free, 45min}, {SegmentKind::busy, 50min}};
    CHECK(field_of([&] { admin.create_service(bad); }) == "segments[0]");
    bad.segments = {{SegmentKind::busy, 95min}, {SegmentKind::busy, 0min}};
    CHECK(field_of([&] { admin.create_service(bad); }) == "segments[1]");
    bad = base;
    bad.limits = {.day = 0};
    CHECK(field_of([&] { admin.create_service(bad); }) == "limits.day");
    bad = base;
    bad.resources.clear();
    bad.resource_groups = {{c.rossi.id}, {c.room1.id, c.rossi.id}};
    CHECK(field_of([&] { admin.create_service(bad); }) == "resource_groups[1][1]");
    bad.resource_groups = {{c.rossi.id}, {}};
    CHECK(field_of([&] { admin.create_service(bad); }) == "resource_groups[1]");
    bad.resource_groups = {{c.rossi.id}, {ResourceId{"res_000000000000000000000000"}}};
    CHECK(field_of([&] { admin.create_service(bad); }) == "resource_groups[1][0]");
    bad = base;
    bad.resource_groups = {{c.room1.id}};
    CHECK(field_of([&] { admin.create_service(bad); }) == "resource_groups");
    // A valid service round-trips what it was given.
    auto good = base;
    good.resources.clear();
    good.resource_groups = {{c.rossi.id, c.bianchi.id}, {c.room1.id}};
    good.segments = {{SegmentKind::busy, 30min}, {SegmentKind::free, 45min}, {SegmentKind::busy, 20min}};
    good.limits = {.day = 6, .week = 20};
    const auto made = admin.create_service(good);
    CHECK(admin.get_service(made.id) == made);
    CHECK(made.resource_groups == good.resource_groups);
    CHECK(made.segments == good.segments);
    CHECK(made.limits == good.limits);
}

TEST_CASE("a payment after the hold keeps a doctor-and-room booking only while every resource it holds is still free") {
    Clinic c;
    const auto paid = c.admin().create_service({.name = "Paid check-up", .duration = 30min, .price = 4500,
                                                .currency = "EUR", .hold = 15min,
                                                .resource_groups = {{c.rossi.id}, {c.room1.id}}});
    const auto scan = c.admin().create_service({.name = "Scan", .duration = 30min, .resources = {c.room1.id}});
    const Instant ten = at("2026-06-01T08:00:00Z");
    const auto late = c.customer("p1").book({.service = paid.id, .start = ten, .customer = patient("p1")});
    const auto kept = c.customer("p2").book({.service = paid.id, .start = ten + 60min, .customer = patient("p2")});
    c.base.time.advance(16min);  // both holds pass
    // Only the room of the first is taken meanwhile; its doctor is still free.
    c.customer("p3").book({.service = scan.id, .start = ten, .customer = patient("p3")});
    pay(c.base, late, "evt_late");
    const auto refunded = c.admin().get_booking(late.id);
    CHECK(refunded.status == BookingStatus::expired);
    CHECK(refunded.payment_status == PaymentStatus::refund_due);
    pay(c.base, kept, "evt_kept");
    CHECK(c.admin().get_booking(kept.id).status == BookingStatus::confirmed);
}
