"""The notices in force as every declaration and every status board reads them
(NoticeRepository.current, from the tables' columns): the open ones and those closed since the
time asked, newest first, each with its updates in order, as a notice read alone (`get`, through
the ORM) has them."""

from __future__ import annotations

from datetime import timedelta

from bcp.services.context import Context
from bcp.services.notices import close_notice, publish_notice, set_fallback, update_notice
from bcp.store.models import NoticeRow
from tests.domain.test_notices import notice_data
from tests.typed import as_notice, as_update


def published(uow, clock, library, people, **overrides) -> int:
    ctx = Context(uow, clock, library, people.desk.actor)
    overrides.setdefault("expected_end", (clock.now() + timedelta(hours=2)).isoformat())
    return publish_notice(ctx, as_notice(notice_data(**overrides))).notice.id


def test_no_notice_in_force_reads_none(uow, clock):
    with uow.reading():
        assert uow.notices.current(clock.now(), clock.now()) == []


def test_the_notices_in_force_are_read_whole_newest_first(uow, clock, library, people):
    desk = Context(uow, clock, library, people.desk.actor)
    long_closed = published(uow, clock, library, people, title="closed long ago")
    close_notice(desk, long_closed, "back")
    clock.advance(hours=3)
    sti = published(uow, clock, library, people, title="STI down")
    update_notice(desk, sti, *as_update({"text": "Root cause: a router"}))
    set_fallback(desk, sti, allowed=True)
    clock.advance(minutes=10)
    cr = published(uow, clock, library, people, components=["CR"], title="CR down")
    just_closed = published(uow, clock, library, people, components=["STP"], title="STP slow")
    close_notice(desk, just_closed, "STP is back")
    clock.advance(minutes=1)
    now = clock.now()

    with uow.reading():
        in_force = uow.notices.current(now, now - timedelta(hours=1))
        alone = {n.id: uow.notices.get(n.id) for n in in_force}

    # the one closed long ago is left out; the others newest first (same start: the last first)
    assert [n.id for n in in_force] == [just_closed, cr, sti]
    assert in_force == [alone[n.id] for n in in_force]
    updates = next(n for n in in_force if n.id == sti).updates
    assert [u.seq for u in updates] == list(range(1, len(updates) + 1))
    assert len(updates) >= 3 and updates[1].text == "Root cause: a router"
    assert next(n for n in in_force if n.id == just_closed).closed_at is not None
    assert in_force[0].components == ("STP",)


def test_what_the_session_holds_unwritten_is_read_too(uow, clock, people):
    """As with the ORM's reads, a row added to the session but not yet written is written before
    the notices are read."""
    with uow:
        uow.session.add(
            NoticeRow(
                components=["STI"],
                kind="unscheduled",
                reason="hardware_failure",
                title="STI down",
                starts_at=clock.now(),
                expected_end=None,
                messages="",
                published_at=clock.now(),
                published_by_id=people.desk.actor.user_id,
                closed_at=None,
            )
        )
        [read] = uow.notices.current(clock.now(), clock.now())
        assert read.title == "STI down" and read.updates == []
