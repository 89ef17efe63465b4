"""The clock's calls on an incident: escalation, reminders, overdue, follow-up; each once."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bcp.domain.actors import SCHEDULER
from bcp.domain.errors import DomainError
from bcp.domain.lifecycle import Action
from bcp.domain.referrals import ReferralKind, ReferralRequest, Route
from bcp.domain.timeline import EventKind
from bcp.domain.watch import Timing, due_alerts, next_watch
from tests.conftest import T0
from tests.domain.conftest import DESK, OPERATOR, TABLE, declared

TIMING = Timing(acknowledgement_target=timedelta(minutes=15))


def record(incident, now):
    alerts = due_alerts(incident, now, TIMING)
    for alert in alerts:
        incident.record_alert(alert.kind, alert.changes, alert.note, now)
    return [(a.kind.value, a.changes.get("level") or a.changes.get("step")) for a in alerts]


def test_an_unacknowledged_incident_escalates_at_the_target_then_at_twice_the_target():
    incident = declared(component="EO_SYSTEM")
    assert record(incident, T0 + timedelta(minutes=14)) == []
    assert ("escalated", 1) in record(incident, T0 + timedelta(minutes=15))
    assert ("escalated", 1) not in record(incident, T0 + timedelta(minutes=20))
    assert ("escalated", 2) in record(incident, T0 + timedelta(minutes=30))
    assert [a for a in record(incident, T0 + timedelta(hours=5)) if a[0] == "escalated"] == []
    event = next(e for e in incident.events if e.kind is EventKind.ESCALATED)
    assert event.actor_label == "bcp scheduler" and event.changes["target_minutes"] == 15


def test_a_scheduler_that_was_down_catches_up_once():
    incident = declared(component="EO_SYSTEM")
    alerts = record(incident, T0 + timedelta(hours=3))
    assert [a for a in alerts if a[0] == "escalated"] == [("escalated", 2)]
    assert alerts.count(("step_overdue", "operator-diagnose")) == 1
    assert ("step_reminder", "operator-diagnose") not in alerts  # overdue says it already


def test_no_escalation_once_acknowledged():
    incident = declared(component="EO_SYSTEM")
    incident.apply(Action.ACKNOWLEDGE, DESK, T0 + timedelta(minutes=3))
    assert [a for a in record(incident, T0 + timedelta(hours=1)) if a[0] == "escalated"] == []


def test_a_reminder_before_the_due_time_then_overdue_after_it():
    incident = declared(component="EO_SYSTEM")  # operator-diagnose due at declared + 30 min
    incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    assert ("step_reminder", "operator-diagnose") in record(incident, T0 + timedelta(minutes=26))
    assert ("step_reminder", "operator-diagnose") not in record(
        incident, T0 + timedelta(minutes=27)
    )
    assert ("step_overdue", "operator-diagnose") in record(incident, T0 + timedelta(minutes=31))
    assert ("step_overdue", "operator-diagnose") not in record(incident, T0 + timedelta(hours=2))


def test_a_done_step_is_never_reminded():
    incident = declared(component="EO_SYSTEM")
    incident.settle_step("operator-diagnose", True, OPERATOR, T0 + timedelta(minutes=1))
    alerts = record(incident, T0 + timedelta(hours=1))
    assert all(step != "operator-diagnose" for _, step in alerts)


def test_follow_up_steps_are_reminded_after_recovery_until_done():
    incident = declared()
    incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    incident.apply(Action.RECOVER, OPERATOR, T0 + timedelta(hours=1))
    record(incident, T0 + timedelta(hours=2))
    follow = [e for e in incident.events if e.kind is EventKind.FOLLOW_UP_REMINDER]
    assert follow == []
    later = T0 + timedelta(hours=1, days=3, minutes=1)  # three periods passed: one reminder
    alerts = record(incident, later)
    assert ("follow_up_reminder", "operator-relodge") in alerts
    reminder = next(
        e
        for e in incident.events
        if e.kind is EventKind.FOLLOW_UP_REMINDER and e.changes["step"] == "operator-relodge"
    )
    assert reminder.changes["count"] == 3
    assert ("follow_up_reminder", "operator-relodge") not in record(incident, later)
    incident.settle_step("operator-relodge", True, OPERATOR, later)
    assert ("follow_up_reminder", "operator-relodge") not in record(
        incident, later + timedelta(days=2)
    )


def test_nothing_is_watched_on_a_closed_incident():
    incident = declared()
    incident.apply(Action.CANCEL, OPERATOR, T0, note="erreur")
    assert due_alerts(incident, T0 + timedelta(days=3), TIMING) == []


# A scheduler that looks at an incident only when `next_watch` says so records the same events,
# at the same moments, as one that looks at it every minute.

FAST = Timing(acknowledgement_target=timedelta(minutes=15), follow_up_every=timedelta(hours=1))
FORWARD_MOSTLY = [*[Action.ACKNOWLEDGE, Action.ACTIVATE_FALLBACK, Action.RECOVER] * 2, *Action]
moves = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=60),  # minutes since the previous move
        st.one_of(
            st.tuples(st.just("act"), st.sampled_from(FORWARD_MOSTLY)),
            st.tuples(st.just("settle"), st.integers(min_value=0, max_value=8)),
            st.tuples(st.just("refer"), st.sampled_from(list(ReferralKind))),
            st.tuples(st.just("confirm"), st.integers(min_value=1, max_value=3)),
        ),
    ),
    max_size=8,
)
outages = st.sampled_from(
    [
        {"component": "STI"},
        {"component": "EO_SYSTEM"},
        {"component": "STI", "planned": True, "planned_until": (T0 + timedelta(hours=2))},
        {"component": "CR", "started_at": (T0 - timedelta(hours=3, minutes=50))},
    ]
)


def move(incident, kind, value, now):
    try:
        if kind == "act":
            actor = OPERATOR if value in (Action.RECOVER, Action.CANCEL) else DESK
            incident.apply(value, actor, now, note="pourquoi")
        elif kind == "settle" and incident.procedure and value < len(incident.procedure.steps):
            step = incident.procedure.steps[value]
            actor = DESK if step.role.value == "desk" else OPERATOR
            incident.settle_step(step.id, True, actor, now)
        elif kind == "refer":
            request = ReferralRequest(
                kind=value,
                route=Route.TELEPHONE,
                sent_to="Duty manager",
                request="Please answer",
                air_waybill="020-12345675",
                house_consignment=None,
                ens_reference=None,
                sent_at=now,
            )
            incident.record_referral(request, DESK, now)
        elif kind == "confirm":
            incident.confirm_referral(value, OPERATOR, now)
    except DomainError:
        pass


def look(incident, now, timing):
    """What the scheduler does with one incident: review the rules, record what is due."""
    incident.decide(TABLE, SCHEDULER, now)
    for alert in due_alerts(incident, now, timing):
        incident.record_alert(alert.kind, alert.changes, alert.note, now)


def timeline(incident):
    return [(e.kind, e.at, e.changes) for e in incident.events]


@settings(max_examples=40, deadline=None)
@given(outage=outages, moves=moves)
def test_looking_only_when_next_watch_says_misses_nothing(outage, moves):
    overrides = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in outage.items()}
    every_minute, when_due = declared(**overrides), declared(**overrides)
    plan = {}
    at = T0
    for gap, (kind, value) in moves:
        at += timedelta(minutes=gap)
        plan.setdefault(at, []).append((kind, value))
    watch_at = now = T0  # declared: look at once
    while now <= at + timedelta(hours=3):
        for kind, value in plan.get(now, []):
            move(every_minute, kind, value, now)
            move(when_due, kind, value, now)
            watch_at = now  # any change: look again at the next tick
        look(every_minute, now, FAST)
        if watch_at is not None and now >= watch_at:
            look(when_due, now, FAST)
            watch_at = next_watch(when_due, now, FAST, TABLE)  # None: only a change will do
            assert watch_at is None or watch_at > now
        assert timeline(when_due) == timeline(every_minute), now
        now += timedelta(minutes=1)


def test_next_watch_names_the_escalation_the_reminder_and_the_threshold():
    incident = declared(component="EO_SYSTEM")
    assert next_watch(incident, T0, TIMING, TABLE) == T0 + timedelta(minutes=15)
    look(incident, T0 + timedelta(minutes=15), TIMING)
    # operator-diagnose is due 30 minutes after the declaration: reminded 5 minutes before
    assert next_watch(incident, T0 + timedelta(minutes=15), TIMING, TABLE) == T0 + timedelta(
        minutes=25
    )
    incident.apply(Action.CANCEL, OPERATOR, T0 + timedelta(minutes=16), note="erreur")
    assert next_watch(incident, T0 + timedelta(minutes=16), TIMING, TABLE) is None
