"""Seconds per PDF report, printed by `make bench`: an incident report with 10, 100 and 1,000
timeline events, and a period report over 10,000 incidents.

Incidents are built in memory with the domain (the timeline grows with notes), so that the figure
is the cost of the document, not of a database. The baseline, measured in the same run, is a
bare one-page document rendered the same way: ratios against it hold on a busy machine.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bcp.domain.actors import Actor, OrganisationKind, OrganisationRef, Role
from bcp.domain.clock import FrozenClock
from bcp.domain.incident import declare
from bcp.domain.lifecycle import Action
from bcp.reports.documents import incident_pdf, period_pdf
from bcp.reports.pdf import render_pdf
from bcp.services.incidents import view_of
from bcp.services.reports import IncidentReport, StepLine, summarise_period
from bcp.settings import ROOT, load_settings
from bcp.web.app import create_app
from bcp.web.schemas.edge import from_mapping
from bcp.web.schemas.incidents import DeclarationBody

T0 = datetime(2026, 11, 22, 7, 30, tzinfo=UTC)
ORG = OrganisationRef(1, "Aérofret", OrganisationKind.CARRIER, "FR81234567800013")
OPERATOR = Actor(1, "Camille", Role.OPERATOR, ORG)
DESK = Actor(2, "Desk", Role.DESK)
MANAGER = Actor(3, "Manager", Role.MANAGER)
FACTS = {
    "component": "STI",
    "started_at": (T0 - timedelta(minutes=20)).isoformat(),
    "modes": ["air"],
    "channel": "EDI",
    "ens_operations": ["lodge"],
    "summary": "STI refuses our ENS",
}


def incident(events: int, table, number: int = 1, minutes: int = 150):
    i = declare(from_mapping(DeclarationBody, FACTS).to_domain(), OPERATOR, ORG, T0, table)
    i.id = number
    i.apply(Action.ACKNOWLEDGE, DESK, T0 + timedelta(minutes=number % 30))
    while len(i.events) < events - 1:
        i.record_note(OPERATOR, T0 + timedelta(minutes=5), f"note {len(i.events)}", "ref")
    i.apply(Action.RECOVER, OPERATOR, T0 + timedelta(minutes=minutes))
    return i


def report(i, now, settings) -> IncidentReport:
    view = view_of(i, MANAGER, now)
    return IncidentReport(
        view,
        settings.acknowledgement_target("STI"),
        [StepLine(s) for s in view.steps],
        [],
        None,
        "0" * 64,
        None,
    )


def seconds(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> dict:
    """Median seconds per document, with the baseline one-page document of the same run."""
    results: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        settings = replace(load_settings(), database_url=f"sqlite:///{folder}/bench.sqlite3")
        app = create_app(settings=settings, clock=FrozenClock(T0))
        table = app.extensions["bcp"].library.get(settings.reflexes_default_version)
        now = T0 + timedelta(days=1)
        with app.app_context():
            results["baseline one-page document"] = seconds(
                lambda: render_pdf("<html lang=en><title>b</title><p>bcp</p></html>", str(ROOT)), 5
            )
            for events, rounds in ((10, 5), (100, 5), (1000, 3)):
                data = report(incident(events, table), now, settings)
                results[f"incident report, {events:,} events"] = seconds(
                    lambda data=data: incident_pdf(data, "fr", now), rounds
                )
            views = [
                view_of(incident(4, table, n, 30 + n % 600), MANAGER, now) for n in range(1, 10_001)
            ]
            summary = summarise_period(views, date(2026, 11, 1), date(2026, 11, 30), settings)
            results["period report, 10,000 incidents"] = seconds(
                lambda: period_pdf(summary, "fr", now), 3
            )
        app.extensions["bcp"].dispose()
    return results


def main() -> None:
    results = run()
    baseline = results["baseline one-page document"]
    print(f"PDF reports, median seconds (baseline: a one-page document, {baseline:.3f} s)")
    for name, took in results.items():
        print(f"  {name}: {took:7.3f} s ({took / baseline:5.1f}× baseline)")


if __name__ == "__main__":
    main()
