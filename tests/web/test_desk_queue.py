"""The desk's queue during a wave of declarations: the number waiting in the tab's title,
filters by component, organisation and lateness, and acknowledging several at once."""

from __future__ import annotations

import re

from tests.conftest import CARRIER_EORI, OTHER_EORI
from tests.web.test_access import DNL
from tests.web.test_pages import declare


def waiting_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr class="[^"]*" data-incident="(\d+)"', page)]


def test_the_queue_filters_by_component_organisation_and_lateness(as_person, people, clock):
    carrier, other = as_person(people.carrier), as_person(people.other_carrier)
    sti = declare(carrier)
    clock.advance(minutes=20)
    eo = declare(other, component="EO_SYSTEM")
    desk = as_person(people.desk)
    page = desk.page("/desk/")
    assert waiting_ids(page) == [sti, eo]
    assert "<title>(2) Queue" in page  # the number waiting, in the tab's title
    offered = re.findall(
        r'<option value="(FR\w+)"', page.split('name="org"', 1)[1].split("</select>")[0]
    )
    assert sorted(offered) == sorted([CARRIER_EORI, OTHER_EORI])  # those of the incidents waiting
    assert waiting_ids(desk.page("/desk/?component=EO_SYSTEM")) == [eo]
    assert waiting_ids(desk.page(f"/desk/?org={OTHER_EORI}")) == [eo]
    assert waiting_ids(desk.page("/desk/?late=1")) == [sti]  # 20 min past a 15 min target
    rows = desk.page("/desk/queue/rows?component=STI")  # what the page refreshes keeps them
    assert waiting_ids(rows) == [sti] and 'data-title="(1) Queue' in rows
    assert waiting_ids(desk.page("/desk/?component=NOPE&org=x")) == []  # names nothing: empty


def test_the_desk_acknowledges_the_ticked_incidents_each_on_its_own(as_person, people):
    carrier, other = as_person(people.carrier), as_person(people.other_carrier)
    first, second = declare(carrier), declare(other, component="EO_SYSTEM")
    desk, colleague = as_person(people.desk), as_person(people.desk)
    colleague.post(f"/incidents/{second}/transition", {"action": "acknowledge"})
    response = desk.post(
        "/desk/acknowledge", {"incident": [str(first), str(second)], "note": "vague STI"}
    )
    assert response.status_code == 303
    page = desk.page("/desk/")
    assert "1 incident acknowledged." in page
    assert f"Incident {second} not acknowledged" in page  # a colleague did it first
    assert waiting_ids(page) == []
    assert "vague STI" in desk.page(f"/incidents/{first}")
    empty = desk.post("/desk/acknowledge", {})
    assert empty.status_code == 303 and "Tick the incidents" in desk.page("/desk/")
    refused = carrier.post("/desk/acknowledge", {"incident": [str(first)]})
    assert refused.status_code == 403


