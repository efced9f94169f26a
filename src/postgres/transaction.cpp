// The PostgreSQL transaction: READ COMMITTED for writers, which queue on
// transaction-scoped advisory locks (per tenant and resource, customer,
// idempotency key) before reading what they will decide on, so each of their
// later statements sees what the previous holder committed; REPEATABLE READ
// READ ONLY for readers (one snapshot). Every call of the Transaction
// interface runs named statements (statements.hpp) on the transaction's own
// connection.
#include "../common/secrets.hpp"
#include "internal.hpp"
#include "statements.hpp"

#include <algorithm>
#include <unordered_set>

namespace slotwise::postgres {
namespace {

using secrets::is_live_key;
using secrets::is_sealed;
using secrets::seal;
using secrets::unseal;

std::int64_t day_number(Date d) { return date::sys_days{d}.time_since_epoch().count(); }
Date date_of(std::int64_t n) { return Date{date::sys_days{date::days{n}}}; }

// A stable 64-bit key for an advisory lock: FNV-1a over the parts, each
// followed by a NUL (so ("ab", "c") and ("a", "bc") differ). Stable across
// processes and builds, which is what makes it a lock between servers; a
// collision only makes two unrelated writers wait for each other.
template <class... Parts>
std::int64_t lock_key(const Parts&... parts) {
    std::uint64_t h = 14695981039346656037ull;
    const auto mix = [&](std::string_view s) {
        for (const char c : s) {
            h ^= static_cast<unsigned char>(c);
            h *= 1099511628211ull;
        }
        h ^= 0;
        h *= 1099511628211ull;
    };
    (mix(std::string_view(parts)), ...);
    return static_cast<std::int64_t>(h);
}

class PostgresTransaction final : public Transaction {
public:
    PostgresTransaction(std::shared_ptr<Pool> pool, Access access) : pool_(std::move(pool)), access_(access) {
        // A pooled connection may have died with the server (a restart): the
        // BEGIN finds out, and the next connection is tried, up to a new one.
        for (int attempt = 0;; ++attempt) {
            conn_ = pool_->acquire();
            const auto failed = conn_->try_exec(access == Access::write ? kBeginWrite : kBeginRead);
            if (!failed) break;
            if (!failed->connection_lost || attempt >= pool_->options().pool_size) {
                pool_->release(std::move(conn_));
                fail(*failed);
            }
            pool_->discard(std::move(conn_));
        }
    }
    PostgresTransaction(const PostgresTransaction&) = delete;
    PostgresTransaction& operator=(const PostgresTransaction&) = delete;

    ~PostgresTransaction() override { finish(); }

    void commit() override {
        call(Access::read, [&] {
            const auto failed = c().try_exec(kCommit);
            if (!failed) return;
            // The answer to COMMIT was lost: the server may have committed
            // before the connection broke. Only a later read can tell.
            if (failed->connection_lost) {
                throw Error(Errc::commit_in_doubt,
                            "postgres: the connection broke during COMMIT (" + failed->message +
                                "): the transaction may or may not have committed");
            }
            fail(*failed);
        });
        state_ = State::committed;
        finish();
    }

    // --- tenants ---------------------------------------------------------

    void insert_tenant(const Tenant& t) override {
        call(Access::write, [&] { c().run(kInsertTenant, Params().add(t.id).add(t.name).add(t.created_at)); });
    }

    std::optional<Tenant> tenant(const TenantId& id) override {
        return call(Access::read, [&]() -> std::optional<Tenant> {
            const auto r = c().run(kSelectTenant, Params().add(id));
            if (r.rows() == 0) return std::nullopt;
            return Tenant{.id = r.id<TenantTag>(0, 0), .name = r.bytes(0, 1), .created_at = r.at(0, 2)};
        });
    }

    // --- resources and calendars ----------------------------------------

    void put_resource(const TenantId& t, const Resource& r) override {
        call(Access::write, [&] {
            const auto seen = read_resources_.find(entity_key(t, r.id.value));
            if (seen != read_resources_.end()) {
                // Read in this transaction: write back only what changed since.
                const Resource& was = seen->second;
                const std::int64_t mask = (r.name != was.name ? 1 : 0) | (r.kind != was.kind ? 2 : 0) |
                                          (r.timezone != was.timezone ? 4 : 0) | (r.capacity != was.capacity ? 8 : 0);
                if (mask != 0) {
                    c().run(kUpdateResourceColumns, Params().add(t).add(r.id).add(r.name).text(to_string(r.kind)).add(
                                                        r.timezone).add(r.capacity).add(mask));
                }
                seen->second = r;
                return;
            }
            c().run(kUpsertResource, Params().add(t).add(r.id).add(r.name).text(to_string(r.kind)).add(r.timezone).add(
                                         r.capacity));
        });
    }

