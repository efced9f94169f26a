// The admin page at /admin/: static files compiled into the server
// (admin_assets.hpp), GET and HEAD only. The page talks to the JSON API with
// the admin key the user types in; serving it needs no key, since it holds
// nothing but code. `/` and `/admin` redirect to `/admin/`, so that the
// page's relative links resolve under it.
#include "admin_assets.hpp"
#include "internal.hpp"

namespace slotwise::http {

bool serve_admin_page(const httplib::Request& req, httplib::Response& res) {
    const std::string_view path = req.path;
    constexpr std::string_view prefix = "/admin/";
    const bool redirect = path == "/" || path == "/admin";
    if (!redirect && !path.starts_with(prefix)) return false;
    if (req.method != "GET" && req.method != "HEAD") {
        throw HttpError{.status = 405, .code = "method_not_allowed", .field = {}, .detail = req.method};
    }
    if (redirect) {
        res.status = 302;
        res.set_header("Location", "/admin/");
        return true;
    }
    auto name = path.substr(prefix.size());
    if (name.empty()) name = "index.html";
    for (const auto& a : admin_assets()) {
        if (a.name == name) {
            res.status = 200;
            res.set_content(std::string(a.bytes), std::string(a.content_type));
            return true;
        }
    }
    throw Error(Errc::not_found, "no such file");
}

}  // namespace slotwise::http
