// slotwise/notify.hpp — notifications through an outbox.
//
// A notification (booking confirmed, cancelled, rescheduled, refund due) is
// written in the same transaction as the change it reports, so it exists if
// and only if the change committed: never before the fact, never lost. Which
// change queues which kind is the lifecycle's table (lifecycle.hpp).
// A worker in the host app drains the outbox — `Engine::take_notifications`
// leases due rows (bumping their attempt count and pushing their next attempt
// out by a backoff, so two workers do not send the same row at once), sends
// them, and calls `mark_notification_sent`. Delivery is at least once: a row
// whose sender died is offered again once its lease runs out;
// `Engine::deliver_notifications` does all three with a `Notifier` and reports
// which sends failed and why. Messages are rendered (i18n.hpp, ics.hpp) when
// handed out, in the customer's language.
//
// Thread-safety: values; the `Notifier` you pass is called from the thread
// that calls `Engine::deliver_notifications`.
#pragma once

#include <slotwise/model.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace slotwise {

/// The kinds of notification the engine writes to its outbox.
enum class NotificationKind {
    booking_confirmed,
    booking_cancelled,
    booking_rescheduled,
    refund_due,
    booking_requested,  ///< a request awaits the business's approval
    booking_rejected,   ///< the business turned a request down
    waitlist_offer,     ///< a seat freed for a waiting customer, held until the offer expires
};

/// Every kind, in declaration order (for decoders).
inline constexpr std::array<NotificationKind, 7> notification_kinds{
    NotificationKind::booking_confirmed, NotificationKind::booking_cancelled, NotificationKind::booking_rescheduled,
    NotificationKind::refund_due,        NotificationKind::booking_requested, NotificationKind::booking_rejected,
    NotificationKind::waitlist_offer};

/// The kind's name as the APIs spell it.
constexpr std::string_view to_string(NotificationKind k) noexcept {
    constexpr std::array<std::string_view, 7> names{"booking_confirmed", "booking_cancelled", "booking_rescheduled",
                                                    "refund_due",        "booking_requested", "booking_rejected",
                                                    "waitlist_offer"};
    return names[static_cast<std::size_t>(k)];
}

/// True for the kinds that carry a calendar invitation (.ics): the ones about
/// an appointment that is, or was, on the customer's calendar. A request, a
/// rejection and an offer are not appointments yet.
constexpr bool carries_invitation(NotificationKind k) noexcept {
    return k == NotificationKind::booking_confirmed || k == NotificationKind::booking_cancelled ||
           k == NotificationKind::booking_rescheduled;
}

/// One message in the outbox. The outbox keeps what the message is about (the
/// booking's resource and time when it was written); the engine renders
/// subject, body and invitation in the customer's language when it hands the
/// message out, with the business, service and resource names of that moment.
/// A refund notice is rendered when written: it quotes the amount paid.
struct Notification {
    std::string id{};             ///< opaque
    TenantId tenant{};
    NotificationKind kind = NotificationKind::booking_confirmed;
    BookingId booking{};
    std::string locale{};         ///< the customer's locale
    std::string to{};             ///< the customer's email (may be empty: then only the host can reach them)
    ResourceId resource{};        ///< the booking's resource when the notification was written
    Interval when{};              ///< the booking's time when the notification was written
    int sequence = 0;             ///< the invitation's SEQUENCE (0 for a booking's first)
    std::string subject{};        ///< empty in the store until rendered
    std::string body{};
    std::string ics{};            ///< RFC 5545 invitation; empty unless `carries_invitation(kind)`
    Instant created_at{};
    int attempts = 0;             ///< how many times it was taken
    std::optional<Instant> sent_at{};
    friend bool operator==(const Notification&, const Notification&) = default;
};

/// Sends one notification (email, SMS, push: the host's choice). Throw to
/// report a failure; the row is retried after a backoff.
class Notifier {
public:
    virtual ~Notifier() = default;
    /// Delivers `n`; throws on failure.
    virtual void send(const Notification& n) = 0;
};

/// How long a taken notification waits before it is offered again, by attempt
/// (1 → 5 minutes, doubling, at most 6 hours). The first step is also the
/// lease: a worker has that long to send a batch and mark it sent before
/// another worker may take the same rows.
inline std::chrono::seconds notification_backoff(int attempts) {
    using namespace std::chrono_literals;
    std::chrono::seconds wait = 5min;
    for (int i = 1; i < attempts && wait < 6h; ++i) wait *= 2;
    return std::min<std::chrono::seconds>(wait, 6h);
}

/// The engine's id for the confirmation written with a free booking: the booking's, so no random part.
inline std::string confirmation_id(const TenantId& t, const BookingId& b) { return t.value + ":" + b.value + ":confirmed"; }

}  // namespace slotwise