    std::optional<Resource> resource(const TenantId& t, const ResourceId& id) override {
        return call(Access::read, [&]() -> std::optional<Resource> {
            const auto r = c().run(kSelectResource, Params().add(t).add(id));
            if (r.rows() == 0) return std::nullopt;
            auto out = read_resource(r, 0);
            if (access_ == Access::write) read_resources_.insert_or_assign(entity_key(t, id.value), out);
            return std::optional<Resource>(std::move(out));
        });
    }

    std::vector<Resource> resources(const TenantId& t) override {
        return call(Access::read, [&] {
            const auto r = c().run(kSelectResources, Params().add(t));
            std::vector<Resource> out;
            for (int i = 0; i < r.rows(); ++i) out.push_back(read_resource(r, i));
            return out;
        });
    }

    void put_weekly_hours(const TenantId& t, const ResourceId& r, const WeeklyHours& w) override {
        call(Access::write, [&] {
            // Delete-then-insert: two writers of one week must take turns.
            lock(lock_key("hours", t.value, r.value));
            c().run(kDeleteWeeklyHours, Params().add(t).add(r));
            for (int day = 0; day < 7; ++day) {
                const auto& windows = w.days[static_cast<std::size_t>(day)];
                if (windows.empty()) continue;
                c().run(kInsertWeeklyHours, Params().add(t).add(r).add(day + 1).text(encode_windows(windows)));
            }
        });
    }

    WeeklyHours weekly_hours(const TenantId& t, const ResourceId& r) override {
        return call(Access::read, [&] {
            WeeklyHours w;
            const auto rows = c().run(kSelectWeeklyHours, Params().add(t).add(r));
            for (int i = 0; i < rows.rows(); ++i) {
                const auto day = rows.integer(i, 0);
                if (day < 1 || day > 7) corrupt("weekday " + std::to_string(day));
                w.days[static_cast<std::size_t>(day - 1)] = decode_windows(rows.bytes(i, 1));
            }
            return w;
        });
    }

    void put_override(const TenantId& t, const ResourceId& r, Date day,
                      const std::vector<LocalWindow>& windows) override {
        call(Access::write, [&] {
            c().run(kUpsertOverride, Params().add(t).add(r).add(day_number(day)).text(encode_windows(windows)));
        });
    }

    bool delete_override(const TenantId& t, const ResourceId& r, Date day) override {
        return call(Access::write, [&] {
            return c().run(kDeleteOverride, Params().add(t).add(r).add(day_number(day))).changed() > 0;
        });
    }

    std::map<Date, std::vector<LocalWindow>> overrides(const TenantId& t, const ResourceId& r, Date from,
                                                       Date to) override {
        return call(Access::read, [&] {
            std::map<Date, std::vector<LocalWindow>> out;
            if (to < from) return out;
            const auto rows =
                c().run(kSelectOverrides, Params().add(t).add(r).add(day_number(from)).add(day_number(to)));
            for (int i = 0; i < rows.rows(); ++i) {
                out.emplace(date_of(rows.integer(i, 0)), decode_windows(rows.bytes(i, 1)));
            }
            return out;
        });
    }

    // --- blocks ----------------------------------------------------------

    void insert_block(const TenantId& t, const Block& b) override {
        call(Access::write, [&] {
            c().run(kInsertBlock, Params().add(t).add(b.id).add(b.resource).add(b.interval.begin).add(b.interval.end).add(
                                      b.reason));
        });
    }

    bool delete_block(const TenantId& t, const BlockId& id) override {
        return call(Access::write, [&] { return c().run(kDeleteBlock, Params().add(t).add(id)).changed() > 0; });
    }

    std::vector<Block> blocks(const TenantId& t, const ResourceId& r, Interval range) override {
        return call(Access::read, [&] {
            const auto rows = c().run(kSelectBlocks, Params().add(t).add(r).add(range.begin).add(range.end));
            std::vector<Block> out;
            for (int i = 0; i < rows.rows(); ++i) out.push_back(read_block(rows, i));
            return out;
        });
    }

    // --- services --------------------------------------------------------

