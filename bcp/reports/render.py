"""Rendering PDFs within bounds: at most N at once per process, and an unchanged document served
from memory. A loop of report downloads then costs one rendering, and cannot take every worker
thread from the desk's queue.

The key of a document is everything it is made of: its kind and language, and the incident's
stamp (reports.document_stamp: its row version and last timeline event, its notifications'
states, its post-mortem's last save, and the minute while it is open, its durations still
running), read in a few narrow rows, so that serving a document again loads neither its timeline
nor its consignments (1.3 ms for 1,000 of each, bench/goods.py). The carrier sheet is keyed by
`document_key`, from the loaded report."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable
from datetime import datetime

from bcp.domain.errors import DomainError
from bcp.domain.messages import N_
from bcp.services.recent import LeastRecent

WAIT_SECONDS = 10.0


class TooBusy(DomainError):
    """Every rendering slot stayed taken for WAIT_SECONDS (503, with Retry-After)."""


def document_key(kind: str, lang: str, report, now: datetime) -> tuple[Hashable, ...]:
    content = repr(
        (report.postmortem, report.notifications, report.integrity, report.consignments)
    ).encode()
    running = now.replace(second=0, microsecond=0) if report.incident.state.is_open else None
    return (
        kind,
        lang,
        report.incident.id,
        report.timeline_sha256,
        hashlib.sha256(content).hexdigest(),
        running,
    )


class Renderer:
    def __init__(self, concurrent: int, entries: int) -> None:
        self._slots = threading.BoundedSemaphore(concurrent)
        self._cache: LeastRecent[Hashable, bytes] = LeastRecent(entries)

    def render(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        if (kept := self._cache.get(key)) is not None:
            return kept
        if not self._slots.acquire(timeout=WAIT_SECONDS):
            raise TooBusy(N_("every PDF rendering slot is taken: try again in a few seconds"))
        try:
            data = build()
        finally:
            self._slots.release()
        self._cache.put(key, data)
        return data
