// What the files of the SQLite adapter share, and nothing a user sees (this
// header is not installed): the prepared-statement wrapper, the connection
// with its statement and catalogue caches, the pool, row decoding, and the
// outbox, payment-record and catalogue helpers the transaction calls.
//
// Nothing in here knows the engine's rules beyond store.hpp's contract. Every
// value reaches SQLite as a bound parameter; strings are bound with their byte
// length, so NUL bytes and SQL metacharacters are stored verbatim.
#pragma once

#include <slotwise/sqlite.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace slotwise::sqlite {

constexpr std::int64_t kLowest = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kHighest = std::numeric_limits<std::int64_t>::max();

// SQLITE_BUSY / SQLITE_LOCKED reach us only once the busy timeout has run
// out: that is storage_busy (retry the whole transaction). Everything else is
// storage_error. No SQLite code leaves the adapter.
[[noreturn]] void fail(int rc, const std::string& message);
[[noreturn]] void fail(sqlite3* db, int rc);
/// What SQLite says went wrong with `rc`, the last result on `db`.
std::string message(sqlite3* db, int rc);
[[noreturn]] void corrupt(const std::string& what);

inline std::int64_t seconds(Instant t) { return t.time_since_epoch().count(); }
inline Instant instant(std::int64_t s) { return Instant{std::chrono::seconds{s}}; }
inline std::int64_t day_number(Date d) { return date::sys_days{d}.time_since_epoch().count(); }
inline Date date_of(std::int64_t n) { return Date{date::sys_days{date::days{n}}}; }

// A day's windows as stored: "540-780,840-1080".
std::string encode_windows(const std::vector<LocalWindow>& windows);
std::vector<LocalWindow> decode_windows(std::string_view text);

// A service's or booking's segments as stored: "busy:30,free:45,busy:20"
// ('' = none).
std::string encode_segments(const std::vector<Segment>& segments);
std::vector<Segment> decode_segments(std::string_view text);
// A list of resource ids as stored, each "<bytes>:<id>" (ids are bytes,
// commas included).
std::string encode_ids(const std::vector<ResourceId>& ids);
std::vector<ResourceId> decode_ids(std::string_view text);

template <class E, std::size_t N>
E decode_enum(std::string_view text, const std::array<std::string_view, N>& names) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) return static_cast<E>(i);
    }
    corrupt("enum value \"" + std::string(text) + "\"");
}

inline std::optional<std::string_view> null_if_empty(const std::string& s) {
    if (s.empty()) return std::nullopt;
    return std::string_view(s);
}

