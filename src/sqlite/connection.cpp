// A SQLite connection of the adapter: opening it with the store's pragmas,
// its cache of prepared statements, the mapping of SQLite result codes to
// `Errc`, and the pool that hands connections to transactions and makes this
// process's writers wait for each other.
#include "internal.hpp"
#include "statements.hpp"

#include <thread>

#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace slotwise::sqlite {

void fail(int rc, const std::string& message) {
    const int primary = rc & 0xff;
    const Errc code = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) ? Errc::storage_busy
                                                                           : Errc::storage_error;
    throw Error(code, "sqlite: " + message);
}

std::string message(sqlite3* db, int rc) {
    const bool current = db != nullptr && sqlite3_extended_errcode(db) == rc;
    return current ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
}

void fail(sqlite3* db, int rc) { fail(rc, message(db, rc)); }

void corrupt(const std::string& what) {
    throw Error(Errc::storage_error, "sqlite: unreadable stored value: " + what);
}

// --- the connection -----------------------------------------------------------

Connection::Connection(const SqliteOptions& options) {
    // NOMUTEX: the pool never lets two threads use one connection at once.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(options.path.c_str(), &raw, flags,
                                   options.vfs.empty() ? nullptr : options.vfs.c_str());
    db_.reset(raw);
    if (rc != SQLITE_OK) {
        fail(rc, "cannot open \"" + options.path +
                     "\": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_extended_result_codes(raw, 1);
    set_busy_timeout(options.busy_timeout);
    exec(options.synchronous_full ? kSynchronousFull : kSynchronousNormal);
    exec(kCacheSize);
    exec((kJournalSizeLimitPrefix + std::to_string(std::max<std::int64_t>(0, options.wal_size_limit))).c_str());
    // Replaces SQLite's automatic checkpoint, which would run inside the
    // COMMIT, while the transaction still holds this process's writer turn
    // (see checkpoint_if_due).
    sqlite3_wal_hook(raw, &Connection::count_wal_pages, this);
}

int Connection::count_wal_pages(void* self, sqlite3*, const char*, int pages) {
    static_cast<Connection*>(self)->wal_pages_ = pages;
    return SQLITE_OK;
}

int Connection::checkpoint() noexcept {
    int pages = 0;
    int copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &pages, &copied);
    return rc == SQLITE_OK ? pages : -1;
}

Connection::~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
}

void Connection::set_busy_timeout(std::chrono::milliseconds timeout) noexcept {
    const auto ms = std::max<std::int64_t>(0, timeout.count());
    sqlite3_busy_timeout(db_.get(), static_cast<int>(std::min<std::int64_t>(ms, INT_MAX)));
}

sqlite3_stmt* Connection::prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) fail(db_.get(), rc);
    return stmt;
}

void Connection::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        const std::string text = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        fail(rc, text);
    }
}

std::int64_t Connection::query_integer(const char* sql) {
    auto s = statement(sql);
    if (!s.step()) fail(SQLITE_ERROR, std::string("no result from ") + sql);
    return s.integer(0);
}

void Connection::rollback_quietly() noexcept {
    // SQLite rolls back on its own after some errors (I/O, full disk):
    // then there is nothing left to roll back.
    if (idle()) return;
    try {
        statement(kRollback).run();
    } catch (...) {  // NOLINT(bugprone-empty-catch): the pool drops a connection left non-idle
    }
}

// --- the pool -----------------------------------------------------------------

namespace {

std::string query_text(Connection& c, const char* sql) {
    auto s = c.statement(sql);
    if (!s.step()) fail(SQLITE_ERROR, std::string("no result from ") + sql);
    return s.text(0);
}

std::string lower(std::string s) {
    for (char& ch : s) {
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    }
    return s;
}

}  // namespace

// Creates the database file readable by its owner alone (umask aside), so
// that SQLite, which gives the -wal and -shm files the database's mode,
// creates those 0600 too. An existing file keeps its mode: the host chose it.
// The file is made under a temporary name, closed, then linked into place:
// closing a descriptor of a file drops every POSIX lock this process holds
// on it, so no descriptor of the database itself may ever be closed here
// while another connection of this process may have it open.
static void create_private_file(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) return;
    std::string temp = path + ".new-XXXXXX";
    const int fd = ::mkstemp(temp.data());
    if (fd < 0) return;  // sqlite3_open_v2 reports why, in its words
    const bool ready = ::fchmod(fd, 0600) == 0;
    ::close(fd);
    // link() never replaces: another opener's file, made an instant ago, wins.
    if (ready) (void)::link(temp.c_str(), path.c_str());
    ::unlink(temp.c_str());
}

Pool::Pool(SqliteOptions options) : options_(std::move(options)), memory_(options_.path == ":memory:") {
    if (!memory_) create_private_file(options_.path);
    auto first = std::make_unique<Connection>(options_);
    migrate(*first);
    // After the checks in migrate(): a foreign or newer file is refused
    // before we change its journal mode.
    if (!memory_) {
        enable_wal(*first);
        checkpointer_ = std::make_unique<Checkpointer>(options_);
    }
    idle_.push_back(std::move(first));
}

std::unique_ptr<Connection> Pool::acquire() {
    std::unique_lock lock(mutex_);
    if (memory_ && !available_.wait_for(lock, options_.busy_timeout, [&] { return !idle_.empty(); })) {
        throw Error(Errc::storage_busy, "sqlite: the in-memory database stayed busy past the busy timeout");
    }
    if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
    }
    lock.unlock();
    return std::make_unique<Connection>(options_);
}

void Pool::release(std::unique_ptr<Connection> c) noexcept {
    c->rollback_quietly();
    std::unique_ptr<Connection> dropped;
    {
        std::lock_guard lock(mutex_);
        if (memory_ || (c->idle() && idle_.size() < kMaxIdle)) {
            idle_.push_back(std::move(c));
        } else {
            dropped = std::move(c);
        }
    }
    available_.notify_one();
}

// WAL lets readers run beside the writer. The switch is made once per file
// and persists. It needs the file to itself and, unlike locking for a
// transaction, does not go through the busy handler, so a store opened while
// another one is still opening the same new file retries here within its
// busy timeout.
void Pool::enable_wal(Connection& c) {
    if (lower(query_text(c, kJournalMode)) == "wal") return;
    const auto deadline = std::chrono::steady_clock::now() + options_.busy_timeout;
    for (;;) {
        try {
            const auto mode = lower(query_text(c, kJournalModeWal));
            if (mode != "wal") fail(SQLITE_ERROR, "cannot switch to WAL (journal mode is " + mode + ")");
            return;
        } catch (const Error& e) {
            if (e.code() != Errc::storage_busy || std::chrono::steady_clock::now() >= deadline) throw;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

}  // namespace slotwise::sqlite
