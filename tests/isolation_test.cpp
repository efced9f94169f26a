// Tenant isolation: every scope operation given another tenant's ids answers
// exactly like a missing id, and no list shows another tenant's rows.
#include "support/engine_fixture.hpp"

#include <doctest/doctest.h>

#include <functional>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {
void expect_not_found(const std::function<void()>& call, const char* what) {
    CAPTURE(what);
    try {
        call();
        FAIL("succeeded across tenants");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::not_found);
    }
}
}  // namespace

TEST_CASE("every scope operation with another tenant's ids answers not_found") {
    Salon a("shared.db");
    // Tenant B in the same database file.
    Engine engine(open_sqlite({.path = (a.dir.path / "shared.db").string()}), a.time.clock());
    const auto tb = engine.create_tenant("Other Salon");
    auto b_admin = engine.scope({.tenant = tb.id, .role = Role::admin, .subject = "boss"});
    auto b_customer = engine.scope({.tenant = tb.id, .role = Role::customer, .subject = "ada"});
    auto a_customer = a.customer("ada");  // same subject name in tenant A
    const auto booking = a_customer.book({.service = a.cut.id, .start = at("2026-06-01T07:00:00Z"), .resource = a.anna.id,
                                          .customer = {.name = "Ada"}, .idempotency_key = "k1"});
    const auto block = a.admin.add_block(a.anna.id, {at("2026-06-02T07:00:00Z"), at("2026-06-02T08:00:00Z")});
    a.admin.set_date_override(a.anna.id, day("2026-06-03"), {});
    const Interval week{at("2026-06-01T00:00:00Z"), at("2026-06-08T00:00:00Z")};

    expect_not_found([&] { b_admin.get_resource(a.anna.id); }, "get_resource");
    expect_not_found([&] { b_admin.update_resource(a.anna); }, "update_resource");
    expect_not_found([&] { b_admin.set_weekly_hours(a.anna.id, {}); }, "set_weekly_hours");
    expect_not_found([&] { b_admin.weekly_hours(a.anna.id); }, "weekly_hours");
    expect_not_found([&] { b_admin.set_date_override(a.anna.id, day("2026-06-04"), {}); }, "set_date_override");
    expect_not_found([&] { b_admin.clear_date_override(a.anna.id, day("2026-06-03")); }, "clear_date_override");
    expect_not_found([&] { b_admin.date_overrides(a.anna.id, day("2026-06-01"), day("2026-06-30")); }, "date_overrides");
    expect_not_found([&] { b_admin.add_block(a.anna.id, week); }, "add_block");
    expect_not_found([&] { b_admin.remove_block(block.id); }, "remove_block");
    expect_not_found([&] { b_admin.blocks(a.anna.id, week); }, "blocks");
    expect_not_found([&] { b_admin.get_service(a.cut.id); }, "get_service");
    expect_not_found([&] { b_admin.update_service(a.cut); }, "update_service");
    expect_not_found([&] { b_admin.availability({.service = a.cut.id, .from = day("2026-06-01"), .to = day("2026-06-07")}); }, "availability");
    expect_not_found([&] { b_admin.availability_together({.service = a.cut.id, .from = day("2026-06-01"), .to = day("2026-06-07")}); }, "availability_together");
    expect_not_found([&] { b_customer.book({.service = a.cut.id, .start = at("2026-06-01T08:00:00Z"), .customer = {.name = "Ada"}}); }, "book");
    expect_not_found([&] { b_admin.get_booking(booking.id); }, "get_booking");
    expect_not_found([&] { b_customer.get_booking(booking.id); }, "get_booking as the same subject");
    expect_not_found([&] { b_admin.cancel(booking.id); }, "cancel");
    expect_not_found([&] { b_admin.reschedule(booking.id, at("2026-06-01T08:00:00Z")); }, "reschedule");

    // Creating a service that names A's resource is refused like a missing id.
    try {
        b_admin.create_service({.name = "Cut", .duration = 30min, .resources = {a.anna.id}});
        FAIL("linked another tenant's resource");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::invalid_argument);
        CHECK(e.field() == "resources[0]");
        CHECK(std::string(e.what()).find("no such resource") != std::string::npos);
    }

    // B's own data, including the same idempotency key, is independent.
    const auto rb = b_admin.create_resource({.name = "Zed", .timezone = "UTC"});
    WeeklyHours week_hours;
    week_hours[date::Monday] = {{7h, 8h}};
    b_admin.set_weekly_hours(rb.id, week_hours);
    const auto sb = b_admin.create_service({.name = "Shave", .duration = 30min, .resources = {rb.id}});
    const auto bb = b_customer.book({.service = sb.id, .start = at("2026-06-01T07:00:00Z"), .customer = {.name = "Ada"},
                                     .idempotency_key = "k1"});
    CHECK(bb.id != booking.id);

    // No list ever shows the other tenant's rows.
    CHECK(b_admin.resources() == std::vector<Resource>{rb});
    CHECK(b_admin.services().size() == 1);
    CHECK(b_admin.bookings({}).size() == 1);
    CHECK(b_admin.bookings({}).front().id == bb.id);
    CHECK(b_customer.bookings({}).size() == 1);
    CHECK(a.admin.bookings({}).size() == 1);
    CHECK(a.admin.bookings({}).front().id == booking.id);
    CHECK(a.admin.resources().size() == 2);
    // A's data is untouched by everything B tried.
    CHECK(a.admin.get_booking(booking.id).status == BookingStatus::confirmed);
    CHECK(a.admin.blocks(a.anna.id, week).size() == 1);
    CHECK(a.admin.date_overrides(a.anna.id, day("2026-06-01"), day("2026-06-30")).size() == 1);
}

