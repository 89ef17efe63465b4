"""Fixtures: the database (SQLite by default, PostgreSQL when DATABASE_URL names one), the clock,
the app, and the people who use it."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bcp import migrate
from bcp.domain.actors import Actor
from bcp.domain.clock import PARIS, FrozenClock
from bcp.services.accounts import actor_for_token, add_organisation, add_user
from bcp.services.unit_of_work import UnitOfWork
from bcp.settings import Settings, normalise_database_url
from bcp.store.db import make_engine, make_reading_engine, make_session_factory
from bcp.store.models import AccountChangesRow, Base
from bcp.web.app import create_app

# CI explores the same generated examples on every run, so that what lands does not depend on
# the draw; a run elsewhere draws new ones (HYPOTHESIS_PROFILE=ci to repeat CI's).
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# 22 November 2026, 08:30 in Paris: the morning STI went down in the examples.
T0 = datetime(2026, 11, 22, 8, 30, tzinfo=PARIS)


def _server_url() -> str | None:
    """The server the suite runs on; under pytest-xdist, each worker has a database of its own
    on it (`bcp_test_gw0`, `bcp_test_gw1`...), created by `_migrated`."""
    url = os.environ.get("DATABASE_URL") or os.environ.get("BCP_DATABASE_URL")
    if not url:
        return None
    url = normalise_database_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        server = make_url(url)
        url = server.set(database=f"{server.database}_{worker}").render_as_string(
            hide_password=False
        )
    return url


def _create_database(url: str) -> None:
    """An empty database named as `url` says, on its server (a worker's own, under xdist)."""
    server = make_url(url)
    admin = make_engine(server.set(database="postgres").render_as_string(hide_password=False))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{server.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{server.database}"'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def backend() -> str:
    url = _server_url()
    return make_url(url).get_backend_name() if url else "sqlite"


@pytest.fixture(scope="session")
def _migrated(tmp_path_factory, backend) -> str:
    """Migrate once per run: a template file for SQLite, the test database for PostgreSQL."""
    if backend == "sqlite":
        template = tmp_path_factory.mktemp("db") / "template.sqlite3"
        url = f"sqlite:///{template}"
    else:
        url = _server_url()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            _create_database(url)
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(url)
    return url


@pytest.fixture
def database_url(_migrated, backend, tmp_path) -> str:
    """A migrated, empty database for one test."""
    if backend == "sqlite":
        path = Path(make_url(_migrated).database)
        copy = tmp_path / "bcp.sqlite3"
        shutil.copy(path, copy)
        return f"sqlite:///{copy}"
    engine = make_engine(_migrated)
    # the count of the accounts' changes is one row the migration wrote, which the triggers
    # update (bcp.store.models.AccountChangesRow): kept, as a counter that only goes up
    tables = ", ".join(
        t.name for t in Base.metadata.sorted_tables if t.name != AccountChangesRow.__tablename__
    )
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return _migrated


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(
        env="testing",
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        database_url=database_url,
        api_max_body_bytes=65536,
        page_size=50,
        max_page_size=500,
        timezone="Europe/Paris",
        # The tests sign in and call the API far more often than a person: the limits
        # themselves are tested with their own settings (tests/web/test_security.py).
        sign_in_attempts_per_address="100000 per minute",
        # The peers of the tests listen on 127.0.0.1: allowed as an internal receiver would be.
        allowed_networks=("127.0.0.0/8",),
        api_requests_per_token="100000 per minute",
    )


@pytest.fixture
def app(settings, clock):
    from tests.web.contract import Contract

    application = create_app(settings=settings, clock=clock)
    contract = Contract(application)
    yield application
    application.extensions["bcp"].dispose()
    assert contract.violations == [], "answers outside the API's contract:\n" + "\n".join(
        contract.violations
    )


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session_factory(database_url):
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def reading_factory(database_url):
    """The sessions of a reading, as the app has them: PostgreSQL's reading engine (None on
    SQLite, whose readings use the same sessions)."""
    engine = make_reading_engine(database_url)
    if engine is None:
        yield None
        return
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def uow(session_factory, reading_factory) -> UnitOfWork:
    return UnitOfWork(session_factory, reading_factory)


@dataclass(frozen=True)
class Person:
    login: str
    token: str
    actor: Actor

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class People:
    """The cast of the examples: an air carrier, a forwarder served by an EDI provider, the
    provider, another carrier, the customs desk, a manager and an admin."""

    carrier: Person
    forwarder: Person
    provider: Person
    other_carrier: Person
    desk: Person
    manager: Person
    admin: Person


CARRIER_EORI = "FR81234567800013"
FORWARDER_EORI = "FR40219876500024"
PROVIDER_EORI = "FR88900123400059"
OTHER_EORI = "FR77598132400046"


@pytest.fixture
def people(uow, clock) -> People:
    for name, kind, eori, provider in [
        ("EDI Connect", "provider", PROVIDER_EORI, None),
        ("Aérofret", "carrier", CARRIER_EORI, None),
        ("Transitaire", "forwarder", FORWARDER_EORI, PROVIDER_EORI),
        ("Express Autre", "express", OTHER_EORI, None),
    ]:
        add_organisation(
            uow, clock, name=name, kind=kind, eori=eori, siret=eori[2:], provider_eori=provider
        )

    def person(login: str, role: str, org: str | None) -> Person:
        token = f"token-{login}"
        add_user(uow, clock, login=login, role=role, org_eori=org, token=token)
        actor = actor_for_token(uow, token)
        assert actor is not None
        return Person(login, token, actor)

    return People(
        carrier=person("carrier", "operator", CARRIER_EORI),
        forwarder=person("forwarder", "operator", FORWARDER_EORI),
        provider=person("provider", "operator", PROVIDER_EORI),
        other_carrier=person("other", "operator", OTHER_EORI),
        desk=person("desk", "desk", None),
        manager=person("manager", "manager", None),
        admin=person("admin", "admin", None),
    )


def pytest_report_header() -> str:
    url = _server_url()
    return f"bcp database: {make_url(url).render_as_string() if url else 'SQLite (embedded)'}"


@pytest.fixture(scope="session")
def library():
    from bcp.services.reflexes import ReflexLibrary
    from bcp.store.reflex_files import load_all

    return ReflexLibrary(load_all(), "fr-2026-12")


@pytest.fixture(scope="module")
def own_cluster():
    """A migrated PostgreSQL cluster of the module's own (whatever database the rest of the
    suite uses), so that its tests may stop and restart the server."""
    from tests.web.servers import Cluster

    cluster = Cluster()
    migrate.upgrade(cluster.url)
    yield cluster
    cluster.remove()
