"""A person's own choices, kept on the server so that they follow them from one browser to the
next: the language of their pages and of the e-mails bcp sends them, and whether the desk's
queue plays a sound for a new incident (off until they turn it on)."""

from __future__ import annotations

from dataclasses import dataclass

from bcp.domain.actors import Actor
from bcp.domain.errors import invalid
from bcp.domain.messages import N_
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.accounts import preferences_row, set_preferences
from bcp.texts import LANGUAGES


@dataclass(frozen=True)
class Preferences:
    language: str | None  # None: not chosen yet (pages in the browser's, e-mails in French)
    queue_sound: bool


def preferences_of(uow: UnitOfWork, actor: Actor) -> Preferences:
    if actor.user_id is None:
        return Preferences(None, False)
    with uow.reading():
        found = preferences_row(uow.session, actor.user_id)
    return Preferences(*found) if found else Preferences(None, False)


def choose_language(uow: UnitOfWork, actor: Actor, language: str) -> None:
    if language not in LANGUAGES:
        raise invalid("lang", N_("French or English"))
    _set(uow, actor, language=language)


def choose_queue_sound(uow: UnitOfWork, actor: Actor, on: bool) -> None:
    _set(uow, actor, queue_sound=on)


def _set(uow: UnitOfWork, actor: Actor, **values: object) -> None:
    if actor.user_id is None:
        return  # bcp's own actors have no preferences
    with uow:
        set_preferences(uow.session, actor.user_id, **values)
        uow.commit()
