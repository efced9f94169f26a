// Payments end to end on SQLite: checkout, verified webhooks applied at most
// once, the hold state machine, late payments, refunds, and the outbox.
#include "support/engine_fixture.hpp"
#include "support/errors.hpp"

#include <slotwise/stripe.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

const StripeProvider signer({.secret_key = "sk_test_salon", .webhook_secret = "whsec_salon"});

std::string session_event(const std::string& id, const std::string& type, const BookingId& booking,
                          const std::string& payment_status = "paid") {
    return nlohmann::json{{"id", id}, {"object", "event"}, {"type", type}, {"created", 1780290000},
                          {"data", {{"object", {{"id", "cs_" + booking.value}, {"object", "checkout.session"},
                                                {"payment_status", payment_status}, {"payment_intent", "pi_" + booking.value},
                                                {"client_reference_id", booking.value},
                                                {"amount_total", 4500}, {"currency", "eur"},
                                                {"metadata", {{"booking_id", booking.value}}}}}}}}
        .dump();
}

std::string refund_event(const std::string& id, const BookingId& booking, std::int64_t refunded = 4500) {
    return nlohmann::json{{"id", id}, {"type", "charge.refunded"},
                          {"data", {{"object", {{"id", "ch_1"}, {"object", "charge"}, {"payment_intent", "pi_" + booking.value},
                                                {"amount", 4500}, {"amount_refunded", refunded}, {"currency", "eur"}}}}}}
        .dump();
}

// A Refund object's event (charge.refund.updated by default).
std::string refund_update_event(const std::string& id, const BookingId& booking, const std::string& status,
                                const std::string& type = "charge.refund.updated", std::int64_t amount = 4500) {
    return nlohmann::json{{"id", id}, {"type", type},
                          {"data", {{"object", {{"id", "re_1"}, {"object", "refund"}, {"payment_intent", "pi_" + booking.value},
                                                {"amount", amount}, {"currency", "eur"}, {"status", status}}}}}}
        .dump();
}

// The same event with one field of its session replaced.
std::string tampered_session_event(const std::string& id, const BookingId& booking, const std::string& key,
                                   const nlohmann::json& value) {
    auto event = nlohmann::json::parse(session_event(id, "checkout.session.completed", booking));
    if (value.is_null()) {
        event["data"]["object"].erase(key);
    } else {
        event["data"]["object"][key] = value;
    }
    return event.dump();
}

struct PaidSalon : Salon {
    TenantScope ada = customer("ada");

    Booking book_colour(const char* start = "2026-06-01T07:00:00Z", TenantScope* who = nullptr) {
        return (who ? *who : ada).book({.service = colour.id, .start = at(start),
                                        .customer = {.name = "Ada", .email = "ada@example.com", .locale = "it"}});
    }
    WebhookOutcome deliver(const std::string& body, TenantScope* scope = nullptr) {
        const Instant now = engine.now();
        return (scope ? *scope : admin).handle_stripe_webhook(body, {{"Stripe-Signature", signer.sign(body, now)}});
    }
    std::size_t count(const BookingId& b, NotificationKind kind) {
        std::size_t n = 0;
        for (const auto& msg : admin.notifications(b)) n += msg.kind == kind;
        return n;
    }
};

// The money is kept track of but not the slot: expired, refund due, the
// customer told so and never told "confirmed".
void expect_flagged_for_refund(PaidSalon& s, const BookingId& id) {
    const auto after = s.ada.get_booking(id);
    CHECK(after.status == BookingStatus::expired);
    CHECK(after.payment_status == PaymentStatus::refund_due);
    CHECK(s.count(id, NotificationKind::refund_due) == 1);
    CHECK(s.count(id, NotificationKind::booking_confirmed) == 0);
}

}  // namespace

TEST_CASE("a paid booking is confirmed only by the payment event, and notified exactly once") {
    PaidSalon s;
    const auto b = s.book_colour();
    CHECK(b.status == BookingStatus::pending);
    CHECK(s.admin.notifications(b.id).empty());
    const auto body = session_event("evt_1", "checkout.session.completed", b.id);
    const auto out = s.deliver(body);
    CHECK_FALSE(out.duplicate);
    REQUIRE(out.booking);
    CHECK(out.booking->status == BookingStatus::confirmed);
    CHECK(out.booking->payment_status == PaymentStatus::paid);
    CHECK(out.booking->payment_reference == "pi_" + b.id.value);
    CHECK(s.count(b.id, NotificationKind::booking_confirmed) == 1);
    // The same event again, and again: nothing changes.
    CHECK(s.deliver(body).duplicate);
    CHECK(s.deliver(body).duplicate);
    // Another event saying the same thing (async success after completion).
    s.deliver(session_event("evt_2", "checkout.session.async_payment_succeeded", b.id));
    CHECK(s.count(b.id, NotificationKind::booking_confirmed) == 1);
    CHECK(s.ada.get_booking(b.id).status == BookingStatus::confirmed);
}

