"""What each person has of their own: notification topics, drafts proposed to them, their
organisation's certificates."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from bcp.domain.notifications import TOPICS
from bcp.web.schemas.types import Body, ComponentCode, Instant, Shape, unique

Topic = Literal[tuple(TOPICS)]  # type: ignore[valid-type]


class TopicsBody(Body):
    topics: Annotated[
        tuple[Topic, ...],
        Field(max_length=len(TOPICS), description="The events you want e-mailed; [] for none"),
        AfterValidator(unique),
    ]


class TopicChoice(Shape):
    topic: Topic
    label: str
    chosen: bool


class TopicsOut(Shape):
    """Every topic, and whether you receive it."""

    topics: list[TopicChoice]


class DraftOut(Shape):
    """An incident to declare, or a recovery to report, that the service proposes (a probe, a
    certificate about to expire)."""

    id: int
    kind: Literal["incident", "recovery"]
    organisation_id: int | None
    incident_id: int | None
    component: ComponentCode
    side: str
    summary: str
    detail: str
    started_at: Instant
    source: str
    status: str
    created_at: Instant


class DraftList(Shape):
    items: list[DraftOut]


class DraftClosureBody(Body):
    status: Literal["accepted", "dismissed"] = Field(
        description="accepted: you declared or reported it; dismissed: not an outage"
    )
