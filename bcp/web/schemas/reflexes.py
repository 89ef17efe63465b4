"""The rules table (reflexes/) and the decision it gives for a declaration."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from bcp.web.schemas.common import Bilingual, Source
from bcp.web.schemas.incidents import StepOut
from bcp.web.schemas.types import Instant, Shape


class RuleOut(Shape):
    id: str
    procedure: str
    priority: int
    specificity: int
    when: dict[str, Any] = Field(description="The conditions of the rule, by the facts' names")
    to_confirm: bool
    source: Source


class ProcedureOut(Shape):
    title: Bilingual
    summary: Bilingual
    fallback: bool
    source: Source
    steps: list[StepOut]


class ContactOut(Shape):
    name: Bilingual
    email: str | None
    phone: str | None


class ReflexTableOut(Shape):
    version: str
    title: Bilingual
    published: str
    rules: list[RuleOut]
    procedures: dict[str, ProcedureOut]
    contacts: dict[str, ContactOut]


class ChosenRule(Shape):
    id: str
    priority: int
    to_confirm: bool
    source: Source


class ChosenProcedure(Shape):
    id: str
    title: Bilingual
    summary: Bilingual
    fallback: bool
    source: Source


class ConditionCheck(Shape):
    name: str
    expected: str
    actual: str
    held: bool


class RuleCheck(Shape):
    rule: str
    matched: bool
    conditions: list[ConditionCheck]


class PlannedStep(StepOut):
    due_at: Instant | None


class DecisionOut(Shape):
    table_version: str
    rule: ChosenRule
    procedure: ChosenProcedure
    why: list[str]
    checks: list[RuleCheck] = Field(
        description="Every rule of the table, with each of its conditions and whether it held"
    )
    steps: list[PlannedStep]
    next_review_at: Instant | None = Field(
        description="When the passing of time alone could change the decision"
    )
