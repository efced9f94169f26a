// The catalogue cache of a PostgreSQL connection as a transaction sees it:
// a tenant's entry holds while its catalogue_version (bumped by triggers on
// every change, whoever makes it) stays where it was when the entry was read.
#include "parts.hpp"
#include "statements.hpp"

namespace slotwise::postgres {

void CatalogueReader::changed(Connection& c, const TenantId& t) {
    written_ = true;
    if (touched_.insert(t.value).second) c.run(kTouchCatalogue, Params().add(t));
}

CatalogueCache::Tenant* CatalogueReader::tenant(Connection& c, const TenantId& t) {
    if (written_) return nullptr;
    // A transaction asks about one tenant many times: what was found for it
    // (its entry, or none: no such tenant, and the cache goes unused) holds
    // until the cache drops an entry.
    if (memo_ && memo_generation_ == c.catalogue().generation && memo_tenant_ == t.value) return entry_;
    memo_ = false;
    entry_ = find_tenant(c, t);
    memo_tenant_ = t.value;
    memo_generation_ = c.catalogue().generation;
    memo_ = true;
    return entry_;
}

CatalogueCache::Tenant* CatalogueReader::find_tenant(Connection& c, const TenantId& t) {
    // Once per transaction: a reader's snapshot cannot see the version move;
    // a writer decides on bookings under their resources' locks, never on a
    // cached catalogue alone, and takes the catalogue as of its first read.
    if ((!checked_ || checked_tenant_ != t.value) && check_with_next_) {
        const auto kept = c.catalogue().tenants.find(t.value);
        if (kept != c.catalogue().tenants.end()) {
            const std::int64_t expected = kept->second.version;
            c.check_with_next(
                kSelectCatalogueVersion, Params().add(t),
                [tenant = t.value, expected](const Result& r, CatalogueCache& cache) {
                    if (r.rows() == 1 && r.integer(0, 0) == expected) return;
                    drop(cache, tenant);
                    throw CatalogueMoved();
                },
                t.value);
            checked_version_ = expected;
            checked_tenant_ = t.value;
            checked_ = true;
            return &kept->second;
        }
    }
    if (!checked_ || checked_tenant_ != t.value) {
        const auto r = c.run(kSelectCatalogueVersion, Params().add(t));
        if (r.rows() == 0) return nullptr;
        checked_version_ = r.integer(0, 0);
        checked_tenant_ = t.value;
        checked_ = true;
    }
    auto& cache = c.catalogue();
    auto it = cache.tenants.find(t.value);
    if (it == cache.tenants.end()) {
        if (cache.tenants.size() >= CatalogueCache::kMaxTenants) {
            cache.tenants.clear();
            cache.rows = 0;
            ++cache.generation;
        }
        it = cache.tenants.emplace(t.value, CatalogueCache::Tenant{}).first;
    }
    if (it->second.version != checked_version_) {
        cache.rows -= it->second.rows;
        it->second = CatalogueCache::Tenant{};
        it->second.version = checked_version_;
    }
    return &it->second;
}

void CatalogueReader::take_back_check(Connection& c, const TenantId& t) {
    // Only a check that confirm() then stands in for.
    if (relies_on(t)) c.take_back_check(kSelectCatalogueVersion, t.value);
}

bool CatalogueReader::confirm(Connection& c, const TenantId& t, std::optional<std::int64_t> version) {
    if (!relies_on(t)) return false;
    if (version == checked_version_) return true;
    drop(c.catalogue(), t.value);  // its generation moves on: the memo goes too
    throw CatalogueMoved();
}

void CatalogueReader::drop(CatalogueCache& cache, const std::string& tenant) noexcept {
    if (const auto it = cache.tenants.find(tenant); it != cache.tenants.end()) {
        cache.rows -= it->second.rows;
        cache.tenants.erase(it);
        ++cache.generation;
    }
}

bool CatalogueReader::make_room(Connection& c) noexcept {
    auto& cache = c.catalogue();
    if (cache.rows < CatalogueCache::kMaxRows) return true;
    cache.tenants.clear();
    cache.rows = 0;
    ++cache.generation;
    return false;
}

}  // namespace slotwise::postgres
