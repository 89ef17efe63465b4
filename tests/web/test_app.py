"""The application factory's companion for gunicorn's master: the templates compiled before the
workers are forked, so that no worker's first pages wait while Jinja compiles them."""

from __future__ import annotations

import pytest
from jinja2 import Environment

from bcp.settings import ROOT
from bcp.web.app import compile_templates
from tests.jobs.test_referrals_and_notices import in_fallback


@pytest.fixture
def compiled(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiles from now on."""
    names: list[str] = []
    compile_source = Environment.compile

    def compile_and_note(environment, source, name=None, *args, **kwargs):
        names.append(name)
        return compile_source(environment, source, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", compile_and_note)
    return names


def test_every_page_template_is_compiled_ahead_of_the_first_request(
    app, as_person, people, uow, clock, library, compiled
):
    pages = {
        path.relative_to(ROOT / "templates").as_posix()
        for path in (ROOT / "templates").rglob("*.html")
    }
    assert compile_templates(app) == len(pages) > 40
    compiled.clear()
    incident_id = in_fallback(uow, clock, library, people)
    desk, manager = as_person(people.desk), as_person(people.manager, "fr")
    desk.page(f"/incidents/{incident_id}")
    desk.page("/desk/")
    desk.page("/status/")
    manager.page("/manager/")
    assert compiled == []


def test_without_it_the_first_page_compiles_its_templates(
    app, as_person, people, uow, clock, library, compiled
):
    """The check above can fail: a fresh app compiles on its first page."""
    incident_id = in_fallback(uow, clock, library, people)
    as_person(people.desk).page(f"/incidents/{incident_id}")
    assert "incidents/page.html" in compiled