TEST_CASE("a completed but unpaid checkout waits for the asynchronous payment") {
    PaidSalon s;
    const auto b = s.book_colour();
    s.deliver(session_event("evt_1", "checkout.session.completed", b.id, "unpaid"));
    CHECK(s.ada.get_booking(b.id).status == BookingStatus::pending);
    CHECK(s.admin.notifications(b.id).empty());
    s.deliver(session_event("evt_2", "checkout.session.async_payment_succeeded", b.id));
    CHECK(s.ada.get_booking(b.id).status == BookingStatus::confirmed);
    CHECK(s.count(b.id, NotificationKind::booking_confirmed) == 1);
}

TEST_CASE("a failed asynchronous payment releases the hold") {
    PaidSalon s;
    const auto b = s.book_colour();
    s.deliver(session_event("evt_1", "checkout.session.async_payment_failed", b.id, "unpaid"));
    const auto after = s.ada.get_booking(b.id);
    CHECK(after.status == BookingStatus::expired);
    CHECK(after.payment_status == PaymentStatus::failed);
    s.book_colour();  // the slot is free again
}

TEST_CASE("expired before completed: the late payment still confirms when the slot is free") {
    PaidSalon s;
    const auto b = s.book_colour();
    s.deliver(session_event("evt_exp", "checkout.session.expired", b.id, "unpaid"));
    CHECK(s.ada.get_booking(b.id).status == BookingStatus::expired);
    s.deliver(session_event("evt_paid", "checkout.session.completed", b.id));
    const auto after = s.ada.get_booking(b.id);
    CHECK(after.status == BookingStatus::confirmed);
    CHECK(after.payment_status == PaymentStatus::paid);
    CHECK(s.count(b.id, NotificationKind::booking_confirmed) == 1);
}

TEST_CASE("a late payment for a day the admin has since closed is flagged for refund, not confirmed") {
    PaidSalon s;
    const auto b = s.book_colour();
    s.time.advance(16min);  // the hold passes; nobody takes the slot
    s.admin.set_date_override(s.anna.id, day("2026-06-01"), {});  // then the salon closes that day
    s.deliver(session_event("evt_late", "checkout.session.completed", b.id));
    expect_flagged_for_refund(s, b.id);
}

TEST_CASE("a late payment inside the minimum notice still keeps a start that is otherwise offered") {
    PaidSalon s;
    auto colour = s.colour;
    colour.min_notice = 60min;
    s.admin.update_service(colour);
    const auto b = s.book_colour("2026-06-01T07:00:00Z");  // 09:00 Rome, booked at 07:00 Rome
    s.time.advance(80min);  // 08:20 Rome: hold over, and inside the hour's notice
    s.deliver(session_event("evt_late", "checkout.session.completed", b.id));
    CHECK(s.ada.get_booking(b.id).status == BookingStatus::confirmed);
}

TEST_CASE("a payment for a slot taken after its hold expired is flagged for refund, never double-booked") {
    PaidSalon s;
    const auto b = s.book_colour();
    s.time.advance(16min);  // the 15-minute hold passes
    auto eve = s.customer("eve");
    const auto taken = s.book_colour("2026-06-01T07:00:00Z", &eve);
    s.deliver(session_event("evt_late", "checkout.session.completed", b.id));
    expect_flagged_for_refund(s, b.id);
    CHECK(eve.get_booking(taken.id).status == BookingStatus::pending);
    // The notice is rendered when written: a later price change does not reach it.
    auto dearer = s.colour;
    dearer.price = 9900;
    s.admin.update_service(dearer);
    for (const auto& msg : s.admin.notifications(b.id)) {
        if (msg.kind != NotificationKind::refund_due) continue;
        CHECK(msg.body.find("45,00") != std::string::npos);
        CHECK(msg.body.find("99,00") == std::string::npos);
    }
    // The refund goes out through the provider; the refund event closes it.
    HttpRequest seen;
    const auto refund = s.admin.refund(b.id, [&](const HttpRequest& r) {
        seen = r;
        return HttpResponse{200, R"({"id":"re_1","object":"refund","status":"succeeded"})"};
    });
    CHECK(refund.id == "re_1");
    CHECK(seen.url == "https://api.stripe.com/v1/refunds");
    CHECK(seen.body.find("payment_intent=pi_" + b.id.value) != std::string::npos);
    CHECK(find_header(seen.headers, "Idempotency-Key") == "refund-" + b.id.value);
    s.deliver(refund_event("evt_ref", b.id));
    CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::refunded);
}