// A cached prepared statement in use: binds by position (?1, ?2, …), steps,
// reads columns, and on destruction resets and clears its bindings so the
// cache can hand it out again.
class Statement {
public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) noexcept : db_(db), stmt_(stmt) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

    /// Binds `values` to ?1, ?2, … in order.
    template <class... Values>
    Statement& bind(const Values&... values) {
        int index = 0;
        (bind_one(++index, values), ...);
        return *this;
    }

    /// Steps once: true when a row is ready, false when done.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        fail(db_, rc);
    }
    /// Runs a statement that returns no rows.
    void run() {
        while (step()) {
        }
    }
    /// Runs a statement that returns no rows and gives SQLite's result
    /// (SQLITE_DONE when it succeeded) instead of throwing: for a caller that
    /// tells some failures apart.
    int run_code() noexcept {
        int rc = SQLITE_ROW;
        while (rc == SQLITE_ROW) rc = sqlite3_step(stmt_);
        return rc;
    }
    /// Binds `values` without copying them (they outlive this call), runs,
    /// and lets go of them before returning: for the hot INSERT, whose
    /// strings SQLite would otherwise copy one by one.
    template <class... Values>
    void run_with(const Values&... values) {
        borrowed_ = true;
        int index = 0;
        (bind_one(++index, values), ...);
        borrowed_ = false;
        run();
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    /// Rows changed by the last run().
    int changes() const noexcept { return sqlite3_changes(db_); }

    std::string text(int col) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
        const int n = sqlite3_column_bytes(stmt_, col);
        return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
    int small(int col) const {
        const auto v = integer(col);
        if (v < INT_MIN || v > INT_MAX) corrupt("integer " + std::to_string(v));
        return static_cast<int>(v);
    }
    bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
    Instant at(int col) const { return instant(integer(col)); }
    Minutes minutes(int col) const { return Minutes{integer(col)}; }
    template <class Tag>
    Id<Tag> id(int col) const {
        return Id<Tag>{text(col)};
    }

private:
    void check(int rc) {
        if (rc != SQLITE_OK) fail(db_, rc);
    }
    void bind_one(int i, std::string_view v) {
        // Explicit length: embedded NUL bytes are data. TRANSIENT: SQLite
        // copies, so temporaries passed to bind() are safe.
        check(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), borrowed_ ? SQLITE_STATIC : SQLITE_TRANSIENT,
                                  SQLITE_UTF8));
    }
    void bind_one(int i, const std::string& v) { bind_one(i, std::string_view(v)); }
    void bind_one(int i, std::int64_t v) { check(sqlite3_bind_int64(stmt_, i, v)); }
    void bind_one(int i, int v) { bind_one(i, static_cast<std::int64_t>(v)); }
    void bind_one(int i, Instant v) { bind_one(i, seconds(v)); }
    void bind_one(int i, Minutes v) { bind_one(i, static_cast<std::int64_t>(v.count())); }
    void bind_one(int i, std::nullopt_t) { check(sqlite3_bind_null(stmt_, i)); }
    template <class Tag>
    void bind_one(int i, const Id<Tag>& v) {
        bind_one(i, std::string_view(v.value));
    }
    template <class T>
    void bind_one(int i, const std::optional<T>& v) {
        if (v) {
            bind_one(i, *v);
        } else {
            bind_one(i, std::nullopt);
        }
    }

    sqlite3* db_;
    sqlite3_stmt* stmt_;
    bool borrowed_ = false;  // bind without copying (run_with)
};

struct CloseDatabase {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};

// What one connection has read of tenants' catalogues (services, resources,
// weekly hours, a resource's overrides and blocks when it has few, the
// tenant's policy), each tenant's valid while its catalogue_version is the
// one it was read under. Committed data only: a transaction that changes a
// catalogue neither reads from nor adds to the cache.
struct CatalogueCache {
    using Overrides = std::map<Date, std::vector<LocalWindow>>;
    struct Tenant {
        std::int64_t version = -1;
        std::unordered_map<std::string, std::shared_ptr<const Service>> services;
        std::unordered_map<std::string, std::optional<Resource>> resources;
        std::unordered_map<std::string, WeeklyHours> hours;
        // All of a resource's overrides or blocks; nullopt when it has more
        // than kMaxCalendarRows (then each question goes to the database).
        std::unordered_map<std::string, std::optional<Overrides>> overrides;
        std::unordered_map<std::string, std::optional<std::vector<Block>>> blocks;
        // The tenant's policy row (nullopt inside: none, the defaults), once read.
        std::optional<std::optional<TenantPolicy>> policy;
        std::size_t rows = 0;  // held in the maps and the policy above
    };
    // Bounds on memory, not a policy: past them the cache starts over. Rows
    // are at most a few hundred bytes (names and reasons are capped), so a
    // connection holds at most a few megabytes.
    static constexpr std::size_t kMaxTenants = 256;
    static constexpr std::int64_t kMaxCalendarRows = 64;
    static constexpr std::size_t kMaxRows = 10'000;
    // Longer keys are never kept (ids are 28 bytes; see the engine's id shape).
    static constexpr std::size_t kMaxKeyBytes = 64;
    std::unordered_map<std::string, Tenant> tenants;
    std::size_t rows = 0;  // held, over all tenants
};

// Whether a loaded value says "no such row": never cached (cached()).
template <class T>
bool is_miss(const T&) {
    return false;
}
inline bool is_miss(const std::shared_ptr<const Service>& v) { return !v; }
inline bool is_miss(const std::optional<Resource>& v) { return !v; }

