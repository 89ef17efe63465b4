"""The member state's decision to apply the ICS2 business continuity plan.

Implementing Regulation (EU) 2023/1070, Art. 105(4)-(5): for ICS2 the BCP agreed between the
member states and the Commission applies, and each member state decides to activate it when it is
affected by the failure, or when an operator obliged to lodge the ENS cannot. For goods entering
through a French office of first entry that decision is the DGDDI's: the desk records who
decided, when, for which components, modes and offices of first entry, and until when. Art.
105(3) then has the Commission and the member states told of the unavailability (also of an
operator's system, as regards ICS2): the desk records whom it told and when.

For an administration's outage the activation is the fallback window of its notice
(bcp.domain.notices); for an outage on an operator's or a provider's side, the desk's
authorisation of the fallback is that activation, for that organisation alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bcp.domain.catalogue import Mode
from bcp.domain.errors import ErrorList
from bcp.domain.messages import N_

LEGAL_BASIS = "Implementing Regulation (EU) 2023/1070, Art. 105(5); UCC Art. 6(3)(b)"
NOTIFICATION_BASIS = "Implementing Regulation (EU) 2023/1070, Art. 105(3)"
NAME_MAX = 200
OFFICE = re.compile(r"^FR[A-Z0-9]{6}$")
"""A French customs office: FR and six letters or digits (FR004100)."""


@dataclass(frozen=True)
class Activation:
    """What the BCP was activated for: the components of the outage (its notice's, or the
    incident's). Empty modes: every mode; empty offices: every French office of first entry; no
    `until`: until the desk ends it."""

    decided_by: str
    decided_at: datetime
    components: tuple[str, ...] = ()
    modes: tuple[Mode, ...] = ()
    offices: tuple[str, ...] = ()
    until: datetime | None = None

    def covers_modes(self, modes: tuple[Mode, ...] | frozenset[Mode]) -> bool:
        return not self.modes or bool(set(self.modes) & set(modes))

    def covers_office(self, office: str) -> bool:
        return not self.offices or office in self.offices

    def in_force(self, now: datetime) -> bool:
        return self.decided_at <= now and (self.until is None or now < self.until)

    def changes(self) -> dict[str, Any]:
        """As kept in the timeline (of the notice, or of the incident)."""
        return {
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat(),
            "components": list(self.components),
            "modes": [m.value for m in self.modes],
            "offices": list(self.offices),
            "until": self.until.isoformat() if self.until else None,
            "legal_basis": LEGAL_BASIS,
        }

    @classmethod
    def from_changes(cls, data: dict[str, Any], at: datetime, by: str) -> Activation:
        """Read back from a timeline; the activations recorded before these fields existed say
        only when and by whom (every mode, every office)."""
        until = data.get("until")
        decided_at = data.get("decided_at")
        return cls(
            decided_by=data.get("decided_by") or by,
            decided_at=datetime.fromisoformat(decided_at) if decided_at else at,
            components=tuple(data.get("components") or ()),
            modes=tuple(Mode(m) for m in data.get("modes") or ()),
            offices=tuple(data.get("offices") or ()),
            until=datetime.fromisoformat(until) if until else None,
        )


@dataclass(frozen=True)
class ActivationRequest:
    """What the desk fills in (bcp.web.schemas); `decided_by` defaults to the desk person."""

    decided_by: str = ""
    modes: tuple[Mode, ...] = ()
    offices: tuple[str, ...] = ()
    until: datetime | None = None

    def decide(
        self, actor_label: str, now: datetime, components: tuple[str, ...] = ()
    ) -> Activation:
        errors = ErrorList()
        decided_by = self.decided_by.strip() or actor_label
        if len(decided_by) > NAME_MAX or "\x00" in decided_by:
            errors.add("decided_by", N_("at most 200 characters"))
        offices = tuple(dict.fromkeys(o.strip().upper() for o in self.offices if o.strip()))
        if any(not OFFICE.match(o) for o in offices):
            errors.add(
                "offices",
                N_("French customs offices: FR followed by 6 letters or digits (FR004100)"),
            )
        if self.until is not None and self.until <= now:
            errors.add("until", N_("the end of the activation must be in the future"))
        errors.raise_if_any()
        return Activation(
            decided_by=decided_by,
            decided_at=now,
            components=components,
            modes=tuple(dict.fromkeys(self.modes)),
            offices=offices,
            until=self.until,
        )


@dataclass(frozen=True)
class CommissionNotification:
    """Whom the desk told of the unavailability (the Commission, other member states), how, and
    when (Art. 105(3))."""

    to: str
    at: datetime

    def changes(self) -> dict[str, Any]:
        return {"to": self.to, "at": self.at.isoformat(), "legal_basis": NOTIFICATION_BASIS}


def check_notification(to: str, at: datetime | None, now: datetime) -> CommissionNotification:
    errors = ErrorList()
    to = (to or "").strip()
    if not to:
        errors.add("to", N_("required: whom the unavailability was notified to"))
    elif len(to) > NAME_MAX or "\x00" in to:
        errors.add("to", N_("at most 200 characters"))
    at = at or now
    if at > now:
        errors.add("at", N_("a notification already made cannot be in the future"))
    errors.raise_if_any()
    return CommissionNotification(to, at)
