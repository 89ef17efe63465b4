"""Helpers for talking to the API as the people of the examples."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.conftest import facts


class Api:
    def __init__(self, client) -> None:
        self.client = client

    def declare(self, person, **overrides: Any):
        return self.client.post("/api/v1/incidents", json=facts(**overrides), headers=person.auth)

    def act(self, person, incident_id: int, action: str, note: str = ""):
        return self.client.post(
            f"/api/v1/incidents/{incident_id}/transitions",
            json={"action": action, "note": note},
            headers=person.auth,
        )

    def get(self, person, path: str):
        return self.client.get(f"/api/v1{path}", headers=person.auth)


@pytest.fixture
def api(client) -> Api:
    return Api(client)
