// slotwise/json_reader.hpp — strict, bounded reading of untrusted JSON.
//
// Every JSON document slotwise reads from outside (scenario files, Stripe
// webhook events and API answers) goes through the rules of this header:
//
//  - **size**: a document longer than `JsonLimits::max_bytes` is refused
//    before any of it is parsed;
//  - **depth**: more than `JsonLimits::max_depth` nested arrays/objects are
//    refused where the limit is crossed, so memory stays bounded whatever the
//    input (30 MB of `[` costs nothing beyond the text itself);
//  - **duplicate keys** are refused, naming the key's path and both places
//    ("service.duration: duplicate key at line 4, column 3; first at line 2,
//    column 3"): RFC 8259 leaves their meaning open, and a document that says
//    two things must not be read as either;
//  - **strict RFC 8259 syntax**: no comments, trailing commas, NaN, leading
//    zeros or control characters in strings; strings must be valid UTF-8
//    (lone surrogates included); a number too large for a double is refused;
//    a UTF-8 byte-order mark at the start is skipped;
//  - **error messages quote at most `max_quoted_chars` characters of input**,
//    escaped (`quote_excerpt`, json_text.hpp): a 100 MB string yields a
//    one-line message, and control characters, C1 controls and bidirectional
//    overrides never reach a terminal raw.
//
// Errors are `Error(invalid_argument)`. Syntax, size and depth errors name
// the document's field (`"json"` for a scenario) and say where: "line 3,
// column 17: expected ',' or '}' after a member, got \"x\"". Type errors name
// the value's path ("bookings[3].start").
//
// Two tools:
//  - `JsonReader`, a pull reader for code that knows the shape it expects
//    (the scenario parser): no document tree, strings returned as views into
//    the text when they hold no escapes, fields named lazily (`JsonField`)
//    so that nothing is allocated for names on the happy path;
//  - `check_json` (json_check.hpp, included at the end of this header), which
//    validates a whole document against every rule above without building
//    it, for code that then hands the text to a general parser, and to report
//    the first document-level error of a document a `JsonReader` refused.
//
// Thread-safety: the functions are pure; a `JsonReader` is used by one thread
// at a time and must not outlive the text it reads (views point into it).
#pragma once

#include <slotwise/error.hpp>
#include <slotwise/json_text.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slotwise {

/// The name of a value inside a document, built only when an error needs
/// it: a chain of stack objects ("bookings" → [3] → "start" names
/// "bookings[3].start"). Keys must outlive the chain.
struct JsonField {
    static constexpr std::size_t no_index = std::numeric_limits<std::size_t>::max();

    const JsonField* parent = nullptr;
    std::string_view key{};
    std::size_t index = no_index;

    /// The member `k` of this value.
    JsonField operator/(std::string_view k) const { return {this, k, no_index}; }
    /// The element `i` of this value.
    JsonField operator[](std::size_t i) const { return {this, {}, i}; }

    /// "a.b[2].c"; the document itself is "".
    std::string str() const {
        if (parent == nullptr && key.empty() && index == no_index) return {};
        std::string base = parent ? parent->str() : std::string{};
        if (index != no_index) return base + "[" + std::to_string(index) + "]";
        return base.empty() ? printable_key(key) : base + "." + printable_key(key);
    }
};

class JsonReader;
inline void check_json(std::string_view text, JsonLimits limits = {}, const std::string& document_field = "json",
                       const std::string& path_prefix = "");

/// The kind of a JSON value.
enum class JsonKind { object, array, string, integer, fraction, boolean, null };

/// "an object", "an integer", … for error messages.
constexpr const char* json_kind_name(JsonKind k) {
    switch (k) {
        case JsonKind::object: return "an object";
        case JsonKind::array: return "an array";
        case JsonKind::string: return "a string";
        case JsonKind::integer: return "an integer";
        case JsonKind::fraction: return "a fractional number";
        case JsonKind::boolean: return "a boolean";
        case JsonKind::null: return "null";
    }
    return "a value";
}

