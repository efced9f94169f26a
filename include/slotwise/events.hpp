// slotwise/events.hpp — structured events for the host's logs and metrics.
//
// The engine reports what happened — a booking made or changed, a webhook
// applied or ignored (and why), a notification that failed, a storage retry —
// as small values to one callback the host installs (`EngineOptions::events`).
// Off by default: with no sink nothing is built. The sink is called on the
// thread that made the call, after the change committed (a storage retry: while
// the store retries), and never while a write lock is held by the engine, so it
// may log or count freely; it must not throw (what it throws is swallowed) and
// must be safe to call from many threads at once.
#pragma once

#include <slotwise/model.hpp>

#include <array>
#include <functional>
#include <string>
#include <string_view>

namespace slotwise {

/// What an `EngineEvent` reports.
enum class EngineEventKind {
    booking_created,      ///< `book()` committed a new booking
    booking_changed,      ///< a lifecycle transition committed (cancel, reschedule, payment, refund …)
    webhook_applied,      ///< a verified provider event changed a booking
    webhook_ignored,      ///< a verified provider event was recorded but changed nothing; `detail` says why
    notification_failed,  ///< the host's notifier threw; `detail` is what it said
    storage_retry,        ///< the store retried a transaction after contention; `detail` says which
    payment_unmatched,    ///< a verified payment could not be applied and was recorded for refund; `detail` says why
    payment_disputed,     ///< the provider reports a dispute (chargeback) of a booking's payment
    refund_failed,        ///< a refund failed or was cancelled: the booking is `refund_due` again
    notification_dropped, ///< a customer's change committed without its notification: over the
                          ///< tenant's `max_notifications_per_customer_hour`; `detail` names the kind
    customer_erased,      ///< an admin erased a customer's personal data; `detail` is how many bookings
};

/// The kind's name, as logs spell it.
constexpr std::string_view to_string(EngineEventKind k) noexcept {
    constexpr std::array<std::string_view, 11> names{
        "booking_created",   "booking_changed",  "webhook_applied", "webhook_ignored",      "notification_failed",
        "storage_retry",     "payment_unmatched", "payment_disputed", "refund_failed",      "notification_dropped",
        "customer_erased"};
    return names[static_cast<std::size_t>(k)];
}

/// One structured event. Fields that do not apply are empty.
struct EngineEvent {
    EngineEventKind kind = EngineEventKind::booking_created;
    TenantId tenant{};
    BookingId booking{};
    std::string detail{};  ///< e.g. the new status, the reason an event was ignored, the notifier's message
    Instant at{};
};

/// Receives events; see the thread rules above.
using EventSink = std::function<void(const EngineEvent&)>;

}  // namespace slotwise
