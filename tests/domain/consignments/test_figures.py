"""The manager's figures on goods: per incident, the late ones and the share re-lodged within
the re-lodging deadline (recovery + the re-lodging step's 24 h)."""

from __future__ import annotations

from datetime import timedelta

from bcp.domain.consignments.figures import GoodsRow, figures, relodging_deadline
from bcp.domain.consignments.model import ConsignmentState
from tests.conftest import T0
from tests.domain.conftest import TABLE

PROCEDURE = TABLE.procedures["operator-outage"]
RECOVERED = T0 + timedelta(hours=2)


def row(state, lodged_in=None, deadline_in=1.0, incident=1):
    return GoodsRow(
        incident_id=incident,
        summary="AS4",
        state=state,
        deadline_at=T0 + timedelta(hours=deadline_in),
        lodged_at=RECOVERED + timedelta(hours=lodged_in) if lodged_in is not None else None,
        recovered_at=RECOVERED,
        procedure=PROCEDURE,
    )


def test_the_relodging_deadline_is_the_steps_due_time():
    assert relodging_deadline(PROCEDURE, RECOVERED) == RECOVERED + timedelta(hours=24)
    assert relodging_deadline(PROCEDURE, None) is None


def test_share_within_the_deadline_and_late_ones():
    (g,) = figures(
        [
            row(ConsignmentState.LODGED, lodged_in=3),
            row(ConsignmentState.LODGED, lodged_in=30),
            row(ConsignmentState.AT_RISK, deadline_in=0.5),
            row(ConsignmentState.AT_RISK, deadline_in=9),
            row(ConsignmentState.WAIVED),
        ],
        now=T0 + timedelta(hours=1),
    )
    assert (g.total, g.lodged, g.lodged_in_time, g.late, g.at_risk, g.waived) == (5, 2, 1, 1, 2, 1)
    assert g.share_in_time == 0.5
    assert figures([row(ConsignmentState.AT_RISK)], T0)[0].share_in_time is None
