"""Why a procedure applies (templates/reflexes/_why.html), rendered once per explanation and
language, then reused.

An incident's page, its report and a declaration's preview explain the rule that chose the
procedure: a list of the rule's conditions with the outage's values, each through a macro of
the vocabulary. That list took about a twentieth of an incident page's time (issue 18's twelfth
round, docs/performance.md). The incidents of one outage share their explanation, and a rules
table has a few dozen rules: the same few explanations are shown all day.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from bcp.web.runtime import runtime


def why(because: Mapping) -> Markup:
    """The explanation `because` (Decision.because(), or the one recorded with an incident's
    choice of procedure) as HTML, in the reader's language; kept by the app
    (`Runtime.explanations`)."""
    kept = runtime().explanations
    key = (str(get_locale()), json.dumps(because, sort_keys=True, default=str))
    text = kept.get(key)
    if text is None:
        template = current_app.jinja_env.get_template("reflexes/_why.html")
        text = Markup(template.render(because=because))  # noqa: S704 (rendered with autoescape)
        kept.put(key, text)
    return text