TEST_CASE("a webhook on tenant B naming tenant A's booking is not applied to A") {
    PaidSalon a;
    const auto b = a.book_colour();
    const auto other = a.engine.create_tenant("Other");
    auto b_admin = a.engine.scope({.tenant = other.id, .role = Role::admin, .subject = "boss"});
    b_admin.configure_stripe("sk_test_other", "whsec_salon");  // even with the same endpoint secret
    const auto out = a.deliver(session_event("evt_x", "checkout.session.completed", b.id), &b_admin);
    CHECK_FALSE(out.booking);
    CHECK(a.ada.get_booking(b.id).status == BookingStatus::pending);
    CHECK(a.admin.notifications(b.id).empty());
    // The same event id is still unseen for tenant A.
    CHECK_FALSE(a.deliver(session_event("evt_x", "checkout.session.completed", b.id)).duplicate);
    CHECK(a.ada.get_booking(b.id).status == BookingStatus::confirmed);
}

TEST_CASE("an unverifiable webhook changes nothing and records nothing") {
    PaidSalon s;
    const auto b = s.book_colour();
    const auto body = session_event("evt_1", "checkout.session.completed", b.id);
    const StripeProvider wrong({.secret_key = "sk_test_x", .webhook_secret = "whsec_wrong"});
    CHECK(code_of([&] { s.admin.handle_stripe_webhook(body, {{"Stripe-Signature", wrong.sign(body, s.engine.now())}}); }) ==
          Errc::signature_invalid);
    CHECK(code_of([&] { s.admin.handle_stripe_webhook(body, {}); }) == Errc::signature_invalid);
    CHECK(code_of([&] { s.admin.handle_stripe_webhook(body, {{"Stripe-Signature", signer.sign(body, s.engine.now() - 301s)}}); }) ==
          Errc::signature_invalid);
    CHECK(s.ada.get_booking(b.id).status == BookingStatus::pending);
    CHECK_FALSE(s.deliver(body).duplicate);
}

TEST_CASE("each start_checkout starts its own session, and refuses bookings not awaiting payment") {
    PaidSalon s;
    const auto b = s.book_colour();
    std::vector<HttpRequest> seen;
    const HttpTransport http = [&](const HttpRequest& r) {
        seen.push_back(r);
        const auto id = "cs_test_" + std::to_string(seen.size());
        return HttpResponse{200, "{\"id\":\"" + id + "\",\"url\":\"https://checkout.stripe.com/c/pay/" + id + "\"}"};
    };
    const auto co = s.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", http);
    CHECK(co.id == "cs_test_1");
    s.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", http);
    REQUIRE(seen.size() == 2);
    // Another key for another call: Stripe would otherwise hand back the first session.
    CHECK(find_header(seen[0].headers, "Idempotency-Key") != find_header(seen[1].headers, "Idempotency-Key"));
    CHECK(seen[0].body.find("unit_amount%5D=4500") != std::string::npos);
    CHECK(s.ada.get_booking(b.id).checkout_id == "cs_test_2");
    const auto sessions = s.engine.store()->read()->checkout_sessions(s.tenant.id, b.id);
    REQUIRE(sessions.size() == 2);
    CHECK(sessions[0].id == "cs_test_1");
    CHECK(sessions[1].id == "cs_test_2");
    const auto free = s.ada.book({.service = s.cut.id, .start = at("2026-06-01T09:00:00Z"), .customer = {.name = "Ada"}});
    CHECK(code_of([&] { s.ada.start_checkout(free.id, "https://a.example/", "https://a.example/", http); }) == Errc::invalid_transition);
    CHECK(code_of([&] { s.ada.start_checkout(b.id, "javascript:alert(1)", "https://a.example/", http); }) == Errc::invalid_argument);
    auto eve = s.customer("eve");
    CHECK(code_of([&] { eve.start_checkout(b.id, "https://a.example/", "https://a.example/", http); }) == Errc::not_found);
}

