// A tenant's own notification texts (message_texts.hpp), written as the
// attacks they must stop: one tenant's text reaching another's customers, a
// text that smuggles in an unknown placeholder or a stray brace, a customer
// name read as a placeholder, a staff or customer key rewriting the texts,
// the Italian text reaching an English reader, and a cleared text that
// keeps rendering.
#include "support/engine_fixture.hpp"
#include "support/errors.hpp"

#include <slotwise/message_texts.hpp>

#include <doctest/doctest.h>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

// A second business in the same engine, with a cut of its own.
struct OtherShop {
    Tenant tenant;
    TenantScope admin;
    Service cut;
    explicit OtherShop(Salon& s)
        : tenant(s.engine.create_tenant("Barber B")),
          admin(s.engine.scope({.tenant = tenant.id, .role = Role::admin, .subject = "owner-b"})) {
        auto r = admin.create_resource({.name = "Bea", .timezone = "Europe/Rome"});
        WeeklyHours week;
        week[date::Monday] = {{9h, 13h}};
        admin.set_weekly_hours(r.id, week);
        cut = admin.create_service({.name = "Shave", .duration = 30min, .resources = {r.id}});
    }
};

// Books `service` at 10:00 Rome on the salon's Monday and returns the
// confirmation as the outbox hands it out.
Notification confirmation(Salon& s, const TenantId& tenant, const ServiceId& service, Customer who,
                          const std::string& subject = "ada", const char* start = "2026-06-01T08:00:00Z") {
    auto customer = s.engine.scope({.tenant = tenant, .role = Role::customer, .subject = subject});
    const auto b = customer.book({.service = service, .start = at(start), .customer = std::move(who)});
    for (auto& n : s.engine.take_notifications(100)) {
        if (n.booking == b.id && n.kind == NotificationKind::booking_confirmed) return n;
    }
    FAIL("no confirmation was handed out");
    return {};
}

const MessageText own_en{.kind = NotificationKind::booking_confirmed, .locale = "en",
                         .subject = "See you {date} at {start}, {customer}",
                         .body = "{customer}: {service} with {resource}.\n\n{business}\n"};

}  // namespace

TEST_CASE("a tenant's own text renders for its customers and never for another tenant's") {
    Salon s;
    OtherShop b(s);
    b.admin.set_message_text(own_en);
    // Both confirmations go out in one batch, as a worker takes them.
    const auto ada = s.customer("ada").book({.service = s.cut.id, .start = at("2026-06-01T08:00:00Z"),
                                             .customer = {.name = "Ada", .locale = "en"}});
    const auto ugo = s.engine.scope({.tenant = b.tenant.id, .role = Role::customer, .subject = "ugo"})
                         .book({.service = b.cut.id, .start = at("2026-06-01T08:00:00Z"),
                                .customer = {.name = "Ugo", .locale = "en"}});
    std::optional<Notification> at_a, at_b;
    for (auto& n : s.engine.take_notifications(100)) {
        if (n.booking == ada.id) at_a = n;
        if (n.booking == ugo.id) at_b = n;
    }
    REQUIRE(at_a);
    REQUIRE(at_b);
    CHECK(at_a->subject == "Booking confirmed: Cut, Monday 1 June 2026 at 10:00");
    CHECK(at_a->body.rfind("Hello Ada,\n\nyour booking is confirmed.", 0) == 0);
    CHECK(at_b->subject == "See you Monday 1 June 2026 at 10:00, Ugo");
    CHECK(at_b->body == "Ugo: Shave with Bea.\n\nBarber B\n");
    // The invitation describes the appointment with the subject the customer got.
    CHECK(at_b->ics.find("See you Monday 1 June 2026 at 10:00") != std::string::npos);
    // And the other way round: A's text never reaches B's customers.
    s.admin.set_message_text({.kind = NotificationKind::booking_confirmed, .locale = "en",
                              .subject = "From A: {service}", .body = "A\n"});
    b.admin.clear_message_text(NotificationKind::booking_confirmed, "en");
    const auto bea = s.engine.scope({.tenant = b.tenant.id, .role = Role::customer, .subject = "bea"})
                         .book({.service = b.cut.id, .start = at("2026-06-01T08:30:00Z"),
                                .customer = {.name = "Bea", .locale = "en"}});
    const auto rendered = b.admin.notifications(bea.id);
    REQUIRE(rendered.size() == 1);
    CHECK(rendered[0].subject == "Booking confirmed: Shave, Monday 1 June 2026 at 10:30");

    CHECK(s.admin.message_texts().overrides.size() == 1);
    CHECK(b.admin.message_texts().overrides.empty());
}

