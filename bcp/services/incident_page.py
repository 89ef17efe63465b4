"""What an incident's page shows: the incident with its goods, and the contacts its procedure
names (as admins corrected them), read together (UnitOfWork.reading)."""

from __future__ import annotations

from dataclasses import dataclass

from bcp.domain.reflexes.model import Contact, ReflexTable
from bcp.services.consignments import GoodsView, get_goods
from bcp.services.contacts import Corrections, effective_contacts
from bcp.services.context import Context
from bcp.services.recent import Recent


@dataclass(frozen=True)
class IncidentPage:
    goods: GoodsView
    table: ReflexTable | None
    """The rules table the incident's procedure comes from (None: no procedure chosen)."""
    contacts: dict[str, Contact]


def incident_page(
    ctx: Context, incident_id: int, corrections: Recent[Corrections] | None = None
) -> IncidentPage:
    """`corrections`: the admins' corrections of the contacts as this process read them a
    moment ago (None: read them)."""
    with ctx.uow.reading():
        goods = get_goods(ctx, incident_id)
        reflex = goods.incident.incident.reflex
        table = ctx.library.get(reflex.table_version) if reflex else None
        contacts = effective_contacts(ctx.uow, table, corrections) if table else {}
    return IncidentPage(goods, table, contacts)
