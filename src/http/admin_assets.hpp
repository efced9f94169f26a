// The admin page's files (web/admin/), compiled into the server: the table is
// generated at build time by cmake/embed-admin-page.cmake. Immutable, so
// safe to read from any thread.
#pragma once

#include <span>
#include <string_view>

namespace slotwise::http {

struct AdminAsset {
    std::string_view name;          ///< "index.html", "admin.js", …
    std::string_view content_type;  ///< with its charset for text
    std::string_view bytes;
};

/// Every file of the admin page.
std::span<const AdminAsset> admin_assets() noexcept;

}  // namespace slotwise::http
