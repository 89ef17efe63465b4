"""Twenty desk agents acknowledge the same incident at the same instant, over HTTP."""

from __future__ import annotations

import threading
from collections import Counter

import httpx
import pytest

from bcp.domain.clock import SystemClock
from bcp.web.app import create_app
from tests.web.servers import recent_outage, threaded_server

AGENTS = 20


@pytest.fixture
def live(settings, people):
    with threaded_server(create_app(settings=settings, clock=SystemClock())) as base:
        yield base


def test_twenty_agents_acknowledging_at_once_make_one_acknowledgement(live, people):
    declared = httpx.post(
        f"{live}/api/v1/incidents", json=recent_outage("STI down"), headers=people.carrier.auth
    )
    incident_id = declared.json()["id"]
    barrier = threading.Barrier(AGENTS)
    answers: list[httpx.Response] = []

    def agent() -> None:
        with httpx.Client(base_url=live, headers=people.desk.auth, timeout=30) as http:
            barrier.wait()
            answers.append(
                http.post(
                    f"/api/v1/incidents/{incident_id}/transitions",
                    json={"action": "acknowledge", "note": "pris en compte"},
                )
            )

    threads = [threading.Thread(target=agent) for _ in range(AGENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert Counter(a.status_code for a in answers) == {200: 1, 409: AGENTS - 1}
    for refused in (a for a in answers if a.status_code == 409):
        assert refused.headers["Content-Type"] == "application/problem+json"
        body = refused.json()
        assert body["status"] == 409
        assert body["detail"] == "not possible now: the incident is acknowledged"
    events = httpx.get(
        f"{live}/api/v1/incidents/{incident_id}/timeline", headers=people.desk.auth
    ).json()["items"]
    assert [e["kind"] for e in events] == ["declared", "procedure_selected", "acknowledged"]
