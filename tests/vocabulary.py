"""What a French page or document must not show: a message of the catalogue left in English, or
an internal code of the closed vocabularies or of the rules table (a person reads its label)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from bcp.store.reflex_files import load_all

CATALOGUE = (
    Path(__file__).parents[1] / "bcp" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
)


def english_messages() -> list[str]:
    """The parts of the catalogue's messages whose French differs, long enough (three words or
    more) not to be mistaken for a word French shares with English."""
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    parts = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if not english or english in strings:
                continue
            for part in re.split(r"%\(\w+\)[sd]|%%|[:;()\[\]]", english):
                part = part.strip(" .,·—-")
                if len(part.split()) >= 3 and not any(part in french for french in strings):
                    parts.add(part)
    return sorted(parts, key=len, reverse=True)


def internal_codes() -> re.Pattern:
    """The closed vocabularies' values and the rules table's step and procedure ids: a person
    reads their label, never the code. Codes that are also French words are left out."""
    from bcp.domain import actors, catalogue, lifecycle, notices, referrals, timeline
    from bcp.domain.consignments import model as consignments
    from bcp.domain.reflexes import model as reflexes

    enums = [
        lifecycle.State,
        lifecycle.Action,
        timeline.EventKind,
        actors.Role,
        actors.OrganisationKind,
        catalogue.Mode,
        catalogue.EnsOperation,
        catalogue.Side,
        catalogue.Scope,
        reflexes.StepRole,
        reflexes.Phase,
        notices.NoticeKind,
        notices.Reason,
        notices.UpdateKind,
        referrals.ReferralKind,
        referrals.Outcome,
        consignments.ConsignmentState,
    ]
    codes = {member.value for enum in enums for member in enum}
    for table in load_all().values():
        codes |= set(table.procedures)
        codes |= {step.id for procedure in table.procedures.values() for step in procedure.steps}
    codes -= FRENCH_WORDS
    words = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({words})(?![\w-])")


# Codes that are French words as well: the modes postal, express, maritime and rail, "desk" (the
# desk des douanes), "administration", "organisation", "national", "close" (la fenêtre est close).
FRENCH_WORDS = {
    "close",
    "postal",
    "express",
    "maritime",
    "rail",
    "desk",
    "national",
    "administration",
    "organisation",
}


@cache
def _vocabulary() -> tuple[list[str], re.Pattern]:
    return english_messages(), internal_codes()


def untranslated_text(text: str) -> list[str]:
    """What a French text shows in English or as an internal code."""
    english, codes = _vocabulary()
    found = [f"in English: {part!r}" for part in english if part in text]
    found += [f"internal code: {code!r}" for code in sorted(set(codes.findall(text)))]
    return found
