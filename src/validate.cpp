// Input checks at the engine's edge. See validate.hpp.
#include "validate.hpp"

#include <algorithm>
#include <cstdint>

namespace slotwise::detail {

using namespace std::chrono_literals;

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (std::size_t k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        const std::uint32_t lowest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < lowest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

// Text ends up in messages and invitations: UTF-8 without control characters.
void check_optional_text(const std::string& value, const std::string& field, std::size_t max) {
    if (value.size() > max) invalid(field, "longer than " + std::to_string(max) + " bytes");
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) invalid(field, "contains a control character");
    }
    if (!valid_utf8(value)) invalid(field, "is not valid UTF-8");
}

// Instants from callers stay within the years parse_instant accepts, so that
// no arithmetic on them can overflow.
void check_instant(Instant t, const std::string& field) {
    // Compared as instants: converting an arbitrary one to a date could overflow.
    const Instant lowest{date::sys_days{date::year{min_instant_year} / 1 / 1}};
    const Instant beyond{date::sys_days{date::year{max_instant_year + 1} / 1 / 1}};
    if (t < lowest || t >= beyond) {
        invalid(field, "must be between the years " + std::to_string(min_instant_year) + " and " +
                           std::to_string(max_instant_year));
    }
}

void check_name(const std::string& value, const std::string& field) {
    if (value.empty()) invalid(field, "must not be empty");
    check_optional_text(value, field, max_name);
}

void check_minutes(Minutes m, const std::string& field, Minutes lowest) {
    if (m < lowest || m > max_minutes) {
        invalid(field, "must be between " + std::to_string(lowest.count()) + " and " +
                           std::to_string(max_minutes.count()) + " minutes");
    }
}

void check_customer(const Customer& c) {
    check_name(c.name, "customer.name");
    check_optional_text(c.email, "customer.email", 254);
    if (!c.email.empty()) {
        const auto at = c.email.find('@');
        if (at == std::string::npos || at == 0 || at + 1 == c.email.size() ||
            c.email.find(' ') != std::string::npos || c.email.find('@', at + 1) != std::string::npos) {
            invalid("customer.email", "not an email address");
        }
    }
    check_optional_text(c.phone, "customer.phone", 40);
    if (c.locale.empty() || c.locale.size() > 35 ||
        !std::all_of(c.locale.begin(), c.locale.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        })) {
        invalid("customer.locale", "expected a language tag such as \"en\" or \"it\"");
    }
}

void check_resource(const NewResource& r) {
    check_name(r.name, "name");
    (void)locate_zone(r.timezone, "timezone");
    if (r.capacity < 1 || r.capacity > max_seats) {
        invalid("capacity", "must be between 1 and " + std::to_string(max_seats));
    }
    if (r.size) {
        if (*r.size < 1 || *r.size > max_seats) invalid("size", "must be between 1 and " + std::to_string(max_seats));
        // A table seats one party at a time: a size on a shared resource
        // would say nothing about how many parties it takes.
        if (r.capacity != 1) invalid("size", "only a resource of capacity 1 (a table) has a size");
    }
}

