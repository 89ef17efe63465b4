"""Pages rendered once and served again, as they are, to the same session while what they show
is unchanged: the status board, a notice's page and the manager's dashboard, which people and
scripts reload all day while ICS2 is down, often without the ETag that would earn them a 304
(bcp.web.conditional).

A page is a function of what its key names: its ETag (the data shown, the reader, the language,
the minute, bcp's version), the path with its query, and the session's CSRF secret, which the
page's forms carry signed (Flask-WTF): a page is never served to another session than the one
it was rendered for. A page with a message to show (a flash, a form's kept refusal) is always
rendered, and never kept. The pages are kept in the process's memory up to a bound in characters,
the least recently served going first.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from flask import current_app, request, session

from bcp.services.recent import LeastRecent
from bcp.web.conditional import message_pending

MAX_CHARACTERS = 8 * 1024 * 1024
"""About 300 status boards or 80 dashboards per process, at most 16 MiB (a French page's text
takes two bytes a character in Python's memory): well within a worker's 250 MiB."""


def kept_pages(max_characters: int = MAX_CHARACTERS) -> LeastRecent[Hashable, str]:
    """The process's rendered pages, weighed by their length."""
    return LeastRecent(max_characters, len)


def rendered_once(pages: LeastRecent[Hashable, str], etag: str, render: Callable[[], str]) -> str:
    """The page `render` makes, made once per session and `etag`."""
    if message_pending():
        return render()
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    secret = session.get(field)
    if secret and (body := pages.get((etag, request.full_path, secret))) is not None:
        return body
    body = render()
    # A session's first page creates its secret while rendering: kept under it from then on.
    if secret := session.get(field):
        pages.put((etag, request.full_path, secret), body)
    return body
