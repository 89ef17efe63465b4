"""The status board: each administration component's state, from notices, open incidents and
the desk's probes, with since when."""

from __future__ import annotations

from datetime import timedelta

from bcp.domain.notices import PUBLIC_COMPONENTS
from bcp.domain.status import CauseKind, FailingProbe, Health, OpenOutage, board
from tests.conftest import T0
from tests.domain.conftest import DESK
from tests.domain.test_notices import maintenance, notice_data, publish


def health(statuses):
    return {s.component: s.health for s in statuses}


def notice(data, number=1):
    n = publish(data, DESK, T0).notice
    n.id = number
    return n


def test_everything_is_operational_when_nothing_is_known():
    statuses = board([], [], [], T0)
    assert [s.component for s in statuses] == list(PUBLIC_COMPONENTS)
    assert set(health(statuses).values()) == {Health.OPERATIONAL}
    assert "EO_SYSTEM" not in health(statuses)


def test_an_unscheduled_notice_says_down_since_its_start_with_its_window():
    sti = notice(notice_data(fallback_allowed=True))
    [status] = [s for s in board([sti], [], [], T0) if s.component == "STI"]
    assert (status.health, status.since, status.fallback_allowed) == (Health.DOWN, T0, True)
    assert status.causes[0].kind is CauseKind.NOTICE and status.causes[0].ref == 1


def test_maintenance_shows_once_started_and_is_announced_before():
    cr = notice(maintenance(hours_ahead=72))
    before = {s.component: s for s in board([cr], [], [], T0)}
    assert before["CR"].health is Health.OPERATIONAL and before["CR"].upcoming == (1,)
    during = health(board([cr], [], [], T0 + timedelta(hours=73)))
    assert during["CR"] is Health.MAINTENANCE and during["STI"] is Health.MAINTENANCE


def test_operator_reports_no_notice_covers_say_degraded():
    reports = [
        OpenOutage(1, "STP", False, T0 - timedelta(minutes=10)),
        OpenOutage(2, "STP", False, T0 - timedelta(minutes=30)),
    ]
    [stp] = [s for s in board([], reports, [], T0) if s.component == "STP"]
    assert stp.health is Health.DEGRADED and stp.since == T0 - timedelta(minutes=30)
    assert stp.causes[0].count == 2


def test_down_wins_over_degraded_and_a_closed_notice_counts_no_more():
    sti = notice(notice_data())
    reports = [OpenOutage(3, "STI", False, T0 - timedelta(minutes=40))]
    assert health(board([sti], reports, [], T0))["STI"] is Health.DOWN
    sti.close(DESK, T0 + timedelta(hours=1))
    assert health(board([sti], [], [], T0 + timedelta(hours=1)))["STI"] is Health.OPERATIONAL


def test_a_desk_outage_for_everyone_and_a_failing_probe_say_down():
    statuses = board(
        [],
        [OpenOutage(4, "CR", True, T0)],
        [FailingProbe(9, "TAPAS", T0 - timedelta(minutes=3))],
        T0,
    )
    assert health(statuses)["CR"] is Health.DOWN and health(statuses)["TAPAS"] is Health.DOWN