// How many rows a cached value holds: one, or a resource's overrides or
// blocks.
template <class T>
std::size_t rows_in(const T&) {
    return 1;
}
template <class Rows>
std::size_t rows_in(const std::optional<Rows>& v) requires requires { v->size(); }
{
    return v ? std::max<std::size_t>(v->size(), 1) : 1;
}

// One SQLite connection and its prepared statements, keyed by the address of
// the SQL array (statements.hpp). Used by one transaction (one thread) at a
// time.
class Connection {
public:
    explicit Connection(const SqliteOptions& options);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    sqlite3* handle() const noexcept { return db_.get(); }

    /// How long SQLite retries a busy lock (0 or less: not at all).
    void set_busy_timeout(std::chrono::milliseconds timeout) noexcept;

    /// The cached statement for `sql` (one of the arrays of statements.hpp).
    Statement statement(const char* sql) {
        auto it = cache_.find(sql);
        if (it == cache_.end()) it = cache_.emplace(sql, prepare(sql)).first;
        return Statement(db_.get(), it->second);
    }

    /// Runs one or more statements without caching them (setup, migrations).
    void exec(const char* sql);

    std::int64_t query_integer(const char* sql);

    CatalogueCache& catalogue() noexcept { return catalogue_; }

    /// True when no transaction is open on the connection.
    bool idle() const noexcept { return sqlite3_get_autocommit(db_.get()) != 0; }

    /// Rolls back whatever transaction is open; never throws.
    void rollback_quietly() noexcept;

    /// SQLite's own mark for a checkpoint: a WAL of this many pages.
    static constexpr int kCheckpointPages = 1000;

    /// Pages in the WAL after this connection's last commit (0 when asked
    /// before, or when it has not committed since); asking clears it. SQLite's
    /// automatic checkpoint is off: it would run inside the COMMIT, while the
    /// transaction still holds this process's writer turn, so the pool runs
    /// checkpoints instead (Pool::checkpoint_if_due).
    int take_wal_pages() noexcept { return std::exchange(wal_pages_, 0); }

    /// A passive checkpoint, as SQLite's automatic one: it copies what no
    /// reader still needs and never waits. Returns the pages the WAL held
    /// when it began, or -1 when it failed or was busy (a checkpoint already
    /// running elsewhere); never throws: the WAL is left for a later one.
    int checkpoint() noexcept;

    /// A checkpoint on this connection once its last commit left the WAL
    /// past the mark (migrations, which run before the pool's checkpointer).
    void checkpoint_if_due() noexcept {
        if (take_wal_pages() >= kCheckpointPages) (void)checkpoint();
    }

private:
    static int count_wal_pages(void* self, sqlite3* db, const char* schema, int pages);
    sqlite3_stmt* prepare(const char* sql);

    std::unique_ptr<sqlite3, CloseDatabase> db_;
    std::unordered_map<const char*, sqlite3_stmt*> cache_;
    CatalogueCache catalogue_;
    int wal_pages_ = 0;  // pages in the WAL after this connection's last commit
};

// Brings the schema to the version this build writes, refusing files that
// are not slotwise databases or are newer than this build (schema.cpp).
void migrate(Connection& c);
int schema_version() noexcept;
// The file's version beside this build's, read in a transaction that writes
// nothing.
SchemaState schema_state(Connection& c);
// Applies every pending step in one write transaction and commits it, or,
// with `dry_run`, rolls it back (the steps ran against the file's data, and
// the file is unchanged). Returns the state found under the write lock.
SchemaState apply_migrations(Connection& c, bool dry_run);

