// A real HTTP server on a free loopback port over a fresh SQLite file with
// two tenants and an admin key each, and a client speaking to it: what the
// HTTP tests share. Not thread-safe itself; the client may be used from one
// thread, and each racing thread opens its own.
#pragma once

#include "support/temp_dir.hpp"

#include <slotwise/api_keys.hpp>
#include <slotwise/http.hpp>
#include <slotwise/sqlite.hpp>
#include <slotwise/stripe.hpp>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace slotwise::test {

using Json = nlohmann::json;

// A date a week from now: inside every horizon, never in the past.
inline std::string day_ahead(int days) {
    const auto d = std::chrono::floor<date::days>(std::chrono::system_clock::now()) + date::days{days};
    return date::format("%F", d);
}

inline void check_security_headers(const httplib::Result& r, const std::string& what) {
    REQUIRE_MESSAGE(r, what, ": no response");
    INFO(what, " → ", r->status);
    CHECK(r->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK(r->get_header_value("X-Frame-Options") == "DENY");
    CHECK(r->get_header_value("Referrer-Policy") == "no-referrer");
    const auto csp = r->get_header_value("Content-Security-Policy");
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(csp.find("script-src 'self'") != std::string::npos);
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK_FALSE(r->has_header("Strict-Transport-Security"));  // not behind TLS
}

struct Api {
    TempDir dir;
    std::shared_ptr<Store> store = open_sqlite({.path = dir.file("api.db")});
    std::shared_ptr<PaymentProviders> providers = [] {
        auto p = std::make_shared<PaymentProviders>();
        register_stripe(*p);
        return p;
    }();
    Engine engine{store, EngineOptions{.payments = providers}};
    Tenant a = engine.create_tenant("Salon A");
    Tenant b = engine.create_tenant("Salon B");
    std::string admin_a = create_api_key(engine, {.tenant = a.id, .role = Role::admin}).secret;
    std::string admin_b = create_api_key(engine, {.tenant = b.id, .role = Role::admin}).secret;
    std::mutex log_mutex;
    std::vector<std::string> log;
    std::unique_ptr<HttpServer> server;
    std::unique_ptr<httplib::Client> client;

    explicit Api(HttpServerOptions o = {}) {
        o.access_log = [this](std::string_view line) {
            std::lock_guard lock(log_mutex);
            log.emplace_back(line);
        };
        server = std::make_unique<HttpServer>(engine, o);
        const int port = server->start();
        client = std::make_unique<httplib::Client>("127.0.0.1", port);
    }

    static httplib::Headers auth(const std::string& key, httplib::Headers extra = {}) {
        extra.emplace("Authorization", "Bearer " + key);
        return extra;
    }
    httplib::Result get(const std::string& path, const std::string& key) { return client->Get(path.c_str(), auth(key)); }
    httplib::Result post(const std::string& path, const std::string& key, const Json& body, httplib::Headers h = {}) {
        return client->Post(path.c_str(), auth(key, std::move(h)), body.dump(), "application/json");
    }
    httplib::Result put(const std::string& path, const std::string& key, const Json& body) {
        return client->Put(path.c_str(), auth(key), body.dump(), "application/json");
    }
    httplib::Result patch(const std::string& path, const std::string& key, const Json& body) {
        return client->Patch(path.c_str(), auth(key), body.dump(), "application/json");
    }
    static Json json(const httplib::Result& r) {
        REQUIRE(r);
        return Json::parse(r->body);
    }

    // A resource open every day 09:00–17:00 UTC and a one-hour service on it.
    std::pair<std::string, std::string> shop(const std::string& key, int capacity = 1) {
        auto r = post("/v1/resources", key, {{"name", "Anna"}, {"timezone", "UTC"}, {"capacity", capacity}});
        REQUIRE(r);
        REQUIRE(r->status == 201);
        const auto res = json(r)["id"].get<std::string>();
        Json week;
        for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) week[d] = Json::array({{"09:00", "17:00"}});
        REQUIRE(put("/v1/resources/" + res + "/hours", key, week)->status == 200);
        r = post("/v1/services", key, {{"name", "Cut"}, {"duration", 60}, {"resources", {res}}});
        REQUIRE(r->status == 201);
        return {res, json(r)["id"].get<std::string>()};
    }
    std::string at(int days_ahead, const char* time) { return day_ahead(days_ahead) + "T" + time + ":00Z"; }
    Json booking_body(const std::string& service, const std::string& start) {
        return {{"service", service}, {"start", start}, {"customer", {{"name", "Ada"}}}};
    }
};

}  // namespace slotwise::test
