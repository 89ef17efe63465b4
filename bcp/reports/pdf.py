"""HTML to PDF: tagged for accessibility, PDF/A-3b for archiving."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

VARIANT = "pdf/a-3b"


def render_pdf(html: str, base_url: str) -> bytes:
    # WeasyPrint takes most of a second to import: a command or a worker that never writes a
    # PDF does not pay for it (every `flask --app wsgi bcp ...` imports the reports).
    from weasyprint import HTML

    with _without_cycle_collection():
        return HTML(string=html, base_url=base_url).write_pdf(pdf_variant=VARIANT, pdf_tags=True)


_rendering = 0  # renderings under way in this process
_paused = False  # whether they paused the collector (not if something else had)
_lock = threading.Lock()


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while WeasyPrint lays a document out. Its boxes, some
    hundred thousand objects, set the collector off again and again, its full collections
    walking the whole process, app and caches included: in bench/goods.py's process (an incident
    with 1,000 consignments and 1,000 events), its report took 3.36 and 3.48 s with the
    collector, 3.15 and 3.22 s without (medians of three, alternated, 7 December 2026); the peak
    of a fresh process rendering it, 90 → 92 MiB. Reference counting still frees what it can;
    the collector resumes when the last rendering ends and takes what they left."""
    global _rendering, _paused
    with _lock:
        _rendering += 1
        if _rendering == 1 and gc.isenabled():
            gc.disable()
            _paused = True
    try:
        yield
    finally:
        with _lock:
            _rendering -= 1
            if _rendering == 0 and _paused:
                gc.enable()
                _paused = False
