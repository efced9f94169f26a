// What the files of the PostgreSQL adapter share, and nothing a user sees
// (not installed): parameters and results in libpq's binary format, one
// connection with its prepared statements, the pool, the mapping of SQLSTATEs
// to `Errc`, row decoding and the schema migration.
//
// Every user string (ids included) is stored as bytea and sent as a binary
// parameter: NUL bytes and bytes that are not UTF-8 are data. Results come in
// binary format, so bytea needs no unescaping and integers are read by width.
#pragma once

#include <slotwise/error.hpp>
#include <slotwise/postgres.hpp>

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace slotwise::postgres {

inline std::int64_t seconds(Instant t) { return t.time_since_epoch().count(); }
inline Instant instant(std::int64_t s) { return Instant{std::chrono::seconds{s}}; }

[[noreturn]] void corrupt(const std::string& what);

/// Values for one statement, in order ($1, $2, …), each with its type.
/// At most kMaxParams of them: the adapter's statements are fixed text (a
/// booking row, the widest, takes 29), and every statement of a book()
/// builds one, so the types and formats live in place and the values share
/// one buffer: one allocation per Params rather than one per value and per
/// growth of each array.
class Params {
public:
    // book()'s rows in one statement take 59 (kInsertBookingWithRows).
    static constexpr std::size_t kMaxParams = 64;

    static constexpr unsigned kBytea = 17;
    static constexpr unsigned kInt8 = 20;
    static constexpr unsigned kText = 25;

    Params& bytes(std::string_view v) { return push(kBytea, v, 1); }
    Params& text(std::string_view v) { return push(kText, v, 0); }
    Params& integer(std::int64_t v) {
        char digits[24];
        const auto end = std::to_chars(std::begin(digits), std::end(digits), v).ptr;
        return push(kInt8, std::string_view(digits, static_cast<std::size_t>(end - digits)), 0);
    }
    static constexpr unsigned kByteaArray = 1001;
    static constexpr unsigned kInt8Array = 1016;

    /// One-dimensional arrays in the binary format (no NULL elements): a
    /// batch of values in one parameter.
    Params& byte_arrays(const std::vector<std::string>& v) {
        std::string out = array_header(kBytea, v.size());
        for (const auto& e : v) {
            put32(out, static_cast<std::uint32_t>(e.size()));
            out += e;
        }
        return push(kByteaArray, out, 1);
    }
    Params& integer_array(const std::vector<std::int64_t>& v) {
        std::string out = array_header(kInt8, v.size());
        for (const auto e : v) {
            put32(out, 8);
            const auto u = static_cast<std::uint64_t>(e);
            put32(out, static_cast<std::uint32_t>(u >> 32));
            put32(out, static_cast<std::uint32_t>(u));
        }
        return push(kInt8Array, out, 1);
    }
    Params& null(unsigned type) { return place(type, -1, 0); }

    // The types the model uses, by what they are.
    Params& add(std::string_view v) { return bytes(v); }
    Params& add(const std::string& v) { return bytes(v); }
    Params& add(const char* v) { return bytes(v); }
    Params& add(std::int64_t v) { return integer(v); }
    Params& add(int v) { return integer(v); }
    Params& add(Instant v) { return integer(seconds(v)); }
    Params& add(Minutes v) { return integer(v.count()); }
    template <class Tag>
    Params& add(const Id<Tag>& v) {
        return bytes(v.value);
    }
    template <class T>
    Params& add(const std::optional<T>& v) {
        if (v) return add(*v);
        return null(type_of(static_cast<const T*>(nullptr)));
    }

    int size() const noexcept { return static_cast<int>(count_); }
    const unsigned* types() const noexcept { return types_.data(); }
    const int* formats() const noexcept { return formats_.data(); }
    /// Appends `other`'s values from its `from`th on (statements joined into
    /// one: each part's list but the tenant they share).
    Params& append(const Params& other, std::size_t from) {
        for (std::size_t i = from; i < other.count_; ++i) {
            const Slot& v = other.slots_[i];
            if (v.length < 0) {
                place(other.types_[i], -1, other.formats_[i]);
            } else {
                const auto value = std::string_view(other.buffer_).substr(v.offset, static_cast<std::size_t>(v.length));
                push(other.types_[i], value, other.formats_[i]);
            }
        }
        return *this;
    }
    /// Pointers and lengths for libpq; valid while this object lives unchanged.
    void arrays(std::vector<const char*>& values, std::vector<int>& lengths) const;

private:
    static unsigned type_of(const std::string*) { return kBytea; }
    template <class Tag>
    static unsigned type_of(const Id<Tag>*) {
        return kBytea;
    }
    static unsigned type_of(const std::int64_t*) { return kInt8; }
    static unsigned type_of(const int*) { return kInt8; }
    static unsigned type_of(const Instant*) { return kInt8; }
    static unsigned type_of(const Minutes*) { return kInt8; }

    static void put32(std::string& out, std::uint32_t v) {
        for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
    }
    // Dimensions 1, no NULLs, the element type, the length, lower bound 1.
    static std::string array_header(unsigned element, std::size_t n) {
        std::string out;
        put32(out, 1);
        put32(out, 0);
        put32(out, element);
        put32(out, static_cast<std::uint32_t>(n));
        put32(out, 1);
        return out;
    }

    Params& push(unsigned type, std::string_view v, int format) {
        if (v.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
            throw Error(Errc::storage_error, "postgres: a parameter value of 2 GiB or more");
        }
        if (buffer_.capacity() < kBufferStart) buffer_.reserve(kBufferStart);
        const auto at = buffer_.size();
        place(type, static_cast<int>(v.size()), format);
        slots_[count_ - 1].offset = at;
        buffer_.append(v);
        buffer_.push_back('\0');  // libpq reads a text-format value up to its NUL
        return *this;
    }
    Params& place(unsigned type, int length, int format) {
        if (count_ == kMaxParams) {
            throw Error(Errc::storage_error,
                        "postgres: a statement takes at most " + std::to_string(kMaxParams) + " parameters");
        }
        types_[count_] = type;
        slots_[count_] = {0, length};
        formats_[count_] = format;
        ++count_;
        return *this;
    }

    // Enough for a booking row's values in one allocation.
    static constexpr std::size_t kBufferStart = 512;
    // A value's place in buffer_, each followed by a NUL; length -1: NULL.
    struct Slot {
        std::size_t offset;
        int length;
    };
    std::size_t count_ = 0;
    std::array<unsigned, kMaxParams> types_{};
    std::array<Slot, kMaxParams> slots_{};
    std::array<int, kMaxParams> formats_{};
    std::string buffer_;
};

struct ClearResult {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};

/// A statement's result, columns in binary format.
class Result {
public:
    explicit Result(PGresult* r) : r_(r) {}
    int rows() const noexcept { return PQntuples(r_.get()); }
    int columns() const noexcept { return PQnfields(r_.get()); }
    const PGresult* raw() const noexcept { return r_.get(); }
    /// Rows an INSERT, UPDATE or DELETE changed.
    int changed() const;
    bool is_null(int row, int col) const noexcept { return PQgetisnull(r_.get(), row, col) != 0; }
    std::string bytes(int row, int col) const {
        return std::string(PQgetvalue(r_.get(), row, col), static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
    }
    std::int64_t integer(int row, int col) const;
    int small(int row, int col) const;
    bool boolean(int row, int col) const { return integer(row, col) != 0; }
    Instant at(int row, int col) const { return instant(integer(row, col)); }
    /// A timestamptz column as the server sends it in binary: microseconds
    /// since 2000-01-01 UTC, no conversion asked of the server.
    Instant timestamp(int row, int col) const;
    std::optional<Instant> maybe_at(int row, int col) const {
        if (is_null(row, col)) return std::nullopt;
        return at(row, col);
    }
    Minutes minutes(int row, int col) const { return Minutes{integer(row, col)}; }
    template <class Tag>
    Id<Tag> id(int row, int col) const {
        return Id<Tag>{bytes(row, col)};
    }

private:
    std::unique_ptr<PGresult, ClearResult> r_;
};

/// What a failed statement says: SQLSTATE (empty when the connection broke
/// before the server answered) and message.
struct Failure {
    std::string sqlstate;
    std::string message;
    bool connection_lost = false;
    /// Which of a pipeline's steps failed; -1 when it was something sent
    /// before them (a deferred BEGIN, writes sent with the next round trip).
    int step = 0;
};

/// Throws the Error a failure maps to: 23P01 slot_unavailable; 40001,
/// 40P01, 55P03 (lock timeout) and 57014 (cancelled) storage_busy; anything
/// else storage_error.
[[noreturn]] void fail(const Failure& f);

// What one connection has read of tenants' catalogues (services,
// resources, weekly hours, and a resource's overrides and blocks when it has
// few), each tenant's valid while its catalogue_version is the one it was
// read under (catalogue.cpp). Committed data only: a transaction that
// changes a catalogue neither reads from nor adds to the cache.
struct CatalogueCache {
    using Overrides = std::map<Date, std::vector<LocalWindow>>;
    // A value and whether a REPEATABLE READ reader read it, in the snapshot
    // whose catalogue_version labels it. A READ COMMITTED writer's read may
    // be newer than that version (a change committing between the version's
    // read and its own): writers use such values, readers, holding to one
    // snapshot, read again.
    template <class T>
    struct Kept {
        T value;
        bool snapshot = false;
        std::size_t rows = 0;  // of the database, counted toward kMaxRows
    };
    struct Tenant {
        std::int64_t version = -1;
        // Handed out shared (Transaction::shared_service), never changed in
        // place: a service may name hundreds of resources, and a copy is
        // hundreds of allocations.
        std::unordered_map<std::string, Kept<std::shared_ptr<const Service>>> services;
        std::unordered_map<std::string, Kept<Resource>> resources;
        std::unordered_map<std::string, Kept<WeeklyHours>> hours;
        // All of a resource's overrides or blocks; nullopt when it has more
        // than kMaxCalendarRows (then each question goes to the database).
        std::unordered_map<std::string, Kept<std::optional<Overrides>>> overrides;
        std::unordered_map<std::string, Kept<std::optional<std::vector<Block>>>> blocks;
        std::size_t rows = 0;  // held in the maps above
    };
    // Bounds on memory, not a policy: past them the cache starts over.
    static constexpr std::size_t kMaxTenants = 256;
    static constexpr std::int64_t kMaxCalendarRows = 64;
    static constexpr std::size_t kMaxRows = 10'000;
    static constexpr std::size_t kMaxKeyBytes = 64;
    std::unordered_map<std::string, Tenant> tenants;
    std::size_t rows = 0;
    // Moves whenever an entry of `tenants` is dropped, so that a pointer to
    // one is known to be stale (CatalogueReader keeps one).
    std::uint64_t generation = 0;
};

/// Statements sent and round trips made (a pipeline counts once) by every
/// connection of this process so far: what the benchmarks print per call.
struct Traffic {
    std::int64_t statements = 0;
    std::int64_t round_trips = 0;
};
Traffic traffic() noexcept;
void count_traffic(std::int64_t statements, std::int64_t round_trips) noexcept;

struct FinishConnection {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
};

/// One libpq connection, its session settings and prepared statements (keyed
/// by the address of the SQL constant, statements.hpp). Used by one
/// transaction (one thread) at a time.
class Connection {
public:
    /// Connects and sets the session up; storage_error when it cannot.
    Connection(const std::string& dsn, std::chrono::milliseconds lock_timeout);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Runs a statement of statements.hpp, prepared on first use. Throws
    /// (fail) on error.
    Result run(const char* sql, const Params& p);
    /// The same, giving the failure back instead of throwing.
    std::optional<Failure> try_run(const char* sql, const Params& p, std::optional<Result>& out);
    /// One statement of a pipeline: a statement of statements.hpp and its
    /// parameters (which must outlive the call).
    struct Step {
        const char* sql;
        const Params* params;
    };
    /// Runs `steps` in one round trip (libpq's pipeline mode), in order, and
    /// gives their results back; after the first failure the rest are not
    /// run, and that failure is thrown (fail) (pipeline.cpp).
    std::vector<Result> run_all(const std::vector<Step>& steps);
    std::optional<Failure> try_run_all(const std::vector<Step>& steps, std::vector<Result>& out);

    /// Keeps a write whose result nobody reads, to go to the server in the
    /// next round trip, ahead of that call's own statements (a booking's
    /// rows then travel with its COMMIT). Its failure is that call's failure;
    /// a ROLLBACK drops it unsent.
    void write_with_next(const char* sql, Params p) { unsent_.push_back({sql, std::move(p), {}, {}}); }

    /// Checks what the transaction already relied on: a read sent with the
    /// next round trip, ahead of that call's statements, whose answer
    /// `check` is given (with this connection's catalogue cache) as soon as
    /// it arrives, before that call returns; `check` throws to fail the
    /// call. A round trip that commits is never sent with a check in it:
    /// the checks go first, in a round trip of their own.
    /// `tag` names the check for take_back_check.
    using Check = std::function<void(const Result&, CatalogueCache&)>;
    void check_with_next(const char* sql, Params p, Check check, std::string tag) {
        unsent_.push_back({sql, std::move(p), std::move(check), std::move(tag)});
    }
    /// Forgets the check of `sql` tagged `tag` if it is not sent yet (a later
    /// statement answers it).
    void take_back_check(const char* sql, std::string_view tag) {
        const auto it = std::find_if(unsent_.begin(), unsent_.end(), [&](const Unsent& u) {
            return u.sql == sql && u.check && u.tag == tag;
        });
        if (it != unsent_.end()) unsent_.erase(it);
    }

    /// Sends `begin` (a BEGIN) with the next statement, in its round trip,
    /// and not at all when the transaction ends before one (a COMMIT or
    /// ROLLBACK then sends nothing). Should that round trip find the
    /// connection broken (a server restarted since it was last used), the
    /// connection is made again and the round trip repeated once: no
    /// transaction was open on it. Null forgets a BEGIN not sent.
    void begin_with_next(const char* begin) noexcept { deferred_begin_ = begin; }
    /// Forgets a BEGIN and writes not sent yet (the transaction is over).
    void forget_unsent() noexcept {
        deferred_begin_ = nullptr;
        unsent_.clear();
    }

    /// Runs one or more statements without parameters (control, schema).
    void exec(const std::string& sql);
    std::optional<Failure> try_exec(const std::string& sql);

    CatalogueCache& catalogue() noexcept { return catalogue_; }

    /// True while the connection is usable.
    bool ok() const noexcept { return PQstatus(pg_.get()) == CONNECTION_OK; }
    /// True when no transaction is open on it.
    bool idle() const noexcept { return PQtransactionStatus(pg_.get()) == PQTRANS_IDLE; }

private:
    Failure failure(const PGresult* r) const;
    /// The name `sql` is prepared under, preparing it on first use.
    std::optional<Failure> prepare(const char* sql, const Params& p, const std::string*& name);

    // try_run_all, `ends` when `steps` commit: a round trip that may have
    // committed is never made again.
    std::optional<Failure> run_with_unsent(const std::vector<Step>& steps, std::vector<Result>& out, bool ends);
    // The pipeline of try_run_all, once the BEGIN (if any) is in `steps`; on
    // a failure, `out` holds the results of the statements before it.
    std::optional<Failure> pipeline(const std::vector<Step>& steps, std::vector<Result>& out);
    // Connects again after the connection broke: session settings anew,
    // nothing prepared. False when the server cannot be reached.
    bool reconnect();

    std::unique_ptr<PGconn, FinishConnection> pg_;
    std::string settings_;
    const char* deferred_begin_ = nullptr;
    struct Unsent {
        const char* sql;
        Params params;
        Check check;      // empty for a write
        std::string tag;  // check_with_next's
    };
    std::vector<Unsent> unsent_;
    // Scratch for a statement's parameters as libpq takes them (Params::arrays),
    // kept so that each statement does not allocate them afresh.
    std::vector<const char*> values_;
    std::vector<int> lengths_;
    // Scratch for a round trip's statements and their prepared names.
    std::vector<Step> all_steps_;
    std::vector<const std::string*> step_names_;
    std::unordered_map<const char*, std::string> prepared_;
    CatalogueCache catalogue_;
};

/// Hands each transaction a connection, opening one (up to the pool size)
/// when none is idle, and waiting up to the busy timeout otherwise.
class Pool {
public:
    explicit Pool(PostgresOptions options);

    std::unique_ptr<Connection> acquire();
    /// A connection one could not use: closed, its place freed.
    void discard(std::unique_ptr<Connection> c) noexcept;
    /// Takes a connection back; rolled back when needed, closed when broken.
    void release(std::unique_ptr<Connection> c) noexcept;

    const PostgresOptions& options() const noexcept { return options_; }
    void set_event_sink(EventSink sink) { sink_ = std::move(sink); }
    const EventSink& sink() const noexcept { return sink_; }

private:
    void give_back(std::unique_ptr<Connection> c) noexcept;

    const PostgresOptions options_;
    EventSink sink_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    int open_ = 0;  // idle, in use, or being opened
};

/// Brings the schema to this build's version under a session advisory lock
/// (schema.cpp).
void migrate(Connection& c);

// API keys (api_keys.cpp): each one call of the Transaction interface.
void insert_api_key(Connection& c, const ApiKey& k);
std::optional<ApiKey> api_key_by_hash(Connection& c, const std::string& hash);
std::vector<ApiKey> api_keys(Connection& c, const TenantId& t);
bool revoke_api_key(Connection& c, const TenantId& t, const std::string& id, Instant at);
// A tenant's own notification texts (messages.cpp): each one call of the Transaction interface.
void put_message_text(Connection& c, const TenantId& t, const MessageText& m);
std::vector<MessageText> message_texts(Connection& c, const TenantId& t);
bool delete_message_text(Connection& c, const TenantId& t, NotificationKind kind, const std::string& locale);
int schema_version() noexcept;
// The database's version beside this build's; reads only.
SchemaState schema_state(Connection& c);
// Applies the pending steps up to `target` (this build's version, unless a
// test wants an older schema to upgrade from) under the migration lock, each
// in its own transaction, or, with `dry_run`, all in one transaction rolled
// back. Returns the state before.
SchemaState apply_migrations(Connection& c, bool dry_run, int target = schema_version());

// The waitlist (waitlist.cpp): each one call of the Transaction interface.
void insert_waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntry& e);
bool update_waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntry& e);
std::optional<WaitlistEntry> waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntryId& id);
std::vector<WaitlistEntry> waiting_entries(Connection& c, const TenantId& t, Interval starts, int limit);
int waiting_by_creator(Connection& c, const TenantId& t, const std::string& created_by, int cap);
std::vector<LapsedBooking> lapsed_bookings(Connection& c, const LapseCursor& after, Instant now, int limit);
LapseCursor lapse_cursor(Connection& c);
void set_lapse_cursor(Connection& c, const LapseCursor& cursor);

