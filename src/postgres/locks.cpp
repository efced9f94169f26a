// The advisory locks of a PostgreSQL write transaction: transaction-scoped,
// taken once each, retried inside a savepoint when the wait itself fails.
#include "parts.hpp"
#include "statements.hpp"

#include <algorithm>

namespace slotwise::postgres {

void Locks::take(Connection& c, const Pool& pool, std::int64_t key, bool holding_resources) {
    if (!taken_.insert(key).second) return;
    wait_for(c, pool, key, holding_resources, 0);
}

std::vector<Result> Locks::take_with(Connection& c, const Pool& pool, std::int64_t key, bool holding_resources,
                                     bool holding_others, const std::vector<Connection::Step>& then) {
    // A transaction that holds no lock yet is in no cycle of waits: its wait
    // cannot deadlock, and needs no savepoint to be asked again.
    const bool savepoint = !taken_.empty() || holding_others;
    if (!taken_.insert(key).second) return c.run_all(then);
    // The first wait goes in the round trip of the statements that need it.
    static const Params none;
    const auto lock = Params().add(key);
    std::vector<Connection::Step> steps;
    if (savepoint) steps.push_back({kLockSavepoint, &none});
    const auto wait_step = static_cast<int>(steps.size());
    steps.push_back({kAdvisoryLock, &lock});
    if (savepoint) steps.push_back({kReleaseLockSavepoint, &none});
    const auto ahead = static_cast<std::ptrdiff_t>(steps.size());
    steps.insert(steps.end(), then.begin(), then.end());
    std::vector<Result> out;
    const auto failed = c.try_run_all(steps, out);
    if (!failed) {
        out.erase(out.begin(), out.begin() + ahead);
        return out;
    }
    if (!savepoint || failed->step != wait_step) {
        taken_.erase(key);
        fail(*failed);
    }
    undo_failed_wait(c, pool, key, *failed, holding_resources, 0);
    wait_for(c, pool, key, holding_resources, 1);
    return c.run_all(then);
}

void Locks::wait_for(Connection& c, const Pool& pool, std::int64_t key, bool holding_resources, int attempt) {
    const std::string take = std::string(kLockSavepoint) + "; SELECT pg_advisory_xact_lock(" + std::to_string(key) +
                             "); " + kReleaseLockSavepoint;
    for (;; ++attempt) {
        const auto failed = c.try_exec(take);
        if (!failed) return;
        undo_failed_wait(c, pool, key, *failed, holding_resources, attempt);
    }
}

void Locks::undo_failed_wait(Connection& c, const Pool& pool, std::int64_t key, const Failure& failed,
                             bool holding_resources, int attempt) {
    const bool retryable = (failed.sqlstate == "40P01" && !holding_resources) || failed.sqlstate == "40001";
    // A failure of writes sent ahead of the wait is not the wait's.
    if (!retryable || failed.connection_lost || failed.step < 0) {
        taken_.erase(key);
        fail(failed);
    }
    if (const auto undone = c.try_exec("ROLLBACK TO SAVEPOINT sw_lock; RELEASE SAVEPOINT sw_lock")) {
        taken_.erase(key);
        fail(*undone);
    }
    if (attempt >= pool.options().max_retries) {
        taken_.erase(key);
        throw Error(Errc::storage_busy, "postgres: a lock kept failing with " + failed.sqlstate + " after " +
                                            std::to_string(attempt + 1) + " attempts");
    }
    if (const auto& sink = pool.sink()) {
        sink(EngineEvent{.kind = EngineEventKind::storage_retry, .tenant = {}, .booking = {},
                         .detail = "postgres lock " + failed.sqlstate, .at = {}});
    }
}

void Locks::take_resource(Connection& c, const Pool& pool, const TenantId& t, const ResourceId& r) {
    const auto key = resource_key(t, r);
    if (taken_.contains(key)) return;
    take(c, pool, key, !resources_.empty());
    resources_.insert(key);
}

std::vector<Result> Locks::take_resource_with(Connection& c, const Pool& pool, const TenantId& t, const ResourceId& r,
                                              bool holding_others, const std::vector<Connection::Step>& then) {
    const auto key = resource_key(t, r);
    if (taken_.contains(key)) return c.run_all(then);
    auto out = take_with(c, pool, key, !resources_.empty(), holding_others, then);
    resources_.insert(key);
    return out;
}

void Locks::take_held_resources(Connection& c, const Pool& pool, const TenantId& t, const Booking& b) {
    auto held = b.held_resources();
    std::sort(held.begin(), held.end(), [](const ResourceId& x, const ResourceId& y) { return x.value < y.value; });
    for (const auto& r : held) take_resource(c, pool, t, r);
}

}  // namespace slotwise::postgres
