"""A value one process reads at most once a second, for everyone who asks meanwhile.

The status board and the banner of every page are read by every operator of the country while
ICS2 is down: a thousand programs polling `GET /api/v1/status` and people refreshing their pages.
Each read cost three statements and their objects; read once a second per process, most requests
cost none. Whoever has just changed something is served a fresh read instead (the web layer
decides who: bcp.web.freshness), so nobody misses their own change; others see a change at most
`seconds` later, well within the ten seconds their browser may keep the board anyway
(bcp.web.conditional).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Recent(Generic[T]):
    """The last value read, while it is younger than `seconds` (0: read every time) by the
    app's clock, which is what the value's own "as of" time comes from. Values are shared by
    every thread of the process: they must be read, never changed."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.time) -> None:
        self.seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._entry: tuple[float, T] | None = None

    def get(self, read: Callable[[], T]) -> T:
        now = self._clock()
        with self._lock:
            entry = self._entry
        if entry is not None and 0 <= now - entry[0] < self.seconds:  # a clock set back: read
            return entry[1]
        value = read()  # outside the lock: a slow read never holds up the others' reuse
        if self.seconds > 0:
            with self._lock:
                if self._entry is None or self._entry[0] <= now:
                    self._entry = (now, value)
        return value

    def forget(self) -> None:
        """What this process has just written makes the last value out of date."""
        with self._lock:
            self._entry = None
