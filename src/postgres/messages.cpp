// The adapter's store of a tenant's own notification texts
// (message_texts.hpp). Each function is one call of the Transaction
// interface, run inside the caller's transaction.
#include "internal.hpp"
#include "statements.hpp"

namespace slotwise::postgres {
namespace {

NotificationKind read_kind(const std::string& text) {
    for (auto k : notification_kinds) {
        if (to_string(k) == text) return k;
    }
    corrupt("notification kind \"" + text + "\"");
}

}  // namespace

void put_message_text(Connection& c, const TenantId& t, const MessageText& m) {
    c.run(kUpsertMessageText, Params().add(t).add(to_string(m.kind)).add(m.locale).add(m.subject).add(m.body));
}

std::vector<MessageText> message_texts(Connection& c, const TenantId& t) {
    const auto r = c.run(kSelectMessageTexts, Params().add(t));
    std::vector<MessageText> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({.kind = read_kind(r.bytes(i, 0)), .locale = r.bytes(i, 1), .subject = r.bytes(i, 2),
                       .body = r.bytes(i, 3)});
    }
    return out;
}

bool delete_message_text(Connection& c, const TenantId& t, NotificationKind kind, const std::string& locale) {
    return c.run(kDeleteMessageText, Params().add(t).add(to_string(kind)).add(locale)).changed() > 0;
}

}  // namespace slotwise::postgres
