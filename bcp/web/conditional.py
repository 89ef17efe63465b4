"""Answers that every operator of the country polls while ICS2 is down (the status board, its
API, a notice's page): each carries an ETag made of what it shows, and a request that already
holds it is answered 304 Not Modified without rendering anything (RFC 9110, 13.1.2).

What an answer is made of: the data shown, the reader's language and who reads it (the page
names them), bcp's version (its templates), and the minute (pages and JSON say "as of HH:MM", and
a fallback window opens or ends by the clock). A pending flash message is never skipped: its
page is always rendered, as is a form's kept refusal (bcp.web.refusals).

`Cache-Control: private` with a short max-age and stale-while-revalidate lets an operator's
browser or program reuse an answer a few seconds and revalidate behind it; no shared cache keeps
one (they are for signed-in people). The desk, who changes notices and comes back to them at
once, gets `no-cache`: its browser asks every time, and is answered 304 while nothing changed."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from flask import Response, make_response, request, session
from flask_babel import get_locale

from bcp.domain.actors import Actor, Role
from bcp.web import refusals

MAX_AGE_SECONDS = 10
STALE_SECONDS = 30
CACHE_CONTROL = f"private, max-age={MAX_AGE_SECONDS}, stale-while-revalidate={STALE_SECONDS}"
FOR_THE_DESK = "private, no-cache"

try:
    _RELEASE = version("bcp")
except PackageNotFoundError:  # run from a checkout without installing it
    _RELEASE = "checkout"


def fingerprint(now: datetime, reader: object, *shown: object) -> str:
    """The ETag of an answer showing `shown` to `reader` at `now` (to the minute). The parts'
    repr is their content: bcp's records are dataclasses and enums."""
    parts = [_digests.of(part) for part in shown]
    made_of = (_RELEASE, str(get_locale()), reader, now.replace(second=0, microsecond=0), parts)
    return hashlib.sha256(repr(made_of).encode()).hexdigest()[:32]


class _Digests:
    """The digests of the last values fingerprinted, by identity. The board a process reuses for
    a second (bcp.services.recent) is the same object for every request meanwhile, and its repr
    was most of the time of a poller's 304. Each value is held while its digest is kept, so no
    other object can take its identity meanwhile; the values shared between requests are never
    changed (bcp.services.recent)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._kept: OrderedDict[int, tuple[object, str]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, value: object) -> str:
        with self._lock:
            kept = self._kept.get(id(value))
            if kept is not None and kept[0] is value:
                self._kept.move_to_end(id(value))
                return kept[1]
        digest = hashlib.sha256(repr(value).encode()).hexdigest()
        with self._lock:
            self._kept[id(value)] = (value, digest)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return digest


_digests = _Digests()


def unchanged(etag: str, reader: Actor) -> Response | None:
    """A 304 for a request that holds `etag` already; None when the answer must be made."""
    if message_pending() or not request.if_none_match.contains(etag):
        return None
    return _headed(Response(status=304), etag, reader)


def message_pending() -> bool:
    """A flash or a form's refusal waits to be shown: the page must be rendered."""
    return any(session.get(key) for key in ("_flashes", refusals.SESSION_KEY))


def cacheable(answer, etag: str, reader: Actor) -> Response:
    """The answer made, with its ETag and cache headers."""
    return _headed(make_response(answer), etag, reader)


def _headed(response: Response, etag: str, reader: Actor) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = FOR_THE_DESK if reader.role is Role.DESK else CACHE_CONTROL
    response.vary.update(("Cookie", "Authorization", "Accept-Language"))
    return response
