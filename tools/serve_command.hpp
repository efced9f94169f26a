// tools/serve_command.hpp — `slotwise serve DB --port N [--host H]`: the HTTP
// JSON API (http.hpp) over an SQLite file, until SIGTERM or SIGINT.
//
// On a database without a live admin key it creates a tenant when there is
// none, mints an admin key for the oldest tenant and prints
// "admin key: <key>" once (the store keeps only its hash). One JSON access
// log line per request goes to stderr. SIGTERM/SIGINT stop accepting; the
// requests in flight finish and the process exits 0.
//
// Exit codes as the rest of the CLI: 0 success, 2 bad input or usage (one
// "error: <field>: <what>" line), 1 an unexpected failure.
#pragma once

#include <slotwise/api_keys.hpp>
#include <slotwise/http.hpp>
#include <slotwise/sqlite.hpp>

#include <algorithm>
#include <slotwise/stripe.hpp>

#include <csignal>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace slotwise::cli {

inline constexpr std::string_view serve_help = R"(Usage:
  slotwise serve DB --port N [--host 127.0.0.1] [--threads N] [--max-body BYTES]
                             [--behind-tls] [--trust-proxy]

Serves the HTTP JSON API (docs/http.md) over the SQLite file DB (created if
missing). Prints "admin key: <key>" the first time, when the database has no
admin key. Stops on SIGTERM or SIGINT once the requests in flight are done.
)";

inline int serve_fail(std::ostream& err, const std::string& what) {
    err << "error: " << what << "\n";
    return 2;
}

inline int serve(const std::vector<std::string_view>& args, std::ostream& out, std::ostream& err) {
    std::string path;
    HttpServerOptions o;
    bool port_given = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto a = args[i];
        const auto value = [&](std::string_view name) -> std::optional<std::string> {
            if (i + 1 >= args.size()) return std::nullopt;
            (void)name;
            return std::string(args[++i]);
        };
        const auto number = [&](std::string_view name, long lo, long hi) -> std::optional<long> {
            auto v = value(name);
            if (!v) return std::nullopt;
            try {
                std::size_t used = 0;
                const long n = std::stol(*v, &used);
                if (used != v->size() || n < lo || n > hi) return std::nullopt;
                return n;
            } catch (...) {
                return std::nullopt;
            }
        };
        if (a == "-h" || a == "--help") {
            out << serve_help;
            return 0;
        } else if (a == "--port") {
            auto n = number(a, 0, 65535);
            if (!n) return serve_fail(err, "port: expected 0..65535");
            o.port = static_cast<int>(*n);
            port_given = true;
        } else if (a == "--host") {
            auto v = value(a);
            if (!v || v->empty()) return serve_fail(err, "host: expected an address");
            o.host = *v;
        } else if (a == "--threads") {
            auto n = number(a, 1, 256);
            if (!n) return serve_fail(err, "threads: expected 1..256");
            o.threads = static_cast<int>(*n);
        } else if (a == "--max-body") {
            auto n = number(a, 1, 64L << 20);
            if (!n) return serve_fail(err, "max-body: expected 1..67108864 bytes");
            o.max_body_bytes = static_cast<std::size_t>(*n);
        } else if (a == "--behind-tls") {
            o.behind_tls = true;
        } else if (a == "--trust-proxy") {
            o.trust_proxy = true;
        } else if (!a.empty() && a[0] == '-') {
            return serve_fail(err, std::string(a) + ": unknown option (see slotwise serve --help)");
        } else if (path.empty()) {
            path = a;
        } else {
            return serve_fail(err, std::string(a) + ": one database only");
        }
    }
    if (path.empty()) return serve_fail(err, "DB: required (see slotwise serve --help)");
    if (!port_given) return serve_fail(err, "port: required");

    // Every thread started from here on (the server's) inherits the mask, so
    // the signals reach only the thread that waits for them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    std::shared_ptr<Store> store;
    try {
        store = open_sqlite({.path = path});
    } catch (const Error& e) {
        return serve_fail(err, std::string("DB: ") + e.what());
    }
    auto providers = std::make_shared<PaymentProviders>();
    register_stripe(*providers);
    Engine engine(store, EngineOptions{.payments = providers});

    // First start: a tenant and its admin key.
    bool has_admin = false;
    std::vector<Tenant> tenants;
    {
        auto tx = store->read();
        for (;;) {
            const auto page = tx->tenants(tenants.empty() ? TenantId{} : tenants.back().id, 1000);
            tenants.insert(tenants.end(), page.begin(), page.end());
            if (page.size() < 1000) break;
        }
        // The first start's key goes to the oldest tenant.
        std::stable_sort(tenants.begin(), tenants.end(),
                         [](const Tenant& a, const Tenant& b) { return a.created_at < b.created_at; });
        for (const auto& t : tenants) {
            for (const auto& k : tx->api_keys(t.id)) {
                if (k.role == Role::admin && !k.revoked_at) has_admin = true;
            }
        }
    }
    if (!has_admin) {
        const auto tenant = tenants.empty() ? engine.create_tenant("My business") : tenants.front();
        const auto issued = create_api_key(engine, {.tenant = tenant.id, .role = Role::admin, .label = "first start"});
        out << "tenant: " << tenant.id.value << "\nadmin key: " << issued.secret << "\n";
    }

    std::mutex log_mutex;
    o.access_log = [&](std::string_view line) {
        std::lock_guard lock(log_mutex);
        err << line << "\n" << std::flush;
    };
    // Checkout and refund reach Stripe over HTTPS (empty when this build's
    // cpp-httplib has no TLS: those routes then answer 503 not_configured).
    o.payment_transport = https_transport();
    HttpServer server(engine, o);
    std::thread watcher([&] {
        int sig = 0;
        sigwait(&stop_signals, &sig);
        server.stop();
    });
    int rc = 0;
    try {
        std::thread announce([&] {
            // `run` binds first; say where once it has.
            for (int i = 0; i < 5000 && server.port() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds{1});
            if (server.port() != 0) out << "listening on http://" << o.host << ":" << server.port() << "\n" << std::flush;
        });
        try {
            server.run();
        } catch (...) {
            announce.join();
            throw;
        }
        announce.join();
    } catch (const Error& e) {
        err << "error: " << e.what() << "\n";
        rc = 2;
        // The watcher still waits for a signal: send it one of its own.
        pthread_kill(watcher.native_handle(), SIGTERM);
    }
    watcher.join();
    return rc;
}

}  // namespace slotwise::cli
