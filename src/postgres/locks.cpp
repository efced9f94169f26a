// The advisory locks of a PostgreSQL write transaction: transaction-scoped,
// taken once each, retried inside a savepoint when the wait itself fails.
#include "parts.hpp"

#include <algorithm>

namespace slotwise::postgres {

void Locks::take(Connection& c, const Pool& pool, std::int64_t key, bool holding_resources) {
    if (!taken_.insert(key).second) return;
    const std::string take = "SAVEPOINT sw_lock; SELECT pg_advisory_xact_lock(" + std::to_string(key) +
                             "); RELEASE SAVEPOINT sw_lock";
    for (int attempt = 0;; ++attempt) {
        const auto failed = c.try_exec(take);
        if (!failed) return;
        const bool retryable = (failed->sqlstate == "40P01" && !holding_resources) || failed->sqlstate == "40001";
        if (!retryable || failed->connection_lost) {
            taken_.erase(key);
            fail(*failed);
        }
        if (const auto undone = c.try_exec("ROLLBACK TO SAVEPOINT sw_lock; RELEASE SAVEPOINT sw_lock")) {
            taken_.erase(key);
            fail(*undone);
        }
        if (attempt >= pool.options().max_retries) {
            taken_.erase(key);
            throw Error(Errc::storage_busy, "postgres: a lock kept failing with " + failed->sqlstate + " after " +
                                                std::to_string(attempt + 1) + " attempts");
        }
        if (const auto& sink = pool.sink()) {
            sink(EngineEvent{.kind = EngineEventKind::storage_retry, .tenant = {}, .booking = {},
                             .detail = "postgres lock " + failed->sqlstate, .at = {}});
        }
    }
}

void Locks::take_resource(Connection& c, const Pool& pool, const TenantId& t, const ResourceId& r) {
    const auto key = resource_key(t, r);
    if (taken_.contains(key)) return;
    take(c, pool, key, !resources_.empty());
    resources_.insert(key);
}

void Locks::take_held_resources(Connection& c, const Pool& pool, const TenantId& t, const Booking& b) {
    auto held = b.held_resources();
    std::sort(held.begin(), held.end(), [](const ResourceId& x, const ResourceId& y) { return x.value < y.value; });
    for (const auto& r : held) take_resource(c, pool, t, r);
}

}  // namespace slotwise::postgres
