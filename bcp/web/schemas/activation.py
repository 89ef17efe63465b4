"""The member state's activation of the BCP and its notification to the Commission (Art. 105 of
Implementing Regulation (EU) 2023/1070; bcp.domain.activation)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from bcp.domain.activation import NAME_MAX, ActivationRequest
from bcp.domain.catalogue import Mode
from bcp.web.schemas.types import Body, Instant, Shape, free_text, one_line

Office = one_line(8, "A French customs office of first entry: FR and 6 letters or digits")


class ActivationBody(Body):
    """What the BCP is activated for; every field may be left out."""

    decided_by: one_line(NAME_MAX, "Who decided (a person, a service); default: you") = ""
    modes: Annotated[tuple[Mode, ...], Field(max_length=len(Mode))] = Field(
        (), description="The transport modes; none: every mode"
    )
    offices: Annotated[tuple[Office, ...], Field(max_length=50)] = Field(
        (), description="The offices of first entry; none: every French office"
    )
    until: Instant | None = Field(None, description="When it ends; none: until the desk ends it")

    def to_domain(self) -> ActivationRequest:
        return ActivationRequest(
            decided_by=self.decided_by,
            modes=tuple(self.modes),
            offices=tuple(self.offices),
            until=self.until,
        )


class ActivationOut(Shape):
    decided_by: str
    decided_at: Instant
    components: list[str] = Field(description="The components of the outage it is for")
    modes: list[Mode] = Field(description="Empty: every mode")
    offices: list[str] = Field(description="Empty: every French office of first entry")
    until: Instant | None
    legal_basis: str


class NotificationBody(Body):
    """Whom the desk told of the unavailability (Art. 105(3)), and when."""

    to: one_line(NAME_MAX, "The Commission's service desk, member states…", required=True)
    at: Instant | None = Field(None, description="When; default: now")
    text: free_text(2_000, "A note") = ""


class NotificationOut(Shape):
    to: str
    at: Instant
    recorded_by: str
    legal_basis: str
