"""Pure domain fixtures: no database, no app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bcp.domain.actors import Actor, OrganisationKind, OrganisationRef, Role
from bcp.domain.catalogue import Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.declaration import Declaration
from bcp.domain.incident import Incident, declare
from bcp.store.reflex_files import REFLEXES_DIR, load_table
from tests.conftest import T0

TABLE = load_table(REFLEXES_DIR / "fr-2026-12.yaml")
FIRST_TABLE = load_table(REFLEXES_DIR / "fr-2025-10.yaml")
"""The first version of the sheet, kept for the incidents decided with it."""

CARRIER = OrganisationRef(1, "Aérofret", OrganisationKind.CARRIER, "FR81234567800013")
PROVIDER = OrganisationRef(2, "EDI Connect", OrganisationKind.PROVIDER, "FR88900123400059")
CLIENT = OrganisationRef(
    3, "Transitaire", OrganisationKind.FORWARDER, "FR40219876500024", provider_id=2
)
OTHER = OrganisationRef(4, "Express Autre", OrganisationKind.EXPRESS, "FR77598132400046")

OPERATOR = Actor(10, "Camille (Aérofret)", Role.OPERATOR, CARRIER)
PROVIDER_STAFF = Actor(11, "Lou (EDI Connect)", Role.OPERATOR, PROVIDER)
CLIENT_STAFF = Actor(12, "Sam (Transitaire)", Role.OPERATOR, CLIENT)
OTHER_OPERATOR = Actor(13, "Alex (Express)", Role.OPERATOR, OTHER)
DESK = Actor(20, "Agent du desk", Role.DESK)
MANAGER = Actor(30, "Responsable", Role.MANAGER)
ADMIN = Actor(40, "Admin", Role.ADMIN)


def facts(**overrides: Any) -> dict[str, Any]:
    """An STI outage seen by an air carrier filing in EDI, 20 minutes ago."""
    body: dict[str, Any] = {
        "component": "STI",
        "started_at": (T0 - timedelta(minutes=20)).isoformat(),
        "modes": ["air"],
        "channel": "EDI",
        "ens_operations": ["lodge", "amend"],
        "ens_waiting": 12,
        "summary": "STI refuses our ENS",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def declaration(**overrides: Any) -> Declaration:
    """The same outage as `facts`, as the typed values the domain receives (the API's models
    build them from the JSON: tests/web/schemas)."""
    data = facts(**overrides)

    def instant(name: str) -> datetime | None:
        value = data.get(name)
        return datetime.fromisoformat(value).astimezone(UTC) if value else None

    return Declaration(
        component=data["component"],
        organisation_eori=data.get("organisation"),
        scope=Scope(data["scope"]) if "scope" in data else None,
        side=Side(data["side"]) if "side" in data else None,
        started_at=instant("started_at"),  # type: ignore[arg-type]
        planned=data.get("planned", False),
        planned_until=instant("planned_until"),
        modes=tuple(Mode(m) for m in data["modes"]),
        channel=Channel(data["channel"]),
        ens_operations=tuple(EnsOperation(o) for o in data["ens_operations"]),
        ens_waiting=data.get("ens_waiting", 0),
        summary=data["summary"],
        description=data.get("description", ""),
    )


def declared(actor: Actor = OPERATOR, **overrides: Any) -> Incident:
    organisation = actor.organisation
    return declare(declaration(**overrides), actor, organisation, T0, TABLE)


@pytest.fixture
def incident() -> Incident:
    return declared()
