"""Idempotency-Key on the API's POSTs: a client that lost the answer sends the same request
again with the same key, and gets the first answer instead of a second declaration.

The key is reserved (one row per person and key) before the request is served, and the answer
kept after it; a second request with the key and another body is refused (422), and one that
comes while the first is still being served is told to wait (409). Answers of 5xx are not kept:
the request may be tried again. Keys are forgotten after `[api] idempotency_hours`.

A reservation still without its answer after ABANDONED (the process serving it died) is taken
over by the next request with the key, rather than refusing the key for a day; a request whose
work was committed just before such a death could then be done twice, which is no worse than
without the header."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bcp.domain.clock import Clock
from bcp.services.unit_of_work import UnitOfWork
from bcp.store import idempotency as store
from bcp.store.models import IdempotencyRow

ABANDONED = timedelta(minutes=2)


@dataclass(frozen=True)
class Replay:
    status: int
    content_type: str
    location: str | None
    body: bytes


@dataclass(frozen=True)
class Reserved:
    id: int


class KeyReused(Exception):
    """The key came with another request (422)."""


class StillServing(Exception):
    """The first request with this key has not been answered yet (409)."""


def begin(
    uow: UnitOfWork, clock: Clock, user_id: int, key: str, fingerprint: str, keep: timedelta
) -> Replay | Reserved:
    now = clock.now()
    with uow:
        row = store.find(uow.session, user_id, key)
        if row is not None and row.created_at < now - keep:
            uow.session.delete(row)
            uow.session.flush()
            row = None
        if row is None:
            row = store.reserve(uow.session, user_id, key, fingerprint, now)
            if row is None:  # the same key, at the same moment, from another request
                raise StillServing()
            reserved = Reserved(row.id)
            uow.commit()
            return reserved
        if row.request != fingerprint:
            raise KeyReused()
        if row.status is None and row.created_at < now - ABANDONED:
            row.created_at = now  # the first one's process died: serve this one
            reserved = Reserved(row.id)
            uow.commit()
            return reserved
        if row.status is None:
            raise StillServing()
        return Replay(row.status, row.content_type or "", row.location, row.body or b"")


def finish(
    uow: UnitOfWork,
    reserved: Reserved,
    status: int,
    content_type: str,
    location: str | None,
    body: bytes,
) -> None:
    with uow:
        row = uow.session.get(IdempotencyRow, reserved.id)
        if row is None:
            return
        if status >= 500:
            uow.session.delete(row)  # not an answer to keep: the client may try again
        else:
            row.status, row.content_type = status, content_type[:100]
            row.location, row.body = (location or None), body
        uow.commit()


def purge(uow: UnitOfWork, clock: Clock, keep: timedelta) -> int:
    with uow:
        count = store.forget_before(uow.session, clock.now() - keep)
        uow.commit()
        return count
