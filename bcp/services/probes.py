"""HTTP probes of components: configured by admins, run by the scheduler, kept as history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bcp.domain.actors import Actor, Role
from bcp.domain.addresses import DestinationPolicy
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.clock import Clock
from bcp.domain.errors import ErrorList, NotAllowed, invalid
from bcp.domain.messages import N_
from bcp.domain.probes import Health, Outcome, ProbeState, availability, step
from bcp.services.drafts import propose
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.audit import audit
from bcp.store.models import OrganisationRow, ProbeResultRow, ProbeRow
from bcp.store.probes import all_probes, due_probe_ids, probes_of, results_since

Fetch = Callable[[str, str, float, int, str | None], Outcome]


def add_probe(
    uow: UnitOfWork,
    clock: Clock,
    admin: Actor,
    *,
    name: str,
    component: str,
    url: str,
    organisation_id: int | None = None,
    method: str = "GET",
    expected_status: int = 200,
    expected_text: str | None = None,
    timeout_seconds: float = 5.0,
    interval_seconds: int = 60,
    failures_to_down: int = 3,
    successes_to_up: int = 2,
    destinations: DestinationPolicy,
) -> int:
    if admin.role is not Role.ADMIN:
        raise NotAllowed(N_("only an admin configures probes"))
    errors = ErrorList()
    if not name.strip() or len(name) > 200:
        errors.add("name", N_("required, at most 200 characters"))
    if component not in COMPONENTS:
        errors.add("component", N_("not a component of ICS2 bcp knows"))
    if problem := destinations.url_problem(url):
        errors.add("url", problem)
    if method not in ("GET", "HEAD"):
        errors.add("method", N_("GET or HEAD"))
    if not 100 <= expected_status <= 599:
        errors.add("expected_status", N_("an HTTP status, 100 to 599"))
    if not 0.1 <= timeout_seconds <= 60:
        errors.add("timeout_seconds", N_("between 0.1 and 60 seconds"))
    if not 10 <= interval_seconds <= 86_400:
        errors.add("interval_seconds", N_("between 10 seconds and a day"))
    if not 1 <= failures_to_down <= 20 or not 1 <= successes_to_up <= 20:
        errors.add("failures_to_down", N_("between 1 and 20, for failures as for successes"))
    errors.raise_if_any()
    now = clock.now()
    with uow:
        if (
            organisation_id is not None
            and uow.session.get(OrganisationRow, organisation_id) is None
        ):
            raise invalid("organisation_id", N_("no such organisation"))
        row = ProbeRow(
            name=name.strip(),
            component=component,
            organisation_id=organisation_id,
            url=url,
            method=method,
            expected_status=expected_status,
            expected_text=expected_text or None,
            timeout_seconds=timeout_seconds,
            interval_seconds=interval_seconds,
            failures_to_down=failures_to_down,
            successes_to_up=successes_to_up,
            enabled=True,
            health=Health.UNKNOWN.value,
            failures=0,
            successes=0,
            last_message=None,
            next_check_at=now,
            created_at=now,
        )
        uow.session.add(row)
        uow.session.flush()
        audit(uow.session, admin, "probe_added", url, now, component=component)
        uow.commit()
        return row.id


def list_probes(uow: UnitOfWork) -> list[ProbeRow]:
    with uow.reading():
        return all_probes(uow.session)


def run_due_probes(uow: UnitOfWork, clock: Clock, fetch: Fetch) -> list[str]:
    """Run every probe whose time has come; one that was missed while the scheduler was down
    runs once, then keeps its interval."""
    now = clock.now()
    with uow:
        due = due_probe_ids(uow.session, now)
    return [line for probe_id in due for line in [run_probe(uow, clock, fetch, probe_id)] if line]


def run_probe(uow: UnitOfWork, clock: Clock, fetch: Fetch, probe_id: int) -> str | None:
    with uow:
        probe = uow.session.get(ProbeRow, probe_id)
        target = (
            probe.url,
            probe.method,
            probe.timeout_seconds,
            probe.expected_status,
            probe.expected_text,
        )
    outcome = fetch(*target)  # outside any transaction: a slow answer holds no lock
    now = clock.now()
    with uow:
        probe = uow.session.get(ProbeRow, probe_id)
        state, change = step(
            ProbeState(Health(probe.health), probe.failures, probe.successes),
            outcome,
            probe.failures_to_down,
            probe.successes_to_up,
        )
        probe.health, probe.failures, probe.successes = (
            state.health.value,
            state.failures,
            state.successes,
        )
        probe.last_message = outcome.message
        probe.next_check_at = now + timedelta(seconds=probe.interval_seconds)
        uow.session.add(
            ProbeResultRow(
                probe_id=probe.id,
                at=now,
                ok=outcome.ok,
                status_code=outcome.status_code,
                latency_ms=outcome.latency_ms,
                message=outcome.message,
            )
        )
        said = None
        if change is not None:
            down = change.health is Health.DOWN
            spec = COMPONENTS[probe.component]
            draft = propose(
                uow,
                kind="incident" if down else "recovery",
                organisation_id=probe.organisation_id,
                component=probe.component,
                side=spec.default_side.value,
                summary=f"{probe.name}: {'down' if down else 'back up'}",
                detail=f"Probe {probe.name} ({probe.url}): {outcome.message}",
                started_at=now,
                source=f"probe {probe.id}",
                now=now,
            )
            said = f"probe {probe.id} {change.health.value}" + (" (draft)" if draft else "")
        uow.commit()
        return said


@dataclass(frozen=True)
class Availability:
    probe: ProbeRow
    day: float | None
    month: float | None
    hours: list[float | None]


def component_availability(uow: UnitOfWork, clock: Clock, component: str) -> list[Availability]:
    """Per probe of the component: the share of good checks over 24 hours, over 30 days, and
    hour by hour for the last 24 hours."""
    now = clock.now()
    with uow.reading():
        probes = probes_of(uow.session, component)
        result = []
        for probe in probes:
            rows = results_since(uow.session, probe.id, now - timedelta(days=30))
            day = [r for r in rows if r.at >= now - timedelta(hours=24)]
            hours = [availability([r.ok for r in day if _hour(r.at, now) == h]) for h in range(24)]
            result.append(
                Availability(
                    probe,
                    availability([r.ok for r in day]),
                    availability([r.ok for r in rows]),
                    hours,
                )
            )
        return result


def _hour(at: datetime, now: datetime) -> int:
    """0 for the oldest hour of the last 24, 23 for the current one."""
    return 23 - min(int((now - at).total_seconds() // 3600), 23)
