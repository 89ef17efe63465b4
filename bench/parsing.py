"""The cost of reading one declaration at the API's edge: the raw body of `POST /api/v1/incidents`
turned into the domain's typed Declaration, every check included, as the route does it.

The baseline of the same run is a bare `json.loads` of the same bytes: the ratio says what
validation adds to parsing on this machine.

    python -m bench.parsing
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime

from bcp.web.schemas.edge import read_declaration

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
BODY = json.dumps(
    {
        "component": "STI",
        "started_at": "2026-11-22T08:40:00+01:00",
        "modes": ["air", "express"],
        "channel": "EDI",
        "ens_operations": ["lodge", "amend"],
        "ens_waiting": 12,
        "summary": "STI refuses our ENS with a technical error",
        "description": "Since 08:40 every IE3F32 comes back with a timeout from STI. " * 4,
    }
).encode()
ROUNDS, PER_ROUND = 15, 2_000


def microseconds(work) -> dict:
    """Median and p99 of the per-call time over rounds of PER_ROUND calls each."""
    per_call = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(PER_ROUND):
            work()
        per_call.append((time.perf_counter() - start) / PER_ROUND * 1e6)
    per_call.sort()
    return {
        "median_us": statistics.median(per_call),
        "p99_us": per_call[min(len(per_call) - 1, round(0.99 * (len(per_call) - 1)))],
    }


def run() -> dict:
    read_declaration(BODY, NOW)  # the same body is valid, and warm
    baseline = microseconds(lambda: json.loads(BODY))
    edge = microseconds(lambda: read_declaration(BODY, NOW))
    return {
        "body_bytes": len(BODY),
        "json_loads": baseline,
        "declaration": edge,
        "ratio_to_baseline": edge["median_us"] / baseline["median_us"],
    }


def main() -> None:
    result = run()
    base, edge = result["json_loads"], result["declaration"]
    print(
        f"reading one declaration ({result['body_bytes']} bytes): "
        f"median {edge['median_us']:.1f} µs, p99 {edge['p99_us']:.1f} µs; "
        f"json.loads median {base['median_us']:.1f} µs"
        f" (×{result['ratio_to_baseline']:.1f})"
    )


if __name__ == "__main__":
    main()
