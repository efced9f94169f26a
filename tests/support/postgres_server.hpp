// The PostgreSQL server the PostgreSQL suites run against: SLOTWISE_PG_DSN
// (scripts/test starts a throwaway cluster and sets it; point it at a
// database of your own that the tests may wipe). Without it a suite prints
// SKIPPED and exits 77, which ctest reports as Skipped, never as passed.
// Also a plain libpq session for checks that must not trust the adapter.
#pragma once

#include <slotwise/postgres.hpp>

#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace slotwise::test {

/// The server's DSN; exits 77 (skipped, said on stderr) when there is none.
inline const std::string& pg_dsn() {
    static const std::string dsn = [] {
        const char* env = std::getenv("SLOTWISE_PG_DSN");
        if (env == nullptr || *env == '\0') {
            std::fprintf(stderr,
                         "SKIPPED: no PostgreSQL server: set SLOTWISE_PG_DSN to a database the tests may wipe "
                         "(scripts/test starts a throwaway one with scripts/pg-cluster)\n");
            std::exit(77);
        }
        return std::string(env);
    }();
    return dsn;
}

/// A libpq session of its own, for set-up and for checks made behind the
/// adapter's back.
class PgSession {
public:
    explicit PgSession(const std::string& dsn = pg_dsn()) : c_(PQconnectdb(dsn.c_str()), &PQfinish) {
        if (PQstatus(c_.get()) != CONNECTION_OK) {
            throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(c_.get()));
        }
        exec("SET client_min_messages = warning");
    }
    /// Runs `sql`; the rows of the last statement as text (NULL as "NULL").
    std::vector<std::vector<std::string>> exec(const std::string& sql) {
        std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(c_.get(), sql.c_str()), &PQclear);
        const auto st = PQresultStatus(r.get());
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            throw std::runtime_error(sql.substr(0, 80) + ": " + PQresultErrorMessage(r.get()));
        }
        std::vector<std::vector<std::string>> rows;
        for (int i = 0; i < PQntuples(r.get()); ++i) {
            auto& row = rows.emplace_back();
            for (int j = 0; j < PQnfields(r.get()); ++j) {
                row.push_back(PQgetisnull(r.get(), i, j) ? "NULL" : PQgetvalue(r.get(), i, j));
            }
        }
        return rows;
    }
    /// The one value of a one-row, one-column answer.
    std::string value(const std::string& sql) {
        const auto rows = exec(sql);
        if (rows.size() != 1 || rows[0].size() != 1) throw std::runtime_error("not one value: " + sql);
        return rows[0][0];
    }
    PGconn* get() noexcept { return c_.get(); }

private:
    std::unique_ptr<PGconn, decltype(&PQfinish)> c_;
};

/// Empties every table of the schema (keeping it), or drops the schema
/// altogether with `drop_schema`: a fresh store for each case.
inline void wipe_database(bool drop_schema = false) {
    PgSession s;
    if (drop_schema) {
        s.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        return;
    }
    s.exec(R"sql(DO $$ DECLARE names text; BEGIN
        SELECT string_agg(quote_ident(tablename), ', ') INTO names FROM pg_tables
        WHERE schemaname = 'public' AND tablename <> 'slotwise_schema';
        IF names IS NOT NULL THEN EXECUTE 'TRUNCATE ' || names; END IF; END $$)sql");
}

/// A store on an emptied database.
inline std::shared_ptr<Store> fresh_postgres(PostgresOptions options = {}) {
    wipe_database();
    if (options.dsn.empty()) options.dsn = pg_dsn();
    return open_postgres(options);
}

}  // namespace slotwise::test
