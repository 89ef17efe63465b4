"""Tables, as SQLAlchemy 2 typed models. Change them only together with an Alembic migration."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bcp.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {  # noqa: RUF012 (SQLAlchemy's documented form)
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    eori: Mapped[str] = mapped_column(String(17), unique=True)
    siret: Mapped[str | None] = mapped_column(String(14))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime]
    # Holds UUM&DS access and an STP profile: can lodge on the portal when its EDI chain is down.
    stp_access: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    provider: Mapped[OrganisationRow | None] = relationship(remote_side=[id])


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    notify_topics: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    # Part of every browser session's identity: raised when the user signs out, a password is
    # set, the role or organisation changes or the account is deactivated, which ends every
    # session opened before.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The person's own choices, wherever they sign in: the language of their pages and e-mails
    # (None: the browser's, and French for e-mails), and the desk queue's sound.
    language: Mapped[str | None] = mapped_column(String(2))
    queue_sound: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    organisation: Mapped[OrganisationRow | None] = relationship()


class ApiTokenRow(Base):
    """Only the SHA-256 of a token is kept: a leaked database leaks no usable token."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[UserRow] = relationship()


class AccountChangesRow(Base):
    """One row: how many times the organisations, the users or the API tokens (but for a
    token's record of use) have changed, counted by triggers (migration c8f1a3e5d7b9) whatever
    writes them. Each process keeps who a token or a session stands for while it stays the
    same (bcp.services.recent.KeptUntilChanged)."""

    __tablename__ = "account_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    changes: Mapped[int] = mapped_column(Integer, default=0)


class IncidentRow(Base):
    __tablename__ = "incidents"
    # No index on declared_at alone: SQLite's planner would walk it to avoid a sort and scan
    # every closed incident to find the few open ones (measured by `make bench`, 100,000 rows).
    __table_args__ = (
        Index("ix_incidents_state_declared_at", "state", "declared_at"),
        Index("ix_incidents_organisation_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    component: Mapped[str] = mapped_column(String(20), index=True)
    scope: Mapped[str] = mapped_column(String(20))
    side: Mapped[str] = mapped_column(String(20))
    planned: Mapped[bool] = mapped_column(Boolean)
    planned_until: Mapped[datetime | None]
    modes: Mapped[list[str]] = mapped_column(JSON)
    channel: Mapped[str] = mapped_column(String(3))
    ens_operations: Mapped[list[str]] = mapped_column(JSON)
    ens_waiting: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime]
    declared_at: Mapped[datetime]
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(20))
    reflex_version: Mapped[str | None] = mapped_column(String(40))
    rule_id: Mapped[str | None] = mapped_column(String(80))
    procedure_id: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer)
    # The first acknowledgement and recovery, as the timeline has them (written with the events).
    acknowledged_at: Mapped[datetime | None]
    recovered_at: Mapped[datetime | None]
    # The desk's notice whose outage this incident is part of (see bcp.domain.notices).
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("notices.id"), index=True)
    # When the scheduler should next look at this open incident (bcp.domain.watch.next_watch);
    # NULL: at its next tick. Every save sets it to NULL; a use case that has just run the
    # incident's rules (the scheduler's look, a declaration, a change) then writes the time.
    watch_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    organisation: Mapped[OrganisationRow | None] = relationship()
    events: Mapped[list[TimelineEventRow]] = relationship(
        order_by="TimelineEventRow.seq", back_populates="incident"
    )


