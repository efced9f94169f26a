// EN/IT messages against golden files, error texts, and RFC 5545 invitations
// checked by an independent parser (Debian's python3-icalendar).
//
// SLOTWISE_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing;
// review the diff before committing it.
#include "support/process.hpp"

#include <slotwise/i18n.hpp>

#include <limits>
#include <slotwise/ics.hpp>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace slotwise;
using namespace std::chrono_literals;

namespace {

const std::filesystem::path golden_dir = std::filesystem::path(SLOTWISE_TEST_DIR) / "golden";

void check_golden(const std::string& name, const std::string& actual) {
    const auto path = golden_dir / name;
    if (std::getenv("SLOTWISE_UPDATE_GOLDEN")) {
        std::ofstream(path, std::ios::binary) << actual;
        return;
    }
    CAPTURE(name);
    CHECK(test::slurp(path.string()) == actual);
}

MessageContext context() {
    return {.customer_name = "Ada", .business = "Salon Bella", .service = "Taglio", .resource = "Anna",
            .booking_id = "bkg_0123", .when = {parse_instant("2026-06-02T07:00:00Z", "t"), parse_instant("2026-06-02T07:45:00Z", "t")},
            .zone = locate_zone("Europe/Rome", "tz"), .amount = 4550, .currency = "EUR",
            .offer_expires_at = parse_instant("2026-06-01T16:00:00Z", "t")};
}

std::string render(NotificationKind kind, const char* locale) {
    const auto m = render_message(kind, context(), locale);
    return "Subject: " + m.subject + "\n\n" + m.body;
}

}  // namespace

TEST_CASE("every notification kind renders in English and Italian as the golden files say") {
    for (const auto kind : notification_kinds) {
        for (const char* locale : {"en", "it"}) {
            check_golden(std::string(to_string(kind)) + "." + locale + ".txt", render(kind, locale));
        }
    }
}

TEST_CASE("Italian dates use Italian weekday and month names in the resource's zone") {
    const auto m = render_message(NotificationKind::booking_confirmed, context(), "it-IT");
    CHECK(m.subject == "Prenotazione confermata: Taglio, martedì 2 giugno 2026 alle 09:00");
    CHECK(m.body.find("09:00–09:45 (Europe/Rome)") != std::string::npos);
}

TEST_CASE("an unknown locale falls back to English") {
    CHECK(render(NotificationKind::booking_confirmed, "fr") == render(NotificationKind::booking_confirmed, "en"));
    CHECK(render(NotificationKind::booking_confirmed, "") == render(NotificationKind::booking_confirmed, "en"));
    CHECK(language_of("IT_ch") == Language::it);
}

TEST_CASE("error messages exist for every code in both languages") {
    for (int c = static_cast<int>(Errc::invalid_argument); c <= static_cast<int>(Errc::provider_error); ++c) {
        const auto code = static_cast<Errc>(c);
        CAPTURE(to_string(code));
        CHECK(error_text(code, "en") != error_text(code, "it"));
        CHECK(error_text(code, "de") == error_text(code, "en"));
    }
    CHECK(error_text(Errc::slot_unavailable, "it") == "Questo orario non è più disponibile. Scegline un altro.");
}

TEST_CASE("invitations use CRLF, fold at 75 octets without splitting characters, and escape text") {
    const IcsEvent e{.uid = "bkg_0123@slotwise", .stamp = parse_instant("2026-06-01T05:00:00Z", "t"), .when = context().when,
                     .summary = "Taglio, piega; colore \\ extra — " + std::string(40, 'x') + " città",
                     .location = "Salon Bella, Via Roma 1", .description = "Riga 1\nRiga 2", .sequence = 2};
    const auto ics = render_ics(e);
    check_golden("invite.ics", ics);
    std::size_t pos = 0;
    while (pos < ics.size()) {
        const auto end = ics.find("\r\n", pos);
        REQUIRE(end != std::string::npos);
        CHECK(end - pos <= 75);
        CHECK(ics.substr(pos, end - pos).find('\n') == std::string::npos);
        const auto next = end + 2;
        if (next < ics.size() && ics[next] == ' ') {
            // a continuation never starts inside a UTF-8 sequence
            CHECK((static_cast<unsigned char>(ics[next + 1]) & 0xC0) != 0x80);
        }
        pos = next;
    }
    CHECK(ics.find("SUMMARY:Taglio\\, piega\\; colore \\\\ extra") != std::string::npos);
}

