"""Queries on the admins' corrections of the rules table's contacts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bcp.store.models import ContactRow

_ALL = select(ContactRow).order_by(ContactRow.key)  # built once: read on every incident page


def all_contacts(session: Session) -> list[ContactRow]:
    return list(session.scalars(_ALL))
