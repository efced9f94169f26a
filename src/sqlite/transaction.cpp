// The SQLite transaction: BEGIN IMMEDIATE for writers (after this process's
// writer turn), a pinned snapshot for readers, and every call of the
// Transaction interface as named statements (statements.hpp) on the
// transaction's own connection.
#include "internal.hpp"
#include "../common/secrets.hpp"
#include "statements.hpp"

namespace slotwise::sqlite {
namespace {

using secrets::is_live_key;
using secrets::is_sealed;
using secrets::seal;
using secrets::unseal;

class SqliteTransaction final : public Transaction {
public:
    SqliteTransaction(std::shared_ptr<Pool> pool, Access access)
        : pool_(std::move(pool)),
          deadline_(std::chrono::steady_clock::now() + pool_->options().busy_timeout),
          writer_turn_(access == Access::write ? pool_.get() : nullptr, deadline_),
          conn_(pool_->acquire()),
          access_(access) {
        try {
            if (access == Access::write) {
                // Before it begins: a catch-up lets this writer start the WAL over.
                pool_->catch_up(*conn_);
                // IMMEDIATE takes the write lock now, waiting for what is left
                // of the busy timeout: a DEFERRED transaction would read first
                // and get SQLITE_BUSY at once when it tried to upgrade.
                conn_->set_busy_timeout(std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline_ - std::chrono::steady_clock::now()));
                const auto restore = [&]() noexcept { conn_->set_busy_timeout(pool_->options().busy_timeout); };
                try {
                    conn_->statement(kBeginImmediate).run();
                } catch (...) {
                    restore();
                    throw;
                }
                restore();
            } else {
                conn_->statement(kBeginDeferred).run();
                conn_->statement(kPinSnapshot).run();
            }
        } catch (...) {
            pool_->release(std::move(conn_));
            throw;
        }
    }
    SqliteTransaction(const SqliteTransaction&) = delete;
    SqliteTransaction& operator=(const SqliteTransaction&) = delete;

    ~SqliteTransaction() override { finish(); }

    void commit() override {
        call(Access::read, [&] {
            const int rc = c().statement(kCommit).run_code();
            if (rc == SQLITE_DONE) return;
            // An I/O error may strike after the whole transaction reached the
            // WAL (the final sync, or the write of its last frame): this
            // connection rolled it back, but recovery after a crash could
            // still find it committed. Any other failure is a plain one.
            if ((rc & 0xff) != SQLITE_IOERR) fail(c().handle(), rc);
            throw Error(Errc::commit_in_doubt,
                        "sqlite: " + message(c().handle(), rc) +
                            " (on COMMIT: rolled back here, but recovery after a crash may find it committed)");
        });
        state_ = State::committed;
        if (erased_) pool_->without_background_checkpoint([&] { checkpoint_after_erasure(c()); });
        writer_turn_.end();
        pool_->checkpoint_if_due(c());
        finish();
    }

    // --- tenants ---------------------------------------------------------

    void insert_tenant(const Tenant& t) override {
        call(Access::write, [&] {
            catalogue_.changed();
            c().statement(kInsertTenant).bind(t.id, t.name, t.created_at).run();
        });
    }

    std::optional<Tenant> tenant(const TenantId& id) override {
        return call(Access::read, [&]() -> std::optional<Tenant> {
            auto s = c().statement(kSelectTenant);
            s.bind(id);
            if (!s.step()) return std::nullopt;
            return Tenant{.id = s.id<TenantTag>(0), .name = s.text(1), .created_at = s.at(2)};
        });
    }

    std::vector<Tenant> tenants(const TenantId& after, int limit) override {
        return call(Access::read, [&] {
            std::vector<Tenant> out;
            auto s = c().statement(kSelectTenants);
            s.bind(after, static_cast<std::int64_t>(limit));
            while (s.step()) out.push_back({.id = s.id<TenantTag>(0), .name = s.text(1), .created_at = s.at(2)});
            return out;
        });
    }

    // --- resources and calendars ----------------------------------------

