"""The scenario table of the BCP reference (shared/domain/ics2-bcp-reference.md, section 8), one
row per component and side, against the current reflex sheet (fr-2026-12): who runs the
component, who opens the fallback (the gate), what the operator does first (the alternatives),
what is checked after recovery, and what each role may do.

Read a row as: "when <component> is down on <side>'s side, for a filer in <channel> (with or
without STP access), the sheet picks <procedure>; the fallback is <gate>; the operator first
<does these steps>; after recovery <these steps> follow"."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
import yaml

from bcp.domain.activation import ActivationRequest
from bcp.domain.catalogue import COMPONENTS, Mode, Owner, Side
from bcp.domain.errors import IllegalTransition
from bcp.domain.incident import declare
from bcp.domain.lifecycle import Action, State
from bcp.domain.notices import NO_FALLBACK, NoticeDraft, NoticeKind, Reason, publish
from bcp.domain.reflexes.engine import fallback_components
from bcp.domain.reflexes.model import Phase, StepRole
from bcp.store.reflex_files import REFLEXES_DIR
from tests.conftest import T0
from tests.domain.conftest import (
    CARRIER,
    DESK,
    MANAGER,
    OPERATOR,
    PROVIDER,
    PROVIDER_STAFF,
    TABLE,
    declaration,
)

EU, NATIONAL, OPERATOR_OWNED, PROVIDER_OWNED = (
    Owner.EU,
    Owner.NATIONAL,
    Owner.OPERATOR,
    Owner.PROVIDER,
)
BY_NOTICE = "for everyone, when France activates the BCP (the notice's window)"
BY_DESK = "for this operator, when the desk activates the BCP for it after the SAU's diagnosis"
NONE = "none"
FALLBACK_ROUTE = "operator-fallback-filing"  # air: the July 2023 e-mail to the CID SAU


@dataclass(frozen=True)
class Row:
    row: str
    component: str
    side: Side
    owner: Owner
    procedure: str
    gate: str
    first: tuple[str, ...]
    """The operator's (or provider's) steps of the response phase, in order, before any
    fallback filing."""
    after_recovery: tuple[str, ...]
    channel: str = "EDI"
    stp_access: bool = False
    planned: bool = False


ADMIN, OPERATOR_SIDE, PROVIDER_SIDE = Side.ADMINISTRATION, Side.OPERATOR, Side.PROVIDER
AFTER_EU = ("operator-relodge", "desk-close")  # MRN (and for air AC) checked, then closed

SCENARIOS = [
    Row("E1 TAPAS", "TAPAS", ADMIN, EU, "administration-outage", BY_NOTICE,
        ("operator-keep-sending",), AFTER_EU),
    Row("E1 TAPAS, STP access", "TAPAS", ADMIN, EU, "administration-outage-stp", BY_NOTICE,
        ("operator-lodge-stp", "operator-keep-sending"), AFTER_EU, stp_access=True),
    Row("E2 UUM&DS (no STP either)", "UUMDS", ADMIN, EU, "administration-outage", BY_NOTICE,
        ("operator-keep-sending",), AFTER_EU, stp_access=True),
    Row("E3 STI", "STI", ADMIN, EU, "administration-outage", BY_NOTICE,
        ("operator-keep-sending",), AFTER_EU),
    Row("E3 STI, STP access", "STI", ADMIN, EU, "administration-outage-stp", BY_NOTICE,
        ("operator-lodge-stp", "operator-keep-sending"), AFTER_EU, stp_access=True),
    Row("E4 STP, DTI filer", "STP", ADMIN, EU, "portal-outage", BY_NOTICE,
        ("operator-switch-edi",), AFTER_EU, channel="DTI"),
    Row("E4 STP, EDI filer: not affected", "STP", ADMIN, EU, "not-affected", NONE,
        ("operator-keep-edi",), ("desk-close",)),
    Row("E5 CR (no STP either)", "CR", ADMIN, EU, "administration-outage", BY_NOTICE,
        ("operator-keep-sending",), AFTER_EU, stp_access=True),
    Row("N1 NES: no fallback", "NES", ADMIN, NATIONAL, "national-system-outage", NONE,
        ("operator-continue",),
        ("operator-check-notifications", "desk-national-catch-up", "desk-close")),
    Row("O1 operator's system", "EO_SYSTEM", OPERATOR_SIDE, OPERATOR_OWNED, "operator-outage",
        BY_DESK, ("operator-diagnose", "operator-contact-sau"),
        ("operator-relodge", "desk-close")),
    Row("O1 operator's system, STP access", "EO_SYSTEM", OPERATOR_SIDE, OPERATOR_OWNED,
        "operator-outage-stp", BY_DESK,
        ("operator-lodge-stp", "operator-diagnose", "operator-contact-sau"),
        ("operator-relodge", "desk-close"), stp_access=True),
    Row("O2 provider's system", "PROVIDER_SYSTEM", PROVIDER_SIDE, PROVIDER_OWNED,
        "provider-outage", BY_DESK,
        ("provider-diagnose", "provider-inform-clients", "provider-contact-sau"),
        ("provider-relodge", "desk-close")),
    Row("O3 certificate", "UUMDS", OPERATOR_SIDE, EU, "certificate-problem", BY_DESK,
        ("operator-check-certificate", "operator-renew-certificate",
         "operator-register-certificate", "operator-contact-sau"),
        ("operator-relodge", "desk-close")),
    Row("O3 certificate, STP access", "UUMDS", OPERATOR_SIDE, EU, "certificate-problem-stp",
        BY_DESK,
        ("operator-lodge-stp", "operator-check-certificate", "operator-renew-certificate",
         "operator-register-certificate", "operator-contact-sau"),
        ("operator-relodge", "desk-close"), stp_access=True),
    Row("P1 planned maintenance", "CR", ADMIN, EU, "planned-maintenance", BY_NOTICE,
        ("operator-prepare",), AFTER_EU, planned=True),
]  # fmt: skip


def incident_for(row: Row, mode: str = "air"):
    """The outage as the filer concerned declares it, for its own organisation."""
    provider = row.side is PROVIDER_SIDE
    actor = PROVIDER_STAFF if provider else OPERATOR
    organisation = replace(PROVIDER if provider else CARRIER, stp_access=row.stp_access)
    actor = replace(actor, organisation=organisation)
    overrides = {
        "component": row.component,
        "side": row.side.value,
        "channel": row.channel,
        "modes": [mode],
        "scope": "provider" if provider else "organisation",
    }
    if row.planned:
        overrides |= {
            "planned": True,
            "started_at": (T0 + timedelta(days=3)).isoformat(),
            "planned_until": (T0 + timedelta(days=3, hours=4)).isoformat(),
        }
    return declare(declaration(**overrides), actor, organisation, T0, TABLE), actor


@pytest.mark.parametrize("row", SCENARIOS, ids=[r.row for r in SCENARIOS])
def test_the_sheet_follows_the_scenario_table(row: Row):
    incident, _ = incident_for(row)
    procedure = incident.procedure
    assert COMPONENTS[row.component].owner is row.owner
    assert procedure.id == row.procedure
    assert procedure.fallback is (row.gate != NONE)
    filers = (StepRole.OPERATOR, StepRole.PROVIDER)
    first = tuple(
        s.id
        for s in procedure.steps
        if s.role in filers and s.phase is Phase.RESPONSE and "consignments_sent" not in s.done_when
    )
    assert first == row.first
    assert tuple(s.id for s in procedure.steps if s.phase is Phase.FOLLOW_UP) == row.after_recovery
    steps = {s.id for s in procedure.steps}
    if row.gate == BY_NOTICE:
        assert "desk-activate-bcp" in steps and FALLBACK_ROUTE in steps
    elif row.gate == BY_DESK:
        assert {"desk-decide", "desk-notify-commission", FALLBACK_ROUTE} <= steps
        assert any("activate_fallback" in s.blocks for s in procedure.steps)
    else:
        assert not any("consignments_sent" in s.done_when for s in procedure.steps)
        assert not any("consignments_relodged" in s.done_when for s in procedure.steps)


@pytest.mark.parametrize("row", SCENARIOS, ids=[r.row for r in SCENARIOS])
def test_what_each_role_may_do(row: Row):
    """The filer never opens its own fallback; the desk does, once the gate is passed, except
    where the sheet has no fallback at all; the manager only escalates."""
    incident, filer = incident_for(row)
    assert Action.ACTIVATE_FALLBACK not in incident.allowed_actions(filer)
    assert incident.allowed_actions(MANAGER) == []
    incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    if row.gate == NONE:
        with pytest.raises(IllegalTransition, match="no fallback"):
            incident.apply(Action.ACTIVATE_FALLBACK, DESK, T0)
        return
    blocking = [s.id for s in incident.procedure.steps if "activate_fallback" in s.blocks]
    if blocking:
        first = incident.procedure.step(blocking[0]).title.en
        with pytest.raises(IllegalTransition, match=re.escape(first)):  # named by its title
            incident.apply(Action.ACTIVATE_FALLBACK, DESK, T0)
        for step_id in blocking:
            incident.settle_step(step_id, True, filer, T0)
    event = incident.apply(Action.ACTIVATE_FALLBACK, DESK, T0 + timedelta(minutes=5))
    assert incident.state is State.FALLBACK_ACTIVE
    assert event.changes["bcp"]["modes"] == ["air"]  # the activation, for this incident's modes
    assert event.changes["bcp"]["offices"] == []  # every French office of first entry


@pytest.mark.parametrize(
    ("mode", "route"),
    [
        ("air", "operator-fallback-filing"),
        ("express", "operator-fallback-filing"),
        ("maritime", "operator-fallback-filing-maritime"),
        ("road", "operator-fallback-filing-road"),
        ("rail", "operator-fallback-filing-rail"),
    ],
)
def test_the_fallback_route_is_the_one_of_the_mode(mode, route):
    incident, _ = incident_for(SCENARIOS[3], mode)  # E3 STI
    routes = [s for s in incident.procedure.steps if "consignments_sent" in s.done_when]
    assert [s.id for s in routes] == [route]
    if mode in ("air", "express"):  # the July 2023 procedure for air carriers
        assert routes[0].source.document.startswith("DGDDI, procédure temporaire de secours")
    else:  # the sources at hand are silent on the other modes
        assert routes[0].to_confirm


def test_eu_side_operators_keep_sending_and_check_the_responses_on_recovery():
    incident, _ = incident_for(SCENARIOS[3])
    keep = incident.procedure.step("operator-keep-sending")
    assert "queues" in keep.instruction.en and "met en file" in keep.instruction.fr
    check = incident.procedure.step("operator-relodge")
    assert "MRN" in check.instruction.en and "assessment complete" in check.instruction.en
    assert check.done_when == ("consignments_relodged",)


def test_steps_resting_on_gamma_are_to_be_confirmed():
    gamma = [
        s
        for p in TABLE.procedures.values()
        for s in p.steps
        if s.source.document.startswith("DGDDI, Prodou@ne – GAMMA")
    ]
    assert gamma and all(s.to_confirm for s in gamma)


def test_the_sources_name_the_legal_frame():
    documents = {s.source.document for p in TABLE.procedures.values() for s in p.steps}
    documents |= {r.source.document for r in TABLE.rules}
    assert any(d.startswith("Implementing Regulation (EU) 2023/1070, Art. 105") for d in documents)
    sources = yaml.safe_load((REFLEXES_DIR / "fr-2026-12.yaml").read_text(encoding="utf-8"))
    assert any("Art. 6(3)(b)" in s["document"] for s in sources["sources"].values())


def test_a_national_system_notice_cannot_activate_a_fallback():
    components = fallback_components(TABLE, ("NES",))
    assert components == frozenset()
    assert fallback_components(TABLE, ("STI", "NES")) == {"STI"}
    notice = publish(
        NoticeDraft(
            components=("NES",),
            kind=NoticeKind.UNSCHEDULED,
            reason=Reason.UNDETERMINED,
            title="ICS2 FR indisponible",
            starts_at=None,
            expected_end=None,
        ),
        DESK,
        T0,
    ).notice
    with pytest.raises(IllegalTransition) as refused:
        notice.open_fallback(DESK, T0, fallback_components=components)
    assert str(refused.value) == NO_FALLBACK


def test_the_notice_authorises_only_the_modes_the_bcp_was_activated_for():
    """The member state activates the BCP for air: the air carrier's incident on the STI outage
    is in fallback; a maritime carrier's stays acknowledged, waiting."""
    notice = publish(
        NoticeDraft(
            components=("STI",),
            kind=NoticeKind.UNSCHEDULED,
            reason=Reason.UNDETERMINED,
            title="STI indisponible",
            starts_at=T0 - timedelta(minutes=30),
            expected_end=None,
        ),
        DESK,
        T0,
    ).notice
    notice.id = 7
    activation = ActivationRequest(modes=(Mode.AIR,), decided_by="DGDDI").decide(DESK.label, T0)
    notice.open_fallback(DESK, T0, activation=activation)
    air, _ = incident_for(SCENARIOS[3], "air")
    sea, _ = incident_for(SCENARIOS[3], "maritime")
    for incident in (air, sea):
        incident.follow_notice(notice, T0 + timedelta(minutes=1))
    assert air.state is State.FALLBACK_ACTIVE
    assert air.activation.decided_by == "DGDDI" and air.activation.modes == (Mode.AIR,)
    assert sea.state is State.ACKNOWLEDGED and sea.activation is None


def test_a_step_is_done_only_once_its_phase_is_reached():
    """The fallback filing waits for the authorisation and the re-lodging for the recovery; a
    step that will not happen may still be skipped, with its reason."""
    incident, carrier = incident_for(SCENARIOS[3])  # E3 STI, air
    with pytest.raises(IllegalTransition, match="once the fallback is authorised"):
        incident.settle_step("operator-fallback-filing", True, carrier, T0)
    with pytest.raises(IllegalTransition, match="after recovery"):
        incident.settle_step("desk-close", True, DESK, T0)
    incident.apply(Action.ACKNOWLEDGE, DESK, T0)
    incident.apply(Action.ACTIVATE_FALLBACK, DESK, T0)
    incident.settle_step("operator-fallback-filing", True, carrier, T0)
    skipped = incident.settle_step(
        "operator-keep-sending", False, carrier, T0, note="nothing to send"
    )
    assert skipped.kind.value == "step_skipped"
