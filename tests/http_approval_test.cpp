// Approval over HTTP against a real server on loopback: a service that
// requires confirmation leaves bookings `requested` until staff or an admin
// confirm or reject them. Each case is an attack or a slip the routes must
// stop: a customer approving its own request, another tenant's key on this
// tenant's booking, deciding a request twice, an overlong reason, and the
// service fields behind approval lost or misread on their way in or out.
#include "support/http_api.hpp"

#include <slotwise/api_keys.hpp>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>

using namespace slotwise;
using namespace slotwise::test;

namespace {

// A shop whose service requires confirmation, and keys of every role.
struct Approvals {
    Api api;
    std::string resource;
    std::string service;
    std::string staff = create_api_key(api.engine, {.tenant = api.a.id, .role = Role::staff, .subject = "desk"}).secret;
    std::string customer =
        create_api_key(api.engine, {.tenant = api.a.id, .role = Role::customer, .subject = "cust-1"}).secret;

    Approvals() {
        std::tie(resource, service) = api.shop(api.admin_a);
        const auto r = api.patch("/v1/services/" + service, api.admin_a,
                                 {{"requires_confirmation", true}, {"request_expiry", 120}});
        REQUIRE(r);
        REQUIRE(r->status == 200);
    }

    // A request the customer makes for `time` a week ahead: its id.
    std::string request(const char* time) {
        const auto r = api.post("/v1/bookings", customer, api.booking_body(service, api.at(7, time)));
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 201, r->body);
        const auto b = Api::json(r);
        REQUIRE(b["status"] == "requested");
        return b["id"].get<std::string>();
    }

    std::string status_of(const std::string& id) {
        return Api::json(api.get("/v1/bookings/" + id, api.admin_a))["status"].get<std::string>();
    }
};

Json error_of(const httplib::Result& r) {
    REQUIRE(r);
    return Json::parse(r->body)["error"];
}

}  // namespace

TEST_CASE("an admin confirms and staff reject requested bookings over HTTP, a reason given") {
    Approvals s;
    const auto first = s.request("10:00");
    const auto second = s.request("11:00");
    // The customer sees its request, with the time it lapses at.
    const auto seen = Api::json(s.api.get("/v1/bookings/" + first, s.customer));
    CHECK(seen["status"] == "requested");
    CHECK(seen["hold_expires_at"].is_string());

    const auto confirmed = s.api.post("/v1/bookings/" + first + "/confirm", s.api.admin_a, Json::object());
    check_security_headers(confirmed, "POST confirm");
    REQUIRE(confirmed->status == 200);
    CHECK(Json::parse(confirmed->body)["status"] == "confirmed");
    CHECK(s.status_of(first) == "confirmed");
    CHECK(Api::json(s.api.get("/v1/bookings/" + first, s.customer))["status"] == "confirmed");

    const auto rejected = s.api.post("/v1/bookings/" + second + "/reject", s.staff, {{"reason", "Anna is ill"}});
    check_security_headers(rejected, "POST reject");
    REQUIRE(rejected->status == 200);
    CHECK(Json::parse(rejected->body)["status"] == "rejected");
    CHECK(s.status_of(second) == "rejected");
    // The rejected request gave its start back.
    const auto slots = Api::json(s.api.get("/v1/availability?service=" + s.service + "&from=" + day_ahead(7) + "&to=" +
                                               day_ahead(7), s.api.admin_a))["slots"];
    bool offered = false;
    for (const auto& slot : slots) offered = offered || slot["start"] == s.api.at(7, "11:00");
    CHECK(offered);

    // Staff confirm too; an admin rejects with no body at all.
    const auto third = s.request("12:00");
    REQUIRE(s.api.client->Post(("/v1/bookings/" + third + "/confirm").c_str(), Api::auth(s.staff), "", "application/json")
                ->status == 200);
    CHECK(s.status_of(third) == "confirmed");
    const auto fourth = s.request("13:00");
    REQUIRE(s.api.client->Post(("/v1/bookings/" + fourth + "/reject").c_str(), Api::auth(s.api.admin_a), "",
                               "application/json")
                ->status == 200);
    CHECK(s.status_of(fourth) == "rejected");
}

TEST_CASE("a customer token cannot confirm or reject even its own request, and it stays requested") {
    Approvals s;
    const auto id = s.request("10:00");
    for (const char* verb : {"confirm", "reject"}) {
        const std::string action = verb;
        INFO(action);
        const auto r = s.api.post("/v1/bookings/" + id + "/" + action, s.customer, Json::object());
        check_security_headers(r, action);
        CHECK(r->status == 403);
        CHECK(error_of(r)["code"] == "permission_denied");
        CHECK(s.status_of(id) == "requested");
    }
    // Another customer does not even learn that it exists.
    const auto other = create_api_key(s.api.engine, {.tenant = s.api.a.id, .role = Role::customer, .subject = "cust-2"});
    const auto r = s.api.post("/v1/bookings/" + id + "/confirm", other.secret, Json::object());
    CHECK(r->status == 404);
    CHECK(s.status_of(id) == "requested");
}

