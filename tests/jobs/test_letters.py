"""Each e-mail in its reader's language, with the pages' words (no codes, no two languages side
by side); a webhook carries the same words in French and in English beside its data."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bcp.jobs.letters import write
from bcp.jobs.scheduler import tick
from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident
from bcp.services.notifications import add_webhook
from bcp.services.preferences import choose_language
from tests.domain.conftest import facts
from tests.jobs.conftest import ANYWHERE
from tests.jobs.test_notifications import ADMIN
from tests.typed import as_declaration
from tests.vocabulary import untranslated_text


def mail(smtp, topic: str, to: str):
    return next(m for rcpt, m in smtp.messages if m["X-BCP-Topic"] == topic and to in rcpt)


def test_each_person_reads_their_e_mails_in_the_language_they_chose(
    rt, uow, clock, library, people, smtp
):
    choose_language(uow, people.carrier.actor, "en")
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    apply_action(Context(uow, clock, library, people.desk.actor), incident_id, "acknowledge")
    tick(rt)

    desk = mail(smtp, "incident.declared", "desk@douane.example")  # no choice made: French
    assert desk["Content-Language"] == "fr"
    assert desk["Subject"].startswith(f"[bcp] Incident {incident_id} — ")
    assert "déclaré" in desk["Subject"]
    body = desk.get_content()
    assert "État : déclaré" in body or "État: déclaré" in body
    assert "Ouvrir l'incident" in body and f"/incidents/{incident_id}" in body
    assert "/ " not in body.replace("http://", "")  # one language, not "État / state"
    typed = (facts()["summary"], people.carrier.actor.label)  # what people wrote stays as is
    assert untranslated_text(body.replace(typed[0], "").replace(typed[1], "")) == []

    carrier = mail(smtp, "incident.acknowledged", "ops@aerofret.example")
    assert carrier["Content-Language"] == "en"
    assert "State: acknowledged" in carrier.get_content()
    assert "acknowledged" in carrier["Subject"]


def test_the_schedulers_escalation_says_how_late_in_words_not_codes(
    rt, uow, clock, library, people, smtp
):
    declare_incident(
        Context(uow, clock, library, people.carrier.actor),
        as_declaration(facts(component="EO_SYSTEM")),
    )
    clock.advance(minutes=16)
    tick(rt)
    body = mail(smtp, "incident.escalated", "desk@douane.example").get_content()
    assert "non pris en compte après 16 min (objectif 15 min)" in body
    assert "planificateur" in body  # bcp's scheduler, named in French
    assert untranslated_text(body.replace(facts(component="EO_SYSTEM")["summary"], "")) == []


def test_a_webhook_carries_the_words_in_both_languages_beside_its_data(
    rt, uow, clock, library, people, http_peer
):
    clock.set(datetime.now(UTC))
    add_webhook(
        uow, clock, ADMIN, http_peer.base + "/ok", ["incident.declared"], destinations=ANYWHERE
    )
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    tick(rt)
    [(_, _, body)] = http_peer.received
    payload = json.loads(body)
    assert payload["event"] == "declared" and payload["incident_id"] == incident_id  # the data
    assert payload["text"]["fr"]["subject"] == write(payload, "fr", rt.settings.public_url).subject
    assert "déclaré" in payload["text"]["fr"]["subject"]
    assert "declared" in payload["text"]["en"]["subject"]
    assert "State: declared" in payload["text"]["en"]["body"]


def test_a_notice_in_french_names_its_kind_its_times_and_its_activation_in_words():
    notice = {
        "notice_id": 2,
        "title": "Maintenance TAPAS",
        "components": ["TAPAS"],
        "kind": "scheduled",
        "reason": "scheduled_maintenance",
        "event": "fallback_opened",
        "note": "",
        "starts_at": "2026-11-22T07:30:00+00:00",
        "expected_end": None,
        "fallback_allowed": True,
        "bcp": {
            "decided_by": "Bureau ICS2",
            "decided_at": "2026-11-22T07:30:00+00:00",
            "modes": ["air", "postal"],
            "offices": [],
            "until": None,
        },
        "messages": None,
    }
    letter = write(notice, "fr", "https://bcp.example")
    assert letter.subject == "[bcp] Avis 2 — TAPAS — secours autorisé"
    assert "Début: 22/11/2026 08:30 CET" in letter.body.replace(" :", ":")
    assert "aérien, postal" in letter.body
    assert "https://bcp.example/status/notices/2" in letter.body
    assert untranslated_text(letter.body.replace("Maintenance TAPAS", "")) == []
    english = write(notice, "en", "https://bcp.example")
    assert english.subject == "[bcp] Notice 2 — TAPAS — fallback allowed"
    assert "Start: 22/11/2026 08:30 CET" in english.body


def test_a_referral_and_a_list_of_goods_are_said_in_the_readers_words():
    referral = {
        "incident_id": 4,
        "component": "STI",
        "event": "referral_outcome",
        "at": "2026-11-22T08:00:00+00:00",
        "changes": {
            "referral": 2,
            "kind": "dnl",
            "air_waybill": "02012345675",
            "route": "telephone",
            "sent_to": "Permanence fret",
            "outcome": "cargo_not_loaded",
        },
    }
    french = write(referral, "fr", "https://bcp.example").body
    assert "R2 DNL · AWB 02012345675 · téléphone → Permanence fret" in french
    assert "cargo_not_loaded" not in french and "telephone" not in french
    english = write(referral, "en", "https://bcp.example").body
    assert "R2 DNL · AWB 02012345675 · telephone → Permanence fret" in english
    goods = {
        "incident_id": 4,
        "component": "STI",
        "event": "consignments_added",
        "changes": {"count": 2, "documents": ["H0001", "H0002"]},
    }
    assert "2 envois: H0001, H0002" in write(goods, "fr", "").body.replace(" :", ":")
    assert "2 consignments: H0001, H0002" in write(goods, "en", "").body
