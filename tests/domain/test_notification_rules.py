"""Who is told of what; certificates' warnings; probes' health; retries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bcp.domain.actors import Role
from bcp.domain.certificates import Certificate, CertificateStatus, due_warning, expired
from bcp.domain.notifications import Person, Subject, backoff, recipients
from bcp.domain.probes import Health, Outcome, ProbeState, step

CARRIER = Person(1, Role.OPERATOR, 10, "ops@carrier.example", None)
OTHER = Person(2, Role.OPERATOR, 20, "ops@other.example", None)
DESK = Person(3, Role.DESK, None, "desk@douane.example", None)
MANAGER = Person(4, Role.MANAGER, None, "boss@douane.example", None)
QUIET = Person(5, Role.OPERATOR, 10, "quiet@carrier.example", frozenset({"incident.closed"}))
NO_MAIL = Person(6, Role.DESK, None, None, None)
PEOPLE = [CARRIER, OTHER, DESK, MANAGER, QUIET, NO_MAIL]


def told(topic, organisation_id=10, owner_role=None):
    return {p.user_id for p in recipients(Subject(topic, organisation_id, owner_role), PEOPLE)}


@pytest.mark.parametrize(
    ("topic", "organisation_id", "owner", "expected"),
    [
        ("incident.declared", 10, None, {3}),
        ("incident.acknowledged", 10, None, {1, 3}),
        ("incident.acknowledged", None, None, {1, 2, 3}),  # an outage for everyone
        ("incident.escalated", 10, None, {3, 4}),
        ("incident.step_overdue", 10, "operator", {1}),
        ("incident.step_overdue", 10, "desk", {3}),
        ("incident.step_reminder", 10, "manager", {4}),
        ("incident.closed", 10, None, {1, 3, 5}),
        ("certificate.expiring", 10, None, {1, 3}),
        ("incident.procedure_selected", 10, None, set()),
        ("incident.consignment_deadline_near", 10, "operator", {1, 3}),  # the operator, the desk
    ],
)
def test_recipients(topic, organisation_id, owner, expected):
    assert told(topic, organisation_id, owner) == expected


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n) for n in (1, 2, 3, 7, 8, 20)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 60, 60, 60)
    ]


CERT = Certificate(
    1, 10, "cachet", date(2026, 1, 1), date(2027, 1, 31), CertificateStatus.ACTIVE, 1
)


def test_certificate_warnings_at_60_30_and_7_days_each_once():
    assert due_warning(CERT, date(2026, 11, 30), set()) is None  # 62 days left
    assert due_warning(CERT, date(2026, 12, 2), set()) == 60
    assert due_warning(CERT, date(2026, 12, 3), {60}) is None
    assert due_warning(CERT, date(2027, 1, 1), {60}) == 30
    assert due_warning(CERT, date(2027, 1, 25), {60, 30}) == 7
    assert due_warning(CERT, date(2027, 1, 25), set()) == 7  # catch up once, the nearest
    assert due_warning(CERT, date(2027, 1, 31), set()) is None
    assert expired(CERT, date(2027, 1, 31)) and not expired(CERT, date(2027, 1, 30))


def test_a_revoked_certificate_is_expired_and_never_warned():
    revoked = Certificate(
        2, 10, "x", date(2026, 1, 1), date(2027, 1, 31), CertificateStatus.REVOKED, 2
    )
    assert expired(revoked, date(2026, 6, 1))
    assert due_warning(revoked, date(2027, 1, 25), set()) is None


def test_probe_health_needs_consecutive_results():
    bad, good = Outcome(False, 500, 3, "answered 500"), Outcome(True, 200, 3, "ok")
    state, changes = ProbeState(Health.UNKNOWN, 0, 0), []
    for outcome in (bad, bad, good, bad, bad, bad, bad, good, good):
        state, change = step(state, outcome, to_down=3, to_up=2)
        changes.append(change.health.value if change else None)
    assert changes == [None, None, None, None, None, "down", None, None, "up"]
