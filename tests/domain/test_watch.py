"""The clock's calls on an incident: escalation, reminders, overdue, follow-up; each once."""

from __future__ import annotations

from datetime import timedelta

from bcp.domain.lifecycle import Action
from bcp.domain.timeline import EventKind
from bcp.domain.watch import Timing, due_alerts
from tests.conftest import T0
from tests.domain.conftest import DESK, OPERATOR, declared

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
