"""PDF documents: incident reports, post-mortems, fallback documents and period reports, rendered
from Jinja templates by WeasyPrint as tagged PDF/A-3b."""
