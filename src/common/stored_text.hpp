// The text forms both storage adapters keep some values in, one
// implementation for both: a day's windows ("540-780,840-1080", minutes from
// local midnight), a service's or booking's segments
// ("busy:30,free:45,busy:20", "" = none) and a list of resource ids (each
// "<bytes>:<id>", so ids may hold commas). Not installed. Decoding calls the
// adapter's `corrupt`, which throws its storage_error, on text it did not
// write.
#pragma once

#include <slotwise/model.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace slotwise::stored_text {

using Corrupt = void (*)(const std::string& what);

std::string encode_windows(const std::vector<LocalWindow>& windows);
std::vector<LocalWindow> decode_windows(std::string_view text, Corrupt corrupt);
std::string encode_segments(const std::vector<Segment>& segments);
std::vector<Segment> decode_segments(std::string_view text, Corrupt corrupt);
std::string encode_ids(const std::vector<ResourceId>& ids);
std::vector<ResourceId> decode_ids(std::string_view text, Corrupt corrupt);

}  // namespace slotwise::stored_text