    void put_resource(const TenantId& t, const Resource& r) override {
        call(Access::write, [&] {
            catalogue_.changed();
            c().statement(kUpsertResource)
                .bind(t, r.id, r.name, std::string(to_string(r.kind)), r.timezone, r.capacity,
                      std::int64_t{r.active ? 1 : 0}, r.size)
                .run();
        });
    }

    std::optional<Resource> resource(const TenantId& t, const ResourceId& id) override {
        return call(Access::read, [&] {
            return catalogue_.cached(t, &CatalogueCache::Tenant::resources, id.value, [&]() -> std::optional<Resource> {
                auto s = c().statement(kSelectResource);
                s.bind(t, id);
                if (!s.step()) return std::nullopt;
                return read_resource(s);
            });
        });
    }

    std::vector<Resource> resources(const TenantId& t) override {
        return call(Access::read, [&] {
            std::vector<Resource> out;
            auto s = c().statement(kSelectResources);
            s.bind(t);
            while (s.step()) out.push_back(read_resource(s));
            return out;
        });
    }

    void put_weekly_hours(const TenantId& t, const ResourceId& r, const WeeklyHours& w) override {
        call(Access::write, [&] {
            catalogue_.changed();
            write_weekly_hours(c(), t, r, w);
        });
    }

    WeeklyHours weekly_hours(const TenantId& t, const ResourceId& r) override {
        return call(Access::read, [&] {
            return catalogue_.cached(t, &CatalogueCache::Tenant::hours, r.value,
                                     [&] { return select_weekly_hours(c(), t, r); });
        });
    }

    void put_override(const TenantId& t, const ResourceId& r, Date day,
                      const std::vector<LocalWindow>& windows) override {
        call(Access::write, [&] {
            catalogue_.changed();
            c().statement(kUpsertOverride)
                .bind(t, r, day_number(day), encode_windows(windows))
                .run();
        });
    }

    bool delete_override(const TenantId& t, const ResourceId& r, Date day) override {
        return call(Access::write, [&] {
            catalogue_.changed();
            auto s = c().statement(kDeleteOverride);
            s.bind(t, r, day_number(day)).run();
            return s.changes() > 0;
        });
    }

    std::map<Date, std::vector<LocalWindow>> overrides(const TenantId& t, const ResourceId& r,
                                                       Date from, Date to) override {
        return call(Access::read, [&] {
            std::map<Date, std::vector<LocalWindow>> out;
            if (to < from) return out;
            const auto* all = catalogue_.cached_ref(t, &CatalogueCache::Tenant::overrides, r.value, [&] {
                return catalogue_.all_rows<CatalogueCache::Overrides>(kSelectAllOverrides, t, r, [](const Statement& s, auto& rows) {
                    rows.emplace(date_of(s.integer(0)), decode_windows(s.text(1)));
                });
            });
            if (all && *all) {
                out.insert((*all)->lower_bound(from), (*all)->upper_bound(to));
                return out;
            }
            auto s = c().statement(kSelectOverrides);
            s.bind(t, r, day_number(from), day_number(to));
            while (s.step()) out.emplace(date_of(s.integer(0)), decode_windows(s.text(1)));
            return out;
        });
    }

    // --- blocks ----------------------------------------------------------

    void insert_block(const TenantId& t, const Block& b) override {
        call(Access::write, [&] {
            catalogue_.changed();
            c().statement(kInsertBlock)
                .bind(t, b.id, b.resource, b.interval.begin, b.interval.end, b.reason)
                .run();
        });
    }

    bool delete_block(const TenantId& t, const BlockId& id) override {
        return call(Access::write, [&] {
            catalogue_.changed();
            auto s = c().statement(kDeleteBlock);
            s.bind(t, id).run();
            return s.changes() > 0;
        });
    }

    std::vector<Block> blocks(const TenantId& t, const ResourceId& r, Interval range) override {
        return call(Access::read, [&] {
            std::vector<Block> out;
            const auto* all = catalogue_.cached_ref(t, &CatalogueCache::Tenant::blocks, r.value, [&] {
                return catalogue_.all_rows<std::vector<Block>>(kSelectAllBlocks, t, r, [](const Statement& s, auto& rows) {
                    rows.push_back(read_block(s));
                });
            });
            if (all && *all) {
                for (const auto& b : **all) {
                    if (b.interval.begin < range.end && b.interval.end > range.begin) out.push_back(b);
                }
                return out;
            }
            auto s = c().statement(kSelectBlocks);
            s.bind(t, r, range.begin, range.end);
            while (s.step()) out.push_back(read_block(s));
            return out;
        });
    }

