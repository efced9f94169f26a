// The parts of a PostgreSQL transaction (transaction.cpp) that live in files
// of their own, one concern each, and nothing a user sees (not installed):
// the advisory locks it takes (locks.cpp), the catalogue's reads and writes
// (catalogue.cpp), bookings and the occupancy rows the exclusion constraint
// sees (bookings.cpp), payment records and settings (payments.cpp) and the
// outbox (outbox.cpp). Each function runs on the connection it is given,
// inside the caller's open transaction; none of them commits.
#pragma once

#include "internal.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace slotwise::postgres {

inline std::int64_t day_number(Date d) { return date::sys_days{d}.time_since_epoch().count(); }
inline Date date_of(std::int64_t n) { return Date{date::sys_days{date::days{n}}}; }

// --- locks (locks.cpp) -----------------------------------------------------------

// A stable 64-bit key for an advisory lock: FNV-1a over the parts, each
// followed by a NUL (so ("ab", "c") and ("a", "bc") differ). Stable across
// processes and builds, which is what makes it a lock between servers (and
// the database's slotwise_resource_lock_key() computes resource_key() the
// same way); a collision only makes two unrelated writers wait for each
// other, as the capacity a transaction learns under a lock is kept with the
// resource's id (CheckedResource).
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

inline std::int64_t resource_key(const TenantId& t, const ResourceId& r) {
    return lock_key("resource", t.value, r.value);
}

/// The transaction-scoped advisory locks one transaction has taken; each is
/// asked for once.
class Locks {
public:
    /// Takes `key`'s lock inside a savepoint, so that a deadlock (40P01) or
    /// serialization failure (40001) while waiting undoes only this wait and
    /// the lock is asked for again: the other party, which the server let
    /// through, finishes meanwhile. Not so when this transaction already
    /// holds another resource's lock (`holding_resources`) and the wait
    /// deadlocks: two writers took shared resources in opposite orders
    /// (services whose groups list them in different orders), the other one
    /// waits for a lock kept here, and asking again would only close the
    /// cycle again; storage_busy at once lets the other finish.
    void take(Connection& c, const Pool& pool, std::int64_t key, bool holding_resources = false);
    /// The same, the first wait sent in the round trip of `then`, whose
    /// results it gives back. `holding_others`: the transaction may hold
    /// locks other than advisory ones (it wrote, or read FOR UPDATE); a
    /// transaction that holds none waits without a savepoint, as no cycle
    /// of waits can pass through it.
    std::vector<Result> take_with(Connection& c, const Pool& pool, std::int64_t key, bool holding_resources,
                                  bool holding_others, const std::vector<Connection::Step>& then);
    /// This tenant and resource's lock.
    void take_resource(Connection& c, const Pool& pool, const TenantId& t, const ResourceId& r);
    /// This tenant and resource's lock, then `then` (take_with).
    std::vector<Result> take_resource_with(Connection& c, const Pool& pool, const TenantId& t, const ResourceId& r,
                                           bool holding_others, const std::vector<Connection::Step>& then);
    /// Every resource `b` holds, in resource-id order (the one order every
    /// writer of several resources takes them in).
    void take_held_resources(Connection& c, const Pool& pool, const TenantId& t, const Booking& b);

private:
    // Waits for `key` inside a savepoint, counting from `attempt`.
    void wait_for(Connection& c, const Pool& pool, std::int64_t key, bool holding_resources, int attempt);
    // After a failed wait: throws unless the wait may be asked again, and
    // rolls it back when it may.
    void undo_failed_wait(Connection& c, const Pool& pool, std::int64_t key, const Failure& failed,
                          bool holding_resources, int attempt);

    std::unordered_set<std::int64_t> taken_;
    std::unordered_set<std::int64_t> resources_;
};

// --- catalogue cache (catalogue_cache.cpp) ---------------------------------------

/// What one transaction knows of its connection's catalogue cache: whether it
/// changed a catalogue (then it neither reads nor fills the cache: the cache
/// holds committed data only), and the catalogue_version of the tenant it
/// last asked about, read once per transaction.
class CatalogueReader {
public:
    template <class T>
    using Map = std::unordered_map<std::string, CatalogueCache::Kept<T>>;

