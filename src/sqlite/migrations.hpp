// The SQLite adapter's schema, one step per version: step i takes a file's
// `user_version` i to i + 1 (migrations.cpp). schema.cpp applies them. Not
// installed.
#pragma once

#include <span>

namespace slotwise::sqlite {

/// Every migration step as SQL, oldest first; the count is this build's
/// schema version.
std::span<const char* const> migrations() noexcept;

}  // namespace slotwise::sqlite