TEST_CASE("an unknown placeholder, a stray brace or a malformed text is refused naming the field, and nothing is stored") {
    Salon s;
    s.admin.set_message_text(own_en);
    const auto before = s.admin.message_texts();

    const auto refused = [&](MessageText m, const std::string& field, const std::string& says) {
        CAPTURE(m.subject);
        CAPTURE(m.body);
        try {
            s.admin.set_message_text(m);
            FAIL_CHECK("accepted");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::invalid_argument);
            CHECK(e.field() == field);
            CHECK_MESSAGE(std::string(e.what()).find(says) != std::string::npos, e.what());
        }
        CHECK(s.admin.message_texts().overrides == before.overrides);
    };
    auto m = own_en;
    SUBCASE("an unknown placeholder in the subject") {
        m.subject = "Hi {custmer}";
        refused(m, "subject", "unknown placeholder {custmer}");
    }
    SUBCASE("an unknown placeholder in the body") {
        m.body = "Your {booking_secret} is ready";
        refused(m, "body", "unknown placeholder {booking_secret}");
    }
    SUBCASE("{amount} outside a refund notice") {
        m.body = "You paid {amount}";
        refused(m, "body", "unknown placeholder {amount} for booking_confirmed");
    }
    SUBCASE("an empty placeholder") {
        m.subject = "Hi {}";
        refused(m, "subject", "unknown placeholder {}");
    }
    SUBCASE("a brace never closed") {
        m.body = "Hi {customer";
        refused(m, "body", "unbalanced brace: '{' at byte 3 is not closed");
    }
    SUBCASE("a brace opened inside a placeholder") {
        m.subject = "Hi {cust{customer}";
        refused(m, "subject", "unbalanced brace: '{' at byte 3");
    }
    SUBCASE("a brace that closes nothing") {
        m.body = "Hi customer} {customer}";
        refused(m, "body", "unbalanced brace: '}' at byte 11 closes no placeholder");
    }
    SUBCASE("a subject of two lines (a header injection)") {
        m.subject = "Hi\nBcc: everyone@example.com";
        refused(m, "subject", "must be one line");
    }
    SUBCASE("a control character in the body") {
        m.body = std::string("Hi\x1b[31m {customer}");
        refused(m, "body", "control character");
    }
    SUBCASE("a subject over 200 bytes") {
        m.subject = std::string(201, 'x');
        refused(m, "subject", "longer than 200 bytes");
    }
    SUBCASE("a body over 4,000 bytes") {
        m.body = std::string(4001, 'x');
        refused(m, "body", "longer than 4000 bytes");
    }
    SUBCASE("an empty subject") {
        m.subject.clear();
        refused(m, "subject", "must not be empty");
    }
    SUBCASE("bytes that are not UTF-8") {
        m.body = "Ciao \xC3";
        refused(m, "body", "not valid UTF-8");
    }
    SUBCASE("a language with no built-in texts") {
        m.locale = "fr";
        refused(m, "locale", "\"en\" or \"it\"");
    }
    SUBCASE("a language written as a tag") {
        m.locale = "it-IT";
        refused(m, "locale", "\"en\" or \"it\"");
    }
}

TEST_CASE("the placeholders of one kind are accepted for it: {amount} in a refund notice, {offer_expires} in an offer") {
    Salon s;
    CHECK_NOTHROW(s.admin.set_message_text({.kind = NotificationKind::refund_due, .locale = "en",
                                            .subject = "{amount} back", .body = "{amount} for {service}"}));
    CHECK_NOTHROW(s.admin.set_message_text({.kind = NotificationKind::waitlist_offer, .locale = "it",
                                            .subject = "Posto libero fino alle {offer_expires}", .body = "{offer_expires}"}));
    CHECK_THROWS_AS(s.admin.set_message_text({.kind = NotificationKind::refund_due, .locale = "en",
                                              .subject = "{offer_expires}", .body = "x"}),
                    Error);
    // The longest subject and body are accepted, the full set of common placeholders too.
    MessageText m = own_en;
    m.subject = std::string(200, 's');
    m.body = std::string(3900, 'b') + "{customer}{business}{service}{resource}{date}{start}{end}{timezone}{booking}";
    CHECK_NOTHROW(s.admin.set_message_text(m));
}

TEST_CASE("a customer name that looks like a placeholder is written as typed, never expanded") {
    Salon s;
    s.admin.set_message_text(own_en);
    const auto n = confirmation(s, s.tenant.id, s.cut.id, {.name = "{service} {business} {amount} {", .locale = "en"});
    CHECK(n.subject == "See you Monday 1 June 2026 at 10:00, {service} {business} {amount} {");
    // Anna or Bruno, whichever the engine picked.
    CHECK(n.body.rfind("{service} {business} {amount} {: Cut with ", 0) == 0);
    CHECK(n.body.ends_with(".\n\nSalon Bella\n"));
    // The built-in texts substitute the same way.
    s.admin.clear_message_text(NotificationKind::booking_confirmed, "en");
    const auto d = confirmation(s, s.tenant.id, s.cut.id, {.name = "{service}", .locale = "en"}, "bea",
                                "2026-06-01T08:30:00Z");
    CHECK(d.body.rfind("Hello {service},\n\n", 0) == 0);
}

