// slotwise/json_check.hpp — `check_json`: a whole JSON document validated
// against the rules of json_reader.hpp (size, depth, duplicate keys, syntax,
// UTF-8, number range) without building it. Included by json_reader.hpp.
//
// Memory: the keys of the open objects, 16 bytes each, and one entry per open
// level (bounded by the depth limit). Thread-safety: a pure function.
#pragma once

#include <slotwise/json_reader.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slotwise {

/// Validates a whole document against the rules at the top of this header
/// (size, depth, duplicate keys, syntax, UTF-8, number range) without
/// building it. Syntax, size and depth errors name `document_field`;
/// a duplicate key names its path after `path_prefix` ("" gives
/// "service.duration", "payload." gives "payload.data.object.id").
inline void check_json(std::string_view text, JsonLimits limits, const std::string& document_field,
                       const std::string& path_prefix) {
    JsonReader r(text, limits, document_field);
    // One entry per member of each open object; its members are sorted by
    // key hash when it closes.
    struct Key {
        std::uint64_t hash;
        std::uint32_t offset;  // of the key's opening quote
    };
    struct Level {
        bool object;
        std::size_t keys_from;  // first entry of this object in `keys`
        std::size_t index;      // elements read so far (arrays)
        std::string key;        // the member being read (objects)
    };
    std::vector<Key> keys;
    std::vector<Level> levels;
    const auto path = [&](std::size_t upto) {
        std::string out;
        for (std::size_t i = 0; i < upto; ++i) {
            const auto& l = levels[i];
            if (l.object) {
                out += (out.empty() ? "" : ".") + printable_key(l.key);
            } else {
                out += "[" + std::to_string(l.index) + "]";
            }
        }
        return out;
    };
    const auto decoded_key_at = [&](std::uint32_t offset, std::string& into) {
        JsonReader k(text, limits, document_field);
        k.p_ = text.data() + offset;
        into = std::string(k.read_string(k.key_scratch_));
    };
    const auto close_object = [&] {
        const std::size_t from = levels.back().keys_from;
        std::sort(keys.begin() + static_cast<std::ptrdiff_t>(from), keys.end(),
                  [](const Key& a, const Key& b) { return a.hash != b.hash ? a.hash < b.hash : a.offset < b.offset; });
        // Among equal hashes, equal keys: the duplicate earliest in the text is reported.
        std::uint32_t best_second = std::numeric_limits<std::uint32_t>::max(), best_first = 0;
        std::string best_key;
        for (std::size_t i = from; i < keys.size();) {
            std::size_t j = i + 1;
            while (j < keys.size() && keys[j].hash == keys[i].hash) ++j;
            if (j - i > 1) {
                std::vector<std::pair<std::string, std::uint32_t>> run;
                for (std::size_t k = i; k < j; ++k) {
                    run.emplace_back();
                    decoded_key_at(keys[k].offset, run.back().first);
                    run.back().second = keys[k].offset;
                }
                std::sort(run.begin(), run.end());
                for (std::size_t k = 1; k < run.size(); ++k) {
                    if (run[k].first == run[k - 1].first && run[k].second < best_second) {
                        // `run` is sorted by offset within equal keys: k-1 may itself be a repeat.
                        std::size_t first = k - 1;
                        while (first > 0 && run[first - 1].first == run[k].first) --first;
                        best_second = run[k].second, best_first = run[first].second, best_key = run[k].first;
                    }
                }
            }
            i = j;
        }
        if (best_second != std::numeric_limits<std::uint32_t>::max()) {
            const auto where = path(levels.size() - 1);
            invalid(path_prefix + (where.empty() ? "" : where + ".") + printable_key(best_key),
                    "duplicate key at " + r.position(best_second) + "; first at " + r.position(best_first));
        }
        keys.resize(from);
    };
    // Reads a member name into the current level and records it.
    const auto member_name = [&] {
        r.skip_space();
        if (r.p_ == r.end_ || *r.p_ != '"') {
            r.fail(r.p_, "expected a member name in double quotes, got " + r.excerpt(r.p_));
        }
        const auto offset = static_cast<std::uint32_t>(r.p_ - r.begin_);
        const std::string_view key = r.read_string(r.key_scratch_);
        keys.push_back({detail::json::fnv1a(key), offset});
        levels.back().key.assign(key);
        r.skip_space();
        if (r.p_ == r.end_ || *r.p_ != ':') r.fail(r.p_, "expected ':' after a member name, got " + r.excerpt(r.p_));
        ++r.p_;
    };
    // Offsets are 32-bit: a document past 4 GB is refused by any sane limit.
    if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
        r.fail(r.begin_, "the document is too large to check");
    }
    for (;;) {
        const JsonKind k = r.peek();
        if (k == JsonKind::object || k == JsonKind::array) {
            r.enter();
            ++r.p_;
            levels.push_back({k == JsonKind::object, keys.size(), 0, {}});
            r.skip_space();
            const char close = k == JsonKind::object ? '}' : ']';
            if (r.p_ < r.end_ && *r.p_ == close) {
                ++r.p_;
                --r.depth_;
                if (k == JsonKind::object) close_object();
                levels.pop_back();
            } else {
                if (k == JsonKind::object) member_name();
                continue;
            }
        } else {
            r.skip_scalar(k);
        }
            // After a value: commas and closing brackets until the next value or the end.
        bool next_value = false;
        while (!levels.empty() && !next_value) {
            r.skip_space();
            auto& top = levels.back();
            if (r.p_ < r.end_ && *r.p_ == ',') {
                ++r.p_;
                if (top.object) {
                    member_name();
                } else {
                    ++top.index;
                }
                next_value = true;
            } else if (r.p_ < r.end_ && *r.p_ == (top.object ? '}' : ']')) {
                ++r.p_;
                --r.depth_;
                if (top.object) close_object();
                levels.pop_back();
            } else {
                r.fail(r.p_, std::string("expected ',' or '") + (top.object ? "}' after an object member" : "]' after an array element") +
                                 ", got " + r.excerpt(r.p_));
            }
        }
        if (levels.empty()) break;
    }
    r.finish();
}

}  // namespace slotwise
