"""Following the procedure against a real database: steps, switches, references, versions."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bcp.domain.actors import Actor, Role
from bcp.domain.errors import IllegalTransition, InvalidInput, NotAllowed, NotFound
from bcp.domain.reflexes.progress import StepState
from bcp.services.context import Context
from bcp.services.incidents import (
    apply_action,
    declare_incident,
    get_incident,
    issue_fallback_reference,
    open_incident_ids,
    reclassify,
    review_incident,
    settle_step,
)
from bcp.services.notices import publish_notice
from bcp.services.reflexes import ReflexLibrary, activate, active_table
from tests.domain.conftest import facts
from tests.domain.test_notices import notice_data
from tests.typed import as_declaration, as_notice, as_reclassification, as_step


def steps(view) -> dict[str, StepState]:
    return {s.step.id: s.state for s in view.steps}


def test_a_step_becomes_overdue_with_the_clock(uow, clock, library, people):
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    assert (
        steps(get_incident(Context(uow, clock, library, people.carrier.actor), incident_id))[
            "desk-announce"
        ]
        is StepState.PENDING
    )
    clock.advance(minutes=16)
    view = get_incident(Context(uow, clock, library, people.carrier.actor), incident_id)
    assert steps(view)["desk-announce"] is StepState.OVERDUE
    assert steps(view)["operator-keep-sending"] is StepState.OVERDUE
    assert steps(view)["operator-fallback-filing"] is StepState.PENDING  # not yet authorised


def test_the_announcement_step_is_done_by_the_notice_not_by_an_acknowledgement(
    uow, clock, library, people
):
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    view = apply_action(Context(uow, clock, library, people.desk.actor), incident_id, "acknowledge")
    assert steps(view)["desk-announce"] is StepState.PENDING  # nothing was announced yet
    notice = publish_notice(
        Context(uow, clock, library, people.desk.actor), as_notice(notice_data())
    ).notice
    view = get_incident(Context(uow, clock, library, people.carrier.actor), incident_id)
    announce = next(s for s in view.steps if s.step.id == "desk-announce")
    assert (announce.state, announce.by) == (StepState.DONE, f"desk notice {notice.id}")


def test_who_may_settle_which_step(uow, clock, library, people):
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id

    def settle(person, step_id, **data):
        body = {"status": "done", **data}
        return settle_step(
            Context(uow, clock, library, person.actor), incident_id, step_id, **as_step(body)
        )

    with pytest.raises(NotAllowed, match="this step is for the customs desk to do"):
        settle(people.carrier, "desk-activate-bcp")
    with pytest.raises(NotFound):
        settle(people.other_carrier, "operator-keep-sending")
    with pytest.raises(NotFound, match="has no such step"):
        settle(people.carrier, "fly-to-the-moon")
    with pytest.raises(InvalidInput, match="reason"):
        settle(people.carrier, "operator-keep-sending", status="skipped")
    with pytest.raises(InvalidInput, match="status"):
        settle(people.carrier, "operator-keep-sending", status="maybe")
    view = settle(people.carrier, "operator-keep-sending", note="12 ENS gardées", reference="lot 7")
    hold = next(s for s in view.steps if s.step.id == "operator-keep-sending")
    assert (hold.state, hold.note, hold.reference) == (StepState.DONE, "12 ENS gardées", "lot 7")
    with pytest.raises(IllegalTransition, match="this step is settled already"):
        settle(people.desk, "operator-keep-sending")


def test_on_the_operators_side_the_fallback_waits_for_the_sau(uow, clock, library, people):
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor),
        as_declaration(facts(component="EO_SYSTEM")),
    ).incident.id
    apply_action(Context(uow, clock, library, people.desk.actor), incident_id, "acknowledge")
    with pytest.raises(IllegalTransition, match="Ask the CID SAU for a diagnosis"):
        apply_action(
            Context(uow, clock, library, people.desk.actor), incident_id, "activate_fallback"
        )
    settle_step(
        Context(uow, clock, library, people.carrier.actor),
        incident_id,
        "operator-contact-sau",
        **as_step({"status": "done", "reference": "<20261122.0812@aerofret.example>"}),
    )
    view = apply_action(
        Context(uow, clock, library, people.desk.actor), incident_id, "activate_fallback"
    )
    assert steps(view)["desk-decide"] is StepState.DONE


def test_the_outage_lasting_past_four_hours_switches_procedure(uow, clock, library, people):
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    settle_step(
        Context(uow, clock, library, people.carrier.actor),
        incident_id,
        "operator-keep-sending",
        **as_step({"status": "done"}),
    )
    clock.advance(hours=3)
    assert review_incident(uow, clock, library, incident_id) is None
    clock.advance(hours=1)
    switch = review_incident(uow, clock, library, incident_id)
    assert switch.changes["procedure"] == "administration-prolonged"
    assert switch.changes["before"]["procedure"] == "administration-outage"
    assert switch.changes["kept_steps"] == ["operator-keep-sending"]
    assert switch.actor_role is Role.SYSTEM
    assert review_incident(uow, clock, library, incident_id) is None
    view = get_incident(Context(uow, clock, library, people.manager.actor), incident_id)
    assert view.incident.reflex.procedure_id == "administration-prolonged"
    assert steps(view)["operator-keep-sending"] is StepState.DONE
    assert "manager-escalate" in steps(view)


def test_the_desk_reclassifies_and_the_rules_run_again(uow, clock, library, people):
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    with pytest.raises(NotAllowed):
        reclassify(
            Context(uow, clock, library, people.carrier.actor),
            incident_id,
            *as_reclassification({"component": "CR"}),
        )
    with pytest.raises(InvalidInput, match="side"):
        reclassify(
            Context(uow, clock, library, people.desk.actor),
            incident_id,
            *as_reclassification({"component": "EO_SYSTEM", "side": "administration"}),
        )
    view = reclassify(
        Context(uow, clock, library, people.desk.actor),
        incident_id,
        *as_reclassification(
            {"component": "UUMDS", "side": "operator", "note": "certificat expiré"}
        ),
    )
    kinds = [e.kind.value for e in view.incident.events]
    assert kinds[-2:] == ["reclassified", "procedure_switched"]
    assert view.incident.events[-2].changes == {
        "before": {"component": "STI", "side": "administration", "scope": "organisation"},
        "after": {"component": "UUMDS", "side": "operator", "scope": "organisation"},
    }
    assert view.incident.reflex.procedure_id == "certificate-problem"
    assert (
        get_incident(
            Context(uow, clock, library, people.carrier.actor), incident_id
        ).incident.facts.component
        == "UUMDS"
    )


def test_fallback_references_are_numbered_per_organisation_and_year(uow, clock, library, people):
    first = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    with pytest.raises(IllegalTransition, match="fallback is active"):
        issue_fallback_reference(Context(uow, clock, library, people.carrier.actor), first)
    apply_action(Context(uow, clock, library, people.desk.actor), first, "acknowledge")
    authorised = apply_action(
        Context(uow, clock, library, people.desk.actor), first, "activate_fallback"
    )
    # the authorisation issues the first one: the message to send names it
    assert authorised.incident.fallback_references == ["PS-2026-FR81234567800013-0001"]
    refs = ["PS-2026-FR81234567800013-0001"] + [
        issue_fallback_reference(Context(uow, clock, library, people.carrier.actor), first)[0]
        for _ in range(2)
    ]
    assert refs[1:] == ["PS-2026-FR81234567800013-0002", "PS-2026-FR81234567800013-0003"]
    with pytest.raises(NotFound):
        issue_fallback_reference(Context(uow, clock, library, people.other_carrier.actor), first)
    view = get_incident(Context(uow, clock, library, people.carrier.actor), first)
    issued = [
        e.changes["reference"]
        for e in view.incident.events
        if e.kind.value == "fallback_reference_issued"
    ]
    assert issued == refs


def test_incidents_keep_the_table_version_they_were_decided_with(uow, clock, library, people):
    table = library.get("fr-2025-10")
    newer = replace(table, version="fr-2026-01")
    both = ReflexLibrary({**library.tables, "fr-2026-01": newer}, "fr-2025-10")
    old = declare_incident(
        Context(uow, clock, both, people.carrier.actor), as_declaration(facts())
    ).incident.id
    admin = Actor(None, "admin", Role.ADMIN)
    with pytest.raises(NotAllowed):
        activate(Context(uow, clock, both, people.carrier.actor), "fr-2026-01", "")
    with pytest.raises(NotFound):
        activate(Context(uow, clock, both, admin), "fr-1999-01", "")
    activate(Context(uow, clock, both, admin), "fr-2026-01", "new sheet")
    assert active_table(uow, both).version == "fr-2026-01"
    new = declare_incident(
        Context(uow, clock, both, people.carrier.actor), as_declaration(facts())
    ).incident.id
    clock.advance(hours=5)
    review_incident(uow, clock, both, old)
    versions = {
        i: get_incident(
            Context(uow, clock, both, people.desk.actor), i
        ).incident.reflex.table_version
        for i in (old, new)
    }
    assert versions == {old: "fr-2025-10", new: "fr-2026-01"}
    assert open_incident_ids(uow) == [old, new]


def test_a_closed_incident_is_frozen(uow, clock, library, people):
    incident_id = declare_incident(
        Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
    ).incident.id
    apply_action(
        Context(uow, clock, library, people.carrier.actor), incident_id, "cancel", "erreur"
    )
    with pytest.raises(IllegalTransition, match="frozen"):
        settle_step(
            Context(uow, clock, library, people.desk.actor),
            incident_id,
            "operator-keep-sending",
            **as_step({"status": "done"}),
        )
    clock.advance(hours=5)
    assert review_incident(uow, clock, library, incident_id) is None
