"""Two workers of the same app, each keeping who a session or an API token stands for until an
account changes, which each counts at most once a window, for reading requests only
(docs/security.md): a revoked token, an ended session or a deactivated account is refused by any
change at once, by the worker that took the change at once, and by the other worker's readings
once it has counted the change, within the window."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import event

from bcp.domain.actors import Actor, Role
from bcp.services.accounts import list_tokens, revoke_token, set_user_active
from bcp.services.recent import KeptUntilChanged
from bcp.web.app import create_app
from tests.web.conftest import Browser, Ticking

WINDOW = 10.0
KEEP = 300.0
ADMIN = Actor(None, "test", Role.ADMIN)


@pytest.fixture
def workers(browser_app, settings, clock):
    """Worker A (the app of the other fixtures) and worker B, on the same database, each
    counting the accounts' changes every ten seconds of its own clock."""
    other = create_app(settings=replace(settings), clock=clock)
    other.config["WTF_CSRF_ENABLED"] = False
    ticks = {}
    for name, app in (("a", browser_app), ("b", other)):
        ticks[name] = Ticking()
        app.extensions["bcp"].actor_cache = KeptUntilChanged(WINDOW, ticks[name], KEEP)
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
    b.extensions["bcp"].actor_cache = KeptUntilChanged(0.0)
    program = b.test_client()
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 200
    revoke_token(uow, clock, None, token_id(uow, people.carrier))
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 401


def test_a_token_is_read_once_while_no_account_changes_then_after_any_change(
    workers, people, uow, clock
):
    """A thousand pollers, each with its own token, cost each worker one statement a window,
    not one a request; a change to anyone's account has every token read again."""
    _, b, ticks = workers
    statements = counted(b)
    program = b.test_client()
    for _ in range(6):  # a minute of polling, every ten seconds
        assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 200
        ticks["b"].now += WINDOW
    assert statements.count("token") == 1 and statements.count("changes") == 6
    revoke_token(uow, clock, None, token_id(uow, people.forwarder))  # someone else's
    assert program.get("/api/v1/status", headers=people.carrier.auth).status_code == 200
    assert statements.count("token") == 2


def counted(app) -> list[str]:
    """What the app's statements read: "token", "changes" or "other"."""
    said: list[str] = []

    def note(_conn, _cursor, statement, *_):
        if "api_tokens.token_sha256" in statement:
            said.append("token")
        elif "account_changes" in statement:
            said.append("changes")
        else:
            said.append("other")

    for engine in app.extensions["bcp"].engines:
        event.listen(engine, "before_cursor_execute", note)
    return said
