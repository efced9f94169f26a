// API keys (api_keys.hpp): minting, listing, revoking and authenticating.
// Only SHA-256 of a secret reaches the store; the secret exists in memory
// while it is minted or presented.
#include "engine_internal.hpp"
#include "validate.hpp"

#include <slotwise/api_keys.hpp>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>

namespace slotwise {
namespace {

constexpr std::string_view kSecretPrefix = "swk_";
constexpr std::size_t kSecretBytes = 32;
constexpr std::string_view kKeyPrefix = "key";

std::string hex(const unsigned char* p, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(n * 2, '0');
    for (std::size_t i = 0; i < n; ++i) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 0xf];
    }
    return out;
}

bool well_formed_secret(std::string_view s) {
    if (s.size() != kSecretPrefix.size() + 2 * kSecretBytes || !s.starts_with(kSecretPrefix)) return false;
    for (char ch : s.substr(kSecretPrefix.size())) {
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
    }
    return true;
}

TenantId require_tenant(Transaction& tx, const TenantId& t) {
    detail::require_id_shape(t, detail::tenant_prefix, "tenant");
    if (!tx.tenant(t)) throw Error(Errc::not_found, "tenant not found");
    return t;
}

}  // namespace

std::string api_key_hash(std::string_view secret) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), digest.data());
    return hex(digest.data(), digest.size());
}

IssuedApiKey create_api_key(const Engine& engine, const NewApiKey& k) {
    if (k.role != Role::admin && k.subject.empty()) invalid("subject", "required for a staff or customer key");
    detail::check_optional_text(k.subject, "subject", detail::max_subject);
    detail::check_optional_text(k.label, "label", detail::max_name);
    std::array<unsigned char, kSecretBytes> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw Error(Errc::storage_error, "no randomness for an API key");
    }
    IssuedApiKey out;
    out.secret = std::string(kSecretPrefix) + hex(bytes.data(), bytes.size());
    OPENSSL_cleanse(bytes.data(), bytes.size());
    out.key = ApiKey{.id = detail::random_id(kKeyPrefix), .tenant = k.tenant, .role = k.role, .subject = k.subject,
                     .label = k.label, .hash = api_key_hash(out.secret), .created_at = engine.now()};
    if (out.key.subject.empty()) out.key.subject = "admin:" + out.key.id;
    auto tx = engine.store()->write();
    require_tenant(*tx, k.tenant);
    tx->insert_api_key(out.key);
    tx->commit();
    return out;
}

std::vector<ApiKey> api_keys(const Engine& engine, const TenantId& tenant) {
    auto tx = engine.store()->read();
    require_tenant(*tx, tenant);
    return tx->api_keys(tenant);
}

void revoke_api_key(const Engine& engine, const TenantId& tenant, const std::string& id) {
    if (!detail::well_formed_id(id, kKeyPrefix)) throw Error(Errc::not_found, "key not found");
    auto tx = engine.store()->write();
    require_tenant(*tx, tenant);
    if (!tx->revoke_api_key(tenant, id, engine.now())) throw Error(Errc::not_found, "key not found");
    tx->commit();
}

std::optional<ApiKey> authenticate_api_key(const Engine& engine, std::string_view secret) {
    if (!well_formed_secret(secret)) return std::nullopt;
    const auto hash = api_key_hash(secret);
    auto tx = engine.store()->read();
    auto key = tx->api_key_by_hash(hash);
    // The lookup is by hash; the comparison that decides is constant-time.
    if (!key || key->hash.size() != hash.size() ||
        CRYPTO_memcmp(key->hash.data(), hash.data(), hash.size()) != 0) {
        return std::nullopt;
    }
    if (key->revoked_at || !tx->tenant(key->tenant)) return std::nullopt;
    return key;
}

}  // namespace slotwise
