"""What the documents say: gathered here, rendered by bcp.reports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from bcp.domain.actors import Actor, Role
from bcp.domain.clock import PARIS
from bcp.domain.consignments.goods import GoodsSummary, soonest_first, summarise
from bcp.domain.consignments.model import Consignment
from bcp.domain.errors import NotAllowed, NotFound, invalid
from bcp.domain.fields import EARLIEST_YEAR, LATEST_YEAR
from bcp.domain.incident import Incident
from bcp.domain.lifecycle import State
from bcp.domain.messages import N_
from bcp.domain.postmortem import PostMortem, edit, finalise, timeline_digest, verify
from bcp.domain.referrals import KindFigures, figures
from bcp.domain.reflexes.progress import StepStatus
from bcp.domain.statistics import AcknowledgementFigures, acknowledgement_figures, group
from bcp.services.context import Context
from bcp.services.dashboard import Row, summary_rows
from bcp.services.incidents import IncidentView, list_incidents, load_visible, view_of
from bcp.settings import Settings
from bcp.store import postmortems
from bcp.store.incidents import IncidentFilter
from bcp.store.outbox import outbox_of, outbox_stamps

PERIOD_MAX_DAYS = 5 * 366
PERIOD_MAX_INCIDENTS = 100_000


@dataclass(frozen=True)
class Notification:
    topic: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    attempts: int


@dataclass(frozen=True)
class StepLine:
    status: StepStatus

    @property
    def on_time(self) -> bool | None:
        """Settled before its due time; None while it is still open or has no due time."""
        s = self.status
        if s.at is None or s.due_at is None:
            return None
        return s.at <= s.due_at


@dataclass(frozen=True)
class IncidentReport:
    view: IncidentView
    acknowledgement_target: timedelta
    steps: list[StepLine]
    notifications: list[Notification]
    postmortem: PostMortem | None
    timeline_sha256: str
    integrity: dict[str, bool] | None
    consignments: list[Consignment] = field(default_factory=list)
    goods: GoodsSummary = field(default_factory=GoodsSummary)

    @property
    def incident(self) -> Incident:
        return self.view.incident

    @property
    def acknowledged_in_time(self) -> bool | None:
        took = self.view.durations.time_to_acknowledge
        return None if took is None else took <= self.acknowledgement_target


def document_stamp(ctx: Context, incident_id: int, *, with_postmortem: bool = False) -> tuple:
    """What an incident's documents are made of, read in a few narrow rows instead of its
    timeline and consignments: a PDF rendered before is served again while its stamp is the
    same (bcp.reports.render). Refused as `incident_report` would refuse."""
    with ctx.uow.reading():
        stamp = ctx.uow.incidents.document_stamp(incident_id, ctx.actor)
        if stamp is None:
            raise NotFound(N_("no incident %(incident_id)s"), incident_id=incident_id)
        _check_export(ctx.actor, stamp.organisation_id)
        notifications = outbox_stamps(ctx.uow.session, incident_id)
        postmortem = postmortems.stamp(ctx.uow.session, incident_id) if with_postmortem else None
    # durations run while the incident is open: its documents change by the minute
    running = ctx.clock.now().replace(second=0, microsecond=0) if stamp.open else None
    return (incident_id, stamp.version, stamp.last_seq, tuple(notifications), postmortem, running)


def incident_report(
    ctx: Context,
    settings: Settings,
    incident_id: int,
    *,
    with_postmortem: bool = False,
) -> IncidentReport:
    with ctx.uow.reading():
        incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id)
        _check_export(ctx.actor, incident.organisation.id if incident.organisation else None)
        rows = outbox_of(ctx.uow.session, incident_id)
        notifications = [
            Notification(r.topic, r.status, r.created_at, r.sent_at, r.attempts) for r in rows
        ]
        postmortem = postmortems.load(ctx.uow.session, incident_id) if with_postmortem else None
        consignments = soonest_first(ctx.uow.consignments.shown_of_incident(incident_id))
    if with_postmortem and incident.state is not State.CLOSED:
        raise invalid("incident", N_("a post-mortem is made for a closed incident"))
    view = view_of(incident, ctx.actor, ctx.clock.now())
    return IncidentReport(
        view=view,
        acknowledgement_target=settings.acknowledgement_target(incident.facts.component),
        steps=[StepLine(s) for s in view.steps],
        notifications=notifications,
        postmortem=postmortem,
        timeline_sha256=timeline_digest(incident.events),
        integrity=verify(postmortem, incident.events)
        if postmortem is not None and postmortem.finalised
        else None,
        consignments=consignments,
        goods=summarise(consignments, view.now),
    )


def get_postmortem(ctx: Context, incident_id: int) -> PostMortem:
    with ctx.uow.reading():
        incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id)
        _check_export(ctx.actor, incident.organisation.id if incident.organisation else None)
        return postmortems.load(ctx.uow.session, incident_id)


def edit_postmortem(
    ctx: Context,
    incident_id: int,
    data: Mapping[str, Any],
) -> PostMortem:
    with ctx.uow:
        incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id, for_update=True)
        current = postmortems.load(ctx.uow.session, incident_id)
        updated = edit(current, data, ctx.actor, incident.state)
        postmortems.save(ctx.uow.session, updated, ctx.actor.label, ctx.clock.now())
        ctx.uow.commit()
    return updated


def finalise_postmortem(ctx: Context, incident_id: int) -> PostMortem:
    with ctx.uow:
        incident = load_visible(ctx.uow, ctx.library, ctx.actor, incident_id, for_update=True)
        current = postmortems.load(ctx.uow.session, incident_id)
        now = ctx.clock.now()
        final = finalise(current, ctx.actor, incident.state, incident.events, now)
        postmortems.save(ctx.uow.session, final, ctx.actor.label, now)
        ctx.uow.commit()
    return final


@dataclass(frozen=True)
class PeriodReport:
    start: date
    end: date
    views: list[IncidentView]
    by_component: list[Row]
    by_organisation: list[Row]
    acknowledgement: AcknowledgementFigures
    longest: list[IncidentView]
    referrals: list[KindFigures]


PERIOD_EARLIEST, PERIOD_LATEST = date(EARLIEST_YEAR, 1, 1), date(LATEST_YEAR, 12, 31)


def period_report(
    ctx: Context,
    settings: Settings,
    start: date,
    end: date,
) -> PeriodReport:
    """Incidents declared from `start` to `end` included, days in Paris time."""
    if ctx.actor.role not in (Role.MANAGER, Role.DESK):
        raise NotAllowed(N_("period reports are for managers and the desk"))
    for name, day in (("from", start), ("to", end)):
        if not PERIOD_EARLIEST <= day <= PERIOD_LATEST:
            raise invalid(
                name,
                N_("a date from %(earliest)s to %(latest)s"),
                earliest=PERIOD_EARLIEST.isoformat(),
                latest=PERIOD_LATEST.isoformat(),
            )
    if end < start:
        raise invalid("to", N_("the end of the period comes before its start"))
    if (end - start).days > PERIOD_MAX_DAYS:
        raise invalid("to", N_("a period of at most five years"))
    flt = IncidentFilter(
        since=datetime.combine(start, time(0), tzinfo=PARIS),
        until=datetime.combine(end + timedelta(days=1), time(0), tzinfo=PARIS),
        limit=PERIOD_MAX_INCIDENTS,
    )
    views = list_incidents(ctx, flt)
    return summarise_period(views, start, end, settings)


def summarise_period(
    views: list[IncidentView], start: date, end: date, settings: Settings
) -> PeriodReport:
    acknowledgement = acknowledgement_figures(
        (
            v.durations.time_to_acknowledge,
            settings.acknowledgement_target(v.incident.facts.component),
        )
        for v in views
    )
    ended = [v for v in views if v.durations.total_outage is not None]
    longest = sorted(ended, key=lambda v: v.durations.total_outage, reverse=True)[:10]
    return PeriodReport(
        start=start,
        end=end,
        views=views,
        by_component=summary_rows(
            group([v.incident.milestones() for v in views], lambda m: m.component)
        ),
        by_organisation=summary_rows(
            {
                name: [v.incident.milestones() for v in items]
                for name, items in group(
                    views,
                    lambda v: v.incident.organisation.name if v.incident.organisation else "—",
                ).items()
            }
        ),
        acknowledgement=acknowledgement,
        longest=longest,
        referrals=figures(r for v in views for r in v.incident.referrals),
    )


def _check_export(actor: Actor, organisation_id: int | None) -> None:
    """Managers and the desk export any incident; an operator its own organisation's only."""
    if actor.role in (Role.MANAGER, Role.DESK):
        return
    if (
        actor.role is Role.OPERATOR
        and organisation_id is not None
        and actor.organisation is not None
        and organisation_id == actor.organisation.id
    ):
        return
    raise NotAllowed(N_("reports are for managers, the desk, and the organisation concerned"))