    void put_service(const TenantId& t, const Service& v) override {
        call(Access::write, [&] {
            const auto seen = read_services_.find(entity_key(t, v.id.value));
            if (seen != read_services_.end()) {
                // Read in this transaction: write back only what changed since.
                const Service& was = seen->second;
                std::int64_t mask = 0;
                const auto bit = [&](bool changed, std::int64_t b) { mask |= changed ? b : 0; };
                bit(v.name != was.name, 1);
                bit(v.duration != was.duration, 2);
                bit(v.step != was.step, 4);
                bit(v.buffer_before != was.buffer_before, 8);
                bit(v.buffer_after != was.buffer_after, 16);
                bit(v.price != was.price, 32);
                bit(v.currency != was.currency, 64);
                bit(v.min_notice != was.min_notice, 128);
                bit(v.horizon != was.horizon, 256);
                bit(v.hold != was.hold, 512);
                bit(v.cancel_notice != was.cancel_notice, 1024);
                bit(v.segments != was.segments, 2048);
                bit(v.limits.day != was.limits.day, 4096);
                bit(v.limits.week != was.limits.week, 8192);
                bit(v.limits.month != was.limits.month, 16384);
                if (mask != 0) c().run(kUpdateServiceColumns, service_params(t, v).add(mask));
                if (v.resource_groups != was.resource_groups) put_service_resources(t, v);
                seen->second = v;
                return;
            }
            // The upsert locks the service's row: a second writer of it waits here.
            c().run(kUpsertService, service_params(t, v));
            put_service_resources(t, v);
        });
    }

    std::optional<Service> service(const TenantId& t, const ServiceId& id) override {
        return call(Access::read, [&]() -> std::optional<Service> {
            const auto r = c().run(kSelectService, Params().add(t).add(id));
            if (r.rows() == 0) return std::nullopt;
            auto out = read_service(r, 0);
            const auto links = c().run(kSelectServiceResources, Params().add(t).add(id));
            for (int i = 0; i < links.rows(); ++i) add_link(out, links.id<ResourceTag>(i, 0), links.integer(i, 1));
            if (access_ == Access::write) read_services_.insert_or_assign(entity_key(t, id.value), out);
            return std::optional<Service>(std::move(out));
        });
    }

    std::vector<Service> services(const TenantId& t) override {
        return call(Access::read, [&] {
            std::vector<Service> out;
            std::map<std::string, std::size_t> index;
            const auto r = c().run(kSelectServices, Params().add(t));
            for (int i = 0; i < r.rows(); ++i) {
                out.push_back(read_service(r, i));
                index.emplace(out.back().id.value, out.size() - 1);
            }
            const auto links = c().run(kSelectAllServiceResources, Params().add(t));
            for (int i = 0; i < links.rows(); ++i) {
                if (auto it = index.find(links.bytes(i, 0)); it != index.end()) {
                    add_link(out[it->second], links.id<ResourceTag>(i, 1), links.integer(i, 2));
                }
            }
            return out;
        });
    }

    // --- bookings --------------------------------------------------------

    using Transaction::insert_booking;

    void insert_booking(const TenantId& t, const Booking& b, const Notification* confirmation) override {
        call(Access::write, [&] {
            lock_held_resources(t, b);
            c().run(kInsertBooking, Params()
                                        .add(t)
                                        .add(b.id)
                                        .add(b.service)
                                        .add(b.resource)
                                        .add(b.interval.begin)
                                        .add(b.interval.end)
                                        .add(b.seats)
                                        .add(b.buffer_before)
                                        .add(b.buffer_after)
                                        .add(b.customer.name)
                                        .add(b.customer.email)
                                        .add(b.customer.phone)
                                        .add(b.customer.locale)
                                        .text(to_string(b.status))
                                        .text(to_string(b.payment_status))
                                        .add(b.hold_expires_at)
                                        .add(b.idempotency_key.empty() ? std::nullopt
                                                                       : std::optional<std::string>(b.idempotency_key))
                                        .add(b.request_fingerprint)
                                        .add(b.created_by)
                                        .add(b.created_at)
                                        .add(b.updated_at)
                                        .add(b.checkout_id)
                                        .add(b.payment_reference)
                                        .add(b.amount_due)
                                        .add(b.currency_due)
                                        .add(encode_ids(b.other_resources))
                                        .text(encode_segments(b.segments)));
            write_occupancy(t, b, {});
            if (confirmation) write_notification(*confirmation);
        });
    }

    void update_booking(const TenantId& t, const Booking& b) override {
        const bool updated = call(Access::write, [&] {
            lock_held_resources(t, b);
            const auto r = c().run(kUpdateBooking, Params()
                                                       .add(t)
                                                       .add(b.id)
                                                       .add(b.service)
                                                       .add(b.resource)
                                                       .add(b.interval.begin)
                                                       .add(b.interval.end)
                                                       .add(b.seats)
                                                       .add(b.buffer_before)
                                                       .add(b.buffer_after)
                                                       .add(b.customer.name)
                                                       .add(b.customer.email)
                                                       .add(b.customer.phone)
                                                       .add(b.customer.locale)
                                                       .text(to_string(b.status))
                                                       .text(to_string(b.payment_status))
                                                       .add(b.hold_expires_at)
                                                       .add(b.updated_at)
                                                       .add(b.checkout_id)
                                                       .add(b.payment_reference)
                                                       .add(encode_ids(b.other_resources))
                                                       .text(encode_segments(b.segments)));
            if (r.changed() == 0) return false;
            const auto was = c().run(kSelectOccupancyRows, Params().add(t).add(b.id));
            std::vector<PreviousHold> previous;
            for (int i = 0; i < was.rows(); ++i) {
                previous.push_back({.part = was.integer(i, 0), .resource = was.bytes(i, 1),
                                    .occupied = {was.at(i, 2), was.at(i, 3)}, .exclusive = was.boolean(i, 4),
                                    .active = was.boolean(i, 5)});
            }
            c().run(kDeleteOccupancy, Params().add(t).add(b.id));
            write_occupancy(t, b, previous);
            return true;
        });
        // Not a storage failure: the transaction stays usable.
        if (!updated) throw Error(Errc::not_found, "booking", "no such booking");
    }

