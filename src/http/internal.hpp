// What the files of the HTTP server share (not installed): a request in
// flight, the route table's entry, the errors a handler throws, and the
// helpers each concern offers the others.
#pragma once

#include <slotwise/api_keys.hpp>
#include <slotwise/http.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise::http {

using Json = nlohmann::json;

/// An error answered as HTTP (what Errc cannot say: 401, 405, 413, 429).
struct HttpError {
    int status = 400;
    std::string code;     ///< "unauthenticated", "rate_limited", …
    std::string field{};  ///< the offending input, or empty
    std::string detail{};
    std::chrono::seconds retry_after{0};
};

/// One request being served.
struct Call {
    const httplib::Request& req;
    httplib::Response& res;
    Engine& engine;
    std::map<std::string, std::string> path{};  ///< "{id}" → value
    std::optional<ApiKey> key{};
    std::optional<TenantScope> scope{};  ///< set for routes that need a key
    const HttpServerOptions* options = nullptr;  ///< the server's (payment transport)

    /// The scope of the authenticated key.
    TenantScope& as() { return *scope; }
};

/// A route: the public description and what serves it.
struct RouteEntry {
    HttpRoute info;
    int cost = 1;  ///< tokens of the per-key limiter
    std::function<void(Call&)> handler;
};

/// The route table (routes.cpp), built from one file per concern.
const std::vector<RouteEntry>& route_table();

// --- JSON bodies (json_body.cpp) ----------------------------------------
/// The request body as a JSON object whose members are all in `allowed`:
/// 400 naming "body" for malformed JSON or another type, naming the member
/// for an unknown one ("tenant" included: the key decides the tenant).
Json body_object(const Call& c, std::initializer_list<std::string_view> allowed);
/// Query parameters: only `allowed` (a "tenant" one is refused).
void check_query(const Call& c, std::initializer_list<std::string_view> allowed);
std::optional<std::string> query(const Call& c, const std::string& name);
std::string required_string(const Json& o, const std::string& field);
std::optional<std::string> optional_string(const Json& o, const std::string& field);
std::optional<std::int64_t> optional_integer(const Json& o, const std::string& field);
std::optional<bool> optional_bool(const Json& o, const std::string& field);
Json to_json(const Resource& r);
Json to_json(const Service& s);
Json to_json(const Booking& b);
Json to_json(const ResourceSlot& s);
Json to_json(const WeeklyHours& w);
Json to_json(const TenantPolicy& p);
Json to_json(const UnmatchedPayment& p);
Json to_json(const ApiKey& k);
WeeklyHours weekly_hours_from(const Json& o);
Customer customer_from(const Json& o, const std::string& field);
ServicePatch service_patch_from(const Json& o);
NewService new_service_from(const Json& o);
TenantPolicy policy_from(const Json& o);

// --- building the table (routes*.cpp) ---------------------------------------
using RouteTable = std::vector<RouteEntry>;
void add_route(RouteTable& t, std::string method, std::string path, std::string summary,
               std::function<void(Call&)> handler, int cost = 1, bool needs_key = true);
void add_catalogue_routes(RouteTable& t);  ///< routes_catalogue.cpp
void add_booking_routes(RouteTable& t);    ///< routes_bookings.cpp
void add_admin_routes(RouteTable& t);      ///< routes_admin.cpp: payments, policy, webhooks, keys
void add_approval_routes(RouteTable& t);   ///< routes_approval.cpp: confirm and reject requests
void add_waitlist_routes(RouteTable& t);  ///< routes_waitlist.cpp: waitlist and offers
void add_series_routes(RouteTable& t);    ///< routes_series.cpp: series booking and cancelling
void add_schedule_routes(RouteTable& t);  ///< routes_schedule.cpp: overrides, blocks, combinations, (de)activation, erasure
void add_payment_routes(RouteTable& t);   ///< routes_payments.cpp: checkout, refund, notifications
void add_message_routes(RouteTable& t);   ///< routes_messages.cpp: a tenant's notification texts

/// A path parameter as a typed id.
template <class Tag>
Id<Tag> path_id(const Call& c, const char* name = "id") {
    return Id<Tag>{c.path.at(name)};
}
/// An integer of a body, within ±10⁹, or a 400 naming `field`.
int int_of(std::int64_t v, const std::string& field);
/// A query parameter as an integer, or a 400 naming `field`.
int int_param(const std::string& value, const std::string& field);
/// 403 unless the key is an admin key (for calls the engine does not gate).
void require_admin_key(const Call& c);

// --- responses and errors (errors.cpp) ----------------------------------
void reply(Call& c, int status, const Json& body);
/// The status an engine error is answered with.
int status_of(Errc e) noexcept;
/// Writes `{"error":…}` in the language of Accept-Language.
void write_error(const httplib::Request& req, httplib::Response& res, int status, std::string_view code,
                 const std::string& field, const std::string& detail);
void write_error(const httplib::Request& req, httplib::Response& res, const Error& e);
void write_error(const httplib::Request& req, httplib::Response& res, const HttpError& e);

// --- headers (headers.cpp) ------------------------------------------------
/// Adds the security headers to any response that lacks them.
void add_security_headers(const httplib::Request& req, httplib::Response& res, const HttpServerOptions& o);
/// The client address: the peer, or the forwarded one from a trusted proxy.
std::string client_address(const httplib::Request& req, const HttpServerOptions& o);

// --- authentication and limits (auth.cpp) ---------------------------------
/// The key a request presents (Authorization: Bearer …), authenticated: 401 otherwise.
ApiKey authenticate(const Call& c);
/// 429 unless `limiter` grants `cost` tokens to `key`.
void take_tokens(RateLimiter& limiter, std::string_view key, std::int64_t cost);

// --- the admin page (admin_page.cpp) ---------------------------------------
/// Serves `/`, `/admin` (redirects) and `/admin/…` (the page's files): true
/// when the path was one of them; throws 405 for another method, 404 for an
/// unknown file.
bool serve_admin_page(const httplib::Request& req, httplib::Response& res);

// --- access log (access_log.cpp) ------------------------------------------
struct LogFields {
    std::string key_id{};
    std::string tenant{};
    std::string route{};
    std::chrono::steady_clock::time_point started{};
};
/// One JSON line: time, method, route pattern, path (no query), status,
/// duration, client, key id and tenant — never a secret or a body.
std::string access_line(const httplib::Request& req, const httplib::Response& res, const LogFields& f,
                        const std::string& client);

// --- JSON of the waitlist, series, schedule and outbox (json_values.cpp) ---
Json to_json(const WaitlistEntry& e);
Json to_json(const Block& b);
Json to_json(const TableCombination& c);
Json to_json(const Series& s);
Json to_json(const Notification& n);
/// Each item through to_json, as an array (defined after every to_json
/// overload: a template finds only the overloads declared before it).
Json list(const auto& items) {
    Json out = Json::array();
    for (const auto& i : items) out.push_back(to_json(i));
    return out;
}
/// `[["HH:MM","HH:MM"], …]` as windows, or a 400 naming `field[i]`.
std::vector<LocalWindow> windows_from(const Json& v, const std::string& field);
Json windows_json(const std::vector<LocalWindow>& windows);
/// Resources pinned per group (`["res_…", …]`), or a 400 naming `field[i]`.
std::vector<ResourceId> resource_ids_from(const Json& v, const std::string& field);
/// A query parameter that must be there, or a 400 naming it.
std::string required_query(const Call& c, const std::string& name);
/// The transport payment calls use; 503 `not_configured` when the server has none.
const HttpTransport& payment_transport(const Call& c);

}  // namespace slotwise::http