/// A pull reader over one document (see the top of this header). Methods
/// throw `Error(invalid_argument)`: on the document field ("json") for
/// syntax, size and depth, on the given `JsonField` for a wrong type or
/// range.
class JsonReader {
public:
    /// Refuses a text longer than `limits.max_bytes` at once. `document_field`
    /// names syntax errors.
    explicit JsonReader(std::string_view text, JsonLimits limits = {}, std::string document_field = "json")
        : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()), limits_(limits),
          document_field_(std::move(document_field)) {
        if (text.size() > limits_.max_bytes) {
            invalid(document_field_, "the document is " + std::to_string(text.size()) +
                                         " bytes, more than the limit of " + std::to_string(limits_.max_bytes));
        }
        if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") p_ += 3;
    }

    /// The kind of the next value (syntax error when there is none).
    JsonKind peek() {
        skip_space();
        if (p_ == end_) fail(p_, "expected a value, got the end of the document");
        switch (*p_) {
            case '{': return JsonKind::object;
            case '[': return JsonKind::array;
            case '"': return JsonKind::string;
            case 't':
            case 'f': return JsonKind::boolean;
            case 'n': return JsonKind::null;
            default: break;
        }
        if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) {
            const char* q = p_;
            return scan_number(q).integer ? JsonKind::integer : JsonKind::fraction;
        }
        fail(p_, "expected a value, got " + excerpt(p_));
    }

    /// Reads an object, calling `member(key)` with the reader on each
    /// member's value; `member` must read exactly that value. The key view
    /// lasts until the next key.
    template <class Member>
    void object(const JsonField& field, Member&& member) {
        skip_space();
        if (p_ == end_ || *p_ != '{') expect(field, JsonKind::object);
        enter();
        ++p_;
        skip_space();
        if (p_ < end_ && *p_ == '}') {
            ++p_;
            --depth_;
            return;
        }
        for (;;) {
            if (p_ == end_ || *p_ != '"') fail(p_, "expected a member name in double quotes, got " + excerpt(p_));
            const std::string_view key = read_string(key_scratch_);
            skip_space();
            if (p_ == end_ || *p_ != ':') fail(p_, "expected ':' after a member name, got " + excerpt(p_));
            ++p_;
            member(key);
            skip_space();
            if (p_ < end_ && *p_ == ',') {
                ++p_;
                skip_space();
                continue;
            }
            if (p_ < end_ && *p_ == '}') break;
            fail(p_, "expected ',' or '}' after an object member, got " + excerpt(p_));
        }
        ++p_;
        --depth_;
    }

    /// Reads an array, calling `element(i)` with the reader on each element;
    /// `element` must read exactly that value.
    template <class Element>
    void array(const JsonField& field, Element&& element) {
        skip_space();
        if (p_ == end_ || *p_ != '[') expect(field, JsonKind::array);
        enter();
        ++p_;
        skip_space();
        if (p_ < end_ && *p_ == ']') {
            ++p_;
            --depth_;
            return;
        }
        for (std::size_t i = 0;; ++i) {
            element(i);
            skip_space();
            if (p_ < end_ && *p_ == ',') {
                ++p_;
                continue;
            }
            if (p_ < end_ && *p_ == ']') break;
            fail(p_, "expected ',' or ']' after an array element, got " + excerpt(p_));
        }
        ++p_;
        --depth_;
    }

    /// A string value, unescaped. The view lasts until the next string value
    /// (it points into the text when the string holds no escapes).
    std::string_view string(const JsonField& field) {
        skip_space();
        if (p_ == end_ || *p_ != '"') expect(field, JsonKind::string);
        return read_string(value_scratch_);
    }

    /// An integer value within [lo, hi].
    std::int64_t integer(const JsonField& field, std::int64_t lo, std::int64_t hi) {
        skip_space();
        if (p_ == end_ || !(*p_ == '-' || (*p_ >= '0' && *p_ <= '9'))) expect(field, JsonKind::integer);
        const char* start = p_;
        const Number n = scan_number(p_);
        if (!n.integer) {
            p_ = start;
            expect(field, JsonKind::integer);
        }
        // Accumulated negatively: the int64 range is wider below zero.
        const bool negative = *start == '-';
        std::int64_t v = 0;
        bool overflow = false;
        for (const char* q = start + (negative ? 1 : 0); q < p_; ++q) {
            const int digit = *q - '0';
            if (v < (std::numeric_limits<std::int64_t>::min() + digit) / 10) {
                overflow = true;
                break;
            }
            v = v * 10 - digit;
        }
        if (!overflow && !negative) {
            if (v == std::numeric_limits<std::int64_t>::min()) {
                overflow = true;
            } else {
                v = -v;
            }
        }
        if (overflow || v < lo || v > hi) {
            invalid(field.str(), "must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                                     (overflow ? "" : ", got " + std::to_string(v)));
        }
        return v;
    }

    /// Skips one value of any kind, checking its syntax and depth.
    void skip() {
        std::string closers;  // of the open containers, innermost last; bounded by max_depth
        do {
            const JsonKind k = peek();
            if (k == JsonKind::object || k == JsonKind::array) {
                enter();
                const char close = k == JsonKind::object ? '}' : ']';
                ++p_;
                skip_space();
                if (p_ < end_ && *p_ == close) {
                    ++p_;
                    --depth_;
                } else {
                    closers += close;
                    if (k == JsonKind::object) read_key();
                    continue;
                }
            } else {
                skip_scalar(k);
            }
            // After a value: commas and closing brackets until the next value or the end.
            while (!closers.empty()) {
                skip_space();
                if (p_ < end_ && *p_ == ',') {
                    ++p_;
                    if (closers.back() == '}') read_key();
                    break;
                }
                if (p_ < end_ && *p_ == closers.back()) {
                    ++p_;
                    --depth_;
                    closers.pop_back();
                    continue;
                }
                fail(p_, std::string("expected ',' or '") + closers.back() + "', got " + excerpt(p_));
            }
        } while (!closers.empty());
    }

    // Shape-specific fast paths. A caller that knows the usual spelling of a
    // small flat object reads it with these, and on any surprise rewinds to
    // where it started and reads it again with `object`: they accept only
    // what `object` accepts, and report nothing themselves.

    /// Skips white space; if the text continues with the string literal
    /// `lit` (its length known here, so the compare is a few instructions),
    /// consumes it.
    template <std::size_t N>
    bool try_literal(const char (&lit)[N]) {
        constexpr std::size_t n = N - 1;
        skip_space();
        if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, lit, n) != 0) return false;
        p_ += n;
        return true;
    }

    /// Skips white space; if a '{' follows and one more level is allowed,
    /// consumes it (the depth is not counted: the caller reads no nested value).
    bool try_open_flat_object() { return depth_ < limits_.max_depth && try_literal("{"); }

    /// Skips white space; if a string of exactly `n` bytes of printable ASCII
    /// without escapes follows, consumes it and returns its content.
    std::optional<std::string_view> try_plain_string(std::size_t n) {
        skip_space();
        if (static_cast<std::size_t>(end_ - p_) < n + 2 || *p_ != '"' || p_[n + 1] != '"') return std::nullopt;
        const char* q = p_ + 1;
        if (std::endian::native == std::endian::little && n >= 8) {
            // Whole words, the last one overlapping.
            for (std::size_t i = 0; i < n; i += 8) {
                if (detail::json::special8(q + std::min(i, n - 8)) != 0) return std::nullopt;
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                if (detail::json::string_class[static_cast<unsigned char>(q[i])] != 0) return std::nullopt;
            }
        }
        p_ += n + 2;
        return std::string_view(q, n);
    }

    /// Skips white space; if an integer of 1 to 9 digits without sign,
    /// fraction or exponent follows, consumes it into `v`.
    bool try_small_natural(std::int64_t& v) {
        skip_space();
        const char* q = p_;
        if (q == end_ || *q < '0' || *q > '9') return false;
        std::int64_t n = 0;
        for (; q < end_ && q - p_ < 10 && *q >= '0' && *q <= '9'; ++q) n = n * 10 + (*q - '0');
        const std::size_t digits = static_cast<std::size_t>(q - p_);
        if (digits > 9 || (digits > 1 && *p_ == '0')) return false;
        if (q < end_ && (*q == '.' || *q == 'e' || *q == 'E' || (*q >= '0' && *q <= '9'))) return false;
        p_ = q;
        v = n;
        return true;
    }

    /// Goes back to `offset`, a place this reader has been at the same depth.
    void rewind(std::size_t offset) { p_ = begin_ + offset; }

    /// Checks that nothing but white space follows the document.
    void finish() {
        skip_space();
        if (p_ != end_) fail(p_, "unexpected text after the document: " + excerpt(p_));
    }

    /// "line L, column C" of the byte at `offset` (columns count bytes from 1).
    std::string position(std::size_t offset) const {
        std::size_t line = 1;
        const char* line_start = begin_;
        for (const char* q = begin_; q < begin_ + offset; ++q) {
            if (*q == '\n') {
                ++line;
                line_start = q + 1;
            }
        }
        return "line " + std::to_string(line) + ", column " +
               std::to_string(static_cast<std::size_t>(begin_ + offset - line_start) + 1);
    }

    /// Offset of the next unread byte.
    std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }

    /// Throws the type error for `field` when the next value is not of kind `want`.
    void expect(const JsonField& field, JsonKind want) {
        const JsonKind got = peek();
        if (got == want) return;
        const std::string name = field.str();
        invalid(name.empty() ? "(document)" : name,
                std::string("expected ") + json_kind_name(want) + ", got " + json_kind_name(got));
    }