    std::optional<Booking> booking(const TenantId& t, const BookingId& id) override {
        return call(Access::read, [&]() -> std::optional<Booking> {
            const auto r = c().run(access_ == Access::write ? kSelectBookingForUpdate : kSelectBooking,
                                   Params().add(t).add(id));
            if (r.rows() == 0) return std::nullopt;
            return read_booking(r, 0);
        });
    }

    std::optional<Booking> booking_by_idempotency_key(const TenantId& t, const std::string& created_by,
                                                      const std::string& key) override {
        return call(Access::read, [&]() -> std::optional<Booking> {
            if (key.empty()) return std::nullopt;  // "" means "no key", never a match
            // Two requests with one key take turns: the second finds the first's booking.
            if (access_ == Access::write) lock(lock_key("idempotency", t.value, created_by, key));
            const auto r = c().run(kSelectBookingByKey, Params().add(t).add(created_by).add(key));
            if (r.rows() == 0) return std::nullopt;
            return read_booking(r, 0);
        });
    }

    CustomerHoldings customer_holdings(const TenantId& t, const std::string& created_by, Instant now,
                                       int cap) override {
        return call(Access::read, [&] {
            // A customer's concurrent bookings are counted one after another.
            if (access_ == Access::write) lock(lock_key("customer", t.value, created_by));
            const auto count = [&](std::optional<Instant> lowest_start) {
                auto p = Params().add(t).add(created_by).add(now).add(std::max(cap, 0));
                if (lowest_start) {
                    p.add(*lowest_start);
                } else {
                    p.null(Params::kInt8);
                }
                return c().run(kCountPendingByCreator, p).small(0, 0);
            };
            const int pending = count(std::nullopt);
            const int pending_future = count(now);
            const int confirmed_future =
                c().run(kCountConfirmedByCreator, Params().add(t).add(created_by).add(now).add(std::max(cap, 0)))
                    .small(0, 0);
            return CustomerHoldings{.pending = pending,
                                    .active_future = std::min(cap, pending_future + confirmed_future)};
        });
    }

    std::vector<Booking> active_bookings(const TenantId& t, const ResourceId& r, Interval range,
                                         Instant now) override {
        return call(Access::read, [&] {
            before_checking(t, r, range, now);
            return read_bookings(
                c().run(kSelectActiveBookings, Params().add(t).add(r).add(range.begin).add(range.end).add(now)));
        });
    }

    std::vector<Booked> occupancy(const TenantId& t, const ResourceId& r, Interval range, Instant now) override {
        return call(Access::read, [&] {
            before_checking(t, r, range, now);
            const auto rows =
                c().run(kSelectOccupancy, Params().add(t).add(r).add(range.begin).add(range.end).add(now));
            std::vector<Booked> out;
            out.reserve(static_cast<std::size_t>(rows.rows()));
            for (int i = 0; i < rows.rows(); ++i) {
                out.push_back({.interval = {rows.at(i, 0), rows.at(i, 1)}, .seats = rows.small(i, 2),
                               .buffer_before = rows.minutes(i, 3), .buffer_after = rows.minutes(i, 4)});
            }
            return out;
        });
    }

    std::vector<Instant> counted_starts(const TenantId& t, const ServiceId& s, const ResourceId& r, Interval range,
                                        Instant now) override {
        return call(Access::read, [&] {
            before_checking(t, r, range, now);
            const auto rows = c().run(kSelectCountedStarts,
                                      Params().add(t).add(r).add(range.begin).add(range.end).add(now).add(s));
            std::vector<Instant> out;
            out.reserve(static_cast<std::size_t>(rows.rows()));
            for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.at(i, 0));
            return out;
        });
    }

