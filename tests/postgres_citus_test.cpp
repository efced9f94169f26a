// Citus-readiness of the PostgreSQL schema and of every statement the adapter
// runs (docs/storage.md): distribution column tenant_id, every table
// co-located by it. The catalog is read for every table, primary and unique
// key, index, exclusion constraint and foreign key, and the adapter's
// statement list (src/postgres/statements.hpp) for every query: anything not
// leading with tenant_id fails, except the statements the list itself names
// as reading across tenants, with the reason. Each checker is also shown a
// deliberate offender, so that it is known to catch one.
#include "support/postgres_server.hpp"

#include "postgres/internal.hpp"
#include "postgres/statements.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

using namespace slotwise;
using namespace slotwise::test;

namespace {

const bool server_named = !pg_dsn().empty();

// Tables that are not per tenant: reference tables on Citus.
bool is_reference_table(const std::string& t) { return t == "slotwise_schema" || t == "api_key_directory"; }

// What in the catalog does not lead with tenant_id.
std::vector<std::string> catalog_offenders(PgSession& s) {
    std::vector<std::string> out;
    for (const auto& row : s.exec("SELECT c.relname, coalesce((SELECT a.attname FROM pg_attribute a"
                                  " WHERE a.attrelid = c.oid AND a.attnum = 1), '')"
                                  " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                  " WHERE n.nspname = 'public' AND c.relkind = 'r'")) {
        if (is_reference_table(row[0])) continue;
        if (row[1] != "tenant_id") out.push_back("table " + row[0] + " does not start with tenant_id");
    }
    // Every index: primary keys, unique keys, exclusion constraints' and plain ones.
    for (const auto& row : s.exec("SELECT i.relname, t.relname, coalesce(a.attname, '(expression)')"
                                  " FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
                                  " JOIN pg_class t ON t.oid = x.indrelid"
                                  " JOIN pg_namespace n ON n.oid = t.relnamespace"
                                  " LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]"
                                  " WHERE n.nspname = 'public'")) {
        if (is_reference_table(row[1])) continue;
        if (row[2] != "tenant_id") out.push_back("index " + row[0] + " on " + row[1] + " leads with " + row[2]);
    }
    for (const auto& row : s.exec("SELECT c.conname, t.relname, a.attname, fa.attname"
                                  " FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
                                  " JOIN pg_namespace n ON n.oid = t.relnamespace"
                                  " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                                  " JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]"
                                  " WHERE n.nspname = 'public' AND c.contype = 'f'")) {
        if (row[2] != "tenant_id" || row[3] != "tenant_id") {
            out.push_back("foreign key " + row[0] + " on " + row[1] + " joins " + row[2] + " to " + row[3]);
        }
    }
    return out;
}

// Why `sql` would not route to one tenant's shard, or "" when it does: it
// must fix tenant_id = $1 (each INSERT, alone or in a WITH: name tenant_id
// first and take it from $1), every join must match tenant_id on both sides,
// and every subquery must fix tenant_id = $1 itself.
std::string statement_offence(const std::string& sql) {
    static const std::regex insert(R"(^INSERT INTO \w+ \(tenant_id,[^)]*\) VALUES \(\$1,)");
    static const std::regex join(R"(JOIN \w+ (\w+) ON (\w+)\.tenant_id = (\w+)\.tenant_id)");
    std::size_t inserts = 0;
    for (auto p = sql.find("INSERT INTO"); p != std::string::npos; p = sql.find("INSERT INTO", p + 1)) {
        ++inserts;
        if (!std::regex_search(sql.substr(p), insert)) return "an INSERT that does not put $1 in tenant_id first";
    }
    if (inserts == 0 && sql.find("tenant_id = $1") == std::string::npos) return "no tenant_id = $1";
    std::size_t joins = 0;
    for (auto p = sql.find(" JOIN "); p != std::string::npos; p = sql.find(" JOIN ", p + 1)) ++joins;
    const auto keyed = static_cast<std::size_t>(
        std::distance(std::sregex_iterator(sql.begin(), sql.end(), join), std::sregex_iterator()));
    if (keyed != joins) return "a JOIN not on tenant_id";
    for (auto p = sql.find("(SELECT"); p != std::string::npos; p = sql.find("(SELECT", p + 1)) {
        const auto end = sql.find(')', p);
        const auto sub = sql.substr(p, end == std::string::npos ? std::string::npos : end - p);
        if (sub.find("tenant_id = $1") == std::string::npos && sub.find(".tenant_id = $1") == std::string::npos) {
            return "a subquery without tenant_id = $1";
        }
    }
    return "";
}

}  // namespace

