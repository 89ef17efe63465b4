"""Organisations, users and API tokens."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher

from bcp.domain.actors import USER_ROLES, Actor, OrganisationKind, Role
from bcp.domain.addresses import email_problem
from bcp.domain.clock import Clock
from bcp.domain.errors import ErrorList, NotAllowed, NotFound, invalid
from bcp.domain.identifiers import eori_problem, siret_problem
from bcp.domain.messages import N_
from bcp.domain.passwords import RULE as PASSWORD_RULE
from bcp.domain.passwords import password_problems
from bcp.services.recent import KeptUntilChanged
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.accounts import (
    OrganisationName,
    account_changes,
    end_sessions,
    mark_token_used,
    organisation_by_eori,
    organisation_names,
    organisations_with_providers,
    session_holder,
    token_digest,
    token_in_force,
    tokens_of,
    user_by_login,
    users_with_organisations,
)
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
    stp_access: bool = False,
) -> int:
    if admin is not None:
        _admin_only(admin)
    errors = ErrorList()
    eori = eori.strip().upper()
    if not name.strip():
        errors.add("name", N_("required"))
    if kind not in {k.value for k in OrganisationKind}:
        errors.add("kind", N_("not a kind of organisation bcp knows"))
    if problem := eori_problem(eori):
        errors.add("eori", problem)
    if siret and (problem := siret_problem(siret)):
        errors.add("siret", problem)
    errors.raise_if_any()
    with uow:
        if organisation_by_eori(uow.session, eori) is not None:
            raise invalid("eori", N_("an organisation already has the EORI %(eori)s"), eori=eori)
        provider_id = None
        if provider_eori:
            provider = organisation_by_eori(uow.session, provider_eori.strip().upper())
            if provider is None or provider.kind != OrganisationKind.PROVIDER.value:
                raise invalid(
                    "provider",
                    N_("no EDI service provider has the EORI %(eori)s"),
                    eori=provider_eori,
                )
            provider_id = provider.id
        row = OrganisationRow(
            name=name.strip(),
            kind=kind,
            eori=eori,
            siret=siret or None,
            provider_id=provider_id,
            created_at=clock.now(),
            stp_access=stp_access,
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
    token_days: int = 365,
) -> NewUser:
    """Create a user; `token` fixes the API token (demo data), `with_token` draws a random one.
    `admin` is the person doing it from the browser; the command line and demo data pass none."""
    if admin is not None:
        _admin_only(admin)
    errors = ErrorList()
    if not _LOGIN.match(login):
        errors.add("login", N_("2 to 64 characters: lower-case letters, digits, '.', '_' or '-'"))
    if role not in {r.value for r in USER_ROLES}:
        errors.add("role", N_("not a role bcp knows"))
    if role == Role.OPERATOR.value and not org_eori:
        errors.add("org", N_("an operator belongs to an organisation: give its EORI"))
    if password is not None and password_problems(password):
        errors.add("password", PASSWORD_RULE)
    if email and (problem := email_problem(email)):
        errors.add("email", problem)
    errors.raise_if_any()
    with uow:
        if user_by_login(uow.session, login) is not None:
            raise invalid("login", N_("the login %(login)s is taken"), login=login)
        org_id = None
        if org_eori:
            org = organisation_by_eori(uow.session, org_eori.strip().upper())
            if org is None:
                raise invalid("org", N_("no organisation has the EORI %(eori)s"), eori=org_eori)
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
            token = token or new_token()
            uow.session.add(token_row(user.id, token, "cli", now, token_days))
        uow.commit()
        return NewUser(id=user.id, login=login, role=Role(role), token=token)


def actor_of(user: UserRow) -> Actor:
    return Actor(
        user_id=user.id,
        label=user.display_name,
        role=Role(user.role),
        organisation=organisation_ref(user.organisation) if user.organisation else None,
    )


def new_token() -> str:
    return "bcp_" + secrets.token_urlsafe(32)


def token_row(user_id: int, token: str, label: str, now: datetime, days: int) -> ApiTokenRow:
    return ApiTokenRow(
        user_id=user_id,
        token_sha256=token_digest(token),
        label=label[:100],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )


TOKEN_USE_RESOLUTION = timedelta(minutes=10)
"""A token's "last used" is written at most this often: not one write per API request."""


ActorReuse = KeptUntilChanged[tuple, tuple[Actor, datetime | None]]
"""Who a session or a token stood for, in this process, until the accounts change
(bcp.services.recent.KeptUntilChanged): given by the web layer for reading requests only; a
change always reads the account again."""

