"""UUM&DS certificates: recorded per organisation, watched for expiry."""

from __future__ import annotations

from datetime import date, datetime, time

from bcp.domain.actors import Actor, Role
from bcp.domain.certificates import Certificate, CertificateStatus, check, due_warning, expired
from bcp.domain.clock import PARIS, Clock, in_paris
from bcp.domain.errors import NotAllowed, invalid
from bcp.domain.messages import N_
from bcp.services.drafts import propose
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.audit import audit
from bcp.store.certificates import certificates, job_marks
from bcp.store.models import CertificateRow, JobMarkRow, OrganisationRow
from bcp.store.outbox import Message, enqueue


def record_certificate(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    organisation_id: int,
    *,
    label: str,
    valid_from: date,
    valid_until: date,
    process: int,
    status: str = "active",
) -> int:
    """Admins record any organisation's certificate; an operator its own organisation's."""
    if not (
        actor.role is Role.ADMIN
        or (actor.role is Role.OPERATOR and actor.organisation_id == organisation_id)
    ):
        raise NotAllowed(N_("an admin, or the organisation itself, records its certificate"))
    check(valid_from, valid_until, process, label)
    try:
        CertificateStatus(status)
    except ValueError:
        raise invalid("status", N_("active or revoked")) from None
    with uow:
        if uow.session.get(OrganisationRow, organisation_id) is None:
            raise invalid("organisation", N_("no such organisation"))
        row = CertificateRow(
            organisation_id=organisation_id,
            label=label.strip(),
            valid_from=valid_from,
            valid_until=valid_until,
            status=status,
            process=process,
            recorded_at=clock.now(),
            recorded_by=actor.label,
        )
        uow.session.add(row)
        uow.session.flush()
        audit(
            uow.session,
            actor,
            "certificate_recorded",
            str(organisation_id),
            clock.now(),
            label=label,
            valid_until=valid_until.isoformat(),
            status=status,
        )
        uow.commit()
        return row.id


def certificates_of(uow: UnitOfWork, organisation_id: int | None = None) -> list[CertificateRow]:
    with uow.reading():
        return certificates(uow.session, organisation_id)


def watch_certificates(uow: UnitOfWork, clock: Clock) -> list[str]:
    """Warnings 60, 30 and 7 days ahead; a draft UUMDS incident on the day. Returns what it did."""
    now = clock.now()
    today = in_paris(now).date()
    done = []
    with uow:
        rows = certificates(uow.session)
        marks = job_marks(uow.session)
        for row in rows:
            cert = Certificate(
                row.id,
                row.organisation_id,
                row.label,
                row.valid_from,
                row.valid_until,
                CertificateStatus(row.status),
                row.process,
            )
            sent = {
                int(k.split(":")[1])
                for j, k in marks
                if j == "certificate_warning" and k.startswith(f"{row.id}:")
            }
            days = due_warning(cert, today, sent)
            if days is not None:
                key = f"{row.id}:{days}"
                uow.session.add(JobMarkRow(job="certificate_warning", key=key, done_at=now))
                message = Message(
                    topic="certificate.expiring",
                    idempotency_key=f"certificate-{key}",
                    incident_id=None,
                    payload={
                        "organisation_id": row.organisation_id,
                        "event": "certificate",
                        "summary": f"Certificate {row.label} expires on "
                        f"{row.valid_until:%d/%m/%Y} ({days} days)",
                        "component": "UUMDS",
                        "certificate_id": row.id,
                        "certificate": {
                            "label": row.label,
                            "valid_until": f"{row.valid_until:%d/%m/%Y}",
                            "days": days,
                        },
                    },
                    now=now,
                )
                enqueue(uow.session, [message])
                done.append(f"warning {days} days: certificate {row.id}")
            if expired(cert, today) and ("certificate_expired", str(row.id)) not in marks:
                uow.session.add(JobMarkRow(job="certificate_expired", key=str(row.id), done_at=now))
                reason = "revoked" if cert.status is CertificateStatus.REVOKED else "expired"
                draft = propose(
                    uow,
                    kind="incident",
                    organisation_id=row.organisation_id,
                    component="UUMDS",
                    side="operator",
                    summary=f"Certificate {row.label} {reason}",
                    detail=f"UUM&DS certificate {row.label} (process {row.process}) is {reason}: "
                    f"valid until {row.valid_until:%d/%m/%Y}.",
                    started_at=datetime.combine(row.valid_until, time(0), tzinfo=PARIS)
                    if reason == "expired"
                    else now,
                    source=f"certificate {row.id}",
                    now=now,
                )
                if draft is not None:
                    done.append(f"draft incident: certificate {row.id} {reason}")
        uow.commit()
    return done
