// Several statements of one transaction in one round trip: libpq's pipeline
// mode (libpq 14+). A booking's row, its occupancy rows, its confirmation
// and the COMMIT go to the server together instead of one wait each.
#include "internal.hpp"

#include <utility>

namespace slotwise::postgres {

std::optional<Failure> Connection::try_run_all(const std::vector<Step>& steps, std::vector<Result>& out) {
    return run_with_unsent(steps, out, false);
}

std::optional<Failure> Connection::run_with_unsent(const std::vector<Step>& steps, std::vector<Result>& out,
                                                   bool ends) {
    out.clear();
    if (steps.empty() && unsent_.empty()) return std::nullopt;
    static const Params none;
    const char* begin = std::exchange(deferred_begin_, nullptr);
    // What was unsent goes out now; its list, emptied, keeps its capacity
    // for the next round trip (a booking's rows are queued with every one).
    std::vector<Unsent> unsent;
    unsent.swap(unsent_);
    struct Refill {
        std::vector<Unsent>& sent;
        std::vector<Unsent>& queue;
        ~Refill() {
            sent.clear();
            if (queue.empty()) queue.swap(sent);
        }
    } refill{unsent, unsent_};
    std::vector<Step>& all = all_steps_;
    all.clear();
    if (begin) all.push_back({begin, &none});
    for (const auto& u : unsent) all.push_back({u.sql, &u.params});
    const auto ahead = static_cast<int>(all.size());
    all.insert(all.end(), steps.begin(), steps.end());
    auto failed = pipeline(all, out);
    // No transaction was open before this BEGIN, and none committed unless
    // the steps end it: then the round trip can be made again.
    if (failed && failed->connection_lost && begin && !ends && reconnect()) failed = pipeline(all, out);
    // Each check whose read ran gets its answer, even when a later statement
    // failed: a caller that gets over that failure (a lock wait asked again)
    // goes on without the read.
    const std::size_t first = begin ? 1 : 0;
    for (std::size_t i = 0; i < unsent.size(); ++i) {
        if (unsent[i].check && first + i < out.size()) unsent[i].check(out[first + i], catalogue_);
    }
    if (failed) {
        out.clear();
        failed->step = failed->step >= ahead ? failed->step - ahead : -1;
        return failed;
    }
    out.erase(out.begin(), out.begin() + ahead);
    return std::nullopt;
}

// On a failure, `out` holds the results of the statements before it.
std::optional<Failure> Connection::pipeline(const std::vector<Step>& steps, std::vector<Result>& out) {
    out.clear();
    if (steps.size() == 1) {
        std::optional<Result> one;
        if (auto f = try_run(steps[0].sql, *steps[0].params, one)) {
            f->step = 0;
            return f;
        }
        out.push_back(std::move(*one));
        return std::nullopt;
    }
    // Preparing is synchronous; it happens once per statement and connection.
    std::vector<const std::string*>& names = step_names_;
    names.clear();
    out.reserve(steps.size());
    for (const auto& s : steps) {
        const std::string* name = nullptr;
        if (auto f = prepare(s.sql, *s.params, name)) return f;
        names.push_back(name);
    }
    PGconn* pg = pg_.get();
    if (PQenterPipelineMode(pg) != 1) return failure(nullptr);
    bool sent = true;
    for (std::size_t i = 0; i < steps.size() && sent; ++i) {
        const Params& p = *steps[i].params;
        p.arrays(values_, lengths_);
        sent = PQsendQueryPrepared(pg, names[i]->c_str(), p.size(), values_.data(), lengths_.data(), p.formats(), 1) ==
               1;
    }
    if (!sent || PQpipelineSync(pg) != 1) {
        auto f = failure(nullptr);
        (void)PQexitPipelineMode(pg);
        return f;
    }
    count_traffic(static_cast<std::int64_t>(steps.size()), 1);
    // Each statement's result, then the NULL that ends it; after an error the
    // server skips the rest (PGRES_PIPELINE_ABORTED) up to the sync.
    std::optional<Failure> first;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        PGresult* r = PQgetResult(pg);
        if (r == nullptr) {
            if (!first) {
                first = failure(nullptr);
                first->step = static_cast<int>(i);
            }
            break;
        }
        Result result(r);
        while (PGresult* extra = PQgetResult(pg)) PQclear(extra);
        const auto status = PQresultStatus(result.raw());
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
            if (!first) out.push_back(std::move(result));
        } else if (!first && status != PGRES_PIPELINE_ABORTED) {
            first = failure(result.raw());
            first->step = static_cast<int>(i);
        }
    }
    // The sync's own result closes the pipeline.
    while (PGresult* r = PQgetResult(pg)) {
        const bool synced = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        PQclear(r);
        if (synced) break;
    }
    if (PQexitPipelineMode(pg) != 1 && !first) first = failure(nullptr);
    return first;
}

std::vector<Result> Connection::run_all(const std::vector<Step>& steps) {
    std::vector<Result> out;
    if (auto f = try_run_all(steps, out)) fail(*f);
    return out;
}

}  // namespace slotwise::postgres
