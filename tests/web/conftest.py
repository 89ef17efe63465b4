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


PASSWORD = "Secret!2026"


class Ticking:
    """A worker's clock for what it keeps a while (the board, the accounts), moved by the test."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Browser:
    """The test client as a person uses it: signed in, sending forms."""

    def __init__(self, app, person=None, lang: str = "en") -> None:
        self.client = app.test_client()
        self.lang = lang
        if person is not None:
            self.sign_in(person.login)

    def sign_in(self, login: str, password: str = PASSWORD):
        return self.client.post(
            "/sign-in", data={"login": login, "password": password}, headers=self._headers()
        )

    def get(self, path: str, headers: dict[str, str] | None = None, **kwargs):
        return self.client.get(path, headers={**self._headers(), **(headers or {})}, **kwargs)

    def post(self, path: str, data=None, **kwargs):
        return self.client.post(path, data=data or {}, headers=self._headers(), **kwargs)

    def page(self, path: str) -> str:
        response = self.get(path)
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def _headers(self) -> dict[str, str]:
        return {"Accept-Language": self.lang}


@pytest.fixture
def browser_app(app, people, uow, clock):
    """The app with forms accepted without CSRF tokens (one test checks them), and passwords."""
    from bcp.domain.actors import Actor, Role
    from bcp.services.accounts import list_users, set_password

    app.config["WTF_CSRF_ENABLED"] = False
    admin = Actor(None, "test", Role.ADMIN)
    for user in list_users(uow):
        set_password(uow, clock, admin, user.id, PASSWORD)
    return app


@pytest.fixture
def as_person(browser_app):
    def make(person, lang: str = "en") -> Browser:
        return Browser(browser_app, person, lang)

    return make
