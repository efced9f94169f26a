// slotwise/ics.hpp — RFC 5545 invitations for bookings.
//
// `render_ics` writes a VCALENDAR with one VEVENT (`render_ics_feed` one
// with many, for exports): UID, DTSTAMP, DTSTART and
// DTEND in UTC, SUMMARY, LOCATION where known, SEQUENCE, METHOD REQUEST (or
// CANCEL with STATUS:CANCELLED), CRLF line ends, text escaped per RFC 5545
// 3.3.11, and content lines folded at 75 octets without splitting a UTF-8
// character. Pure functions, thread-safe.
#pragma once

#include <slotwise/time.hpp>

#include <string>
#include <string_view>

namespace slotwise {

/// What an invitation says.
struct IcsEvent {
    std::string uid{};          ///< stable per booking, e.g. "bkg_…@slotwise"
    Instant stamp{};            ///< DTSTAMP: when the message was made
    Interval when{};            ///< DTSTART / DTEND
    std::string summary{};      ///< e.g. "Haircut with Anna"
    std::string location{};     ///< empty = no LOCATION
    std::string description{};  ///< empty = no DESCRIPTION
    int sequence = 0;           ///< bump on every change of the same UID
    bool cancel = false;        ///< METHOD:CANCEL and STATUS:CANCELLED
};

namespace detail {

inline std::string ics_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case ';': out += "\\;"; break;
            case ',': out += "\\,"; break;
            case '\n': out += "\\n"; break;
            case '\r': break;
            default: out += c;
        }
    }
    return out;
}

// Folds one content line: at most 75 octets per physical line, continuation
// lines start with a space, and a UTF-8 sequence is never split.
inline void append_folded(std::string& out, std::string_view line) {
    std::size_t limit = 75;
    while (line.size() > limit) {
        std::size_t cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
        if (cut == 0) cut = limit;  // not UTF-8 after all: split anywhere rather than loop
        out.append(line.substr(0, cut));
        out += "\r\n ";
        line.remove_prefix(cut);
        limit = 74;  // the leading space counts
    }
    out.append(line);
    out += "\r\n";
}

// "20260602T070000Z": the RFC 3339 form without its separators.
inline std::string ics_time(Instant t) {
    std::string out;
    for (const char c : format_instant(t)) {
        if (c != '-' && c != ':') out += c;
    }
    return out;
}

}  // namespace detail

namespace detail {

// One VEVENT of `e`, its lines appended to `out`.
inline void append_vevent(std::string& out, const IcsEvent& e) {
    const auto line = [&](std::string_view l) { append_folded(out, l); };
    line("BEGIN:VEVENT");
    line("UID:" + e.uid);
    line("DTSTAMP:" + ics_time(e.stamp));
    line("DTSTART:" + ics_time(e.when.begin));
    line("DTEND:" + ics_time(e.when.end));
    line("SEQUENCE:" + std::to_string(e.sequence));
    line("SUMMARY:" + ics_escape(e.summary));
    if (!e.location.empty()) line("LOCATION:" + ics_escape(e.location));
    if (!e.description.empty()) line("DESCRIPTION:" + ics_escape(e.description));
    line(e.cancel ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
    line("END:VEVENT");
}

inline void append_calendar_head(std::string& out, std::string_view method) {
    const auto line = [&](std::string_view l) { append_folded(out, l); };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//slotwise//slotwise booking engine//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:" + std::string(method));
}

}  // namespace detail

/// The invitation as text (CRLF line ends).
inline std::string render_ics(const IcsEvent& e) {
    std::string out;
    detail::append_calendar_head(out, e.cancel ? "CANCEL" : "REQUEST");
    detail::append_vevent(out, e);
    detail::append_folded(out, "END:VCALENDAR");
    return out;
}

/// A calendar of many events for a feed or an export (METHOD:PUBLISH: no
/// invitation is implied); each event's `cancel` marks it STATUS:CANCELLED.
template <class Events>
std::string render_ics_feed(const Events& events) {
    std::string out;
    detail::append_calendar_head(out, "PUBLISH");
    for (const IcsEvent& e : events) detail::append_vevent(out, e);
    detail::append_folded(out, "END:VCALENDAR");
    return out;
}

}  // namespace slotwise
