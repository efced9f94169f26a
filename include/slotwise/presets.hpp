// slotwise/presets.hpp — rule sets for the verticals slotwise is for: a
// preset seeds a tenant with resources, their weekly hours in the chosen
// zone, and services, named in English or Italian, so that a new product
// books from its first minute. Everything it makes is ordinary catalogue
// data the admin edits afterwards.
//
//   salon         stylists and chairs (a cut needs one of each), a colour
//                 with a processing gap: apply 30, process 45, rinse 20
//   clinic        doctors and rooms booked together, 2 hours' minimum
//                 notice, a day's cancel notice; first visits are requests
//                 the clinic approves
//   fitness       a studio of 12 places with classes on a weekly timetable
//                 (a full class has a waitlist; members book a series)
//   professional  consultants, paid 60-minute sessions followed by a
//                 15-minute buffer, at most 6 a day each (customers book
//                 them once the tenant has a payment provider)
//   restaurant    tables by size, a 90-minute table for a party (seats is
//                 the party), open past midnight on Friday and Saturday; a
//                 party larger than any table gets a declared combination
//                 (T4 + T5 seat 10), every table of it held at once
//
// docs/presets.md lists every resource, window and service each one makes.
//
// Thread-safety: `preset_names` is a constant; `TenantScope::apply_preset`
// (engine.hpp) is as thread-safe as any call of a scope.
#pragma once

#include <slotwise/model.hpp>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace slotwise {

/// The built-in presets, in display order.
inline constexpr std::array<std::string_view, 5> preset_names{"salon", "clinic", "fitness", "professional",
                                                              "restaurant"};

/// How a preset is applied.
struct PresetOptions {
    std::string timezone{};        ///< IANA zone of every resource it makes (required)
    std::string locale = "en";     ///< "en" or "it": the names it gives
    std::string currency = "EUR";  ///< ISO 4217 of its prices (the professional preset's sessions)
};

/// What a preset made, usable at once.
struct Preset {
    std::string name{};
    std::vector<Resource> resources{};
    std::vector<Service> services{};
};

}  // namespace slotwise
