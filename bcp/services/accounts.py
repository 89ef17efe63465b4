"""Organisations, users and API tokens."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bcp.domain.actors import USER_ROLES, Actor, OrganisationKind, Role
from bcp.domain.clock import Clock
from bcp.domain.errors import ErrorList, NotAllowed, NotFound, invalid
from bcp.domain.identifiers import eori_problem, siret_problem
from bcp.domain.passwords import password_problems
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.accounts import organisation_by_eori, token_digest, user_by_login, user_by_token
from bcp.store.audit import audit, recent
from bcp.store.incidents import organisation_ref
from bcp.store.models import ApiTokenRow, AuditEventRow, OrganisationRow, UserRow

_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class NewUser:
    id: int
    login: str
    role: Role
    token: str | None


def add_organisation(
    uow: UnitOfWork,
    clock: Clock,
    *,
    admin: Actor | None = None,
    name: str,
    kind: str,
    eori: str,
    siret: str | None = None,
    provider_eori: str | None = None,
) -> int:
    if admin is not None:
        _admin_only(admin)
    errors = ErrorList()
    eori = eori.strip().upper()
    if not name.strip():
        errors.add("name", "required")
    if kind not in {k.value for k in OrganisationKind}:
        errors.add("kind", f"one of: {', '.join(k.value for k in OrganisationKind)}")
    if problem := eori_problem(eori):
        errors.add("eori", problem)
    if siret and (problem := siret_problem(siret)):
        errors.add("siret", problem)
    errors.raise_if_any()
    with uow:
        if organisation_by_eori(uow.session, eori) is not None:
            raise invalid("eori", f"an organisation already has the EORI {eori}")
        provider_id = None
        if provider_eori:
            provider = organisation_by_eori(uow.session, provider_eori.strip().upper())
            if provider is None or provider.kind != OrganisationKind.PROVIDER.value:
                raise invalid("provider", f"no EDI service provider has the EORI {provider_eori}")
            provider_id = provider.id
        row = OrganisationRow(
            name=name.strip(),
            kind=kind,
            eori=eori,
            siret=siret or None,
            provider_id=provider_id,
            created_at=clock.now(),
        )
        uow.session.add(row)
        uow.session.flush()
        org_id = row.id
        audit(uow.session, admin, "organisation_added", eori, clock.now(), name=row.name, kind=kind)
        uow.commit()
    return org_id


def add_user(
    uow: UnitOfWork,
    clock: Clock,
    *,
    admin: Actor | None = None,
    login: str,
    role: str,
    org_eori: str | None = None,
    display_name: str | None = None,
    email: str | None = None,
    password: str | None = None,
    with_token: bool = False,
    token: str | None = None,
) -> NewUser:
    """Create a user; `token` fixes the API token (demo data), `with_token` draws a random one.
    `admin` is the person doing it from the browser; the command line and demo data pass none."""
    if admin is not None:
        _admin_only(admin)
    errors = ErrorList()
    if not _LOGIN.match(login):
        errors.add("login", "2 to 64 characters: lower-case letters, digits, '.', '_' or '-'")
    if role not in {r.value for r in USER_ROLES}:
        errors.add("role", f"one of: {', '.join(r.value for r in USER_ROLES)}")
    if role == Role.OPERATOR.value and not org_eori:
        errors.add("org", "an operator belongs to an organisation: give its EORI")
    if password is not None and (problems := password_problems(password)):
        errors.add("password", "needs " + ", ".join(problems))
    errors.raise_if_any()
    with uow:
        if user_by_login(uow.session, login) is not None:
            raise invalid("login", f"the login {login} is taken")
        org_id = None
        if org_eori:
            org = organisation_by_eori(uow.session, org_eori.strip().upper())
            if org is None:
                raise invalid("org", f"no organisation has the EORI {org_eori}")
            org_id = org.id
        now = clock.now()
        user = UserRow(
            login=login,
            display_name=display_name or login,
            email=email,
            role=role,
            organisation_id=org_id,
            password_hash=_hasher.hash(password) if password else None,
            active=True,
            created_at=now,
        )
        uow.session.add(user)
        uow.session.flush()
        audit(uow.session, admin, "user_added", login, now, role=role, organisation=org_eori)
        if with_token or token:
            token = token or "bcp_" + secrets.token_urlsafe(32)
            uow.session.add(
                ApiTokenRow(
                    user_id=user.id,
                    token_sha256=token_digest(token),
                    label="cli",
                    created_at=now,
                )
            )
        uow.commit()
        return NewUser(id=user.id, login=login, role=Role(role), token=token)


def actor_of(user: UserRow) -> Actor:
    return Actor(
        user_id=user.id,
        label=user.display_name,
        role=Role(user.role),
        organisation=organisation_ref(user.organisation) if user.organisation else None,
    )


def actor_for_token(uow: UnitOfWork, token: str) -> Actor | None:
    with uow.reading():
        user = user_by_token(uow.session, token)
        return None if user is None else actor_of(user)


def actor_for_user_id(uow: UnitOfWork, user_id: int) -> Actor | None:
    """The signed-in user of a browser session, if still active."""
    with uow.reading():
        user = uow.session.get(UserRow, user_id)
        return actor_of(user) if user is not None and user.active else None


def list_users(uow: UnitOfWork) -> list[UserRow]:
    with uow:
        query = select(UserRow).options(selectinload(UserRow.organisation)).order_by(UserRow.login)
        return list(uow.session.scalars(query))


def list_organisations(uow: UnitOfWork) -> list[OrganisationRow]:
    with uow:
        query = (
            select(OrganisationRow)
            .options(selectinload(OrganisationRow.provider))
            .order_by(OrganisationRow.name)
        )
        return list(uow.session.scalars(query))


def update_organisation(
    uow: UnitOfWork,
    clock: Clock,
    admin: Actor,
    organisation_id: int,
    *,
    name: str,
    siret: str | None,
    provider_eori: str | None,
) -> None:
    """Correct an organisation's name, SIRET or EDI provider; its EORI identifies it and stays."""
    _admin_only(admin)
    errors = ErrorList()
    name, siret = name.strip(), (siret or "").strip() or None
    if not name or len(name) > 200:
        errors.add("name", "required, at most 200 characters")
    if siret and (problem := siret_problem(siret)):
        errors.add("siret", problem)
    errors.raise_if_any()
    with uow:
        row = uow.session.get(OrganisationRow, organisation_id)
        if row is None:
            raise NotFound(f"no organisation {organisation_id}")
        provider_id = None
        if provider_eori:
            provider = organisation_by_eori(uow.session, provider_eori.strip().upper())
            if provider is None or provider.kind != OrganisationKind.PROVIDER.value:
                raise invalid("provider", f"no EDI service provider has the EORI {provider_eori}")
            if provider.id == row.id:
                raise invalid("provider", "an organisation is not its own provider")
            provider_id = provider.id
        before = {"name": row.name, "siret": row.siret, "provider_id": row.provider_id}
        row.name, row.siret, row.provider_id = name, siret, provider_id
        after = {"name": name, "siret": siret, "provider_id": provider_id}
        audit(
            uow.session,
            admin,
            "organisation_updated",
            row.eori,
            clock.now(),
            before=before,
            after=after,
        )
        uow.commit()


