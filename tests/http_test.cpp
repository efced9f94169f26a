// The HTTP API (http.hpp) against a real server on a free loopback port,
// started by each test: every route, then each attack it must stop —
// another tenant's ids, bodies and query strings; missing, forged and
// revoked keys; oversized and malformed bodies; request floods; forged
// webhooks; a missing security header anywhere; 64 clients racing for the
// same starts.
#include "support/http_api.hpp"

#include <slotwise/api_keys.hpp>
#include <slotwise/http.hpp>
#include <slotwise/sqlite.hpp>
#include <slotwise/stripe.hpp>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace slotwise;
using namespace slotwise::test;

TEST_CASE("every route answers through the API with the security headers on every response") {
    Api api;
    const auto [res, svc] = api.shop(api.admin_a);
    std::vector<std::pair<std::string, httplib::Result>> seen;
    const auto keep = [&](std::string what, httplib::Result r) -> const httplib::Response& {
        REQUIRE_MESSAGE(r, what);
        seen.emplace_back(what, std::move(r));
        return *seen.back().second;
    };

    CHECK(keep("GET services", api.get("/v1/services", api.admin_a)).status == 200);
    CHECK(keep("GET service", api.get("/v1/services/" + svc, api.admin_a)).status == 200);
    auto& patched = keep("PATCH service", api.patch("/v1/services/" + svc, api.admin_a, {{"name", "Haircut"}}));
    CHECK(Json::parse(patched.body)["name"] == "Haircut");
    CHECK(keep("GET resources", api.get("/v1/resources", api.admin_a)).status == 200);
    CHECK(keep("GET resource", api.get("/v1/resources/" + res, api.admin_a)).status == 200);
    CHECK(keep("PATCH resource", api.patch("/v1/resources/" + res, api.admin_a, {{"name", "Anna B."}})).status == 200);
    auto& hours = keep("GET hours", api.get("/v1/resources/" + res + "/hours", api.admin_a));
    CHECK(Json::parse(hours.body)["mon"] == Json::array({{"09:00", "17:00"}}));

    auto& slots = keep("GET availability", api.get("/v1/availability?service=" + svc + "&from=" + day_ahead(7) +
                                                       "&to=" + day_ahead(7) + "&seats=1", api.admin_a));
    REQUIRE(slots.status == 200);
    CHECK(Json::parse(slots.body)["slots"].size() == 8);

    const auto start = api.at(7, "10:00");
    auto& booked = keep("POST booking", api.post("/v1/bookings", api.admin_a, api.booking_body(svc, start),
                                                 {{"Idempotency-Key", "k1"}}));
    REQUIRE(booked.status == 201);
    const auto id = Json::parse(booked.body)["id"].get<std::string>();
    auto& again = keep("POST booking again", api.post("/v1/bookings", api.admin_a, api.booking_body(svc, start),
                                                      {{"Idempotency-Key", "k1"}}));
    CHECK(Json::parse(again.body)["id"] == id);  // the same booking, not a second one
    auto& other = keep("POST booking, same key, other start",
                       api.post("/v1/bookings", api.admin_a, api.booking_body(svc, api.at(7, "11:00")),
                                {{"Idempotency-Key", "k1"}}));
    CHECK(other.status == 422);
    CHECK(Json::parse(other.body)["error"]["code"] == "idempotency_mismatch");

    auto& list = keep("GET bookings", api.get("/v1/bookings?status=confirmed&limit=10", api.admin_a));
    CHECK(Json::parse(list.body)["bookings"].size() == 1);
    CHECK(keep("GET booking", api.get("/v1/bookings/" + id, api.admin_a)).status == 200);
    auto& moved = keep("POST reschedule", api.post("/v1/bookings/" + id + "/reschedule", api.admin_a,
                                                   {{"start", api.at(7, "12:00")}}));
    CHECK(Json::parse(moved.body)["start"] == api.at(7, "12:00"));
    auto& cancelled = keep("POST cancel", api.post("/v1/bookings/" + id + "/cancel", api.admin_a, Json::object()));
    CHECK(Json::parse(cancelled.body)["status"] == "cancelled");

    CHECK(keep("GET unmatched", api.get("/v1/payments/unmatched", api.admin_a)).status == 200);
    CHECK(keep("GET policy", api.get("/v1/policy", api.admin_a)).status == 200);
    auto& policy = keep("PUT policy", api.put("/v1/policy", api.admin_a, {{"max_pending_per_customer", 1}}));
    CHECK(Json::parse(policy.body)["max_pending_per_customer"] == 1);
    // A bad value is named as the body names it, every field alike.
    for (const char* field : {"customer_horizon_days", "max_pending_per_customer", "max_active_per_customer",
                              "max_seats_per_customer_booking", "max_notifications_per_customer_hour"}) {
        CAPTURE(field);
        const auto refused = api.put("/v1/policy", api.admin_a, {{field, 0}});
        REQUIRE(refused);
        CHECK(refused->status == 400);
        CHECK(Json::parse(refused->body)["error"]["field"] == field);
    }

    auto& minted = keep("POST keys", api.post("/v1/keys", api.admin_a, {{"role", "customer"}, {"subject", "u1"}}));
    REQUIRE(minted.status == 201);
    const auto minted_id = Json::parse(minted.body)["id"].get<std::string>();
    auto& keys = keep("GET keys", api.get("/v1/keys", api.admin_a));
    CHECK(keys.body.find("secret") == std::string::npos);
    CHECK(keys.body.find(Json::parse(minted.body)["secret"].get<std::string>()) == std::string::npos);
    httplib::Headers h = Api::auth(api.admin_a);
    CHECK(keep("DELETE key", api.client->Delete(("/v1/keys/" + minted_id).c_str(), h)).status == 204);
    CHECK(keep("GET openapi", api.client->Get("/v1/openapi.json")).status == 200);

    // Errors and unknown paths carry the headers too.
    CHECK(keep("unknown path", api.get("/v1/nothing", api.admin_a)).status == 404);
    CHECK(keep("unknown path, no key", api.client->Get("/index.php")).status == 404);
    CHECK(keep("wrong method", api.client->Delete("/v1/services", h)).status == 405);
    CHECK(keep("no key", api.client->Get("/v1/services")).status == 401);
    CHECK(keep("bad JSON", api.client->Post("/v1/resources", h, "{", "application/json")).status == 400);
    CHECK(keep("too large", api.client->Post("/v1/resources", h, std::string(100 * 1024, ' '), "application/json"))
              .status == 413);
    for (const auto& [what, r] : seen) check_security_headers(r, what);
}