TEST_CASE("payment settings never read back a secret") {
    PaidSalon s;
    const auto summary = s.admin.payment_settings();
    REQUIRE(summary);
    CHECK(summary->provider == "stripe");
    CHECK(summary->key_hint.find("salon") == std::string::npos);
    // At most a third of a short key past its public prefix, at most 4 characters of any.
    CHECK(summary->key_hint == "sk_test_…n");
    s.admin.configure_stripe("rk_test_" + std::string(40, 'a') + "WXYZ", "whsec_x");
    CHECK(s.admin.payment_settings()->key_hint == "rk_test_…WXYZ");
    CHECK_FALSE(summary->live);
    CHECK(code_of([&] { s.ada.payment_settings(); }) == Errc::permission_denied);
    CHECK(code_of([&] { s.admin.configure_stripe("pk_test_public", "whsec_x"); }) == Errc::invalid_argument);
}

TEST_CASE("the outbox leases notifications, retries failures after a backoff and forgets sent ones") {
    PaidSalon s;
    const auto b = s.ada.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"),
                               .customer = {.name = "Ada", .email = "ada@example.com", .locale = "it"}});
    auto taken = s.engine.take_notifications();
    REQUIRE(taken.size() == 1);
    CHECK(taken[0].kind == NotificationKind::booking_confirmed);
    CHECK(taken[0].booking == b.id);
    CHECK(taken[0].to == "ada@example.com");
    CHECK(taken[0].attempts == 1);
    CHECK(taken[0].subject.find("Prenotazione confermata") == 0);
    CHECK(s.engine.take_notifications().empty());  // leased
    s.time.advance(notification_backoff(1) - 1s);
    CHECK(s.engine.take_notifications().empty());
    s.time.advance(2s);
    taken = s.engine.take_notifications();
    REQUIRE(taken.size() == 1);
    CHECK(taken[0].attempts == 2);

    struct Flaky : Notifier {
        int calls = 0;
        void send(const Notification&) override {
            if (++calls == 1) throw std::runtime_error("smtp down");
        }
    } flaky;
    s.time.advance(notification_backoff(2));
    const auto failed = s.engine.deliver_notifications(flaky);
    CHECK(failed.sent == 0);
    REQUIRE(failed.failed.size() == 1);  // the host learns which one and why
    CHECK(failed.failed[0].notification_id == taken[0].id);
    CHECK(failed.failed[0].kind == NotificationKind::booking_confirmed);
    CHECK(failed.failed[0].error == "smtp down");
    s.time.advance(notification_backoff(3));
    const auto delivered = s.engine.deliver_notifications(flaky);
    CHECK(delivered.sent == 1);
    CHECK(delivered.failed.empty());
    s.time.advance(24h);
    CHECK(s.engine.take_notifications().empty());
    CHECK(code_of([&] { s.engine.mark_notification_sent("nope"); }) == Errc::not_found);
}

TEST_CASE("cancelling and moving a confirmed booking queue invitations with CANCEL and a new sequence") {
    PaidSalon s;
    const auto b = s.ada.book({.service = s.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = {.name = "Ada", .email = "ada@example.com"}});
    s.ada.reschedule(b.id, at("2026-06-01T08:00:00Z"));
    s.ada.cancel(b.id);
    const auto msgs = s.admin.notifications(b.id);
    REQUIRE(msgs.size() == 3);
    CHECK(msgs[0].kind == NotificationKind::booking_confirmed);
    CHECK(msgs[1].kind == NotificationKind::booking_rescheduled);
    CHECK(msgs[2].kind == NotificationKind::booking_cancelled);
    CHECK(msgs[0].ics.find("METHOD:REQUEST\r\n") != std::string::npos);
    CHECK(msgs[1].ics.find("SEQUENCE:1\r\n") != std::string::npos);
    CHECK(msgs[1].ics.find("DTSTART:20260601T080000Z\r\n") != std::string::npos);
    CHECK(msgs[2].ics.find("METHOD:CANCEL\r\n") != std::string::npos);
    CHECK(msgs[2].ics.find("SEQUENCE:2\r\n") != std::string::npos);
    // A pending paid booking that is cancelled was never confirmed: no message.
    const auto p = s.book_colour("2026-06-02T07:00:00Z");
    s.ada.cancel(p.id);
    CHECK(s.admin.notifications(p.id).empty());
}

