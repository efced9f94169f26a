// slotwise/availability.hpp — free slots of one resource for one service.
//
// The availability core: pure functions over plain values, no I/O, no
// allocation per candidate slot. For one resource of capacity C and a
// service of duration d, step s, buffers bb/ba and q seats, over local
// dates from..to:
//
//   for each local date D: the windows of D (its override if any, an empty
//   one closing the day; else the weekly windows of D's weekday) → UTC, each
//   end by the earliest/gap rule of time.hpp → candidate starts t = a + k·s
//   while t + d <= b (the grid restarts in every window) → a candidate
//   occupies [t − bb, t + d + ba) → it is offered iff the highest load over
//   that interval plus q fits C (`remaining` = C − that load), t respects
//   minimum notice and horizon, and the service's booking limits allow it.
//
// Three extensions of the same rule:
//  - past midnight: a window may end up to "47:59", a wall time on the next
//    date. It belongs to the day it starts on (that day's override replaces
//    it, the next day's does not); the spill of the day before `from` is not
//    offered, the spill of `to` is; a start offered both by a spilling window
//    and by the next day's own windows is listed once;
//  - segments (a colour: apply 30, process 45, rinse 20): only the busy parts
//    occupy the resource, the first widened by bb, the last by ba; each must
//    fit C, and `remaining` is C − the highest load over all of them. The
//    whole appointment must still lie in the window;
//  - limits: at most n counted bookings starting in the candidate's local
//    day, ISO week (Monday–Sunday) or calendar month, in the resource's zone.
//    The caller says which booking starts count (`SlotQuery::counted_starts`).
//
// The full statement, with worked examples, is docs/availability.md.
//
// Cost: O((W + B) log B + S·P) for W windows, B bookings and blocks, S
// candidates and P busy parts (1 without segments); already-sorted bookings
// (as a store returns them) skip the sort.
//
// Usage:
//   slotwise::Calendar cal{.zone = slotwise::locate_zone("Europe/Rome"), .capacity = 1};
//   cal.weekly[date::Monday] = {{9h, 13h}};
//   cal.weekly[date::Friday] = {{19h, 26h}};  // until 02:00 on Saturday
//   auto slots = slotwise::compute_slots(cal, {.duration = 30min, .step = 15min},
//                                        bookings, blocks, {.from = d1, .to = d2});
//
// Thread-safety: the functions are reentrant; an `AvailabilityWorkspace` must
// not be shared between threads at once.
#pragma once

#include <slotwise/detail/limit_counter.hpp>
#include <slotwise/error.hpp>
#include <slotwise/load_profile.hpp>
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

/// Weekly opening hours: the windows of each weekday, sorted and disjoint
/// (the last one may end past midnight).
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

/// Whether a part of an appointment needs the resource.
enum class SegmentKind {
    busy,  ///< the resource works (apply the colour, rinse)
    free,  ///< the resource may serve others meanwhile (the colour processes)
};

/// One consecutive part of an appointment.
struct Segment {
    SegmentKind kind = SegmentKind::busy;
    Minutes length{0};  ///< > 0
    friend constexpr bool operator==(const Segment&, const Segment&) = default;
};

/// Most bookings of a service a resource takes per local period; a period
/// without a value has no limit. Each counted booking counts once, whatever
/// its seats.
struct BookingLimits {
    std::optional<int> day{};    ///< per local calendar day
    std::optional<int> week{};   ///< per ISO week, Monday to Sunday
    std::optional<int> month{};  ///< per calendar month
    /// True when any limit is set.
    constexpr bool any() const noexcept { return day || week || month; }
    friend constexpr bool operator==(const BookingLimits&, const BookingLimits&) = default;
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
    /// When not empty, the parts of the appointment: starting and ending with
    /// `busy`, summing to `duration`. Empty: the whole appointment is busy.
    ///
    /// **Example** (a colour): `{{SegmentKind::busy, 30min}, {SegmentKind::free, 45min},
    /// {SegmentKind::busy, 20min}}` with `.duration = 95min`.
    std::vector<Segment> segments{};
    /// Most bookings per local day, week or month (see `SlotQuery::counted_starts`).
    BookingLimits limits{};
};

