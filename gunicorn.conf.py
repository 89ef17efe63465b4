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
