"""ENS deadlines per transport mode, as data: each case of the regulation names the time it
counts from (loading, departure or arrival), how long before it the ENS is due, and, where the
regulation distinguishes by the length of the journey (flights under 4 h, trains under 2 h),
the journey it applies to. The cases come from a file of reflexes/deadlines/, built here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bcp.domain.messages import N_
from bcp.domain.reflexes.model import Source, Text
from bcp.domain.reflexes.table import parse_duration


class TimeKind(StrEnum):
    """The times of a consignment an ENS deadline may count from."""

    LOADING = "loading"
    DEPARTURE = "departure"
    ARRIVAL = "arrival"


TIME_KINDS = {
    "loading": N_("loading"),
    "departure": N_("departure"),
    "arrival": N_("estimated arrival"),
}


class TransportMode(StrEnum):
    """The ICS2 transport modes of Delegated Regulation 2015/2446, Art. 105-109."""

    AIR = "air"
    MARITIME = "maritime"
    INLAND_WATERWAY = "inland_waterway"
    RAIL = "rail"
    ROAD = "road"


@dataclass(frozen=True)
class Journey:
    """The journey a case applies to, from departure to arrival: under or at least a length."""

    under: timedelta | None = None
    at_least: timedelta | None = None

    def holds(self, length: timedelta) -> bool:
        if self.under is not None and not length < self.under:
            return False
        return self.at_least is None or length >= self.at_least


@dataclass(frozen=True)
class DeadlineCase:
    id: str
    mode: TransportMode
    title: Text
    counts_from: TimeKind
    before: timedelta
    source: Source
    journey: Journey | None = None


@dataclass(frozen=True)
class EnsDeadline:
    """When the ENS of a consignment is due at the latest, or which time is missing to say."""

    case: str
    at: datetime | None
    missing: TimeKind | None = None


@dataclass(frozen=True)
class Times:
    loading_at: datetime | None = None
    departure_at: datetime | None = None
    arrival_at: datetime | None = None

    def of(self, kind: TimeKind) -> datetime | None:
        return {
            TimeKind.LOADING: self.loading_at,
            TimeKind.DEPARTURE: self.departure_at,
            TimeKind.ARRIVAL: self.arrival_at,
        }[kind]

    @property
    def journey(self) -> timedelta | None:
        if self.departure_at is None or self.arrival_at is None:
            return None
        return self.arrival_at - self.departure_at


@dataclass(frozen=True)
class DeadlineTable:
    version: str
    title: Text
    cases: tuple[DeadlineCase, ...]

    def case(self, case_id: str) -> DeadlineCase | None:
        return next((c for c in self.cases if c.id == case_id), None)

    def deadline(self, case_id: str, times: Times) -> EnsDeadline:
        case = self.case(case_id)
        if case is None:
            raise KeyError(case_id)
        start = times.of(case.counts_from)
        if start is None:
            return EnsDeadline(case.id, None, missing=case.counts_from)
        return EnsDeadline(case.id, start - case.before)

    def fitting(self, mode: TransportMode, times: Times) -> list[DeadlineCase]:
        """The cases of a mode the journey's length allows (all of them, without one)."""
        length = times.journey
        return [
            c
            for c in self.cases
            if c.mode is mode and (c.journey is None or length is None or c.journey.holds(length))
        ]


class DeadlineTableError(ValueError):
    pass


_CASE_KEYS = {"id", "mode", "title", "counts_from", "before", "journey", "source"}


def build_deadlines(data: Mapping[str, Any]) -> DeadlineTable:
    """The table of a file of reflexes/deadlines/, refused with the case at fault."""
    try:
        sources = data["sources"]
        cases = tuple(_case(c, sources) for c in data["cases"])
        table = DeadlineTable(str(data["version"]), _text(data["title"]), cases)
    except (KeyError, TypeError, ValueError) as error:
        raise DeadlineTableError(f"deadline table: {error}") from error
    ids = [c.id for c in cases]
    if len(set(ids)) != len(ids):
        raise DeadlineTableError("deadline table: two cases have the same id")
    return table


def _case(data: Mapping[str, Any], sources: Mapping[str, Any]) -> DeadlineCase:
    unknown = set(data) - _CASE_KEYS
    if unknown:
        raise ValueError(f"case {data.get('id')!r}: unknown keys {sorted(unknown)}")
    source = sources[data["source"]["ref"]]
    journey = None
    if "journey" in data:
        j = data["journey"]
        journey = Journey(
            under=parse_duration(j["under"]) if "under" in j else None,
            at_least=parse_duration(j["at_least"]) if "at_least" in j else None,
        )
    return DeadlineCase(
        id=str(data["id"]),
        mode=TransportMode(data["mode"]),
        title=_text(data["title"]),
        counts_from=TimeKind(data["counts_from"]),
        before=parse_duration(str(data["before"])),
        source=Source(source["document"], str(source["date"]), data["source"]["section"]),
        journey=journey,
    )


def _text(data: Mapping[str, str]) -> Text:
    return Text(fr=data["fr"], en=data["en"])
