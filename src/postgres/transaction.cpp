// The PostgreSQL transaction: READ COMMITTED for writers, which queue on
// transaction-scoped advisory locks (per tenant and resource, customer,
// idempotency key) before reading what they will decide on, so each of their
// later statements sees what the previous holder committed; REPEATABLE READ
// READ ONLY for readers (one snapshot). Every call of the Transaction
// interface runs named statements (statements.hpp) on the transaction's own
// connection; the work of each concern is in a file of its own (parts.hpp).
#include "../common/secrets.hpp"
#include "parts.hpp"
#include "statements.hpp"

#include <algorithm>
#include <unordered_set>

namespace slotwise::postgres {
namespace {

using secrets::is_live_key;

class PostgresTransaction final : public Transaction {
public:
    PostgresTransaction(std::shared_ptr<Pool> pool, Access access) : pool_(std::move(pool)), access_(access) {
        // The BEGIN goes with the first statement, in its round trip; a
        // pooled connection that died with the server (a restart) is made
        // again there (Connection::begin_with_next).
        conn_ = pool_->acquire();
        conn_->begin_with_next(access == Access::write ? kBeginWrite : kBeginRead);
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

    std::vector<Tenant> tenants(const TenantId& after, int limit) override {
        return call(Access::read, [&] {
            const auto r = c().run(kSelectTenants, Params().add(after).add(static_cast<std::int64_t>(limit)));
            std::vector<Tenant> out;
            for (int i = 0; i < r.rows(); ++i) {
                out.push_back({.id = r.id<TenantTag>(i, 0), .name = r.bytes(i, 1), .created_at = r.at(i, 2)});
            }
            return out;
        });
    }

    // --- resources and calendars ----------------------------------------

    void put_resource(const TenantId& t, const Resource& r) override {
        call(Access::write, [&] {
            catalogue_changed(t);
            const auto seen = read_resources_.find(entity_key(t, r.id.value));
            if (seen != read_resources_.end()) {
                // Read in this transaction: write back only what changed since.
                const std::int64_t mask = resource_change_mask(r, seen->second);
                if (mask != 0) {
                    c().run(kUpdateResourceColumns, Params().add(t).add(r.id).add(r.name).text(to_string(r.kind)).add(
                                                        r.timezone).add(r.capacity).add(mask).add(r.active ? 1 : 0).add(r.size));
                }
                seen->second = r;
                return;
            }
            c().run(kUpsertResource, Params().add(t).add(r.id).add(r.name).text(to_string(r.kind)).add(r.timezone).add(
                                         r.capacity).add(r.active ? 1 : 0).add(r.size));
        });
    }

    std::optional<Resource> resource(const TenantId& t, const ResourceId& id) override {
        return call(Access::read, [&]() -> std::optional<Resource> {
            Resource out;
            if (const auto* kept = catalogue_.find(c(), t, &CatalogueCache::Tenant::resources, id.value)) {
                out = *kept;
            } else {
                auto read = read_resource_and_calendar(c(), catalogue_, t, id);
                if (!read) return std::nullopt;
                out = std::move(*read);
            }
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
            catalogue_changed(t);
            lock(lock_key("hours", t.value, r.value));
            write_weekly_hours(c(), t, r, w);
        });
    }

    WeeklyHours weekly_hours(const TenantId& t, const ResourceId& r) override {
        return call(Access::read, [&] {
            if (const auto* kept = catalogue_.find(c(), t, &CatalogueCache::Tenant::hours, r.value)) return *kept;
            auto w = select_weekly_hours(c(), t, r);
            catalogue_.keep(c(), t, &CatalogueCache::Tenant::hours, r.value, w, 7);
            return w;
        });
    }

    void put_override(const TenantId& t, const ResourceId& r, Date day,
                      const std::vector<LocalWindow>& windows) override {
        call(Access::write, [&] {
            catalogue_changed(t);
            c().run(kUpsertOverride, Params().add(t).add(r).add(day_number(day)).text(encode_windows(windows)));
        });
    }

    bool delete_override(const TenantId& t, const ResourceId& r, Date day) override {
        return call(Access::write, [&] {
            catalogue_changed(t);
            return c().run(kDeleteOverride, Params().add(t).add(r).add(day_number(day))).changed() > 0;
        });
    }

    std::map<Date, std::vector<LocalWindow>> overrides(const TenantId& t, const ResourceId& r, Date from,
                                                       Date to) override {
        return call(Access::read, [&] {
            const auto* all = catalogue_.find(c(), t, &CatalogueCache::Tenant::overrides, r.value);
            std::optional<CatalogueCache::Overrides> loaded;
            if (all == nullptr) {
                loaded = select_all_overrides(c(), t, r);
                catalogue_.keep(c(), t, &CatalogueCache::Tenant::overrides, r.value, loaded,
                                calendar_rows(loaded));
                all = &loaded;
            }
            if (!*all) return select_overrides(c(), t, r, from, to);
            CatalogueCache::Overrides out;
            if (!(to < from)) out.insert((*all)->lower_bound(from), (*all)->upper_bound(to));
            return out;
        });
    }

    // --- blocks ----------------------------------------------------------

    void insert_block(const TenantId& t, const Block& b) override {
        call(Access::write, [&] {
            catalogue_changed(t);
            c().run(kInsertBlock, Params().add(t).add(b.id).add(b.resource).add(b.interval.begin).add(b.interval.end).add(
                                      b.reason));
        });
    }

    bool delete_block(const TenantId& t, const BlockId& id) override {
        return call(Access::write, [&] {
            catalogue_changed(t);
            return c().run(kDeleteBlock, Params().add(t).add(id)).changed() > 0;
        });
    }

    std::vector<Block> blocks(const TenantId& t, const ResourceId& r, Interval range) override {
        return call(Access::read, [&] {
            const auto* all = catalogue_.find(c(), t, &CatalogueCache::Tenant::blocks, r.value);
            std::optional<std::vector<Block>> loaded;
            if (all == nullptr) {
                loaded = select_all_blocks(c(), t, r);
                catalogue_.keep(c(), t, &CatalogueCache::Tenant::blocks, r.value, loaded, calendar_rows(loaded));
                all = &loaded;
            }
            if (!*all) return select_blocks(c(), t, r, range);
            std::vector<Block> out;
            for (const auto& b : **all) {
                if (b.interval.begin < range.end && b.interval.end > range.begin) out.push_back(b);
            }
            return out;
        });
    }

    // --- services --------------------------------------------------------

    void put_service(const TenantId& t, const Service& v) override {
        call(Access::write, [&] {
            catalogue_changed(t);
            const auto seen = read_services_.find(entity_key(t, v.id.value));
            if (seen != read_services_.end()) {
                // Read in this transaction: write back only what changed since.
                const Service& was = *seen->second;
                const std::int64_t mask = service_change_mask(v, was);
                if (mask != 0) c().run(kUpdateServiceColumns, service_params(t, v).add(mask));
                if (v.resource_groups != was.resource_groups) put_service_resources(t, v);
                seen->second = std::make_shared<const Service>(v);
                return;
            }
            // The upsert locks the service's row: a second writer of it waits here.
            c().run(kUpsertService, service_params(t, v));
            put_service_resources(t, v);
        });
    }

    std::optional<Service> service(const TenantId& t, const ServiceId& id) override {
        auto shared = shared_service(t, id);
        return shared ? std::optional<Service>(*shared) : std::nullopt;
    }

    std::shared_ptr<const Service> shared_service(const TenantId& t, const ServiceId& id) override {
        return call(Access::read, [&]() -> std::shared_ptr<const Service> {
            // Read once per write transaction: later reads see the row as
            // read, or as put_service changed it since.
            std::string key;
            if (access_ == Access::write) {
                key = entity_key(t, id.value);
                if (const auto seen = read_services_.find(key); seen != read_services_.end()) return seen->second;
            }
            std::shared_ptr<const Service> out;
            if (const auto* kept = catalogue_.find(c(), t, &CatalogueCache::Tenant::services, id.value)) {
                out = *kept;
            } else if (auto row = select_service(c(), t, id)) {
                out = std::make_shared<const Service>(std::move(*row));
                catalogue_.keep(c(), t, &CatalogueCache::Tenant::services, id.value, out,
                                1 + out->all_resources().size());
            } else {
                return nullptr;
            }
            if (access_ == Access::write) read_services_.insert_or_assign(std::move(key), out);
            return out;
        });
    }

    std::vector<Service> services(const TenantId& t) override {
        return call(Access::read, [&] { return select_services(c(), t); });
    }

    void put_table_combination(const TenantId& t, const TableCombination& x) override {
        call(Access::write, [&] {
            c().run(kUpsertTableCombination, Params().add(t).add(x.id).add(x.service).add(
                                                 static_cast<std::int64_t>(x.group)).add(encode_ids(x.tables)).add(x.size));
        });
    }

    std::vector<TableCombination> table_combinations(const TenantId& t, const ServiceId& s) override {
        return call(Access::read, [&] {
            const auto r = c().run(kSelectTableCombinations, Params().add(t).add(s));
            std::vector<TableCombination> out;
            for (int i = 0; i < r.rows(); ++i) {
                const auto group = r.integer(i, 2);
                if (group < 0 || group >= 64) corrupt("table combination group " + std::to_string(group));
                out.push_back({.id = r.id<CombinationTag>(i, 0), .service = r.id<ServiceTag>(i, 1),
                               .group = static_cast<std::size_t>(group), .tables = decode_ids(r.bytes(i, 3)),
                               .size = r.small(i, 4)});
            }
            return out;
        });
    }

    bool delete_table_combination(const TenantId& t, const CombinationId& id) override {
        return call(Access::write, [&] {
            return c().run(kDeleteTableCombination, Params().add(t).add(id)).changed() > 0;
        });
    }

    // --- bookings --------------------------------------------------------

    using Transaction::insert_booking;

    void insert_booking(const TenantId& t, const Booking& b, const Notification* confirmation) override {
        call(Access::write, [&] {
            lock_held_resources(t, b);
            write_booking(c(), t, b, checked_, confirmation);
        });
    }

    void update_booking(const TenantId& t, const Booking& b) override {
        const bool updated = call(Access::write, [&] {
            lock_held_resources(t, b);
            return rewrite_booking(c(), t, b, checked_);
        });
        // Not a storage failure: the transaction stays usable.
        if (!updated) throw Error(Errc::not_found, "booking", "no such booking");
    }

    std::optional<Booking> booking(const TenantId& t, const BookingId& id) override {
        return call(Access::read, [&]() -> std::optional<Booking> {
            row_locks_ = row_locks_ || access_ == Access::write;
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
            return count_customer_holdings(c(), t, created_by, now, cap);
        });
    }

    std::vector<Booking> active_bookings(const TenantId& t, const ResourceId& r, Interval range,
                                         Instant now) override {
        return call(Access::read, [&] {
            const auto p = Params().add(t).add(r).add(range.begin).add(range.end).add(now);
            return read_bookings(checked_run(t, r, kSelectActiveBookings, kClearingSelectActiveBookings, p, now));
        });
    }

    std::vector<Booked> occupancy(const TenantId& t, const ResourceId& r, Interval range, Instant now) override {
        return call(Access::read, [&] {
            auto p = Params().add(t).add(r).add(range.begin).add(range.end).add(now);
            if (access_ != Access::write) return read_occupancy(c().run(kSelectOccupancy, p));
            bool lapsed = false;
            std::optional<std::int64_t> version;
            catalogue_.take_back_check(c(), t);
            auto out = read_writer_occupancy(checked_run(t, r, kSelectOccupancy, kWriterSelectOccupancy, p, now),
                                             lapsed, version);
            // The capacity the hold's flag is made of, when the read confirmed
            // the catalogue it comes from: the database's as of the lock, and
            // until this transaction ends, as a change of the resource's
            // capacity waits for its lock (schema version 10). The insert then
            // need not look it up.
            if (catalogue_.confirm(c(), t, version)) {
                if (const auto* kept = catalogue_.find(c(), t, &CatalogueCache::Tenant::resources, r.value)) {
                    checked_[resource_key(t, r)].exclusive = kept->capacity == 1;
                }
            }
            // Ahead of the rows this transaction writes next, in their round trip.
            if (lapsed) c().write_with_next(kClearLapsed, std::move(p));
            return out;
        });
    }

    std::vector<Instant> counted_starts(const TenantId& t, const ServiceId& s, const ResourceId& r, Interval range,
                                        Instant now) override {
        return call(Access::read, [&] {
            const auto p = Params().add(t).add(r).add(range.begin).add(range.end).add(now).add(s);
            const auto rows = checked_run(t, r, kSelectCountedStarts, kClearingSelectCountedStarts, p, now);
            std::vector<Instant> out;
            out.reserve(static_cast<std::size_t>(rows.rows()));
            for (int i = 0; i < rows.rows(); ++i) out.push_back(rows.at(i, 0));
            return out;
        });
    }

    std::vector<Booking> bookings(const TenantId& t, const BookingFilter& f) override {
        return call(Access::read, [&] { return select_bookings(c(), t, f); });
    }

    int erase_customer(const TenantId& t, const std::string& created_by, Instant now) override {
        return call(Access::write, [&] {
            c().run(kEraseBookings, Params().add(t).add(created_by));
            c().run(kEraseOutbox, Params().add(t).add(created_by).add(now));
            c().run(kEraseWaitlist, Params().add(t).add(created_by));
            return static_cast<int>(c().run(kCountBookingsByCreator, Params().add(t).add(created_by)).integer(0, 0));
        });
    }

    std::optional<Booking> booking_by_payment_reference(const TenantId& t, const std::string& reference) override {
        return call(Access::read, [&]() -> std::optional<Booking> {
            row_locks_ = row_locks_ || access_ == Access::write;
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
        call(Access::write, [&] { write_payment_settings(c(), key, t, p); });
    }

    std::optional<PaymentSettings> payment_settings(const TenantId& t) override {
        return call(Access::read, [&] { return select_payment_settings(c(), pool_->options().master_key, t); });
    }

    void put_policy(const TenantId& t, const TenantPolicy& p) override {
        call(Access::write, [&] { write_policy(c(), t, p); });
    }

    std::optional<TenantPolicy> policy(const TenantId& t) override {
        return call(Access::read, [&] { return select_policy(c(), t); });
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
        return call(Access::read, [&] { return select_checkout_sessions(c(), t, b); });
    }

    bool close_checkout_session(const TenantId& t, const std::string& session_id, Instant at) override {
        return call(Access::write, [&] {
            return c().run(kCloseCheckoutSession, Params().add(t).add(session_id).add(at)).changed() > 0;
        });
    }

    std::vector<CheckoutSession> checkouts_to_close(Instant now, int limit) override {
        return call(Access::read, [&] { return select_checkouts_to_close(c(), now, limit); });
    }

    bool set_checkout_close_by(const TenantId& t, const std::string& session_id, Instant until) override {
        return call(Access::write, [&] {
            return c().run(kSetCheckoutCloseBy, Params().add(t).add(session_id).add(until)).changed() > 0;
        });
    }

    void insert_unmatched_payment(const TenantId& t, const UnmatchedPayment& p) override {
        call(Access::write, [&] { postgres::insert_unmatched_payment(c(), t, p); });
    }

    std::vector<UnmatchedPayment> unmatched_payments(const TenantId& t, int limit) override {
        return call(Access::read, [&] { return select_unmatched_payments(c(), t, limit); });
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

    // A tenant's own notification texts (messages.cpp).
    void put_message_text(const TenantId& t, const MessageText& m) override {
        call(Access::write, [&] { postgres::put_message_text(c(), t, m); });
    }
    std::vector<MessageText> message_texts(const TenantId& t) override {
        return call(Access::read, [&] { return postgres::message_texts(c(), t); });
    }
    bool delete_message_text(const TenantId& t, NotificationKind kind, const std::string& locale) override {
        return call(Access::write, [&] { return postgres::delete_message_text(c(), t, kind, locale); });
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

    void insert_waitlist_entry(const TenantId& t, const WaitlistEntry& e) override {
        call(Access::write, [&] { postgres::insert_waitlist_entry(c(), t, e); });
    }
    bool update_waitlist_entry(const TenantId& t, const WaitlistEntry& e) override {
        return call(Access::write, [&] { return postgres::update_waitlist_entry(c(), t, e); });
    }
    std::optional<WaitlistEntry> waitlist_entry(const TenantId& t, const WaitlistEntryId& id) override {
        return call(Access::read, [&] { return postgres::waitlist_entry(c(), t, id); });
    }
    std::vector<WaitlistEntry> waiting_entries(const TenantId& t, Interval starts, int limit) override {
        return call(Access::read, [&] { return postgres::waiting_entries(c(), t, starts, limit); });
    }
    int waiting_by_creator(const TenantId& t, const std::string& created_by, int cap) override {
        return call(Access::read, [&] {
            // A customer's concurrent joins are counted one after another.
            if (access_ == Access::write) lock(lock_key("customer", t.value, created_by));
            return postgres::waiting_by_creator(c(), t, created_by, cap);
        });
    }
    std::vector<LapsedBooking> lapsed_bookings(const LapseCursor& after, Instant now, int limit) override {
        return call(Access::read, [&] { return postgres::lapsed_bookings(c(), after, now, limit); });
    }
    LapseCursor lapse_cursor() override {
        return call(Access::read, [&] {
            // Sweeps on several servers take turns: one moves the cursor at a time.
            if (access_ == Access::write) lock(lock_key("waitlist_sweep"));
            return postgres::lapse_cursor(c());
        });
    }
    void set_lapse_cursor(const LapseCursor& cursor) override {
        call(Access::write, [&] {
            lock(lock_key("waitlist_sweep"));
            postgres::set_lapse_cursor(c(), cursor);
        });
    }

    std::vector<Notification> take_notifications(Instant now, int limit) override {
        return call(Access::write, [&] {
            // Workers on several servers take turns, so no row is leased twice.
            lock(lock_key("outbox"));
            return lease_due_notifications(c(), now, limit);
        });
    }

    bool mark_notification_sent(const TenantId& t, const std::string& id, Instant now) override {
        return call(Access::write, [&] {
            return c().run(kMarkNotificationSent, Params().add(t).add(id).add(now)).changed() > 0;
        });
    }

    std::vector<Notification> notifications(const TenantId& t, const BookingId& b) override {
        return call(Access::read, [&] { return select_booking_notifications(c(), t, b); });
    }

    // The catalogue_version read then goes in the round trip of the
    // transaction's first lock and occupancy read (book()'s second round trip
    // becomes its first).
    void check_catalogue_with_next() override { catalogue_.check_with_next(); }

    std::optional<std::int64_t> catalogue_version(const TenantId& t) override {
        return call(Access::read, [&]() -> std::optional<std::int64_t> {
            const auto r = c().run(kSelectCatalogueVersion, Params().add(t));
            if (r.rows() == 0) return std::nullopt;
            return r.integer(0, 0);
        });
    }
    std::vector<std::vector<Booked>> occupancies(const TenantId& t, const std::vector<OccupancyQuery>& asks,
                                                 Instant now) override {
        // A writer locks and clears each resource before it reads it
        // (checked_run); a reader's snapshot answers all in one statement.
        if (access_ == Access::write) return Transaction::occupancies(t, asks, now);
        return call(Access::read, [&] { return select_occupancies(c(), t, asks, now); });
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

    void put_service_resources(const TenantId& t, const Service& v) {
        // Delete-then-insert: two writers of one service's links take turns.
        lock(lock_key("service-links", t.value, v.id.value));
        write_service_resources(c(), t, v);
    }

    void write_notification(const Notification& n) { postgres::write_notification(c(), n); }

    void write_occupancy(const TenantId& t, const Booking& b, const std::vector<PreviousHold>& previous) {
        postgres::write_occupancy(c(), t, b, previous, checked_);
    }

    // Every resource a booking holds, locked in resource-id order (the one
    // order every writer of several resources takes them in).
    void lock_held_resources(const TenantId& t, const Booking& b) { locks_.take_held_resources(c(), *pool_, t, b); }

    // Reads the bookings of `r` with `read`. A writer reads them to decide on
    // a slot: it takes this tenant and resource's lock first, and reads with
    // `writer_read` (the same read, which switches off the lapsed holds it
    // passes over at `now`, or reports them to be switched off), in one
    // round trip.
    Result checked_run(const TenantId& t, const ResourceId& r, const char* read, const char* writer_read,
                       const Params& p, Instant now) {
        if (access_ != Access::write) return c().run(read, p);
        // A capacity known from an earlier read stays known: the lock, held
        // since, keeps it from changing.
        auto& checked = checked_[resource_key(t, r)];
        if (checked.tenant != t.value || checked.resource != r.value) {
            checked = CheckedResource{.tenant = t.value, .resource = r.value, .at = now, .exclusive = std::nullopt};
        } else {
            checked.at = now;
        }
        auto results = locks_.take_resource_with(c(), *pool_, t, r, row_locks_, {{writer_read, &p}});
        return std::move(results[0]);
    }

    // Before this transaction changes `t`'s catalogue: a capacity its reads
    // confirmed may be what it changes, so its holds' flags are looked up
    // again.
    void catalogue_changed(const TenantId& t) {
        catalogue_.changed(c(), t);
        for (auto& [key, checked] : checked_) checked.exclusive.reset();
    }

    // Takes a transaction-scoped advisory lock once per transaction (Locks::take).
    void lock(std::int64_t key, bool holding_resources = false) { locks_.take(c(), *pool_, key, holding_resources); }

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
            if (need == Access::write) row_locks_ = true;
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
    Locks locks_;
    // Whether this transaction may hold a row lock (it wrote, or read FOR
    // UPDATE): another transaction may then be waiting for it.
    bool row_locks_ = false;
    // Resources whose bookings this transaction read under their lock.
    CheckedResources checked_;
    CatalogueReader catalogue_{access_ == Access::read};
    // Catalogue rows as this write transaction read them (put_* then writes
    // back only the fields it changed).
    std::unordered_map<std::string, std::shared_ptr<const Service>> read_services_;
    std::unordered_map<std::string, Resource> read_resources_;
};

}  // namespace

std::unique_ptr<Transaction> begin_transaction(std::shared_ptr<Pool> pool, Access access) {
    return std::make_unique<PostgresTransaction>(std::move(pool), access);
}

}  // namespace slotwise::postgres
