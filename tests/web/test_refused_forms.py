"""A form refused after its post's redirect comes back with each error beside its field (the
field pointing to it) and what the person typed, once."""

from __future__ import annotations

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