    std::vector<Booking> bookings(const TenantId& t, const BookingFilter& f) override {
        return call(Access::read, [&]() -> std::vector<Booking> {
            std::optional<Instant> after_start;
            if (f.after) {
                const auto s = c().run(kSelectBookingStart, Params().add(t).add(*f.after));
                // A cursor that names no booking of this tenant has nothing after it.
                if (s.rows() == 0) return {};
                after_start = s.at(0, 0);
            }
            // The cursor implies start >= its start: a range scan from there.
            std::optional<Instant> lowest = f.from;
            if (after_start && (!lowest || *after_start > *lowest)) lowest = after_start;
            std::optional<std::string> status;
            if (f.status) status = std::string(to_string(*f.status));
            Params p;
            p.add(t).add(lowest).add(f.to).add(after_start);
            if (f.after) {
                p.add(f.after->value);
            } else {
                p.null(Params::kBytea);
            }
            p.add(f.resource).add(f.created_by);
            if (status) {
                p.text(*status);
            } else {
                p.null(Params::kText);
            }
            p.add(f.now).add(std::max(f.limit, 0));
            return read_bookings(c().run(kSelectBookings, p));
        });
    }

    std::optional<Booking> booking_by_payment_reference(const TenantId& t, const std::string& reference) override {
        return call(Access::read, [&]() -> std::optional<Booking> {
            const auto r = c().run(access_ == Access::write ? kSelectBookingByPaymentReferenceForUpdate
                                                            : kSelectBookingByPaymentReference,
                                   Params().add(t).add(reference));
            if (r.rows() == 0) return std::nullopt;
            return read_booking(r, 0);
        });
    }

    // --- payments --------------------------------------------------------

    // As the SQLite adapter: sealed with a master key; without one a live
    // key is refused here (not a storage failure: the transaction stays usable).
    void put_payment_settings(const TenantId& t, const PaymentSettings& p) override {
        const std::string& key = pool_->options().master_key;
        if (key.empty() && is_live_key(p.secret_key)) {
            throw Error(Errc::not_configured, "secret_key",
                        "a live key is stored only encrypted: open the store with a master_key");
        }
        call(Access::write, [&] {
            if (key.empty()) {
                c().run(kUpsertPaymentSettings, Params().add(t).add(p.provider).add(p.secret_key).add(p.webhook_secret));
                return;
            }
            c().run(kUpsertPaymentSettings, Params()
                                                .add(t)
                                                .add(p.provider)
                                                .add(seal(key, t.value, "secret_key", p.secret_key))
                                                .add(seal(key, t.value, "webhook_secret", p.webhook_secret)));
        });
    }

    std::optional<PaymentSettings> payment_settings(const TenantId& t) override {
        return call(Access::read, [&]() -> std::optional<PaymentSettings> {
            const auto r = c().run(kSelectPaymentSettings, Params().add(t));
            if (r.rows() == 0) return std::nullopt;
            return PaymentSettings{.provider = r.bytes(0, 0),
                                   .secret_key = readable_secret(t, "secret_key", r.bytes(0, 1)),
                                   .webhook_secret = readable_secret(t, "webhook_secret", r.bytes(0, 2))};
        });
    }

    void put_policy(const TenantId& t, const TenantPolicy& p) override {
        call(Access::write, [&] {
            c().run(kUpsertPolicy, Params()
                                       .add(t)
                                       .add(p.max_pending_per_customer)
                                       .add(p.max_active_per_customer)
                                       .add(static_cast<std::int64_t>(p.customer_horizon.count()))
                                       .add(p.max_seats_per_customer_booking)
                                       .add(p.max_notifications_per_customer_hour));
        });
    }

    std::optional<TenantPolicy> policy(const TenantId& t) override {
        return call(Access::read, [&]() -> std::optional<TenantPolicy> {
            const auto r = c().run(kSelectPolicy, Params().add(t));
            if (r.rows() == 0) return std::nullopt;
            const auto optional_count = [&](int col) -> std::optional<int> {
                if (r.is_null(0, col)) return std::nullopt;
                return r.small(0, col);
            };
            return TenantPolicy{.max_pending_per_customer = r.small(0, 0),
                                .max_active_per_customer = optional_count(1),
                                .customer_horizon = std::chrono::days(r.integer(0, 2)),
                                .max_seats_per_customer_booking = optional_count(3),
                                .max_notifications_per_customer_hour = r.small(0, 4)};
        });
    }

    bool record_payment_event(const TenantId& t, const std::string& provider, const std::string& event_id,
                              const std::string& type, Instant received_at) override {
        return call(Access::write, [&] {
            return c().run(kInsertPaymentEvent, Params().add(t).add(provider).add(event_id).add(type).add(received_at))
                       .changed() > 0;
        });
    }

    void insert_checkout_session(const TenantId& t, const CheckoutSession& cs) override {
        call(Access::write, [&] {
            c().run(kInsertCheckoutSession, Params().add(t).add(cs.id).add(cs.booking).add(cs.created_at).add(cs.close_by));
        });
    }