    // --- services --------------------------------------------------------

    void put_service(const TenantId& t, const Service& v) override {
        call(Access::write, [&] {
            catalogue_.changed();
            write_service(c(), t, v);
        });
    }

    std::optional<Service> service(const TenantId& t, const ServiceId& id) override {
        auto shared = shared_service(t, id);
        return shared ? std::optional<Service>(*shared) : std::nullopt;
    }

    std::shared_ptr<const Service> shared_service(const TenantId& t, const ServiceId& id) override {
        return call(Access::read, [&] {
            return catalogue_.cached(t, &CatalogueCache::Tenant::services, id.value,
                                     [&]() -> std::shared_ptr<const Service> {
                                         auto row = select_service(c(), t, id);
                                         return row ? std::make_shared<const Service>(std::move(*row)) : nullptr;
                                     });
        });
    }

    std::vector<Service> services(const TenantId& t) override {
        return call(Access::read, [&] { return select_services(c(), t); });
    }

    void put_table_combination(const TenantId& t, const TableCombination& x) override {
        call(Access::write, [&] {
            catalogue_.changed();
            sqlite::put_table_combination(c(), t, x);
        });
    }

    std::vector<TableCombination> table_combinations(const TenantId& t, const ServiceId& s) override {
        return call(Access::read, [&] { return sqlite::table_combinations(c(), t, s); });
    }

    bool delete_table_combination(const TenantId& t, const CombinationId& id) override {
        return call(Access::write, [&] {
            catalogue_.changed();
            return sqlite::delete_table_combination(c(), t, id);
        });
    }

    // --- bookings --------------------------------------------------------

    using Transaction::insert_booking;

    void insert_booking(const TenantId& t, const Booking& b, const Notification* confirmation) override {
        call(Access::write, [&] {
            // Kept on the row when the row alone can say it again (see
            // SLOTWISE_OWED_CONFIRMATION); anything else is an outbox row.
            const bool owed = confirmation && owed_by_row(t, b, *confirmation);
            const auto occupied = b.occupied_interval();
            c().statement(kInsertBooking)
                .run_with(t, b.id, b.service, b.resource, b.interval.begin, b.interval.end, occupied.begin,
                          occupied.end, b.seats, b.buffer_before, b.buffer_after, b.customer.name,
                          b.customer.email, b.customer.phone, b.customer.locale, to_string(b.status),
                          to_string(b.payment_status), b.hold_expires_at, null_if_empty(b.idempotency_key),
                          b.request_fingerprint, b.created_by, b.created_at, b.updated_at, b.checkout_id,
                          b.payment_reference, owed ? std::optional<std::int64_t>(1) : std::nullopt,
                          b.amount_due, b.currency_due, encode_ids(b.other_resources), encode_segments(b.segments),
                          b.series.value, b.party_size);
            write_holds(t, b);
            if (confirmation && !owed) write_notification(c(), *confirmation);
        });
    }

    void update_booking(const TenantId& t, const Booking& b) override {
        const bool updated = call(Access::write, [&] {
            const auto occupied = b.occupied_interval();
            auto s = c().statement(kUpdateBooking);
            s.bind(t, b.id, b.service, b.resource, b.interval.begin, b.interval.end, occupied.begin,
                   occupied.end, b.seats, b.buffer_before, b.buffer_after, b.customer.name,
                   b.customer.email, b.customer.phone, b.customer.locale,
                   std::string(to_string(b.status)), std::string(to_string(b.payment_status)),
                   b.hold_expires_at, b.updated_at, b.checkout_id, b.payment_reference, encode_ids(b.other_resources),
                   encode_segments(b.segments))
                .run();
            if (s.changes() == 0) return false;
            c().statement(kDeleteHolds).bind(t, b.id).run();
            write_holds(t, b);
            return true;
        });
        // Not a storage failure: the transaction stays usable.
        if (!updated) throw Error(Errc::not_found, "booking", "no such booking");
    }

