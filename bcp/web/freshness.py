"""Who must read the status board fresh rather than as this process read it a moment ago
(bcp.services.recent): whoever has just changed something, so that nobody misses their own
change whichever worker answers them next. The admins' corrections of the contacts, which
every incident page shows, follow the same rule.

The desk's queue follows it too: its rows, which every agent sees alike, are rendered once per
process for all of them (bcp.web.desk), and read anew after the same changes.

- A page's session that has just sent a change (a form that did not fail) carries the time of
  it for WINDOW_SECONDS; the process that took the change forgets its board at once.
- The API has no session: the desk's programs, which publish notices and read the board back,
  always read it fresh; an operator's program reads it at most a second old, which its
  `Cache-Control` (max-age 10 s) allows already.
- Who the session or the token stands for is reused the same way for reading requests (GET,
  HEAD) only: a change always reads the account fresh, and any change this process takes
  forgets every account it holds (a sign-out, a revoked token, a deactivated user may be among
  them). The other processes notice within `[accounts] actor_reuse_seconds`.
"""

from __future__ import annotations

from typing import TypeVar

from flask import Flask, Response, g, request, session

from bcp.domain.actors import Role
from bcp.services.accounts import ActorReuse
from bcp.services.contacts import Corrections
from bcp.services.notices import Board
from bcp.services.recent import Recent, RecentByKey
from bcp.web.runtime import QueueReuse, runtime

R = TypeVar("R", bound=Recent | RecentByKey)

SESSION_KEY = "_changed_at"
CHANGES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
READINGS = frozenset({"GET", "HEAD"})
UNSHARED = frozenset({"auth"})
"""Blueprints whose forms change nothing another person sees (signing in, the language)."""


def board_reuse() -> Recent[Board] | None:
    """The process's recent board for this request, or None when it must read a fresh one."""
    return _reuse(runtime().board_cache)


def contacts_reuse() -> Recent[Corrections] | None:
    """The admins' corrections of the contacts as the process read them a moment ago, or None
    when this request must read them: the same rule as the board's."""
    return _reuse(runtime().contacts_cache)


def _reuse(recent: R) -> R | None:
    if recent.seconds <= 0:
        return None
    if request.path.startswith("/api/"):
        actor = g.get("actor")
        return None if actor is None or actor.role is Role.DESK else recent
    changed_at = session.get(SESSION_KEY)
    if isinstance(changed_at, int | float) and 0 <= _now() - changed_at < _window(recent):
        return None
    return recent


def queue_reuse() -> QueueReuse | None:
    """The process's recent rows of the desk's queue, or None when this request must read them:
    the same rule as the board's."""
    return _reuse(runtime().queue_cache)


def actor_reuse() -> ActorReuse | None:
    """The process's recent accounts for this request, or None when it must read the account:
    any request but a reading one."""
    recent = runtime().actor_cache
    return recent if recent.seconds > 0 and request.method in READINGS else None


def _now() -> float:
    return runtime().clock.now().timestamp()


def _window(recent: Recent | RecentByKey) -> float:
    """Long enough for every other process's board to have been read after the change."""
    return recent.seconds + 1.0


def _after_change(response: Response) -> Response:
    if request.method in CHANGES:
        runtime().actor_cache.forget()
    if (
        request.method in CHANGES
        and response.status_code < 400
        and request.blueprint not in UNSHARED
    ):
        runtime().board_cache.forget()
        runtime().contacts_cache.forget()
        runtime().queue_cache.forget()
        if not request.path.startswith("/api/") and runtime().board_cache.seconds > 0:
            session[SESSION_KEY] = round(_now(), 1)
    return response


def init(app: Flask) -> None:
    app.after_request(_after_change)
