"""Outage notices of the customs desk, and the status board built from them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from bcp.domain.notices import (
    PUBLIC_COMPONENTS,
    TEXT_MAX,
    TITLE_MAX,
    NoticeDraft,
    NoticeKind,
    Reason,
    UpdateKind,
)
from bcp.domain.status import CauseKind, Health
from bcp.web.schemas.activation import ActivationBody, ActivationOut, NotificationOut
from bcp.web.schemas.common import Bilingual
from bcp.web.schemas.types import Body, Flag, Instant, Shape, free_text, one_line, unique

PublicComponent = Annotated[
    Literal[PUBLIC_COMPONENTS],  # type: ignore[valid-type]
    BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
    Field(description="A component the administrations run: a notice names only these"),
]


class NoticeBody(Body):
    components: Annotated[
        tuple[PublicComponent, ...], Field(min_length=1, max_length=20), AfterValidator(unique)
    ]
    kind: NoticeKind
    reason: Reason | None = Field(None, description="Required for an unscheduled notice")
    title: one_line(TITLE_MAX, "What operators read first", required=True)
    starts_at: Instant | None = Field(None, description="Required when scheduled; default now")
    expected_end: Instant | None = Field(None, description="Required when scheduled")
    messages: free_text(TEXT_MAX, "What happens to the messages sent meanwhile") = ""
    fallback_allowed: Flag = False
    short_notice_confirmed: Flag = Field(
        False, description="Publish scheduled maintenance less than 48 hours ahead knowingly"
    )

    def to_domain(self) -> NoticeDraft:
        return NoticeDraft(**dict(self))


class NoticeUpdateBody(Body):
    text: one_line(TEXT_MAX, "What changed", required=True)
    expected_end: Instant | None = None
    messages: free_text(TEXT_MAX, "What happens to the messages sent meanwhile") | None = None


class NoticeFallbackBody(Body):
    allowed: Flag = Field(
        description="true: the member state activates the BCP, the fallback window opens; "
        "false: it ends"
    )
    text: free_text(TEXT_MAX, "What operators are told; a standard sentence by default") = ""
    bcp: ActivationBody | None = Field(
        None, description="On opening: who decided, for which modes and offices, until when"
    )


class NoticeCloseBody(Body):
    text: free_text(TEXT_MAX, "What operators are told on closing") = ""


class FallbackWindow(Shape):
    since: Instant
    until: Instant | None
    activation: ActivationOut | None = Field(description="The BCP's activation it stands for")


class NoticeUpdateOut(Shape):
    seq: int
    at: Instant
    kind: UpdateKind
    by: str
    text: str


class NoticeOut(Shape):
    id: int
    components: list[str]
    kind: NoticeKind
    reason: Reason
    title: str
    status: Literal["open", "closed"]
    starts_at: Instant
    expected_end: Instant | None
    closed_at: Instant | None
    messages: str
    fallback_allowed: bool
    fallback_windows: list[FallbackWindow]
    notifications: list[NotificationOut] = Field(
        description="Whom the desk told of the outage (the Commission, member states)"
    )
    updates: list[NoticeUpdateOut]


class LinkedNotice(NoticeOut):
    linked_incidents: list[int] = Field(description="Incidents that are part of this outage")


class PublishedNotice(Shape):
    notice: NoticeOut
    warnings: list[str]
    linked_incidents: list[int]


class Cause(Shape):
    kind: CauseKind
    state: Health
    ref: int | None
    count: int
    since: Instant | None


class ComponentHealth(Shape):
    component: PublicComponent
    name: Bilingual
    state: Health
    since: Instant | None
    fallback_allowed: bool
    causes: list[Cause]
    upcoming_notices: list[int]


class StatusBoard(Shape):
    as_of: Instant
    components: list[ComponentHealth]
    notices: list[NoticeOut]