def in_progress_rows(page: str) -> list[str]:
    """The rows of the table of incidents in progress, as their text."""
    table = page.split('id="in-progress"', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tr>")[2:]  # after the header's
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_the_queue_follows_the_incidents_in_progress_and_their_unconfirmed_referrals(
    as_person, people, api
):
    desk, carrier = as_person(people.desk), as_person(people.carrier)
    incident_id = api.declare(people.carrier).get_json()["id"]
    for action in ("acknowledge", "activate_fallback"):
        api.act(people.desk, incident_id, action)
    desk.post(f"/incidents/{incident_id}/referrals", data=DNL)
    waiting = declare(carrier)
    procedure = re.search(r"<h2>Procedure: ([^<]+)</h2>", desk.page(f"/incidents/{incident_id}"))

    page = desk.page("/desk/")
    [row] = in_progress_rows(page)  # the incident waiting is not in progress
    organisation = people.carrier.actor.organisation.name
    assert row.startswith(f"{incident_id} fallback active STI {organisation} ")
    assert row.endswith(procedure.group(1))
    assert waiting_ids(page) == [waiting]
    referrals = page.split('id="unconfirmed-referrals"', 1)[1].split("</table>", 1)[0]
    assert f"{incident_id} · R1" in referrals and DNL["air_waybill"] in referrals
    assert organisation in referrals

    desk.post("/language", {"lang": "fr"})
    assert f"{incident_id} secours en cours STI" in in_progress_rows(desk.page("/desk/"))[0]
    carrier.post(f"/incidents/{incident_id}/referrals/1/confirm", {})
    assert 'id="unconfirmed-referrals"' not in desk.page("/desk/")


OUTAGE_DAY_IN_PROGRESS = ("STI", "EO_SYSTEM", "NES")
"""The carrier's outages the desk has acknowledged, a minute apart."""
OUTAGE_DAY_WAITING = (
    ("carrier", "TAPAS"),
    ("other_carrier", "STI"),
    ("other_carrier", "EO_SYSTEM"),
)
"""Then the outages waiting for the desk, by whom, a minute apart."""


def test_on_an_outage_day_the_queue_lists_the_oldest_waiting_and_the_latest_in_progress(
    as_person, people, api, clock, monkeypatch
):
    monkeypatch.setattr("bcp.web.desk.ON_PAGE", 2)
    desk = as_person(people.desk)
    followed = []
    for component in OUTAGE_DAY_IN_PROGRESS:
        followed.append(api.declare(people.carrier, component=component).get_json()["id"])
        clock.advance(minutes=1)
        api.act(people.desk, followed[-1], "acknowledge")
    waiting = []
    for who, component in OUTAGE_DAY_WAITING:
        clock.advance(minutes=1)
        waiting.append(api.declare(getattr(people, who), component=component).get_json()["id"])

    page = desk.page("/desk/")
    assert waiting_ids(page) == waiting[:2]  # the oldest first
    assert "Waiting for acknowledgement (3)" in page and "The 2 oldest are shown." in page
    assert [int(r.split()[0]) for r in in_progress_rows(page)] == followed[:0:-1]  # latest first
    assert "In progress (3)" in page and "The 2 latest are shown." in page

    every = desk.page("/desk/?waiting=all&in_progress=all")
    assert waiting_ids(every) == waiting and "oldest are shown" not in every
    assert [int(r.split()[0]) for r in in_progress_rows(every)] == followed[::-1]
    assert "latest are shown" not in every
    links = re.findall(r'href="(/desk/\?[^"]+)"', page)
    assert "/desk/?waiting=all#waiting" in links and "/desk/?in_progress=all#in-progress" in links
    filtered = desk.page("/desk/?component=STI&waiting=all")
    assert waiting_ids(filtered) == [waiting[1]]
    refreshed = desk.page("/desk/queue/rows?waiting=all")  # the refresh keeps what was asked
    assert waiting_ids(refreshed) == waiting

    desk.post("/language", {"lang": "fr"})
    french = desk.page("/desk/")
    assert "Les 2 plus anciens sont affichés." in french
    assert "Afficher tous les incidents en attente" in french
    assert "Les 2 plus récents sont affichés." in french
    assert "Afficher tous les incidents en cours" in french


def test_a_referral_awaiting_confirmation_is_listed_even_when_its_incident_is_not_shown(
    as_person, people, api, clock, monkeypatch
):
    monkeypatch.setattr("bcp.web.desk.ON_PAGE", 1)
    desk = as_person(people.desk)
    followed = []
    for component in ("STI", "EO_SYSTEM"):
        followed.append(api.declare(people.carrier, component=component).get_json()["id"])
        for action in ("acknowledge", "activate_fallback"):
            api.act(people.desk, followed[-1], action)
        clock.advance(minutes=1)
    older, latest = followed
    desk.post(f"/incidents/{older}/referrals", data=DNL)

    page = desk.page("/desk/")
    assert [int(r.split()[0]) for r in in_progress_rows(page)] == [latest]
    assert "In progress (2)" in page
    referrals = page.split('id="unconfirmed-referrals"', 1)[1].split("</table>", 1)[0]
    assert f"{older} · R1" in referrals and DNL["air_waybill"] in referrals
    assert people.carrier.actor.organisation.name in referrals
