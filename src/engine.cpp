// The engine's rules over any Store. See include/slotwise/engine.hpp.
#include <slotwise/combine.hpp>
#include <slotwise/engine.hpp>

#include "engine_internal.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <random>

#include <unistd.h>
#include <sys/random.h>

namespace slotwise {

namespace detail {
namespace {

// Kernel randomness, read a few hundred bytes at a time: one getrandom call
// per id was a tenth of book()'s own time. The buffer belongs to one process:
// a forked child (by fork(), vfork, clone or _Fork alike) sees another pid
// and refills, so parent and child never hand out the same bytes.
struct RandomBytes {
    std::array<unsigned char, 384> bytes{};
    std::size_t used = bytes.size();
    pid_t owner = 0;

    void refill() {
        std::size_t got = 0;
        while (got < bytes.size()) {
            const auto n = getrandom(bytes.data() + got, bytes.size() - got, 0);
            if (n > 0) {
                got += static_cast<std::size_t>(n);
            } else if (n < 0 && errno != EINTR) {
                break;
            }
        }
        if (got < bytes.size()) {  // no getrandom (old kernel, seccomp)
            std::random_device rd;
            for (; got < bytes.size(); ++got) bytes[got] = static_cast<unsigned char>(rd());
        }
        used = 0;
    }
};

}  // namespace

std::string random_id(std::string_view prefix) {
    thread_local RandomBytes pool;
    constexpr std::size_t n = 12;
    const pid_t pid = getpid();  // a system call, but a cheap one next to a booking
    if (pool.used + n > pool.bytes.size() || pool.owner != pid) {
        pool.refill();
        pool.owner = pid;
    }
    std::string out(prefix);
    out += '_';
    static constexpr char hex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned char b = pool.bytes[pool.used + i];
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    pool.used += n;
    return out;
}

}  // namespace detail

using detail::as_read;
using detail::not_found;
using detail::random_id;
using detail::queue_notification;
using detail::visible_booking;

namespace {

using namespace std::chrono_literals;

constexpr std::size_t max_name = 200;

// Well-formed UTF-8: no stray continuation bytes, no overlong forms, no
// surrogates, nothing past U+10FFFF.
bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (std::size_t k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        const std::uint32_t lowest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < lowest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

// Text ends up in messages and invitations: UTF-8 without control characters.
void check_optional_text(const std::string& value, const std::string& field, std::size_t max) {
    if (value.size() > max) invalid(field, "longer than " + std::to_string(max) + " bytes");
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) invalid(field, "contains a control character");
    }
    if (!valid_utf8(value)) invalid(field, "is not valid UTF-8");
}

// Instants from callers stay within the years parse_instant accepts, so that
// no arithmetic on them can overflow.
void check_instant(Instant t, const std::string& field) {
    // Compared as instants: converting an arbitrary one to a date could overflow.
    const Instant lowest{date::sys_days{date::year{min_instant_year} / 1 / 1}};
    const Instant beyond{date::sys_days{date::year{max_instant_year + 1} / 1 / 1}};
    if (t < lowest || t >= beyond) {
        invalid(field, "must be between the years " + std::to_string(min_instant_year) + " and " +
                           std::to_string(max_instant_year));
    }
}

void check_name(const std::string& value, const std::string& field) {
    if (value.empty()) invalid(field, "must not be empty");
    check_optional_text(value, field, max_name);
}

void check_minutes(Minutes m, const std::string& field, Minutes lowest) {
    if (m < lowest || m > max_minutes) {
        invalid(field, "must be between " + std::to_string(lowest.count()) + " and " +
                           std::to_string(max_minutes.count()) + " minutes");
    }
}

void check_customer(const Customer& c) {
    check_name(c.name, "customer.name");
    check_optional_text(c.email, "customer.email", 254);
    if (!c.email.empty()) {
        const auto at = c.email.find('@');
        if (at == std::string::npos || at == 0 || at + 1 == c.email.size() ||
            c.email.find(' ') != std::string::npos || c.email.find('@', at + 1) != std::string::npos) {
            invalid("customer.email", "not an email address");
        }
    }
    check_optional_text(c.phone, "customer.phone", 40);
    if (c.locale.empty() || c.locale.size() > 35 ||
        !std::all_of(c.locale.begin(), c.locale.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        })) {
        invalid("customer.locale", "expected a language tag such as \"en\" or \"it\"");
    }
}

