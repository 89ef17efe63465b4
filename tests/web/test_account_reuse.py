"""Two workers of the same app, each reusing for a moment who a session or an API token stands
for, for reading requests only (docs/security.md): a revoked token, an ended session or a
deactivated account is refused by any change at once, by the worker that took the change at
once, and by the other worker's readings once its reuse has run out."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bcp.domain.actors import Actor, Role
from bcp.services.accounts import list_tokens, revoke_token, set_user_active
from bcp.services.recent import RecentByKey
from bcp.web.app import create_app
from tests.web.conftest import Browser, Ticking

WINDOW = 10.0
ADMIN = Actor(None, "test", Role.ADMIN)


@pytest.fixture
def workers(browser_app, settings, clock):
    """Worker A (the app of the other fixtures) and worker B, on the same database, each
    reusing the accounts it read for ten seconds of its own clock."""
    other = create_app(settings=replace(settings), clock=clock)
    other.config["WTF_CSRF_ENABLED"] = False
    ticks = {}
    for name, app in (("a", browser_app), ("b", other)):
        ticks[name] = Ticking()
        app.extensions["bcp"].actor_cache = RecentByKey(WINDOW, ticks[name])
    yield browser_app, other, ticks
    other.extensions["bcp"].dispose()


def token_id(uow, person) -> int:
    (token,) = list_tokens(uow, person.actor.user_id)
    return token.id


def test_a_revoked_token_reads_on_another_worker_no_longer_than_the_window(
    workers, people, uow, clock
):
    _, b, ticks = workers
    program = b.test_client()
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 200
    revoke_token(uow, clock, None, token_id(uow, people.carrier))  # the command line
    ticks["b"].now += WINDOW - 0.1
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 200
    ticks["b"].now += 0.1
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 401


def test_a_revoked_token_can_change_nothing_at_once(workers, people, uow, clock):
    _, b, _ = workers
    program = b.test_client()
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 200
    revoke_token(uow, clock, None, token_id(uow, people.carrier))
    change = program.put(
        "/api/v1/account/notifications", json={"email": True}, headers=people.carrier.auth
    )
    assert change.status_code == 401
    assert change.get_json()["detail"] == "this token is unknown, revoked or expired"
    # and the refused change made the worker forget the accounts it held
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 401


def test_a_token_revoked_on_a_worker_is_refused_there_at_once(workers, people, uow):
    a, _, _ = workers
    program = a.test_client()
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 200
    owner = Browser(a, people.carrier)
    revoked = owner.post(f"/account/tokens/{token_id(uow, people.carrier)}/revoke")
    assert revoked.status_code == 303
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 401


def test_a_deactivated_persons_session_can_change_nothing_and_reads_no_longer_than_the_window(
    workers, people, uow, clock
):
    _, b, ticks = workers
    carrier = Browser(b, people.carrier)
    carrier.page("/status/")
    set_user_active(uow, clock, ADMIN, people.carrier.actor.user_id, False)
    change = carrier.post("/account/notifications", data={"email": "y"})
    assert change.status_code == 302 and "/sign-in" in change.headers["Location"]
    ticks["b"].now += WINDOW
    reading = carrier.get("/status/")
    assert reading.status_code == 302 and "/sign-in" in reading.headers["Location"]


def test_signing_out_ends_the_persons_other_sessions_at_once_on_the_same_worker(workers, people):
    a, b, ticks = workers
    laptop, phone_on_a, phone_on_b = (Browser(app, people.desk) for app in (a, a, b))
    for browser in (laptop, phone_on_a, phone_on_b):
        browser.page("/desk/")
    assert laptop.post("/sign-out").status_code in (302, 303)
    assert phone_on_a.get("/desk/").status_code == 302
    assert phone_on_b.get("/desk/").status_code == 200  # B read the account a moment ago
    ticks["b"].now += WINDOW
    assert phone_on_b.get("/desk/").status_code == 302


def test_with_no_reuse_every_reading_asks_for_the_account(workers, people, uow, clock):
    _, b, _ = workers
    b.extensions["bcp"].actor_cache = RecentByKey(0.0)
    program = b.test_client()
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 200
    revoke_token(uow, clock, None, token_id(uow, people.carrier))
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 401
