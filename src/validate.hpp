// Input checks shared by the engine's translation units: each refuses bad
// input with `invalid_argument` naming the field, before anything reaches a
// store. Not installed.
#pragma once

#include <slotwise/engine.hpp>
#include <slotwise/policy.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace slotwise::detail {

/// Longest name of a tenant, resource, service or customer, in bytes.
inline constexpr std::size_t max_name = 200;

/// Well-formed UTF-8: no stray continuation bytes, no overlong forms, no
/// surrogates, nothing past U+10FFFF.
bool valid_utf8(std::string_view s);
/// Optional text (may be empty): at most `max` bytes of UTF-8 without control characters.
void check_optional_text(const std::string& value, const std::string& field, std::size_t max);
/// A required name: not empty, then as `check_optional_text` with `max_name`.
void check_name(const std::string& value, const std::string& field);
/// An instant within the years `parse_instant` accepts.
void check_instant(Instant t, const std::string& field);
/// Minutes in [lowest, max_minutes].
void check_minutes(Minutes m, const std::string& field, Minutes lowest);
void check_customer(const Customer& c);
void check_resource(const NewResource& r);
/// Checks a service and fills its defaults (`step` 0 → duration).
void check_service(Service& s);
/// Most groups one service may need, and most resources linked to it in all.
inline constexpr std::size_t max_resource_groups = 8;
inline constexpr std::size_t max_linked_resources = 200;
/// Groups not empty, each resource listed once over all of them (fields
/// "resource_groups[g][i]").
void check_groups(const ResourceGroups& groups);
void check_date_range(Date from, Date to);
void check_seats(int seats);

/// The shape of every id the engine hands out (random_id): `prefix`, '_',
/// then `id_hex_digits` lowercase hex digits, e.g. "res_4f0c9a…" (28 bytes).
inline constexpr std::size_t id_hex_digits = 24;
/// Id prefixes, one per entity.
inline constexpr std::string_view tenant_prefix = "ten", resource_prefix = "res", service_prefix = "svc",
                                  block_prefix = "blk", booking_prefix = "bkg", series_prefix = "ser",
                                  combination_prefix = "cmb";
/// True when `id` has exactly the shape random_id(prefix) gives.
bool well_formed_id(std::string_view id, std::string_view prefix) noexcept;
/// Throws `not_found` ("<what> not found") unless `id` is well formed. Called
/// before any lookup: an id of any length costs a constant amount of work
/// and never reaches a store or its caches. A malformed id cannot exist, so
/// this answers exactly as the store would.
template <class Tag>
void require_id_shape(const Id<Tag>& id, std::string_view prefix, const std::string& what) {
    if (!well_formed_id(id.value, prefix)) throw Error(Errc::not_found, what + " not found");
}

/// Longest principal subject, in bytes (the host's user id).
inline constexpr std::size_t max_subject = 200;
/// The principal's subject: at most `max_subject` bytes of UTF-8 without
/// control characters (field "subject").
void check_subject(const std::string& subject);
/// Checks a policy's values (fields named as its members).
void check_policy(const TenantPolicy& p);

}  // namespace slotwise::detail
