"""What a query planner cannot know from its statistics, said in the query.

Nearly every incident is closed: of 100,000, a few dozen are open. SQLite's statistics
(sqlite_stat1, built by ANALYZE; this build has no histograms) give only the average number of
rows per state, and after ANALYZE its planner believes that "state IN (the open ones)" selects
most of the table, so it scans it: the desk's queue cost 4.5 ms a request at 20,000 incidents,
22 ms at 100,000 (`bench.profile`). PostgreSQL's statistics know the most common values and need
no help.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Boolean
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from bcp.domain.lifecycle import OPEN_STATES, State
from bcp.store.models import IncidentRow

RARE = 0.001
"""The share of rows a seldom condition is said to keep."""


class seldom(FunctionElement[bool]):  # noqa: N801 (an SQL function's name)
    """A condition few rows meet: on SQLite `likelihood(condition, 0.001)`, which the planner
    takes as a hint and then drops; elsewhere the condition itself."""

    type = Boolean()
    inherit_cache = True
    name = "seldom"
    _is_implicitly_boolean = True  # a condition itself: SQLite needs no "= 1" after it


@compiles(seldom)
def _as_is(element: seldom, compiler, **kw) -> str:
    return f"({compiler.process(element.clauses, **kw)})"


@compiles(seldom, "sqlite")
def _likelihood(element: seldom, compiler, **kw) -> str:
    return f"likelihood({compiler.process(element.clauses, **kw)}, {RARE})"


def incident_open(states: Iterable[State] = OPEN_STATES) -> ColumnElement[bool]:
    """The incident is in one of these open states (all of them by default): a few rows."""
    wanted = sorted(s.value for s in states)
    if any(not State(s).is_open for s in wanted):
        raise ValueError("incident_open takes open states only")
    return seldom(IncidentRow.state.in_(wanted))
