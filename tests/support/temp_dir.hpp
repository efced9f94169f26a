// A fresh directory under /tmp for a test's files, removed with everything in
// it when the test ends.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unistd.h>

namespace slotwise::test {

struct TempDir {
    std::filesystem::path path;

    TempDir() {
        char name[] = "/tmp/slotwise-test-XXXXXX";
        if (mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp failed");
        path = name;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    /// The path of `name` inside the directory, as a string.
    std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace slotwise::test
