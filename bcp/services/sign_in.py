"""Signing in with a login and a password, with failed attempts limited and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bcp.domain.actors import Actor
from bcp.domain.clock import Clock
from bcp.domain.errors import DomainError
from bcp.services.accounts import actor_of
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.accounts import user_by_login
from bcp.store.audit import audit, count_since

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
_hasher = PasswordHasher()
# Verified when the login is unknown, so that an unknown login costs the same time.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


class TooManyAttempts(DomainError):
    """Failed sign-ins for this login from this address in the last 15 minutes reached the
    limit (429). The same login from another address is not refused: whoever guesses from one
    place cannot lock the rightful user out."""


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    session_epoch: int
    language: str | None = None  # the person's choice, which their pages follow from now on


def authenticate(
    uow: UnitOfWork,
    clock: Clock,
    login: str,
    password: str,
    ip: str | None,
    *,
    max_failures: int = MAX_FAILURES,
    refused_passwords: frozenset[tuple[str, str]] = frozenset(),
) -> SignedIn | None:
    """`refused_passwords`: (login, password) pairs never accepted (the demo's, in production)."""
    now = clock.now()
    login = login.strip().lower()[:64]
    with uow:
        failures = count_since(uow.session, "sign_in_failed", login, now - WINDOW, ip or "")
        if failures >= max_failures:
            audit(uow.session, None, "sign_in_refused", login, now, ip, reason="rate limit")
            uow.commit()
            raise TooManyAttempts(
                "too many failed sign-ins for this login from this address: wait 15 minutes"
            )
        user = user_by_login(uow.session, login)
        if user is None or not user.active or user.password_hash is None:
            _verify(_DUMMY_HASH, password)
            ok = False
        else:
            ok = _verify(user.password_hash, password) and (login, password) not in (
                refused_passwords
            )
        if not ok:
            audit(uow.session, None, "sign_in_failed", login, now, ip or "")
            uow.commit()
            return None
        actor = actor_of(user)
        audit(uow.session, actor, "sign_in", login, now, ip)
        uow.commit()
        return SignedIn(actor, user.session_epoch, user.language)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
