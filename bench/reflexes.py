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

from bcp.domain.catalogue import COMPONENTS, Channel, EnsOperation, Mode, possible_scopes
from bcp.domain.reflexes.engine import ReflexFacts, evaluate
from bcp.store.reflex_files import REFLEXES_DIR, load_table

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


def main() -> None:
    table = load_table(REFLEXES_DIR / "fr-2025-10.yaml")
    baseline = rate(random_facts)
    engine = rate(lambda rng: evaluate(random_facts(rng), table, NOW))
    per_evaluation = 1 / engine - 1 / baseline
    print(
        f"reflex engine, table {table.version} ({len(table.rules)} rules), "
        f"median of {ROUNDS} rounds of {PER_ROUND}:"
    )
    print(f"  building facts only (baseline): {baseline:12,.0f} /s")
    print(f"  facts + evaluate:               {engine:12,.0f} /s")
    print(
        f"  evaluate alone:                 {1 / per_evaluation:12,.0f} /s "
        f"({per_evaluation * 1e6:.1f} µs each; {baseline / engine:.1f}× the baseline's time)"
    )


if __name__ == "__main__":
    main()
