"""Building a ReflexTable from the data of a file, and refusing a table that cannot be trusted:
unknown names, dangling references, and rules that could tie."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from itertools import combinations
from typing import Any

from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.lifecycle import Action
from bcp.domain.reflexes.model import (
    Anchor,
    Conditions,
    Contact,
    Message,
    Phase,
    Procedure,
    ReflexTable,
    Rule,
    Source,
    Step,
    StepRole,
    Text,
)
from bcp.domain.timeline import EventKind

Path = tuple[str | int, ...]
LineOf = Callable[[Path], int]

_DURATION = re.compile(r"^(\d+)\s*(min|h|d)$")
_DUE = re.compile(r"^(\w+)\s*\+\s*(\d+\s*(?:min|h|d))$")
_UNITS = {"min": "minutes", "h": "hours", "d": "days"}


class TableError(ValueError):
    """A fault in a rules file, with the file and the line it stands on."""

    def __init__(self, origin: str, line: int, message: str) -> None:
        super().__init__(f"{origin}:{line}: {message}")
        self.origin, self.line, self.message = origin, line, message


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration like 15min, 4h or 2d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def build_table(data: Mapping[str, Any], origin: str, line_of: LineOf) -> ReflexTable:
    """`data` has passed the JSON Schema; this checks what a schema cannot."""
    builder = _Builder(data, origin, line_of)
    return builder.build()


class _Builder:
    def __init__(self, data: Mapping[str, Any], origin: str, line_of: LineOf) -> None:
        self.data, self.origin, self.line_of = data, origin, line_of
        self.sources: dict[str, Mapping[str, Any]] = data["sources"]

    def fail(self, path: Path, message: str) -> TableError:
        return TableError(self.origin, self.line_of(path), message)

    def build(self) -> ReflexTable:
        contacts = {
            key: Contact(key, _text(c["name"]), c.get("email"), c.get("phone"))
            for key, c in self.data["contacts"].items()
        }
        procedures = {
            pid: self.procedure(pid, p, contacts) for pid, p in self.data["procedures"].items()
        }
        rules = tuple(self.rule(i, r, procedures) for i, r in enumerate(self.data["rules"]))
        self.check_ids(rules)
        self.check_ties(rules)
        thresholds = sorted(
            {
                t
                for r in rules
                for t in (r.when.lasted_at_least, r.when.lasted_less_than)
                if t is not None
            }
        )
        return ReflexTable(
            version=self.data["version"],
            title=_text(self.data["title"]),
            published=str(self.data["published"]),
            rules=rules,
            procedures=procedures,
            contacts=contacts,
            origin=self.origin,
            thresholds=tuple(thresholds),
        )

    def source(self, value: Mapping[str, Any], path: Path) -> Source:
        ref = value["ref"]
        if ref not in self.sources:
            raise self.fail((*path, "ref"), f"unknown source {ref!r}; declare it under sources")
        document = self.sources[ref]
        return Source(
            document=document["document"],
            date=str(document["date"]),
            section=value.get("section", ""),
        )

    def procedure(self, pid: str, p: Mapping[str, Any], contacts: dict) -> Procedure:
        path: Path = ("procedures", pid)
        steps, seen = [], set()
        for index, s in enumerate(p["steps"]):
            step_path = (*path, "steps", index)
            if s["id"] in seen:
                raise self.fail((*step_path, "id"), f"step {s['id']!r} appears twice in {pid}")
            seen.add(s["id"])
            steps.append(self.step(s, step_path, contacts))
        if not any(s.phase is Phase.FOLLOW_UP for s in steps):
            raise self.fail(path, f"procedure {pid} has no follow-up step after recovery")
        return Procedure(
            id=pid,
            title=_text(p["title"]),
            summary=_text(p["summary"]),
            fallback=bool(p["fallback"]),
            steps=tuple(steps),
            source=self.source(p["source"], (*path, "source")),
        )

    def step(self, s: Mapping[str, Any], path: Path, contacts: dict) -> Step:
        match = _DUE.match(s["due"])
        if not match or match.group(1) not in {a.value for a in Anchor}:
            anchors = ", ".join(a.value for a in Anchor)
            raise self.fail((*path, "due"), f"due {s['due']!r}: expected '<{anchors}> + 15min'")
        if s["role"] not in {r.value for r in StepRole}:
            raise self.fail((*path, "role"), f"unknown role {s['role']!r}")
        if s.get("contact") and s["contact"] not in contacts:
            raise self.fail((*path, "contact"), f"unknown contact {s['contact']!r}")
        for index, action in enumerate(s.get("blocks", [])):
            if action not in {a.value for a in Action}:
                raise self.fail((*path, "blocks", index), f"unknown action {action!r}")
        done_when = tuple(s.get("done_when", []))
        for index, kind in enumerate(done_when):
            if kind not in {k.value for k in EventKind}:
                raise self.fail((*path, "done_when", index), f"unknown incident event {kind!r}")
        message = s.get("message")
        return Step(
            id=s["id"],
            title=_text(s["title"]),
            instruction=_text(s["instruction"]),
            role=StepRole(s["role"]),
            anchor=Anchor(match.group(1)),
            due_after=parse_duration(match.group(2)),
            phase=Phase(s.get("phase", "response")),
            source=self.source(s["source"], (*path, "source")),
            blocks=tuple(s.get("blocks", [])),
            contact=s.get("contact"),
            message=Message(_text(message["subject"]), _text(message["body"])) if message else None,
            form=s.get("form"),
            done_when=done_when,
            to_confirm=bool(s.get("to_confirm", False)),
            modes=self.members(Mode, s, "modes", path),
        )

    def rule(self, index: int, r: Mapping[str, Any], procedures: dict) -> Rule:
        path: Path = ("rules", index)
        if r["procedure"] not in procedures:
            raise self.fail((*path, "procedure"), f"unknown procedure {r['procedure']!r}")
        when = r.get("when", {})
        wpath = (*path, "when")
        for i, code in enumerate(when.get("components", [])):
            if code not in COMPONENTS:
                raise self.fail((*wpath, "components", i), f"unknown component {code!r}")
        try:
            conditions = Conditions(
                components=frozenset(when.get("components", [])),
                scopes=self.members(Scope, when, "scopes", wpath),
                sides=self.members(Side, when, "sides", wpath),
                planned=when.get("planned"),
                modes=self.members(Mode, when, "modes", wpath),
                channels=self.members(Channel, when, "channels", wpath),
                stp_access=when.get("stp_access"),
                ens_operations=self.members(EnsOperation, when, "ens_operations", wpath),
                lasted_at_least=_maybe_duration(when.get("lasted_at_least")),
                lasted_less_than=_maybe_duration(when.get("lasted_less_than")),
            )
        except TableError:
            raise
        except ValueError as error:
            raise self.fail(wpath, str(error)) from None
        if (
            conditions.lasted_at_least is not None
            and conditions.lasted_less_than is not None
            and conditions.lasted_less_than <= conditions.lasted_at_least
        ):
            raise self.fail(wpath, "lasted_less_than must be more than lasted_at_least")
        return Rule(
            id=r["id"],
            when=conditions,
            procedure=r["procedure"],
            priority=int(r.get("priority", 0)),
            source=self.source(r["source"], (*path, "source")),
            line=self.line_of(path),
            to_confirm=bool(r.get("to_confirm", False)),
        )

    def members(self, enum: type, when: Mapping[str, Any], key: str, path: Path) -> frozenset:
        values = set()
        for i, value in enumerate(when.get(key, [])):
            try:
                values.add(enum(value))
            except ValueError:
                choices = ", ".join(m.value for m in enum)
                raise self.fail(
                    (*path, key, i), f"unknown {key[:-1]} {value!r}; expected one of {choices}"
                ) from None
        return frozenset(values)

    def check_ids(self, rules: tuple[Rule, ...]) -> None:
        seen: dict[str, Rule] = {}
        for index, rule in enumerate(rules):
            if rule.id in seen:
                raise self.fail(("rules", index, "id"), f"rule id {rule.id!r} appears twice")
            seen[rule.id] = rule

    def check_ties(self, rules: tuple[Rule, ...]) -> None:
        for (i, a), (_, b) in combinations(enumerate(rules), 2):
            if (a.when.specificity, a.priority) == (b.when.specificity, b.priority) and _overlap(
                a.when, b.when
            ):
                raise self.fail(
                    ("rules", i),
                    f"rules {a.id!r} (line {a.line}) and {b.id!r} (line {b.line}) could both "
                    "match the same outage with the same specificity and priority: give one a "
                    "higher priority or make their conditions exclusive",
                )


def _overlap(a: Conditions, b: Conditions) -> bool:
    """Could one outage match both? Modes and ENS operations are lists on an incident, so any two
    mode conditions can meet on an outage that affects several modes."""
    for left, right in (
        (a.components, b.components),
        (a.scopes, b.scopes),
        (a.sides, b.sides),
        (a.channels, b.channels),
    ):
        if left and right and not left & right:
            return False
    if a.planned is not None and b.planned is not None and a.planned != b.planned:
        return False
    if a.stp_access is not None and b.stp_access is not None and a.stp_access != b.stp_access:
        return False
    low = max(a.lasted_at_least or timedelta(0), b.lasted_at_least or timedelta(0))
    highs = [h for h in (a.lasted_less_than, b.lasted_less_than) if h is not None]
    return not (highs and min(highs) <= low)


def _maybe_duration(value: str | None) -> timedelta | None:
    return None if value is None else parse_duration(value)


def _text(value: Mapping[str, str]) -> Text:
    return Text(fr=value["fr"], en=value["en"])
