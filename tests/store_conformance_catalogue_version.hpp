// Conformance case of Transaction::catalogue_version (store.hpp): book()
// checks its rules outside the write lock and only confirms this number
// inside it, so every kind of catalogue change must move it (to a number the
// tenant never had), and a booking must not. Included by
// store_conformance.hpp, whose fixture and helpers it uses.
#pragma once

#include <set>

namespace slotwise::conformance::detail {

inline void catalogue_version_moves_on_every_catalogue_change_and_on_nothing_else(const StoreFactory& make) {
    Fixture f(make);
    const ResourceId r{"res_1"};
    const auto version = [&](const TenantId& t) {
        return f.read([&](Transaction& tx) { return tx.catalogue_version(t); });
    };
    // A store may keep no version at all (the default): then book() checks
    // everything under the write lock, and there is nothing more to hold it to.
    if (!version(f.a)) return;
    CHECK_FALSE(version({"tenant_unknown"}));
    std::set<std::int64_t> seen{*version(f.a)};
    // Each change must give a number the tenant has not had before: an old
    // one come back would let a check made against it pass again.
    const auto changes = [&](const char* what, auto&& change) {
        CAPTURE(what);
        const auto other_before = version(f.b);
        f.write(change);
        const auto now = version(f.a);
        REQUIRE(now);
        CHECK(seen.insert(*now).second);
        CHECK(version(f.b) == other_before);
    };
    changes("a resource added", [&](Transaction& tx) { tx.put_resource(f.a, resource(r.value)); });
    changes("a resource changed", [&](Transaction& tx) { tx.put_resource(f.a, resource(r.value, 2)); });
    changes("a resource deactivated", [&](Transaction& tx) {
        Resource off = resource(r.value, 2);
        off.active = false;
        tx.put_resource(f.a, off);
    });
    changes("weekly hours", [&](Transaction& tx) {
        WeeklyHours w;
        w.days[0] = {{.start = Minutes{9 * 60}, .end = Minutes{12 * 60}}};
        tx.put_weekly_hours(f.a, r, w);
    });
    changes("an override added", [&](Transaction& tx) {
        tx.put_override(f.a, r, date::year{2026} / 6 / 1, {{.start = Minutes{10 * 60}, .end = Minutes{11 * 60}}});
    });
    changes("an override removed", [&](Transaction& tx) { tx.delete_override(f.a, r, date::year{2026} / 6 / 1); });
    const Block block{.id = {"blk_1"}, .resource = r,
                      .interval = {at("2026-06-01T09:00:00Z"), at("2026-06-01T10:00:00Z")}, .reason = ""};
    changes("a block added", [&](Transaction& tx) { tx.insert_block(f.a, block); });
    changes("a block removed", [&](Transaction& tx) { tx.delete_block(f.a, block.id); });
    changes("a service added", [&](Transaction& tx) { tx.put_service(f.a, service("svc_cut", {r})); });
    changes("a service deactivated", [&](Transaction& tx) {
        Service s = service("svc_cut", {r});
        s.active = false;
        tx.put_service(f.a, s);
    });

    // A booking is no change of the catalogue: book() re-checks occupancy
    // itself, and a version bumped by every booking would send every racing
    // booking down the slow path.
    const auto before = version(f.a);
    f.write([&](Transaction& tx) { tx.insert_booking(f.a, booking("bkg_1", r.value, at("2026-06-02T09:00:00Z"))); });
    CHECK(version(f.a) == before);

    // The writer that makes a change sees the number move in its own transaction.
    auto writer = f.store->write();
    const auto at_start = writer->catalogue_version(f.a);
    writer->put_resource(f.a, resource(r.value, 4));
    CHECK(writer->catalogue_version(f.a) != at_start);
}

}  // namespace slotwise::conformance::detail