    std::optional<Booking> booking(const TenantId& t, const BookingId& id) override {
        return call(Access::read, [&]() -> std::optional<Booking> {
            auto s = c().statement(kSelectBooking);
            s.bind(t, id);
            if (!s.step()) return std::nullopt;
            return read_booking(s);
        });
    }

    std::optional<Booking> booking_by_idempotency_key(const TenantId& t, const std::string& created_by,
                                                      const std::string& key) override {
        return call(Access::read, [&]() -> std::optional<Booking> {
            if (key.empty()) return std::nullopt;  // "" means "no key", never a match
            auto s = c().statement(kSelectBookingByKey);
            s.bind(t, created_by, key);
            if (!s.step()) return std::nullopt;
            return read_booking(s);
        });
    }

    CustomerHoldings customer_holdings(const TenantId& t, const std::string& created_by, Instant now,
                                       int cap) override {
        return call(Access::read, [&] {
            const auto count = [&](const char* sql, std::int64_t lowest_start) {
                auto s = c().statement(sql);
                s.bind(t, created_by, now, std::max(cap, 0), lowest_start);
                return s.step() ? s.small(0) : 0;
            };
            const int pending = count(kCountPendingByCreator, kLowest);
            const int pending_future = count(kCountPendingByCreator, seconds(now));
            auto s = c().statement(kCountConfirmedByCreator);
            s.bind(t, created_by, now, std::max(cap, 0));
            const int confirmed_future = s.step() ? s.small(0) : 0;
            return CustomerHoldings{.pending = pending,
                                    .active_future = std::min(cap, pending_future + confirmed_future)};
        });
    }

    std::vector<Booking> active_bookings(const TenantId& t, const ResourceId& r, Interval range,
                                         Instant now) override {
        return call(Access::read, [&] {
            auto s = c().statement(kSelectActiveBookings);
            s.bind(t, r, range.begin, range.end, now, kLowest);
            return read_bookings(s);
        });
    }

    std::vector<Booked> occupancy(const TenantId& t, const ResourceId& r, Interval range,
                                  Instant now) override {
        return call(Access::read, [&] {
            std::vector<Booked> out;
            auto s = c().statement(kSelectOccupancy);
            s.bind(t, r, range.begin, range.end, now, kLowest);
            while (s.step()) {
                out.push_back({.interval = {s.at(0), s.at(1)}, .seats = s.small(2),
                               .buffer_before = s.minutes(3), .buffer_after = s.minutes(4)});
            }
            return out;
        });
    }

    std::vector<Instant> counted_starts(const TenantId& t, const ServiceId& sv, const ResourceId& r, Interval range,
                                        Instant now) override {
        return call(Access::read, [&] {
            std::vector<Instant> out;
            auto s = c().statement(kSelectCountedStarts);
            s.bind(t, r, range.begin, range.end, now, kLowest, sv);
            while (s.step()) out.push_back(s.at(0));
            return out;
        });
    }

    int erase_customer(const TenantId& t, const std::string& created_by, Instant now) override {
        return call(Access::write, [&] {
            erased_ = true;
            return sqlite::erase_customer(c(), t, created_by, now);
        });
    }

    std::optional<Booking> booking_by_payment_reference(const TenantId& t,
                                                        const std::string& reference) override {
        return call(Access::read, [&]() -> std::optional<Booking> {
            auto s = c().statement(kSelectBookingByPaymentReference);
            s.bind(t, reference);
            if (!s.step()) return std::nullopt;
            return read_booking(s);
        });
    }

    // --- payments --------------------------------------------------------

