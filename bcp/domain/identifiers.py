"""Checks of the identifiers that French customs use: EORI and SIRET."""

from __future__ import annotations

import re

from bcp.domain.messages import N_

_EORI = re.compile(r"^[A-Z]{2}[A-Z0-9]{1,15}$")
_SIRET = re.compile(r"^\d{14}$")
# La Poste's establishments share SIREN 356000000; their SIRETs follow another checksum.
_LA_POSTE_SIREN = "356000000"


def eori_problem(value: str) -> str | None:
    if not _EORI.match(value):
        return N_("an EORI is a 2-letter country code followed by up to 15 letters or digits")
    if value.startswith("FR") and len(value) == 16 and siret_problem(value[2:]) is not None:
        return N_("a French EORI of 16 characters is FR followed by a valid SIRET")
    return None


def siret_problem(value: str) -> str | None:
    if not _SIRET.match(value):
        return N_("a SIRET is 14 digits")
    if value.startswith(_LA_POSTE_SIREN):
        if sum(int(d) for d in value) % 5 != 0:
            return N_("this SIRET fails its checksum")
        return None
    if not luhn_valid(value):
        return N_("this SIRET fails its checksum (Luhn)")
    return None


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0
