"""The incident page keeps itself current: it polls the incident's version with its ETag, and
the server answers 304 while nothing changed. Whoever waits for the desk sees how long."""

from __future__ import annotations

from tests.web.test_pages import declare


def test_the_version_changes_with_the_incident_and_a_conditional_request_gets_304(
    as_person, people, clock
):
    operator, desk = as_person(people.carrier), as_person(people.desk)
    incident_id = declare(operator)
    first = operator.get(f"/incidents/{incident_id}/version")
    assert first.status_code == 200 and first.headers["ETag"]
    unchanged = operator.get(
        f"/incidents/{incident_id}/version", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert unchanged.status_code == 304 and unchanged.data == b""
    clock.advance(minutes=3)
    desk.post(f"/incidents/{incident_id}/transition", {"action": "acknowledge"})
    changed = operator.get(
        f"/incidents/{incident_id}/version", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert 'data-live-url="/incidents/' in operator.page(f"/incidents/{incident_id}")


def test_an_incident_is_hidden_from_other_organisations_version_included(as_person, people):
    incident_id = declare(as_person(people.carrier))
    other = as_person(people.other_carrier)
    assert other.get(f"/incidents/{incident_id}/version").status_code == 404
    assert other.get("/incidents/999999/version").status_code == 404


def test_an_operator_sees_its_incident_waiting_past_the_acknowledgement_target(
    as_person, people, clock
):
    operator = as_person(people.carrier)
    incident_id = declare(operator)
    page = operator.page(f"/incidents/{incident_id}")
    assert "Waiting for the desk's acknowledgement" in page
    assert "late-acknowledgement" not in operator.page("/operator/")
    clock.advance(minutes=27)
    page = operator.page(f"/incidents/{incident_id}")
    assert "Not acknowledged by the desk, past its target" in page
    assert 'class="overdue"' in page
    assert f'id="late-acknowledgement-{incident_id}"' in operator.page("/operator/")
