// slotwise/message_texts.hpp — a tenant's own notification texts.
//
// Each notification kind (notify.hpp) has a built-in subject and body in
// English and Italian (i18n.hpp). A tenant's admin may replace either
// language's text of any kind with its own, written with the same
// placeholders (`MessageTemplate`): `TenantScope::set_message_text`,
// `message_texts`, `clear_message_text`. A notification handed out is
// rendered from the tenant's text for the customer's language ("it-IT" reads
// Italian, anything but Italian reads English), else from the built-in one.
// A refund notice is rendered when written, with the text of that moment.
//
// A text is checked when it is set, never when it is rendered:
//  - `locale` is "en" or "it";
//  - `subject`: not empty, one line, at most `max_message_subject` bytes of
//    UTF-8 without control characters;
//  - `body`: not empty, at most `max_message_body` bytes of UTF-8 whose only
//    control characters are line feeds and tabs;
//  - in both, every '{' opens a placeholder closed by the next '}', and every
//    placeholder is one the kind knows (`message_placeholders`: `{amount}`
//    only for refund_due, `{offer_expires}` only for waitlist_offer).
// Anything else is `invalid_argument` naming "locale", "subject" or "body"
// (and the placeholder or the brace), and nothing is stored.
//
//   admin.set_message_text({.kind = slotwise::NotificationKind::booking_confirmed, .locale = "it",
//                           .subject = "Ci vediamo {date} alle {start}",
//                           .body = "Ciao {customer},\n{service} con {resource} è confermato.\n\n{business}\n"});
//
// Thread-safety: plain values.
#pragma once

#include <slotwise/i18n.hpp>
#include <slotwise/notify.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise {

/// Longest subject of a tenant's text, in bytes.
inline constexpr std::size_t max_message_subject = 200;
/// Longest body of a tenant's text, in bytes.
inline constexpr std::size_t max_message_body = 4000;

/// A tenant's own text for one kind in one language.
struct MessageText {
    NotificationKind kind = NotificationKind::booking_confirmed;
    std::string locale{};   ///< "en" or "it"
    std::string subject{};  ///< with placeholders, one line
    std::string body{};     ///< with placeholders, plain text
    friend bool operator==(const MessageText&, const MessageText&) = default;
};

/// The text a kind is rendered from in one language, and whose it is.
struct AppliedMessageText {
    NotificationKind kind = NotificationKind::booking_confirmed;
    std::string locale{};
    std::string subject{};
    std::string body{};
    bool overridden = false;  ///< the tenant's own text; false: the built-in one
    friend bool operator==(const AppliedMessageText&, const AppliedMessageText&) = default;
};

/// What `TenantScope::message_texts` answers.
struct MessageTexts {
    /// The tenant's own texts, by kind (declaration order), then locale.
    std::vector<MessageText> overrides{};
    /// Every kind in "en" and "it", in the same order: the tenant's text or the built-in one.
    std::vector<AppliedMessageText> applied{};
};

/// The locales a tenant may set texts for.
inline constexpr std::array<std::string_view, 2> message_locales{"en", "it"};

/// The kind `to_string` spells `name`, or nullopt.
inline std::optional<NotificationKind> notification_kind_named(std::string_view name) {
    for (auto k : notification_kinds) {
        if (to_string(k) == name) return k;
    }
    return std::nullopt;
}

}  // namespace slotwise
