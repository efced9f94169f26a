// The bookings of a PostgreSQL transaction: a booking's parameters (one list
// for inserting and updating it), the booking_resources rows the exclusion
// constraint sees, a customer's holdings and the filtered listing.
#include "parts.hpp"
#include "statements.hpp"

#include <algorithm>

namespace slotwise::postgres {

Params booking_params(const TenantId& t, const Booking& b, BookingWrite write) {
    const bool insert = write == BookingWrite::insert;
    Params p;
    p.add(t).add(b.id).add(b.service).add(b.resource).add(b.interval.begin).add(b.interval.end).add(b.seats);
    p.add(b.buffer_before).add(b.buffer_after);
    p.add(b.customer.name).add(b.customer.email).add(b.customer.phone).add(b.customer.locale);
    p.text(to_string(b.status)).text(to_string(b.payment_status)).add(b.hold_expires_at);
    if (insert) {
        p.add(b.idempotency_key.empty() ? std::nullopt : std::optional<std::string>(b.idempotency_key));
        p.add(b.request_fingerprint).add(b.created_by).add(b.created_at);
    }
    p.add(b.updated_at).add(b.checkout_id).add(b.payment_reference);
    if (insert) p.add(b.amount_due).add(b.currency_due);
    p.add(encode_ids(b.other_resources)).text(encode_segments(b.segments));
    // The series and the party size never change after the insert.
    if (insert) p.add(b.series.value).add(b.party_size);
    return p;
}

namespace {

std::vector<PreviousHold> read_previous_holds(const Result& was) {
    std::vector<PreviousHold> previous;
    for (int i = 0; i < was.rows(); ++i) {
        previous.push_back({.part = was.integer(i, 0), .resource = was.bytes(i, 1),
                            .occupied = {was.at(i, 2), was.at(i, 3)}, .exclusive = was.boolean(i, 4),
                            .active = was.boolean(i, 5)});
    }
    return previous;
}

}  // namespace

std::vector<PreviousHold> select_previous_holds(Connection& c, const TenantId& t, const BookingId& b) {
    return read_previous_holds(c.run(kSelectOccupancyRows, Params().add(t).add(b)));
}

std::vector<OccupancyRow> occupancy_rows(const TenantId& t, const Booking& b, const std::vector<PreviousHold>& previous,
                                         const CheckedResources& checked_resources) {
    std::vector<OccupancyRow> rows;
    const auto holds = b.holds();
    const auto status = to_string(b.status);
    bool all_active = true;
    for (const auto& p : previous) all_active = all_active && p.active;
    for (std::size_t i = 0; i < holds.size(); ++i) {
        const auto& h = holds[i];
        const auto occupied = h.occupied();
        const auto found = checked_resources.find(resource_key(t, h.resource));
        const auto* checked = found == checked_resources.end() ? nullptr : &found->second;
        const auto was = std::find_if(previous.begin(), previous.end(), [&](const PreviousHold& p) {
            return p.part == static_cast<std::int64_t>(i);
        });
        // Unchecked, a row stays exclusive only where the booking stays
        // (a payment confirming it, say), and a hold found lapsed is
        // never switched back on (a refund of it, say).
        const bool kept = was != previous.end() && was->exclusive && was->resource == h.resource.value &&
                          was->occupied == occupied;
        // $13: kInsertCheckedOccupancy's says the capacity,
        // kInsertOccupancy's whether to look it up.
        const bool known = checked && checked->exclusive && checked->tenant == t.value &&
                           checked->resource == h.resource.value;
        const std::int64_t check = known ? (*checked->exclusive ? 1 : 2) : checked != nullptr ? 1 : 0;
        Params p;
        p.add(t).add(b.id).add(static_cast<std::int64_t>(i)).add(h.resource).add(occupied.begin).add(
            occupied.end).add(h.interval.begin).add(h.interval.end).add(h.buffer_before).add(h.buffer_after);
        p.text(status).add(b.hold_expires_at).add(check);
        p.add(checked ? std::optional<Instant>(checked->at) : std::nullopt);
        p.add(kept ? 1 : 0);
        if (previous.empty()) {
            p.null(Params::kInt8);
        } else {
            p.add((was != previous.end() ? was->active : all_active) ? 1 : 0);
        }
        p.add(b.seats);  // every hold of a booking holds its seats
        rows.push_back({known ? kInsertCheckedOccupancy : kInsertOccupancy, std::move(p)});
    }
    return rows;
}

void write_occupancy(Connection& c, const TenantId& t, const Booking& b, const std::vector<PreviousHold>& previous,
                     const CheckedResources& checked) {
    const auto rows = occupancy_rows(t, b, previous, checked);
    std::vector<Connection::Step> steps;
    for (const auto& row : rows) steps.push_back({row.sql, &row.params});
    c.run_all(steps);
}

void write_booking(Connection& c, const TenantId& t, const Booking& b, const CheckedResources& checked,
                   const Notification* confirmation) {
    // Nothing reads these results: they travel with the next round trip,
    // book()'s COMMIT.
    auto booking = booking_params(t, b, BookingWrite::insert);
    auto rows = occupancy_rows(t, b, {}, checked);
    // One statement shares one tenant ($1): a confirmation of another
    // tenant's (a caller's mistake) keeps its own, as it always did.
    if (rows.size() == 1 && confirmation && confirmation->tenant == t) {
        const char* joined = rows[0].sql == kInsertCheckedOccupancy ? kInsertBookingWithCheckedRows
                                                                     : kInsertBookingWithRows;
        booking.append(rows[0].params, 1).append(notification_params(*confirmation).add(b.created_by), 1);
        c.write_with_next(joined, std::move(booking));
        return;
    }
    c.write_with_next(kInsertBooking, std::move(booking));
    for (auto& row : rows) c.write_with_next(row.sql, std::move(row.params));
    if (confirmation) c.write_with_next(kInsertBookingNotification, notification_params(*confirmation).add(b.created_by));
}

bool rewrite_booking(Connection& c, const TenantId& t, const Booking& b, const CheckedResources& checked) {
    const auto booking = booking_params(t, b, BookingWrite::update);
    const auto key = Params().add(t).add(b.id);
    const auto first = c.run_all({{kUpdateBooking, &booking}, {kSelectOccupancyRows, &key}});
    if (first[0].changed() == 0) return false;
    const auto rows = occupancy_rows(t, b, read_previous_holds(first[1]), checked);
    std::vector<Connection::Step> steps{{kDeleteOccupancy, &key}};
    for (const auto& row : rows) steps.push_back({row.sql, &row.params});
    c.run_all(steps);
    return true;
}

CustomerHoldings count_customer_holdings(Connection& c, const TenantId& t, const std::string& created_by,
                                         Instant now, int cap) {
    const auto count = [&](std::optional<Instant> lowest_start) {
        auto p = Params().add(t).add(created_by).add(now).add(std::max(cap, 0));
        if (lowest_start) {
            p.add(*lowest_start);
        } else {
            p.null(Params::kInt8);
        }
        return c.run(kCountPendingByCreator, p).small(0, 0);
    };
    const int pending = count(std::nullopt);
    const int pending_future = count(now);
    const int confirmed_future =
        c.run(kCountConfirmedByCreator, Params().add(t).add(created_by).add(now).add(std::max(cap, 0))).small(0, 0);
    return CustomerHoldings{.pending = pending, .active_future = std::min(cap, pending_future + confirmed_future)};
}

std::vector<Booking> select_bookings(Connection& c, const TenantId& t, const BookingFilter& f) {
    std::optional<Instant> after_start;
    if (f.after) {
        const auto s = c.run(kSelectBookingStart, Params().add(t).add(*f.after));
        // A cursor that names no booking of this tenant has nothing after it.
        if (s.rows() == 0) return {};
        after_start = s.at(0, 0);
    }
    // The cursor implies start >= its start: a range scan from there.
    std::optional<Instant> lowest = f.from;
    if (after_start && (!lowest || *after_start > *lowest)) lowest = after_start;
    Params p;
    p.add(t).add(lowest).add(f.to).add(after_start);
    if (f.after) {
        p.add(f.after->value);
    } else {
        p.null(Params::kBytea);
    }
    p.add(f.resource).add(f.created_by);
    if (f.status) {
        p.text(to_string(*f.status));
    } else {
        p.null(Params::kText);
    }
    p.add(f.now).add(std::max(f.limit, 0));
    if (f.payment_status) {
        p.text(to_string(*f.payment_status));
    } else {
        p.null(Params::kText);
    }
    if (f.series) {
        p.add(f.series->value);
    } else {
        p.null(Params::kBytea);
    }
    return read_bookings(c.run(kSelectBookings, p));
}

std::vector<Booked> select_occupancy(Connection& c, const TenantId& t, const ResourceId& r, Interval range,
                                     Instant now) {
    return read_occupancy(c.run(kSelectOccupancy, Params().add(t).add(r).add(range.begin).add(range.end).add(now)));
}

namespace {

// A hold's columns, from the `first`th on.
Booked booked_at(const Result& rows, int i, int first = 0) {
    return {.interval = {rows.at(i, first), rows.at(i, first + 1)}, .seats = rows.small(i, first + 2),
            .buffer_before = rows.minutes(i, first + 3), .buffer_after = rows.minutes(i, first + 4)};
}

}  // namespace

std::vector<Booked> read_occupancy(const Result& rows) {
    std::vector<Booked> out;
    out.reserve(static_cast<std::size_t>(rows.rows()));
    for (int i = 0; i < rows.rows(); ++i) out.push_back(booked_at(rows, i));
    return out;
}

std::vector<Booked> read_writer_occupancy(const Result& rows, bool& lapsed, std::optional<std::int64_t>& version) {
    std::vector<Booked> out;
    out.reserve(static_cast<std::size_t>(rows.rows()));
    version.reset();
    for (int i = 0; i < rows.rows(); ++i) {
        if (rows.is_null(i, 1)) {  // the tenant's row
            version = rows.integer(i, 0);
            continue;
        }
        if (rows.boolean(i, 6)) out.push_back(booked_at(rows, i, 1));
        lapsed = lapsed || rows.boolean(i, 7);
    }
    return out;
}

std::vector<std::vector<Booked>> select_occupancies(Connection& c, const TenantId& t,
                                                    const std::vector<OccupancyQuery>& asks, Instant now) {
    std::vector<std::vector<Booked>> out(asks.size());
    if (asks.empty()) return out;
    std::vector<std::string> resources;
    std::vector<std::int64_t> begins;
    std::vector<std::int64_t> ends;
    for (const auto& a : asks) {
        resources.push_back(a.resource.value);
        begins.push_back(seconds(a.range.begin));
        ends.push_back(seconds(a.range.end));
    }
    const auto rows = c.run(kSelectOccupancies, Params()
                                                    .add(t)
                                                    .byte_arrays(resources)
                                                    .integer_array(begins)
                                                    .integer_array(ends)
                                                    .add(now));
    for (int i = 0; i < rows.rows(); ++i) {
        const auto at = rows.integer(i, 0);
        if (at < 1 || at > static_cast<std::int64_t>(asks.size())) corrupt("occupancy entry " + std::to_string(at));
        out[static_cast<std::size_t>(at - 1)].push_back(
            {.interval = {rows.timestamp(i, 1), rows.timestamp(i, 2)}, .seats = rows.small(i, 3),
             .buffer_before = rows.minutes(i, 4), .buffer_after = rows.minutes(i, 5)});
    }
    return out;
}

}  // namespace slotwise::postgres
