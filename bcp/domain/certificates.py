"""UUM&DS certificates: an expired, revoked or unregistered one stops an operator as surely as a
broken system. Warnings 60, 30 and 7 days before expiry; on the day, a draft UUMDS incident on
the operator's side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bcp.domain.errors import ErrorList
from bcp.domain.messages import N_

WARNING_DAYS = (60, 30, 7)


class CertificateStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"


@dataclass(frozen=True)
class Certificate:
    id: int
    organisation_id: int
    label: str
    valid_from: date
    valid_until: date
    status: CertificateStatus
    process: int


def check(valid_from: date, valid_until: date, process: int, label: str) -> None:
    errors = ErrorList()
    if valid_until <= valid_from:
        errors.add("valid_until", N_("must come after the date it is valid from"))
    if process not in (1, 2):
        errors.add("process", N_("1 (the operator holds its certificate) or 2 (its provider does)"))
    if not label.strip() or len(label) > 200:
        errors.add("label", N_("required, at most 200 characters"))
    errors.raise_if_any()


def due_warning(certificate: Certificate, today: date, sent: set[int]) -> int | None:
    """The warning to send today, if any: the nearest threshold reached and not yet sent (one
    warning, even when several thresholds passed while nobody was watching)."""
    if certificate.status is not CertificateStatus.ACTIVE:
        return None
    left = (certificate.valid_until - today).days
    reached = [d for d in WARNING_DAYS if left <= d]
    if not reached or left <= 0:
        return None
    nearest = min(reached)
    return None if any(s <= nearest for s in sent) else nearest


def expired(certificate: Certificate, today: date) -> bool:
    return certificate.status is CertificateStatus.REVOKED or today >= certificate.valid_until
