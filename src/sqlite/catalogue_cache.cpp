// The catalogue cache: what one connection has read of tenants' services,
// resources, weekly hours, small sets of overrides and blocks, and policies,
// each tenant's kept while its catalogue_version (bumped by triggers on
// every change, whoever makes it) stays where it was when the entry was read.
#include "internal.hpp"
#include "statements.hpp"

namespace slotwise::sqlite {

std::optional<std::int64_t> CatalogueReader::version(const TenantId& t) {
    // The version cannot change under a transaction but by its own writes: a
    // write transaction excludes other writers and a read one keeps its
    // snapshot.
    if (!written_ && checked_tenant_ == t.value) return checked_version_;
    auto s = c_->statement(kSelectCatalogueVersion);
    s.bind(t);
    if (!s.step()) return std::nullopt;
    const std::int64_t v = s.integer(0);
    if (!written_) {
        checked_version_ = v;
        checked_tenant_ = t.value;
    }
    return v;
}

CatalogueCache::Tenant* CatalogueReader::tenant(const TenantId& t) {
    if (written_ || !version(t)) return nullptr;
    auto& cache = c_->catalogue();
    auto it = cache.tenants.find(t.value);
    if (it == cache.tenants.end()) {
        if (cache.tenants.size() >= CatalogueCache::kMaxTenants) {
            cache.tenants.clear();
            cache.rows = 0;
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

bool CatalogueReader::make_room() noexcept {
    auto& cache = c_->catalogue();
    if (cache.rows < CatalogueCache::kMaxRows) return true;
    cache.tenants.clear();
    cache.rows = 0;
    return false;
}

}  // namespace slotwise::sqlite
