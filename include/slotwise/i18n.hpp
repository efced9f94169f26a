// slotwise/i18n.hpp — end-user messages in English and Italian.
//
// Notification subjects and plain-text bodies (confirmed, cancelled,
// rescheduled, refund due, requested, rejected, waitlist offer) rendered
// from texts with placeholders (`MessageTemplate`: the built-in ones, or a
// tenant's own, message_texts.hpp), with dates and times in the
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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

/// A message text with placeholders: what a notification is rendered from.
/// The built-in texts are these (`default_message_template`); a tenant may
/// set its own per kind and language (message_texts.hpp).
///
/// A placeholder is a name between braces, `{service}`; every other byte is
/// copied as written. Braces are for placeholders only (there is no escape
/// for a literal brace). The names, each replaced by the plain text the
/// built-in messages show:
///
///   {customer}  the customer's name      {business}  the tenant's name
///   {service}   the service's name       {resource}  the resource's name
///   {date}      the start's long date ("Tuesday 2 June 2026" / "martedì 2 giugno 2026")
///   {start}     the start's time ("09:00")   {end}  the end's time ("09:45")
///   {timezone}  the resource's zone ("Europe/Rome")
///   {booking}   the booking's reference (its id)
///   {amount}    refund_due only: the amount paid ("EUR 45.50" / "45,50 EUR")
///   {offer_expires}  waitlist_offer only: the time the offer lapses ("18:00")
///
/// Values are substituted in one pass and never scanned again: a customer
/// named "{service}" is written as "{service}".
struct MessageTemplate {
    std::string_view subject{};
    std::string_view body{};
};

/// The placeholders every kind may use.
inline constexpr std::array<std::string_view, 9> common_placeholders{
    "customer", "business", "service", "resource", "date", "start", "end", "timezone", "booking"};

/// The placeholders a text of `kind` may use: the common ones, `amount` for
/// refund_due and `offer_expires` for waitlist_offer.
inline std::vector<std::string_view> message_placeholders(NotificationKind kind) {
    std::vector<std::string_view> out(common_placeholders.begin(), common_placeholders.end());
    if (kind == NotificationKind::refund_due) out.emplace_back("amount");
    if (kind == NotificationKind::waitlist_offer) out.emplace_back("offer_expires");
    return out;
}

/// True when a text of `kind` may use placeholder `name` (without braces).
inline bool placeholder_allowed(NotificationKind kind, std::string_view name) {
    for (auto p : message_placeholders(kind)) if (p == name) return true;
    return false;
}

/// The built-in subject and body of `kind` in `lang`.
inline MessageTemplate default_message_template(NotificationKind kind, Language lang) {
    const bool it = lang == Language::it;
    // Each body: greeting, what happened, the details, the signature.
#define SLOTWISE_DETAILS_EN "{service} with {resource}\n{date}, {start}–{end} ({timezone})\nBooking reference: {booking}"
#define SLOTWISE_DETAILS_IT "{service} con {resource}\n{date}, {start}–{end} ({timezone})\nCodice prenotazione: {booking}"
    switch (kind) {
        case NotificationKind::booking_confirmed:
            return it ? MessageTemplate{"Prenotazione confermata: {service}, {date} alle {start}",
                                        "Ciao {customer},\n\nla tua prenotazione è confermata.\n\n" SLOTWISE_DETAILS_IT
                                        "\n\nL'invito per il calendario è allegato.\n\n{business}\n"}
                      : MessageTemplate{"Booking confirmed: {service}, {date} at {start}",
                                        "Hello {customer},\n\nyour booking is confirmed.\n\n" SLOTWISE_DETAILS_EN
                                        "\n\nThe calendar invitation is attached.\n\n{business}\n"};
        case NotificationKind::booking_cancelled:
            return it ? MessageTemplate{"Prenotazione annullata: {service}, {date} alle {start}",
                                        "Ciao {customer},\n\nla tua prenotazione è stata annullata.\n\n" SLOTWISE_DETAILS_IT
                                        "\n\n{business}\n"}
                      : MessageTemplate{"Booking cancelled: {service}, {date} at {start}",
                                        "Hello {customer},\n\nyour booking has been cancelled.\n\n" SLOTWISE_DETAILS_EN
                                        "\n\n{business}\n"};
        case NotificationKind::booking_rescheduled:
            return it ? MessageTemplate{"Prenotazione spostata: {service}, ora {date} alle {start}",
                                        "Ciao {customer},\n\nla tua prenotazione è stata spostata. Il nuovo appuntamento:\n\n"
                                        SLOTWISE_DETAILS_IT "\n\n{business}\n"}
                      : MessageTemplate{"Booking moved: {service}, now {date} at {start}",
                                        "Hello {customer},\n\nyour booking has been moved. The new time:\n\n"
                                        SLOTWISE_DETAILS_EN "\n\n{business}\n"};
        case NotificationKind::refund_due:
            return it ? MessageTemplate{"Rimborso in arrivo: {service}",
                                        "Ciao {customer},\n\nabbiamo ricevuto il tuo pagamento di {amount}, ma l'orario non era "
                                        "più disponibile. Ti rimborseremo l'intero importo.\n\n" SLOTWISE_DETAILS_IT
                                        "\n\n{business}\n"}
                      : MessageTemplate{"Refund on its way: {service}",
                                        "Hello {customer},\n\nwe received your payment of {amount}, but the time was no longer "
                                        "available. We will refund it in full.\n\n" SLOTWISE_DETAILS_EN "\n\n{business}\n"};
        case NotificationKind::booking_requested:
            return it ? MessageTemplate{"Richiesta ricevuta: {service}, {date} alle {start}",
                                        "Ciao {customer},\n\nabbiamo ricevuto la tua richiesta. Ti scriveremo appena sarà "
                                        "confermata; fino ad allora l'orario è tenuto per te.\n\n" SLOTWISE_DETAILS_IT
                                        "\n\n{business}\n"}
                      : MessageTemplate{"Request received: {service}, {date} at {start}",
                                        "Hello {customer},\n\nwe have received your request. We will write as soon as it is "
                                        "confirmed; until then the time is held for you.\n\n" SLOTWISE_DETAILS_EN
                                        "\n\n{business}\n"};
        case NotificationKind::booking_rejected:
            return it ? MessageTemplate{"Richiesta non accettata: {service}, {date} alle {start}",
                                        "Ciao {customer},\n\npurtroppo non possiamo accettare la tua richiesta per questo "
                                        "orario. Scegline un altro, se vuoi.\n\n" SLOTWISE_DETAILS_IT "\n\n{business}\n"}
                      : MessageTemplate{"Request declined: {service}, {date} at {start}",
                                        "Hello {customer},\n\nunfortunately we cannot accept your request for this time. "
                                        "Please choose another if you like.\n\n" SLOTWISE_DETAILS_EN "\n\n{business}\n"};
        case NotificationKind::waitlist_offer:
            return it ? MessageTemplate{"Si è liberato un posto: {service}, {date} alle {start}",
                                        "Ciao {customer},\n\nsi è liberato un posto per cui eri in lista d'attesa. È tenuto "
                                        "per te fino alle {offer_expires}: accettalo entro allora.\n\n" SLOTWISE_DETAILS_IT
                                        "\n\n{business}\n"}
                      : MessageTemplate{"A place is free: {service}, {date} at {start}",
                                        "Hello {customer},\n\na place you were waiting for is free. It is held for you until "
                                        "{offer_expires}: accept it by then.\n\n" SLOTWISE_DETAILS_EN "\n\n{business}\n"};
    }
#undef SLOTWISE_DETAILS_EN
#undef SLOTWISE_DETAILS_IT
    return {};
}

