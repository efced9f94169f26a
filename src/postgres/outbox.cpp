// The outbox of a PostgreSQL transaction: writing a notification, leasing
// the due ones to a worker, and a booking's notifications.
#include "parts.hpp"
#include "statements.hpp"

#include <algorithm>

namespace slotwise::postgres {

Params notification_params(const Notification& n) {
    return Params()
                                   .add(n.tenant)
                                   .add(n.id)
                                   .text(to_string(n.kind))
                                   .add(n.booking)
                                   .add(n.locale)
                                   .add(n.to)
                                   .add(n.subject)
                                   .add(n.body)
                                   .add(n.ics)
                                   .add(n.created_at)
                                   .add(n.resource)
                                   .add(n.when.begin)
                                   .add(n.when.end)
                                   .add(n.sequence);
}

void write_notification(Connection& c, const Notification& n) { c.run(kInsertNotification, notification_params(n)); }

std::vector<Notification> lease_due_notifications(Connection& c, Instant now, int limit) {
    const auto r = c.run(kSelectDueNotifications, Params().add(now).add(std::max(limit, 0)));
    std::vector<Notification> due;
    for (int i = 0; i < r.rows(); ++i) due.push_back(read_notification(r, i));
    for (auto& n : due) {
        ++n.attempts;
        c.run(kLeaseNotification,
              Params().add(n.tenant).add(n.id).add(n.attempts).add(now + notification_backoff(n.attempts)));
    }
    return due;
}

std::vector<Notification> select_booking_notifications(Connection& c, const TenantId& t, const BookingId& b) {
    const auto r = c.run(kSelectBookingNotifications, Params().add(t).add(b));
    std::vector<Notification> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_notification(r, i));
    return out;
}

}  // namespace slotwise::postgres