    /// `snapshot`: a REPEATABLE READ reader (CatalogueCache::Kept).
    explicit CatalogueReader(bool snapshot) noexcept : snapshot_(snapshot) {}

    /// Before this transaction changes `t`'s catalogue: bumps its version
    /// (once), which also queues this writer on the tenant's row before any
    /// catalogue row, so writers of one tenant's catalogue never lock rows in
    /// crossing orders; from here on the cache is not used.
    void changed(Connection& c, const TenantId& t);

    /// From here on, a tenant the connection has an entry for is answered
    /// from it at once, and its catalogue_version checked with the
    /// transaction's next statement (Transaction::check_catalogue_with_next);
    /// a moved version drops the entry and throws CatalogueMoved.
    void check_with_next() noexcept { check_with_next_ = true; }

    /// Before a writer's occupancy read of `t` (kWriterSelectOccupancy), which
    /// answers the tenant's catalogue_version itself, after the resource's
    /// lock: takes back a version check of `t` not sent yet.
    void take_back_check(Connection& c, const TenantId& t);
    /// After it, in a transaction that asked for check_with_next: the
    /// catalogue it relies on for `t` must be at `version` (none: no such
    /// tenant), or its entry is dropped and CatalogueMoved thrown. So
    /// book() decides on a catalogue no older than its lock, whenever it
    /// confirmed it before. True when it did confirm it: what find() answers
    /// for `t` is then the database's as of that read.
    bool confirm(Connection& c, const TenantId& t, std::optional<std::int64_t> version);

    /// The kept value of `key`, or null: not kept, kept by a writer and this
    /// is a reader, or the cache may not be used.
    template <class T>
    const T* find(Connection& c, const TenantId& t, Map<T> CatalogueCache::Tenant::*map, const std::string& key) {
        auto* entry = key.size() <= CatalogueCache::kMaxKeyBytes ? tenant(c, t) : nullptr;
        if (entry == nullptr) return nullptr;
        const auto& values = entry->*map;
        const auto it = values.find(key);
        if (it == values.end() || (snapshot_ && !it->second.snapshot)) return nullptr;
        return &it->second.value;
    }

    /// Whether keep() would keep a value of `t` under `key`.
    bool keeps(Connection& c, const TenantId& t, const std::string& key) {
        return key.size() <= CatalogueCache::kMaxKeyBytes && tenant(c, t) != nullptr;
    }

    /// Keeps `value` (`rows` rows of the database) for `key`. Misses are never
    /// kept: keys are callers' strings, and ids that do not exist would grow
    /// the cache without bound.
    template <class T>
    void keep(Connection& c, const TenantId& t, Map<T> CatalogueCache::Tenant::*map, const std::string& key, T value,
              std::size_t rows) {
        if (!keeps(c, t, key) || !make_room(c)) return;
        auto* entry = tenant(c, t);  // again: make_room may have emptied the cache
        if (entry == nullptr) return;
        auto [it, fresh] = (entry->*map).try_emplace(key);
        if (!fresh) {  // a reader's value in place of a writer's: its rows counted once
            c.catalogue().rows -= it->second.rows;
            entry->rows -= it->second.rows;
        }
        it->second = CatalogueCache::Kept<T>{std::move(value), snapshot_, rows};
        c.catalogue().rows += rows;
        entry->rows += rows;
    }

private:
    CatalogueCache::Tenant* tenant(Connection& c, const TenantId& t);
    CatalogueCache::Tenant* find_tenant(Connection& c, const TenantId& t);
    // False (and the cache emptied) when it holds as many rows as it may.
    static bool make_room(Connection& c) noexcept;
    // Whether the catalogue this transaction decides on for `t` stands on
    // checked_version_, and the transaction takes CatalogueMoved (it asked
    // for check_with_next: book() begins again; no other caller does).
    bool relies_on(const TenantId& t) const noexcept {
        return check_with_next_ && !written_ && checked_ && checked_tenant_ == t.value;
    }
    // Drops `tenant`'s entry, for the next transaction to read afresh.
    static void drop(CatalogueCache& cache, const std::string& tenant) noexcept;

