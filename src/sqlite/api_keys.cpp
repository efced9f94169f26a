// The adapter's API keys (api_keys.hpp). Each function is
// one call of the Transaction interface, run inside the caller's transaction.
// A key is two rows: the tenant's own (api_keys) and its hash in the
// directory that authentication reads before it knows the tenant.
#include "internal.hpp"

#include <algorithm>

namespace slotwise::sqlite {
namespace {

#define SLOTWISE_KEY_COLUMNS "key_id, tenant_id, role, subject, label, key_hash, created_at, revoked_at"

constexpr char kInsertApiKey[] =
    "INSERT INTO api_keys (" SLOTWISE_KEY_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr char kInsertApiKeyDirectory[] = "INSERT INTO api_key_directory (key_hash, tenant_id) VALUES (?1, ?2)";
constexpr char kSelectApiKeyByHash[] =
    "SELECT " SLOTWISE_KEY_COLUMNS " FROM api_keys WHERE tenant_id = "
    "(SELECT tenant_id FROM api_key_directory WHERE key_hash = ?1) AND key_hash = ?1";
constexpr char kSelectApiKeys[] =
    "SELECT " SLOTWISE_KEY_COLUMNS " FROM api_keys WHERE tenant_id = ?1 ORDER BY created_at, key_id";
constexpr char kRevokeApiKey[] =
    "UPDATE api_keys SET revoked_at = ?3 WHERE tenant_id = ?1 AND key_id = ?2 AND revoked_at IS NULL";

ApiKey read_api_key(const Statement& s) {
    ApiKey k{.id = s.text(0), .tenant = s.id<TenantTag>(1), .role = decode_enum<Role>(s.text(2), slotwise::detail::role_names),
             .subject = s.text(3), .label = s.text(4), .hash = s.text(5), .created_at = s.at(6)};
    if (!s.is_null(7)) k.revoked_at = s.at(7);
    return k;
}

}  // namespace

void insert_api_key(Connection& c, const ApiKey& k) {
    c.statement(kInsertApiKey)
        .bind(k.id, k.tenant, std::string(to_string(k.role)), k.subject, k.label, k.hash, k.created_at, k.revoked_at)
        .run();
    c.statement(kInsertApiKeyDirectory).bind(k.hash, k.tenant).run();
}

std::optional<ApiKey> api_key_by_hash(Connection& c, const std::string& hash) {
    auto s = c.statement(kSelectApiKeyByHash);
    s.bind(hash);
    if (!s.step()) return std::nullopt;
    return read_api_key(s);
}

std::vector<ApiKey> api_keys(Connection& c, const TenantId& t) {
    std::vector<ApiKey> out;
    auto s = c.statement(kSelectApiKeys);
    s.bind(t);
    while (s.step()) out.push_back(read_api_key(s));
    return out;
}

bool revoke_api_key(Connection& c, const TenantId& t, const std::string& id, Instant at) {
    auto s = c.statement(kRevokeApiKey);
    s.bind(t, id, at).run();
    return s.changes() > 0;
}


}  // namespace slotwise::sqlite
