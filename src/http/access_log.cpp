// The access log: one JSON object per request, on one line. It names the
// route pattern and the path without its query string, the key's id and the
// tenant, never a secret (Authorization, a key, a signature) or a body.
#include "internal.hpp"

#include <chrono>

namespace slotwise::http {

std::string access_line(const httplib::Request& req, const httplib::Response& res, const LogFields& f,
                        const std::string& client) {
    const auto now = std::chrono::system_clock::now();
    Json line{{"time", format_instant(std::chrono::floor<std::chrono::seconds>(now))},
              {"method", req.method},
              {"path", req.path.substr(0, 512)},
              {"route", f.route.empty() ? Json(nullptr) : Json(f.route)},
              {"status", res.status},
              {"client", client},
              {"key", f.key_id.empty() ? Json(nullptr) : Json(f.key_id)},
              {"tenant", f.tenant.empty() ? Json(nullptr) : Json(f.tenant)},
              {"bytes", res.body.size()}};
    if (f.started != std::chrono::steady_clock::time_point{}) {
        line["duration_ms"] =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - f.started).count();
    }
    // Invalid UTF-8 in a path is replaced, never a reason to lose the line.
    return line.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace slotwise::http
