"""The application factory (as in the Flask tutorial)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from bcp.domain.clock import Clock, SystemClock
from bcp.reports.render import Renderer
from bcp.services.accounts import KEEP_ACTOR_SECONDS
from bcp.services.recent import KeptUntilChanged, Recent, RecentByKey
from bcp.services.reflexes import ReflexLibrary
from bcp.services.watch import timings
from bcp.settings import ROOT, ConfigError, Settings, load_settings
from bcp.store.db import make_engine, make_reading_engine, make_session_factory
from bcp.store.reflex_files import load_all
from bcp.web.runtime import QUEUE_KEYS, Runtime
from bcp.web.why import why


class DatabaseId(IntegerConverter):
    """`<int:...>` in a route is a row id: a number beyond the database's integer range (2**31 - 1)
    matches no route, a 404, rather than a query the database refuses. The range is in the regex:
    werkzeug answers 405 instead of 404 when a converter refuses a value after matching."""

    regex = (
        r"(?:\d{1,9}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}"
        r"|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])"
    )


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "bcp" / "static"),
    )
    settings = settings or load_settings(instance_dir=Path(app.instance_path))
    if settings.database_url.startswith("sqlite:///"):
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=settings.env == "testing",
        JSON_SORT_KEYS=False,
    )
    app.url_map.converters["int"] = DatabaseId
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    library = ReflexLibrary(
        load_all(), settings.reflexes_default_version, timings=timings(settings)
    )
    if settings.reflexes_default_version not in library.tables:
        raise ConfigError(
            f"reflexes.default_version = {settings.reflexes_default_version!r}, but reflexes/ "
            f"holds only: {', '.join(library.tables) or 'no table'}"
        )
    engine = make_engine(settings.database_url)
    reading_engine = make_reading_engine(settings.database_url)
    clock = clock or SystemClock()
    app.extensions["bcp"] = Runtime(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        reading_engine=reading_engine,
        reading_session_factory=reading_engine and make_session_factory(reading_engine),
        clock=clock,
        library=library,
        renderer=Renderer(settings.pdf_concurrent_renders, settings.pdf_cache_entries),
        board_cache=Recent(
            settings.board_reuse_seconds,
            lambda: clock.now().timestamp(),
            stale_while_reading=True,
        ),
        actor_cache=KeptUntilChanged(
            settings.actor_reuse_seconds, lambda: clock.now().timestamp(), KEEP_ACTOR_SECONDS
        ),
        contacts_cache=Recent(
            settings.board_reuse_seconds,
            lambda: clock.now().timestamp(),
            stale_while_reading=True,
        ),
        queue_cache=RecentByKey(
            settings.board_reuse_seconds,
            lambda: clock.now().timestamp(),
            size=QUEUE_KEYS,
            stale_while_reading=True,
        ),
    )

    from bcp import texts, vocabulary
    from bcp.cli import bcp_commands
    from bcp.web import (
        account,
        admin,
        auth,
        desk,
        developers,
        errors,
        escaping,
        freshness,
        goods,
        guard,
        home,
        i18n,
        incidents,
        limits,
        manager,
        operator,
        reflexes,
        refusals,
        rows,
        security,
        sessions,
        status,
    )
    from bcp.web.api import api
    from bcp.web.context import register as register_context

    i18n.init(app)
    escaping.init(app)
    refusals.init(app)
    freshness.init(app)
    security.init(app)
    sessions.init(app)
    security.csrf.exempt(api)
    app.add_template_filter(texts.paris_time, "paris")
    app.add_template_filter(texts.one_line, "one_line")
    said = i18n.page_gettext
    app.add_template_filter(lambda text: texts.notice_text(text, said), "notice_text")
    app.add_template_filter(lambda label: texts.actor_label(label, said), "actor")
    app.add_template_filter(lambda event: texts.event_note(event, said), "event_note")
    app.add_template_filter(
        lambda event, titles, lang: texts.event_what(event, titles, lang, said), "event_what"
    )
    app.add_template_filter(rows.incident_cells, "incident_cells")
    app.add_template_global(vocabulary, "vocabulary")
    app.add_template_global(why, "why")
    for blueprint in (
        home.bp,
        auth.bp,
        operator.bp,
        desk.bp,
        manager.bp,
        admin.bp,
        incidents.bp,
        goods.bp,
        reflexes.bp,
        account.bp,
        status.bp,
        developers.bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(api, url_prefix="/api/v1")
    register_context(app)
    errors.register(app)
    limits.init(app, settings)
    guard.init(app)
    if settings.proxy_trusted_hops:
        hops = settings.proxy_trusted_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    app.cli.add_command(bcp_commands)
    return app


def compile_templates(app: Flask) -> int:
    """Compiles every page template ahead of the first request, and says how many.

    Jinja compiles a template the first time it is rendered, and each gunicorn worker did so
    for itself: the first incident page after a start took about 160 ms instead of 5, the first
    desk queue 46 ms, and each worker's first few requests queued behind those. gunicorn's
    master calls this before it forks (gunicorn.conf.py), so every worker starts with the
    compiled templates, shared with the others. Not in the factory: a test or a command that
    renders two pages need not compile fifty.
    """
    environment = app.jinja_env
    names = environment.list_templates(filter_func=lambda name: name.endswith(".html"))
    for name in names:
        environment.get_template(name)
    return len(names)