TEST_CASE("the tenant comes from the key: another tenant's ids, bodies and query strings get nothing") {
    Api api;
    const auto [res, svc] = api.shop(api.admin_a);
    const auto booked = api.post("/v1/bookings", api.admin_a, api.booking_body(svc, api.at(7, "10:00")));
    REQUIRE(booked->status == 201);
    const auto id = Api::json(booked)["id"].get<std::string>();

    // B's admin, with A's real ids: exactly what an id that does not exist gets.
    const auto unknown = api.get("/v1/bookings/bkg_000000000000000000000000", api.admin_b);
    REQUIRE(unknown->status == 404);
    for (const auto& path : {"/v1/bookings/" + id, "/v1/services/" + svc, "/v1/resources/" + res,
                             "/v1/resources/" + res + "/hours"}) {
        const auto r = api.get(path, api.admin_b);
        INFO(path);
        CHECK(r->status == 404);
        CHECK(r->body == unknown->body);
    }
    CHECK(api.post("/v1/bookings/" + id + "/cancel", api.admin_b, Json::object())->status == 404);
    CHECK(api.post("/v1/bookings/" + id + "/reschedule", api.admin_b, {{"start", api.at(7, "11:00")}})->status == 404);
    CHECK(api.patch("/v1/services/" + svc, api.admin_b, {{"name", "mine"}})->status == 404);
    CHECK(api.get("/v1/availability?service=" + svc + "&from=" + day_ahead(7) + "&to=" + day_ahead(7), api.admin_b)
              ->status == 404);
    CHECK(api.post("/v1/bookings", api.admin_b, api.booking_body(svc, api.at(7, "11:00")))->status == 404);
    CHECK(Api::json(api.get("/v1/bookings", api.admin_b))["bookings"].empty());
    CHECK(api.client->Delete(("/v1/keys/" + api_keys(api.engine, api.a.id).front().id).c_str(),
                             Api::auth(api.admin_b))->status == 404);

    // Naming a tenant in a body or a query string is refused, never obeyed.
    auto body = api.booking_body(svc, api.at(7, "11:00"));
    body["tenant"] = api.a.id.value;
    auto r = api.post("/v1/bookings", api.admin_b, body);
    CHECK(r->status == 400);
    CHECK(Api::json(r)["error"]["field"] == "tenant");
    r = api.get("/v1/bookings?tenant=" + api.a.id.value, api.admin_b);
    CHECK(r->status == 400);
    CHECK(Api::json(r)["error"]["field"] == "tenant");
    r = api.get("/v1/services?tenant=" + api.a.id.value, api.admin_b);
    CHECK(r->status == 400);
    // A's data is untouched.
    CHECK(Api::json(api.get("/v1/bookings/" + id, api.admin_a))["status"] == "confirmed");
    CHECK(Api::json(api.get("/v1/services/" + svc, api.admin_a))["name"] == "Cut");

    // A customer token sees only its subject's bookings, and cannot mint keys.
    const auto ada = create_api_key(api.engine, {.tenant = api.a.id, .role = Role::customer, .subject = "ada"}).secret;
    CHECK(api.get("/v1/bookings/" + id, ada)->status == 404);
    CHECK(Api::json(api.get("/v1/bookings", ada))["bookings"].empty());
    CHECK(api.post("/v1/keys", ada, {{"role", "admin"}})->status == 403);
    CHECK(api.post("/v1/services", ada, {{"name", "x"}, {"duration", 30}, {"resources", {res}}})->status == 403);
}

