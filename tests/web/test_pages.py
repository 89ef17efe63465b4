"""The three desks through the test client: what each person sees and may do."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs

from sqlalchemy import func, select

from bcp.store.models import AuditEventRow, IncidentRow
from tests.web.conftest import PASSWORD, Browser

DECLARE = {
    "component": "STI",
    "started_at": "2026-11-22T08:10",
    "modes": ["air"],
    "channel": "EDI",
    "ens_operations": ["lodge", "amend"],
    "ens_waiting": "12",
    "summary": "STI refuse nos ENS",
}


def count(app, model) -> int:
    with app.extensions["bcp"].session_factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def declare(browser, **overrides) -> int:
    response = browser.post("/operator/declare", {**DECLARE, **overrides, "confirm": "yes"})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_sign_in_and_the_home_of_each_role(browser_app, people):
    for person, home in [
        (people.carrier, "/operator/"),
        (people.desk, "/desk/"),
        (people.manager, "/manager/"),
        (people.admin, "/admin/"),
    ]:
        browser = Browser(browser_app)
        response = browser.sign_in(person.login)
        assert response.status_code == 302 and response.headers["Location"] == home
        assert browser.get(home).status_code == 200


def test_wrong_passwords_are_refused_limited_and_audited(browser_app, people):
    browser = Browser(browser_app)
    for _ in range(5):
        response = browser.sign_in("carrier", "wrong")
        assert response.status_code == 401
        assert "Wrong login or password" in response.get_data(as_text=True)
    response = browser.sign_in("carrier", PASSWORD)
    assert response.status_code == 429
    assert "wait 15 minutes" in response.get_data(as_text=True)
    with browser_app.extensions["bcp"].session_factory() as session:
        actions = list(session.scalars(select(AuditEventRow.action).order_by(AuditEventRow.id)))
    assert actions[-6:] == ["sign_in_failed"] * 5 + ["sign_in_refused"]


def test_security_headers_and_cookies(browser_app, people):
    browser = Browser(browser_app)
    response = browser.sign_in("carrier")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = browser.get("/operator/")
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "script-src 'self'" in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in page.get_data(as_text=True)
    for name in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Cache-Control",
    ):
        assert len(page.headers.getlist(name)) == 1, name  # each once
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Cache-Control"] == "no-store"  # a page of a person's own
    assert "Strict-Transport-Security" not in page.headers  # sent in production only
    # A view's own Cache-Control stays, alone (the status board's, bcp.web.conditional).
    board = browser.get("/status/")
    assert board.headers.getlist("Cache-Control") == [
        "private, max-age=10, stale-while-revalidate=30"
    ]


def test_forms_without_a_csrf_token_are_refused_and_save_nothing(app, people, uow, clock):
    from bcp.domain.actors import Actor, Role
    from bcp.services.accounts import list_users, set_password

    for user in list_users(uow):
        set_password(uow, clock, Actor(None, "t", Role.ADMIN), user.id, PASSWORD)
    browser = Browser(app)
    page = browser.page("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = browser.post(
        "/sign-in", {"login": "carrier", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    response = browser.post("/operator/declare", {**DECLARE, "confirm": "yes"})
    assert response.status_code == 303
    assert "expired" in browser.page("/operator/")
    assert count(app, IncidentRow) == 0


def test_the_declaration_shows_its_procedure_before_saving(as_person, people, browser_app):
    operator = as_person(people.carrier)
    response = operator.post("/operator/declare", {**DECLARE, "confirm": "no"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The procedure that will apply" in page
    assert "Outage on the administration" in page
    assert "Rule administration-unplanned of the table" in page
    assert count(browser_app, IncidentRow) == 0
    incident_id = declare(operator)
    page = operator.page(f"/incidents/{incident_id}")
    assert "STI refuse nos ENS" in page
    assert "Confirm and announce the outage" in page


def test_bad_declarations_are_explained_beside_their_fields(as_person, people, browser_app):
    operator = as_person(people.carrier)
    response = operator.post(
        "/operator/declare",
        {**DECLARE, "started_at": "2026-11-23T09:00", "modes": [], "confirm": "yes"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Transport modes affected: expected a list of at least 1" in page  # by its label
    assert 'id="modes" aria-invalid="true" aria-describedby="modes-error"' in page
    assert '<p class="field-error" id="modes-error">expected a list of at least 1' in page
    assert 'value="STI refuse nos ENS"' in page  # what was typed is kept
    future = operator.post(
        "/operator/declare", {**DECLARE, "started_at": "2026-11-23T09:00", "confirm": "yes"}
    )
    assert future.status_code == 422
    text = future.get_data(as_text=True)
    assert "When did it start?: an unplanned outage cannot start in the future" in text
    assert 'aria-describedby="started_at-error"' in text
    assert count(browser_app, IncidentRow) == 0


def test_a_bad_declaration_is_explained_in_french(as_person, people, browser_app):
    operator = as_person(people.carrier, "fr")
    response = operator.post(
        "/operator/declare", {**DECLARE, "summary": "", "modes": [], "confirm": "yes"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Rien n'a été enregistré" in page
    assert "Résumé : ne doit pas être vide" in page
    assert "Modes de transport concernés : une liste d’au moins 1 élément(s) est attendue" in page
    assert "summary:" not in page and "modes:" not in page
    assert count(browser_app, IncidentRow) == 0


def test_steps_turn_red_when_overdue_and_messages_are_prefilled(as_person, people, clock):
    operator = as_person(people.carrier)
    incident_id = declare(operator, component="EO_SYSTEM")
    clock.advance(minutes=31)
    page = operator.page(f"/incidents/{incident_id}")
    row = re.search(r'<tr id="step-operator-diagnose" class="step-overdue">.*?</tr>', page, re.S)
    assert row and 'class="overdue"' in row.group(0)
    assert "ICS2 – Incident FR81234567800013 – request for a diagnosis" in page
    assert "cid-sau@douane.finances.gouv.fr" in page
    # the message to send is open, and its e-mail link carries its subject and its body
    message = re.search(r'<details class="message" open>.*?</details>', page, re.S).group(0)
    mailto = re.search(r'href="(mailto:[^"]+)" data-mail="operator-contact-sau"', message).group(1)
    address, _, query = html.unescape(mailto).partition("?")
    fields = parse_qs(query)
    assert address == "mailto:cid-sau@douane.finances.gouv.fr"
    assert fields["subject"] == ["ICS2 – Incident FR81234567800013 – request for a diagnosis"]
    assert "FR81234567800013" in fields["body"][0] and "\n" in fields["body"][0]
    assert 'data-copy="body-operator-contact-sau"' in message


def test_recording_work_with_evidence(as_person, people, browser_app):
    from io import BytesIO

    operator = as_person(people.carrier)
    incident_id = declare(operator)
    path = f"/incidents/{incident_id}/record"
    pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    response = operator.post(
        path,
        {
            "note": "Mail envoyé au SAU",
            "reference": "<abc@x>",
            "attachment": (BytesIO(pdf), "preuve.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = operator.page(f"/incidents/{incident_id}")
    assert "preuve.pdf" in page and "Mail envoyé au SAU" in page
    link = re.search(rf'href="(/incidents/{incident_id}/attachments/\d+)"', page).group(1)
    download = operator.get(link)
    assert download.data == pdf and download.mimetype == "application/pdf"
    for name, data, words in [
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "is not a PDF file"),
        ("virus.exe", b"MZ", "only PDF, PNG or EML"),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ]:
        response = operator.post(
            path,
            {"note": "x", "attachment": (BytesIO(data), name)},
            content_type="multipart/form-data",
        )
        assert words in operator.page(f"/incidents/{incident_id}"), name
    assert page.count("preuve.pdf") == operator.page(f"/incidents/{incident_id}").count(
        "preuve.pdf"
    )
    other = as_person(people.other_carrier)
    assert other.get(link).status_code == 404


def test_the_desk_queue_acknowledge_and_a_second_agent(as_person, people, clock):
    operator = as_person(people.carrier)
    incident_id = declare(operator)
    desk, other_desk = as_person(people.desk), as_person(people.desk)
    clock.advance(minutes=20)
    rows = desk.page("/desk/queue/rows")
    assert f'data-incident="{incident_id}"' in rows
    assert "20 / 15 min" in rows and 'class="late"' in rows
    assert 'data-refresh-url="/desk/queue/rows"' in desk.page("/desk/")
    form = {"action": "acknowledge"}
    assert desk.post(f"/incidents/{incident_id}/transition", form).status_code == 303
    other_desk.post(f"/incidents/{incident_id}/transition", form)
    page = other_desk.page(f"/incidents/{incident_id}")
    assert "Not applied: not possible now: the incident is acknowledged." in page
    assert f'data-incident="{incident_id}"' not in desk.page("/desk/queue/rows")


def test_an_outage_for_everyone_is_a_banner_for_every_operator(as_person, people):
    desk = as_person(people.desk)
    response = desk.post(
        "/operator/declare",
        {**DECLARE, "scope": "eu", "confirm": "yes", "summary": "STI indisponible depuis 08:10"},
    )
    assert response.status_code == 303
    for person in (people.carrier, people.other_carrier):
        assert "STI indisponible depuis 08:10" in as_person(person).page("/operator/")


def test_operators_see_only_their_own(as_person, people):
    incident_id = declare(as_person(people.carrier))
    other = as_person(people.other_carrier)
    response = other.get(f"/incidents/{incident_id}")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)
    assert other.get("/manager/").status_code == 403
    assert other.get("/admin/").status_code == 403
    assert "This page is for" in other.get("/desk/").get_data(as_text=True)


def test_the_manager_dashboard_search_and_csv(as_person, people, clock):
    operator = as_person(people.carrier)
    first = declare(operator, summary='=HYPERLINK("http://x")')
    desk = as_person(people.desk)
    clock.advance(minutes=6)
    desk.post(f"/incidents/{first}/transition", {"action": "acknowledge"})
    manager = as_person(people.manager)
    page = manager.page("/manager/")
    assert "<svg" in page and "Time to acknowledge, median by component" in page
    assert "6 min" in page
    # every figure leads to the incidents behind it
    assert 'href="/manager/incidents?component=STI&amp;state=acknowledged">1</a>' in page
    assert (
        'href="/manager/incidents?from=2026-11-01&amp;to=2026-11-30"><code>2026-11</code>' in page
    )
    behind = manager.page("/manager/incidents?from=2026-11-01&to=2026-11-30")
    assert f'href="/incidents/{first}"' in behind
    page = manager.page("/manager/incidents?component=STI&q=HYPERLINK")
    assert f"/incidents/{first}" in page
    csv = manager.get("/manager/incidents.csv?component=STI").get_data(as_text=True)
    lines = csv.strip().splitlines()
    assert lines[0].startswith("id,state,component")
    assert "'=HYPERLINK" in lines[1] and ",360," in lines[1]
    assert manager.get("/manager/incidents?from=not-a-date").status_code == 422


def test_admin_users_organisations_contacts_and_audit(as_person, people, browser_app):
    admin = as_person(people.admin)
    admin.post("/admin/users", {"login": "agent2", "role": "desk", "password": "weak"})
    page = admin.page("/admin/")
    assert "Password: 8 characters or more, with an upper-case letter" in page
    assert 'aria-describedby="password-rule password-error" aria-invalid="true"' in page
    assert 'value="agent2"' in page and "weak" not in page  # typed again, never the password
    admin.post("/admin/users", {"login": "agent2", "role": "desk", "password": "Agent2!2026x"})
    assert "agent2" in admin.page("/admin/")
    assert Browser(browser_app).sign_in("agent2", "Agent2!2026x").status_code == 302
    page = admin.page("/admin/")
    agent_id = re.search(
        r'<code>agent2</code></td>\s*<td [^>]*><form method="post" action="/admin/users/(\d+)"',
        page,
    ).group(1)
    admin.post(f"/admin/users/{agent_id}", {"display_name": "Agent Deux", "role": "operator"})
    assert "an operator belongs to an organisation" in admin.page("/admin/")
    admin.post(
        f"/admin/users/{agent_id}",
        {"display_name": "Agent Deux", "role": "manager", "email": "agent2@douane.example"},
    )
    assert 'value="Agent Deux"' in admin.page("/admin/")
    admin.post(
        "/admin/organisations", {"name": "Nouveau", "kind": "carrier", "eori": "FR12345678901234"}
    )
    assert "SIRET" in admin.page("/admin/organisations")
    page = admin.page("/admin/organisations")
    org_id = re.search(r'action="/admin/organisations/(\d+)".*?value="Aérofret"', page, re.S)
    admin.post(
        f"/admin/organisations/{org_id.group(1)}",
        {"name": "Aérofret Cargo", "siret": "81234567800013", "stp_access": "yes"},
    )
    page = admin.page("/admin/organisations")
    assert 'value="Aérofret Cargo"' in page
    assert re.search(r'name="stp_access" value="yes" checked', page)
    admin.post(
        "/admin/contacts/cid-sau",
        {
            "name_fr": "SAU du CID",
            "name_en": "CID SAU",
            "email": "sau-test@douane.example",
            "phone": "+33 1 00",
        },
    )
    operator = as_person(people.carrier)
    incident_id = declare(operator, component="EO_SYSTEM")
    incident_page = operator.page(f"/incidents/{incident_id}")
    assert "sau-test@douane.example" in incident_page
    assert "STP filing possible" in incident_page  # the organisation can lodge on the portal
    audit = admin.page("/admin/audit")
    assert "user added" in audit and "contact updated" in audit and "signed in" in audit
    assert "organisation updated" in audit and "user updated" in audit


def test_french_and_english(as_person, people):
    operator = as_person(people.carrier, lang="fr")
    page = operator.page("/operator/")
    assert "Mes incidents" in page and 'lang="fr"' in page
    operator.post("/language", {"lang": "en", "next": "/operator/"})
    assert "My incidents" in operator.page("/operator/")
    english = as_person(people.carrier, lang="en-GB,en;q=0.9")
    assert "Declare an outage" in english.page("/operator/")


def test_times_are_shown_in_paris(as_person, people):
    operator = as_person(people.carrier)
    incident_id = declare(operator)
    page = operator.page(f"/incidents/{incident_id}")
    assert "22/11/2026 08:10" in page  # started at 08:10 Paris = 07:10 UTC


def test_reports_and_the_post_mortem_in_the_browser(as_person, people, clock):
    operator, desk, manager = (as_person(p) for p in (people.carrier, people.desk, people.manager))
    incident_id = declare(operator)
    page = operator.page(f"/incidents/{incident_id}")
    assert f"/incidents/{incident_id}/report.pdf?lang=fr" in page
    assert f"/incidents/{incident_id}/fallback/operator-fallback-filing.pdf" in page
    response = operator.get(f"/incidents/{incident_id}/report.pdf?lang=en")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    for action in ("acknowledge", "recover"):
        desk.post(f"/incidents/{incident_id}/transition", {"action": action})
    desk.post(f"/incidents/{incident_id}/steps/operator-relodge", {"status": "done"})
    desk.post(f"/incidents/{incident_id}/transition", {"action": "close"})
    path = f"/manager/incidents/{incident_id}/postmortem"
    manager.post(
        path,
        {
            "summary": "Panne STI",
            "root_cause": "Certificat",
            "action_items": "Surveiller | IT | 2026-12-31\n",
            "finalise": "no",
        },
    )
    page = manager.page(path)
    assert "Surveiller | IT | 2026-12-31" in page
    refused = manager.post(path, {"summary": "x", "action_items": "bad line", "finalise": "no"})
    assert refused.status_code == 422 and "Due date (line 1)" in refused.get_data(as_text=True)
    assert "Panne STI" in manager.page(path)  # nothing was saved
    finalised = {
        "summary": "Panne STI de 2 h",  # what is on the screen is what is signed
        "root_cause": "Certificat",
        "action_items": "Surveiller | IT | 2026-12-31\n",
        "finalise": "yes",
    }
    manager.post(path, finalised)
    page = manager.page(path)
    assert "SHA-256" in page and "readonly" in page and ">Panne STI de 2 h</textarea>" in page
    pdf = manager.get(f"/incidents/{incident_id}/report.pdf?postmortem=1")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    assert operator.get(path).status_code == 403
    response = manager.get("/manager/reports/period.pdf?from=2026-11-01&to=2026-11-30&lang=fr")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert manager.get("/manager/reports/period.pdf?from=2026-11-01").status_code == 422


def test_timers_pages(as_person, people, uow, clock, browser_app):
    admin = as_person(people.admin)
    admin.post(
        "/admin/probes",
        {
            "name": "AS4 Aérofret",
            "component": "EO_SYSTEM",
            "url": "http://127.0.0.1:9/health",
            "interval_seconds": "60",
        },
    )
    assert "AS4 Aérofret" in admin.page("/admin/probes")
    admin.post("/admin/probes", {"name": "", "component": "EO_SYSTEM", "url": "ftp://x"})
    assert "an http:// or https:// address" in admin.page("/admin/probes")
    admin.post(
        "/admin/webhooks",
        {"url": "http://127.0.0.1:9/hook", "secret": "s", "topics": ["incident.declared"]},
    )
    assert "http://127.0.0.1:9/hook" in admin.page("/admin/webhooks")
    org_id = people.carrier.actor.organisation.id
    admin.post(
        "/admin/certificates",
        {
            "organisation_id": str(org_id),
            "label": "cachet 2026",
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-01",
            "process": "1",
            "status": "active",
        },
    )
    assert "cachet 2026" in admin.page("/admin/certificates")
    operator = as_person(people.carrier)
    operator.post(
        "/certificates",
        {
            "label": "cachet 2027",
            "valid_from": "2026-12-01",
            "valid_until": "2026-11-01",
            "process": "1",
        },
    )
    assert "must come after the date it is valid from" in operator.page("/certificates")
    assert "cachet 2026" in operator.page("/certificates")
    operator.post("/account/notifications", {"topics": ["incident.closed"]})
    page = operator.page("/account/notifications")
    assert 'value="incident.closed" checked' in page
    assert 'value="incident.declared" checked' not in page
    assert "AS4 Aérofret" in operator.page("/components/EO_SYSTEM")
    assert operator.get("/components/NOPE").status_code == 404


def test_a_draft_fills_the_declaration_form(as_person, people, uow, clock):
    from datetime import date

    from bcp.domain.actors import Actor, Role
    from bcp.services.certificates import record_certificate, watch_certificates

    org_id = people.carrier.actor.organisation.id
    record_certificate(
        uow,
        clock,
        Actor(None, "a", Role.ADMIN),
        org_id,
        label="cachet",
        valid_from=date(2025, 1, 1),
        valid_until=date(2026, 11, 22),
        process=1,
    )
    assert watch_certificates(uow, clock) == ["draft incident: certificate 1 expired"]
    operator = as_person(people.carrier)
    page = operator.page("/operator/")
    assert "Certificate cachet expired" in page
    draft_id = re.search(r'action="/drafts/(\d+)/use"', page).group(1)
    response = operator.post(f"/drafts/{draft_id}/use")
    assert response.status_code == 303
    form = operator.page(response.headers["Location"])
    assert 'value="UUMDS:operator" selected' in form
    assert 'value="Certificate cachet expired"' in form
    assert "Certificate cachet expired" not in operator.page("/operator/")


def test_an_admin_activates_a_rules_table(as_person, people):
    admin = as_person(people.admin)
    page = admin.page("/admin/reflexes")
    assert "fr-2025-10" in page and "active" in page
    admin.post("/admin/reflexes", {"version": "fr-1999-01", "note": "x"})
    assert "no rules table fr-1999-01" in admin.page("/admin/reflexes")
    admin.post("/admin/reflexes", {"version": "fr-2025-10", "note": "note du 13 octobre"})
    assert "rules table activated" in admin.page("/admin/audit")
