"""Where a page's time goes: the bench's pages and the declaration API served in-process
(Flask's test client, no gunicorn, no network) on a seeded database, each request profiled
with cProfile and its SQL statements counted.

    python -m bench.profile --incidents 5000 --requests 50 [--page "incident page"] [--save DIR]
    scripts/with-postgres sh -c 'python -m bench.profile --database-url "$DATABASE_URL"'

The database is a temporary SQLite file unless `--database-url` names an empty one (it is
migrated and seeded). `--save DIR` writes each page's profile to DIR/<page>.prof, for `pstats`
(its callers, its callees).

For each page it prints the median time per request, the statements per request, and the
functions that take the most time (cumulative and own). The figures are for comparing one
version with the next on the same machine; `make bench` is the measure (docs/performance.md).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import re
import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import event

from bcp import migrate
from bcp.settings import load_settings
from bcp.store.db import make_engine
from bcp.store.reflex_files import REFLEXES_DIR, load_table
from bench.load import declaration
from bench.seed import PASSWORD, seed, utc_now


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    as_login: str  # "desk", "manager", or "operator" (an API token)
    conditional: bool = False  # sent again with the ETag of the first answer: a 304
    declares: bool = False  # POST a declaration, with a random operator's token (201)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--page", action="append", help="only these pages (by name)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--save", type=Path, help="write each page's profile here (<dir>/<page>.prof, for pstats)"
    )
    parser.add_argument(
        "--database-url", help="an empty database to seed and profile (default: SQLite, temporary)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        url = args.database_url or f"sqlite:///{Path(work) / 'profile.sqlite3'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        seeded = seed(
            engine, load_table(REFLEXES_DIR / "fr-2026-12.yaml"), utc_now(), args.incidents, 19
        )
        engine.dispose()
        print(f"seeded {seeded.incidents} incidents, {seeded.events} events")
        profile(url, seeded, args)


def profile(url: str, seeded, args) -> None:
    from bcp.web.app import create_app

    settings = load_settings(environ={"BCP_DATABASE_URL": url, "BCP_ENV": "development"})
    # One token asks for the status API hundreds of times a second here: the per-token limit
    # would answer 429, which is not what is being measured.
    settings = replace(settings, api_requests_per_token="1000000 per minute")
    app = create_app(settings)
    statements = {"count": 0}
    spent: dict[str, list[float]] = {}  # statement -> seconds of each execution

    def count(_conn, _cursor, _statement, _parameters, context, _many):
        statements["count"] += 1
        context._bench_started = time.perf_counter()

    def timed(_conn, _cursor, statement, _parameters, context, _many):
        spent.setdefault(statement, []).append(time.perf_counter() - context._bench_started)

    for engine in app.extensions["bcp"].engines:
        event.listen(engine, "before_cursor_execute", count)
        event.listen(engine, "after_cursor_execute", timed)

    clients = {
        "desk": signed_in(app, seeded.desk_logins[0]),
        "manager": signed_in(app, seeded.manager_login),
        "operator": app.test_client(),
    }
    token = {"Authorization": f"Bearer {seeded.operator_tokens[0]}"}
    rng = random.Random(7)
    pages = [
        Page("incident page", "/incidents/{random}", "desk"),
        Page("desk queue", "/desk/", "desk"),
        Page("manager dashboard", "/manager/", "manager"),
        Page("status board", "/status/", "desk"),
        Page("status board, conditional", "/status/", "desk", conditional=True),
        Page("status API", "/api/v1/status", "operator"),
        Page("status API, conditional", "/api/v1/status", "operator", conditional=True),
        Page("declaration API", "/api/v1/incidents", "operator", declares=True),
        Page("ping", "/ping", "desk"),
    ]
    for page in pages:
        if args.page and page.name not in args.page:
            continue
        client = clients[page.as_login]
        headers = dict(token) if page.as_login == "operator" else {}
        expected = 201 if page.declares else 200
        if page.conditional:
            headers["If-None-Match"] = client.get(page.path, headers=headers).headers["ETag"]
            expected = 304

        def one_request(
            profiler=None, page=page, client=client, headers=headers, expected=expected
        ):
            path = page.path.format(
                random=rng.randint(seeded.first_incident_id, seeded.last_incident_id)
            )
            statements["count"] = 0
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            if page.declares:
                response = client.post(
                    path,
                    json=declaration("profiled"),
                    headers={"Authorization": f"Bearer {rng.choice(seeded.operator_tokens)}"},
                )
            elif page.as_login == "operator":
                # a random operator's token, as in the bench: the process keeps an account for a
                # second only (`actor_reuse_seconds`), so most requests read the token
                token = {"Authorization": f"Bearer {rng.choice(seeded.operator_tokens)}"}
                response = client.get(path, headers={**headers, **token})
            else:
                response = client.get(path, headers=headers)
            if profiler:
                profiler.disable()
            if response.status_code != expected:
                raise RuntimeError(f"{path}: {response.status_code}")
            return time.perf_counter() - started, statements["count"]

        # The first requests compile the templates and warm SQLAlchemy's caches: once per
        # process, not per request. The times are measured without the profiler, whose
        # overhead is about as large as what it measures.
        for _ in range(5):
            one_request()
        spent.clear()
        timings, counts = zip(*(one_request() for _ in range(args.requests)), strict=True)
        slowest = sorted(spent.items(), key=lambda item: -sum(item[1]))[:12]
        profiler = cProfile.Profile()
        for _ in range(args.requests):
            one_request(profiler)
        print(
            f"\n## {page.name}: median {statistics.median(timings) * 1000:.1f} ms, "
            f"{statistics.median(counts):.0f} statements (max {max(counts)}) per request"
        )
        print("slowest statements (total ms over the requests, executions):")
        for statement, seconds in slowest:
            text = " ".join(statement.split())
            print(f"  {sum(seconds) * 1000:8.1f} ms {len(seconds):5d}×  {text[:160]}")
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            profiler.dump_stats(args.save / f"{page.name.replace(' ', '-').replace(',', '')}.prof")
        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(args.top)
            print(_trimmed(out.getvalue()))


def signed_in(app, login: str):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/sign-in", data={"login": login, "password": PASSWORD, "csrf_token": token}
    )
    if response.status_code not in (302, 303):
        raise RuntimeError(f"sign-in of {login}: {response.status_code}")
    return client


def _trimmed(report: str) -> str:
    """pstats' table without its preamble, paths shortened to the package."""
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("ncalls"))
    return "\n".join(
        re.sub(r"\S*/(site-packages|lib/python3\.\d+|main|ci)/", "", line)
        for line in lines[start:]
        if line.strip()
    )


if __name__ == "__main__":
    main()
