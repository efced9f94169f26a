// slotwise/store.hpp — the pluggable storage interface.
//
// The engine talks to storage only through `Store` and `Transaction`. An
// adapter (SQLite, PostgreSQL, or your own) implements these two classes;
// tests/store_conformance.hpp is the suite every adapter must pass.
//
// The contract, for adapter authors:
//  - Every call is keyed by tenant, and never returns or changes a row of
//    another tenant. The engine validates all input before it reaches a store.
//  - `Store::write()` starts a transaction that is serialised against every
//    other write transaction on the same data, across threads, processes and
//    servers, *before* the first read in it (SQLite: BEGIN IMMEDIATE;
//    PostgreSQL: a lock per tenant/resource). The engine reads bookings and
//    inserts in one write transaction, so this serialisation is what makes
//    double booking impossible. While another writer holds the lock, `write()`
//    waits up to the adapter's busy timeout, then throws `storage_busy`.
//  - `Store::read()` gives a consistent snapshot; it never blocks writers
//    (except where the adapter says so: SQLite's ":memory:" has a single
//    connection, so there reads and writes take turns).
//  - A `Transaction` rolls back in its destructor unless `commit()` returned.
//    Any storage failure throws `Error(storage_error)` (or `storage_busy`)
//    and leaves the transaction to be rolled back: nothing is half-written.
//    A write whose result nobody reads may be sent with the transaction's
//    next statement, so its failure (an overlap the database refuses, say)
//    may be thrown by a later call of the transaction, `commit()` at the
//    latest; the transaction is failed either way.
//    A `commit()` that fails without knowing whether the data reached
//    durable storage (an I/O error while committing, a connection lost
//    before the answer) throws `commit_in_doubt`: the transaction is then
//    either all there or not there at all, never in part.
//  - A store keeps what it is given and decides nothing: a booking's status
//    is stored as the engine wrote it, and changes only when the engine
//    writes another (a pending booking past its hold is read as expired at
//    `now`, never rewritten).
//  - The outbox: a notification given to `insert_booking` or
//    `insert_notification` is, to every reader, one outbox row, read back as
//    given. Writing a booking row and an outbox row in the transaction meets
//    the contract.
//  - Occupancy: a booking holds `Booking::resource` and each of its
//    `other_resources`, and occupies of each what `Booking::holds()` says
//    (the busy parts of its segments on its first resource). Every question
//    about a resource (`active_bookings`, `occupancy`, `BookingFilter::
//    resource`) answers from the holds of the bookings as last written: a
//    booking is found under every resource it holds, and only those.
//  - Instants are whole seconds; strings are stored byte for byte (NUL
//    bytes included).
//  - A `Store` is safe to use from many threads at once; a `Transaction`
//    belongs to the thread that opened it.
#pragma once

#include <slotwise/api_keys.hpp>
#include <slotwise/events.hpp>
#include <slotwise/message_texts.hpp>
#include <slotwise/model.hpp>
#include <slotwise/notify.hpp>
#include <slotwise/payment.hpp>
#include <slotwise/policy.hpp>
#include <slotwise/waitlist.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace slotwise {

/// Which bookings `Transaction::bookings` returns.
struct BookingFilter {
    std::optional<Instant> from{};            ///< start >= from
    std::optional<Instant> to{};              ///< start < to
    std::optional<ResourceId> resource{};     ///< only bookings holding this resource (any group)
    std::optional<std::string> created_by{};  ///< only this subject's bookings
    /// Status as read at `now`: `pending` means a hold still running (or no
    /// hold), `expired` a pending booking whose hold ended at or before `now`.
    std::optional<BookingStatus> status{};
    Instant now{};                            ///< the moment `status` is judged at
    std::optional<BookingId> after{};         ///< keyset pagination: (start, id) after this booking
    int limit = 100;                          ///< at most this many, 1..1000
    std::optional<PaymentStatus> payment_status{};  ///< only bookings whose payment is in this state
    std::optional<SeriesId> series{};               ///< only the bookings of this series
};

