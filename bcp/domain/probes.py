"""Probes: what an HTTP check found, said in plain words, and when a component is down or up."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Health(StrEnum):
    UNKNOWN = "unknown"
    UP = "up"
    DOWN = "down"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    latency_ms: int | None
    message: str


@dataclass(frozen=True)
class ProbeState:
    health: Health
    failures: int
    successes: int


@dataclass(frozen=True)
class Change:
    """A change of health worth proposing to a person: a draft incident, or recovery."""

    health: Health


def judge(
    status_code: int, text: str, expected_status: int, expected_text: str | None, latency_ms: int
) -> Outcome:
    if status_code != expected_status:
        return Outcome(
            False, status_code, latency_ms, f"answered {status_code}, expected {expected_status}"
        )
    if expected_text and expected_text not in text:
        return Outcome(
            False,
            status_code,
            latency_ms,
            f"answered {status_code} without the expected text {expected_text!r}",
        )
    return Outcome(True, status_code, latency_ms, f"answered {status_code} in {latency_ms} ms")


def step(
    state: ProbeState, outcome: Outcome, to_down: int, to_up: int
) -> tuple[ProbeState, Change | None]:
    """Count consecutive results; `to_down` failures mean down, `to_up` successes mean up."""
    if outcome.ok:
        successes, failures = state.successes + 1, 0
        if state.health is not Health.UP and successes >= to_up:
            recovered = state.health is Health.DOWN
            return ProbeState(Health.UP, 0, successes), Change(Health.UP) if recovered else None
        return ProbeState(state.health, failures, successes), None
    failures, successes = state.failures + 1, 0
    if state.health is not Health.DOWN and failures >= to_down:
        return ProbeState(Health.DOWN, failures, 0), Change(Health.DOWN)
    return ProbeState(state.health, failures, successes), None


def availability(results: list[bool]) -> float | None:
    return None if not results else sum(results) / len(results)
