"""The post-mortem a manager writes for a closed incident."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import Field

from bcp.domain.postmortem import ITEMS_MAX, TEXT_MAX, ActionItem
from bcp.web.schemas.types import Body, Instant, Shape, free_text, one_line, whole

Text = free_text(TEXT_MAX)


class ActionItemBody(Body):
    what: one_line(1000, "What is to be done", required=True)
    owner: one_line(200, "Who does it", required=True)
    due: date = Field(description="By when, e.g. 2026-12-31", json_schema_extra={"format": "date"})


class PostMortemEdit(Body):
    """The fields to change; those left out (or null) keep their value."""

    summary: Text | None = None
    impact: Text | None = None
    root_cause: Text | None = None
    went_well: Text | None = None
    to_change: Text | None = None
    ens_delayed: whole(0, 10**8, "ENS lodged late because of the outage") | None = None
    consignments_delayed: whole(0, 10**8, "Consignments held") | None = None
    action_items: Annotated[list[ActionItemBody], Field(max_length=ITEMS_MAX)] | None = None

    def changes(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name in self.model_fields_set:
            value = getattr(self, name)
            if value is None:
                continue  # null: left as it is
            if name == "action_items":
                value = tuple(ActionItem(i.what, i.owner, i.due) for i in value)
            elif isinstance(value, str):
                value = value.strip()
            values[name] = value
        return values


class ActionItemOut(Shape):
    what: str
    owner: str
    due: date


class PostMortemOut(Shape):
    incident_id: int
    summary: str
    impact: str
    ens_delayed: int
    consignments_delayed: int
    root_cause: str
    went_well: str
    to_change: str
    action_items: list[ActionItemOut]
    finalised: bool
    finalised_at: Instant | None
    finalised_by: str | None
    content_sha256: str | None
    timeline_sha256: str | None
