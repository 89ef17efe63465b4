"""gunicorn's settings for bcp (read from this folder: `gunicorn wsgi:app`).

Threaded workers (gthread): a request waiting on the database (SQLite's write lock during a
burst of declarations, a slow PostgreSQL) holds one thread, not the whole worker, so /ping
(liveness) and the pages that only read keep answering. Each worker renders at most
`[reports] concurrent_renders` PDFs at once.
"""

import os

bind = os.environ.get("BCP_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("BCP_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("BCP_THREADS", "4"))
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


def post_fork(server, worker):
    from wsgi import app

    app.extensions["bcp"].engine.dispose(close=False)
