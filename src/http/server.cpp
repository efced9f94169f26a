// The server: cpp-httplib underneath, one catch-all handler per method that
// dispatches through the route table (so unknown paths and methods answer
// like everything else), the limits, the headers on every response, the
// access log, and a graceful stop.
#include "internal.hpp"

#include <sys/socket.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace slotwise {

using namespace slotwise::http;

namespace {

// The request's log fields: a worker serves one request at a time.
thread_local LogFields t_log;

// Splits "/v1/bookings/bkg_1/cancel" and matches it against "/v1/bookings/{id}/cancel".
bool match(std::string_view pattern, std::string_view path, std::map<std::string, std::string>& out) {
    out.clear();
    while (!pattern.empty() || !path.empty()) {
        if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/') return false;
        pattern.remove_prefix(1);
        path.remove_prefix(1);
        const auto pe = pattern.find('/');
        const auto se = path.find('/');
        const auto pseg = pattern.substr(0, pe);
        const auto sseg = path.substr(0, se);
        if (pseg.size() > 2 && pseg.front() == '{' && pseg.back() == '}') {
            if (sseg.empty()) return false;
            out.emplace(std::string(pseg.substr(1, pseg.size() - 2)), std::string(sseg));
        } else if (pseg != sseg) {
            return false;
        }
        pattern = pe == std::string_view::npos ? std::string_view{} : pattern.substr(pe);
        path = se == std::string_view::npos ? std::string_view{} : path.substr(se);
    }
    return true;
}

}  // namespace

struct HttpServer::Impl {
    Engine engine;
    HttpServerOptions options;
    RateLimiter per_address;
    RateLimiter per_key;
    httplib::Server server;
    std::thread thread;
    std::atomic<int> port{0};
    std::mutex lifecycle;
    bool started = false;
    std::atomic<int> listen_fd{-1};

    Impl(Engine e, HttpServerOptions o)
        : engine(std::move(e)), options(std::move(o)), per_address(options.per_address), per_key(options.per_key) {
        if (options.threads < 1 || options.threads > 256) invalid("threads", "expected 1..256");
        if (options.max_body_bytes < 1) invalid("max_body_bytes", "expected at least 1");
        if (options.port < 0 || options.port > 65535) invalid("port", "expected 0..65535");
        const auto threads = static_cast<std::size_t>(options.threads);
        server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
        server.set_payload_max_length(options.max_body_bytes);
        server.set_socket_options([this](socket_t sock) {
            int yes = 1;
            setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
            listen_fd = sock;
        });
        // Small JSON answers: without TCP_NODELAY each one waits on the
        // client's delayed ACK (tens of milliseconds on Linux).
        server.set_tcp_nodelay(true);
        server.set_keep_alive_timeout(5);
        server.set_read_timeout(10);
        server.set_write_timeout(10);
        const auto handler = [this](const httplib::Request& req, httplib::Response& res) { dispatch(req, res); };
        server.Get(".*", handler);
        server.Post(".*", handler);
        server.Put(".*", handler);
        server.Patch(".*", handler);
        server.Delete(".*", handler);
        server.Options(".*", handler);
        // What httplib answers itself (a request it cannot parse, a body
        // over the limit) is given the same JSON error body.
        server.set_error_handler(httplib::Server::HandlerWithResponse(
            [](const httplib::Request& req, httplib::Response& res) {
            if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
            const auto code = res.status == 413 ? "payload_too_large" : res.status == 404 ? "not_found" : "invalid_argument";
            write_error(req, res, res.status, code, res.status == 413 ? "body" : "", "");
            return httplib::Server::HandlerResponse::Handled;
        }));
        // Before any body is read: httplib bounds a body by its Content-Length
        // only, and would take a chunked one of any size into memory (the
        // limit checked after), from anyone, before authentication. A JSON
        // API has no use for chunked bodies, so they are refused unread, and
        // the connection closed behind the refusal (its body is still there).
        server.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
            if (!req.has_header("Transfer-Encoding")) return httplib::Server::HandlerResponse::Unhandled;
            write_error(req, res, 411, "length_required", "body", "");
            res.set_header("Connection", "close");
            return httplib::Server::HandlerResponse::Handled;
        });
        server.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
            add_security_headers(req, res, options);
        });
        server.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
            if (options.access_log) {
                try {
                    options.access_log(access_line(req, res, t_log, client_address(req, options)));
                } catch (...) {
                    // A failing log sink must not take the request down with it.
                }
            }
            t_log = {};
        });
    }

    // httplib listens with a backlog of 5: a burst of clients connecting at
    // once overflows it and some of them are reset. Listening again on the
    // bound socket raises it (Linux updates the backlog of a listening socket).
    void widen_backlog() {
        if (listen_fd >= 0) ::listen(listen_fd, SOMAXCONN);
    }

    void dispatch(const httplib::Request& req, httplib::Response& res) {
        t_log = {.started = std::chrono::steady_clock::now()};
        Call call{.req = req, .res = res, .engine = engine, .options = &options};
        try {
            take_tokens(per_address, "addr:" + client_address(req, options), 1);
            if (serve_admin_page(req, res)) {
                t_log.route = "/admin/";
                return;
            }
            const RouteEntry* found = nullptr;
            bool path_known = false;
            for (const auto& r : route_table()) {
                std::map<std::string, std::string> params;
                if (!match(r.info.path, req.path, params)) continue;
                path_known = true;
                if (r.info.method == req.method || (req.method == "HEAD" && r.info.method == "GET")) {
                    found = &r;
                    call.path = std::move(params);
                    break;
                }
            }
            if (!found) {
                if (path_known) throw HttpError{.status = 405, .code = "method_not_allowed", .field = {}, .detail = req.method};
                throw Error(Errc::not_found, "no such route");
            }
            t_log.route = found->info.path;
            if (found->info.needs_key) {
                call.key = authenticate(call);
                t_log.key_id = call.key->id;
                t_log.tenant = call.key->tenant.value;
                take_tokens(per_key, call.key->id, found->cost);
                call.scope.emplace(engine.scope(principal_of(*call.key)));
            }
            found->handler(call);
        } catch (const HttpError& e) {
            res.headers.erase("Content-Type");
            write_error(req, res, e);
        } catch (const Error& e) {
            write_error(req, res, e);
        } catch (const std::exception&) {
            write_error(req, res, 500, "internal_error", "", "");
        }
    }
};