TEST_CASE("every table, key, index and foreign key of the schema leads with tenant_id") {
    REQUIRE(server_named);
    (void)fresh_postgres();
    PgSession s;
    const auto offenders = catalog_offenders(s);
    for (const auto& o : offenders) FAIL_CHECK(o);
    CHECK(offenders.empty());
    // The tables the adapter needs are all there (the check ran over something).
    CHECK(std::stoi(s.value("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")) >= 14);

    SUBCASE("an index, a key or a foreign key that does not is caught") {
        s.exec("CREATE INDEX bad_by_start ON bookings (start_at)");
        s.exec("CREATE TABLE bad_child (booking_id bytea, tenant_id bytea, PRIMARY KEY (tenant_id, booking_id),"
               " FOREIGN KEY (booking_id, tenant_id) REFERENCES bookings (booking_id, tenant_id))");
        const auto caught = catalog_offenders(s);
        s.exec("DROP INDEX bad_by_start; DROP TABLE bad_child");
        std::string all;
        for (const auto& o : caught) all += o + "\n";
        CAPTURE(all);
        CHECK(all.find("index bad_by_start on bookings leads with start_at") != std::string::npos);
        CHECK(all.find("table bad_child does not start with tenant_id") != std::string::npos);
        CHECK(all.find("joins booking_id to booking_id") != std::string::npos);
    }
}

TEST_CASE("every statement of the adapter is keyed by tenant_id, but the named cross-tenant sweeps") {
    int keyed = 0;
    for (const auto& st : postgres::kAll) {
        CAPTURE(st.name);
        const std::string offence = statement_offence(st.sql);
        if (!st.cross_tenant.empty()) {
            // A sweep over every tenant is said to be one, and is a plain read.
            CHECK(std::string(st.sql).rfind("SELECT", 0) == 0);
            continue;
        }
        CHECK_MESSAGE(offence.empty(), st.name << ": " << offence << "\n" << st.sql);
        ++keyed;
    }
    CHECK(keyed > 40);
    // The checker catches what it is for.
    CHECK(statement_offence("SELECT a FROM bookings WHERE booking_id = $1") == "no tenant_id = $1");
    CHECK(statement_offence("INSERT INTO bookings (booking_id, tenant_id) VALUES ($1, $2)") ==
          "an INSERT that does not put $1 in tenant_id first");
    CHECK(statement_offence("WITH b AS (INSERT INTO bookings (tenant_id, booking_id) VALUES ($1, $2))"
                            " INSERT INTO outbox (tenant_id, booking_id) VALUES ($3, $2)") ==
          "an INSERT that does not put $1 in tenant_id first");
    CHECK(statement_offence("WITH b AS (INSERT INTO bookings (tenant_id, booking_id) VALUES ($3, $2))"
                            " INSERT INTO outbox (tenant_id, booking_id) VALUES ($1, $2)") ==
          "an INSERT that does not put $1 in tenant_id first");
    CHECK(statement_offence("WITH b AS (INSERT INTO bookings (tenant_id, booking_id) VALUES ($1, $2))"
                            " INSERT INTO outbox (tenant_id, booking_id) VALUES ($1, $2)").empty());
    CHECK(statement_offence("SELECT 1 FROM bookings b JOIN outbox o ON o.booking_id = b.booking_id"
                            " WHERE b.tenant_id = $1") == "a JOIN not on tenant_id");
    CHECK(statement_offence("UPDATE x SET a = (SELECT max(b) FROM y) WHERE tenant_id = $1") ==
          "a subquery without tenant_id = $1");
}

TEST_CASE("no statement of the adapter takes more parameters than a Params holds") {
    const std::regex placeholder(R"(\$([0-9]+))");
    int widest = 0;
    for (const auto& st : postgres::kAll) {
        const std::string sql = st.sql;
        for (auto it = std::sregex_iterator(sql.begin(), sql.end(), placeholder); it != std::sregex_iterator(); ++it) {
            widest = std::max(widest, std::stoi((*it)[1].str()));
        }
    }
    CAPTURE(widest);
    CHECK(widest >= 29);  // the booking row: the list is read
    CHECK(widest <= static_cast<int>(postgres::Params::kMaxParams));
    // One more than it holds is refused as an error, not written past the end.
    postgres::Params p;
    for (std::size_t i = 0; i < postgres::Params::kMaxParams; ++i) p.add(static_cast<std::int64_t>(i));
    CHECK(p.size() == static_cast<int>(postgres::Params::kMaxParams));
    CHECK_THROWS_AS(p.add(std::int64_t{1}), Error);
}

TEST_CASE("every statement of the adapter is one the server accepts (the list is the adapter's)") {
    PgSession s;
    (void)fresh_postgres();
    int n = 0;
    for (const auto& st : postgres::kAll) {
        CAPTURE(st.name);
        const std::string name = "check_" + std::to_string(n++);
        CHECK_NOTHROW(s.exec("PREPARE " + name + " AS " + st.sql));
        PQclear(PQexec(s.get(), ("DEALLOCATE " + name).c_str()));
    }
}
