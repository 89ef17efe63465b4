"""PDF documents through the API and the command line: their text says every field, step and
timeline event, in French and in English; permissions; the post-mortem's digest."""

from __future__ import annotations

import io
import os
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import event as sql_events
from sqlalchemy import update

from bcp.reports import documents
from bcp.reports.render import Renderer
from bcp.services.context import Context
from bcp.services.incidents import (
    apply_action,
    declare_incident,
    record_work,
    settle_step,
)
from bcp.services.referrals import record_outcome, record_referral
from bcp.store.models import OutboxRow
from bcp.texts import paris_time as paris
from tests.domain.conftest import facts
from tests.typed import as_declaration, as_outcome, as_referral, as_step
from tests.vocabulary import untranslated_text

DNL = {"kind": "dnl", "air_waybill": "02012345675", "route": "telephone", "sent_to": "Duty"}


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """One space between words; a line broken after a hyphen is joined again."""
    return " ".join(text.split()).replace("- ", "-")


@pytest.fixture
def closed(uow, clock, library, people):
    """An operator's STI outage followed to closure, with a fallback reference."""
    carrier, desk = people.carrier.actor, people.desk.actor
    incident_id = declare_incident(
        Context(uow, clock, library, carrier), as_declaration(facts())
    ).incident.id
    clock.advance(minutes=7)
    apply_action(Context(uow, clock, library, desk), incident_id, "acknowledge", "Pris en compte")
    clock.advance(minutes=5)
    apply_action(
        Context(uow, clock, library, desk), incident_id, "activate_fallback", "Secours autorisé"
    )
    record_referral(Context(uow, clock, library, desk), incident_id, as_referral(DNL))
    clock.advance(minutes=3)
    record_outcome(
        Context(uow, clock, library, carrier),
        incident_id,
        1,
        *as_outcome({"outcome": "cargo_not_loaded"}),
    )
    # authorising the fallback issued the first reference, PS-2026-FR81234567800013-0001
    settle_step(
        Context(uow, clock, library, carrier),
        incident_id,
        "operator-fallback-filing",
        **as_step({"status": "done", "reference": "PS-2026-FR81234567800013-0001"}),
    )
    clock.advance(hours=2)
    apply_action(Context(uow, clock, library, carrier), incident_id, "recover")
    settle_step(
        Context(uow, clock, library, carrier),
        incident_id,
        "operator-relodge",
        **as_step({"status": "done", "note": "12 ENS re-déposées"}),
    )
    clock.advance(minutes=30)
    apply_action(Context(uow, clock, library, desk), incident_id, "close", "Clos")
    return incident_id


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "fr",
            [
                "Rapport d'incident",
                "Identification",
                "Procédure appliquée et pourquoi",
                "Délai de prise en compte",
                "objectif 15 min : oui",
                "Chronologie",
                "Continuer d'envoyer : les messages sont mis en file",
                "Plan de continuité activé par",
                "Service émetteur",
                "référence INC-000001",
                "aérien",
                "dépôt, modification",
                "fret non chargé",
                "page 1 sur",
                "Annexe : notifications envoyées",
                "pris en compte",
            ],
        ),
        (
            "en",
            [
                "Incident report",
                "Identity",
                "Procedure applied and why",
                "Time to acknowledge",
                "target 15 min: yes",
                "Timeline",
                "Keep sending: messages are queued",
                "BCP activated by",
                "Issuing service",
                "reference INC-000001",
                "air",
                "lodge, amend",
                "cargo not loaded",
                "page 1 of",
                "Annex: notifications sent",
                "acknowledged",
            ],
        ),
    ],
)
def test_the_incident_report_says_everything(client, people, closed, lang, words, app):
    response = client.get(
        f"/api/v1/incidents/{closed}/report.pdf?lang={lang}", headers=people.manager.auth
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = flat(text_of(response.data))
    for word in words:
        assert word in text, word
    for field in [
        "Aérofret",
        "FR81234567800013",
        "81234567800013",
        "STI",
        "EDI",
        "STI refuses our ENS",
        "administration-unplanned",  # the rule of the table, named in the why
        "fr-2026-12",
        "PS-2026-FR81234567800013-0001",
        "12 ENS re-déposées",
        "Pris en compte",
        "Secours autorisé",
        "22/11/2026 08:10",
        "R1 DNL AWB 02012345675",
    ]:
        assert field in text, field
    view = client.get(f"/api/v1/incidents/{closed}", headers=people.manager.auth).get_json()
    for step in view["steps"]:
        assert flat(step["title"][lang])[:25] in text, step["id"]
    if lang == "fr":  # nothing left in English, no internal code; the fixtures' users are
        # named after their role ("carrier"): their names are not codes
        names = {f"internal code: {p.login!r}" for p in vars(people).values()}
        assert [f for f in untranslated_text(text) if f not in names] == []
    # a document to sign: human words, never the codes of events, steps or notifications
    for event in view["timeline"]:
        assert "_" not in event["kind"] or event["kind"] not in text, event["kind"]
    for step in view["steps"]:
        assert step["id"] not in text, step["id"]
    assert "incident." not in text and "cargo_not_loaded" not in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_long_timeline_is_a_line_per_event_with_everything_the_table_says(
    app, client, people, closed, lang, monkeypatch
):
    """Past TIMELINE_TABLE_ROWS events (50; 3 here), a line per event: the table would take
    WeasyPrint seconds to lay out."""
    monkeypatch.setattr(app.extensions["bcp"], "renderer", Renderer(1, 0))  # no cache
    url = f"/api/v1/incidents/{closed}/report.pdf?lang={lang}"
    as_table = flat(text_of(client.get(url, headers=people.manager.auth).data))
    monkeypatch.setattr(documents, "TIMELINE_TABLE_ROWS", 3)
    response = client.get(url, headers=people.manager.auth)
    as_lines = flat(text_of(response.data))
    view = client.get(f"/api/v1/incidents/{closed}", headers=people.manager.auth).get_json()
    events = view["timeline"]
    assert len(events) > 3
    said = "events, one a line" if lang == "en" else "événements, un par ligne"
    assert f"{len(events)} {said}" in as_lines and said not in as_table
    for event in events:
        assert f"{event['seq']} · {paris(event['at'])} · " in as_lines, event["seq"]
    # five to a paragraph, each on a line of its own, its note on the same line
    lines = text_of(response.data).splitlines()
    for event in events:
        assert any(line.startswith(f"{event['seq']} · ") for line in lines), event["seq"]
    assert any(line.endswith("— Pris en compte") for line in lines)
    for field in ["Pris en compte", "Secours autorisé", "R1 DNL", "PS-2026-FR81234567800013-0001"]:
        assert field in as_lines and field in as_table, field
    if lang == "fr":
        names = {f"internal code: {p.login!r}" for p in vars(people).values()}
        assert [f for f in untranslated_text(as_lines) if f not in names] == []


def test_the_pdf_is_tagged_pdf_a(client, people, closed):
    pdf = client.get(f"/api/v1/incidents/{closed}/report.pdf", headers=people.manager.auth).data
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert "/OutputIntents" in root and root["/Lang"] == "fr"
    metadata = root["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata and b"3" in metadata


def test_who_may_export(client, people, closed):
    path = f"/api/v1/incidents/{closed}/report.pdf"
    assert client.get(path, headers=people.carrier.auth).status_code == 200
    assert client.get(path, headers=people.desk.auth).status_code == 200
    assert client.get(path, headers=people.other_carrier.auth).status_code == 404
    assert client.get(path, headers=people.admin.auth).status_code == 403
    assert client.get(path + "?lang=de", headers=people.manager.auth).status_code == 422


def test_the_post_mortem_is_written_finalised_and_printed_with_its_digest(
    client, people, closed, uow, clock, library
):
    base = f"/api/v1/incidents/{closed}/postmortem"
    body = {
        "summary": "STI indisponible 2 h 30",
        "root_cause": "Certificat expiré",
        "impact": "Vols du matin",
        "ens_delayed": 12,
        "consignments_delayed": 40,
        "went_well": "Secours en 12 min",
        "to_change": "Alerte plus tôt",
        "action_items": [
            {"what": "Surveiller les certificats", "owner": "IT", "due": "2026-12-31"}
        ],
    }
    assert client.put(base, json=body, headers=people.desk.auth).status_code == 403
    response = client.put(base, json=body, headers=people.manager.auth)
    assert response.status_code == 200 and not response.get_json()["finalised"]
    draft = flat(text_of(client.get(base + ".pdf?lang=en", headers=people.manager.auth).data))
    assert "Draft: not finalised" in draft and "Surveiller les certificats" in draft
    final = client.post(base + "/finalise", headers=people.manager.auth).get_json()
    assert final["finalised"] and len(final["timeline_sha256"]) == 64
    pdf = client.get(base + ".pdf?lang=fr", headers=people.manager.auth).data
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert final["content_sha256"][:40] in flat(page.extract_text()).replace(" ", "")
    assert client.put(base, json={"summary": "x"}, headers=people.manager.auth).status_code == 409
    report = client.get(
        f"/api/v1/incidents/{closed}/report.pdf?lang=en", headers=people.manager.auth
    ).data
    assert final["timeline_sha256"] in flat(text_of(report)).replace(" ", "")


def test_the_post_mortem_needs_a_closed_incident(client, people):
    incident_id = client.post(
        "/api/v1/incidents", json=facts(), headers=people.carrier.auth
    ).get_json()["id"]
    response = client.put(
        f"/api/v1/incidents/{incident_id}/postmortem",
        json={"summary": "x"},
        headers=people.manager.auth,
    )
    assert response.status_code == 409
    response = client.get(
        f"/api/v1/incidents/{incident_id}/postmortem.pdf", headers=people.manager.auth
    )
    assert response.status_code == 422


def test_the_fallback_document(client, people, closed):
    path = f"/api/v1/incidents/{closed}/fallback-documents/operator-fallback-filing.pdf"
    text = flat(text_of(client.get(path + "?lang=fr", headers=people.carrier.auth).data))
    assert "ICS2 – Procédure de secours – FR81234567800013 – PS-2026-FR81234567800013-0001" in text
    assert "Formulaire transporteur" in text and "Masse brute (kg)" in text
    english = flat(text_of(client.get(path + "?lang=en", headers=people.carrier.auth).data))
    assert "Carrier form" in english and "Gross mass (kg)" in english
    missing = f"/api/v1/incidents/{closed}/fallback-documents/operator-hold.pdf"
    assert client.get(missing, headers=people.carrier.auth).status_code == 404


def test_the_period_report(client, people, closed):
    path = "/api/v1/reports/period.pdf?from=2026-11-01&to=2026-11-30"
    response = client.get(path + "&lang=en", headers=people.manager.auth)
    text = flat(text_of(response.data))
    assert "Period report 01/11/2026 – 30/11/2026" in text
    assert "1 incident ·" in text and "acknowledged within target: 1 / 1" in text
    assert "Longest outages" in text and "STI refuses our ENS" in text
    assert "Aérofret" in text and "2 h 35" in text  # from 20 min before declaration to recovery
    assert "Referrals in fallback" in text and "DNL 1 0 0 3 min 3 min" in text
    french = flat(text_of(client.get(path + "&lang=fr", headers=people.manager.auth).data))
    assert "Rapport de période" in french and "Par organisation" in french
    assert client.get(path, headers=people.carrier.auth).status_code == 403
    for bad in ("?from=2026-11-30&to=2026-11-01", "?from=2026-11-01", "?from=x&to=y"):
        assert (
            client.get("/api/v1/reports/period.pdf" + bad, headers=people.manager.auth).status_code
            == 422
        )
    empty = client.get(
        "/api/v1/reports/period.pdf?from=2020-01-01&to=2020-01-31", headers=people.manager.auth
    )
    assert empty.status_code == 200 and "0 incident ·" in flat(text_of(empty.data))


def test_the_command_line(app, closed, tmp_path):
    out = tmp_path / "report.pdf"
    result = app.test_cli_runner().invoke(
        args=["bcp", "report", str(closed), "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    assert "Incident report" in text_of(out.read_bytes())
    result = app.test_cli_runner().invoke(
        args=[
            "bcp",
            "period-report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "-o",
            str(tmp_path / "p.pdf"),
        ]
    )
    assert result.exit_code == 0 and (tmp_path / "p.pdf").stat().st_size > 1000
    result = app.test_cli_runner().invoke(args=["bcp", "report", "999", "-o", str(out)])
    assert result.exit_code != 0 and "no incident 999" in result.output


def test_the_period_report_counts_an_incident_never_acknowledged_as_not_within_target(
    client, people, closed, uow, clock, library
):
    """The desk never acknowledged the other carrier's outage: 27 minutes past a 15 minutes
    target, it is one of the period's incidents, and not one acknowledged within target."""
    declare_incident(
        Context(uow, clock, library, people.other_carrier.actor),
        as_declaration(facts(started_at=(clock.now() - timedelta(minutes=5)).isoformat())),
    )
    clock.advance(minutes=42)
    path = "/api/v1/reports/period.pdf?from=2026-11-01&to=2026-11-30&lang=en"
    text = flat(text_of(client.get(path, headers=people.manager.auth).data))
    assert "2 incidents ·" in text
    assert "acknowledged within target: 1 / 2 (0 acknowledged late, 1 not acknowledged)" in text


@pytest.fixture
def pictures(tmp_path) -> Path:
    """Where the documents' pictures go: BCP_REPORT_PICTURES (make screenshots: docs/reports),
    else the test's own folder."""
    folder = Path(os.environ.get("BCP_REPORT_PICTURES") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_every_document_as_a_picture(client, people, closed, pictures):
    """Each document rendered to PNG (pdftoppm), as the person who signs it sees it: the
    first page of each, with its header and, for the finalised post-mortem, its signature."""
    base = f"/api/v1/incidents/{closed}"
    body = {"summary": "STI 2 h 30", "root_cause": "Certificat expiré", "impact": "Vols du matin"}
    edited = client.put(base + "/postmortem", json=body, headers=people.manager.auth)
    assert edited.status_code == 200, edited.get_json()
    finalised = client.post(base + "/postmortem/finalise", headers=people.manager.auth)
    assert finalised.status_code == 200, finalised.get_json()
    documents = {
        "incident-fr": f"{base}/report.pdf?lang=fr",
        "incident-en": f"{base}/report.pdf?lang=en",
        "postmortem-fr": f"{base}/postmortem.pdf?lang=fr",
        "fallback-fr": f"{base}/fallback-documents/operator-fallback-filing.pdf?lang=fr",
        "period-en": "/api/v1/reports/period.pdf?from=2026-11-01&to=2026-11-30&lang=en",
    }
    for name, path in documents.items():
        response = client.get(path, headers=people.manager.auth)
        assert response.status_code == 200, name
        text = flat(text_of(response.data))
        if name != "fallback-fr":
            assert any(r in text for r in ("INC-000001", "PM-000001", "PER-20261101")), name
        if name == "postmortem-fr":
            assert "Responsable continuité" in text and "finalisé" in text
        pdf = pictures / f"{name}.pdf"
        pdf.write_bytes(response.data)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(pictures / name)],
            check=True,
        )
        pdf.unlink()
        assert (pictures / f"{name}-1.png").stat().st_size > 5_000, name


def statements_of(app, work):
    """What `work()` answers, and the SQL statements it ran."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    engines = app.extensions["bcp"].engines
    for engine in engines:
        sql_events.listen(engine, "before_cursor_execute", record)
    try:
        return work(), seen
    finally:
        for engine in engines:
            sql_events.remove(engine, "before_cursor_execute", record)


def test_an_unchanged_report_is_served_again_without_loading_its_timeline_or_goods(
    app, client, people, closed
):
    path = f"/api/v1/incidents/{closed}/report.pdf?lang=fr"
    first = client.get(path, headers=people.manager.auth)
    again, statements = statements_of(app, lambda: client.get(path, headers=people.manager.auth))
    assert again.status_code == 200 and again.data == first.data
    loaded = [s for s in statements if "timeline_events.kind" in s or "FROM consignments" in s]
    assert loaded == [] and len(statements) <= 6, statements


def test_what_changes_a_report_renders_it_again(app, client, people, uow, clock, library):
    carrier = people.carrier.actor
    incident_id = declare_incident(
        Context(uow, clock, library, carrier), as_declaration(facts())
    ).incident.id
    path = f"/api/v1/incidents/{incident_id}/report.pdf?lang=fr"
    before = flat(text_of(client.get(path, headers=people.manager.auth).data))
    assert "Relance du transporteur" not in before and "en attente d'envoi" in before
    record_work(Context(uow, clock, library, carrier), incident_id, note="Relance du transporteur")
    noted = flat(text_of(client.get(path, headers=people.manager.auth).data))
    assert "Relance du transporteur" in noted
    with uow:  # the sender delivered the notifications: no event, but the annex says so
        uow.session.execute(
            update(OutboxRow)
            .where(OutboxRow.incident_id == incident_id)
            .values(status="sent", sent_at=clock.now())
        )
        uow.commit()
    sent = flat(text_of(client.get(path, headers=people.manager.auth).data))
    assert "en attente d'envoi" not in sent and "Relance du transporteur" in sent


def test_a_report_in_memory_is_never_served_to_whoever_may_not_export_it(client, people, closed):
    path = f"/api/v1/incidents/{closed}/report.pdf"
    assert client.get(path, headers=people.manager.auth).status_code == 200
    assert client.get(path, headers=people.other_carrier.auth).status_code == 404
    assert client.get(path, headers=people.admin.auth).status_code == 403
