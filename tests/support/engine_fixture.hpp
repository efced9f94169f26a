// An engine on a fresh SQLite file with a settable clock, and a small salon.
#pragma once

#include "support/temp_dir.hpp"

#include <slotwise/engine.hpp>
#include <slotwise/sqlite.hpp>
#include <slotwise/stripe.hpp>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

namespace slotwise::test {


// A clock the test moves by hand.
struct ManualClock {
    std::shared_ptr<std::atomic<std::int64_t>> seconds = std::make_shared<std::atomic<std::int64_t>>(0);
    void set(Instant t) { seconds->store(t.time_since_epoch().count()); }
    void advance(std::chrono::seconds d) { seconds->fetch_add(d.count()); }
    Clock clock() const {
        return [s = seconds] { return Instant{std::chrono::seconds{s->load()}}; };
    }
};

inline Instant at(const char* s) { return parse_instant(s, "t"); }
inline Date day(const char* s) { return parse_date(s, "d"); }

// The payment providers the tests' engines know: Stripe.
inline std::shared_ptr<const PaymentProviders> test_providers() {
    auto providers = std::make_shared<PaymentProviders>();
    register_stripe(*providers);
    return providers;
}

// A salon in Rome: Anna and Bruno work Monday to Friday 09:00-13:00; a free
// 30-minute cut and a paid 60-minute colour with a 15-minute hold, paid
// through Stripe (test keys).
struct Salon {
    TempDir dir;
    ManualClock time;
    Engine engine;
    Tenant tenant;
    TenantScope admin;
    Resource anna, bruno;
    Service cut, colour;

    explicit Salon(const std::string& file = "salon.db", EventSink events = {})
        : engine(open_sqlite({.path = (dir.path / file).string()}),
                 EngineOptions{.clock = init_clock(), .payments = test_providers(), .events = std::move(events)}),
          tenant(engine.create_tenant("Salon Bella")),
          admin(engine.scope({.tenant = tenant.id, .role = Role::admin, .subject = "owner"})) {
        using namespace std::chrono_literals;
        anna = admin.create_resource({.name = "Anna", .timezone = "Europe/Rome"});
        bruno = admin.create_resource({.name = "Bruno", .timezone = "Europe/Rome"});
        WeeklyHours week;
        for (auto wd : {date::Monday, date::Tuesday, date::Wednesday, date::Thursday, date::Friday}) {
            week[wd] = {{9h, 13h}};
        }
        admin.set_weekly_hours(anna.id, week);
        admin.set_weekly_hours(bruno.id, week);
        cut = admin.create_service({.name = "Cut", .duration = 30min, .resources = {anna.id, bruno.id}});
        colour = admin.create_service({.name = "Colour", .duration = 60min, .price = 4500, .currency = "EUR",
                                       .hold = 15min, .resources = {anna.id}});
        admin.configure_stripe("sk_test_salon", "whsec_salon");
    }

    Clock init_clock() {
        time.set(at("2026-06-01T05:00:00Z"));  // Monday 07:00 in Rome
        return time.clock();
    }

    TenantScope customer(const std::string& subject) {
        return engine.scope({.tenant = tenant.id, .role = Role::customer, .subject = subject});
    }
};

}  // namespace slotwise::test
