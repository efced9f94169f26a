// Conformance case of a tenant's own notification texts (store.hpp,
// message_texts.hpp): one text per (tenant, kind, locale), replaced by a
// second put, read back byte for byte, removed once, never seen by another
// tenant. Included by store_conformance.hpp, whose fixture it uses.
#pragma once

#include <algorithm>

namespace slotwise::conformance::detail {

inline std::vector<MessageText> sorted_texts(std::vector<MessageText> v) {
    std::sort(v.begin(), v.end(), [](const MessageText& x, const MessageText& y) {
        return std::pair(static_cast<int>(x.kind), x.locale) < std::pair(static_cast<int>(y.kind), y.locale);
    });
    return v;
}

inline void message_texts_are_kept_per_tenant_kind_and_locale(const StoreFactory& make) {
    Fixture f(make);
    CHECK(f.read([&](Transaction& tx) { return tx.message_texts(f.a); }).empty());
    // Bytes a careless adapter would mangle: NUL, a quote, a brace, multi-byte UTF-8, line breaks.
    const MessageText it_confirmed{.kind = NotificationKind::booking_confirmed, .locale = "it",
                                   .subject = std::string("Confermato: {service} \xE2\x80\x94 'ok'") + '\0' + "!",
                                   .body = "Ciao {customer},\n\n\tà presto.\n{business}\n"};
    const MessageText en_confirmed{.kind = NotificationKind::booking_confirmed, .locale = "en",
                                   .subject = "Confirmed: {service}", .body = "Hi {customer}"};
    const MessageText en_refund{.kind = NotificationKind::refund_due, .locale = "en", .subject = "Refund {amount}",
                                .body = "We owe you {amount}."};
    const MessageText b_only{.kind = NotificationKind::booking_confirmed, .locale = "it", .subject = "B's",
                             .body = "only B"};
    f.write([&](Transaction& tx) {
        tx.put_message_text(f.a, it_confirmed);
        tx.put_message_text(f.a, en_confirmed);
        tx.put_message_text(f.a, en_refund);
        tx.put_message_text(f.b, b_only);
    });
    CHECK(sorted_texts(f.read([&](Transaction& tx) { return tx.message_texts(f.a); })) ==
          std::vector<MessageText>{en_confirmed, it_confirmed, en_refund});
    CHECK(f.read([&](Transaction& tx) { return tx.message_texts(f.b); }) == std::vector<MessageText>{b_only});

    // A second put of the same kind and locale replaces the first, and only it.
    MessageText replaced = en_confirmed;
    replaced.subject = "Booked: {service}";
    replaced.body = "See you {date}";
    f.write([&](Transaction& tx) { tx.put_message_text(f.a, replaced); });
    CHECK(sorted_texts(f.read([&](Transaction& tx) { return tx.message_texts(f.a); })) ==
          std::vector<MessageText>{replaced, it_confirmed, en_refund});

    // Deleting is per tenant: A's delete of B's key removes nothing of B's.
    f.write([&](Transaction& tx) {
        CHECK(tx.delete_message_text(f.a, NotificationKind::booking_confirmed, "it"));
        CHECK_FALSE(tx.delete_message_text(f.a, NotificationKind::booking_confirmed, "it"));
        CHECK_FALSE(tx.delete_message_text(f.a, NotificationKind::booking_cancelled, "en"));
    });
    CHECK(sorted_texts(f.read([&](Transaction& tx) { return tx.message_texts(f.a); })) ==
          std::vector<MessageText>{replaced, en_refund});
    CHECK(f.read([&](Transaction& tx) { return tx.message_texts(f.b); }) == std::vector<MessageText>{b_only});

    // A rolled-back put leaves nothing behind.
    {
        auto tx = f.store->write();
        tx->put_message_text(f.b, en_refund);
    }
    CHECK(f.read([&](Transaction& tx) { return tx.message_texts(f.b); }) == std::vector<MessageText>{b_only});
}

}  // namespace slotwise::conformance::detail
