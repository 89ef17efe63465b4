"""GET /api/v1/openapi.json: the contract of the API. A test checks it against the routes and
validates real responses against its schemas."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from bcp.domain.actors import Role
from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.declaration import DESCRIPTION_MAX, ENS_WAITING_MAX, SUMMARY_MAX
from bcp.domain.incident import NOTE_MAX, REFERENCE_MAX
from bcp.domain.lifecycle import Action, State
from bcp.domain.notices import PUBLIC_COMPONENTS, TITLE_MAX, NoticeKind, Reason, UpdateKind
from bcp.domain.notices import TEXT_MAX as NOTICE_TEXT_MAX
from bcp.domain.referrals import CONSIGNMENT_MAX, Outcome, ReferralKind, Route
from bcp.domain.referrals import TEXT_MAX as REFERRAL_TEXT_MAX
from bcp.domain.reflexes.model import Anchor, Phase, StepRole
from bcp.domain.reflexes.progress import StepState
from bcp.domain.status import CauseKind, Health
from bcp.domain.timeline import EventKind
from bcp.web.api import api


def _enum(enum: type) -> dict[str, Any]:
    return {"type": "string", "enum": [m.value for m in enum]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_TIME = {"type": "string", "format": "date-time"}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_SECONDS = {"type": ["integer", "null"], "minimum": 0}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }


def _json(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _optional_text_body(name: str, max_length: int) -> dict[str, Any]:
    """A body that may be left out, or carry one text field."""
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: {"type": "string", "maxLength": max_length}},
    }
    return {"required": False, "content": {"application/json": {"schema": schema}}}


def _path_id(name: str, description: str = "") -> dict[str, Any]:
    param = {"name": name, "in": "path", "required": True}
    if description:
        param["description"] = description
    return {**param, "schema": {"type": "integer", "minimum": 1}}


_ID_PARAM = _path_id("incident_id")
_COMMON_ERRORS = {
    "401": _problem("No token, or an unknown or revoked one"),
}
_INCIDENT_ERRORS = {**_COMMON_ERRORS, "404": _problem("No such incident visible to you")}
_REFERRAL_ERRORS = {**_COMMON_ERRORS, "404": _problem("No such incident or referral")}
_NOTICE_PARAM = _path_id("notice_id")
_NOTICE_ERRORS = {
    **_COMMON_ERRORS,
    "403": _problem("Only the customs desk publishes and updates notices"),
    "404": _problem("No such notice"),
}
_NUMBER_PARAM = _path_id("number", "The referral's number in its incident (R1, R2...)")
_LANG_PARAM = {
    "name": "lang",
    "in": "query",
    "description": "fr (default) or en",
    "schema": {"type": "string", "enum": ["fr", "en"]},
}
_PDF = {
    "description": "A PDF/A-3b document, tagged for accessibility",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}
_BODY_ERRORS = {
    "400": _problem("The body is not valid JSON"),
    "413": _problem("The body is too large"),
    "415": _problem("The body is not JSON"),
}

_TEXT = {
    "type": "object",
    "required": ["fr", "en"],
    "properties": {"fr": {"type": "string"}, "en": {"type": "string"}},
}
_SOURCE = {
    "type": "object",
    "required": ["document", "date", "section"],
    "properties": {
        "document": {"type": "string"},
        "date": {"type": "string"},
        "section": {"type": "string"},
    },
}
_STEP_PROPERTIES = {
    "id": {"type": "string"},
    "title": _TEXT,
    "instruction": _TEXT,
    "role": _enum(StepRole),
    "phase": _enum(Phase),
    "due": {
        "type": "object",
        "required": ["after", "minutes"],
        "properties": {"after": _enum(Anchor), "minutes": {"type": "integer", "minimum": 0}},
    },
    "blocks": {"type": "array", "items": _enum(Action)},
    "contact": {"type": ["string", "null"]},
    "form": {"type": ["string", "null"]},
    "message": {
        "type": ["object", "null"],
        "properties": {"subject": _TEXT, "body": _TEXT},
    },
    "to_confirm": {"type": "boolean", "description": "Not yet confirmed by the official texts"},
    "source": _SOURCE,
}
_STEP_REQUIRED = ["id", "title", "instruction", "role", "phase", "due", "blocks", "source"]

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
        },
    },
    "Declaration": {
        "type": "object",
        "additionalProperties": False,
        "required": ["component", "started_at", "modes", "channel", "ens_operations", "summary"],
        "properties": {
            "component": {"type": "string", "enum": list(COMPONENTS)},
            "organisation": {
                "type": "string",
                "description": "EORI of the organisation concerned. Operators: their own "
                "(default). Desk: required unless the scope concerns everyone.",
            },
            "scope": {
                **_enum(Scope),
                "description": "organisation (default), provider (an EDI provider and all its "
                "clients), national or eu (desk only: concerns every operator)",
            },
            "side": {
                **_enum(Side),
                "description": "Whose side the fault is on; defaults to the component's owner. "
                "UUMDS on the operator side is a certificate problem.",
            },
            "started_at": {
                **_TIME,
                "description": "When the outage began, as observed, with its offset. Not in the "
                "future unless planned (at most 90 days ahead).",
            },
            "planned": {"type": "boolean", "default": False},
            "planned_until": {**_TIME, "description": "End of a planned outage's window"},
            "modes": {"type": "array", "minItems": 1, "uniqueItems": True, "items": _enum(Mode)},
            "channel": _enum(Channel),
            "ens_operations": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": _enum(EnsOperation),
            },
            "ens_waiting": {"type": "integer", "minimum": 0, "maximum": ENS_WAITING_MAX},
            "summary": {"type": "string", "minLength": 1, "maxLength": SUMMARY_MAX},
            "description": {"type": "string", "maxLength": DESCRIPTION_MAX},
        },
    },
    "Transition": {
        "type": "object",
        "additionalProperties": False,
        "required": ["action"],
        "properties": {
            "action": _enum(Action),
            "note": {
                "type": "string",
                "maxLength": NOTE_MAX,
                "description": "Free note; the reason, required for refuse_fallback and cancel",
            },
        },
    },
    "TimelineEvent": {
        "type": "object",
        "required": ["seq", "at", "kind", "actor", "state_before", "state_after", "changes"],
        "properties": {
            "seq": {"type": "integer", "minimum": 1},
            "at": _TIME,
            "kind": _enum(EventKind),
            "actor": {
                "type": "object",
                "required": ["user_id", "name", "role"],
                "properties": {
                    "user_id": {"type": ["integer", "null"]},
                    "name": {"type": "string"},
                    "role": {"type": ["string", "null"], "enum": [*(r.value for r in Role), None]},
                },
            },
            "state_before": {"type": ["string", "null"], "enum": [*(s.value for s in State), None]},
            "state_after": _enum(State),
            "changes": {"type": "object"},
            "note": {"type": "string"},
        },
    },
    "Step": {
        "type": "object",
        "description": "A step of a procedure, as the rules table defines it",
        "required": _STEP_REQUIRED,
        "properties": _STEP_PROPERTIES,
    },
    "StepStatus": {
        "type": "object",
        "description": "A step as one incident follows it; the status is derived from the "
        "timeline and the clock",
        "required": [*_STEP_REQUIRED, "status", "due_at"],
        "properties": {
            **_STEP_PROPERTIES,
            "status": _enum(StepState),
            "due_at": {
                **_NULLABLE_TIME,
                "description": "null until the event it counts from has happened",
            },
            "settled_by": {"type": ["string", "null"]},
            "settled_at": _NULLABLE_TIME,
            "note": {"type": "string"},
            "reference": {"type": ["string", "null"]},
        },
    },
    "StepSettlement": {
        "type": "object",
        "additionalProperties": False,
        "required": ["status"],
        "properties": {
            "status": {"type": "string", "enum": ["done", "skipped"]},
            "note": {"type": "string", "maxLength": NOTE_MAX, "description": "Required to skip"},
            "reference": {
                "type": "string",
                "maxLength": REFERENCE_MAX,
                "description": "e.g. the fallback reference or the message id of the e-mail",
            },
        },
    },
    "Reclassification": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "component": {"type": "string", "enum": list(COMPONENTS)},
            "side": _enum(Side),
            "scope": _enum(Scope),
            "note": {"type": "string", "maxLength": NOTE_MAX},
        },
    },
    "ProcedureChoice": {
        "type": ["object", "null"],
        "required": ["table_version", "rule", "id", "title", "summary", "fallback", "why"],
        "properties": {
            "table_version": {"type": "string"},
            "rule": {"type": "string"},
            "id": {"type": "string"},
            "title": _TEXT,
            "summary": _TEXT,
            "fallback": {"type": "boolean"},
            "source": _SOURCE,
            "why": {"type": "array", "items": {"type": "string"}},
            "decided_at": _NULLABLE_TIME,
        },
    },
    "Decision": {
        "type": "object",
        "required": ["table_version", "rule", "procedure", "why", "checks", "steps"],
        "properties": {
            "table_version": {"type": "string"},
            "rule": {
                "type": "object",
                "required": ["id", "priority", "to_confirm", "source"],
                "properties": {
                    "id": {"type": "string"},
                    "priority": {"type": "integer"},
                    "to_confirm": {"type": "boolean"},
                    "source": _SOURCE,
                },
            },
            "procedure": {
                "type": "object",
                "required": ["id", "title", "summary", "fallback", "source"],
                "properties": {
                    "id": {"type": "string"},
                    "title": _TEXT,
                    "summary": _TEXT,
                    "fallback": {"type": "boolean"},
                    "source": _SOURCE,
                },
            },
            "why": {"type": "array", "items": {"type": "string"}},
            "checks": {
                "type": "array",
                "description": "Every rule of the table, with each of its conditions and "
                "whether it held",
                "items": {
                    "type": "object",
                    "required": ["rule", "matched", "conditions"],
                    "properties": {
                        "rule": {"type": "string"},
                        "matched": {"type": "boolean"},
                        "conditions": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["name", "expected", "actual", "held"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "expected": {"type": "string"},
                                    "actual": {"type": "string"},
                                    "held": {"type": "boolean"},
                                },
                            },
                        },
                    },
                },
            },
            "steps": {
                "type": "array",
                "items": {
                    "allOf": [
                        _ref("Step"),
                        {"type": "object", "properties": {"due_at": _NULLABLE_TIME}},
                    ]
                },
            },
            "next_review_at": {
                **_NULLABLE_TIME,
                "description": "When the passing of time alone could change the decision",
            },
        },
    },
    "ReflexTable": {
        "type": "object",
        "required": ["version", "title", "published", "rules", "procedures", "contacts"],
        "properties": {
            "version": {"type": "string"},
            "title": _TEXT,
            "published": {"type": "string"},
            "rules": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "procedure", "priority", "specificity", "when", "source"],
                    "properties": {
                        "id": {"type": "string"},
                        "procedure": {"type": "string"},
                        "priority": {"type": "integer"},
                        "specificity": {"type": "integer"},
                        "when": {"type": "object"},
                        "to_confirm": {"type": "boolean"},
                        "source": _SOURCE,
                    },
                },
            },
            "procedures": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "required": ["title", "summary", "fallback", "source", "steps"],
                    "properties": {
                        "title": _TEXT,
                        "summary": _TEXT,
                        "fallback": {"type": "boolean"},
                        "source": _SOURCE,
                        "steps": {"type": "array", "items": _ref("Step")},
                    },
                },
            },
            "contacts": {"type": "object"},
        },
    },
    "FallbackReference": {
        "type": "object",
        "required": ["reference", "incident"],
        "properties": {
            "reference": {
                "type": "string",
                "description": "PS-<year>-<EORI>-<sequence>, numbered per organisation and year",
            },
            "incident": _ref("Incident"),
        },
    },
    "PostMortemEdit": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            **{
                name: {"type": "string", "maxLength": 20000}
                for name in ("summary", "impact", "root_cause", "went_well", "to_change")
            },
            "ens_delayed": {"type": "integer", "minimum": 0},
            "consignments_delayed": {"type": "integer", "minimum": 0},
            "action_items": {
                "type": "array",
                "maxItems": 50,
                "items": {
                    "type": "object",
                    "required": ["what", "owner", "due"],
                    "properties": {
                        "what": {"type": "string"},
                        "owner": {"type": "string"},
                        "due": {"type": "string", "format": "date"},
                    },
                },
            },
        },
    },
    "PostMortem": {
        "type": "object",
        "required": ["incident_id", "summary", "action_items", "finalised"],
        "properties": {
            "incident_id": {"type": "integer"},
            **{
                name: {"type": "string"}
                for name in ("summary", "impact", "root_cause", "went_well", "to_change")
            },
            "ens_delayed": {"type": "integer"},
            "consignments_delayed": {"type": "integer"},
            "action_items": {"type": "array", "items": {"type": "object"}},
            "finalised": {"type": "boolean"},
            "finalised_at": _NULLABLE_TIME,
            "finalised_by": {"type": ["string", "null"]},
            "content_sha256": {"type": ["string", "null"]},
            "timeline_sha256": {"type": ["string", "null"]},
        },
    },
    "Timeline": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ref("TimelineEvent")}},
    },
    "IncidentSummary": {
        "type": "object",
        "required": [
            "id",
            "state",
            "component",
            "organisation",
            "scope",
            "side",
            "started_at",
            "declared_at",
            "modes",
            "channel",
            "ens_operations",
            "ens_waiting",
            "summary",
            "durations",
            "allowed_actions",
        ],
        "properties": {
            "id": {"type": "integer"},
            "state": _enum(State),
            "component": {"type": "string", "enum": list(COMPONENTS)},
            "component_name": {
                "type": "object",
                "properties": {"en": {"type": "string"}, "fr": {"type": "string"}},
            },
            "organisation": {
                "type": ["object", "null"],
                "properties": {
                    "name": {"type": "string"},
                    "eori": {"type": "string"},
                    "siret": {"type": ["string", "null"]},
                },
            },
            "scope": _enum(Scope),
            "side": _enum(Side),
            "concerns_everyone": {"type": "boolean"},
            "started_at": _TIME,
            "declared_at": _TIME,
            "declared_by": {
                "type": ["object", "null"],
                "properties": {
                    "user_id": {"type": ["integer", "null"]},
                    "name": {"type": "string"},
                },
            },
            "planned": {"type": "boolean"},
            "planned_until": _NULLABLE_TIME,
            "modes": {"type": "array", "items": _enum(Mode)},
            "channel": _enum(Channel),
            "ens_operations": {"type": "array", "items": _enum(EnsOperation)},
            "ens_waiting": {"type": "integer", "minimum": 0},
            "summary": {"type": "string"},
            "description": {"type": "string"},
            "durations": {
                "type": "object",
                "description": "Derived from the timeline, in seconds; null until it begins",
                "required": [
                    "time_to_acknowledge",
                    "time_in_fallback",
                    "total_outage",
                    "time_to_close",
                ],
                "properties": {
                    "time_to_acknowledge": _SECONDS,
                    "time_in_fallback": _SECONDS,
                    "total_outage": _SECONDS,
                    "time_to_close": _SECONDS,
                },
            },
            "allowed_actions": {"type": "array", "items": _enum(Action)},
            "procedure": _ref("ProcedureChoice"),
            "steps": {"type": "array", "items": _ref("StepStatus")},
            "notice_id": {
                "type": ["integer", "null"],
                "description": "The desk notice whose outage this incident is part of",
            },
            "referrals": {"type": "array", "items": _ref("Referral")},
            "links": {"type": "object"},
        },
    },
    "Incident": {
        "allOf": [
            _ref("IncidentSummary"),
            {
                "type": "object",
                "required": ["timeline"],
                "properties": {"timeline": {"type": "array", "items": _ref("TimelineEvent")}},
            },
        ]
    },
    "Referral": {
        "type": "object",
        "required": ["number", "kind", "route", "sent_at", "sent_to", "status", "escalations"],
        "properties": {
            "number": {"type": "integer", "minimum": 1},
            "kind": _enum(ReferralKind),
            "air_waybill": {"type": ["string", "null"]},
            "house_consignment": {"type": ["string", "null"]},
            "ens_reference": {"type": ["string", "null"]},
            "route": _enum(Route),
            "sent_at": _TIME,
            "sent_to": {"type": "string"},
            "request": {"type": "string"},
            "recorded_at": _TIME,
            "recorded_by": {"type": "string"},
            "status": {"type": "string", "enum": ["sent", "confirmed", "completed"]},
            "confirmed_at": _NULLABLE_TIME,
            "confirmed_by": {"type": ["string", "null"]},
            "outcome": {"type": ["string", "null"], "enum": [*(o.value for o in Outcome), None]},
            "result": {"type": ["string", "null"]},
            "outcome_at": _NULLABLE_TIME,
            "escalations": {"type": "integer", "minimum": 0},
        },
    },
    "ReferralRequest": {
        "type": "object",
        "description": "The air waybill or the house consignment number, or both",
        "required": ["kind", "route", "sent_to"],
        "additionalProperties": False,
        "properties": {
            "kind": _enum(ReferralKind),
            "air_waybill": {"type": "string", "maxLength": CONSIGNMENT_MAX},
            "house_consignment": {"type": "string", "maxLength": CONSIGNMENT_MAX},
            "ens_reference": {"type": "string", "maxLength": 60},
            "route": _enum(Route),
            "sent_at": {**_TIME, "description": "When it was sent; default: now"},
            "sent_to": {"type": "string", "maxLength": 200},
            "request": {"type": "string", "maxLength": REFERRAL_TEXT_MAX},
        },
    },
    "ReferralOutcome": {
        "type": "object",
        "required": ["outcome"],
        "additionalProperties": False,
        "properties": {
            "outcome": {
                **_enum(Outcome),
                "description": "RFI: information_given; RFS: screening_done (with its result); "
                "DNL: cargo_not_loaded",
            },
            "result": {"type": "string", "maxLength": REFERRAL_TEXT_MAX},
            "note": {"type": "string", "maxLength": REFERRAL_TEXT_MAX},
        },
    },
    "ReferralAnswer": {
        "type": "object",
        "required": ["referral", "incident"],
        "properties": {"referral": _ref("Referral"), "incident": _ref("IncidentSummary")},
    },
    "Notice": {
        "type": "object",
        "required": ["id", "components", "kind", "reason", "title", "status", "starts_at"],
        "properties": {
            "id": {"type": "integer"},
            "components": {"type": "array", "items": {"type": "string"}},
            "kind": _enum(NoticeKind),
            "reason": _enum(Reason),
            "title": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "closed"]},
            "starts_at": _TIME,
            "expected_end": _NULLABLE_TIME,
            "closed_at": _NULLABLE_TIME,
            "messages": {"type": "string"},
            "fallback_allowed": {"type": "boolean"},
            "fallback_windows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"since": _TIME, "until": _NULLABLE_TIME},
                },
            },
            "updates": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["seq", "at", "kind", "text"],
                    "properties": {
                        "seq": {"type": "integer"},
                        "at": _TIME,
                        "kind": _enum(UpdateKind),
                        "by": {"type": "string"},
                        "text": {"type": "string"},
                    },
                },
            },
        },
    },
    "NoticeRequest": {
        "type": "object",
        "required": ["components", "kind", "title"],
        "additionalProperties": False,
        "properties": {
            "components": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "enum": list(PUBLIC_COMPONENTS)},
            },
            "kind": _enum(NoticeKind),
            "reason": {**_enum(Reason), "description": "Required for an unscheduled notice"},
            "title": {"type": "string", "maxLength": TITLE_MAX},
            "starts_at": {**_TIME, "description": "Required when scheduled; default now"},
            "expected_end": {**_TIME, "description": "Required when scheduled"},
            "messages": {"type": "string", "maxLength": NOTICE_TEXT_MAX},
            "fallback_allowed": {"type": "boolean"},
            "short_notice_confirmed": {
                "type": "boolean",
                "description": "Publish scheduled maintenance less than 48 hours ahead knowingly",
            },
        },
    },
    "NoticeUpdateRequest": {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {
            "text": {"type": "string", "maxLength": NOTICE_TEXT_MAX},
            "expected_end": _TIME,
            "messages": {"type": "string", "maxLength": NOTICE_TEXT_MAX},
        },
    },
    "PublishedNotice": {
        "type": "object",
        "required": ["notice", "warnings", "linked_incidents"],
        "properties": {
            "notice": _ref("Notice"),
            "warnings": {"type": "array", "items": {"type": "string"}},
            "linked_incidents": {"type": "array", "items": {"type": "integer"}},
        },
    },
    "Status": {
        "type": "object",
        "required": ["as_of", "components", "notices"],
        "properties": {
            "as_of": _TIME,
            "components": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["component", "state", "since", "fallback_allowed", "causes"],
                    "properties": {
                        "component": {"type": "string", "enum": list(PUBLIC_COMPONENTS)},
                        "name": {"type": "object"},
                        "state": _enum(Health),
                        "since": _NULLABLE_TIME,
                        "fallback_allowed": {"type": "boolean"},
                        "causes": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "kind": _enum(CauseKind),
                                    "state": _enum(Health),
                                    "ref": {"type": ["integer", "null"]},
                                    "count": {"type": "integer"},
                                    "since": _NULLABLE_TIME,
                                },
                            },
                        },
                        "upcoming_notices": {"type": "array", "items": {"type": "integer"}},
                    },
                },
            },
            "notices": {"type": "array", "items": _ref("Notice")},
        },
    },
    "IncidentList": {
        "type": "object",
        "required": ["items", "limit", "offset"],
        "properties": {
            "items": {"type": "array", "items": _ref("IncidentSummary")},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
        },
    },
}

PATHS: dict[str, Any] = {
    "/incidents": {
        "post": {
            "operationId": "declareIncident",
            "summary": "Declare an outage of an ICS2 component",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("Declaration")}},
            },
            "responses": {
                "201": _json("The incident, its state and its timeline so far", "Incident"),
                **_BODY_ERRORS,
                "403": _problem("Your role may not declare this outage"),
                "422": _problem("Invalid values; `errors` lists each field"),
                **_COMMON_ERRORS,
            },
        },
        "get": {
            "operationId": "listIncidents",
            "summary": "Incidents visible to you, newest first",
            "parameters": [
                {
                    "name": "status",
                    "in": "query",
                    "description": "One state or several, comma-separated",
                    "schema": {"type": "string"},
                },
                {
                    "name": "component",
                    "in": "query",
                    "schema": {"type": "string", "enum": list(COMPONENTS)},
                },
                {
                    "name": "since",
                    "in": "query",
                    "description": "Declared at or after this instant (ISO 8601 with offset)",
                    "schema": {"type": "string", "format": "date-time"},
                },
                {"name": "org", "in": "query", "description": "EORI", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
            ],
            "responses": {
                "200": _json("A page of incidents", "IncidentList"),
                "422": _problem("Unknown filter value"),
                **_COMMON_ERRORS,
            },
        },
    },
    "/incidents/{incident_id}": {
        "get": {
            "operationId": "getIncident",
            "summary": "One incident with its timeline",
            "parameters": [_ID_PARAM],
            "responses": {"200": _json("The incident", "Incident"), **_INCIDENT_ERRORS},
        }
    },
    "/incidents/{incident_id}/timeline": {
        "get": {
            "operationId": "getTimeline",
            "summary": "The append-only timeline of an incident",
            "parameters": [_ID_PARAM],
            "responses": {
                "200": _json("The timeline, oldest first", "Timeline"),
                **_INCIDENT_ERRORS,
            },
        }
    },
    "/incidents/{incident_id}/transitions": {
        "post": {
            "operationId": "applyTransition",
            "summary": "Acknowledge, activate or refuse the fallback, recover, close or cancel",
            "parameters": [_ID_PARAM],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("Transition")}},
            },
            "responses": {
                "200": _json("The incident after the transition", "Incident"),
                **_BODY_ERRORS,
                "403": _problem("Your role does not own this action"),
                "409": _problem("Not possible from the current state, or changed concurrently"),
                "422": _problem("Unknown action, or a required reason is missing"),
                **_INCIDENT_ERRORS,
            },
        }
    },
    "/incidents/{incident_id}/steps/{step_id}": {
        "post": {
            "operationId": "settleStep",
            "summary": "Mark a step of the incident's procedure done, or skipped with a reason",
            "parameters": [
                _ID_PARAM,
                {"name": "step_id", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("StepSettlement")}},
            },
            "responses": {
                "200": _json("The incident with its steps", "Incident"),
                **_BODY_ERRORS,
                "403": _problem("This step is for another role"),
                "409": _problem("The step is already settled, or the incident is closed"),
                "422": _problem("Unknown status, or a reason is missing to skip"),
                **_INCIDENT_ERRORS,
            },
        }
    },
    "/incidents/{incident_id}/reclassify": {
        "post": {
            "operationId": "reclassifyIncident",
            "summary": "Desk: correct the component, side or scope; the rules run again",
            "parameters": [_ID_PARAM],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("Reclassification")}},
            },
            "responses": {
                "200": _json("The incident, with its new procedure if it changed", "Incident"),
                **_BODY_ERRORS,
                "403": _problem("Only the desk reclassifies"),
                "409": _problem("The incident is closed, or changed concurrently"),
                "422": _problem("An impossible component, side or scope"),
                **_INCIDENT_ERRORS,
            },
        }
    },
    "/incidents/{incident_id}/fallback-references": {
        "post": {
            "operationId": "issueFallbackReference",
            "summary": "A traceable reference for one fallback filing (like GAMMA's number)",
            "parameters": [_ID_PARAM],
            "responses": {
                "201": _json("The new reference and the incident", "FallbackReference"),
                "403": _problem("Only the organisation concerned or the desk"),
                "409": _problem("The fallback is not active, or the outage concerns everyone"),
                **_INCIDENT_ERRORS,
            },
        }
    },
    "/incidents/{incident_id}/report.pdf": {
        "get": {
            "operationId": "getIncidentReport",
            "summary": "The incident report (PDF/A-3b, tagged), for any state",
            "parameters": [_ID_PARAM, _LANG_PARAM],
            "responses": {
                "200": _PDF,
                "403": _problem("Managers, the desk, and the organisation concerned only"),
                "422": _problem("Unknown language"),
                **_INCIDENT_ERRORS,
            },
        }
    },
    "/incidents/{incident_id}/postmortem.pdf": {
        "get": {
            "operationId": "getPostmortemReport",
            "summary": "The post-mortem (PDF), with its digests once finalised",
            "parameters": [_ID_PARAM, _LANG_PARAM],
            "responses": {
                "200": _PDF,
                "403": _problem("Managers, the desk, and the organisation concerned only"),
                "422": _problem("The incident is not closed, or unknown language"),
                **_INCIDENT_ERRORS,
            },
        }
    },
    "/incidents/{incident_id}/fallback-documents/{step_id}.pdf": {
        "get": {
            "operationId": "getFallbackDocument",
            "summary": "The message and form a step asks for, pre-filled, ready to print",
            "parameters": [
                _ID_PARAM,
                {"name": "step_id", "in": "path", "required": True, "schema": {"type": "string"}},
                _LANG_PARAM,
            ],
            "responses": {
                "200": _PDF,
                "403": _problem("Managers, the desk, and the organisation concerned only"),
                "422": _problem("Unknown language"),
                **_INCIDENT_ERRORS,
            },
        }
    },
    "/incidents/{incident_id}/postmortem": {
        "get": {
            "operationId": "getPostmortem",
            "summary": "The post-mortem as written so far",
            "parameters": [_ID_PARAM],
            "responses": {
                "200": _json("The post-mortem", "PostMortem"),
                "403": _problem("Managers, the desk, and the organisation concerned only"),
                **_INCIDENT_ERRORS,
            },
        },
        "put": {
            "operationId": "editPostmortem",
            "summary": "Manager: write the post-mortem of a closed incident, until finalised",
            "parameters": [_ID_PARAM],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("PostMortemEdit")}},
            },
            "responses": {
                "200": _json("The post-mortem", "PostMortem"),
                **_BODY_ERRORS,
                "403": _problem("Only a manager writes the post-mortem"),
                "409": _problem("The incident is not closed, or the post-mortem is finalised"),
                "422": _problem("Invalid values; `errors` lists each field"),
                **_INCIDENT_ERRORS,
            },
        },
    },
    "/incidents/{incident_id}/postmortem/finalise": {
        "post": {
            "operationId": "finalisePostmortem",
            "summary": "Manager: freeze the post-mortem with SHA-256 digests",
            "parameters": [_ID_PARAM],
            "responses": {
                "200": _json("The finalised post-mortem", "PostMortem"),
                "403": _problem("Only a manager finalises the post-mortem"),
                "409": _problem("Already finalised, or the incident is not closed"),
                "422": _problem("Summary or root cause missing"),
                **_INCIDENT_ERRORS,
            },
        }
    },
    "/reports/period.pdf": {
        "get": {
            "operationId": "getPeriodReport",
            "summary": "Incidents of a period: per component and organisation, targets, charts",
            "parameters": [
                {
                    "name": "from",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "format": "date"},
                },
                {
                    "name": "to",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "format": "date"},
                },
                _LANG_PARAM,
            ],
            "responses": {
                "200": _PDF,
                "403": _problem("Managers and the desk only"),
                "422": _problem("Missing or invalid dates, or unknown language"),
                **_COMMON_ERRORS,
            },
        }
    },
    "/reflexes": {
        "get": {
            "operationId": "getReflexes",
            "summary": "The active rules table, with its version",
            "responses": {"200": _json("The table", "ReflexTable"), **_COMMON_ERRORS},
        }
    },
    "/reflexes/evaluate": {
        "post": {
            "operationId": "evaluateReflexes",
            "summary": "The decision a declaration would get, without creating anything",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("Declaration")}},
            },
            "responses": {
                "200": _json("The procedure, the rule, every condition checked", "Decision"),
                **_BODY_ERRORS,
                "403": _problem("Your role may not declare this outage"),
                "422": _problem("Invalid values; `errors` lists each field"),
                **_COMMON_ERRORS,
            },
        }
    },
    "/incidents/{incident_id}/referrals": {
        "post": {
            "operationId": "recordReferral",
            "summary": "Desk: a referral (RFI, RFS, DNL) passed to the carrier by telephone or "
            "e-mail while the fallback is active",
            "parameters": [_ID_PARAM],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("ReferralRequest")}},
            },
            "responses": {
                "201": _json("The referral and the incident", "ReferralAnswer"),
                **_BODY_ERRORS,
                "403": _problem("Only the desk records referrals"),
                "409": _problem("The fallback is not active, or the outage concerns everyone"),
                "422": _problem("Invalid values; `errors` lists each field"),
                **_INCIDENT_ERRORS,
            },
        }
    },
    "/incidents/{incident_id}/referrals/{number}/confirmation": {
        "post": {
            "operationId": "confirmReferral",
            "summary": "The carrier (or the desk for it) confirms receipt of a referral",
            "parameters": [_ID_PARAM, _NUMBER_PARAM],
            "requestBody": _optional_text_body("note", NOTE_MAX),
            "responses": {
                "200": _json("The referral and the incident", "ReferralAnswer"),
                **_BODY_ERRORS,
                "403": _problem("Only the carrier concerned or the desk"),
                "409": _problem("Already confirmed"),
                "422": _problem("Invalid note"),
                **_REFERRAL_ERRORS,
            },
        }
    },
    "/incidents/{incident_id}/referrals/{number}/outcome": {
        "post": {
            "operationId": "recordReferralOutcome",
            "summary": "The carrier records what came of a referral (confirms it if not yet)",
            "parameters": [_ID_PARAM, _NUMBER_PARAM],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("ReferralOutcome")}},
            },
            "responses": {
                "200": _json("The referral and the incident", "ReferralAnswer"),
                **_BODY_ERRORS,
                "403": _problem("Only the carrier concerned or the desk"),
                "409": _problem("The outcome is recorded already"),
                "422": _problem("An outcome that does not answer this kind of referral"),
                **_REFERRAL_ERRORS,
            },
        }
    },
    "/notices": {
        "post": {
            "operationId": "publishNotice",
            "summary": "Desk: publish an outage notice; open incidents it covers are linked",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("NoticeRequest")}},
            },
            "responses": {
                "201": _json("The notice, warnings, and the incidents linked", "PublishedNotice"),
                **_BODY_ERRORS,
                "403": _problem("Only the customs desk publishes notices"),
                "422": _problem(
                    "Invalid values; `short_notice_confirmed` when maintenance is announced "
                    "less than 48 hours ahead"
                ),
                **_COMMON_ERRORS,
            },
        }
    },
    "/notices/{notice_id}": {
        "get": {
            "operationId": "getNotice",
            "summary": "One notice with its updates and the linked incidents you may open",
            "parameters": [_NOTICE_PARAM],
            "responses": {
                "200": {
                    "description": "The notice",
                    "content": {
                        "application/json": {
                            "schema": {
                                "allOf": [
                                    _ref("Notice"),
                                    {
                                        "type": "object",
                                        "properties": {
                                            "linked_incidents": {
                                                "type": "array",
                                                "items": {"type": "integer"},
                                            }
                                        },
                                    },
                                ]
                            }
                        }
                    },
                },
                **_COMMON_ERRORS,
                "404": _problem("No such notice"),
            },
        }
    },
    "/notices/{notice_id}/updates": {
        "post": {
            "operationId": "updateNotice",
            "summary": "Desk: append an update (news, a new expected end, messages)",
            "parameters": [_NOTICE_PARAM],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref("NoticeUpdateRequest")}},
            },
            "responses": {
                "200": _json("The notice", "Notice"),
                **_BODY_ERRORS,
                "409": _problem("The notice is closed"),
                "422": _problem("Invalid values"),
                **_NOTICE_ERRORS,
            },
        }
    },
    "/notices/{notice_id}/fallback": {
        "post": {
            "operationId": "setNoticeFallback",
            "summary": "Desk: open (allowed: true) or close the fallback window",
            "parameters": [_NOTICE_PARAM],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["allowed"],
                            "additionalProperties": False,
                            "properties": {
                                "allowed": {"type": "boolean"},
                                "text": {"type": "string", "maxLength": NOTICE_TEXT_MAX},
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": _json("The notice", "Notice"),
                **_BODY_ERRORS,
                "409": _problem("The window is already so, or the notice is closed"),
                "422": _problem("Invalid values"),
                **_NOTICE_ERRORS,
            },
        }
    },
    "/notices/{notice_id}/close": {
        "post": {
            "operationId": "closeNotice",
            "summary": "Desk: service restored; closes the window, recovers the linked incidents",
            "parameters": [_NOTICE_PARAM],
            "requestBody": _optional_text_body("text", NOTICE_TEXT_MAX),
            "responses": {
                "200": _json("The notice", "Notice"),
                **_BODY_ERRORS,
                "409": _problem("The notice is closed already"),
                "422": _problem("Invalid values"),
                **_NOTICE_ERRORS,
            },
        }
    },
    "/status": {
        "get": {
            "operationId": "getStatus",
            "summary": "The status board: each component's state, since when, and open notices",
            "responses": {"200": _json("The board", "Status"), **_COMMON_ERRORS},
        }
    },
    "/status/maintenance.ics": {
        "get": {
            "operationId": "getMaintenanceCalendar",
            "summary": "Scheduled unavailabilities as an iCalendar feed (RFC 5545), for "
            "calendar applications; public",
            "security": [],
            "responses": {
                "200": {
                    "description": "One VEVENT per notice of scheduled maintenance",
                    "content": {"text/calendar": {"schema": {"type": "string"}}},
                }
            },
        }
    },
    "/openapi.json": {
        "get": {
            "operationId": "getOpenapi",
            "summary": "This document",
            "security": [],
            "responses": {"200": {"description": "The OpenAPI document"}},
        }
    },
}


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Send the same key again with the same request (after a lost answer) to get "
    "the first answer back, marked Idempotent-Replayed: true, instead of doing it twice. Keys "
    "are kept 24 hours ([api] idempotency_hours); the same key with another request is 422, "
    "while the first is still being served 409.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "example": "3f1c2a9e-8d7b-4e21-9a55-0c6f2b1d7e40",
}


def _with_idempotency(paths: dict[str, Any]) -> dict[str, Any]:
    """Every POST takes an Idempotency-Key; every operation may answer 429 (rate limits)."""
    result = {}
    for path, operations in paths.items():
        result[path] = {
            method: {
                **operation,
                "responses": {
                    **operation.get("responses", {}),
                    "429": _problem("Too many requests with this token: see Retry-After"),
                },
            }
            for method, operation in operations.items()
        }
        if "post" in operations:
            post = dict(result[path]["post"])
            post["parameters"] = [*post.get("parameters", []), IDEMPOTENCY_KEY]
            responses = dict(post.get("responses", {}))
            responses.setdefault(
                "409", _problem("Changed meanwhile, or the same Idempotency-Key still being served")
            )
            responses.setdefault(
                "422", _problem("Invalid values, or an Idempotency-Key used for another request")
            )
            post["responses"] = responses
            result[path]["post"] = post
    return result


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "bcp: ICS2 continuity desk API",
            "version": "1.0.0",
            "description": "Outages of ICS2 components and their fallback procedures. Errors are "
            "application/problem+json (RFC 9457). Times are UTC, ISO 8601.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _with_idempotency(PATHS),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@api.get("/openapi.json")
def openapi():
    return jsonify(document())
