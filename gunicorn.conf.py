"""gunicorn's settings for bcp (read from this folder: `gunicorn wsgi:app`).

Threaded workers (gthread): a request waiting on the database (SQLite's write lock during a
burst of declarations, a slow PostgreSQL) holds one thread, not the whole worker, so /ping
(liveness) and the pages that only read keep answering. Each worker renders at most
`[reports] concurrent_renders` PDFs at once.

Two threads per worker, not four: a page is mostly Python, and a worker's threads share one
interpreter lock, so a request let in beside three others took up to four times its own time.
Measured at 50 users with 1 s think time on 100,000 incidents (docs/performance.md, issue 18's
sixth round), gunicorn's own request time at the 99th percentile fell from about 28 ms to 20 ms
on the incident page, and what the users saw from 140 to 94 ms (one run each), throughput
within the noise. A second thread still lets a worker answer /ping while one of its requests
waits on the database.
"""

import gc
import math
import os
import sys


def _positive(name: str, default: str, kind: type[int] | type[float]) -> int | float:
    """A positive number from the environment, or a message that names the variable and stops
    gunicorn at start (instead of a traceback, or a worker that starts and then fails)."""
    given = os.environ.get(name, default)
    try:
        value = kind(given)
    except ValueError:
        value = 0
    if not 0 < value < math.inf:
        raise SystemExit(f"{name}={given!r}: expected a positive {kind.__name__}")
    return value


bind = os.environ.get("BCP_BIND", "127.0.0.1:8000")
workers = _positive("BCP_WORKERS", "2", int)
worker_class = "gthread"
threads = _positive("BCP_THREADS", "2", int)
timeout = 60
graceful_timeout = 10
# Idle keep-alive connections wait in the worker's poller, not in a thread. Closed sooner than
# the clients reuse them (the desk polls every 10 s), a connection may be closed just as a
# request is sent on it, which a client sees as "disconnected without a response" (make bench
# counted 35 such polls with gunicorn's default of 2 s).
keepalive = 30
# The app is imported once, before the workers are forked: every worker is ready as soon as it
# exists (a worker still importing while the first one already answers would take no share of a
# burst), restarts are quick, and the code is shared copy-on-write. Nothing opens a database
# connection at import; the pools are emptied after the fork all the same, as SQLAlchemy
# advises, so that no worker ever uses a connection of the master's.
preload_app = True


# Python's garbage collector: what the app built at import (its modules, templates, rules
# tables, SQLAlchemy's mappers) lives as long as the process, yet a full collection walked all of
# it again, a pause of about 60 ms in the middle of a request now and then (the incident page's
# slowest of 400 in-process: 66 ms; 8 ms with the settings below). Frozen before the fork, those
# objects are never walked again (and their pages stay shared between the workers); a young
# collection waits for 10,000 new objects instead of 700, as a page makes thousands.
GC_THRESHOLDS = (10_000, 20, 20)


# The interpreter lock: while a worker's two threads both have Python to run (two pages at once),
# the lock passes from one to the other every `sys.getswitchinterval()`, 5 ms by default, each
# time with the other request's memory to bring back into the core's caches: a page of 7 to 10 ms
# of CPU was cut into two or three such slices. At 20 ms, a page mostly runs to its end or to
# its next wait on the database (which lets the lock go at once, whatever the interval).
# Measured with the incident page at 50 users, alternating servers: at 5 ms, 8.0 ms of CPU a
# page (median of three rounds), at 20 ms 7.1 ms, at 50 ms 7.0 ms, on a shared machine where one
# round differs from the next by up to a half (docs/performance.md, issue 18's twelfth round).
# The cost: a request may wait up to 20 ms, not 5, behind its worker's other thread running a
# PDF's layout.
SWITCH_INTERVAL = _positive("BCP_SWITCH_INTERVAL", "0.02", float)


def pre_fork(server, worker):
    from bcp.web.app import compile_templates
    from wsgi import app

    compile_templates(app)  # once: the next forks find them compiled
    gc.collect()
    gc.freeze()


def post_fork(server, worker):
    from wsgi import app

    gc.set_threshold(*GC_THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL)
    app.extensions["bcp"].dispose(close=False)