    // With a master key the secrets are sealed (secrets.hpp); without one a
    // live key is refused here, where every path that stores settings meets
    // it, and test keys are stored as given. Not a storage failure: the
    // transaction stays usable.
    void put_payment_settings(const TenantId& t, const PaymentSettings& p) override {
        const std::string& key = pool_->options().master_key;
        if (key.empty() && is_live_key(p.secret_key)) {
            throw Error(Errc::not_configured, "secret_key",
                        "a live key is stored only encrypted: open the store with a master_key");
        }
        call(Access::write, [&] {
            if (key.empty()) {
                c().statement(kUpsertPaymentSettings).bind(t, p.provider, p.secret_key, p.webhook_secret).run();
                return;
            }
            c().statement(kUpsertPaymentSettings)
                .bind(t, p.provider, seal(key, t.value, "secret_key", p.secret_key),
                      seal(key, t.value, "webhook_secret", p.webhook_secret))
                .run();
        });
    }

    std::optional<PaymentSettings> payment_settings(const TenantId& t) override {
        return call(Access::read, [&]() -> std::optional<PaymentSettings> {
            auto s = c().statement(kSelectPaymentSettings);
            s.bind(t);
            if (!s.step()) return std::nullopt;
            return PaymentSettings{.provider = s.text(0), .secret_key = readable_secret(t, "secret_key", s.text(1)),
                                   .webhook_secret = readable_secret(t, "webhook_secret", s.text(2))};
        });
    }

    void put_policy(const TenantId& t, const TenantPolicy& p) override {
        policy_.reset();
        call(Access::write, [&] {
            catalogue_.changed();
            sqlite::write_policy(c(), t, p);
        });
    }
    std::optional<TenantPolicy> policy(const TenantId& t) override {
        // book() asks twice (its limits, its notification cap): read once,
        // and from the connection's cached catalogue while it holds.
        return call(Access::read, [&] {
            if (!policy_ || policy_->first != t.value) {
                policy_.emplace(t.value, catalogue_.policy(t, [&] { return sqlite::select_policy(c(), t); }));
            }
            return policy_->second;
        });
    }

    // Payment records (payments.cpp).
    bool record_payment_event(const TenantId& t, const std::string& provider, const std::string& event_id,
                              const std::string& type, Instant received_at) override {
        return call(Access::write, [&] { return sqlite::record_payment_event(c(), t, provider, event_id, type, received_at); });
    }
    void insert_checkout_session(const TenantId& t, const CheckoutSession& cs) override {
        call(Access::write, [&] { sqlite::insert_checkout_session(c(), t, cs); });
    }
    std::vector<CheckoutSession> checkout_sessions(const TenantId& t, const BookingId& b) override {
        return call(Access::read, [&] { return sqlite::checkout_sessions(c(), t, b); });
    }
    bool close_checkout_session(const TenantId& t, const std::string& session_id, Instant at) override {
        return call(Access::write, [&] { return sqlite::close_checkout_session(c(), t, session_id, at); });
    }
    std::vector<CheckoutSession> checkouts_to_close(Instant now, int limit) override {
        return call(Access::read, [&] { return sqlite::checkouts_to_close(c(), now, limit); });
    }
    bool set_checkout_close_by(const TenantId& t, const std::string& session_id, Instant until) override {
        return call(Access::write, [&] { return sqlite::set_checkout_close_by(c(), t, session_id, until); });
    }
    void insert_unmatched_payment(const TenantId& t, const UnmatchedPayment& p) override {
        call(Access::write, [&] { sqlite::insert_unmatched_payment(c(), t, p); });
    }
    std::vector<UnmatchedPayment> unmatched_payments(const TenantId& t, int limit) override {
        return call(Access::read, [&] { return sqlite::unmatched_payments(c(), t, limit); });
    }

    // API keys (api_keys.cpp).
    void insert_api_key(const ApiKey& k) override {
        call(Access::write, [&] { sqlite::insert_api_key(c(), k); });
    }
    std::optional<ApiKey> api_key_by_hash(const std::string& hash) override {
        return call(Access::read, [&] { return sqlite::api_key_by_hash(c(), hash); });
    }
    std::vector<ApiKey> api_keys(const TenantId& t) override {
        return call(Access::read, [&] { return sqlite::api_keys(c(), t); });
    }
    bool revoke_api_key(const TenantId& t, const std::string& id, Instant at) override {
        return call(Access::write, [&] { return sqlite::revoke_api_key(c(), t, id, at); });
    }