    std::vector<CheckoutSession> checkout_sessions(const TenantId& t, const BookingId& b) override {
        return call(Access::read, [&] {
            const auto r = c().run(kSelectCheckoutSessions, Params().add(t).add(b));
            std::vector<CheckoutSession> out;
            for (int i = 0; i < r.rows(); ++i) out.push_back(read_checkout_session(r, i));
            return out;
        });
    }

    bool close_checkout_session(const TenantId& t, const std::string& session_id, Instant at) override {
        return call(Access::write, [&] {
            return c().run(kCloseCheckoutSession, Params().add(t).add(session_id).add(at)).changed() > 0;
        });
    }

    std::vector<CheckoutSession> checkouts_to_close(Instant now, int limit) override {
        return call(Access::read, [&] {
            const auto r = c().run(kSelectCheckoutsToClose, Params().add(now).add(std::max(limit, 0)));
            std::vector<CheckoutSession> out;
            for (int i = 0; i < r.rows(); ++i) out.push_back(read_checkout_session(r, i));
            return out;
        });
    }

    bool set_checkout_close_by(const TenantId& t, const std::string& session_id, Instant until) override {
        return call(Access::write, [&] {
            return c().run(kSetCheckoutCloseBy, Params().add(t).add(session_id).add(until)).changed() > 0;
        });
    }

    void insert_unmatched_payment(const TenantId& t, const UnmatchedPayment& p) override {
        call(Access::write, [&] {
            c().run(kInsertUnmatchedPayment, Params()
                                                 .add(t)
                                                 .add(p.provider)
                                                 .add(p.event_id)
                                                 .add(p.reference)
                                                 .add(p.amount)
                                                 .add(p.currency)
                                                 .add(p.booking)
                                                 .add(p.reason)
                                                 .add(p.received_at));
        });
    }

    std::vector<UnmatchedPayment> unmatched_payments(const TenantId& t, int limit) override {
        return call(Access::read, [&] {
            const auto r = c().run(kSelectUnmatchedPayments, Params().add(t).add(std::clamp(limit, 0, 1000)));
            std::vector<UnmatchedPayment> out;
            for (int i = 0; i < r.rows(); ++i) out.push_back(read_unmatched_payment(r, i));
            return out;
        });
    }

    // API keys and the tenant list (api_keys.cpp).
    void insert_api_key(const ApiKey& k) override {
        call(Access::write, [&] { postgres::insert_api_key(c(), k); });
    }
    std::optional<ApiKey> api_key_by_hash(const std::string& hash) override {
        return call(Access::read, [&] { return postgres::api_key_by_hash(c(), hash); });
    }
    std::vector<ApiKey> api_keys(const TenantId& t) override {
        return call(Access::read, [&] { return postgres::api_keys(c(), t); });
    }
    bool revoke_api_key(const TenantId& t, const std::string& id, Instant at) override {
        return call(Access::write, [&] { return postgres::revoke_api_key(c(), t, id, at); });
    }
    std::vector<Tenant> tenants(int limit) override {
        return call(Access::read, [&] { return postgres::tenants(c(), limit); });
    }

    // --- outbox ----------------------------------------------------------

    void insert_notification(const Notification& n) override {
        call(Access::write, [&] { write_notification(n); });
    }

    int notifications_by_creator(const TenantId& t, const std::string& created_by, Instant since,
                                 int cap) override {
        return call(Access::read, [&] {
            return c().run(kCountNotificationsByCreator, Params().add(t).add(created_by).add(since).add(std::max(cap, 0)))
                .small(0, 0);
        });
    }

    std::vector<Notification> take_notifications(Instant now, int limit) override {
        return call(Access::write, [&] {
            // Workers on several servers take turns, so no row is leased twice.
            lock(lock_key("outbox"));
            const auto r = c().run(kSelectDueNotifications, Params().add(now).add(std::max(limit, 0)));
            std::vector<Notification> due;
            for (int i = 0; i < r.rows(); ++i) due.push_back(read_notification(r, i));
            for (auto& n : due) {
                ++n.attempts;
                c().run(kLeaseNotification,
                        Params().add(n.tenant).add(n.id).add(n.attempts).add(now + notification_backoff(n.attempts)));
            }
            return due;
        });
    }

    bool mark_notification_sent(const TenantId& t, const std::string& id, Instant now) override {
        return call(Access::write, [&] {
            return c().run(kMarkNotificationSent, Params().add(t).add(id).add(now)).changed() > 0;
        });
    }

