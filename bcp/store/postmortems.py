"""Loading and saving post-mortems."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bcp.domain.postmortem import ActionItem, PostMortem
from bcp.store.models import PostMortemRow


def stamp(session: Session, incident_id: int) -> tuple | None:
    """When the post-mortem was last saved and finalised (None: none written yet)."""
    row = session.execute(
        select(PostMortemRow.updated_at, PostMortemRow.finalised_at).where(
            PostMortemRow.incident_id == incident_id
        )
    ).first()
    return None if row is None else tuple(row)


def load(session: Session, incident_id: int) -> PostMortem:
    row = session.get(PostMortemRow, incident_id)
    if row is None:
        return PostMortem(incident_id=incident_id)
    return PostMortem(
        incident_id=incident_id,
        summary=row.summary,
        impact=row.impact,
        ens_delayed=row.ens_delayed,
        consignments_delayed=row.consignments_delayed,
        root_cause=row.root_cause,
        went_well=row.went_well,
        to_change=row.to_change,
        action_items=tuple(
            ActionItem(i["what"], i["owner"], date.fromisoformat(i["due"]))
            for i in row.action_items
        ),
        finalised_at=row.finalised_at,
        finalised_by=row.finalised_by,
        content_sha256=row.content_sha256,
        timeline_sha256=row.timeline_sha256,
    )


def save(session: Session, postmortem: PostMortem, by: str, now: datetime) -> None:
    row = session.get(PostMortemRow, postmortem.incident_id)
    if row is None:
        row = PostMortemRow(incident_id=postmortem.incident_id)
        session.add(row)
    content = postmortem.content()
    for name in (
        "summary",
        "impact",
        "ens_delayed",
        "consignments_delayed",
        "root_cause",
        "went_well",
        "to_change",
        "action_items",
    ):
        setattr(row, name, content[name])
    row.updated_at, row.updated_by = now, by
    row.finalised_at, row.finalised_by = postmortem.finalised_at, postmortem.finalised_by
    row.content_sha256, row.timeline_sha256 = postmortem.content_sha256, postmortem.timeline_sha256
    session.flush()
