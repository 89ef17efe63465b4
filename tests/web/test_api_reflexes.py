"""The reflex sheet through the API: the table, dry runs, steps, reclassification, references."""

from __future__ import annotations

from sqlalchemy import func, select

from bcp.store.models import IncidentRow
from tests.domain.conftest import facts


def test_the_active_table(api, people):
    body = api.get(people.other_carrier, "/reflexes").get_json()
    assert body["version"] == "fr-2026-12"
    assert {r["id"] for r in body["rules"]} >= {"administration-unplanned", "operator-system"}
    assert body["contacts"]["cid-sau"]["email"] == "cid-sau@douane.finances.gouv.fr"
    step = body["procedures"]["operator-outage"]["steps"][1]
    assert (step["id"], step["blocks"]) == ("operator-contact-sau", ["activate_fallback"])


def test_a_dry_run_creates_nothing(api, app, client, people):
    response = client.post(
        "/api/v1/reflexes/evaluate",
        json=facts(component="EO_SYSTEM", modes=["air", "express"]),
        headers=people.carrier.auth,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["procedure"]["id"] == "operator-outage"
    assert body["rule"]["id"] == "operator-system"
    assert body["why"][0].startswith("rule operator-system")
    held = {c["rule"]: c["matched"] for c in body["checks"]}
    assert held["operator-system"] and not held["administration-unplanned"]
    assert body["steps"][0]["due_at"] == "2026-11-22T08:00:00Z"
    with app.extensions["bcp"].session_factory() as session:
        assert session.scalar(select(func.count()).select_from(IncidentRow)) == 0


def test_a_dry_run_refuses_what_a_declaration_refuses(client, people):
    response = client.post(
        "/api/v1/reflexes/evaluate", json=facts(scope="eu"), headers=people.carrier.auth
    )
    assert response.status_code == 403
    response = client.post(
        "/api/v1/reflexes/evaluate", json=facts(component="X"), headers=people.desk.auth
    )
    assert response.status_code == 422


def test_steps_reclassification_and_references(api, client, people):
    incident_id = api.declare(people.carrier, component="EO_SYSTEM").get_json()["id"]
    base = f"/api/v1/incidents/{incident_id}"
    response = client.post(
        base + "/steps/operator-diagnose", json={"status": "skipped"}, headers=people.carrier.auth
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "note"
    response = client.post(
        base + "/steps/desk-decide", json={"status": "done"}, headers=people.carrier.auth
    )
    assert response.status_code == 403
    response = client.post(
        base + "/steps/nope", json={"status": "done"}, headers=people.carrier.auth
    )
    assert response.status_code == 404
    response = client.post(
        base + "/steps/operator-contact-sau",
        json={"status": "done", "reference": "SAU-4411"},
        headers=people.carrier.auth,
    )
    assert response.status_code == 200
    api.act(people.desk, incident_id, "acknowledge")
    assert api.act(people.desk, incident_id, "activate_fallback").status_code == 200
    # the authorisation issued the first reference; the operator asks for the next ones
    timeline = api.get(people.carrier, f"/incidents/{incident_id}/timeline").get_json()["items"]
    issued = [e for e in timeline if e["kind"] == "fallback_reference_issued"]
    assert [e["changes"]["reference"] for e in issued] == ["PS-2026-FR81234567800013-0001"]
    response = client.post(base + "/fallback-references", headers=people.carrier.auth)
    assert response.status_code == 201
    assert response.get_json()["reference"] == "PS-2026-FR81234567800013-0002"
    response = client.post(
        base + "/reclassify",
        json={"component": "UUMDS", "side": "operator"},
        headers=people.desk.auth,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["procedure"]["id"] == "certificate-problem"
    contact_sau = next(s for s in body["steps"] if s["id"] == "operator-contact-sau")
    assert (contact_sau["status"], contact_sau["reference"]) == ("done", "SAU-4411")
    response = client.post(base + "/reclassify", json={"scope": "eu"}, headers=people.desk.auth)
    assert response.status_code == 422
