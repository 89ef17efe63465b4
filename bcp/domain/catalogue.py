"""The ICS2 component catalogue and the other closed vocabularies of an outage.

Sources: DGDDI note to operators of 13 October 2025 (fiche réflexe) and the ICS2 user guide for
operators (September 2023); see docs/domain.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Owner(StrEnum):
    """Who runs the component."""

    EU = "eu"
    NATIONAL = "national"
    OPERATOR = "operator"
    PROVIDER = "provider"


class Side(StrEnum):
    """Whose side the fault is on: it decides who authorises the fallback (GAMMA's two cases)."""

    ADMINISTRATION = "administration"
    OPERATOR = "operator"
    PROVIDER = "provider"


class Scope(StrEnum):
    """Whom an outage concerns."""

    ORGANISATION = "organisation"
    PROVIDER = "provider"
    NATIONAL = "national"
    EU = "eu"

    @property
    def concerns_everyone(self) -> bool:
        return self in (Scope.NATIONAL, Scope.EU)


class Mode(StrEnum):
    AIR = "air"
    POSTAL = "postal"
    EXPRESS = "express"
    MARITIME = "maritime"
    ROAD = "road"
    RAIL = "rail"


class Channel(StrEnum):
    EDI = "EDI"
    DTI = "DTI"


class EnsOperation(StrEnum):
    LODGE = "lodge"
    AMEND = "amend"
    INVALIDATE = "invalidate"
    ARRIVAL_NOTIFICATION = "arrival_notification"
    PRESENTATION_NOTIFICATION = "presentation_notification"
    REFERRAL_RESPONSE = "referral_response"


@dataclass(frozen=True)
class Component:
    code: str
    name_en: str
    name_fr: str
    owner: Owner
    sides: tuple[Side, ...]
    explanation_en: str
    explanation_fr: str

    @property
    def default_side(self) -> Side:
        return self.sides[0]

    def name(self, lang: str) -> str:
        return self.name_fr if lang == "fr" else self.name_en

    def explanation(self, lang: str) -> str:
        return self.explanation_fr if lang == "fr" else self.explanation_en


_ADMINISTRATION = (Side.ADMINISTRATION,)

COMPONENTS: dict[str, Component] = {
    c.code: c
    for c in (
        Component(
            "TAPAS",
            "DG TAXUD AS4 access point (TAPAS)",
            "Point d'accès AS4 de la DG TAXUD (TAPAS)",
            Owner.EU,
            _ADMINISTRATION,
            "The EU's end of the AS4 exchange: when it is down, no EDI message reaches ICS2.",
            "L'extrémité européenne de l'échange AS4 : en panne, aucun message EDI n'atteint ICS2.",
        ),
        Component(
            "UUMDS",
            "Identity and certificates (UUM&DS)",
            "Identités et certificats (UUM&DS)",
            Owner.EU,
            (Side.ADMINISTRATION, Side.OPERATOR),
            "Links an EORI to the certificate that seals its messages. Down, or your certificate "
            "expired, revoked or not registered: messages are refused.",
            "Relie un EORI au certificat qui scelle ses messages. En panne, ou certificat expiré, "
            "révoqué ou non enregistré : les messages sont refusés.",
        ),
        Component(
            "STI",
            "Shared Trader Interface (STI)",
            "Interface partagée opérateurs (STI)",
            Owner.EU,
            _ADMINISTRATION,
            "The system-to-system (EDI) interface: ENS cannot be lodged, amended or invalidated "
            "in EDI.",
            "L'interface de système à système (EDI) : impossible de déposer, modifier ou "
            "invalider une ENS en EDI.",
        ),
        Component(
            "STP",
            "Shared Trader Portal (STP)",
            "Portail partagé opérateurs (STP)",
            Owner.EU,
            _ADMINISTRATION,
            "The Commission's web portal: ENS cannot be typed in directly (DTI).",
            "Le portail web de la Commission : impossible de saisir une ENS directement (DTI).",
        ),
        Component(
            "CR",
            "ICS2 Common Repository (CR)",
            "Base européenne ICS2 (CR)",
            Owner.EU,
            _ADMINISTRATION,
            "Every ENS, EDI or DTI, passes through it: the whole ENS lifecycle stops for every "
            "member state.",
            "Toute ENS, EDI ou DTI, y transite : tout le cycle de vie de l'ENS s'arrête, pour "
            "tous les États membres.",
        ),
        Component(
            "NES",
            "National entry system (ICS2 FR)",
            "Brique nationale ICS2 FR",
            Owner.NATIONAL,
            _ADMINISTRATION,
            "The French national system: national processing and risk analysis.",
            "Le système national français : traitement national et analyse de risque.",
        ),
        Component(
            "EO_SYSTEM",
            "Operator's own system and AS4 access point",
            "Système d'information et point d'accès AS4 de l'opérateur",
            Owner.OPERATOR,
            (Side.OPERATOR,),
            "Your own information system or AS4 access point: only your filings are stopped.",
            "Votre propre système ou point d'accès AS4 : seules vos déclarations sont bloquées.",
        ),
        Component(
            "PROVIDER_SYSTEM",
            "EDI service provider's system",
            "Système du prestataire EDI",
            Owner.PROVIDER,
            (Side.PROVIDER,),
            "The system of the EDI provider that files for you and other operators.",
            "Le système du prestataire EDI qui dépose pour vous et d'autres opérateurs.",
        ),
    )
}


def component(code: str) -> Component:
    return COMPONENTS[code]


def possible_scopes(spec: Component, side: Side) -> tuple[Scope, ...]:
    """Whom an outage of `spec` at fault on `side` can concern. Only a fault on the
    administration's side of an EU or national component can concern everyone; the national
    system concerns France only."""
    local = (Scope.ORGANISATION, Scope.PROVIDER)
    if side is not Side.ADMINISTRATION:
        return local
    if spec.owner is Owner.EU:
        return (*local, Scope.NATIONAL, Scope.EU)
    if spec.owner is Owner.NATIONAL:
        return (*local, Scope.NATIONAL)
    return local
