// Payment secrets at rest: AES-256-GCM under the host's master key
// (SqliteOptions::master_key, PostgresOptions::master_key), with the tenant and the field as associated
// data, so a sealed value copied to another tenant's row or to the other
// field does not open. Not installed; see secrets.cpp.
#pragma once

#include <string>
#include <string_view>

namespace slotwise::secrets {

/// The length of a master key: AES-256.
inline constexpr std::size_t kMasterKeyBytes = 32;

/// Whether `stored` is a sealed value (else it is a secret stored as given).
bool is_sealed(std::string_view stored) noexcept;

/// `secret`, encrypted under `key` with a fresh random nonce, as printable
/// text: "swenc1:" and the hex of nonce, ciphertext and tag.
std::string seal(std::string_view key, std::string_view tenant, std::string_view field, std::string_view secret);

/// What `seal` sealed. Throws storage_error when the key does not open the
/// value (another key, or the value, tenant or field altered).
std::string unseal(std::string_view key, std::string_view tenant, std::string_view field, std::string_view sealed);

/// A Stripe live-mode secret or restricted key (sk_live_…, rk_live_…).
bool is_live_key(std::string_view secret) noexcept;

}  // namespace slotwise::secrets
