"""The status board, the desk's notices and the iCalendar feed, as people and programs see them;
referrals through the incident page and the API."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from bcp.domain.clock import in_paris
from bcp.services.context import Context
from bcp.services.notices import publish_notice, update_notice
from tests.conftest import T0
from tests.domain.test_notices import maintenance, notice_data
from tests.typed import as_notice, as_update
from tests.web.test_openapi import conforms, document  # noqa: F401  (the OpenAPI fixture)

DNL = {"kind": "dnl", "air_waybill": "020-12345675", "route": "telephone", "sent_to": "Duty"}


def local(moment) -> str:
    """What a datetime-local field sends: Paris time without offset."""
    return in_paris(moment).strftime("%Y-%m-%dT%H:%M")


def publish(desk, **fields):
    form = {
        "components": ["STI"],
        "kind": "unscheduled",
        "reason": "hardware_failure",
        "title": "STI indisponible",
        "messages": "Queued by TAPAS",
    } | fields
    return desk.post("/desk/notices/new", data=form)


def test_the_desk_publishes_and_every_operator_sees_the_board(as_person, people):
    desk = as_person(people.desk)
    response = publish(desk, fallback_allowed="on")
    assert response.status_code == 303
    notice_page = response.headers["Location"]
    assert "Fallback procedure" in desk.page(notice_page)
    home = as_person(people.other_carrier).page("/operator/")
    assert 'id="status-STI" data-health="down"' in home
    assert "STI indisponible" in home and "Fallback procedure allowed" in home
    assert "BCP activated by" in home and "every French office of first entry" in home
    board = as_person(people.manager).page("/status/")
    assert 'id="status-CR" data-health="operational"' in board


def test_bad_notices_are_explained_on_the_form(as_person, people, uow):
    desk = as_person(people.desk)
    response = publish(desk, components=["EO_SYSTEM"], kind="sometimes", title="")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Components: unknown value &#39;EO_SYSTEM&#39;" in page and "Kind: unknown value" in page
    assert 'id="components" aria-invalid="true" aria-describedby="components-error"' in page
    assert as_person(people.carrier).page("/status/").count('data-health="operational"') == 6


def test_maintenance_less_than_48_hours_ahead_asks_to_publish_knowingly(as_person, people, clock):
    desk = as_person(people.desk)
    start = clock.now() + timedelta(hours=20)
    form = {
        "kind": "scheduled",
        "reason": "scheduled_maintenance",
        "components": ["CR"],
        "starts_at": local(start),
        "expected_end": local(start + timedelta(hours=2)),
    }
    response = publish(desk, **form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="short-notice"' in page and "20 h before its start" in page
    assert publish(desk, **form, short_notice_confirmed="on").status_code == 303


def test_only_the_desk_publishes_and_an_operator_cannot_post_to_it(as_person, people):
    assert as_person(people.carrier).get("/desk/notices/new").status_code == 403
    response = as_person(people.carrier).post("/desk/notices/new", data={"title": "x"})
    assert response.status_code == 403


def test_the_status_api_matches_its_schema(
    client,
    document,  # noqa: F811
    uow,
    clock,
    library,
    people,
):
    publish_notice(
        Context(uow, clock, library, people.desk.actor),
        as_notice(notice_data(fallback_allowed=True)),
    )
    response = client.get("/api/v1/status", headers=people.carrier.auth)
    conforms(document, "/status", "get", response)
    body = response.get_json()
    states = {c["component"]: c["state"] for c in body["components"]}
    assert states["STI"] == "down" and states["CR"] == "operational"
    assert body["notices"][0]["fallback_allowed"] is True
    assert client.get("/api/v1/status").status_code == 401


def test_the_maintenance_feed_parses_back_and_follows_updates(client, uow, clock, library, people):
    notice = publish_notice(
        Context(uow, clock, library, people.desk.actor), as_notice(maintenance())
    ).notice
    publish_notice(
        Context(uow, clock, library, people.desk.actor), as_notice(notice_data())
    )  # not scheduled
    response = client.get("/api/v1/status/maintenance.ics")  # public: no token
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    [event] = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["UID"]).startswith(f"notice-{notice.id}@")
    assert event.decoded("DTSTART") == T0 + timedelta(hours=72)
    assert event.decoded("DTEND") == T0 + timedelta(hours=76)
    assert "CR" in str(event["SUMMARY"]) and "STI" in str(event["SUMMARY"])
    later = T0 + timedelta(hours=78)
    update_notice(
        Context(uow, clock, library, people.desk.actor),
        notice.id,
        *as_update({"text": "longer", "expected_end": later.isoformat()}),
    )
    [event] = Calendar.from_ical(client.get("/api/v1/status/maintenance.ics").data).walk("VEVENT")
    assert event.decoded("DTEND") == later and int(event["SEQUENCE"]) == 2


def test_referrals_through_the_api(client, document, api, people):  # noqa: F811
    incident_id = api.declare(people.carrier).get_json()["id"]
    for action in ("acknowledge", "activate_fallback"):
        api.act(people.desk, incident_id, action)
    base = f"/api/v1/incidents/{incident_id}/referrals"
    refused = client.post(base, json=DNL, headers=people.carrier.auth)
    assert refused.status_code == 403
    bad = client.post(base, json={**DNL, "kind": "maybe", "sent_to": ""}, headers=people.desk.auth)
    assert bad.status_code == 422
    assert {e["field"] for e in bad.get_json()["errors"]} == {"kind", "sent_to"}
    created = client.post(base, json=DNL, headers=people.desk.auth)
    conforms(document, "/incidents/{incident_id}/referrals", "post", created)
    assert created.status_code == 201 and created.get_json()["referral"]["status"] == "sent"
    hidden = client.post(f"{base}/1/confirmation", headers=people.other_carrier.auth)
    assert hidden.status_code == 404
    confirmed = client.post(f"{base}/1/confirmation", headers=people.carrier.auth)
    path = "/incidents/{incident_id}/referrals/{number}"
    conforms(document, f"{path}/confirmation", "post", confirmed)
    again = client.post(f"{base}/1/confirmation", headers=people.carrier.auth)
    assert again.status_code == 409
    wrong = client.post(
        f"{base}/1/outcome", json={"outcome": "information_given"}, headers=people.carrier.auth
    )
    assert wrong.status_code == 422
    done = client.post(
        f"{base}/1/outcome", json={"outcome": "cargo_not_loaded"}, headers=people.carrier.auth
    )
    conforms(document, f"{path}/outcome", "post", done)
    assert done.get_json()["referral"]["status"] == "completed"
    incident = api.get(people.carrier, f"/incidents/{incident_id}").get_json()
    assert [r["outcome"] for r in incident["referrals"]] == ["cargo_not_loaded"]


def test_referrals_on_the_incident_page(as_person, people, api):
    incident_id = api.declare(people.carrier).get_json()["id"]
    for action in ("acknowledge", "activate_fallback"):
        api.act(people.desk, incident_id, action)
    desk, carrier = as_person(people.desk), as_person(people.carrier)
    page = f"/incidents/{incident_id}"
    response = desk.post(f"{page}/referrals", data={**DNL, "kind": "rfs", "request": "screen it"})
    assert response.status_code == 303
    assert "Referral recorded" in desk.page(page)
    assert 'id="unconfirmed-referrals"' in desk.page("/desk/queue/rows")
    assert "Referrals to confirm" in carrier.page("/operator/")
    carrier.post(f"{page}/referrals/1/outcome", data={"outcome": "screening_done"})
    assert "Result: the result of the screening is required" in carrier.page(page)
    carrier.post(
        f"{page}/referrals/1/outcome", data={"outcome": "screening_done", "result": "clear"}
    )
    shown = carrier.page(page)
    assert "screening done: clear" in shown and "Referrals to confirm" not in carrier.page(
        "/operator/"
    )


def test_a_notice_shows_each_person_only_the_linked_incidents_they_may_open(
    as_person, people, api, uow, clock, library
):
    own = api.declare(people.carrier).get_json()["id"]
    other = api.declare(people.other_carrier).get_json()["id"]
    notice = publish_notice(
        Context(uow, clock, library, people.desk.actor), as_notice(notice_data())
    ).notice
    page = f"/status/notices/{notice.id}"
    carrier = as_person(people.carrier).page(page)
    assert f'href="/incidents/{own}"' in carrier and f'href="/incidents/{other}"' not in carrier
    desk = as_person(people.desk).page(page)
    assert f'href="/incidents/{own}"' in desk and f'href="/incidents/{other}"' in desk


def test_the_desk_runs_a_notice_through_the_api(client, document, api, people):  # noqa: F811
    desk, carrier = people.desk.auth, people.carrier.auth
    incident_id = api.declare(people.carrier).get_json()["id"]
    assert client.post("/api/v1/notices", json=notice_data(), headers=carrier).status_code == 403
    bad = client.post("/api/v1/notices", json=notice_data(kind="often"), headers=desk)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "kind"
    created = client.post("/api/v1/notices", json=notice_data(), headers=desk)
    conforms(document, "/notices", "post", created)
    assert created.get_json()["linked_incidents"] == [incident_id]
    location = created.headers["Location"]
    notice_id = created.get_json()["notice"]["id"]
    assert location == f"/api/v1/notices/{notice_id}"
    opened = client.post(f"{location}/fallback", json={"allowed": True}, headers=desk)
    conforms(document, "/notices/{notice_id}/fallback", "post", opened)
    assert opened.get_json()["fallback_allowed"] is True
    again = client.post(f"{location}/fallback", json={"allowed": True}, headers=desk)
    assert again.status_code == 409
    assert client.post(f"{location}/fallback", json={}, headers=desk).status_code == 422
    later = (T0 + timedelta(hours=5)).isoformat()
    updated = client.post(
        f"{location}/updates", json={"text": "a router", "expected_end": later}, headers=desk
    )
    conforms(document, "/notices/{notice_id}/updates", "post", updated)
    assert updated.get_json()["expected_end"] == "2026-11-22T12:30:00Z"
    assert api.get(people.carrier, f"/incidents/{incident_id}").get_json()["state"] == (
        "fallback_active"
    )
    closed = client.post(f"{location}/close", headers=desk)
    conforms(document, "/notices/{notice_id}/close", "post", closed)
    shown = client.get(location, headers=carrier)
    conforms(document, "/notices/{notice_id}", "get", shown)
    body = shown.get_json()
    assert body["status"] == "closed" and body["linked_incidents"] == [incident_id]
    assert [u["kind"] for u in body["updates"]] == [
        "published",
        "fallback_opened",
        "updated",
        "fallback_closed",
        "closed",
    ]
    assert client.get("/api/v1/notices/999", headers=carrier).status_code == 404


def test_the_bcp_is_activated_notified_and_a_referral_passed_through_the_api(
    client,
    document,  # noqa: F811
    api,
    people,
):
    """The administration's outage, through the API as a desk tool would run it: the BCP
    activated for air at Roissy until the evening, the Commission notified, a DNL to a carrier
    named by its EORI."""
    desk = people.desk.auth
    created = client.post("/api/v1/notices", json=notice_data(), headers=desk).get_json()
    location = f"/api/v1/notices/{created['notice']['id']}"
    until = (T0 + timedelta(hours=9)).isoformat()
    bad = client.post(
        f"{location}/fallback",
        json={"allowed": True, "bcp": {"modes": ["air"], "offices": ["Roissy"], "until": until}},
        headers=desk,
    )
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "offices"
    bcp = {"decided_by": "DGDDI", "modes": ["air"], "offices": ["FR004100"], "until": until}
    opened = client.post(f"{location}/fallback", json={"allowed": True, "bcp": bcp}, headers=desk)
    conforms(document, "/notices/{notice_id}/fallback", "post", opened)
    [window] = opened.get_json()["fallback_windows"]
    assert window["activation"]["modes"] == ["air"] and window["until"] == "2026-11-22T16:30:00Z"
    assert window["activation"]["legal_basis"].startswith("Implementing Regulation (EU) 2023/1070")
    notified = client.post(
        f"{location}/notifications", json={"to": "DG TAXUD ICS2 service desk"}, headers=desk
    )
    conforms(document, "/notices/{notice_id}/notifications", "post", notified)
    assert notified.get_json()["notifications"][0]["to"] == "DG TAXUD ICS2 service desk"
    refused = client.post(f"{location}/notifications", json={"to": ""}, headers=desk)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "to"
    referred = client.post(
        f"{location}/referrals", json={**DNL, "carrier": "FR81234567800013"}, headers=desk
    )
    conforms(document, "/notices/{notice_id}/referrals", "post", referred)
    answer = referred.get_json()
    assert answer["incident"]["organisation"]["eori"] == "FR81234567800013"
    assert answer["incident"]["state"] == "fallback_active"  # an air carrier, BCP for air
    nobody = client.post(f"{location}/referrals", json=DNL, headers=desk)
    assert nobody.status_code == 422 and nobody.get_json()["errors"][0]["field"] == "carrier"


def test_the_desk_activates_the_bcp_for_one_operator_and_notifies_the_commission(
    client,
    document,  # noqa: F811
    api,
    people,
):
    incident_id = api.declare(people.carrier, component="EO_SYSTEM", side="operator").get_json()[
        "id"
    ]
    base = f"/api/v1/incidents/{incident_id}"
    api.act(people.desk, incident_id, "acknowledge")
    client.post(
        f"{base}/steps/operator-contact-sau", json={"status": "done"}, headers=people.carrier.auth
    )
    wrong = client.post(
        f"{base}/transitions",
        json={"action": "recover", "bcp": {"modes": ["air"]}},
        headers=people.desk.auth,
    )
    assert wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "bcp"
    done = client.post(
        f"{base}/transitions",
        json={"action": "activate_fallback", "bcp": {"modes": ["air"], "offices": ["FR004100"]}},
        headers=people.desk.auth,
    )
    assert done.status_code == 200 and done.get_json()["state"] == "fallback_active"
    event = next(e for e in done.get_json()["timeline"] if e["kind"] == "fallback_activated")
    assert event["changes"]["bcp"]["offices"] == ["FR004100"]
    notified = client.post(
        f"{base}/notifications",
        json={"to": "DG TAXUD", "at": (T0 - timedelta(minutes=1)).isoformat()},
        headers=people.desk.auth,
    )
    conforms(document, "/incidents/{incident_id}/notifications", "post", notified)
    steps = {s["id"]: s["status"] for s in notified.get_json()["steps"]}
    assert steps["desk-notify-commission"] == "done"
    assert (
        client.post(f"{base}/notifications", json={"to": "x"}, headers=people.carrier.auth)
    ).status_code == 403


def test_the_notice_page_activates_the_bcp_and_records_the_notification(as_person, people):
    desk = as_person(people.desk)
    notice_page = publish(desk).headers["Location"]
    notice_id = notice_page.rsplit("/", 1)[1]
    page = desk.page(notice_page)
    assert "Activate the continuity plan: allow the fallback" in page
    response = desk.post(
        f"/desk/notices/{notice_id}/fallback",
        data={"window": "open", "bcp_modes": ["air", "express"], "offices": "FR004100 FR006900",
              "decided_by": "DGDDI"},
    )  # fmt: skip
    assert response.status_code == 303
    page = desk.page(notice_page)
    assert "BCP activated by DGDDI" in page and "FR006900" in page
    desk.post(f"/desk/notices/{notice_id}/notifications", data={"to": "DG TAXUD"})
    assert "notified to DG TAXUD" in desk.page(notice_page)
    desk.post(f"/desk/notices/{notice_id}/notifications", data={"to": ""})
    page = desk.page(notice_page)
    assert "To: must not be blank" in page  # at the top, and beside the field
    assert 'aria-describedby="to-error"' in page and 'id="to-error"' in page


def test_a_refused_notice_update_keeps_what_the_desk_typed_beside_its_fields(as_person, people):
    desk = as_person(people.desk)
    notice_page = publish(desk).headers["Location"]
    notice_id = notice_page.rsplit("/", 1)[1]
    desk.post(
        f"/desk/notices/{notice_id}/updates",
        data={"text": "", "messages": "12 ENS envoyées par courriel"},
    )
    form = desk.page(notice_page).split('id="update-form"', 1)[1].split("</form>", 1)[0]
    assert 'aria-describedby="text-error"' in form and 'id="text-error"' in form
    assert 'value="12 ENS envoyées par courriel"' in form


def test_a_national_system_notice_offers_no_fallback(as_person, people):
    desk = as_person(people.desk)
    notice_page = publish(desk, components=["NES"]).headers["Location"]
    page = desk.page(notice_page)
    assert 'id="no-fallback"' in page and 'data-window="open"' not in page


def test_the_desk_s_declaration_for_everyone_publishes_its_notice(as_person, people):
    desk = as_person(people.desk)
    response = desk.post(
        "/operator/declare",
        {
            "component": "STI",
            "scope": "eu",
            "started_at": local(T0 - timedelta(minutes=5)),
            "modes": "air",
            "channel": "EDI",
            "ens_operations": "lodge",
            "summary": "STI indisponible",
            "confirm": "yes",
        },
    )
    assert response.status_code == 303 and "/status/notices/" in response.headers["Location"]
    page = desk.page(response.headers["Location"])
    assert "STI indisponible" in page and "cause not yet known" in page


def test_a_poller_of_the_board_holding_its_etag_is_answered_304_without_a_render(
    app, as_person, people, clock
):
    from flask import template_rendered

    operator = as_person(people.carrier)
    first = operator.get("/status/")
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag
    assert first.headers["Cache-Control"] == "private, max-age=10, stale-while-revalidate=30"
    assert {"Cookie", "Accept-Language"} <= set(first.vary)
    rendered = []
    template_rendered.connect(lambda _app, template, context: rendered.append(template.name), app)
    again = operator.get("/status/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and rendered == []
    assert again.headers["ETag"] == etag
    assert operator.get("/status/", headers={"If-None-Match": '"stale"'}).status_code == 200
    # what changes the answer: the language, the minute shown, and the board itself
    french = as_person(people.carrier, "fr").get("/status/", headers={"If-None-Match": etag})
    assert french.status_code == 200
    clock.advance(minutes=1)
    later = operator.get("/status/", headers={"If-None-Match": etag})
    assert later.status_code == 200
    etag = later.headers["ETag"]
    publish(as_person(people.desk), fallback_allowed="on")
    changed = operator.get("/status/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "STI indisponible" in changed.get_data(as_text=True)


def test_a_page_with_a_message_to_show_is_never_answered_304(as_person, people):
    desk = as_person(people.desk)
    notice_page = publish(desk).headers["Location"]  # "Notice published." waits to be shown
    shown = desk.get(notice_page)
    assert shown.status_code == 200 and "flash success" in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "private, no-cache"  # the desk's browser asks
    etag = shown.headers["ETag"]
    assert desk.get(notice_page, headers={"If-None-Match": etag}).status_code == 304
    desk.post(f"{notice_page.replace('/status/notices/', '/desk/notices/')}/close", {"text": ""})
    after = desk.get(notice_page, headers={"If-None-Match": etag})
    assert after.status_code == 200  # closed, and its message shown


def test_the_status_api_answers_304_to_a_client_holding_the_board(client, people, document):  # noqa: F811
    first = client.get("/api/v1/status", headers=people.carrier.auth)
    assert first.status_code == 200 and first.headers["ETag"]
    held = {**people.carrier.auth, "If-None-Match": first.headers["ETag"]}
    again = client.get("/api/v1/status", headers=held)
    assert again.status_code == 304 and again.data == b""
    conforms(document, "/status", "get", again)  # documented, with If-None-Match
    names = [p["name"] for p in document["paths"]["/status"]["get"]["parameters"]]
    assert "If-None-Match" in names