/// What one customer subject holds (`Transaction::customer_holdings`).
struct CustomerHoldings {
    int pending = 0;        ///< pending, requested or offered, before its hold_expires_at
    int active_future = 0;  ///< active and starting at or after now
};

/// One resource and the range `Transaction::occupancies` asks about it.
struct OccupancyQuery {
    ResourceId resource;
    Interval range{};
};

/// Thrown by a transaction whose catalogue reads were answered from a cache
/// it checks late (`Transaction::check_catalogue_with_next`), when the check
/// finds the tenant's catalogue moved on: what was decided on those reads
/// must be decided again in a new transaction. A `storage_busy` Error, so a
/// caller that does not begin again reports it as such.
class CatalogueMoved : public Error {
public:
    CatalogueMoved()
        : Error(Errc::storage_busy, "the tenant's catalogue changed while the request was being checked") {}
};

/// One unit of work against a store. Reads see the transaction's own writes.
class Transaction {
public:
    virtual ~Transaction() = default;

    /// Allows the adapter to answer this transaction's catalogue reads
    /// (services, resources, hours, overrides, blocks) from what its
    /// connection cached, before it has checked that the tenant's
    /// catalogue_version is still the cached one, and to check it with the
    /// transaction's next statement instead of a round trip of its own; a
    /// call that finds it moved throws `CatalogueMoved` (and so does
    /// `commit()` at the latest: nothing commits unchecked). The adapter may
    /// check it again later in the transaction, with the same outcome
    /// (PostgreSQL: with each occupancy read, after the resource's lock, so
    /// that what is decided there stands on the catalogue as it is then).
    /// Called by a caller that begins again on `CatalogueMoved` (book()),
    /// right after `Store::write()`. The default does nothing: reads are
    /// checked first.
    virtual void check_catalogue_with_next() {}

    /// Makes every change durable and visible. After it returns the
    /// transaction is finished; its destructor does nothing.
    virtual void commit() = 0;

    // Tenants.
    virtual void insert_tenant(const Tenant& t) = 0;
    virtual std::optional<Tenant> tenant(const TenantId& id) = 0;
    /// Every tenant, ordered by id, at most `limit` of them after `after`
    /// (empty = from the first). The one read across tenants an operator's
    /// tool makes (the admin CLI's `tenant list`); hosts never need it.
    virtual std::vector<Tenant> tenants(const TenantId& after, int limit) = 0;

    // Resources, with their calendars (weekly hours and date overrides).
    /// Inserts or replaces the resource's row (not its calendar).
    virtual void put_resource(const TenantId& t, const Resource& r) = 0;
    virtual std::optional<Resource> resource(const TenantId& t, const ResourceId& id) = 0;
    /// All resources, ordered by id.
    virtual std::vector<Resource> resources(const TenantId& t) = 0;
    virtual void put_weekly_hours(const TenantId& t, const ResourceId& r, const WeeklyHours& w) = 0;
    virtual WeeklyHours weekly_hours(const TenantId& t, const ResourceId& r) = 0;
    /// Sets the windows of one date (empty = closed).
    virtual void put_override(const TenantId& t, const ResourceId& r, Date day,
                              const std::vector<LocalWindow>& windows) = 0;
    /// Removes a date's override; false when there was none.
    virtual bool delete_override(const TenantId& t, const ResourceId& r, Date day) = 0;
    /// Overrides of dates in [from, to].
    virtual std::map<Date, std::vector<LocalWindow>> overrides(const TenantId& t, const ResourceId& r,
                                                               Date from, Date to) = 0;

    // Blocks (time off).
    virtual void insert_block(const TenantId& t, const Block& b) = 0;
    /// False when no such block.
    virtual bool delete_block(const TenantId& t, const BlockId& id) = 0;
    /// Blocks of a resource overlapping `range`, ordered by start.
    virtual std::vector<Block> blocks(const TenantId& t, const ResourceId& r, Interval range) = 0;