TEST_CASE("a payment of another amount, currency or session never confirms: it is listed and its booking owes a refund") {
    struct Case {
        const char* name;
        const char* key;
        nlohmann::json value;
        const char* reason;
    };
    for (const auto& c : {Case{"amount", "amount_total", 100, "amount_mismatch"},
                          Case{"currency", "currency", "usd", "amount_mismatch"},
                          Case{"no currency", "currency", nullptr, "no_amount"},
                          Case{"no amount", "amount_total", nullptr, "no_amount"},
                          Case{"session", "id", "cs_someone_elses_link", "unknown_session"}}) {
        SUBCASE(c.name) {
            PaidSalon s;
            const auto b = s.book_colour();
            s.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", [&](const HttpRequest&) {
                return HttpResponse{200, "{\"id\":\"cs_" + b.id.value + "\",\"url\":\"https://checkout.stripe.com/x\"}"};
            });
            const auto out = s.deliver(tampered_session_event("evt_1", b.id, c.key, c.value));
            const auto after = s.ada.get_booking(b.id);
            CHECK(after.status == BookingStatus::expired);  // its hold ended: it can no longer be paid
            CHECK(after.payment_status == PaymentStatus::refund_due);
            CHECK(after.payment_reference == "pi_" + b.id.value);  // refund() returns this payment
            CHECK(s.count(b.id, NotificationKind::booking_confirmed) == 0);
            CHECK(s.count(b.id, NotificationKind::refund_due) == 1);
            const auto listed = s.admin.unmatched_payments();
            REQUIRE(listed.size() == 1);
            CHECK(listed[0].event_id == "evt_1");
            CHECK(listed[0].provider == "stripe");
            CHECK(listed[0].reference == "pi_" + b.id.value);
            CHECK(listed[0].booking == b.id);
            CHECK(listed[0].reason == c.reason);
            CHECK(listed[0].received_at == s.engine.now());
            CHECK(out.ignored_because.find(c.reason) != std::string::npos);
        }
    }
}

TEST_CASE("a Payment Link naming the booking only in client_reference_id is not the booking's payment") {
    PaidSalon s;
    const auto b = s.book_colour();
    // A buyer can set client_reference_id on a Payment Link; only metadata counts.
    auto link = nlohmann::json::parse(tampered_session_event("evt_4", b.id, "metadata", nullptr));
    link["data"]["object"]["id"] = "cs_tip_link";
    s.deliver(link.dump());
    CHECK(s.ada.get_booking(b.id).status == BookingStatus::pending);
    CHECK(s.admin.notifications(b.id).empty());
    const auto listed = s.admin.unmatched_payments();
    REQUIRE(listed.size() == 1);  // still money received: listed, with no booking
    CHECK_FALSE(listed[0].booking);
    CHECK(listed[0].reason == "no_booking");
    s.deliver(session_event("evt_5", "checkout.session.completed", b.id));
    CHECK(s.ada.get_booking(b.id).status == BookingStatus::confirmed);
}

TEST_CASE("a payment arriving after the appointment has passed is flagged for refund") {
    PaidSalon s;
    const auto b = s.book_colour();
    s.time.set(at("2026-06-01T10:00:00Z"));  // the 07:00 appointment is over
    s.deliver(session_event("evt_late", "checkout.session.completed", b.id));
    CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::refund_due);
    CHECK(s.count(b.id, NotificationKind::booking_confirmed) == 0);
}

TEST_CASE("a full refund from the provider cancels a confirmed booking; a partial one changes nothing") {
    PaidSalon s;
    const auto b = s.book_colour();
    s.deliver(session_event("evt_paid", "checkout.session.completed", b.id));
    s.deliver(refund_event("evt_partial", b.id, 1000));
    CHECK(s.ada.get_booking(b.id).status == BookingStatus::confirmed);
    CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::paid);
    s.deliver(refund_event("evt_full", b.id, 4500));
    // charge.refunded carries no refunds list (API 2024-06-20): pending until Stripe says.
    CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::refund_pending);
    CHECK(s.ada.get_booking(b.id).status == BookingStatus::confirmed);
    s.deliver(refund_update_event("evt_done", b.id, "succeeded"));
    const auto after = s.ada.get_booking(b.id);
    CHECK(after.status == BookingStatus::cancelled);
    CHECK(after.payment_status == PaymentStatus::refunded);
    CHECK(s.count(b.id, NotificationKind::booking_cancelled) == 1);
    s.book_colour();  // the slot is free again
}