    std::vector<Notification> notifications(const TenantId& t, const BookingId& b) override {
        return call(Access::read, [&] {
            const auto r = c().run(kSelectBookingNotifications, Params().add(t).add(b));
            std::vector<Notification> out;
            for (int i = 0; i < r.rows(); ++i) out.push_back(read_notification(r, i));
            return out;
        });
    }

private:
    enum class State { open, committed, failed };

    Connection& c() { return *conn_; }

    static std::string entity_key(const TenantId& t, const std::string& id) {
        std::string k = t.value;
        k += '\0';
        k += id;
        return k;
    }

    static Params service_params(const TenantId& t, const Service& v) {
        Params p;
        p.add(t).add(v.id).add(v.name).add(v.duration).add(v.step).add(v.buffer_before).add(v.buffer_after).add(
            v.price).add(v.currency).add(v.min_notice).add(v.horizon).add(v.hold).add(v.cancel_notice);
        p.text(encode_segments(v.segments)).add(v.limits.day).add(v.limits.week).add(v.limits.month);
        return p;
    }

    static void add_link(Service& s, ResourceId r, std::int64_t group) {
        if (group < 0 || group >= 64) corrupt("resource group " + std::to_string(group));
        while (s.resource_groups.size() <= static_cast<std::size_t>(group)) s.resource_groups.emplace_back();
        s.resource_groups[static_cast<std::size_t>(group)].push_back(std::move(r));
    }

    void put_service_resources(const TenantId& t, const Service& v) {
        // Delete-then-insert: two writers of one service's links take turns.
        lock(lock_key("service-links", t.value, v.id.value));
        c().run(kDeleteServiceResources, Params().add(t).add(v.id));
        std::int64_t position = 0;
        for (std::size_t g = 0; g < v.resource_groups.size(); ++g) {
            for (const auto& r : v.resource_groups[g]) {
                c().run(kInsertServiceResource,
                        Params().add(t).add(v.id).add(position++).add(r).add(static_cast<std::int64_t>(g)));
            }
        }
    }

    void write_notification(const Notification& n) {
        c().run(kInsertNotification, Params()
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
                                         .add(n.sequence));
    }

    // A row of booking_resources as it was before a change.
    struct PreviousHold {
        std::int64_t part = 0;
        std::string resource;
        Interval occupied{};
        bool exclusive = false;
        bool active = true;
    };

    // Writes one booking_resources row per entry of `b.holds()`: what the
    // exclusion constraint sees. `previous`: the rows the change replaces
    // (none for a new booking).
    void write_occupancy(const TenantId& t, const Booking& b, const std::vector<PreviousHold>& previous) {
        const auto holds = b.holds();
        const auto status = to_string(b.status);
        bool all_active = true;
        for (const auto& p : previous) all_active = all_active && p.active;
        for (std::size_t i = 0; i < holds.size(); ++i) {
            const auto& h = holds[i];
            const auto occupied = h.occupied();
            const auto found = checked_.find(resource_key(t, h.resource));
            const auto* checked = found == checked_.end() ? nullptr : &*found;
            const auto was = std::find_if(previous.begin(), previous.end(), [&](const PreviousHold& p) {
                return p.part == static_cast<std::int64_t>(i);
            });
            // Unchecked, a row stays exclusive only where the booking stays
            // (a payment confirming it, say), and a hold found lapsed is
            // never switched back on (a refund of it, say).
            const bool kept = was != previous.end() && was->exclusive && was->resource == h.resource.value &&
                              was->occupied == occupied;
            Params p;
            p.add(t).add(b.id).add(static_cast<std::int64_t>(i)).add(h.resource).add(occupied.begin).add(
                occupied.end).add(h.interval.begin).add(h.interval.end).add(h.buffer_before).add(h.buffer_after);
            p.text(status).add(b.hold_expires_at).add(checked ? 1 : 0);
            p.add(checked ? std::optional<Instant>(checked->second) : std::nullopt);
            p.add(kept ? 1 : 0);
            if (previous.empty()) {
                p.null(Params::kInt8);
            } else {
                p.add((was != previous.end() ? was->active : all_active) ? 1 : 0);
            }
            c().run(kInsertOccupancy, p);
        }
    }

    // Every resource a booking holds, locked in resource-id order (the one
    // order every writer of several resources takes them in).
    void lock_held_resources(const TenantId& t, const Booking& b) {
        auto held = b.held_resources();
        std::sort(held.begin(), held.end(), [](const ResourceId& x, const ResourceId& y) { return x.value < y.value; });
        for (const auto& r : held) lock_resource(t, r);
    }

    // In a write transaction, before the bookings of `r` are read to decide
    // on a slot: this tenant and resource's lock, then the lapsed holds in
    // `range` switched off, so that the constraint agrees with what the
    // engine is about to see as free (postgres.hpp).
    void before_checking(const TenantId& t, const ResourceId& r, Interval range, Instant now) {
        if (access_ != Access::write) return;
        lock_resource(t, r);
        checked_.insert_or_assign(resource_key(t, r), now);
        c().run(kClearLapsedHolds, Params().add(t).add(r).add(now).add(range.begin).add(range.end));
    }

