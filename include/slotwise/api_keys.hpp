// slotwise/api_keys.hpp — API keys per tenant: what an HTTP host (http.hpp,
// `slotwise serve`) turns a bearer token into, a `Principal`.
//
// A key is 32 random bytes from the kernel, handed out once as
// "swk_" + 64 hex digits (`IssuedApiKey::secret`). The store keeps only its
// SHA-256 (hex): the keys are high-entropy, so a plain hash is enough, and a
// copy of the database grants nothing. `authenticate_api_key` hashes what a
// caller presents, finds the key by that hash and compares the hashes in
// constant time; a revoked key, a key of a tenant that no longer exists, and
// anything not shaped like a key read as no key at all.
//
// Each key maps, server-side, to exactly one `Principal`: its tenant, role
// and subject are fixed when it is created. Admin keys run the business;
// customer tokens are what the host mints for one of its signed-in users (the
// subject is that user's id in the host), so a customer sees only its own
// bookings. The tenant of a request is the key's, never anything the request
// says.
//
// These are operator calls, like `Engine::create_tenant`: whoever holds the
// engine may mint a key for any tenant. Expose them to a tenant's admins only
// behind their own admin key (http.hpp does).
//
// Thread-safety: as the engine's. `ApiKey` and `IssuedApiKey` are plain values.
#pragma once

#include <slotwise/model.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise {

class Engine;

/// A stored key: never its secret.
struct ApiKey {
    std::string id{};       ///< "key_" + 24 hex digits; what logs and lists show
    TenantId tenant{};
    Role role = Role::admin;
    std::string subject{};  ///< the principal's subject
    std::string label{};    ///< free text for the admin ("front end", "Ada's phone")
    std::string hash{};     ///< SHA-256 of the secret, 64 lowercase hex digits
    Instant created_at{};
    std::optional<Instant> revoked_at{};
    friend bool operator==(const ApiKey&, const ApiKey&) = default;
};

/// What to mint.
struct NewApiKey {
    TenantId tenant{};
    Role role = Role::admin;
    /// Required for staff and customer keys (the user's id in the host);
    /// empty for an admin key means "admin:" + the key's id.
    std::string subject{};
    std::string label{};
};

/// A key just minted: `secret` is shown this once and never stored.
struct IssuedApiKey {
    ApiKey key{};
    std::string secret{};  ///< "swk_" + 64 lowercase hex digits
};

/// Mints a key. `not_found` for an unknown tenant; `invalid_argument` naming
/// "subject" (missing for staff/customer, over 200 bytes or with control
/// characters) or "label" (over 200 bytes, control characters).
IssuedApiKey create_api_key(const Engine& engine, const NewApiKey& k);

/// A tenant's keys, revoked ones included, oldest first.
std::vector<ApiKey> api_keys(const Engine& engine, const TenantId& tenant);

/// Revokes a key of `tenant` from now on; `not_found` when the tenant has no
/// such live key (another tenant's key reads the same).
void revoke_api_key(const Engine& engine, const TenantId& tenant, const std::string& id);

/// The live key whose secret is `secret`, or nullopt (unknown, revoked,
/// malformed, or of a tenant that does not exist).
std::optional<ApiKey> authenticate_api_key(const Engine& engine, std::string_view secret);

/// The principal a key acts as.
inline Principal principal_of(const ApiKey& k) { return {.tenant = k.tenant, .role = k.role, .subject = k.subject}; }

/// SHA-256 of `secret` as 64 lowercase hex digits (what the store keeps).
std::string api_key_hash(std::string_view secret);

}  // namespace slotwise