TEST_CASE("missing, malformed, unknown and revoked keys are one 401") {
    Api api;
    const auto issued = create_api_key(api.engine, {.tenant = api.a.id, .role = Role::admin});
    REQUIRE(api.get("/v1/services", issued.secret)->status == 200);
    revoke_api_key(api.engine, api.a.id, issued.key.id);
    std::string forged = issued.secret;
    forged.back() = forged.back() == '0' ? '1' : '0';
    for (const auto& key : {std::string{}, std::string("nonsense"), forged, issued.secret, issued.key.hash,
                            std::string(4000, 'a')}) {
        const auto r = api.get("/v1/services", key);
        REQUIRE(r);
        CHECK(r->status == 401);
        CHECK(Api::json(r)["error"]["code"] == "unauthenticated");
    }
    CHECK(api.client->Get("/v1/services", {{"Authorization", "Basic " + api.admin_a}})->status == 401);
    // A header past the parser's line limit never reaches authentication.
    const auto huge = api.get("/v1/services", std::string(100000, 'a'));
    REQUIRE(huge);
    CHECK(huge->status == 400);
    check_security_headers(huge, "huge header");
    CHECK(api.client->Get("/v1/services")->status == 401);
}

TEST_CASE("oversized, malformed and unexpected bodies are refused naming the field, in the caller's language") {
    Api api({.max_body_bytes = 4096});
    const auto h = Api::auth(api.admin_a);
    auto r = api.client->Post("/v1/resources", h, std::string(5000, 'x'), "application/json");
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(Api::json(r)["error"]["code"] == "payload_too_large");
    // A chunked body has no length to check before it is read: refused
    // unread, whatever its size, before authentication (httplib would read
    // one of any size into memory first).
    const std::string valid = R"({"name":"Chunked","timezone":"UTC"})";
    for (const auto& headers : {h, httplib::Headers{}}) {
        for (const std::size_t size : {valid.size(), std::size_t{2} << 20}) {
            CAPTURE(size);
            const std::string body = size == valid.size() ? valid : valid + std::string(size, ' ');
            auto chunked = api.client->Post(
                "/v1/resources", headers,
                [&](std::size_t offset, httplib::DataSink& sink) {
                    const std::size_t n = std::min<std::size_t>(4096, body.size() - offset);
                    sink.write(body.data() + offset, n);
                    if (offset + n == body.size()) sink.done();
                    return true;
                },
                "application/json");
            // The refusal closes the connection with the body unread, so the
            // client may lose it to the reset (always likely for a large
            // body, sometimes for a small one): no answer at all. Never a
            // created resource, checked below.
            if (!chunked) continue;
            CHECK(chunked->status == 411);
            CHECK(Api::json(chunked)["error"]["code"] == "length_required");
            CHECK(Api::json(chunked)["error"]["field"] == "body");
        }
    }
    const auto listed = api.get("/v1/resources", api.admin_a);
    REQUIRE(listed);
    CHECK(listed->status == 200);
    CHECK(listed->body.find("Chunked") == std::string::npos);  // nothing was created
    for (const char* bad : {"{", "[]", "\"x\"", "{\"name\":\"A\",\"name\":\"B\",\"timezone\":\"UTC\"}", "\xff"}) {
        r = api.client->Post("/v1/resources", h, bad, "application/json");
        INFO(bad);
        CHECK(r->status == 400);
        CHECK(Api::json(r)["error"]["code"] == "invalid_argument");
    }
    r = api.post("/v1/resources", api.admin_a, {{"name", "A"}, {"timezone", "UTC"}, {"colour", "red"}});
    CHECK(r->status == 400);
    CHECK(Api::json(r)["error"]["field"] == "colour");
    r = api.post("/v1/resources", api.admin_a, {{"name", "A"}, {"timezone", "Mars/Base"}});
    CHECK(Api::json(r)["error"]["field"] == "timezone");
    r = api.post("/v1/resources", api.admin_a, {{"name", 7}, {"timezone", "UTC"}});
    CHECK(Api::json(r)["error"]["field"] == "name");
    r = api.client->Post("/v1/resources", Api::auth(api.admin_a, {{"Accept-Language", "it-IT,it;q=0.9"}}),
                         Json{{"name", "A"}}.dump(), "application/json");
    CHECK(r->get_header_value("Content-Language") == "it");
    CHECK(Api::json(r)["error"]["message"].get<std::string>().starts_with("Alcuni dati non sono validi."));
    CHECK(Api::json(r)["error"]["field"] == "timezone");
    r = api.get("/v1/availability?service=x&from=2026-13-01&to=2026-01-01", api.admin_a);
    CHECK(Api::json(r)["error"]["field"] == "from");
    r = api.get("/v1/bookings?limit=ten", api.admin_a);
    CHECK(Api::json(r)["error"]["field"] == "limit");
    r = api.get("/v1/bookings?colour=red", api.admin_a);
    CHECK(Api::json(r)["error"]["field"] == "colour");
}

