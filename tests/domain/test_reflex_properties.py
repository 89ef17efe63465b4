"""Properties of the engine over random outages: exactly one procedure, due times after their
event, idempotent re-evaluation, and no completed step lost by a switch."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bcp.domain.catalogue import (
    COMPONENTS,
    Channel,
    EnsOperation,
    Mode,
    Scope,
    Side,
    possible_scopes,
)
from bcp.domain.incident import declare
from bcp.domain.reflexes.engine import ReflexFacts, check_rule, evaluate, holds
from bcp.domain.reflexes.model import Anchor
from bcp.domain.reflexes.progress import StepState
from tests.conftest import T0
from tests.domain.conftest import DESK, OPERATOR, PROVIDER_STAFF, TABLE, declaration


@st.composite
def outage_facts(draw):
    spec = draw(st.sampled_from(list(COMPONENTS.values())))
    side = draw(st.sampled_from(spec.sides))
    planned = draw(st.booleans())
    started_minutes_ago = draw(st.integers(-600, 3 * 24 * 60))
    window = draw(st.none() | st.integers(1, 24 * 60)) if planned else None
    started_at = T0 - timedelta(minutes=started_minutes_ago)
    return ReflexFacts(
        component=spec.code,
        scope=draw(st.sampled_from(possible_scopes(spec, side))),
        side=side,
        planned=planned,
        modes=frozenset(draw(st.sets(st.sampled_from(list(Mode)), min_size=1))),
        channel=draw(st.sampled_from(list(Channel))),
        ens_operations=frozenset(draw(st.sets(st.sampled_from(list(EnsOperation)), min_size=1))),
        started_at=started_at,
        planned_until=None if window is None else started_at + timedelta(minutes=window),
    )


@settings(max_examples=400, deadline=None)
@given(facts=outage_facts(), minutes_later=st.integers(0, 2 * 24 * 60))
def test_exactly_one_procedure_applies(facts, minutes_later):
    now = T0 + timedelta(minutes=minutes_later)
    matched = [r for r in TABLE.rules if check_rule(r, facts, now).matched]
    best = max((r.when.specificity, r.priority) for r in matched)
    assert len([r for r in matched if (r.when.specificity, r.priority) == best]) == 1
    assert evaluate(facts, TABLE, now).rule in matched


@settings(max_examples=200, deadline=None)
@given(
    facts=outage_facts(),
    acknowledged_after=st.integers(0, 600),
    fallback_after=st.integers(0, 600),
    recovered_after=st.integers(0, 6000),
)
def test_due_times_never_precede_their_event(
    facts, acknowledged_after, fallback_after, recovered_after
):
    declared = T0
    anchors = {
        Anchor.DECLARED: declared,
        Anchor.ACKNOWLEDGED: declared + timedelta(minutes=acknowledged_after),
        Anchor.FALLBACK_AUTHORISED: declared
        + timedelta(minutes=acknowledged_after + fallback_after),
        Anchor.RECOVERED: declared + timedelta(minutes=recovered_after),
    }
    decision = evaluate(facts, TABLE, T0, anchors)
    for planned in decision.steps:
        assert planned.due_at is not None
        assert planned.due_at >= anchors[planned.step.anchor]


@settings(max_examples=200, deadline=None)
@given(facts=outage_facts(), minutes_later=st.integers(0, 3 * 24 * 60))
def test_re_evaluation_is_idempotent(facts, minutes_later):
    now = T0 + timedelta(minutes=minutes_later)
    assert evaluate(facts, TABLE, now) == evaluate(facts, TABLE, now)


@settings(max_examples=150, deadline=None)
@given(
    component=st.sampled_from(["STI", "TAPAS", "CR", "STP", "UUMDS"]),
    settle=st.lists(st.booleans(), min_size=8, max_size=8),
    hours=st.integers(0, 12),
    reclassify_to=st.sampled_from([None, "STI", "STP", "CR", "EO_SYSTEM", "UUMDS"]),
)
def test_a_switch_never_loses_a_completed_step(component, settle, hours, reclassify_to):
    incident = declare(
        declaration(component=component),
        OPERATOR,
        OPERATOR.organisation,
        T0,
        TABLE,
    )
    now = T0 + timedelta(minutes=1)
    for status, flag in zip(incident.steps(now), settle, strict=False):
        if flag and not status.state.settled and status.due_at is not None:  # phase reached
            incident.settle_step(status.step.id, True, DESK, now, note="done in the test")
    settled_before = {s.step.id for s in incident.steps(now) if s.state.settled}
    assert incident.decide(TABLE, DESK, now) is None, "same facts, same moment: no new event"

    later = now + timedelta(hours=hours)
    if reclassify_to and reclassify_to != component:
        side = Side.OPERATOR if reclassify_to == "EO_SYSTEM" else None
        incident.reclassify(DESK, later, component=reclassify_to, side=side)
    switch = incident.decide(TABLE, DESK, later)
    after = {s.step.id: s for s in incident.steps(later)}
    for step_id in settled_before & set(after):
        assert after[step_id].state is StepState.DONE
    if switch is not None:
        assert set(switch.changes["kept_steps"]) == settled_before & set(after)
    assert incident.decide(TABLE, DESK, later) is None


def test_a_provider_outage_is_decided_for_the_provider():
    incident = declare(
        declaration(component="PROVIDER_SYSTEM", scope="provider"),
        PROVIDER_STAFF,
        PROVIDER_STAFF.organisation,
        T0,
        TABLE,
    )
    assert incident.reflex.procedure_id == "provider-outage"
    assert incident.facts.scope is Scope.PROVIDER


@settings(max_examples=300, deadline=None)
@given(facts=outage_facts(), minutes_later=st.integers(0, 3 * 24 * 60))
def test_the_fast_match_agrees_with_the_written_conditions(facts, minutes_later):
    """`holds` decides; `check_rule` explains: they never disagree."""
    now = T0 + timedelta(minutes=minutes_later)
    for rule in TABLE.rules:
        assert holds(rule.when, facts, now) == check_rule(rule, facts, now).matched
    decision = evaluate(facts, TABLE, now)
    assert [o.rule for o in decision.outcomes if o.matched] == list(decision.matched)