TEST_CASE("a free booking's confirmation is kept on its row until taken, then read like any outbox row") {
    PaidSalon s;
    const auto b = s.ada.book({.service = s.cut.id, .start = at("2026-06-01T08:00:00Z"), .resource = s.anna.id,
                               .customer = {.name = "Ada", .email = "ada@example.com", .locale = "en"}});
    const auto count = [&](const char* sql) {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open((s.dir.path / "salon.db").c_str(), &db) == SQLITE_OK);
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
        const auto n = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return n;
    };
    CHECK(count("SELECT count(*) FROM outbox") == 0);
    CHECK(count("SELECT count(*) FROM bookings WHERE owes_confirmation = 1") == 1);
    const auto before = s.admin.notifications(b.id);
    REQUIRE(before.size() == 1);
    CHECK(before[0].kind == NotificationKind::booking_confirmed);
    CHECK(before[0].subject.find("Cut") != std::string::npos);
    CHECK(before[0].ics.find("SEQUENCE:0") != std::string::npos);
    const auto taken = s.engine.take_notifications();
    REQUIRE(taken.size() == 1);
    CHECK(taken[0].id == before[0].id);
    CHECK(taken[0].body == before[0].body);
    CHECK(count("SELECT count(*) FROM outbox") == 1);
    CHECK(count("SELECT count(*) FROM bookings WHERE owes_confirmation = 1") == 0);
}

// --- payments are never lost (issue 10) ------------------------------------

namespace {
struct Observed {
    std::shared_ptr<std::vector<EngineEvent>> seen = std::make_shared<std::vector<EngineEvent>>();
    Engine engine;
    TenantScope admin;
    explicit Observed(PaidSalon& s)
        : engine(s.engine.store(), EngineOptions{.clock = s.time.clock(), .payments = test_providers(),
                                                 .events = [seen = seen](const EngineEvent& e) { seen->push_back(e); }}),
          admin(engine.scope(s.admin.principal())) {}
    WebhookOutcome deliver(const std::string& body) {
        return admin.handle_stripe_webhook(body, {{"Stripe-Signature", signer.sign(body, engine.now())}});
    }
    std::size_t count(EngineEventKind k) const {
        return static_cast<std::size_t>(std::count_if(seen->begin(), seen->end(), [&](const auto& e) { return e.kind == k; }));
    }
};

HttpTransport sessions_transport(std::vector<HttpRequest>& seen) {
    return [&seen](const HttpRequest& r) {
        seen.push_back(r);
        if (r.url.ends_with("/expire")) return HttpResponse{200, R"({"id":"cs_x","status":"expired"})"};
        const auto id = "cs_" + std::to_string(seen.size());
        return HttpResponse{200, "{\"id\":\"" + id + "\",\"url\":\"https://checkout.stripe.com/c/pay/" + id + "\"}"};
    };
}

std::string paid_session(const std::string& event_id, const BookingId& b, const std::string& session,
                         const std::string& intent) {
    auto e = nlohmann::json::parse(session_event(event_id, "checkout.session.completed", b));
    e["data"]["object"]["id"] = session;
    e["data"]["object"]["payment_intent"] = intent;
    return e.dump();
}
}  // namespace

TEST_CASE("a price raised after checkout does not stop the old amount confirming: the amount due is the booking's") {
    PaidSalon s;
    const auto b = s.book_colour();
    CHECK(b.amount_due == 4500);
    CHECK(b.currency_due == "EUR");
    auto dearer = s.colour;
    dearer.price = 9900;
    s.admin.update_service(dearer);
    CHECK(s.ada.get_booking(b.id).amount_due == 4500);
    std::vector<HttpRequest> seen;
    const auto co = s.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", sessions_transport(seen));
    CHECK(seen[0].body.find("unit_amount%5D=4500") != std::string::npos);  // the checkout asks what is due
    s.deliver(paid_session("evt_old_price", b.id, co.id, "pi_1"));
    CHECK(s.ada.get_booking(b.id).status == BookingStatus::confirmed);
    CHECK(s.admin.unmatched_payments().empty());
}

TEST_CASE("two checkouts of one booking: either pays it, and a second payment is listed for refund") {
    PaidSalon s;
    Observed o(s);
    const auto b = s.book_colour();
    std::vector<HttpRequest> seen;
    const auto first = s.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", sessions_transport(seen));
    const auto second = s.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", sessions_transport(seen));
    CHECK(first.id != second.id);
    // The customer pays the first page it opened.
    o.deliver(paid_session("evt_a", b.id, first.id, "pi_a"));
    auto after = s.ada.get_booking(b.id);
    CHECK(after.status == BookingStatus::confirmed);
    CHECK(after.payment_reference == "pi_a");
    // ... and then the second: that money is not the booking's.
    o.deliver(paid_session("evt_b", b.id, second.id, "pi_b"));
    after = s.ada.get_booking(b.id);
    CHECK(after.payment_status == PaymentStatus::paid);  // its own payment stands
    CHECK(after.payment_reference == "pi_a");
    const auto listed = s.admin.unmatched_payments();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].reference == "pi_b");
    CHECK(listed[0].reason == "already_paid");
    CHECK(listed[0].amount == 4500);
    CHECK(listed[0].currency == "eur");
    CHECK(o.count(EngineEventKind::payment_unmatched) == 1);
    // The same payment told twice is news of nothing.
    o.deliver(paid_session("evt_a2", b.id, first.id, "pi_a"));
    CHECK(s.admin.unmatched_payments().size() == 1);
    CHECK(code_of([&] { s.ada.unmatched_payments(); }) == Errc::permission_denied);
}

