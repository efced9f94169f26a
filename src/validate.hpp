// Input checks shared by the engine's translation units: each refuses bad
// input with `invalid_argument` naming the field, before anything reaches a
// store. Not installed.
#pragma once

#include <slotwise/engine.hpp>

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
void check_date_range(Date from, Date to);
void check_seats(int seats);

}  // namespace slotwise::detail