// A thread of a file pool's own, with a connection of its own, that runs the
// WAL's passive checkpoints when commits ask (Pool::checkpoint_if_due): once
// the WAL passes the mark, and again each time it has grown by the mark
// since. A checkpoint syncs the WAL and the database file, milliseconds on a
// busy disk: on this thread no booking waits for them.
//
// The WAL starts over only when a writer begins with every page copied, and
// writers that never pause (this thread copies while they append) would grow
// it without end. So once a checkpoint here finds the WAL past
// `wal_size_limit` (and the mark), the next writer of the process copies the
// rest under its writer turn before it begins (Pool::catch_up) and starts the
// WAL over: a short second checkpoint that this process's writers wait for,
// once per `wal_size_limit` of pages. (Starting over at every mark, as
// SQLite's own checkpoint does where writers pause, made 8 booking threads
// on two cores lose a fifth of their bookings to these waits.)
//
// Thread-safe. The thread exists only in the process that opened the pool.
// A store must not be used across fork() (nor must any SQLite connection);
// should a child still commit through one, request() answers false there
// and the commit checkpoints itself, and the destructor neither joins the
// thread (it is not there) nor closes its connection.
class Checkpointer {
public:
    explicit Checkpointer(const SqliteOptions& options);
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;
    /// Finishes a checkpoint under way, then stops the thread.
    ~Checkpointer();

    /// A commit left `wal_pages` in the WAL (0: it wrote nothing): asks for
    /// a checkpoint when they call for one, and returns at once; false when
    /// one is called for in a forked child (then the caller runs it).
    bool request(int wal_pages) noexcept;

    /// Whether a writer should now copy the rest and start the WAL over;
    /// asking clears it.
    bool take_catch_up() noexcept {
        // Read first: every write transaction asks, and a write of the flag
        // each time would bounce its cache line between the writers' cores.
        return catch_up_due_.load(std::memory_order_relaxed) &&
               catch_up_due_.exchange(false, std::memory_order_acquire);
    }

    /// Runs `f` while no checkpoint runs on this thread (SQLite never waits
    /// for another checkpoint: it answers busy). In a forked child, just
    /// runs it.
    template <class F>
    void exclusive(F&& f) {
        if (!in_owner()) return f();
        std::lock_guard lock(running_);
        f();
    }

private:
    bool in_owner() const noexcept;
    void run() noexcept;

    // Never closed in a forked child: SQLite's own locks may have been held
    // by the thread at the fork.
    std::unique_ptr<Connection> connection_;
    const std::int64_t restart_pages_;  // a WAL of this many pages is started over
    const int owner_;  // the pid that started the thread
    std::atomic<bool> catch_up_due_{false};
    std::atomic<int> last_seen_{0};  // pages the WAL held when the last checkpoint here began
    std::mutex mutex_;
    std::condition_variable wake_;
    bool due_ = false;
    bool stop_ = false;
    std::mutex running_;  // held by the thread while it checkpoints
    std::thread thread_;  // last: it starts once the members above exist
};

// Hands each transaction a connection of its own, opening one when none is
// idle. ":memory:" is a database private to one connection, so a memory pool
// has exactly one and a transaction waits (up to the busy timeout) for it:
// memory transactions are serialised.
class Pool {
public:
    /// Opens the first connection, migrates the file and switches it to WAL.
    explicit Pool(SqliteOptions options);

    std::unique_ptr<Connection> acquire();

    /// Serialises this process's write transactions. SQLite's busy handler
    /// polls with sleeps of a millisecond and more, while a booking holds the
    /// lock for well under a tenth of that: writers of one process wait here
    /// and take the lock the moment it is free; other processes still meet
    /// them at SQLite's lock. Waits until `deadline` (the busy timeout from
    /// the start of write()). A semaphore, not a mutex: a transaction may end
    /// on another thread than it began. Not fair: under contention a writer
    /// may be overtaken, never past its deadline.
    void take_writer_turn(std::chrono::steady_clock::time_point deadline) {
        writers_.fetch_add(1, std::memory_order_relaxed);
        if (!writer_.try_acquire_until(deadline)) {
            writers_.fetch_sub(1, std::memory_order_relaxed);
            throw Error(Errc::storage_busy, "sqlite: another write transaction of this process held the lock past "
                                            "the busy timeout");
        }
    }
    void end_writer_turn() noexcept {
        writer_.release();
        writers_.fetch_sub(1, std::memory_order_relaxed);
    }
    /// Some writer of this process holds its turn or waits for it.
    bool writers_present() const noexcept { return writers_.load(std::memory_order_relaxed) > 0; }

    const SqliteOptions& options() const noexcept { return options_; }