    // A tenant's own notification texts (messages.cpp).
    void put_message_text(const TenantId& t, const MessageText& m) override {
        call(Access::write, [&] { sqlite::put_message_text(c(), t, m); });
    }
    std::vector<MessageText> message_texts(const TenantId& t) override {
        return call(Access::read, [&] { return sqlite::message_texts(c(), t); });
    }
    bool delete_message_text(const TenantId& t, NotificationKind kind, const std::string& locale) override {
        return call(Access::write, [&] { return sqlite::delete_message_text(c(), t, kind, locale); });
    }

    // --- outbox ----------------------------------------------------------

    void insert_notification(const Notification& n) override {
        call(Access::write, [&] {
            // A later notification never overtakes the booking's confirmation.
            move_confirmation(c(), n.tenant, n.booking);
            write_notification(c(), n);
        });
    }

    int notifications_by_creator(const TenantId& t, const std::string& created_by, Instant since,
                                 int cap) override {
        return call(Access::read, [&] {
            auto s = c().statement(kCountNotificationsByCreator);
            s.bind(t, created_by, since, std::max(cap, 0));
            s.step();
            return std::min(s.small(0), std::max(cap, 0));
        });
    }

    void insert_waitlist_entry(const TenantId& t, const WaitlistEntry& e) override {
        call(Access::write, [&] { sqlite::insert_waitlist_entry(c(), t, e); });
    }
    bool update_waitlist_entry(const TenantId& t, const WaitlistEntry& e) override {
        return call(Access::write, [&] { return sqlite::update_waitlist_entry(c(), t, e); });
    }
    std::optional<WaitlistEntry> waitlist_entry(const TenantId& t, const WaitlistEntryId& id) override {
        return call(Access::read, [&] { return sqlite::waitlist_entry(c(), t, id); });
    }
    std::vector<WaitlistEntry> waiting_entries(const TenantId& t, Interval starts, int limit) override {
        return call(Access::read, [&] { return sqlite::waiting_entries(c(), t, starts, limit); });
    }
    int waiting_by_creator(const TenantId& t, const std::string& created_by, int cap) override {
        return call(Access::read, [&] { return sqlite::waiting_by_creator(c(), t, created_by, cap); });
    }
    std::vector<LapsedBooking> lapsed_bookings(const LapseCursor& after, Instant now, int limit) override {
        return call(Access::read, [&] { return sqlite::lapsed_bookings(c(), after, now, limit); });
    }
    LapseCursor lapse_cursor() override {
        return call(Access::read, [&] { return sqlite::lapse_cursor(c()); });
    }
    void set_lapse_cursor(const LapseCursor& cursor) override {
        call(Access::write, [&] { sqlite::set_lapse_cursor(c(), cursor); });
    }

    std::vector<Notification> take_notifications(Instant now, int limit) override {
        return call(Access::write, [&] { return sqlite::take_notifications(c(), now, limit); });
    }

    bool mark_notification_sent(const TenantId& t, const std::string& id, Instant now) override {
        return call(Access::write, [&] { return sqlite::mark_notification_sent(c(), t, id, now); });
    }

    std::vector<Notification> notifications(const TenantId& t, const BookingId& b) override {
        return call(Access::read, [&] { return sqlite::notifications(c(), t, b); });
    }

    // One indexed read each: in process, a batch saves no round trip.
    std::vector<std::vector<Booked>> occupancies(const TenantId& t, const std::vector<OccupancyQuery>& asks,
                                                 Instant now) override {
        std::vector<std::vector<Booked>> out;
        out.reserve(asks.size());
        for (const auto& a : asks) out.push_back(occupancy(t, a.resource, a.range, now));
        return out;
    }