/// What a transaction may do.
enum class Access { read, write };

/// A transaction on a connection of `pool` (transaction.cpp).
std::unique_ptr<Transaction> begin_transaction(std::shared_ptr<Pool> pool, Access access);

// Rows, decoded from results whose columns are in the order statements.hpp
// lists them (rows.cpp).
Resource read_resource(const Result& r, int row);
Service read_service(const Result& r, int row);
Block read_block(const Result& r, int row);
Booking read_booking(const Result& r, int row);
std::vector<Booking> read_bookings(const Result& r);
CheckoutSession read_checkout_session(const Result& r, int row);
UnmatchedPayment read_unmatched_payment(const Result& r, int row);
Notification read_notification(const Result& r, int row);
std::string encode_windows(const std::vector<LocalWindow>& windows);
std::vector<LocalWindow> decode_windows(std::string_view text);
// A service's or booking's segments ("busy:30,free:45,busy:20", "" = none)
// and a booking's further resources (each "<bytes>:<id>"), as stored.
std::string encode_segments(const std::vector<Segment>& segments);
std::vector<Segment> decode_segments(std::string_view text);
std::string encode_ids(const std::vector<ResourceId>& ids);
std::vector<ResourceId> decode_ids(std::string_view text);

}  // namespace slotwise::postgres
