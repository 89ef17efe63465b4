"""Turning browser forms into the typed values the API's models give: a form is read into the
same model as the API's body (bcp.web.schemas), so that a page and the API cannot disagree on
what is valid."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from bcp.domain.clock import PARIS
from bcp.domain.declaration import Declaration
from bcp.domain.errors import DomainError, InvalidInput, invalid
from bcp.domain.messages import N_
from bcp.domain.notices import NoticeDraft
from bcp.web.field_labels import label
from bcp.web.i18n import translated
from bcp.web.schemas.activation import NotificationBody
from bcp.web.schemas.admin import (
    CertificateBody,
    ContactBody,
    NewOrganisationBody,
    NewUserBody,
    OrganisationUpdateBody,
    ProbeBody,
    UserUpdateBody,
    WebhookBody,
)
from bcp.web.schemas.edge import from_mapping
from bcp.web.schemas.incidents import (
    DeclarationBody,
    ReclassificationBody,
    StepSettlementBody,
    TransitionBody,
)
from bcp.web.schemas.notices import (
    NoticeBody,
    NoticeCloseBody,
    NoticeFallbackBody,
    NoticeUpdateBody,
)
from bcp.web.schemas.postmortems import PostMortemEdit
from bcp.web.schemas.referrals import ConfirmationBody, OutcomeBody, ReferralBody

MAX_ID = 2**31 - 1
"""The largest row id (the databases' integer): a larger number names nothing."""


def whole_number(raw: str) -> int | str:
    """A form's number, when it is written in the digits 0-9 (not "²" nor "١٢", which Python's
    int() also reads); otherwise the text itself, for the domain to refuse with its message."""
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else raw


def form_int(
    form: MultiDict, name: str, *, default: int | None = None, low: int = 0, high: int = MAX_ID
) -> int | None:
    """A whole number from a form field, or `default` when it is empty; anything else is
    refused with a message naming the field."""
    raw = (form.get(name) or "").strip()
    if not raw:
        return default
    value = whole_number(raw)
    if not isinstance(value, int) or not low <= value <= high:
        raise invalid(
            name, N_("a whole number from %(low)s to %(high)s, in digits"), low=low, high=high
        )
    return value


def form_id(form: MultiDict, name: str) -> int | None:
    """The id of a row chosen in a form (a select), or None when none is chosen."""
    return form_int(form, name, low=1)


def local_time(value: str | None) -> str | None:
    """A `datetime-local` field is Paris time; give it its offset, as the API requires."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value  # the domain refuses it with its own message
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.isoformat()


def declaration(form: MultiDict) -> Declaration:
    return from_mapping(DeclarationBody, declaration_data(form)).to_domain()


def declaration_data(form: MultiDict) -> dict[str, Any]:
    component, _, side = (form.get("component") or "").partition(":")
    data: dict[str, Any] = {
        "component": component or None,
        "side": side or form.get("side") or None,
        "scope": form.get("scope") or None,
        "organisation": form.get("organisation") or None,
        "started_at": local_time(form.get("started_at")),
        "planned": form.get("planned") == "on",
        "planned_until": local_time(form.get("planned_until")),
        "modes": form.getlist("modes"),
        "channel": form.get("channel") or None,
        "ens_operations": form.getlist("ens_operations"),
        "summary": form.get("summary", ""),
        "description": form.get("description", ""),
    }
    data["ens_waiting"] = whole_number(form.get("ens_waiting") or "0")
    return {k: v for k, v in data.items() if v is not None}


def postmortem(form: MultiDict) -> dict[str, Any]:
    """The changes to a post-mortem. Action items are typed one a line: what | owner | due
    date (YYYY-MM-DD)."""
    data: dict[str, Any] = {
        name: form.get(name, "")
        for name in ("summary", "impact", "root_cause", "went_well", "to_change")
    }
    for name in ("ens_delayed", "consignments_delayed"):
        data[name] = whole_number(form.get(name) or "0")
    items = []
    for line in (form.get("action_items") or "").splitlines():
        if line.strip():
            what, _, rest = line.partition("|")
            owner, _, due = rest.partition("|")
            items.append({"what": what.strip(), "owner": owner.strip(), "due": due.strip()})
    data["action_items"] = items
    return from_mapping(PostMortemEdit, data).changes()


def messages(error: DomainError) -> list[str]:
    """What a page says of a refusal, each message in the person's language, each field called
    by its label."""
    if isinstance(error, InvalidInput):
        return [
            gettext("%(field)s: %(message)s", field=label(e.field), message=translated(e))
            for e in error.errors
        ]
    return [translated(error)]


def field_errors(error: DomainError) -> dict[str, list[str]]:
    """A refusal's messages by the field they are about, for a form that shows each beside its
    field; the messages about no field are under ""."""
    found: dict[str, list[str]] = {}
    if isinstance(error, InvalidInput):
        for e in error.errors:
            found.setdefault(_form_field(e.field), []).append(translated(e))
    else:
        found[""] = [translated(error)]
    return found


FLAT_OBJECTS = ("bcp",)
"""The objects of a body whose fields a form shows flat among its own: the BCP's activation
(bcp.until is the form's "until")."""


def _form_field(path: str) -> str:
    """The form field a model's error path is about: "ens_operations.0" is "ens_operations",
    "action_items[0].due" is "action_items", "bcp.modes.1" is "modes"."""
    parts = [part.split("[", 1)[0] for part in path.split(".")]
    if len(parts) > 1 and parts[0] in FLAT_OBJECTS:
        return parts[1]
    return parts[0]


def notice(form: MultiDict) -> NoticeDraft:
    data: dict[str, Any] = {
        "components": form.getlist("components"),
        "kind": form.get("kind") or None,
        "reason": form.get("reason") or None,
        "title": form.get("title", ""),
        "starts_at": local_time(form.get("starts_at")),
        "expected_end": local_time(form.get("expected_end")),
        "messages": form.get("messages", ""),
        "fallback_allowed": form.get("fallback_allowed") == "on",
        "short_notice_confirmed": form.get("short_notice_confirmed") == "on",
    }
    return from_mapping(NoticeBody, {k: v for k, v in data.items() if v is not None}).to_domain()


def notice_update(form: MultiDict) -> NoticeUpdateBody:
    data = {
        "text": form.get("text", ""),
        "expected_end": local_time(form.get("expected_end")),
        "messages": form.get("messages") or None,
    }
    return from_mapping(NoticeUpdateBody, {k: v for k, v in data.items() if v is not None})


def referral(form: MultiDict) -> ReferralBody:
    """The referral form; its `carrier` names the carrier on a provider's incident or a
    notice."""
    data = {
        name: form.get(name) or None
        for name in (
            "kind",
            "air_waybill",
            "house_consignment",
            "ens_reference",
            "route",
            "carrier",
        )
    }
    if (consignment := form.get("consignment", "").strip()).isdigit():
        data["consignment"] = int(consignment)
    data |= {
        "sent_at": local_time(form.get("sent_at")),
        "sent_to": form.get("sent_to", ""),
        "request": form.get("request", ""),
    }
    return from_mapping(ReferralBody, {k: v for k, v in data.items() if v is not None})


def notice_fallback(form: MultiDict, *, allowed: bool) -> NoticeFallbackBody:
    data: dict[str, Any] = {"allowed": allowed, "text": form.get("text", "")}
    if allowed:
        data["bcp"] = activation_data(form)
    return from_mapping(NoticeFallbackBody, data)


def activation_data(form: MultiDict) -> dict[str, Any]:
    """The BCP's activation as the desk fills it in: offices typed as a list separated by
    commas or spaces; no mode ticked means every mode."""
    data: dict[str, Any] = {
        "decided_by": form.get("decided_by", ""),
        "modes": form.getlist("bcp_modes"),
        "offices": [o for o in re.split(r"[\s,;]+", form.get("offices", "")) if o],
    }
    if until := local_time(form.get("until")):
        data["until"] = until
    return data


def notification(form: MultiDict) -> NotificationBody:
    data = {"to": form.get("to", ""), "text": form.get("text", "")}
    if at := local_time(form.get("at")):
        data["at"] = at
    return from_mapping(NotificationBody, data)


def notice_close(form: MultiDict) -> NoticeCloseBody:
    return from_mapping(NoticeCloseBody, {"text": form.get("text", "")})


def confirmation(form: MultiDict) -> ConfirmationBody:
    return from_mapping(ConfirmationBody, {"note": form.get("note", "")})


def referral_outcome(form: MultiDict) -> OutcomeBody:
    data = {
        "outcome": form.get("outcome") or None,
        "result": form.get("result", ""),
        "note": form.get("note", ""),
    }
    return from_mapping(OutcomeBody, {k: v for k, v in data.items() if v is not None})


def transition(form: MultiDict) -> TransitionBody:
    data: dict[str, Any] = {"action": form.get("action") or None, "note": form.get("note", "")}
    if data["action"] == "activate_fallback" and form.get("bcp") == "yes":
        data["bcp"] = activation_data(form)
    return from_mapping(TransitionBody, data)


def step(form: MultiDict) -> StepSettlementBody:
    return from_mapping(
        StepSettlementBody, {"status": form.get("status") or None, "note": form.get("note", "")}
    )


def reclassification(form: MultiDict) -> ReclassificationBody:
    fields = ("component", "side", "scope", "note")
    return from_mapping(ReclassificationBody, {k: v for k, v in form.items() if k in fields and v})


def _present(form: MultiDict, *names: str) -> dict[str, Any]:
    """The fields filled in: an empty field is one left out (its default applies)."""
    return {name: form[name].strip() for name in names if (form.get(name) or "").strip()}


def new_user(form: MultiDict) -> NewUserBody:
    data = _present(form, "login", "role", "org", "display_name", "email")
    if form.get("password"):
        data["password"] = form["password"]
    return from_mapping(NewUserBody, data)


def user_update(form: MultiDict) -> UserUpdateBody:
    return from_mapping(UserUpdateBody, _present(form, "role", "org", "display_name", "email"))


def new_organisation(form: MultiDict) -> NewOrganisationBody:
    data = _present(form, "name", "kind", "eori", "siret", "provider")
    return from_mapping(NewOrganisationBody, {**data, "stp_access": _ticked(form, "stp_access")})


def organisation_update(form: MultiDict) -> OrganisationUpdateBody:
    data = _present(form, "name", "siret", "provider")
    return from_mapping(OrganisationUpdateBody, {**data, "stp_access": _ticked(form, "stp_access")})


def _ticked(form: MultiDict, name: str) -> bool:
    """A checkbox: sent ("yes") when ticked, absent when not."""
    return form.get(name) == "yes"


def contact(form: MultiDict) -> ContactBody:
    return from_mapping(ContactBody, _present(form, "name_fr", "name_en", "email", "phone"))


def probe(form: MultiDict) -> ProbeBody:
    data: dict[str, Any] = _present(form, "name", "component", "url", "method", "expected_text")
    for name in (
        "organisation_id",
        "expected_status",
        "interval_seconds",
        "failures_to_down",
        "successes_to_up",
    ):
        if (form.get(name) or "").strip():
            data[name] = whole_number(form[name])
    if (form.get("timeout_seconds") or "").strip():
        data["timeout_seconds"] = decimal_number(form["timeout_seconds"])
    return from_mapping(ProbeBody, data)


def webhook(form: MultiDict) -> WebhookBody:
    data: dict[str, Any] = {**_present(form, "url"), "topics": form.getlist("topics")}
    if (form.get("organisation_id") or "").strip():
        data["organisation_id"] = whole_number(form["organisation_id"])
    return from_mapping(WebhookBody, data)


def certificate(form: MultiDict, organisation_id: int | None = None) -> CertificateBody:
    data: dict[str, Any] = _present(form, "label", "valid_from", "valid_until", "status")
    for name in ("process", "organisation_id"):
        if (form.get(name) or "").strip():
            data[name] = whole_number(form[name])
    if organisation_id is not None:
        data["organisation_id"] = organisation_id
    return from_mapping(CertificateBody, data)


def decimal_number(raw: str) -> float | str:
    """A form's decimal (5 or 2.5, a comma as well as a point), or the text itself for the
    model to refuse."""
    text = raw.strip().replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return text
    return value if value == value and abs(value) != float("inf") else text