    std::vector<Booking> bookings(const TenantId& t, const BookingFilter& f) override {
        return call(Access::read, [&]() -> std::vector<Booking> {
            std::int64_t after_start = kLowest;
            std::string after_id;
            if (f.after) {
                auto s = c().statement(kSelectBookingStart);
                s.bind(t, *f.after);
                // A cursor that names no booking of this tenant has nothing after it.
                if (!s.step()) return {};
                after_start = s.integer(0);
                after_id = f.after->value;
            }
            std::optional<std::string> status;
            if (f.status) status = std::string(to_string(*f.status));
            std::optional<std::string> payment;
            if (f.payment_status) payment = std::string(to_string(*f.payment_status));
            std::optional<std::string> series;
            if (f.series) series = f.series->value;
            // The cursor implies start_at >= after_start: folding it into the
            // lower bound makes each page an index range scan that starts at
            // the cursor instead of at `from`.
            const std::int64_t lowest_start =
                std::max(f.from ? seconds(*f.from) : kLowest, after_start);
            auto s = c().statement(kSelectBookings);
            s.bind(t, lowest_start, f.to ? seconds(*f.to) : kHighest, after_start, after_id,
                   f.resource, f.created_by, status, f.now, std::max(f.limit, 0), payment, series);
            return read_bookings(s);
        });
    }

    std::optional<std::int64_t> catalogue_version(const TenantId& t) override {
        return call(Access::read, [&] { return catalogue_.version(t); });
    }

private:
    enum class State { open, committed, failed };

    // A stored secret as the engine gave it: opened when sealed; as stored
    // when it was written before the store had a key.
    std::string readable_secret(const TenantId& t, const char* field, const std::string& stored) const {
        if (!is_sealed(stored)) return stored;
        const std::string& key = pool_->options().master_key;
        if (key.empty()) {
            throw Error(Errc::storage_error,
                        "sqlite: the payment secrets are encrypted and the store was opened without a master_key");
        }
        return unseal(key, t.value, field, stored);
    }

    Connection& c() { return *conn_; }

    // The rows of b.holds(), each with the booking's status and hold.
    void write_holds(const TenantId& t, const Booking& b) {
        const auto holds = b.holds();
        const auto status = to_string(b.status);
        for (std::size_t i = 0; i < holds.size(); ++i) {
            const auto& h = holds[i];
            const auto occupied = h.occupied();
            c().statement(kInsertHold)
                .run_with(t, b.id, static_cast<std::int64_t>(i), h.resource, b.service, occupied.begin, occupied.end,
                          h.interval.begin, h.interval.end, h.buffer_before, h.buffer_after, b.seats, status,
                          b.hold_expires_at);
        }
    }

    // Runs one call of the Transaction interface. A failed call rolls the
    // whole transaction back at once (SQLite may already have done so after
    // an I/O error, and later statements would then run outside any
    // transaction) and leaves it unusable; so does any failure of commit().
    template <class F>
    auto call(Access need, F&& f) -> decltype(f()) {
        if (state_ != State::open) {
            throw Error(Errc::storage_error,
                        state_ == State::committed
                            ? "sqlite: the transaction has already committed"
                            : "sqlite: the transaction failed earlier and was rolled back");
        }
        try {
            if (need == Access::write && access_ == Access::read) {
                throw Error(Errc::storage_error, "sqlite: a read transaction cannot write");
            }
            return f();
        } catch (...) {
            state_ = State::failed;
            finish();
            throw;
        }
    }

    // Gives the connection back (rolling back whatever is open), then the
    // process's writer turn.
    void finish() noexcept {
        if (conn_) pool_->release(std::move(conn_));
        writer_turn_.end();
    }

    std::shared_ptr<Pool> pool_;
    const std::chrono::steady_clock::time_point deadline_;  // for the write lock
    WriterTurn writer_turn_;  // before conn_: taken first, ended last
    std::unique_ptr<Connection> conn_;
    const Access access_;
    State state_ = State::open;
    bool erased_ = false;  // erase_customer ran: the WAL's old frames must go after the commit
    CatalogueReader catalogue_{*conn_};
    std::optional<std::pair<std::string, std::optional<TenantPolicy>>> policy_;  // the last tenant's, as read here
};

}  // namespace

std::unique_ptr<Transaction> begin_transaction(std::shared_ptr<Pool> pool, Access access) {
    return std::make_unique<SqliteTransaction>(std::move(pool), access);
}

}  // namespace slotwise::sqlite