TEST_CASE("tenant B's key on tenant A's request is answered like an unknown id and changes nothing") {
    Approvals s;
    const auto id = s.request("10:00");
    const auto unknown = s.api.post("/v1/bookings/bkg_000000000000000000000000/confirm", s.api.admin_b, Json::object());
    REQUIRE(unknown->status == 404);
    for (const char* verb : {"confirm", "reject"}) {
        const std::string action = verb;
        INFO(action);
        const Json body = action == "reject" ? Json{{"reason", "forged"}} : Json::object();
        const auto r = s.api.post("/v1/bookings/" + id + "/" + action, s.api.admin_b, body);
        check_security_headers(r, action);
        CHECK(r->status == 404);
        CHECK(Json::parse(r->body) == Json::parse(unknown->body));
        CHECK(s.status_of(id) == "requested");
    }
    // A tenant named in the body or the query is refused before anything else.
    auto r = s.api.post("/v1/bookings/" + id + "/reject", s.api.admin_a, {{"tenant", s.api.b.id.value}});
    CHECK(r->status == 400);
    CHECK(error_of(r)["field"] == "tenant");
    r = s.api.post("/v1/bookings/" + id + "/confirm?tenant=" + s.api.a.id.value, s.api.admin_b, Json::object());
    CHECK(r->status == 400);
    CHECK(error_of(r)["field"] == "tenant");
    CHECK(s.status_of(id) == "requested");
}

TEST_CASE("a request is decided once: confirming or rejecting it again is the engine's invalid_transition") {
    Approvals s;
    const auto id = s.request("10:00");
    REQUIRE(s.api.post("/v1/bookings/" + id + "/confirm", s.api.admin_a, Json::object())->status == 200);
    for (const char* verb : {"confirm", "reject"}) {
        const std::string action = verb;
        INFO(action);
        const auto r = s.api.post("/v1/bookings/" + id + "/" + action, s.api.admin_a, Json::object());
        CHECK(r->status == 409);
        CHECK(error_of(r)["code"] == "invalid_transition");
        CHECK(s.status_of(id) == "confirmed");
    }
    // A booking of a service that needs no confirmation was never a request.
    const auto plain = s.api.post("/v1/services", s.api.admin_a, {{"name", "Walk-in"}, {"duration", 30},
                                                                    {"resources", {s.resource}}});
    REQUIRE(plain->status == 201);
    const auto b = s.api.post("/v1/bookings", s.api.admin_a,
                              s.api.booking_body(Json::parse(plain->body)["id"].get<std::string>(), s.api.at(8, "09:00")));
    REQUIRE(b->status == 201);
    const auto walk_in = Json::parse(b->body)["id"].get<std::string>();
    CHECK(s.api.post("/v1/bookings/" + walk_in + "/reject", s.api.admin_a, Json::object())->status == 409);
    CHECK(s.status_of(walk_in) == "confirmed");
}

TEST_CASE("reject's reason is bounded and typed, and confirm takes no members: each refusal names the field") {
    Approvals s;
    const auto id = s.request("10:00");
    auto r = s.api.post("/v1/bookings/" + id + "/reject", s.api.admin_a, {{"reason", std::string(501, 'x')}});
    CHECK(r->status == 400);
    CHECK(error_of(r)["field"] == "reason");
    r = s.api.post("/v1/bookings/" + id + "/reject", s.api.admin_a, {{"reason", 42}});
    CHECK(r->status == 400);
    CHECK(error_of(r)["field"] == "reason");
    r = s.api.post("/v1/bookings/" + id + "/reject", s.api.admin_a, {{"why", "no"}});
    CHECK(r->status == 400);
    CHECK(error_of(r)["field"] == "why");
    r = s.api.post("/v1/bookings/" + id + "/confirm", s.api.admin_a, {{"reason", "fine"}});
    CHECK(r->status == 400);
    CHECK(error_of(r)["field"] == "reason");
    r = s.api.client->Post(("/v1/bookings/" + id + "/reject").c_str(), Api::auth(s.api.admin_a), "[\"no\"]",
                           "application/json");
    CHECK(r->status == 400);
    CHECK(error_of(r)["field"] == "body");
    CHECK(s.status_of(id) == "requested");
    // 500 bytes is the limit, not over it.
    r = s.api.post("/v1/bookings/" + id + "/reject", s.api.admin_a, {{"reason", std::string(500, 'x')}});
    CHECK(r->status == 200);
    CHECK(s.status_of(id) == "rejected");
}