    // Services.
    /// Inserts or replaces a service and its resource links.
    virtual void put_service(const TenantId& t, const Service& s) = 0;
    virtual std::optional<Service> service(const TenantId& t, const ServiceId& id) = 0;
    /// The same service, shared rather than copied (null: no such service).
    /// A service names up to hundreds of resources, so a copy is as many
    /// allocations: a store that keeps its catalogue cached hands out the
    /// cached value, which stays unchanged however the cache moves on. By
    /// default, a copy of service().
    virtual std::shared_ptr<const Service> shared_service(const TenantId& t, const ServiceId& id) {
        auto s = service(t, id);
        return s ? std::make_shared<const Service>(std::move(*s)) : nullptr;
    }
    /// All services, ordered by id.
    virtual std::vector<Service> services(const TenantId& t) = 0;

    // Table combinations of party services (catalogue, like services).
    /// Inserts or replaces a combination (matched by id).
    virtual void put_table_combination(const TenantId& t, const TableCombination& c) = 0;
    /// The combinations declared for service `s`, ordered by id, each read
    /// back exactly as given (tables in the order given).
    virtual std::vector<TableCombination> table_combinations(const TenantId& t, const ServiceId& s) = 0;
    /// Removes a combination; false when there was none.
    virtual bool delete_table_combination(const TenantId& t, const CombinationId& id) = 0;

    // Bookings.
    /// Inserts a new booking and, when `confirmation` is given, that
    /// notification (as `insert_notification` would), both in this
    /// transaction: either both are committed or neither. From then on the
    /// notification is an outbox row like any other, read back exactly as
    /// given (same id), and it comes before any later notification about the
    /// booking. An adapter is free to store it however it likes, as long as
    /// no reader can tell.
    virtual void insert_booking(const TenantId& t, const Booking& b, const Notification* confirmation) = 0;
    /// Inserts a new booking with no notification.
    void insert_booking(const TenantId& t, const Booking& b) { insert_booking(t, b, nullptr); }
    /// Replaces every mutable field of an existing booking (matched by id).
    virtual void update_booking(const TenantId& t, const Booking& b) = 0;
    virtual std::optional<Booking> booking(const TenantId& t, const BookingId& id) = 0;
    /// The booking subject `created_by` made with idempotency key `key`
    /// (never matches ""). Keys are scoped to (tenant, created_by): two
    /// subjects of one tenant may use the same key for different bookings,
    /// and one never sees or blocks the other's; `insert_booking` refuses
    /// (storage_error) a second booking with the same (tenant, created_by,
    /// key), by the end of its transaction at the latest (see above).
    virtual std::optional<Booking> booking_by_idempotency_key(const TenantId& t, const std::string& created_by,
                                                              const std::string& key) = 0;
    /// What subject `created_by` holds at `now`, each count capped at `cap`
    /// (so the answer costs at most `cap` rows): `pending`, its pending,
    /// requested or offered bookings whose `hold_expires_at` runs past `now`
    /// (slots held without a commitment); `active_future`, its bookings
    /// active at `now` (confirmed, or one of those) that start at or after `now`.
    virtual CustomerHoldings customer_holdings(const TenantId& t, const std::string& created_by, Instant now,
                                               int cap) = 0;
    /// Bookings holding resource `r` that are active at `now` (confirmed,
    /// or pending, requested or offered with `hold_expires_at` after `now`) and of which some hold of `r`
    /// (`Booking::holds()`, buffers included) overlaps `range`, each once,
    /// ordered by (occupied start, id).
    virtual std::vector<Booking> active_bookings(const TenantId& t, const ResourceId& r,
                                                 Interval range, Instant now) = 0;
    /// The holds of `r` of those bookings that overlap `range`, one entry
    /// per hold (interval, seats, buffers), in any order: what the
    /// availability core counts (an adapter can answer from an index alone).
    virtual std::vector<Booked> occupancy(const TenantId& t, const ResourceId& r, Interval range,
                                          Instant now) = 0;
    /// The starts of the bookings of service `s` whose first resource
    /// (`Booking::resource`) is `r`, active at `now` and starting in `range`,
    /// in any order: what the service's booking limits count.
    virtual std::vector<Instant> counted_starts(const TenantId& t, const ServiceId& s, const ResourceId& r,
                                                Interval range, Instant now) = 0;
    /// Bookings matching `f`, ordered by (start, id).
    virtual std::vector<Booking> bookings(const TenantId& t, const BookingFilter& f) = 0;
    /// Forgets what identifies the person behind subject `created_by` in
    /// tenant `t` (GDPR erasure): on each of the bookings it made, the
    /// customer's name, email and phone become empty and the request
    /// fingerprint (which embeds them) becomes "erased"; on every outbox row
    /// about those bookings, sent or not, the recipient, subject, body and
    /// invitation become empty, and an unsent one is marked sent at `now`
    /// (there is no one left to send it to); on each of its waitlist
    /// entries the name, email and phone become empty, and a waiting one
    /// leaves the line (status `left`: no seat is offered to no one). Times,
    /// seats, holds, booking statuses and payments are kept. The adapter leaves no copy of the old values
    /// where its own files or rows could still yield them (SQLite: freed
    /// space zeroed, the WAL checkpointed and truncated after the commit).
    /// Returns how many bookings the subject has in the tenant (all of them
    /// erased); a second call finds nothing left to change.
    virtual int erase_customer(const TenantId& t, const std::string& created_by, Instant now) = 0;
    /// The booking whose `payment_reference` is `reference` (never matches "").
    virtual std::optional<Booking> booking_by_payment_reference(const TenantId& t,
                                                                const std::string& reference) = 0;