HttpServer::HttpServer(Engine engine, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(std::move(engine), std::move(options))) {}

HttpServer::~HttpServer() { stop(); }

int HttpServer::start() {
    std::lock_guard lock(impl_->lifecycle);
    if (impl_->started) return impl_->port;
    const auto& o = impl_->options;
    const int port = o.port == 0 ? impl_->server.bind_to_any_port(o.host)
                                 : (impl_->server.bind_to_port(o.host.c_str(), o.port) ? o.port : -1);
    if (port <= 0) throw Error(Errc::storage_error, "http: cannot listen on " + o.host + ":" + std::to_string(o.port));
    impl_->port = port;
    impl_->started = true;
    impl_->widen_backlog();
    impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
    // Until the accept loop runs, httplib's stop() would do nothing.
    while (!impl_->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds{1});
    return port;
}

void HttpServer::run() {
    {
        std::lock_guard lock(impl_->lifecycle);
        const auto& o = impl_->options;
        const int port = o.port == 0 ? impl_->server.bind_to_any_port(o.host)
                                     : (impl_->server.bind_to_port(o.host.c_str(), o.port) ? o.port : -1);
        if (port <= 0) throw Error(Errc::storage_error, "http: cannot listen on " + o.host + ":" + std::to_string(o.port));
        impl_->widen_backlog();
        impl_->port = port;
        impl_->started = true;
    }
    impl_->server.listen_after_bind();
}

void HttpServer::stop() {
    std::lock_guard lock(impl_->lifecycle);
    if (!impl_->started) return;
    // A stop right after run() bound (a signal at start-up) waits for the
    // accept loop, which httplib's stop() needs to be running.
    for (int i = 0; i < 2000 && !impl_->server.is_running(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
    // Closing the listening socket ends the accept loop; listen_after_bind
    // then shuts the worker pool down, which finishes every request already
    // read (and each keep-alive connection after its current request).
    impl_->server.stop();
    if (impl_->thread.joinable()) impl_->thread.join();
    impl_->started = false;
}

int HttpServer::port() const noexcept { return impl_->port; }

const std::vector<HttpRoute>& HttpServer::routes() {
    static const std::vector<HttpRoute> all = [] {
        std::vector<HttpRoute> out;
        for (const auto& r : route_table()) out.push_back(r.info);
        return out;
    }();
    return all;
}

}  // namespace slotwise