    static std::int64_t resource_key(const TenantId& t, const ResourceId& r) {
        return lock_key("resource", t.value, r.value);
    }
    void lock_resource(const TenantId& t, const ResourceId& r) {
        const auto key = resource_key(t, r);
        if (locks_.contains(key)) return;
        lock(key, !resource_locks_.empty());
        resource_locks_.insert(key);
    }

    // Takes a transaction-scoped advisory lock once per transaction. Inside a
    // savepoint, so that a deadlock (40P01) or serialization failure (40001)
    // while waiting undoes only this wait and the lock is asked for again:
    // the other party, which the server let through, finishes meanwhile.
    // Not so when this transaction already holds another resource's lock
    // (`holding_resources`) and the wait deadlocks: two writers took shared
    // resources in opposite orders (services whose groups list them in
    // different orders), the other one waits for a lock kept here, and
    // asking again would only close the cycle again; storage_busy at once
    // lets the other finish.
    void lock(std::int64_t key, bool holding_resources = false) {
        if (!locks_.insert(key).second) return;
        const std::string take = "SAVEPOINT sw_lock; SELECT pg_advisory_xact_lock(" + std::to_string(key) +
                                 "); RELEASE SAVEPOINT sw_lock";
        for (int attempt = 0;; ++attempt) {
            const auto failed = c().try_exec(take);
            if (!failed) return;
            const bool retryable = (failed->sqlstate == "40P01" && !holding_resources) || failed->sqlstate == "40001";
            if (!retryable || failed->connection_lost) {
                locks_.erase(key);
                fail(*failed);
            }
            if (const auto undone = c().try_exec("ROLLBACK TO SAVEPOINT sw_lock; RELEASE SAVEPOINT sw_lock")) {
                locks_.erase(key);
                fail(*undone);
            }
            if (attempt >= pool_->options().max_retries) {
                locks_.erase(key);
                throw Error(Errc::storage_busy, "postgres: a lock kept failing with " + failed->sqlstate +
                                                    " after " + std::to_string(attempt + 1) + " attempts");
            }
            if (const auto& sink = pool_->sink()) {
                sink(EngineEvent{.kind = EngineEventKind::storage_retry, .tenant = {}, .booking = {},
                                 .detail = "postgres lock " + failed->sqlstate, .at = {}});
            }
        }
    }

    std::string readable_secret(const TenantId& t, const char* field, const std::string& stored) const {
        if (!is_sealed(stored)) return stored;
        const std::string& key = pool_->options().master_key;
        if (key.empty()) {
            throw Error(Errc::storage_error,
                        "postgres: the payment secrets are encrypted and the store was opened without a master_key");
        }
        return unseal(key, t.value, field, stored);
    }

    // Runs one call of the Transaction interface. A failed call ends the
    // whole transaction (PostgreSQL has aborted it anyway) and leaves it
    // unusable; so does any failure of commit().
    template <class F>
    auto call(Access need, F&& f) -> decltype(f()) {
        if (state_ != State::open) {
            throw Error(Errc::storage_error, state_ == State::committed
                                                 ? "postgres: the transaction has already committed"
                                                 : "postgres: the transaction failed earlier and was rolled back");
        }
        try {
            if (need == Access::write && access_ == Access::read) {
                throw Error(Errc::storage_error, "postgres: a read transaction cannot write");
            }
            return f();
        } catch (...) {
            state_ = State::failed;
            finish();
            throw;
        }
    }

    // Gives the connection back; the pool rolls back whatever is open.
    void finish() noexcept {
        if (conn_) pool_->release(std::move(conn_));
    }

    std::shared_ptr<Pool> pool_;
    const Access access_;
    std::unique_ptr<Connection> conn_;
    State state_ = State::open;
    std::unordered_set<std::int64_t> locks_;
    std::unordered_set<std::int64_t> resource_locks_;
    // Resources whose bookings this transaction read under their lock, and
    // the instant it read them at.
    std::unordered_map<std::int64_t, Instant> checked_;
    // Catalogue rows as this write transaction read them (put_* then writes
    // back only the fields it changed).
    std::unordered_map<std::string, Service> read_services_;
    std::unordered_map<std::string, Resource> read_resources_;  // resources whose bookings this transaction read under their lock
};

}  // namespace

std::unique_ptr<Transaction> begin_transaction(std::shared_ptr<Pool> pool, Access access) {
    return std::make_unique<PostgresTransaction>(std::move(pool), access);
}

}  // namespace slotwise::postgres
