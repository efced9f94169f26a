// The admin commands (commands.hpp): each parses its options, opens the
// database, calls the engine as the tenant's admin and prints the result.
#include "commands.hpp"

#include "database.hpp"
#include "render.hpp"

#include <slotwise/api_keys.hpp>
#include <slotwise/json_text.hpp>
#include <slotwise/sqlite.hpp>
#if SLOTWISE_CLI_POSTGRES
#include <slotwise/postgres.hpp>
#endif

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <utility>

namespace slotwise::cli {

const std::string_view admin_help = R"(Administration (DB is an SQLite file or a postgresql:// URI; every command takes
--json, and --tenant ID where it acts in a tenant, default the database's only one):
  slotwise init DB [--name NAME] [--preset salon|clinic|fitness|professional|restaurant --timezone ZONE
                 [--locale en|it] [--currency EUR]]     a new database with one tenant, seeded by a preset
  slotwise tenant list DB | tenant add DB NAME
  slotwise resource list DB
  slotwise resource add DB --name N --timezone ZONE [--kind staff|room|equipment|table] [--capacity N]
  slotwise resource update DB ID [--name N] [--timezone ZONE] [--kind K] [--capacity N]
  slotwise hours show DB RESOURCE
  slotwise hours set DB RESOURCE DAY=HH:MM-HH:MM[,HH:MM-HH:MM] ...
                 local hours in the resource's zone; an end may pass midnight (fri=19:00-26:00);
                 DAY=closed, and a day not named is closed
  slotwise service list DB
  slotwise service add DB --name N --duration MIN --resources ID[,ID...] [--resources ...]
                 each --resources is one group (a doctor from these AND a room from those);
                 [--step MIN] [--buffer-before MIN] [--buffer-after MIN] [--price MINOR --currency EUR]
                 [--min-notice MIN] [--horizon MIN] [--hold MIN] [--cancel-notice MIN]
  slotwise service update DB ID [the same options]
  slotwise book DB --service ID --start INSTANT [--resource ID ...] [--seats N] [--name N] [--email E]
                 [--phone P] [--locale en|it] [--idempotency-key K]     INSTANT is UTC: 2026-06-01T07:00:00Z
  slotwise cancel DB BOOKING
  slotwise bookings DB [--from DAY] [--to DAY] [--resource ID] [--status S] [--limit N] [--after ID]
                 DAY is a UTC date (whole days, --to inclusive) or an instant
  slotwise export DB --format csv|ics [--from DAY] [--to DAY] [--output FILE]
  slotwise keys list DB | keys add DB --role admin|staff|customer [--subject S] [--label L] | keys revoke DB KEY
                 API keys for `slotwise serve`; a new key's secret is printed once (only its hash is kept)
  slotwise migrate status DB | migrate apply DB [--dry-run]
)";

