"""The clock's use cases: escalations, reminders and rule thresholds on open incidents."""

from __future__ import annotations

from datetime import timedelta

from bcp.domain.actors import SCHEDULER
from bcp.domain.clock import Clock
from bcp.domain.referrals import ReferralKind
from bcp.domain.timeline import TimelineEvent
from bcp.domain.watch import Timing, due_alerts
from bcp.services.incidents import attach_procedure, open_incident_ids, review, save
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork
from bcp.settings import Settings


def timing(settings: Settings, component: str) -> Timing:
    return Timing(
        acknowledgement_target=settings.acknowledgement_target(component),
        remind_before=timedelta(minutes=settings.reminder_minutes_before),
        follow_up_every=timedelta(hours=settings.follow_up_hours),
        referral_targets={
            ReferralKind.DNL: timedelta(minutes=settings.referral_dnl_minutes),
            ReferralKind.RFS: timedelta(minutes=settings.referral_rfs_minutes),
            ReferralKind.RFI: timedelta(minutes=settings.referral_rfi_minutes),
        },
    )


def watch_incident(
    uow: UnitOfWork, clock: Clock, library: ReflexLibrary, settings: Settings, incident_id: int
) -> list[TimelineEvent]:
    """One transaction: re-run the rules, then record what the clock calls for."""
    with uow:
        incident = uow.incidents.get(incident_id, for_update=True)
        if incident is None or not incident.state.is_open:
            return []
        attach_procedure(incident, library)
        now = clock.now()
        events = review(incident, library, now, SCHEDULER)
        for alert in due_alerts(incident, now, timing(settings, incident.facts.component)):
            events.append(incident.record_alert(alert.kind, alert.changes, alert.note, now))
        if events:
            save(uow, incident, events)
        return events


def watch_all(
    uow: UnitOfWork, clock: Clock, library: ReflexLibrary, settings: Settings
) -> list[TimelineEvent]:
    events = []
    for incident_id in open_incident_ids(uow):
        events += watch_incident(uow, clock, library, settings, incident_id)
    return events
