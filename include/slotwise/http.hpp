// slotwise/http.hpp — the HTTP JSON API over an `Engine`: what `slotwise
// serve` runs, and what an agency can embed in its own process.
//
//   slotwise::HttpServer server(engine, {.host = "127.0.0.1", .port = 8080});
//   server.start();            // binds, then serves on its own threads
//   ...                        // on SIGTERM:
//   server.stop();             // stops accepting; in-flight requests finish
//
// Routes live under /v1/ (docs/http.md lists them; `GET /v1/openapi.json`
// describes them in OpenAPI 3.1, generated from the same route table that
// dispatches). Every route but the OpenAPI document and the Stripe webhook
// needs `Authorization: Bearer <API key>` (api_keys.hpp); the key decides the
// tenant, role and subject, and nothing in a path, query string or body can
// name another tenant: a `tenant` member of a body or query string is
// refused (400 naming "tenant"), and an id of another tenant answers 404
// exactly like an unknown one. `POST /v1/webhooks/stripe/{tenant}` takes no
// key: the path picks the tenant's endpoint secret, the signature
// authenticates.
//
// Every response, errors and unknown paths included, carries the security
// headers (a CSP without inline script, nosniff, no referrer, frame denial,
// and HSTS when the server sits behind TLS). Errors are
// `{"error":{"code","field","message"}}` with the message in English or
// Italian by Accept-Language. Bodies are bounded (413), JSON must be
// well-formed and carry only known members (400 naming the field), and each
// client address and each key is rate limited (429 with Retry-After). One
// JSON line per request goes to the access log: never a key, a body or a
// query string.
//
// Thread-safety: `start`, `stop` and `port` may be called from any thread;
// requests are served on a pool of `threads` workers, each using the engine
// (which is thread-safe). Ownership: the server shares the engine's store;
// it must be stopped (or destroyed, which stops it) before the store goes.
#pragma once

#include <slotwise/engine.hpp>
#include <slotwise/rate_limiter.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise {

/// How a server listens and what it allows.
struct HttpServerOptions {
    std::string host = "127.0.0.1";
    int port = 0;                            ///< 0 = any free port (see `HttpServer::port`)
    int threads = 8;                         ///< worker threads, 1..256
    std::size_t max_body_bytes = 64 * 1024;  ///< larger bodies: 413
    /// The server is reached over TLS (a terminating proxy in front): send
    /// Strict-Transport-Security on every response.
    bool behind_tls = false;
    /// Trust X-Forwarded-Proto and X-Forwarded-For from the peer (only when
    /// every connection comes from your own proxy): HSTS on "https" requests,
    /// and the forwarded address as the client for rate limiting and logs.
    bool trust_proxy = false;
    /// Requests per client address, checked before authentication.
    RateLimiter::Options per_address{.burst = 300, .refill_every = std::chrono::milliseconds{10}};
    /// Requests per API key (a booking costs 5).
    RateLimiter::Options per_key{.burst = 100, .refill_every = std::chrono::milliseconds{20}};
    /// Receives one JSON line per request (no trailing newline); empty = no log.
    std::function<void(std::string_view)> access_log{};
    /// How the payment routes (checkout, refund) reach the tenant's payment
    /// provider: the engine opens no sockets. Empty = those routes answer
    /// 503 `not_configured`. `https_transport()` is one over cpp-httplib.
    HttpTransport payment_transport{};
};

/// An `HttpTransport` that performs each request with cpp-httplib over TLS,
/// verifying the server's certificate against the system's CA store, with
/// `timeout` for connecting, reading and writing; what `slotwise serve`
/// hands the payment routes. Empty when this build's cpp-httplib has no
/// OpenSSL support. Thread-safe: each request uses its own client.
HttpTransport https_transport(std::chrono::seconds timeout = std::chrono::seconds{30});

/// One route of the API, as the table that dispatches lists it.
struct HttpRoute {
    std::string method;   ///< "GET", "POST", "PUT", "PATCH", "DELETE"
    std::string path;     ///< "/v1/bookings/{id}"
    std::string summary;  ///< one line, for the OpenAPI document
    bool needs_key = true;
};

/// The HTTP JSON API over an engine. See the top of this header.
class HttpServer {
public:
    /// `invalid_argument` naming the option out of range.
    HttpServer(Engine engine, HttpServerOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds and serves on a background thread; `storage_error` when the
    /// address cannot be bound. Returns the port.
    int start();
    /// Stops accepting, lets in-flight requests finish, and returns once
    /// every worker is done. Idempotent; the destructor calls it.
    void stop();
    /// Binds and serves on the calling thread until `stop()` is called from
    /// another thread (a signal-watching one, say).
    void run();
    /// The bound port (after `start`, or once `run` has bound); 0 before.
    int port() const noexcept;

    /// Every route, in the order they dispatch.
    static const std::vector<HttpRoute>& routes();
    /// The OpenAPI 3.1 description of `routes()`, as JSON text.
    static std::string openapi();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace slotwise
