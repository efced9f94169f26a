// What a call throws, for tests that check codes and fields.
#pragma once

#include <slotwise/error.hpp>

#include <functional>
#include <string>

namespace slotwise::test {

// The code of the slotwise::Error `f` throws; Errc{} (no code) when it returns.
inline Errc code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    return Errc{};
}

// The field of the slotwise::Error `f` throws; "(no error)" when it returns.
inline std::string field_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.field();
    }
    return "(no error)";
}

}  // namespace slotwise::test
