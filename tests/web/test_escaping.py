"""A page's values are escaped exactly as MarkupSafe escapes them (bcp.web.escaping), whatever
they are: text with every character HTML gives a meaning to, text already safe, numbers, nothing,
objects that say their own HTML, Jinja's undefined values."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum

import markupsafe
import pytest
from jinja2 import Undefined
from markupsafe import Markup

from bcp.web import escaping


class Said:
    def __html__(self) -> str:
        return "<b>said</b>"


class SaidAsMarkup:
    def __html__(self) -> Markup:
        return Markup("<i>safe</i>")


class Text(str):
    """A subclass of str (what a translation may be)."""


class Colour(Enum):
    RED = "<red>"


VALUES = [
    "",
    "plain",
    "<script>alert('x') & \"y\"</script>",
    "l'incident n’a pas été « acquitté »",
    "\x00\n\t",
    Text("a <b> & 'c'"),
    Markup("<strong>déjà sûr</strong>"),
    Markup(""),
    12345,
    -1.5,
    True,
    None,
    datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
    Colour.RED,
    Said(),
    SaidAsMarkup(),
    Undefined(name="missing"),
    ["<a>", 1],
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__ + ":" + repr(v)[:20])
def test_every_value_is_escaped_as_markupsafe_does(value):
    ours = escaping.escape(value)
    theirs = markupsafe.escape(value)
    assert ours == theirs
    assert type(ours) is Markup


def test_a_page_is_rendered_with_it(app):
    template = app.jinja_env.from_string("{{ text }}|{{ safe }}|{{ number }}")
    assert template.root_render_func.__globals__["escape"] is escaping.escape
    with app.test_request_context("/"):
        rendered = template.render(text="<a href='x'>", safe=Markup("<em>ok</em>"), number=3)
    assert rendered == "&lt;a href=&#39;x&#39;&gt;|<em>ok</em>|3"


def test_a_macro_imported_from_another_template_escapes_the_same_way(app):
    page = app.jinja_env.from_string(
        '{% from "_macros.html" import mode_name %}{{ mode_name("air") }}|{{ "<" }}'
    )
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert page.render() == "air|&lt;"