    /// Takes a connection back; one that cannot be brought back to idle is
    /// closed instead (never the only one of a memory database).
    void release(std::unique_ptr<Connection> c) noexcept;

    /// After `c` committed and the transaction handed on its writer turn:
    /// when the commit left the WAL past the mark, tells the pool's
    /// checkpointer and returns at once, so no caller waits for its syncs.
    /// In a process forked after the pool was opened (the checkpointer's
    /// thread is not there) it checkpoints on `c` instead.
    void checkpoint_if_due(Connection& c) noexcept {
        const int pages = c.take_wal_pages();
        if (checkpointer_ && checkpointer_->request(pages)) return;
        if (pages >= Connection::kCheckpointPages) (void)c.checkpoint();
    }

    /// Called by a writer holding its turn, before it begins on `c`: when
    /// the checkpointer asks, copies what the WAL gained while it last ran,
    /// so that this writer starts the WAL over (see Checkpointer).
    void catch_up(Connection& c) noexcept {
        if (checkpointer_ && checkpointer_->take_catch_up()) checkpointer_->exclusive([&] { (void)c.checkpoint(); });
    }

    /// Runs `f` (a checkpoint of its own) while the checkpointer runs none.
    template <class F>
    void without_background_checkpoint(F&& f) {
        if (checkpointer_) {
            checkpointer_->exclusive(std::forward<F>(f));
        } else {
            f();
        }
    }

private:
    static constexpr std::size_t kMaxIdle = 16;

    void enable_wal(Connection& c);

    const SqliteOptions options_;
    const bool memory_;
    std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::binary_semaphore writer_{1};
    std::atomic<int> writers_{0};  // holding or waiting for a writer turn
    std::unique_ptr<Checkpointer> checkpointer_;  // none for a memory database (no WAL)
};

// A write transaction's turn among this process's writers (Pool::take_writer_turn).
class WriterTurn {
public:
    WriterTurn(Pool* pool, std::chrono::steady_clock::time_point deadline) : pool_(pool) {
        if (pool_) pool_->take_writer_turn(deadline);
    }
    WriterTurn(const WriterTurn&) = delete;
    WriterTurn& operator=(const WriterTurn&) = delete;
    ~WriterTurn() { end(); }
    void end() noexcept {
        if (pool_) pool_->end_writer_turn();
        pool_ = nullptr;
    }

private:
    Pool* pool_;
};

// Rows, decoded from a statement whose columns are in the order its SQL
// (statements.hpp) lists them (rows.cpp).
Resource read_resource(const Statement& s);
Service read_service(const Statement& s);
Block read_block(const Statement& s);
Booking read_booking(const Statement& s);
std::vector<Booking> read_bookings(Statement& s);
CheckoutSession read_checkout_session(const Statement& s);
UnmatchedPayment read_unmatched_payment(const Statement& s);

// What one transaction knows of the connection's catalogue cache: whether it
// changed a catalogue (then it must neither read nor fill the cache: the cache
// holds committed data only), and the catalogue_version of the last tenant it
// asked about (catalogue_cache.cpp).
class CatalogueReader {
public:
    explicit CatalogueReader(Connection& c) noexcept : c_(&c) {}

    void changed() noexcept { written_ = true; }

    /// Tenant `t`'s catalogue_version as this transaction sees it (nullopt:
    /// no such tenant), read once per transaction and tenant unless the
    /// transaction changed a catalogue, which moves it.
    std::optional<std::int64_t> version(const TenantId& t);

    /// `load()`'s answer for `key` of tenant `t`, from the cache when the
    /// tenant's catalogue is as it was when the entry was read.
    /// A miss (no such row) is answered but never kept: the key is the
    /// caller's string, and keeping misses would let any caller grow the cache
    /// with ids that do not exist.
    template <class Value, class Load>
    Value cached(const TenantId& t, std::unordered_map<std::string, Value> CatalogueCache::Tenant::*map,
                 const std::string& key, Load&& load) {
        auto* entry = key.size() <= CatalogueCache::kMaxKeyBytes ? tenant(t) : nullptr;
        if (entry == nullptr) return load();
        auto& values = entry->*map;
        if (const auto it = values.find(key); it != values.end()) return it->second;
        auto value = load();
        if (is_miss(value) || !make_room()) return value;  // after make_room() failed, `entry` is gone
        const std::size_t n = rows_in(value);
        c_->catalogue().rows += n;
        entry->rows += n;
        values.emplace(key, value);
        return value;
    }