TEST_CASE("staff and customers can neither set, read nor clear the texts") {
    Salon s;
    s.admin.set_message_text(own_en);
    auto staff = s.engine.scope({.tenant = s.tenant.id, .role = Role::staff, .subject = "anna"});
    auto customer = s.customer("ada");
    for (auto* scope : {&staff, &customer}) {
        CAPTURE(to_string(scope->principal().role));
        auto m = own_en;
        m.subject = "Owned: {customer}";
        CHECK(code_of([&] { scope->set_message_text(m); }) == Errc::permission_denied);
        CHECK(code_of([&] { (void)scope->message_texts(); }) == Errc::permission_denied);
        CHECK(code_of([&] { scope->clear_message_text(NotificationKind::booking_confirmed, "en"); }) ==
              Errc::permission_denied);
    }
    CHECK(s.admin.message_texts().overrides == std::vector<MessageText>{own_en});
}

TEST_CASE("the Italian text reaches Italian readers only; everyone else reads English") {
    Salon s;
    s.admin.set_message_text({.kind = NotificationKind::booking_confirmed, .locale = "it",
                              .subject = "A presto, {customer}: {date} alle {start}", .body = "Ciao {customer}\n"});
    const auto it = confirmation(s, s.tenant.id, s.cut.id, {.name = "Lia", .locale = "it-IT"}, "lia");
    CHECK(it.subject == "A presto, Lia: lunedì 1 giugno 2026 alle 10:00");
    CHECK(it.body == "Ciao Lia\n");
    const auto en = confirmation(s, s.tenant.id, s.cut.id, {.name = "Ada", .locale = "en"}, "ada",
                                 "2026-06-01T08:30:00Z");
    CHECK(en.subject == "Booking confirmed: Cut, Monday 1 June 2026 at 10:30");
    const auto de = confirmation(s, s.tenant.id, s.cut.id, {.name = "Udo", .locale = "de"}, "udo",
                                 "2026-06-01T09:00:00Z");
    CHECK(de.subject == "Booking confirmed: Cut, Monday 1 June 2026 at 11:00");
}

TEST_CASE("clearing a text brings the built-in one back, and clearing it twice is not_found") {
    Salon s;
    s.admin.set_message_text(own_en);
    CHECK(confirmation(s, s.tenant.id, s.cut.id, {.name = "Ada"}).subject == "See you Monday 1 June 2026 at 10:00, Ada");
    s.admin.clear_message_text(NotificationKind::booking_confirmed, "en");
    CHECK(confirmation(s, s.tenant.id, s.cut.id, {.name = "Ada"}, "ada", "2026-06-01T08:30:00Z").subject ==
          "Booking confirmed: Cut, Monday 1 June 2026 at 10:30");
    CHECK(code_of([&] { s.admin.clear_message_text(NotificationKind::booking_confirmed, "en"); }) == Errc::not_found);
    CHECK(field_of([&] { s.admin.clear_message_text(NotificationKind::booking_confirmed, "xx"); }) == "locale");
}

TEST_CASE("message_texts lists every kind in both languages: the tenant's own where set, else the built-in text") {
    Salon s;
    auto it_offer = MessageText{.kind = NotificationKind::waitlist_offer, .locale = "it",
                                .subject = "Posto: {service}", .body = "Fino alle {offer_expires}\n"};
    s.admin.set_message_text(it_offer);
    s.admin.set_message_text(own_en);
    const auto texts = s.admin.message_texts();
    CHECK(texts.overrides == std::vector<MessageText>{own_en, it_offer});
    REQUIRE(texts.applied.size() == notification_kinds.size() * 2);
    for (const auto& a : texts.applied) {
        CAPTURE(to_string(a.kind));
        CAPTURE(a.locale);
        const bool own = (a.kind == own_en.kind && a.locale == "en") || (a.kind == it_offer.kind && a.locale == "it");
        CHECK(a.overridden == own);
        if (!own) {
            const auto builtin = default_message_template(a.kind, language_of(a.locale));
            CHECK(a.subject == builtin.subject);
            CHECK(a.body == builtin.body);
            // Every built-in text passes the check a tenant's text must pass.
            CHECK(message_template_problem(a.kind, a.subject).empty());
            CHECK(message_template_problem(a.kind, a.body).empty());
        }
    }
    CHECK(texts.applied[0].kind == NotificationKind::booking_confirmed);
    CHECK(texts.applied[0].locale == "en");
    CHECK(texts.applied[0].subject == own_en.subject);
}
