// Responses and errors: the status each engine error is answered with, and
// the one error body, `{"error":{"code","field","message"}}`, with the
// message in the language Accept-Language asks for (English or Italian).
// An id of another tenant is a 404 like any unknown id: the engine already
// answers `not_found` for both, and nothing here tells them apart.
#include "internal.hpp"

#include <slotwise/i18n.hpp>

namespace slotwise::http {
namespace {

// The first language of Accept-Language ("it-IT,it;q=0.9,en;q=0.8" → "it-IT").
std::string preferred_locale(const httplib::Request& req) {
    const auto v = req.get_header_value("Accept-Language");
    const auto end = v.find_first_of(",;");
    auto tag = v.substr(0, end);
    while (!tag.empty() && tag.front() == ' ') tag.erase(tag.begin());
    return tag;
}

std::string text_for(std::string_view code, bool it) {
    if (code == "unauthenticated") return it ? "Chiave API mancante o non valida." : "Missing or invalid API key.";
    if (code == "rate_limited") return it ? "Troppe richieste. Riprova tra poco." : "Too many requests. Please try again shortly.";
    if (code == "payload_too_large") return it ? "La richiesta è troppo grande." : "The request is too large.";
    if (code == "length_required") {
        return it ? "Il corpo della richiesta deve avere una Content-Length." : "A request body needs a Content-Length.";
    }
    if (code == "method_not_allowed") return it ? "Metodo non consentito." : "Method not allowed.";
    if (code == "internal_error") return it ? "Si è verificato un errore. Riprova più tardi." : "Something went wrong. Please try again later.";
    return {};
}

}  // namespace

void reply(Call& c, int status, const Json& body) {
    c.res.status = status;
    c.res.set_content(body.dump(), "application/json");
}

int status_of(Errc e) noexcept {
    switch (e) {
        case Errc::invalid_argument: return 400;
        case Errc::signature_invalid: return 400;
        case Errc::not_found: return 404;
        case Errc::permission_denied: return 403;
        case Errc::slot_unavailable: return 409;
        case Errc::invalid_transition: return 409;
        case Errc::idempotency_mismatch: return 422;
        case Errc::quota_exceeded: return 422;
        case Errc::not_configured: return 409;
        case Errc::storage_busy: return 503;
        case Errc::provider_error: return 502;
        case Errc::commit_in_doubt: return 500;
        case Errc::storage_error: return 500;
    }
    return 500;
}

void write_error(const httplib::Request& req, httplib::Response& res, int status, std::string_view code,
                 const std::string& field, const std::string& detail) {
    const auto locale = preferred_locale(req);
    const bool it = language_of(locale) == Language::it;
    std::string message = text_for(code, it);
    if (message.empty()) {
        // An engine code: the library's own EN/IT texts.
        for (int e = 1; e <= static_cast<int>(Errc::quota_exceeded); ++e) {
            if (to_string(static_cast<Errc>(e)) == code) message = error_text(static_cast<Errc>(e), locale);
        }
    }
    if (!detail.empty() && status != 404 && status < 500) message += " (" + detail + ")";
    Json body{{"error", {{"code", code}, {"field", field.empty() ? Json(nullptr) : Json(field)}, {"message", message}}}};
    res.status = status;
    res.set_content(body.dump(), "application/json");
    res.set_header("Content-Language", it ? "it" : "en");
}

void write_error(const httplib::Request& req, httplib::Response& res, const Error& e) {
    // A 5xx says nothing of the store's insides; 404 says only "not found".
    const int status = status_of(e.code());
    std::string detail = e.what();
    if (!e.field().empty() && detail.starts_with(e.field() + ": ")) detail.erase(0, e.field().size() + 2);
    write_error(req, res, status, to_string(e.code()), e.field(), detail);
}

void write_error(const httplib::Request& req, httplib::Response& res, const HttpError& e) {
    write_error(req, res, e.status, e.code, e.field, e.detail);
    if (e.retry_after.count() > 0) res.set_header("Retry-After", std::to_string(e.retry_after.count()));
}

}  // namespace slotwise::http
