"""The administration's outage as one act: the organisations that can lodge on STP, and every
open outage the desk had declared for everyone turned into the notice that now stands for it.

Such an incident becomes a notice with the same component, start, expected end and title; its
fallback authorisation, if any, the notice's fallback window (the BCP activated, for every mode
and office, by whoever authorised it); its recovery, the notice closed. The incident itself is
kept, with its whole timeline, and ends with a `replaced_by_notice` event (state cancelled,
linked to its notice), so that nothing recorded is lost and nothing counts twice. Operators' open
incidents on that component that no notice covers are linked to it. Closed outages for everyone
stay as they were: history.

Revision ID: d7e2f4a9b6c1
Revises: c5d1e8f0a2b3
Create Date: 2026-12-01 18:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "d7e2f4a9b6c1"
down_revision = "c5d1e8f0a2b3"
branch_labels = None
depends_on = None

OPEN = ("declared", "acknowledged", "fallback_active", "recovered")
EVERYONE = ("eu", "national")
MIGRATION = "bcp migration d7e2f4a9b6c1"
LEGAL_BASIS = "Implementing Regulation (EU) 2023/1070, Art. 105(5); UCC Art. 6(3)(b)"

metadata = sa.MetaData()
incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("organisation_id", sa.Integer),
    sa.Column("component", sa.String),
    sa.Column("scope", sa.String),
    sa.Column("side", sa.String),
    sa.Column("planned", sa.Boolean),
    sa.Column("planned_until", sa.DateTime(timezone=True)),
    sa.Column("summary", sa.String),
    sa.Column("description", sa.Text),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("declared_at", sa.DateTime(timezone=True)),
    sa.Column("declared_by_id", sa.Integer),
    sa.Column("state", sa.String),
    sa.Column("updated_at", sa.DateTime(timezone=True)),
    sa.Column("version", sa.Integer),
    sa.Column("notice_id", sa.Integer),
)
events = sa.Table(
    "timeline_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("incident_id", sa.Integer),
    sa.Column("seq", sa.Integer),
    sa.Column("at", sa.DateTime(timezone=True)),
    sa.Column("kind", sa.String),
    sa.Column("actor_user_id", sa.Integer),
    sa.Column("actor_label", sa.String),
    sa.Column("actor_role", sa.String),
    sa.Column("state_before", sa.String),
    sa.Column("state_after", sa.String),
    sa.Column("changes", sa.JSON),
    sa.Column("note", sa.Text),
)
notices = sa.Table(
    "notices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("components", sa.JSON),
    sa.Column("kind", sa.String),
    sa.Column("reason", sa.String),
    sa.Column("title", sa.String),
    sa.Column("starts_at", sa.DateTime(timezone=True)),
    sa.Column("expected_end", sa.DateTime(timezone=True)),
    sa.Column("messages", sa.Text),
    sa.Column("published_at", sa.DateTime(timezone=True)),
    sa.Column("published_by_id", sa.Integer),
    sa.Column("closed_at", sa.DateTime(timezone=True)),
    sa.Column("version", sa.Integer),
)
updates = sa.Table(
    "notice_updates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("notice_id", sa.Integer),
    sa.Column("seq", sa.Integer),
    sa.Column("at", sa.DateTime(timezone=True)),
    sa.Column("kind", sa.String),
    sa.Column("actor_user_id", sa.Integer),
    sa.Column("actor_label", sa.String),
    sa.Column("text", sa.Text),
    sa.Column("changes", sa.JSON),
)


def upgrade() -> None:
    op.add_column(
        "organisations",
        sa.Column("stp_access", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    bind = op.get_bind()
    now = datetime.now(UTC)
    outages = bind.execute(
        sa.select(incidents)
        .where(incidents.c.scope.in_(EVERYONE), incidents.c.state.in_(OPEN))
        .order_by(incidents.c.id)
    ).all()
    for outage in outages:
        _replace(bind, outage, now)


def _replace(bind: sa.Connection, outage, now: datetime) -> None:
    timeline = bind.execute(
        sa.select(events).where(events.c.incident_id == outage.id).order_by(events.c.seq)
    ).all()
    planned = bool(outage.planned) and (
        outage.planned_until is None or _aware(outage.planned_until) > now
    )
    notice_id = bind.execute(
        notices.insert()
        .values(
            components=[outage.component],
            kind="scheduled" if planned else "unscheduled",
            reason="scheduled_maintenance" if planned else "undetermined",
            title=outage.summary[:200],
            starts_at=outage.started_at,
            expected_end=outage.planned_until,
            messages=outage.description or "",
            published_at=outage.declared_at,
            published_by_id=outage.declared_by_id,
            closed_at=None,
            version=1,
        )
        .returning(notices.c.id)
    ).scalar_one()
    declared = timeline[0] if timeline else None
    rows = [
        {
            "at": outage.declared_at,
            "kind": "published",
            "actor_user_id": outage.declared_by_id,
            "actor_label": declared.actor_label if declared else MIGRATION,
            "text": outage.summary[:200],
            "changes": {
                "components": [outage.component],
                "kind": "scheduled" if planned else "unscheduled",
                "reason": "scheduled_maintenance" if planned else "undetermined",
                "starts_at": _aware(outage.started_at).isoformat(),
                "expected_end": _iso(outage.planned_until),
                "short_notice": None,
                "from_incident": outage.id,
            },
        }
    ]
    for event in timeline:
        if event.kind == "fallback_activated":
            rows.append(
                {
                    "at": event.at,
                    "kind": "fallback_opened",
                    "actor_user_id": event.actor_user_id,
                    "actor_label": event.actor_label,
                    "text": event.note or "",
                    "changes": {
                        "since": _aware(event.at).isoformat(),
                        "decided_by": event.actor_label,
                        "decided_at": _aware(event.at).isoformat(),
                        "modes": [],
                        "offices": [],
                        "until": None,
                        "legal_basis": LEGAL_BASIS,
                    },
                }
            )
        elif event.kind == "recovered":
            if rows[-1]["kind"] == "fallback_opened":
                rows.append({**_update(event, "fallback_closed"), "text": event.note or ""})
            rows.append({**_update(event, "closed"), "text": event.note or "service restored"})
    closed = next((r["at"] for r in rows if r["kind"] == "closed"), None)
    for seq, row in enumerate(rows, start=1):
        bind.execute(updates.insert().values(notice_id=notice_id, seq=seq, **row))
    if closed is not None:
        bind.execute(
            notices.update().where(notices.c.id == notice_id).values(closed_at=closed, version=2)
        )
    last = timeline[-1] if timeline else None
    bind.execute(
        events.insert().values(
            incident_id=outage.id,
            seq=(last.seq if last else 0) + 1,
            at=max(now, _aware(last.at)) if last else now,
            kind="replaced_by_notice",
            actor_user_id=None,
            actor_label=MIGRATION,
            actor_role="system",
            state_before=outage.state,
            state_after="cancelled",
            changes={"notice": notice_id},
            note=f"replaced by notice {notice_id}: the administration's outage is one notice",
        )
    )
    bind.execute(
        incidents.update()
        .where(incidents.c.id == outage.id)
        .values(state="cancelled", notice_id=notice_id, updated_at=now)
    )
    if closed is None:
        _link_operators(bind, outage.component, notice_id, now)


def _link_operators(bind: sa.Connection, component: str, notice_id: int, now: datetime) -> None:
    """Operators' open incidents on the component join the notice; the notice's next change
    decides for them (acknowledged, fallback, recovery) as for any linked incident."""
    joining = bind.execute(
        sa.select(incidents.c.id, incidents.c.state).where(
            incidents.c.component == component,
            incidents.c.side == "administration",
            incidents.c.scope.not_in(EVERYONE),
            incidents.c.notice_id.is_(None),
            incidents.c.state.in_(OPEN[:3]),
        )
    ).all()
    for incident_id, state in joining:
        last = bind.execute(
            sa.select(events.c.seq, events.c.at)
            .where(events.c.incident_id == incident_id)
            .order_by(events.c.seq.desc())
            .limit(1)
        ).first()
        bind.execute(
            events.insert().values(
                incident_id=incident_id,
                seq=(last.seq if last else 0) + 1,
                at=max(now, _aware(last.at)) if last else now,
                kind="notice_linked",
                actor_user_id=None,
                actor_label=f"desk notice {notice_id}",
                actor_role="system",
                state_before=state,
                state_after=state,
                changes={"notice": notice_id, "kind": "unscheduled"},
                note="",
            )
        )
        bind.execute(
            incidents.update().where(incidents.c.id == incident_id).values(notice_id=notice_id)
        )


def _update(event, kind: str) -> dict:
    return {
        "at": event.at,
        "kind": kind,
        "actor_user_id": event.actor_user_id,
        "actor_label": event.actor_label,
        "changes": {},
    }


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive UTC times."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(moment: datetime | None) -> str | None:
    return _aware(moment).isoformat() if moment else None


def downgrade() -> None:
    # The notices written from outages for everyone stay: they are what was announced.
    if op.get_bind().dialect.name == "sqlite":
        # The copy of the table drops and re-inserts the organisations others refer to.
        op.execute("PRAGMA defer_foreign_keys = ON")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("stp_access")
