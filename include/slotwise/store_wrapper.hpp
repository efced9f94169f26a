// slotwise/store_wrapper.hpp — a Store that forwards every call to another.
//
// `StoreWrapper` hands out the target store's transactions, each wrapped in a
// `TransactionWrapper` that forwards every call to the target's transaction.
// Derive from them and override only what you want to change: a test that
// makes one call fail, an adapter that counts or logs calls, a store that
// adds a cache in front of another. Whatever you do not override behaves
// exactly as the target does, so a wrapper with no overrides passes the
// storage conformance suite whenever its target does.
//
// Example: a store whose booking transactions fail when they write a
// notification, to show that the booking is not left behind without it.
//
// ```cpp
// struct NoOutbox : slotwise::TransactionWrapper {
//     using TransactionWrapper::TransactionWrapper;
//     void insert_notification(const slotwise::Notification&) override {
//         throw slotwise::Error(slotwise::Errc::storage_error, "outbox unavailable");
//     }
// };
// struct FailingStore : slotwise::StoreWrapper {
//     using StoreWrapper::StoreWrapper;
//     std::unique_ptr<slotwise::Transaction> wrap(std::unique_ptr<slotwise::Transaction> tx) override {
//         return std::make_unique<NoOutbox>(std::move(tx));
//     }
// };
// auto store = std::make_shared<FailingStore>(slotwise::open_sqlite({.path = ":memory:"}));
// ```
//
// Thread-safety: as the target's. A `StoreWrapper` adds no state of its own;
// a `TransactionWrapper`, like every transaction, belongs to one thread.
#pragma once

#include <slotwise/store.hpp>

#include <memory>
#include <utility>

namespace slotwise {

/// A transaction that forwards every call to another (its target).
class TransactionWrapper : public Transaction {
public:
    /// Wraps `target`, which must not be null.
    explicit TransactionWrapper(std::unique_ptr<Transaction> target) : target_(std::move(target)) {}

    /// The wrapped transaction.
    Transaction& target() noexcept { return *target_; }

    void commit() override { target_->commit(); }

    void insert_tenant(const Tenant& t) override { target_->insert_tenant(t); }
    std::optional<Tenant> tenant(const TenantId& id) override { return target_->tenant(id); }
    std::vector<Tenant> tenants(const TenantId& after, int limit) override { return target_->tenants(after, limit); }

    void put_resource(const TenantId& t, const Resource& r) override { target_->put_resource(t, r); }
    std::optional<Resource> resource(const TenantId& t, const ResourceId& id) override {
        return target_->resource(t, id);
    }
    std::vector<Resource> resources(const TenantId& t) override { return target_->resources(t); }
    void put_weekly_hours(const TenantId& t, const ResourceId& r, const WeeklyHours& w) override {
        target_->put_weekly_hours(t, r, w);
    }
    WeeklyHours weekly_hours(const TenantId& t, const ResourceId& r) override { return target_->weekly_hours(t, r); }
    void put_override(const TenantId& t, const ResourceId& r, Date day,
                      const std::vector<LocalWindow>& windows) override {
        target_->put_override(t, r, day, windows);
    }
    bool delete_override(const TenantId& t, const ResourceId& r, Date day) override {
        return target_->delete_override(t, r, day);
    }
    std::map<Date, std::vector<LocalWindow>> overrides(const TenantId& t, const ResourceId& r, Date from,
                                                       Date to) override {
        return target_->overrides(t, r, from, to);
    }

    void insert_block(const TenantId& t, const Block& b) override { target_->insert_block(t, b); }
    bool delete_block(const TenantId& t, const BlockId& id) override { return target_->delete_block(t, id); }
    std::vector<Block> blocks(const TenantId& t, const ResourceId& r, Interval range) override {
        return target_->blocks(t, r, range);
    }

    void put_service(const TenantId& t, const Service& s) override { target_->put_service(t, s); }
    std::optional<Service> service(const TenantId& t, const ServiceId& id) override { return target_->service(t, id); }
    // shared_service stays Transaction's, which calls service(): an override
    // of service() here is then what every read of a service sees.
    std::vector<Service> services(const TenantId& t) override { return target_->services(t); }