KEEP_ACTOR_SECONDS = TOKEN_USE_RESOLUTION.total_seconds() / 2
"""How long a process keeps who a token stands for while no account changes: a token in use is
read again, and its use recorded, at least this often."""


def actor_for_token(
    uow: UnitOfWork, token: str, clock: Clock | None = None, reuse: ActorReuse | None = None
) -> Actor | None:
    """The person a token stands for, unless it is unknown, revoked or expired."""
    now = clock.now() if clock else datetime.now(UTC)
    if reuse is None:
        found = _token_actor(uow, token, now)
    else:
        found = reuse.get(
            ("token", token_digest(token)),
            lambda: _token_actor(uow, token, now),
            lambda: _account_changes(uow),
        )
    if found is None:
        return None
    actor, expires_at = found
    return actor if expires_at is None or now < expires_at else None


def _token_actor(
    uow: UnitOfWork, token: str, now: datetime
) -> tuple[Actor, datetime | None] | None:
    with uow.lookup() as connection:
        found = token_in_force(connection, token, now)
    if found is None:
        return None
    used = found.last_used_at
    if used is None or now - used >= TOKEN_USE_RESOLUTION:
        with uow:
            mark_token_used(uow.session, found.token_id, now)
            uow.commit()
    return found.actor, found.expires_at


def actor_for_session(
    uow: UnitOfWork, user_id: int, epoch: int, reuse: ActorReuse | None = None
) -> Actor | None:
    """The signed-in user of a browser session, if still active and if the session was opened
    since the user's sessions were last ended."""

    def read() -> tuple[Actor, None] | None:
        with uow.lookup() as connection:
            actor = session_holder(connection, user_id, epoch)
        return None if actor is None else (actor, None)

    if reuse is None:
        found = read()
    else:
        found = reuse.get(("session", user_id, epoch), read, lambda: _account_changes(uow))
    return found[0] if found else None


def _account_changes(uow: UnitOfWork) -> int | None:
    with uow.lookup() as connection:
        return account_changes(connection)


def sign_out_everywhere(uow: UnitOfWork, clock: Clock, actor: Actor) -> None:
    """Signing out ends every session of the person, on every browser."""
    with uow:
        user = uow.session.get(UserRow, actor.user_id)
        if user is not None:
            end_sessions(uow.session, user)
            audit(uow.session, actor, "signed_out", user.login, clock.now())
            uow.commit()


@dataclass(frozen=True)
class IssuedToken:
    id: int
    label: str
    token: str  # shown once
    expires_at: datetime


def issue_token(
    uow: UnitOfWork, clock: Clock, actor: Actor | None, user_id: int, label: str, days: int
) -> IssuedToken:
    """A new API token for `user_id` (oneself, or anyone for an admin or the command line)."""
    if actor is not None and actor.user_id != user_id:
        _admin_only(actor)
    label = " ".join(label.split())[:100] or "api"
    now = clock.now()
    with uow:
        user = uow.session.get(UserRow, user_id)
        if user is None:
            raise NotFound(N_("no such user"))
        token = new_token()
        row = token_row(user.id, token, label, now, days)
        uow.session.add(row)
        uow.session.flush()
        audit(uow.session, actor, "token_issued", user.login, now, token_id=row.id, label=label)
        uow.commit()
        return IssuedToken(row.id, label, token, row.expires_at)


def revoke_token(uow: UnitOfWork, clock: Clock, actor: Actor | None, token_id: int) -> None:
    """From now on the token gets 401. Its owner revokes it, or an admin, or the command line."""
    now = clock.now()
    with uow:
        row = uow.session.get(ApiTokenRow, token_id)
        if row is None or (
            actor is not None and actor.role is not Role.ADMIN and row.user_id != actor.user_id
        ):
            raise NotFound(N_("no token %(token_id)s"), token_id=token_id)
        if row.revoked_at is None:
            row.revoked_at = now
            audit(uow.session, actor, "token_revoked", row.user.login, now, token_id=row.id)
        uow.commit()


def rotate_token(
    uow: UnitOfWork, clock: Clock, actor: Actor | None, token_id: int, days: int
) -> IssuedToken:
    """Revoke a token and issue its successor, with the same owner and label."""
    with uow:
        row = uow.session.get(ApiTokenRow, token_id)
        if row is None:
            raise NotFound(N_("no token %(token_id)s"), token_id=token_id)
        user_id, label = row.user_id, row.label
    revoke_token(uow, clock, actor, token_id)
    return issue_token(uow, clock, actor, user_id, label, days)


