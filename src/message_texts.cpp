// A tenant's own notification texts: checked when set, stored per kind and
// locale, and read beside the built-in texts. See message_texts.hpp; the
// renderer (notify.cpp) picks the text a notification is rendered from.
#include <slotwise/message_texts.hpp>

#include "engine_internal.hpp"
#include "validate.hpp"

#include <algorithm>

namespace slotwise {
namespace detail {
namespace {

void check_locale(const std::string& locale) {
    if (std::find(message_locales.begin(), message_locales.end(), locale) == message_locales.end()) {
        invalid("locale", "must be \"en\" or \"it\"");
    }
}

// UTF-8 of at most `max` bytes; of the control characters only those in `allowed`.
void check_text(const std::string& value, const std::string& field, std::size_t max, std::string_view allowed) {
    if (value.empty()) invalid(field, "must not be empty");
    if (value.size() > max) invalid(field, "longer than " + std::to_string(max) + " bytes");
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 || u == 0x7f) && allowed.find(c) == std::string_view::npos) {
            invalid(field, c == '\n' ? "must be one line" : "contains a control character");
        }
    }
    if (!valid_utf8(value)) invalid(field, "is not valid UTF-8");
}

void check_message_text(const MessageText& m) {
    check_locale(m.locale);
    check_text(m.subject, "subject", max_message_subject, "");
    check_text(m.body, "body", max_message_body, "\n\t");
    if (auto problem = message_template_problem(m.kind, m.subject); !problem.empty()) invalid("subject", problem);
    if (auto problem = message_template_problem(m.kind, m.body); !problem.empty()) invalid("body", problem);
}

std::size_t order_of(const MessageText& m) {
    const auto k = static_cast<std::size_t>(m.kind);
    return k * message_locales.size() + (m.locale == "it" ? 1 : 0);
}

}  // namespace

const MessageText* text_for(const std::vector<MessageText>& texts, NotificationKind kind, std::string_view locale) {
    const std::string_view lang = language_of(locale) == Language::it ? "it" : "en";
    for (const auto& m : texts) {
        if (m.kind == kind && m.locale == lang) return &m;
    }
    return nullptr;
}

}  // namespace detail

MessageText TenantScope::set_message_text(const MessageText& m) {
    require_admin();
    detail::check_message_text(m);
    auto tx = engine_.store()->write();
    tx->put_message_text(principal_.tenant, m);
    tx->commit();
    return m;
}

MessageTexts TenantScope::message_texts() {
    require_admin();
    MessageTexts out;
    out.overrides = engine_.store()->read()->message_texts(principal_.tenant);
    std::sort(out.overrides.begin(), out.overrides.end(),
              [](const MessageText& a, const MessageText& b) { return detail::order_of(a) < detail::order_of(b); });
    for (auto kind : notification_kinds) {
        for (auto locale : message_locales) {
            AppliedMessageText applied{.kind = kind, .locale = std::string(locale)};
            if (const auto* own = detail::text_for(out.overrides, kind, locale)) {
                applied.subject = own->subject;
                applied.body = own->body;
                applied.overridden = true;
            } else {
                const auto builtin = default_message_template(kind, language_of(locale));
                applied.subject = std::string(builtin.subject);
                applied.body = std::string(builtin.body);
            }
            out.applied.push_back(std::move(applied));
        }
    }
    return out;
}

void TenantScope::clear_message_text(NotificationKind kind, const std::string& locale) {
    require_admin();
    detail::check_locale(locale);
    auto tx = engine_.store()->write();
    if (!tx->delete_message_text(principal_.tenant, kind, locale)) detail::not_found("message text");
    tx->commit();
}

}  // namespace slotwise
