"""A real server on 127.0.0.1 and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from bcp.domain.actors import Actor, Role
from bcp.domain.clock import SystemClock
from bcp.services.accounts import list_users, set_password
from bcp.web.app import create_app
from tests.web.servers import threaded_server

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Secret!2026"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def live_server(settings, people, uow, clock):
    """The whole app served over HTTP, on the real clock, queue refreshing every second."""
    admin = Actor(None, "test", Role.ADMIN)
    for user in list_users(uow):
        set_password(uow, clock, admin, user.id, PASSWORD)
    app = create_app(settings=replace(settings, queue_refresh_seconds=1), clock=SystemClock())
    with threaded_server(app) as base:
        yield base


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test does it as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the tests write screenshots: BCP_SCREENSHOTS (make screenshots: docs/screenshots)."""
    folder = os.environ.get("BCP_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path