TEST_CASE("a late payment whose slot is gone is listed as unmatched too") {
    PaidSalon s;
    const auto b = s.book_colour();
    s.time.advance(16min);
    auto eve = s.customer("eve");
    s.book_colour("2026-06-01T07:00:00Z", &eve);
    s.deliver(session_event("evt_late", "checkout.session.completed", b.id));
    const auto listed = s.admin.unmatched_payments();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].reason == "slot_unavailable");
    CHECK(listed[0].booking == b.id);
}

TEST_CASE("Adaptive Pricing: the source amount of currency_conversion is compared with the amount due") {
    PaidSalon s;
    const auto b = s.book_colour();
    const auto converted = [&](const std::string& id, std::int64_t source_amount) {
        auto e = nlohmann::json::parse(session_event(id, "checkout.session.completed", b.id));
        e["data"]["object"]["amount_total"] = 5200;  // what the customer paid, in dollars
        e["data"]["object"]["currency"] = "usd";
        e["data"]["object"]["currency_conversion"] = {{"amount_subtotal", source_amount}, {"amount_total", source_amount},
                                                      {"fx_rate", "1.1555"}, {"source_currency", "eur"}};
        return e.dump();
    };
    SUBCASE("the converted payment of the amount due confirms") {
        s.deliver(converted("evt_fx", 4500));
        CHECK(s.ada.get_booking(b.id).status == BookingStatus::confirmed);
        CHECK(s.admin.unmatched_payments().empty());
    }
    SUBCASE("a converted payment of another source amount is unmatched") {
        s.deliver(converted("evt_fx", 4000));
        CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::refund_due);
        REQUIRE(s.admin.unmatched_payments().size() == 1);
        CHECK(s.admin.unmatched_payments()[0].amount == 4000);
    }
}

TEST_CASE("a refund is refunded only when Stripe says it succeeded; a failed one is owed again") {
    PaidSalon s;
    Observed o(s);
    const auto b = s.book_colour();
    o.deliver(session_event("evt_paid", "checkout.session.completed", b.id));
    SUBCASE("charge.refunded whose refund is pending, then failed") {
        o.deliver(refund_event("evt_ref", b.id));
        CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::refund_pending);
        o.deliver(refund_update_event("evt_fail", b.id, "failed"));
        const auto after = s.ada.get_booking(b.id);
        CHECK(after.payment_status == PaymentStatus::refund_due);
        CHECK(after.status == BookingStatus::confirmed);
        CHECK(o.count(EngineEventKind::refund_failed) == 1);
    }
    SUBCASE("charge.refunded with its refunds list saying succeeded") {
        auto e = nlohmann::json::parse(refund_event("evt_ref", b.id));
        e["data"]["object"]["refunds"] = {{"object", "list"}, {"data", {{{"id", "re_1"}, {"status", "succeeded"}}}}};
        o.deliver(e.dump());
        CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::refunded);
        CHECK(s.ada.get_booking(b.id).status == BookingStatus::cancelled);
    }
    SUBCASE("refund.updated canceled after a pending one") {
        o.deliver(refund_update_event("evt_pending", b.id, "pending", "refund.updated"));
        CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::refund_pending);
        o.deliver(refund_update_event("evt_cancel", b.id, "canceled", "refund.updated"));
        CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::refund_due);
    }
    SUBCASE("a refund of part of the amount due changes nothing") {
        o.deliver(refund_update_event("evt_part", b.id, "succeeded", "charge.refund.updated", 1000));
        CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::paid);
    }
}

TEST_CASE("refund() moves the booking by Stripe's answer: pending stays owed until it succeeds") {
    PaidSalon s;
    const auto b = s.book_colour();
    s.ada.cancel(b.id);
    s.deliver(session_event("evt_paid", "checkout.session.completed", b.id));  // paid after cancelling
    REQUIRE(s.ada.get_booking(b.id).payment_status == PaymentStatus::refund_due);
    s.admin.refund(b.id, [](const HttpRequest&) { return HttpResponse{200, R"({"id":"re_1","status":"pending"})"}; });
    CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::refund_pending);
    s.deliver(refund_update_event("evt_ok", b.id, "succeeded"));
    CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::refunded);
}

