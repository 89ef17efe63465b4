"""The post-mortem a manager writes for a closed incident: editable until finalised, then frozen
with SHA-256 digests of its content and of the timeline it was made from, so that a later change
to either is detectable."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from bcp.domain.actors import Actor, Role
from bcp.domain.errors import ErrorList, IllegalTransition, NotAllowed
from bcp.domain.lifecycle import State
from bcp.domain.messages import N_
from bcp.domain.timeline import TimelineEvent

TEXT_MAX = 20_000
TEXT_FIELDS = ("summary", "impact", "root_cause", "went_well", "to_change")
ITEMS_MAX = 50


@dataclass(frozen=True)
class ActionItem:
    what: str
    owner: str
    due: date


@dataclass(frozen=True)
class PostMortem:
    incident_id: int
    summary: str = ""
    impact: str = ""
    ens_delayed: int = 0
    consignments_delayed: int = 0
    root_cause: str = ""
    went_well: str = ""
    to_change: str = ""
    action_items: tuple[ActionItem, ...] = field(default_factory=tuple)
    finalised_at: datetime | None = None
    finalised_by: str | None = None
    content_sha256: str | None = None
    timeline_sha256: str | None = None

    @property
    def finalised(self) -> bool:
        return self.finalised_at is not None

    def content(self) -> dict[str, Any]:
        """What the content digest covers, in a stable form."""
        body = asdict(self)
        for key in ("finalised_at", "finalised_by", "content_sha256", "timeline_sha256"):
            body.pop(key)
        body["action_items"] = [
            {"what": i.what, "owner": i.owner, "due": i.due.isoformat()} for i in self.action_items
        ]
        return body


def _digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def content_digest(postmortem: PostMortem) -> str:
    return _digest(postmortem.content())


def timeline_digest(events: list[TimelineEvent]) -> str:
    return _digest(
        [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "kind": e.kind.value,
                "actor": e.actor_label,
                "role": e.actor_role.value if e.actor_role else None,
                "before": e.state_before.value if e.state_before else None,
                "after": e.state_after.value,
                "changes": e.changes,
                "note": e.note,
            }
            for e in events
        ]
    )


def edit(current: PostMortem, changes: Mapping[str, Any], actor: Actor, state: State) -> PostMortem:
    """Apply a manager's edit: `changes` holds well-formed values of the post-mortem's fields
    (bcp.web.schemas.postmortems), texts trimmed and action items typed."""
    _check_editable(current, actor, state)
    unknown = set(changes) - {*TEXT_FIELDS, "ens_delayed", "consignments_delayed", "action_items"}
    if unknown:
        raise ValueError(f"not fields of a post-mortem: {sorted(unknown)}")
    return replace(current, **changes)


def finalise(
    current: PostMortem, actor: Actor, state: State, events: list[TimelineEvent], now: datetime
) -> PostMortem:
    _check_editable(current, actor, state)
    if not current.summary or not current.root_cause:
        errors = ErrorList()
        if not current.summary:
            errors.add("summary", N_("write the summary before finalising"))
        if not current.root_cause:
            errors.add("root_cause", N_("write the root cause before finalising"))
        errors.raise_if_any()
    return replace(
        current,
        finalised_at=now,
        finalised_by=actor.label,
        content_sha256=content_digest(current),
        timeline_sha256=timeline_digest(events),
    )


def verify(postmortem: PostMortem, events: list[TimelineEvent]) -> dict[str, bool]:
    """Does the finalised post-mortem still match its content and the incident's timeline?"""
    return {
        "content": postmortem.content_sha256 == content_digest(postmortem),
        "timeline": postmortem.timeline_sha256 == timeline_digest(events),
    }


def _check_editable(current: PostMortem, actor: Actor, state: State) -> None:
    if actor.role is not Role.MANAGER:
        raise NotAllowed(N_("only a manager writes the post-mortem"))
    if state is not State.CLOSED:
        raise IllegalTransition(N_("a post-mortem is written for a closed incident"))
    if current.finalised:
        raise IllegalTransition(N_("this post-mortem is finalised: it is frozen"))
