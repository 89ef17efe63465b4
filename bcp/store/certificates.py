"""Queries on UUM&DS certificates and the marks of what the watch already did."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bcp.store.models import CertificateRow, JobMarkRow


def certificates(session: Session, organisation_id: int | None = None) -> list[CertificateRow]:
    """Soonest expiry first: an organisation's, or every one."""
    query = select(CertificateRow).order_by(CertificateRow.valid_until, CertificateRow.id)
    if organisation_id is not None:
        query = query.where(CertificateRow.organisation_id == organisation_id)
    return list(session.scalars(query))


def job_marks(session: Session) -> set[tuple[str, str]]:
    return {(m.job, m.key) for m in session.scalars(select(JobMarkRow))}
