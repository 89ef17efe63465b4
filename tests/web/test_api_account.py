"""/api/v1/account, /drafts, /certificates: each person's own notifications, drafts and
certificates."""

from __future__ import annotations

from datetime import timedelta

from bcp.services.drafts import propose
from tests.conftest import T0


def test_one_chooses_the_notifications_one_receives(client, people):
    auth = people.carrier.auth
    every = client.get("/api/v1/account/notifications", headers=auth).get_json()["topics"]
    assert all(t["chosen"] for t in every)  # all of them until one chooses
    chosen = client.put(
        "/api/v1/account/notifications",
        json={"topics": ["incident.declared", "incident.recovered"]},
        headers=auth,
    ).get_json()["topics"]
    assert {t["topic"] for t in chosen if t["chosen"]} == {
        "incident.declared",
        "incident.recovered",
    }
    refused = client.put(
        "/api/v1/account/notifications", json={"topics": ["incident.lunch"]}, headers=auth
    )
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["field"] == "topics"


def test_a_draft_is_listed_to_its_organisation_then_closed_once(client, people, uow, clock):
    with uow:
        draft = propose(
            uow,
            kind="incident",
            organisation_id=people.carrier.actor.organisation_id,
            component="UUMDS",
            side="operator",
            summary="Certificate expires tomorrow",
            detail="",
            started_at=T0 - timedelta(minutes=5),
            source="certificate watch",
            now=T0,
        )
        uow.commit()
        draft_id = draft.id
    mine = client.get("/api/v1/drafts", headers=people.carrier.auth).get_json()["items"]
    assert [d["id"] for d in mine] == [draft_id]
    assert client.get("/api/v1/drafts", headers=people.other_carrier.auth).get_json() == {
        "items": []
    }
    path = f"/api/v1/drafts/{draft_id}/closure"
    other = client.post(path, json={"status": "dismissed"}, headers=people.other_carrier.auth)
    assert other.status_code == 404
    closed = client.post(path, json={"status": "dismissed"}, headers=people.carrier.auth)
    assert closed.get_json()["status"] == "dismissed"
    assert (
        client.post(path, json={"status": "accepted"}, headers=people.carrier.auth).status_code
        == 404
    )


def test_an_operator_records_its_own_certificates(client, people):
    auth = people.carrier.auth
    created = client.post(
        "/api/v1/certificates",
        json={
            "label": "UUM&DS",
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-15",
            "process": 1,
        },
        headers=auth,
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["organisation_id"] == people.carrier.actor.organisation_id
    assert len(client.get("/api/v1/certificates", headers=auth).get_json()["items"]) == 1
    assert client.get("/api/v1/certificates", headers=people.other_carrier.auth).get_json() == {
        "items": []
    }
    bad = client.post(
        "/api/v1/certificates",
        json={"label": "x", "valid_from": "soon", "valid_until": "2026-12-15", "process": 3},
        headers=auth,
    )
    assert {e["field"] for e in bad.get_json()["errors"]} == {"valid_from", "process"}