TEST_CASE("a flood from one address, or on one key, gets 429 with Retry-After, then service again") {
    SUBCASE("per address, before any key is looked at") {
        Api api({.per_address = {.burst = 5, .refill_every = std::chrono::milliseconds{300}}});
        int ok = 0;
        for (int i = 0; i < 8; ++i) {
            auto r = api.client->Get("/v1/services");  // no key: still counted
            REQUIRE(r);
            if (r->status == 429) {
                CHECK(r->get_header_value("Retry-After") == "1");
                check_security_headers(r, "429");
                break;
            }
            ++ok;
        }
        CHECK(ok == 5);
        std::this_thread::sleep_for(std::chrono::milliseconds{1100});
        CHECK(api.get("/v1/services", api.admin_a)->status == 200);
    }
    SUBCASE("per key: one tenant's key cannot starve another's") {
        Api api({.per_key = {.burst = 3, .refill_every = std::chrono::milliseconds{300}}});
        for (int i = 0; i < 3; ++i) CHECK(api.get("/v1/services", api.admin_a)->status == 200);
        const auto r = api.get("/v1/services", api.admin_a);
        CHECK(r->status == 429);
        CHECK(r->has_header("Retry-After"));
        CHECK(api.get("/v1/services", api.admin_b)->status == 200);
        std::this_thread::sleep_for(std::chrono::milliseconds{400});
        CHECK(api.get("/v1/services", api.admin_a)->status == 200);
    }
}