TEST_CASE("the approval fields of a service and the size of a resource round-trip; bad values name the field") {
    Api api;
    const auto shop = api.shop(api.admin_a);
    const std::string res = shop.first;
    const std::string plain = shop.second;
    const auto plain_json = Api::json(api.get("/v1/services/" + plain, api.admin_a));
    // The engine's defaults, shown.
    CHECK(plain_json["requires_confirmation"] == false);
    CHECK(plain_json["party"] == false);
    CHECK(plain_json["request_expiry"] == 24 * 60);
    CHECK(plain_json["offer_time"] == 60);
    CHECK(plain_json["active"] == true);

    auto r = api.post("/v1/services", api.admin_a,
                      {{"name", "First visit"}, {"duration", 30}, {"resources", {res}}, {"requires_confirmation", true},
                       {"request_expiry", 90}, {"offer_time", 15}});
    REQUIRE(r->status == 201);
    const auto id = Json::parse(r->body)["id"].get<std::string>();
    auto got = Api::json(api.get("/v1/services/" + id, api.admin_a));
    CHECK(got["requires_confirmation"] == true);
    CHECK(got["request_expiry"] == 90);
    CHECK(got["offer_time"] == 15);
    CHECK(got["party"] == false);

    r = api.patch("/v1/services/" + id, api.admin_a, {{"requires_confirmation", false}, {"offer_time", 45}});
    REQUIRE(r->status == 200);
    got = Api::json(api.get("/v1/services/" + id, api.admin_a));
    CHECK(got["requires_confirmation"] == false);
    CHECK(got["offer_time"] == 45);
    CHECK(got["request_expiry"] == 90);  // not given: kept

    // A table: one party at a time, seating four; a party service on it.
    r = api.post("/v1/resources", api.admin_a, {{"name", "T1"}, {"kind", "table"}, {"timezone", "UTC"}, {"size", 4}});
    REQUIRE(r->status == 201);
    const auto table = Json::parse(r->body);
    CHECK(table["size"] == 4);
    CHECK(table["active"] == true);
    CHECK(Json::parse(api.get("/v1/resources/" + res, api.admin_a)->body)["size"].is_null());
    r = api.patch("/v1/resources/" + table["id"].get<std::string>(), api.admin_a, {{"size", 6}});
    REQUIRE(r->status == 200);
    CHECK(Json::parse(r->body)["size"] == 6);
    r = api.post("/v1/services", api.admin_a,
                 {{"name", "Dinner"}, {"duration", 90}, {"resources", {table["id"]}}, {"party", true}});
    REQUIRE(r->status == 201);
    CHECK(Json::parse(r->body)["party"] == true);

    struct Bad {
        const char* path;
        Json body;
        const char* field;
    };
    const std::string svc_path = "/v1/services/" + id;
    const Json base{{"name", "X"}, {"duration", 30}, {"resources", {res}}};
    const auto with = [&](const char* k, Json v) {
        Json b = base;
        b[k] = std::move(v);
        return b;
    };
    for (const auto& bad : {
             Bad{"POST /v1/services", with("requires_confirmation", "yes"), "requires_confirmation"},
             Bad{"POST /v1/services", with("requires_confirmation", 1), "requires_confirmation"},
             Bad{"POST /v1/services", with("party", "true"), "party"},
             Bad{"POST /v1/services", with("request_expiry", 0), "request_expiry"},
             Bad{"POST /v1/services", with("request_expiry", 1.5), "request_expiry"},
             Bad{"POST /v1/services", with("offer_time", "60"), "offer_time"},
             Bad{"POST /v1/services", with("offer_time", -1), "offer_time"},
             Bad{"POST /v1/services", with("active", false), "active"},
             Bad{"PATCH", {{"requires_confirmation", "no"}}, "requires_confirmation"},
             Bad{"PATCH", {{"request_expiry", 0}}, "request_expiry"},
             Bad{"PATCH", {{"offer_time", 100000000}}, "offer_time"},
             Bad{"PATCH", {{"active", true}}, "active"},
             Bad{"POST /v1/resources", {{"name", "T2"}, {"timezone", "UTC"}, {"capacity", 2}, {"size", 4}}, "size"},
             Bad{"POST /v1/resources", {{"name", "T2"}, {"timezone", "UTC"}, {"size", "4"}}, "size"},
             Bad{"POST /v1/resources", {{"name", "T2"}, {"timezone", "UTC"}, {"size", 0}}, "size"},
             Bad{"POST /v1/resources", {{"name", "T2"}, {"timezone", "UTC"}, {"active", false}}, "active"},
         }) {
        const std::string what = bad.path;
        INFO(what, " ", bad.body.dump());
        httplib::Result out = what == "PATCH" ? api.patch(svc_path, api.admin_a, bad.body)
                              : what == "POST /v1/services" ? api.post("/v1/services", api.admin_a, bad.body)
                                                             : api.post("/v1/resources", api.admin_a, bad.body);
        CHECK(out->status == 400);
        CHECK(error_of(out)["field"] == bad.field);
    }
    // Nothing of the refused changes landed.
    got = Api::json(api.get("/v1/services/" + id, api.admin_a));
    CHECK(got["requires_confirmation"] == false);
    CHECK(got["request_expiry"] == 90);
    CHECK(got["offer_time"] == 45);
    CHECK(got["active"] == true);
    CHECK(Api::json(api.get("/v1/services", api.admin_a))["services"].size() == 3);
    CHECK(Api::json(api.get("/v1/resources", api.admin_a))["resources"].size() == 2);
}
