// The adapter's notification outbox: writing, leasing and marking rows, and
// the confirmations a free booking's row owes (owes_confirmation, schema
// version 2) until the outbox is next used: moved into the outbox table one
// at a time when their booking gets another notification, and all at once by
// the sweep before a worker takes or marks rows. To every caller an owed
// confirmation reads as the outbox row it will become.
#include "internal.hpp"
#include "statements.hpp"

namespace slotwise::sqlite {
namespace {

Notification read_notification(const Statement& s) {
    Notification n;
    n.tenant = s.id<TenantTag>(0);
    n.id = s.text(1);
    const auto kind = s.text(2);
    bool known = false;
    for (auto k : notification_kinds) {
        if (to_string(k) == kind) {
            n.kind = k;
            known = true;
        }
    }
    if (!known) corrupt("notification kind \"" + kind + "\"");
    n.booking = s.id<BookingTag>(3);
    n.locale = s.text(4);
    n.to = s.text(5);
    n.subject = s.text(6);
    n.body = s.text(7);
    n.ics = s.text(8);
    n.created_at = s.at(9);
    n.attempts = s.small(10);
    if (!s.is_null(11)) n.sent_at = s.at(11);
    n.resource = s.id<ResourceTag>(12);
    n.when = {s.at(13), s.at(14)};
    n.sequence = s.small(15);
    return n;
}

// Moves every confirmation owed by bookings made since the last sweep into
// the outbox, so the outbox alone answers for what is due.
void sweep(Connection& c) {
    auto swept = c.query_integer(kSelectSweptRow);
    const auto last = c.query_integer(kSelectLastBookingRow);
    if (last == swept) return;
    // Fewer rows than swept: bookings were deleted or renumbered (VACUUM)
    // behind our back; the owed ids are the truth, so look at every row once.
    if (last < swept) swept = 0;
    c.statement(kSweepConfirmations).bind(swept, last).run();
    c.statement(kSweepClear).bind(swept, last).run();
    c.statement(kSetSweptRow).bind(last).run();
}

}  // namespace

// Exactly what SLOTWISE_OWED_CONFIRMATION (statements.hpp) reads back.
bool owed_by_row(const TenantId& t, const Booking& b, const Notification& n) {
    return n.id == confirmation_id(t, b.id) && n.kind == NotificationKind::booking_confirmed && n.tenant == t &&
           n.booking == b.id && n.locale == b.customer.locale && n.to == b.customer.email &&
           n.resource == b.resource && n.when == b.interval && n.sequence == 0 && n.subject.empty() &&
           n.body.empty() && n.ics.empty() && n.created_at == b.created_at && n.attempts == 0 && !n.sent_at;
}

void write_notification(Connection& c, const Notification& n) {
    c.statement(kInsertNotification)
        .bind(n.tenant, n.id, std::string(to_string(n.kind)), n.booking, n.locale, n.to, n.subject, n.body, n.ics,
              n.created_at, n.resource, n.when.begin, n.when.end, n.sequence)
        .run();
}

void move_confirmation(Connection& c, const TenantId& t, const BookingId& b) {
    auto move = c.statement(kMoveConfirmation);
    move.bind(t, b).run();
    if (move.changes() > 0) c.statement(kClearConfirmation).bind(t, b).run();
}

std::vector<Notification> take_notifications(Connection& c, Instant now, int limit) {
    sweep(c);
    std::vector<Notification> due;
    {
        auto s = c.statement(kSelectDueNotifications);
        s.bind(now, std::max(limit, 0));
        while (s.step()) due.push_back(read_notification(s));
    }
    for (auto& n : due) {
        ++n.attempts;
        c.statement(kLeaseNotification).bind(n.tenant, n.id, n.attempts, now + notification_backoff(n.attempts)).run();
    }
    return due;
}

bool mark_notification_sent(Connection& c, const TenantId& t, const std::string& id, Instant now) {
    sweep(c);
    auto s = c.statement(kMarkNotificationSent);
    s.bind(t, id, now).run();
    return s.changes() > 0;
}

std::vector<Notification> notifications(Connection& c, const TenantId& t, const BookingId& b) {
    std::vector<Notification> out;
    {
        // Still on the row, so written before any outbox row of it.
        auto s = c.statement(kSelectOwedConfirmation);
        s.bind(t, b);
        if (s.step()) out.push_back(read_notification(s));
    }
    auto s = c.statement(kSelectBookingNotifications);
    s.bind(t, b);
    while (s.step()) out.push_back(read_notification(s));
    return out;
}

}  // namespace slotwise::sqlite
