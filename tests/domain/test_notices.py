"""Outage notices as the desk publishes them: scheduled or not, a reason, an expected end, a
"fallback allowed" window opened and closed explicitly, updates appended, never rewritten."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bcp.domain.errors import IllegalTransition, InvalidInput, NotAllowed
from bcp.domain.incident import declare
from bcp.domain.lifecycle import Action, State
from bcp.domain.notices import FALLBACK_ENDED, NoticeKind, UpdateKind, short_notice
from bcp.domain.notices import publish as publish_draft
from bcp.domain.timeline import EventKind
from bcp.web.schemas.edge import from_mapping
from bcp.web.schemas.notices import NoticeBody
from tests.conftest import T0
from tests.domain.conftest import DESK, OPERATOR, TABLE, declaration, declared


def publish(data, actor, now):
    """As the API reads it: the model's checks, then the domain's."""
    return publish_draft(from_mapping(NoticeBody, data).to_domain(), actor, now)


def notice_data(**overrides: Any) -> dict[str, Any]:
    """An unscheduled STI outage, announced by the desk now."""
    body: dict[str, Any] = {
        "components": ["STI"],
        "kind": "unscheduled",
        "reason": "hardware_failure",
        "title": "STI indisponible",
        "expected_end": (T0 + timedelta(hours=2)).isoformat(),
        "messages": "Messages sent meanwhile are queued by TAPAS and processed on recovery.",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def maintenance(hours_ahead: float = 72, length: float = 4, **overrides: Any) -> dict[str, Any]:
    start = T0 + timedelta(hours=hours_ahead)
    return notice_data(
        kind="scheduled",
        reason="scheduled_maintenance",
        title="Maintenance CR",
        components=["CR", "STI"],
        starts_at=start.isoformat(),
        expected_end=(start + timedelta(hours=length)).isoformat(),
        **overrides,
    )


def published(data=None, now=T0):
    notice = publish(data or notice_data(), DESK, now).notice
    notice.id = 7
    return notice


def test_the_desk_publishes_an_unscheduled_outage_starting_now():
    notice = published()
    assert notice.kind is NoticeKind.UNSCHEDULED and notice.starts_at == T0
    assert notice.covers("STI", T0) and not notice.covers("CR", T0)
    assert [u.kind for u in notice.updates] == [UpdateKind.PUBLISHED]
    assert not notice.fallback_allowed(T0)


def test_only_the_desk_publishes():
    with pytest.raises(NotAllowed):
        publish(notice_data(), OPERATOR, T0)


def test_every_fault_of_a_notice_is_named_at_once():
    with pytest.raises(InvalidInput) as caught:
        publish(
            {"components": ["EO_SYSTEM", "XYZ"], "kind": "later", "title": " ", "colour": "red"},
            DESK,
            T0,
        )
    fields = {e.field for e in caught.value.errors}
    assert {"components", "kind", "title", "colour"} <= fields


def test_an_operator_s_own_system_is_not_a_notice_for_everyone():
    with pytest.raises(InvalidInput, match="'EO_SYSTEM'; expected one of: TAPAS"):
        publish(notice_data(components=["EO_SYSTEM"]), DESK, T0)


def test_an_unscheduled_outage_does_not_start_in_the_future():
    with pytest.raises(InvalidInput, match="cannot start in the future"):
        publish(notice_data(starts_at=(T0 + timedelta(hours=1)).isoformat()), DESK, T0)


def test_scheduled_maintenance_announced_less_than_48_hours_ahead_needs_confirmation():
    with pytest.raises(InvalidInput) as caught:
        publish(maintenance(hours_ahead=20), DESK, T0)
    assert caught.value.errors[0].field == "short_notice_confirmed"
    assert "20 h before its start" in caught.value.message
    confirmed = publish(maintenance(hours_ahead=20, short_notice_confirmed=True), DESK, T0)
    assert confirmed.warnings and "48 hours" in confirmed.warnings[0]
    assert confirmed.notice.updates[0].changes["short_notice"] == confirmed.warnings[0]


def test_maintenance_announced_48_hours_ahead_or_more_is_not_warned():
    assert short_notice(NoticeKind.SCHEDULED, T0 + timedelta(hours=48), T0) is None
    assert publish(maintenance(hours_ahead=72), DESK, T0).warnings == []


def test_the_fallback_window_is_opened_and_closed_explicitly():
    notice = published()
    notice.open_fallback(DESK, T0 + timedelta(minutes=5))
    assert notice.fallback_allowed(T0 + timedelta(minutes=6))
    with pytest.raises(IllegalTransition):
        notice.open_fallback(DESK, T0 + timedelta(minutes=7))
    notice.close_fallback(DESK, T0 + timedelta(minutes=50))
    assert not notice.fallback_allowed(T0 + timedelta(minutes=51))
    assert notice.fallback_allowed(T0 + timedelta(minutes=30))  # the past stays as it was
    assert notice.updates[-1].text == FALLBACK_ENDED  # in French and in English
    assert "fallback is no longer allowed" in FALLBACK_ENDED


def test_a_window_opened_ahead_of_maintenance_allows_the_fallback_from_its_start():
    notice = published(maintenance(fallback_allowed=True))
    assert not notice.fallback_allowed(T0 + timedelta(hours=1))
    assert notice.fallback_allowed(T0 + timedelta(hours=73))


def test_updates_are_appended_and_may_move_the_expected_end():
    notice = published()
    later = T0 + timedelta(hours=3)
    notice.add_update(DESK, T0 + timedelta(minutes=30), "Root cause found", expected_end=later)
    assert notice.expected_end == later
    assert [u.seq for u in notice.updates] == [1, 2]
    assert notice.updates[1].changes == {"expected_end": later.isoformat()}
    with pytest.raises(InvalidInput):
        notice.add_update(DESK, T0 + timedelta(minutes=31), "  ")


def test_closing_the_notice_closes_its_window_and_freezes_it():
    notice = published(notice_data(fallback_allowed=True))
    notice.close(DESK, T0 + timedelta(hours=1))
    assert [u.kind for u in notice.updates][-2:] == [UpdateKind.FALLBACK_CLOSED, UpdateKind.CLOSED]
    assert not notice.is_open and not notice.fallback_allowed(T0 + timedelta(hours=2))
    with pytest.raises(IllegalTransition):
        notice.add_update(DESK, T0 + timedelta(hours=2), "more")


def test_a_maintenance_window_still_open_at_its_end_becomes_unscheduled():
    notice = published(maintenance(hours_ahead=72, length=4))
    assert notice.overrun(T0 + timedelta(hours=75)) is None
    update = notice.overrun(T0 + timedelta(hours=76))
    assert update.kind is UpdateKind.OVERRAN and update.actor_label == "bcp scheduler"
    assert notice.kind is NoticeKind.UNSCHEDULED and notice.announced_as_scheduled
    assert notice.overrun(T0 + timedelta(hours=77)) is None


def test_an_operator_incident_on_a_covered_component_follows_the_notice():
    notice = published(notice_data(fallback_allowed=True))
    incident = declared()
    assert incident.may_follow(notice, T0)
    events = incident.follow_notice(notice, T0)
    assert [e.kind for e in events] == [
        EventKind.NOTICE_LINKED,
        EventKind.ACKNOWLEDGED,
        EventKind.FALLBACK_ACTIVATED,
    ]
    assert incident.notice_id == 7 and incident.state is State.FALLBACK_ACTIVE
    assert events[2].note == "fallback allowed by desk notice 7"


def test_an_operator_side_outage_is_not_part_of_the_notice():
    notice = published(notice_data(components=["UUMDS"]))
    certificate = declared(component="UUMDS", side="operator", scope="organisation")
    assert not certificate.may_follow(notice, T0)


def test_a_linked_incident_is_acknowledged_but_waits_for_the_window():
    notice = published()
    incident = declared()
    incident.follow_notice(notice, T0)
    assert incident.state is State.ACKNOWLEDGED
    notice.open_fallback(DESK, T0 + timedelta(minutes=10))
    assert [e.kind for e in incident.follow_notice(notice, T0 + timedelta(minutes=10))] == [
        EventKind.FALLBACK_ACTIVATED
    ]


def test_closing_the_notice_recovers_the_incidents_it_covers():
    notice = published(notice_data(fallback_allowed=True))
    incident = declared()
    incident.follow_notice(notice, T0)
    notice.close(DESK, T0 + timedelta(hours=1))
    events = incident.follow_notice(notice, T0 + timedelta(hours=1))
    assert [e.kind for e in events] == [EventKind.RECOVERED]
    assert incident.state is State.RECOVERED


def test_the_overrun_of_a_maintenance_switches_the_procedure_of_its_incidents():
    notice = published(maintenance(hours_ahead=0.5, length=1, short_notice_confirmed=True))
    during = T0 + timedelta(minutes=40)
    incident = declare(
        declaration(started_at=during.isoformat()),
        OPERATOR,
        OPERATOR.organisation,
        during,
        TABLE,
    )
    incident.follow_notice(notice, during)
    incident.decide(TABLE, OPERATOR, during)
    assert incident.facts.planned and incident.reflex.rule_id == "administration-planned"
    end = T0 + timedelta(minutes=91)
    notice.overrun(end)
    events = incident.follow_notice(notice, end)
    assert events[0].kind is EventKind.NOTICE_UPDATED
    assert not incident.facts.planned
    switch = incident.decide(TABLE, OPERATOR, end)
    assert switch.kind is EventKind.PROCEDURE_SWITCHED
    assert incident.reflex.rule_id == "administration-unplanned"


def test_a_desk_action_on_a_linked_incident_is_still_possible():
    notice = published()
    incident = declared()
    incident.follow_notice(notice, T0)
    incident.apply(Action.ACTIVATE_FALLBACK, DESK, T0 + timedelta(minutes=1))
    assert incident.state is State.FALLBACK_ACTIVE
