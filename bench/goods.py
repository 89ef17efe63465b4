"""The goods of a large outage: an incident with 1,000 consignments, measured in one process.

- its goods page and its incident page, signed in as the operator (median and p99 over 50
  requests each), against `/ping` of the same app in the same run; its incident page again
  once its timeline holds 1,000 events;
- the CSV import of 1,000 rows (parse, check, deadlines, one transaction), against reading the
  same file's bytes with the csv module alone;
- its incident report PDF (every consignment listed), against a one-page PDF; the same once its
  timeline holds 1,000 events; and the repeated download of that report (`GET
  /incidents/<id>/report.pdf`, unchanged: served from the renderer's cache, keyed by the
  document's digest), against `/ping`.

    python -m bench.goods [--profile FILE]

`--profile FILE` also writes a cProfile of one more rendering of the long report (1,000 events
and 1,000 consignments) to FILE, for `pstats`.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bcp import migrate
from bcp.domain.actors import Actor, Role
from bcp.domain.clock import FrozenClock
from bcp.domain.consignments.csv_import import COLUMNS
from bcp.reports.pdf import render_pdf
from bcp.services import consignments
from bcp.services.accounts import add_organisation, add_user, list_users, set_password
from bcp.services.context import Context
from bcp.services.incidents import declare_incident
from bcp.services.unit_of_work import UnitOfWork
from bcp.settings import Settings
from bcp.store.db import make_engine, make_session_factory
from bcp.web.app import create_app
from bcp.web.schemas.edge import from_mapping
from bcp.web.schemas.incidents import DeclarationBody

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
PASSWORD = "Bench!2026-goods"
REQUESTS = 50
IMPORTS = 5


def rows(count: int) -> str:
    lines = [",".join(COLUMNS)]
    for i in range(count):
        departure = (NOW - timedelta(hours=2)).isoformat()
        arrival = (NOW + timedelta(hours=5, minutes=i)).isoformat()
        lines.append(
            f"awb_house,H{i:05d},air-long-haul,AF{i % 900:04d},FR004100,,{departure},{arrival},,"
        )
    return "\n".join(lines)


def milliseconds(work, times: int) -> dict:
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        work()
        spent.append((time.perf_counter() - start) * 1000)
    spent.sort()
    return {
        "median_ms": statistics.median(spent),
        "p99_ms": spent[min(len(spent) - 1, round(0.99 * (len(spent) - 1)))],
        "runs": times,
    }


def run(profile: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{Path(work) / 'goods.sqlite3'}"
        migrate.upgrade(url)
        clock = FrozenClock(NOW)
        settings = Settings(
            env="testing",
            secret_key="bench-secret-key-that-is-long-enough-0123456789",
            database_url=url,
            api_max_body_bytes=4_000_000,
            page_size=50,
            max_page_size=500,
            timezone="Europe/Paris",
            sign_in_attempts_per_address="100000 per minute",
            api_requests_per_token="100000 per minute",
        )
        app = create_app(settings=settings, clock=clock)
        engine = make_engine(url)
        uow = UnitOfWork(make_session_factory(engine))
        library = app.extensions["bcp"].library
        eori = "FR81234567800013"
        add_organisation(uow, clock, name="Aérofret", kind="carrier", eori=eori, siret=eori[2:])
        add_user(uow, clock, login="carrier", role="operator", org_eori=eori, token="bench-goods")
        admin = Actor(None, "bench", Role.ADMIN)
        for user in list_users(uow):
            set_password(uow, clock, admin, user.id, PASSWORD)
        from bcp.services.accounts import actor_for_token

        actor = actor_for_token(uow, "bench-goods")
        ctx = Context(uow, clock, library, actor)
        body = from_mapping(
            DeclarationBody,
            {
                "component": "EO_SYSTEM",
                "started_at": (NOW - timedelta(minutes=20)).isoformat(),
                "modes": ["air"],
                "channel": "EDI",
                "ens_operations": ["lodge"],
                "summary": "AS4 access point down",
            },
        ).to_domain()
        text = rows(1_000)
        data = text.encode()
        incident_ids = [declare_incident(ctx, body).incident.id for _ in range(IMPORTS)]
        it = iter(incident_ids)
        baseline_import = milliseconds(lambda: list(csv.reader(io.StringIO(text))), IMPORTS)
        imported = milliseconds(
            lambda: consignments.import_consignments(ctx, next(it), data), IMPORTS
        )
        incident_id = incident_ids[0]

        app.config["WTF_CSRF_ENABLED"] = False  # the form is posted by this script, not a page
        client = app.test_client()
        client.post("/sign-in", data={"login": "carrier", "password": PASSWORD})
        for path in ("/ping", f"/incidents/{incident_id}/goods", f"/incidents/{incident_id}"):
            status = client.get(path).status_code
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
        ping = milliseconds(lambda: client.get("/ping"), REQUESTS)
        goods_page = milliseconds(lambda: client.get(f"/incidents/{incident_id}/goods"), REQUESTS)
        incident_page = milliseconds(lambda: client.get(f"/incidents/{incident_id}"), REQUESTS)

        one_page = "<html><body><h1>bcp</h1><p>one page</p></body></html>"
        pdf_baseline = milliseconds(lambda: render_pdf(one_page, base_url=work), 3)
        # The report's cache is keyed by content: a new lang each time would still hit it, so
        # the renderer is bypassed through its builder.
        from bcp.reports.documents import incident_pdf
        from bcp.services import reports

        with app.test_request_context():
            report = reports.incident_report(ctx, settings, incident_id)
            report_pdf = milliseconds(lambda: incident_pdf(report, "fr", NOW), 3)
        events = _grow_timeline(uow, incident_id, actor, 1_000)
        with app.test_request_context():
            report = reports.incident_report(ctx, settings, incident_id)
            long_report_pdf = milliseconds(lambda: incident_pdf(report, "fr", NOW), 3)
            if profile is not None:
                profiler = cProfile.Profile()
                profiler.runcall(incident_pdf, report, "fr", NOW)
                profiler.dump_stats(profile)
        long_incident_page = milliseconds(lambda: client.get(f"/incidents/{incident_id}"), REQUESTS)
        path = f"/incidents/{incident_id}/report.pdf?lang=fr"
        first = client.get(path)
        if first.status_code != 200 or first.mimetype != "application/pdf":
            raise RuntimeError(f"{path} answered {first.status_code}")
        repeated = milliseconds(lambda: client.get(path), REQUESTS)
        engine.dispose()
        app.extensions["bcp"].dispose()
    return {
        "consignments": 1_000,
        "ping": ping,
        "goods_page": goods_page,
        "incident_page": incident_page,
        "csv_read": baseline_import,
        "csv_import": imported,
        "one_page_pdf": pdf_baseline,
        "report_pdf": report_pdf,
        "events": events,
        "long_report_pdf": long_report_pdf,
        "long_incident_page": long_incident_page,
        "report_download_repeated": repeated,
    }


def _grow_timeline(uow: UnitOfWork, incident_id: int, actor: Actor, events: int) -> int:
    """Notes until the timeline holds `events` events, written in one transaction (a thousand
    notes through the incident page would reload the growing timeline each time)."""
    with uow:
        incident = uow.incidents.get(incident_id, for_update=True)
        at = NOW
        while len(incident.events) < events:
            at += timedelta(seconds=30)
            incident.record_note(actor, at, f"Point {len(incident.events)} : dépôts de secours.")
        uow.incidents.save(incident)
        uow.commit()
        return len(incident.events)


if __name__ == "__main__":
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, help="write a cProfile of the long report here")
    print(json.dumps(run(parser.parse_args().profile), indent=2))
