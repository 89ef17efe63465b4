"""HTML to PDF: tagged for accessibility, PDF/A-3b for archiving."""

from __future__ import annotations

from weasyprint import HTML

VARIANT = "pdf/a-3b"


def render_pdf(html: str, base_url: str) -> bytes:
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant=VARIANT, pdf_tags=True)
