"""The official cases of the first version of the reflex sheet (fr-2025-10), as a table: the facts
of an outage, the procedure the rules must pick, and its first steps (who does what). That version
stays for the incidents decided with it; the current one is checked by test_bcp_scenarios."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bcp.domain.catalogue import Channel, EnsOperation, Mode, Scope, Side
from bcp.domain.reflexes.engine import ReflexFacts, evaluate
from tests.conftest import T0
from tests.domain.conftest import FIRST_TABLE as TABLE

ADMIN, OPERATOR, PROVIDER = Side.ADMINISTRATION, Side.OPERATOR, Side.PROVIDER
ORG, EU, NATIONAL = Scope.ORGANISATION, Scope.EU, Scope.NATIONAL

# component, side, scope, modes, channel, planned, lasted -> procedure, first steps (role:id)
CASES = [
    # Administration's side: the desk announces, the fallback is authorised for everyone.
    (
        "STI",
        ADMIN,
        EU,
        "air",
        "EDI",
        False,
        "0min",
        "administration-outage",
        ["desk:desk-announce", "operator:operator-hold", "desk:desk-authorise"],
    ),
    (
        "TAPAS",
        ADMIN,
        EU,
        "express",
        "EDI",
        False,
        "30min",
        "administration-outage",
        ["desk:desk-announce", "operator:operator-hold", "desk:desk-authorise"],
    ),
    (
        "CR",
        ADMIN,
        EU,
        "maritime",
        "DTI",
        False,
        "1h",
        "administration-outage",
        ["desk:desk-announce", "operator:operator-hold", "desk:desk-authorise"],
    ),
    (
        "UUMDS",
        ADMIN,
        EU,
        "postal",
        "EDI",
        False,
        "0min",
        "administration-outage",
        ["desk:desk-announce", "operator:operator-hold", "desk:desk-authorise"],
    ),
    # An operator who sees STI down declares it for itself: same procedure.
    (
        "STI",
        ADMIN,
        ORG,
        "road",
        "EDI",
        False,
        "0min",
        "administration-outage",
        ["desk:desk-announce", "operator:operator-hold", "desk:desk-authorise"],
    ),
    # The portal (DTI): switch to EDI if possible.
    (
        "STP",
        ADMIN,
        EU,
        "air",
        "DTI",
        False,
        "0min",
        "portal-outage",
        ["desk:desk-announce", "operator:operator-switch-edi", "desk:desk-authorise"],
    ),
    # Past four hours the outage is escalated (threshold to confirm).
    (
        "STI",
        ADMIN,
        EU,
        "air",
        "EDI",
        False,
        "4h",
        "administration-prolonged",
        ["desk:desk-announce", "operator:operator-hold", "desk:desk-authorise"],
    ),
    (
        "STP",
        ADMIN,
        NATIONAL,
        "rail",
        "DTI",
        False,
        "5h",
        "administration-prolonged",
        ["desk:desk-announce", "operator:operator-hold", "desk:desk-authorise"],
    ),
    # Scheduled maintenance, announced 48 hours ahead.
    (
        "CR",
        ADMIN,
        EU,
        "air",
        "EDI",
        True,
        "0min",
        "planned-maintenance",
        ["desk:desk-announce-window", "operator:operator-prepare", "desk:desk-authorise"],
    ),
    # The national system: keep lodging; referrals by telephone or e-mail.
    (
        "NES",
        ADMIN,
        NATIONAL,
        "air",
        "EDI",
        False,
        "0min",
        "national-system-outage",
        ["desk:desk-announce", "operator:operator-continue", "desk:desk-referrals"],
    ),
    (
        "NES",
        ADMIN,
        NATIONAL,
        "maritime",
        "EDI",
        True,
        "6h",
        "national-system-outage",
        ["desk:desk-announce", "operator:operator-continue", "desk:desk-referrals"],
    ),
    # Operator's side: diagnosis, SAU, then the desk decides (GAMMA's second case).
    (
        "EO_SYSTEM",
        OPERATOR,
        ORG,
        "air",
        "EDI",
        False,
        "0min",
        "operator-outage",
        ["operator:operator-diagnose", "operator:operator-contact-sau", "desk:desk-decide"],
    ),
    (
        "EO_SYSTEM",
        OPERATOR,
        ORG,
        "road",
        "EDI",
        True,
        "4h",
        "operator-outage",
        ["operator:operator-diagnose", "operator:operator-contact-sau", "desk:desk-decide"],
    ),
    # Certificate expired, revoked or not registered: UUMDS on the operator's side.
    (
        "UUMDS",
        OPERATOR,
        ORG,
        "express",
        "EDI",
        False,
        "0min",
        "certificate-problem",
        [
            "operator:operator-check-certificate",
            "operator:operator-renew-certificate",
            "operator:operator-register-certificate",
        ],
    ),
    # The EDI provider's system, for all its clients.
    (
        "PROVIDER_SYSTEM",
        PROVIDER,
        Scope.PROVIDER,
        "postal",
        "EDI",
        False,
        "0min",
        "provider-outage",
        [
            "provider:provider-diagnose",
            "provider:provider-inform-clients",
            "provider:provider-contact-sau",
        ],
    ),
]


def _facts(component, side, scope, mode, channel, planned, lasted):
    from bcp.domain.reflexes.table import parse_duration

    return ReflexFacts(
        component=component,
        scope=scope,
        side=side,
        planned=planned,
        modes=frozenset({Mode(mode)}),
        channel=Channel(channel),
        ens_operations=frozenset({EnsOperation.LODGE}),
        started_at=T0 - parse_duration(lasted),
    )


@pytest.mark.parametrize(
    ("component", "side", "scope", "mode", "channel", "planned", "lasted", "procedure", "first"),
    CASES,
    ids=[
        f"{c[0]}-{c[1].value}-{c[2].value}-{c[3]}-{c[6]}{'-planned' if c[5] else ''}" for c in CASES
    ],
)
def test_official_case(component, side, scope, mode, channel, planned, lasted, procedure, first):
    decision = evaluate(_facts(component, side, scope, mode, channel, planned, lasted), TABLE, T0)
    assert decision.procedure.id == procedure
    assert [f"{p.step.role.value}:{p.step.id}" for p in decision.steps[:3]] == first


def test_every_procedure_ends_with_the_follow_up_after_recovery():
    for procedure in TABLE.procedures.values():
        follow_up = [s for s in procedure.steps if s.phase.value == "follow_up"]
        assert follow_up, procedure.id
        assert follow_up[-1].done_when == ("closed",), procedure.id
        assert any("close" in s.blocks for s in follow_up), procedure.id


def test_on_the_operators_side_no_fallback_before_the_sau_is_asked():
    for pid in ("operator-outage", "certificate-problem", "provider-outage"):
        steps = TABLE.procedures[pid].steps
        assert any("activate_fallback" in s.blocks for s in steps), pid


def test_every_rule_and_step_names_its_source():
    for rule in TABLE.rules:
        assert rule.source.document and rule.source.section, rule.id
    for procedure in TABLE.procedures.values():
        for step in procedure.steps:
            assert step.source.document and step.source.date, step.id


def test_the_fallback_message_follows_the_july_2023_subject_line():
    step = TABLE.procedures["administration-outage"].step("operator-fallback-filing")
    assert step.contact == "cid-sau"
    assert step.message.subject.fr.startswith("ICS2 – Procédure de secours")
    assert TABLE.contacts["cid-sau"].email == "cid-sau@douane.finances.gouv.fr"
    assert TABLE.contacts["fr-ics2"].email == "fr-ics2@douane.finances.gouv.fr"


def test_due_times_count_from_their_event():
    decision = evaluate(_facts("STI", ADMIN, EU, "air", "EDI", False, "0min"), TABLE, T0)
    due = {p.step.id: p.due_at for p in decision.steps}
    assert due["desk-announce"] == T0 + timedelta(minutes=15)
    assert due["desk-authorise"] is None  # counts from the acknowledgement, not yet there
    assert due["operator-relodge"] is None  # counts from recovery


def test_the_explanation_names_every_condition_checked():
    decision = evaluate(_facts("STI", ADMIN, EU, "air", "EDI", False, "4h"), TABLE, T0)
    lines = decision.explanation()
    assert lines[0].startswith("rule administration-prolonged (source: ")
    assert "  lasted: 4 h is at least 4 h" in lines
    assert "  component: STI is one of CR, STI, STP, TAPAS, UUMDS" in lines
    assert any("also matched" in line and "administration-unplanned" in line for line in lines)
    failed = next(o for o in decision.outcomes if o.rule.id == "operator-system")
    assert not failed.matched
    assert [c.name for c in failed.checks if not c.held] == ["component", "side"]


def test_a_planned_outage_that_overruns_its_window_becomes_unplanned():
    facts = _facts("CR", ADMIN, EU, "air", "EDI", True, "1h")
    facts = ReflexFacts(**{**facts.__dict__, "planned_until": T0 + timedelta(minutes=30)})
    assert evaluate(facts, TABLE, T0).procedure.id == "planned-maintenance"
    later = T0 + timedelta(minutes=31)
    assert evaluate(facts, TABLE, later).procedure.id == "administration-outage"
    assert evaluate(facts, TABLE, T0).next_review_at == T0 + timedelta(minutes=30)
