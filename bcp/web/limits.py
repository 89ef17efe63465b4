"""Rate limits: sign-in attempts per client address, API requests per token.

Failed sign-ins are also counted per login *and* address in the audit trail (services/sign_in):
someone guessing a password from one place is stopped there, and the rightful user signing in
from elsewhere is not locked out. The counters live in `[limits] storage_uri` (memory:// keeps
them per process; a shared store such as redis:// makes them exact across workers).

Fixed windows from the `limits` library, checked by one hook that looks at nothing but the
requests it limits: the API's and the sign-in form's posts. Until issue 18's tenth round this was
Flask-Limiter, whose hook resolved every request's limits (`/ping` and every page included, a
quarter of `/ping`'s own time in one process), and whose memory:// storage started a thread to
expire its counters on nearly every API request: the status API's conditional answer, which
every operator's program polls, waited for that thread to start (docs/performance.md).
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, request
from flask_babel import gettext as _
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

from bcp.settings import Settings

log = logging.getLogger(__name__)

SIGN_IN_ENDPOINT = "auth.sign_in"
API_BLUEPRINT = "api"


class RateLimited(TooManyRequests):
    """429, with the seconds until the window that refused it ends (Retry-After)."""

    def __init__(self, description: str, retry_after: int) -> None:
        super().__init__(description)
        self.retry_after = retry_after


class ProcessCounters(MemoryStorage):
    """memory://, without a thread per hit. `limits`' MemoryStorage starts a timer thread to drop
    expired counters whenever its last one has ended (after 10 ms), so at a few requests a
    second nearly every hit started a thread and waited for it to take the interpreter lock.
    Here an expired counter is dropped when it is next read (MemoryStorage.get does so), and all
    the expired ones are swept at most every `sweep_seconds`, by the hit that comes then."""

    def __init__(self, sweep_seconds: float = 60.0) -> None:
        super().__init__()
        self.timer.cancel()  # the one timer MemoryStorage starts when it is made
        self._sweep_seconds = sweep_seconds
        self._next_sweep = time.time() + sweep_seconds
        self._sweeping = threading.Lock()

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        self._sweep()
        self.get(key)  # an expired counter starts again from 0
        with self.locks[key]:
            self.storage[key] += amount
            if self.storage[key] == amount:
                self.expirations[key] = time.time() + expiry
        return self.storage.get(key, 0)

    def _sweep(self) -> None:
        now = time.time()
        if now < self._next_sweep or not self._sweeping.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + self._sweep_seconds
            for key, expires in list(self.expirations.items()):
                if expires <= now:
                    self.storage.pop(key, None)
                    self.expirations.pop(key, None)
                    self.locks.pop(key, None)
        finally:
            self._sweeping.release()


def counters(uri: str) -> Storage:
    """The storage named by `[limits] storage_uri`."""
    if uri.split("://", 1)[0] == "memory":
        return ProcessCounters()
    return storage_from_string(uri)


@dataclass(frozen=True)
class Limit:
    item: RateLimitItem
    scope: str
    key: Callable[[], str]
    message: Callable[[], str]


class RateLimits:
    """The limits of one app, checked before any other hook of the requests they limit (the
    API's authentication included: a flood of bad tokens is counted too)."""

    def __init__(self, storage: Storage, sign_in: Limit, api: Limit) -> None:
        self.storage = storage
        self._window = FixedWindowRateLimiter(storage)
        self._sign_in = sign_in
        self._api = api

    def check(self) -> None:
        if request.blueprint == API_BLUEPRINT:
            self._hit(self._api)
        elif request.endpoint == SIGN_IN_ENDPOINT and request.method == "POST":
            self._hit(self._sign_in)

    def _hit(self, limit: Limit) -> None:
        key = limit.key()
        try:
            if self._window.hit(limit.item, limit.scope, key):
                return
            reset = self._window.get_window_stats(limit.item, limit.scope, key).reset_time
        except Exception as error:
            # A shared store out of reach must not refuse the declarations of an outage's day:
            # the request goes through unlimited, and the log says why.
            log.warning("rate limit store unavailable, %s not limited: %s", limit.scope, error)
            return
        raise RateLimited(limit.message(), max(1, math.ceil(reset - time.time())))


def client_address() -> str:
    """The client's address (the forwarded one behind a trusted proxy: bcp.web.app)."""
    return request.remote_addr or ""


def token_or_address() -> str:
    """The API token (its digest: the counters never hold a token), else the client address."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()[:32]
    return "address:" + client_address()


def init(app: Flask, settings: Settings) -> RateLimits:
    limits = RateLimits(
        counters(settings.limits_storage_uri),
        sign_in=Limit(
            parse(settings.sign_in_attempts_per_address),
            "sign-in",
            client_address,
            lambda: _("Too many sign-in attempts from your address: wait a minute."),
        ),
        api=Limit(
            parse(settings.api_requests_per_token),
            "api",
            token_or_address,
            lambda: _("Too many requests with this token: slow down and try again."),
        ),
    )
    app.before_request(limits.check)
    app.extensions["bcp_limits"] = limits
    return limits


def retry_after(error) -> int | None:
    """Seconds until a refused request may come again."""
    return getattr(error, "retry_after", None)
