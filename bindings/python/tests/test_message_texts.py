"""A tenant's own notification texts from Python, written as the attacks
they must stop: a bad placeholder stored anyway, a customer name expanded
as a placeholder, a customer rewriting the texts, the Italian text reaching
an English reader, a cleared text still rendering."""
import pytest

import slotwise

from conftest import utc

ITALIAN = {"subject": "A presto {customer}: {date} alle {start}", "body": "Ciao {customer}\n{business}\n"}


def confirmation(salon, name, locale, start, subject=None):
    b = salon.customer(subject).book(salon.cut.id, start=utc(start), resource_id=salon.anna.id,
                                     customer={"name": name, "locale": locale})
    (n,) = [n for n in salon.engine.take_notifications() if n.booking_id == b.id]
    return n


def test_the_italian_text_reaches_italian_readers_only_and_clearing_brings_the_default_back(salon):
    stored = salon.admin.set_message_text("booking_confirmed", "it", **ITALIAN)
    assert stored == {"kind": "booking_confirmed", "locale": "it", **ITALIAN}
    lia = confirmation(salon, "Lia", "it-IT", "2026-06-01T08:00")
    assert lia.subject == "A presto Lia: lunedì 1 giugno 2026 alle 10:00"
    assert lia.body == "Ciao Lia\nSalon Bella\n"
    ada = confirmation(salon, "Ada", "en", "2026-06-01T08:30")
    assert ada.subject == "Booking confirmed: Cut, Monday 1 June 2026 at 10:30"

    salon.admin.clear_message_text("booking_confirmed", "it")
    eva = confirmation(salon, "Eva", "it", "2026-06-01T09:00")
    assert eva.subject == "Prenotazione confermata: Cut, lunedì 1 giugno 2026 alle 11:00"
    with pytest.raises(slotwise.NotFound):
        salon.admin.clear_message_text("booking_confirmed", "it")


def test_a_bad_text_is_refused_naming_the_field_and_nothing_is_stored(salon):
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.set_message_text("booking_confirmed", "en", subject="Hi {custmer}", body="x")
    assert e.value.field == "subject" and "{custmer}" in str(e.value)
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.set_message_text("booking_confirmed", "en", subject="Hi", body="Paid {amount}")
    assert e.value.field == "body"
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.set_message_text("booking_confirmed", "en", subject="Hi", body="{customer")
    assert e.value.field == "body" and "unbalanced brace" in str(e.value)
    with pytest.raises(slotwise.ValidationError) as e:
        salon.admin.set_message_text("booking_exploded", "en", subject="Hi", body="x")
    assert e.value.field == "kind"
    assert salon.admin.message_texts()["overrides"] == []


def test_a_customer_name_with_a_placeholder_is_written_as_typed(salon):
    salon.admin.set_message_text("booking_confirmed", "en", subject="Hi {customer}", body="{customer} at {business}")
    n = confirmation(salon, "{service}{business}", "en", "2026-06-01T08:00")
    assert n.subject == "Hi {service}{business}"
    assert n.body == "{service}{business} at Salon Bella"


def test_staff_and_customers_cannot_touch_the_texts(salon):
    for scope in (salon.staff(), salon.customer("ada")):
        with pytest.raises(slotwise.PermissionDenied):
            scope.set_message_text("booking_confirmed", "en", subject="Owned", body="x")
        with pytest.raises(slotwise.PermissionDenied):
            scope.message_texts()
        with pytest.raises(slotwise.PermissionDenied):
            scope.clear_message_text("booking_confirmed", "en")


def test_message_texts_lists_every_kind_in_both_languages(salon):
    salon.admin.set_message_text("refund_due", "en", subject="Refund {amount}", body="{amount} back")
    texts = salon.admin.message_texts()
    assert texts["overrides"] == [{"kind": "refund_due", "locale": "en", "subject": "Refund {amount}",
                                   "body": "{amount} back"}]
    assert len(texts["applied"]) == 14
    own = [a for a in texts["applied"] if a["overridden"]]
    assert [(a["kind"], a["locale"]) for a in own] == [("refund_due", "en")]
    assert "{amount}" in own[0]["placeholders"]
    first = texts["applied"][0]
    assert (first["kind"], first["locale"]) == ("booking_confirmed", "en")
    assert first["subject"] == "Booking confirmed: {service}, {date} at {start}"
    assert "{amount}" not in first["placeholders"]