void check_resource(const NewResource& r) {
    check_name(r.name, "name");
    (void)locate_zone(r.timezone, "timezone");
    if (r.capacity < 1 || r.capacity > max_seats) {
        invalid("capacity", "must be between 1 and " + std::to_string(max_seats));
    }
}

void check_service(Service& s) {
    check_name(s.name, "name");
    if (s.step == Minutes{0}) s.step = s.duration;
    check_minutes(s.duration, "duration", 1min);
    check_minutes(s.step, "step", 1min);
    check_minutes(s.buffer_before, "buffer_before", 0min);
    check_minutes(s.buffer_after, "buffer_after", 0min);
    check_minutes(s.min_notice, "min_notice", 0min);
    check_minutes(s.horizon, "horizon", 0min);
    check_minutes(s.hold, "hold", 1min);
    if (s.price < 0 || s.price > 100'000'000'000LL) invalid("price", "must be between 0 and 100000000000 minor units");
    const bool currency_ok = s.currency.size() == 3 &&
        std::all_of(s.currency.begin(), s.currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if ((s.price > 0 || !s.currency.empty()) && !currency_ok) {
        invalid("currency", "expected an ISO 4217 code such as \"EUR\"");
    }
    if (s.resources.empty()) invalid("resources", "at least one resource must perform the service");
    for (std::size_t i = 0; i < s.resources.size(); ++i) {
        const auto field = "resources[" + std::to_string(i) + "]";
        if (s.resources[i].empty()) invalid(field, "empty id");
        for (std::size_t j = 0; j < i; ++j) {
            if (s.resources[j] == s.resources[i]) invalid(field, "listed twice");
        }
    }
}

void check_date_range(Date from, Date to) { validate(SlotQuery{.from = from, .to = to}); }

Calendar load_calendar(Transaction& tx, const TenantId& t, const Resource& r, TimeZone zone, Date from, Date to) {
    Calendar cal;
    cal.zone = zone;
    cal.capacity = r.capacity;
    cal.weekly = tx.weekly_hours(t, r.id);
    cal.overrides = tx.overrides(t, r.id, from, to);
    return cal;
}

// Hands `emit` each slot one resource (in `zone`, its own) offers for a
// service over local dates [from, to], as seen inside `tx` at `now`. Only
// bookings and blocks overlapping `load_range` are read: a candidate's
// verdict depends on nothing outside its occupied interval, so callers pass
// the union of the occupied intervals they care about. `exclude` leaves one
// booking out of the load (the booking being rescheduled).
template <class Emit>
void each_resource_slot(Transaction& tx, const TenantId& t, const Service& svc, const Resource& r, TimeZone zone,
                        Date from, Date to, Instant now, int seats, Interval load_range, const Booking* exclude,
                        Emit&& emit) {
    if (seats > r.capacity) return;
    const Calendar cal = load_calendar(tx, t, r, zone, from, to);
    auto booked = tx.occupancy(t, r.id, load_range, now);
    if (exclude && exclude->active_at(now)) {
        // Equal entries are interchangeable, so dropping any one that matches
        // the excluded booking is dropping that booking.
        const auto self = detail::to_booked(*exclude);
        const auto it = std::find_if(booked.begin(), booked.end(), [&](const Booked& x) {
            return x.interval == self.interval && x.seats == self.seats && x.buffer_before == self.buffer_before &&
                   x.buffer_after == self.buffer_after;
        });
        if (it != booked.end()) booked.erase(it);
    }
    std::vector<Interval> blocks;
    for (const Block& b : tx.blocks(t, r.id, load_range)) blocks.push_back(b.interval);
    // Reused by the thread: book() asks this for every booking.
    thread_local AvailabilityWorkspace ws;
    for_each_slot(cal, svc.rules(seats), booked, blocks, {.from = from, .to = to, .now = now}, ws, emit);
}

// Every candidate of local dates [from, to] starts in [to_utc(from, 00:00),
// to_utc(to + 1, 00:00)) and ends by the latter (the local → UTC rule is
// monotone), so its occupied interval lies within this range.
Interval occupied_range(TimeZone zone, const Service& svc, Date from, Date to) {
    const Date after{date::sys_days{to} + date::days{1}};
    return {to_utc(zone, from, Minutes{0}) - svc.buffer_before, to_utc(zone, after, Minutes{0}) + svc.buffer_after};
}

// Does `r` offer a slot of `svc` starting exactly at `start` for `seats`?
bool offers(Transaction& tx, const TenantId& t, const Service& svc, const Resource& r, Instant start,
            Instant now, int seats, const Booking* exclude = nullptr) {
    const auto zone = locate_zone(r.timezone, "timezone");
    const Date day = local_date(zone, start);
    // A window of a neighbouring local date may reach across midnight (24:00
    // ends, DST shifts), so those dates are asked too.
    const Date before{date::sys_days{day} - date::days{1}};
    const Date after{date::sys_days{day} + date::days{1}};
    const Interval occupied{start - svc.buffer_before, start + svc.duration + svc.buffer_after};
    bool offered = false;
    each_resource_slot(tx, t, svc, r, zone, before, after, now, seats, occupied, exclude,
                       [&](const Slot& s) { offered = offered || s.start == start; });
    return offered;
}

std::string fingerprint(const BookingRequest& r) {
    std::string f;
    const auto add = [&](std::string_view part) {
        f += std::to_string(part.size());
        f += ':';
        f += part;
    };
    add(r.service.value);
    add(std::to_string(r.start.time_since_epoch().count()));
    add(r.resource ? r.resource->value : std::string{});
    add(std::to_string(r.seats));
    add(r.customer.name);
    add(r.customer.email);
    add(r.customer.phone);
    add(r.customer.locale);
    return f;
}

}  // namespace

Instant system_now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

Engine::Engine(std::shared_ptr<Store> store, Clock clock) : Engine(std::move(store), EngineOptions{.clock = std::move(clock)}) {}

Engine::Engine(std::shared_ptr<Store> store, EngineOptions options)
    : store_(std::move(store)), clock_(std::move(options.clock)), payments_(std::move(options.payments)),
      events_(std::move(options.events)) {
    if (!store_) invalid("store", "no store given");
    if (!clock_) clock_ = system_now;
}

void Engine::emit(EngineEvent e) const noexcept {
    if (!events_) return;
    try {
        events_(e);
    } catch (...) {
        // A host's logging failure must not turn a committed change into an error.
    }
}

Instant Engine::now() const { return clock_(); }

Tenant Engine::create_tenant(const std::string& name) {
    check_name(name, "name");
    Tenant t{.id = {random_id("ten")}, .name = name, .created_at = now()};
    auto tx = store_->write();
    tx->insert_tenant(t);
    tx->commit();
    return t;
}

TenantScope Engine::scope(const Principal& principal) const {
    if (principal.tenant.empty()) invalid("tenant", "empty tenant id");
    if (principal.role == Role::customer && principal.subject.empty()) {
        invalid("subject", "a customer principal needs a subject");
    }
    auto tx = store_->read();
    if (!tx->tenant(principal.tenant)) not_found("tenant");
    return TenantScope(*this, principal);
}

TenantScope::TenantScope(Engine engine, Principal principal)
    : engine_(std::move(engine)), principal_(std::move(principal)) {}

void TenantScope::require_admin() const {
    if (principal_.role == Role::admin) return;
    throw Error(Errc::permission_denied, "this operation needs the admin role");
}

void TenantScope::require_staff_or_admin() const {
    if (principal_.role == Role::admin || principal_.role == Role::staff) return;
    throw Error(Errc::permission_denied, "this operation needs the staff or admin role");
}

// --- catalogue ---------------------------------------------------------------

Resource TenantScope::create_resource(const NewResource& r) {
    require_admin();
    check_resource(r);
    Resource res{.id = {random_id("res")}, .name = r.name, .kind = r.kind, .timezone = r.timezone, .capacity = r.capacity};
    auto tx = engine_.store()->write();
    tx->put_resource(principal_.tenant, res);
    tx->commit();
    return res;
}

Resource TenantScope::update_resource(const Resource& r) {
    require_admin();
    check_resource({.name = r.name, .kind = r.kind, .timezone = r.timezone, .capacity = r.capacity});
    auto tx = engine_.store()->write();
    if (!tx->resource(principal_.tenant, r.id)) not_found("resource");
    tx->put_resource(principal_.tenant, r);
    tx->commit();
    return r;
}

Resource TenantScope::get_resource(const ResourceId& id) {
    auto tx = engine_.store()->read();
    auto r = tx->resource(principal_.tenant, id);
    if (!r) not_found("resource");
    return *r;
}

std::vector<Resource> TenantScope::resources() { return engine_.store()->read()->resources(principal_.tenant); }

void TenantScope::set_weekly_hours(const ResourceId& id, WeeklyHours hours) {
    require_admin();
    for (std::size_t d = 0; d < 7; ++d) normalize_windows(hours.days[d], "hours." + std::string(weekday_keys[d]));
    auto tx = engine_.store()->write();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    tx->put_weekly_hours(principal_.tenant, id, hours);
    tx->commit();
}

WeeklyHours TenantScope::weekly_hours(const ResourceId& id) {
    auto tx = engine_.store()->read();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    return tx->weekly_hours(principal_.tenant, id);
}

void TenantScope::set_date_override(const ResourceId& id, Date day, std::vector<LocalWindow> windows) {
    require_admin();
    if (!day.ok()) invalid("date", "not a valid date");
    normalize_windows(windows, "windows");
    auto tx = engine_.store()->write();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    tx->put_override(principal_.tenant, id, day, windows);
    tx->commit();
}

void TenantScope::clear_date_override(const ResourceId& id, Date day) {
    require_admin();
    if (!day.ok()) invalid("date", "not a valid date");
    auto tx = engine_.store()->write();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    if (!tx->delete_override(principal_.tenant, id, day)) not_found("override");
    tx->commit();
}

std::map<Date, std::vector<LocalWindow>> TenantScope::date_overrides(const ResourceId& id, Date from, Date to) {
    check_date_range(from, to);
    auto tx = engine_.store()->read();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    return tx->overrides(principal_.tenant, id, from, to);
}

Block TenantScope::add_block(const ResourceId& id, Interval when, const std::string& reason) {
    require_staff_or_admin();
    check_instant(when.begin, "start");
    check_instant(when.end, "end");
    if (when.end <= when.begin) invalid("end", "is not after start");
    check_optional_text(reason, "reason", 500);
    Block b{.id = {random_id("blk")}, .resource = id, .interval = when, .reason = reason};
    auto tx = engine_.store()->write();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    tx->insert_block(principal_.tenant, b);
    tx->commit();
    return b;
}

void TenantScope::remove_block(const BlockId& id) {
    require_staff_or_admin();
    auto tx = engine_.store()->write();
    if (!tx->delete_block(principal_.tenant, id)) not_found("block");
    tx->commit();
}

std::vector<Block> TenantScope::blocks(const ResourceId& id, Interval range) {
    if (range.end <= range.begin) invalid("end", "is not after start");
    auto tx = engine_.store()->read();
    if (!tx->resource(principal_.tenant, id)) not_found("resource");
    return tx->blocks(principal_.tenant, id, range);
}

namespace {
void check_links(Transaction& tx, const TenantId& t, const Service& s) {
    for (std::size_t i = 0; i < s.resources.size(); ++i) {
        if (!tx.resource(t, s.resources[i])) invalid("resources[" + std::to_string(i) + "]", "no such resource");
    }
}
}  // namespace

Service TenantScope::create_service(const NewService& n) {
    require_admin();
    Service s{.id = {random_id("svc")}, .name = n.name, .duration = n.duration, .step = n.step,
              .buffer_before = n.buffer_before, .buffer_after = n.buffer_after, .price = n.price,
              .currency = n.currency, .min_notice = n.min_notice, .horizon = n.horizon, .hold = n.hold,
              .resources = n.resources};
    check_service(s);
    auto tx = engine_.store()->write();
    check_links(*tx, principal_.tenant, s);
    tx->put_service(principal_.tenant, s);
    tx->commit();
    return s;
}

Service TenantScope::update_service(const Service& in) {
    require_admin();
    Service s = in;
    check_service(s);
    auto tx = engine_.store()->write();
    if (!tx->service(principal_.tenant, s.id)) not_found("service");
    check_links(*tx, principal_.tenant, s);
    tx->put_service(principal_.tenant, s);
    tx->commit();
    return s;
}

Service TenantScope::get_service(const ServiceId& id) {
    auto s = engine_.store()->read()->service(principal_.tenant, id);
    if (!s) not_found("service");
    return *s;
}

std::vector<Service> TenantScope::services() { return engine_.store()->read()->services(principal_.tenant); }

// --- availability ------------------------------------------------------------

namespace {
struct Resolved {
    Service service;
    std::vector<Resource> resources;  // sorted by id
};

// The service and the resources a question is about, checked in `tx`.
Resolved resolve(Transaction& tx, const TenantId& t, const ServiceId& service_id,
                 const std::vector<ResourceId>& wanted, int seats) {
    if (seats < 1 || seats > max_seats) invalid("seats", "must be between 1 and " + std::to_string(max_seats));
    auto svc = tx.service(t, service_id);
    if (!svc) not_found("service");
    Resolved out{*svc, {}};
    const auto& ids = wanted.empty() ? svc->resources : wanted;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        // Not linked reads exactly like "does not exist", on purpose.
        auto r = std::find(svc->resources.begin(), svc->resources.end(), ids[i]) != svc->resources.end()
                     ? tx.resource(t, ids[i])
                     : std::nullopt;
        if (!r) {
            throw Error(Errc::not_found, "resources[" + std::to_string(i) + "]", "resource not found for this service");
        }
        out.resources.push_back(std::move(*r));
    }
    std::sort(out.resources.begin(), out.resources.end(), [](const Resource& a, const Resource& b) { return a.id < b.id; });
    out.resources.erase(std::unique(out.resources.begin(), out.resources.end(),
                                    [](const Resource& a, const Resource& b) { return a.id == b.id; }),
                        out.resources.end());
    return out;
}
}  // namespace

