// slotwise/availability.hpp — free slots of one resource for one service.
//
// The availability core: pure functions over plain values, no I/O, no
// allocation per candidate slot. It implements DESIGN.md "Availability
// semantics" exactly:
//
//   for each local date D in [from, to]: the windows of D (override, else
//   weekly) → UTC by the earliest/gap rule → a grid t = a + k·step with
//   t + duration <= b → a candidate occupies [t − before, t + duration + after)
//   → it is offered iff the peak load over that interval plus the requested
//   seats fits the capacity, and t respects minimum notice and horizon.
//
// Cost: O((W + B) log B + S) for W windows, B bookings and blocks and S
// candidates; already-sorted bookings (as a store returns them) skip the sort.
//
// Usage:
//   slotwise::Calendar cal{.zone = slotwise::locate_zone("Europe/Rome", "zone"), .capacity = 1};
//   cal.weekly[date::Monday] = {{9h, 13h}};
//   auto slots = slotwise::compute_slots(cal, {.duration = 30min, .step = 15min},
//                                        bookings, blocks, {.from = d1, .to = d2});
//
// Thread-safety: the functions are reentrant; an `AvailabilityWorkspace` must
// not be shared between threads at once.
#pragma once

#include <slotwise/error.hpp>
#include <slotwise/time.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace slotwise {

/// Weekly opening hours: the windows of each weekday, sorted and disjoint.
struct WeeklyHours {
    /// Indexed Monday = 0 … Sunday = 6 (ISO order).
    std::array<std::vector<LocalWindow>, 7> days{};

    /// The windows of `wd`.
    std::vector<LocalWindow>& operator[](date::weekday wd) { return days[wd.iso_encoding() - 1]; }
    /// The windows of `wd`.
    const std::vector<LocalWindow>& operator[](date::weekday wd) const {
        return days[wd.iso_encoding() - 1];
    }
};

/// Everything about a resource that decides when it can work.
struct Calendar {
    TimeZone zone = nullptr;  ///< the resource's IANA zone; hours are local to it
    int capacity = 1;         ///< seats usable at once (1 for a stylist, 12 for a class)
    WeeklyHours weekly{};       ///< the usual week
    /// Dates whose windows replace the weekly ones; an empty list closes the day.
    std::map<Date, std::vector<LocalWindow>> overrides{};
};

/// An existing booking as the core sees it.
struct Booked {
    Interval interval{};          ///< the appointment itself, [start, end)
    int seats = 1;              ///< seats it takes
    Minutes buffer_before{0};   ///< preparation it reserves before start
    Minutes buffer_after{0};    ///< clean-up it reserves after end

    /// The interval it keeps the resource busy: widened by its buffers.
    constexpr Interval occupied_interval() const noexcept {
        return {interval.begin - buffer_before, interval.end + buffer_after};
    }
};

/// The rules of a service that shape its slots.
struct ServiceRules {
    Minutes duration{0};       ///< length of the appointment, > 0
    Minutes step{0};           ///< grid spacing between candidate starts, > 0
    Minutes buffer_before{0};  ///< reserved before the appointment, >= 0
    Minutes buffer_after{0};   ///< reserved after the appointment, >= 0
    int seats = 1;             ///< seats one booking takes, 1 .. capacity
    Minutes min_notice{0};     ///< a slot must start at least this long after `now`
    Minutes horizon{0};        ///< when > 0, a slot must start before `now + horizon`
};

/// The dates to look at and the moment of asking.
struct SlotQuery {
    Date from{};                   ///< first local date, inclusive
    Date to{};                     ///< last local date, inclusive
    std::optional<Instant> now{};  ///< without it, notice and horizon do not apply
};

/// An offered slot `[start, end)` and the seats still free over its occupied interval.
struct Slot {
    Instant start{};
    Instant end{};
    std::int64_t remaining = 0;
    friend constexpr bool operator==(const Slot&, const Slot&) = default;
};

/// Largest values accepted for minutes and seats: a year of minutes, a
/// million seats. They keep every sum far from overflow.
inline constexpr Minutes max_minutes{366 * 24 * 60};
inline constexpr int max_seats = 1'000'000;
/// Longest date range one query may cover.
inline constexpr int max_query_days = 3700;

