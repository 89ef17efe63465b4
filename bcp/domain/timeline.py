"""Timeline events: the append-only record every report and every duration is derived from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bcp.domain.actors import Role
from bcp.domain.lifecycle import Action, State


class EventKind(StrEnum):
    DECLARED = "declared"
    ACKNOWLEDGED = "acknowledged"
    FALLBACK_ACTIVATED = "fallback_activated"
    FALLBACK_REFUSED = "fallback_refused"
    RECOVERED = "recovered"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    PROCEDURE_SELECTED = "procedure_selected"
    PROCEDURE_SWITCHED = "procedure_switched"
    RECLASSIFIED = "reclassified"
    STEP_DONE = "step_done"
    STEP_SKIPPED = "step_skipped"
    FALLBACK_REFERENCE_ISSUED = "fallback_reference_issued"
    NOTE_ADDED = "note_added"
    ESCALATED = "escalated"
    STEP_REMINDER = "step_reminder"
    STEP_OVERDUE = "step_overdue"
    FOLLOW_UP_REMINDER = "follow_up_reminder"
    NOTICE_LINKED = "notice_linked"
    NOTICE_UPDATED = "notice_updated"
    REFERRAL_SENT = "referral_sent"
    REFERRAL_CONFIRMED = "referral_confirmed"
    REFERRAL_OUTCOME = "referral_outcome"
    REFERRAL_ESCALATED = "referral_escalated"
    CONSIGNMENTS_ADDED = "consignments_added"
    CONSIGNMENTS_SENT = "consignments_sent"
    CONSIGNMENTS_LODGED = "consignments_lodged"
    CONSIGNMENT_NOT_NEEDED = "consignment_not_needed"
    CONSIGNMENTS_WAIVED = "consignments_waived"
    CONSIGNMENTS_RELODGED = "consignments_relodged"
    CONSIGNMENT_DEADLINE_NEAR = "consignment_deadline_near"
    COMMISSION_NOTIFIED = "commission_notified"
    REPLACED_BY_NOTICE = "replaced_by_notice"


EVENT_OF_ACTION: dict[Action, EventKind] = {
    Action.ACKNOWLEDGE: EventKind.ACKNOWLEDGED,
    Action.ACTIVATE_FALLBACK: EventKind.FALLBACK_ACTIVATED,
    Action.REFUSE_FALLBACK: EventKind.FALLBACK_REFUSED,
    Action.RECOVER: EventKind.RECOVERED,
    Action.CLOSE: EventKind.CLOSED,
    Action.CANCEL: EventKind.CANCELLED,
}


class Said(StrEnum):
    """What a note written by bcp itself says, recorded beside its English text so that a page
    shows it in its reader's language (the note stays as the record's English)."""

    NOTICE_CLOSED = "notice_closed"
    NOTICE_ANNOUNCED = "notice_announced"
    NOTICE_FALLBACK = "notice_fallback"
    ACTIVATION_ENDED = "activation_ended"
    DECLARED_BY_DESK = "declared_by_desk"


@dataclass(frozen=True)
class TimelineEvent:
    seq: int
    at: datetime
    kind: EventKind
    actor_user_id: int | None
    actor_label: str
    actor_role: Role | None
    state_before: State | None
    state_after: State
    changes: dict[str, Any] = field(default_factory=dict)
    note: str = ""
