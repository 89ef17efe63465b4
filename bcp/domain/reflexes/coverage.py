"""The proof that a table has no hole: every combination of component × side × scope × mode ×
channel × STP access × planned, at every duration threshold, gets exactly one procedure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import product

from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode, possible_scopes
from bcp.domain.reflexes.engine import ReflexFacts, check_rule
from bcp.domain.reflexes.model import ReflexTable, Rule

_EPOCH = datetime(2026, 1, 1).astimezone()


@dataclass(frozen=True)
class Case:
    facts: ReflexFacts
    lasted: timedelta
    winners: tuple[Rule, ...]

    @property
    def label(self) -> str:
        f = self.facts
        planned = "planned" if f.planned else "unplanned"
        mode = next(iter(f.modes)).value
        hours = self.lasted.total_seconds() / 3600
        return (
            f"{f.component:<15} {f.side.value:<14} {f.scope.value:<12} {mode:<8} "
            f"{f.channel.value:<3} {'STP' if f.stp_access else 'no STP':<6} {planned:<9} "
            f"{hours:>5g} h"
        )


def enumerate_cases(table: ReflexTable) -> list[Case]:
    durations = sorted({timedelta(0), *table.thresholds})
    constrained = any(r.when.ens_operations for r in table.rules)
    operations = list(EnsOperation) if constrained else [EnsOperation.LODGE]
    cases = []
    for spec in COMPONENTS.values():
        for side in spec.sides:
            for scope, mode, channel, stp, planned, operation, lasted in product(
                possible_scopes(spec, side),
                Mode,
                Channel,
                (False, True),
                (False, True),
                operations,
                durations,
            ):
                facts = ReflexFacts(
                    component=spec.code,
                    scope=scope,
                    side=side,
                    planned=planned,
                    modes=frozenset({mode}),
                    channel=channel,
                    ens_operations=frozenset({operation}),
                    started_at=_EPOCH,
                    stp_access=stp,
                )
                cases.append(Case(facts, lasted, _winners(table, facts, _EPOCH + lasted)))
    return cases


def _winners(table: ReflexTable, facts: ReflexFacts, now: datetime) -> tuple[Rule, ...]:
    matched = [r for r in table.rules if check_rule(r, facts, now).matched]
    if not matched:
        return ()
    best = max((r.when.specificity, r.priority) for r in matched)
    return tuple(r for r in matched if (r.when.specificity, r.priority) == best)


def faults(cases: list[Case]) -> list[str]:
    problems = []
    for case in cases:
        if not case.winners:
            problems.append(f"no procedure: {case.label}")
        elif len(case.winners) > 1:
            names = ", ".join(r.id for r in case.winners)
            problems.append(f"two procedures ({names}): {case.label}")
    return problems
