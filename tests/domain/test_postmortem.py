"""The post-mortem: written by a manager for a closed incident, frozen with its digests."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from bcp.domain.errors import IllegalTransition, InvalidInput, NotAllowed
from bcp.domain.lifecycle import Action, State
from bcp.domain.postmortem import PostMortem, finalise, timeline_digest, verify
from bcp.domain.postmortem import edit as edit_changes
from bcp.web.schemas.edge import from_mapping
from bcp.web.schemas.postmortems import PostMortemEdit
from tests.conftest import T0
from tests.domain.conftest import DESK, MANAGER, OPERATOR, declared

WRITTEN = {
    "summary": "STI indisponible 2 h",
    "root_cause": "Certificat TAPAS expiré",
    "ens_delayed": 120,
    "action_items": [{"what": "Surveiller l'expiration", "owner": "DG TAXUD", "due": "2026-12-31"}],
}


def edit(current, data, actor, state):
    """As the API reads it: the model's checks, then the domain's."""
    return edit_changes(current, from_mapping(PostMortemEdit, data).changes(), actor, state)


def closed_incident():
    incident = declared()
    incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    incident.apply(Action.RECOVER, OPERATOR, T0 + timedelta(hours=2))
    incident.settle_step("operator-relodge", True, OPERATOR, T0 + timedelta(hours=3))
    incident.apply(Action.CLOSE, DESK, T0 + timedelta(hours=4))
    return incident


def test_a_manager_writes_it_for_a_closed_incident():
    pm = edit(PostMortem(1), WRITTEN, MANAGER, State.CLOSED)
    assert pm.summary == "STI indisponible 2 h" and pm.ens_delayed == 120
    assert pm.action_items[0].due == date(2026, 12, 31)
    with pytest.raises(NotAllowed):
        edit(PostMortem(1), WRITTEN, DESK, State.CLOSED)
    with pytest.raises(IllegalTransition, match="closed"):
        edit(PostMortem(1), WRITTEN, MANAGER, State.RECOVERED)


def test_bad_values_are_named():
    with pytest.raises(InvalidInput) as excinfo:
        edit(
            PostMortem(1),
            {
                "summary": 3,
                "ens_delayed": -1,
                "colour": "red",
                "action_items": [{"what": "", "owner": "x", "due": "soon"}],
            },
            MANAGER,
            State.CLOSED,
        )
    fields = {e.field for e in excinfo.value.errors}
    assert fields == {
        "summary",
        "ens_delayed",
        "colour",
        "action_items[0].what",
        "action_items[0].due",
    }


def test_finalising_freezes_it_with_digests():
    incident = closed_incident()
    pm = edit(PostMortem(1), WRITTEN, MANAGER, State.CLOSED)
    final = finalise(pm, MANAGER, State.CLOSED, incident.events, T0 + timedelta(days=1))
    assert final.finalised and len(final.content_sha256) == 64
    assert final.timeline_sha256 == timeline_digest(incident.events)
    assert verify(final, incident.events) == {"content": True, "timeline": True}
    with pytest.raises(IllegalTransition, match="frozen"):
        edit(final, {"summary": "autre"}, MANAGER, State.CLOSED)
    with pytest.raises(IllegalTransition, match="frozen"):
        finalise(final, MANAGER, State.CLOSED, incident.events, T0)


def test_a_later_change_is_detectable():
    incident = closed_incident()
    final = finalise(
        edit(PostMortem(1), WRITTEN, MANAGER, State.CLOSED),
        MANAGER,
        State.CLOSED,
        incident.events,
        T0,
    )
    tampered = replace(final, root_cause="autre cause")
    assert verify(tampered, incident.events) == {"content": False, "timeline": True}
    changed = [*incident.events[:-1], replace(incident.events[-1], note="réécrit")]
    assert timeline_digest(changed) != final.timeline_sha256
    assert verify(final, changed) == {"content": True, "timeline": False}


def test_summary_and_root_cause_are_needed_to_finalise():
    with pytest.raises(InvalidInput) as excinfo:
        finalise(PostMortem(1), MANAGER, State.CLOSED, [], T0)
    assert {e.field for e in excinfo.value.errors} == {"summary", "root_cause"}