    /// The same, in place: null when the cache may not be used.
    template <class Value, class Load>
    const Value* cached_ref(const TenantId& t, std::unordered_map<std::string, Value> CatalogueCache::Tenant::*map,
                            const std::string& key, Load&& load) {
        auto* entry = key.size() <= CatalogueCache::kMaxKeyBytes ? tenant(t) : nullptr;
        if (entry == nullptr) return nullptr;
        auto& values = entry->*map;
        if (const auto it = values.find(key); it != values.end()) return &it->second;
        if (!make_room()) return nullptr;  // `entry` is gone; the caller asks the database
        auto value = load();
        const std::size_t n = rows_in(value);  // at most kMaxCalendarRows past the bound
        c_->catalogue().rows += n;
        entry->rows += n;
        return &values.emplace(key, std::move(value)).first->second;
    }

    /// Tenant `t`'s policy, from the cache when its catalogue is as it was
    /// when the policy was read.
    template <class Load>
    std::optional<TenantPolicy> policy(const TenantId& t, Load&& load) {
        auto* entry = tenant(t);
        if (entry == nullptr) return load();
        if (entry->policy) return *entry->policy;
        auto value = load();
        if (!make_room()) return value;  // `entry` is gone
        c_->catalogue().rows += 1;
        entry->rows += 1;
        entry->policy = value;
        return value;
    }

    /// Every row `sql` gives for (t, r), added to a Rows by `add`; nullopt
    /// when there are more than the cache keeps.
    template <class Rows, class Add>
    std::optional<Rows> all_rows(const char* sql, const TenantId& t, const ResourceId& r, Add&& add) {
        Rows rows;
        std::int64_t n = 0;
        auto s = c_->statement(sql);
        s.bind(t, r, CatalogueCache::kMaxCalendarRows + 1);
        while (s.step()) {
            if (++n > CatalogueCache::kMaxCalendarRows) return std::nullopt;
            add(s, rows);
        }
        return rows;
    }

private:
    // This tenant's cache entry as of this transaction, or null when the
    // cache must not be used (changed here, or no such tenant).
    CatalogueCache::Tenant* tenant(const TenantId& t);
    // False (and the cache emptied) when it holds as many rows as it may.
    bool make_room() noexcept;

    Connection* c_;
    bool written_ = false;
    std::string checked_tenant_;  // whose catalogue_version was read in this transaction
    std::int64_t checked_version_ = 0;
};

// The outbox (outbox.cpp). A free booking's confirmation may be owed by its
// booking row (owes_confirmation) rather than written as an outbox row; these
// keep that invisible to every reader.

/// Whether `n` can be kept as booking `b`'s owes_confirmation flag: the row
/// alone then says it again, field for field.
bool owed_by_row(const TenantId& t, const Booking& b, const Notification& n);
/// Appends `n` to the outbox table.
void write_notification(Connection& c, const Notification& n);
/// Moves the confirmation booking `b` still owes, if any, into the outbox.
void move_confirmation(Connection& c, const TenantId& t, const BookingId& b);
/// Leases up to `limit` due notifications (Transaction::take_notifications).
std::vector<Notification> take_notifications(Connection& c, Instant now, int limit);
/// Transaction::mark_notification_sent.
bool mark_notification_sent(Connection& c, const TenantId& t, const std::string& id, Instant now);
/// Transaction::notifications.
std::vector<Notification> notifications(Connection& c, const TenantId& t, const BookingId& b);

