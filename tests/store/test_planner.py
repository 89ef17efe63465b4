"""The queries for open incidents read the state index, never the whole table, even when the
statistics say (as they do on any real database) that nearly every incident is closed: SQLite
is told so (bcp.store.planner), PostgreSQL's statistics know it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, insert, text

from bcp.domain.actors import Actor, Role
from bcp.domain.lifecycle import State
from bcp.store import drafts
from bcp.store.consignments import ConsignmentRepository
from bcp.store.incidents import IncidentFilter, IncidentRepository
from bcp.store.models import IncidentRow
from bcp.store.planner import incident_open
from tests.conftest import T0

CLOSED, OPEN = 3000, 3


@pytest.fixture
def mostly_closed(session_factory):
    """3,000 closed incidents, the statistics taken (ANALYZE, as SQLite's `PRAGMA optimize` or
    PostgreSQL's autovacuum would have done last night), then 3 incidents declared this
    morning."""
    states = [State.CLOSED] * CLOSED + [State.DECLARED, State.ACKNOWLEDGED, State.FALLBACK_ACTIVE]
    rows = [
        {
            "component": "STI",
            "scope": "organisation",
            "side": "administration",
            "planned": False,
            "modes": ["air"],
            "channel": "EDI",
            "ens_operations": ["lodge"],
            "ens_waiting": 0,
            "summary": "STI ne répond plus",
            "description": "",
            "started_at": T0 - timedelta(hours=n),
            "declared_at": T0 - timedelta(hours=n),
            "state": state.value,
            "updated_at": T0,
            "version": 1,
        }
        for n, state in enumerate(states)
    ]
    with session_factory() as session:
        session.execute(insert(IncidentRow), rows[:CLOSED])
        session.commit()
        session.execute(text("ANALYZE"))
        session.commit()
        session.execute(insert(IncidentRow), rows[CLOSED:])
        session.commit()
    return session_factory


def plans_of(session, query) -> list[str]:
    """The database's plan of every statement that `query()` runs."""
    seen = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        query()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    plans = []
    for statement, parameters in seen:
        if statement.lstrip().upper().startswith("SELECT"):
            sqlite = session.get_bind().dialect.name == "sqlite"
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = session.connection().exec_driver_sql(explain + statement, parameters)
            plans.append(" / ".join(str(row[-1]) for row in rows))
    assert plans, "the query ran no SELECT"
    return plans


def desk() -> Actor:
    return Actor(1, "Douane", Role.DESK)


QUERIES = {
    "the desk's queue": lambda s: IncidentRepository(s).waiting(50),
    "the incidents in progress": lambda s: IncidentRepository(s).list(
        desk(),
        IncidentFilter(
            states=(State.ACKNOWLEDGED, State.FALLBACK_ACTIVE, State.RECOVERED), limit=500
        ),
    ),
    "the scheduler's open incidents": lambda s: IncidentRepository(s).open_ids(),
    "the scheduler's incidents due a look": lambda s: IncidentRepository(s).due_for_watch(T0),
    "the dashboard's open counts": lambda s: IncidentRepository(s).open_counts(),
    "the board's outages without a notice": lambda s: IncidentRepository(s).open_outages(),
    "a notice's open incidents": lambda s: IncidentRepository(s).following(1),
    "an operator's incident under a notice": lambda s: IncidentRepository(s).following_for(1, 1),
    "the outages a new notice takes in": lambda s: IncidentRepository(s).unlinked_on(["STI"]),
    "a draft's open incident": lambda s: drafts.open_incident_on(s, "STI", None),
    "the goods at risk": lambda s: ConsignmentRepository(s).at_risk_soonest(20),
    "the deadlines to remind": lambda s: ConsignmentRepository(s).incidents_with_deadlines_before(
        T0
    ),
}


@pytest.mark.parametrize("name", QUERIES)
def test_reads_the_open_incidents_through_the_state_index(mostly_closed, name):
    with mostly_closed() as session:
        plans = plans_of(session, lambda: QUERIES[name](session))
    for plan in plans:
        assert "SCAN incidents" not in plan and "Seq Scan on incidents" not in plan, plan


def test_the_hint_changes_no_answer(mostly_closed):
    with mostly_closed() as session:
        rows, total = IncidentRepository(session).waiting(50)
        assert total == 1 and [r.id for r in rows] == [CLOSED + 1]
        assert sorted(IncidentRepository(session).open_ids()) == [
            CLOSED + 1,
            CLOSED + 2,
            CLOSED + 3,
        ]


def test_closed_states_are_not_open_ones():
    with pytest.raises(ValueError):
        incident_open([State.CLOSED])
