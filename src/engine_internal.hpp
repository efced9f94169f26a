// Helpers shared by the engine's translation units. Not installed.
#pragma once

#include <slotwise/engine.hpp>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slotwise::detail {

/// `prefix` + "_" + 24 hex digits from the kernel's random source.
std::string random_id(std::string_view prefix);
/// True when `id` has exactly the shape random_id(prefix) gives (validate.cpp).
bool well_formed_id(std::string_view id, std::string_view prefix) noexcept;

// A stored booking as the availability core counts it.
inline Booked to_booked(const Booking& b) {
    return {.interval = b.interval, .seats = b.seats, .buffer_before = b.buffer_before, .buffer_after = b.buffer_after};
}

inline Booking as_read(Booking b, Instant now) {
    b.status = b.status_at(now);
    return b;
}

[[noreturn]] inline void not_found(const std::string& what) { throw Error(Errc::not_found, what + " not found"); }


// A booking the principal may see: customers see only their own; anything
// else reads exactly like a missing id.
inline Booking visible_booking(Transaction& tx, const Principal& p, const BookingId& id) {
    // By shape first: an id random_id could not have made never reaches the store.
    if (!well_formed_id(id.value, "bkg")) not_found("booking");
    auto b = tx.booking(p.tenant, id);
    if (!b || (p.role == Role::customer && b->created_by != p.subject)) not_found("booking");
    return *b;
}

/// Notification `id` about `b` as it is now, unrendered.
Notification notification_about(std::string id, const TenantId& t, const Booking& b, NotificationKind kind,
                                Instant now, int sequence);

/// Stores a lifecycle transition in `tx`: the booking and the notification it
/// asks for, so both commit or neither does. When the change frees what the
/// booking held (it stops being active, or moves), the freed seats are
/// offered to the waitlist in the same transaction (`pass_on`); returns the
/// offers made.
std::vector<Booking> store_outcome(Transaction& tx, const TenantId& t, const lifecycle::Outcome& o, Instant now);

/// The id of a booking's first notification of `kind` written with it
/// (a request, an offer): derived from the booking, so no random part.
inline std::string first_notification_id(const TenantId& t, const BookingId& b, NotificationKind kind) {
    return t.value + ":" + b.value + ":" + std::string(to_string(kind));
}

/// Offers what `freed` held (as it was before the change that freed it) to
/// the waiting entries of tenant `t` whose request now fits, in join order,
/// inside `tx` (waitlist.cpp). Returns the offered bookings.
std::vector<Booking> pass_on(Transaction& tx, const TenantId& t, const Booking& freed, Instant now);

/// Lapsed bookings one `take_notifications` passes on at most; the rest wait
/// for the next call (the scan resumes where it stopped).
inline constexpr int lapse_sweep_limit = 100;

/// Passes on, inside `tx`, the seats of up to `limit` bookings that lapsed
/// since the last sweep (waitlist.cpp); returns the offers made, by tenant.
std::vector<std::pair<TenantId, Booking>> sweep_lapses(Transaction& tx, Instant now, int limit);

/// Reports offers made by a committed change (booking_created, "offered").
void report_offers(const Engine& engine, const TenantId& t, const std::vector<Booking>& offers, Instant now);

/// The tenant's cap on notifications one customer's own actions queue per
/// hour (`TenantPolicy::max_notifications_per_customer_hour`): when `p` is a
/// customer who has reached it, takes the notification out of `o` and returns
/// its kind (the change itself goes ahead); otherwise leaves `o` alone.
/// Other roles are not counted.
std::optional<NotificationKind> apply_notification_cap(Transaction& tx, const Principal& p, lifecycle::Outcome& o,
                                                       Instant now);

/// Reports a notification `apply_notification_cap` dropped, after the commit.
void report_dropped(const Engine& engine, const TenantId& t, const BookingId& b,
                    const std::optional<NotificationKind>& dropped, Instant now);

/// Reports the event `make()` builds, building it only when a sink listens.
template <class Make>
void report(const Engine& engine, Make&& make) {
    if (engine.observed()) engine.emit(make());
}

/// Reports a committed transition of `b` by `event` ("cancel: cancelled").
inline void report_change(const Engine& engine, const TenantId& t, const Booking& b, std::string_view event,
                          Instant now) {
    report(engine, [&] {
        return EngineEvent{.kind = EngineEventKind::booking_changed, .tenant = t, .booking = b.id,
                           .detail = std::string(event) + ": " + std::string(to_string(b.status)), .at = now};
    });
}

/// Writes the notification about `b` into the outbox inside `tx`.
void queue_notification(Transaction& tx, const TenantId& t, const Booking& b, NotificationKind kind, Instant now);

/// Renders notifications read in `tx`, reading each tenant, service and
/// resource once.
class Renderer {
public:
    explicit Renderer(Transaction& tx) : tx_(tx) {}
    /// Fills in subject, body and invitation, unless the row already has them.
    void render(Notification& n);

private:
    std::optional<Tenant> tenant(const TenantId& t);
    std::optional<Service> service(const TenantId& t, const ServiceId& id);
    std::optional<Resource> resource(const TenantId& t, const ResourceId& id);
    const std::vector<MessageText>& message_texts(const TenantId& t);

    Transaction& tx_;
    std::map<std::string, std::optional<Tenant>> tenants_;
    std::map<std::string, std::optional<Service>> services_;
    std::map<std::string, std::optional<Resource>> resources_;
    std::map<std::string, std::vector<MessageText>> message_texts_;
};

/// The tenant's text of `kind` for a customer of `locale` (its language's),
/// or null: then the built-in text applies (message_texts.cpp).
const MessageText* text_for(const std::vector<MessageText>& texts, NotificationKind kind, std::string_view locale);

}  // namespace slotwise::detail
