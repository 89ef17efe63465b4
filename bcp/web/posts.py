"""A form's post: run the change, then redirect (so that a reload never sends it twice) to the
page it came from, saying what happened."""

from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext as _

from bcp.domain.errors import Conflict, DomainError, IllegalTransition, NotAllowed, NotFound
from bcp.web import refusals
from bcp.web.forms import messages
from bcp.web.i18n import translated


def attempt(page: str, work, success: str, then=None, form: str | None = None):
    """Run a change, then go back to `page` (or, once it is done, to `then(result)`); a refusal
    is told on the page, never as a stack trace. When someone else acted first, the page shows
    what the thing has become. What the person's role may not do is refused with a 403 page, as
    a URL they may not open. `form`: the id of the form sent, which the page shows again with
    each error beside its field and what was typed (bcp.web.refusals)."""
    try:
        result = work()
    except (NotFound, NotAllowed):
        raise
    except (IllegalTransition, Conflict) as error:
        flash(
            _("Not applied: %(why)s. The page shows it as it is now.", why=translated(error)),
            "error",
        )
    except DomainError as error:
        for message in messages(error):
            flash(message, "error")
        if form is not None:
            refusals.keep(form, page, error, request.form)
    else:
        flash(success, "success")
        if then is not None:
            return redirect(then(result), 303)
    return redirect(page, 303)