// Erasure of a customer's personal data (erase.cpp). `erase_customer` is the
// Transaction call, run with secure_delete on so that the freed bytes of the
// rows it rewrites are zeroed; `checkpoint_after_erasure`, after the commit,
// copies the WAL into the database file and truncates it, so no earlier
// frame keeps the old values (best effort: a reader still holding an old
// snapshot keeps them until the next such checkpoint).
int erase_customer(Connection& c, const TenantId& t, const std::string& created_by, Instant now);
void checkpoint_after_erasure(Connection& c) noexcept;
// Services with their resource links, and weekly hours (catalogue_rows.cpp):
// each one call of the Transaction interface.
void write_service(Connection& c, const TenantId& t, const Service& v);
std::optional<Service> select_service(Connection& c, const TenantId& t, const ServiceId& id);
std::vector<Service> select_services(Connection& c, const TenantId& t);
void write_weekly_hours(Connection& c, const TenantId& t, const ResourceId& r, const WeeklyHours& w);
WeeklyHours select_weekly_hours(Connection& c, const TenantId& t, const ResourceId& r);
// Table combinations (combinations.cpp): each one call of the Transaction interface.
void put_table_combination(Connection& c, const TenantId& t, const TableCombination& x);
std::vector<TableCombination> table_combinations(Connection& c, const TenantId& t, const ServiceId& service);
bool delete_table_combination(Connection& c, const TenantId& t, const CombinationId& id);

// Payment records (payments.cpp): each one call of the Transaction interface.
bool record_payment_event(Connection& c, const TenantId& t, const std::string& provider, const std::string& event_id,
                          const std::string& type, Instant received_at);
void insert_checkout_session(Connection& c, const TenantId& t, const CheckoutSession& cs);
std::vector<CheckoutSession> checkout_sessions(Connection& c, const TenantId& t, const BookingId& b);
bool close_checkout_session(Connection& c, const TenantId& t, const std::string& session_id, Instant at);
std::vector<CheckoutSession> checkouts_to_close(Connection& c, Instant now, int limit);
bool set_checkout_close_by(Connection& c, const TenantId& t, const std::string& session_id, Instant until);
void insert_unmatched_payment(Connection& c, const TenantId& t, const UnmatchedPayment& p);
std::vector<UnmatchedPayment> unmatched_payments(Connection& c, const TenantId& t, int limit);
// The tenant policy (payments.cpp, beside the payment settings it sits with).
void write_policy(Connection& c, const TenantId& t, const TenantPolicy& p);
std::optional<TenantPolicy> select_policy(Connection& c, const TenantId& t);

// The waitlist (waitlist.cpp): each one call of the Transaction interface.
void insert_waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntry& e);
bool update_waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntry& e);
std::optional<WaitlistEntry> waitlist_entry(Connection& c, const TenantId& t, const WaitlistEntryId& id);
std::vector<WaitlistEntry> waiting_entries(Connection& c, const TenantId& t, Interval starts, int limit);
int waiting_by_creator(Connection& c, const TenantId& t, const std::string& created_by, int cap);
std::vector<LapsedBooking> lapsed_bookings(Connection& c, const LapseCursor& after, Instant now, int limit);
LapseCursor lapse_cursor(Connection& c);
void set_lapse_cursor(Connection& c, const LapseCursor& cursor);
// API keys (api_keys.cpp): each one call of the Transaction interface.
void insert_api_key(Connection& c, const ApiKey& k);
std::optional<ApiKey> api_key_by_hash(Connection& c, const std::string& hash);
std::vector<ApiKey> api_keys(Connection& c, const TenantId& t);
bool revoke_api_key(Connection& c, const TenantId& t, const std::string& id, Instant at);
// A tenant's own notification texts (messages.cpp): each one call of the Transaction interface.
void put_message_text(Connection& c, const TenantId& t, const MessageText& m);
std::vector<MessageText> message_texts(Connection& c, const TenantId& t);
bool delete_message_text(Connection& c, const TenantId& t, NotificationKind kind, const std::string& locale);

/// What a transaction may do.
enum class Access { read, write };

/// A transaction on a connection of `pool` (transaction.cpp).
std::unique_ptr<Transaction> begin_transaction(std::shared_ptr<Pool> pool, Access access);

}  // namespace slotwise::sqlite