/// Sorts `windows` and checks each lies in 00:00..24:00, ends after it starts,
/// and overlaps no other. `field` is the list's name, e.g. "weekly.mon";
/// errors name the element, e.g. "weekly.mon[1]".
inline void normalize_windows(std::vector<LocalWindow>& windows, const std::string& field) {
    std::vector<std::pair<LocalWindow, std::size_t>> indexed;
    indexed.reserve(windows.size());
    for (std::size_t i = 0; i < windows.size(); ++i) {
        const auto& w = windows[i];
        const std::string name = field + "[" + std::to_string(i) + "]";
        if (w.start < Minutes{0} || w.start >= Minutes{1440}) {
            invalid(name, "start must be within 00:00..23:59");
        }
        if (w.end <= Minutes{0} || w.end > Minutes{1440}) {
            invalid(name, "end must be within 00:01..24:00");
        }
        if (w.end <= w.start) {
            invalid(name, "end " + format_local_time(w.end) + " is not after start " +
                              format_local_time(w.start));
        }
        indexed.emplace_back(w, i);
    }
    std::sort(indexed.begin(), indexed.end(),
              [](const auto& a, const auto& b) { return a.first.start < b.first.start; });
    for (std::size_t i = 1; i < indexed.size(); ++i) {
        const auto& [prev, prev_index] = indexed[i - 1];
        const auto& [cur, cur_index] = indexed[i];
        if (cur.start < prev.end) {
            const auto later = std::max(prev_index, cur_index);
            const auto other = std::min(prev_index, cur_index);
            invalid(field + "[" + std::to_string(later) + "]",
                    "overlaps " + field + "[" + std::to_string(other) + "] (" +
                        format_local_time(windows[other].start) + "-" +
                        format_local_time(windows[other].end) + ")");
        }
    }
    for (std::size_t i = 0; i < indexed.size(); ++i) windows[i] = indexed[i].first;
}

/// The weekday keys in ISO order, as the scenario format and the APIs spell them.
inline constexpr std::array<std::string_view, 7> weekday_keys{"mon", "tue", "wed", "thu",
                                                              "fri", "sat", "sun"};

/// Checks a calendar (zone set, capacity in 1..max_seats, windows sorted and
/// disjoint); throws `invalid_argument` naming the field.
inline void validate(const Calendar& cal) {
    if (cal.zone == nullptr) invalid("timezone", "no time zone set");
    if (cal.capacity < 1 || cal.capacity > max_seats) {
        invalid("capacity", "must be between 1 and " + std::to_string(max_seats));
    }
    const auto check = [](const std::vector<LocalWindow>& ws, const std::string& field) {
        auto copy = ws;
        normalize_windows(copy, field);
        if (copy != ws) invalid(field, "windows must be sorted by start");
    };
    for (std::size_t d = 0; d < 7; ++d) {
        check(cal.weekly.days[d], "weekly." + std::string(weekday_keys[d]));
    }
    for (const auto& [day, ws] : cal.overrides) check(ws, "overrides." + format_date(day));
}

/// Checks service rules against a resource's capacity; throws
/// `invalid_argument` naming the field ("service.step", …).
inline void validate(const ServiceRules& s, int capacity) {
    const auto minutes = [](Minutes m, const char* field, Minutes lowest) {
        if (m < lowest || m > max_minutes) {
            invalid(std::string("service.") + field,
                    "must be between " + std::to_string(lowest.count()) + " and " +
                        std::to_string(max_minutes.count()) + " minutes");
        }
    };
    minutes(s.duration, "duration", Minutes{1});
    minutes(s.step, "step", Minutes{1});
    minutes(s.buffer_before, "buffer_before", Minutes{0});
    minutes(s.buffer_after, "buffer_after", Minutes{0});
    minutes(s.min_notice, "min_notice", Minutes{0});
    minutes(s.horizon, "horizon", Minutes{0});
    if (s.seats < 1 || s.seats > capacity) {
        invalid("service.seats", "must be between 1 and the capacity " + std::to_string(capacity));
    }
}