TEST_CASE("a scope for a tenant that does not exist cannot be built") {
    Salon a;
    try {
        (void)a.engine.scope({.tenant = {"ten_missing"}, .role = Role::admin, .subject = "x"});
        FAIL("built");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::not_found);
    }
}

TEST_CASE("a staff or customer scope without a subject is refused, so nobody acts anonymously") {
    Salon a;
    for (const auto role : {Role::staff, Role::customer}) {
        try {
            (void)a.engine.scope({.tenant = a.tenant.id, .role = role, .subject = ""});
            FAIL("built");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::invalid_argument);
            CHECK(e.field() == "subject");
        }
    }
}

// --- data shown by role -------------------------------------------------------

TEST_CASE("the bookings() cursor leaks nothing: another customer's or tenant's booking id is not_found naming after") {
    Salon a("shared.db");
    Engine engine(open_sqlite({.path = (a.dir.path / "shared.db").string()}), a.time.clock());
    const auto tb = engine.create_tenant("Other Salon");
    auto b_admin = engine.scope({.tenant = tb.id, .role = Role::admin, .subject = "boss"});
    // Tenant B is populated, so a cursor lookup without the tenant would find rows.
    const auto rb = b_admin.create_resource({.name = "Zed", .timezone = "UTC"});
    WeeklyHours hours;
    hours[date::Monday] = {{7h, 12h}};
    b_admin.set_weekly_hours(rb.id, hours);
    const auto sb = b_admin.create_service({.name = "Shave", .duration = 30min, .resources = {rb.id}});
    const auto theirs = b_admin.book({.service = sb.id, .start = at("2026-06-01T09:00:00Z"), .customer = {.name = "Zed"}});

    auto ada = a.customer("ada");
    auto bob = a.customer("bob");
    const auto adas = ada.book({.service = a.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = {.name = "Ada"}});
    const auto bobs = bob.book({.service = a.cut.id, .start = at("2026-06-01T08:30:00Z"), .customer = {.name = "Bob"}});
    ada.book({.service = a.cut.id, .start = at("2026-06-01T10:00:00Z"), .customer = {.name = "Ada"}});
    // Plain variables, not structured bindings: clang 14 cannot capture those in CAPTURE's lambda.
    for (const auto& invisible : {std::pair{bobs.id, "another customer's booking"},
                                  std::pair{theirs.id, "another tenant's booking"},
                                  std::pair{BookingId{"bkg_0123456789abcdef01234567"}, "no booking"},
                                  std::pair{BookingId{std::string(100'000, 'b')}, "a malformed id"}}) {
        const BookingId& cursor = invisible.first;
        const char* what = invisible.second;
        CAPTURE(what);
        try {
            (void)ada.bookings({.after = cursor});
            FAIL("a page after an invisible cursor");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::not_found);
            CHECK(e.field() == "after");
        }
    }
    // Her own cursor pages as before; staff may page over anyone's.
    CHECK(ada.bookings({.after = adas.id}).size() == 1);
    auto desk = a.engine.scope({.tenant = a.tenant.id, .role = Role::staff, .subject = "desk"});
    CHECK(desk.bookings({.after = bobs.id}).size() == 1);
    try {
        (void)a.admin.bookings({.after = theirs.id});
        FAIL("another tenant's cursor");
    } catch (const Error& e) {
        CHECK(e.field() == "after");
    }
}

TEST_CASE("idempotency keys are per subject: one customer can neither squat nor read another's key") {
    Salon a;
    auto mallory = a.customer("mallory");
    auto ada = a.customer("ada");
    // Mallory guesses the key Ada's app will send and uses it first.
    const auto squat = mallory.book({.service = a.cut.id, .start = at("2026-06-01T07:00:00Z"), .customer = {.name = "M"},
                                     .idempotency_key = "checkout-42"});
    const BookingRequest adas{.service = a.cut.id, .start = at("2026-06-01T08:00:00Z"), .customer = {.name = "Ada"},
                              .idempotency_key = "checkout-42"};
    const auto mine = ada.book(adas);
    CHECK(mine.id != squat.id);
    CHECK(mine.created_by == "ada");
    CHECK(ada.book(adas).id == mine.id);  // her retry finds her own booking
    // Mallory replaying Ada's exact request under the key is answered from
    // her own use of it (a mismatch), never with Ada's booking.
    try {
        const auto replay = mallory.book(adas);
        CHECK(replay.id != mine.id);
    } catch (const Error& e) {
        CHECK(e.code() == Errc::idempotency_mismatch);
    }
}

TEST_CASE("customers see time off as busy intervals, never its reason") {
    Salon a;
    const Interval week{at("2026-06-01T00:00:00Z"), at("2026-06-08T00:00:00Z")};
    a.admin.add_block(a.anna.id, {at("2026-06-02T07:00:00Z"), at("2026-06-02T08:00:00Z")}, "oncologist appointment");
    const auto seen = a.customer("ada").blocks(a.anna.id, week);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].interval == Interval{at("2026-06-02T07:00:00Z"), at("2026-06-02T08:00:00Z")});
    CHECK(seen[0].reason.empty());
    auto desk = a.engine.scope({.tenant = a.tenant.id, .role = Role::staff, .subject = "desk"});
    CHECK(desk.blocks(a.anna.id, week)[0].reason == "oncologist appointment");
}

namespace {

// What a call answered, as text to compare: "error <code> <field>" or
// "ok <what it returned>".
std::string answer(const std::function<std::string()>& call) {
    try {
        return "ok " + call();
    } catch (const Error& e) {
        return "error " + std::string(to_string(e.code())) + " " + e.field();
    }
}

// An id of the same shape that names nothing: the last character changed.
template <class Tag>
Id<Tag> missing(const Id<Tag>& id) {
    std::string v = id.value;
    v.back() = v.back() == '0' ? '1' : '0';
    return {v};
}

std::string ids(const std::vector<Booking>& bookings) {
    std::string out;
    for (const auto& b : bookings) out += b.id.value + ",";
    return out;
}

// One tenant's rows: a resource with hours and an override, a block, a free
// and a paid service, a confirmed booking (with its confirmation queued), a
// pending paid one, and a refund_due one.
struct Populated {
    Resource res;
    Block block;
    Service free, paid;
    Booking confirmed, pending;
};

Populated populate(TenantScope& admin, TenantScope& customer) {
    Populated p;
    p.res = admin.create_resource({.name = "Desk", .timezone = "UTC"});
    WeeklyHours hours;
    for (auto& d : hours.days) d = {{std::chrono::hours{8}, std::chrono::hours{18}}};
    admin.set_weekly_hours(p.res.id, hours);
    admin.set_date_override(p.res.id, day("2026-06-10"), {});
    p.block = admin.add_block(p.res.id, {at("2026-06-02T12:00:00Z"), at("2026-06-02T13:00:00Z")}, "lunch");
    p.free = admin.create_service({.name = "Free", .duration = 30min, .resources = {p.res.id}});
    p.paid = admin.create_service({.name = "Paid", .duration = 30min, .price = 1000, .currency = "EUR",
                                   .hold = 15min, .resources = {p.res.id}});
    admin.configure_stripe("sk_test_iso", "whsec_iso");
    p.confirmed = customer.book({.service = p.free.id, .start = at("2026-06-01T09:00:00Z"), .customer = {.name = "Ada"}});
    for (int i = 1; i < 4; ++i) {
        customer.book({.service = p.free.id, .start = at("2026-06-01T09:00:00Z") + i * 30min, .customer = {.name = "Ada"}});
    }
    p.pending = customer.book({.service = p.paid.id, .start = at("2026-06-01T15:00:00Z"), .customer = {.name = "Ada"}});
    return p;
}

// Two tenants of one database, each with a customer and a populated catalogue.
struct TwoTenants {
    Salon base{"shared.db"};
    Tenant ta = base.engine.create_tenant("A");
    Tenant tb = base.engine.create_tenant("B");
    TenantScope a_admin = base.engine.scope({.tenant = ta.id, .role = Role::admin, .subject = "owner"});
    TenantScope b_admin = base.engine.scope({.tenant = tb.id, .role = Role::admin, .subject = "owner"});
    TenantScope a_customer = base.engine.scope({.tenant = ta.id, .role = Role::customer, .subject = "ada"});
    TenantScope b_customer = base.engine.scope({.tenant = tb.id, .role = Role::customer, .subject = "ada"});
    Populated a = populate(a_admin, a_customer);
    Populated b = populate(b_admin, b_customer);
};

}  // namespace

TEST_CASE("with both tenants populated, every scope call given the other tenant's ids answers as for a missing id") {
    TwoTenants two;
    TenantScope& a_admin = two.a_admin;
    TenantScope& b_admin = two.b_admin;
    TenantScope& a_customer = two.a_customer;
    TenantScope& b_customer = two.b_customer;
    const Populated& a = two.a;
    const Populated& b = two.b;
    int http_calls = 0;
    const HttpTransport http = [&](const HttpRequest&) {
        ++http_calls;
        return HttpResponse{.status = 500};
    };
    const Interval week{at("2026-06-01T00:00:00Z"), at("2026-06-08T00:00:00Z")};

    // Each call of B's scopes with A's id `foreign` must answer as with `gone`
    // (same shape, names nothing).
    struct Call {
        const char* what;
        std::function<std::string(TenantScope&, const Populated&, bool)> run;  // bool: use the mangled ids
    };
    const auto pick = [](bool gone, const auto& id) { return gone ? missing(id) : id; };
    const std::vector<Call> calls = {
        {"get_resource", [&](TenantScope& s, const Populated& p, bool g) { return s.get_resource(pick(g, p.res.id)).name; }},
        {"update_resource", [&](TenantScope& s, const Populated& p, bool g) {
             auto r = p.res;
             r.id = pick(g, r.id);
             return s.update_resource(r).name;
         }},
        {"update_resource patch", [&](TenantScope& s, const Populated& p, bool g) {
             return s.update_resource(pick(g, p.res.id), ResourcePatch{.name = "X"}).name;
         }},
        {"weekly_hours", [&](TenantScope& s, const Populated& p, bool g) {
             return std::to_string(s.weekly_hours(pick(g, p.res.id)).days[0].size());
         }},
        {"set_weekly_hours", [&](TenantScope& s, const Populated& p, bool g) {
             s.set_weekly_hours(pick(g, p.res.id), {});
             return std::string();
         }},
        {"set_date_override", [&](TenantScope& s, const Populated& p, bool g) {
             s.set_date_override(pick(g, p.res.id), day("2026-06-11"), {});
             return std::string();
         }},
        {"clear_date_override", [&](TenantScope& s, const Populated& p, bool g) {
             s.clear_date_override(pick(g, p.res.id), day("2026-06-10"));
             return std::string();
         }},
        {"date_overrides", [&](TenantScope& s, const Populated& p, bool g) {
             return std::to_string(s.date_overrides(pick(g, p.res.id), day("2026-06-01"), day("2026-06-30")).size());
         }},
        {"add_block", [&](TenantScope& s, const Populated& p, bool g) { return s.add_block(pick(g, p.res.id), week).id.value; }},
        {"remove_block", [&](TenantScope& s, const Populated& p, bool g) {
             s.remove_block(pick(g, p.block.id));
             return std::string();
         }},
        {"blocks", [&](TenantScope& s, const Populated& p, bool g) { return std::to_string(s.blocks(pick(g, p.res.id), week).size()); }},
        {"get_service", [&](TenantScope& s, const Populated& p, bool g) { return s.get_service(pick(g, p.free.id)).name; }},
        {"update_service", [&](TenantScope& s, const Populated& p, bool g) {
             auto v = p.free;
             v.id = pick(g, v.id);
             return s.update_service(v).name;
         }},
        {"update_service patch", [&](TenantScope& s, const Populated& p, bool g) {
             return s.update_service(pick(g, p.free.id), ServicePatch{.name = "X"}).name;
         }},
        {"availability", [&](TenantScope& s, const Populated& p, bool g) {
             return std::to_string(s.availability({.service = pick(g, p.free.id), .from = day("2026-06-01"), .to = day("2026-06-02")}).size());
         }},
        {"availability with a resource", [&](TenantScope& s, const Populated& p, bool g) {
             return std::to_string(s.availability({.service = pick(g, p.free.id), .from = day("2026-06-01"), .to = day("2026-06-02"),
                                                   .resources = {pick(g, p.res.id)}}).size());
         }},
        {"availability_together", [&](TenantScope& s, const Populated& p, bool g) {
             return std::to_string(s.availability_together({.service = pick(g, p.free.id), .from = day("2026-06-01"), .to = day("2026-06-02")}).size());
         }},
        {"book", [&](TenantScope& s, const Populated& p, bool g) {
             return s.book({.service = pick(g, p.free.id), .start = at("2026-06-03T10:00:00Z"), .customer = {.name = "Eve"}}).id.value;
         }},
        {"get_booking", [&](TenantScope& s, const Populated& p, bool g) { return s.get_booking(pick(g, p.confirmed.id)).id.value; }},
        {"cancel", [&](TenantScope& s, const Populated& p, bool g) { return s.cancel(pick(g, p.confirmed.id)).id.value; }},
        {"reschedule", [&](TenantScope& s, const Populated& p, bool g) {
             return s.reschedule(pick(g, p.confirmed.id), at("2026-06-04T10:00:00Z")).id.value;
         }},
        {"bookings after", [&](TenantScope& s, const Populated& p, bool g) {
             return ids(s.bookings({.after = pick(g, p.confirmed.id)}));
         }},
        {"bookings of a resource", [&](TenantScope& s, const Populated& p, bool g) {
             return ids(s.bookings({.resource = pick(g, p.res.id)}));
         }},
        {"notifications", [&](TenantScope& s, const Populated& p, bool g) {
             return std::to_string(s.notifications(pick(g, p.confirmed.id)).size());
         }},
        {"start_checkout", [&](TenantScope& s, const Populated& p, bool g) {
             return s.start_checkout(pick(g, p.pending.id), "https://a.example/ok", "https://a.example/no", http).id;
         }},
        {"refund", [&](TenantScope& s, const Populated& p, bool g) {
             return s.refund(pick(g, p.confirmed.id), http).id;
         }},
    };
    for (const auto& caller :
         {std::tuple<const char*, TenantScope*, const Populated*>{"B's admin, A's ids", &b_admin, &a},
          {"B's customer, A's ids", &b_customer, &a},
          {"A's admin, B's ids", &a_admin, &b},
          {"A's customer, B's ids", &a_customer, &b}}) {
        const char* scope_name = std::get<0>(caller);
        TenantScope* scope = std::get<1>(caller);
        const Populated* victim = std::get<2>(caller);
        CAPTURE(scope_name);
        for (const auto& call : calls) {
            CAPTURE(call.what);
            const auto gone = answer([&] { return call.run(*scope, *victim, true); });
            const auto foreign = answer([&] { return call.run(*scope, *victim, false); });
            CHECK(foreign == gone);
        }
    }
    CHECK(http_calls == 0);
    // Nothing of either tenant changed.
    for (const auto* p : {&a, &b}) {
        auto& admin = p == &a ? a_admin : b_admin;
        CHECK(admin.get_booking(p->confirmed.id).status == BookingStatus::confirmed);
        CHECK(admin.get_booking(p->confirmed.id).interval == p->confirmed.interval);
        CHECK(admin.get_resource(p->res.id).name == "Desk");
        CHECK(admin.get_service(p->free.id).name == "Free");
        CHECK(admin.blocks(p->res.id, week).size() == 1);
        CHECK(admin.weekly_hours(p->res.id).days[0].size() == 1);
        CHECK(admin.date_overrides(p->res.id, day("2026-06-01"), day("2026-06-30")).size() == 1);
        CHECK(admin.bookings({}).size() == 5);
    }
}

TEST_CASE("the store's bookings cursor never reads another tenant's booking, even when the engine would not ask") {
    // The engine checks a cursor before the store sees it; the adapter must
    // not lean on that: its own lookup of the cursor is keyed by tenant.
    TwoTenants two;
    const Salon& base = two.base;
    const Tenant& tb = two.tb;
    const Populated& a = two.a;
    auto store = open_sqlite({.path = (base.dir.path / "shared.db").string()});
    auto tx = store->read();
    const auto page = [&](const BookingId& after) {
        return ids(tx->bookings(tb.id, {.now = at("2026-06-01T00:00:00Z"), .after = after, .limit = 100}));
    };
    CHECK(page(a.confirmed.id) == page(missing(a.confirmed.id)));
    CHECK(page(a.confirmed.id).empty());
}