TEST_CASE("the Stripe webhook: the path picks the tenant's secret and only a valid signature gets in") {
    Api api;
    api.engine.scope({.tenant = api.a.id, .role = Role::admin}).configure_stripe("sk_test_a", "whsec_a");
    const std::string body = R"({"id":"evt_1","object":"event","type":"checkout.session.expired","created":1,)"
                             R"("data":{"object":{"id":"cs_unknown","object":"checkout.session"}}})";
    const auto path = "/v1/webhooks/stripe/" + api.a.id.value;
    const StripeProvider wrong({.secret_key = "sk_test_x", .webhook_secret = "whsec_b"});
    const httplib::Headers signed_wrong{{"Stripe-Signature", wrong.sign(body, api.engine.now())}};
    auto r = api.client->Post(path.c_str(), signed_wrong, body, "application/json");
    CHECK(r->status == 400);
    CHECK(Api::json(r)["error"]["code"] == "signature_invalid");
    const std::string refused = r->body;
    r = api.client->Post(path.c_str(), body, "application/json");
    CHECK(r->status == 400);
    CHECK(r->body == refused);
    check_security_headers(r, "webhook refused");
    // B has no Stripe at all, and the last tenant does not exist: an unsigned
    // caller learns neither, the answer is the same to the byte.
    for (const std::string& tenant : {api.b.id.value, std::string("ten_000000000000000000000000")}) {
        CAPTURE(tenant);
        for (const auto& headers : {signed_wrong, httplib::Headers{}}) {
            r = api.client->Post(("/v1/webhooks/stripe/" + tenant).c_str(), headers, body, "application/json");
            CHECK(r->status == 400);
            CHECK(r->body == refused);
        }
    }
    const StripeProvider right({.secret_key = "sk_test_a", .webhook_secret = "whsec_a"});
    r = api.client->Post(path.c_str(), {{"Stripe-Signature", right.sign(body, api.engine.now())}}, body,
                         "application/json");
    CHECK(r->status == 200);
    CHECK(Api::json(r)["event_id"] == "evt_1");
}

