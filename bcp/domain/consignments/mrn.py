"""The MRN an ENS gets when ICS2 registers it (IE3R01), checked before it is recorded.

18 characters: the last two digits of the year, the ISO 3166 code of the country that issued
it, a serial of 13 letters or digits, then a check character. The check character is DG TAXUD's
(the same for every MRN of the Union's customs systems): ISO 6346's, over the first 17
characters: each letter has a value from 10 up (skipping 11, 22 and 33), each digit its own;
the values weighted by 2 to the power of their position are summed, and the sum modulo 11,
then modulo 10, is the check digit."""

from __future__ import annotations

import string

from bcp.domain.messages import N_

MRN_LENGTH = 18
_VALUES: dict[str, int] = {d: int(d) for d in string.digits}
_value = 10
for _letter in string.ascii_uppercase:
    if _value % 11 == 0:
        _value += 1
    _VALUES[_letter] = _value
    _value += 1

# The member states and the countries that issue MRNs in ICS2 (and Northern Ireland's XI).
ISSUERS = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "XI",
        "CH",
        "NO",
    ]
)


def check_character(first17: str) -> str:
    total = sum(_VALUES[c] * 2**i for i, c in enumerate(first17))
    return str(total % 11 % 10)


def normalise_mrn(text: str) -> str:
    return "".join(text.split()).upper()


def mrn_problem(text: str) -> str | None:
    """None for a well-formed MRN; otherwise which part is wrong."""
    mrn = normalise_mrn(text)
    if len(mrn) != MRN_LENGTH:
        return N_("an MRN has 18 characters")
    if not mrn[:2].isdigit():
        return N_("an MRN starts with the two digits of its year")
    if mrn[2:4] not in ISSUERS:
        return N_("characters 3 and 4 of an MRN are the code of the country that issued it")
    if any(c not in _VALUES for c in mrn[4:]):
        return N_("after the country, an MRN has only letters A to Z and digits")
    if check_character(mrn[:17]) != mrn[17]:
        return N_(
            "the last character of this MRN does not match the others: check for a typing slip"
        )
    return None