def update_user(
    uow: UnitOfWork,
    clock: Clock,
    admin: Actor,
    user_id: int,
    *,
    role: str,
    org_eori: str | None,
    display_name: str,
    email: str | None,
) -> None:
    """Correct a user's role, organisation, name or address; the login stays."""
    _admin_only(admin)
    errors = ErrorList()
    if role not in {r.value for r in USER_ROLES}:
        errors.add("role", f"one of: {', '.join(r.value for r in USER_ROLES)}")
    if role == Role.OPERATOR.value and not org_eori:
        errors.add("org", "an operator belongs to an organisation: give its EORI")
    if not display_name.strip() or len(display_name) > 200:
        errors.add("display_name", "required, at most 200 characters")
    if email and ("@" not in email or len(email) > 254):
        errors.add("email", "not an e-mail address")
    errors.raise_if_any()
    with uow:
        user = uow.session.get(UserRow, user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        if user.id == admin.user_id and role != Role.ADMIN.value:
            raise invalid("role", "you cannot take the admin role from yourself")
        org_id = None
        if org_eori:
            org = organisation_by_eori(uow.session, org_eori.strip().upper())
            if org is None:
                raise invalid("org", f"no organisation has the EORI {org_eori}")
            org_id = org.id
        before = {
            "role": user.role,
            "organisation_id": user.organisation_id,
            "display_name": user.display_name,
            "email": user.email,
        }
        user.role, user.organisation_id = role, org_id
        user.display_name, user.email = display_name.strip(), email or None
        after = {
            "role": role,
            "organisation_id": org_id,
            "display_name": user.display_name,
            "email": user.email,
        }
        audit(
            uow.session, admin, "user_updated", user.login, clock.now(), before=before, after=after
        )
        uow.commit()


def set_user_active(
    uow: UnitOfWork, clock: Clock, admin: Actor, user_id: int, active: bool
) -> None:
    _admin_only(admin)
    with uow:
        user = uow.session.get(UserRow, user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        if user.id == admin.user_id and not active:
            raise invalid("active", "you cannot deactivate your own account")
        user.active = active
        audit(
            uow.session,
            admin,
            "user_activated" if active else "user_deactivated",
            user.login,
            clock.now(),
        )
        uow.commit()


def set_password(uow: UnitOfWork, clock: Clock, admin: Actor, user_id: int, password: str) -> None:
    _admin_only(admin)
    if problems := password_problems(password):
        raise invalid("password", "needs " + ", ".join(problems))
    with uow:
        user = uow.session.get(UserRow, user_id)
        if user is None:
            raise NotFound(f"no user {user_id}")
        user.password_hash = _hasher.hash(password)
        audit(uow.session, admin, "password_set", user.login, clock.now())
        uow.commit()


def _admin_only(actor: Actor) -> None:
    if actor.role is not Role.ADMIN:
        raise NotAllowed("only an admin manages users, organisations and contacts")


def audit_trail(uow: UnitOfWork, limit: int = 200) -> list[AuditEventRow]:
    with uow:
        return recent(uow.session, limit)
