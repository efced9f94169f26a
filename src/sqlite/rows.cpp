// Decoding the adapter's rows into model values, and a day's windows to and
// from the text they are stored as.
#include "../common/stored_text.hpp"
#include "internal.hpp"

#include <charconv>

namespace slotwise::sqlite {

std::string encode_windows(const std::vector<LocalWindow>& windows) { return stored_text::encode_windows(windows); }
std::vector<LocalWindow> decode_windows(std::string_view text) { return stored_text::decode_windows(text, corrupt); }
std::string encode_segments(const std::vector<Segment>& segments) { return stored_text::encode_segments(segments); }
std::vector<Segment> decode_segments(std::string_view text) { return stored_text::decode_segments(text, corrupt); }
std::string encode_ids(const std::vector<ResourceId>& ids) { return stored_text::encode_ids(ids); }
std::vector<ResourceId> decode_ids(std::string_view text) { return stored_text::decode_ids(text, corrupt); }

namespace {
std::optional<int> optional_small(const Statement& s, int col) {
    if (s.is_null(col)) return std::nullopt;
    return s.small(col);
}
}  // namespace

Resource read_resource(const Statement& s) {
    return {.id = s.id<ResourceTag>(0),
            .name = s.text(1),
            .kind = decode_enum<ResourceKind>(s.text(2), detail::kind_names),
            .timezone = s.text(3),
            .capacity = s.small(4),
            .active = s.integer(5) != 0,
            .size = optional_small(s, 6)};
}

Service read_service(const Statement& s) {
    return {.id = s.id<ServiceTag>(0),
            .name = s.text(1),
            .duration = s.minutes(2),
            .step = s.minutes(3),
            .buffer_before = s.minutes(4),
            .buffer_after = s.minutes(5),
            .price = s.integer(6),
            .currency = s.text(7),
            .min_notice = s.minutes(8),
            .horizon = s.minutes(9),
            .hold = s.minutes(10),
            .resource_groups = {},
            .cancel_notice = s.minutes(11),
            .segments = decode_segments(s.text(12)),
            .limits = {.day = optional_small(s, 13), .week = optional_small(s, 14), .month = optional_small(s, 15)},
            .active = s.integer(16) != 0,
            .party = s.integer(17) != 0,
            .requires_confirmation = s.integer(18) != 0,
            .request_expiry = s.minutes(19),
            .offer_time = s.minutes(20)};
}

Block read_block(const Statement& s) {
    return {.id = s.id<BlockTag>(0),
            .resource = s.id<ResourceTag>(1),
            .interval = {s.at(2), s.at(3)},
            .reason = s.text(4)};
}

Booking read_booking(const Statement& s) {
    Booking b;
    b.id = s.id<BookingTag>(0);
    b.service = s.id<ServiceTag>(1);
    b.resource = s.id<ResourceTag>(2);
    b.interval = {s.at(3), s.at(4)};
    b.seats = s.small(5);
    b.buffer_before = s.minutes(6);
    b.buffer_after = s.minutes(7);
    b.customer = {.name = s.text(8), .email = s.text(9), .phone = s.text(10), .locale = s.text(11)};
    b.status = decode_enum<BookingStatus>(s.text(12), detail::status_names);
    b.payment_status = decode_enum<PaymentStatus>(s.text(13), detail::payment_names);
    if (!s.is_null(14)) b.hold_expires_at = s.at(14);
    b.idempotency_key = s.text(15);  // NULL reads as ""
    b.request_fingerprint = s.text(16);
    b.created_by = s.text(17);
    b.created_at = s.at(18);
    b.updated_at = s.at(19);
    b.checkout_id = s.text(20);
    b.payment_reference = s.text(21);
    b.amount_due = s.integer(22);
    b.currency_due = s.text(23);
    b.other_resources = decode_ids(s.text(24));
    b.segments = decode_segments(s.text(25));
    b.series = s.id<SeriesTag>(26);
    b.party_size = s.small(27);
    return b;
}

CheckoutSession read_checkout_session(const Statement& s) {
    CheckoutSession out{.tenant = s.id<TenantTag>(0), .id = s.text(1), .booking = s.id<BookingTag>(2),
                        .created_at = s.at(3)};
    if (!s.is_null(4)) out.close_by = s.at(4);
    if (!s.is_null(5)) out.closed_at = s.at(5);
    return out;
}

UnmatchedPayment read_unmatched_payment(const Statement& s) {
    UnmatchedPayment out{.event_id = s.text(0), .provider = s.text(1), .reference = s.text(2)};
    if (!s.is_null(3)) out.amount = s.integer(3);
    out.currency = s.text(4);
    if (!s.is_null(5)) out.booking = s.id<BookingTag>(5);
    out.reason = s.text(6);
    out.received_at = s.at(7);
    return out;
}

std::vector<Booking> read_bookings(Statement& s) {
    std::vector<Booking> out;
    while (s.step()) out.push_back(read_booking(s));
    return out;
}

}  // namespace slotwise::sqlite
