"""Probes against a real HTTP server on 127.0.0.1: good answers, errors, hangs, dropped
connections and refused ports, told in plain words, bounded in time; drafts, never twice."""

from __future__ import annotations

import time

import pytest

from bcp.domain.actors import Actor, Role
from bcp.domain.errors import InvalidInput
from bcp.jobs.probing import fetch
from bcp.services.context import Context
from bcp.services.drafts import drafts_for
from bcp.services.incidents import declare_incident
from bcp.services.probes import add_probe, component_availability, list_probes, run_due_probes
from bcp.store.models import ProbeRow
from tests.domain.conftest import facts
from tests.jobs.conftest import ANYWHERE, free_port
from tests.typed import as_declaration

ADMIN = Actor(None, "admin", Role.ADMIN)


@pytest.mark.parametrize(
    ("path", "ok", "words"),
    [
        ("/ok", True, "answered 200"),
        ("/fail", False, "answered 500, expected 200"),
        ("/hang", False, "no answer within 0.5 s"),
        ("/drop", False, "dropped"),
    ],
)
def test_what_a_probe_finds(http_peer, path, ok, words):
    started = time.monotonic()
    outcome = fetch(http_peer.base + path, "GET", 0.5, 200, None)
    assert outcome.ok is ok and words in outcome.message
    assert time.monotonic() - started < 2.5


def test_expected_text_and_refused_port(http_peer):
    outcome = fetch(http_peer.base + "/ok", "GET", 1, 200, "all systems go")
    assert not outcome.ok and "without the expected text" in outcome.message
    outcome = fetch(f"http://127.0.0.1:{free_port()}/", "GET", 1, 200, None)
    assert not outcome.ok and "connection refused" in outcome.message


def test_a_probe_that_sees_a_component_go_down_proposes_a_draft_once(
    uow, clock, library, people, http_peer
):
    org = people.carrier.actor.organisation
    probe_id = add_probe(
        uow,
        clock,
        ADMIN,
        name="Our AS4",
        component="EO_SYSTEM",
        url=http_peer.base + "/fail",
        organisation_id=org.id,
        interval_seconds=60,
        failures_to_down=2,
        successes_to_up=2,
        destinations=ANYWHERE,
    )
    assert run_due_probes(uow, clock, fetch) == []  # one failure: not yet down
    clock.advance(seconds=61)
    said = run_due_probes(uow, clock, fetch)
    assert said == [f"probe {probe_id} down (draft)"]
    [draft] = drafts_for(uow, people.carrier.actor)
    assert draft.kind == "incident" and draft.component == "EO_SYSTEM"
    assert "answered 500" in draft.detail
    assert drafts_for(uow, people.other_carrier.actor) == []
    assert run_due_probes(uow, clock, fetch) == []  # not due again before its interval


def test_no_draft_when_an_incident_is_already_open_and_recovery_is_proposed(
    uow, clock, library, people, http_peer
):
    carrier = people.carrier.actor
    declare_incident(
        Context(uow, clock, library, carrier), as_declaration(facts(component="EO_SYSTEM"))
    )
    add_probe(
        uow,
        clock,
        ADMIN,
        name="AS4",
        component="EO_SYSTEM",
        url=http_peer.base + "/drop",
        organisation_id=carrier.organisation.id,
        interval_seconds=10,
        failures_to_down=1,
        successes_to_up=1,
        destinations=ANYWHERE,
    )
    run_due_probes(uow, clock, fetch)
    assert drafts_for(uow, carrier) == []  # the open incident is the answer
    with uow:
        probe = uow.session.get(ProbeRow, 1)
        probe.url = http_peer.base + "/ok"
        uow.commit()
    clock.advance(seconds=11)
    run_due_probes(uow, clock, fetch)
    [draft] = drafts_for(uow, carrier)
    assert draft.kind == "recovery" and draft.incident_id is not None


def test_history_and_availability(uow, clock, people, http_peer):
    add_probe(
        uow,
        clock,
        ADMIN,
        name="STI status",
        component="STI",
        url=http_peer.base + "/ok",
        interval_seconds=600,
        destinations=ANYWHERE,
    )
    for minute in range(6):
        if minute == 3:
            with uow:
                uow.session.get(ProbeRow, 1).url = http_peer.base + "/fail"
                uow.commit()
        run_due_probes(uow, clock, fetch)
        clock.advance(minutes=10)
    [item] = component_availability(uow, clock, "STI")
    assert item.day == pytest.approx(0.5) and item.month == pytest.approx(0.5)
    assert [p.health for p in list_probes(uow)] == ["down"]


def test_a_bad_probe_configuration_is_refused(uow, clock):
    with pytest.raises(InvalidInput) as excinfo:
        add_probe(
            uow,
            clock,
            ADMIN,
            name="",
            component="XX",
            url="ftp://x",
            method="PUT",
            timeout_seconds=0,
            interval_seconds=1,
            destinations=ANYWHERE,
        )
    assert {e.field for e in excinfo.value.errors} >= {
        "name",
        "component",
        "url",
        "method",
        "timeout_seconds",
        "interval_seconds",
    }