TEST_CASE("a dispute flags the booking disputed and tells the host") {
    PaidSalon s;
    Observed o(s);
    const auto b = s.book_colour();
    o.deliver(session_event("evt_paid", "checkout.session.completed", b.id));
    const auto dispute = nlohmann::json{{"id", "evt_dp"}, {"type", "charge.dispute.created"},
                                        {"data", {{"object", {{"id", "dp_1"}, {"object", "dispute"}, {"charge", "ch_1"},
                                                              {"payment_intent", "pi_" + b.id.value}, {"amount", 4500},
                                                              {"currency", "eur"}, {"status", "needs_response"}}}}}}
                             .dump();
    const auto out = o.deliver(dispute);
    CHECK(out.applied);
    CHECK(s.ada.get_booking(b.id).payment_status == PaymentStatus::disputed);
    REQUIRE(o.count(EngineEventKind::payment_disputed) == 1);
}

TEST_CASE("a checkout never outlives its hold: short holds are expired through Stripe when they lapse") {
    PaidSalon s;
    std::vector<HttpRequest> seen;
    const auto b = s.book_colour();
    const auto co = s.ada.start_checkout(b.id, "https://salon.example/ok", "https://salon.example/back", sessions_transport(seen));
    CHECK(seen[0].body.find("expires_at") == std::string::npos);  // 15 minutes: below Stripe's 30
    CHECK(s.engine.expire_checkouts(sessions_transport(seen)).closed == 0);  // the hold still runs
    CHECK(seen.size() == 1);
    s.time.advance(15min);
    const auto done = s.engine.expire_checkouts(sessions_transport(seen));
    CHECK(done.closed == 1);
    REQUIRE(seen.size() == 2);
    CHECK(seen[1].url == "https://api.stripe.com/v1/checkout/sessions/" + co.id + "/expire");
    CHECK(seen[1].method == "POST");
    CHECK(find_header(seen[1].headers, "Authorization") == "Bearer sk_test_salon");
    CHECK(s.engine.expire_checkouts(sessions_transport(seen)).closed == 0);  // once
    SUBCASE("a hold of 30 minutes or more is told to Stripe instead") {
        auto longer = s.colour;
        longer.hold = 45min;
        s.admin.update_service(longer);
        const auto c = s.book_colour("2026-06-02T07:00:00Z");
        s.ada.start_checkout(c.id, "https://salon.example/ok", "https://salon.example/back", sessions_transport(seen));
        CHECK(seen.back().body.find("expires_at") != std::string::npos);
        s.time.advance(60min);
        CHECK(s.engine.expire_checkouts(sessions_transport(seen)).closed == 0);
    }
    SUBCASE("a booking cancelled before it is paid has its session expired at once, long hold or not") {
        auto longer = s.colour;
        longer.hold = 45min;
        s.admin.update_service(longer);
        const auto c = s.book_colour("2026-06-02T07:00:00Z");
        const auto open = s.ada.start_checkout(c.id, "https://salon.example/ok", "https://salon.example/back",
                                               sessions_transport(seen));
        s.time.advance(1min);
        CHECK(s.engine.expire_checkouts(sessions_transport(seen)).closed == 0);  // Stripe would close it in 44 min
        s.ada.cancel(c.id);
        CHECK(s.engine.expire_checkouts(sessions_transport(seen)).closed == 1);
        CHECK(seen.back().url == "https://api.stripe.com/v1/checkout/sessions/" + open.id + "/expire");
    }
    SUBCASE("a Stripe that fails is tried again later") {
        const auto c = s.book_colour("2026-06-02T07:00:00Z");
        s.ada.start_checkout(c.id, "https://salon.example/ok", "https://salon.example/back", sessions_transport(seen));
        s.time.advance(15min);
        const HttpTransport down = [](const HttpRequest&) { return HttpResponse{503, "{}"}; };
        const auto failed = s.engine.expire_checkouts(down);
        CHECK(failed.closed == 0);
        CHECK(failed.failed.size() == 1);
        CHECK(s.engine.expire_checkouts(sessions_transport(seen)).closed == 0);  // postponed
        s.time.advance(5min);
        CHECK(s.engine.expire_checkouts(sessions_transport(seen)).closed == 1);
    }
}