/// The dates to look at and the moment of asking.
struct SlotQuery {
    Date from{};                   ///< first local date, inclusive
    Date to{};                     ///< last local date, inclusive
    std::optional<Instant> now{};  ///< without it, notice and horizon do not apply
    /// Start instants of the bookings that count toward the service's
    /// `limits` (typically the active bookings of this service on this
    /// resource), in any order. Not owned: it must outlive the call. Unused
    /// when the service has no limits.
    std::span<const Instant> counted_starts{};
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
/// Most segments one service may list; each busy part costs one pass of the
/// load sweep.
inline constexpr std::size_t max_segments = 64;
/// Largest booking limit accepted (per day, week or month).
inline constexpr int max_booking_limit = 1'000'000;

/// Sorts `windows` and checks each starts in 00:00..23:59, ends after its
/// start and by 47:59 (past 24:00 on the next date), and overlaps no other
/// window of the list. `field` is the list's name, e.g. "weekly.mon"; errors
/// name the element, e.g. "weekly.mon[1]".
inline void normalize_windows(std::vector<LocalWindow>& windows, const std::string& field) {
    std::vector<std::pair<LocalWindow, std::size_t>> indexed;
    indexed.reserve(windows.size());
    for (std::size_t i = 0; i < windows.size(); ++i) {
        const auto& w = windows[i];
        const std::string name = field + "[" + std::to_string(i) + "]";
        if (w.start < Minutes{0} || w.start >= Minutes{1440}) {
            invalid(name, "start must be within 00:00..23:59");
        }
        if (w.end <= Minutes{0} || w.end > max_window_end) {
            invalid(name, "end must be within 00:01..47:59");
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
    if (!s.segments.empty()) {
        if (s.segments.size() > max_segments) {
            invalid("service.segments", "at most " + std::to_string(max_segments) + " segments");
        }
        Minutes total{0};
        for (std::size_t i = 0; i < s.segments.size(); ++i) {
            const Minutes m = s.segments[i].length;
            if (m < Minutes{1} || m > max_minutes) {
                invalid("service.segments[" + std::to_string(i) + "]",
                        "a segment must last between 1 and " + std::to_string(max_minutes.count()) +
                            " minutes, got " + std::to_string(m.count()));
            }
            total += m;
        }
        if (s.segments.front().kind != SegmentKind::busy) {
            invalid("service.segments[0]", "the first segment must be busy");
        }
        if (s.segments.back().kind != SegmentKind::busy) {
            invalid("service.segments[" + std::to_string(s.segments.size() - 1) + "]",
                    "the last segment must be busy");
        }
        if (total != s.duration) {
            invalid("service.segments", "the segments sum to " + std::to_string(total.count()) +
                                            " minutes, not the duration of " +
                                            std::to_string(s.duration.count()));
        }
    }
    const auto limit = [](const std::optional<int>& n, const char* field) {
        if (n && (*n < 1 || *n > max_booking_limit)) {
            invalid(std::string("service.limits.") + field,
                    "must be between 1 and " + std::to_string(max_booking_limit) + ", got " +
                        std::to_string(*n));
        }
    };
    limit(s.limits.day, "day");
    limit(s.limits.week, "week");
    limit(s.limits.month, "month");
}

/// Checks a query's date range (from <= to, at most max_query_days days).
inline void validate(const SlotQuery& q) {
    check_date(q.from, "from");
    check_date(q.to, "to");
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
/// They include a window that starts on `day` and ends past midnight, and not
/// the spill of the day before.
inline DayWindows windows_on(const Calendar& cal, Date day) {
    if (auto it = cal.overrides.find(day); it != cal.overrides.end()) return {it->second, true};
    return {cal.weekly[date::weekday{date::sys_days{day}}], false};
}

namespace detail {

// Where a busy part of an appointment starting at t lies: [t + from, t + to).
struct BusyPart {
    Minutes from{};
    Minutes to{};
};

// At most this many busy parts: segments alternate at best.
inline constexpr std::size_t max_busy_parts = (max_segments + 1) / 2;

// The busy parts of `svc`, buffers included: the whole widened appointment
// without segments; else each busy segment, the first widened by
// buffer_before, the last by buffer_after. Returns how many were written.
inline std::size_t busy_parts(const ServiceRules& svc, std::array<BusyPart, max_busy_parts>& out) noexcept {
    if (svc.segments.empty()) {
        out[0] = {-svc.buffer_before, svc.duration + svc.buffer_after};
        return 1;
    }
    std::size_t n = 0;
    Minutes offset{0};
    for (const Segment& seg : svc.segments) {
        // Consecutive busy segments are one part: nothing can come between.
        if (seg.kind == SegmentKind::busy) {
            if (n > 0 && out[n - 1].to == offset) {
                out[n - 1].to += seg.length;
            } else {
                out[n++] = {offset, offset + seg.length};
            }
        }
        offset += seg.length;
    }
    out[0].from -= svc.buffer_before;
    out[n - 1].to += svc.buffer_after;
    return n;
}

// The candidate starts of the windows of dates first, first + stride, …, up
// to last, in rising order, where `stride` is 1 when no window passes
// midnight and 2 otherwise. Windows of one date are disjoint, and a window
// ends by 23:59 of the next date, so the windows of dates two apart never
// overlap: each stream rises strictly, and the union of two (even and odd
// dates) is a merge.
class CandidateStream {
public:
    CandidateStream(const Calendar& cal, const ServiceRules& svc, date::sys_days first, date::sys_days last,
                    date::days stride, Instant earliest, Instant latest)
        : cal_(cal), duration_(svc.duration), step_(svc.step), day_(first), last_(last), stride_(stride),
          earliest_(earliest), latest_(latest) {
        if (day_ <= last_) windows_ = windows_of(day_);
        open_next_window();
    }

    bool done() const noexcept { return done_; }
    Instant start() const noexcept { return t_; }

    // Inlined by force (as next() and take() below): the per-candidate loop is
    // the whole cost of a query, and GCC otherwise leaves it a call per
    // candidate once the merge is there.
    [[gnu::always_inline]] void advance() {
        t_ += step_;
        if (t_ + duration_ > end_ || t_ >= latest_) open_next_window();
    }

private:
    // Once per window: kept out of line so that the loop above stays small.
    [[gnu::noinline]] void open_next_window() {
        for (;;) {
            while (index_ == windows_.size()) {
                day_ += stride_;
                if (day_ > last_) {
                    done_ = true;
                    return;
                }
                windows_ = windows_of(day_);
                index_ = 0;
            }
            const LocalWindow& w = windows_[index_++];
            const date::local_days local_day{day_.time_since_epoch()};
            const Instant a = to_utc(cal_.zone, local_day, w.start);
            if (a >= latest_) {  // every later window of this stream starts later still
                done_ = true;
                return;
            }
            end_ = to_utc(cal_.zone, local_day, w.end);
            t_ = a;
            if (t_ < earliest_) {
                // Jump to the first grid start at or after the notice limit.
                const auto behind = earliest_ - t_;
                t_ += step_ * ((behind + step_ - std::chrono::seconds{1}) / step_);
            }
            if (t_ + duration_ <= end_ && t_ < latest_) return;
        }
    }

    // windows_on, without converting the day to a calendar date unless an
    // override may apply.
    std::span<const LocalWindow> windows_of(date::sys_days day) const {
        if (!cal_.overrides.empty()) {
            if (auto it = cal_.overrides.find(Date{day}); it != cal_.overrides.end()) return it->second;
        }
        return cal_.weekly[date::weekday{day}];
    }

    const Calendar& cal_;
    Minutes duration_;
    Minutes step_;
    date::sys_days day_;
    date::sys_days last_;
    date::days stride_;
    Instant earliest_;
    Instant latest_;
    std::span<const LocalWindow> windows_{};
    std::size_t index_ = 0;
    Instant t_{};
    Instant end_{};
    bool done_ = false;
};

// Whether some window that may apply on from..to ends past midnight.
inline bool any_window_spills(const Calendar& cal, Date from, Date to) {
    const auto spills = [](std::span<const LocalWindow> ws) {
        return !ws.empty() && ws.back().end > Minutes{24 * 60};
    };
    for (const auto& day : cal.weekly.days) {
        if (spills(day)) return true;
    }
    for (auto it = cal.overrides.lower_bound(from); it != cal.overrides.end() && it->first <= to; ++it) {
        if (spills(it->second)) return true;
    }
    return false;
}

// Every candidate start of local dates q.from..q.to in [earliest, latest),
// in strictly rising order, each start once: one stream when no window
// passes midnight, else the merge of the even and the odd dates.
class Candidates {
public:
    Candidates(const Calendar& cal, const ServiceRules& svc, const SlotQuery& q, Instant earliest, Instant latest)
        : merge_(any_window_spills(cal, q.from, q.to)),
          first_(cal, svc, date::sys_days{q.from}, date::sys_days{q.to}, date::days{merge_ ? 2 : 1}, earliest,
                 latest),
          second_(cal, svc, date::sys_days{q.from} + date::days{1}, merge_ ? date::sys_days{q.to} : date::sys_days{q.from},
                  date::days{2}, earliest, latest) {}

    // The next start into `t`; false when there is none.
    [[gnu::always_inline]] bool next(Instant& t) {
        if (!merge_ || second_.done()) return take(first_, t);
        if (first_.done()) return take(second_, t);
        if (second_.start() < first_.start()) return take(second_, t);
        // A spilling window and the next date's own may offer the same start.
        if (second_.start() == first_.start()) second_.advance();
        return take(first_, t);
    }

private:
    [[gnu::always_inline]] static bool take(CandidateStream& s, Instant& t) {
        if (s.done()) return false;
        t = s.start();
        s.advance();
        return true;
    }
    bool merge_;
    CandidateStream first_;
    CandidateStream second_;
};

}  // namespace detail

/// Scratch space for slot generation; keep one per thread and reuse it to
/// make repeated queries allocation-free.
struct AvailabilityWorkspace {
    LoadProfile profile;
    std::vector<std::uint32_t> window_max{};  // the sliding-maximum deques, one per busy part
    std::array<detail::BusyPart, detail::max_busy_parts> busy_parts{};
    std::array<detail::SlidingPeak, detail::max_busy_parts> peaks{};  // one per busy part
    detail::LimitCounter limits{};
};

/// Calls `sink(const Slot&)` for every offered slot, in order of start (each
/// start once). Inputs must be valid (see `validate`); the profile in `ws` is
/// rebuilt. Allocates nothing once `ws` has grown to the input's size.
template <class Sink>
void for_each_slot(const Calendar& cal, const ServiceRules& svc, std::span<const Booked> bookings,
                   std::span<const Interval> blocks, const SlotQuery& q, AvailabilityWorkspace& ws,
                   Sink&& sink) {
    ws.profile.assign(bookings, blocks, cal.capacity);
    const auto parts = std::span<const detail::BusyPart>(ws.busy_parts).first(detail::busy_parts(svc, ws.busy_parts));
    const auto steps = ws.profile.steps();
    ws.window_max.resize(steps.size() * parts.size());
    ws.limits.assign(cal.zone, q.counted_starts,
                     {svc.limits.day.value_or(0), svc.limits.week.value_or(0), svc.limits.month.value_or(0)});
    const bool limited = ws.limits.active();
    Instant earliest = Instant::min();
    Instant latest = Instant::max();  // exclusive
    if (q.now) {
        earliest = *q.now + svc.min_notice;
        if (svc.horizon > Minutes{0}) latest = *q.now + svc.horizon;
    }
    const std::int64_t capacity = cal.capacity;
    const auto offer = [&](Instant t, std::int64_t load) {
        if (load + svc.seats <= capacity) sink(Slot{t, t + svc.duration, capacity - load});
    };
    // Candidates rise strictly, so every busy part's interval only moves
    // forward and each sliding peak sweeps the steps once.
    detail::Candidates candidates(cal, svc, q, earliest, latest);
    Instant t;
    if (parts.size() == 1) {
        // One part, one local peak: its state stays in registers.
        detail::SlidingPeak peak(steps, ws.window_max);
        const detail::BusyPart part = parts[0];
        while (candidates.next(t)) {
            if (limited && !ws.limits.allows(t)) continue;
            offer(t, peak.peak({t + part.from, t + part.to}));
        }
        return;
    }
    for (std::size_t k = 0; k < parts.size(); ++k) {
        ws.peaks[k] = detail::SlidingPeak(steps, std::span(ws.window_max).subspan(k * steps.size(), steps.size()));
    }
    while (candidates.next(t)) {
        if (limited && !ws.limits.allows(t)) continue;
        std::int64_t load = 0;
        for (std::size_t k = 0; k < parts.size(); ++k) {
            load = std::max(load, ws.peaks[k].peak({t + parts[k].from, t + parts[k].to}));
        }
        offer(t, load);
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
