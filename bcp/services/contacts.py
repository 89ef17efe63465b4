"""Contacts used by the procedures: the rules table's, as corrected by admins."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bcp.domain.actors import Actor, Role
from bcp.domain.addresses import email_problem
from bcp.domain.clock import Clock
from bcp.domain.errors import ErrorList, NotAllowed, NotFound
from bcp.domain.messages import N_
from bcp.domain.reflexes.model import Contact, ReflexTable, Text
from bcp.services.recent import Recent
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.audit import audit
from bcp.store.contacts import all_contacts
from bcp.store.models import ContactRow

_PHONE = re.compile(r"^\+?[0-9 .()-]{6,30}$")


@dataclass(frozen=True)
class Correction:
    """An admin's correction of one of the rules table's contacts, as stored."""

    key: str
    name_fr: str
    name_en: str
    email: str | None
    phone: str | None


Corrections = tuple[Correction, ...]


def effective_contacts(
    uow: UnitOfWork, table: ReflexTable, recent: Recent[Corrections] | None = None
) -> dict[str, Contact]:
    """The table's contacts, as admins corrected them. `recent`: the corrections this process
    read a moment ago, reused (every incident page names its procedure's contacts, and they
    change a few times a year; bcp.services.recent says who reads them fresh)."""
    corrections = recent.get(lambda: _corrections(uow)) if recent else _corrections(uow)
    contacts = dict(table.contacts)
    for row in corrections:
        if row.key in contacts:
            contacts[row.key] = replace(
                contacts[row.key],
                name=Text(fr=row.name_fr, en=row.name_en),
                email=row.email,
                phone=row.phone,
            )
    return contacts


def _corrections(uow: UnitOfWork) -> Corrections:
    with uow.reading():
        return tuple(
            Correction(row.key, row.name_fr, row.name_en, row.email, row.phone)
            for row in all_contacts(uow.session)
        )


def update_contact(
    uow: UnitOfWork,
    clock: Clock,
    table: ReflexTable,
    admin: Actor,
    key: str,
    *,
    name_fr: str,
    name_en: str,
    email: str,
    phone: str,
) -> None:
    if admin.role is not Role.ADMIN:
        raise NotAllowed(N_("only an admin edits contacts"))
    if key not in table.contacts:
        raise NotFound(N_("no contact %(key)s in the rules table"), key=key)
    errors = ErrorList()
    name_fr, name_en, email, phone = (v.strip() for v in (name_fr, name_en, email, phone))
    if not name_fr or len(name_fr) > 200:
        errors.add("name_fr", N_("required, at most 200 characters"))
    if not name_en or len(name_en) > 200:
        errors.add("name_en", N_("required, at most 200 characters"))
    if email and (problem := email_problem(email)):
        errors.add("email", problem)
    if phone and not _PHONE.match(phone):
        errors.add("phone", N_("digits, spaces and + . ( ) - only"))
    errors.raise_if_any()
    now = clock.now()
    with uow:
        row = uow.session.get(ContactRow, key)
        before = (
            {"name_fr": row.name_fr, "name_en": row.name_en, "email": row.email, "phone": row.phone}
            if row
            else None
        )
        if row is None:
            row = ContactRow(key=key)
            uow.session.add(row)
        row.name_fr, row.name_en = name_fr, name_en
        row.email, row.phone = email or None, phone or None
        row.updated_at, row.updated_by = now, admin.label
        after = {
            "name_fr": name_fr,
            "name_en": name_en,
            "email": email or None,
            "phone": phone or None,
        }
        audit(uow.session, admin, "contact_updated", key, now, before=before, after=after)
        uow.commit()