    // The two-argument form stays Transaction's, which calls the three-argument one.
    using Transaction::insert_booking;
    void insert_booking(const TenantId& t, const Booking& b, const Notification* confirmation) override {
        target_->insert_booking(t, b, confirmation);
    }
    void update_booking(const TenantId& t, const Booking& b) override { target_->update_booking(t, b); }
    std::optional<Booking> booking(const TenantId& t, const BookingId& id) override { return target_->booking(t, id); }
    std::optional<Booking> booking_by_idempotency_key(const TenantId& t, const std::string& created_by,
                                                      const std::string& key) override {
        return target_->booking_by_idempotency_key(t, created_by, key);
    }
    CustomerHoldings customer_holdings(const TenantId& t, const std::string& created_by, Instant now,
                                       int cap) override {
        return target_->customer_holdings(t, created_by, now, cap);
    }
    int notifications_by_creator(const TenantId& t, const std::string& created_by, Instant since,
                                 int cap) override {
        return target_->notifications_by_creator(t, created_by, since, cap);
    }
    std::vector<Booking> active_bookings(const TenantId& t, const ResourceId& r, Interval range,
                                         Instant now) override {
        return target_->active_bookings(t, r, range, now);
    }
    std::vector<Booked> occupancy(const TenantId& t, const ResourceId& r, Interval range, Instant now) override {
        return target_->occupancy(t, r, range, now);
    }
    std::vector<Instant> counted_starts(const TenantId& t, const ServiceId& s, const ResourceId& r, Interval range,
                                        Instant now) override {
        return target_->counted_starts(t, s, r, range, now);
    }
    std::vector<Booking> bookings(const TenantId& t, const BookingFilter& f) override {
        return target_->bookings(t, f);
    }
    int erase_customer(const TenantId& t, const std::string& created_by, Instant now) override {
        return target_->erase_customer(t, created_by, now);
    }
    std::optional<Booking> booking_by_payment_reference(const TenantId& t, const std::string& reference) override {
        return target_->booking_by_payment_reference(t, reference);
    }

    void put_payment_settings(const TenantId& t, const PaymentSettings& s) override {
        target_->put_payment_settings(t, s);
    }
    std::optional<PaymentSettings> payment_settings(const TenantId& t) override {
        return target_->payment_settings(t);
    }
    void put_table_combination(const TenantId& t, const TableCombination& c) override {
        target_->put_table_combination(t, c);
    }
    std::vector<TableCombination> table_combinations(const TenantId& t, const ServiceId& s) override {
        return target_->table_combinations(t, s);
    }
    bool delete_table_combination(const TenantId& t, const CombinationId& id) override {
        return target_->delete_table_combination(t, id);
    }
    void put_policy(const TenantId& t, const TenantPolicy& p) override { target_->put_policy(t, p); }
    std::optional<TenantPolicy> policy(const TenantId& t) override { return target_->policy(t); }
    bool record_payment_event(const TenantId& t, const std::string& provider, const std::string& event_id,
                              const std::string& type, Instant received_at) override {
        return target_->record_payment_event(t, provider, event_id, type, received_at);
    }
    void insert_checkout_session(const TenantId& t, const CheckoutSession& s) override {
        target_->insert_checkout_session(t, s);
    }
    std::vector<CheckoutSession> checkout_sessions(const TenantId& t, const BookingId& b) override {
        return target_->checkout_sessions(t, b);
    }
    bool close_checkout_session(const TenantId& t, const std::string& session_id, Instant at) override {
        return target_->close_checkout_session(t, session_id, at);
    }
    std::vector<CheckoutSession> checkouts_to_close(Instant now, int limit) override {
        return target_->checkouts_to_close(now, limit);
    }
    bool set_checkout_close_by(const TenantId& t, const std::string& session_id, Instant until) override {
        return target_->set_checkout_close_by(t, session_id, until);
    }
    void insert_unmatched_payment(const TenantId& t, const UnmatchedPayment& p) override {
        target_->insert_unmatched_payment(t, p);
    }
    std::vector<UnmatchedPayment> unmatched_payments(const TenantId& t, int limit) override {
        return target_->unmatched_payments(t, limit);
    }