namespace {
// Each requested resource's slots, from one read snapshot.
struct PerResource {
    std::vector<Resource> resources;        // sorted by id
    std::vector<std::vector<Slot>> slots;   // parallel to resources
};

PerResource slots_per_resource(const Engine& engine, const TenantId& t, const AvailabilityRequest& q) {
    check_date_range(q.from, q.to);
    const Instant now = engine.now();
    auto tx = engine.store()->read();
    auto resolved = resolve(*tx, t, q.service, q.resources, q.seats);
    PerResource out{std::move(resolved.resources), {}};
    out.slots.reserve(out.resources.size());
    for (const auto& r : out.resources) {
        const auto zone = locate_zone(r.timezone, "timezone");
        const auto range = occupied_range(zone, resolved.service, q.from, q.to);
        auto& slots = out.slots.emplace_back();
        each_resource_slot(*tx, t, resolved.service, r, zone, q.from, q.to, now, q.seats, range, nullptr,
                           [&](const Slot& s) { slots.push_back(s); });
    }
    return out;
}
}  // namespace

std::vector<ResourceSlot> TenantScope::availability(const AvailabilityRequest& q) {
    const auto per = slots_per_resource(engine_, principal_.tenant, q);
    std::vector<ResourceSlot> out;
    for (const auto& a : any_of(per.slots)) {
        out.push_back({a.slot.start, a.slot.end, per.resources[a.resource].id, a.slot.remaining});
    }
    return out;
}

