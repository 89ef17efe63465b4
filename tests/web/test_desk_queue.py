"""The desk's queue during a wave of declarations: the number waiting in the tab's title,
filters by component, organisation and lateness, and acknowledging several at once."""

from __future__ import annotations

import re

from tests.conftest import CARRIER_EORI, OTHER_EORI
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
