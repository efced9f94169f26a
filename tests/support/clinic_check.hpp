// The check both adapters' clinic races end with (tests/race_test.cpp on
// SQLite, tests/postgres_race_test.cpp on PostgreSQL): the confirmed
// bookings, read behind the adapter's back, each hold one resource of each
// group of a check-up (a doctor and a room), or just its own resource for a
// talk or a scan, and no two that share a resource overlap, buffers included.
// Each adapter reads its rows its own way and adds its own checks of its
// occupancy table; this is the part that is the same.
#pragma once

#include <slotwise/model.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace slotwise::test {

struct ClinicRow {
    std::string id, service;
    std::vector<std::string> held;     // the first resource, then the others
    std::int64_t occ_start, occ_end;  // epoch seconds, buffers included
};

/// The resources a bookings row names: resource_id, then other_resources
/// decoded as both adapters encode them ("<bytes>:<id>" each).
inline std::vector<std::string> held_by_row(const std::string& first, const std::string& others) {
    std::vector<std::string> out{first};
    std::size_t p = 0;
    while (p < others.size()) {
        const auto colon = others.find(':', p);
        if (colon == std::string::npos) return {"(unreadable other_resources)"};
        const auto n = std::stoul(others.substr(p, colon - p));
        out.push_back(others.substr(colon + 1, n));
        p = colon + 1 + n;
    }
    return out;
}

/// What is wrong with the rows, one line each: a check-up not holding a
/// doctor and a room, a talk or scan holding another resource than its own,
/// two bookings sharing a resource at overlapping times.
inline std::vector<std::string> clinic_row_problems(const std::vector<ClinicRow>& rows, const ServiceId& checkup,
                                                    const ServiceId& talk, const ResourceGroups& groups) {
    std::vector<std::string> problems;
    const auto in = [](const std::vector<ResourceId>& group, const std::string& id) {
        return std::any_of(group.begin(), group.end(), [&](const ResourceId& r) { return r.value == id; });
    };
    for (const auto& b : rows) {
        if (b.service == checkup.value) {
            // Never a check-up holding only some of its groups.
            if (b.held.size() != 2 || !in(groups[0], b.held[0]) || !in(groups[1], b.held[1])) {
                problems.push_back(b.id + " holds " + std::to_string(b.held.size()) +
                                   " resources, not a doctor and a room");
            }
        } else {
            const auto& only = b.service == talk.value ? groups[0][0] : groups[1][0];
            if (b.held != std::vector<std::string>{only.value}) problems.push_back(b.id + " holds the wrong resource");
        }
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
        for (std::size_t j = i + 1; j < rows.size(); ++j) {
            const auto& a = rows[i];
            const auto& b = rows[j];
            if (a.occ_start >= b.occ_end || b.occ_start >= a.occ_end) continue;
            for (const auto& r : a.held) {
                if (std::find(b.held.begin(), b.held.end(), r) != b.held.end()) {
                    problems.push_back("double booked: " + a.id + " and " + b.id + " share " + r);
                }
            }
        }
    }
    return problems;
}

}  // namespace slotwise::test
