// The HTTP routes of the waitlist, series, schedule exceptions, table
// combinations, (de)activation, erasure and payments, against a real server
// on loopback: each flow end to end, then each attack it must stop — another
// tenant's admin key on this tenant's ids (404, nothing changed), a customer
// token reaching for another's entry or for staff's calls, malformed bodies
// and query strings. Every response goes through `call`, which checks the
// security headers on it.
#include "support/http_api.hpp"

#include <slotwise/api_keys.hpp>
#include <slotwise/http.hpp>
#include <slotwise/stripe.hpp>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

using namespace slotwise;
using namespace slotwise::test;

namespace {

struct Answer {
    int status = 0;
    Json body{};
    std::string field() const { return body.contains("error") && body["error"]["field"].is_string() ? body["error"]["field"].get<std::string>() : ""; }
    std::string code() const { return body.contains("error") ? body["error"]["code"].get<std::string>() : ""; }
};

// One request with `key`; the security headers are checked on its answer.
Answer call(Api& api, const std::string& method, const std::string& path, const std::string& key,
            const Json& body = nullptr) {
    const auto h = Api::auth(key);
    const std::string text = body.is_null() ? "" : body.dump();
    httplib::Result r = method == "GET"      ? api.client->Get(path.c_str(), h)
                        : method == "DELETE" ? api.client->Delete(path.c_str(), h)
                        : method == "PUT"    ? api.client->Put(path.c_str(), h, text, "application/json")
                                             : api.client->Post(path.c_str(), h, text, "application/json");
    check_security_headers(r, method + " " + path);
    Answer a{.status = r->status};
    if (!r->body.empty()) a.body = Json::parse(r->body);
    return a;
}

std::string customer_key(Api& api, const TenantId& tenant, const std::string& subject) {
    return create_api_key(api.engine, {.tenant = tenant, .role = Role::customer, .subject = subject}).secret;
}

Json one_window(const char* from, const char* to) { return Json::array({Json::array({from, to})}); }

Json customer(const std::string& name) { return {{"name", name}, {"email", name + "@example.com"}}; }

// Answers like Stripe's API: a checkout session and a refund; records each request.
struct FakeStripe {
    std::mutex m;
    std::vector<HttpRequest> seen;
    HttpResponse answer(const HttpRequest& r) {
        std::lock_guard lock(m);
        seen.push_back(r);
        if (r.url == "https://api.stripe.com/v1/checkout/sessions") {
            return {200, R"({"id":"cs_test_1","object":"checkout.session","url":"https://checkout.stripe.com/c/pay/cs_test_1"})"};
        }
        if (r.url == "https://api.stripe.com/v1/refunds") return {200, R"({"id":"re_1","object":"refund","status":"succeeded"})"};
        return {404, R"({"error":{"message":"Unrecognized request URL"}})"};
    }
    std::size_t count() {
        std::lock_guard lock(m);
        return seen.size();
    }
};

// Room for the many writes one test makes (the limiter has its own tests).
HttpServerOptions roomy() {
    HttpServerOptions o;
    o.per_key = {.burst = 100'000, .refill_every = std::chrono::milliseconds{1}};
    return o;
}

HttpServerOptions with_stripe(const std::shared_ptr<FakeStripe>& stripe) {
    auto o = roomy();
    o.payment_transport = [stripe](const HttpRequest& r) { return stripe->answer(r); };
    return o;
}

std::size_t slots_on(Api& api, const std::string& key, const std::string& svc, int days) {
    const auto a = call(api, "GET", "/v1/availability?service=" + svc + "&from=" + day_ahead(days) + "&to=" + day_ahead(days), key);
    REQUIRE(a.status == 200);
    return a.body["slots"].size();
}

bool offers(Api& api, const std::string& key, const std::string& svc, int days, const std::string& start) {
    const auto a = call(api, "GET", "/v1/availability?service=" + svc + "&from=" + day_ahead(days) + "&to=" + day_ahead(days), key);
    REQUIRE(a.status == 200);
    for (const auto& s : a.body["slots"]) {
        if (s["start"] == start) return true;
    }
    return false;
}

// A paid booking whose checkout was paid the wrong amount: the money is owed
// back (refund_due), as a webhook Stripe signs would leave it.
std::string refund_due_booking(Api& api, const std::string& ada, const std::string& paid_svc, const std::string& start) {
    auto b = call(api, "POST", "/v1/bookings", ada, {{"service", paid_svc}, {"start", start}, {"customer", customer("ada")}});
    REQUIRE(b.status == 201);
    CHECK(b.body["status"] == "pending");
    const auto id = b.body["id"].get<std::string>();
    auto co = call(api, "POST", "/v1/bookings/" + id + "/checkout", ada,
                   {{"success_url", "https://shop.example/ok"}, {"cancel_url", "https://shop.example/back"}});
    REQUIRE(co.status == 201);
    CHECK(co.body["id"] == "cs_test_1");
    CHECK(co.body["url"] == "https://checkout.stripe.com/c/pay/cs_test_1");
    const auto event = Json{{"id", "evt_short_" + id}, {"object", "event"}, {"type", "checkout.session.completed"},
                            {"created", 1780290000},
                            {"data", {{"object", {{"id", "cs_test_1"}, {"object", "checkout.session"},
                                                  {"payment_status", "paid"}, {"payment_intent", "pi_" + id},
                                                  {"client_reference_id", id}, {"amount_total", 1},
                                                  {"currency", "eur"}, {"metadata", {{"booking_id", id}}}}}}}}
                           .dump();
    const StripeProvider signer({.secret_key = "sk_test_a", .webhook_secret = "whsec_a"});
    auto r = api.client->Post(("/v1/webhooks/stripe/" + api.a.id.value).c_str(),
                              {{"Stripe-Signature", signer.sign(event, api.engine.now())}}, event, "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const auto after = call(api, "GET", "/v1/bookings/" + id, api.admin_a);
    REQUIRE(after.body["payment_status"] == "refund_due");
    return id;
}

}  // namespace

TEST_CASE("a waitlist over HTTP: a full class, a join, a cancellation, the offer, accepted and confirmed") {
    Api api(roomy());
    const auto [res, svc] = api.shop(api.admin_a);
    const auto ada = customer_key(api, api.a.id, "ada");
    const auto bea = customer_key(api, api.a.id, "bea");
    const auto start = api.at(7, "10:00");

    auto booked = call(api, "POST", "/v1/bookings", ada, api.booking_body(svc, start));
    REQUIRE(booked.status == 201);
    const auto ada_booking = booked.body["id"].get<std::string>();
    CHECK_FALSE(offers(api, bea, svc, 7, start));

    auto joined = call(api, "POST", "/v1/waitlist", bea, {{"service", svc}, {"start", start}, {"customer", customer("bea")}});
    REQUIRE(joined.status == 201);
    CHECK(joined.body["status"] == "waiting");
    CHECK(joined.body["position"] == 1);
    CHECK(joined.body["created_by"] == "bea");
    const auto entry = joined.body["id"].get<std::string>();

    // A start that is offered is booked, not queued for.
    auto free = call(api, "POST", "/v1/waitlist", bea, {{"service", svc}, {"start", api.at(7, "11:00")}, {"customer", customer("bea")}});
    CHECK(free.status == 400);
    CHECK(free.field() == "start");
    // Another customer cannot read the entry: it reads like an unknown one.
    CHECK(call(api, "GET", "/v1/waitlist/" + entry, ada).status == 404);
    CHECK(call(api, "POST", "/v1/waitlist/" + entry + "/leave", ada).status == 404);

    REQUIRE(call(api, "POST", "/v1/bookings/" + ada_booking + "/cancel", ada).status == 200);
    auto offered = call(api, "GET", "/v1/waitlist/" + entry, bea);
    REQUIRE(offered.status == 200);
    CHECK(offered.body["status"] == "offered");
    REQUIRE(offered.body["offer"].is_string());
    const auto offer = offered.body["offer"].get<std::string>();
    CHECK(call(api, "GET", "/v1/bookings/" + offer, bea).body["status"] == "offered");

    // Only bea may take bea's offer.
    const auto stolen = call(api, "POST", "/v1/bookings/" + offer + "/accept", ada);
    CHECK((stolen.status == 403 || stolen.status == 404));
    CHECK(call(api, "GET", "/v1/bookings/" + offer, api.admin_a).body["status"] == "offered");

    auto accepted = call(api, "POST", "/v1/bookings/" + offer + "/accept", bea);
    REQUIRE(accepted.status == 200);
    CHECK(accepted.body["status"] == "confirmed");
    CHECK(call(api, "POST", "/v1/bookings/" + offer + "/accept", bea).status == 409);

    // Leaving: a waiting entry becomes "left"; leaving twice is refused.
    const auto cleo = customer_key(api, api.a.id, "cleo");
    auto e2 = call(api, "POST", "/v1/waitlist", cleo, {{"service", svc}, {"start", start}, {"seats", 1}, {"customer", customer("cleo")}});
    REQUIRE(e2.status == 201);
    const auto id2 = e2.body["id"].get<std::string>();
    auto left = call(api, "POST", "/v1/waitlist/" + id2 + "/leave", cleo);
    REQUIRE(left.status == 200);
    CHECK(left.body["status"] == "left");
    CHECK(call(api, "POST", "/v1/waitlist/" + id2 + "/leave", cleo).status == 409);
}

TEST_CASE("a series over HTTP skips a taken start when partial, refuses it otherwise, and cancels from a booking on") {
    Api api(roomy());
    const auto [res, svc] = api.shop(api.admin_a);
    const auto ada = customer_key(api, api.a.id, "ada");
    REQUIRE(call(api, "POST", "/v1/bookings", api.admin_a, api.booking_body(svc, api.at(14, "10:00"))).status == 201);

    const Json whole{{"service", svc}, {"start", api.at(7, "10:00")}, {"every_weeks", 1}, {"count", 3}, {"customer", customer("ada")}};
    auto refused = call(api, "POST", "/v1/series", ada, whole);
    CHECK(refused.status == 409);
    CHECK(refused.field() == "start");
    CHECK(call(api, "GET", "/v1/bookings?subject=ada", api.admin_a).body["bookings"].empty());

    auto partial = whole;
    partial["partial"] = true;
    auto made = call(api, "POST", "/v1/series", ada, partial);
    REQUIRE(made.status == 201);
    REQUIRE(made.body["bookings"].size() == 2);
    CHECK(made.body["skipped"] == Json::array({api.at(14, "10:00")}));
    CHECK(made.body["bookings"][0]["start"] == api.at(7, "10:00"));
    CHECK(made.body["bookings"][1]["start"] == api.at(21, "10:00"));
    const auto series = made.body["id"].get<std::string>();
    CHECK(made.body["bookings"][0]["series"] == series);

    // The filters: by series, by subject, by payment status.
    CHECK(call(api, "GET", "/v1/bookings?series=" + series, api.admin_a).body["bookings"].size() == 2);
    CHECK(call(api, "GET", "/v1/bookings?subject=ada", api.admin_a).body["bookings"].size() == 2);
    CHECK(call(api, "GET", "/v1/bookings?payment_status=none", api.admin_a).body["bookings"].size() == 3);
    CHECK(call(api, "GET", "/v1/bookings?payment_status=paid", api.admin_a).body["bookings"].empty());
    CHECK(call(api, "GET", "/v1/bookings?payment_status=gold", api.admin_a).field() == "payment_status");

    const auto second = made.body["bookings"][1]["id"].get<std::string>();
    auto rest = call(api, "POST", "/v1/bookings/" + second + "/cancel-rest", ada);
    REQUIRE(rest.status == 200);
    REQUIRE(rest.body["cancelled"].size() == 1);
    CHECK(rest.body["cancelled"][0]["id"] == second);
    auto all = call(api, "POST", "/v1/series/" + series + "/cancel", ada, {{"from", api.at(0, "00:00")}});
    REQUIRE(all.status == 200);
    CHECK(all.body["cancelled"].size() == 1);
    CHECK(call(api, "GET", "/v1/bookings?series=" + series + "&status=cancelled", api.admin_a).body["bookings"].size() == 2);
    // A booking of no series has no "rest" to cancel.
    const auto other = call(api, "GET", "/v1/bookings?from=" + api.at(14, "00:00") + "&to=" + api.at(15, "00:00"), api.admin_a).body["bookings"];
    REQUIRE(other.size() == 1);
    CHECK(call(api, "POST", "/v1/bookings/" + other[0]["id"].get<std::string>() + "/cancel-rest", api.admin_a).field() == "booking");
}

TEST_CASE("time off and date overrides over HTTP take starts out of availability and give them back") {
    Api api(roomy());
    const auto [res, svc] = api.shop(api.admin_a);
    const auto ada = customer_key(api, api.a.id, "ada");
    const auto start = api.at(7, "10:00");
    REQUIRE(slots_on(api, ada, svc, 7) == 8);

    auto block = call(api, "POST", "/v1/resources/" + res + "/blocks", api.admin_a,
                      {{"start", start}, {"end", api.at(7, "11:00")}, {"reason", "dentist"}});
    REQUIRE(block.status == 201);
    const auto block_id = block.body["id"].get<std::string>();
    CHECK_FALSE(offers(api, ada, svc, 7, start));
    CHECK(slots_on(api, ada, svc, 7) == 7);
    const auto range = "?from=" + api.at(7, "00:00") + "&to=" + api.at(8, "00:00");
    auto listed = call(api, "GET", "/v1/resources/" + res + "/blocks" + range, api.admin_a);
    REQUIRE(listed.body["blocks"].size() == 1);
    CHECK(listed.body["blocks"][0]["reason"] == "dentist");
    // A customer sees the busy time, never why.
    auto seen = call(api, "GET", "/v1/resources/" + res + "/blocks" + range, ada);
    REQUIRE(seen.body["blocks"].size() == 1);
    CHECK(seen.body["blocks"][0]["reason"] == "");
    CHECK(call(api, "DELETE", "/v1/blocks/" + block_id, ada).status == 403);
    REQUIRE(call(api, "DELETE", "/v1/blocks/" + block_id, api.admin_a).status == 204);
    CHECK(offers(api, ada, svc, 7, start));
    CHECK(call(api, "DELETE", "/v1/blocks/" + block_id, api.admin_a).status == 404);

    const auto day = day_ahead(7);
    auto set = call(api, "PUT", "/v1/resources/" + res + "/overrides/" + day, api.admin_a, {{"windows", one_window("09:00", "12:00")}});
    REQUIRE(set.status == 200);
    CHECK(set.body["windows"] == Json::array({{"09:00", "12:00"}}));
    CHECK(slots_on(api, ada, svc, 7) == 3);
    auto overrides = call(api, "GET", "/v1/resources/" + res + "/overrides?from=" + day_ahead(1) + "&to=" + day_ahead(30), api.admin_a);
    REQUIRE(overrides.body["overrides"].size() == 1);
    CHECK(overrides.body["overrides"][0]["date"] == day);
    REQUIRE(call(api, "PUT", "/v1/resources/" + res + "/overrides/" + day, api.admin_a, {{"windows", Json::array()}}).status == 200);
    CHECK(slots_on(api, ada, svc, 7) == 0);
    REQUIRE(call(api, "DELETE", "/v1/resources/" + res + "/overrides/" + day, api.admin_a).status == 204);
    CHECK(slots_on(api, ada, svc, 7) == 8);
    CHECK(call(api, "DELETE", "/v1/resources/" + res + "/overrides/" + day, api.admin_a).status == 404);
}

TEST_CASE("deactivation, table combinations and erasure over HTTP, admin only") {
    Api api(roomy());
    const auto [res, svc] = api.shop(api.admin_a);
    const auto ada = customer_key(api, api.a.id, "ada");

    CHECK(call(api, "POST", "/v1/resources/" + res + "/deactivate", ada).status == 403);
    auto off = call(api, "POST", "/v1/resources/" + res + "/deactivate", api.admin_a);
    REQUIRE(off.status == 200);
    CHECK(off.body["active"] == false);
    CHECK(slots_on(api, ada, svc, 7) == 0);
    CHECK(call(api, "POST", "/v1/resources/" + res + "/reactivate", api.admin_a).body["active"] == true);
    CHECK(slots_on(api, ada, svc, 7) == 8);
    CHECK(call(api, "POST", "/v1/services/" + svc + "/deactivate", ada).status == 403);
    CHECK(call(api, "POST", "/v1/services/" + svc + "/deactivate", api.admin_a).body["active"] == false);
    CHECK(call(api, "POST", "/v1/bookings", ada, api.booking_body(svc, api.at(7, "10:00"))).status == 409);
    CHECK(call(api, "POST", "/v1/services/" + svc + "/reactivate", api.admin_a).body["active"] == true);

    // A party service's tables (its party flag is set through the engine here).
    auto admin = api.engine.scope({.tenant = api.a.id, .role = Role::admin, .subject = "owner"});
    const auto t1 = admin.create_resource({.name = "T1", .timezone = "UTC", .size = 2});
    const auto t2 = admin.create_resource({.name = "T2", .timezone = "UTC", .size = 2});
    const auto dinner = admin.create_service({.name = "Dinner", .duration = Minutes{90}, .resources = {t1.id, t2.id}, .party = true});
    const auto combos = "/v1/services/" + dinner.id.value + "/combinations";
    const Json pair{{"group", 0}, {"tables", {t1.id.value, t2.id.value}}, {"size", 4}};
    CHECK(call(api, "POST", combos, ada, pair).status == 403);
    auto made = call(api, "POST", combos, api.admin_a, pair);
    REQUIRE(made.status == 201);
    CHECK(made.body["size"] == 4);
    CHECK(call(api, "GET", combos, api.admin_a).body["combinations"].size() == 1);
    const auto combo = made.body["id"].get<std::string>();
    CHECK(call(api, "DELETE", "/v1/combinations/" + combo, ada).status == 403);
    REQUIRE(call(api, "DELETE", "/v1/combinations/" + combo, api.admin_a).status == 204);
    CHECK(call(api, "GET", combos, api.admin_a).body["combinations"].empty());

    // Erasure: the bookings stay, the personal data goes.
    auto booked = call(api, "POST", "/v1/bookings", ada, api.booking_body(svc, api.at(7, "10:00")));
    REQUIRE(booked.status == 201);
    CHECK(call(api, "POST", "/v1/customers/erase", ada, {{"subject", "ada"}}).status == 403);
    auto erased = call(api, "POST", "/v1/customers/erase", api.admin_a, {{"subject", "ada"}});
    REQUIRE(erased.status == 200);
    CHECK(erased.body["bookings"] == 1);
    auto after = call(api, "GET", "/v1/bookings/" + booked.body["id"].get<std::string>(), api.admin_a);
    CHECK(after.body["customer"]["name"] == "");
    CHECK(after.body["status"] == "confirmed");
}

TEST_CASE("checkout and refund reach the provider through the server's transport; staff-only calls refuse a customer") {
    auto stripe = std::make_shared<FakeStripe>();
    Api api(with_stripe(stripe));
    const auto [res, svc] = api.shop(api.admin_a);
    api.engine.scope({.tenant = api.a.id, .role = Role::admin}).configure_stripe("sk_test_a", "whsec_a");
    auto paid = call(api, "POST", "/v1/services", api.admin_a,
                     {{"name", "Colour"}, {"duration", 60}, {"price", 4500}, {"currency", "EUR"}, {"resources", {res}}});
    REQUIRE(paid.status == 201);
    const auto paid_svc = paid.body["id"].get<std::string>();
    const auto ada = customer_key(api, api.a.id, "ada");
    const auto bea = customer_key(api, api.a.id, "bea");

    CHECK(call(api, "POST", "/v1/bookings/bkg_000000000000000000000000/checkout", ada,
               {{"success_url", "https://shop.example/ok"}}).field() == "cancel_url");
    const auto id = refund_due_booking(api, ada, paid_svc, api.at(7, "10:00"));
    {
        std::lock_guard lock(stripe->m);
        REQUIRE(stripe->seen.size() == 1);
        CHECK(stripe->seen[0].method == "POST");
        CHECK(stripe->seen[0].body.find(id) != std::string::npos);
    }
    // Another customer's booking: not found; a customer may not refund.
    CHECK(call(api, "POST", "/v1/bookings/" + id + "/checkout", bea,
               {{"success_url", "https://shop.example/ok"}, {"cancel_url", "https://shop.example/back"}}).status == 404);
    CHECK(call(api, "POST", "/v1/bookings/" + id + "/refund", ada).status == 403);
    CHECK(call(api, "GET", "/v1/bookings/" + id + "/notifications", ada).status == 403);
    CHECK(stripe->count() == 1);

    auto notes = call(api, "GET", "/v1/bookings/" + id + "/notifications", api.admin_a);
    REQUIRE(notes.status == 200);
    bool told_refund_due = false;
    for (const auto& n : notes.body["notifications"]) told_refund_due = told_refund_due || n["kind"] == "refund_due";
    CHECK(told_refund_due);

    auto refunded = call(api, "POST", "/v1/bookings/" + id + "/refund", api.admin_a);
    REQUIRE(refunded.status == 200);
    CHECK(refunded.body["id"] == "re_1");
    CHECK(refunded.body["status"] == "succeeded");
    CHECK(refunded.body["booking"]["payment_status"] == "refunded");
    std::lock_guard lock(stripe->m);
    REQUIRE(stripe->seen.size() == 2);
    CHECK(stripe->seen[1].url == "https://api.stripe.com/v1/refunds");
    CHECK(stripe->seen[1].body.find("payment_intent=pi_" + id) != std::string::npos);
}

TEST_CASE("without a payment transport, checkout and refund answer 503 not_configured and change nothing") {
    Api api(roomy());
    const auto [res, svc] = api.shop(api.admin_a);
    api.engine.scope({.tenant = api.a.id, .role = Role::admin}).configure_stripe("sk_test_a", "whsec_a");
    auto paid = call(api, "POST", "/v1/services", api.admin_a,
                     {{"name", "Colour"}, {"duration", 60}, {"price", 4500}, {"currency", "EUR"}, {"resources", {res}}});
    const auto ada = customer_key(api, api.a.id, "ada");
    auto b = call(api, "POST", "/v1/bookings", ada, api.booking_body(paid.body["id"], api.at(7, "10:00")));
    REQUIRE(b.status == 201);
    const auto id = b.body["id"].get<std::string>();
    auto co = call(api, "POST", "/v1/bookings/" + id + "/checkout", ada,
                   {{"success_url", "https://shop.example/ok"}, {"cancel_url", "https://shop.example/back"}});
    CHECK(co.status == 503);
    CHECK(co.code() == "not_configured");
    auto rf = call(api, "POST", "/v1/bookings/" + id + "/refund", api.admin_a);
    CHECK(rf.status == 503);
    CHECK(rf.code() == "not_configured");
    CHECK(call(api, "GET", "/v1/bookings/" + id, ada).body["status"] == "pending");
}

TEST_CASE("another tenant's admin key on this tenant's ids: 404 on every new route, and nothing changes") {
    auto stripe = std::make_shared<FakeStripe>();
    Api api(with_stripe(stripe));
    const auto [res, svc] = api.shop(api.admin_a);
    api.engine.scope({.tenant = api.a.id, .role = Role::admin}).configure_stripe("sk_test_a", "whsec_a");
    api.engine.scope({.tenant = api.b.id, .role = Role::admin}).configure_stripe("sk_test_b", "whsec_b");
    const auto ada = customer_key(api, api.a.id, "ada");
    const auto bea = customer_key(api, api.a.id, "bea");
    const auto start = api.at(7, "10:00");
    const auto day = day_ahead(7);

    // A's things: a booking with a waitlist behind it, a series, time off,
    // an override, a party service with a combination, a refund owed.
    auto booked = call(api, "POST", "/v1/bookings", ada, api.booking_body(svc, start));
    const auto booking = booked.body["id"].get<std::string>();
    const auto entry = call(api, "POST", "/v1/waitlist", bea, {{"service", svc}, {"start", start}, {"customer", customer("bea")}})
                           .body["id"].get<std::string>();
    auto series = call(api, "POST", "/v1/series", ada,
                       {{"service", svc}, {"start", api.at(8, "10:00")}, {"count", 2}, {"customer", customer("ada")}});
    REQUIRE(series.status == 201);
    const auto series_id = series.body["id"].get<std::string>();
    const auto series_booking = series.body["bookings"][0]["id"].get<std::string>();
    const auto block = call(api, "POST", "/v1/resources/" + res + "/blocks", api.admin_a,
                            {{"start", api.at(7, "15:00")}, {"end", api.at(7, "16:00")}}).body["id"].get<std::string>();
    REQUIRE(call(api, "PUT", "/v1/resources/" + res + "/overrides/" + day_ahead(9), api.admin_a,
                 {{"windows", one_window("09:00", "12:00")}}).status == 200);
    auto admin = api.engine.scope({.tenant = api.a.id, .role = Role::admin, .subject = "owner"});
    const auto t1 = admin.create_resource({.name = "T1", .timezone = "UTC", .size = 2});
    const auto t2 = admin.create_resource({.name = "T2", .timezone = "UTC", .size = 2});
    const auto dinner = admin.create_service({.name = "Dinner", .duration = Minutes{90}, .resources = {t1.id, t2.id}, .party = true});
    const auto combo = admin.declare_table_combination({.service = dinner.id, .tables = {t1.id, t2.id}, .size = 4});
    auto paid = call(api, "POST", "/v1/services", api.admin_a,
                     {{"name", "Colour"}, {"duration", 60}, {"price", 4500}, {"currency", "EUR"}, {"resources", {res}}});
    const auto owed = refund_due_booking(api, ada, paid.body["id"].get<std::string>(), api.at(10, "10:00"));
    const auto stripe_calls = stripe->count();

    struct Attempt {
        std::string method, path;
        Json body = nullptr;
    };
    const std::vector<Attempt> attempts{
        {"POST", "/v1/waitlist", {{"service", svc}, {"start", start}, {"customer", customer("eve")}}},
        {"GET", "/v1/waitlist/" + entry},
        {"POST", "/v1/waitlist/" + entry + "/leave"},
        {"POST", "/v1/bookings/" + booking + "/accept"},
        {"POST", "/v1/series", {{"service", svc}, {"start", api.at(12, "10:00")}, {"count", 2}, {"customer", customer("eve")}}},
        {"POST", "/v1/series/" + series_id + "/cancel", {{"from", api.at(0, "00:00")}}},
        {"POST", "/v1/bookings/" + series_booking + "/cancel-rest"},
        {"GET", "/v1/resources/" + res + "/overrides?from=" + day + "&to=" + day_ahead(30)},
        {"PUT", "/v1/resources/" + res + "/overrides/" + day, {{"windows", Json::array()}}},
        {"DELETE", "/v1/resources/" + res + "/overrides/" + day_ahead(9)},
        {"GET", "/v1/resources/" + res + "/blocks?from=" + api.at(7, "00:00") + "&to=" + api.at(8, "00:00")},
        {"POST", "/v1/resources/" + res + "/blocks", {{"start", api.at(7, "09:00")}, {"end", api.at(7, "17:00")}}},
        {"DELETE", "/v1/blocks/" + block},
        {"GET", "/v1/services/" + dinner.id.value + "/combinations"},
        {"POST", "/v1/services/" + dinner.id.value + "/combinations", {{"group", 0}, {"tables", {t1.id.value, t2.id.value}}, {"size", 3}}},
        {"DELETE", "/v1/combinations/" + combo.id.value},
        {"POST", "/v1/resources/" + res + "/deactivate"},
        {"POST", "/v1/resources/" + res + "/reactivate"},
        {"POST", "/v1/services/" + svc + "/deactivate"},
        {"POST", "/v1/services/" + svc + "/reactivate"},
        {"POST", "/v1/bookings/" + owed + "/checkout", {{"success_url", "https://x.example/"}, {"cancel_url", "https://x.example/"}}},
        {"POST", "/v1/bookings/" + owed + "/refund"},
        {"GET", "/v1/bookings/" + owed + "/notifications"},
    };
    for (const auto& at : attempts) {
        const auto a = call(api, at.method, at.path, api.admin_b, at.body);
        INFO(at.method, " ", at.path, " → ", a.status, " ", a.body.dump());
        CHECK(a.status == 404);
    }
    // B's filters and erasure reach only B's bookings.
    CHECK(call(api, "GET", "/v1/bookings?series=" + series_id, api.admin_b).body["bookings"].empty());
    CHECK(call(api, "GET", "/v1/bookings?subject=ada", api.admin_b).body["bookings"].empty());
    CHECK(call(api, "POST", "/v1/customers/erase", api.admin_b, {{"subject", "ada"}}).body["bookings"] == 0);

    // Nothing of A's changed.
    CHECK(stripe->count() == stripe_calls);
    CHECK(call(api, "GET", "/v1/bookings/" + booking, api.admin_a).body["customer"]["name"] == "Ada");
    CHECK(call(api, "GET", "/v1/waitlist/" + entry, api.admin_a).body["status"] == "waiting");
    // The answer outlives the loop: a range-for keeps only the outermost temporary.
    const auto listed = call(api, "GET", "/v1/bookings?series=" + series_id, api.admin_a);
    for (const auto& b : listed.body["bookings"]) {
        CHECK(b["status"] == "confirmed");
    }
    CHECK(call(api, "GET", "/v1/resources/" + res + "/blocks?from=" + api.at(7, "00:00") + "&to=" + api.at(8, "00:00"),
               api.admin_a).body["blocks"].size() == 1);
    CHECK(call(api, "GET", "/v1/resources/" + res + "/overrides?from=" + day + "&to=" + day_ahead(30), api.admin_a)
              .body["overrides"].size() == 1);
    CHECK(call(api, "GET", "/v1/services/" + dinner.id.value + "/combinations", api.admin_a).body["combinations"].size() == 1);
    CHECK(slots_on(api, api.admin_a, svc, 8) == 7);  // 09–17 less the series' 10:00: the service is still active
    CHECK(call(api, "GET", "/v1/bookings/" + owed, api.admin_a).body["payment_status"] == "refund_due");
    CHECK(call(api, "GET", "/v1/bookings?subject=eve", api.admin_a).body["bookings"].empty());
}

TEST_CASE("malformed bodies and query strings on the new routes are refused naming the field") {
    Api api(roomy());
    const auto [res, svc] = api.shop(api.admin_a);
    const auto day = day_ahead(7);
    struct Case {
        std::string method, path;
        Json body;
        std::string field;
    };
    const std::vector<Case> cases{
        {"POST", "/v1/waitlist", {{"service", svc}, {"start", "soon"}, {"customer", customer("a")}}, "start"},
        {"POST", "/v1/waitlist", {{"service", svc}, {"start", api.at(7, "10:00")}, {"customer", customer("a")}, {"tenant", "x"}}, "tenant"},
        {"POST", "/v1/waitlist", {{"service", svc}, {"start", api.at(7, "10:00")}, {"customer", customer("a")}, {"resources", "r"}}, "resources"},
        {"POST", "/v1/waitlist", {{"service", svc}, {"start", api.at(7, "10:00")}}, "customer"},
        {"POST", "/v1/series", {{"service", svc}, {"start", api.at(7, "10:00")}, {"customer", customer("a")}}, "count"},
        {"POST", "/v1/series", {{"service", svc}, {"start", api.at(7, "10:00")}, {"count", 2}, {"partial", "yes"}, {"customer", customer("a")}}, "partial"},
        {"POST", "/v1/series", {{"service", svc}, {"start", api.at(7, "10:00")}, {"count", 2}, {"every_weeks", 1.5}, {"customer", customer("a")}}, "every_weeks"},
        {"POST", "/v1/series/srs_000000000000000000000000/cancel", {{"since", "x"}}, "since"},
        {"POST", "/v1/series/srs_000000000000000000000000/cancel", Json::object(), "from"},
        {"PUT", "/v1/resources/" + res + "/overrides/" + day, {{"windows", one_window("9", "12:00")}}, "windows[0][0]"},
        {"PUT", "/v1/resources/" + res + "/overrides/" + day, {{"windows", "closed"}}, "windows"},
        {"PUT", "/v1/resources/" + res + "/overrides/" + day, Json::object(), "windows"},
        {"PUT", "/v1/resources/" + res + "/overrides/" + day, {{"windows", Json::array()}, {"tenant", "x"}}, "tenant"},
        {"PUT", "/v1/resources/" + res + "/overrides/tomorrow", {{"windows", Json::array()}}, "date"},
        {"POST", "/v1/resources/" + res + "/blocks", {{"start", api.at(7, "11:00")}, {"end", api.at(7, "10:00")}}, "end"},
        {"POST", "/v1/resources/" + res + "/blocks", {{"start", api.at(7, "11:00")}, {"end", api.at(7, "12:00")}, {"reason", 5}}, "reason"},
        {"POST", "/v1/services/" + svc + "/combinations", {{"tables", "T1"}, {"size", 4}}, "tables"},
        {"POST", "/v1/services/" + svc + "/combinations", {{"tables", Json::array()}}, "size"},
        {"POST", "/v1/services/" + svc + "/combinations", {{"group", -1}, {"tables", Json::array()}, {"size", 2}}, "group"},
        {"POST", "/v1/customers/erase", Json::object(), "subject"},
        {"POST", "/v1/customers/erase", {{"subject", "ada"}, {"tenant", "ten_1"}}, "tenant"},
        {"POST", "/v1/resources/" + res + "/deactivate", {{"now", true}}, "now"},
        {"POST", "/v1/bookings/bkg_000000000000000000000000/checkout", {{"success_url", 1}, {"cancel_url", "x"}}, "success_url"},
        {"POST", "/v1/bookings/bkg_000000000000000000000000/refund", {{"amount", 1}}, "amount"},
        {"POST", "/v1/bookings/bkg_000000000000000000000000/accept", {{"tenant", "x"}}, "tenant"},
        {"GET", "/v1/resources/" + res + "/blocks?from=" + api.at(7, "00:00"), nullptr, "to"},
        {"GET", "/v1/resources/" + res + "/blocks?from=" + api.at(7, "00:00") + "&to=" + api.at(8, "00:00") + "&tenant=x", nullptr, "tenant"},
        {"GET", "/v1/resources/" + res + "/overrides?from=" + day + "&to=never", nullptr, "to"},
        {"GET", "/v1/bookings?series=x&colour=red", nullptr, "colour"},
    };
    for (const auto& k : cases) {
        const auto a = call(api, k.method, k.path, api.admin_a, k.body);
        INFO(k.method, " ", k.path, " ", k.body.dump(), " → ", a.status, " ", a.body.dump());
        CHECK(a.status == 400);
        CHECK(a.field() == k.field);
    }
    // A body that is not JSON at all.
    auto r = api.client->Post("/v1/waitlist", Api::auth(api.admin_a), "{\"service\":", "application/json");
    check_security_headers(r, "truncated body");
    CHECK(r->status == 400);
    CHECK(Json::parse(r->body)["error"]["field"] == "body");
}

TEST_CASE("every new route is in the OpenAPI document with a summary") {
    const auto doc = Json::parse(HttpServer::openapi());
    for (const auto& route : std::vector<std::pair<std::string, std::string>>{
             {"post", "/v1/waitlist"}, {"get", "/v1/waitlist/{id}"}, {"post", "/v1/waitlist/{id}/leave"},
             {"post", "/v1/bookings/{id}/accept"}, {"post", "/v1/series"}, {"post", "/v1/series/{id}/cancel"},
             {"post", "/v1/bookings/{id}/cancel-rest"}, {"get", "/v1/resources/{id}/overrides"},
             {"put", "/v1/resources/{id}/overrides/{date}"}, {"delete", "/v1/resources/{id}/overrides/{date}"},
             {"get", "/v1/resources/{id}/blocks"}, {"post", "/v1/resources/{id}/blocks"}, {"delete", "/v1/blocks/{id}"},
             {"get", "/v1/services/{id}/combinations"}, {"post", "/v1/services/{id}/combinations"},
             {"delete", "/v1/combinations/{id}"}, {"post", "/v1/resources/{id}/deactivate"},
             {"post", "/v1/resources/{id}/reactivate"}, {"post", "/v1/services/{id}/deactivate"},
             {"post", "/v1/services/{id}/reactivate"}, {"post", "/v1/customers/erase"},
             {"post", "/v1/bookings/{id}/checkout"}, {"post", "/v1/bookings/{id}/refund"},
             {"get", "/v1/bookings/{id}/notifications"}}) {
        const std::string method = route.first;  // clang 14: no structured bindings in INFO
        const std::string path = route.second;
        INFO(method, " ", path);
        REQUIRE(doc["paths"].contains(path));
        REQUIRE(doc["paths"][path].contains(method));
        CHECK_FALSE(doc["paths"][path][method]["summary"].get<std::string>().empty());
    }
}
