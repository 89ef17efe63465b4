"""gunicorn's settings (gunicorn.conf.py): the workers, their threads and how long a thread keeps
the interpreter lock, from the environment; a value that is not a positive number stops
gunicorn at start with a message naming the variable."""

from __future__ import annotations

import runpy

import pytest

from bcp.settings import ROOT

CONF = str(ROOT / "gunicorn.conf.py")
NAMES = ("BCP_WORKERS", "BCP_THREADS", "BCP_SWITCH_INTERVAL")


@pytest.fixture(autouse=True)
def unset(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_two_workers_of_two_threads_each_keeping_the_lock_20_ms_by_default():
    conf = runpy.run_path(CONF)
    assert (conf["workers"], conf["threads"], conf["SWITCH_INTERVAL"]) == (2, 2, 0.02)


def test_the_environment_changes_them(monkeypatch):
    monkeypatch.setenv("BCP_WORKERS", "4")
    monkeypatch.setenv("BCP_THREADS", "3")
    monkeypatch.setenv("BCP_SWITCH_INTERVAL", "0.05")
    conf = runpy.run_path(CONF)
    assert (conf["workers"], conf["threads"], conf["SWITCH_INTERVAL"]) == (4, 3, 0.05)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("value", ["", "two", "0", "-1", "nan", "inf"])
def test_a_value_that_is_not_a_positive_number_stops_gunicorn_and_names_it(
    monkeypatch, name, value
):
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit, match=f"^{name}="):
        runpy.run_path(CONF)
