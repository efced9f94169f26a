// The adapter's API keys (api_keys.hpp). Each function is
// one call of the Transaction interface, run inside the caller's transaction.
// A key is two rows: the tenant's own (api_keys) and its hash in the
// directory that authentication reads before it knows the tenant.
#include "internal.hpp"
#include "statements.hpp"

#include <algorithm>

namespace slotwise::postgres {
namespace {

ApiKey read_api_key(const Result& r, int row) {
    const auto role = r.bytes(row, 2);
    Role parsed = Role::customer;
    bool known = false;
    for (std::size_t i = 0; i < slotwise::detail::role_names.size(); ++i) {
        if (slotwise::detail::role_names[i] == role) {
            parsed = static_cast<Role>(i);
            known = true;
        }
    }
    if (!known) corrupt("role \"" + role + "\"");
    return ApiKey{.id = r.bytes(row, 0), .tenant = r.id<TenantTag>(row, 1), .role = parsed,
                  .subject = r.bytes(row, 3), .label = r.bytes(row, 4), .hash = r.bytes(row, 5),
                  .created_at = r.at(row, 6), .revoked_at = r.maybe_at(row, 7)};
}

}  // namespace

void insert_api_key(Connection& c, const ApiKey& k) {
    c.run(kInsertApiKey, Params().add(k.tenant).add(k.id).text(to_string(k.role)).add(k.subject).add(k.label)
                             .add(k.hash).add(k.created_at).add(k.revoked_at));
    c.run(kInsertApiKeyDirectory, Params().add(k.tenant).add(k.hash));
}

std::optional<ApiKey> api_key_by_hash(Connection& c, const std::string& hash) {
    const auto owner = c.run(kSelectApiKeyTenant, Params().add(hash));
    if (owner.rows() == 0) return std::nullopt;
    const auto r = c.run(kSelectApiKeyByHash, Params().add(owner.id<TenantTag>(0, 0)).add(hash));
    if (r.rows() == 0) return std::nullopt;
    return read_api_key(r, 0);
}

std::vector<ApiKey> api_keys(Connection& c, const TenantId& t) {
    const auto r = c.run(kSelectApiKeys, Params().add(t));
    std::vector<ApiKey> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_api_key(r, i));
    return out;
}

bool revoke_api_key(Connection& c, const TenantId& t, const std::string& id, Instant at) {
    return c.run(kRevokeApiKey, Params().add(t).add(id).add(at)).changed() > 0;
}


}  // namespace slotwise::postgres