    const bool snapshot_;
    bool check_with_next_ = false;
    bool written_ = false;
    bool checked_ = false;
    std::string checked_tenant_;
    std::int64_t checked_version_ = 0;
    // What tenant() last answered for memo_tenant_, while the cache's
    // generation is the one it was found in.
    bool memo_ = false;
    std::string memo_tenant_;
    std::uint64_t memo_generation_ = 0;
    CatalogueCache::Tenant* entry_ = nullptr;
    std::unordered_set<std::string> touched_;
};

// --- catalogue (catalogue.cpp) ---------------------------------------------------

/// The columns of kUpdateResourceColumns that differ between `now` and `was`.
std::int64_t resource_change_mask(const Resource& now, const Resource& was);
/// The columns of kUpdateServiceColumns that differ between `now` and `was`.
std::int64_t service_change_mask(const Service& now, const Service& was);
/// kUpsertService's parameters ($1 … $22).
Params service_params(const TenantId& t, const Service& v);
/// Rewrites a service's resource links (the caller holds its links' lock).
void write_service_resources(Connection& c, const TenantId& t, const Service& v);
std::optional<Service> select_service(Connection& c, const TenantId& t, const ServiceId& id);
std::vector<Service> select_services(Connection& c, const TenantId& t);
/// Rewrites a resource's week (the caller holds the week's lock).
void write_weekly_hours(Connection& c, const TenantId& t, const ResourceId& r, const WeeklyHours& w);
WeeklyHours select_weekly_hours(Connection& c, const TenantId& t, const ResourceId& r);
/// The week in kSelectWeeklyHours's answer.
WeeklyHours read_weekly_hours(const Result& rows);
/// All of a resource's overrides or blocks, or nullopt when it has more than
/// the cache keeps.
std::optional<CatalogueCache::Overrides> select_all_overrides(Connection& c, const TenantId& t, const ResourceId& r);
std::optional<std::vector<Block>> select_all_blocks(Connection& c, const TenantId& t, const ResourceId& r);
/// The parameters of kSelectAllOverrides and kSelectAllBlocks, and what they
/// answer (nullopt: more rows than the cache keeps).
Params all_calendar_rows_params(const TenantId& t, const ResourceId& r);
std::optional<CatalogueCache::Overrides> read_all_overrides(const Result& rows);
std::optional<std::vector<Block>> read_all_blocks(const Result& rows);
/// The rows a resource's kept overrides or blocks stand for: one each, or
/// one for "more than the cache keeps".
template <class T>
std::size_t calendar_rows(const std::optional<T>& all) {
    return all ? all->size() : 1;
}
/// Reads a resource the cache does not hold, and keeps it. What of its
/// calendar the cache does not hold either (week, overrides, blocks), which
/// checking a slot on it reads next, comes in the same round trip and is
/// kept too: a connection's first booking on a resource of a tenant it
/// knows makes one round trip for them, not four. A read of the resource
/// alone brings them as well (three statements more in the same round trip).
std::optional<Resource> read_resource_and_calendar(Connection& c, CatalogueReader& catalogue, const TenantId& t,
                                                   const ResourceId& id);
std::vector<Block> select_blocks(Connection& c, const TenantId& t, const ResourceId& r, Interval range);
std::map<Date, std::vector<LocalWindow>> select_overrides(Connection& c, const TenantId& t, const ResourceId& r,
                                                          Date from, Date to);

// --- bookings (bookings.cpp) -----------------------------------------------------

/// kInsertBooking's parameters, or kUpdateBooking's: the same list without
/// what an update never changes (the booking's identity and origin, the
/// amount due).
enum class BookingWrite { insert, update };
Params booking_params(const TenantId& t, const Booking& b, BookingWrite write);

/// A row of booking_resources as it was before a change.
struct PreviousHold {
    std::int64_t part = 0;
    std::string resource;
    Interval occupied{};
    bool exclusive = false;
    bool active = true;
};
std::vector<PreviousHold> select_previous_holds(Connection& c, const TenantId& t, const BookingId& b);

