// The team's worked examples: the scenarios folder of the shared directory
// beside a checkout (SLOTWISE_SHARED_DIR). A user's clone has none: then this
// suite says so and exits 77, which ctest reports as Skipped.
#include "support/scenario_check.hpp"

#include <cstdio>
#include <filesystem>

namespace {
const std::filesystem::path shared_scenarios = std::filesystem::path(SLOTWISE_SHARED_DIR) / "scenarios";

// Runs before doctest's main: a visible skip instead of silent success.
const bool shared_present = [] {
    if (std::filesystem::is_directory(shared_scenarios)) return true;
    std::fprintf(stderr, "SKIPPED: %s not found; shared scenario tests not run\n",
                 shared_scenarios.c_str());
    std::exit(77);
}();
}  // namespace

TEST_CASE("every shared scenario gives exactly its expected slots") {
    REQUIRE(shared_present);
    slotwise::test::check_good_scenarios(shared_scenarios);
}

TEST_CASE("every shared bad scenario is refused naming a field") {
    slotwise::test::check_bad_scenarios(shared_scenarios / "bad");
}
