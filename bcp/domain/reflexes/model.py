"""The rules table as Python values, built from a file of reflexes/ by `table.build_table`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum
from functools import cached_property
from types import MappingProxyType

from bcp.domain.catalogue import Channel, EnsOperation, Mode, Scope, Side


@dataclass(frozen=True)
class Text:
    fr: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


@dataclass(frozen=True)
class Source:
    """Where a rule or a step comes from in the official texts."""

    document: str
    date: str
    section: str

    def cite(self) -> str:
        return f"{self.document} ({self.date}), {self.section}"


class StepRole(StrEnum):
    OPERATOR = "operator"
    PROVIDER = "provider"
    DESK = "desk"
    MANAGER = "manager"


class Anchor(StrEnum):
    """The incident events a step's due time counts from."""

    DECLARED = "declared"
    ACKNOWLEDGED = "acknowledged"
    FALLBACK_AUTHORISED = "fallback_authorised"
    RECOVERED = "recovered"


class Phase(StrEnum):
    RESPONSE = "response"
    FOLLOW_UP = "follow_up"


@dataclass(frozen=True)
class Message:
    """A message the step produces; placeholders in braces are filled from the incident."""

    subject: Text
    body: Text


@dataclass(frozen=True)
class Step:
    id: str
    title: Text
    instruction: Text
    role: StepRole
    anchor: Anchor
    due_after: timedelta
    phase: Phase
    source: Source
    blocks: tuple[str, ...] = ()
    contact: str | None = None
    message: Message | None = None
    form: str | None = None
    done_when: tuple[str, ...] = ()
    to_confirm: bool = False
    modes: frozenset[Mode] = frozenset()
    """The transport modes the step is for (the fallback route differs per mode); empty: all."""

    def applies_to(self, modes: frozenset[Mode]) -> bool:
        return not self.modes or bool(self.modes & modes)


@dataclass(frozen=True)
class Procedure:
    id: str
    title: Text
    summary: Text
    fallback: bool
    steps: tuple[Step, ...]
    source: Source

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def for_modes(self, modes: frozenset[Mode]) -> Procedure:
        """The procedure as an outage of these modes follows it: without the steps of other
        modes."""
        steps = tuple(s for s in self.steps if s.applies_to(modes))
        return self if len(steps) == len(self.steps) else replace(self, steps=steps)


@dataclass(frozen=True)
class Conditions:
    """What a rule requires; an empty set or None means "any"."""

    components: frozenset[str] = frozenset()
    scopes: frozenset[Scope] = frozenset()
    sides: frozenset[Side] = frozenset()
    planned: bool | None = None
    modes: frozenset[Mode] = frozenset()
    channels: frozenset[Channel] = frozenset()
    stp_access: bool | None = None
    """Whether the organisation can lodge through the portal (STP) when its EDI chain is down."""
    ens_operations: frozenset[EnsOperation] = frozenset()
    lasted_at_least: timedelta | None = None
    lasted_less_than: timedelta | None = None

    @property
    def specificity(self) -> int:
        """How many conditions the rule constrains; the most specific matching rule wins."""
        sets = (
            self.components,
            self.scopes,
            self.sides,
            self.modes,
            self.channels,
            self.ens_operations,
        )
        return (
            sum(1 for s in sets if s)
            + (self.planned is not None)
            + (self.stp_access is not None)
            + (self.lasted_at_least is not None or self.lasted_less_than is not None)
        )


@dataclass(frozen=True)
class Rule:
    id: str
    when: Conditions
    procedure: str
    priority: int
    source: Source
    line: int = 0
    to_confirm: bool = False


@dataclass(frozen=True)
class Contact:
    key: str
    name: Text
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class ReflexTable:
    version: str
    title: Text
    published: str
    rules: tuple[Rule, ...]
    procedures: dict[str, Procedure]
    contacts: dict[str, Contact]
    origin: str = ""
    thresholds: tuple[timedelta, ...] = field(default=())

    @cached_property
    def titles(self) -> Mapping[str, Text]:
        """The title of every procedure and step of the table, by id: what a page shows where
        the timeline recorded an id. Made once per table (a table never changes once loaded),
        not for every incident page; read-only, as every reader shares it."""
        titles = {s.id: s.title for p in self.procedures.values() for s in p.steps}
        titles.update({p.id: p.title for p in self.procedures.values()})
        return MappingProxyType(titles)
