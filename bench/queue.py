"""The desk's queue on a national outage's day, measured in one process.

2,000 past incidents, then 500 declared through the API and 250 of them acknowledged by the
desk, as after the HTTP half's burst: the queue page (250 waiting, 250 in progress) signed in as
an agent, median and p99 over 50 requests, against `/ping` of the same app in the same run.

    python -m bench.queue [--profile FILE]

`--profile FILE` also writes a cProfile of 50 more requests with the rows read anew to FILE, for
`pstats`: what the first agent after a change waits for, and every agent once a second per
process (a colleague's refresh is mostly the page around the rows).
"""

from __future__ import annotations

import argparse
import cProfile
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from bcp import migrate
from bcp.settings import load_settings
from bcp.store.db import make_engine
from bcp.store.reflex_files import REFLEXES_DIR, load_table
from bench.goods import milliseconds
from bench.load import declaration
from bench.profile import signed_in
from bench.seed import seed, utc_now

PAST = 2_000
DECLARED = 500
ACKNOWLEDGED = 250
REQUESTS = 50


def run(profile: Path | None = None) -> dict:
    from bcp.web.app import create_app

    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{Path(work) / 'queue.sqlite3'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        seeded = seed(engine, load_table(REFLEXES_DIR / "fr-2026-12.yaml"), utc_now(), PAST, 19)
        engine.dispose()
        settings = load_settings(environ={"BCP_DATABASE_URL": url, "BCP_ENV": "development"})
        settings = replace(settings, api_requests_per_token="1000000 per minute")
        app = create_app(settings)
        operators = app.test_client()
        declared = []
        for n in range(DECLARED):
            token = seeded.operator_tokens[n % len(seeded.operator_tokens)]
            answer = operators.post(
                "/api/v1/incidents",
                json=declaration(f"outage {n}"),
                headers={"Authorization": f"Bearer {token}"},
            )
            if answer.status_code != 201:
                raise RuntimeError(f"declaration {n} answered {answer.status_code}")
            declared.append(answer.get_json()["id"])
        desk = signed_in(app, seeded.desk_logins[0])
        page = desk.get("/desk/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        ticked = [str(i) for i in declared[:ACKNOWLEDGED]]
        answer = desk.post("/desk/acknowledge", data={"csrf_token": token, "incident": ticked})
        if answer.status_code != 303:
            raise RuntimeError(f"the acknowledgement answered {answer.status_code}")
        shown = desk.get("/desk/").get_data(as_text=True)
        if f"({DECLARED - ACKNOWLEDGED})" not in shown or f"({ACKNOWLEDGED})" not in shown:
            raise RuntimeError("the queue does not show what was declared and acknowledged")
        # A colleague refreshes: the agent who acknowledged reads the queue fresh for a moment
        # (bcp.web.freshness), the others are served the rows read for all of them.
        colleague = signed_in(app, seeded.desk_logins[1])
        rows = app.extensions["bcp"].queue_cache

        def read_anew():
            rows.forget()  # as after any change: the rows read and rendered again
            return colleague.get("/desk/")

        ping = milliseconds(lambda: colleague.get("/ping"), REQUESTS)
        queue = milliseconds(lambda: colleague.get("/desk/"), REQUESTS)
        anew = milliseconds(read_anew, REQUESTS)
        if profile is not None:
            profiler = cProfile.Profile()
            profiler.runcall(lambda: [read_anew() for _ in range(REQUESTS)])
            profiler.dump_stats(profile)
        return {
            "past": PAST,
            "waiting": DECLARED - ACKNOWLEDGED,
            "in_progress": ACKNOWLEDGED,
            "ping": ping,
            "desk_queue": queue,
            "desk_queue_read_anew": anew,
        }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=Path, help="write a cProfile of the queue read anew here")
    result = run(parser.parse_args().profile)
    ping = result["ping"]["median_ms"]
    for label, key in (
        ("a colleague's refresh", "desk_queue"),
        ("read anew", "desk_queue_read_anew"),
    ):
        queue = result[key]
        print(
            f"desk queue, {result['waiting']} waiting and {result['in_progress']} in progress, "
            f"{label}: median {queue['median_ms']:.1f} ms, p99 {queue['p99_ms']:.1f} ms, "
            f"{queue['median_ms'] / ping:.0f}× /ping (median {ping:.2f} ms)"
        )
