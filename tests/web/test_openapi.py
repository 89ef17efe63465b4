"""The OpenAPI document tells the truth: every route is in it, nothing else is, and real
responses match the schemas it declares for their status."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from bcp.web.api import spec
from tests.domain.conftest import facts


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_valid_openapi(document):
    validate(document)


def test_the_document_and_the_routes_agree(app, document):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert routes == documented


def conforms(document, path: str, method: str, response) -> None:
    operation = document["paths"][path][method]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path} answered undocumented {status}"
    content = operation["responses"][status].get("content")
    if not content:
        return
    [(media_type, spec)] = content.items()
    assert response.mimetype == media_type
    if not media_type.endswith("json"):
        return
    schema = {**spec["schema"], "components": document["components"]}
    Draft202012Validator(schema).validate(response.get_json())


def test_real_responses_match_their_schemas(client, document, people):
    auth = people.carrier.auth
    desk = people.desk.auth
    created = client.post("/api/v1/incidents", json=facts(), headers=auth)
    conforms(document, "/incidents", "post", created)
    incident_id = created.get_json()["id"]
    base = f"/api/v1/incidents/{incident_id}"
    conforms(
        document, "/incidents", "post", client.post("/api/v1/incidents", json={}, headers=auth)
    )
    conforms(document, "/incidents", "get", client.get("/api/v1/incidents", headers=auth))
    conforms(document, "/incidents", "get", client.get("/api/v1/incidents"))
    conforms(document, "/incidents", "get", client.get("/api/v1/incidents?status=x", headers=auth))
    conforms(document, "/incidents/{incident_id}", "get", client.get(base, headers=auth))
    conforms(document, "/incidents/{incident_id}", "get", client.get(base + "0", headers=auth))
    conforms(
        document,
        "/incidents/{incident_id}/timeline",
        "get",
        client.get(base + "/timeline", headers=auth),
    )
    transitions = "/incidents/{incident_id}/transitions"
    for payload, headers in [
        ({"action": "acknowledge"}, desk),
        ({"action": "acknowledge"}, desk),
        ({"action": "close"}, auth),
        ({"action": "nope"}, desk),
        ({"action": "refuse_fallback"}, desk),
        ({"action": "refuse_fallback", "note": "pas justifié"}, desk),
    ]:
        conforms(
            document,
            transitions,
            "post",
            client.post(base + "/transitions", json=payload, headers=headers),
        )


def test_reflex_responses_match_their_schemas(client, document, people):
    auth, desk = people.carrier.auth, people.desk.auth
    conforms(document, "/reflexes", "get", client.get("/api/v1/reflexes", headers=auth))
    evaluate = "/api/v1/reflexes/evaluate"
    conforms(
        document, "/reflexes/evaluate", "post", client.post(evaluate, json=facts(), headers=auth)
    )
    conforms(document, "/reflexes/evaluate", "post", client.post(evaluate, json={}, headers=auth))
    incident_id = client.post("/api/v1/incidents", json=facts(), headers=auth).get_json()["id"]
    base = f"/api/v1/incidents/{incident_id}"
    steps = "/incidents/{incident_id}/steps/{step_id}"
    for step, payload, headers in [
        ("operator-hold", {"status": "done"}, auth),
        ("operator-hold", {"status": "done"}, auth),
        ("desk-authorise", {"status": "done"}, auth),
        ("nope", {"status": "done"}, auth),
        ("operator-relodge", {"status": "skipped"}, auth),
    ]:
        conforms(
            document,
            steps,
            "post",
            client.post(f"{base}/steps/{step}", json=payload, headers=headers),
        )
    refs = "/incidents/{incident_id}/fallback-references"
    conforms(document, refs, "post", client.post(base + "/fallback-references", headers=auth))
    client.post(base + "/transitions", json={"action": "acknowledge"}, headers=desk)
    client.post(base + "/transitions", json={"action": "activate_fallback"}, headers=desk)
    conforms(document, refs, "post", client.post(base + "/fallback-references", headers=auth))
    conforms(
        document,
        refs,
        "post",
        client.post(base + "/fallback-references", headers=people.manager.auth),
    )
    reclassify = "/incidents/{incident_id}/reclassify"
    for payload, headers in [
        ({"component": "CR"}, desk),
        ({"component": "CR"}, auth),
        ({"component": "XX"}, desk),
    ]:
        conforms(
            document,
            reclassify,
            "post",
            client.post(base + "/reclassify", json=payload, headers=headers),
        )


def test_a_route_without_its_operation_cannot_be_documented():
    """A route of /api/v1 must say its models: the document refuses one that does not, by name,
    and so this file's tests fail for it."""
    app = Flask(__name__)

    @app.get("/api/v1/undocumented")
    def undocumented():
        return {}

    with pytest.raises(LookupError, match="undocumented"):
        spec.document(app)


def test_every_body_and_query_is_a_closed_typed_model(app):
    """No operation reads a body or query its model does not describe: unknown fields are
    refused (additionalProperties false), and the document names every one."""
    for path, method, endpoint, operation in spec.operations(app):
        for model in (operation.body, operation.query):
            if model is not None:
                assert model.model_config.get("extra") == "forbid", (endpoint, model)
        if method in ("post", "put") and operation.body is None:
            assert path.endswith(("/fallback-references", "/finalise", "/rotation", "/retry")), (
                endpoint
            )


def test_problems_speak_the_requests_language(client, people):
    body = {"component": "STI", "summary": "x"}
    english = client.post("/api/v1/incidents", json=body, headers=people.carrier.auth)
    french = client.post(
        "/api/v1/incidents",
        json=body,
        headers={**people.carrier.auth, "Accept-Language": "fr-FR,fr;q=0.9"},
    )
    assert english.status_code == french.status_code == 422
    en, fr = english.get_json(), french.get_json()
    assert en["title"] == "The request has invalid values"
    assert fr["title"] == "La requête contient des valeurs invalides"
    assert {"field": "modes", "message": "required"} in en["errors"]
    assert {"field": "modes", "message": "obligatoire"} in fr["errors"]
    assert [e["field"] for e in en["errors"]] == [e["field"] for e in fr["errors"]]


def test_every_kind_of_problem_speaks_french_when_asked(client, people):
    french = {"Accept-Language": "fr"}
    anonymous = client.get("/api/v1/incidents", headers=french).get_json()
    assert anonymous["title"] == "Authentification requise"
    assert anonymous["detail"] == "envoyez l’en-tête Authorization: Bearer, suivi de votre jeton"
    forbidden = client.post(
        "/api/v1/notices", json={}, headers={**people.carrier.auth, **french}
    ).get_json()
    assert forbidden["title"] == "Votre rôle ne permet pas de faire cela"
    not_json = client.post(
        "/api/v1/incidents",
        data="component=STI",
        headers={**people.carrier.auth, **french, "Content-Type": "text/plain"},
    ).get_json()
    assert not_json["title"] == "Type de contenu non pris en charge"
    assert "Content-Type: application/json" in not_json["detail"]
