// A libpq connection of the adapter: connecting with the session settings,
// prepared statements, binary results, the mapping of SQLSTATEs to `Errc`,
// and the pool that hands connections to transactions and replaces broken
// ones.
#include "internal.hpp"
#include "statements.hpp"

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstring>
#include <utility>

namespace slotwise::postgres {

namespace {
std::atomic<std::int64_t> statements_sent{0};
std::atomic<std::int64_t> round_trips_made{0};
}  // namespace

Traffic traffic() noexcept {
    return {statements_sent.load(std::memory_order_relaxed), round_trips_made.load(std::memory_order_relaxed)};
}

void count_traffic(std::int64_t statements, std::int64_t round_trips) noexcept {
    statements_sent.fetch_add(statements, std::memory_order_relaxed);
    round_trips_made.fetch_add(round_trips, std::memory_order_relaxed);
}

void corrupt(const std::string& what) {
    throw Error(Errc::storage_error, "postgres: unreadable stored value: " + what);
}

void Params::arrays(std::vector<const char*>& values, std::vector<int>& lengths) const {
    values.clear();
    lengths.clear();
    for (std::size_t i = 0; i < count_; ++i) {
        const Slot& v = slots_[i];
        values.push_back(v.length < 0 ? nullptr : buffer_.data() + v.offset);
        lengths.push_back(std::max(v.length, 0));
    }
}

int Result::changed() const {
    const char* n = PQcmdTuples(r_.get());
    return (n && *n) ? std::atoi(n) : 0;
}

std::int64_t Result::integer(int row, int col) const {
    const auto* p = reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col));
    const int n = PQgetlength(r_.get(), row, col);
    if (n != 1 && n != 2 && n != 4 && n != 8) corrupt("an integer of " + std::to_string(n) + " bytes");
    // Network byte order, sign-extended from the column's width (bool is one byte).
    std::uint64_t v = (n == 1 || (p[0] & 0x80) == 0) ? 0 : ~std::uint64_t{0};
    for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
    return static_cast<std::int64_t>(v);
}

Instant Result::timestamp(int row, int col) const {
    constexpr std::int64_t kMicros = 1'000'000;
    constexpr std::int64_t kEpoch2000 = 946'684'800;  // 2000-01-01 in Unix seconds
    const std::int64_t us = integer(row, col);
    // Floor division: an instant before 2000 is negative here.
    const std::int64_t s = us / kMicros - (us % kMicros < 0 ? 1 : 0);
    return instant(s + kEpoch2000);
}

int Result::small(int row, int col) const {
    const auto v = integer(row, col);
    if (v < INT_MIN || v > INT_MAX) corrupt("integer " + std::to_string(v));
    return static_cast<int>(v);
}

void fail(const Failure& f) {
    const std::string& s = f.sqlstate;
    if (s == "23P01") {
        throw Error(Errc::slot_unavailable, "start",
                    "the slot is not available (the database's exclusion constraint refused an overlap)");
    }
    if (s == "40001" || s == "40P01" || s == "55P03" || s == "57014") {
        throw Error(Errc::storage_busy, "postgres: " + f.message);
    }
    if (f.connection_lost) throw Error(Errc::storage_error, "postgres: connection lost: " + f.message);
    throw Error(Errc::storage_error, "postgres: " + f.message + (s.empty() ? "" : " (SQLSTATE " + s + ")"));
}

// --- the connection -----------------------------------------------------------

Connection::Connection(const std::string& dsn, std::chrono::milliseconds lock_timeout)
    : pg_(PQconnectdb(dsn.c_str())) {
    if (!pg_) throw Error(Errc::storage_error, "postgres: out of memory while connecting");
    if (PQstatus(pg_.get()) != CONNECTION_OK) {
        std::string why = PQerrorMessage(pg_.get());
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        throw Error(Errc::storage_error, "postgres: cannot connect: " + why);
    }
    // A lock wait longer than the busy timeout ends in 55P03 (storage_busy).
    // Instants cross as epoch seconds, but an interval of days (a resource's
    // longest hold, resource_spans) is taken from an instant in the session's
    // zone: in UTC a day is always 24 hours, as it was when it was measured.
    // Writers begin with a bare BEGIN (kBeginWrite): READ COMMITTED is set
    // here, over any default the connection string or the server sets.
    settings_ = "SET lock_timeout = " + std::to_string(std::max<std::int64_t>(1, lock_timeout.count())) +
                "; SET client_min_messages = warning; SET TimeZone = 'UTC'"
                "; SET default_transaction_isolation = 'read committed'";
    exec(settings_);
}

bool Connection::reconnect() {
    PQreset(pg_.get());
    prepared_.clear();
    return ok() && !try_exec(settings_);
}

Failure Connection::failure(const PGresult* r) const {
    Failure f;
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    if (state) f.sqlstate = state;
    f.message = r ? PQresultErrorMessage(r) : "";
    if (f.message.empty()) f.message = PQerrorMessage(pg_.get());
    while (!f.message.empty() && (f.message.back() == '\n' || f.message.back() == ' ')) f.message.pop_back();
    f.connection_lost = !ok() || f.sqlstate.rfind("08", 0) == 0 || f.sqlstate.rfind("57P0", 0) == 0 ||
                        (r == nullptr);
    return f;
}

