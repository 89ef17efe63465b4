"""The engine: from the facts of an outage to the procedure that applies, and why.

`evaluate` checks every rule, keeps those whose conditions all hold, and picks the most specific,
then the one of highest priority. `table.build_table` refuses a table in which two rules could
tie, and `coverage.check_coverage` proves that every case gets a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode, Owner, Scope, Side
from bcp.domain.reflexes.model import Anchor, Conditions, Procedure, ReflexTable, Rule, Step


class NoRuleMatches(Exception):
    """The table has a hole; `bcp reflexes check` finds these before a table is used."""


@dataclass(frozen=True)
class ReflexFacts:
    component: str
    scope: Scope
    side: Side
    planned: bool
    modes: frozenset[Mode]
    channel: Channel
    ens_operations: frozenset[EnsOperation]
    started_at: datetime
    planned_until: datetime | None = None
    stp_access: bool = False
    """The organisation can lodge through the portal (STP): the first alternative when its EDI
    chain is down."""

    def elapsed(self, now: datetime) -> timedelta:
        return max(now - self.started_at, timedelta(0))

    def planned_at(self, now: datetime) -> bool:
        """A planned outage that overruns its window is handled as unplanned from then on."""
        return self.planned and (self.planned_until is None or now < self.planned_until)


@dataclass(frozen=True)
class ConditionCheck:
    name: str
    expected: str
    actual: str
    held: bool
    condition: str = ""
    """The condition's key in the rules file (component, modes, lasted_at_least...)."""
    allowed: tuple[str, ...] = ()
    """What the rule asks for, as values: codes, "true"/"false", or minutes for durations."""
    values: tuple[str, ...] = ()
    """What the outage has, in the same terms."""


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    checks: tuple[ConditionCheck, ...]

    @property
    def matched(self) -> bool:
        return all(c.held for c in self.checks)


@dataclass(frozen=True)
class PlannedStep:
    step: Step
    due_at: datetime | None


@dataclass(frozen=True)
class Decision:
    table_version: str
    rule: Rule
    procedure: Procedure
    matched: tuple[Rule, ...]
    steps: tuple[PlannedStep, ...]
    next_review_at: datetime | None
    facts: ReflexFacts
    decided_at: datetime
    rules: tuple[Rule, ...] = field(repr=False)

    @cached_property
    def outcomes(self) -> tuple[RuleOutcome, ...]:
        """Every rule's conditions, held or not, in words: written out only when someone asks
        why (the decision itself needs none of it)."""
        return tuple(check_rule(rule, self.facts, self.decided_at) for rule in self.rules)

    @property
    def checks(self) -> tuple[ConditionCheck, ...]:
        return check_rule(self.rule, self.facts, self.decided_at).checks

    def explanation(self) -> list[str]:
        """Why this procedure, in words a person can check against the sheet."""
        checks = self.checks
        lines = [f"rule {self.rule.id} (source: {self.rule.source.cite()}):"]
        lines += [f"  {c.name}: {c.actual} is {c.expected}" for c in checks]
        if not checks:
            lines.append("  applies to every outage (the table's catch-all)")
        others = [r for r in self.matched if r is not self.rule]
        lines += [f"  also matched, less specific or lower priority: {r.id}" for r in others]
        return lines

    def because(self) -> dict:
        """The explanation as data, for a reader of any language: `explanation` is its English
        text. Each check names its condition, what the rule allows, and what the outage has."""
        return {
            "rule": self.rule.id,
            "source": self.rule.source.cite(),
            "checks": [
                {"condition": c.condition, "allowed": list(c.allowed), "actual": list(c.values)}
                for c in self.checks
            ],
            "also_matched": [r.id for r in self.matched if r is not self.rule],
        }


def holds(when: Conditions, facts: ReflexFacts, now: datetime) -> bool:
    """Whether a rule's conditions hold: `check_rule(...).matched`, without writing them out."""
    if when.components and facts.component not in when.components:
        return False
    if when.scopes and facts.scope not in when.scopes:
        return False
    if when.sides and facts.side not in when.sides:
        return False
    if when.channels and facts.channel not in when.channels:
        return False
    if when.modes and not facts.modes & when.modes:
        return False
    if when.stp_access is not None and facts.stp_access != when.stp_access:
        return False
    if when.ens_operations and not facts.ens_operations & when.ens_operations:
        return False
    if when.planned is not None and facts.planned_at(now) != when.planned:
        return False
    if when.lasted_at_least is not None or when.lasted_less_than is not None:
        elapsed = facts.elapsed(now)
        if when.lasted_at_least is not None and elapsed < when.lasted_at_least:
            return False
        if when.lasted_less_than is not None and elapsed >= when.lasted_less_than:
            return False
    return True


