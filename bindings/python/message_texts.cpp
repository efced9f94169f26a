// A tenant's own notification texts (message_texts.hpp) on TenantScope:
// set_message_text, message_texts, clear_message_text. Texts are dicts.
#include "binding.hpp"

#include <slotwise/message_texts.hpp>

namespace slotwise::python {
namespace {

NotificationKind to_kind(py::handle h) {
    const auto name = to_text(h, "kind");
    if (auto k = notification_kind_named(name)) return *k;
    invalid("kind", "no such notification kind: \"" + name + "\"");
}

py::dict text_dict(NotificationKind kind, const std::string& locale, const std::string& subject,
                   const std::string& body) {
    py::dict d;
    d["kind"] = std::string(to_string(kind));
    d["locale"] = locale;
    d["subject"] = subject;
    d["body"] = body;
    return d;
}

}  // namespace

void bind_message_texts(py::module_& m) {
    auto scope = bound_class<TenantScope>(m, "TenantScope");
    scope.def(
        "set_message_text",
        [](TenantScope& s, py::handle kind, py::handle locale, py::handle subject, py::handle body) {
            const MessageText t{.kind = to_kind(kind), .locale = to_text(locale, "locale"),
                                .subject = to_text(subject, "subject"), .body = to_text(body, "body")};
            const auto stored = nogil([&] { return s.set_message_text(t); });
            return text_dict(stored.kind, stored.locale, stored.subject, stored.body);
        },
        py::arg("kind"), py::arg("locale"), py::arg("subject"), py::arg("body"),
        R"(set_message_text($self, kind, locale, subject, body)
--

Sets this tenant's subject and body of one notification kind (e.g.
"booking_confirmed") in one language, "en" or "it" (admin), replacing its
earlier text. Placeholders such as {customer}, {service}, {date}, {start}
are filled in when a notification is handed out ({amount} only in
"refund_due", {offer_expires} only in "waitlist_offer"). Raises
ValidationError naming "kind", "locale", "subject" or "body" for an unknown
placeholder, an unbalanced brace, a subject of more than one line or over
200 bytes, a body over 4,000 bytes. Returns the text as a dict.)");
    scope.def(
        "message_texts",
        [](TenantScope& s) {
            const auto texts = nogil([&] { return s.message_texts(); });
            py::list overrides;
            for (const auto& t : texts.overrides) overrides.append(text_dict(t.kind, t.locale, t.subject, t.body));
            py::list applied;
            for (const auto& a : texts.applied) {
                auto d = text_dict(a.kind, a.locale, a.subject, a.body);
                d["overridden"] = a.overridden;
                py::list names;
                for (auto p : message_placeholders(a.kind)) names.append("{" + std::string(p) + "}");
                d["placeholders"] = names;
                applied.append(d);
            }
            py::dict out;
            out["overrides"] = overrides;
            out["applied"] = applied;
            return out;
        },
        R"(message_texts($self)
--

This tenant's notification texts (admin): a dict with "overrides", the
tenant's own texts ({"kind", "locale", "subject", "body"}), and "applied",
every kind in "en" and "it" with the text in force, "overridden" (the
tenant's own or the built-in one) and the "placeholders" it may use.)");
    scope.def(
        "clear_message_text",
        [](TenantScope& s, py::handle kind, py::handle locale) {
            const auto k = to_kind(kind);
            const auto l = to_text(locale, "locale");
            nogil([&] { s.clear_message_text(k, l); });
        },
        py::arg("kind"), py::arg("locale"),
        R"(clear_message_text($self, kind, locale)
--

Removes this tenant's text of one kind in one language (admin): the
built-in text applies again. Raises NotFound when the tenant has none.)");
}

}  // namespace slotwise::python
