"""The API's answers: domain values mapped onto the response models of bcp.web.schemas, which
check them as they are built and are what the OpenAPI document describes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for

from bcp.domain.activation import Activation
from bcp.domain.catalogue import COMPONENTS
from bcp.domain.notices import Notice
from bcp.domain.referrals import Referral
from bcp.domain.reflexes.engine import Decision
from bcp.domain.reflexes.model import Conditions, ReflexTable, Source, Step, Text
from bcp.domain.reflexes.progress import StepStatus
from bcp.domain.timeline import TimelineEvent
from bcp.services.incidents import IncidentView
from bcp.services.notices import Board
from bcp.web.schemas.incidents import IncidentOut, IncidentSummary


def instant(moment: datetime | None) -> datetime | None:
    """An instant for a model's Instant field (written in UTC, with Z, in the JSON)."""
    return moment


def incident_shape(view: IncidentView, *, with_timeline: bool) -> IncidentSummary:
    body = incident_json(view, with_timeline=with_timeline)
    return (IncidentOut if with_timeline else IncidentSummary).model_validate(body)


def incident_json(view: IncidentView, *, with_timeline: bool) -> dict[str, Any]:
    incident, facts = view.incident, view.incident.facts
    spec = COMPONENTS[facts.component]
    org = incident.organisation
    first = incident.events[0] if incident.events else None
    body: dict[str, Any] = {
        "id": incident.id,
        "state": incident.state.value,
        "component": facts.component,
        "component_name": {"en": spec.name_en, "fr": spec.name_fr},
        "organisation": ({"name": org.name, "eori": org.eori, "siret": org.siret} if org else None),
        "scope": facts.scope.value,
        "side": facts.side.value,
        "concerns_everyone": incident.concerns_everyone,
        "started_at": instant(facts.started_at),
        "declared_at": instant(incident.declared_at),
        "declared_by": (
            {"user_id": first.actor_user_id, "name": first.actor_label} if first else None
        ),
        "planned": facts.planned,
        "planned_until": instant(facts.planned_until),
        "modes": [m.value for m in facts.modes],
        "channel": facts.channel.value,
        "ens_operations": [o.value for o in facts.ens_operations],
        "ens_waiting": incident.ens_waiting,
        "summary": incident.summary,
        "description": incident.description,
        "durations": view.durations.as_seconds(),
        "allowed_actions": [a.value for a in view.allowed_actions],
        "links": {
            "self": url_for("api.get_incident", incident_id=incident.id),
            "timeline": url_for("api.get_timeline", incident_id=incident.id),
            "transitions": url_for("api.post_transition", incident_id=incident.id),
        },
    }
    body["notice_id"] = incident.notice_id
    body["referrals"] = [referral_json(r) for r in incident.referrals]
    body["procedure"] = procedure_choice_json(view)
    body["steps"] = [step_status_json(s) for s in view.steps]
    if with_timeline:
        body["timeline"] = [event_json(e) for e in incident.events]
    return body


def procedure_choice_json(view: IncidentView) -> dict[str, Any] | None:
    choice, procedure, event = view.incident.reflex, view.incident.procedure, view.choice_event
    if choice is None or procedure is None:
        return None
    return {
        "table_version": choice.table_version,
        "rule": choice.rule_id,
        "id": procedure.id,
        "title": _text(procedure.title),
        "summary": _text(procedure.summary),
        "fallback": procedure.fallback,
        "source": _source(procedure.source),
        "why": list(event.changes.get("why", [])) if event else [],
        "decided_at": instant(event.at) if event else None,
    }


def step_status_json(status: StepStatus) -> dict[str, Any]:
    return {
        **step_json(status.step),
        "status": status.state.value,
        "due_at": instant(status.due_at),
        "settled_by": status.by,
        "settled_at": instant(status.at),
        "note": status.note,
        "reference": status.reference or None,
    }


