// An HttpTransport over cpp-httplib's TLS client: what `slotwise serve`
// hands the payment routes so the engine can reach Stripe. Only https URLs
// are sent (a secret key never goes out in clear), the certificate is
// checked against the system's CA store, and each request uses its own
// client, so the transport may be shared by the server's workers.
#include "internal.hpp"

namespace slotwise {

HttpTransport https_transport(std::chrono::seconds timeout) {
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
    return [timeout](const HttpRequest& r) -> HttpResponse {
        constexpr std::string_view scheme = "https://";
        if (!std::string_view(r.url).starts_with(scheme)) {
            invalid("url", "only https URLs are sent");
        }
        const auto path_at = r.url.find('/', scheme.size());
        const auto origin = r.url.substr(0, path_at);
        httplib::Client client(origin);
        client.enable_server_certificate_verification(true);
        client.set_connection_timeout(timeout);
        client.set_read_timeout(timeout);
        client.set_write_timeout(timeout);
        httplib::Request req;
        req.method = r.method;
        req.path = path_at == std::string::npos ? "/" : r.url.substr(path_at);
        for (const auto& [k, v] : r.headers) req.headers.emplace(k, v);
        req.body = r.body;
        const auto res = client.send(req);
        // No answer (refused, timed out, a certificate that fails): status 0,
        // which the provider reports as `provider_error`.
        if (!res) return HttpResponse{};
        return HttpResponse{.status = res->status, .body = res->body};
    };
#else
    (void)timeout;
    return {};
#endif
}

}  // namespace slotwise
