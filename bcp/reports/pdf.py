"""HTML to PDF: tagged for accessibility, PDF/A-3b for archiving."""

from __future__ import annotations

VARIANT = "pdf/a-3b"


def render_pdf(html: str, base_url: str) -> bytes:
    # WeasyPrint takes most of a second to import: a command or a worker that never writes a
    # PDF does not pay for it (every `flask --app wsgi bcp ...` imports the reports).
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant=VARIANT, pdf_tags=True)
