"""Demo data for `make run`: one organisation per actor kind, one user per role, two incidents,
a scheduled maintenance notice.

The credentials are documented in README.md; `load_demo` refuses to run in production.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from bcp.domain.activation import ActivationRequest
from bcp.domain.catalogue import Channel, EnsOperation, Mode, Scope
from bcp.domain.clock import PARIS, Clock, FrozenClock, in_paris
from bcp.domain.consignments.csv_import import COLUMNS
from bcp.domain.declaration import Declaration
from bcp.domain.lifecycle import Action
from bcp.domain.notices import NoticeDraft, NoticeKind, Reason
from bcp.services.accounts import actor_for_token, add_organisation, add_user
from bcp.services.consignments import import_consignments
from bcp.services.context import Context
from bcp.services.incidents import apply_action, declare_incident, settle_step
from bcp.services.notices import (
    announce_for_everyone,
    close_notice,
    notify_commission,
    publish_notice,
    set_fallback,
)
from bcp.services.reflexes import ReflexLibrary
from bcp.services.unit_of_work import UnitOfWork
from bcp.store.accounts import organisation_count

ORGANISATIONS = [
    ("EDI Connect Démo", "provider", "FR88900123400059", "88900123400059", None),
    ("Aérofret Démo SA", "carrier", "FR81234567800013", "81234567800013", None),
    ("Transitaire Démo SAS", "forwarder", "FR40219876500024", "40219876500024", "FR88900123400059"),
    ("Poste Démo", "postal", "FR53102468900030", "53102468900030", None),
    ("Express Démo SARL", "express", "FR77598132400046", "77598132400046", None),
    ("DGDDI – Service desk ICS2 (démo)", "customs", "FR13000456700066", "13000456700066", None),
]

# login, role, organisation, name, password, API token
USERS = [
    (
        "operateur",
        "operator",
        "FR81234567800013",
        "Camille Martin (Aérofret)",
        "Operateur!2026",
        "demo-operator-token",
    ),
    (
        "prestataire",
        "operator",
        "FR88900123400059",
        "Lou Bernard (EDI Connect)",
        "Prestataire!2026",
        "demo-provider-token",
    ),
    (
        "douane",
        "desk",
        "FR13000456700066",
        "Agent du service desk",
        "Douane!2026",
        "demo-desk-token",
    ),
    ("manager", "manager", None, "Responsable continuité", "Manager!2026", "demo-manager-token"),
    ("admin", "admin", None, "Administrateur", "Admin!2026", "demo-admin-token"),
]

DEMO_TOKENS = frozenset(token for *_, token in USERS)
DEMO_PASSWORDS = frozenset((login, password) for login, _, _, _, password, _ in USERS)
"""Known to everyone who read the README: refused in production (bcp.web.security)."""


def load_demo(uow: UnitOfWork, clock: Clock, library: ReflexLibrary) -> bool:
    """Load the demo data into an empty database; return False (and touch nothing) otherwise."""
    with uow:
        if organisation_count(uow.session):
            return False
    for name, kind, eori, siret, provider in ORGANISATIONS:
        add_organisation(
            uow, clock, name=name, kind=kind, eori=eori, siret=siret, provider_eori=provider
        )
    for login, role, org, display, password, token in USERS:
        add_user(
            uow,
            clock,
            login=login,
            role=role,
            org_eori=org,
            display_name=display,
            password=password,
            token=token,
        )
    _demo_incidents(uow, clock, library)
    _demo_notice(uow, clock, library)
    return True


def _demo_incidents(uow: UnitOfWork, clock: Clock, library: ReflexLibrary) -> None:
    operator = actor_for_token(uow, "demo-operator-token")
    desk = actor_for_token(uow, "demo-desk-token")
    if operator is None or desk is None:
        raise RuntimeError("demo users are missing their tokens")
    now = clock.now()
    past = FrozenClock(now - timedelta(days=1, hours=3))
    sti = announce_for_everyone(
        Context(uow, past, library, desk),
        Declaration(
            component="STI",
            organisation_eori=None,
            scope=Scope.EU,
            side=None,
            started_at=past.now() - timedelta(minutes=12),
            planned=False,
            planned_until=None,
            modes=(Mode.AIR, Mode.POSTAL, Mode.EXPRESS),
            channel=Channel.EDI,
            ens_operations=(EnsOperation.LODGE, EnsOperation.AMEND, EnsOperation.INVALIDATE),
            ens_waiting=0,
            summary="STI indisponible",
            description="Les messages envoyés sont mis en file et traités au rétablissement.",
        ),
    ).notice
    past.advance(minutes=3)
    joined = declare_incident(
        Context(uow, past, library, operator),
        Declaration(
            component="STI",
            organisation_eori=None,
            scope=None,
            side=None,
            started_at=past.now() - timedelta(minutes=14),
            planned=False,
            planned_until=None,
            modes=(Mode.AIR,),
            channel=Channel.EDI,
            ens_operations=(EnsOperation.LODGE,),
            ens_waiting=7,
            summary="Aucun accusé de réception STI",
            description="Démo : déclaré pendant l'avis STI du desk, auquel il s'est rattaché.",
        ),
    ).incident
    past.advance(minutes=2)
    set_fallback(
        Context(uow, past, library, desk),
        sti.id,
        True,
        "Plan de continuité activé pour l'aérien, le postal et l'express",
        ActivationRequest(
            decided_by="DGDDI, bureau de la politique du dédouanement",
            modes=(Mode.AIR, Mode.POSTAL, Mode.EXPRESS),
        ),
    )
    past.advance(minutes=10)
    notify_commission(
        Context(uow, past, library, desk), sti.id, "DG TAXUD ICS2 service desk; member states"
    )
    past.advance(hours=2, minutes=25)
    close_notice(Context(uow, past, library, desk), sti.id, "STI de nouveau disponible")
    past.advance(minutes=50)
    settle_step(
        Context(uow, past, library, operator),
        joined.id,
        "operator-relodge",
        done=True,
        note="7 ENS re-déposées, MRN reçus",
    )
    past.advance(minutes=10)
    apply_action(
        Context(uow, past, library, desk), joined.id, Action.CLOSE, "ENS re-déposées dans ICS2"
    )
    as4 = declare_incident(
        Context(uow, FrozenClock(now - timedelta(minutes=20)), library, operator),
        Declaration(
            component="EO_SYSTEM",
            organisation_eori=None,
            scope=None,
            side=None,
            started_at=now - timedelta(minutes=35),
            planned=False,
            planned_until=None,
            modes=(Mode.AIR,),
            channel=Channel.EDI,
            ens_operations=(EnsOperation.LODGE,),
            ens_waiting=42,
            summary="Point d'accès AS4 hors service",
            description="Démo : notre point d'accès AS4 n'envoie plus rien depuis la mise à jour "
            "de son certificat.",
        ),
    ).incident
    import_consignments(Context(uow, clock, library, operator), as4.id, demo_consignments(now))


def _demo_notice(uow: UnitOfWork, clock: Clock, library: ReflexLibrary) -> None:
    """A maintenance of the common repository announced five days ahead, from 22:00 Paris."""
    desk = actor_for_token(uow, "demo-desk-token")
    day = in_paris(clock.now()).date() + timedelta(days=5)
    start = datetime.combine(day, time(22, 0), tzinfo=PARIS)
    publish_notice(
        Context(uow, clock, library, desk),
        NoticeDraft(
            components=("CR", "STI"),
            kind=NoticeKind.SCHEDULED,
            reason=Reason.SCHEDULED_MAINTENANCE,
            title="Maintenance du CR / CR maintenance",
            starts_at=start.astimezone(UTC),
            expected_end=(start + timedelta(hours=4)).astimezone(UTC),
            messages="Les messages envoyés pendant la fenêtre sont mis en file / "
            "messages sent during the window are queued and processed after it.",
            fallback_allowed=True,
        ),
    )


def demo_consignments(now: datetime) -> str:
    """Six air waybills on flights to Roissy and Lyon, the first ENS due in 25 minutes."""
    lines = [",".join(COLUMNS)]
    flights = [
        ("AF0331", "FR004100"),
        ("AF0331", "FR004100"),
        ("LH1032", "FR004100"),
        ("AF0731", "FR006900"),
        ("EK0073", "FR004100"),
        ("AF0671", "FR004100"),
    ]
    for i, (flight, office) in enumerate(flights):
        departure = (now - timedelta(hours=3)).isoformat(timespec="minutes")
        arrival = (now + timedelta(hours=4, minutes=25 + 40 * i)).isoformat(timespec="minutes")
        lines.append(
            f"awb_house,DEMO-H{i + 1:03d},air-long-haul,{flight},{office},,{departure},{arrival},,"
        )
    return "\n".join(lines)