TEST_CASE("folding makes progress even through bytes that are not UTF-8") {
    const IcsEvent e{.uid = "u", .when = context().when, .summary = std::string(200, '\x80')};
    const auto ics = render_ics(e);
    CHECK(ics.find(std::string(60, '\x80')) != std::string::npos);
    CHECK(ics.size() < 1000);
}

TEST_CASE("python3-icalendar parses the invitation to the same values") {
    const IcsEvent e{.uid = "bkg_0123@slotwise", .stamp = parse_instant("2026-06-01T05:00:00Z", "t"), .when = context().when,
                     .summary = "Taglio con Anna — una descrizione molto lunga che va piegata su più righe, sì",
                     .location = "Salon Bella; Via Roma, 1", .sequence = 1, .cancel = true};
    const std::string script = R"(
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
ev = [c for c in cal.walk() if c.name == "VEVENT"][0]
print(json.dumps({"method": str(cal["METHOD"]), "uid": str(ev["UID"]), "summary": str(ev["SUMMARY"]),
  "location": str(ev["LOCATION"]), "start": ev["DTSTART"].dt.isoformat(), "end": ev["DTEND"].dt.isoformat(),
  "stamp": ev["DTSTAMP"].dt.isoformat(), "sequence": int(ev["SEQUENCE"]), "status": str(ev["STATUS"])}))
)";
    const auto r = test::run_process({"/usr/bin/python3", "-c", script}, render_ics(e));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    const auto parsed = nlohmann::json::parse(r.out);
    CHECK(parsed["method"] == "CANCEL");
    CHECK(parsed["uid"] == "bkg_0123@slotwise");
    CHECK(parsed["summary"] == e.summary);
    CHECK(parsed["location"] == e.location);
    CHECK(parsed["start"] == "2026-06-02T07:00:00+00:00");
    CHECK(parsed["end"] == "2026-06-02T07:45:00+00:00");
    CHECK(parsed["stamp"] == "2026-06-01T05:00:00+00:00");
    CHECK(parsed["sequence"] == 1);
    CHECK(parsed["status"] == "CANCELLED");
}

TEST_CASE("money is written with the currency's own minor units, in each language's style") {
    CHECK(format_money(Language::en, 2500, "EUR") == "EUR 25.00");
    CHECK(format_money(Language::it, 2500, "EUR") == "25,00 EUR");
    CHECK(format_money(Language::en, 1500, "JPY") == "JPY 1500");  // the yen has no minor unit
    CHECK(format_money(Language::it, 1500, "JPY") == "1500 JPY");
    CHECK(format_money(Language::en, 1234, "KWD") == "KWD 1.234");  // thousandths
    CHECK(format_money(Language::en, 5, "USD") == "USD 0.05");
    CHECK(format_money(Language::en, -250, "EUR") == "EUR -2.50");
    CHECK(format_money(Language::en, std::numeric_limits<std::int64_t>::min(), "JPY") == "JPY -9223372036854775808");
}

TEST_CASE("a refund notice for a yen payment quotes yen, not hundredths of a yen") {
    auto c = context();
    c.amount = 4500;
    c.currency = "JPY";
    const auto m = render_message(NotificationKind::refund_due, c, "en");
    CHECK(m.body.find("JPY 4500") != std::string::npos);
    CHECK(m.body.find("45.00") == std::string::npos);
}