std::vector<Slot> TenantScope::availability_together(const AvailabilityRequest& q) {
    return all_of(slots_per_resource(engine_, principal_.tenant, q).slots);
}

// --- bookings ----------------------------------------------------------------

Booking TenantScope::book(const BookingRequest& r) {
    if (r.service.empty()) invalid("service", "empty id");
    check_instant(r.start, "start");
    if (r.seats < 1 || r.seats > max_seats) invalid("seats", "must be between 1 and " + std::to_string(max_seats));
    check_customer(r.customer);
    check_optional_text(r.idempotency_key, "idempotency_key", 200);
    if (r.resource && r.resource->empty()) invalid("resource", "empty id");
    const auto print = fingerprint(r);

    // The clock may be a host callback (Python): ask it before taking the
    // write lock, so the lock is never held while the host runs.
    const Instant now = engine_.now();
    // BEGIN IMMEDIATE (or the adapter's equivalent): the check below and the
    // insert see no other writer in between.
    auto tx = engine_.store()->write();
    if (!r.idempotency_key.empty()) {
        if (auto existing = tx->booking_by_idempotency_key(principal_.tenant, r.idempotency_key)) {
            if (existing->request_fingerprint != print || existing->created_by != principal_.subject) {
                throw Error(Errc::idempotency_mismatch, "idempotency_key", "already used for another request");
            }
            return as_read(*existing, now);
        }
    }
    std::vector<ResourceId> wanted;
    if (r.resource) wanted.push_back(*r.resource);
    const auto resolved = resolve(*tx, principal_.tenant, r.service, wanted, r.seats);
    const Service& svc = resolved.service;
    const bool fits_somewhere = std::any_of(resolved.resources.begin(), resolved.resources.end(),
                                            [&](const Resource& res) { return r.seats <= res.capacity; });
    if (!fits_somewhere) invalid("seats", "more seats than the resource's capacity");
    const Resource* chosen = nullptr;
    for (const auto& res : resolved.resources) {
        if (offers(*tx, principal_.tenant, svc, res, r.start, now, r.seats)) {
            chosen = &res;
            break;
        }
    }
    if (!chosen) throw Error(Errc::slot_unavailable, "start", "the slot is not available");
    const bool paid = svc.price > 0;
    Booking b{.id = {random_id("bkg")}, .service = svc.id, .resource = chosen->id,
              .interval = {r.start, r.start + svc.duration}, .seats = r.seats,
              .buffer_before = svc.buffer_before, .buffer_after = svc.buffer_after, .customer = r.customer,
              .status = paid ? BookingStatus::pending : BookingStatus::confirmed,
              .payment_status = paid ? PaymentStatus::pending : PaymentStatus::none,
              .hold_expires_at = paid ? std::optional<Instant>(now + svc.hold) : std::nullopt,
              .idempotency_key = r.idempotency_key, .request_fingerprint = print,
              .created_by = principal_.subject, .created_at = now, .updated_at = now};
    // A free booking is confirmed now, so its confirmation is due now; a paid
    // one waits for the payment event.
    if (paid) {
        tx->insert_booking(principal_.tenant, b);
    } else {
        const auto confirmation = detail::notification_about(confirmation_id(principal_.tenant, b.id),
                                                             principal_.tenant, b,
                                                             NotificationKind::booking_confirmed, now, 0);
        tx->insert_booking(principal_.tenant, b, &confirmation);
    }
    tx->commit();
    return b;
}

