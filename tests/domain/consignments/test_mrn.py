"""The MRN of an ENS: 18 characters, year, issuing country, serial, and DG TAXUD's check
character (ISO 6346's algorithm over the first 17)."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcp.domain.consignments.mrn import _VALUES, ISSUERS, check_character, mrn_problem

KNOWN_GOOD = [
    "21DE27364916384836",  # a German MRN quoted as valid by a customs software's test suite
    "26FR" + "A1B2C3D4E5F6G" + check_character("26FRA1B2C3D4E5F6G"),
]
ALPHABET = string.ascii_uppercase + string.digits


@pytest.mark.parametrize("mrn", KNOWN_GOOD)
def test_known_good_mrns_are_accepted(mrn):
    assert mrn_problem(mrn) is None
    assert mrn_problem(mrn.lower()) is None
    assert mrn_problem(" ".join([mrn[:4], mrn[4:]])) is None


@pytest.mark.parametrize(
    ("mrn", "part"),
    [
        ("21DE2736491638483", "18 characters"),
        ("21DE273649163848361", "18 characters"),
        ("2XDE27364916384836", "two digits of its year"),
        ("21AB27364916384830", "country"),
        ("21DE2736491638-836", "letters A to Z and digits"),
        ("21DE27364916384835", "last character"),
    ],
)
def test_a_wrong_mrn_says_which_part_is_wrong(mrn, part):
    assert part in mrn_problem(mrn)


def _blind_spot(original: str, corrupted: str) -> bool:
    """The corruptions a check digit of this kind cannot see: a character replaced by one
    whose value differs by a multiple of 11 (1 and B, 2 and C...), and a sum whose rest by 11
    moves between 0 and 10 (both give the check digit 0)."""
    diff = next(
        (_VALUES[a] - _VALUES[b] for a, b in zip(original, corrupted, strict=True) if a != b), 0
    )
    return diff % 11 == 0 or check_character(original[:17]) == check_character(corrupted[:17])


serials = st.text(alphabet=ALPHABET, min_size=13, max_size=13)


@given(
    year=st.integers(0, 99),
    country=st.sampled_from(sorted(ISSUERS)),
    serial=serials,
    position=st.integers(0, 17),
    replacement=st.sampled_from(ALPHABET),
)
def test_every_single_character_corruption_is_refused(year, country, serial, position, replacement):
    body = f"{year:02d}{country}{serial}"
    good = body + check_character(body)
    assert mrn_problem(good) is None
    corrupted = good[:position] + replacement + good[position + 1 :]
    if corrupted == good:
        return
    if position < 17 and _blind_spot(good, corrupted):
        # The algorithm DG TAXUD specifies cannot see these; what it can see is refused.
        return
    assert mrn_problem(corrupted) is not None


def test_the_check_character_sees_most_corruptions():
    """Measured over one MRN: the share of single-character corruptions refused."""
    good = KNOWN_GOOD[1]
    tried = refused = 0
    for position in range(18):
        for c in ALPHABET:
            if c == good[position]:
                continue
            tried += 1
            refused += mrn_problem(good[:position] + c + good[position + 1 :]) is not None
    assert refused / tried > 0.9
    every_check_character_corruption = [good[:17] + c for c in ALPHABET if c != good[17]]
    assert all(mrn_problem(m) for m in every_check_character_corruption)
