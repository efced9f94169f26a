// Test support: what the process holds in memory, for tests that bound it.
//
// AddressSanitizer keeps freed memory in quarantine (256 MB by default) and
// adds shadow memory, so under it RSS says nothing about what the library
// keeps: tests print the growth and check it only in an ordinary build
// (`rss_is_meaningful`).
#pragma once

#include <cstddef>
#include <fstream>
#include <string>

#include <unistd.h>

namespace slotwise::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool rss_is_meaningful = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool rss_is_meaningful = false;
#else
inline constexpr bool rss_is_meaningful = true;
#endif
#else
inline constexpr bool rss_is_meaningful = true;
#endif

/// Resident set size of this process, in bytes.
inline std::size_t rss_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t pages = 0, resident = 0;
    statm >> pages >> resident;
    return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

/// RSS gained since `before` (a `rss_bytes()` reading), in bytes; 0 if it shrank.
inline std::size_t rss_growth_since(std::size_t before) {
    const auto after = rss_bytes();
    return after > before ? after - before : 0;
}

/// A "Key:" line of /proc/self/status, in KiB (0 when absent).
inline std::size_t status_kib(const char* key) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(key, 0) == 0) return std::stoul(line.substr(std::string(key).size()));
    }
    return 0;
}

}  // namespace slotwise::test
