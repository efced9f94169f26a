// Helpers shared by the engine's translation units. Not installed.
#pragma once

#include <slotwise/engine.hpp>

#include <array>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <sys/random.h>

namespace slotwise::detail {

// getrandom per id rather than a seeded engine: a generator seeded before a
// fork would hand parent and child the same ids.
inline std::string random_id(std::string_view prefix) {
    std::array<unsigned char, 12> bytes{};
    if (getrandom(bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
        std::random_device rd;
        for (auto& b : bytes) b = static_cast<unsigned char>(rd());
    }
    std::string out(prefix);
    out += '_';
    static constexpr char hex[] = "0123456789abcdef";
    for (auto b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return out;
}

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
    auto b = tx.booking(p.tenant, id);
    if (!b || (p.role == Role::customer && b->created_by != p.subject)) not_found("booking");
    return *b;
}

/// A notification about `b` as it is now, unrendered.
Notification notification_about(const TenantId& t, const Booking& b, NotificationKind kind, Instant now,
                                int sequence);

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

    Transaction& tx_;
    std::map<std::string, std::optional<Tenant>> tenants_;
    std::map<std::string, std::optional<Service>> services_;
    std::map<std::string, std::optional<Resource>> resources_;
};

}  // namespace slotwise::detail