Booking TenantScope::cancel(const BookingId& id) {
    const Instant now = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    Booking b = visible_booking(*tx, principal_, id);
    const auto status = b.status_at(now);
    if (status != BookingStatus::pending && status != BookingStatus::confirmed) {
        throw Error(Errc::invalid_transition, "a " + std::string(to_string(status)) + " booking cannot be cancelled");
    }
    const bool was_confirmed = b.status == BookingStatus::confirmed;
    b.status = BookingStatus::cancelled;
    if (b.payment_status == PaymentStatus::paid) b.payment_status = PaymentStatus::refund_due;
    b.hold_expires_at.reset();
    b.updated_at = now;
    tx->update_booking(principal_.tenant, b);
    // Only a customer who was told "confirmed" is told "cancelled".
    if (was_confirmed) queue_notification(*tx, principal_.tenant, b, NotificationKind::booking_cancelled, now);
    tx->commit();
    return b;
}

Booking TenantScope::reschedule(const BookingId& id, Instant new_start, std::optional<ResourceId> resource) {
    if (resource && resource->empty()) invalid("resource", "empty id");
    check_instant(new_start, "start");
    const Instant now = engine_.now();  // before the lock, as in book()
    auto tx = engine_.store()->write();
    Booking b = visible_booking(*tx, principal_, id);
    const auto status = b.status_at(now);
    if (status != BookingStatus::pending && status != BookingStatus::confirmed) {
        throw Error(Errc::invalid_transition, "a " + std::string(to_string(status)) + " booking cannot be rescheduled");
    }
    const auto resolved = resolve(*tx, principal_.tenant, b.service, {resource.value_or(b.resource)}, b.seats);
    const Service& svc = resolved.service;
    // The booking's own occupancy must not block its new slot.
    if (resolved.resources.empty() ||
        !offers(*tx, principal_.tenant, svc, resolved.resources.front(), new_start, now, b.seats, &b)) {
        throw Error(Errc::slot_unavailable, "start", "the new slot is not available");
    }
    b.resource = resolved.resources.front().id;
    b.interval = {new_start, new_start + svc.duration};
    b.buffer_before = svc.buffer_before;
    b.buffer_after = svc.buffer_after;
    b.updated_at = now;
    tx->update_booking(principal_.tenant, b);
    if (b.status == BookingStatus::confirmed) {
        queue_notification(*tx, principal_.tenant, b, NotificationKind::booking_rescheduled, now);
    }
    tx->commit();
    return as_read(b, now);
}

Booking TenantScope::get_booking(const BookingId& id) {
    auto tx = engine_.store()->read();
    return as_read(visible_booking(*tx, principal_, id), engine_.now());
}

std::vector<Booking> TenantScope::bookings(const BookingQuery& q) {
    if (q.limit < 1 || q.limit > 1000) invalid("limit", "must be between 1 and 1000");
    if (q.from && q.to && *q.to <= *q.from) invalid("to", "is not after from");
    const Instant now = engine_.now();
    BookingFilter f{.from = q.from, .to = q.to, .resource = q.resource, .created_by = std::nullopt,
                    .status = q.status, .now = now, .after = q.after, .limit = q.limit};
    if (principal_.role == Role::customer) f.created_by = principal_.subject;
    auto tx = engine_.store()->read();
    auto list = tx->bookings(principal_.tenant, f);
    for (auto& b : list) b = as_read(std::move(b), now);
    return list;
}

}  // namespace slotwise