def list_tokens(uow: UnitOfWork, user_id: int | None = None) -> list[ApiTokenRow]:
    with uow.reading():
        return tokens_of(uow.session, user_id)


def list_users(uow: UnitOfWork) -> list[UserRow]:
    with uow.reading():
        return users_with_organisations(uow.session)


def organisation_choices(uow: UnitOfWork) -> list[OrganisationName]:
    """The organisations a list offers to choose from: `.eori` and `.name` of each."""
    with uow.reading():
        return organisation_names(uow.session)


def list_organisations(uow: UnitOfWork) -> list[OrganisationRow]:
    with uow.reading():
        return organisations_with_providers(uow.session)


def update_organisation(
    uow: UnitOfWork,
    clock: Clock,
    admin: Actor,
    organisation_id: int,
    *,
    name: str,
    siret: str | None,
    provider_eori: str | None,
    stp_access: bool | None = None,
) -> None:
    """Correct an organisation's name, SIRET, EDI provider or STP access (None: unchanged); its
    EORI identifies it and stays."""
    _admin_only(admin)
    errors = ErrorList()
    name, siret = name.strip(), (siret or "").strip() or None
    if not name or len(name) > 200:
        errors.add("name", N_("required, at most 200 characters"))
    if siret and (problem := siret_problem(siret)):
        errors.add("siret", problem)
    errors.raise_if_any()
    with uow:
        row = uow.session.get(OrganisationRow, organisation_id)
        if row is None:
            raise NotFound(N_("no such organisation"))
        provider_id = None
        if provider_eori:
            provider = organisation_by_eori(uow.session, provider_eori.strip().upper())
            if provider is None or provider.kind != OrganisationKind.PROVIDER.value:
                raise invalid(
                    "provider",
                    N_("no EDI service provider has the EORI %(eori)s"),
                    eori=provider_eori,
                )
            if provider.id == row.id:
                raise invalid("provider", N_("an organisation is not its own provider"))
            provider_id = provider.id
        stp = row.stp_access if stp_access is None else stp_access
        before = {
            "name": row.name,
            "siret": row.siret,
            "provider_id": row.provider_id,
            "stp_access": row.stp_access,
        }
        row.name, row.siret, row.provider_id, row.stp_access = name, siret, provider_id, stp
        after = {"name": name, "siret": siret, "provider_id": provider_id, "stp_access": stp}
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
        errors.add("role", N_("not a role bcp knows"))
    if role == Role.OPERATOR.value and not org_eori:
        errors.add("org", N_("an operator belongs to an organisation: give its EORI"))
    if not display_name.strip() or len(display_name) > 200:
        errors.add("display_name", N_("required, at most 200 characters"))
    if email and (problem := email_problem(email)):
        errors.add("email", problem)
    errors.raise_if_any()
    with uow:
        user = uow.session.get(UserRow, user_id)
        if user is None:
            raise NotFound(N_("no such user"))
        if user.id == admin.user_id and role != Role.ADMIN.value:
            raise invalid("role", N_("you cannot take the admin role from yourself"))
        org_id = None
        if org_eori:
            org = organisation_by_eori(uow.session, org_eori.strip().upper())
            if org is None:
                raise invalid("org", N_("no organisation has the EORI %(eori)s"), eori=org_eori)
            org_id = org.id
        before = {
            "role": user.role,
            "organisation_id": user.organisation_id,
            "display_name": user.display_name,
            "email": user.email,
        }
        if (user.role, user.organisation_id) != (role, org_id):
            end_sessions(uow.session, user)  # what the person may see changed
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
            raise NotFound(N_("no such user"))
        if user.id == admin.user_id and not active:
            raise invalid("active", N_("you cannot deactivate your own account"))
        user.active = active
        if not active:
            end_sessions(uow.session, user)
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
    if password_problems(password):
        raise invalid("password", PASSWORD_RULE)
    with uow:
        user = uow.session.get(UserRow, user_id)
        if user is None:
            raise NotFound(N_("no such user"))
        user.password_hash = _hasher.hash(password)
        end_sessions(uow.session, user)
        audit(uow.session, admin, "password_set", user.login, clock.now())
        uow.commit()


def _admin_only(actor: Actor) -> None:
    if actor.role is not Role.ADMIN:
        raise NotAllowed(N_("only an admin manages users, organisations and contacts"))


def audit_trail(uow: UnitOfWork, limit: int = 200) -> list[AuditEventRow]:
    with uow.reading():
        return recent(uow.session, limit)
