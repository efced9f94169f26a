// tools/admin/render.hpp — how admin commands print what they read: one JSON
// document per command with --json, else short human lines; bookings
// exported as CSV (RFC 4180) or an iCalendar feed (RFC 5545).
//
// Pure functions; thread-safe.
#pragma once

#include <slotwise/model.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace slotwise::cli {

nlohmann::json to_json(const Tenant& t);
nlohmann::json to_json(const Resource& r);
nlohmann::json to_json(const Service& s);
nlohmann::json to_json(const Booking& b, Instant now);
nlohmann::json to_json(const WeeklyHours& w);

std::string to_line(const Tenant& t);
std::string to_line(const Resource& r);
std::string to_line(const Service& s);
std::string to_line(const Booking& b, Instant now);
/// One line per day, "mon 09:00-13:00, 14:00-18:00" ("closed" when none).
std::string to_lines(const WeeklyHours& w);

/// The bookings as CSV with a header row. A cell that a spreadsheet would
/// run as a formula (starting with = + - @, a tab or a carriage return)
/// is prefixed with a quote: customer names come from the public.
std::string bookings_csv(const std::vector<Booking>& bookings, Instant now);

/// The bookings as one VCALENDAR (METHOD:PUBLISH), one VEVENT each;
/// cancelled, rejected and expired ones are STATUS:CANCELLED.
std::string bookings_ics(const std::vector<Booking>& bookings, const std::vector<Service>& services, Instant now);

}  // namespace slotwise::cli
