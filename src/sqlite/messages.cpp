// The adapter's store of a tenant's own notification texts
// (message_texts.hpp). Each function is one call of the Transaction
// interface, run inside the caller's transaction.
#include "internal.hpp"

namespace slotwise::sqlite {
namespace {

constexpr char kUpsertMessageText[] =
    "INSERT INTO message_texts (tenant_id, kind, locale, subject, body) VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (tenant_id, kind, locale) DO UPDATE SET subject = excluded.subject, body = excluded.body";
constexpr char kSelectMessageTexts[] =
    "SELECT kind, locale, subject, body FROM message_texts WHERE tenant_id = ?1 ORDER BY kind, locale";
constexpr char kDeleteMessageText[] = "DELETE FROM message_texts WHERE tenant_id = ?1 AND kind = ?2 AND locale = ?3";

NotificationKind read_kind(const std::string& text) {
    for (auto k : notification_kinds) {
        if (to_string(k) == text) return k;
    }
    corrupt("notification kind \"" + text + "\"");
}

}  // namespace

void put_message_text(Connection& c, const TenantId& t, const MessageText& m) {
    c.statement(kUpsertMessageText).bind(t, std::string(to_string(m.kind)), m.locale, m.subject, m.body).run();
}

std::vector<MessageText> message_texts(Connection& c, const TenantId& t) {
    std::vector<MessageText> out;
    auto s = c.statement(kSelectMessageTexts);
    s.bind(t);
    while (s.step()) {
        out.push_back({.kind = read_kind(s.text(0)), .locale = s.text(1), .subject = s.text(2), .body = s.text(3)});
    }
    return out;
}

bool delete_message_text(Connection& c, const TenantId& t, NotificationKind kind, const std::string& locale) {
    auto s = c.statement(kDeleteMessageText);
    s.bind(t, std::string(to_string(kind)), locale).run();
    return s.changes() > 0;
}

}  // namespace slotwise::sqlite
