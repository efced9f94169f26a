// The text forms both adapters store a day's windows, a service's or
// booking's segments and a list of resource ids in (stored_text.hpp).
#include "stored_text.hpp"

#include <algorithm>
#include <charconv>

namespace slotwise::stored_text {
namespace {

// `corrupt` throws; should one ever return, this does instead.
[[noreturn]] void unreadable(Corrupt corrupt, const std::string& what) {
    corrupt(what);
    throw Error(Errc::storage_error, "unreadable stored value: " + what);
}

}  // namespace

std::string encode_windows(const std::vector<LocalWindow>& windows) {
    std::string out;
    for (const auto& w : windows) {
        if (!out.empty()) out += ',';
        out += std::to_string(w.start.count());
        out += '-';
        out += std::to_string(w.end.count());
    }
    return out;
}

std::vector<LocalWindow> decode_windows(std::string_view text, Corrupt corrupt) {
    std::vector<LocalWindow> out;
    const char* p = text.data();
    const char* const end = p + text.size();
    while (p != end) {
        std::int64_t a = 0;
        std::int64_t b = 0;
        auto r = std::from_chars(p, end, a);
        if (r.ec != std::errc{} || r.ptr == end || *r.ptr != '-') {
            unreadable(corrupt, "windows \"" + std::string(text) + "\"");
        }
        r = std::from_chars(r.ptr + 1, end, b);
        if (r.ec != std::errc{} || (r.ptr != end && *r.ptr != ',')) {
            unreadable(corrupt, "windows \"" + std::string(text) + "\"");
        }
        out.push_back({Minutes{a}, Minutes{b}});
        p = r.ptr == end ? end : r.ptr + 1;
    }
    return out;
}

std::string encode_segments(const std::vector<Segment>& segments) {
    std::string out;
    for (const auto& seg : segments) {
        if (!out.empty()) out += ',';
        out += seg.kind == SegmentKind::busy ? "busy:" : "free:";
        out += std::to_string(seg.length.count());
    }
    return out;
}

std::vector<Segment> decode_segments(std::string_view text, Corrupt corrupt) {
    std::vector<Segment> out;
    std::size_t p = 0;
    while (p < text.size()) {
        const auto comma = std::min(text.find(',', p), text.size());
        const auto part = text.substr(p, comma - p);
        const bool busy = part.starts_with("busy:");
        if (!busy && !part.starts_with("free:")) unreadable(corrupt, "segments \"" + std::string(text) + "\"");
        std::int64_t minutes = 0;
        const auto r = std::from_chars(part.data() + 5, part.data() + part.size(), minutes);
        if (r.ec != std::errc{} || r.ptr != part.data() + part.size()) {
            unreadable(corrupt, "segments \"" + std::string(text) + "\"");
        }
        out.push_back({busy ? SegmentKind::busy : SegmentKind::free, Minutes{minutes}});
        p = comma + 1;
    }
    return out;
}

std::string encode_ids(const std::vector<ResourceId>& ids) {
    std::string out;
    for (const auto& id : ids) {
        out += std::to_string(id.value.size());
        out += ':';
        out += id.value;
    }
    return out;
}

std::vector<ResourceId> decode_ids(std::string_view text, Corrupt corrupt) {
    std::vector<ResourceId> out;
    std::size_t p = 0;
    while (p < text.size()) {
        std::size_t n = 0;
        const auto r = std::from_chars(text.data() + p, text.data() + text.size(), n);
        const auto colon = static_cast<std::size_t>(r.ptr - text.data());
        if (r.ec != std::errc{} || colon >= text.size() || text[colon] != ':' || n > text.size() - colon - 1) {
            unreadable(corrupt, "resource ids \"" + std::string(text) + "\"");
        }
        out.push_back(ResourceId{std::string(text.substr(colon + 1, n))});
        p = colon + 1 + n;
    }
    return out;
}

}  // namespace slotwise::stored_text