TEST_CASE("64 clients booking the same starts over HTTP: exactly capacity winners per start") {
    // Limits far above the run: a bucket spanning 1e6 ms (a span of a few
    // microseconds refuses a thread whose clock reading went stale while it
    // was preempted).
    Api api({.threads = 16,
             .per_address = {.burst = 1'000'000, .refill_every = std::chrono::milliseconds{1}},
             .per_key = {.burst = 1'000'000, .refill_every = std::chrono::milliseconds{1}}});
    constexpr int capacity = 3;
    const auto shop = api.shop(api.admin_a, capacity);
    const std::string svc = shop.second;
    REQUIRE(api.put("/v1/policy", api.admin_a, {{"max_active_per_customer", 1000}})->status == 200);
    const std::vector<std::string> starts{api.at(8, "09:00"), api.at(8, "10:00"), api.at(8, "11:00"),
                                          api.at(8, "12:00")};
    std::vector<std::string> keys;
    for (int i = 0; i < 64; ++i) {
        keys.push_back(create_api_key(api.engine, {.tenant = api.a.id, .role = Role::customer,
                                                   .subject = "c" + std::to_string(i)}).secret);
    }
    std::mutex m;
    std::map<std::string, int> winners;
    int refused = 0, other = 0;
    std::string others;
    std::vector<std::thread> clients;
    std::atomic<bool> go{false};
    for (int i = 0; i < 64; ++i) {
        clients.emplace_back([&, i] {
            httplib::Client c("127.0.0.1", api.server->port());
            // 256 bookings on a loaded machine queue behind one SQLite writer.
            c.set_read_timeout(120, 0);
            while (!go) std::this_thread::yield();
            for (const auto& start : starts) {
                const auto r = c.Post("/v1/bookings", Api::auth(keys[static_cast<std::size_t>(i)]),
                                      api.booking_body(svc, start).dump(), "application/json");
                std::lock_guard lock(m);
                if (r && r->status == 201) {
                    ++winners[start];
                } else if (r && r->status == 409) {
                    ++refused;
                } else {
                    ++other;
                    others += r ? std::to_string(r->status) + " " + r->body + "\n" : httplib::to_string(r.error()) + "\n";
                }
            }
        });
    }
    go = true;
    for (auto& t : clients) t.join();
    for (const auto& s : starts) CHECK(winners[s] == capacity);
    CHECK(refused == 64 * 4 - capacity * 4);
    CHECK_MESSAGE(other == 0, others);
    CHECK(Api::json(api.get("/v1/bookings?limit=1000", api.admin_a))["bookings"].size() == capacity * 4);
}

TEST_CASE("the OpenAPI document and the route table describe each other, and every route dispatches") {
    Api api;
    const auto doc = Api::json(api.client->Get("/v1/openapi.json"));
    CHECK(doc["openapi"] == "3.1.0");
    std::set<std::pair<std::string, std::string>> documented, routed;
    for (const auto& [path, ops] : doc["paths"].items()) {
        for (const auto& [method, op] : ops.items()) {
            std::string m = method;
            for (auto& ch : m) ch = static_cast<char>(ch - 'a' + 'A');
            documented.emplace(m, path);
        }
    }
    for (const auto& r : HttpServer::routes()) routed.emplace(r.method, r.path);
    CHECK(documented == routed);
    // Each route exists for the dispatcher: never "no such route", never 405.
    for (const auto& r : HttpServer::routes()) {
        std::string path = r.path;
        for (auto at = path.find('{'); at != std::string::npos; at = path.find('{')) {
            path.replace(at, path.find('}', at) - at + 1, "x");
        }
        httplib::Request req;
        req.method = r.method;
        req.path = path;
        req.headers = Api::auth(api.admin_a);
        auto res = api.client->send(req);
        REQUIRE(res);
        INFO(r.method, " ", path, " → ", res->body);
        CHECK(res->status != 405);
        CHECK(res->body.find("no such route") == std::string::npos);
    }
}

TEST_CASE("the access log is one JSON line per request with no key, body or query string") {
    Api api;
    const auto secret_body = Json{{"name", "SECRET-NAME"}, {"timezone", "UTC"}};
    REQUIRE(api.post("/v1/resources", api.admin_a, secret_body)->status == 201);
    REQUIRE(api.get("/v1/bookings?from=2026-01-01T00:00:00Z&limit=SECRET", api.admin_a)->status == 400);
    REQUIRE(api.client->Get("/v1/services", {{"Authorization", "Bearer swk_SECRET"}})->status == 401);
    api.server->stop();
    std::lock_guard lock(api.log_mutex);
    REQUIRE(api.log.size() == 3);
    for (const auto& line : api.log) {
        INFO(line);
        CHECK(line.find('\n') == std::string::npos);
        CHECK(line.find("SECRET") == std::string::npos);
        CHECK(line.find(api.admin_a) == std::string::npos);
        const auto j = Json::parse(line);
        CHECK(j.contains("status"));
        CHECK(j.contains("duration_ms"));
    }
    // The logger runs after the response is sent: lines may come in any order.
    Json first;
    for (const auto& line : api.log) {
        if (Json::parse(line)["route"] == "/v1/resources") first = Json::parse(line);
    }
    REQUIRE(first.is_object());
    CHECK(first["status"] == 201);
    CHECK(first["tenant"] == api.a.id.value);
    CHECK(first["key"].get<std::string>().starts_with("key_"));
}