    // Payments.
    /// Stores a tenant's provider settings, replacing earlier ones. The
    /// secrets are the most sensitive thing a store holds: an adapter should
    /// encrypt them at rest (SQLite: `SqliteOptions::master_key`), and one
    /// that cannot (no key given) must refuse a live key (`sk_live_…`,
    /// `rk_live_…`) with `not_configured`, leaving the transaction usable:
    /// this is where every path that stores settings meets the rule.
    virtual void put_payment_settings(const TenantId& t, const PaymentSettings& s) = 0;
    /// The settings as given to `put_payment_settings`; `storage_error`, never
    /// other bytes, when stored secrets cannot be decrypted (a wrong key).
    virtual std::optional<PaymentSettings> payment_settings(const TenantId& t) = 0;
    /// Records that a provider event was applied; false (and nothing written)
    /// when this tenant recorded the same provider and event id before.
    virtual bool record_payment_event(const TenantId& t, const std::string& provider,
                                      const std::string& event_id, const std::string& type,
                                      Instant received_at) = 0;
    /// Records a checkout session started for booking `s.booking`; a second
    /// insert of the same (tenant, session id) changes nothing.
    virtual void insert_checkout_session(const TenantId& t, const CheckoutSession& s) = 0;
    /// Every checkout session of a booking, oldest first.
    virtual std::vector<CheckoutSession> checkout_sessions(const TenantId& t, const BookingId& b) = 0;
    /// Marks a session closed at `at` (paid, expired, or expired by the
    /// engine); false when there is no such open session.
    virtual bool close_checkout_session(const TenantId& t, const std::string& session_id, Instant at) = 0;
    /// Open sessions of every tenant whose `close_by` is at or before `now`,
    /// earliest `close_by` first, at most `limit`.
    virtual std::vector<CheckoutSession> checkouts_to_close(Instant now, int limit) = 0;
    /// Sets an open session's `close_by` to `until`, whether it had one or
    /// not: later after a failed attempt to close it (so that it does not
    /// stand before the others), now when its booking can no longer be paid
    /// for. False when there is no such open session.
    virtual bool set_checkout_close_by(const TenantId& t, const std::string& session_id, Instant until) = 0;
    /// Records a verified payment that was not applied; a second record of
    /// the same (tenant, provider, event id) changes nothing.
    virtual void insert_unmatched_payment(const TenantId& t, const UnmatchedPayment& p) = 0;
    /// A tenant's unmatched payments, newest first (by received_at, then
    /// event id descending), at most `limit` (1..1000).
    virtual std::vector<UnmatchedPayment> unmatched_payments(const TenantId& t, int limit) = 0;

