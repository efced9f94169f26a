// slotwise/i18n.hpp — end-user messages in English and Italian.
//
// Notification subjects and plain-text bodies (confirmed, cancelled,
// rescheduled, refund due, requested, rejected, waitlist offer) rendered with fmt, with dates and times in the
// resource's zone and the locale's names and formats ("Tuesday 2 June 2026,
// 10:00" / "martedì 2 giugno 2026, 10:00"), and error messages by code. A
// locale is matched on its language ("it", "it-IT", "it_CH" → Italian); any
// other falls back to English. Pure functions, thread-safe.
#pragma once

#include <slotwise/error.hpp>
#include <slotwise/notify.hpp>
#include <slotwise/time.hpp>

#include <fmt/format.h>

#include <array>
#include <string>
#include <string_view>

namespace slotwise {

/// The languages messages exist in.
enum class Language { en, it };

/// The language for a locale tag; unknown ones fall back to English.
inline Language language_of(std::string_view locale) {
    const auto lang = locale.substr(0, locale.find_first_of("-_"));
    if (lang.size() == 2 && (lang[0] == 'i' || lang[0] == 'I') && (lang[1] == 't' || lang[1] == 'T')) return Language::it;
    return Language::en;
}

/// What a message is about.
struct MessageContext {
    std::string customer_name{};
    std::string business{};       ///< the tenant's name
    std::string service{};
    std::string resource{};
    std::string booking_id{};
    Interval when{};
    TimeZone zone = nullptr;      ///< the resource's zone: times are shown there
    std::int64_t amount = 0;      ///< for refund_due: minor units
    std::string currency{};
    Instant offer_expires_at{};   ///< for waitlist_offer: until when the seat is held
};

/// A rendered message.
struct Message {
    std::string subject{};
    std::string body{};
};

namespace detail::i18n {

inline constexpr std::array<std::string_view, 7> weekdays_en{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
inline constexpr std::array<std::string_view, 7> weekdays_it{"domenica", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"};
inline constexpr std::array<std::string_view, 12> months_en{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"};
inline constexpr std::array<std::string_view, 12> months_it{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"};

inline date::local_seconds local(const MessageContext& c, Instant t) { return c.zone->to_local(t); }

// "Tuesday 2 June 2026" / "martedì 2 giugno 2026"
inline std::string long_date(Language lang, date::local_seconds t) {
    const auto day = std::chrono::floor<date::days>(t);
    const date::year_month_day ymd{day};
    const auto wd = date::weekday{day}.c_encoding();
    const auto month = static_cast<unsigned>(ymd.month()) - 1;
    const auto& weekdays = lang == Language::it ? weekdays_it : weekdays_en;
    const auto& months = lang == Language::it ? months_it : months_en;
    return fmt::format("{} {} {} {}", weekdays[wd], static_cast<unsigned>(ymd.day()), months[month], static_cast<int>(ymd.year()));
}

inline std::string clock_time(date::local_seconds t) {
    const auto minutes = std::chrono::floor<std::chrono::minutes>(t - std::chrono::floor<date::days>(t)).count();
    return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

}  // namespace detail::i18n

/// How many digits of an amount in `currency` (ISO 4217, upper case) are
/// minor units: 2 for most, 0 for the yen and other currencies without
/// subunits, 3 for the dinars that count thousandths. Unknown codes read as 2.
inline int minor_unit_digits(std::string_view currency) noexcept {
    constexpr std::array<std::string_view, 17> none{"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
                                                    "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"};
    constexpr std::array<std::string_view, 7> three{"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
    for (auto c : none) if (c == currency) return 0;
    for (auto c : three) if (c == currency) return 3;
    return 2;
}

/// An amount of `minor` minor units of `currency` as a reader of `lang`
/// writes it: "EUR 25.00" / "25,00 EUR", "JPY 1500" / "1500 JPY".
inline std::string format_money(Language lang, std::int64_t minor, std::string_view currency) {
    const int digits = minor_unit_digits(currency);
    std::int64_t scale = 1;
    for (int i = 0; i < digits; ++i) scale *= 10;
    const bool negative = minor < 0;
    // Magnitude as unsigned: -INT64_MIN does not fit an int64.
    const auto magnitude = negative ? 0 - static_cast<std::uint64_t>(minor) : static_cast<std::uint64_t>(minor);
    const auto units = magnitude / static_cast<std::uint64_t>(scale);
    const auto fraction = magnitude % static_cast<std::uint64_t>(scale);
    std::string number = (negative ? "-" : "") + std::to_string(units);
    if (digits > 0) number += fmt::format("{}{:0{}}", lang == Language::it ? ',' : '.', fraction, digits);
    return lang == Language::it ? fmt::format("{} {}", number, currency) : fmt::format("{} {}", currency, number);
}

namespace detail::i18n {

}  // namespace detail::i18n

/// Renders a notification's subject and body in `locale`'s language.
inline Message render_message(NotificationKind kind, const MessageContext& c, std::string_view locale) {
    using namespace detail::i18n;
    const auto lang = language_of(locale);
    const auto start = local(c, c.when.begin);
    const auto day = long_date(lang, start);
    const auto from = clock_time(start);
    const auto to = clock_time(local(c, c.when.end));
    const auto zone = std::string(c.zone->name());
    const bool it = lang == Language::it;
    Message m;
    const auto details = it ? fmt::format("{} con {}\n{}, {}–{} ({})\nCodice prenotazione: {}", c.service, c.resource, day, from, to, zone, c.booking_id)
                            : fmt::format("{} with {}\n{}, {}–{} ({})\nBooking reference: {}", c.service, c.resource, day, from, to, zone, c.booking_id);
    const auto greeting = it ? fmt::format("Ciao {},\n\n", c.customer_name) : fmt::format("Hello {},\n\n", c.customer_name);
    const auto signature = fmt::format("\n\n{}\n", c.business);
    switch (kind) {
        case NotificationKind::booking_confirmed:
            m.subject = it ? fmt::format("Prenotazione confermata: {}, {} alle {}", c.service, day, from)
                           : fmt::format("Booking confirmed: {}, {} at {}", c.service, day, from);
            m.body = greeting + (it ? "la tua prenotazione è confermata.\n\n" : "your booking is confirmed.\n\n") + details +
                     (it ? "\n\nL'invito per il calendario è allegato." : "\n\nThe calendar invitation is attached.") + signature;
            break;
        case NotificationKind::booking_cancelled:
            m.subject = it ? fmt::format("Prenotazione annullata: {}, {} alle {}", c.service, day, from)
                           : fmt::format("Booking cancelled: {}, {} at {}", c.service, day, from);
            m.body = greeting + (it ? "la tua prenotazione è stata annullata.\n\n" : "your booking has been cancelled.\n\n") + details + signature;
            break;
        case NotificationKind::booking_rescheduled:
            m.subject = it ? fmt::format("Prenotazione spostata: {}, ora {} alle {}", c.service, day, from)
                           : fmt::format("Booking moved: {}, now {} at {}", c.service, day, from);
            m.body = greeting + (it ? "la tua prenotazione è stata spostata. Il nuovo appuntamento:\n\n" : "your booking has been moved. The new time:\n\n") +
                     details + signature;
            break;
        case NotificationKind::refund_due:
            m.subject = it ? fmt::format("Rimborso in arrivo: {}", c.service) : fmt::format("Refund on its way: {}", c.service);
            m.body = greeting +
                     (it ? fmt::format("abbiamo ricevuto il tuo pagamento di {}, ma l'orario non era più disponibile. Ti rimborseremo l'intero importo.\n\n",
                                       format_money(lang, c.amount, c.currency))
                         : fmt::format("we received your payment of {}, but the time was no longer available. We will refund it in full.\n\n",
                                       format_money(lang, c.amount, c.currency))) +
                     details + signature;
            break;
        case NotificationKind::booking_requested:
            m.subject = it ? fmt::format("Richiesta ricevuta: {}, {} alle {}", c.service, day, from)
                           : fmt::format("Request received: {}, {} at {}", c.service, day, from);
            m.body = greeting +
                     (it ? "abbiamo ricevuto la tua richiesta. Ti scriveremo appena sarà confermata; fino ad allora l'orario è tenuto per te.\n\n"
                         : "we have received your request. We will write as soon as it is confirmed; until then the time is held for you.\n\n") +
                     details + signature;
            break;
        case NotificationKind::booking_rejected:
            m.subject = it ? fmt::format("Richiesta non accettata: {}, {} alle {}", c.service, day, from)
                           : fmt::format("Request declined: {}, {} at {}", c.service, day, from);
            m.body = greeting +
                     (it ? "purtroppo non possiamo accettare la tua richiesta per questo orario. Scegline un altro, se vuoi.\n\n"
                         : "unfortunately we cannot accept your request for this time. Please choose another if you like.\n\n") +
                     details + signature;
            break;
        case NotificationKind::waitlist_offer:
            m.subject = it ? fmt::format("Si è liberato un posto: {}, {} alle {}", c.service, day, from)
                           : fmt::format("A place is free: {}, {} at {}", c.service, day, from);
            m.body = greeting +
                     (it ? fmt::format("si è liberato un posto per cui eri in lista d'attesa. È tenuto per te fino alle {}: accettalo entro allora.\n\n",
                                       clock_time(local(c, c.offer_expires_at)))
                         : fmt::format("a place you were waiting for is free. It is held for you until {}: accept it by then.\n\n",
                                       clock_time(local(c, c.offer_expires_at)))) +
                     details + signature;
            break;
    }
    return m;
}

/// A short end-user message for an error code, in `locale`'s language.
inline std::string error_text(Errc code, std::string_view locale) {
    const bool it = language_of(locale) == Language::it;
    switch (code) {
        case Errc::invalid_argument: return it ? "Alcuni dati non sono validi." : "Some details are not valid.";
        case Errc::not_found: return it ? "Non trovato." : "Not found.";
        case Errc::permission_denied: return it ? "Non hai il permesso di farlo." : "You are not allowed to do that.";
        case Errc::slot_unavailable: return it ? "Questo orario non è più disponibile. Scegline un altro." : "This time is no longer available. Please choose another.";
        case Errc::invalid_transition: return it ? "La prenotazione non può essere modificata in questo stato." : "The booking cannot be changed in its current state.";
        case Errc::idempotency_mismatch: return it ? "Questa richiesta è già stata usata per un'altra prenotazione." : "This request was already used for a different booking.";
        case Errc::signature_invalid: return it ? "Firma non valida." : "Invalid signature.";
        case Errc::storage_busy: return it ? "Il sistema è occupato. Riprova tra poco." : "The system is busy. Please try again shortly.";
        case Errc::storage_error: return it ? "Si è verificato un errore. Riprova più tardi." : "Something went wrong. Please try again later.";
        case Errc::provider_error: return it ? "Il servizio di pagamento non risponde. Riprova più tardi." : "The payment service is not responding. Please try again later.";
        case Errc::not_configured: return it ? "Questa funzione non è ancora configurata." : "This feature is not set up yet.";
        case Errc::commit_in_doubt: return it ? "Non sappiamo se la richiesta è andata a buon fine. Controlla prima di riprovare." : "We could not tell whether your request went through. Please check before trying again.";
        case Errc::quota_exceeded: return it ? "Hai raggiunto il limite di prenotazioni consentito. Completa o annulla una prenotazione e riprova." : "You have reached the booking limit. Complete or cancel a booking, then try again.";
    }
    return it ? "Errore." : "Error.";
}

}  // namespace slotwise
