"""Evaluations per second of the reflex engine, printed by `make bench`.

Each figure is the median of several rounds; the baseline, measured in the same run, is the
cost of building the facts alone, so that the ratio says what the engine adds on this machine
whatever else it is doing.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta

import yaml

from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode, possible_scopes
from bcp.domain.reflexes.engine import ReflexFacts, evaluate
from bcp.domain.reflexes.model import ReflexTable
from bcp.store.reflex_files import REFLEXES_DIR, load_table, parse_table

ROUNDS = 7
PER_ROUND = 2_000
NOW = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)


def random_facts(rng: random.Random) -> ReflexFacts:
    spec = rng.choice(list(COMPONENTS.values()))
    side = rng.choice(spec.sides)
    return ReflexFacts(
        component=spec.code,
        scope=rng.choice(possible_scopes(spec, side)),
        side=side,
        planned=rng.random() < 0.2,
        modes=frozenset(rng.sample(list(Mode), rng.randint(1, 3))),
        channel=rng.choice(list(Channel)),
        ens_operations=frozenset(rng.sample(list(EnsOperation), rng.randint(1, 3))),
        started_at=NOW - timedelta(minutes=rng.randint(0, 600)),
    )


def rate(work) -> float:
    rates = []
    for round_number in range(ROUNDS):
        rng = random.Random(round_number)
        start = time.perf_counter()
        for _ in range(PER_ROUND):
            work(rng)
        rates.append(PER_ROUND / (time.perf_counter() - start))
    return statistics.median(rates)


def generated_table(rules: int) -> ReflexTable:
    """The shipped table with `rules` more, generated: random conditions over every field, each
    pointing to one of the table's procedures, with distinct priorities (the table refuses two
    rules that could tie). Built through the same parser and checks as a shipped file."""
    source = REFLEXES_DIR / "fr-2026-12.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    rng = random.Random(1000)
    procedures = list(data["procedures"])
    for number in range(rules - len(data["rules"])):
        spec = rng.choice(list(COMPONENTS.values()))
        when: dict = {
            "components": [spec.code],
            "sides": [rng.choice(spec.sides).value],
            "planned": rng.random() < 0.3,
            "modes": sorted(m.value for m in rng.sample(list(Mode), rng.randint(1, 3))),
            "channels": [rng.choice(list(Channel)).value],
        }
        if rng.random() < 0.5:
            when["lasted_at_least"] = f"{rng.randint(1, 48)}h"
        data["rules"].append(
            {
                "id": f"generated-{number:04d}",
                "when": when,
                "procedure": rng.choice(procedures),
                "priority": 1000 + number,
                "source": {"ref": "note-2025-10", "section": "generated for the benchmark"},
            }
        )
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return parse_table(text, f"generated ({rules} rules)")


def measure(table: ReflexTable) -> dict:
    baseline = rate(random_facts)
    engine = rate(lambda rng: evaluate(random_facts(rng), table, NOW))
    per_evaluation = 1 / engine - 1 / baseline
    return {
        "table": table.version,
        "rules": len(table.rules),
        "baseline_facts_per_s": baseline,
        "evaluations_per_s": 1 / per_evaluation,
        "microseconds_per_evaluation": per_evaluation * 1e6,
        "ratio_to_baseline": baseline / engine,
    }


def run() -> list[dict]:
    shipped = load_table(REFLEXES_DIR / "fr-2026-12.yaml")
    return [measure(shipped), measure(generated_table(1000))]


def main() -> None:
    for result in run():
        print(
            f"reflex engine, {result['rules']} rules: {result['evaluations_per_s']:,.0f} "
            f"evaluations/s ({result['microseconds_per_evaluation']:.1f} µs each; "
            f"facts alone {result['baseline_facts_per_s']:,.0f}/s), median of {ROUNDS} rounds"
        )


if __name__ == "__main__":
    main()
