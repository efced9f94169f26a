// Security headers on every response (routed, refused, unknown, 413 from the
// parser alike), and who the client is for limits and logs.
#include "internal.hpp"

namespace slotwise::http {
namespace {

void set_once(httplib::Response& res, const char* name, const char* value) {
    if (!res.has_header(name)) res.set_header(name, value);
}

}  // namespace

void add_security_headers(const httplib::Request& req, httplib::Response& res, const HttpServerOptions& o) {
    // No inline script or style anywhere: the admin page's scripts are files.
    set_once(res, "Content-Security-Policy",
             "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
             "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    set_once(res, "X-Content-Type-Options", "nosniff");
    set_once(res, "Referrer-Policy", "no-referrer");
    set_once(res, "X-Frame-Options", "DENY");
    set_once(res, "Cache-Control", "no-store");
    const bool tls = o.behind_tls || (o.trust_proxy && req.get_header_value("X-Forwarded-Proto") == "https");
    if (tls) set_once(res, "Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}

std::string client_address(const httplib::Request& req, const HttpServerOptions& o) {
    if (o.trust_proxy && req.has_header("X-Forwarded-For")) {
        // The proxy appends the peer it saw: the last entry is the one it vouches for.
        auto v = req.get_header_value("X-Forwarded-For");
        const auto comma = v.rfind(',');
        if (comma != std::string::npos) v = v.substr(comma + 1);
        while (!v.empty() && v.front() == ' ') v.erase(v.begin());
        if (!v.empty() && v.size() <= 64) return v;
    }
    return req.remote_addr;
}

}  // namespace slotwise::http