/// A resource whose bookings a transaction read under its lock: which one
/// (two may share a lock key), the instant it read them at and, when a read
/// of it confirmed the catalogue the transaction relies on
/// (CatalogueReader::confirm) and the catalogue held the resource, whether
/// it has capacity 1.
struct CheckedResource {
    std::string tenant, resource;
    Instant at;
    std::optional<bool> exclusive;
};
/// Those resources, by resource_key.
using CheckedResources = std::unordered_map<std::int64_t, CheckedResource>;

/// A booking_resources row to insert: its statement (kInsertOccupancy, or
/// kInsertCheckedOccupancy on a resource checked with its capacity known)
/// and that statement's parameters.
struct OccupancyRow {
    const char* sql;
    Params params;
};
/// One row per entry of `b.holds()`: what the exclusion constraint sees.
/// `previous`: the rows the change replaces (none for a new booking).
std::vector<OccupancyRow> occupancy_rows(const TenantId& t, const Booking& b, const std::vector<PreviousHold>& previous,
                                         const CheckedResources& checked);
/// Writes those rows, in one round trip.
void write_occupancy(Connection& c, const TenantId& t, const Booking& b, const std::vector<PreviousHold>& previous,
                     const CheckedResources& checked);

/// Inserts a booking, its occupancy rows and its confirmation (if any), sent
/// with the connection's next round trip (Connection::write_with_next).
void write_booking(Connection& c, const TenantId& t, const Booking& b, const CheckedResources& checked,
                   const Notification* confirmation);
/// Updates a booking and replaces its occupancy rows, in two round trips;
/// false when there is no such booking.
bool rewrite_booking(Connection& c, const TenantId& t, const Booking& b, const CheckedResources& checked);

CustomerHoldings count_customer_holdings(Connection& c, const TenantId& t, const std::string& created_by,
                                         Instant now, int cap);
std::vector<Booking> select_bookings(Connection& c, const TenantId& t, const BookingFilter& f);
/// kSelectOccupancy's rows.
std::vector<Booked> read_occupancy(const Result& rows);
/// kWriterSelectOccupancy's rows: the holds that count, in `lapsed`
/// whether any row was a lapsed hold the constraint still counts, and in
/// `version` the tenant's catalogue_version (none: no such tenant).
std::vector<Booked> read_writer_occupancy(const Result& rows, bool& lapsed, std::optional<std::int64_t>& version);
std::vector<Booked> select_occupancy(Connection& c, const TenantId& t, const ResourceId& r, Interval range,
                                     Instant now);
/// occupancy() of each of `asks` in one statement (kSelectOccupancies).
std::vector<std::vector<Booked>> select_occupancies(Connection& c, const TenantId& t,
                                                    const std::vector<OccupancyQuery>& asks, Instant now);

// --- payments (payments.cpp) -----------------------------------------------------

/// Stores the settings, sealed with `master_key` when there is one.
void write_payment_settings(Connection& c, const std::string& master_key, const TenantId& t,
                            const PaymentSettings& p);
std::optional<PaymentSettings> select_payment_settings(Connection& c, const std::string& master_key,
                                                       const TenantId& t);
void write_policy(Connection& c, const TenantId& t, const TenantPolicy& p);
std::optional<TenantPolicy> select_policy(Connection& c, const TenantId& t);
std::vector<CheckoutSession> select_checkout_sessions(Connection& c, const TenantId& t, const BookingId& b);
std::vector<CheckoutSession> select_checkouts_to_close(Connection& c, Instant now, int limit);
void insert_unmatched_payment(Connection& c, const TenantId& t, const UnmatchedPayment& p);
std::vector<UnmatchedPayment> select_unmatched_payments(Connection& c, const TenantId& t, int limit);

// --- outbox (outbox.cpp) ---------------------------------------------------------

/// kInsertNotification's parameters.
Params notification_params(const Notification& n);
void write_notification(Connection& c, const Notification& n);
/// Leases the due rows (the caller holds the outbox's lock).
std::vector<Notification> lease_due_notifications(Connection& c, Instant now, int limit);
std::vector<Notification> select_booking_notifications(Connection& c, const TenantId& t, const BookingId& b);

}  // namespace slotwise::postgres
