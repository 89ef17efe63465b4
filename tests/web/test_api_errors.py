"""Bad input gets a clear problem+json and a 4xx, never a 500, and leaves nothing half-written."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bcp.store.models import IncidentRow, OutboxRow, TimelineEventRow
from tests.conftest import T0


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"].startswith("/problems/")
    return body


def nothing_written(app) -> bool:
    with app.extensions["bcp"].session_factory() as session:
        return all(
            session.scalar(select(func.count()).select_from(m)) == 0
            for m in (IncidentRow, TimelineEventRow, OutboxRow)
        )


def test_no_token(client, people):
    response = client.get("/api/v1/incidents")
    assert problem(response, 401)["type"] == "/problems/unauthenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token(client, people):
    response = client.get("/api/v1/incidents", headers={"Authorization": "Bearer nope"})
    assert "unknown" in problem(response, 401)["detail"]


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"component": "FAX"}, "component", "unknown value 'FAX'"),
        ({"started_at": (T0 + timedelta(hours=3)).isoformat()}, "started_at", "future"),
        ({"summary": None}, "summary", "required"),
        ({"ens_waiting": "many"}, "ens_waiting", "whole number"),
        ({"modes": ["boat"]}, "modes", "unknown value"),
    ],
)
def test_invalid_declarations(api, app, people, overrides, field, words):
    body = problem(api.declare(people.carrier, **overrides), 422)
    assert any(e["field"] == field and words in e["message"] for e in body["errors"])
    assert nothing_written(app)


def test_an_operator_cannot_declare_for_everyone(api, app, people):
    assert "desk" in problem(api.declare(people.carrier, scope="eu"), 403)["detail"]
    assert nothing_written(app)


def test_not_json(client, app, people):
    response = client.post(
        "/api/v1/incidents",
        data="component=STI",
        headers=people.carrier.auth,
        content_type="application/x-www-form-urlencoded",
    )
    assert "JSON" in problem(response, 415)["detail"]
    response = client.post(
        "/api/v1/incidents",
        data="{not json",
        headers=people.carrier.auth,
        content_type="application/json",
    )
    assert "not valid JSON" in problem(response, 400)["detail"]
    response = client.post("/api/v1/incidents", json=["STI"], headers=people.carrier.auth)
    problem(response, 422)
    response = client.post(
        "/api/v1/incidents", data="", headers=people.carrier.auth, content_type="application/json"
    )
    problem(response, 422)
    assert nothing_written(app)


def test_oversized_body(client, app, people):
    body = json.dumps({"summary": "x", "description": "y" * 70_000})
    response = client.post(
        "/api/v1/incidents",
        data=body,
        headers=people.carrier.auth,
        content_type="application/json",
    )
    problem(response, 413)
    assert nothing_written(app)


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        ({"action": "reboot"}, 422, "unknown value"),
        ({"action": 3}, 422, "unknown value"),
        ({"action": ["acknowledge"]}, 422, "unknown value"),
        ({}, 422, "required"),
        ({"action": "acknowledge", "note": 5}, 422, "string"),
        ({"action": "acknowledge", "colour": "red"}, 422, "unknown field"),
        ({"action": "close"}, 409, "the incident is declared and not acknowledged"),
        ({"action": "acknowledge", "note": "n" * 6000}, 422, "at most"),
    ],
)
def test_bad_transitions(api, client, people, payload, status, words):
    incident_id = api.declare(people.carrier).get_json()["id"]
    response = client.post(
        f"/api/v1/incidents/{incident_id}/transitions", json=payload, headers=people.desk.auth
    )
    assert words in json.dumps(problem(response, status))
    timeline = api.get(people.desk, f"/incidents/{incident_id}/timeline").get_json()["items"]
    assert [e["kind"] for e in timeline] == ["declared", "procedure_selected"]


def test_the_second_acknowledgement_is_told_what_happened(api, people):
    incident_id = api.declare(people.carrier).get_json()["id"]
    assert api.act(people.desk, incident_id, "acknowledge").status_code == 200
    body = problem(api.act(people.desk, incident_id, "acknowledge"), 409)
    assert body["detail"] == "not possible now: the incident is acknowledged"


def test_unknown_incident_route_and_method(api, client, people):
    problem(api.get(people.desk, "/incidents/999999"), 404)
    problem(api.get(people.desk, "/nothing-here"), 404)
    response = client.delete("/api/v1/incidents", headers=people.desk.auth)
    problem(response, 405)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    "query",
    [
        "?status=broken",
        "?component=FAX",
        "?since=yesterday",
        "?since=2026-11-22T08:00",
        "?limit=0",
        "?limit=abc",
        "?limit=100000",
        "?offset=-1",
    ],
)
def test_bad_filters(api, people, query):
    problem(api.get(people.desk, f"/incidents{query}"), 422)


def test_html_pages_get_an_html_error(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
