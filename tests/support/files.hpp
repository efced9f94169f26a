// Helpers for tests that read scenario files from folders.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace slotwise::test {

// The scenario files (NAME.json, not NAME.expected.json) directly in `dir`, sorted.
inline std::vector<std::filesystem::path> scenario_files(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> out;
    if (!std::filesystem::is_directory(dir)) return out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        const auto name = entry.path().filename().string();
        const bool expected = name.size() > 14 && name.ends_with(".expected.json");
        if (entry.is_regular_file() && name.ends_with(".json") && !expected) out.push_back(entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

inline std::filesystem::path expected_file(const std::filesystem::path& scenario) {
    auto p = scenario;
    p.replace_extension();  // drop .json
    return p.string() + ".expected.json";
}

}  // namespace slotwise::test
