// Conformance cases of approval and the waitlist (store.hpp, waitlist.hpp):
// requested and offered bookings hold their slot until they lapse, exactly
// as pending holds do; waitlist entries keep their join order and tenant;
// the lapse scan sees every tenant with someone waiting. Included by
// store_conformance.hpp, whose fixture and helpers they use.
#pragma once

namespace slotwise::conformance::detail {

inline void requests_and_offers_hold_their_slot_until_they_lapse(const StoreFactory& make) {
    Fixture f(make);
    const ResourceId r{"res_1"};
    const Instant now = at("2026-06-01T08:00:00Z");
    const Instant ten = at("2026-06-01T10:00:00Z");
    const auto make_booking = [&](const char* id, BookingStatus status, std::optional<Instant> until) {
        Booking b = booking(id, r.value, ten);
        b.status = status;
        b.hold_expires_at = until;
        b.created_by = "ada";
        return b;
    };
    Service svc = service("svc_cut", {r});
    svc.requires_confirmation = true;
    svc.request_expiry = 90min;
    svc.offer_time = 20min;
    f.write([&](Transaction& tx) {
        tx.put_resource(f.a, resource(r.value, 10));
        tx.put_service(f.a, svc);
        tx.insert_booking(f.a, make_booking("requested", BookingStatus::requested, now + 1s));
        tx.insert_booking(f.a, make_booking("offered", BookingStatus::offered, now + 1s));
        tx.insert_booking(f.a, make_booking("request_lapsed", BookingStatus::requested, now));
        tx.insert_booking(f.a, make_booking("offer_lapsed", BookingStatus::offered, now - 1min));
        tx.insert_booking(f.a, make_booking("rejected", BookingStatus::rejected, std::nullopt));
    });
    const Interval morning{at("2026-06-01T09:00:00Z"), at("2026-06-01T12:00:00Z")};
    f.read([&](Transaction& tx) {
        CHECK(tx.service(f.a, svc.id) == svc);
        CHECK(id_set(tx.active_bookings(f.a, r, morning, now)) == std::vector<std::string>{"offered", "requested"});
        CHECK(tx.occupancy(f.a, r, morning, now).size() == 2);
        CHECK(tx.counted_starts(f.a, {"svc_cut"}, r, morning, now).size() == 2);
        // Once they lapse they block nothing.
        CHECK(tx.active_bookings(f.a, r, morning, now + 1s).empty());
        CHECK(tx.occupancy(f.a, r, morning, now + 1s).empty());
        CHECK(tx.counted_starts(f.a, {"svc_cut"}, r, morning, now + 1s).empty());
        // A customer's uncommitted holds count them while they run.
        CHECK(tx.customer_holdings(f.a, "ada", now, 100).pending == 2);
        CHECK(tx.customer_holdings(f.a, "ada", now, 100).active_future == 2);
        CHECK(tx.customer_holdings(f.a, "ada", now + 1s, 100).pending == 0);
        // Listed by status as read at now.
        const auto by = [&](BookingStatus s) {
            return id_set(tx.bookings(f.a, {.status = s, .now = now}));
        };
        CHECK(by(BookingStatus::requested) == std::vector<std::string>{"requested"});
        CHECK(by(BookingStatus::offered) == std::vector<std::string>{"offered"});
        CHECK(by(BookingStatus::rejected) == std::vector<std::string>{"rejected"});
        CHECK(by(BookingStatus::expired) == std::vector<std::string>{"offer_lapsed", "request_lapsed"});
        return 0;
    });
}

inline WaitlistEntry entry(const char* id, const char* service, Instant start, const char* who, int seats = 1) {
    return {.id = {id}, .service = {service}, .start = start, .seats = seats, .resources = {},
            .customer = {.name = "Ada", .email = "ada@example.com", .phone = "", .locale = "it"},
            .created_by = who, .created_at = at("2026-05-01T00:00:00Z")};
}

inline void waitlist_entries_keep_join_order_position_and_tenant(const StoreFactory& make) {
    Fixture f(make);
    const Instant ten = at("2026-06-01T10:00:00Z");
    const Instant eleven = at("2026-06-01T11:00:00Z");
    auto pinned = entry("wle_3", "svc_cut", ten, "cy", 3);
    pinned.resources = {{"res_1"}, {"room\0 1"}};
    f.write([&](Transaction& tx) {
        tx.insert_waitlist_entry(f.a, entry("wle_9", "svc_cut", ten, "ada"));  // joined first, id sorts last
        tx.insert_waitlist_entry(f.a, entry("wle_1", "svc_cut", eleven, "bo"));
        tx.insert_waitlist_entry(f.a, pinned);
        tx.insert_waitlist_entry(f.a, entry("wle_2", "svc_yoga", ten, "ada"));
        tx.insert_waitlist_entry(f.b, entry("wle_b", "svc_cut", ten, "ada"));
    });
    f.read([&](Transaction& tx) {
        const auto first = tx.waitlist_entry(f.a, {"wle_9"});
        REQUIRE(first);
        CHECK(first->position == 1);
        CHECK(first->status == WaitlistStatus::waiting);
        CHECK(first->customer.locale == "it");
        const auto third = tx.waitlist_entry(f.a, {"wle_3"});
        REQUIRE(third);
        CHECK(third->position == 2);  // second for svc_cut at ten
        CHECK(third->resources == pinned.resources);
        CHECK(third->seats == 3);
        CHECK(tx.waitlist_entry(f.a, {"wle_2"})->position == 1);  // another service's line
        // Join order, within the range of starts only.
        const auto waiting = tx.waiting_entries(f.a, {ten, eleven}, 10);
        std::vector<std::string> ids;
        for (const auto& e : waiting) ids.push_back(e.id.value);
        CHECK(ids == std::vector<std::string>{"wle_9", "wle_3", "wle_2"});
        CHECK(tx.waiting_entries(f.a, {ten, eleven + 1s}, 2).size() == 2);
        CHECK(tx.waiting_by_creator(f.a, "ada", 10) == 2);
        CHECK(tx.waiting_by_creator(f.a, "ada", 1) == 1);
        // Nothing of another tenant.
        CHECK_FALSE(tx.waitlist_entry(f.a, {"wle_b"}));
        CHECK_FALSE(tx.waitlist_entry(f.b, {"wle_9"}));
        CHECK(tx.waiting_entries(f.b, {ten, eleven}, 10).size() == 1);
        CHECK(tx.waiting_by_creator(f.b, "ada", 10) == 1);
        return 0;
    });
    f.write([&](Transaction& tx) {
        auto e = *tx.waitlist_entry(f.a, {"wle_9"});
        e.status = WaitlistStatus::offered;
        e.offer = BookingId{"bkg_offer"};
        CHECK(tx.update_waitlist_entry(f.a, e));
        CHECK_FALSE(tx.update_waitlist_entry(f.b, e));
    });
    f.read([&](Transaction& tx) {
        const auto e = tx.waitlist_entry(f.a, {"wle_9"});
        REQUIRE(e);
        CHECK(e->status == WaitlistStatus::offered);
        CHECK(e->offer == BookingId{"bkg_offer"});
        CHECK(e->position == 0);
        CHECK(tx.waitlist_entry(f.a, {"wle_3"})->position == 1);  // moved up
        CHECK(tx.waiting_by_creator(f.a, "ada", 10) == 1);
        CHECK(tx.waiting_entries(f.a, {ten, eleven}, 10).size() == 2);
        return 0;
    });
}

inline void the_lapse_scan_reads_every_tenant_with_someone_waiting_in_order(const StoreFactory& make) {
    Fixture f(make);
    const TenantId c{"tenant_c"};
    const Instant now = at("2026-06-01T08:00:00Z");
    const Instant ten = at("2026-06-01T10:00:00Z");
    const auto lapsing = [&](const char* id, BookingStatus s, std::optional<Instant> until) {
        Booking b = booking(id, "res_1", ten);
        b.status = s;
        b.hold_expires_at = until;
        return b;
    };
    f.write([&](Transaction& tx) {
        tx.insert_tenant({.id = c, .name = "Salon C", .created_at = now});
        tx.insert_waitlist_entry(f.a, entry("wle_a", "svc_cut", ten, "ada"));
        tx.insert_waitlist_entry(f.b, entry("wle_b", "svc_cut", ten, "ada"));
        tx.insert_booking(f.a, lapsing("a_hold", BookingStatus::pending, now - 2min));
        tx.insert_booking(f.a, lapsing("a_request", BookingStatus::requested, now - 1min));
        tx.insert_booking(f.b, lapsing("b_offer", BookingStatus::offered, now - 2min));
        tx.insert_booking(f.a, lapsing("a_running", BookingStatus::offered, now + 1min));
        tx.insert_booking(f.a, lapsing("a_cancelled", BookingStatus::cancelled, now - 5min));
        tx.insert_booking(f.a, lapsing("a_confirmed", BookingStatus::confirmed, std::nullopt));
        // Nobody waits in tenant c: its lapses are not read.
        tx.insert_booking(c, lapsing("c_hold", BookingStatus::pending, now - 3min));
    });
    const auto keys = [](const std::vector<LapsedBooking>& list) {
        std::vector<std::string> out;
        for (const auto& l : list) out.push_back(l.tenant.value + "/" + l.booking.id.value);
        return out;
    };
    f.write([&](Transaction& tx) {
        CHECK(tx.lapse_cursor() == LapseCursor{});
        const auto all = tx.lapsed_bookings({}, now, 10);
        CHECK(keys(all) == std::vector<std::string>{"tenant_a/a_hold", "tenant_b/b_offer", "tenant_a/a_request"});
        REQUIRE(all.size() == 3);
        CHECK(all[1].booking.status == BookingStatus::offered);
        // Resumed after a cursor, ties broken by tenant then booking.
        const LapseCursor after{.at = now - 2min, .tenant = f.a, .booking = {"a_hold"}};
        CHECK(keys(tx.lapsed_bookings(after, now, 10)) ==
              std::vector<std::string>{"tenant_b/b_offer", "tenant_a/a_request"});
        CHECK(keys(tx.lapsed_bookings({}, now, 1)) == std::vector<std::string>{"tenant_a/a_hold"});
        CHECK(keys(tx.lapsed_bookings({}, now + 1min, 10)).size() == 4);
        tx.set_lapse_cursor(after);
    });
    CHECK(f.read([&](Transaction& tx) { return tx.lapse_cursor(); }) ==
          LapseCursor{.at = now - 2min, .tenant = f.a, .booking = {"a_hold"}});
}

inline void a_policy_keeps_its_waitlist_limit(const StoreFactory& make) {
    Fixture f(make);
    const TenantPolicy set{.max_pending_per_customer = 3, .max_waitlist_per_customer = 9};
    f.write([&](Transaction& tx) { tx.put_policy(f.a, set); });
    CHECK(f.read([&](Transaction& tx) { return tx.policy(f.a); }) == set);
}

inline void erase_customer_blanks_its_waitlist_entries_and_takes_waiting_ones_out_of_line(const StoreFactory& make) {
    Fixture f(make);
    const Instant ten = at("2026-06-01T10:00:00Z");
    WaitlistEntry waiting = entry("wle_1", "svc_cut", ten, "ada");
    waiting.customer = {.name = "Ada Secret", .email = "ada.secret@example.com", .phone = "+39 333", .locale = "it"};
    WaitlistEntry offered = entry("wle_2", "svc_cut", ten + 1h, "ada");
    offered.status = WaitlistStatus::offered;
    offered.offer = BookingId{"bkg_offer"};
    f.write([&](Transaction& tx) {
        tx.insert_waitlist_entry(f.a, waiting);
        tx.insert_waitlist_entry(f.a, offered);
        tx.insert_waitlist_entry(f.a, entry("wle_3", "svc_cut", ten, "grace"));
        tx.insert_waitlist_entry(f.b, entry("wle_b", "svc_cut", ten, "ada"));  // another tenant's "ada"
    });
    f.write([&](Transaction& tx) { CHECK(tx.erase_customer(f.a, "ada", ten - 1h) == 0); });
    f.read([&](Transaction& tx) {
        for (const char* id : {"wle_1", "wle_2"}) {
            CAPTURE(id);
            const auto e = tx.waitlist_entry(f.a, {id});
            REQUIRE(e);
            CHECK(e->customer.name.empty());
            CHECK(e->customer.email.empty());
            CHECK(e->customer.phone.empty());
            CHECK(e->customer.locale == "it");
            CHECK(e->start == (std::string(id) == "wle_1" ? ten : ten + 1h));
        }
        // Out of line: no seat is passed on to no one. An offer made keeps its state.
        CHECK(tx.waitlist_entry(f.a, {"wle_1"})->status == WaitlistStatus::left);
        CHECK(tx.waitlist_entry(f.a, {"wle_2"})->status == WaitlistStatus::offered);
        const auto line = tx.waiting_entries(f.a, {ten - 1h, ten + 2h}, 10);
        REQUIRE(line.size() == 1);
        CHECK(line[0].id.value == "wle_3");
        CHECK(tx.waitlist_entry(f.a, {"wle_3"})->position == 1);  // first: the erased one left the line
        CHECK(tx.waitlist_entry(f.b, {"wle_b"})->customer.email == "ada@example.com");
        CHECK(tx.waitlist_entry(f.b, {"wle_b"})->status == WaitlistStatus::waiting);
        return 0;
    });
}

inline void run_waitlist_conformance(const StoreFactory& make) {
    SUBCASE("requested and offered bookings hold their slot until they lapse, in every question about it") {
        requests_and_offers_hold_their_slot_until_they_lapse(make);
    }
    SUBCASE("waitlist entries keep their join order, position and tenant") {
        waitlist_entries_keep_join_order_position_and_tenant(make);
    }
    SUBCASE("the lapse scan reads every tenant with someone waiting, in (expiry, tenant, booking) order") {
        the_lapse_scan_reads_every_tenant_with_someone_waiting_in_order(make);
    }
    SUBCASE("a policy keeps its waitlist limit") { a_policy_keeps_its_waitlist_limit(make); }
    SUBCASE("erase_customer blanks its waitlist entries and takes the waiting ones out of line") {
        erase_customer_blanks_its_waitlist_entries_and_takes_waiting_ones_out_of_line(make);
    }
}

}  // namespace slotwise::conformance::detail
