"""The scheduler process: APScheduler with its jobs in the database, acting only while it holds
the lock. Its one job, `tick`, looks at everything the clock may call for; each part is
idempotent, so a tick that runs late (the process was down) catches up once."""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler

from bcp.jobs.lock import SchedulerLock
from bcp.jobs.probing import guarded
from bcp.jobs.senders import send
from bcp.services.certificates import watch_certificates
from bcp.services.consignments import remind_near_deadlines
from bcp.services.idempotency import purge
from bcp.services.notices import watch_notices
from bcp.services.notifications import claim, dispatch, settle
from bcp.services.probes import run_due_probes
from bcp.services.watch import watch_all, watch_all_again

log = logging.getLogger("bcp.scheduler")
_RUNTIME = None  # the process's runtime, set by `run`; jobs are stored by reference, not pickled


@dataclass
class TickReport:
    events: int = 0
    notices: list[int] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)
    probes: list[str] = field(default_factory=list)
    dispatched: int = 0
    sent: int = 0
    failed: int = 0


def tick(rt, still_leader=lambda: True) -> TickReport:
    """One look at the clock. `still_leader` is asked before each batch of deliveries, so that a
    scheduler that lost its lock (the database restarted) stops sending at once."""
    report = TickReport()
    report.notices = watch_notices(rt.unit_of_work(), rt.clock, rt.library)
    report.events = len(watch_all(rt.unit_of_work(), rt.clock, rt.library, rt.settings))
    report.events += len(
        remind_near_deadlines(
            rt.unit_of_work(),
            rt.clock,
            rt.library,
            timedelta(minutes=rt.settings.consignment_deadline_minutes),
        )
    )
    report.certificates = watch_certificates(rt.unit_of_work(), rt.clock)
    report.probes = run_due_probes(rt.unit_of_work(), rt.clock, guarded(rt.settings))
    report.dispatched = dispatch(rt.unit_of_work(), rt.clock, rt.settings)
    purge(rt.unit_of_work(), rt.clock, timedelta(hours=rt.settings.idempotency_hours))
    while still_leader() and (
        batch := claim(rt.unit_of_work(), rt.clock, lease=rt.settings.lease_seconds)
    ):
        for outgoing in batch:
            failure = send(outgoing, rt.settings, rt.clock.now())
            settle(
                rt.unit_of_work(),
                rt.clock,
                outgoing.id,
                failure.reason if failure else None,
                permanent=bool(failure and failure.permanent),
            )
            if failure:
                report.failed += 1
                log.warning("delivery %s failed: %s", outgoing.idempotency_key, failure.reason)
            else:
                report.sent += 1
    return report


def tick_job() -> None:
    report = tick(_RUNTIME, still_leader=_still_leader)
    log.info("tick: %s", report)


def _still_leader() -> bool:
    if _LOCK.refresh():
        return True
    log.error("the scheduler lock was lost: stopping")
    os._exit(3)


def heartbeat_job() -> None:
    if not _LOCK.refresh():
        log.error("the scheduler lock was lost: stopping")
        os._exit(3)


def run(rt, *, poll_seconds: float = 5.0) -> None:
    """Wait for the lock, then act until the process is stopped."""
    global _RUNTIME, _LOCK
    _RUNTIME = rt
    holder = f"{socket.gethostname()}:{os.getpid()}"
    _LOCK = SchedulerLock(
        rt.engine, rt.clock, holder, timedelta(seconds=rt.settings.lock_stale_seconds)
    )
    while not _LOCK.acquire():
        log.info("another scheduler holds the lock; waiting")
        time.sleep(poll_seconds)
    log.info("scheduler %s holds the lock", holder)
    log.info("%s open incidents to look at once", watch_all_again(rt.unit_of_work()))
    scheduler = BlockingScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=rt.engine)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone="UTC",
    )
    scheduler.add_job(
        tick_job,
        "interval",
        seconds=rt.settings.tick_seconds,
        id="bcp-tick",
        replace_existing=True,
        next_run_time=rt.clock.now(),
    )
    scheduler.add_job(
        heartbeat_job,
        "interval",
        seconds=max(1, rt.settings.lock_stale_seconds // 3),
        id="bcp-heartbeat",
        replace_existing=True,
    )
    try:
        scheduler.start()
    finally:
        _LOCK.release()


_LOCK: SchedulerLock
