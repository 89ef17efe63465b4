"""HTML to PDF: the fonts subset by HarfBuzz, and the cycle collector paused while WeasyPrint
lays a document out, and resumed when the last rendering of the process ends (bcp.reports.pdf)."""

from __future__ import annotations

import gc
import io
import logging

import pytest
from pypdf import PdfReader

from bcp.reports import pdf


@pytest.fixture
def collector():
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_a_document_is_rendered_and_the_collector_resumes_after_it(collector):
    document = pdf.render_pdf("<h1>Rapport</h1><p>Une page.</p>", base_url=".")
    assert "Rapport" in PdfReader(io.BytesIO(document)).pages[0].extract_text()
    assert gc.isenabled()


def test_the_collector_stays_paused_until_the_last_rendering_ends(collector):
    with pdf._without_cycle_collection():
        assert not gc.isenabled()
        with pdf._without_cycle_collection():  # a second rendering, on another thread
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first is still laying its document out
    assert gc.isenabled()


def test_a_collector_paused_by_something_else_is_left_paused(collector):
    gc.disable()
    pdf.render_pdf("<p>Une page.</p>", base_url=".")
    assert not gc.isenabled()


def test_the_fonts_are_subset_by_harfbuzz_not_by_the_slower_fallback(caplog):
    """Without Debian's libharfbuzz-subset0, WeasyPrint subsets each font of a document with
    fontTools, 0.08 to 0.2 s more a PDF (docs/performance.md), and warns that the fallback will go:
    `make test` and `make run` install the library when run as root."""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        document = pdf.render_pdf("<h1>Rapport</h1><p>Échéance dépassée.</p>", base_url=".")
    fallbacks = [r.getMessage() for r in caplog.records if "HarfBuzz-Subset" in r.getMessage()]
    assert fallbacks == [], "install HarfBuzz's subsetter: apt-get install libharfbuzz-subset0"
    assert "Échéance dépassée." in PdfReader(io.BytesIO(document)).pages[0].extract_text()
