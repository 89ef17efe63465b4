"""Declaring an outage: what is accepted, what is refused and with which message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bcp.domain.catalogue import Scope, Side
from bcp.domain.declaration import parse_declaration
from bcp.domain.errors import InvalidInput, NotAllowed
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
    declared,
    facts,
)


def _fields(excinfo) -> dict[str, str]:
    return {e.field: e.message for e in excinfo.value.errors}


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
    incident = declare(parse_declaration(facts(scope="eu"), T0), DESK, None, T0, TABLE)
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
        declare(parse_declaration(facts(component="NES", scope="eu"), T0), DESK, None, T0, TABLE)
    assert "national" in _fields(excinfo)["scope"]
    incident = declare(parse_declaration(facts(component="NES"), T0), DESK, None, T0, TABLE)
    assert incident.facts.scope is Scope.NATIONAL


def test_only_the_desk_declares_for_everyone():
    with pytest.raises(NotAllowed, match="desk"):
        declared(OPERATOR, scope="eu")


def test_an_operator_system_is_never_an_outage_for_everyone():
    with pytest.raises(InvalidInput) as excinfo:
        declare(
            parse_declaration(facts(component="EO_SYSTEM", scope="national"), T0),
            DESK,
            None,
            T0,
            TABLE,
        )
    assert "cannot concern national" in _fields(excinfo)["scope"]


def test_the_desk_names_the_organisation_of_a_local_outage():
    with pytest.raises(InvalidInput) as excinfo:
        declare(parse_declaration(facts(scope="organisation"), T0), DESK, None, T0, TABLE)
    assert "EORI" in _fields(excinfo)["organisation"]


def test_an_expired_certificate_is_uumds_on_the_operator_side():
    incident = declared(component="UUMDS", side="operator")
    assert incident.facts.side is Side.OPERATOR


def test_sti_cannot_be_at_fault_on_the_operator_side():
    with pytest.raises(InvalidInput) as excinfo:
        declared(side="operator")
    assert "administration" in _fields(excinfo)["side"]


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
        ({"component": "SMTP"}, "component", "unknown component 'SMTP'"),
        ({"component": None}, "component", "required"),
        ({"started_at": (T0 + timedelta(hours=1)).isoformat()}, "started_at", "future"),
        ({"started_at": "2026-11-22T08:10:00"}, "started_at", "time zone offset"),
        ({"started_at": "yesterday"}, "started_at", "not a date"),
        ({"started_at": 1732260000}, "started_at", "ISO 8601"),
        ({"modes": []}, "modes", "non-empty list"),
        ({"modes": ["air", "sea"]}, "modes", "unknown value 'sea'"),
        ({"modes": ["air", "air"]}, "modes", "twice"),
        ({"modes": "air"}, "modes", "list"),
        ({"channel": "EMAIL"}, "channel", "EDI, DTI"),
        ({"ens_operations": ["print"]}, "ens_operations", "lodge"),
        ({"ens_waiting": -1}, "ens_waiting", "between 0"),
        ({"ens_waiting": "12"}, "ens_waiting", "whole number"),
        ({"ens_waiting": True}, "ens_waiting", "whole number"),
        ({"ens_waiting": 1.5}, "ens_waiting", "whole number"),
        ({"summary": "   "}, "summary", "blank"),
        ({"summary": "x" * 201}, "summary", "200"),
        ({"summary": ["a"]}, "summary", "string"),
        ({"planned": "yes"}, "planned", "true or false"),
        ({"planned_until": (T0 + timedelta(hours=1)).isoformat()}, "planned_until", "planned"),
        ({"colour": "red"}, "colour", "unknown field"),
        ({"description": "a\x00b"}, "description", "NUL"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(overrides, field, message):
    with pytest.raises(InvalidInput) as excinfo:
        parse_declaration(facts(**overrides), T0)
    assert message in _fields(excinfo)[field]


def test_every_fault_is_reported_at_once():
    with pytest.raises(InvalidInput) as excinfo:
        parse_declaration({"component": "X", "modes": [], "channel": "FAX"}, T0)
    assert {"component", "modes", "channel", "started_at", "ens_operations", "summary"} <= set(
        _fields(excinfo)
    )


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(InvalidInput, match="JSON object"):
        parse_declaration(["STI"], T0)


def test_a_planned_outage_may_be_announced_ahead_with_its_window():
    start, end = T0 + timedelta(days=2), T0 + timedelta(days=2, hours=4)
    declaration = parse_declaration(
        facts(planned=True, started_at=start.isoformat(), planned_until=end.isoformat()), T0
    )
    assert (declaration.started_at, declaration.planned_until) == (start, end)
    with pytest.raises(InvalidInput, match="after the start"):
        parse_declaration(
            facts(planned=True, started_at=end.isoformat(), planned_until=start.isoformat()), T0
        )
    with pytest.raises(InvalidInput, match="90 days"):
        parse_declaration(facts(planned=True, started_at=(T0 + timedelta(days=91)).isoformat()), T0)


def test_a_minute_of_clock_skew_is_tolerated():
    skewed = (T0 + timedelta(seconds=50)).isoformat()
    assert parse_declaration(facts(started_at=skewed), T0).started_at > T0
