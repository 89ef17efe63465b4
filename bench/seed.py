"""A database the size of a busy year or three: 500 operators, 20 desk agents, 100,000 past
incidents and 2,000,000 timeline events, for `bench.http`.

The incidents' lives are played by the domain (declare, acknowledge, fallback, notes, recover,
close) on a few templates, then copied with their times shifted, and written in bulk: COPY on
PostgreSQL, executemany on SQLite. What is written is what the app itself would have written.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import Engine, insert, text

from bcp.domain.actors import Actor, OrganisationKind, OrganisationRef, Role
from bcp.domain.errors import IllegalTransition
from bcp.domain.incident import Incident, declare
from bcp.domain.lifecycle import Action
from bcp.domain.reflexes.model import ReflexTable
from bcp.store.accounts import token_digest
from bcp.store.incidents import event_columns
from bcp.store.models import (
    ApiTokenRow,
    IncidentRow,
    OrganisationRow,
    TimelineEventRow,
    UserRow,
)
from bcp.web.schemas.edge import from_mapping
from bcp.web.schemas.incidents import DeclarationBody

OPERATORS = 500
DESK_AGENTS = 20
PASSWORD = "Bench!2026"
COMPONENTS = ["STI", "TAPAS", "UUMDS", "STP", "CR", "NES", "EO_SYSTEM", "PROVIDER_SYSTEM"]


def siret(number: int) -> str:
    """A 14-digit SIRET with a valid Luhn checksum."""
    body = f"{number:013d}"
    for check in range(10):
        candidate = body + str(check)
        total = 0
        for index, char in enumerate(reversed(candidate)):
            digit = int(char) * (2 if index % 2 else 1)
            total += digit - 9 if digit > 9 else digit
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def operator_token(number: int) -> str:
    return f"bench-operator-{number:04d}"


@dataclass(frozen=True)
class Seeded:
    incidents: int
    events: int
    operator_tokens: list[str]
    desk_logins: list[str]
    manager_login: str
    first_incident_id: int
    last_incident_id: int


def seed(engine: Engine, table: ReflexTable, now: datetime, incidents: int, per_incident: int):
    rng = random.Random(2026)
    with engine.begin() as connection:
        organisations = [
            {
                "id": n + 1,
                "name": f"Opérateur {n + 1:03d}",
                "kind": rng.choice(["carrier", "forwarder", "express", "postal"]),
                "eori": "FR" + siret(100_000 + n),
                "siret": siret(100_000 + n),
                "provider_id": None,
                "created_at": now,
            }
            for n in range(OPERATORS)
        ]
        connection.execute(insert(OrganisationRow), organisations)
        desk_hash = PasswordHasher().hash(PASSWORD)
        users = [
            {
                "id": n + 1,
                "login": f"operator{n + 1:03d}",
                "display_name": f"Agent {n + 1:03d}",
                "email": None,
                "role": "operator",
                "organisation_id": n + 1,
                "password_hash": None,
                "active": True,
                "created_at": now,
            }
            for n in range(OPERATORS)
        ]
        users += [
            {
                "id": OPERATORS + n + 1,
                "login": f"desk{n + 1:02d}",
                "display_name": f"Douane {n + 1:02d}",
                "email": None,
                "role": "desk",
                "organisation_id": None,
                "password_hash": desk_hash,
                "active": True,
                "created_at": now,
            }
            for n in range(DESK_AGENTS)
        ]
        users.append(
            {
                "id": OPERATORS + DESK_AGENTS + 1,
                "login": "manager",
                "display_name": "Responsable",
                "email": None,
                "role": "manager",
                "organisation_id": None,
                "password_hash": desk_hash,
                "active": True,
                "created_at": now,
            }
        )
        connection.execute(insert(UserRow), users)
        connection.execute(
            insert(ApiTokenRow),
            [
                {
                    "user_id": n + 1,
                    "token_sha256": token_digest(operator_token(n + 1)),
                    "label": "bench",
                    "created_at": now,
                }
                for n in range(OPERATORS)
            ],
        )
    templates = [
        _life(table, component, organisations[0], per_incident, rng, now)
        for component in COMPONENTS
        for _ in range(3)
    ]
    span = timedelta(days=3 * 365)
    rows, events = _copies(templates, organisations, incidents, span, now, rng)
    _bulk(engine, rows, events)
    return Seeded(
        incidents=incidents,
        events=len(events),
        operator_tokens=[operator_token(n + 1) for n in range(OPERATORS)],
        desk_logins=[f"desk{n + 1:02d}" for n in range(DESK_AGENTS)],
        manager_login="manager",
        first_incident_id=1,
        last_incident_id=incidents,
    )


def _life(table, component, organisation, per_incident, rng, now) -> Incident:
    """One closed incident, played from declaration to closure by the domain."""
    org = OrganisationRef(
        organisation["id"],
        organisation["name"],
        OrganisationKind(organisation["kind"]),
        organisation["eori"],
    )
    operator = Actor(organisation["id"], "Agent", Role.OPERATOR, org)
    desk = Actor(OPERATORS + 1, "Douane 01", Role.DESK)
    start = now - timedelta(days=1)
    facts = {
        "component": component,
        "started_at": (start - timedelta(minutes=rng.randint(5, 60))).isoformat(),
        "modes": ["air"],
        "channel": "EDI",
        "ens_operations": ["lodge"],
        "ens_waiting": rng.randint(0, 40),
        "summary": f"{component} ne répond plus",
        "description": "Refus techniques en série depuis ce matin.",
    }
    incident = declare(
        from_mapping(DeclarationBody, facts).to_domain(), operator, org, start, table
    )
    clock = [start]

    def later(low: int, high: int) -> datetime:
        clock[0] += timedelta(minutes=rng.randint(low, high))
        return clock[0]

    def act(action: Action, who: Actor, note: str = "") -> None:
        """As the desk would: settle what the procedure asks for first, then act."""
        if action not in incident.allowed_actions(who):
            return
        try:
            incident.apply(action, who, later(2, 20), note)
        except IllegalTransition:
            for status in incident.steps(clock[0]):
                # the steps whose phase has come (a later phase's cannot be done yet)
                if not status.state.settled and status.due_at is not None:
                    incident.settle_step(status.step.id, True, desk, later(1, 5), "fait")
            incident.apply(action, who, later(1, 5), note)

    act(Action.ACKNOWLEDGE, desk)
    act(Action.ACTIVATE_FALLBACK, desk, "dépôts de secours autorisés")
    while len(incident.events) < per_incident - 4:
        who = operator if len(incident.events) % 2 else desk
        incident.record_note(who, later(5, 30), "Point de situation : dépôts de secours en cours.")
    act(Action.RECOVER, operator, "rétabli")
    act(Action.CLOSE, desk, "clos")
    return incident


def _copies(templates, organisations, count, span, now, rng):
    rows, events = [], []
    for number in range(1, count + 1):
        template = templates[number % len(templates)]
        organisation = organisations[rng.randrange(len(organisations))]
        declared = now - span + span * (number / count) - timedelta(days=2)
        shift = declared - template.declared_at
        facts = template.facts
        last = template.events[-1]
        rows.append(
            {
                "id": number,
                "organisation_id": organisation["id"],
                "component": facts.component,
                "scope": facts.scope.value,
                "side": facts.side.value,
                "planned": False,
                "planned_until": None,
                "modes": [m.value for m in facts.modes],
                "channel": facts.channel.value,
                "ens_operations": [o.value for o in facts.ens_operations],
                "ens_waiting": template.ens_waiting,
                "summary": template.summary,
                "description": template.description,
                "started_at": facts.started_at + shift,
                "declared_at": template.declared_at + shift,
                "declared_by_id": organisation["id"],
                "state": template.state.value,
                "reflex_version": template.reflex.table_version,
                "rule_id": template.reflex.rule_id,
                "procedure_id": template.reflex.procedure_id,
                "updated_at": last.at + shift,
                "version": 1,
            }
        )
        for event in template.events:
            events.append({**event_columns(event), "incident_id": number, "at": event.at + shift})
    return rows, events


def _bulk(engine: Engine, rows: list[dict], events: list[dict]) -> None:
    if engine.dialect.name == "postgresql":
        _copy(engine, "incidents", rows, json_columns=("modes", "ens_operations"))
        _copy(engine, "timeline_events", events, json_columns=("changes",))
        with engine.begin() as connection:
            for table in ("incidents", "timeline_events", "organisations", "users"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    else:
        chunk = 50_000
        with engine.begin() as connection:
            for start in range(0, len(rows), chunk):
                connection.execute(insert(IncidentRow), rows[start : start + chunk])
            for start in range(0, len(events), chunk):
                connection.execute(insert(TimelineEventRow), events[start : start + chunk])
    _settle(engine)


def _settle(engine: Engine) -> None:
    """The planner's statistics, and on PostgreSQL a VACUUM too: a database of three years, in
    production, would have been vacuumed long since. Left to the autovacuum, the first VACUUM of
    the tables loaded in bulk started about a minute after the seed (its insert threshold; seen
    on a seed of 20,000 incidents, 7 December 2026), that is, during the first scenarios of
    `make bench`, which it slowed by chance."""
    if engine.dialect.name == "postgresql":
        # VACUUM runs outside a transaction block
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE)"))
        return
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def _copy(engine: Engine, table: str, rows: list[dict], json_columns: tuple[str, ...]) -> None:
    columns = list(rows[0])
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(
                    [json.dumps(row[c]) if c in json_columns else row[c] for c in columns]
                )
        raw.commit()
    finally:
        raw.close()


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