    // Tenant policy (policy.hpp).
    /// Stores a tenant's policy, replacing an earlier one.
    virtual void put_policy(const TenantId& t, const TenantPolicy& p) = 0;
    /// The stored policy; nullopt when none was ever stored (the engine then
    /// uses `TenantPolicy{}`).
    virtual std::optional<TenantPolicy> policy(const TenantId& t) = 0;

    // Waitlist (waitlist.hpp).
    /// Adds an entry; its join order is the order of these inserts within
    /// the tenant.
    virtual void insert_waitlist_entry(const TenantId& t, const WaitlistEntry& e) = 0;
    /// Replaces an existing entry's `status` and `offer` (matched by id);
    /// false when there is no such entry.
    virtual bool update_waitlist_entry(const TenantId& t, const WaitlistEntry& e) = 0;
    /// An entry with its `position` (waitlist.hpp).
    virtual std::optional<WaitlistEntry> waitlist_entry(const TenantId& t, const WaitlistEntryId& id) = 0;
    /// Waiting entries whose start lies in `starts`, in join order, at most
    /// `limit`; `position` is left 0.
    virtual std::vector<WaitlistEntry> waiting_entries(const TenantId& t, Interval starts, int limit) = 0;
    /// How many waiting entries subject `created_by` has, counting at most `cap`.
    virtual int waiting_by_creator(const TenantId& t, const std::string& created_by, int cap) = 0;
    /// Bookings of every tenant that has a waiting entry, pending, requested
    /// or offered with `hold_expires_at` at or before `now`, after `after` in
    /// (hold_expires_at, tenant, booking id) order, at most `limit`: the
    /// lapses whose seats `Engine::take_notifications` passes on.
    virtual std::vector<LapsedBooking> lapsed_bookings(const LapseCursor& after, Instant now, int limit) = 0;
    /// Where that scan stopped (`LapseCursor{}` before the first call to
    /// `set_lapse_cursor`), and setting it.
    virtual LapseCursor lapse_cursor() = 0;
    virtual void set_lapse_cursor(const LapseCursor& c) = 0;
    // API keys (api_keys.hpp).
    /// Stores a new key (its `tenant` says whose); `storage_error` for a
    /// second key with the same id or hash.
    virtual void insert_api_key(const ApiKey& k) = 0;
    /// The key with this hash, live or revoked, of any tenant: authenticating
    /// a key is how a request learns its tenant.
    virtual std::optional<ApiKey> api_key_by_hash(const std::string& hash) = 0;
    /// A tenant's keys, revoked ones included, by (created_at, id).
    virtual std::vector<ApiKey> api_keys(const TenantId& t) = 0;
    /// Marks a live key revoked at `at`; false when the tenant has no such live key.
    virtual bool revoke_api_key(const TenantId& t, const std::string& id, Instant at) = 0;

    // Notification outbox.
    /// Adds a notification (its `tenant` says whose), unsent, due at
    /// `created_at`. Every reader gets it back exactly as given (same id,
    /// same fields) but for what the outbox changes: attempts and sent_at.
    virtual void insert_notification(const Notification& n) = 0;
    /// How many notifications about bookings that `created_by` made were
    /// written at or after `since` (confirmations given to `insert_booking`
    /// included), counting at most `cap` (so the answer costs at most about
    /// `cap` rows). The per-customer notification cap of policy.hpp.
    virtual int notifications_by_creator(const TenantId& t, const std::string& created_by, Instant since,
                                         int cap) = 0;
    /// Unsent notifications of every tenant due at `now` (at most `limit`),
    /// tenants served in turn — the earliest due row of each tenant, then the
    /// next of each, and so on, ties by due time — so that no tenant's backlog
    /// delays another's; each leased: attempts + 1 and next due at
    /// now + notification_backoff(attempts). Returned with the new attempts.
    virtual std::vector<Notification> take_notifications(Instant now, int limit) = 0;
    /// Marks one sent; false when there is no such unsent notification.
    virtual bool mark_notification_sent(const TenantId& t, const std::string& id, Instant now) = 0;
    /// A booking's notifications in the order they were written.
    virtual std::vector<Notification> notifications(const TenantId& t, const BookingId& b) = 0;