void check_service(Service& s) {
    check_name(s.name, "name");
    if (s.step == Minutes{0}) s.step = s.duration;
    check_minutes(s.duration, "duration", 1min);
    check_minutes(s.step, "step", 1min);
    check_minutes(s.buffer_before, "buffer_before", 0min);
    check_minutes(s.buffer_after, "buffer_after", 0min);
    check_minutes(s.min_notice, "min_notice", 0min);
    check_minutes(s.horizon, "horizon", 0min);
    check_minutes(s.hold, "hold", 1min);
    check_minutes(s.cancel_notice, "cancel_notice", 0min);
    check_minutes(s.request_expiry, "request_expiry", 1min);
    check_minutes(s.offer_time, "offer_time", 1min);
    if (s.price < 0 || s.price > 100'000'000'000LL) invalid("price", "must be between 0 and 100000000000 minor units");
    const bool currency_ok = s.currency.size() == 3 &&
        std::all_of(s.currency.begin(), s.currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    if ((s.price > 0 || !s.currency.empty()) && !currency_ok) {
        invalid("currency", "expected an ISO 4217 code such as \"EUR\"");
    }
    check_groups(s.resource_groups);
    // A party holds each of its tables whole, for the whole meal.
    if (s.party && !s.segments.empty()) invalid("segments", "a party service holds its tables throughout: no segments");
    // The segments and limits as the core checks them (a capacity that no
    // seat count exceeds: seats are checked per booking).
    auto rules = s.rules(1);
    try {
        validate(rules, max_seats);
    } catch (const Error& e) {
        // The core names them "service.segments…"; here the service is the subject.
        const std::string& named = e.field();
        const std::string field = named.starts_with("service.") ? named.substr(8) : named;
        std::string message = e.what();
        if (message.starts_with(named + ": ")) message.erase(0, named.size() + 2);
        throw Error(Errc::invalid_argument, field, message);
    }
}

void check_groups(const ResourceGroups& groups) {
    if (groups.empty()) invalid("resource_groups", "at least one resource must perform the service");
    if (groups.size() > max_resource_groups) {
        invalid("resource_groups", "at most " + std::to_string(max_resource_groups) + " groups");
    }
    std::size_t total = 0;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const auto group = "resource_groups[" + std::to_string(g) + "]";
        if (groups[g].empty()) invalid(group, "a group needs at least one resource");
        total += groups[g].size();
        if (total > max_linked_resources) {
            invalid(group, "at most " + std::to_string(max_linked_resources) + " resources in all");
        }
        for (std::size_t i = 0; i < groups[g].size(); ++i) {
            // A one-group service was most likely given as `resources`.
            const auto field = groups.size() == 1 ? "resources[" + std::to_string(i) + "]"
                                                  : group + "[" + std::to_string(i) + "]";
            if (groups[g][i].empty()) invalid(field, "empty id");
            // One resource in two groups would be booked twice by one booking.
            for (std::size_t h = 0; h <= g; ++h) {
                const std::size_t until = h == g ? i : groups[h].size();
                for (std::size_t j = 0; j < until; ++j) {
                    if (groups[h][j] == groups[g][i]) invalid(field, "listed twice");
                }
            }
        }
    }
}

void check_date_range(Date from, Date to) { validate(SlotQuery{.from = from, .to = to}); }

bool well_formed_id(std::string_view id, std::string_view prefix) noexcept {
    // Length first: a megabyte-long id is refused without reading it.
    if (id.size() != prefix.size() + 1 + id_hex_digits) return false;
    if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
    return std::all_of(id.begin() + static_cast<std::ptrdiff_t>(prefix.size() + 1), id.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void check_subject(const std::string& subject) { check_optional_text(subject, "subject", max_subject); }

void check_policy(const TenantPolicy& p) {
    const auto count = [](const std::optional<int>& v, const char* field, int highest) {
        if (v && (*v < 1 || *v > highest)) {
            invalid(field, "must be between 1 and " + std::to_string(highest) + " (or unset)");
        }
    };
    const auto required_count = [](int v, const char* field) {
        if (v < 1 || v > max_policy_count) invalid(field, "must be between 1 and " + std::to_string(max_policy_count));
    };
    required_count(p.max_pending_per_customer, "max_pending_per_customer");
    required_count(p.max_notifications_per_customer_hour, "max_notifications_per_customer_hour");
    required_count(p.max_waitlist_per_customer, "max_waitlist_per_customer");
    count(p.max_active_per_customer, "max_active_per_customer", max_policy_count);
    if (p.customer_horizon < std::chrono::days{1} || p.customer_horizon > max_customer_horizon) {
        invalid("customer_horizon", "must be between 1 and " + std::to_string(max_customer_horizon.count()) + " days");
    }
    count(p.max_seats_per_customer_booking, "max_seats_per_customer_booking", max_seats);
}

void check_seats(int seats) {
    if (seats < 1 || seats > max_seats) invalid("seats", "must be between 1 and " + std::to_string(max_seats));
}

}  // namespace slotwise::detail
