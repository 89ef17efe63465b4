"""Who may do what: every route of the app × every role, with an incident of one's own
organisation or of another's. The matrix must name every route the app has.

Each cell is what the gate answers, whatever the business rules say next:
  L  sign in first (401 on the API, the sign-in page otherwise)
  D  refused to this role (403)
  H  hidden: another organisation's incident does not exist for this person (404)
  O  let through (any other answer below 500: the page, a redirect, 409 or 422 from the rules)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bcp.domain.webhook_signing import new_secret
from bcp.services.accounts import issue_token
from bcp.services.consignments import add_consignments
from bcp.services.context import Context
from bcp.services.drafts import drafts_for, propose
from bcp.services.incidents import apply_action, declare_incident, record_work
from bcp.services.notices import publish_notice
from bcp.services.referrals import record_referral
from bcp.store.models import AttachmentRow, DeliveryRow, OutboxRow, WebhookRow
from tests.domain.conftest import facts
from tests.typed import as_consignment, as_declaration, as_notice, as_referral
from tests.web.conftest import Browser

DNL = {"kind": "dnl", "air_waybill": "02012345675", "route": "telephone", "sent_to": "duty"}
NOTICE = {"components": ["STP"], "kind": "unscheduled", "reason": "network_problem", "title": "x"}
CONSIGNMENT = {
    "document_kind": "awb_house",
    "document_number": "H-MATRIX-2",
    "case": "road",
    "means_of_transport": "AB-123-CD",
    "office_of_first_entry": "FR006900",
}
GOODS_FORM = {**CONSIGNMENT, "document_number": "H-MATRIX-3"}
GOODS_ROWS = {
    "rows": "document_kind,document_number,case,means_of_transport,office_of_first_entry\n"
    "cmr,CMR-MATRIX,road,AB-123-CD,FR006900"
}
ROLES = ("anonymous", "owner", "other operator", "desk", "manager", "admin")

#  endpoint: (method, path, body, answers for ROLES in that order)
MATRIX: dict[str, tuple[str, str, dict | None, str]] = {
    # public
    "home.index": ("GET", "/", None, "OOOOOO"),
    "home.health": ("GET", "/healthz", None, "OOOOOO"),
    "home.ping": ("GET", "/ping", None, "OOOOOO"),
    "static": ("GET", "/static/css/bcp.css", None, "OOOOOO"),
    "auth.sign_in": ("GET", "/sign-in", None, "OOOOOO"),
    "auth.language": ("POST", "/language", {"lang": "en"}, "OOOOOO"),
    "auth.sign_out": ("POST", "/sign-out", {}, "LLLLLL"),  # always ends on the sign-in page
    "reflexes.table_page": ("GET", "/reflexes", None, "OOOOOO"),
    "api.openapi": ("GET", "/api/v1/openapi.json", None, "OOOOOO"),
    "developers.api_reference": ("GET", "/developers/api", None, "OOOOOO"),
    "api.maintenance_calendar": ("GET", "/api/v1/status/maintenance.ics", None, "OOOOOO"),
    # everyone signed in
    "account.notification_topics": ("GET", "/account/notifications", None, "LOOOOO"),
    "account.component": ("GET", "/components/STI", None, "LOOOOO"),
    "account.tokens": ("GET", "/account/tokens", None, "LOOOOO"),
    # a token of the carrier's: its owner or an admin revokes it; for others it does not exist
    "account.revoke_token": ("POST", "/account/tokens/{token}/revoke", {}, "LOHHHO"),
    "api.get_reflexes": ("GET", "/api/v1/reflexes", None, "LOOOOO"),
    "api.post_evaluate": ("POST", "/api/v1/reflexes/evaluate", {}, "LOOOOO"),
    "api.list_incidents": ("GET", "/api/v1/incidents", None, "LOOOOO"),
    "api.get_status": ("GET", "/api/v1/status", None, "LOOOOO"),
    "status.board": ("GET", "/status/", None, "LOOOOO"),
    "status.notice": ("GET", "/status/notices/{notice}", None, "LOOOOO"),
    "api.get_notice": ("GET", "/api/v1/notices/{notice}", None, "LOOOOO"),
    # operators
    "operator.home": ("GET", "/operator/", None, "LOODDD"),
    "operator.declare": ("GET", "/operator/declare", None, "LOOODD"),
    "api.post_incident": ("POST", "/api/v1/incidents", facts(), "LOOODD"),
    "account.organisation_certificates": ("GET", "/certificates", None, "LOODDD"),
    "account.dismiss": ("POST", "/drafts/{draft}/dismiss", {}, "LOHODD"),
    "account.use": ("POST", "/drafts/{draft}/use", {}, "LOHODD"),
    # one incident, of the owner's organisation; admins (who run accounts and settings) see
    # incidents but not their reports and post-mortems
    "incidents.page": ("GET", "/incidents/{incident}", None, "LOHOOO"),
    "incidents.version": ("GET", "/incidents/{incident}/version", None, "LOHOOO"),
    "incidents.report_pdf": ("GET", "/incidents/{incident}/report.pdf", None, "LOHOOD"),
    "incidents.attachment": (
        "GET",
        "/incidents/{incident}/attachments/{attachment}",
        None,
        "LOHOOO",
    ),
    "incidents.fallback_document": (
        "GET",
        "/incidents/{incident}/fallback/{document}.pdf",
        None,
        "LOHOOD",
    ),
    "incidents.transition": (
        "POST",
        "/incidents/{incident}/transition",
        {"action": "acknowledge"},
        "LDHODD",
    ),
    "incidents.step": (
        "POST",
        "/incidents/{incident}/steps/desk-announce",
        {"status": "done"},
        "LDHODD",
    ),
    "incidents.record": ("POST", "/incidents/{incident}/record", {"note": "appel"}, "LOHODD"),
    "incidents.reclassify": (
        "POST",
        "/incidents/{incident}/reclassify",
        {"component": "STI", "scope": "organisation"},
        "LDDODD",
    ),
    "incidents.fallback_reference": (
        "POST",
        "/incidents/{incident}/fallback-reference",
        {},
        "LOHODD",
    ),
    "api.get_incident": ("GET", "/api/v1/incidents/{incident}", None, "LOHOOO"),
    "api.get_timeline": ("GET", "/api/v1/incidents/{incident}/timeline", None, "LOHOOO"),
    "api.get_report": ("GET", "/api/v1/incidents/{incident}/report.pdf", None, "LOHOOD"),
    "api.get_fallback_document": (
        "GET",
        "/api/v1/incidents/{incident}/fallback-documents/{document}.pdf",
        None,
        "LOHOOD",
    ),
    "api.post_transition": (
        "POST",
        "/api/v1/incidents/{incident}/transitions",
        {"action": "acknowledge"},
        "LDHODD",
    ),
    "api.post_step": (
        "POST",
        "/api/v1/incidents/{incident}/steps/desk-announce",
        {"status": "done"},
        "LDHODD",
    ),
    "api.post_reclassify": (
        "POST",
        "/api/v1/incidents/{incident}/reclassify",
        {"component": "STI"},
        "LDDODD",
    ),
    "api.post_fallback_reference": (
        "POST",
        "/api/v1/incidents/{incident}/fallback-references",
        {},
        "LOHODD",
    ),
    # goods: the organisation concerned and the desk list and settle them; the desk waives
    "goods.page": ("GET", "/incidents/{incident}/goods", None, "LOHOOO"),
    "goods.template": ("GET", "/incidents/{incident}/goods/template.csv", None, "LOHOOO"),
    "goods.carrier_sheet": ("GET", "/incidents/{incident}/carrier-sheet.pdf", None, "LOHOOD"),
    "goods.add": ("POST", "/incidents/{incident}/goods/add", GOODS_FORM, "LOHODD"),
    "goods.import_table": ("POST", "/incidents/{incident}/goods/import", GOODS_ROWS, "LOHODD"),
    "goods.sent": (
        "POST",
        "/incidents/{incident}/goods/sent",
        {"consignment": "{consignment}"},
        "LOHODD",
    ),
    "goods.lodgings": (
        "POST",
        "/incidents/{incident}/goods/lodgings",
        {"mrn-{consignment}": "x"},
        "LOHODD",
    ),
    "goods.not_needed": (
        "POST",
        "/incidents/{incident}/goods/not-needed",
        {"consignment": "{consignment}", "reason-{consignment}": "x"},
        "LOHODD",
    ),
    "goods.waiver": ("POST", "/incidents/{incident}/goods/waiver", {"reason": "x"}, "LDHODD"),
    "api.get_deadline_cases": ("GET", "/api/v1/consignments/cases", None, "LOOOOO"),
    "api.get_consignment_template": ("GET", "/api/v1/consignments/template.csv", None, "LOOOOO"),
    "api.get_consignments": ("GET", "/api/v1/incidents/{incident}/consignments", None, "LOHOOO"),
    "api.get_consignment": (
        "GET",
        "/api/v1/incidents/{incident}/consignments/{consignment}",
        None,
        "LOHOOO",
    ),
    "api.post_consignment": (
        "POST",
        "/api/v1/incidents/{incident}/consignments",
        CONSIGNMENT,
        "LOHODD",
    ),
    "api.post_consignments_bulk": (
        "POST",
        "/api/v1/incidents/{incident}/consignments/bulk",
        {"consignments": [CONSIGNMENT]},
        "LOHODD",
    ),
    "api.post_consignments_import": (
        "POST",
        "/api/v1/incidents/{incident}/consignments/import",
        {"csv": GOODS_ROWS["rows"]},
        "LOHODD",
    ),
    "api.post_consignments_sent": (
        "POST",
        "/api/v1/incidents/{incident}/consignments/fallback",
        {"consignments": ["{consignment}"]},
        "LOHODD",
    ),
    "api.post_lodgings": (
        "POST",
        "/api/v1/incidents/{incident}/consignments/lodgings",
        {"lodgings": [{"consignment": "{consignment}", "mrn": "x"}]},
        "LOHODD",
    ),
    "api.post_not_needed": (
        "POST",
        "/api/v1/incidents/{incident}/consignments/{consignment}/not-needed",
        {"reason": "x"},
        "LOHODD",
    ),
    "api.post_waiver": (
        "POST",
        "/api/v1/incidents/{incident}/consignments/waiver",
        {"reason": "x"},
        "LDDODD",
    ),
    "api.get_carrier_sheet_csv": (
        "GET",
        "/api/v1/incidents/{incident}/carrier-sheet.csv",
        None,
        "LOHOOD",
    ),
    "api.get_carrier_sheet_pdf": (
        "GET",
        "/api/v1/incidents/{incident}/carrier-sheet.pdf",
        None,
        "LOHOOD",
    ),
    # referrals: the desk records them, the carrier concerned (or the desk) answers
    "incidents.notification": (
        "POST",
        "/incidents/{incident}/notifications",
        {"to": "DG TAXUD"},
        "LDDODD",
    ),
    "api.post_incident_notification": (
        "POST",
        "/api/v1/incidents/{incident}/notifications",
        {"to": "DG TAXUD"},
        "LDDODD",
    ),
    "incidents.referral": (
        "POST",
        "/incidents/{referred}/referrals",
        {"kind": "rfi", "air_waybill": "02012345675", "route": "email", "sent_to": "ops"},
        "LDDODD",
    ),
    "incidents.referral_confirm": (
        "POST",
        "/incidents/{referred}/referrals/1/confirm",
        {},
        "LOHODD",
    ),
    "incidents.referral_outcome": (
        "POST",
        "/incidents/{referred}/referrals/1/outcome",
        {"outcome": "cargo_not_loaded"},
        "LOHODD",
    ),
    "api.post_referral": (
        "POST",
        "/api/v1/incidents/{referred}/referrals",
        {"kind": "rfi", "air_waybill": "02012345675", "route": "email", "sent_to": "ops"},
        "LDDODD",
    ),
    "api.post_referral_confirmation": (
        "POST",
        "/api/v1/incidents/{referred}/referrals/1/confirmation",
        {},
        "LOHODD",
    ),
    "api.post_referral_outcome": (
        "POST",
        "/api/v1/incidents/{referred}/referrals/1/outcome",
        {"outcome": "cargo_not_loaded"},
        "LOHODD",
    ),
    # post-mortems: managers write them, the desk and operators read the finished ones
    "api.get_postmortem": ("GET", "/api/v1/incidents/{incident}/postmortem", None, "LOHOOD"),
    "api.get_postmortem_pdf": (
        "GET",
        "/api/v1/incidents/{incident}/postmortem.pdf",
        None,
        "LOHOOD",
    ),
    "api.put_postmortem": ("PUT", "/api/v1/incidents/{incident}/postmortem", {}, "LDDDOD"),
    "api.post_finalise": ("POST", "/api/v1/incidents/{incident}/postmortem/finalise", {}, "LDDDOD"),
    "manager.postmortem": ("GET", "/manager/incidents/{incident}/postmortem", None, "LDDDOD"),
    # the desk
    "desk.queue": ("GET", "/desk/", None, "LDDODD"),
    "desk.queue_rows": ("GET", "/desk/queue/rows", None, "LDDODD"),
    "desk.acknowledge_selected": ("POST", "/desk/acknowledge", {}, "LDDODD"),
    "desk.queue_sound": ("POST", "/desk/queue/sound", {"on": "1"}, "LDDODD"),
    "desk.new_notice": ("GET", "/desk/notices/new", None, "LDDODD"),
    "desk.notice_update": ("POST", "/desk/notices/{notice}/updates", {"text": "x"}, "LDDODD"),
    "desk.notice_fallback": (
        "POST",
        "/desk/notices/{notice}/fallback",
        {"window": "open"},
        "LDDODD",
    ),
    "desk.notice_close": ("POST", "/desk/notices/{notice}/close", {}, "LDDODD"),
    "desk.notice_notification": (
        "POST",
        "/desk/notices/{notice}/notifications",
        {"to": "DG TAXUD"},
        "LDDODD",
    ),
    "desk.notice_referral": (
        "POST",
        "/desk/notices/{notice}/referrals",
        {**DNL, "carrier": "FR81234567800013"},
        "LDDODD",
    ),
    "api.post_notice_notification": (
        "POST",
        "/api/v1/notices/{notice}/notifications",
        {"to": "DG TAXUD"},
        "LDDODD",
    ),
    "api.post_notice_referral": (
        "POST",
        "/api/v1/notices/{notice}/referrals",
        {**DNL, "carrier": "FR81234567800013"},
        "LDDODD",
    ),
    "api.post_notice": ("POST", "/api/v1/notices", NOTICE, "LDDODD"),
    "api.post_notice_update": (
        "POST",
        "/api/v1/notices/{notice}/updates",
        {"text": "x"},
        "LDDODD",
    ),
    "api.post_notice_fallback": (
        "POST",
        "/api/v1/notices/{notice}/fallback",
        {"allowed": True},
        "LDDODD",
    ),
    "api.post_notice_close": ("POST", "/api/v1/notices/{notice}/close", {}, "LDDODD"),
    # managers (and the desk and admins, who follow the same figures)
    "manager.dashboard": ("GET", "/manager/", None, "LDDOOO"),
    "manager.search": ("GET", "/manager/incidents", None, "LDDOOO"),
    "manager.export": ("GET", "/manager/incidents.csv", None, "LDDOOO"),
    "manager.period_report": (
        "GET",
        "/manager/reports/period.pdf?from=2026-11-01&to=2026-11-30",
        None,
        "LDDOOD",
    ),
    "api.get_period_report": (
        "GET",
        "/api/v1/reports/period.pdf?from=2026-11-01&to=2026-11-30",
        None,
        "LDDOOD",
    ),
    # admins
    "api.list_users": ("GET", "/api/v1/admin/users", None, "LDDDDO"),
    "api.post_user": ("POST", "/api/v1/admin/users", {}, "LDDDDO"),
    "api.put_user": ("PUT", "/api/v1/admin/users/{user}", {}, "LDDDDO"),
    "api.post_user_active": ("POST", "/api/v1/admin/users/{user}/active", {}, "LDDDDO"),
    "api.post_user_password": ("POST", "/api/v1/admin/users/{user}/password", {}, "LDDDDO"),
    "api.list_organisations": ("GET", "/api/v1/admin/organisations", None, "LDDDDO"),
    "api.post_organisation": ("POST", "/api/v1/admin/organisations", {}, "LDDDDO"),
    "api.put_organisation": (
        "PUT",
        "/api/v1/admin/organisations/{organisation}",
        {},
        "LDDDDO",
    ),
    "api.list_contacts": ("GET", "/api/v1/admin/contacts", None, "LDDDDO"),
    "api.put_contact": ("PUT", "/api/v1/admin/contacts/desk", {}, "LDDDDO"),
    "api.list_probes": ("GET", "/api/v1/admin/probes", None, "LDDDDO"),
    "api.post_probe": ("POST", "/api/v1/admin/probes", {}, "LDDDDO"),
    "api.list_webhooks": ("GET", "/api/v1/admin/webhooks", None, "LDDDDO"),
    "api.post_webhook": ("POST", "/api/v1/admin/webhooks", {}, "LDDDDO"),
    "api.post_webhook_rotation": (
        "POST",
        "/api/v1/admin/webhooks/{webhook}/rotation",
        None,
        "LDDDDO",
    ),
    "api.post_delivery_retry": (
        "POST",
        "/api/v1/admin/deliveries/{delivery}/retry",
        None,
        "LDDDDO",
    ),
    "api.list_certificates": ("GET", "/api/v1/admin/certificates", None, "LDDDDO"),
    "api.post_certificate": ("POST", "/api/v1/admin/certificates", {}, "LDDDDO"),
    "api.list_reflex_versions": ("GET", "/api/v1/reflexes/versions", None, "LOOOOO"),
    "api.post_reflex_activation": (
        "POST",
        "/api/v1/reflexes/versions/fr-2025-10/activation",
        None,
        "LDDODO",
    ),
    "api.get_notification_topics": ("GET", "/api/v1/account/notifications", None, "LOOOOO"),
    "api.put_notification_topics": (
        "PUT",
        "/api/v1/account/notifications",
        {"topics": ["incident.declared"]},
        "LOOOOO",
    ),
    "api.list_drafts": ("GET", "/api/v1/drafts", None, "LOOOOO"),
    "api.post_draft_closure": (
        "POST",
        "/api/v1/drafts/{draft}/closure",
        {"status": "dismissed"},
        "LOHODD",
    ),
    "api.list_own_certificates": ("GET", "/api/v1/certificates", None, "LOODDD"),
    "api.post_own_certificate": ("POST", "/api/v1/certificates", {}, "LOODDD"),
    "admin.users": ("GET", "/admin/", None, "LDDDDO"),
    "admin.add_user": ("POST", "/admin/users", {}, "LDDDDO"),
    "admin.edit_user": ("POST", "/admin/users/{user}", {}, "LDDDDO"),
    "admin.set_active": ("POST", "/admin/users/{user}/active", {}, "LDDDDO"),
    "admin.set_password": ("POST", "/admin/users/{user}/password", {}, "LDDDDO"),
    "admin.organisations": ("GET", "/admin/organisations", None, "LDDDDO"),
    "admin.add_organisation": ("POST", "/admin/organisations", {}, "LDDDDO"),
    "admin.edit_organisation": ("POST", "/admin/organisations/{organisation}", {}, "LDDDDO"),
    "admin.contacts": ("GET", "/admin/contacts", None, "LDDDDO"),
    "admin.edit_contact": ("POST", "/admin/contacts/desk", {}, "LDDDDO"),
    "admin.reflex_versions": ("GET", "/admin/reflexes", None, "LDDDDO"),
    "admin.probe_list": ("GET", "/admin/probes", None, "LDDDDO"),
    "admin.webhook_list": ("GET", "/admin/webhooks", None, "LDDDDO"),
    "admin.retry_delivery": ("POST", "/admin/deliveries/{delivery}/retry", {}, "LDDDDO"),
    "admin.rotate_webhook": ("POST", "/admin/webhooks/{webhook}/rotate", {}, "LDDDDO"),
    "admin.certificate_list": ("GET", "/admin/certificates", None, "LDDDDO"),
    "admin.audit": ("GET", "/admin/audit", None, "LDDDDO"),
    "admin.token_list": ("GET", "/admin/tokens", None, "LDDDDO"),
    "admin.revoke_token": ("POST", "/admin/tokens/{token}/revoke", {}, "LDDDDO"),
}


def test_the_matrix_names_every_route_of_the_app(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(MATRIX)) == [], "routes missing from the access matrix"
    assert sorted(set(MATRIX) - endpoints) == [], "the matrix names routes the app lacks"


def answer(response) -> str:
    status = response.status_code
    if status >= 500:
        return "E"
    if status == 401 or (status in (302, 303) and "/sign-in" in response.headers["Location"]):
        return "L"
    return {403: "D", 404: "H"}.get(status, "O")


@dataclass
class World:
    fresh: Callable[[], dict[str, int]]
    ids: dict[str, int | str]
    browsers: dict[str, Browser]
    tokens: dict[str, dict[str, str]]
    cast: dict


@pytest.fixture
def world(browser_app, uow, clock, library, people) -> World:
    """A fresh incident of the carrier's with an e-mail attached, and an open draft, for each
    request (so that no answer depends on what the one before changed); a failed delivery; a
    user for admins to change (the provider's, so that no one of the cast is deactivated); and
    each role signed in."""

    def fresh() -> dict[str, int]:
        incident_id = declare_incident(
            Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
        )
        incident_id = incident_id.incident.id
        email = ("refus.eml", b"From: sti@ec.europa.eu\n\nrefused")
        record_work(
            Context(uow, clock, library, people.carrier.actor), incident_id, attachment=email
        )
        with uow:
            attachment = uow.session.scalars(
                select(AttachmentRow.id).where(AttachmentRow.incident_id == incident_id)
            ).one()
            draft = propose(
                uow,
                kind="incident",
                organisation_id=people.carrier.actor.organisation_id,
                component="EO_SYSTEM",
                side="operator",
                summary="our EDI gateway does not answer",
                detail="connection refused",
                started_at=clock.now() - timedelta(minutes=3),
                source="probe 1",
                now=clock.now(),
            )
            uow.commit()
        if draft is None:  # the previous one is still open
            draft = drafts_for(uow, people.carrier.actor)[0]
        referred = declare_incident(
            Context(uow, clock, library, people.carrier.actor), as_declaration(facts())
        ).incident.id
        for action in ("acknowledge", "activate_fallback"):
            apply_action(Context(uow, clock, library, people.desk.actor), referred, action)
        record_referral(Context(uow, clock, library, people.desk.actor), referred, as_referral(DNL))
        token = issue_token(uow, clock, None, people.carrier.actor.user_id, "matrix", 30)
        (consignment,), _ = add_consignments(
            Context(uow, clock, library, people.carrier.actor),
            incident_id,
            [("", as_consignment(CONSIGNMENT))],
        )
        return {
            "consignment": consignment.id,
            "token": token.id,
            "incident": incident_id,
            "attachment": attachment,
            "draft": draft.id,
            "referred": referred,
        }

    with uow:
        outbox = OutboxRow(
            idempotency_key="k-1",
            topic="incident.declared",
            incident_id=None,
            payload={},
            status="sent",
            attempts=1,
            created_at=clock.now(),
            next_attempt_at=clock.now(),
        )
        uow.session.add(outbox)
        uow.session.flush()
        delivery = DeliveryRow(
            outbox_id=outbox.id,
            channel="email",
            target="ops@aerofret.example",
            idempotency_key="k-1/email",
            status="failed",
            attempts=8,
            next_attempt_at=clock.now(),
        )
        uow.session.add(delivery)
        hook = WebhookRow(
            url="http://127.0.0.1:9/hook",
            secret=new_secret(),
            topics=["incident.declared"],
            active=True,
            created_at=clock.now(),
        )
        uow.session.add(hook)
        uow.commit()
    cast = {
        "owner": people.carrier,
        "other operator": people.other_carrier,
        "desk": people.desk,
        "manager": people.manager,
        "admin": people.admin,
    }
    return World(
        fresh=fresh,
        ids={
            "delivery": delivery.id,
            "webhook": hook.id,
            "user": people.provider.actor.user_id,
            "organisation": people.carrier.actor.organisation_id,
            "document": "operator-fallback-filing",
            "notice": publish_notice(
                Context(uow, clock, library, people.desk.actor), as_notice(NOTICE)
            ).notice.id,
        },
        browsers={"anonymous": Browser(browser_app)}
        | {role: Browser(browser_app, person) for role, person in cast.items()},
        tokens={"anonymous": {}} | {role: person.auth for role, person in cast.items()},
        cast=cast,
    )


def filled(body, values):
    """A body's placeholders ("{consignment}") replaced by the world's ids."""
    if isinstance(body, dict):
        return {filled(k, values): filled(v, values) for k, v in body.items()}
    if isinstance(body, list):
        return [filled(v, values) for v in body]
    if isinstance(body, str) and body.startswith("{") and body.endswith("}"):
        return values[body[1:-1]]
    return body.format(**values) if isinstance(body, str) and "{" in body else body


def send(world: World, role: str, method: str, path: str, body: dict | None):
    if path.startswith("/api/"):
        client = world.browsers["anonymous"].client
        headers = {"Accept-Language": "en", **world.tokens[role]}
        return client.open(path, method=method, json=body, headers=headers)
    browser = world.browsers[role]
    if role != "anonymous" and path == "/sign-out":
        # Signing out ends the person's sessions everywhere: the world's browser signs in again.
        response = browser.client.open(path, method=method, data=body)
        world.browsers[role] = Browser(browser.client.application, world.cast[role])
        return response
    form = {k: str(v) for k, v in body.items()} if body is not None else None
    return browser.client.open(path, method=method, data=form, headers={"Accept-Language": "en"})


def test_who_may_do_what(world):
    found = {}
    for endpoint, (method, template, body, expected) in MATRIX.items():
        answers = ""
        shared = world.fresh() if method == "GET" else None  # reading changes nothing
        for role in ROLES:
            values = {**(shared or world.fresh()), **world.ids}
            path = template.format(**values)
            answers += answer(send(world, role, method, path, filled(body, values)))
        if answers != expected:
            found[endpoint] = f"expected {expected}, got {answers} ({method} {path})"
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
