#include <slotwise/combine.hpp>

#include <doctest/doctest.h>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {
Instant at(const char* s) { return parse_instant(s, "t"); }
Slot slot(const char* start, std::int64_t remaining = 1) { return {at(start), at(start) + 30min, remaining}; }
}  // namespace

TEST_CASE("any_of is the union ordered by start then resource position") {
    const std::vector<std::vector<Slot>> lists{{slot("2026-06-01T10:00:00Z")},
                                               {slot("2026-06-01T09:00:00Z"), slot("2026-06-01T10:00:00Z")}};
    const auto merged = any_of(lists);
    REQUIRE(merged.size() == 3);
    CHECK(merged[0] == AttributedSlot{slot("2026-06-01T09:00:00Z"), 1});
    CHECK(merged[1] == AttributedSlot{slot("2026-06-01T10:00:00Z"), 0});
    CHECK(merged[2] == AttributedSlot{slot("2026-06-01T10:00:00Z"), 1});
}

TEST_CASE("all_of keeps only common slots with the smallest remaining") {
    const std::vector<std::vector<Slot>> lists{
        {slot("2026-06-01T09:00:00Z", 3), slot("2026-06-01T10:00:00Z", 2)},
        {slot("2026-06-01T10:00:00Z", 1), slot("2026-06-01T11:00:00Z")},
        {slot("2026-06-01T08:00:00Z"), slot("2026-06-01T10:00:00Z", 5)}};
    const auto both = all_of(lists);
    REQUIRE(both.size() == 1);
    CHECK(both[0] == slot("2026-06-01T10:00:00Z", 1));
    CHECK(all_of(std::span<const std::vector<Slot>>{}).empty());
}
