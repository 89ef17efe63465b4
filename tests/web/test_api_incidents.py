"""The JSON API as its clients use it: declare, list, read, move through the lifecycle."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import T0


def test_an_operator_declares_and_gets_the_incident_with_its_timeline(api, people):
    response = api.declare(people.carrier)
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/incidents/{body['id']}"
    assert body["state"] == "declared"
    assert body["component"] == "STI"
    assert body["organisation"]["eori"] == "FR81234567800013"
    assert body["organisation"]["siret"] == "81234567800013"
    assert body["started_at"] == "2026-11-22T07:10:00Z"
    assert body["declared_at"] == "2026-11-22T07:30:00Z"
    assert body["modes"] == ["air"] and body["channel"] == "EDI"
    assert body["ens_operations"] == ["lodge", "amend"] and body["ens_waiting"] == 12
    assert [e["kind"] for e in body["timeline"]] == ["declared", "procedure_selected"]
    assert body["timeline"][0]["actor"]["role"] == "operator"
    assert body["procedure"]["id"] == "administration-outage"
    assert body["procedure"]["rule"] == "administration-unplanned"
    assert body["procedure"]["table_version"] == "fr-2026-12"
    assert body["procedure"]["why"][0].startswith("rule administration-unplanned")
    assert body["steps"][0]["id"] == "desk-announce"
    assert body["steps"][0]["due_at"] == "2026-11-22T07:45:00Z"
    assert body["steps"][0]["status"] == "pending"
    assert body["allowed_actions"] == ["recover", "cancel"]
    assert body["durations"]["total_outage"] == 20 * 60


def test_the_whole_lifecycle_through_the_api(api, people, clock):
    incident_id = api.declare(people.carrier).get_json()["id"]
    clock.advance(minutes=6)
    assert api.act(people.desk, incident_id, "acknowledge").get_json()["state"] == "acknowledged"
    clock.advance(minutes=4)
    body = api.act(people.desk, incident_id, "activate_fallback", "PS autorisée").get_json()
    assert body["state"] == "fallback_active"
    clock.advance(hours=2)
    assert api.act(people.carrier, incident_id, "recover").get_json()["state"] == "recovered"
    clock.advance(minutes=50)
    response = api.act(people.desk, incident_id, "close")
    assert response.status_code == 409
    assert response.get_json()["detail"] == (
        "first settle this step of the procedure (done, or skipped with a reason): "
        "Check ICS2's responses and re-lodge"
    )
    response = api.client.post(
        f"/api/v1/incidents/{incident_id}/steps/operator-relodge",
        json={"status": "done", "note": "12 ENS re-déposées", "reference": "PS-2026-1"},
        headers=people.carrier.auth,
    )
    assert response.status_code == 200
    relodge = next(s for s in response.get_json()["steps"] if s["id"] == "operator-relodge")
    assert (relodge["status"], relodge["reference"]) == ("done", "PS-2026-1")
    clock.advance(minutes=10)
    body = api.act(people.desk, incident_id, "close", "ENS re-déposées").get_json()
    assert body["state"] == "closed"
    assert body["durations"] == {
        "time_to_acknowledge": 6 * 60,
        "time_in_fallback": 2 * 3600,
        "total_outage": (20 + 6 + 4 + 120) * 60,
        "time_to_close": (6 + 4 + 120 + 60) * 60,
    }
    timeline = api.get(people.manager, f"/incidents/{incident_id}/timeline").get_json()["items"]
    assert [(e["kind"], e["state_before"], e["state_after"]) for e in timeline] == [
        ("declared", None, "declared"),
        ("procedure_selected", "declared", "declared"),
        ("acknowledged", "declared", "acknowledged"),
        ("fallback_activated", "acknowledged", "fallback_active"),
        # the authorisation issues the first fallback reference, which the message names
        ("fallback_reference_issued", "fallback_active", "fallback_active"),
        ("recovered", "fallback_active", "recovered"),
        ("step_done", "recovered", "recovered"),
        ("closed", "recovered", "closed"),
    ]
    assert timeline[3]["note"] == "PS autorisée"


def test_an_outage_for_everyone_is_published_as_a_notice_not_declared(api, people):
    """The administration's outage is one object, its notice: the incidents API refuses an
    outage for everyone and says where it goes."""
    response = api.declare(
        people.desk, scope="eu", summary="STI indisponible depuis 08:10", modes=["air", "postal"]
    )
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["errors"][0]["field"] == "scope"
    assert "POST /api/v1/notices" in problem["errors"][0]["message"]
    assert api.get(people.other_carrier, "/incidents").get_json()["items"] == []


def test_the_desk_declares_for_a_named_operator(api, people):
    response = api.declare(people.desk, organisation="fr81234567800013")
    assert response.status_code == 201
    assert response.get_json()["organisation"]["eori"] == "FR81234567800013"
    assert len(api.get(people.carrier, "/incidents").get_json()["items"]) == 1


def test_another_organisations_incident_is_not_found(api, people):
    incident_id = api.declare(people.carrier).get_json()["id"]
    for path in (f"/incidents/{incident_id}", f"/incidents/{incident_id}/timeline"):
        response = api.get(people.other_carrier, path)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
    response = api.act(people.other_carrier, incident_id, "cancel", "not mine")
    assert response.status_code == 404
    assert api.get(people.other_carrier, "/incidents").get_json()["items"] == []


def test_list_filters(api, people, clock):
    first = api.declare(people.carrier).get_json()["id"]
    clock.advance(hours=2)
    second = api.declare(people.other_carrier, component="CR").get_json()["id"]
    api.act(people.desk, second, "acknowledge")

    def ids(query: str) -> list[int]:
        response = api.get(people.desk, f"/incidents{query}")
        assert response.status_code == 200, response.get_json()
        return [i["id"] for i in response.get_json()["items"]]

    assert ids("") == [second, first]
    assert ids("?status=acknowledged") == [second]
    assert ids("?status=declared,acknowledged") == [second, first]
    assert ids("?component=cr") == [second]
    assert ids("?org=FR81234567800013") == [first]
    assert ids("?org=FR00000000000000") == []
    since = (T0 + timedelta(hours=1)).isoformat()
    assert ids(f"?since={since}") == [second]  # the unencoded '+' arrives as a space
    assert ids("?limit=1") == [second]
    assert ids("?limit=1&offset=1") == [first]


def test_a_manager_reads_but_does_not_act(api, people):
    incident_id = api.declare(people.carrier).get_json()["id"]
    assert api.get(people.manager, f"/incidents/{incident_id}").status_code == 200
    response = api.act(people.manager, incident_id, "acknowledge")
    assert response.status_code == 403
    assert response.get_json()["detail"] == "only the customs desk does this"
    assert api.declare(people.manager).status_code == 403
