"""Queries on organisations, users and API tokens."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bcp.store.models import ApiTokenRow, OrganisationRow, UserRow


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_by_token(session: Session, token: str) -> UserRow | None:
    query = (
        select(UserRow)
        .join(ApiTokenRow, ApiTokenRow.user_id == UserRow.id)
        .where(
            ApiTokenRow.token_sha256 == token_digest(token),
            ApiTokenRow.revoked_at.is_(None),
            UserRow.active.is_(True),
        )
        .options(selectinload(UserRow.organisation))
    )
    return session.scalars(query).one_or_none()


def organisation_by_eori(session: Session, eori: str) -> OrganisationRow | None:
    return session.scalars(select(OrganisationRow).where(OrganisationRow.eori == eori)).first()


def user_by_login(session: Session, login: str) -> UserRow | None:
    return session.scalars(select(UserRow).where(UserRow.login == login)).first()