namespace {

using namespace std::chrono_literals;

struct Context {
    Options options;
    std::ostream& out;
    bool json;
};

using Handler = int (*)(Context&);

struct Command {
    std::string_view name;
    std::string_view sub;  ///< empty: none
    std::vector<OptionSpec> options;
    Handler run;
};

const OptionSpec kJson{"json", false};
const OptionSpec kTenant{"tenant"};

void print(Context& c, const nlohmann::json& doc, const std::string& text) {
    if (c.json) {
        c.out << doc.dump() << "\n";
    } else {
        c.out << text;
    }
}

// `items` as a JSON array and as text, a line each.
template <class T, class... Extra>
std::pair<nlohmann::json, std::string> listed(const std::vector<T>& items, const Extra&... extra) {
    std::pair<nlohmann::json, std::string> out{nlohmann::json::array(), {}};
    for (const auto& item : items) {
        out.first.push_back(to_json(item, extra...));
        out.second += to_line(item, extra...) + "\n";
    }
    return out;
}

// Prints {"<key>": [...]} with --json, else a line per item.
template <class T>
void print_list(Context& c, const char* key, const std::vector<T>& items) {
    const auto [list, text] = listed(items);
    print(c, {{key, list}}, text);
}

// An engine over DB and the tenant the command acts for.
struct InTenant {
    std::shared_ptr<Store> store;
    Engine engine;
    Tenant tenant;
    TenantScope scope;
    explicit InTenant(const Options& o)
        : store(open_database(o.arg(0, "DB"), false)),
          engine(store),
          tenant(pick_tenant(*store, o)),
          scope(operator_scope(engine, tenant)) {}
};

Minutes minutes_option(const Options& o, std::string_view name, long long max = 366LL * 24 * 60) {
    return Minutes{*o.integer(name, 0, max)};
}

// --- init and tenants --------------------------------------------------------

int init(Context& c) {
    c.options.at_most(1);
    const auto db = c.options.arg(0, "DB");
    const auto preset = c.options.value("preset");
    if (!preset && (c.options.value("timezone") || c.options.value("locale") || c.options.value("currency"))) {
        invalid("--preset", "missing: --timezone, --locale and --currency say how to apply a preset");
    }
    PresetOptions how;
    if (preset) {
        how.timezone = c.options.required("timezone");
        how.locale = c.options.value("locale").value_or("en");
        how.currency = c.options.value("currency").value_or("EUR");
        // Checked before anything is written, so that a typo leaves no half-made database.
        if (std::find(preset_names.begin(), preset_names.end(), *preset) == preset_names.end()) {
            std::string valid;
            for (const auto n : preset_names) valid += (valid.empty() ? "" : ", ") + std::string(n);
            invalid("--preset", "no such preset " + quote_excerpt(*preset) + "; presets: " + valid);
        }
        (void)locate_zone(how.timezone, "--timezone");
        if (how.locale != "en" && how.locale != "it") invalid("--locale", "expected en or it");
    }
    nlohmann::json doc;
    std::string text;
    // A new SQLite file that could not be made whole is removed: init leaves
    // a usable database or none.
    bool created = false;
    const auto made_here = [&] {
        auto store = open_database(db, true);
        created = !is_postgres_uri(db);
        if (is_postgres_uri(db) && !store->read()->tenants({}, 1).empty()) {
            invalid("DB", "the database already has tenants (slotwise tenant add DB NAME adds one)");
        }
        Engine engine(store);
        const auto tenant = engine.create_tenant(c.options.value("name").value_or("My business"));
        doc = {{"database", is_postgres_uri(db) ? "postgresql" : db}, {"tenant", to_json(tenant)}};
        text = "created " + (is_postgres_uri(db) ? std::string("the schema") : db) + "\ntenant: " + to_line(tenant) +
               "\n";
        if (!preset) return;
        const auto made = operator_scope(engine, tenant).apply_preset(*preset, how);
        const auto [resources, resource_lines] = listed(made.resources);
        const auto [services, service_lines] = listed(made.services);
        doc["resources"] = resources;
        doc["services"] = services;
        text += "preset " + *preset + ":\n" + resource_lines + service_lines;
    };
    try {
        made_here();
    } catch (...) {
        if (created) {
            for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
        }
        throw;
    }
    print(c, doc, text);
    return 0;
}

int tenant_list(Context& c) {
    c.options.at_most(1);
    auto store = open_database(c.options.arg(0, "DB"), false);
    std::vector<Tenant> all;
    for (;;) {
        const auto page = store->read()->tenants(all.empty() ? TenantId{} : all.back().id, 500);
        all.insert(all.end(), page.begin(), page.end());
        if (page.size() < 500) break;
    }
    print_list(c, "tenants", all);
    return 0;
}

int tenant_add(Context& c) {
    c.options.at_most(2);
    auto store = open_database(c.options.arg(0, "DB"), false);
    const auto t = Engine(store).create_tenant(c.options.arg(1, "NAME"));
    print(c, {{"tenant", to_json(t)}}, "tenant: " + to_line(t) + "\n");
    return 0;
}

// --- resources and hours -----------------------------------------------------

int resource_list(Context& c) {
    c.options.at_most(1);
    InTenant in(c.options);
    print_list(c, "resources", in.scope.resources());
    return 0;
}

int resource_add(Context& c) {
    c.options.at_most(1);
    InTenant in(c.options);
    NewResource r{.name = c.options.required("name"), .timezone = c.options.required("timezone")};
    if (const auto k = c.options.value("kind")) r.kind = parse_resource_kind(*k, "--kind");
    if (const auto cap = c.options.integer("capacity", 1, 100000)) r.capacity = static_cast<int>(*cap);
    const auto made = in.scope.create_resource(r);
    print(c, {{"resource", to_json(made)}}, "resource: " + to_line(made) + "\n");
    return 0;
}

int resource_update(Context& c) {
    c.options.at_most(2);
    InTenant in(c.options);
    ResourcePatch p;
    p.name = c.options.value("name");
    p.timezone = c.options.value("timezone");
    if (const auto k = c.options.value("kind")) p.kind = parse_resource_kind(*k, "--kind");
    if (const auto cap = c.options.integer("capacity", 1, 100000)) p.capacity = static_cast<int>(*cap);
    const auto r = in.scope.update_resource(ResourceId{c.options.arg(1, "ID")}, p);
    print(c, {{"resource", to_json(r)}}, "resource: " + to_line(r) + "\n");
    return 0;
}

int hours_show(Context& c) {
    c.options.at_most(2);
    InTenant in(c.options);
    const ResourceId id{c.options.arg(1, "RESOURCE")};
    const auto w = in.scope.weekly_hours(id);
    print(c, {{"resource_id", id.value}, {"weekly", to_json(w)}}, to_lines(w));
    return 0;
}

// "fri=19:00-26:00,…" or "fri=closed" into `w`.
void read_day(const std::string& arg, WeeklyHours& w, std::array<bool, 7>& seen) {
    static constexpr std::array<std::string_view, 7> days{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    const auto eq = arg.find('=');
    const auto day = std::string_view(arg).substr(0, eq == std::string::npos ? arg.size() : eq);
    std::size_t d = 0;
    while (d < days.size() && days[d] != day) ++d;
    if (d == days.size() || eq == std::string::npos) {
        invalid(arg, "expected DAY=HH:MM-HH:MM[,HH:MM-HH:MM] or DAY=closed, DAY one of mon tue wed thu fri sat sun");
    }
    const std::string field = "hours." + std::string(day);
    if (seen[d]) invalid(field, "given more than once");
    seen[d] = true;
    const auto spec = std::string_view(arg).substr(eq + 1);
    if (spec == "closed") return;
    std::size_t pos = 0;
    for (int i = 0; pos <= spec.size(); ++i) {
        const auto comma = spec.find(',', pos);
        const auto part = spec.substr(pos, comma == std::string_view::npos ? spec.size() - pos : comma - pos);
        const std::string f = field + "[" + std::to_string(i) + "]";
        const auto dash = part.find('-');
        if (dash == std::string_view::npos) invalid(f, "expected HH:MM-HH:MM, got " + quote_excerpt(part));
        w.days[d].push_back({parse_local_time(part.substr(0, dash), f),
                             parse_local_time(part.substr(dash + 1), f, LocalTimeKind::window_end)});
        if (comma == std::string_view::npos) break;
        pos = comma + 1;
    }
}

int hours_set(Context& c) {
    InTenant in(c.options);
    const ResourceId id{c.options.arg(1, "RESOURCE")};
    if (c.options.positional().size() < 3) invalid("DAY", "missing: give at least one DAY=HH:MM-HH:MM or DAY=closed");
    WeeklyHours w;
    std::array<bool, 7> seen{};
    for (std::size_t i = 2; i < c.options.positional().size(); ++i) read_day(c.options.positional()[i], w, seen);
    in.scope.set_weekly_hours(id, w);
    const auto stored = in.scope.weekly_hours(id);
    print(c, {{"resource_id", id.value}, {"weekly", to_json(stored)}}, to_lines(stored));
    return 0;
}

// --- services ------------------------------------------------------------------

std::vector<ResourceId> id_list(const std::string& text, const std::string& field) {
    std::vector<ResourceId> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto comma = text.find(',', pos);
        const auto id = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        if (id.empty()) invalid(field, "an empty resource id in " + quote_excerpt(text));
        out.push_back(ResourceId{id});
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return out;
}

std::optional<ResourceGroups> groups_option(const Options& o) {
    const auto lists = o.values("resources");
    if (lists.empty()) return std::nullopt;
    ResourceGroups groups;
    for (std::size_t i = 0; i < lists.size(); ++i) {
        groups.push_back(id_list(lists[i], "--resources[" + std::to_string(i) + "]"));
    }
    return groups;
}

const std::vector<OptionSpec> kServiceOptions{
    kJson, kTenant, {"name"}, {"duration"}, {"resources", true, true}, {"step"}, {"buffer-before"},
    {"buffer-after"}, {"price"}, {"currency"}, {"min-notice"}, {"horizon"}, {"hold"}, {"cancel-notice"}};

// Each option given, as the patch of a service.
ServicePatch service_patch(const Options& o) {
    ServicePatch p;
    p.name = o.value("name");
    const auto minutes = [&](std::string_view name, std::optional<Minutes>& into) {
        if (o.value(name)) into = minutes_option(o, name);
    };
    minutes("duration", p.duration);
    minutes("step", p.step);
    minutes("buffer-before", p.buffer_before);
    minutes("buffer-after", p.buffer_after);
    minutes("min-notice", p.min_notice);
    minutes("horizon", p.horizon);
    minutes("hold", p.hold);
    minutes("cancel-notice", p.cancel_notice);
    if (const auto price = o.integer("price", 0, 1'000'000'000'000LL)) p.price = *price;
    p.currency = o.value("currency");
    p.resource_groups = groups_option(o);
    return p;
}

int service_list(Context& c) {
    c.options.at_most(1);
    InTenant in(c.options);
    print_list(c, "services", in.scope.services());
    return 0;
}

int service_add(Context& c) {
    c.options.at_most(1);
    InTenant in(c.options);
    const auto p = service_patch(c.options);
    if (!p.name) invalid("--name", "missing");
    if (!p.duration) invalid("--duration", "missing");
    if (!p.resource_groups) invalid("--resources", "missing: the resources that perform it");
    NewService s{.name = *p.name, .duration = *p.duration};
    s.step = p.step.value_or(s.step);
    s.buffer_before = p.buffer_before.value_or(s.buffer_before);
    s.buffer_after = p.buffer_after.value_or(s.buffer_after);
    s.price = p.price.value_or(s.price);
    s.currency = p.currency.value_or(s.currency);
    s.min_notice = p.min_notice.value_or(s.min_notice);
    s.horizon = p.horizon.value_or(s.horizon);
    s.hold = p.hold.value_or(s.hold);
    s.cancel_notice = p.cancel_notice.value_or(s.cancel_notice);
    s.resource_groups = *p.resource_groups;
    const auto made = in.scope.create_service(s);
    print(c, {{"service", to_json(made)}}, "service: " + to_line(made) + "\n");
    return 0;
}

int service_update(Context& c) {
    c.options.at_most(2);
    InTenant in(c.options);
    const auto s = in.scope.update_service(ServiceId{c.options.arg(1, "ID")}, service_patch(c.options));
    print(c, {{"service", to_json(s)}}, "service: " + to_line(s) + "\n");
    return 0;
}

// --- bookings ------------------------------------------------------------------

int book(Context& c) {
    c.options.at_most(1);
    InTenant in(c.options);
    BookingRequest r{.service = ServiceId{c.options.required("service")},
                     .start = parse_instant(c.options.required("start"), "--start")};
    for (const auto& id : c.options.values("resource")) r.resources.push_back(ResourceId{id});
    if (const auto seats = c.options.integer("seats", 1, 100000)) r.seats = static_cast<int>(*seats);
    r.customer.name = c.options.value("name").value_or("");
    r.customer.email = c.options.value("email").value_or("");
    r.customer.phone = c.options.value("phone").value_or("");
    r.customer.locale = c.options.value("locale").value_or("en");
    r.idempotency_key = c.options.value("idempotency-key").value_or("");
    const auto b = in.scope.book(r);
    print(c, {{"booking", to_json(b, in.engine.now())}}, "booking: " + to_line(b, in.engine.now()) + "\n");
    return 0;
}

int cancel(Context& c) {
    c.options.at_most(2);
    InTenant in(c.options);
    const auto b = in.scope.cancel(BookingId{c.options.arg(1, "BOOKING")});
    print(c, {{"booking", to_json(b, in.engine.now())}}, "booking: " + to_line(b, in.engine.now()) + "\n");
    return 0;
}

// A day is a whole UTC date; --to's day is included.
std::optional<Instant> bound(const Options& o, std::string_view name, bool end) {
    const auto v = o.value(name);
    if (!v) return std::nullopt;
    if (v->find('T') != std::string::npos) return parse_instant(*v, option_field(name));
    const auto day = date::sys_days{parse_date(*v, option_field(name))};
    return Instant{day + (end ? date::days{1} : date::days{0})};
}

BookingQuery query_of(const Options& o) {
    BookingQuery q{.from = bound(o, "from", false), .to = bound(o, "to", true)};
    if (const auto r = o.value("resource")) q.resource = ResourceId{*r};
    if (const auto s = o.value("status")) q.status = parse_booking_status(*s, "--status");
    return q;
}

int bookings(Context& c) {
    c.options.at_most(1);
    InTenant in(c.options);
    auto q = query_of(c.options);
    q.limit = static_cast<int>(c.options.integer("limit", 1, 1000).value_or(100));
    if (const auto after = c.options.value("after")) q.after = BookingId{*after};
    const auto page = in.scope.bookings(q);
    const auto [list, text] = listed(page, in.engine.now());
    nlohmann::json doc{{"bookings", list}};
    // A full page may have a next one: its cursor is the last id.
    if (static_cast<int>(page.size()) == q.limit) doc["next_after"] = page.back().id.value;
    print(c, doc, text);
    return 0;
}

int export_bookings(Context& c) {
    c.options.at_most(1);
    const auto format = c.options.required("format");
    if (format != "csv" && format != "ics") invalid("--format", "expected csv or ics, got " + quote_excerpt(format));
    InTenant in(c.options);
    auto q = query_of(c.options);
    q.limit = 1000;
    std::vector<Booking> all;
    for (;;) {
        const auto page = in.scope.bookings(q);
        all.insert(all.end(), page.begin(), page.end());
        if (static_cast<int>(page.size()) < q.limit) break;
        q.after = page.back().id;
    }
    const auto now = in.engine.now();
    const auto text = format == "csv" ? bookings_csv(all, now) : bookings_ics(all, in.scope.services(), now);
    if (const auto path = c.options.value("output")) {
        // Written beside and renamed into place: a failed export never leaves half a file.
        const auto temp = *path + ".partial";
        {
            std::ofstream f(temp, std::ios::binary | std::ios::trunc);
            f << text;
            f.flush();
            if (!f) invalid("--output", "cannot write " + quote_excerpt(temp));
        }
        if (std::rename(temp.c_str(), path->c_str()) != 0) invalid("--output", "cannot write " + quote_excerpt(*path));
        print(c, {{"exported", all.size()}, {"format", format}, {"output", *path}},
              "exported " + std::to_string(all.size()) + " bookings to " + *path + "\n");
    } else if (c.json) {
        c.out << nlohmann::json{{"exported", all.size()}, {"format", format}, {"text", text}}.dump() << "\n";
    } else {
        c.out << text;
    }
    return 0;
}

// --- API keys ------------------------------------------------------------------

nlohmann::json key_json(const ApiKey& k) {
    return {{"id", k.id},
            {"role", std::string(to_string(k.role))},
            {"subject", k.subject},
            {"label", k.label},
            {"created_at", format_instant(k.created_at)},
            {"revoked_at", k.revoked_at ? nlohmann::json(format_instant(*k.revoked_at)) : nlohmann::json()}};
}

std::string key_line(const ApiKey& k) {
    return k.id + "  " + std::string(to_string(k.role)) + "  " + k.subject + (k.label.empty() ? "" : "  " + k.label) +
           (k.revoked_at ? "  revoked " + format_instant(*k.revoked_at) : "") + "\n";
}

int keys_list(Context& c) {
    c.options.at_most(1);
    InTenant in(c.options);
    nlohmann::json list = nlohmann::json::array();
    std::string text;
    for (const auto& k : api_keys(in.engine, in.tenant.id)) {
        list.push_back(key_json(k));
        text += key_line(k);
    }
    print(c, {{"keys", list}}, text);
    return 0;
}

int keys_add(Context& c) {
    c.options.at_most(1);
    InTenant in(c.options);
    const auto issued = create_api_key(in.engine, {.tenant = in.tenant.id,
                                                   .role = parse_role(c.options.required("role"), "--role"),
                                                   .subject = c.options.value("subject").value_or(""),
                                                   .label = c.options.value("label").value_or("")});
    auto doc = key_json(issued.key);
    doc["secret"] = issued.secret;
    // The secret exists only here: it is stored as its hash.
    print(c, {{"key", doc}}, key_line(issued.key) + "secret (shown once): " + issued.secret + "\n");
    return 0;
}

int keys_revoke(Context& c) {
    c.options.at_most(2);
    InTenant in(c.options);
    const auto& id = c.options.arg(1, "KEY");
    revoke_api_key(in.engine, in.tenant.id, id);
    print(c, {{"revoked", id}}, "revoked " + id + "\n");
    return 0;
}

// --- migrations ------------------------------------------------------------------

SchemaState schema_state_of(const std::string& db) {
#if SLOTWISE_CLI_POSTGRES
    if (is_postgres_uri(db)) return postgres_schema_state(db);
#endif
    check_sqlite_path(db, false);  // the same checks and messages as every command
    return sqlite_schema_state(db);
}

std::string state_text(const SchemaState& s) {
    return "schema version " + std::to_string(s.version) + ", this build writes " + std::to_string(s.latest) +
           (s.pending() == 0 ? ": up to date\n" : ": " + std::to_string(s.pending()) + " steps to apply\n");
}

nlohmann::json state_json(const SchemaState& s) {
    return {{"version", s.version}, {"latest", s.latest}, {"pending", s.pending()}};
}

int migrate_status(Context& c) {
    c.options.at_most(1);
    const auto s = schema_state_of(c.options.arg(0, "DB"));
    print(c, state_json(s), state_text(s));
    return 0;
}

int migrate_apply(Context& c) {
    c.options.at_most(1);
    const auto db = c.options.arg(0, "DB");
    const bool dry = c.options.flag("dry-run");
    const auto before = schema_state_of(db);  // refuses a missing, foreign or newer database first
    SchemaState found = before;
#if SLOTWISE_CLI_POSTGRES
    if (is_postgres_uri(db)) found = migrate_postgres({.dsn = db, .pool_size = 1}, dry);
#endif
    if (!is_postgres_uri(db)) found = migrate_sqlite({.path = db}, dry);
    auto doc = state_json(found);
    doc["dry_run"] = dry;
    std::string text = state_text(found);
    if (found.pending() == 0) {
        text = "nothing to apply: " + text;
    } else if (dry) {
        text += "dry run: the " + std::to_string(found.pending()) + " steps ran against the data and were rolled back;"
                " nothing was written\n";
    } else {
        text += "applied " + std::to_string(found.pending()) + " steps: now at version " +
                std::to_string(found.latest) + "\n";
    }
    print(c, doc, text);
    return 0;
}

const std::vector<Command>& commands() {
    static const std::vector<Command> table{
        {"init", "", {kJson, {"name"}, {"preset"}, {"timezone"}, {"locale"}, {"currency"}}, init},
        {"tenant", "list", {kJson}, tenant_list},
        {"tenant", "add", {kJson}, tenant_add},
        {"resource", "list", {kJson, kTenant}, resource_list},
        {"resource", "add", {kJson, kTenant, {"name"}, {"timezone"}, {"kind"}, {"capacity"}}, resource_add},
        {"resource", "update", {kJson, kTenant, {"name"}, {"timezone"}, {"kind"}, {"capacity"}}, resource_update},
        {"hours", "show", {kJson, kTenant}, hours_show},
        {"hours", "set", {kJson, kTenant}, hours_set},
        {"service", "list", {kJson, kTenant}, service_list},
        {"service", "add", kServiceOptions, service_add},
        {"service", "update", kServiceOptions, service_update},
        {"book",
         "",
         {kJson, kTenant, {"service"}, {"start"}, {"resource", true, true}, {"seats"}, {"name"}, {"email"}, {"phone"},
          {"locale"}, {"idempotency-key"}},
         book},
        {"cancel", "", {kJson, kTenant}, cancel},
        {"bookings", "", {kJson, kTenant, {"from"}, {"to"}, {"resource"}, {"status"}, {"limit"}, {"after"}}, bookings},
        {"export", "", {kJson, kTenant, {"format"}, {"from"}, {"to"}, {"resource"}, {"status"}, {"output"}},
         export_bookings},
        {"keys", "list", {kJson, kTenant}, keys_list},
        {"keys", "add", {kJson, kTenant, {"role"}, {"subject"}, {"label"}}, keys_add},
        {"keys", "revoke", {kJson, kTenant}, keys_revoke},
        {"migrate", "status", {kJson}, migrate_status},
        {"migrate", "apply", {kJson, {"dry-run", false}}, migrate_apply},
    };
    return table;
}

}  // namespace

bool is_admin_command(std::string_view name) {
    for (const auto& c : commands()) {
        if (c.name == name) return true;
    }
    return false;
}

int run_admin(const std::vector<std::string_view>& args, std::ostream& out, std::ostream& err) {
    const auto name = args.at(0);
    std::string subs;
    const Command* found = nullptr;
    for (const auto& c : commands()) {
        if (c.name != name) continue;
        if (c.sub.empty()) {
            found = &c;
            break;
        }
        subs += (subs.empty() ? "" : ", ") + std::string(c.sub);
        if (args.size() > 1 && args[1] == c.sub) {
            found = &c;
            break;
        }
    }
    try {
        if (!found) {
            invalid(std::string(name), args.size() > 1 ? "unknown subcommand " + quote_excerpt(args[1]) + "; expected " + subs
                                                       : "expects a subcommand: " + subs);
        }
        const std::size_t skip = found->sub.empty() ? 1 : 2;
        Options options({args.begin() + static_cast<std::ptrdiff_t>(skip), args.end()}, found->options);
        std::ostringstream buffer;  // printed only when the command succeeds: no partial output
        Context c{options, buffer, options.flag("json")};
        const int code = found->run(c);
        out << buffer.str() << std::flush;
        return code;
    } catch (const Error& e) {
        err << "error: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace slotwise::cli
