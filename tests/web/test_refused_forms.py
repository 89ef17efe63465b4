"""A form refused after its post's redirect comes back with each error beside its field (the
field pointing to it) and what the person typed, once."""

from __future__ import annotations

import io

from tests.jobs.test_referrals_and_notices import in_fallback


def test_a_refused_referral_shows_each_error_beside_its_field_and_keeps_what_was_typed(
    as_person, people, uow, clock, library
):
    incident_id = in_fallback(uow, clock, library, people)
    desk = as_person(people.desk, "fr")
    typed = {
        "kind": "dnl",
        "air_waybill": "02012345675",
        "sent_at": "2030-01-01T10:00",  # in the future: refused
        "route": "telephone",
        "sent_to": "M. Martin, permanence fret",
        "request": "Ne pas charger le colis H-77",
    }
    response = desk.post(f"/incidents/{incident_id}/referrals", typed)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#referral-form")
    page = desk.page(f"/incidents/{incident_id}")
    form = page.split('id="referral-form"', 1)[1].split("</form>", 1)[0]
    assert (
        'name="sent_at" value="2030-01-01T10:00" aria-invalid="true" '
        'aria-describedby="sent_at-error"' in form
    )
    assert '<p class="field-error" id="sent_at-error">' in form
    assert 'value="02012345675"' in form
    assert 'value="M. Martin, permanence fret"' in form
    assert ">Ne pas charger le colis H-77</textarea>" in form
    assert '<option value="dnl" selected>' in form and '<option value="telephone" selected>' in form
    again = desk.page(f"/incidents/{incident_id}")  # once: a reload starts afresh
    assert "field-error" not in again.split('id="referral-form"', 1)[1].split("</form>", 1)[0]


def form_on(page: str, form_id: str) -> str:
    return page.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]


def test_refused_evidence_is_said_beside_the_file_field_and_the_note_is_kept(
    as_person, people, uow, clock, library
):
    incident_id = in_fallback(uow, clock, library, people)
    carrier = as_person(people.carrier, "fr")
    response = carrier.post(
        f"/incidents/{incident_id}/record",
        {
            "note": "ENS envoyées par courriel à 10 h 12",
            "reference": "PS-2026-0001",
            "attachment": (io.BytesIO(b"MZ\x90\x00 not a PDF"), "preuve.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    form = form_on(carrier.page(f"/incidents/{incident_id}"), "record-form")
    assert 'aria-describedby="attachment-error"' in form
    assert '<p class="field-error" id="attachment-error">' in form
    assert ">ENS envoyées par courriel à 10 h 12</textarea>" in form
    assert 'value="PS-2026-0001"' in form


def test_a_refusal_is_shown_on_its_own_page_only(as_person, people, uow, clock, library):
    first = in_fallback(uow, clock, library, people)
    second = in_fallback(uow, clock, library, people)
    desk = as_person(people.desk)
    desk.post(f"/incidents/{first}/referrals", {"kind": "rfi", "sent_to": "", "route": "email"})
    page = desk.page(f"/incidents/{second}")
    assert 'class="flash error"' in page  # refused, and said at the top of the next page
    assert "field-error" not in form_on(page, "referral-form")  # but not beside its fields


def test_a_refusal_without_its_reason_says_so_in_french_beside_the_note(
    as_person, people, uow, clock, library
):
    incident_id = in_fallback(uow, clock, library, people)
    desk = as_person(people.desk, "fr")
    desk.post(f"/incidents/{incident_id}/transition", {"action": "cancel", "note": " "})
    page = desk.page(f"/incidents/{incident_id}")
    form = form_on(page, "actions")
    assert 'aria-describedby="action-note-help note-error" aria-invalid="true"' in form
    assert "un motif est obligatoire pour annuler l&#39;incident" in form or (
        "un motif est obligatoire pour annuler l'incident" in form
    )
