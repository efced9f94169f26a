// The project's own scenario files (tests/scenarios): one per rule and edge.
#include "support/scenario_check.hpp"

#include <filesystem>

namespace {
const std::filesystem::path own = std::filesystem::path(SLOTWISE_TEST_DIR) / "scenarios";
}

TEST_CASE("every own scenario gives exactly its expected slots") {
    slotwise::test::check_good_scenarios(own);
}

TEST_CASE("every own bad scenario is refused naming the expected field") {
    slotwise::test::check_bad_scenarios(own / "bad");
}
