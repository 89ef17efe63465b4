"""The application factory (as in the Flask tutorial)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from bcp.domain.clock import Clock, SystemClock
from bcp.settings import ROOT, Settings, load_settings
from bcp.store.db import make_engine, make_session_factory
from bcp.web.runtime import Runtime


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
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
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    engine = make_engine(settings.database_url)
    app.extensions["bcp"] = Runtime(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        clock=clock or SystemClock(),
    )

    from bcp.cli import bcp_commands
    from bcp.web import errors, home
    from bcp.web.api import api

    app.register_blueprint(home.bp)
    app.register_blueprint(api, url_prefix="/api/v1")
    errors.register(app)
    app.cli.add_command(bcp_commands)
    return app
