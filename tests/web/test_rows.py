"""The rows of the incident tables: the desk queue's narrow read of an incident in progress gives
the same seven cells as the incident read whole, as the operator's home and the manager's search
show it (bcp.web.rows)."""

from __future__ import annotations

from bcp.domain.lifecycle import Action, State
from bcp.services import queue
from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident, get_incident
from bcp.web.rows import IncidentCells, incident_cells
from tests.domain.conftest import facts
from tests.typed import as_declaration


def test_an_incident_in_progress_has_the_same_cells_read_narrow_or_whole(
    uow, clock, library, people
):
    carrier = Context(uow, clock, library, people.carrier.actor)
    desk = Context(uow, clock, library, people.desk.actor)
    incident_id = declare_incident(carrier, as_declaration(facts())).incident.id
    waiting = declare_incident(carrier, as_declaration(facts(component="EO_SYSTEM")))
    clock.advance(minutes=5)
    apply_action(desk, incident_id, Action.ACKNOWLEDGE)

    with uow.reading():  # as the desk queue reads it
        followed = queue.in_progress(uow, library)
    [narrow] = incident_cells(followed.latest)  # not the one still waiting
    [whole] = incident_cells([get_incident(desk, incident_id)])

    assert narrow == whole
    assert narrow.id == incident_id and narrow.id != waiting.incident.id
    assert narrow.state is State.ACKNOWLEDGED
    assert narrow.organisation == people.carrier.actor.organisation.name
    assert narrow.procedure_title is not None and narrow.procedure_title("fr")


def test_the_cells_keep_the_order_of_the_list(uow, clock, library, people):
    carrier = Context(uow, clock, library, people.carrier.actor)
    views = [
        declare_incident(carrier, as_declaration(facts(component=c)))
        for c in ("STI", "EO_SYSTEM", "STI")
    ]
    cells = incident_cells(reversed(views))
    assert [c.id for c in cells] == [v.incident.id for v in reversed(views)]
    assert all(isinstance(c, IncidentCells) for c in cells)
    assert [c.component for c in cells] == ["STI", "EO_SYSTEM", "STI"]
