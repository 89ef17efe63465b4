"""A manager's figures: acknowledgements against their target, every incident counted."""

from __future__ import annotations

from datetime import timedelta

from bcp.domain.statistics import AcknowledgementFigures, acknowledgement_figures

TARGET = timedelta(minutes=15)


def test_an_incident_never_acknowledged_is_not_within_target():
    figures = acknowledgement_figures(
        [(timedelta(minutes=4), TARGET), (timedelta(minutes=15), TARGET), (None, TARGET)]
    )
    assert figures == AcknowledgementFigures(within=2, late=0, not_acknowledged=1)
    assert figures.total == 3


def test_an_incident_acknowledged_after_its_target_is_late():
    figures = acknowledgement_figures(
        [(timedelta(minutes=42), TARGET), (timedelta(minutes=20), timedelta(minutes=30))]
    )
    assert (figures.within, figures.late, figures.total) == (1, 1, 2)


def test_a_period_without_incidents():
    assert acknowledgement_figures([]).total == 0
