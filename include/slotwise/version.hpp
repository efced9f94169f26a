// slotwise/version.hpp — the library's version, for the preprocessor and for
// code.
//
// The one place the version is written: the top CMakeLists.txt reads the
// three numbers below for `project(slotwise VERSION …)`, and from there the
// CMake package version file, `slotwise.pc` and the Python module's
// `__version__` follow.
//
// `SLOTWISE_VERSION` is an integer, as fmt's `FMT_VERSION` is:
// major * 10000 + minor * 100 + patch, so 0.1.0 is 100 and 1.2.3 is 10203.
// Compare it in `#if`; print `SLOTWISE_VERSION_STRING`.
//
// **Example**
// ```cpp
// #include <slotwise/version.hpp>
// #if SLOTWISE_VERSION < 100
// #error "needs slotwise 0.1.0 or later"
// #endif
// ```
//
// Macros and constants only: no code, nothing to link, thread-safe.
#pragma once

#define SLOTWISE_VERSION_MAJOR 0
#define SLOTWISE_VERSION_MINOR 1
#define SLOTWISE_VERSION_PATCH 0

/// major * 10000 + minor * 100 + patch (0.1.0 → 100), like FMT_VERSION.
#define SLOTWISE_VERSION (SLOTWISE_VERSION_MAJOR * 10000 + SLOTWISE_VERSION_MINOR * 100 + SLOTWISE_VERSION_PATCH)

#define SLOTWISE_DETAIL_STR2(x) #x
#define SLOTWISE_DETAIL_STR(x) SLOTWISE_DETAIL_STR2(x)
/// "major.minor.patch", e.g. "0.1.0".
#define SLOTWISE_VERSION_STRING                                                       \
    SLOTWISE_DETAIL_STR(SLOTWISE_VERSION_MAJOR) "." SLOTWISE_DETAIL_STR(SLOTWISE_VERSION_MINOR) "." \
        SLOTWISE_DETAIL_STR(SLOTWISE_VERSION_PATCH)

namespace slotwise {

/// The version of the headers in use, as `SLOTWISE_VERSION` (0.1.0 → 100).
inline constexpr int version = SLOTWISE_VERSION;

}  // namespace slotwise
