"""ENS deadlines per mode, Delegated Regulation (EU) 2015/2446 Art. 105-109 (reference §6):
for each case, the consignment's times in, the latest time to lodge the ENS out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bcp.domain.consignments.deadlines import (
    DeadlineTableError,
    Journey,
    TimeKind,
    Times,
    TransportMode,
    build_deadlines,
)
from bcp.domain.consignments.model import ConsignmentFacts, DocumentKind, check_consignment
from bcp.domain.errors import InvalidInput
from bcp.store.reflex_files import load_deadlines

TABLE = load_deadlines()
LOADING = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
DEPARTURE = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    """A time `hours` after the departure."""
    return DEPARTURE + timedelta(hours=hours)


# case,                  loading, departure, arrival,  ENS due at the latest
SHEET = [
    ("air-placi", LOADING, DEPARTURE, at(9), LOADING),  # before loading
    ("air-short-haul", LOADING, DEPARTURE, at(2), DEPARTURE),  # by departure
    ("air-short-haul", LOADING, DEPARTURE, at(3.99), DEPARTURE),  # 3 h 59: still short
    ("air-long-haul", LOADING, DEPARTURE, at(4), at(0)),  # exactly 4 h: 4 h before arrival
    ("air-long-haul", LOADING, DEPARTURE, at(11), at(7)),  # 11 h flight
    (
        "maritime-containerised",
        LOADING,
        None,
        at(200),
        LOADING - timedelta(hours=24),
    ),  # 24 h before loading
    ("maritime-bulk", None, None, at(100), at(96)),  # 4 h before arrival
    ("maritime-short-sea", None, None, at(30), at(28)),  # Tangier to Marseille: 2 h
    ("inland-waterway", None, None, at(10), at(8)),  # 2 h before arrival
    ("rail-short", None, DEPARTURE, at(1.5), at(0.5)),  # under 2 h: 1 h before
    ("rail", None, DEPARTURE, at(2), at(0)),  # exactly 2 h: other cases
    ("rail", None, DEPARTURE, at(30), at(28)),  # 2 h before arrival
    ("road", None, None, at(5), at(4)),  # 1 h before arrival
]


@pytest.mark.parametrize(("case", "loading", "departure", "arrival", "due"), SHEET)
def test_the_ens_is_due_as_the_regulation_says(case, loading, departure, arrival, due):
    deadline = TABLE.deadline(case, Times(loading, departure, arrival))
    assert deadline.at == due
    assert deadline.missing is None


@pytest.mark.parametrize(
    ("case", "missing"),
    [
        ("air-placi", TimeKind.LOADING),
        ("air-short-haul", TimeKind.DEPARTURE),
        ("air-long-haul", TimeKind.ARRIVAL),
        ("maritime-containerised", TimeKind.LOADING),
        ("road", TimeKind.ARRIVAL),
    ],
)
def test_a_deadline_without_its_time_says_which_is_missing(case, missing):
    deadline = TABLE.deadline(case, Times())
    assert deadline.at is None
    assert deadline.missing is missing


def facts(case: str, departure=None, arrival=None, **kw) -> ConsignmentFacts:
    return ConsignmentFacts(
        document_kind=kw.pop("kind", DocumentKind.AWB_MASTER),
        document_number=kw.pop("number", "020-12345675"),
        case=case,
        means_of_transport="AF0123",
        office_of_first_entry="FR004100",
        departure_at=departure,
        arrival_at=arrival,
        **kw,
    )


def test_a_flight_of_exactly_four_hours_is_a_long_haul_flight():
    check_consignment(facts("air-long-haul", DEPARTURE, at(4)), TABLE, DEPARTURE)
    with pytest.raises(InvalidInput) as refusal:
        check_consignment(facts("air-short-haul", DEPARTURE, at(4)), TABLE, DEPARTURE)
    assert [e.field for e in refusal.value.errors] == ["case"]


def test_a_train_under_two_hours_is_not_an_other_case():
    with pytest.raises(InvalidInput) as refusal:
        check_consignment(
            facts("rail", DEPARTURE, at(1.5), kind=DocumentKind.CIM, number="CIM 1"),
            TABLE,
            DEPARTURE,
        )
    assert [e.field for e in refusal.value.errors] == ["case"]


def test_the_cases_that_fit_a_journey():
    fitting = TABLE.fitting(TransportMode.AIR, Times(None, DEPARTURE, at(5)))
    assert [c.id for c in fitting] == ["air-placi", "air-long-haul"]


def test_every_case_cites_its_source():
    assert all(
        c.source.document.startswith("Delegated Regulation (EU) 2015/2446") for c in TABLE.cases
    )
    assert {c.mode for c in TABLE.cases} == set(TransportMode)


def test_a_journey_bound():
    four = timedelta(hours=4)
    assert Journey(under=four).holds(four - timedelta(seconds=1))
    assert not Journey(under=four).holds(four)
    assert Journey(at_least=four).holds(four)


def test_a_faulty_table_is_refused_with_its_case():
    data = {
        "version": "x",
        "title": {"fr": "x", "en": "x"},
        "sources": {"da": {"document": "d", "date": "2015"}},
        "cases": [
            {
                "id": "road",
                "mode": "road",
                "title": {"fr": "r", "en": "r"},
                "counts_from": "arrival",
                "before": "1 hour",
                "source": {"ref": "da", "section": "s"},
            }
        ],
    }
    with pytest.raises(DeadlineTableError, match="duration"):
        build_deadlines(data)
    data["cases"][0]["before"] = "1h"
    data["cases"][0]["colour"] = "red"
    with pytest.raises(DeadlineTableError, match="unknown keys"):
        build_deadlines(data)
