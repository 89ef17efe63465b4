"""PostgreSQL stopped under a running server, then started again.

The test runs a PostgreSQL 15 cluster of its own (whatever database the rest of the suite uses),
so that it may stop it: while the database is down every request gets a clear 503, nothing is
half-saved, and the server serves again by itself once the database is back.
"""

from __future__ import annotations

import httpx
import pytest

from bcp.domain.clock import SystemClock
from bcp.web.app import create_app
from tests.web.servers import (
    recent_outage,
    threaded_server,
)


@pytest.fixture
def database_url(own_cluster) -> str:
    """Overrides the suite's database: the people of the examples live in this cluster."""
    return own_cluster.url


@pytest.fixture
def live(settings, people):
    with threaded_server(create_app(settings=settings, clock=SystemClock())) as base:
        yield base


def test_the_server_answers_503_while_postgresql_is_down_and_recovers_by_itself(
    live, own_cluster, people
):
    http = httpx.Client(base_url=live, headers=people.carrier.auth, timeout=30)
    before = http.post("/api/v1/incidents", json=recent_outage("before the loss"))
    assert before.status_code == 201

    own_cluster.stop()
    try:
        listing = http.get("/api/v1/incidents")
        assert listing.status_code == 503
        assert listing.headers["Content-Type"] == "application/problem+json"
        assert listing.headers["Retry-After"] == "30"
        assert "database cannot be reached" in listing.json()["detail"]
        assert "nothing was saved" in listing.json()["detail"]

        lost = http.post("/api/v1/incidents", json=recent_outage("during the loss"))
        assert lost.status_code == 503

        assert httpx.get(f"{live}/sign-in", timeout=30).status_code == 200
        page = httpx.get(f"{live}/reflexes", timeout=30)
        assert page.status_code == 503
        assert page.headers["Content-Type"].startswith("text/html")
        assert "La base de données est injoignable" in page.text
        english = httpx.get(f"{live}/reflexes", headers={"Accept-Language": "en"}, timeout=30)
        assert "database cannot be reached" in english.text

        health = httpx.get(f"{live}/healthz", timeout=30)
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
    finally:
        own_cluster.start()

    assert httpx.get(f"{live}/healthz", timeout=30).json()["status"] == "ok"
    summaries = [i["summary"] for i in http.get("/api/v1/incidents").json()["items"]]
    assert summaries == ["before the loss"]
    after = http.post("/api/v1/incidents", json=recent_outage("after the loss"))
    assert after.status_code == 201
