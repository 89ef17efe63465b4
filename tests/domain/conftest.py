"""Pure domain fixtures: no database, no app."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bcp.domain.actors import Actor, OrganisationKind, OrganisationRef, Role
from bcp.domain.declaration import parse_declaration
from bcp.domain.incident import Incident, declare
from bcp.store.reflex_files import REFLEXES_DIR, load_table
from tests.conftest import T0

TABLE = load_table(REFLEXES_DIR / "fr-2025-10.yaml")

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


def declared(actor: Actor = OPERATOR, **overrides: Any) -> Incident:
    organisation = actor.organisation
    return declare(parse_declaration(facts(**overrides), T0), actor, organisation, T0, TABLE)


@pytest.fixture
def incident() -> Incident:
    return declared()
