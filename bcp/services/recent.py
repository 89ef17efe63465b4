"""Values one process reads at most once a second, for everyone who asks meanwhile.

The status board and the banner of every page are read by every operator of the country while
ICS2 is down: a thousand programs polling `GET /api/v1/status` and people refreshing their pages.
Each read cost three statements and their objects; read once a second per process, most requests
cost none. Whoever has just changed something is served a fresh read instead (the web layer
decides who: bcp.web.freshness), so nobody misses their own change; others see a change at most
`seconds` later, well within the ten seconds their browser may keep the board anyway
(bcp.web.conditional).

Who a session or an API token stands for is kept by key, for reading requests only
(bcp.services.accounts), until the count of the accounts' changes moves (`KeptUntilChanged`):
on PostgreSQL that read was the one statement left in a poller's 304, and a thousand pollers
each have their own token.

A read that started before `forget()` never stores its value after it: what it read may predate
the change that was forgotten.

One read at a time (`stale_while_reading`): once a value has expired, the first request reads the
next one, and those that come while it reads are served the expired value, as long as it is less
than twice `seconds` old, instead of reading it again beside it. Under load, a second thread (or
every thread, when the read is slow) used to read the same board or queue at the same moment,
each waiting for its own read. Never after `forget()`: what this process has just changed is
never served stale. Not for the accounts: a revoked token is refused by every process within
`[accounts] actor_reuse_seconds`, not twice that.

What is kept by its content rather than by its age (PDF documents by their stamp, rendered pages
by their ETag) is kept in a `LeastRecent`, up to a weight, the least recently served going first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
T = TypeVar("T")


class Recent(Generic[T]):
    """The last value read, while it is younger than `seconds` (0: read every time) by the
    app's clock, which is what the value's own "as of" time comes from. Values are shared by
    every thread of the process: they must be read, never changed."""

    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.time,
        stale_while_reading: bool = False,
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._entry: tuple[float, T] | None = None
        self._generation = 0
        self._stale_while_reading = stale_while_reading
        self._reader: object | None = None  # the read under way, if any

    def get(self, read: Callable[[], T]) -> T:
        now = self._clock()
        reader = object()
        with self._lock:
            entry, generation = self._entry, self._generation
            another = self._stale_while_reading and self._reader is not None
            if entry is not None and _usable(now - entry[0], self.seconds, another):
                return entry[1]
            if self.seconds > 0:
                self._reader = reader
        try:
            value = read()  # outside the lock: a slow read never holds up the others' reuse
        except BaseException:
            with self._lock:
                self._done(reader)
            raise
        with self._lock:
            self._done(reader)
            fresher = self._entry is None or self._entry[0] <= now
            if self.seconds > 0 and fresher and self._generation == generation:
                self._entry = (now, value)
        return value

    def _done(self, reader: object) -> None:
        if self._reader is reader:
            self._reader = None

    def forget(self) -> None:
        """What this process has just written makes the last value out of date."""
        with self._lock:
            self._entry = None
            self._generation += 1


class RecentByKey(Generic[K, T]):
    """`Recent` for many values, one per key, each reused while younger than `seconds`. A read
    that finds nothing (None) is not kept. At most `size` values are kept: when full, the
    expired ones go, and if none has expired, all of them (a burst of new keys, read again at
    once)."""

    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.time,
        size: int = 10_000,
        stale_while_reading: bool = False,
    ) -> None:
        self.seconds = seconds
        self.size = size
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[K, tuple[float, T]] = {}
        self._generation = 0
        self._stale_while_reading = stale_while_reading
        self._readers: dict[K, object] = {}  # the reads under way, by key

    def get(self, key: K, read: Callable[[], T | None]) -> T | None:
        now = self._clock()
        reader = object()
        with self._lock:
            entry, generation = self._entries.get(key), self._generation
            another = self._stale_while_reading and key in self._readers
            if entry is not None and _usable(now - entry[0], self.seconds, another):
                return entry[1]
            if self.seconds > 0:
                self._readers[key] = reader
        try:
            value = read()
        except BaseException:
            with self._lock:
                self._done(key, reader)
            raise
        with self._lock:
            self._done(key, reader)
            if self.seconds > 0 and value is not None and self._generation == generation:
                if key not in self._entries and len(self._entries) >= self.size:
                    self._prune(now)
                current = self._entries.get(key)
                if current is None or current[0] <= now:
                    self._entries[key] = (now, value)
        return value

    def _done(self, key: K, reader: object) -> None:
        if self._readers.get(key) is reader:
            del self._readers[key]

    def __len__(self) -> int:
        return len(self._entries)

    def forget(self) -> None:
        """Something this process has just written may change any of the values."""
        with self._lock:
            self._entries.clear()
            self._generation += 1

    def _prune(self, now: float) -> None:
        self._entries = _younger(self._entries, now, self.seconds, self.size)


class KeptUntilChanged(Generic[K, T]):
    """Values by key, kept while a count of changes in the database stays the same: who an API
    token or a browser session stands for, until an account, a token or an organisation changes
    (bcp.store.accounts.account_changes, counted by triggers). The count is read at most once
    every `seconds` (0: nothing is kept), whoever asks, so a change made by any process is seen
    by this one within `seconds`, as with `RecentByKey`; but a thousand pollers, each with its
    own token, cost one statement a second instead of one per request. A value is kept at most
    `keep` seconds (a token's record of use is written when it is read again: bcp.services.
    accounts), and at most `size` of them.

    A value read while the count was being found changed is not kept: what it read may predate
    the change. A count that cannot be read (None) keeps nothing."""

    def __init__(
        self,
        seconds: float,
        clock: Callable[[], float] = time.time,
        keep: float = 300.0,
        size: int = 10_000,
    ) -> None:
        self.seconds = seconds
        self.keep = keep
        self.size = size
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[K, tuple[float, T]] = {}
        self._count: int | None = None
        self._counted_at: float | None = None
        self._generation = 0  # raised whenever the entries are dropped

    def get(
        self, key: K, read: Callable[[], T | None], changes: Callable[[], int | None]
    ) -> T | None:
        """The value of `key`, kept or read; `changes` reads the count of changes."""
        if self.seconds <= 0:
            return read()
        now = self._clock()
        with self._lock:
            counted_at = self._counted_at
            due = counted_at is None or not 0 <= now - counted_at < self.seconds
        if due:
            count = changes()  # outside the lock, as every read
            with self._lock:
                if count is None or count != self._count:
                    self._drop()
                self._count = count
                if count is not None and (self._counted_at is None or self._counted_at < now):
                    self._counted_at = now
        with self._lock:
            entry, generation = self._entries.get(key), self._generation
            if entry is not None and 0 <= now - entry[0] < self.keep:
                return entry[1]
        value = read()
        with self._lock:
            if value is not None and self._count is not None and self._generation == generation:
                if key not in self._entries and len(self._entries) >= self.size:
                    self._prune(now)
                self._entries[key] = (now, value)
        return value

    def forget(self) -> None:
        """Something this process has just written may change any of the values."""
        with self._lock:
            self._drop()
            self._counted_at = None

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self) -> None:
        self._entries.clear()
        self._generation += 1

    def _prune(self, now: float) -> None:
        self._entries = _younger(self._entries, now, self.keep, self.size)


def _younger(
    entries: dict[K, tuple[float, T]], now: float, seconds: float, size: int
) -> dict[K, tuple[float, T]]:
    """The entries read less than `seconds` ago; none if they are still `size` or more (a burst
    of new keys, read again at once)."""
    kept = {key: entry for key, entry in entries.items() if 0 <= now - entry[0] < seconds}
    return kept if len(kept) < size else {}


def _usable(age: float, seconds: float, another_reading: bool) -> bool:
    """Whether a value this old may be served: younger than `seconds` (a clock set back reads
    again), or, while another request reads the next one, younger than twice `seconds`."""
    if age < 0:
        return False
    return age < seconds or (another_reading and age < 2 * seconds)


class LeastRecent(Generic[K, T]):
    """Values by key, up to `capacity` in all as `weigh` counts them (1 each by default), the
    least recently served going first; shared by the process's threads. A value heavier than
    the whole capacity is not kept (capacity 0: nothing is)."""

    def __init__(self, capacity: int, weigh: Callable[[T], int] = lambda _value: 1) -> None:
        self.capacity = capacity
        self._weigh = weigh
        self._lock = threading.Lock()
        self._values: OrderedDict[K, T] = OrderedDict()
        self._weight = 0

    def get(self, key: K) -> T | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: T) -> None:
        weight = self._weigh(value)
        if weight > self.capacity:
            return
        with self._lock:
            if (old := self._values.pop(key, None)) is not None:
                self._weight -= self._weigh(old)
            self._values[key] = value
            self._weight += weight
            while self._weight > self.capacity:
                _, evicted = self._values.popitem(last=False)
                self._weight -= self._weigh(evicted)

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)