class NoticeRow(Base):
    """An outage notice of the desk. Its current fields are kept here for queries; what was said
    and when is in its updates, which are append-only (database triggers)."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_closed_at_starts_at", "closed_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    components: Mapped[list[str]] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    expected_end: Mapped[datetime | None]
    messages: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    updates: Mapped[list[NoticeUpdateRow]] = relationship(
        order_by="NoticeUpdateRow.seq", back_populates="notice"
    )


class NoticeUpdateRow(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see its migration)."""

    __tablename__ = "notice_updates"
    __table_args__ = (UniqueConstraint("notice_id", "seq", name="uq_notice_updates_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(30))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict[str, Any]]

    notice: Mapped[NoticeRow] = relationship(back_populates="updates")


class TimelineEventRow(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the first migration)."""

    __tablename__ = "timeline_events"
    __table_args__ = (UniqueConstraint("incident_id", "seq", name="uq_timeline_events_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(40))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str | None] = mapped_column(String(20))
    state_before: Mapped[str | None] = mapped_column(String(20))
    state_after: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(Text)

    incident: Mapped[IncidentRow] = relationship(back_populates="events")


class FallbackReferenceRow(Base):
    """One reference per fallback filing, numbered per organisation and year without gaps."""

    __tablename__ = "fallback_references"
    __table_args__ = (
        UniqueConstraint("organisation_id", "year", "sequence", name="uq_fallback_references_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(60), unique=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ReflexActivationRow(Base):
    """Which rules-table version is active: the latest row. Activations are never edited."""

    __tablename__ = "reflex_activations"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    activated_at: Mapped[datetime]
    activated_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)


class OutboxRow(Base):
    """A notification to send, written in the same transaction as the event that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    topic: Mapped[str] = mapped_column(String(60))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class AuditEventRow(Base):
    """Who did what outside incidents (sign-ins, users, organisations, contacts). Append-only:
    database triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_action_at", "action", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]]
    ip: Mapped[str | None] = mapped_column(String(64))


class AttachmentRow(Base):
    """Evidence attached to an incident (PDF, PNG, EML), kept in the database with its digest so
    that it is saved in the same transaction as the timeline event that cites it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ConsignmentRow(Base):
    """A consignment at stake in an incident (bcp.domain.consignments): its current state, for
    queries; every change to it is also an event of the incident's timeline."""

    __tablename__ = "consignments"
    __table_args__ = (
        UniqueConstraint(
            "incident_id", "document_kind", "document_number", name="uq_consignments_document"
        ),
        Index("ix_consignments_incident_id_state", "incident_id", "state"),
        Index("ix_consignments_state_deadline_at", "state", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"))
    document_kind: Mapped[str] = mapped_column(String(30))
    document_number: Mapped[str] = mapped_column(String(35))
    case: Mapped[str] = mapped_column(String(40))
    means_of_transport: Mapped[str] = mapped_column(String(70))
    office_of_first_entry: Mapped[str] = mapped_column(String(8))
    loading_at: Mapped[datetime | None]
    departure_at: Mapped[datetime | None]
    arrival_at: Mapped[datetime | None]
    lrn: Mapped[str | None] = mapped_column(String(22))
    note: Mapped[str] = mapped_column(Text)
    deadline_at: Mapped[datetime | None]
    deadline_missing: Mapped[str | None] = mapped_column(String(20))
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))
    fallback_reference: Mapped[str | None] = mapped_column(String(60))
    sent_at: Mapped[datetime | None]
    sent_by: Mapped[str | None] = mapped_column(String(200))
    mrn: Mapped[str | None] = mapped_column(String(18))
    lodged_at: Mapped[datetime | None]
    lodged_by: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    settled_at: Mapped[datetime | None]
    settled_by: Mapped[str | None] = mapped_column(String(200))
    referral: Mapped[int | None] = mapped_column(Integer)
    reminded_at: Mapped[datetime | None]


class ContactRow(Base):
    """An admin's correction of a contact of the rules table (service desk address, phone)."""

    __tablename__ = "contacts"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(200))


class PostMortemRow(Base):
    """A manager's post-mortem of a closed incident; frozen once finalised (see the domain)."""

    __tablename__ = "postmortems"

    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), primary_key=True)
    summary: Mapped[str] = mapped_column(Text)
    impact: Mapped[str] = mapped_column(Text)
    ens_delayed: Mapped[int] = mapped_column(Integer)
    consignments_delayed: Mapped[int] = mapped_column(Integer)
    root_cause: Mapped[str] = mapped_column(Text)
    went_well: Mapped[str] = mapped_column(Text)
    to_change: Mapped[str] = mapped_column(Text)
    action_items: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(200))
    finalised_at: Mapped[datetime | None]
    finalised_by: Mapped[str | None] = mapped_column(String(200))
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    timeline_sha256: Mapped[str | None] = mapped_column(String(64))


class DeliveryRow(Base):
    """One notification to one recipient (an e-mail address or a webhook), sent with retries.
    Its idempotency key travels with it, so that a receiver applies it once."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(500))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime]
    leased_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(2))  # an e-mail's; None for a webhook


class WebhookRow(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    url: Mapped[str] = mapped_column(String(500))
    # Standard Webhooks secrets ("whsec_" + base64): the current one, and the one it replaced,
    # still used to sign until `previous_secret_until` so that receivers can switch.
    secret: Mapped[str | None] = mapped_column(String(400))
    previous_secret: Mapped[str | None] = mapped_column(String(400))
    previous_secret_until: Mapped[datetime | None]
    topics: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]


class CertificateRow(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    process: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(200))


class ProbeRow(Base):
    __tablename__ = "probes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    component: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    url: Mapped[str] = mapped_column(String(500))
    method: Mapped[str] = mapped_column(String(10))
    expected_status: Mapped[int] = mapped_column(Integer)
    expected_text: Mapped[str | None] = mapped_column(String(200))
    timeout_seconds: Mapped[float] = mapped_column(Float)
    interval_seconds: Mapped[int] = mapped_column(Integer)
    failures_to_down: Mapped[int] = mapped_column(Integer)
    successes_to_up: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean)
    health: Mapped[str] = mapped_column(String(10))
    failures: Mapped[int] = mapped_column(Integer)
    successes: Mapped[int] = mapped_column(Integer)
    last_message: Mapped[str | None] = mapped_column(Text)
    next_check_at: Mapped[datetime]
    created_at: Mapped[datetime]


class ProbeResultRow(Base):
    __tablename__ = "probe_results"
    __table_args__ = (Index("ix_probe_results_probe_id_at", "probe_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    probe_id: Mapped[int] = mapped_column(ForeignKey("probes.id"))
    at: Mapped[datetime]
    ok: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)


class DraftRow(Base):
    """What the application proposes to a person: an incident to declare (a probe saw a
    component go down, a certificate expired) or a recovery to report."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    component: Mapped[str] = mapped_column(String(20))
    side: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]


class JobMarkRow(Base):
    """Something a job did once and must not do again (a certificate warning sent)."""

    __tablename__ = "job_marks"

    job: Mapped[str] = mapped_column(String(60), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    done_at: Mapped[datetime]


class SchedulerLockRow(Base):
    """On SQLite, the row the acting scheduler holds and refreshes; PostgreSQL uses an
    advisory lock instead."""

    __tablename__ = "scheduler_lock"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    heartbeat_at: Mapped[datetime]


class IdempotencyRow(Base):
    """The first answer to a POST of the API sent with an Idempotency-Key, replayed when the same
    key and body come again (a client retrying after a lost response) within the retention."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(255))
    request: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    status: Mapped[int | None] = mapped_column(Integer)  # None while the first is being served
    content_type: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
