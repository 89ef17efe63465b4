"""A page asks the database the same number of questions however long the incident's timeline,
however many consignments or incidents it shows: no query per row (N+1), which is what makes a
page slow on the day of a national outage (issue 18; docs/performance.md)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from bcp.services.consignments import add_consignments
from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident, record_work
from bcp.services.referrals import record_referral
from tests.domain.conftest import facts
from tests.jobs.test_referrals_and_notices import in_fallback
from tests.typed import as_consignment, as_declaration, as_referral
from tests.web.conftest import Browser
from tests.web.test_access import CONSIGNMENT, DNL


@contextmanager
def statements(app):
    """The SQL statements sent while the block runs."""
    sent: list[str] = []
    engines = app.extensions["bcp"].engines

    def count(_conn, _cursor, statement, *_args):
        sent.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


def questions(app, browser, path: str) -> int:
    browser.page(path)  # the first visit compiles templates and warms the caches
    # The desk queue's rows are read anew, as after any change (the tests change the database
    # through the use cases, which the web layer does not see): what is counted is their read.
    app.extensions["bcp"].queue_cache.forget()
    with statements(app) as sent:
        browser.page(path)
    return len(sent)


def grow(uow, clock, library, people, incident_id: int, start: int, count: int) -> None:
    """`count` more notes, referrals and consignments on the incident."""
    carrier = Context(uow, clock, library, people.carrier.actor)
    for n in range(start, start + count):
        record_work(carrier, incident_id, note=f"point {n}", reference=f"mail {n}")
        record_referral(
            Context(uow, clock, library, people.desk.actor),
            incident_id,
            as_referral({**DNL, "air_waybill": f"020{n:08d}"}),
        )
    add_consignments(
        carrier,
        incident_id,
        [
            ("", as_consignment({**CONSIGNMENT, "document_number": f"H-{n:05d}"}))
            for n in range(start, start + count)
        ],
    )


def test_the_incident_page_asks_as_much_for_a_long_incident_as_for_a_short_one(
    app, as_person, people, uow, clock, library
):
    incident_id = in_fallback(uow, clock, library, people)
    grow(uow, clock, library, people, incident_id, 0, 2)
    desk = as_person(people.desk)
    pages = [f"/incidents/{incident_id}", f"/incidents/{incident_id}/goods", "/desk/"]
    short = {path: questions(app, desk, path) for path in pages}
    grow(uow, clock, library, people, incident_id, 2, 30)
    long = {path: questions(app, desk, path) for path in pages}
    assert long == short


def test_the_desk_queue_asks_as_much_for_many_incidents_as_for_one(
    app, as_person, people, uow, clock, library
):
    in_fallback(uow, clock, library, people)
    declare_incident(
        Context(uow, clock, library, people.other_carrier.actor), as_declaration(facts())
    )
    desk, manager = as_person(people.desk), as_person(people.manager)
    few = (questions(app, desk, "/desk/"), questions(app, manager, "/manager/"))
    for _ in range(12):
        incident_id = in_fallback(uow, clock, library, people)
        record_referral(
            Context(uow, clock, library, people.desk.actor), incident_id, as_referral(DNL)
        )
        apply_action(Context(uow, clock, library, people.carrier.actor), incident_id, "recover")
    many = (questions(app, desk, "/desk/"), questions(app, manager, "/manager/"))
    assert many == few


def test_a_second_agent_refreshing_the_queue_is_served_the_rows_read_for_the_first(
    app, as_person, people, uow, clock, library
):
    """Twenty agents refresh their queue every few seconds on an outage's day: what every one of
    them sees alike is read and rendered once a second per worker (docs/performance.md)."""
    in_fallback(uow, clock, library, people)
    first, second = as_person(people.desk), as_person(people.desk)
    first.page("/desk/queue/rows")
    with statements(app) as sent:
        rows = second.page("/desk/queue/rows")
    assert 'id="in-progress"' in rows
    assert sent and not [s for s in sent if "incidents" in s]  # the drafts alone are read


def test_a_poller_that_holds_the_board_already_is_answered_without_asking_the_database(app, people):
    """A thousand operators' programs poll the board while ICS2 is down: the board and who the
    token stands for were read a moment ago by this worker (docs/performance.md)."""
    program = app.test_client()
    first = program.get("/api/v1/status", headers=people.carrier.auth)
    assert first.status_code == 200
    again = {**people.carrier.auth, "If-None-Match": first.headers["ETag"]}
    with statements(app) as sent:
        assert program.get("/api/v1/status", headers=again).status_code == 304
    assert sent == []


def test_a_signed_in_page_reread_within_the_second_asks_nothing_about_the_person(
    browser_app, people
):
    carrier = Browser(browser_app, people.carrier)
    first = carrier.get("/status/")
    again = {"If-None-Match": first.headers["ETag"]}
    with statements(browser_app) as sent:
        assert carrier.get("/status/", headers=again).status_code == 304
    assert sent == []


def test_the_page_of_an_incident_that_lists_no_consignment_does_not_ask_for_them(
    app, as_person, people, uow, clock, library
):
    """Its read counts them (bcp.store.incidents._listed): none, and the list is not asked."""
    carrier = Context(uow, clock, library, people.carrier.actor)
    incident_id = declare_incident(carrier, as_declaration(facts())).incident.id
    desk = as_person(people.desk)
    path = f"/incidents/{incident_id}"
    desk.page(path)
    with statements(app) as sent:
        desk.page(path)
    assert not [s for s in sent if "FROM consignments" in s and "count(" not in s]
    add_consignments(carrier, incident_id, [("", as_consignment(CONSIGNMENT))])
    with statements(app) as sent:
        shown = desk.page(path)
    assert [s for s in sent if "FROM consignments" in s and "count(" not in s]
    assert CONSIGNMENT["document_number"] in shown