TEST_CASE("HSTS is sent behind TLS, or to a trusted proxy's https requests only") {
    {
        Api api({.behind_tls = true});
        CHECK(api.client->Get("/v1/nothing")->has_header("Strict-Transport-Security"));
    }
    Api api({.trust_proxy = true});
    CHECK(api.client->Get("/v1/openapi.json", {{"X-Forwarded-Proto", "https"}})->has_header("Strict-Transport-Security"));
    CHECK_FALSE(api.client->Get("/v1/openapi.json", {{"X-Forwarded-Proto", "http"}})->has_header("Strict-Transport-Security"));
}

TEST_CASE("the admin page is served byte for byte from the binary, to GET and HEAD only, with the security headers") {
    Api api;
    const auto source = [](const std::string& name) {
        std::ifstream in(std::string(SLOTWISE_TEST_DIR) + "/../web/admin/" + name, std::ios::binary);
        REQUIRE_MESSAGE(in, name, ": not readable");
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    const std::vector<std::pair<std::string, std::string>> files{
        {"index.html", "text/html; charset=utf-8"},      {"admin.css", "text/css; charset=utf-8"},
        {"i18n.js", "text/javascript; charset=utf-8"},   {"util.js", "text/javascript; charset=utf-8"},
        {"catalogue.js", "text/javascript; charset=utf-8"}, {"admin.js", "text/javascript; charset=utf-8"},
        {"icon.svg", "image/svg+xml"}};
    for (const auto& file : files) {
        const std::string name = file.first;
        CAPTURE(name);
        const auto r = api.client->Get(("/admin/" + name).c_str());
        check_security_headers(r, "/admin/" + name);
        CHECK(r->status == 200);
        CHECK(r->get_header_value("Content-Type") == file.second);
        CHECK(r->body == source(name));
    }
    const auto index = api.client->Get("/admin/");
    check_security_headers(index, "/admin/");
    CHECK(index->body == source("index.html"));
    CHECK(api.client->Head("/admin/admin.js")->status == 200);

    for (const char* path : {"/", "/admin"}) {
        const auto r = api.client->Get(path);
        check_security_headers(r, path);
        CHECK(r->status == 302);
        CHECK(r->get_header_value("Location") == "/admin/");
    }
    // Only files of the page: no other path, no way out of it.
    for (const char* path : {"/admin/nothing.js", "/admin/admin.js/", "/admin/..%2Fv1%2Fkeys", "/admin/index.html.bak"}) {
        const auto r = api.client->Get(path);
        check_security_headers(r, path);
        CHECK(r->status == 404);
        CHECK(Api::json(r)["error"]["code"] == "not_found");
    }
    // The page is read-only: another method is refused, on the redirects too.
    for (const char* path : {"/admin/", "/admin/admin.js", "/"}) {
        const auto post = api.client->Post(path, "{}", "application/json");
        check_security_headers(post, path);
        CHECK(post->status == 405);
        CHECK(Api::json(post)["error"]["code"] == "method_not_allowed");
        CHECK(api.client->Delete(path)->status == 405);
    }
    // Serving the page authenticates nothing: the API still wants a key.
    CHECK(api.client->Get("/v1/services")->status == 401);
}
