// Series: one call books the same local wall time every n weeks, all or
// nothing (or the free ones, listing the rest), in one write transaction;
// and cancelling an occurrence with the rest of its series. Each occurrence
// is checked by the rules book() applies (booking_rules.hpp). See
// include/slotwise/engine.hpp.
#include <slotwise/engine.hpp>

#include "booking_rules.hpp"
#include "engine_internal.hpp"
#include "validate.hpp"

#include <algorithm>
#include <map>

namespace slotwise {

using namespace booking_rules;
using detail::as_read;
using detail::not_found;

namespace {

// The longest idempotency key a series takes: each occurrence stores the key
// with "#<index>" appended, within book()'s 200 bytes.
constexpr std::size_t max_series_key = 190;

std::string series_fingerprint(const SeriesRequest& r) {
    std::string f = "series;";
    const auto add = [&](std::string_view part) {
        f += std::to_string(part.size());
        f += ':';
        f += part;
    };
    add(r.service.value);
    add(std::to_string(r.first_start.time_since_epoch().count()));
    add(std::to_string(r.every_weeks));
    add(std::to_string(r.count));
    add(r.resource ? r.resource->value : std::string{});
    for (const auto& id : r.resources) add(id.value);
    add(std::to_string(r.seats));
    add(r.partial ? "partial" : "all");
    add(r.customer.name);
    add(r.customer.email);
    add(r.customer.phone);
    add(r.customer.locale);
    return f;
}

// One occurrence's start: the first start's local wall time on a date
// `every_weeks` weeks on, in `zone`. `exists` is false when that wall time
// falls in a spring-forward gap; `start` is then where the gap ends (the
// local → UTC rule), the instant reported as skipped.
struct Occurrence {
    Instant start{};
    bool exists = true;
};

std::vector<Occurrence> occurrences(TimeZone zone, const SeriesRequest& r) {
    const date::local_seconds first = zone->to_local(r.first_start);
    const auto day = date::floor<date::days>(first);
    const auto time_of_day = first - day;
    std::vector<Occurrence> out{{r.first_start, true}};
    for (int k = 1; k < r.count; ++k) {
        const date::local_seconds wall = day + date::days{7 * r.every_weeks * k} + time_of_day;
        const auto info = zone->get_info(wall);
        // Ambiguous (autumn): the first of the two, as everywhere (DESIGN's rule).
        out.push_back({zone->to_sys(wall, date::choose::earliest), info.result != date::local_info::nonexistent});
    }
    return out;
}

// The resource whose zone the series' wall time is read in: the pinned
// first one, else the first the service's first group lists.
ResourceId zone_resource(const Service& svc, const SeriesRequest& r) {
    if (r.resource) return *r.resource;
    if (!r.resources.empty()) return r.resources.front();
    return svc.resource_groups.front().front();
}

std::string occurrence_key(const std::string& key, std::size_t k) { return key + "#" + std::to_string(k); }

}  // namespace

Series TenantScope::book_series(const SeriesRequest& r) {
    if (r.service.empty()) invalid("service", "empty id");
    detail::check_instant(r.first_start, "start");
    if (r.every_weeks < 1 || r.every_weeks > max_series_every_weeks) {
        invalid("every_weeks", "must be between 1 and " + std::to_string(max_series_every_weeks));
    }
    if (r.count < 1 || r.count > max_series_count) {
        invalid("count", "must be between 1 and " + std::to_string(max_series_count));
    }
    detail::check_seats(r.seats);
    detail::check_customer(r.customer);
    detail::check_optional_text(r.idempotency_key, "idempotency_key", max_series_key);
    check_resource_ids(r.resource, r.resources);
    if (!detail::well_formed_id(r.service.value, detail::service_prefix)) not_found("service");
    const auto print = series_fingerprint(r);

    const Instant now = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    auto svc_row = tx->shared_service(principal_.tenant, r.service);
    if (!svc_row) not_found("service");
    // A party is seated at the tables free at its own start; a series would
    // need the choice made afresh each week, which book() does.
    if (svc_row->party) invalid("service", "a party service is booked one party at a time, not as a series");
    auto pins = pinned(*svc_row, r.resource, r.resources);
    const auto resolved = resolve(*tx, principal_.tenant, std::move(svc_row), pins, r.seats);
    const Service& svc = *resolved.service;
    const auto zone_res = tx->resource(principal_.tenant, zone_resource(svc, r));
    if (!zone_res) not_found("resource");
    const auto when = occurrences(locate_zone(zone_res->timezone, "timezone"), r);

    if (!r.idempotency_key.empty()) {
        // A retry: the occurrences the first call booked, under their keys.
        Series again;
        for (std::size_t k = 0; k < when.size(); ++k) {
            auto b = tx->booking_by_idempotency_key(principal_.tenant, principal_.subject,
                                                    occurrence_key(r.idempotency_key, k));
            if (!b) {
                again.skipped.push_back(when[k].start);
                continue;
            }
            if (b->request_fingerprint != print) {
                throw Error(Errc::idempotency_mismatch, "idempotency_key", "already used for another request");
            }
            again.id = b->series;
            again.bookings.push_back(as_read(*b, now));
        }
        if (!again.bookings.empty()) return again;
    }
    refuse_if_deactivated(resolved);

    for (const auto& group : resolved.groups) {
        const bool fits = std::any_of(group.begin(), group.end(), [&](const Resource& res) { return r.seats <= res.capacity; });
        if (!fits) invalid("seats", "more seats than the resource's capacity");
    }
    if (svc.price > 0) require_payments(*tx, engine_, principal_.tenant);

    Series out{.id = {detail::random_id("ser")}};
    std::vector<std::optional<NotificationKind>> dropped;
    for (std::size_t k = 0; k < when.size(); ++k) {
        const Instant start = when[k].start;
        std::vector<ResourceId> chosen;
        if (when[k].exists) {
            // The policy counts this series' earlier occurrences: they are
            // already written in this transaction.
            if (principal_.role == Role::customer) enforce_policy(*tx, principal_, svc, resolved.first(), r.seats, start, now);
            chosen = choose_resources(*tx, principal_.tenant, resolved, start, now, r.seats, nullptr);
        }
        if (chosen.empty()) {
            if (!r.partial) {
                throw Error(Errc::slot_unavailable, "start",
                            "occurrence " + std::to_string(k + 1) + " at " + format_instant(start) + " is not available");
            }
            out.skipped.push_back(start);
            continue;
        }
        Booking draft{.id = {detail::random_id("bkg")}, .service = svc.id, .resource = chosen.front(),
                      .other_resources = {chosen.begin() + 1, chosen.end()},
                      .interval = {start, start + svc.duration}, .seats = r.seats,
                      .buffer_before = svc.buffer_before, .buffer_after = svc.buffer_after, .segments = svc.segments,
                      .customer = r.customer,
                      .idempotency_key = r.idempotency_key.empty() ? std::string{} : occurrence_key(r.idempotency_key, k),
                      .request_fingerprint = print};
        draft.series = out.id;
        auto made = lifecycle::book(std::move(draft), svc, Actor::of(principal_), now);
        dropped.push_back(detail::apply_notification_cap(*tx, principal_, made, now));
        if (made.notification) {
            const auto n = detail::notification_about(confirmation_id(principal_.tenant, made.booking.id),
                                                      principal_.tenant, made.booking, *made.notification, now, 0);
            tx->insert_booking(principal_.tenant, made.booking, &n);
        } else {
            tx->insert_booking(principal_.tenant, made.booking);
        }
        out.bookings.push_back(std::move(made.booking));
    }
    if (out.bookings.empty()) throw Error(Errc::slot_unavailable, "start", "no occurrence of the series is available");
    tx->commit();
    for (std::size_t i = 0; i < out.bookings.size(); ++i) {
        const Booking& b = out.bookings[i];
        detail::report(engine_, [&] {
            return EngineEvent{.kind = EngineEventKind::booking_created, .tenant = principal_.tenant, .booking = b.id,
                               .detail = std::string(to_string(b.status)), .at = now};
        });
        detail::report_dropped(engine_, principal_.tenant, b.id, dropped[i], now);
    }
    return out;
}

std::vector<Booking> TenantScope::cancel_series(const SeriesId& id, Instant from) {
    detail::check_instant(from, "from");
    if (!detail::well_formed_id(id.value, detail::series_prefix)) not_found("series");
    const Instant now = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    BookingFilter f{.created_by = std::nullopt, .now = now, .limit = max_series_count, .series = id};
    // A customer's view: its own bookings only, as everywhere.
    if (principal_.role == Role::customer) f.created_by = principal_.subject;
    if (tx->bookings(principal_.tenant, f).empty()) not_found("series");
    f.from = from;
    std::map<std::string, Service> services;
    std::vector<Booking> out;
    std::vector<std::optional<NotificationKind>> dropped;
    for (const Booking& b : tx->bookings(principal_.tenant, f)) {
        // Cancelled or lapsed ones are over already; anything active goes by
        // the lifecycle, and one refusal (a customer past the notice) refuses
        // the whole call.
        if (!b.active_at(now)) continue;
        auto it = services.find(b.service.value);
        if (it == services.end()) {
            auto svc = tx->service(principal_.tenant, b.service);
            if (!svc) not_found("service");
            it = services.emplace(b.service.value, std::move(*svc)).first;
        }
        auto outcome = lifecycle::apply(b, it->second, Actor::of(principal_), lifecycle::Cancel{}, now);
        dropped.push_back(detail::apply_notification_cap(*tx, principal_, outcome, now));
        detail::store_outcome(*tx, principal_.tenant, outcome, now);
        out.push_back(std::move(outcome.booking));
    }
    tx->commit();
    for (std::size_t i = 0; i < out.size(); ++i) {
        detail::report_change(engine_, principal_.tenant, out[i], "cancel", now);
        detail::report_dropped(engine_, principal_.tenant, out[i].id, dropped[i], now);
    }
    return out;
}

std::vector<Booking> TenantScope::cancel_series_from(const BookingId& id) {
    Booking b;
    {
        auto tx = engine_.store()->read();
        b = detail::visible_booking(*tx, principal_, id);
    }
    if (b.series.empty()) invalid("booking", "belongs to no series: cancel it with cancel()");
    return cancel_series(b.series, b.interval.begin);
}

}  // namespace slotwise