std::optional<Failure> Connection::prepare(const char* sql, const Params& p, const std::string*& name) {
    auto it = prepared_.find(sql);
    if (it == prepared_.end()) {
        std::string fresh = "sw" + std::to_string(prepared_.size() + 1);
        count_traffic(0, 1);
        Result prepared(PQprepare(pg_.get(), fresh.c_str(), sql, p.size(), p.types()));
        const auto status = PQresultStatus(prepared.raw());
        if (status != PGRES_COMMAND_OK) return failure(prepared.raw());
        it = prepared_.emplace(sql, std::move(fresh)).first;
    }
    name = &it->second;
    return std::nullopt;
}

std::optional<Failure> Connection::try_run(const char* sql, const Params& p, std::optional<Result>& out) {
    if (deferred_begin_ != nullptr || !unsent_.empty()) {
        std::vector<Result> results;
        if (auto f = try_run_all({{sql, &p}}, results)) return f;
        out.emplace(std::move(results[0]));
        return std::nullopt;
    }
    const std::string* name = nullptr;
    if (auto f = prepare(sql, p, name)) return f;
    p.arrays(values_, lengths_);
    count_traffic(1, 1);
    PGresult* r = PQexecPrepared(pg_.get(), name->c_str(), p.size(), values_.data(), lengths_.data(), p.formats(), 1);
    const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        out.emplace(r);
        return std::nullopt;
    }
    Result hold(r);
    return failure(r);
}

Result Connection::run(const char* sql, const Params& p) {
    std::optional<Result> out;
    if (auto f = try_run(sql, p, out)) fail(*f);
    return std::move(*out);
}

std::optional<Failure> Connection::try_exec(const std::string& sql) {
    // A check's answer must be in before anything commits: what waits to be
    // sent goes first, in a round trip of its own.
    if (sql == kCommit && std::any_of(unsent_.begin(), unsent_.end(), [](const Unsent& u) { return bool(u.check); })) {
        std::vector<Result> ignored;
        if (auto f = run_with_unsent({}, ignored, false)) return f;
    }
    if (!unsent_.empty()) {
        if (sql == "ROLLBACK") {
            unsent_.clear();
        } else {
            // The writes go first; a COMMIT goes in their round trip.
            static const Params none;
            static const std::vector<Step> commit{{kCommit, &none}};
            static const std::vector<Step> nothing;
            const bool ends = sql == kCommit;
            std::vector<Result> ignored;
            if (auto f = run_with_unsent(ends ? commit : nothing, ignored, ends); f || ends) return f;
        }
    }
    if (const char* begin = std::exchange(deferred_begin_, nullptr)) {
        // A transaction that ran nothing has nothing to end.
        if (sql == kCommit || sql == "ROLLBACK") return std::nullopt;
        const std::string both = std::string(begin) + "; " + sql;
        auto failed = try_exec(both);
        if (failed && failed->connection_lost && reconnect()) failed = try_exec(both);
        return failed;
    }
    // PQexec returns the last statement's result; an error stops the rest.
    count_traffic(1, 1);
    Result r(PQexec(pg_.get(), sql.c_str()));
    const auto status = PQresultStatus(r.raw());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return std::nullopt;
    return failure(r.raw());
}

void Connection::exec(const std::string& sql) {
    if (auto f = try_exec(sql)) fail(*f);
}

// --- the pool -----------------------------------------------------------------

Pool::Pool(PostgresOptions options) : options_(std::move(options)) {}

std::unique_ptr<Connection> Pool::acquire() {
    const auto deadline = std::chrono::steady_clock::now() + options_.busy_timeout;
    {
        std::unique_lock lock(mutex_);
        while (idle_.empty() && open_ >= options_.pool_size) {
            if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
                open_ >= options_.pool_size) {
                throw Error(Errc::storage_busy, "postgres: every connection of the pool (" +
                                                    std::to_string(options_.pool_size) +
                                                    ") stayed in use past the busy timeout");
            }
        }
        if (!idle_.empty()) {
            auto c = std::move(idle_.back());
            idle_.pop_back();
            return c;
        }
        ++open_;
    }
    try {
        return std::make_unique<Connection>(options_.dsn, options_.busy_timeout);
    } catch (...) {
        std::lock_guard lock(mutex_);
        --open_;
        available_.notify_one();
        throw;
    }
}

void Pool::discard(std::unique_ptr<Connection> c) noexcept {
    if (!c) return;
    c.reset();
    std::lock_guard lock(mutex_);
    --open_;
    available_.notify_one();
}

void Pool::release(std::unique_ptr<Connection> c) noexcept {
    if (!c) return;
    // A failed or unfinished transaction is ended here; a connection that
    // cannot be brought back to idle is closed instead.
    c->forget_unsent();
    if (c->ok() && !c->idle()) (void)c->try_exec("ROLLBACK");
    if (!c->ok() || !c->idle()) {
        discard(std::move(c));
        return;
    }
    give_back(std::move(c));
}

void Pool::give_back(std::unique_ptr<Connection> c) noexcept {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(c));
    available_.notify_one();
}

}  // namespace slotwise::postgres
