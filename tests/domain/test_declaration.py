"""Declaring an outage: what is accepted, what is refused and with which message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bcp.domain.catalogue import COMPONENTS, Scope, Side
from bcp.domain.declaration import check_declaration
from bcp.domain.errors import InvalidInput, NotAllowed, said
from bcp.domain.incident import declare
from bcp.domain.lifecycle import State
from bcp.domain.timeline import EventKind
from tests.conftest import T0
from tests.domain.conftest import (
    CARRIER,
    DESK,
    MANAGER,
    OPERATOR,
    PROVIDER,
    PROVIDER_STAFF,
    TABLE,
    declaration,
    declared,
)


def _fields(excinfo) -> dict[str, str]:
    return {e.field: e.message for e in excinfo.value.errors}


def _said(excinfo) -> dict[str, str]:
    """Each field's refusal as said in English, its values in it."""
    return {e.field: said(e.message, e.values) for e in excinfo.value.errors}


def test_an_operator_declares_an_sti_outage_for_its_organisation():
    incident = declared()
    assert incident.state is State.DECLARED
    assert incident.organisation == CARRIER
    assert incident.facts.scope is Scope.ORGANISATION
    assert incident.facts.side is Side.ADMINISTRATION
    assert incident.facts.started_at == T0 - timedelta(minutes=20)
    event, chosen = incident.events
    assert event.kind is EventKind.DECLARED
    assert event.changes["component"] == "STI"
    assert event.changes["ens_waiting"] == 12
    assert chosen.kind is EventKind.PROCEDURE_SELECTED
    assert chosen.changes["procedure"] == "administration-outage"


def test_the_desk_declares_an_outage_for_everyone_and_acknowledges_it_by_that_act():
    incident = declare(declaration(scope="eu"), DESK, None, T0, TABLE)
    assert incident.concerns_everyone
    assert incident.organisation is None
    assert incident.state is State.ACKNOWLEDGED
    assert [e.kind for e in incident.events] == [
        EventKind.DECLARED,
        EventKind.PROCEDURE_SELECTED,
        EventKind.ACKNOWLEDGED,
    ]


def test_the_national_system_is_down_for_france_only():
    with pytest.raises(InvalidInput) as excinfo:
        declare(declaration(component="NES", scope="eu"), DESK, None, T0, TABLE)
    assert (
        _said(excinfo)["scope"]
        == f"this choice is not possible for {COMPONENTS['NES'].name_en} at fault on this side"
    )
    incident = declare(declaration(component="NES"), DESK, None, T0, TABLE)
    assert incident.facts.scope is Scope.NATIONAL


def test_only_the_desk_declares_for_everyone():
    with pytest.raises(NotAllowed, match="desk"):
        declared(OPERATOR, scope="eu")


def test_an_operator_system_is_never_an_outage_for_everyone():
    with pytest.raises(InvalidInput) as excinfo:
        declare(
            declaration(component="EO_SYSTEM", scope="national"),
            DESK,
            None,
            T0,
            TABLE,
        )
    assert _said(excinfo)["scope"] == (
        f"this choice is not possible for {COMPONENTS['EO_SYSTEM'].name_en} at fault on this side"
    )


def test_the_desk_names_the_organisation_of_a_local_outage():
    with pytest.raises(InvalidInput) as excinfo:
        declare(declaration(scope="organisation"), DESK, None, T0, TABLE)
    assert "EORI" in _fields(excinfo)["organisation"]


def test_an_expired_certificate_is_uumds_on_the_operator_side():
    incident = declared(component="UUMDS", side="operator")
    assert incident.facts.side is Side.OPERATOR


def test_sti_cannot_be_at_fault_on_the_operator_side():
    with pytest.raises(InvalidInput) as excinfo:
        declared(side="operator")
    assert _said(excinfo)["side"] == f"{COMPONENTS['STI'].name_en} cannot be at fault on this side"


def test_a_provider_declares_for_all_its_clients():
    incident = declared(PROVIDER_STAFF, component="PROVIDER_SYSTEM", scope="provider")
    assert incident.organisation == PROVIDER
    assert incident.facts.side is Side.PROVIDER
    with pytest.raises(InvalidInput, match="provider"):
        declared(OPERATOR, component="PROVIDER_SYSTEM", scope="provider")


def test_a_manager_does_not_declare():
    with pytest.raises(NotAllowed):
        declared(MANAGER)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"started_at": (T0 + timedelta(hours=1)).isoformat()}, "started_at", "future"),
        ({"planned_until": (T0 + timedelta(hours=1)).isoformat()}, "planned_until", "planned"),
        (
            {"planned": True, "started_at": (T0 + timedelta(days=91)).isoformat()},
            "started_at",
            "90 days",
        ),
    ],
)
def test_what_only_the_business_knows_is_checked_by_the_domain(overrides, field, message):
    """The fields' forms are the models' (tests/web/schemas); when an outage may start and end
    is the domain's, whoever calls it."""
    with pytest.raises(InvalidInput) as excinfo:
        check_declaration(declaration(**overrides), T0)
    assert message in _fields(excinfo)[field]


def test_every_fault_of_the_domain_is_reported_at_once():
    late = (T0 + timedelta(hours=1)).isoformat()
    with pytest.raises(InvalidInput) as excinfo:
        declared(started_at=late, planned_until=late)
    assert set(_fields(excinfo)) == {"started_at", "planned_until"}


def test_a_planned_outage_may_be_announced_ahead_with_its_window():
    start, end = T0 + timedelta(days=2), T0 + timedelta(days=2, hours=4)
    incident = declared(planned=True, started_at=start.isoformat(), planned_until=end.isoformat())
    assert (incident.facts.started_at, incident.facts.planned_until) == (start, end)
    with pytest.raises(InvalidInput, match="after the start"):
        declared(planned=True, started_at=end.isoformat(), planned_until=start.isoformat())


def test_a_minute_of_clock_skew_is_tolerated():
    skewed = (T0 + timedelta(seconds=50)).isoformat()
    assert declared(started_at=skewed).facts.started_at > T0
