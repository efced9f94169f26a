// Decoding the adapter's rows into model values (columns in the order
// statements.hpp selects them), and a day's windows to and from their text.
#include "../common/stored_text.hpp"
#include "internal.hpp"

#include <algorithm>
#include <charconv>

namespace slotwise::postgres {
namespace {

template <class E, std::size_t N>
E decode_enum(const std::string& text, const std::array<std::string_view, N>& names) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) return static_cast<E>(i);
    }
    corrupt("enum value \"" + text + "\"");
}

std::optional<int> optional_small(const Result& r, int row, int col) {
    if (r.is_null(row, col)) return std::nullopt;
    return r.small(row, col);
}

}  // namespace

std::string encode_windows(const std::vector<LocalWindow>& windows) { return stored_text::encode_windows(windows); }
std::vector<LocalWindow> decode_windows(std::string_view text) { return stored_text::decode_windows(text, corrupt); }
std::string encode_segments(const std::vector<Segment>& segments) { return stored_text::encode_segments(segments); }
std::vector<Segment> decode_segments(std::string_view text) { return stored_text::decode_segments(text, corrupt); }
std::string encode_ids(const std::vector<ResourceId>& ids) { return stored_text::encode_ids(ids); }
std::vector<ResourceId> decode_ids(std::string_view text) { return stored_text::decode_ids(text, corrupt); }

Resource read_resource(const Result& r, int i) {
    return {.id = r.id<ResourceTag>(i, 0),
            .name = r.bytes(i, 1),
            .kind = decode_enum<ResourceKind>(r.bytes(i, 2), detail::kind_names),
            .timezone = r.bytes(i, 3),
            .capacity = r.small(i, 4),
            .active = r.boolean(i, 5),
            .size = optional_small(r, i, 6)};
}

Service read_service(const Result& r, int i) {
    return {.id = r.id<ServiceTag>(i, 0),
            .name = r.bytes(i, 1),
            .duration = r.minutes(i, 2),
            .step = r.minutes(i, 3),
            .buffer_before = r.minutes(i, 4),
            .buffer_after = r.minutes(i, 5),
            .price = r.integer(i, 6),
            .currency = r.bytes(i, 7),
            .min_notice = r.minutes(i, 8),
            .horizon = r.minutes(i, 9),
            .hold = r.minutes(i, 10),
            .resource_groups = {},
            .cancel_notice = r.minutes(i, 11),
            .segments = decode_segments(r.bytes(i, 12)),
            .limits = {.day = optional_small(r, i, 13), .week = optional_small(r, i, 14),
                       .month = optional_small(r, i, 15)},
            .active = r.boolean(i, 16),
            .party = r.integer(i, 17) != 0,
            .requires_confirmation = r.integer(i, 18) != 0,
            .request_expiry = r.minutes(i, 19),
            .offer_time = r.minutes(i, 20)};
}

Block read_block(const Result& r, int i) {
    return {.id = r.id<BlockTag>(i, 0),
            .resource = r.id<ResourceTag>(i, 1),
            .interval = {r.at(i, 2), r.at(i, 3)},
            .reason = r.bytes(i, 4)};
}

Booking read_booking(const Result& r, int i) {
    Booking b;
    b.id = r.id<BookingTag>(i, 0);
    b.service = r.id<ServiceTag>(i, 1);
    b.resource = r.id<ResourceTag>(i, 2);
    b.interval = {r.at(i, 3), r.at(i, 4)};
    b.seats = r.small(i, 5);
    b.buffer_before = r.minutes(i, 6);
    b.buffer_after = r.minutes(i, 7);
    b.customer = {.name = r.bytes(i, 8), .email = r.bytes(i, 9), .phone = r.bytes(i, 10), .locale = r.bytes(i, 11)};
    b.status = decode_enum<BookingStatus>(r.bytes(i, 12), detail::status_names);
    b.payment_status = decode_enum<PaymentStatus>(r.bytes(i, 13), detail::payment_names);
    b.hold_expires_at = r.maybe_at(i, 14);
    b.idempotency_key = r.bytes(i, 15);  // NULL reads as ""
    b.request_fingerprint = r.bytes(i, 16);
    b.created_by = r.bytes(i, 17);
    b.created_at = r.at(i, 18);
    b.updated_at = r.at(i, 19);
    b.checkout_id = r.bytes(i, 20);
    b.payment_reference = r.bytes(i, 21);
    b.amount_due = r.integer(i, 22);
    b.currency_due = r.bytes(i, 23);
    b.other_resources = decode_ids(r.bytes(i, 24));
    b.segments = decode_segments(r.bytes(i, 25));
    b.series = r.id<SeriesTag>(i, 26);
    b.party_size = r.small(i, 27);
    return b;
}

std::vector<Booking> read_bookings(const Result& r) {
    std::vector<Booking> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_booking(r, i));
    return out;
}

CheckoutSession read_checkout_session(const Result& r, int i) {
    return {.tenant = r.id<TenantTag>(i, 0), .id = r.bytes(i, 1), .booking = r.id<BookingTag>(i, 2),
            .created_at = r.at(i, 3), .close_by = r.maybe_at(i, 4), .closed_at = r.maybe_at(i, 5)};
}

UnmatchedPayment read_unmatched_payment(const Result& r, int i) {
    UnmatchedPayment out{.event_id = r.bytes(i, 0), .provider = r.bytes(i, 1), .reference = r.bytes(i, 2)};
    if (!r.is_null(i, 3)) out.amount = r.integer(i, 3);
    out.currency = r.bytes(i, 4);
    if (!r.is_null(i, 5)) out.booking = r.id<BookingTag>(i, 5);
    out.reason = r.bytes(i, 6);
    out.received_at = r.at(i, 7);
    return out;
}

Notification read_notification(const Result& r, int i) {
    Notification n;
    n.tenant = r.id<TenantTag>(i, 0);
    n.id = r.bytes(i, 1);
    const auto kind = r.bytes(i, 2);
    bool known = false;
    for (auto k : notification_kinds) {
        if (to_string(k) == kind) {
            n.kind = k;
            known = true;
        }
    }
    if (!known) corrupt("notification kind \"" + kind + "\"");
    n.booking = r.id<BookingTag>(i, 3);
    n.locale = r.bytes(i, 4);
    n.to = r.bytes(i, 5);
    n.subject = r.bytes(i, 6);
    n.body = r.bytes(i, 7);
    n.ics = r.bytes(i, 8);
    n.created_at = r.at(i, 9);
    n.attempts = r.small(i, 10);
    n.sent_at = r.maybe_at(i, 11);
    n.resource = r.id<ResourceTag>(i, 12);
    n.when = {r.at(i, 13), r.at(i, 14)};
    n.sequence = r.small(i, 15);
    return n;
}

}  // namespace slotwise::postgres