def check_rule(rule: Rule, facts: ReflexFacts, now: datetime) -> RuleOutcome:
    when, checks = rule.when, []

    def one_of(name: str, key: str, allowed: frozenset, actual: frozenset, held: bool) -> None:
        if allowed:
            expected = "one of " + _list(allowed)
            check = ConditionCheck(
                name, expected, _list(actual), held, key, _values(allowed), _values(actual)
            )
            checks.append(check)

    def flag(name: str, key: str, wanted: bool, actual: bool) -> None:
        wanted_text, actual_text = str(wanted).lower(), str(actual).lower()
        check = ConditionCheck(
            name, wanted_text, actual_text, wanted == actual, key, (wanted_text,), (actual_text,)
        )
        checks.append(check)

    def one(name: str, key: str, allowed: frozenset, value) -> None:
        one_of(name, key, allowed, frozenset({value}), value in allowed)

    one("component", "components", when.components, facts.component)
    one("scope", "scopes", when.scopes, facts.scope)
    one("side", "sides", when.sides, facts.side)
    one("channel", "channels", when.channels, facts.channel)
    one_of("modes", "modes", when.modes, facts.modes, bool(facts.modes & when.modes))
    if when.stp_access is not None:
        flag("STP access", "stp_access", when.stp_access, facts.stp_access)
    one_of(
        "ENS operations",
        "ens_operations",
        when.ens_operations,
        facts.ens_operations,
        bool(facts.ens_operations & when.ens_operations),
    )
    if when.planned is not None:
        flag("planned", "planned", when.planned, facts.planned_at(now))
    elapsed = facts.elapsed(now)
    for key, bound, words, held in (
        ("lasted_at_least", when.lasted_at_least, "at least", lambda b: elapsed >= b),
        ("lasted_less_than", when.lasted_less_than, "less than", lambda b: elapsed < b),
    ):
        if bound is not None:
            checks.append(
                ConditionCheck(
                    "lasted",
                    f"{words} {_duration(bound)}",
                    _duration(elapsed),
                    held(bound),
                    key,
                    (str(_minutes(bound)),),
                    (str(_minutes(elapsed)),),
                )
            )
    return RuleOutcome(rule, tuple(checks))


def evaluate(
    facts: ReflexFacts,
    table: ReflexTable,
    now: datetime,
    milestones: dict[Anchor, datetime] | None = None,
) -> Decision:
    """Pick the procedure for `facts` at `now`. `milestones` are the incident's events that due
    times count from; a dry run passes none and is taken as declared `now`."""
    matched = tuple(rule for rule in table.rules if holds(rule.when, facts, now))
    if not matched:
        raise NoRuleMatches(f"no rule of table {table.version} matches these facts")
    best = max(matched, key=lambda rule: _rank(rule.when, rule))
    procedure = table.procedures[best.procedure].for_modes(facts.modes)
    milestones = milestones or {Anchor.DECLARED: now}
    steps = tuple(PlannedStep(step, _due(step, milestones)) for step in procedure.steps)
    return Decision(
        table_version=table.version,
        rule=best,
        procedure=procedure,
        matched=matched,
        steps=steps,
        next_review_at=next_review(facts, table, now),
        facts=facts,
        decided_at=now,
        rules=table.rules,
    )


def _rank(when: Conditions, rule: Rule) -> tuple[int, int]:
    return (when.specificity, rule.priority)


def _due(step: Step, milestones: dict[Anchor, datetime]) -> datetime | None:
    start = milestones.get(step.anchor)
    return None if start is None else start + step.due_after


def next_review(facts: ReflexFacts, table: ReflexTable, now: datetime) -> datetime | None:
    """The next moment at which the passing of time alone could change the decision: a duration
    threshold of the table, or the end of a planned window."""
    moments = [facts.started_at + t for t in table.thresholds if facts.started_at + t > now]
    if facts.planned and facts.planned_until and facts.planned_until > now:
        moments.append(facts.planned_until)
    return min(moments, default=None)


def _list(values: frozenset) -> str:
    return ", ".join(sorted(str(v) for v in values)) or "none"


def _values(values: frozenset) -> tuple[str, ...]:
    return tuple(sorted(str(v) for v in values))


def _minutes(value: timedelta) -> int:
    return int(value.total_seconds() // 60)


def _duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes:02d} min"
    return f"{hours} h" if hours else f"{minutes} min"


def fallback_components(table: ReflexTable, components: tuple[str, ...]) -> frozenset[str]:
    """Those of the administration's `components` whose outage has a fallback in this table, for
    some filing channel: an outage of the national system alone has none (a notice on it cannot
    activate one)."""
    found = set()
    for code in components:
        spec = COMPONENTS[code]
        scope = Scope.NATIONAL if spec.owner is Owner.NATIONAL else Scope.EU
        for channel in Channel:
            facts = ReflexFacts(
                component=code,
                scope=scope,
                side=Side.ADMINISTRATION,
                planned=False,
                modes=frozenset(Mode),
                channel=channel,
                ens_operations=frozenset({EnsOperation.LODGE}),
                started_at=_FACTS_EPOCH,
            )
            try:
                decision = evaluate(facts, table, _FACTS_EPOCH)
            except NoRuleMatches:
                continue
            if decision.procedure.fallback:
                found.add(code)
    return frozenset(found)


_FACTS_EPOCH = datetime(2026, 1, 1).astimezone()
