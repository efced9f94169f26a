// Payment providers are the host's to choose: a toy provider registered by
// name takes a booking through checkout, webhook and refund, with no Stripe
// linked into this test (CMake checks the binary's symbols).
#include "support/temp_dir.hpp"

#include <slotwise/engine.hpp>
#include <slotwise/sqlite.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <sstream>
#include <vector>

using namespace slotwise;
using namespace slotwise::test;
using namespace std::chrono_literals;

namespace {

// A provider whose webhooks are "event_id|kind|booking_id|amount|currency",
// authenticated by a header carrying the endpoint secret.
class ToyProvider final : public PaymentProvider {
public:
    explicit ToyProvider(PaymentSettings s) : settings_(std::move(s)) {}
    std::string_view name() const noexcept override { return "toy"; }
    Checkout create_checkout(const CheckoutRequest& r, const HttpTransport& http) const override {
        const auto answer = http({.method = "POST", .url = "https://toy.example/pay/" + r.booking.value});
        if (answer.status != 200) throw Error(Errc::provider_error, "toy refused");
        return {.id = "toy_cs_" + r.booking.value, .url = "https://toy.example/pay/" + r.booking.value};
    }
    PaymentEvent parse_webhook(std::string_view payload, const Headers& headers, Instant now) const override {
        if (find_header(headers, "X-Toy-Secret") != settings_.webhook_secret) {
            throw Error(Errc::signature_invalid, "not from toy");
        }
        std::vector<std::string> parts;
        std::stringstream in{std::string(payload)};
        for (std::string part; std::getline(in, part, '|');) parts.push_back(part);
        REQUIRE(parts.size() == 5);
        PaymentEvent e{.id = parts[0], .type = parts[1], .booking = BookingId{parts[2]},
                       .checkout_id = "toy_cs_" + parts[2], .payment_reference = "toy_pay_" + parts[2],
                       .amount = std::stoll(parts[3]), .currency = parts[4], .created = now};
        e.kind = parts[1] == "paid" ? PaymentEventKind::checkout_paid
                 : parts[1] == "expired" ? PaymentEventKind::checkout_expired
                 : parts[1] == "refunded" ? PaymentEventKind::charge_refunded
                                          : PaymentEventKind::other;
        if (e.kind == PaymentEventKind::charge_refunded) e.amount_refunded = e.amount;
        return e;
    }
    Refund refund(const RefundRequest& r, const HttpTransport&) const override {
        return {.id = "toy_re_" + r.booking.value, .status = "pending"};
    }

private:
    PaymentSettings settings_;
};

std::shared_ptr<const PaymentProviders> toy_registry() {
    auto providers = std::make_shared<PaymentProviders>();
    providers->add("toy", [](const PaymentSettings& s) { return std::make_unique<ToyProvider>(s); });
    return providers;
}

const Instant monday_7_rome = Instant{std::chrono::seconds{1'780'290'000}};  // 2026-06-01T05:00:00Z

struct Shop {
    TempDir dir;
    std::vector<EngineEvent> events;
    std::shared_ptr<Store> store = open_sqlite({.path = (dir.path / "shop.db").string()});
    Engine engine;
    Tenant tenant;
    TenantScope admin;
    Resource anna;
    Service colour;

    explicit Shop(std::shared_ptr<const PaymentProviders> providers)
        : engine(store, EngineOptions{.clock = [] { return monday_7_rome; }, .payments = std::move(providers),
                                      .events = [this](const EngineEvent& e) { events.push_back(e); }}),
          tenant(engine.create_tenant("Shop")),
          admin(engine.scope({.tenant = tenant.id, .role = Role::admin, .subject = "owner"})) {
        anna = admin.create_resource({.name = "Anna", .timezone = "Europe/Rome"});
        WeeklyHours week;
        week[date::Monday] = {{9h, 13h}};
        admin.set_weekly_hours(anna.id, week);
        colour = admin.create_service({.name = "Colour", .duration = 60min, .price = 4500, .currency = "EUR",
                                       .resources = {anna.id}});
    }
    Booking book() {
        auto ada = engine.scope({.tenant = tenant.id, .role = Role::customer, .subject = "ada"});
        return ada.book({.service = colour.id, .start = monday_7_rome + 2h, .customer = {.name = "Ada"}});
    }
    int count(EngineEventKind k) const {
        int n = 0;
        for (const auto& e : events) n += e.kind == k;
        return n;
    }
};

template <class F>
Errc code_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    return Errc::invalid_argument;  // nothing thrown: no test expects invalid_argument here
}

const HttpTransport ok_transport = [](const HttpRequest&) { return HttpResponse{.status = 200, .body = "{}"}; };

}  // namespace

TEST_CASE("a provider registered by name takes a booking through checkout, payment and refund") {
    Shop shop(toy_registry());
    shop.admin.configure_payments({.provider = "toy", .secret_key = "toy_key", .webhook_secret = "toy_hook"});
    const auto b = shop.book();
    CHECK(b.status == BookingStatus::pending);
    const auto checkout = shop.admin.start_checkout(b.id, "https://shop.example/ok", "https://shop.example/back", ok_transport);
    CHECK(checkout.id == "toy_cs_" + b.id.value);

    const Headers signed_by_toy{{"X-Toy-Secret", "toy_hook"}};
    CHECK(code_of([&] { shop.admin.handle_webhook("evt_0|paid|" + b.id.value + "|4500|eur", {}); }) ==
          Errc::signature_invalid);
    const auto paid = shop.admin.handle_webhook("evt_1|paid|" + b.id.value + "|4500|eur", signed_by_toy);
    CHECK(paid.applied);
    REQUIRE(paid.booking);
    CHECK(paid.booking->status == BookingStatus::confirmed);
    CHECK(paid.booking->payment_reference == "toy_pay_" + b.id.value);
    CHECK(shop.admin.handle_webhook("evt_1|paid|" + b.id.value + "|4500|eur", signed_by_toy).duplicate);

    // A tenant on another provider is not a Stripe tenant.
    CHECK(code_of([&] { shop.admin.handle_stripe_webhook("{}", {}); }) == Errc::not_configured);

    CHECK(shop.count(EngineEventKind::booking_created) == 1);
    CHECK(shop.count(EngineEventKind::webhook_applied) == 1);
}

TEST_CASE("a webhook that changes nothing is recorded as ignored, an unmatched payment as unmatched, with the reason") {
    Shop shop(toy_registry());
    shop.admin.configure_payments({.provider = "toy", .secret_key = "toy_key", .webhook_secret = "toy_hook"});
    const auto b = shop.book();
    const Headers signed_by_toy{{"X-Toy-Secret", "toy_hook"}};
    const auto wrong_amount = shop.admin.handle_webhook("evt_1|paid|" + b.id.value + "|100|eur", signed_by_toy);
    CHECK(wrong_amount.applied);  // the booking is flagged: the money is owed back
    CHECK(wrong_amount.ignored_because.find("amount") != std::string::npos);
    const auto unknown = shop.admin.handle_webhook("evt_2|paid|bkg_nope|4500|eur", signed_by_toy);
    CHECK_FALSE(unknown.applied);
    CHECK_FALSE(unknown.booking);
    const auto noise = shop.admin.handle_webhook("evt_3|noise|" + b.id.value + "|4500|eur", signed_by_toy);
    CHECK(noise.ignored_because == "nothing to do for noise");
    REQUIRE(shop.count(EngineEventKind::webhook_ignored) == 2);
    CHECK(shop.count(EngineEventKind::payment_unmatched) == 2);
    CHECK(shop.events.back().detail.find("nothing to do") != std::string::npos);
    CHECK(shop.admin.get_booking(b.id).payment_status == PaymentStatus::refund_due);
    CHECK(shop.admin.unmatched_payments().size() == 2);
}

TEST_CASE("without a payment provider a paid service cannot be booked or paid, and says not_configured") {
    SUBCASE("the engine has no registry") {
        Shop shop(nullptr);
        CHECK(code_of([&] { shop.admin.configure_payments({.provider = "toy", .secret_key = "k", .webhook_secret = "w"}); }) ==
              Errc::not_configured);
        CHECK(code_of([&] { shop.book(); }) == Errc::not_configured);
    }
    SUBCASE("the tenant configured none") {
        Shop shop(toy_registry());
        CHECK(code_of([&] { shop.book(); }) == Errc::not_configured);
        CHECK(code_of([&] { shop.admin.handle_webhook("x", {}); }) == Errc::not_configured);
        CHECK(shop.admin.bookings({}).empty());  // nothing half-written
    }
    SUBCASE("the tenant's provider is not one this engine knows") {
        Shop shop(toy_registry());
        CHECK(code_of([&] { shop.admin.configure_stripe("sk_test_x", "whsec_x"); }) == Errc::not_configured);
        CHECK_FALSE(shop.admin.payment_settings());
    }
    SUBCASE("a free service needs no provider") {
        Shop shop(nullptr);
        const auto cut = shop.admin.create_service({.name = "Cut", .duration = 30min, .resources = {shop.anna.id}});
        auto ada = shop.engine.scope({.tenant = shop.tenant.id, .role = Role::customer, .subject = "ada"});
        CHECK(ada.book({.service = cut.id, .start = monday_7_rome + 2h, .customer = {.name = "Ada"}}).status ==
              BookingStatus::confirmed);
    }
}

TEST_CASE("a sink that throws never turns a committed booking into an error") {
    TempDir dir;
    Engine engine(open_sqlite({.path = (dir.path / "s.db").string()}),
                  EngineOptions{.clock = [] { return monday_7_rome; },
                                .events = [](const EngineEvent&) { throw std::runtime_error("log full"); }});
    const auto t = engine.create_tenant("T");
    auto admin = engine.scope({.tenant = t.id, .role = Role::admin, .subject = "o"});
    const auto r = admin.create_resource({.name = "R", .timezone = "UTC"});
    WeeklyHours week;
    week[date::Monday] = {{9h, 13h}};
    admin.set_weekly_hours(r.id, week);
    const auto s = admin.create_service({.name = "S", .duration = 30min, .resources = {r.id}});
    const auto b = admin.book({.service = s.id, .start = monday_7_rome + 4h, .customer = {.name = "A"}});
    CHECK(admin.get_booking(b.id).status == BookingStatus::confirmed);
}
