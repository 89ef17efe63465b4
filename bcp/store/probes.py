"""Queries on HTTP probes and their results."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bcp.store.models import ProbeResultRow, ProbeRow


def all_probes(session: Session) -> list[ProbeRow]:
    return list(session.scalars(select(ProbeRow).order_by(ProbeRow.component, ProbeRow.id)))


def due_probe_ids(session: Session, now: datetime) -> list[int]:
    query = select(ProbeRow.id).where(ProbeRow.enabled.is_(True), ProbeRow.next_check_at <= now)
    return list(session.scalars(query.order_by(ProbeRow.id)))


def probes_of(session: Session, component: str) -> list[ProbeRow]:
    query = select(ProbeRow).where(ProbeRow.component == component).order_by(ProbeRow.id)
    return list(session.scalars(query))


def results_since(session: Session, probe_id: int, since: datetime) -> list[ProbeResultRow]:
    query = select(ProbeResultRow).where(
        ProbeResultRow.probe_id == probe_id, ProbeResultRow.at >= since
    )
    return list(session.scalars(query.order_by(ProbeResultRow.at)))


def desk_probes_down(session: Session) -> list[ProbeRow]:
    """The desk's own probes (no organisation), enabled, that say their component is down."""
    query = select(ProbeRow).where(
        ProbeRow.organisation_id.is_(None),
        ProbeRow.enabled.is_(True),
        ProbeRow.health == "down",
    )
    return list(session.scalars(query.order_by(ProbeRow.id)))


def down_since(session: Session, probe_id: int) -> datetime | None:
    """The probe's first failure after its last success (or ever, without one)."""
    last_ok = session.scalar(
        select(ProbeResultRow.at)
        .where(ProbeResultRow.probe_id == probe_id, ProbeResultRow.ok.is_(True))
        .order_by(ProbeResultRow.at.desc())
        .limit(1)
    )
    first_failure = select(ProbeResultRow.at).where(
        ProbeResultRow.probe_id == probe_id, ProbeResultRow.ok.is_(False)
    )
    if last_ok is not None:
        first_failure = first_failure.where(ProbeResultRow.at > last_ok)
    return session.scalar(first_failure.order_by(ProbeResultRow.at).limit(1))
