// The OpenAPI 3.1 document, generated from the route table: every route is
// described, and nothing that is not a route is.
#include "internal.hpp"

namespace slotwise {

using namespace slotwise::http;

std::string HttpServer::openapi() {
    Json paths = Json::object();
    for (const auto& r : route_table()) {
        Json op{{"summary", r.info.summary},
                {"responses",
                 {{"default",
                   {{"description", "The result, or {\"error\":{\"code\",\"field\",\"message\"}}"},
                    {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}}}}};
        Json params = Json::array();
        for (std::size_t at = r.info.path.find('{'); at != std::string::npos; at = r.info.path.find('{', at + 1)) {
            const auto end = r.info.path.find('}', at);
            params.push_back({{"name", r.info.path.substr(at + 1, end - at - 1)}, {"in", "path"}, {"required", true},
                              {"schema", {{"type", "string"}}}});
        }
        if (!params.empty()) op["parameters"] = params;
        op["security"] = r.info.needs_key ? Json::array({{{"apiKey", Json::array()}}}) : Json::array();
        std::string method = r.info.method;
        for (auto& ch : method) ch = static_cast<char>(ch - 'A' + 'a');
        paths[r.info.path][method] = op;
    }
    const Json doc{{"openapi", "3.1.0"},
                   {"info", {{"title", "slotwise"}, {"version", "1"},
                             {"description", "The booking engine's HTTP JSON API (docs/http.md)."}}},
                   {"components", {{"securitySchemes", {{"apiKey", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
                   {"paths", paths}};
    return doc.dump();
}

}  // namespace slotwise
