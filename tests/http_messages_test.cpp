// The notification-text routes (GET /v1/messages, PUT and DELETE
// /v1/messages/{kind}/{locale}) against a real server on loopback, each
// written as the attack it must stop: another tenant's key reading or
// clearing a text, a staff or customer key rewriting one, a tenant smuggled
// in through the body, a bad placeholder stored anyway.
#include "support/http_api.hpp"

#include <slotwise/message_texts.hpp>

using namespace slotwise;
using namespace slotwise::test;

namespace {

Json italian_confirmation() {
    return {{"subject", "Confermato: {service} il {date} alle {start}"}, {"body", "Ciao {customer},\n{business}\n"}};
}

const Json* applied(const Json& doc, const std::string& kind, const std::string& locale) {
    for (const auto& m : doc["messages"]) {
        if (m["kind"] == kind && m["locale"] == locale) return &m;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("an admin sets, reads and clears a text; the built-in one is in force again after clearing") {
    Api api;
    const auto fresh = Api::json(api.get("/v1/messages", api.admin_a));
    REQUIRE(fresh["messages"].size() == notification_kinds.size() * 2);
    CHECK(fresh["overrides"].empty());
    const auto* builtin = applied(fresh, "booking_confirmed", "it");
    REQUIRE(builtin);
    CHECK((*builtin)["overridden"] == false);
    CHECK((*builtin)["subject"] == "Prenotazione confermata: {service}, {date} alle {start}");
    const auto* refund = applied(fresh, "refund_due", "en");
    REQUIRE(refund);
    CHECK(std::find((*refund)["placeholders"].begin(), (*refund)["placeholders"].end(), "{amount}") !=
          (*refund)["placeholders"].end());

    auto r = api.put("/v1/messages/booking_confirmed/it", api.admin_a, italian_confirmation());
    REQUIRE(r);
    CHECK(r->status == 200);
    check_security_headers(r, "PUT /v1/messages");
    auto doc = Api::json(api.get("/v1/messages", api.admin_a));
    REQUIRE(doc["overrides"].size() == 1);
    CHECK(doc["overrides"][0]["subject"] == italian_confirmation()["subject"]);
    CHECK((*applied(doc, "booking_confirmed", "it"))["overridden"] == true);
    CHECK((*applied(doc, "booking_confirmed", "en"))["overridden"] == false);

    r = api.client->Delete("/v1/messages/booking_confirmed/it", Api::auth(api.admin_a));
    REQUIRE(r);
    CHECK(r->status == 204);
    doc = Api::json(api.get("/v1/messages", api.admin_a));
    CHECK(doc["overrides"].empty());
    CHECK(*applied(doc, "booking_confirmed", "it") == *builtin);
    r = api.client->Delete("/v1/messages/booking_confirmed/it", Api::auth(api.admin_a));
    CHECK(r->status == 404);
}

TEST_CASE("another tenant's admin key neither sees nor clears a tenant's text") {
    Api api;
    REQUIRE(api.put("/v1/messages/booking_confirmed/it", api.admin_a, italian_confirmation())->status == 200);
    CHECK(Api::json(api.get("/v1/messages", api.admin_b))["overrides"].empty());
    CHECK(api.client->Delete("/v1/messages/booking_confirmed/it", Api::auth(api.admin_b))->status == 404);
    // A tenant named in the body or the query string is refused, never followed.
    auto body = italian_confirmation();
    body["tenant"] = api.a.id.value;
    auto r = api.put("/v1/messages/booking_confirmed/it", api.admin_b, body);
    CHECK(r->status == 400);
    CHECK(Api::json(r)["error"]["field"] == "tenant");
    CHECK(api.get("/v1/messages?tenant=" + api.a.id.value, api.admin_b)->status == 400);
    CHECK(Api::json(api.get("/v1/messages", api.admin_a))["overrides"].size() == 1);
}

TEST_CASE("staff and customer keys cannot read, set or clear texts") {
    Api api;
    REQUIRE(api.put("/v1/messages/booking_confirmed/it", api.admin_a, italian_confirmation())->status == 200);
    for (const auto role : {Role::staff, Role::customer}) {
        CAPTURE(to_string(role));
        const auto key = create_api_key(api.engine, {.tenant = api.a.id, .role = role, .subject = "ada"}).secret;
        CHECK(api.get("/v1/messages", key)->status == 403);
        Json body{{"subject", "Owned {customer}"}, {"body", "x"}};
        CHECK(api.put("/v1/messages/booking_confirmed/it", key, body)->status == 403);
        CHECK(api.client->Delete("/v1/messages/booking_confirmed/it", Api::auth(key))->status == 403);
    }
    const auto doc = Api::json(api.get("/v1/messages", api.admin_a));
    REQUIRE(doc["overrides"].size() == 1);
    CHECK(doc["overrides"][0]["subject"] == italian_confirmation()["subject"]);
}

TEST_CASE("a bad text is answered 400 naming the field and the placeholder, and nothing is stored") {
    Api api;
    auto r = api.put("/v1/messages/booking_confirmed/en", api.admin_a, {{"subject", "Hi {custmer}"}, {"body", "x"}});
    CHECK(r->status == 400);
    CHECK(Api::json(r)["error"]["field"] == "subject");
    CHECK(Api::json(r)["error"]["message"].get<std::string>().find("{custmer}") != std::string::npos);
    r = api.put("/v1/messages/booking_confirmed/en", api.admin_a, {{"subject", "Hi"}, {"body", "Paid {amount"}});
    CHECK(r->status == 400);
    CHECK(Api::json(r)["error"]["field"] == "body");
    r = api.put("/v1/messages/booking_confirmed/en", api.admin_a, {{"subject", "Hi"}});
    CHECK(r->status == 400);
    CHECK(Api::json(r)["error"]["field"] == "body");
    r = api.put("/v1/messages/booking_confirmed/fr", api.admin_a, {{"subject", "Salut"}, {"body", "x"}});
    CHECK(r->status == 400);
    CHECK(Api::json(r)["error"]["field"] == "locale");
    r = api.put("/v1/messages/booking_exploded/en", api.admin_a, {{"subject", "Hi"}, {"body", "x"}});
    CHECK(r->status == 404);
    CHECK(Api::json(r)["error"]["field"] == "kind");
    CHECK(Api::json(api.get("/v1/messages", api.admin_a))["overrides"].empty());
}