/// Checks a query's date range (from <= to, at most max_query_days days).
inline void validate(const SlotQuery& q) {
    if (!q.from.ok()) invalid("from", "not a valid date");
    if (!q.to.ok()) invalid("to", "not a valid date");
    const auto days = (date::sys_days{q.to} - date::sys_days{q.from}).count();
    if (days < 0) invalid("to", format_date(q.to) + " is before from " + format_date(q.from));
    if (days >= max_query_days) {
        invalid("to", "range longer than " + std::to_string(max_query_days) + " days");
    }
}

/// The windows that apply on `day`, and whether an override chose them.
struct DayWindows {
    std::span<const LocalWindow> windows{};
    bool from_override = false;
};

/// The windows of `day`: its override if one exists, else the weekly windows.
inline DayWindows windows_on(const Calendar& cal, Date day) {
    if (auto it = cal.overrides.find(day); it != cal.overrides.end()) return {it->second, true};
    return {cal.weekly[date::weekday{date::sys_days{day}}], false};
}

/// The load of a resource over time as a step function: from `steps[i].at`
/// until the next step's `at`, `load` seats are taken. Before the first step
/// and after the last the load is zero. Reusable across queries: `assign`
/// keeps its buffers.
class LoadProfile {
public:
    /// One constant piece of the step function.
    struct Step {
        Instant at;
        std::int64_t load;
    };

    /// Rebuilds the profile from bookings (over their occupied intervals) and
    /// blocks (each taking all `capacity` seats).
    void assign(std::span<const Booked> bookings, std::span<const Interval> blocks, int capacity) {
        starts_.clear();
        ends_.clear();
        steps_.clear();
        for (const auto& b : bookings) {
            const auto occ = b.occupied_interval();
            if (occ.end <= occ.begin) continue;
            starts_.push_back({occ.begin, b.seats});
            ends_.push_back({occ.end, b.seats});
        }
        for (const auto& blk : blocks) {
            if (blk.end <= blk.begin) continue;
            starts_.push_back({blk.begin, capacity});
            ends_.push_back({blk.end, capacity});
        }
        sort_if_needed(starts_);
        sort_if_needed(ends_);
        // Merge starts and ends into one step per distinct instant, so that a
        // booking ending where another begins leaves no zero-length peak.
        std::size_t i = 0, j = 0;
        std::int64_t load = 0;
        while (i < starts_.size() || j < ends_.size()) {
            const Instant at = (j == ends_.size() || (i < starts_.size() && starts_[i].at < ends_[j].at))
                                   ? starts_[i].at
                                   : ends_[j].at;
            while (i < starts_.size() && starts_[i].at == at) load += starts_[i++].seats;
            while (j < ends_.size() && ends_[j].at == at) load -= ends_[j++].seats;
            steps_.push_back({at, load});
        }
    }

    /// The steps, sorted by `at`, one per distinct instant.
    std::span<const Step> steps() const noexcept { return steps_; }

    /// Peak load over `[begin, end)`, by a linear scan (for one-off questions;
    /// the slot sweep uses a sliding maximum instead).
    std::int64_t peak(Interval iv) const noexcept {
        std::int64_t peak = 0;
        for (std::size_t k = 0; k < steps_.size(); ++k) {
            const Instant seg_end = k + 1 < steps_.size() ? steps_[k + 1].at : Instant::max();
            if (steps_[k].at < iv.end && iv.begin < seg_end) peak = std::max(peak, steps_[k].load);
        }
        return peak;
    }

private:
    struct Edge {
        Instant at;
        std::int64_t seats;
    };
    static void sort_if_needed(std::vector<Edge>& v) {
        const auto by_time = [](const Edge& a, const Edge& b) { return a.at < b.at; };
        if (!std::is_sorted(v.begin(), v.end(), by_time)) std::sort(v.begin(), v.end(), by_time);
    }
    std::vector<Edge> starts_{};
    std::vector<Edge> ends_{};
    std::vector<Step> steps_{};
};

