// Routes of a tenant's own notification texts (message_texts.hpp): the
// texts in force for every kind and language, setting one, clearing one.
// All admin: the engine refuses any other key.
#include "internal.hpp"

#include <slotwise/message_texts.hpp>

namespace slotwise::http {
namespace {

NotificationKind kind_of(const Call& c) {
    const auto& name = c.path.at("kind");
    if (auto k = notification_kind_named(name)) return *k;
    throw HttpError{.status = 404, .code = "not_found", .field = "kind", .detail = "no such notification kind"};
}

Json text_json(NotificationKind kind, const std::string& locale, const std::string& subject, const std::string& body) {
    return {{"kind", to_string(kind)}, {"locale", locale}, {"subject", subject}, {"body", body}};
}

}  // namespace

void add_message_routes(RouteTable& t) {
    add_route(t, "GET", "/v1/messages", "Notification texts: the tenant's own and the one in force per kind and locale (admin)",
              [](Call& c) {
        check_query(c, {});
        const auto texts = c.as().message_texts();
        Json applied = Json::array();
        for (const auto& a : texts.applied) {
            auto j = text_json(a.kind, a.locale, a.subject, a.body);
            j["overridden"] = a.overridden;
            Json names = Json::array();
            for (auto p : message_placeholders(a.kind)) names.push_back("{" + std::string(p) + "}");
            j["placeholders"] = names;
            applied.push_back(j);
        }
        Json overrides = Json::array();
        for (const auto& m : texts.overrides) overrides.push_back(text_json(m.kind, m.locale, m.subject, m.body));
        reply(c, 200, {{"messages", applied}, {"overrides", overrides}});
    });
    add_route(t, "PUT", "/v1/messages/{kind}/{locale}", "Set the tenant's subject and body of one kind in one language (admin)",
              [](Call& c) {
        const auto b = body_object(c, {"subject", "body"});
        const MessageText m{.kind = kind_of(c), .locale = c.path.at("locale"), .subject = required_string(b, "subject"),
                            .body = required_string(b, "body")};
        const auto stored = c.as().set_message_text(m);
        reply(c, 200, text_json(stored.kind, stored.locale, stored.subject, stored.body));
    });
    add_route(t, "DELETE", "/v1/messages/{kind}/{locale}", "Clear the tenant's text: the built-in one applies again (admin)",
              [](Call& c) {
        check_query(c, {});
        c.as().clear_message_text(kind_of(c), c.path.at("locale"));
        c.res.status = 204;
    });
}

}  // namespace slotwise::http