/// What is wrong with `text` as a message text of `kind`, or "" when
/// nothing is: an unbalanced brace or a placeholder `kind` does not know.
inline std::string message_template_problem(NotificationKind kind, std::string_view text) {
    // A name is quoted at most this long in the answer.
    constexpr std::size_t quoted = 40;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '}') return fmt::format("unbalanced brace: '}}' at byte {} closes no placeholder", i);
        if (text[i] != '{') continue;
        const auto close = text.find_first_of("{}", i + 1);
        if (close == std::string_view::npos || text[close] == '{') {
            return fmt::format("unbalanced brace: '{{' at byte {} is not closed", i);
        }
        const auto name = text.substr(i + 1, close - i - 1);
        if (!placeholder_allowed(kind, name)) {
            std::string known;
            for (auto p : message_placeholders(kind)) known += (known.empty() ? "{" : ", {") + std::string(p) + "}";
            const auto shown = name.size() > quoted ? std::string(name.substr(0, quoted)) + "…" : std::string(name);
            return fmt::format("unknown placeholder {{{}}} for {}; known: {}", shown, to_string(kind), known);
        }
        i = close;
    }
    return {};
}

/// Renders a notification's subject and body in `locale`'s language from
/// `text`. A placeholder the kind does not know, or a brace left open, is
/// copied as written (texts are checked when set; rendering never fails).
inline Message render_message(NotificationKind kind, const MessageContext& c, std::string_view locale,
                              const MessageTemplate& text) {
    using namespace detail::i18n;
    const auto lang = language_of(locale);
    const auto start = local(c, c.when.begin);
    const auto value = [&](std::string_view name) -> std::optional<std::string> {
        if (!placeholder_allowed(kind, name)) return std::nullopt;
        if (name == "customer") return c.customer_name;
        if (name == "business") return c.business;
        if (name == "service") return c.service;
        if (name == "resource") return c.resource;
        if (name == "date") return long_date(lang, start);
        if (name == "start") return clock_time(start);
        if (name == "end") return clock_time(local(c, c.when.end));
        if (name == "timezone") return std::string(c.zone->name());
        if (name == "booking") return c.booking_id;
        if (name == "amount") return format_money(lang, c.amount, c.currency);
        if (name == "offer_expires") return clock_time(local(c, c.offer_expires_at));
        return std::nullopt;
    };
    // One pass: what a value contains is never read as a placeholder.
    const auto fill = [&](std::string_view t) {
        std::string out;
        out.reserve(t.size() + 64);
        std::size_t i = 0;
        while (i < t.size()) {
            const auto open = t.find('{', i);
            const auto close = open == std::string_view::npos ? open : t.find('}', open + 1);
            if (close == std::string_view::npos) break;
            const auto name = t.substr(open + 1, close - open - 1);
            const auto v = name.find('{') == std::string_view::npos ? value(name) : std::nullopt;
            if (!v) {
                // Not a placeholder: the brace is text; scanning goes on after it.
                out.append(t.substr(i, open + 1 - i));
                i = open + 1;
                continue;
            }
            out.append(t.substr(i, open - i));
            out.append(*v);
            i = close + 1;
        }
        out.append(t.substr(i));
        return out;
    };
    return {fill(text.subject), fill(text.body)};
}

/// Renders a notification's subject and body in `locale`'s language from
/// the built-in texts.
inline Message render_message(NotificationKind kind, const MessageContext& c, std::string_view locale) {
    return render_message(kind, c, locale, default_message_template(kind, language_of(locale)));
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