/// Scratch space for slot generation; keep one per thread and reuse it to
/// make repeated queries allocation-free.
struct AvailabilityWorkspace {
    LoadProfile profile;
    std::vector<std::uint32_t> window_max{};  // the sliding-maximum deque
};

namespace detail {

// Peak load over a sliding interval whose ends only move forward: a monotone
// deque of step indices with strictly decreasing loads, front = the peak. Each
// step enters and leaves once, so a whole sweep costs O(steps + candidates).
class SlidingPeak {
public:
    SlidingPeak(std::span<const LoadProfile::Step> steps, std::vector<std::uint32_t>& buffer)
        : steps_(steps), deque_(buffer) {
        deque_.resize(steps.size());
    }

    std::int64_t peak(Interval iv) noexcept {
        while (next_ < steps_.size() && steps_[next_].at < iv.end) {
            while (tail_ > head_ && steps_[deque_[tail_ - 1]].load <= steps_[next_].load) --tail_;
            deque_[tail_++] = static_cast<std::uint32_t>(next_++);
        }
        while (tail_ > head_ && end_of(deque_[head_]) <= iv.begin) ++head_;
        return tail_ > head_ ? steps_[deque_[head_]].load : 0;
    }

private:
    Instant end_of(std::size_t k) const noexcept {
        return k + 1 < steps_.size() ? steps_[k + 1].at : Instant::max();
    }
    std::span<const LoadProfile::Step> steps_{};
    std::vector<std::uint32_t>& deque_;
    std::size_t next_ = 0;
    std::size_t head_ = 0;
    std::size_t tail_ = 0;
};

}  // namespace detail

/// Calls `sink(const Slot&)` for every offered slot, in order of start.
/// Inputs must be valid (see `validate`); the profile in `ws` is rebuilt.
/// Allocates nothing once `ws` has grown to the input's size.
template <class Sink>
void for_each_slot(const Calendar& cal, const ServiceRules& svc, std::span<const Booked> bookings,
                   std::span<const Interval> blocks, const SlotQuery& q, AvailabilityWorkspace& ws,
                   Sink&& sink) {
    ws.profile.assign(bookings, blocks, cal.capacity);
    detail::SlidingPeak peaks(ws.profile.steps(), ws.window_max);
    Instant earliest = Instant::min();
    Instant latest = Instant::max();  // exclusive
    if (q.now) {
        earliest = *q.now + svc.min_notice;
        if (svc.horizon > Minutes{0}) latest = *q.now + svc.horizon;
    }
    const std::int64_t capacity = cal.capacity;
    for (auto day = date::sys_days{q.from}; day <= date::sys_days{q.to}; day += date::days{1}) {
        for (const LocalWindow& w : windows_on(cal, Date{day}).windows) {
            const Instant a = to_utc(cal.zone, Date{day}, w.start);
            const Instant b = to_utc(cal.zone, Date{day}, w.end);
            Instant t = a;
            if (t < earliest) {
                // Jump to the first grid start at or after the notice limit.
                const auto behind = earliest - t;
                t += svc.step * ((behind + svc.step - std::chrono::seconds{1}) / svc.step);
            }
            // Candidates rise strictly across windows and days (the local → UTC
            // mapping is monotone), so the sliding peak only moves forward.
            for (; t + svc.duration <= b && t < latest; t += svc.step) {
                const Interval occupied{t - svc.buffer_before, t + svc.duration + svc.buffer_after};
                const std::int64_t load = peaks.peak(occupied);
                if (load + svc.seats <= capacity) sink(Slot{t, t + svc.duration, capacity - load});
            }
        }
    }
}

/// The offered slots, sorted by start. Validates its inputs first.
inline std::vector<Slot> compute_slots(const Calendar& cal, const ServiceRules& svc,
                                       std::span<const Booked> bookings,
                                       std::span<const Interval> blocks, const SlotQuery& q) {
    validate(cal);
    validate(svc, cal.capacity);
    validate(q);
    AvailabilityWorkspace ws;
    std::vector<Slot> out;
    for_each_slot(cal, svc, bookings, blocks, q, ws, [&](const Slot& s) { out.push_back(s); });
    return out;
}

}  // namespace slotwise
