"""HTTP under gunicorn (2 workers), with the load generator in a second process on 127.0.0.1,
against a database of 100,000 past incidents and 2,000,000 timeline events.

    python -m bench.http --database sqlite|postgresql [--incidents N] [--seconds S]

Measured in the same run: a bare endpoint of the same app (`/ping`, a constant) as the
baseline; the desk queue, an incident page, the manager dashboard, the status board and the
declaration API, each closed-loop with 50 users; the "national outage" burst (500 operators
declaring within a minute while 20 desk agents poll their queue); then, half of the burst's
declarations acknowledged by the desk, the queue of an outage's day (250 waiting, 250 in
progress; the seeded past is all closed, so the desk queue measured first is an empty one);
peak resident memory of the web workers and of the scheduler. Prints JSON on stdout for
`bench` to put in its table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, text

from bcp import migrate
from bcp.domain.lifecycle import State
from bcp.settings import ROOT
from bcp.store.db import make_engine
from bcp.store.models import IncidentRow, OutboxRow, TimelineEventRow
from bcp.store.reflex_files import REFLEXES_DIR, load_table
from bench.load import process_seconds
from bench.seed import PASSWORD, seed, utc_now
from tests.web.servers import Cluster, Gunicorn

USERS = 50
THINK_SECONDS = 1.0  # a person reading the page before the next click
TURNS = 5
"""Each page's throughput is measured in turns with /ping's (bench.load.in_turns): /ping, the
page, /ping... five slices of the page (3 s each, of the default 15 s), each between two slices
of /ping. The machine's neighbours change its speed from one minute to the next; a /ping
measured minutes earlier or later (the two runs of the bare /ping) may have met another moment
than the page. Until issue 18's eighteenth round: one /ping of 8 s just before the page's 15 s
("paired")."""


def in_turns(scenario: dict, name: str, seconds: float) -> dict:
    return {
        **scenario,
        "name": f"{name} | throughput",
        "users": USERS,
        "rounds": TURNS,
        "slice_seconds": seconds / TURNS,
    }


BURST_OPERATORS = 500
OUTAGE_DAY_IN_PROGRESS = 250
OUTAGE_DAY_QUEUE = (
    f"desk queue, an outage's day ({BURST_OPERATORS - OUTAGE_DAY_IN_PROGRESS} waiting, "
    f"{OUTAGE_DAY_IN_PROGRESS} in progress)"
)


def peak_rss_kib(pid: int) -> int:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(status.parent.name))
    return found


def settled(pid: int, timeout: float = 120.0) -> None:
    """Waits until the process has been idle for a second: the scheduler's start (its imports,
    its first tick) took two seconds of CPU during the first `/ping` measured, the baseline of
    every ratio, until issue 18's tenth round (the scenarios' `cpu`, bench.load.CpuMeter)."""
    deadline = time.monotonic() + timeout
    used = process_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now_used = process_seconds(pid)
        if now_used - used < 0.05:
            return
        used = now_used
    raise RuntimeError(f"process {pid} still busy after {timeout:.0f} s")


def run(database: str, incidents: int, seconds: float, work: Path) -> dict:
    cluster = None
    if database == "postgresql":
        cluster = Cluster(durable=True)
        url = cluster.url
    else:
        url = f"sqlite:///{work / 'bench.sqlite3'}"
    try:
        return _measure(url, incidents, seconds, work)
    finally:
        if cluster is not None:
            cluster.remove()


def _measure(url: str, incidents: int, seconds: float, work: Path) -> dict:
    migrate.upgrade(url)
    engine = make_engine(url)
    started = time.perf_counter()
    seeded = seed(engine, load_table(REFLEXES_DIR / "fr-2026-12.yaml"), utc_now(), incidents, 19)
    seeding = time.perf_counter() - started

    server = Gunicorn(url, work, workers=2)
    server.start(timeout=120)
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "bcp", "scheduler"],
        cwd=ROOT,
        env={**os.environ, "BCP_DATABASE_URL": url, "BCP_ENV": "development"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        settled(scheduler.pid)
        spec = {
            "base": server.base,
            "password": PASSWORD,
            "sign_in": {"desk": seeded.desk_logins[0], "manager": seeded.manager_login},
            "desk_logins": seeded.desk_logins,
            "tokens": seeded.operator_tokens,
            "scenarios": [],
        }
        pages = [
            ("bare /ping", {"kind": "get", "path": "/ping"}),
            (
                "incident page",
                {"kind": "incident", "as": "desk", "max_id": seeded.last_incident_id},
            ),
            ("desk queue", {"kind": "get", "path": "/desk/", "as": "desk"}),
            ("manager dashboard", {"kind": "get", "path": "/manager/", "as": "manager"}),
            ("status board", {"kind": "get", "path": "/status/", "as": "desk"}),
            (
                "status board, conditional",
                {"kind": "get", "path": "/status/", "as": "desk", "conditional": True},
            ),
            ("status API", {"kind": "api", "path": "/api/v1/status"}),
            (
                "status API, conditional",
                {"kind": "api", "path": "/api/v1/status", "conditional": True},
            ),
        ]
        for name, scenario in pages:
            spec["scenarios"].append(
                {**scenario, "name": f"{name} | throughput", "users": USERS, "seconds": seconds}
                if name == "bare /ping"
                else in_turns(scenario, name, seconds)
            )
            spec["scenarios"].append(
                {
                    **scenario,
                    "name": f"{name} | latency",
                    "users": USERS,
                    "seconds": seconds,
                    "think": THINK_SECONDS,
                }
            )
        spec["scenarios"] += [
            {
                "kind": "pollers",
                "name": "1,000 pollers of the status API | pollers",
                "path": "/api/v1/status",
                "pollers": 1000,
                "every": 10,
                "seconds": max(30, seconds * 2),
            },
            {
                "kind": "burst",
                "operators": BURST_OPERATORS,
                "seconds": 60,
                "agents": 20,
                "poll_seconds": 2,
            },
            # The seeded past is all closed: the desk queue measured above is an empty one.
            # After the burst, half of its declarations acknowledged, the queue of an outage's
            # afternoon: OUTAGE_DAY_WAITING waiting, as many in progress.
            {"kind": "acknowledge", "count": OUTAGE_DAY_IN_PROGRESS},
            in_turns({"kind": "get", "path": "/desk/", "as": "desk"}, OUTAGE_DAY_QUEUE, seconds),
            {
                "kind": "get",
                "path": "/desk/",
                "as": "desk",
                "name": f"{OUTAGE_DAY_QUEUE} | latency",
                "users": USERS,
                "seconds": seconds,
                "think": THINK_SECONDS,
            },
            in_turns({"kind": "declare"}, "declare (API)", seconds),
            {
                "kind": "declare",
                "name": "declare (API) | latency",
                "users": USERS,
                "seconds": seconds,
                "think": THINK_SECONDS,
            },
            # The baseline again, last: on a shared machine one /ping run can meet a busy
            # moment; the report divides by the faster of the two (bench/__main__.py).
            {
                "kind": "get",
                "path": "/ping",
                "name": "bare /ping, again | throughput",
                "users": USERS,
                "seconds": seconds,
            },
        ]
        # Whose CPU time each scenario reports (bench.load.CpuMeter): the web workers and the
        # scheduler; the database server's is what is left of the machine's busy time.
        spec["watch"] = {"web_workers": children(server.process.pid), "scheduler": [scheduler.pid]}
        spec_file = work / "spec.json"
        spec_file.write_text(json.dumps(spec))
        load = subprocess.run(
            [sys.executable, "-m", "bench.load", str(spec_file)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        if load.returncode != 0:
            raise RuntimeError(f"load generator failed (its errors above)\n{server.log()}")
        results = json.loads(load.stdout)
        workers = children(server.process.pid)
        memory = {
            "web_worker_peak_mib": max(peak_rss_kib(p) for p in workers) / 1024,
            "scheduler_peak_mib": peak_rss_kib(scheduler.pid) / 1024,
        }
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=30)
        server.stop()

    burst = results.pop("burst")
    ids = burst.pop("declared_ids")
    acknowledged = results.pop("acknowledged")
    if acknowledged["status"] != 303:
        raise RuntimeError(f"the desk's acknowledgement answered {acknowledged['status']}")
    with engine.connect() as connection:
        saved = (
            connection.scalar(
                select(func.count()).select_from(IncidentRow).where(IncidentRow.id.in_(ids))
            )
            if ids
            else 0
        )
        whole = (
            connection.scalar(
                select(func.count(func.distinct(TimelineEventRow.incident_id))).where(
                    TimelineEventRow.incident_id.in_(ids), TimelineEventRow.seq == 2
                )
            )
            if ids
            else 0
        )
        notified = (
            connection.scalar(
                select(func.count())
                .select_from(OutboxRow)
                .where(OutboxRow.incident_id.in_(ids), OutboxRow.topic == "incident.declared")
            )
            if ids
            else 0
        )
        acknowledged["in_progress"] = connection.scalar(
            select(func.count())
            .select_from(IncidentRow)
            .where(
                IncidentRow.id.in_(ids[: acknowledged["asked"]]),
                IncidentRow.state != State.DECLARED.value,
            )
        )
        totals = {
            "incidents": connection.scalar(select(func.count()).select_from(IncidentRow)),
            "timeline_events": connection.scalar(
                select(func.count()).select_from(TimelineEventRow)
            ),
        }
        if engine.dialect.name == "postgresql":
            totals["database_size"] = connection.scalar(
                text("SELECT pg_size_pretty(pg_database_size(current_database()))")
            )
    engine.dispose()
    burst.update(saved=saved, saved_with_timeline=whole, notified=notified)
    return {
        "database": make_engine(url).dialect.name,
        "seeded": {"incidents": seeded.incidents, "events": seeded.events, "seconds": seeding},
        "totals_after": totals,
        "scenarios": results,
        "burst": burst,
        "acknowledged": acknowledged,
        "memory": memory,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bcp-bench-") as folder:
        work = Path(folder)
        print(json.dumps(run(args.database, args.incidents, args.seconds, work)))


if __name__ == "__main__":
    main()
