"""A form refused after its post's redirect comes back with each error beside its field (the
field pointing to it) and what the person typed, once."""

from __future__ import annotations

import io
import re

import pytest

from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident
from tests.domain.conftest import facts
from tests.jobs.test_referrals_and_notices import in_fallback
from tests.typed import as_declaration
from tests.web.test_reports import closed  # noqa: F401  (a closed incident)
from tests.web.test_status import publish


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


def acknowledged(uow, clock, library, people) -> int:
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    apply_action(Context(uow, clock, library, people.desk.actor), incident_id, "acknowledge")
    return incident_id


def test_a_reclassification_that_changes_nothing_is_said_on_its_form_in_french(
    as_person, people, uow, clock, library
):
    incident_id = acknowledged(uow, clock, library, people)
    desk = as_person(people.desk, "fr")
    page = desk.page(f"/incidents/{incident_id}")
    form = form_on(page, "reclassify-form")
    same = {
        name: re.search(rf'name="{name}".*?<option[^>]*value="([^"]*)"[^>]*selected', form).group(1)
        for name in ("side", "scope")
    }
    component = re.search(r'name="component".*?<option selected>([^<]*)<', form).group(1)
    response = desk.post(
        f"/incidents/{incident_id}/reclassify",
        {"component": component, **same, "note": "vérifié avec le CID"},
    )
    assert response.headers["Location"].endswith("#reclassify-form")
    form = form_on(desk.page(f"/incidents/{incident_id}"), "reclassify-form")
    assert '<p class="field-error" id="component-error">rien à changer' in form
    assert 'name="component" aria-invalid="true" aria-describedby="component-error"' in form
    assert 'value="vérifié avec le CID"' in form


def test_a_refused_activation_is_said_beside_its_field_and_the_box_is_open(
    as_person, people, uow, clock, library
):
    incident_id = acknowledged(uow, clock, library, people)
    desk = as_person(people.desk, "fr")
    desk.post(
        f"/incidents/{incident_id}/transition",
        {
            "action": "activate_fallback",
            "bcp": "yes",
            "decided_by": "Chef de la division",
            "bcp_modes": ["air", "maritime"],
            "offices": "FR004100, Roissy",
            "until": "2026-11-22T07:00",  # before the clock's 08:30: in the past
        },
    )
    form = form_on(desk.page(f"/incidents/{incident_id}"), "actions")
    assert "<details open>" in form
    assert 'aria-describedby="offices-error"' in form and 'id="offices-error"' in form
    assert 'value="FR004100, Roissy"' in form and 'value="Chef de la division"' in form
    ticked = re.findall(r'name="bcp_modes" value="(\w+)" checked', form)
    assert ticked == ["air", "maritime"]


def test_the_notice_fallback_window_and_closing_keep_their_refusal_beside_their_fields(
    as_person, people
):
    desk = as_person(people.desk, "fr")
    notice_page = publish(desk).headers["Location"]
    notice_id = int(notice_page.rstrip("/").rsplit("/", 1)[1])
    response = desk.post(
        f"/desk/notices/{notice_id}/fallback",
        {"window": "open", "until": "2026-11-22T07:00", "text": "Secours ouvert"},
    )
    assert response.headers["Location"].endswith("#fallback-form")
    form = form_on(desk.page(notice_page), "fallback-form")
    assert 'id="until-error">la fin de l&#39;activation doit' in form or (
        'id="until-error">la fin de l\'activation doit' in form
    )
    assert 'value="2026-11-22T07:00" aria-invalid="true"' in form
    assert 'value="Secours ouvert"' in form
    desk.post(f"/desk/notices/{notice_id}/close", {"text": "x" * 6000})
    form = form_on(desk.page(notice_page), "close-form")
    assert 'aria-describedby="text-error"' in form and 'id="text-error"' in form


KEPT = {"process": "1", "status": "active"}


