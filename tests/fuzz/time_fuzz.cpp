// tests/fuzz/time_fuzz.cpp — libFuzzer target for the text forms of time:
// RFC 3339 instants, "YYYY-MM-DD" dates and "HH:MM" local times
// (include/slotwise/time.hpp).
//
// Contract: each parser returns a value or throws `slotwise::Error` with
// `invalid_argument` naming the field. Round trip: what parses formats back
// to a text that parses to the same value; a date or local time formats back
// to exactly the input; an instant already in the canonical form
// (YYYY-MM-DDTHH:MM:SSZ, no leap second) formats back to itself. Anything
// else aborts and libFuzzer keeps the input.
#include <slotwise/time.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

template <class F>
void parse_or_refuse(F&& f) {
    try {
        f();
    } catch (const slotwise::Error& e) {
        require(e.code() == slotwise::Errc::invalid_argument && e.field() == "f");
    }
}

bool canonical_instant(std::string_view s) {
    if (s.size() != 20 || s[19] != 'Z' || s[10] != 'T' || s.substr(17, 2) == "60") return false;
    for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18}) {
        if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view s(reinterpret_cast<const char*>(data), size);
    parse_or_refuse([&] {
        const auto t = slotwise::parse_instant(s, "f");
        const auto text = slotwise::format_instant(t);
        require(slotwise::parse_instant(text, "f") == t);
        if (canonical_instant(s)) require(text == s);
    });
    parse_or_refuse([&] {
        const auto d = slotwise::parse_date(s, "f");
        require(slotwise::format_date(d) == s);
    });
    for (const auto kind : {slotwise::LocalTimeKind::time_of_day, slotwise::LocalTimeKind::window_end}) {
        parse_or_refuse([&] {
            const auto m = slotwise::parse_local_time(s, "f", kind);
            require(slotwise::format_local_time(m) == s);
            require(slotwise::parse_local_time(slotwise::format_local_time(m), "f", kind) == m);
        });
    }
    return 0;
}
