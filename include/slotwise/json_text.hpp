// slotwise/json_text.hpp — untrusted text made safe to show, and the bounds
// of a JSON document.
//
// `quote_excerpt` is how slotwise quotes input in an error message: at most
// `max_quoted_chars` characters, escaped so that control characters, C1
// controls, bidirectional overrides and invalid UTF-8 never reach a terminal
// or a log raw. `printable_key` does the same for a key inside a field name.
// `JsonLimits` bounds a document (json_reader.hpp applies them).
//
// Thread-safety: pure functions and values.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace slotwise {

/// Bounds on one JSON document. Each reader of slotwise documents its own.
struct JsonLimits {
    std::size_t max_bytes = std::size_t{16} << 20;  ///< longest document, in bytes
    std::size_t max_depth = 64;                      ///< most arrays/objects open at once
};

/// Most characters of input an error message quotes.
inline constexpr std::size_t max_quoted_chars = 60;

namespace detail::json {

// Decodes one UTF-8 sequence at `p` (strict: no overlongs, surrogates or
// values past U+10FFFF). Returns its length, 0 when invalid.
inline std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end, char32_t& cp) {
    const unsigned char c = *p;
    std::size_t n = 0;
    char32_t lowest = 0;
    if (c < 0x80) {
        cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        n = 2, cp = c & 0x1f, lowest = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, cp = c & 0x0f, lowest = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, cp = c & 0x07, lowest = 0x10000;
    } else {
        return 0;
    }
    if (static_cast<std::size_t>(end - p) < n) return 0;
    for (std::size_t i = 1; i < n; ++i) {
        if ((p[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < lowest || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return n;
}

// Code points a terminal may act on rather than show: C0/C1 controls, DEL,
// bidirectional marks and overrides, line/paragraph separators, BOM.
constexpr bool unsafe_to_show(char32_t cp) {
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0xfeff;
}

inline void append_hex(std::string& out, unsigned v, int digits) {
    static constexpr char hex[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; --i) out += hex[(v >> (4 * i)) & 15];
}

// FNV-1a over the decoded key: duplicate detection sorts by it.
inline std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

// Byte classes inside a string: 0 plain ASCII, 1 '"', 2 '\\', 3 control, 4 non-ASCII.
inline constexpr std::array<unsigned char, 256> string_class = [] {
    std::array<unsigned char, 256> t{};
    for (int c = 0; c < 0x20; ++c) t[static_cast<std::size_t>(c)] = 3;
    t['"'] = 1;
    t['\\'] = 2;
    for (int c = 0x80; c < 0x100; ++c) t[static_cast<std::size_t>(c)] = 4;
    return t;
}();

// The bytes among the 8 at `q` that end plain string content ('"', '\\',
// control, non-ASCII): each flagged byte's high bit set. SWAR: the lowest
// flag is exact (a borrow only runs upward from a true hit), so on a
// little-endian machine countr_zero(mask) / 8 is the first such byte.
inline std::uint64_t special8(const char* q) {
    std::uint64_t v = 0;
    std::memcpy(&v, q, 8);
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const auto has_zero_byte = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
    const std::uint64_t quote = has_zero_byte(v ^ (ones * '"'));
    const std::uint64_t backslash = has_zero_byte(v ^ (ones * '\\'));
    const std::uint64_t control = (v - ones * 0x20) & ~v & highs;
    return quote | backslash | control | (v & highs);
}

}  // namespace detail::json

/// `s` in double quotes, escaped JSON-style (\n, \", \\, \u001b …; invalid
/// UTF-8 bytes as \xHH; controls, C1, bidi marks and separators as \uXXXX),
/// cut after `max_chars` code points with "..." inside the quotes.
inline std::string quote_excerpt(std::string_view s, std::size_t max_chars = max_quoted_chars) {
    std::string out = "\"";
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    std::size_t shown = 0;
    for (; p < end && shown < max_chars; ++shown) {
        char32_t cp = 0;
        const std::size_t n = detail::json::utf8_sequence(p, end, cp);
        if (n == 0) {
            out += "\\x";
            detail::json::append_hex(out, *p, 2);
            ++p;
            continue;
        }
        switch (cp) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (detail::json::unsafe_to_show(cp)) {
                    out += "\\u";
                    detail::json::append_hex(out, static_cast<unsigned>(cp), 4);
                } else {
                    out.append(reinterpret_cast<const char*>(p), n);
                }
        }
        p += n;
    }
    if (p < end) out += "...";
    return out + "\"";
}

/// A key as it appears in a field name ("weekly.mon"): at most 64 bytes (cut
/// at a character boundary, then "..."), and every character a terminal could
/// act on — or an invalid byte — shown as '?'. Empty shows as "".
inline std::string printable_key(std::string_view key) {
    if (key.empty()) return "\"\"";
    constexpr std::size_t max_bytes = 64;
    std::string out;
    const auto* p = reinterpret_cast<const unsigned char*>(key.data());
    const auto* end = p + key.size();
    while (p < end) {
        char32_t cp = 0;
        std::size_t n = detail::json::utf8_sequence(p, end, cp);
        const bool bad = n == 0 || detail::json::unsafe_to_show(cp);
        if (n == 0) n = 1;
        if (out.size() + (bad ? 1 : n) > max_bytes) break;
        if (bad) {
            out += '?';
        } else {
            out.append(reinterpret_cast<const char*>(p), n);
        }
        p += n;
    }
    if (p < end) out += "...";
    return out;
}


}  // namespace slotwise