private:
    friend void check_json(std::string_view, JsonLimits, const std::string&, const std::string&);

    struct Number {
        bool integer = true;
    };

    [[noreturn]] void fail(const char* at, const std::string& what) const {
        invalid(document_field_, position(static_cast<std::size_t>(at - begin_)) + ": " + what);
    }

    std::string excerpt(const char* at) const {
        if (at >= end_) return "the end of the document";
        // Enough bytes for max_quoted_chars characters of up to 4 bytes.
        const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(end_ - at), 4 * max_quoted_chars + 1);
        return quote_excerpt({at, n});
    }

    void skip_space() {
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
    }

    void enter() {
        if (++depth_ > limits_.max_depth) {
            fail(p_, "nested deeper than the limit of " + std::to_string(limits_.max_depth) + " arrays and objects");
        }
    }

    // A member name and its colon.
    void read_key() {
        skip_space();
        if (p_ == end_ || *p_ != '"') fail(p_, "expected a member name in double quotes, got " + excerpt(p_));
        (void)read_string(key_scratch_);
        skip_space();
        if (p_ == end_ || *p_ != ':') fail(p_, "expected ':' after a member name, got " + excerpt(p_));
        ++p_;
    }

    void skip_scalar(JsonKind k) {
        switch (k) {
            case JsonKind::string: (void)read_string(value_scratch_); return;
            case JsonKind::integer:
            case JsonKind::fraction: (void)scan_number(p_); return;
            case JsonKind::boolean:
            case JsonKind::null: {
                const std::string_view word = *p_ == 't' ? "true" : *p_ == 'f' ? "false" : "null";
                if (static_cast<std::size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
                    fail(p_, "expected a value, got " + excerpt(p_));
                }
                p_ += word.size();
                return;
            }
            default: return;
        }
    }

    // Reads a number token at `q` (moving it past) and checks it fits a double.
    Number scan_number(const char*& q) const {
        const char* start = q;
        Number n;
        if (q < end_ && *q == '-') ++q;
        if (q == end_ || *q < '0' || *q > '9') fail(start, "expected a number, got " + excerpt(start));
        if (*q == '0') {
            ++q;
            if (q < end_ && *q >= '0' && *q <= '9') fail(start, "a number must not start with 0: " + excerpt(start));
        } else {
            while (q < end_ && *q >= '0' && *q <= '9') ++q;
        }
        const std::size_t int_digits = static_cast<std::size_t>(q - start) - (*start == '-' ? 1 : 0);
        if (q < end_ && *q == '.') {
            n.integer = false;
            ++q;
            if (q == end_ || *q < '0' || *q > '9') fail(start, "expected digits after '.' in " + excerpt(start));
            while (q < end_ && *q >= '0' && *q <= '9') ++q;
        }
        if (q < end_ && (*q == 'e' || *q == 'E')) {
            n.integer = false;
            ++q;
            if (q < end_ && (*q == '+' || *q == '-')) ++q;
            if (q == end_ || *q < '0' || *q > '9') fail(start, "expected digits in the exponent of " + excerpt(start));
            while (q < end_ && *q >= '0' && *q <= '9') ++q;
        }
        // 18 digits never overflow anything; longer tokens are measured.
        if ((!n.integer || int_digits > 18) && !fits_double({start, static_cast<std::size_t>(q - start)})) {
            fail(start, "number out of range: " + quote_excerpt({start, static_cast<std::size_t>(q - start)}));
        }
        return n;
    }

    // Whether a valid number token is finite as a double (underflow to 0 is fine).
    static bool fits_double(std::string_view t) {
        std::size_t i = t[0] == '-' ? 1 : 0;
        // The decimal exponent of the first significant digit, and up to 40 digits.
        std::int64_t lead = 0;
        bool found = false;
        std::string digits;
        std::int64_t int_len = 0;
        for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++int_len) {
            if (!found && t[i] != '0') {
                found = true;
                lead = -int_len;  // completed below with the integer part's length
            }
            if (found && digits.size() < 40) digits += t[i];
        }
        if (found) lead += int_len - 1;
        if (i < t.size() && t[i] == '.') {
            ++i;
            for (std::int64_t k = 1; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++k) {
                if (!found && t[i] != '0') {
                    found = true;
                    lead = -k;
                }
                if (found && digits.size() < 40) digits += t[i];
            }
        }
        if (!found) return true;
        std::int64_t exponent = 0;
        if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
            ++i;
            const bool negative = i < t.size() && t[i] == '-';
            if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
            for (; i < t.size(); ++i) exponent = std::min<std::int64_t>(exponent * 10 + (t[i] - '0'), 1'000'000'000);
            if (negative) exponent = -exponent;
        }
        const std::int64_t e = lead + exponent;
        if (e < 308) return true;
        if (e > 308) return false;
        const std::string normal = digits.substr(0, 1) + "." + digits.substr(1) + "e308";
        const double v = std::strtod(normal.c_str(), nullptr);
        return v <= std::numeric_limits<double>::max();
    }

    // Reads the string at p_ (which is '"'); returns a view into the text,
    // or into `scratch` when it had escapes.
    std::string_view read_string(std::string& scratch) {
        const char* open = p_;
        const char* q = ++p_;
        const auto& cls = detail::json::string_class;
        for (;;) {
            if constexpr (std::endian::native == std::endian::little) {
                while (end_ - q >= 8) {
                    if (const std::uint64_t m = detail::json::special8(q)) {
                        q += std::countr_zero(m) / 8;
                        break;
                    }
                    q += 8;
                }
            }
            while (q < end_ && cls[static_cast<unsigned char>(*q)] == 0) ++q;
            if (q == end_) fail(open, "unterminated string " + excerpt(open));
            const unsigned char c = static_cast<unsigned char>(*q);
            if (c == '"') {
                const std::string_view out(p_, static_cast<std::size_t>(q - p_));
                p_ = q + 1;
                return out;
            }
            if (c == '\\') break;
            if (c < 0x20) fail(q, "control character in a string (escape it): " + excerpt(open));
            char32_t cp = 0;
            const std::size_t n = detail::json::utf8_sequence(reinterpret_cast<const unsigned char*>(q),
                                                              reinterpret_cast<const unsigned char*>(end_), cp);
            if (n == 0) fail(q, "invalid UTF-8 in a string: " + excerpt(open));
            q += n;
        }
        scratch.assign(p_, static_cast<std::size_t>(q - p_));
        for (;;) {
            const unsigned char c = q < end_ ? static_cast<unsigned char>(*q) : 0;
            if (q == end_) fail(open, "unterminated string " + excerpt(open));
            if (c == '"') break;
            if (c == '\\') {
                q = unescape(q, open, scratch);
                continue;
            }
            if (c < 0x20) fail(q, "control character in a string (escape it): " + excerpt(open));
            char32_t cp = 0;
            const std::size_t n = detail::json::utf8_sequence(reinterpret_cast<const unsigned char*>(q),
                                                              reinterpret_cast<const unsigned char*>(end_), cp);
            if (n == 0) fail(q, "invalid UTF-8 in a string: " + excerpt(open));
            scratch.append(q, n);
            q += n;
        }
        p_ = q + 1;
        return scratch;
    }

    // One escape at q (a backslash), appended to `out`; returns what follows it.
    const char* unescape(const char* q, const char* open, std::string& out) const {
        if (end_ - q < 2) fail(open, "unterminated string " + excerpt(open));
        switch (q[1]) {
            case '"': out += '"'; return q + 2;
            case '\\': out += '\\'; return q + 2;
            case '/': out += '/'; return q + 2;
            case 'b': out += '\b'; return q + 2;
            case 'f': out += '\f'; return q + 2;
            case 'n': out += '\n'; return q + 2;
            case 'r': out += '\r'; return q + 2;
            case 't': out += '\t'; return q + 2;
            case 'u': break;
            default: fail(q, "invalid escape in a string: " + excerpt(q));
        }
        char32_t cp = hex4(q);
        q += 6;
        if (cp >= 0xdc00 && cp <= 0xdfff) fail(q - 6, "lone low surrogate in a string: " + excerpt(q - 6));
        if (cp >= 0xd800 && cp <= 0xdbff) {
            if (end_ - q < 6 || q[0] != '\\' || q[1] != 'u') {
                fail(q - 6, "high surrogate not followed by a low one: " + excerpt(q - 6));
            }
            const char32_t low = hex4(q);
            if (low < 0xdc00 || low > 0xdfff) fail(q - 6, "high surrogate not followed by a low one: " + excerpt(q - 6));
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            q += 6;
        }
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
        return q;
    }

    // The four hex digits of "\uXXXX" at q.
    char32_t hex4(const char* q) const {
        if (end_ - q < 6) fail(q, "incomplete \\u escape: " + excerpt(q));
        char32_t v = 0;
        for (int i = 2; i < 6; ++i) {
            const char c = q[i];
            const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) fail(q, "invalid \\u escape: " + excerpt(q));
            v = v * 16 + static_cast<char32_t>(d);
        }
        return v;
    }

    const char* begin_;
    const char* p_;
    const char* end_;
    JsonLimits limits_;
    std::string document_field_;
    std::size_t depth_ = 0;
    std::string key_scratch_;
    std::string value_scratch_;
};

}  // namespace slotwise

#include <slotwise/json_check.hpp>
