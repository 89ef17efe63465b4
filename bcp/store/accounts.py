"""Queries on organisations, users and API tokens."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Row, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from bcp.domain.actors import Actor, Role
from bcp.store.incidents import organisation_ref
from bcp.store.models import AccountChangesRow, ApiTokenRow, OrganisationRow, UserRow


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Who a request comes from, asked by every page (its session) and every API request (its
# token): the person's columns and their organisation's only, read on a plain connection
# (UnitOfWork.lookup), without a Session or ORM objects, which cost twice the statement.
_PERSON = (
    UserRow.id.label("user_id"),
    UserRow.display_name,
    UserRow.role,
    # named as the organisation's own, for bcp.store.incidents.organisation_ref
    OrganisationRow.id,
    OrganisationRow.name,
    OrganisationRow.kind,
    OrganisationRow.eori,
    OrganisationRow.siret,
    OrganisationRow.provider_id,
    OrganisationRow.stp_access,
)
_OF_ORGANISATION = UserRow.organisation_id == OrganisationRow.id
_TOKEN_IN_FORCE = (
    select(ApiTokenRow.id.label("token_id"), ApiTokenRow.expires_at, ApiTokenRow.last_used_at)
    .add_columns(*_PERSON)
    .select_from(ApiTokenRow)
    .join(UserRow, ApiTokenRow.user_id == UserRow.id)
    .outerjoin(OrganisationRow, _OF_ORGANISATION)
    .where(
        ApiTokenRow.token_sha256 == bindparam("digest"),
        ApiTokenRow.revoked_at.is_(None),
        or_(ApiTokenRow.expires_at.is_(None), ApiTokenRow.expires_at > bindparam("now")),
        UserRow.active.is_(True),
    )
)
_SESSION_HOLDER = (
    select(*_PERSON)
    .select_from(UserRow)
    .outerjoin(OrganisationRow, _OF_ORGANISATION)
    .where(
        UserRow.id == bindparam("user_id"),
        UserRow.active.is_(True),
        UserRow.session_epoch == bindparam("epoch"),
    )
)


def _person(row: Row) -> Actor:
    return Actor(
        user_id=row.user_id,
        label=row.display_name,
        role=Role(row.role),
        organisation=None if row.id is None else organisation_ref(row),
    )


def session_holder(connection: Connection, user_id: int, epoch: int) -> Actor | None:
    """The person signed in by a browser session, if still active and if the session was opened
    since their sessions were last ended (UserRow.session_epoch)."""
    row = connection.execute(_SESSION_HOLDER, {"user_id": user_id, "epoch": epoch}).first()
    return None if row is None else _person(row)


@dataclass(frozen=True)
class TokenInForce:
    """A token that may be used now, and who it stands for."""

    token_id: int
    expires_at: datetime | None
    last_used_at: datetime | None
    actor: Actor


def token_in_force(connection: Connection, token: str, now: datetime) -> TokenInForce | None:
    """The token, its active user and their organisation, unless revoked or expired."""
    row = connection.execute(_TOKEN_IN_FORCE, {"digest": token_digest(token), "now": now}).first()
    if row is None:
        return None
    return TokenInForce(row.token_id, row.expires_at, row.last_used_at, _person(row))


_ACCOUNT_CHANGES = select(AccountChangesRow.__table__.c.changes)


def account_changes(connection: Connection) -> int | None:
    """How many times the accounts have changed (AccountChangesRow); None if its row is gone."""
    return connection.execute(_ACCOUNT_CHANGES).scalar()


def tokens_of(session: Session, user_id: int | None = None) -> list[ApiTokenRow]:
    """Tokens, newest first: one user's, or everyone's (admins)."""
    query = select(ApiTokenRow).options(selectinload(ApiTokenRow.user))
    if user_id is not None:
        query = query.where(ApiTokenRow.user_id == user_id)
    return list(session.scalars(query.order_by(ApiTokenRow.id.desc()).limit(1000)))


_TOKEN_USED = (
    update(ApiTokenRow.__table__)
    .where(ApiTokenRow.__table__.c.id == bindparam("token_id"))
    .values(last_used_at=bindparam("now"))
)


def mark_token_used(session: Session, token_id: int, now: datetime) -> None:
    session.execute(_TOKEN_USED, {"token_id": token_id, "now": now})


def end_sessions(session: Session, user: UserRow) -> None:
    """Every browser session of `user` opened before now ends (see UserRow.session_epoch)."""
    user.session_epoch = (user.session_epoch or 0) + 1


def organisation_by_eori(session: Session, eori: str) -> OrganisationRow | None:
    return session.scalars(select(OrganisationRow).where(OrganisationRow.eori == eori)).first()


def user_by_login(session: Session, login: str) -> UserRow | None:
    return session.scalars(select(UserRow).where(UserRow.login == login)).first()


def set_notify_topics(session: Session, user_id: int, topics: list[str]) -> None:
    session.execute(update(UserRow).where(UserRow.id == user_id).values(notify_topics=topics))


_USERS = UserRow.__table__
_PREFERENCES = select(_USERS.c.language, _USERS.c.queue_sound).where(
    _USERS.c.id == bindparam("user_id")
)


def preferences_row(session: Session, user_id: int) -> tuple[str | None, bool] | None:
    """The person's own choices (`language`, `queue_sound`), asked by every desk queue page:
    two columns, not the user's whole row as an ORM object."""
    row = session.execute(_PREFERENCES, {"user_id": user_id}).first()
    return None if row is None else (row[0], bool(row[1]))


def set_preferences(session: Session, user_id: int, **values: object) -> None:
    """The person's own choices (`language`, `queue_sound`)."""
    session.execute(update(UserRow).where(UserRow.id == user_id).values(**values))


def users_with_organisations(session: Session) -> list[UserRow]:
    query = select(UserRow).options(selectinload(UserRow.organisation)).order_by(UserRow.login)
    return list(session.scalars(query))


def organisations_with_providers(session: Session) -> list[OrganisationRow]:
    query = (
        select(OrganisationRow)
        .options(selectinload(OrganisationRow.provider))
        .order_by(OrganisationRow.name)
    )
    return list(session.scalars(query))


OrganisationName = Row[tuple[str, str]]
"""An organisation's `.eori` and `.name`."""


def organisation_names(session: Session) -> list[OrganisationName]:
    """Each organisation's EORI and name, by name: what a filter's list offers, without loading
    the rows (500 of them on a national outage's day)."""
    query = select(OrganisationRow.eori, OrganisationRow.name).order_by(OrganisationRow.name)
    return list(session.execute(query))


def organisation_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OrganisationRow)) or 0