    /// A number that moves on (within this store, never back to an earlier
    /// value for the tenant) whenever anything of the tenant's catalogue
    /// changes: resources, services and their links, weekly hours, date
    /// overrides, blocks, table combinations. book() checks its rules against
    /// it outside the write lock and, inside, only confirms it; nullopt (the
    /// default: a store that keeps no such number, or an unknown tenant)
    /// makes book() check everything inside the write transaction.
    virtual std::optional<std::int64_t> catalogue_version(const TenantId& /*t*/) { return std::nullopt; }
    // A tenant's own notification texts (message_texts.hpp).
    /// Stores a text, replacing the tenant's earlier one of the same kind and locale.
    virtual void put_message_text(const TenantId& t, const MessageText& m) = 0;
    /// The tenant's texts, each read back exactly as given, in any order.
    virtual std::vector<MessageText> message_texts(const TenantId& t) = 0;
    /// Removes the tenant's text of `kind` in `locale`; false when there was none.
    virtual bool delete_message_text(const TenantId& t, NotificationKind kind, const std::string& locale) = 0;
    // Batched reads.
    /// `occupancy` of several resources at once, each over its own range:
    /// entry i answers `asks[i]` as `occupancy(t, asks[i].resource,
    /// asks[i].range, now)` would. Availability asks this once per call. The
    /// default asks one by one; an adapter whose every statement costs a
    /// round trip answers all of them in one (PostgreSQL).
    virtual std::vector<std::vector<Booked>> occupancies(const TenantId& t, const std::vector<OccupancyQuery>& asks,
                                                         Instant now) {
        std::vector<std::vector<Booked>> out;
        out.reserve(asks.size());
        for (const auto& a : asks) out.push_back(occupancy(t, a.resource, a.range, now));
        return out;
    }
};

/// A storage backend: a factory of transactions. Thread-safe.
class Store {
public:
    virtual ~Store() = default;
    /// A read-only snapshot.
    virtual std::unique_ptr<Transaction> read() = 0;
    /// A write transaction, serialised against all other writers (see above).
    virtual std::unique_ptr<Transaction> write() = 0;
    /// Where to report what the host may want to log or count. An adapter
    /// that retries a transaction or statement after contention (a
    /// PostgreSQL serialization failure or deadlock, say) reports each retry
    /// as an `EngineEventKind::storage_retry` event, from the thread that
    /// retries; one that never retries may ignore the sink. The engine
    /// installs its sink when it is built over the store. Call it before the
    /// store is shared between threads.
    virtual void set_event_sink(EventSink /*sink*/) {}
    /// Whether `book()` should check a request's rules in a read transaction
    /// before taking the write lock, and inside it only confirm them: a
    /// store's policy, asked for each booking. True means another write
    /// transaction of this process holds or waits for the lock now (a hint,
    /// never a promise: a writer of another process, or one arriving a
    /// moment later, is not seen) and the store judges that a shorter hold
    /// is worth a second transaction; alone, checking inside the lock keeps
    /// no one waiting and saves a read transaction. A store whose writers
    /// lock resources one at a time, as they read each one's bookings
    /// (PostgreSQL's advisory locks), answers false: no one lock keeps every
    /// writer waiting while the rules are checked, and a read transaction
    /// first would cost round trips. The SQLite store answers false unless
    /// opened with `check_rules_before_lock` (sqlite.hpp says why). An
    /// adapter that cannot tell whether others wait answers true.
    virtual bool write_contended() const noexcept { return true; }
};

}  // namespace slotwise
