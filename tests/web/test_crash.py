"""The server killed with SIGKILL in the middle of a burst of declarations, then restarted.

Every declaration that got a 2xx answer is in the database with its whole timeline and its
notification; one that got no answer is either wholly there or not at all; nothing is half-written.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
import pytest
from sqlalchemy import func, select

from bcp.store.models import IncidentRow, OutboxRow, TimelineEventRow
from tests.web.servers import Gunicorn, recent_outage

DECLARERS = 8


@pytest.fixture
def server(database_url, people, tmp_path):
    gunicorn = Gunicorn(database_url, tmp_path)
    gunicorn.start()
    yield gunicorn
    gunicorn.stop()


def test_a_server_killed_mid_burst_keeps_every_answered_declaration_whole(
    server, people, session_factory
):
    answered: dict[str, int] = {}
    failed: list[str] = []
    stop = threading.Event()
    lock = threading.Lock()

    def declarer(number: int) -> None:
        with httpx.Client(base_url=server.base, headers=people.carrier.auth, timeout=10) as http:
            sent = 0
            while not stop.is_set():
                summary = f"crash {number}-{sent}"
                sent += 1
                try:
                    response = http.post("/api/v1/incidents", json=recent_outage(summary))
                except httpx.TransportError:
                    with lock:
                        failed.append(summary)
                    continue
                with lock:
                    if 200 <= response.status_code < 300:
                        answered[summary] = response.json()["id"]
                    else:
                        failed.append(summary)

    threads = [threading.Thread(target=declarer, args=(n,)) for n in range(DECLARERS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(answered) < 40 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=20)
    assert len(answered) >= 40, server.log()
    assert failed, "requests sent during and after the kill fail"

    with session_factory() as session:
        incidents = {
            row.summary: row
            for row in session.scalars(
                select(IncidentRow).where(IncidentRow.summary.like("crash %"))
            )
        }
        events = Counter(
            dict(
                session.execute(
                    select(TimelineEventRow.incident_id, func.count()).group_by(
                        TimelineEventRow.incident_id
                    )
                ).all()
            )
        )
        declared_notices = set(
            session.scalars(
                select(OutboxRow.incident_id).where(OutboxRow.topic == "incident.declared")
            )
        )

    for summary, incident_id in answered.items():
        assert summary in incidents, f"answered 201 but lost: {summary}"
        assert incidents[summary].id == incident_id
    for summary, row in incidents.items():
        assert events[row.id] == 2, f"{summary}: timeline of {events[row.id]} events"
        assert row.id in declared_notices, f"{summary}: no notification in the outbox"
    unanswered_but_saved = set(incidents) - set(answered)
    assert unanswered_but_saved <= set(failed)

    server.start()
    with httpx.Client(base_url=server.base, headers=people.carrier.auth, timeout=10) as http:
        for summary, incident_id in list(answered.items())[:10]:
            body = http.get(f"/api/v1/incidents/{incident_id}").json()
            assert body["summary"] == summary
            assert [e["kind"] for e in body["timeline"]] == ["declared", "procedure_selected"]
        again = http.post("/api/v1/incidents", json=recent_outage("after restart"))
        assert again.status_code == 201