    void insert_api_key(const ApiKey& k) override { target_->insert_api_key(k); }
    std::optional<ApiKey> api_key_by_hash(const std::string& hash) override { return target_->api_key_by_hash(hash); }
    std::vector<ApiKey> api_keys(const TenantId& t) override { return target_->api_keys(t); }
    bool revoke_api_key(const TenantId& t, const std::string& id, Instant at) override {
        return target_->revoke_api_key(t, id, at);
    }

    void insert_notification(const Notification& n) override { target_->insert_notification(n); }
    void insert_waitlist_entry(const TenantId& t, const WaitlistEntry& e) override {
        target_->insert_waitlist_entry(t, e);
    }
    bool update_waitlist_entry(const TenantId& t, const WaitlistEntry& e) override {
        return target_->update_waitlist_entry(t, e);
    }
    std::optional<WaitlistEntry> waitlist_entry(const TenantId& t, const WaitlistEntryId& id) override {
        return target_->waitlist_entry(t, id);
    }
    std::vector<WaitlistEntry> waiting_entries(const TenantId& t, Interval starts, int limit) override {
        return target_->waiting_entries(t, starts, limit);
    }
    int waiting_by_creator(const TenantId& t, const std::string& created_by, int cap) override {
        return target_->waiting_by_creator(t, created_by, cap);
    }
    std::vector<LapsedBooking> lapsed_bookings(const LapseCursor& after, Instant now, int limit) override {
        return target_->lapsed_bookings(after, now, limit);
    }
    LapseCursor lapse_cursor() override { return target_->lapse_cursor(); }
    void set_lapse_cursor(const LapseCursor& c) override { target_->set_lapse_cursor(c); }

    std::vector<Notification> take_notifications(Instant now, int limit) override {
        return target_->take_notifications(now, limit);
    }
    bool mark_notification_sent(const TenantId& t, const std::string& id, Instant now) override {
        return target_->mark_notification_sent(t, id, now);
    }
    std::vector<Notification> notifications(const TenantId& t, const BookingId& b) override {
        return target_->notifications(t, b);
    }
    std::optional<std::int64_t> catalogue_version(const TenantId& t) override { return target_->catalogue_version(t); }
    void check_catalogue_with_next() override { target_->check_catalogue_with_next(); }

    void put_message_text(const TenantId& t, const MessageText& m) override { target_->put_message_text(t, m); }
    std::vector<MessageText> message_texts(const TenantId& t) override { return target_->message_texts(t); }
    bool delete_message_text(const TenantId& t, NotificationKind kind, const std::string& locale) override {
        return target_->delete_message_text(t, kind, locale);
    }
    std::vector<std::vector<Booked>> occupancies(const TenantId& t, const std::vector<OccupancyQuery>& asks,
                                                 Instant now) override {
        return target_->occupancies(t, asks, now);
    }

private:
    std::unique_ptr<Transaction> target_;
};

/// A store that forwards every call to another (its target), wrapping each
/// transaction the target opens with `wrap()`.
class StoreWrapper : public Store {
public:
    /// Wraps `target`, which must not be null; the wrapper shares it.
    explicit StoreWrapper(std::shared_ptr<Store> target) : target_(std::move(target)) {}

    /// The wrapped store.
    Store& target() noexcept { return *target_; }

    std::unique_ptr<Transaction> read() override { return wrap(target_->read()); }
    std::unique_ptr<Transaction> write() override { return wrap(target_->write()); }
    void set_event_sink(EventSink sink) override { target_->set_event_sink(std::move(sink)); }
    bool write_contended() const noexcept override { return target_->write_contended(); }

protected:
    /// What read() and write() return for a transaction of the target:
    /// override to hand out your own `TransactionWrapper`.
    virtual std::unique_ptr<Transaction> wrap(std::unique_ptr<Transaction> tx) {
        return std::make_unique<TransactionWrapper>(std::move(tx));
    }

private:
    std::shared_ptr<Store> target_;
};

}  // namespace slotwise