@pytest.mark.parametrize(
    ("page", "post", "form_id", "sent", "field", "kept"),
    [
        (
            "/admin/organisations",
            "/admin/organisations",
            "organisation-form",
            {"name": "Fret Sud", "kind": "carrier", "eori": "F-123"},
            "eori",
            'value="Fret Sud"',
        ),
        (
            "/admin/probes",
            "/admin/probes",
            "probe-form",
            {"name": "STI", "component": "STI", "url": "ftp://sti", "interval_seconds": "60"},
            "url",
            'value="ftp://sti" aria-invalid="true"',
        ),
        (
            "/admin/webhooks",
            "/admin/webhooks",
            "webhook-form",
            {"url": "http://169.254.169.254/latest", "topics": ["incident.declared"]},
            "url",
            'name="topics" value="incident.declared" checked> ',
        ),
        (
            "/admin/certificates",
            "/admin/certificates",
            "certificate-form",
            {"label": "cachet", "valid_from": "2026-12-01", "valid_until": "2026-01-01", **KEPT},
            "valid_until",
            'value="cachet"',
        ),
        (
            "/certificates",
            "/certificates",
            "certificate-form",
            {"label": "cachet", "valid_from": "2026-12-01", "valid_until": "2026-01-01", **KEPT},
            "valid_until",
            'value="cachet"',
        ),
    ],
)
def test_an_administration_form_says_its_refusal_beside_the_field_and_keeps_the_rest(
    as_person, people, page, post, form_id, sent, field, kept
):
    person = as_person(people.carrier if page == "/certificates" else people.admin, "fr")
    if form_id == "certificate-form" and page != "/certificates":
        sent = {"organisation_id": str(people.carrier.actor.organisation_id), **sent}
    response = person.post(post, sent)
    assert response.status_code == 303
    form = form_on(person.page(page), form_id)
    assert f'aria-describedby="{field}-error"' in form and f'id="{field}-error"' in form
    assert kept in form


def test_a_user_row_and_a_contact_keep_their_refusal_beside_their_own_fields(as_person, people):
    admin = as_person(people.admin, "fr")
    user_id = people.carrier.actor.user_id
    admin.post(
        f"/admin/users/{user_id}",
        {"display_name": "Léa", "email": "pas une adresse", "role": "operator"},
    )
    page = admin.page("/admin/")
    row = form_on(page, f"user-{user_id}")
    assert 'aria-describedby="email-error"' in row and 'value="pas une adresse"' in row
    assert "field-error" not in form_on(page, "user-form")  # the new user's form stays clean
    admin.post(f"/admin/users/{user_id}/password", {"password": "faible"})
    row = form_on(admin.page("/admin/"), f"password-{user_id}")
    assert f'id="password-{user_id}-error">8 caractères ou plus' in row
    assert "faible" not in row


def test_a_refused_post_mortem_is_shown_again_as_typed_with_the_fault_beside_its_field(
    as_person,
    people,
    closed,  # noqa: F811
):
    incident_id = closed
    manager = as_person(people.manager, "fr")
    long_summary = "Panne STI de 2 h ; " * 300  # longer than any cookie could carry
    response = manager.post(
        f"/manager/incidents/{incident_id}/postmortem",
        {
            "summary": long_summary,
            "root_cause": "certificat expiré",
            "action_items": "renouveler | DSI | le 12 janvier",
            "finalise": "no",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Rien n’a été enregistré" in page.replace("'", "’").replace("&#39;", "’")
    assert long_summary.strip() in page
    assert 'aria-describedby="action_items-error"' in page
    assert ">renouveler | DSI | le 12 janvier</textarea>" in page
    assert "action_items[0]" not in page  # the field is named by its label
    response = manager.post(
        f"/manager/incidents/{incident_id}/postmortem",
        {"summary": "Panne STI", "root_cause": "", "action_items": "", "finalise": "yes"},
    )
    assert response.status_code == 422  # saved, but a root cause is needed to finalise
    page = response.get_data(as_text=True)
    assert "Enregistré, mais pas finalisé" in page
    assert 'aria-describedby="root_cause-error"' in page
    assert ">Panne STI</textarea>" in manager.page(f"/manager/incidents/{incident_id}/postmortem")


def test_a_screening_answered_without_its_result_says_so_beside_the_result(
    as_person, people, uow, clock, library
):
    incident_id = in_fallback(uow, clock, library, people)
    desk = as_person(people.desk, "fr")
    desk.post(
        f"/incidents/{incident_id}/referrals",
        {"kind": "rfs", "air_waybill": "02012345675", "route": "telephone", "sent_to": "Duty"},
    )
    carrier = as_person(people.carrier, "fr")
    response = carrier.post(
        f"/incidents/{incident_id}/referrals/1/outcome",
        {"outcome": "screening_done", "result": " ", "note": "appelé la permanence"},
    )
    assert response.headers["Location"].endswith("#outcome-1")
    form = form_on(carrier.page(f"/incidents/{incident_id}"), "outcome-1")
    assert 'aria-describedby="result-error"' in form
    assert 'value="appelé la permanence"' in form