def step_json(step: Step) -> dict[str, Any]:
    return {
        "id": step.id,
        "title": _text(step.title),
        "instruction": _text(step.instruction),
        "role": step.role.value,
        "phase": step.phase.value,
        "due": {"after": step.anchor.value, "minutes": int(step.due_after.total_seconds() // 60)},
        "blocks": list(step.blocks),
        "contact": step.contact,
        "form": step.form,
        "message": (
            {"subject": _text(step.message.subject), "body": _text(step.message.body)}
            if step.message
            else None
        ),
        "to_confirm": step.to_confirm,
        "source": _source(step.source),
    }


def decision_json(decision: Decision) -> dict[str, Any]:
    procedure = decision.procedure
    return {
        "table_version": decision.table_version,
        "rule": {
            "id": decision.rule.id,
            "priority": decision.rule.priority,
            "to_confirm": decision.rule.to_confirm,
            "source": _source(decision.rule.source),
        },
        "procedure": {
            "id": procedure.id,
            "title": _text(procedure.title),
            "summary": _text(procedure.summary),
            "fallback": procedure.fallback,
            "source": _source(procedure.source),
        },
        "why": decision.explanation(),
        "checks": [
            {
                "rule": outcome.rule.id,
                "matched": outcome.matched,
                "conditions": [
                    {"name": c.name, "expected": c.expected, "actual": c.actual, "held": c.held}
                    for c in outcome.checks
                ],
            }
            for outcome in decision.outcomes
        ],
        "steps": [{**step_json(p.step), "due_at": instant(p.due_at)} for p in decision.steps],
        "next_review_at": instant(decision.next_review_at),
    }


def table_json(table: ReflexTable) -> dict[str, Any]:
    return {
        "version": table.version,
        "title": _text(table.title),
        "published": table.published,
        "rules": [
            {
                "id": r.id,
                "procedure": r.procedure,
                "priority": r.priority,
                "specificity": r.when.specificity,
                "when": _conditions(r.when),
                "to_confirm": r.to_confirm,
                "source": _source(r.source),
            }
            for r in table.rules
        ],
        "procedures": {
            p.id: {
                "title": _text(p.title),
                "summary": _text(p.summary),
                "fallback": p.fallback,
                "source": _source(p.source),
                "steps": [step_json(s) for s in p.steps],
            }
            for p in table.procedures.values()
        },
        "contacts": {
            c.key: {"name": _text(c.name), "email": c.email, "phone": c.phone}
            for c in table.contacts.values()
        },
    }


def _conditions(when: Conditions) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for name in ("components", "scopes", "sides", "modes", "channels", "ens_operations"):
        values = getattr(when, name)
        if values:
            body[name] = sorted(str(v) for v in values)
    if when.planned is not None:
        body["planned"] = when.planned
    for name in ("lasted_at_least", "lasted_less_than"):
        value = getattr(when, name)
        if value is not None:
            body[name + "_minutes"] = int(value.total_seconds() // 60)
    return body


def _text(text: Text) -> dict[str, str]:
    return {"fr": text.fr, "en": text.en}


def _source(source: Source) -> dict[str, str]:
    return {"document": source.document, "date": source.date, "section": source.section}


def event_json(event: TimelineEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": instant(event.at),
        "kind": event.kind.value,
        "actor": {
            "user_id": event.actor_user_id,
            "name": event.actor_label,
            "role": event.actor_role.value if event.actor_role else None,
        },
        "state_before": event.state_before.value if event.state_before else None,
        "state_after": event.state_after.value,
        "changes": event.changes,
        "note": event.note,
    }


def referral_json(referral: Referral) -> dict[str, Any]:
    return {
        "number": referral.number,
        "kind": referral.kind.value,
        "air_waybill": referral.air_waybill,
        "house_consignment": referral.house_consignment,
        "consignment": referral.consignment_id,
        "ens_reference": referral.ens_reference,
        "route": referral.route.value,
        "sent_at": instant(referral.sent_at),
        "sent_to": referral.sent_to,
        "request": referral.request,
        "recorded_at": instant(referral.recorded_at),
        "recorded_by": referral.recorded_by,
        "status": referral.status,
        "confirmed_at": instant(referral.confirmed_at),
        "confirmed_by": referral.confirmed_by,
        "outcome": referral.outcome.value if referral.outcome else None,
        "result": referral.result or None,
        "outcome_at": instant(referral.outcome_at),
        "escalations": referral.escalations,
    }


def activation_json(activation: Activation) -> dict[str, Any]:
    return {**activation.changes(), "decided_at": instant(activation.decided_at)}


def notice_json(notice: Notice, now: datetime) -> dict[str, Any]:
    return {
        "id": notice.id,
        "components": list(notice.components),
        "kind": notice.kind.value,
        "reason": notice.reason.value,
        "title": notice.title,
        "status": "open" if notice.is_open else "closed",
        "starts_at": instant(notice.starts_at),
        "expected_end": instant(notice.expected_end),
        "closed_at": instant(notice.closed_at),
        "messages": notice.messages,
        "fallback_allowed": notice.fallback_allowed(now),
        "fallback_windows": [
            {
                "since": instant(w.since),
                "until": instant(w.until),
                "activation": activation_json(w.activation) if w.activation else None,
            }
            for w in notice.windows
        ],
        "notifications": [
            {
                "to": u.changes.get("to", ""),
                "at": u.changes.get("at") or instant(u.at),
                "recorded_by": u.actor_label,
                "legal_basis": u.changes.get("legal_basis", ""),
            }
            for u in notice.notifications
        ],
        "updates": [
            {
                "seq": u.seq,
                "at": instant(u.at),
                "kind": u.kind.value,
                "by": u.actor_label,
                "text": u.text,
            }
            for u in notice.updates
        ],
    }


def status_json(board: Board) -> dict[str, Any]:
    return {
        "as_of": instant(board.now),
        "components": [
            {
                "component": c.component,
                "name": {
                    "en": COMPONENTS[c.component].name_en,
                    "fr": COMPONENTS[c.component].name_fr,
                },
                "state": c.health.value,
                "since": instant(c.since),
                "fallback_allowed": c.fallback_allowed,
                "causes": [
                    {
                        "kind": cause.kind.value,
                        "state": cause.health.value,
                        "ref": cause.ref,
                        "count": cause.count,
                        "since": instant(cause.since),
                    }
                    for cause in c.causes
                ],
                "upcoming_notices": list(c.upcoming),
            }
            for c in board.components
        ],
        "notices": [notice_json(n, board.now) for n in board.open_notices],
    }
