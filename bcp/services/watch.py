"""The clock's use cases: escalations, reminders and rule thresholds on open incidents.

Each look ends by writing when the next one is needed (bcp.domain.watch.next_watch); a tick reads
only the incidents whose time has come or that changed since, not every open incident."""

from __future__ import annotations

from datetime import timedelta

from bcp.domain.actors import SCHEDULER
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.clock import Clock
from bcp.domain.referrals import ReferralKind
from bcp.domain.timeline import TimelineEvent
from bcp.domain.watch import Timing, due_alerts
from bcp.services.incidents import attach_procedure, look_again, review, save
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


def timings(settings: Settings) -> dict[str, Timing]:
    """The timing of every component of the catalogue, for the rules library."""
    return {component: timing(settings, component) for component in COMPONENTS}


def watch_incident(
    uow: UnitOfWork, clock: Clock, library: ReflexLibrary, settings: Settings, incident_id: int
) -> list[TimelineEvent]:
    """One transaction: re-run the rules, record what the clock calls for, and say when to look
    again."""
    with uow:
        incident = uow.incidents.get(incident_id, for_update=True)
        if incident is None or not incident.state.is_open:
            return []
        attach_procedure(incident, library)
        now = clock.now()
        events = review(incident, library, now, SCHEDULER)
        rules = timing(settings, incident.facts.component)
        for alert in due_alerts(incident, now, rules):
            events.append(incident.record_alert(alert.kind, alert.changes, alert.note, now))
        if events:
            save(uow, incident, events, commit=False)
        look_again(uow, library, incident, now, rules)
        uow.commit()
        return events


def watch_all(
    uow: UnitOfWork, clock: Clock, library: ReflexLibrary, settings: Settings
) -> list[TimelineEvent]:
    """The open incidents whose time has come, or that changed since the last look."""
    with uow.reading():
        due = uow.incidents.due_for_watch(clock.now())
    events = []
    for incident_id in due:
        events += watch_incident(uow, clock, library, settings, incident_id)
    return events


def watch_all_again(uow: UnitOfWork) -> int:
    """When the scheduler starts: look at every open incident once at the next tick, as the
    settings that time them may have changed while it was stopped."""
    with uow:
        count = uow.incidents.watch_all_again()
        uow.commit()
    return count
