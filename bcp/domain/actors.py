"""Who acts: users with a role, or the application itself (the scheduler, later)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    OPERATOR = "operator"
    DESK = "desk"
    MANAGER = "manager"
    ADMIN = "admin"
    SYSTEM = "system"


USER_ROLES = (Role.OPERATOR, Role.DESK, Role.MANAGER, Role.ADMIN)
"""The roles a person can have; `system` is the application itself (rules re-run, scheduler)."""


class OrganisationKind(StrEnum):
    """What an organisation does in ICS2; the desk's own service is `customs`."""

    CARRIER = "carrier"
    FORWARDER = "forwarder"
    POSTAL = "postal"
    EXPRESS = "express"
    PROVIDER = "provider"
    CUSTOMS = "customs"


@dataclass(frozen=True)
class OrganisationRef:
    """What the rules need to know of an organisation."""

    id: int
    name: str
    kind: OrganisationKind
    eori: str
    siret: str | None = None
    provider_id: int | None = None
    stp_access: bool = False
    """It holds UUM&DS access and an STP profile: it can lodge ENS on the portal (DTI) when its
    EDI chain is down."""


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    role: Role
    organisation: OrganisationRef | None = None

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.id if self.organisation else None


SCHEDULER = Actor(user_id=None, label="bcp scheduler", role=Role.SYSTEM)
"""The actor of everything the scheduler does: escalations, reminders, rules re-run."""


def desk_notice(notice_id: int) -> Actor:
    """The actor of what a desk notice does to the incidents it covers: linking them, allowing
    their fallback (and issuing its first reference), reporting them recovered."""
    return Actor(user_id=None, label=f"desk notice {notice_id}", role=Role.SYSTEM)
