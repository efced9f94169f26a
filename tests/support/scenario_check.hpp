// Checks a folder of scenario files against their .expected.json, and a
// folder of bad scenarios against the refusal contract, through the library
// and (when built) through the CLI.
#pragma once

#include "support/files.hpp"
#include "support/process.hpp"

#include <slotwise/scenario.hpp>

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

namespace slotwise::test {

inline std::string cli_path() { return SLOTWISE_CLI; }

inline void check_good_scenarios(const std::filesystem::path& dir) {
    const auto files = scenario_files(dir);
    REQUIRE_MESSAGE(!files.empty(), "no scenarios in " << dir);
    for (const auto& file : files) {
        CAPTURE(file);
        const auto text = slurp(file.string());
        const auto expected = nlohmann::json::parse(slurp(expected_file(file).string()));
        const auto got = nlohmann::json::parse(evaluate_scenario(text));
        CHECK(got == expected);
        if (!cli_path().empty()) {
            const auto r = run_process({cli_path(), "availability", file.string()});
            CHECK(r.exit_code == 0);
            CHECK(r.err.empty());
            CHECK(nlohmann::json::parse(r.out) == expected);
        }
    }
}

// Every bad scenario is refused: by the library with an Error naming a field,
// by the CLI with exit 2, empty stdout and one "error: FIELD: ..." line.
// Where NAME.error exists beside it, its first line is the expected field.
inline void check_bad_scenarios(const std::filesystem::path& dir) {
    const auto files = scenario_files(dir);
    REQUIRE_MESSAGE(!files.empty(), "no bad scenarios in " << dir);
    for (const auto& file : files) {
        CAPTURE(file);
        const auto text = slurp(file.string());
        std::string field;
        try {
            (void)evaluate_scenario(text);
            FAIL("accepted a bad scenario");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::invalid_argument);
            field = e.field();
            CHECK(!field.empty());
        }
        auto expected_field_file = file;
        expected_field_file.replace_extension(".error");
        if (std::filesystem::exists(expected_field_file)) {
            auto want = slurp(expected_field_file.string());
            want = want.substr(0, want.find('\n'));
            CHECK(field == want);
        }
        if (!cli_path().empty()) {
            const auto r = run_process({cli_path(), "availability", "-"}, text);
            CHECK(r.exit_code == 2);
            CHECK(r.out.empty());
            CHECK(r.err.starts_with("error: " + field + ": "));
            CHECK(r.err.find('\n') == r.err.size() - 1);
        }
    }
}

}  // namespace slotwise::test
