"""One transaction per use case; a page of several reading use cases reads in one (on
PostgreSQL a reading's transaction is the session's own, sent to the server as no BEGIN:
tests/store/test_reading_connections.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text


def begins(uow, work) -> int:
    """How many transactions of readings `work()` began."""
    seen = []
    engine = uow._reading_factory.kw["bind"]

    def record(_conn):
        seen.append(1)

    event.listen(engine, "begin", record)
    try:
        work()
    finally:
        event.remove(engine, "begin", record)
    return len(seen)


def test_readings_opened_within_a_reading_join_it(uow):
    def page():
        with uow.reading():
            outer = uow.session
            with uow.reading():
                assert uow.session is outer
                uow.session.execute(text("SELECT 1"))
            with uow.reading():
                uow.session.execute(text("SELECT 2"))
            assert uow.session is outer and outer.in_transaction()

    assert begins(uow, page) == 1


def test_one_after_the_other_each_reading_is_a_transaction(uow):
    def use_cases():
        for _ in range(2):
            with uow.reading():
                uow.session.execute(text("SELECT 1"))

    assert begins(uow, use_cases) == 2


def test_a_change_never_joins_a_reading_nor_a_reading_a_change(uow):
    with uow.reading(), pytest.raises(RuntimeError), uow:
        pass
    with uow, pytest.raises(RuntimeError), uow.reading():
        pass
    with uow.reading():  # the refusals left it usable
        uow.session.execute(text("SELECT 1"))
